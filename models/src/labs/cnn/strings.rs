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
];
