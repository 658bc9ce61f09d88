//! The diffusion lab's words, in English and 简体中文.

use crate::labs::Strings;

pub const STRINGS: Strings = &[
    ("name", "Diffusion — DDPM", "扩散模型 —— DDPM"),
    ("short", "Diffusion", "扩散"),
    ("preset.ring", "A ring of points (quick)", "点组成的圆环（很快）"),
    (
        "preset.ring.help",
        "Points on a ring instead of digits: a small network learns in seconds, and the flow view shows where each denoising step pushes the points",
        "用圆环上的点代替数字：小网络几秒钟就能学会，流场视图显示每一步去噪把点推向哪里",
    ),
    ("preset.one_step", "Only one denoising step", "只去噪一步"),
    (
        "preset.one_step.help",
        "The same ring, sampled in a single step: the best one guess from pure noise is the average of the data, so every sample lands near the centre of the ring. Raise the sampling steps while it trains and watch the ring come back",
        "同样的圆环，只用一步采样：从纯噪声出发一次猜中的最好答案是数据的平均值，于是所有样本都落在圆环中心附近。训练时把采样步数调高，看圆环重新出现",
    ),
    (
        "desc",
        "Noise is added to the data step by step; a network learns to predict that noise, and sampling removes it again, step by step, from pure noise to a digit.",
        "逐步向数据加噪声；网络学会预测这些噪声，采样时再从纯噪声出发一步步去掉噪声，直到出现数字。",
    ),
    // Parameters: data
    ("dataset", "Dataset", "数据集"),
    (
        "dataset.help",
        "Digits or clothes (28×28 images, a U-Net), or a 2-D point cloud (an MLP) that trains in seconds",
        "手写数字或服饰（28×28 图像，用 U-Net），或几秒就能训练好的二维点云（用 MLP）",
    ),
    ("noise", "Data noise", "数据噪声"),
    (
        "noise.help",
        "Spread of the 2-D points around their shape (standard deviation, in plane units)",
        "二维点围绕其形状的散布（标准差，平面单位）",
    ),
    ("train_size", "Training images", "训练图像数"),
    ("train_size.help", "How many training images to learn from", "用多少张训练图像学习"),
    ("t_view", "Timestep shown", "显示的时间步"),
    (
        "t_view.help",
        "The timestep t of the forward-process view: how much noise the data has after t steps",
        "前向过程视图中的时间步 t：数据经过 t 步后带有多少噪声",
    ),
    // Parameters: model
    ("diffusion_steps", "Diffusion steps T", "扩散步数 T"),
    (
        "diffusion_steps.help",
        "How many small noise steps turn data into pure noise (1000 in the paper)",
        "多少个小的加噪步骤把数据变成纯噪声（论文中为 1000）",
    ),
    ("schedule", "Noise schedule", "噪声调度"),
    (
        "schedule.help",
        "How the noise grows with t: linear betas (Ho et al.) or a cosine alpha-bar (Nichol & Dhariwal), which destroys the data more gently",
        "噪声如何随 t 增长：线性 beta（Ho 等）或余弦 alpha-bar（Nichol 与 Dhariwal），后者破坏数据更平缓",
    ),
    ("opt.linear", "linear", "线性"),
    ("beta_start", "First beta", "起始 beta"),
    ("beta_start.help", "Noise variance added by the first step", "第一步加入的噪声方差"),
    ("beta_end", "Last beta", "末尾 beta"),
    ("beta_end.help", "Noise variance added by the last step", "最后一步加入的噪声方差"),
    ("width", "U-Net width", "U-Net 宽度"),
    (
        "width.help",
        "Channels of the U-Net's first level (doubled at the lower one); a multiple of 8",
        "U-Net 第一层的通道数（下一层加倍）；须为 8 的倍数",
    ),
    ("hidden", "Hidden units", "隐藏单元数"),
    ("hidden.help", "Units in each layer of the 2-D noise predictor", "二维噪声预测网络每层的单元数"),
    ("layers", "Layers", "层数"),
    ("layers.help", "Hidden layers of the 2-D noise predictor", "二维噪声预测网络的隐藏层数"),
    ("conditional", "Class-conditional", "按类别条件生成"),
    (
        "conditional.help",
        "The network is also told the class (dropped one time in ten), so sampling can ask for a digit with classifier-free guidance",
        "网络同时得知类别（十次中随机去掉一次），采样时就能用无分类器引导指定要画的数字",
    ),
    // Parameters: training
    ("weighting", "Loss weighting", "损失加权"),
    (
        "weighting.help",
        "Uniform: every timestep counts alike (Ho et al.); min-SNR: the nearly clean timesteps count less (Hang et al. 2023), which trains images faster; auto: min-SNR for images, uniform for 2-D points (which need the nearly clean steps to land exactly on the data)",
        "均匀：每个时间步同等重要（Ho 等）；min-SNR：几乎无噪声的时间步权重更小（Hang 等 2023），图像训练更快；自动：图像用 min-SNR，二维点用均匀（点要靠几乎无噪声的步骤才能准确落在数据上）",
    ),
    ("opt.auto", "auto", "自动"),
    ("opt.uniform", "uniform", "均匀"),
    ("opt.min_snr", "min-SNR-5", "min-SNR-5"),
    ("ema", "Average the weights (EMA)", "权重滑动平均（EMA）"),
    (
        "ema.help",
        "Sample with a moving average of the weights: smoother samples than the weights of the last step",
        "用权重的滑动平均来采样：比最后一步的权重生成的样本更平稳",
    ),
    ("ema_decay", "EMA decay", "EMA 衰减"),
    (
        "ema_decay.help",
        "How slowly the average follows the weights (0.995: about the last 200 steps)",
        "平均值跟随权重的快慢（0.995：约为最近 200 步）",
    ),
    // Parameters: sampling
    ("sampler", "Sampler", "采样器"),
    (
        "sampler.help",
        "DDPM walks back through all T steps adding fresh noise; DDIM jumps through fewer steps without noise (much faster, same model)",
        "DDPM 逐一走回全部 T 步并加入新噪声；DDIM 不加噪声、跳着走更少的步（快得多，模型相同）",
    ),
    ("opt.ddpm", "DDPM (all steps)", "DDPM（全部步数）"),
    ("opt.ddim", "DDIM (fewer steps)", "DDIM（更少步数）"),
    ("sample_steps", "DDIM steps", "DDIM 步数"),
    ("sample_steps.help", "Steps DDIM takes from noise to a sample", "DDIM 从噪声到样本所走的步数"),
    ("eta", "DDIM η (noise)", "DDIM η（噪声）"),
    (
        "eta.help",
        "0: deterministic DDIM (the same noise always gives the same sample); 1: fresh noise at every step as DDPM adds, which corrects the model's small errors",
        "0：确定性的 DDIM（同样的噪声总得到同样的样本）；1：每一步像 DDPM 一样加入新噪声，可纠正模型的小误差",
    ),
    ("guidance", "Guidance scale", "引导强度"),
    (
        "guidance.help",
        "Classifier-free guidance: 0 ignores the class, 1 follows it, larger values exaggerate it (clearer digits, less variety)",
        "无分类器引导：0 忽略类别，1 按类别生成，更大的值会强化类别（数字更清楚，多样性更低）",
    ),
    ("digit", "Class to draw", "要画的类别"),
    ("digit.help", "-1: every class in turn; 0 to 9: only that class", "-1：依次画每一类；0 到 9：只画这一类"),
    // Views
    ("view.denoise", "Denoising, step by step", "逐步去噪"),
    (
        "view.denoise.help",
        "A sampling run from pure noise: for each sample x_t, the noise the network sees in it (ε) and the clean image it predicts (x₀). Play, pause or drag the slider; sample again with the current model.",
        "一次从纯噪声开始的采样：每个样本的 x_t、网络在其中看到的噪声（ε）和它预测的干净图像（x₀）。可播放、暂停或拖动滑块；也可用当前模型重新采样。",
    ),
    ("view.gallery", "Samples", "生成样本"),
    (
        "view.gallery.help",
        "Sixteen samples from the same starting noise every time, so you see the same samples sharpen as the model trains",
        "每次从相同的起始噪声生成十六个样本，随着训练可以看到同样的样本逐渐清晰",
    ),
    ("view.timeline", "Reverse process", "逆向过程"),
    (
        "view.timeline.help",
        "Each row is one sample, from pure noise (left) to the result (right), at evenly spaced timesteps",
        "每一行是一个样本，从纯噪声（左）到结果（右），时间步等距排列",
    ),
    ("view.flow", "Noise flowing to the data", "噪声流向数据"),
    (
        "view.flow.help",
        "The samples (blue) move from noise to the data (grey); the arrows show where the network pushes points at this timestep (minus the predicted noise)",
        "样本（蓝）从噪声移向数据（灰）；箭头表示网络在当前时间步把点推向何处（预测噪声的反方向）",
    ),
    ("view.forward", "Forward process", "前向过程"),
    (
        "view.forward.help",
        "The data after t noise steps (choose t with “Timestep shown”), and how much signal and noise are left at each t",
        "数据经过 t 步加噪后的样子（用“显示的时间步”选择 t），以及每个 t 剩下多少信号和噪声",
    ),
    ("view.census", "What the samples look like", "样本像什么"),
    (
        "view.census.help",
        "A small classifier, trained on the side on the same images, reads 100 fresh samples: how many look like each class, and how sure it is. Missing classes mean the model has not learnt them (or collapsed).",
        "一个在同一批图像上顺带训练的小分类器读取 100 个新样本：每一类有多少，以及它有多确定。缺失的类别说明模型还没学会（或发生了模式坍塌）。",
    ),
    ("view.loss_t", "Loss by timestep", "各时间步的损失"),
    (
        "view.loss_t.help",
        "The held-out loss at each timestep (at the last evaluation): which noise levels are hard to predict",
        "各时间步的留出集损失（最近一次评估）：哪些噪声水平难以预测",
    ),
    // Labels inside views
    ("label.real", "data", "数据"),
    ("label.samples", "samples", "样本"),
    ("label.timestep", "timestep t", "时间步 t"),
    ("label.fraction", "fraction", "比例"),
    ("label.signal", "signal left √ᾱ", "剩余信号 √ᾱ"),
    ("label.noise_sd", "noise √(1−ᾱ)", "噪声 √(1−ᾱ)"),
    ("label.alpha_bar", "ᾱ (alpha-bar)", "ᾱ（alpha-bar）"),
    ("label.loss", "loss", "损失"),
    ("label.loss_by_t", "noise-prediction loss", "噪声预测损失"),
    // Charts
    ("chart.near_data", "Samples on the data", "落在数据上的样本"),
    ("metric.test_loss", "held-out loss", "留出集损失"),
    ("metric.near_data", "share within 0.1 of the data", "距数据 0.1 以内的比例"),
    // Errors
    ("err.beta_order", "The first beta must be smaller than the last.", "起始 beta 必须小于末尾 beta。"),
    (
        "err.width_multiple_of_8",
        "The U-Net's width must be a multiple of 8 (its group norm has 8 groups).",
        "U-Net 宽度必须是 8 的倍数（其组归一化分为 8 组）。",
    ),
    ("err.needs_28", "The U-Net takes 28×28 images.", "U-Net 只接受 28×28 的图像。"),
    // The explanation panel: the idea, how it trains, strengths, weaknesses, uses; per view
    // what to look for (`.look`) and its formula (`.formula`, `{0}`…: the lab's numbers now).
    (
        "explain.idea",
        "A diffusion model learns to undo noise. Training adds a known amount of noise to real data and asks a network to tell which noise was added; sampling starts from pure noise and removes a little of the predicted noise step by step until data appears.",
        "扩散模型学习如何去除噪声。训练时向真实数据加入已知量的噪声，让网络说出加了哪些噪声；采样时从纯噪声出发，一步步去掉一点预测出的噪声，直到数据出现。",
    ),
    (
        "explain.training",
        "Pick an image, a random timestep t and random noise ε; make x_t from them in one go; the loss is the squared error between ε and the network's guess. Every step trains one noise level per image.",
        "选一张图、一个随机时间步 t 和随机噪声 ε；一次算出 x_t；损失是 ε 与网络猜测之间的平方误差。每一步对每张图训练一个噪声水平。",
    ),
    (
        "explain.good",
        "Stable training (a plain regression, no contest), samples that cover the whole data, and guidance that steers them (a digit of your choice).",
        "训练稳定（只是普通回归，没有对抗）；样本覆盖整个数据分布；引导可以控制生成（指定一个数字）。",
    ),
    (
        "explain.bad",
        "Sampling is slow: one network pass per denoising step, tens to a thousand of them. Fewer steps are faster but blurrier.",
        "采样慢：每一步去噪都要跑一遍网络，要几十到上千步。步数少更快，但更模糊。",
    ),
    (
        "explain.uses",
        "Text-to-image generators, image editing and inpainting, audio and video generation, molecule design.",
        "文生图、图像编辑与修补、音频和视频生成、分子设计。",
    ),
    (
        "view.denoise.look",
        "Scrub through a sampling run: at first the predicted clean image x₀ is a grey average; then the outline of a digit appears, and the last steps add the fine strokes.",
        "拖动查看一次采样：起初预测的干净图像 x₀ 是一片灰色平均；然后数字的轮廓出现，最后几步补上细笔画。",
    ),
    (
        "view.denoise.formula",
        "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε; at t = {0}: ᾱ_t = {1}, x_t = {2}·x₀ + {3}·ε",
        "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε；在 t = {0}：ᾱ_t = {1}，x_t = {2}·x₀ + {3}·ε",
    ),
    (
        "view.gallery.look",
        "The same starting noise each time: the same sixteen samples turn from blobs into digits as the model learns.",
        "每次用相同的起始噪声：随着模型学习，同样的十六个样本从模糊团块变成数字。",
    ),
    (
        "view.timeline.look",
        "Coarse shape first, details last: most of a digit's identity is decided in the first half of the steps.",
        "先有大致形状，细节最后出现：一个数字是什么，大多在前一半的步骤里就定下了。",
    ),
    (
        "view.census.look",
        "How many samples look like each digit. A diffusion model usually covers all ten; a missing class means it has not learnt that one yet.",
        "样本中每个数字各有多少。扩散模型通常能覆盖全部十个；缺少某一类说明它还没学会那一类。",
    ),
    (
        "view.flow.look",
        "The arrows point where the network pushes points at this timestep. At large t they all point towards the middle; at small t they point onto the ring.",
        "箭头指向网络在当前时间步把点推去的方向。t 大时都指向中间；t 小时指向圆环。",
    ),
    (
        "view.flow.formula",
        "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε; at t = {0}: ᾱ_t = {1}, x_t = {2}·x₀ + {3}·ε",
        "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε；在 t = {0}：ᾱ_t = {1}，x_t = {2}·x₀ + {3}·ε",
    ),
    (
        "view.forward.look",
        "Move “Timestep shown”: the signal fades and the noise grows. By the last step hardly anything of the data is left, which is why sampling can start from pure noise.",
        "拖动“显示的时间步”：信号逐渐减弱，噪声逐渐增强。到最后一步几乎不剩任何数据，这正是采样可以从纯噪声开始的原因。",
    ),
    (
        "view.forward.formula",
        "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε; at t = {0}: ᾱ_t = {1}, x_t = {2}·x₀ + {3}·ε",
        "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε；在 t = {0}：ᾱ_t = {1}，x_t = {2}·x₀ + {3}·ε",
    ),
    (
        "view.loss_t.look",
        "Noise is hardest to predict at small t, where it is a faint sprinkle on a clear image; at large t the noise is almost all there is, and easy to guess.",
        "在 t 小时噪声最难预测，那时它只是清晰图像上的一层薄薄颗粒；t 大时几乎全是噪声，反而容易猜。",
    ),
];
