//! The ResNet lab: residual blocks (two 3x3 convolutions with batch norm, identity or 1x1
//! projection shortcuts) on MNIST or Fashion-MNIST, with a switch that removes the skip
//! connections. The lessons: a deep plain network's loss falls slower than the same network's
//! with skips; and with sigmoid and no batch norm the plain network's early layers get
//! vanishing gradients, which the identity shortcuts carry back. (With batch norm the plain
//! network's gradients stay healthy, as He et al. found: its trouble is optimisation.) Reads
//! top to bottom: parameters -> data -> model -> step -> views.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, PaddingConfig2d};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use serde::Deserialize;

use crate::data::images::{self, ImageSet, Split};
use crate::error::LabError;
use crate::labs::{
    Activation, Applied, Batches, Evaluation, Lab, LabDef, StepMetrics, Training, TrainingDefaults,
    confusion_view, cross_entropy, evaluate_images, image_batch, image_probs, onehot, sample_spec,
    test_strip,
};
use crate::params::{self, Group, ParamKind, ParamSpec, ParamValue, Values};
use crate::rng::Rng;
use crate::view::{Bars, Heatmap, Scale, Style, View, ViewSpec};

pub const DEF: LabDef = LabDef { id: "resnet", params, build };

// ---------------------------------------------------------------------------------------
// Parameters

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    let mut p = vec![
        ParamSpec::new("dataset", Data, Choice { default: "mnist", options: &["mnist", "fashion"] }),
        ParamSpec::new("train_size", Data, Int { default: 20_000, min: 100, max: 20_000 }),
        ParamSpec::new("augment", Data, Bool { default: true }).live(),
        sample_spec(),
        ParamSpec::new("blocks", Model, Int { default: 4, min: 1, max: 10 }),
        ParamSpec::new("width", Model, Int { default: 16, min: 2, max: 64 }),
        ParamSpec::new("skips", Model, Bool { default: true }),
        ParamSpec::new("batch_norm", Model, Bool { default: true }),
        ParamSpec::new(
            "activation",
            Model,
            Choice { default: "relu", options: &["relu", "tanh", "sigmoid"] },
        ),
    ];
    p.extend(crate::labs::Training::specs(TrainingDefaults {
        lr: 0.001,
        lr_max: 1.0,
        batch: 64,
        decay: "cosine",
        decay_steps: 3000,
    }));
    p.push(ParamSpec::new("seed", Training, Int { default: 1, min: 0, max: 1 << 31 }));
    p
}

#[derive(Clone, Debug, Deserialize)]
struct Config {
    dataset: String,
    train_size: usize,
    augment: bool,
    sample: usize,
    blocks: usize,
    width: usize,
    skips: bool,
    batch_norm: bool,
    activation: Activation,
    #[serde(flatten)]
    train: Training,
    seed: u64,
}

// ---------------------------------------------------------------------------------------
// Model

/// A 3x3 (or 1x1) convolution with seeded uniform weights (He for ReLU, Glorot otherwise); a
/// bias only without batch norm (batch norm's shift does its job).
fn conv(
    rng: &mut Rng,
    c_in: usize,
    c_out: usize,
    k: usize,
    stride: usize,
    s: Shape,
    device: &Device,
) -> Conv2d {
    let bn = s.bn;
    let pad = k / 2;
    let mut conv = Conv2dConfig::new([c_in, c_out], [k, k])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
        .with_bias(!bn)
        .init(device);
    if let Some(bias) = &mut conv.bias {
        *bias = Param::from_tensor(Tensor::zeros([c_out], device));
    }
    let w = s.act.init(rng, c_out * c_in * k * k, c_in * k * k, c_out * k * k);
    conv.weight = Param::from_tensor(Tensor::from_data(TensorData::new(w, [c_out, c_in, k, k]), device));
    conv
}

