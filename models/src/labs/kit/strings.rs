//! The words of what labs share (the training knobs, activations, the bundled image sets, the
//! confusion matrix), in English and 简体中文. A lab's own entry wins over these.

use crate::labs::Strings;

pub const STRINGS: Strings = &[
    ("preset.defaults", "Defaults", "默认设置"),
    (
        "preset.defaults.help",
        "The lab's own settings, tuned to train well",
        "本实验自带的设置，调好了能训练得好",
    ),
    // How much gradient reaches the first layer (the MLP and ResNet labs)
    (
        "chart.gradients",
        "Gradient reaching the first layer ÷ the last layer's (power of 10: -2 is 1/100)",
        "到达第一层的梯度 ÷ 最后一层的（10 的幂：-2 即 1/100）",
    ),
    ("chart.gradients.line", "1/100: vanishing", "1/100：消失"),
    ("metric.grad_ratio", "log₁₀(first ÷ last)", "log₁₀(第一层 ÷ 最后一层)"),
    (
        "detect.vanishing",
        "Step {0}: the gradient reaching the first layer is under 1/100 of the last layer's. It vanishes on its way back through the layers (each sigmoid multiplies it by at most 1/4, each tanh by at most 1): the early layers barely learn. ReLU, fewer layers, batch norm or skip connections help. In a ReLU network it means something else: units that are dead or blown up pass no gradient at all (see the other messages).",
        "第 {0} 步：到达第一层的梯度不到最后一层的 1/100。它在逐层反向传播时消失了（每个 sigmoid 至多把它乘以 1/4，每个 tanh 至多乘以 1）：前面的层几乎学不到东西。ReLU、更少的层、批归一化或跳跃连接会有帮助。在 ReLU 网络里它另有含义：死掉或被冲垮的单元根本传不回梯度（见其他提示）。",
    ),
    ("detect.vanishing.short", "Vanishing gradient", "梯度消失"),
    // What the detectors say ({0}: the step), and their names on the charts
    ("detect.diverging.short", "Diverging", "发散"),
    ("detect.overfitting.short", "Overfitting", "过拟合"),
    ("detect.forgetting.short", "Forgetting", "遗忘"),
    (
        "detect.diverging",
        "Step {0}: the loss is climbing away from the lowest it reached. The steps overshoot: the learning rate is likely too high.",
        "第 {0} 步：损失正离开它到过的最低点、不断上升。更新步子迈得太大：学习率多半太高了。",
    ),
    (
        "detect.overfitting",
        "Step {0}: the held-out loss keeps rising while the training loss still falls. The network is memorising its training examples (overfitting): more data, a smaller network or L2 would help.",
        "第 {0} 步：留出集损失持续上升，训练损失却还在下降。网络在死记训练样本（过拟合）：更多数据、更小的网络或 L2 正则会有帮助。",
    ),
    (
        "detect.forgetting",
        "Step {0}: the agent had solved the task and has lost half of it again (catastrophic forgetting): new experience overwrote what it had learned.",
        "第 {0} 步：智能体曾经解决了任务，如今又丢掉了一半的成绩（灾难性遗忘）：新的经验覆盖了已学到的东西。",
    ),
    // The training knobs
    ("optimizer", "Optimizer", "优化器"),
    (
        "optimizer.help",
        "How the gradient turns into a weight update; switching resets its state",
        "如何把梯度变成权重更新；切换时其内部状态清零",
    ),
    ("lr", "Learning rate", "学习率"),
    (
        "lr.help",
        "Step size of each update; too high and the loss explodes",
        "每次更新的步长；太大会让损失爆炸",
    ),
    ("batch", "Batch size", "批量大小"),
    ("batch.help", "Examples per training step", "每步训练使用的样本数"),
    ("lr_decay", "Learning-rate decay", "学习率衰减"),
    (
        "lr_decay.help",
        "Cosine: the learning rate glides down to 1/100 of its value over the decay steps, so the weights settle",
        "余弦：学习率在衰减步数内平滑降到原值的 1/100，让权重稳定下来",
    ),
    ("decay_steps", "Decay steps", "衰减步数"),
    (
        "decay_steps.help",
        "Steps over which the learning rate decays; afterwards it stays at 1/100",
        "学习率在这么多步内衰减；之后保持在 1/100",
    ),
    ("seed", "Seed", "随机种子"),
    (
        "seed.help",
        "Same seed, same settings, same device: the same run",
        "同样的种子、设置和设备，得到同样的训练过程",
    ),
    ("opt.constant", "constant", "不变"),
    ("opt.cosine", "cosine", "余弦"),
    ("opt.sgd", "SGD", "SGD"),
    ("opt.momentum", "SGD + momentum", "SGD + 动量"),
    ("opt.adam", "Adam", "Adam"),
    // Activations
    ("opt.relu", "ReLU", "ReLU"),
    ("opt.tanh", "tanh", "tanh"),
    ("opt.sigmoid", "sigmoid", "sigmoid"),
    ("opt.linear", "linear", "线性"),
    // Image sets
    ("opt.mnist", "MNIST digits", "MNIST 手写数字"),
    ("opt.fashion", "Fashion-MNIST", "Fashion-MNIST 服饰"),
    // 2-D point clouds
    ("opt.swissroll", "swiss roll", "瑞士卷"),
    ("opt.ring", "ring of 8 Gaussians", "8 个高斯环"),
    ("opt.moons", "two moons", "双月"),
    ("opt.spiral", "spiral", "螺旋"),
    ("opt.grid", "5×5 grid of Gaussians", "5×5 高斯网格"),
    ("opt.drawn", "your own points (click to draw)", "自己画的点（点击绘制）"),
    ("points", "Drawn points", "画的点"),
    (
        "points.help",
        "Your points as x,y;x,y;… — click on the plane to add one, right-click to remove the nearest",
        "你画的点，写作 x,y;x,y;… —— 在平面上单击添加一个，右键删除最近的一个",
    ),
    ("label.drawn", "Your points", "你画的点"),
    (
        "err.no_points",
        "The drawing has no points: click on the plane to add some.",
        "画里还没有点：在平面上单击添加一些。",
    ),
    ("augment", "Augment (shifts)", "数据增强（平移）"),
    (
        "augment.help",
        "Shift each training image by up to two pixels, so the network cannot memorise positions",
        "把每张训练图像随机平移最多两个像素，让网络无法死记位置",
    ),
    ("sample", "Test image", "测试图像"),
    (
        "sample.help",
        "The test image whose feature maps (and probabilities) are shown; or click one in the strip",
        "显示其特征图（和概率）的测试图像；也可以在图像条中点选",
    ),
    // Generative labs: the judge's census of samples
    (
        "label.generated",
        "Generated (with the class the judge reads and its probability)",
        "生成的图像（附判别分类器读出的类别及其概率）",
    ),
    ("label.classes_read", "Classes the judge reads in 100 samples", "判别分类器在 100 个样本中读出的类别"),
    ("label.real_images", "Real images", "真实图像"),
    // Classifiers
    ("view.confusion", "Confusion matrix", "混淆矩阵"),
    (
        "view.confusion.help",
        "Test examples by true class (rows) and predicted class (columns); the diagonal is correct.",
        "测试样本按真实类别（行）和预测类别（列）计数；对角线为预测正确。",
    ),
    ("err.unknown_dataset", "Unknown data set.", "未知的数据集。"),
    (
        "err.snapshot",
        "This checkpoint belongs to another lab or another version of it; the run stays where it is.",
        "这个检查点属于别的实验或别的版本；训练保持原样。",
    ),
    ("err.too_few_rows", "Too few rows for a train/test split.", "数据行太少，无法划分训练集和测试集。"),
    // The text corpora of the sequence labs.
    ("corpus", "Text", "文本"),
    ("corpus.help", "What the model learns to write", "模型学习写的文本"),
    ("opt.moby_dick", "Moby Dick", "《白鲸》"),
    ("opt.tang", "Tang poems", "唐诗"),
    ("opt.lunyu", "the Analects (论语)", "《论语》"),
    ("opt.file", "your text file", "你的文本文件"),
    ("file", "Text file", "文本文件"),
    ("file.help", "A UTF-8 text file", "一个 UTF-8 文本文件"),
    ("err.no_text_file", "Choose a text file first.", "请先选择一个文本文件。"),
    (
        "err.text_too_short",
        "The text is too short to train on: use one of at least 64 characters.",
        "文本太短，无法训练：请使用至少 64 个字符的文本。",
    ),
    // The explanation panel: the idea, how it trains, strengths, weaknesses, uses; per view
    // what to look for (`.look`) and its formula (`.formula`, `{0}`…: the lab's numbers now).
    (
        "view.confusion.look",
        "Look along the diagonal: the right answers. A bright cell off it names a pair of classes the model mixes up, and that is where the mistakes view will show you examples.",
        "看对角线：那是答对的部分。对角线外的亮格指出模型混淆的一对类别，错例视图里能看到它们的例子。",
    ),
];
