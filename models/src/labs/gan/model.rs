//! The generator and the discriminator: MLPs (2-D points, and the article's MNIST GAN:
//! latent 100 -> 128 -> 784 with a sigmoid; 784 -> 128 -> 1) or a small DCGAN (transposed
//! convolutions with batch norm up to 28x28; strided convolutions down to a score).
//! Class-conditional (Mirza & Osindero 2014): the generator reads the class as a one-hot
//! vector beside its latent; the discriminator scores it by projection (Miyato & Koyama
//! 2018): the inner product of a learned class embedding with its last features.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::activation::{leaky_relu, relu, sigmoid, tanh};
use burn::tensor::{Device, Tensor};

use crate::ops::batch_norm::batch_norm_relu;

/// A stack of linear layers; `hidden` layers of `width` units.
#[derive(Module, Debug)]
pub(crate) struct Mlp {
    pub layers: Vec<Linear>,
}

impl Mlp {
    fn new(d_in: usize, width: usize, hidden: usize, d_out: usize, device: &Device) -> Self {
        let mut layers = Vec::new();
        let mut d = d_in;
        for _ in 0..hidden {
            layers.push(LinearConfig::new(d, width).init(device));
            d = width;
        }
        layers.push(LinearConfig::new(d, d_out).init(device));
        Self { layers }
    }

    /// `leaky`: LeakyReLU(0.2) between layers (a discriminator), else ReLU (a generator).
    fn forward(&self, x: Tensor<2>, leaky: bool) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers[last].forward(self.features(x, leaky))
    }

    /// What the last layer reads: the hidden layers' output (the input itself without any).
    fn features(&self, x: Tensor<2>, leaky: bool) -> Tensor<2> {
        let mut x = x;
        for layer in &self.layers[..self.layers.len() - 1] {
            x = layer.forward(x);
            x = if leaky { leaky_relu(x, 0.2) } else { relu(x) };
        }
        x
    }

    /// Width of [`Mlp::features`].
    fn feature_width(&self) -> usize {
        self.layers[self.layers.len() - 1].weight.dims()[0]
    }
}

/// z -> 7x7 maps -> 14x14 -> 28x28, batch norm and ReLU between, tanh at the end.
#[derive(Module, Debug)]
pub(crate) struct DcGenerator {
    pub project: Linear,
    pub bn0: BatchNorm,
    pub up1: ConvTranspose2d,
    pub bn1: BatchNorm,
    pub up2: ConvTranspose2d,
    pub channels: usize,
}

fn up(c_in: usize, c_out: usize, device: &Device) -> ConvTranspose2d {
    ConvTranspose2dConfig::new([c_in, c_out], [4, 4]).with_stride([2, 2]).with_padding([1, 1]).init(device)
}