/// A pre-activation residual block (He et al., "Identity mappings in deep residual
/// networks", 2016): norm -> activation -> 3x3 conv, twice, and the input added back unless
/// skips are off. The shortcut is then a pure identity, so the gradient reaches early layers
/// unchanged whatever the activation. When the block changes width or resolution, the
/// shortcut is a 1x1 projection.
#[derive(Module, Debug)]
struct Block {
    conv1: Conv2d,
    bn1: Option<BatchNorm>,
    conv2: Conv2d,
    bn2: Option<BatchNorm>,
    projection: Option<Conv2d>,
}

/// What every layer shares: batch norm or not, and the activation (which also picks the
/// initialisation: He for ReLU, Glorot otherwise).
#[derive(Clone, Copy, Debug)]
struct Shape {
    bn: bool,
    act: Activation,
}

/// Batch norm when it is switched on.
fn norm(c: usize, on: bool, device: &Device) -> Option<BatchNorm> {
    on.then(|| BatchNormConfig::new(c).init(device))
}

fn apply(bn: &Option<BatchNorm>, x: Tensor<4>) -> Tensor<4> {
    match bn {
        Some(bn) => bn.forward(x),
        None => x,
    }
}

impl Block {
    fn new(rng: &mut Rng, c_in: usize, c_out: usize, stride: usize, s: Shape, device: &Device) -> Self {
        Self {
            conv1: conv(rng, c_in, c_out, 3, stride, s, device),
            bn1: norm(c_in, s.bn, device),
            conv2: conv(rng, c_out, c_out, 3, 1, s, device),
            bn2: norm(c_out, s.bn, device),
            projection: (c_in != c_out || stride != 1).then(|| conv(rng, c_in, c_out, 1, stride, s, device)),
        }
    }

    fn forward(&self, x: Tensor<4>, skip: bool, act: Activation) -> Tensor<4> {
        let a = act.apply(apply(&self.bn1, x.clone()));
        let y = self.conv1.forward(a.clone());
        let y = self.conv2.forward(act.apply(apply(&self.bn2, y)));
        if !skip {
            return y;
        }
        match &self.projection {
            Some(p) => y + p.forward(a),
            None => y + x,
        }
    }
}

#[derive(Module, Debug)]
struct Net {
    stem: Conv2d,
    blocks: Vec<Block>,
    /// Norm and activation after the last block (the blocks leave their output raw).
    out_bn: Option<BatchNorm>,
    head: Linear,
}

impl Net {
    /// A stem at 14x14, the first half of the blocks at `width`, the rest at `2 * width` and
    /// 7x7 (the first of those downsamples), global average pooling, a linear classifier.
    fn new(cfg: &Config, classes: usize, rng: &mut Rng, device: &Device) -> Self {
        let w = cfg.width;
        let s = Shape { bn: cfg.batch_norm, act: cfg.activation };
        let first_half = cfg.blocks.div_ceil(2);
        let blocks = (0..cfg.blocks)
            .map(|i| match i.cmp(&first_half) {
                std::cmp::Ordering::Less => Block::new(rng, w, w, 1, s, device),
                std::cmp::Ordering::Equal => Block::new(rng, w, 2 * w, 2, s, device),
                std::cmp::Ordering::Greater => Block::new(rng, 2 * w, 2 * w, 1, s, device),
            })
            .collect::<Vec<_>>();
        let out_width = if cfg.blocks > first_half { 2 * w } else { w };
        let head_w = Activation::Linear.init(rng, out_width * classes, out_width, classes);
        Self {
            stem: conv(rng, 1, w, 3, 2, s, device),
            blocks,
            out_bn: norm(out_width, s.bn, device),
            head: Linear {
                weight: Param::from_tensor(Tensor::from_data(
                    TensorData::new(head_w, [out_width, classes]),
                    device,
                )),
                bias: Some(Param::from_tensor(Tensor::zeros([classes], device))),
            },
        }
    }

