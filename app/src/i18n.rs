//! Every user-facing string, in English and 简体中文. Look-ups go through [`tr`]; a key that
//! is missing shows as itself (and a test checks that every key the labs use is here).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tenlab_models::LabError;
use tenlab_models::error::{CsvProblem, FolderProblem, IdxProblem};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];
    /// The language's own name (the same in both tables on purpose).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }
}

/// (key, English, 简体中文)
const TABLE: &[(&str, &str, &str)] = &[
    // App shell
    ("app.title", "tenlab — watch deep learning train", "tenlab —— 看着深度学习训练"),
    ("ui.lab", "Lab", "实验"),
    ("ui.language", "Language", "语言"),
    ("ui.scale", "UI scale", "界面缩放"),
    ("ui.scale.help", "Make everything bigger for a projector", "放大整个界面，适合投影仪"),
    ("ui.device", "Device", "设备"),
    (
        "ui.device.help",
        "Where the model trains. Changing it restarts the run.",
        "模型在哪里训练。更改后会重新开始训练。",
    ),
    ("device.auto", "Auto (GPU if present)", "自动（有 GPU 就用）"),
    ("device.cpu", "CPU", "CPU"),
    ("device.gpu", "GPU (wgpu)", "GPU（wgpu）"),
    ("ui.play", "▶ Play", "▶ 开始"),
    ("ui.play.help", "Train continuously (Space)", "连续训练（空格键）"),
    ("ui.pause", "⏸ Pause", "⏸ 暂停"),
    ("ui.pause.help", "Stop after the current step (Space)", "在当前一步之后停下（空格键）"),
    ("ui.step", "⏭ Step", "⏭ 单步"),
    ("ui.step.help", "Train exactly one mini-batch", "只训练一个小批量"),
    ("ui.reset", "⟲ Reset", "⟲ 重置"),
    (
        "ui.reset.help",
        "Rebuild the data and the model from the current settings",
        "按当前设置重新生成数据和模型",
    ),
    ("ui.speed", "Speed", "速度"),
    (
        "ui.speed.help",
        "Steps per second; slow it down to watch each step",
        "每秒训练步数；调慢可以看清每一步",
    ),
    ("ui.speed.max", "max", "最快"),
    ("ui.params", "Hyper-parameters", "超参数"),
    ("ui.needs_reset", "Some changes take effect after a reset.", "部分更改需要重置后才生效。"),
    ("ui.needs_reset.badge", "⟲ after reset", "⟲ 重置后生效"),
    (
        "ui.needs_reset.help",
        "Changing this rebuilds the model or the data: press Reset to apply it.",
        "更改此项需要重建模型或数据：按“重置”后生效。",
    ),
    ("ui.live.help", "Takes effect at the next training step.", "从下一步训练起立即生效。"),
    ("ui.browse", "Browse…", "浏览…"),
    (
        "ui.browse.none",
        "No file dialog is available here: type the file's path in the box.",
        "此处无法打开文件对话框：请在输入框中键入文件路径。",
    ),
    ("ui.dismiss", "Dismiss", "关闭"),
    ("ui.views", "Views", "视图"),
    ("ui.curves", "Curves", "曲线"),
    ("ui.loss", "Loss", "损失"),
    ("ui.previous", "previous run", "上一次训练"),
    ("ui.show_previous", "Compare with the previous run", "与上一次训练对比"),
    (
        "ui.show_previous.help",
        "The dashed curves are the run before the last Reset: change a setting, reset, and compare.",
        "虚线是上次重置之前那次训练的曲线：改一个设置，重置，然后对比。",
    ),
    ("ui.accuracy", "Accuracy", "准确率"),
    ("ui.step_axis", "step", "步数"),
    ("ui.true_class", "true class", "真实类别"),
    ("ui.predicted", "predicted", "预测类别"),
    ("ui.show_test", "Show test points", "显示测试点"),
    ("ui.no_view", "Press Play or Step to start training.", "按“开始”或“单步”开始训练。"),
    ("ui.waiting", "Computing…", "计算中…"),
    ("ui.config.open", "Open settings…", "打开设置…"),
    ("ui.config.save", "Save settings…", "保存设置…"),
    ("ui.config.saved", "Settings saved to", "设置已保存到"),
    ("ui.config.bad", "This settings file cannot be used", "无法使用这个设置文件"),
    ("status.device", "Device", "设备"),
    ("status.step", "Step", "步数"),
    ("status.rate", "steps/s", "步/秒"),
    ("status.lr", "Learning rate", "学习率"),
    (
        "status.lr.help",
        "The learning rate in effect now, after its decay",
        "当前实际使用的学习率（已计入衰减）",
    ),
    ("status.elapsed", "Training time", "训练时间"),
    ("status.loading", "Building…", "构建中…"),
    ("status.paused", "Paused", "已暂停"),
    ("status.playing", "Training", "训练中"),
    ("status.failed", "Not running", "未运行"),
    ("group.data", "Data", "数据"),
    ("group.model", "Model", "模型"),
    ("group.training", "Training", "训练"),
    ("unit.percent", "%", "%"),
    // Metrics
    ("metric.batch_loss", "mini-batch loss", "小批量损失"),
    ("metric.train_loss", "train loss", "训练损失"),
    ("metric.test_loss", "test loss", "测试损失"),
    ("metric.train_acc", "train accuracy", "训练准确率"),
    ("metric.test_acc", "test accuracy", "测试准确率"),
    // Views
    ("view.boundary", "Decision boundary", "决策边界"),
    (
        "view.boundary.help",
        "Colour: the class the network predicts at each point; paler means less sure. Circles: training points (white rim) and test points (dark rim).",
        "颜色：网络在每一点预测的类别；越浅越不确定。圆点：训练点（白边）与测试点（黑边）。",
    ),
    ("view.neurons", "Neurons", "神经元"),
    (
        "view.neurons.help",
        "What each hidden neuron outputs over the plane, one row per layer; the last row is the network's output.",
        "每个隐藏神经元在平面上的输出，每层一行；最后一行是网络的输出。",
    ),
    ("view.weights", "Weights", "权重"),
    (
        "view.weights.help",
        "Each layer's weight matrix: rows are inputs, columns are neurons. Orange is positive, blue negative; stronger colour, larger weight.",
        "每层的权重矩阵：行是输入，列是神经元。橙色为正，蓝色为负；颜色越深，权重绝对值越大。",
    ),
    ("view.confusion", "Confusion matrix", "混淆矩阵"),
    (
        "view.confusion.help",
        "Test examples by true class (rows) and predicted class (columns); the diagonal is correct.",
        "测试样本按真实类别（行）和预测类别（列）计数；对角线为预测正确。",
    ),
    // Labs
    ("lab.mlp", "MLP — multilayer perceptron", "MLP —— 多层感知机"),
    ("lab.mlp.short", "MLP", "MLP"),
    (
        "lab.mlp.desc",
        "A fully connected network learns to separate classes. Watch the decision boundary bend as it trains.",
        "全连接网络学习区分不同类别。看决策边界在训练中如何弯曲。",
    ),
    // MLP parameters
    ("mlp.dataset", "Dataset", "数据集"),
    (
        "mlp.dataset.help",
        "Playground's 2-D sets, Iris (4 features, 3 species) or your own CSV file",
        "Playground 的二维数据集、鸢尾花（4 个特征，3 个品种）或你自己的 CSV 文件",
    ),
    ("mlp.points", "Points", "点数"),
    (
        "mlp.points.help",
        "How many points the 2-D set has (train and test together)",
        "二维数据集的点数（训练与测试合计）",
    ),
    ("mlp.noise", "Noise", "噪声"),
    ("mlp.noise.help", "How much the points stray from the clean pattern", "数据点偏离理想图案的程度"),
    ("mlp.train_pct", "Training share", "训练集比例"),
    (
        "mlp.train_pct.help",
        "Share of the data used for training; the rest is held out for testing",
        "用于训练的数据比例，其余留作测试",
    ),
    ("mlp.csv_path", "CSV file", "CSV 文件"),
    (
        "mlp.csv_path.help",
        "Numeric columns plus one label column; a header row is optional",
        "数值列加一个标签列；表头行可有可无",
    ),
    ("mlp.csv_label", "Label column", "标签列"),
    (
        "mlp.csv_label.help",
        "Header name or column number (1 = first); 'last' for the last column",
        "表头名称或列号（1 为第一列）；“last” 表示最后一列",
    ),
    ("mlp.x1", "Input x₁", "输入 x₁"),
    ("mlp.x1.help", "The horizontal coordinate", "横坐标"),
    ("mlp.x2", "Input x₂", "输入 x₂"),
    ("mlp.x2.help", "The vertical coordinate", "纵坐标"),
    ("mlp.x1_sq", "Input x₁²", "输入 x₁²"),
    ("mlp.x1_sq.help", "x₁ squared", "x₁ 的平方"),
    ("mlp.x2_sq", "Input x₂²", "输入 x₂²"),
    ("mlp.x2_sq.help", "x₂ squared", "x₂ 的平方"),
    ("mlp.x1x2", "Input x₁x₂", "输入 x₁x₂"),
    ("mlp.x1x2.help", "The product of the two coordinates", "两个坐标的乘积"),
    ("mlp.sin_x1", "Input sin x₁", "输入 sin x₁"),
    ("mlp.sin_x1.help", "The sine of x₁", "x₁ 的正弦"),
    ("mlp.sin_x2", "Input sin x₂", "输入 sin x₂"),
    ("mlp.sin_x2.help", "The sine of x₂", "x₂ 的正弦"),
    ("mlp.layers", "Hidden layers", "隐藏层数"),
    ("mlp.layers.help", "0 gives logistic regression", "0 即逻辑回归"),
    ("mlp.neurons", "Neurons per layer", "每层神经元数"),
    ("mlp.neurons.help", "Width of every hidden layer", "每个隐藏层的宽度"),
    ("mlp.activation", "Activation", "激活函数"),
    (
        "mlp.activation.help",
        "The function each hidden neuron applies to its weighted sum",
        "每个隐藏神经元作用于加权和的函数",
    ),
    ("mlp.l2", "L2 regularisation", "L2 正则化"),
    ("mlp.l2.help", "Penalty on large weights (added to the loss)", "对大权重的惩罚（加入损失）"),
    // CNN lab
    ("lab.cnn", "CNN — convolutional network", "CNN —— 卷积神经网络"),
    ("lab.cnn.short", "CNN", "CNN"),
    (
        "lab.cnn.desc",
        "Filters slide over the image and learn to detect strokes and shapes. Click a test image to see what every layer sees.",
        "卷积核在图像上滑动，学会识别笔画和形状。点一张测试图像，看每一层看到了什么。",
    ),
    ("cnn.dataset", "Dataset", "数据集"),
    (
        "cnn.dataset.help",
        "MNIST digits, Fashion-MNIST clothes, the small 8×8 digits, or a folder of your own images",
        "MNIST 手写数字、Fashion-MNIST 服饰、8×8 小数字，或你自己的图像文件夹",
    ),
    ("cnn.folder_path", "Image folder", "图像文件夹"),
    (
        "cnn.folder_path.help",
        "One sub-folder per class, holding PNG or JPEG images; they are resized to 28×28",
        "每类一个子文件夹，内含 PNG 或 JPEG 图像；图像会缩放到 28×28",
    ),
    ("cnn.folder_rgb", "Keep colour", "保留彩色"),
    (
        "cnn.folder_rgb.help",
        "Train on red, green and blue channels instead of grey",
        "用红、绿、蓝三个通道训练，而不是灰度",
    ),
    ("cnn.train_size", "Training images", "训练图像数"),
    (
        "cnn.train_size.help",
        "How many training images to use (fewer trains faster, generalises worse)",
        "使用多少张训练图像（越少训练越快，泛化越差）",
    ),
    ("param.augment", "Augment (shifts)", "数据增强（平移）"),
    (
        "param.augment.help",
        "Shift each training image by up to two pixels, so the network cannot memorise positions",
        "把每张训练图像随机平移最多两个像素，让网络无法死记位置",
    ),
    ("param.sample", "Test image", "测试图像"),
    (
        "param.sample.help",
        "The test image whose feature maps (and probabilities) are shown; or click one in the strip",
        "显示其特征图（和概率）的测试图像；也可以在图像条中点选",
    ),
    ("cnn.blocks", "Conv blocks", "卷积块数"),
    ("cnn.blocks.help", "Each block: convolution, activation, pooling", "每块：卷积、激活、池化"),
    ("cnn.filters", "Filters per block", "每块卷积核数"),
    ("cnn.filters.help", "How many feature detectors each block learns", "每块学习多少个特征检测器"),
    ("cnn.kernel", "Kernel size", "卷积核大小"),
    ("cnn.kernel.help", "Width and height of each filter, in pixels", "每个卷积核的宽和高（像素）"),
    ("cnn.stride", "Stride", "步幅"),
    ("cnn.stride.help", "How many pixels a filter moves at a time", "卷积核每次移动的像素数"),
    ("cnn.padding", "Padding", "填充"),
    (
        "cnn.padding.help",
        "'same' pads the border so the image keeps its size; 'valid' does not",
        "“same” 在边缘补零使尺寸不变；“valid” 不补",
    ),
    ("cnn.pooling", "Pooling", "池化"),
    (
        "cnn.pooling.help",
        "Halve the maps after each block by taking the maximum or the average of 2×2 pixels",
        "每块之后把特征图缩小一半：取 2×2 像素的最大值或平均值",
    ),
    ("cnn.activation", "Activation", "激活函数"),
    ("cnn.activation.help", "The function applied after each convolution", "每次卷积之后使用的函数"),
    ("cnn.dropout", "Dropout", "Dropout"),
    (
        "cnn.dropout.help",
        "Share of dense-layer units switched off at random while training",
        "训练时随机关闭的全连接层单元比例",
    ),
    ("cnn.dense", "Dense width", "全连接层宽度"),
    (
        "cnn.dense.help",
        "Neurons in the fully connected layer before the output",
        "输出层之前全连接层的神经元数",
    ),
    ("cnn.batch.help", "Images per training step", "每步训练使用的图像数"),
    ("view.maps", "Feature maps", "特征图"),
    (
        "view.maps.help",
        "Top: test images, click one. Below: what each block outputs for it, one small picture per filter.",
        "上方：测试图像，点选一张。下方：每个卷积块对它的输出，每个卷积核一张小图。",
    ),
    ("view.probabilities", "Prediction", "预测"),
    (
        "view.probabilities.help",
        "The chosen test image and the probability the network gives each class; ✔ marks the true class.",
        "所选测试图像，以及网络给每个类别的概率；✔ 标出真实类别。",
    ),
    ("view.filters", "Filters", "卷积核"),
    (
        "view.filters.help",
        "The first block's filters: orange weights respond to bright pixels, blue to dark.",
        "第一块的卷积核：橙色权重对亮像素响应，蓝色对暗像素响应。",
    ),
    ("view.mistakes", "Mistakes", "错例"),
    (
        "view.mistakes.help",
        "Test images the network gets wrong, as true class ➡ prediction.",
        "网络判断错误的测试图像，标注为 真实类别 ➡ 预测。",
    ),
    ("view.canvas", "Draw", "手写"),
    (
        "view.canvas.help",
        "Draw a digit with the mouse: it is centred and scaled the way MNIST digits are, and classified as you draw.",
        "用鼠标写一个数字：它会像 MNIST 数字那样居中并缩放，并在你书写时被识别。",
    ),
    ("ui.draw_hint", "Draw a digit here with the mouse.", "用鼠标在这里写一个数字。"),
    ("ui.clear", "Clear", "清除"),
    ("ui.latest", "Latest", "最新"),
    ("ui.older_newer", "time ➡ (newest at the right)", "时间 ➡（最新在右）"),
    // ResNet lab
    ("lab.resnet", "ResNet — residual network", "ResNet —— 残差网络"),
    ("lab.resnet.short", "ResNet", "ResNet"),
    (
        "lab.resnet.desc",
        "A deep plain network trains worse than the same network with skip connections. Switch the skips off, Reset and compare; with sigmoid and no batch norm, watch the early layers' gradients vanish.",
        "深层普通网络比同样带跳跃连接的网络训练得差。关掉跳跃连接、重置后对比；换成 sigmoid 并关闭批归一化，看靠前层的梯度消失。",
    ),
    ("resnet.dataset", "Dataset", "数据集"),
    ("resnet.dataset.help", "MNIST digits or Fashion-MNIST clothes", "MNIST 手写数字或 Fashion-MNIST 服饰"),
    ("resnet.train_size", "Training images", "训练图像数"),
    (
        "resnet.train_size.help",
        "How many training images to use (fewer trains faster)",
        "使用多少张训练图像（越少训练越快）",
    ),
    ("resnet.blocks", "Residual blocks", "残差块数"),
    (
        "resnet.blocks.help",
        "Each block has two 3×3 convolutions: 10 blocks make 21 convolution layers with the stem",
        "每块有两个 3×3 卷积：10 块加上首层共 21 个卷积层",
    ),
    ("resnet.width", "Width", "宽度"),
    (
        "resnet.width.help",
        "Channels in the first half of the blocks; the second half has twice as many",
        "前一半残差块的通道数；后一半加倍",
    ),
    ("resnet.skips", "Skip connections", "跳跃连接"),
    (
        "resnet.skips.help",
        "Add each block's input to its output. Off: the same network, plain",
        "把每块的输入加到输出上。关闭：同样的网络，但没有跳跃连接",
    ),
    ("resnet.activation", "Activation", "激活函数"),
    (
        "resnet.activation.help",
        "Sigmoid squashes gradients (its slope is at most 1/4): with batch norm off and no skips, the early layers stop learning",
        "sigmoid 会压缩梯度（斜率最多 1/4）：关闭批归一化且没有跳跃连接时，靠前的层学不动",
    ),
    ("resnet.batch_norm", "Batch norm", "批归一化"),
    (
        "resnet.batch_norm.help",
        "Normalise each convolution's output over the batch. Off: a deep plain network's early gradients vanish",
        "在批次上归一化每个卷积的输出。关闭：深层普通网络靠前层的梯度会消失",
    ),
    ("view.gradients", "Gradients", "梯度"),
    (
        "view.gradients.help",
        "How big each layer's weight gradient is, input side at the top: its history as colour (log10, one column every 5 steps) and the latest value as a bar. With sigmoid and batch norm off, a plain network's early gradients vanish while the skips carry them back; with batch norm they stay healthy, yet the plain network still trains slower.",
        "每层权重梯度的大小（上方靠近输入）：颜色是它的历史（log10，每 5 步一列），条形是最新值。使用 sigmoid 并关闭批归一化时，普通网络靠前层的梯度会消失，而跳跃连接能把梯度传回来；有批归一化时梯度保持正常，但普通网络仍然训练得更慢。",
    ),
    ("err.no_folder", "Choose a folder of images first.", "请先选择一个图像文件夹。"),
    (
        "err.cnn_shrinks",
        "The image shrinks to nothing: use fewer blocks, a smaller kernel or stride, or 'same' padding.",
        "图像被缩小到没有了：请减少卷积块、减小卷积核或步幅，或使用 “same” 填充。",
    ),
    // Parameters every trainer has (a lab's own `<lab>.<key>` entry wins over these)
    ("param.optimizer", "Optimizer", "优化器"),
    (
        "param.optimizer.help",
        "How the gradient turns into a weight update; switching resets its state",
        "如何把梯度变成权重更新；切换时其内部状态清零",
    ),
    ("param.lr", "Learning rate", "学习率"),
    (
        "param.lr.help",
        "Step size of each update; too high and the loss explodes",
        "每次更新的步长；太大会让损失爆炸",
    ),
    ("param.batch", "Batch size", "批量大小"),
    ("param.batch.help", "Examples per training step", "每步训练使用的样本数"),
    ("param.lr_decay", "Learning-rate decay", "学习率衰减"),
    (
        "param.lr_decay.help",
        "Cosine: the learning rate glides down to 1/100 of its value over the decay steps, so the weights settle",
        "余弦：学习率在衰减步数内平滑降到原值的 1/100，让权重稳定下来",
    ),
    ("param.decay_steps", "Decay steps", "衰减步数"),
    (
        "param.decay_steps.help",
        "Steps over which the learning rate decays; afterwards it stays at 1/100",
        "学习率在这么多步内衰减；之后保持在 1/100",
    ),
    ("param.seed", "Seed", "随机种子"),
    (
        "param.seed.help",
        "Same seed, same settings, same device: the same run",
        "同样的种子、设置和设备，得到同样的训练过程",
    ),
    // Choices
    ("opt.circle", "Circle", "圆形"),
    ("opt.xor", "Exclusive or (XOR)", "异或（XOR）"),
    ("opt.gauss", "Two Gaussians", "两个高斯团"),
    ("opt.spiral", "Spiral", "螺旋"),
    ("opt.moons", "Moons", "双月"),
    ("opt.iris", "Iris flowers", "鸢尾花"),
    ("opt.csv", "My CSV file", "我的 CSV 文件"),
    ("opt.relu", "ReLU", "ReLU"),
    ("opt.tanh", "tanh", "tanh"),
    ("opt.sigmoid", "sigmoid", "sigmoid"),
    ("opt.linear", "linear", "线性"),
    ("opt.mnist", "MNIST digits", "MNIST 手写数字"),
    ("opt.fashion", "Fashion-MNIST", "Fashion-MNIST 服饰"),
    ("opt.digits", "8×8 digits", "8×8 小数字"),
    ("opt.folder", "My image folder", "我的图像文件夹"),
    ("opt.same", "same", "same（保持尺寸）"),
    ("opt.valid", "valid", "valid（不填充）"),
    ("opt.max", "max", "最大值"),
    ("opt.avg", "average", "平均值"),
    ("opt.none", "none", "无"),
    ("opt.constant", "constant", "不变"),
    ("opt.cosine", "cosine", "余弦"),
    ("opt.sgd", "SGD", "SGD"),
    ("opt.momentum", "SGD + momentum", "SGD + 动量"),
    ("opt.adam", "Adam", "Adam"),
    // Errors
    ("err.unknown_lab", "Unknown lab '{0}'", "未知实验“{0}”"),
    ("err.unknown_param", "Unknown setting '{0}'", "未知设置“{0}”"),
    (
        "err.out_of_range",
        "{0} = {1} is out of range: allowed {2} to {3}",
        "{0} = {1} 超出范围：允许 {2} 到 {3}",
    ),
    ("err.bad_choice", "{0} = '{1}' is not one of: {2}", "{0} = “{1}” 不是可选值之一：{2}"),
    ("err.wrong_type", "{0} = '{1}' is not a valid {2}", "{0} = “{1}” 不是有效的{2}"),
    (
        "err.non_finite",
        "The loss became {0} at step {1} — the learning rate may be too high. Training paused.",
        "第 {1} 步损失变成了 {0} —— 学习率可能太大。训练已暂停。",
    ),
    ("err.panic", "The lab crashed: {0}. Press Reset to start again.", "实验崩溃：{0}。按“重置”重新开始。"),
    (
        "err.gpu_fallback",
        "The GPU could not be used ({0}); training on the CPU instead.",
        "无法使用 GPU（{0}）；改用 CPU 训练。",
    ),
    ("err.unknown_view", "No such view '{0}'", "没有视图“{0}”"),
    ("err.no_features", "Select at least one input feature.", "请至少选择一个输入特征。"),
    ("err.no_csv", "Choose a CSV file first.", "请先选择一个 CSV 文件。"),
    ("err.too_few_rows", "Too few rows for a train/test split.", "数据行太少，无法划分训练集和测试集。"),
    ("err.csv.io", "Cannot read the file: {0}", "无法读取文件：{0}"),
    ("err.csv.empty", "The file has no data rows.", "文件中没有数据行。"),
    (
        "err.csv.fields",
        "Line {0}: expected {1} fields, found {2}.",
        "第 {0} 行：应有 {1} 个字段，实际 {2} 个。",
    ),
    ("err.csv.nan", "Line {0}, column {1}: '{2}' is not a number.", "第 {0} 行第 {1} 列：“{2}” 不是数字。"),
    (
        "err.csv.column",
        "No label column '{0}' (the file has {1} columns).",
        "没有标签列“{0}”（文件共有 {1} 列）。",
    ),
    ("err.csv.too_few", "The file needs at least two {0}.", "文件至少需要两个{0}。"),
    ("err.idx.io", "{0}: cannot read the file: {1}", "{0}：无法读取文件：{1}"),
    ("err.idx.gzip", "{0}: the gzip data is damaged: {1}", "{0}：gzip 数据已损坏：{1}"),
    (
        "err.idx.magic",
        "{0}: not an IDX file of this kind (magic number {1}, expected {2})",
        "{0}：不是这种 IDX 文件（魔数 {1}，应为 {2}）",
    ),
    (
        "err.idx.truncated",
        "{0}: the file is truncated (expected {1} bytes, found {2})",
        "{0}：文件不完整（应有 {1} 字节，实际 {2} 字节）",
    ),
    (
        "err.idx.too_long",
        "{0}: the file is longer than its header says (expected {1} bytes, found {2})",
        "{0}：文件比文件头声明的长（应有 {1} 字节，实际 {2} 字节）",
    ),
    ("err.idx.mismatch", "{0}: {1} images but {2} labels", "{0}：{1} 张图像，却有 {2} 个标签"),
    (
        "err.idx.label",
        "{0}: label {1} of item {2} is not one of the {3} classes",
        "{0}：第 {2} 项的标签 {1} 不在 {3} 个类别之内",
    ),
    ("err.folder.io", "Cannot read the folder: {0}", "无法读取文件夹：{0}"),
    (
        "err.folder.few",
        "The folder needs at least two sub-folders (one per class) with PNG or JPEG images; found {0}.",
        "文件夹里至少需要两个含 PNG 或 JPEG 图像的子文件夹（每类一个）；只找到 {0} 个。",
    ),
    (
        "err.skipped",
        "{0} files could not be read and were left out: {1}",
        "有 {0} 个文件无法读取，已略过：{1}",
    ),
    ("word.columns", "columns", "列"),
    ("word.classes", "classes", "类别"),
    ("word.number", "number", "数字"),
    ("word.whole number", "whole number", "整数"),
    ("word.true/false", "true/false", "是/否"),
    ("word.choice", "choice", "选项"),
    ("word.text", "text", "文本"),
    ("word.config", "settings file", "设置文件"),
];

