//! The MLP lab's words, in English and 简体中文.

use crate::labs::Strings;

pub const STRINGS: Strings = &[
    ("name", "MLP — multilayer perceptron", "MLP —— 多层感知机"),
    ("short", "MLP", "MLP"),
    ("preset.too_high", "Learning rate too high", "学习率过高"),
    (
        "preset.too_high.help",
        "Plain SGD with a learning rate of 3: every step overshoots, and the loss climbs instead of falling",
        "普通 SGD、学习率 3：每一步都迈过了头，损失不降反升",
    ),
    ("preset.overfit", "Overfitting", "过拟合"),
    (
        "preset.overfit.help",
        "A deep, wide network on 10% of a noisy circle: it learns its 50 training points by heart, and the test loss rises",
        "在带噪声的圆形数据的 10% 上训练又深又宽的网络：它把 50 个训练点背了下来，测试损失随之上升",
    ),
    (
        "desc",
        "A fully connected network learns to separate classes. Watch the decision boundary bend as it trains.",
        "全连接网络学习区分不同类别。看决策边界在训练中如何弯曲。",
    ),
    // Parameters
    ("dataset", "Dataset", "数据集"),
    (
        "dataset.help",
        "Playground's 2-D sets, Iris (4 features, 3 species) or your own CSV file",
        "Playground 的二维数据集、鸢尾花（4 个特征，3 个品种）或你自己的 CSV 文件",
    ),
    ("points", "Points", "点数"),
    (
        "points.help",
        "How many points the 2-D set has (train and test together)",
        "二维数据集的点数（训练与测试合计）",
    ),
    ("noise", "Noise", "噪声"),
    ("noise.help", "How much the points stray from the clean pattern", "数据点偏离理想图案的程度"),
    ("train_pct", "Training share", "训练集比例"),
    (
        "train_pct.help",
        "Share of the data used for training; the rest is held out for testing",
        "用于训练的数据比例，其余留作测试",
    ),
    ("csv_path", "CSV file", "CSV 文件"),
    (
        "csv_path.help",
        "Numeric columns plus one label column; a header row is optional. Commas, semicolons (with decimal commas) or tabs; quoted fields; spreadsheet exports with a BOM all work",
        "数值列加一个标签列；表头行可有可无。逗号、分号（配合小数逗号）或制表符分隔；支持带引号的字段和带 BOM 的电子表格导出文件",
    ),
    ("csv_label", "Label column", "标签列"),
    (
        "csv_label.help",
        "Header name or column number (1 = first); 'last' for the last column",
        "表头名称或列号（1 为第一列）；“last” 表示最后一列",
    ),
    ("x1", "Input x₁", "输入 x₁"),
    ("x1.help", "The horizontal coordinate", "横坐标"),
    ("x2", "Input x₂", "输入 x₂"),
    ("x2.help", "The vertical coordinate", "纵坐标"),
    ("x1_sq", "Input x₁²", "输入 x₁²"),
    ("x1_sq.help", "x₁ squared", "x₁ 的平方"),
    ("x2_sq", "Input x₂²", "输入 x₂²"),
    ("x2_sq.help", "x₂ squared", "x₂ 的平方"),
    ("x1x2", "Input x₁x₂", "输入 x₁x₂"),
    ("x1x2.help", "The product of the two coordinates", "两个坐标的乘积"),
    ("sin_x1", "Input sin x₁", "输入 sin x₁"),
    ("sin_x1.help", "The sine of x₁", "x₁ 的正弦"),
    ("sin_x2", "Input sin x₂", "输入 sin x₂"),
    ("sin_x2.help", "The sine of x₂", "x₂ 的正弦"),
    ("layers", "Hidden layers", "隐藏层数"),
    ("layers.help", "0 gives logistic regression", "0 即逻辑回归"),
    ("neurons", "Neurons per layer", "每层神经元数"),
    ("neurons.help", "Width of every hidden layer", "每个隐藏层的宽度"),
    ("activation", "Activation", "激活函数"),
    (
        "activation.help",
        "The function each hidden neuron applies to its weighted sum",
        "每个隐藏神经元作用于加权和的函数",
    ),
    ("l2", "L2 regularisation", "L2 正则化"),
    ("l2.help", "Penalty on large weights (added to the loss)", "对大权重的惩罚（加入损失）"),
    // Choices
    ("opt.circle", "Circle", "圆形"),
    ("opt.xor", "Exclusive or (XOR)", "异或（XOR）"),
    ("opt.gauss", "Two Gaussians", "两个高斯团"),
    ("opt.spiral", "Spiral", "螺旋"),
    ("opt.moons", "Moons", "双月"),
    ("opt.iris", "Iris flowers", "鸢尾花"),
    ("opt.csv", "My CSV file", "我的 CSV 文件"),
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
    // Errors
    ("err.no_features", "Select at least one input feature.", "请至少选择一个输入特征。"),
    ("err.no_csv", "Choose a CSV file first.", "请先选择一个 CSV 文件。"),
];