    /// Logits and each block's output.
    fn forward_maps(&self, x: Tensor<4>, skip: bool, act: Activation) -> (Tensor<2>, Vec<Tensor<4>>) {
        let mut x = self.stem.forward(x);
        let mut maps = Vec::new();
        for block in &self.blocks {
            x = block.forward(x, skip, act);
            maps.push(x.clone());
        }
        let x = act.apply(apply(&self.out_bn, x));
        let pooled: Tensor<2> = x.mean_dim(3).mean_dim(2).flatten(1, 3);
        (self.head.forward(pooled), maps)
    }

    /// Sets every batch norm's running-statistics momentum. Early in a run the running
    /// statistics are the plain average of the batches seen so far (momentum 1/(t+1)), as
    /// PyTorch's `momentum=None` does; without that, the first evaluations use statistics that
    /// are still mostly their initial values, and a deep network's test loss starts far off.
    fn set_norm_momentum(&mut self, momentum: f64) {
        let norms = self.blocks.iter_mut().flat_map(|b| [&mut b.bn1, &mut b.bn2]).chain([&mut self.out_bn]);
        for bn in norms.flatten() {
            bn.momentum = momentum;
        }
    }

    /// The main-path convolutions in order from input to output, with their names.
    fn convs(&self) -> Vec<(String, &Conv2d)> {
        let mut v = vec![("stem".to_string(), &self.stem)];
        for (i, b) in self.blocks.iter().enumerate() {
            v.push((format!("B{}a", i + 1), &b.conv1));
            v.push((format!("B{}b", i + 1), &b.conv2));
        }
        v
    }
}

// ---------------------------------------------------------------------------------------
// The lab

/// Gradient norms are recorded every this many steps, and this many records are kept.
const GRAD_EVERY: u64 = 5;
const GRAD_HISTORY: usize = 120;
const CHUNK: usize = 250;

struct ResNetLab {
    cfg: Config,
    train_device: Device,
    device: Device,
    data: Split,
    classes: usize,
    model: Net,
    optim: ModuleOptimizer,
    rng: Rng,
    batches: Batches,
    steps: u64,
    /// The latest gradient norm of every main-path convolution, and older records.
    grad_names: Vec<String>,
    grad_history: Vec<Vec<f32>>,
    confusion: Vec<u32>,
}

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    let split = if cfg.dataset == "fashion" { images::fashion()? } else { images::mnist()? };
    let data = Split { train: split.train.first(cfg.train_size), test: split.test };
    let classes = data.train.class_names.len();
    let train_device = device.clone().autodiff();
    let mut rng = Rng::new(cfg.seed.wrapping_add(1));
    let model = Net::new(&cfg, classes, &mut rng, &train_device);
    let grad_names = model.convs().into_iter().map(|(n, _)| n).collect();
    Ok(Box::new(ResNetLab {
        optim: cfg.train.optimizer.build(),
        batches: Batches::new(data.train.len()),
        confusion: vec![0; classes * classes],
        steps: 0,
        grad_names,
        grad_history: Vec::new(),
        train_device,
        device: device.clone(),
        classes,
        data,
        model,
        rng,
        cfg,
    }))
}

impl ResNetLab {
    fn probs(&self, set: &ImageSet, idx: &[usize]) -> Vec<f32> {
        let model = self.model.valid();
        let (skips, act) = (self.cfg.skips, self.cfg.activation);
        image_probs(set, idx, CHUNK, &self.device, |x| model.forward_maps(x, skips, act).0)
    }

    /// Each main-path convolution's weight-gradient norm: its history as log10 (one column
    /// per record, oldest first) and the latest record as bars, input side first.
    fn gradients(&self) -> View {
        let layers = self.grad_names.len();
        let latest = self.grad_history.last().cloned().unwrap_or_else(|| vec![0.0; layers]);
        let cols = self.grad_history.len();
        let values = (0..layers)
            .flat_map(|l| self.grad_history.iter().map(move |rec| rec[l].max(1e-30).log10()))
            .collect::<Vec<_>>();
        let (lo, hi) = values.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        let (lo, hi) = if values.is_empty() { (-3.0, 0.0) } else { (lo, hi.max(lo + 1e-3)) };
        let history = Heatmap {
            title: "log10 |dL/dW|".into(),
            rows: layers,
            cols,
            values,
            range: (lo, hi),
            scale: Scale::Sequential,
            row_labels: self.grad_names.clone(),
            col_labels: vec![],
            show_values: false,
        };
        let max = latest.iter().copied().fold(1e-30f32, f32::max);
        View::Timeline {
            history,
            bars: Bars { labels: self.grad_names.clone(), values: latest, max, marked: None },
        }
    }

