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
    // The explanation panel: the idea, how it trains, strengths, weaknesses, uses; per view
    // what to look for (`.look`) and its formula (`.formula`, `{0}`…: the lab's numbers now).
    (
        "explain.idea",
        "A residual network adds a shortcut around every pair of layers: each block outputs its input plus a correction, y = x + F(x). The shortcut gives the gradient a straight road back to the first layers, so networks can be made much deeper.",
        "残差网络在每两层外面加一条捷径：每个块输出“输入加上一个修正”，y = x + F(x)。捷径给梯度一条直通最前面几层的路，所以网络可以做得深得多。",
    ),
    (
        "explain.training",
        "Backpropagation with cross-entropy; batch normalisation after each convolution keeps the signals at a steady scale.",
        "用交叉熵做反向传播；每个卷积后的批归一化让信号保持在稳定的尺度上。",
    ),
    (
        "explain.good",
        "Depth without the usual trouble: a deep plain network trains worse than a shallow one (the degradation problem), a deep residual network does not.",
        "能做深而不出常见问题：很深的普通网络比浅网络训练得更差（退化问题），深的残差网络不会。",
    ),
    (
        "explain.bad",
        "More layers cost more time and memory per image; on small, simple data a few layers do as well.",
        "层数越多，每张图的时间和内存开销越大；在小而简单的数据上，几层就够了。",
    ),
    (
        "explain.uses",
        "The backbone of image recognition since 2015, and its skip connection lives on in the Transformer and in the diffusion lab's U-Net.",
        "自 2015 年以来图像识别的主干网络；它的跳跃连接也活在 Transformer 和扩散实验室的 U-Net 里。",
    ),
    (
        "view.gradients.look",
        "Each bar is the gradient reaching one layer. With skips the bars stay within a factor of ten of each other; take the skips and batch norm away with sigmoid and the first bars fall to nothing.",
        "每根柱子是到达某一层的梯度。有跳跃连接时各柱相差不到十倍；去掉跳跃连接和批归一化并换成 sigmoid，最前面的柱子就缩到几乎为零。",
    ),
    (
        "view.gradients.formula",
        "y = x + F(x) ⇒ ∂L/∂x = ∂L/∂y · (1 + ∂F/∂x): the 1 carries the gradient past every block",
        "y = x + F(x) ⇒ ∂L/∂x = ∂L/∂y · (1 + ∂F/∂x)：其中的 1 让梯度越过每个块",
    ),
    (
        "view.maps.look",
        "The maps of a chosen image block by block: they get smaller and more abstract, and the last ones respond to whole parts of the digit.",
        "所选图像逐块的特征图：越来越小、越来越抽象，最后几张对应数字的整块部分。",
    ),
];
