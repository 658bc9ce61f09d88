//! The ResNet lab's words, in English and 简体中文.

use crate::labs::Strings;

pub const STRINGS: Strings = &[
    ("name", "ResNet — residual network", "ResNet —— 残差网络"),
    ("short", "ResNet", "ResNet"),
    ("preset.plain", "Deep without skips", "深而无跳跃连接"),
    (
        "preset.plain.help",
        "Ten blocks without skip connections (batch norm kept): a deeper network that trains worse than the same one with skips",
        "十个块、没有跳跃连接（保留批归一化）：更深的网络，却比带跳跃连接的同一网络训练得更差",
    ),
    ("preset.vanishing", "Vanishing gradients", "梯度消失"),
    (
        "preset.vanishing.help",
        "Ten sigmoid blocks with neither skips nor batch norm: almost no gradient reaches the first layers, and the network learns nothing",
        "十个 sigmoid 块，既无跳跃连接也无批归一化：几乎没有梯度能到达前面的层，网络什么也学不到",
    ),
    (
        "desc",
        "A deep plain network trains worse than the same network with skip connections. Switch the skips off, Reset and compare; with sigmoid and no batch norm, watch the early layers' gradients vanish.",
        "深层普通网络比同样带跳跃连接的网络训练得差。关掉跳跃连接、重置后对比；换成 sigmoid 并关闭批归一化，看靠前层的梯度消失。",
    ),
    // Parameters
    ("dataset", "Dataset", "数据集"),
    ("dataset.help", "MNIST digits or Fashion-MNIST clothes", "MNIST 手写数字或 Fashion-MNIST 服饰"),
    ("train_size", "Training images", "训练图像数"),
    (
        "train_size.help",
        "How many training images to use (fewer trains faster)",
        "使用多少张训练图像（越少训练越快）",
    ),
    ("blocks", "Residual blocks", "残差块数"),
    (
        "blocks.help",
        "Each block has two 3×3 convolutions: 10 blocks make 21 convolution layers with the stem",
        "每块有两个 3×3 卷积：10 块加上首层共 21 个卷积层",
    ),
    ("width", "Width", "宽度"),
    (
        "width.help",
        "Channels in the first half of the blocks; the second half has twice as many",
        "前一半残差块的通道数；后一半加倍",
    ),
    ("skips", "Skip connections", "跳跃连接"),
    (
        "skips.help",
        "Add each block's input to its output. Off: the same network, plain",
        "把每块的输入加到输出上。关闭：同样的网络，但没有跳跃连接",
    ),
    ("activation", "Activation", "激活函数"),
    (
        "activation.help",
        "Sigmoid squashes gradients (its slope is at most 1/4): with batch norm off and no skips, the early layers stop learning",
        "sigmoid 会压缩梯度（斜率最多 1/4）：关闭批归一化且没有跳跃连接时，靠前的层学不动",
    ),
    ("batch_norm", "Batch norm", "批归一化"),
    (
        "batch_norm.help",
        "Normalise each convolution's output over the batch. Off: a deep plain network's early gradients vanish",
        "在批次上归一化每个卷积的输出。关闭：深层普通网络靠前层的梯度会消失",
    ),
    ("batch.help", "Images per training step", "每步训练使用的图像数"),
    // Views
    ("view.gradients", "Gradients", "梯度"),
    (
        "view.gradients.help",
        "How big each layer's weight gradient is, input side at the top: its history as colour (log10, one column every 5 steps) and the latest value as a bar. With sigmoid and batch norm off, a plain network's early gradients vanish while the skips carry them back; with batch norm they stay healthy, yet the plain network still trains slower.",
        "每层权重梯度的大小（上方靠近输入）：颜色是它的历史（log10，每 5 步一列），条形是最新值。使用 sigmoid 并关闭批归一化时，普通网络靠前层的梯度会消失，而跳跃连接能把梯度传回来；有批归一化时梯度保持正常，但普通网络仍然训练得更慢。",
    ),
    ("view.maps", "Feature maps", "特征图"),
    (
        "view.maps.help",
        "Top: test images, click one. Below: the output of every residual block for it (the residual stream before its activation: orange positive, blue negative), one small picture per channel.",
        "上方：测试图像，点选一张。下方：每个残差块对它的输出（激活之前的残差流：橙色为正，蓝色为负），每个通道一张小图。",
    ),
];
