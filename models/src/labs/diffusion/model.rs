//! The noise predictors: an MLP for 2-D points and a small U-Net for images, both told the
//! timestep through a sinusoidal embedding (as in the Transformer's positions) and, when the
//! lab is class-conditional, the class through a learned embedding added to it (the last
//! class index stands for "no class", which classifier-free guidance needs).

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Embedding, EmbeddingConfig, GroupNorm, GroupNormConfig, Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::activation::silu;
use burn::tensor::{Device, Int, Tensor};

use crate::ops::group_norm::group_norm_silu;
use crate::tensors::{self, floats};

/// Sinusoidal embeddings of timesteps: `[n, dim]`, row i = sin/cos of t_i at `dim / 2`
/// frequencies from 1 to 1/10,000.
pub(super) fn time_embedding(ts: &[usize], dim: usize, device: &Device) -> Tensor<2> {
    let half = dim / 2;
    let mut v = Vec::with_capacity(ts.len() * dim);
    for &t in ts {
        for k in 0..half {
            let w = (-(10_000f32.ln()) * k as f32 / half as f32).exp();
            v.push((t as f32 * w).sin());
        }
        for k in 0..half {
            let w = (-(10_000f32.ln()) * k as f32 / half as f32).exp();
            v.push((t as f32 * w).cos());
        }
    }
    tensors::floats(v, [ts.len(), dim], device)
}

/// The timestep (and class) as one vector per sample, for every block to add.
#[derive(Module, Debug)]
pub(crate) struct Conditioning {
    pub sin_dim: usize,
    pub fc1: Linear,
    pub fc2: Linear,
    /// Classes + 1 rows when class-conditional (the last: no class).
    pub classes: Option<Embedding>,
}

impl Conditioning {
    fn new(sin_dim: usize, dim: usize, classes: Option<usize>, device: &Device) -> Self {
        Self {
            sin_dim,
            fc1: LinearConfig::new(sin_dim, dim).init(device),
            fc2: LinearConfig::new(dim, dim).init(device),
            classes: classes.map(|k| EmbeddingConfig::new(k + 1, dim).init(device)),
        }
    }

    /// `[n, dim]` from timesteps and (class-conditional only) class indices.
    fn forward(&self, ts: &[usize], labels: Option<Tensor<1, Int>>, device: &Device) -> Tensor<2> {
        let e = time_embedding(ts, self.sin_dim, device); // [n, sin_dim]
        let mut e = self.fc2.forward(silu(self.fc1.forward(e))); // [n, dim]
        if let (Some(emb), Some(labels)) = (&self.classes, labels) {
            let n = ts.len();
            let c: Tensor<3> = emb.forward(labels.reshape([n, 1])); // [n, 1, dim]
            let dim = c.dims()[2];
            e = e + c.reshape([n, dim]);
        }
        e
    }
}

// ---------------------------------------------------------------------------------------
// 2-D points

/// Frequencies of the Fourier features of a point's coordinates.
const FOURIER: [f32; 6] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];

/// A point's coordinates with sines and cosines of them at the `FOURIER` frequencies:
/// `[n, 2]` -> `[n, 2 + 4 * 6]`. An MLP fed raw coordinates draws smooth shapes; these let
/// it draw thin ones (a swiss roll's arms) in a few thousand steps.
fn fourier(x: Tensor<2>) -> Tensor<2> {
    let [n, _] = x.dims();
    let k = FOURIER.len();
    let f = floats(FOURIER.to_vec(), [1, 1, k], &x.device());
    let a = x.clone().unsqueeze_dim::<3>(2) * f; // [n, 2, k]
    Tensor::cat(vec![x, a.clone().sin().reshape([n, 2 * k]), a.cos().reshape([n, 2 * k])], 1)
}

/// x_t (2 numbers, with their Fourier features) -> predicted noise (2 numbers): `depth`
/// layers of `width` units, each adding the conditioning before its SiLU.
#[derive(Module, Debug)]
pub(crate) struct PointNet {
    pub cond: Conditioning,
    pub input: Linear,
    pub hidden: Vec<Linear>,
    pub cond_in: Vec<Linear>,
    pub out: Linear,
}

impl PointNet {
    pub(super) fn new(width: usize, depth: usize, classes: Option<usize>, device: &Device) -> Self {
        Self {
            cond: Conditioning::new(32, width, classes, device),
            input: LinearConfig::new(2 + 4 * FOURIER.len(), width).init(device),
            hidden: (1..depth).map(|_| LinearConfig::new(width, width).init(device)).collect(),
            cond_in: (0..depth).map(|_| LinearConfig::new(width, width).init(device)).collect(),
            out: LinearConfig::new(width, 2).init(device),
        }
    }

