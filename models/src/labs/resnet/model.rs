//! The ResNet: a stem, pre-activation residual blocks, global average pooling, a linear
//! classifier.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, PaddingConfig2d};
use burn::tensor::{Device, Tensor};

use super::Config;
use crate::labs::kit::Activation;
use crate::ops::batch_norm::batch_norm_relu;
use crate::rng::Rng;
use crate::tensors;

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
    conv.weight = Param::from_tensor(tensors::floats(w, [c_out, c_in, k, k], device));
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

/// The norm (when it is on), then the activation; batch norm and ReLU as one operation where
/// it runs (`crate::ops::batch_norm`).
fn norm_act(bn: &Option<BatchNorm>, x: Tensor<4>, act: Activation) -> Tensor<4> {
    match (bn, act) {
        (Some(bn), Activation::Relu) => batch_norm_relu(bn, x),
        (Some(bn), _) => act.apply(bn.forward(x)),
        (None, _) => act.apply(x),
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
        // x: [batch, c_in, s, s]
        let a = norm_act(&self.bn1, x.clone(), act);
        let y = self.conv1.forward(a.clone()); // [batch, c_out, s / stride, s / stride]
        let y = self.conv2.forward(norm_act(&self.bn2, y, act)); // same
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
pub(super) struct Net {
    stem: Conv2d,
    blocks: Vec<Block>,
    /// Norm and activation after the last block (the blocks leave their output raw).
    out_bn: Option<BatchNorm>,
    head: Linear,
}

impl Net {
    /// A stem at 14x14, the first half of the blocks at `width`, the rest at `2 * width` and
    /// 7x7 (the first of those downsamples), global average pooling, a linear classifier.
    pub(super) fn new(cfg: &Config, classes: usize, rng: &mut Rng, device: &Device) -> Self {
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
                weight: Param::from_tensor(tensors::floats(head_w, [out_width, classes], device)),
                bias: Some(Param::from_tensor(Tensor::zeros([classes], device))),
            },
        }
    }

    /// Logits and each block's output.
    pub(super) fn forward_maps(
        &self,
        x: Tensor<4>,
        skip: bool,
        act: Activation,
    ) -> (Tensor<2>, Vec<Tensor<4>>) {
        // x: [batch, 1, 28, 28]; with the defaults (width 16, 4 blocks):
        let mut x = self.stem.forward(x); // [batch, 16, 14, 14]
        let mut maps = Vec::new();
        for block in &self.blocks {
            x = block.forward(x, skip, act); // [batch, 16, 14, 14], then [batch, 32, 7, 7]
            maps.push(x.clone());
        }
        let x = norm_act(&self.out_bn, x, act); // [batch, 32, 7, 7]
        let pooled: Tensor<2> = x.mean_dim(3).mean_dim(2).flatten(1, 3); // [batch, 32]
        (self.head.forward(pooled), maps) // [batch, classes]
    }

    /// Sets every batch norm's running-statistics momentum. Early in a run the running
    /// statistics are the plain average of the batches seen so far (momentum 1/(t+1)), as
    /// PyTorch's `momentum=None` does; without that, the first evaluations use statistics that
    /// are still mostly their initial values, and a deep network's test loss starts far off.
    pub(super) fn set_norm_momentum(&mut self, momentum: f64) {
        let norms = self.blocks.iter_mut().flat_map(|b| [&mut b.bn1, &mut b.bn2]).chain([&mut self.out_bn]);
        for bn in norms.flatten() {
            bn.momentum = momentum;
        }
    }

    /// The main-path convolutions in order from input to output, with their names.
    pub(super) fn convs(&self) -> Vec<(String, &Conv2d)> {
        let mut v = vec![("stem".to_string(), &self.stem)];
        for (i, b) in self.blocks.iter().enumerate() {
            v.push((format!("B{}a", i + 1), &b.conv1));
            v.push((format!("B{}b", i + 1), &b.conv2));
        }
        v
    }
}