fn tables() -> &'static [HashMap<&'static str, &'static str>; 2] {
    static TABLES: OnceLock<[HashMap<&'static str, &'static str>; 2]> = OnceLock::new();
    TABLES.get_or_init(|| {
        [
            TABLE.iter().map(|(k, en, _)| (*k, *en)).collect(),
            TABLE.iter().map(|(k, _, zh)| (*k, *zh)).collect(),
        ]
    })
}

/// The text of `key` in `lang`, or the key itself if the table lacks it.
pub fn tr(lang: Lang, key: &str) -> String {
    lookup(lang, key).map_or_else(|| key.to_owned(), str::to_owned)
}

/// The text of `key`, if the table has it.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    tables()[lang as usize].get(key).copied()
}

/// Fills `{0}`, `{1}`, ... in the text of `key`.
pub fn trf(lang: Lang, key: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut s = tr(lang, key);
    for (i, a) in args.iter().enumerate() {
        s = s.replace(&format!("{{{i}}}"), &a.to_string());
    }
    s
}

/// A parameter's label: `<lab>.<key>`.
pub fn param_label(lang: Lang, lab: &str, key: &str) -> String {
    param_text(lang, lab, key)
}

/// A parameter's help text: `<lab>.<key>.help`.
pub fn param_help(lang: Lang, lab: &str, key: &str) -> String {
    param_text(lang, lab, &format!("{key}.help"))
}