    fn maps(&self) -> View {
        let test = &self.data.test;
        let s = self.cfg.sample.min(test.len().saturating_sub(1));
        let (strip, picker) = test_strip(test, s);
        let x = image_batch(test, &[s], None, &self.device);
        let (_, maps) = self.model.valid().forward_maps(x, self.cfg.skips, self.cfg.activation);
        let mut rows = vec![strip];
        rows.extend(maps.into_iter().enumerate().map(|(b, m)| {
            let [_, f, h, w] = m.dims();
            let v: Vec<f32> = m.into_data().iter::<f32>().collect();
            (0..f.min(16))
                .map(|c| {
                    // Block outputs are the residual stream before its activation: signed.
                    Heatmap::diverging(
                        format!("B{}·{}", b + 1, c + 1),
                        h,
                        w,
                        v[c * h * w..(c + 1) * h * w].to_vec(),
                    )
                })
                .collect::<Vec<_>>()
        }));
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: Some(picker) }
    }
}

impl Lab for ResNetLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let idx = self.batches.next(self.cfg.train.batch, &mut self.rng);
        let train = &self.data.train;
        let shift = if self.cfg.augment { Some(&mut self.rng) } else { None };
        let x = image_batch(train, &idx, shift, &self.train_device);
        let labels: Vec<u32> = idx.iter().map(|&i| train.labels[i]).collect();
        let y = Tensor::from_data(
            TensorData::new(onehot(&labels, self.classes), [idx.len(), self.classes]),
            &self.train_device,
        );
        self.model.set_norm_momentum((1.0 / (self.steps + 1) as f64).max(0.1));
        let (logits, _) = self.model.forward_maps(x, self.cfg.skips, self.cfg.activation);
        let loss = cross_entropy(logits, y);
        let value = loss.clone().into_scalar::<f32>();
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        if self.steps.is_multiple_of(GRAD_EVERY) {
            let norms = self
                .model
                .convs()
                .into_iter()
                .map(|(_, c)| {
                    grads
                        .get::<4>(c.weight.id)
                        .map_or(0.0, |g| (g.clone() * g).sum().sqrt().into_scalar::<f32>())
                })
                .collect();
            self.grad_history.push(norms);
            if self.grad_history.len() > GRAD_HISTORY {
                self.grad_history.remove(0);
            }
        }
        let lr = self.cfg.train.lr_at(self.steps);
        self.steps += 1;
        self.model = self.optim.step(lr, self.model.clone(), grads);
        Ok(StepMetrics { loss: value })
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        let (e, _, confusion) = evaluate_images(&self.data, self.classes, |set, idx| self.probs(set, idx));
        self.confusion = confusion;
        Ok(e)
    }

    fn eval_every(&self) -> u64 {
        100
    }

    fn views(&self) -> Vec<ViewSpec> {
        ["gradients", "maps", "confusion"].into_iter().map(|id| ViewSpec { id }).collect()
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match view {
            "gradients" => Ok(self.gradients()),
            "maps" => Ok(self.maps()),
            "confusion" => Ok(confusion_view(&self.confusion, &self.data.test.class_names)),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    fn set_live(&mut self, key: &str, value: &ParamValue) -> Applied {
        let c = &mut self.cfg;
        match (key, value) {
            ("augment", ParamValue::Bool(b)) => c.augment = *b,
            ("sample", ParamValue::Int(n)) => c.sample = (*n).max(0) as usize,
            _ => return c.train.set_live(key, value, &mut self.optim).unwrap_or(Applied::NeedsReset),
        }
        Applied::Live
    }
}
