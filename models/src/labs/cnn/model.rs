//! The CNN: blocks of convolution, activation and pooling, then a dense layer and the output.

use burn::module::{Module, Param};
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{Dropout, DropoutConfig, Linear, PaddingConfig2d, conv::Conv2d, conv::Conv2dConfig};
use burn::tensor::{Device, Tensor};

use super::{Config, Pooling};
use crate::labs::kit::Activation;
use crate::rng::Rng;
use crate::tensors;

#[derive(Module, Debug)]
pub(super) struct Net {
    pub convs: Vec<Conv2d>,
    pub dense: Linear,
    pub out: Linear,
    pub dropout: Dropout,
    pub max_pool: MaxPool2d,
    pub avg_pool: AvgPool2d,
}

fn linear(rng: &mut Rng, d_in: usize, d_out: usize, act: Activation, device: &Device) -> Linear {
    let w = act.init(rng, d_in * d_out, d_in, d_out);
    Linear {
        weight: Param::from_tensor(tensors::floats(w, [d_in, d_out], device)),
        bias: Some(Param::from_tensor(Tensor::zeros([d_out], device))),
    }
}

impl Net {
    pub(super) fn new(
        cfg: &Config,
        channels: usize,
        side: usize,
        classes: usize,
        rng: &mut Rng,
        device: &Device,
    ) -> Self {
        let k = cfg.kernel;
        let mut c_in = channels;
        let convs = (0..cfg.blocks)
            .map(|_| {
                let mut conv = Conv2dConfig::new([c_in, cfg.filters], [k, k])
                    .with_stride([cfg.stride, cfg.stride])
                    .with_padding(PaddingConfig2d::Explicit(cfg.pad(), cfg.pad(), cfg.pad(), cfg.pad()))
                    .init(device);
                let w =
                    cfg.activation.init(rng, cfg.filters * c_in * k * k, c_in * k * k, cfg.filters * k * k);
                conv.weight = Param::from_tensor(tensors::floats(w, [cfg.filters, c_in, k, k], device));
                conv.bias = Some(Param::from_tensor(Tensor::zeros([cfg.filters], device)));
                c_in = cfg.filters;
                conv
            })
            .collect();
        let flat = cfg.filters * side * side;
        Self {
            convs,
            dense: linear(rng, flat, cfg.dense, cfg.activation, device),
            out: linear(rng, cfg.dense, classes, cfg.activation, device),
            dropout: DropoutConfig::new(cfg.dropout).init(),
            max_pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            avg_pool: AvgPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
        }
    }

    /// Logits, and the output of every block (for the feature-map view).
    pub(super) fn forward_maps(
        &self,
        x: Tensor<4>,
        act: Activation,
        pool: Pooling,
    ) -> (Tensor<2>, Vec<Tensor<4>>) {
        // x: [batch, channels, 28, 28] (MNIST, the default 2 blocks of 16 filters)
        let mut x = x;
        let mut maps = Vec::new();
        for conv in &self.convs {
            x = act.apply(conv.forward(x)); // [batch, 16, 28, 28]
            x = match pool {
                // [batch, 16, 14, 14] after the first block, [batch, 16, 7, 7] after the second
                Pooling::Max => self.max_pool.forward(x),
                Pooling::Avg => self.avg_pool.forward(x),
                Pooling::None => x,
            };
            maps.push(x.clone());
        }
        let flat: Tensor<2> = x.flatten(1, 3); // [batch, 16 * 7 * 7]
        let hidden = act.apply(self.dense.forward(self.dropout.forward(flat))); // [batch, dense]
        (self.out.forward(self.dropout.forward(hidden)), maps) // [batch, classes]
    }
}