/// `<lab>.<key>`, else the shared `param.<key>` of the knobs every trainer has.
fn param_text(lang: Lang, lab: &str, key: &str) -> String {
    lookup(lang, &format!("{lab}.{key}"))
        .or_else(|| lookup(lang, &format!("param.{key}")))
        .map_or_else(|| format!("{lab}.{key}"), str::to_owned)
}

/// An error or notice in the user's language.
pub fn error_text(lang: Lang, e: &LabError) -> String {
    let label = |key: &str| key.to_owned();
    match e {
        LabError::UnknownLab(id) => trf(lang, "err.unknown_lab", &[id]),
        LabError::UnknownParam { key, .. } => trf(lang, "err.unknown_param", &[key]),
        LabError::OutOfRange { key, value, min, max } => {
            trf(lang, "err.out_of_range", &[&label(key), value, min, max])
        }
        LabError::BadChoice { key, value, options } => {
            trf(lang, "err.bad_choice", &[&label(key), value, options])
        }
        LabError::WrongType { key, value, expected } => {
            trf(lang, "err.wrong_type", &[&label(key), value, &tr(lang, &format!("word.{expected}"))])
        }
        LabError::Csv(p) => match p {
            CsvProblem::Io(e) => trf(lang, "err.csv.io", &[e]),
            CsvProblem::Empty => tr(lang, "err.csv.empty"),
            CsvProblem::FieldCount { line, expected, got } => {
                trf(lang, "err.csv.fields", &[line, expected, got])
            }
            CsvProblem::NotANumber { line, column, text } => trf(lang, "err.csv.nan", &[line, column, text]),
            CsvProblem::NoSuchColumn { column, columns } => trf(lang, "err.csv.column", &[column, columns]),
            CsvProblem::TooFew { what } => {
                trf(lang, "err.csv.too_few", &[&tr(lang, &format!("word.{what}"))])
            }
        },
        LabError::Idx { file, problem } => match problem {
            IdxProblem::Io(e) => trf(lang, "err.idx.io", &[file, e]),
            IdxProblem::Gzip(e) => trf(lang, "err.idx.gzip", &[file, e]),
            IdxProblem::Magic { found, expected } => {
                trf(lang, "err.idx.magic", &[file, &format!("{found:#010x}"), &format!("{expected:#010x}")])
            }
            IdxProblem::Truncated { expected, got } => trf(lang, "err.idx.truncated", &[file, expected, got]),
            IdxProblem::TooLong { expected, got } => trf(lang, "err.idx.too_long", &[file, expected, got]),
            IdxProblem::Mismatch { images, labels } => trf(lang, "err.idx.mismatch", &[file, images, labels]),
            IdxProblem::BadLabel { index, label, classes } => {
                trf(lang, "err.idx.label", &[file, label, index, classes])
            }
        },
        LabError::Folder(FolderProblem::Io(e)) => trf(lang, "err.folder.io", &[e]),
        LabError::Folder(FolderProblem::TooFewClasses { found }) => trf(lang, "err.folder.few", &[found]),
        LabError::Skipped(files) => trf(lang, "err.skipped", &[&files.len(), &files.join(", ")]),
        LabError::Invalid { key, .. } => tr(lang, key),
        LabError::NonFinite { step, what } => trf(lang, "err.non_finite", &[what, step]),
        LabError::Panic(msg) => trf(lang, "err.panic", &[msg]),
        LabError::GpuFallback(msg) => trf(lang, "err.gpu_fallback", &[msg]),
        LabError::UnknownView(v) => trf(lang, "err.unknown_view", &[v]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenlab_models::params::ParamKind;

    #[test]
    fn every_key_the_labs_use_is_translated_in_both_languages() {
        let mut keys: Vec<String> = vec![];
        for def in tenlab_models::registry() {
            keys.push(format!("lab.{}", def.id));
            keys.push(format!("lab.{}.desc", def.id));
            for spec in (def.params)() {
                for lang in Lang::ALL {
                    let (label, help) =
                        (param_label(lang, def.id, spec.key), param_help(lang, def.id, spec.key));
                    assert!(
                        !label.starts_with(def.id) && !help.starts_with(def.id),
                        "{}.{} in {lang:?}",
                        def.id,
                        spec.key
                    );
                }
                if let ParamKind::Choice { options, .. } = spec.kind {
                    keys.extend(options.iter().map(|o| format!("opt.{o}")));
                }
                keys.extend(spec.unit.map(|u| format!("unit.{u}")));
            }
        }
        for m in tenlab_models::Metric::ALL {
            keys.push(format!("metric.{}", m.key()));
        }
        for d in tenlab_models::DeviceChoice::ALL {
            keys.push(format!("device.{}", d.key()));
        }
        for key in &keys {
            for lang in Lang::ALL {
                assert!(lookup(lang, key).is_some_and(|s| !s.is_empty()), "{key} missing in {lang:?}");
            }
        }
    }

    #[test]
    fn keys_are_unique_and_chinese_differs_from_english_for_sentences() {
        let mut seen = std::collections::HashSet::new();
        for (k, en, zh) in TABLE {
            assert!(seen.insert(k), "duplicate key {k}");
            if en.contains(' ') && en.len() > 12 {
                assert_ne!(en, zh, "{k} is not translated");
            }
        }
        let e = LabError::NonFinite { step: 812, what: "NaN" };
        assert!(error_text(Lang::Zh, &e).contains("第 812 步"));
        assert!(error_text(Lang::En, &e).contains("step 812"));
    }
}