    pub(super) fn forward(&self, x: Tensor<2>, ts: &[usize], labels: Option<Tensor<1, Int>>) -> Tensor<2> {
        let device = x.device();
        let c = self.cond.forward(ts, labels, &device); // [n, width]
        let h = self.input.forward(fourier(x)); // [n, width]
        let mut h = silu(h + self.cond_in[0].forward(c.clone())); // [n, width]
        for (layer, cond) in self.hidden.iter().zip(&self.cond_in[1..]) {
            h = silu(layer.forward(h) + cond.forward(c.clone())); // [n, width]
        }
        self.out.forward(h) // [n, 2]
    }
}

// ---------------------------------------------------------------------------------------
// Images

fn conv3(c_in: usize, c_out: usize, stride: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([c_in, c_out], [3, 3])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

fn norm(channels: usize, device: &Device) -> GroupNorm {
    GroupNormConfig::new(8.min(channels), channels).init(device)
}

/// Two 3x3 convolutions with group norm and SiLU, the conditioning added between them, and a
/// residual path (a 1x1 convolution where the channel count changes).
#[derive(Module, Debug)]
pub(crate) struct ResBlock {
    pub norm1: GroupNorm,
    pub conv1: Conv2d,
    pub cond: Linear,
    pub norm2: GroupNorm,
    pub conv2: Conv2d,
    pub skip: Option<Conv2d>,
}

impl ResBlock {
    fn new(c_in: usize, c_out: usize, cond_dim: usize, device: &Device) -> Self {
        Self {
            norm1: norm(c_in, device),
            conv1: conv3(c_in, c_out, 1, device),
            cond: LinearConfig::new(cond_dim, c_out).init(device),
            norm2: norm(c_out, device),
            conv2: conv3(c_out, c_out, 1, device),
            skip: (c_in != c_out).then(|| Conv2dConfig::new([c_in, c_out], [1, 1]).init(device)),
        }
    }

    fn forward(&self, x: Tensor<4>, c: Tensor<2>) -> Tensor<4> {
        let [n, _, _, _] = x.dims();
        let h = self.conv1.forward(group_norm_silu(&self.norm1, x.clone())); // [n, c_out, h, w]
        let c_out = h.dims()[1];
        let h = h + self.cond.forward(silu(c)).reshape([n, c_out, 1, 1]);
        let h = self.conv2.forward(group_norm_silu(&self.norm2, h));
        let skip = match &self.skip {
            Some(conv) => conv.forward(x),
            None => x,
        };
        h + skip
    }
}

/// Doubles the height and width (nearest neighbour).
fn upsample(x: Tensor<4>) -> Tensor<4> {
    let [n, c, h, w] = x.dims();
    let x: Tensor<6> = x.reshape([n, c, h, 1, w, 1]);
    x.expand([n, c, h, 2, w, 2]).reshape([n, c, h * 2, w * 2])
}

/// Space to depth: each 2x2 block of pixels becomes 4 channels (`[n, c, h, w]` ->
/// `[n, 4c, h/2, w/2]`), so the network works at half the resolution, 4x cheaper.
fn unshuffle(x: Tensor<4>) -> Tensor<4> {
    let [n, c, h, w] = x.dims();
    let x: Tensor<6> = x.reshape([n, c, h / 2, 2, w / 2, 2]);
    x.permute([0, 1, 3, 5, 2, 4]).reshape([n, c * 4, h / 2, w / 2])
}

/// Depth to space, the inverse of [`unshuffle`].
fn shuffle(x: Tensor<4>) -> Tensor<4> {
    let [n, c4, h, w] = x.dims();
    let c = c4 / 4;
    let x: Tensor<6> = x.reshape([n, c, 2, 2, h, w]);
    x.permute([0, 1, 4, 2, 5, 3]).reshape([n, c, h * 2, w * 2])
}

/// A U-Net for 28x28 images with `w` base channels. The image is first folded into 4
/// channels at 14x14 (each 2x2 block of pixels side by side), which makes the network 4x
/// cheaper on a CPU; then two levels (14x14 with `w` channels, 7x7 with `2w`), a middle
/// block, and back up, each level joined to its mirror by a skip connection.
#[derive(Module, Debug)]
pub(crate) struct UNet {
    pub cond: Conditioning,
    pub stem: Conv2d,
    pub down1: ResBlock,
    pub pool: Conv2d,
    pub down2: ResBlock,
    pub mid: ResBlock,
    pub up2: ResBlock,
    pub up1: ResBlock,
    pub norm_out: GroupNorm,
    pub out: Conv2d,
}

impl UNet {
    pub(crate) fn new(channels: usize, w: usize, classes: Option<usize>, device: &Device) -> Self {
        let cd = 4 * w;
        Self {
            cond: Conditioning::new(w, cd, classes, device),
            stem: conv3(4 * channels, w, 1, device),
            down1: ResBlock::new(w, w, cd, device),
            pool: conv3(w, w, 2, device),
            down2: ResBlock::new(w, 2 * w, cd, device),
            mid: ResBlock::new(2 * w, 2 * w, cd, device),
            up2: ResBlock::new(4 * w, 2 * w, cd, device),
            up1: ResBlock::new(3 * w, w, cd, device),
            norm_out: norm(w, device),
            out: conv3(w, 4 * channels, 1, device),
        }
    }

    pub(crate) fn forward(&self, x: Tensor<4>, ts: &[usize], labels: Option<Tensor<1, Int>>) -> Tensor<4> {
        let device = x.device();
        let c = self.cond.forward(ts, labels, &device); // [n, 4w]
        let h0 = self.stem.forward(unshuffle(x)); // [n, w, 14, 14]
        let h1 = self.down1.forward(h0, c.clone()); // [n, w, 14, 14]
        let h2 = self.down2.forward(self.pool.forward(h1.clone()), c.clone()); // [n, 2w, 7, 7]
        let m = self.mid.forward(h2.clone(), c.clone()); // [n, 2w, 7, 7]
        let u2 = self.up2.forward(Tensor::cat(vec![m, h2], 1), c.clone()); // [n, 2w, 7, 7]
        let u1 = self.up1.forward(Tensor::cat(vec![upsample(u2), h1], 1), c); // [n, w, 14, 14]
        shuffle(self.out.forward(group_norm_silu(&self.norm_out, u1))) // [n, channels, 28, 28]
    }
}

/// The noise predictor: an MLP for points or a U-Net for images (one of the two is set).
#[derive(Module, Debug)]
pub(crate) struct Denoiser {
    pub points: Option<PointNet>,
    pub unet: Option<UNet>,
}

impl Denoiser {
    pub(super) fn new(cfg: &super::Config, data: &super::Data, device: &Device) -> Self {
        let classes = (cfg.conditional && data.classes() > 0).then(|| data.classes());
        match data {
            super::Data::Points { .. } => {
                Self { points: Some(PointNet::new(cfg.hidden, cfg.layers, None, device)), unet: None }
            }
            super::Data::Images(s) => {
                Self { points: None, unet: Some(UNet::new(s.train.channels, cfg.width, classes, device)) }
            }
        }
    }

    /// Predicted noise for x_t (`[n, dim]`) at timesteps `ts`, for classes `labels` when
    /// class-conditional (the index `classes` means none).
    pub(super) fn forward(&self, x: Tensor<2>, ts: &[usize], labels: Option<&[u32]>, side: [usize; 3]) -> Tensor<2> {
        let device = x.device();
        let labels = labels.map(|l| {
            tensors::ints(l.iter().map(|&c| c as i64).collect(), [l.len()], &device)
        });
        match (&self.points, &self.unet) {
            (Some(net), _) => net.forward(x, ts, labels),
            (None, Some(unet)) => {
                let [n, dim] = x.dims();
                let [c, h, w] = side;
                unet.forward(x.reshape([n, c, h, w]), ts, labels).reshape([n, dim])
            }
            (None, None) => unreachable!("a denoiser has one network"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensors::Floats;

    #[test]
    fn folding_pixels_into_channels_and_back_is_the_identity() {
        let device = Device::flex();
        let v: Vec<f32> = (0..2 * 3 * 4 * 6).map(|i| i as f32).collect();
        let x = floats(v.clone(), [2, 3, 4, 6], &device);
        let folded = unshuffle(x);
        assert_eq!(folded.dims(), [2, 12, 2, 3]);
        // Channel 1 of the first image's colour 0 holds the pixels right of each 2x2 corner.
        let c1: Vec<f32> = folded.clone().slice([0..1, 1..2, 0..2, 0..3]).floats();
        assert_eq!(c1, vec![1.0, 3.0, 5.0, 13.0, 15.0, 17.0]);
        let back: Vec<f32> = shuffle(folded).floats();
        assert_eq!(back, v);
    }
}
