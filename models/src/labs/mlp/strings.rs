//! The MLP lab's words, in English and 简体中文.

use crate::labs::Strings;

pub const STRINGS: Strings = &[
    ("name", "MLP — multilayer perceptron", "MLP —— 多层感知机"),
    ("short", "MLP", "MLP"),
    ("chart.units", "Hidden units", "隐藏单元"),
    ("metric.dead_share", "dead ReLUs (share)", "死亡 ReLU（占比）"),
    (
        "detect.dead_relu",
        "Step {0}: half or more of the hidden ReLUs output 0 for every training point. They are dead: no gradient reaches their weights, so they never learn again. A lower learning rate, or another activation, keeps them alive.",
        "第 {0} 步：一半以上的隐藏 ReLU 对所有训练点都输出 0。它们“死”了：梯度再也到不了它们的权重，它们不会再学习。降低学习率或换一种激活函数能让它们活下来。",
    ),
    ("detect.dead_relu.short", "Dead ReLUs", "ReLU 死亡"),
    ("preset.too_high", "Learning rate too high", "学习率过高"),
    (
        "preset.too_high.help",
        "Plain SGD with a learning rate of 3: every step overshoots, and the loss climbs instead of falling",
        "普通 SGD、学习率 3：每一步都迈过了头，损失不降反升",
    ),
    ("preset.vanishing", "Vanishing gradients", "梯度消失"),
    (
        "preset.vanishing.help",
        "Six sigmoid layers on the spiral: the gradient shrinks at every layer on its way back, and the first layers barely learn",
        "在螺旋数据上用六层 sigmoid：梯度每反传一层就缩小一截，前面的层几乎学不到东西",
    ),
    ("preset.dead_relu", "Dying ReLUs", "ReLU 死亡"),
    (
        "preset.dead_relu.help",
        "ReLU with a learning rate ten times the default on the spiral: most units soon output 0 for every point and stop learning",
        "在螺旋数据上用 ReLU、十倍于默认值的学习率：大多数单元很快对所有点都输出 0，从此不再学习",
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
    // The explanation panel: the idea, how it trains, strengths, weaknesses, uses; per view
    // what to look for (`.look`) and its formula (`.formula`, `{0}`…: the lab's numbers now).
    (
        "explain.idea",
        "A multilayer perceptron stacks layers of simple units. Each unit adds up its inputs with weights, adds a bias and passes the sum through a bend (the activation). One layer can only draw straight lines; stacking bent layers lets the network draw any shape between the classes.",
        "多层感知机把一层层简单的单元叠起来。每个单元把输入按权重相加、加上偏置，再经过一个“弯折”（激活函数）。一层只能画直线；把带弯折的层叠起来，网络就能在类别之间画出任意形状。",
    ),
    (
        "explain.training",
        "Backpropagation: the loss (cross-entropy) measures how wrong the predictions are, the chain rule gives every weight's share of the blame, and the optimizer moves each weight a little against it. One mini-batch of points per step.",
        "反向传播：损失（交叉熵）衡量预测错得多离谱，链式法则算出每个权重该负的责任，优化器把每个权重朝相反方向挪一点。每一步用一小批点。",
    ),
    (
        "explain.good",
        "Simple and general: with enough units it can fit any smooth function, and on small tables of numbers it trains in seconds.",
        "简单而通用：单元足够多时能拟合任何光滑函数；在小型数值表格上几秒就能训练好。",
    ),
    (
        "explain.bad",
        "It knows nothing of the structure of its input: an image is just a long list of numbers to it. Deep stacks of sigmoid or tanh units stop learning (vanishing gradients), and a large network memorises a small data set (overfitting).",
        "它不了解输入的结构：对它来说一张图片只是一长串数字。sigmoid 或 tanh 堆得很深时会学不动（梯度消失）；大网络遇上小数据集会死记硬背（过拟合）。",
    ),
    (
        "explain.uses",
        "Tabular data (prices, measurements, risk scores), and the last layers of almost every other network in this app.",
        "表格数据（价格、测量值、风险评分），也是本应用里几乎所有其他网络的最后几层。",
    ),
    (
        "view.boundary.look",
        "Watch the border between the colours bend to follow the data. Straight borders mean the network is still nearly linear; ragged islands around single points mean it is memorising noise.",
        "看颜色之间的边界如何弯曲去贴合数据。边界是直的，说明网络还近似线性；围着单个点的零碎小岛，说明它在死记噪声。",
    ),
    (
        "view.neurons.look",
        "Each small square is what one hidden unit responds to. The first layer draws straight edges; deeper layers combine them into curves. Squares that stay flat one colour are units that do nothing (with ReLU: dead).",
        "每个小方块是一个隐藏单元的响应。第一层画的是直边，更深的层把它们组合成曲线。始终一片同色的方块是不起作用的单元（ReLU 时就是“死”了）。",
    ),
    (
        "view.neurons.formula",
        "h = f(W·x + b): each unit is a weighted sum bent by the activation f",
        "h = f(W·x + b)：每个单元是经过激活函数 f 弯折的加权和",
    ),
    (
        "view.weights.look",
        "Thick lines are large weights, blue positive and red negative. As it learns, a few connections grow strong and most stay thin.",
        "粗线是大权重，蓝色为正、红色为负。随着学习，少数连接变强，大多数保持很细。",
    ),
];
