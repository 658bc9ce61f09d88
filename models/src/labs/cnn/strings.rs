//! The CNN lab's words, in English and 简体中文.

use crate::labs::Strings;

pub const STRINGS: Strings = &[
    ("name", "CNN — convolutional network", "CNN —— 卷积神经网络"),
    ("short", "CNN", "CNN"),
    ("preset.overfit", "Too little data (overfitting)", "数据太少（过拟合）"),
    (
        "preset.overfit.help",
        "Only 300 training images: the network soon knows each of them by heart, and the held-out loss climbs while the training loss keeps falling",
        "只有 300 张训练图像：网络很快把每一张都背下来，训练损失继续下降，留出集损失却在上升",
    ),
    ("preset.too_high", "Learning rate too high", "学习率过高"),
    (
        "preset.too_high.help",
        "A learning rate of 0.5: one of the first steps throws the weights so far that the network gives every image the same answer. The loss stays at ln 10 = 2.30, the level of guessing among ten classes",
        "学习率 0.5：最初的某一步就把权重甩得太远，网络对每张图都给出同一个答案。损失停在 ln 10 = 2.30，也就是在十个类别里瞎猜的水平",
    ),
    ("preset.too_low", "Learning rate too low", "学习率过低"),
    (
        "preset.too_low.help",
        "A learning rate of 0.00001, a hundred times below the default: every step is right, but so small that the loss barely moves in a minute",
        "学习率 0.00001，是默认值的百分之一：每一步方向都对，但步子太小，一分钟里损失几乎不动",
    ),
    (
        "desc",
        "Filters slide over the image and learn to detect strokes and shapes. Click a test image to see what every layer sees.",
        "卷积核在图像上滑动，学会识别笔画和形状。点一张测试图像，看每一层看到了什么。",
    ),
    // Parameters
    ("dataset", "Dataset", "数据集"),
    (
        "dataset.help",
        "MNIST digits, Fashion-MNIST clothes, the small 8×8 digits, or a folder of your own images",
        "MNIST 手写数字、Fashion-MNIST 服饰、8×8 小数字，或你自己的图像文件夹",
    ),
    ("folder_path", "Image folder", "图像文件夹"),
    (
        "folder_path.help",
        "One sub-folder per class, holding PNG or JPEG images; they are resized to 28×28",
        "每类一个子文件夹，内含 PNG 或 JPEG 图像；图像会缩放到 28×28",
    ),
    ("folder_rgb", "Keep colour", "保留彩色"),
    (
        "folder_rgb.help",
        "Train on red, green and blue channels instead of grey",
        "用红、绿、蓝三个通道训练，而不是灰度",
    ),
    ("train_size", "Training images", "训练图像数"),
    (
        "train_size.help",
        "How many training images to use (fewer trains faster, generalises worse)",
        "使用多少张训练图像（越少训练越快，泛化越差）",
    ),
    ("blocks", "Conv blocks", "卷积块数"),
    ("blocks.help", "Each block: convolution, activation, pooling", "每块：卷积、激活、池化"),
    ("filters", "Filters per block", "每块卷积核数"),
    ("filters.help", "How many feature detectors each block learns", "每块学习多少个特征检测器"),
    ("kernel", "Kernel size", "卷积核大小"),
    ("kernel.help", "Width and height of each filter, in pixels", "每个卷积核的宽和高（像素）"),
    ("stride", "Stride", "步幅"),
    ("stride.help", "How many pixels a filter moves at a time", "卷积核每次移动的像素数"),
    ("padding", "Padding", "填充"),
    (
        "padding.help",
        "'same' pads the border so the image keeps its size; 'valid' does not",
        "“same” 在边缘补零使尺寸不变；“valid” 不补",
    ),
    ("pooling", "Pooling", "池化"),
    (
        "pooling.help",
        "Halve the maps after each block by taking the maximum or the average of 2×2 pixels",
        "每块之后把特征图缩小一半：取 2×2 像素的最大值或平均值",
    ),
    ("activation", "Activation", "激活函数"),
    ("activation.help", "The function applied after each convolution", "每次卷积之后使用的函数"),
    ("dropout", "Dropout", "Dropout"),
    (
        "dropout.help",
        "Share of dense-layer units switched off at random while training",
        "训练时随机关闭的全连接层单元比例",
    ),
    ("dense", "Dense width", "全连接层宽度"),
    ("dense.help", "Neurons in the fully connected layer before the output", "输出层之前全连接层的神经元数"),
    ("batch.help", "Images per training step", "每步训练使用的图像数"),
    // Choices
    ("opt.digits", "8×8 digits", "8×8 小数字"),
    ("opt.folder", "My image folder", "我的图像文件夹"),
    ("opt.same", "same", "same（保持尺寸）"),
    ("opt.valid", "valid", "valid（不填充）"),
    ("opt.max", "max", "最大值"),
    ("opt.avg", "average", "平均值"),
    ("opt.none", "none", "无"),
    // Views
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
    // Errors
    ("err.no_folder", "Choose a folder of images first.", "请先选择一个图像文件夹。"),
    (
        "err.cnn_shrinks",
        "The image shrinks to nothing: use fewer blocks, a smaller kernel or stride, or 'same' padding.",
        "图像被缩小到没有了：请减少卷积块、减小卷积核或步幅，或使用 “same” 填充。",
    ),
    // The explanation panel: the idea, how it trains, strengths, weaknesses, uses; per view
    // what to look for (`.look`) and its formula (`.formula`, `{0}`…: the lab's numbers now).
    (
        "explain.idea",
        "A convolutional network slides small filters over the image. The same few weights look for the same pattern everywhere, so a stroke is found wherever it is. Pooling shrinks the maps, and layer by layer the filters see larger parts: edges, then strokes, then whole shapes.",
        "卷积网络让小卷积核在图像上滑动。同样的几个权重在每个位置找同一种图案，所以笔画在哪里都能被找到。池化把特征图缩小，一层层下来卷积核看到的范围越来越大：先是边缘，然后是笔画，最后是整个形状。",
    ),
    (
        "explain.training",
        "Backpropagation with cross-entropy, as for the MLP; each filter's gradient adds up the blame from every position it was applied at.",
        "和多层感知机一样用交叉熵做反向传播；每个卷积核的梯度把它在每个位置上的责任加在一起。",
    ),
    (
        "explain.good",
        "Images and anything laid out on a grid: far fewer weights than a dense network, and it does not care where in the picture a thing is.",
        "图像以及一切排成网格的数据：权重比全连接网络少得多，而且不在乎物体位于画面的哪个位置。",
    ),
    (
        "explain.bad",
        "It needs many labelled images; it sees local patterns first and global layout only in its deep layers; small changes a person would not notice can fool it.",
        "它需要大量带标签的图像；它先看局部图案，整体布局要到深层才看得到；人察觉不到的微小改动就能骗过它。",
    ),
    (
        "explain.uses",
        "Photo tagging, medical scans, handwriting and postcode reading, quality control on production lines, the eyes of self-driving cars.",
        "照片标注、医学影像、手写与邮编识别、生产线质检、自动驾驶汽车的“眼睛”。",
    ),
    (
        "view.maps.look",
        "Click a test image. The first block's maps light up on edges in one direction or another; the second block's on larger pieces of strokes. Each map is smaller than the one before.",
        "点一张测试图像。第一块的特征图在某个方向的边缘上发亮；第二块的则对更大的笔画片段有反应。每张特征图都比前一张小。",
    ),
    (
        "view.maps.formula",
        "out = ⌊(in + 2p − k) / s⌋ + 1 = ⌊({0} + 2·{1} − {2}) / {3}⌋ + 1 = {4}; after pooling {5}",
        "输出边长 = ⌊(输入 + 2p − k) / s⌋ + 1 = ⌊({0} + 2·{1} − {2}) / {3}⌋ + 1 = {4}；池化后 {5}",
    ),
    (
        "view.probabilities.look",
        "A confident model puts nearly all of the bar on one digit. Draw an ambiguous digit (a 4 that could be a 9) and watch the bar split.",
        "自信的模型几乎把整根柱子都给一个数字。画一个模棱两可的数字（像 9 的 4），看柱子如何分开。",
    ),
    (
        "view.filters.look",
        "Early on the filters are random speckle; after a few hundred steps many become small edge and spot detectors, light on one side and dark on the other.",
        "一开始卷积核是随机的斑点；几百步后，许多变成小的边缘和斑点检测器，一侧亮一侧暗。",
    ),
    (
        "view.mistakes.look",
        "Most mistakes are digits a person would hesitate over too. Mistakes that look easy point to what the network has not learnt yet.",
        "大多数错例连人也会犹豫。看起来很容易却认错的，说明网络还有东西没学会。",
    ),
    (
        "view.canvas.look",
        "Draw a digit and the model reads it live. Try it thin, thick, small or off-centre: it was trained on centred digits, and shows it.",
        "写一个数字，模型实时识别。试试写细、写粗、写小或者偏到一边：它是用居中的数字训练的，这一点会暴露出来。",
    ),
];