fn down(c_in: usize, c_out: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([c_in, c_out], [4, 4])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

/// 28x28 -> 14x14 -> 7x7 feature maps -> one score, LeakyReLU between (no batch norm, so
/// that every sample's score depends on it alone, as WGAN-GP needs).
#[derive(Module, Debug)]
pub(crate) struct DcDiscriminator {
    pub down1: Conv2d,
    pub down2: Conv2d,
    pub out: Linear,
}

/// The generator: latent vectors to samples (points, or images flattened with values in
/// [0, 1] for the MLP and [-1, 1] for the DCGAN).
#[derive(Module, Debug)]
pub(crate) struct Generator {
    pub mlp: Option<Mlp>,
    pub dc: Option<DcGenerator>,
    /// The MLP's output goes through a sigmoid (images in [0, 1]).
    pub squash: bool,
}

/// The discriminator: samples to a logit (real: high).
#[derive(Module, Debug)]
pub(crate) struct Discriminator {
    pub mlp: Option<Mlp>,
    pub dc: Option<DcDiscriminator>,
    /// Class-conditional: one-hot class -> an embedding as wide as the last features.
    pub embed: Option<Linear>,
}

/// What the networks are made of.
pub(crate) struct Shape {
    pub latent: usize,
    /// Classes the networks are conditioned on (0: unconditional).
    pub classes: usize,
    /// Numbers per sample (2 for points, 784 for MNIST).
    pub dim: usize,
    pub dcgan: bool,
    pub g_width: usize,
    pub g_hidden: usize,
    pub d_width: usize,
    pub d_hidden: usize,
    /// DCGAN base channels.
    pub channels: usize,
    pub images: bool,
}

impl Generator {
    pub(crate) fn new(s: &Shape, device: &Device) -> Self {
        if s.dcgan {
            let c = s.channels;
            Self {
                mlp: None,
                dc: Some(DcGenerator {
                    project: LinearConfig::new(s.latent + s.classes, 2 * c * 49).init(device),
                    bn0: BatchNormConfig::new(2 * c).init(device),
                    up1: up(2 * c, c, device),
                    bn1: BatchNormConfig::new(c).init(device),
                    up2: up(c, 1, device),
                    channels: c,
                }),
                squash: false,
            }
        } else {
            let mlp = Mlp::new(s.latent + s.classes, s.g_width, s.g_hidden, s.dim, device);
            Self { mlp: Some(mlp), dc: None, squash: s.images }
        }
    }

    /// `[n, latent + classes]` (the latent, then the one-hot class) -> `[n, dim]`.
    pub(crate) fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        match (&self.mlp, &self.dc) {
            (Some(mlp), _) => {
                let x = mlp.forward(z, false);
                if self.squash { sigmoid(x) } else { x }
            }
            (None, Some(g)) => {
                let n = z.dims()[0];
                let c = g.channels;
                let x: Tensor<4> = g.project.forward(z).reshape([n, 2 * c, 7, 7]); // [n, 2c, 7, 7]
                // relu(bn.forward(x)), one operation on the CPU.
                let x = batch_norm_relu(&g.bn0, x);
                let x = batch_norm_relu(&g.bn1, g.up1.forward(x)); // [n, c, 14, 14]
                tanh(g.up2.forward(x)).reshape([n, 784]) // [n, 1, 28, 28] -> [n, 784]
            }
            (None, None) => unreachable!("a generator has one network"),
        }
    }
}

impl Discriminator {
    pub(crate) fn new(s: &Shape, device: &Device) -> Self {
        let (mlp, dc, width) = if s.dcgan {
            let c = s.channels;
            let dc = DcDiscriminator {
                down1: down(1, c, device),
                down2: down(c, 2 * c, device),
                out: LinearConfig::new(2 * c * 49, 1).init(device),
            };
            (None, Some(dc), 2 * c * 49)
        } else {
            let mlp = Mlp::new(s.dim, s.d_width, s.d_hidden, 1, device);
            let width = mlp.feature_width();
            (Some(mlp), None, width)
        };
        let embed = (s.classes > 0).then(|| LinearConfig::new(s.classes, width).with_bias(false).init(device));
        Self { mlp, dc, embed }
    }

    /// `[n, dim]` (and the one-hot classes `[n, classes]` when conditional) -> logits `[n, 1]`.
    pub(crate) fn forward(&self, x: Tensor<2>, classes: Option<Tensor<2>>) -> Tensor<2> {
        let (features, out) = match (&self.mlp, &self.dc) {
            (Some(mlp), _) => (mlp.features(x, true), &mlp.layers[mlp.layers.len() - 1]),
            (None, Some(d)) => {
                let n = x.dims()[0];
                let x: Tensor<4> = x.reshape([n, 1, 28, 28]);
                let x = leaky_relu(d.down1.forward(x), 0.2); // [n, c, 14, 14]
                let x = leaky_relu(d.down2.forward(x), 0.2); // [n, 2c, 7, 7]
                (x.flatten(1, 3), &d.out) // [n, 2c·49]
            }
            (None, None) => unreachable!("a discriminator has one network"),
        };
        let logits = out.forward(features.clone());
        match (&self.embed, classes) {
            // Projection: how well the features match the class's embedding.
            (Some(embed), Some(y)) => logits + (embed.forward(y) * features).sum_dim(1),
            _ => logits,
        }
    }
}
