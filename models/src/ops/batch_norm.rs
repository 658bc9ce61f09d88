//! Batch normalisation (training mode) followed by ReLU as one operation on the CPU, forward
//! and backward.
//!
//! The ResNet normalises nine times per forward pass, each time followed by ReLU. flex's batch
//! norm (`.patches/burn-flex/src/ops/batch_norm.rs`) works in f64 one element at a time, for
//! every float type, and ReLU is two more passes (forward, and its mask in the backward), each
//! with its own allocation: together some 17% of the lab's training step. Here, in f32 with
//! the statistics accumulated in f64: the statistics are one pass (two reads), the output one
//! pass of `max(a·x + b, 0)` per channel through flex's dispatched vector loop; the backward
//! one pass for the per-channel sums and one for the input's gradient, which recompute ReLU's
//! mask from the input instead of storing it, and write into the output gradient's buffer when
//! nothing else holds it.
//!
//! With `y = a·x + b` (`a = γ·rstd`, `b = β − mean·a`), `g = dout·[y > 0]`, `x̂ = (x − mean)·rstd`
//! and means over a channel's `batch·plane` elements: `dβ = Σ g`, `dγ = Σ g·x̂`,
//! `dx = γ·rstd·(g − mean(g) − x̂·mean(g·x̂))`.
//!
//! The running statistics are updated as Burn's `BatchNorm` does (same momentum, biased
//! variance), so a checkpoint is the same whichever path trained it.

use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops};
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, backend_extension};
use burn::nn::BatchNorm;
use burn::tensor::activation::relu;
use burn::tensor::{DType, Tensor};
use burn_flex::FlexTensor;
use burn_flex::simd::fastmath;
use rayon::prelude::*;

use super::{Planes, f32s, flex_tensor, plane_sums};

#[backend_extension(Flex, Autodiff)]
pub trait BatchNormReluOps: Backend {
    /// `x` `[batch, channels, ...]` -> `[2, channels]`: each channel's mean and biased
    /// variance over the batch and the plane. Not tracked by autodiff.
    fn batch_statistics(x: FloatTensor<Self>) -> FloatTensor<Self>;

    /// `relu(γ·(x − mean)/√(var + ε) + β)` per channel, where `stats` is
    /// [`batch_statistics`](BatchNormReluOps::batch_statistics)`(x)`: its gradient is batch
    /// norm's in training mode, through the batch's statistics too.
    fn batch_norm_relu_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        stats: FloatTensor<Self>,
        epsilon: f64,
    ) -> FloatTensor<Self>;
}

/// `relu(norm.forward(x))`, the running statistics updated as `norm.forward` does: one fused
/// operation when training on the CPU (f32), else Burn's composition.
pub fn batch_norm_relu<const D: usize>(norm: &BatchNorm, x: Tensor<D>) -> Tensor<D> {
    let device = x.device();
    let [channels] = norm.gamma.shape().dims();
    let fused = super::on_flex(&device)
        && device.is_autodiff()
        && norm.training.is_enabled()
        && x.dtype() == DType::F32
        && D >= 2
        && x.dims()[1] == channels;
    if !fused {
        return relu(norm.forward(x));
    }
    let stats: Tensor<2> =
        Tensor::from_dispatch(<Dispatch as BatchNormReluOps>::batch_statistics(x.clone().into_dispatch()));
    let out = Tensor::from_dispatch(<Dispatch as BatchNormReluOps>::batch_norm_relu_train(
        x.into_dispatch(),
        norm.gamma.val().into_dispatch(),
        norm.beta.val().into_dispatch(),
        stats.clone().into_dispatch(),
        norm.epsilon,
    ));
    // As `BatchNorm::forward_train`.
    let m = norm.momentum;
    let row = |i: usize| stats.clone().narrow(0, i, 1).reshape([channels]);
    let running_mean =
        norm.running_mean.value_sync().to_device(&device).mul_scalar(1.0 - m).add(row(0).mul_scalar(m));
    let running_var =
        norm.running_var.value_sync().to_device(&device).mul_scalar(1.0 - m).add(row(1).mul_scalar(m));
    norm.running_mean.update(running_mean.detach());
    norm.running_var.update(running_var.detach());
    out
}

impl BatchNormReluOps for Flex {
    fn batch_statistics(x: FlexTensor) -> FlexTensor {
        statistics(&x)
    }

    fn batch_norm_relu_train(
        x: FlexTensor,
        gamma: FlexTensor,
        beta: FlexTensor,
        stats: FlexTensor,
        epsilon: f64,
    ) -> FlexTensor {
        forward(x, &gamma, &beta, &stats, epsilon).0
    }
}

impl<C: CheckpointStrategy> BatchNormReluOps for Autodiff<Flex, C> {
    fn batch_statistics(x: FloatTensor<Self>) -> FloatTensor<Self> {
        let (x, _) = x.into_parts();
        <Self as FloatTensorOps<Self>>::float_from_data(statistics(&x).into_data(), &Default::default())
    }

    fn batch_norm_relu_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        stats: FloatTensor<Self>,
        epsilon: f64,
    ) -> FloatTensor<Self> {
        // The statistics are a function of x, which the backward differentiates through.
        let (stats, _) = stats.into_parts();
        super::tracked::<C, _, 3>(NormReluBackward, [x, gamma, beta], |[x, gamma, beta]| {
            let (out, saved) = forward(x, &gamma, &beta, &stats, epsilon);
            (out, Arc::new(saved))
        })
    }
}

/// Sizes: images, channels, elements per channel and image (the plane).
#[derive(Clone, Copy, Debug)]
struct Dims {
    n: usize,
    c: usize,
    plane: usize,
}

impl Dims {
    fn of(shape: &[usize]) -> Self {
        assert!(shape.len() >= 2, "batch_norm_relu: the input needs a batch and a channel dimension");
        Self { n: shape[0], c: shape[1], plane: shape[2..].iter().product() }
    }

    /// The elements each channel's statistics run over.
    fn count(&self) -> f64 {
        (self.n * self.plane).max(1) as f64
    }

    /// Channel `c`'s plane in every image.
    fn planes(&self, c: usize) -> Planes {
        Planes { count: self.n, stride: self.c * self.plane, start: c * self.plane, len: self.plane }
    }
}

/// Each channel's mean and biased variance, `[2, channels]`.
fn statistics(x: &FlexTensor) -> FlexTensor {
    let dims = Dims::of(x.layout().shape());
    let xs = f32s(x);
    let count = dims.count();
    let stats: Vec<(f64, f64)> = (0..dims.c)
        .into_par_iter()
        .map(|c| {
            let sum = plane_sums(&xs, &xs, dims.planes(c), |v, _| (v, 0.0)).0;
            let mean = sum / count;
            let m = mean as f32;
            let sq = plane_sums(&xs, &xs, dims.planes(c), |v, _| ((v - m) * (v - m), 0.0)).0;
            // The centred sum used the rounded mean; correct for the difference.
            let shift = f64::from(m) - mean;
            (mean, (sq / count - shift * shift).max(0.0))
        })
        .collect();
    let mut values: Vec<f32> = stats.iter().map(|s| s.0 as f32).collect();
    values.extend(stats.iter().map(|s| s.1 as f32));
    flex_tensor(values, &[2, dims.c])
}

/// What the backward pass needs: the input, and each channel's `(a, b)`, mean and reciprocal
/// standard deviation and γ.
struct Saved {
    dims: Dims,
    x: FlexTensor,
    channels: Vec<Channel>,
}

impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Saved({:?})", self.dims)
    }
}

/// One channel's normalisation: `y = a·x + b`.
#[derive(Clone, Copy, Debug)]
struct Channel {
    a: f32,
    b: f32,
    mean: f64,
    rstd: f64,
    gamma: f64,
}

/// `max(a·x + b, 0)`.
#[derive(Clone, Copy)]
struct AffineRelu {
    a: f32,
    b: f32,
}

impl fastmath::Map for AffineRelu {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        (self.a * x + self.b).max(0.0)
    }
}

/// The input's gradient from `(dout, x)`: `p·g + q·x + r` with `g = dout·[a·x + b > 0]`.
#[derive(Clone, Copy)]
struct InputGrad {
    a: f32,
    b: f32,
    p: f32,
    q: f32,
    r: f32,
}

impl fastmath::Zip for InputGrad {
    #[inline(always)]
    fn apply(&self, dout: f32, x: f32) -> f32 {
        let g = if self.a * x + self.b > 0.0 { dout } else { 0.0 };
        self.p * g + self.q * x + self.r
    }
}

/// The forward pass, and what the backward needs.
fn forward(
    x: FlexTensor,
    gamma: &FlexTensor,
    beta: &FlexTensor,
    stats: &FlexTensor,
    epsilon: f64,
) -> (FlexTensor, Saved) {
    debug_assert_eq!(x.dtype(), DType::F32);
    let shape = x.layout().shape().to_vec();
    let dims = Dims::of(&shape);
    let Dims { n, c, plane } = dims;
    let (gamma, beta, stats) = (f32s(gamma), f32s(beta), f32s(stats));
    assert!(
        gamma.len() == c && beta.len() == c && stats.len() == 2 * c,
        "batch_norm_relu: γ, β, the mean and the variance need one value per channel"
    );
    let channels: Vec<Channel> = (0..c)
        .map(|ch| {
            let (mean, var) = (f64::from(stats[ch]), f64::from(stats[c + ch]));
            let rstd = 1.0 / (var + epsilon).sqrt();
            let a = f64::from(gamma[ch]) * rstd;
            Channel {
                a: a as f32,
                b: (f64::from(beta[ch]) - mean * a) as f32,
                mean,
                rstd,
                gamma: f64::from(gamma[ch]),
            }
        })
        .collect();
    let x = x.to_contiguous();
    let xs = f32s(&x);
    let image = c * plane;
    let mut out = vec![0.0f32; n * image];
    if image > 0 {
        out.par_chunks_mut(image).zip(xs.par_chunks(image)).for_each(|(out, img)| {
            out.copy_from_slice(img);
            for (dst, k) in out.chunks_mut(plane).zip(&channels) {
                fastmath::map_inplace(dst, AffineRelu { a: k.a, b: k.b });
            }
        });
    }
    drop(xs);
    (flex_tensor(out, &shape), Saved { dims, x, channels })
}

/// The gradients of `x`, `γ` and `β` from the output's gradient.
fn backward(saved: &Saved, grad: FlexTensor) -> (FlexTensor, FlexTensor, FlexTensor) {
    let dims = saved.dims;
    let Dims { c, plane, .. } = dims;
    let xs = f32s(&saved.x);
    let count = dims.count();
    // Per channel: Σ g and Σ g·x̂.
    let sums: Vec<(f64, f64)> = {
        let dout = f32s(&grad);
        (0..c)
            .into_par_iter()
            .map(|ch| {
                let k = saved.channels[ch];
                let (sum_g, sum_gx) = plane_sums(&dout, &xs, dims.planes(ch), |d, x| {
                    let g = if k.a * x + k.b > 0.0 { d } else { 0.0 };
                    (g, g * x)
                });
                (sum_g, k.rstd * (sum_gx - k.mean * sum_g))
            })
            .collect()
    };
    let kernels: Vec<InputGrad> = saved
        .channels
        .iter()
        .zip(&sums)
        .map(|(k, &(sum_g, sum_gxhat))| {
            let (m1, m2) = (sum_g / count, sum_gxhat / count);
            let p = k.gamma * k.rstd;
            let q = -p * k.rstd * m2;
            let r = -p * m1 + p * k.rstd * m2 * k.mean;
            InputGrad { a: k.a, b: k.b, p: p as f32, q: q as f32, r: r as f32 }
        })
        .collect();
    // dx in the output gradient's buffer when nothing else holds it, else in a copy.
    let shape = saved.x.layout().shape().to_vec();
    let in_place = grad.is_contiguous() && grad.layout().start_offset() == 0 && grad.is_unique();
    let mut dx = if in_place { grad } else { flex_tensor(f32s(&grad).into_owned(), &shape) };
    {
        let dxs = dx.storage_mut::<f32>();
        let image = c * plane;
        if image > 0 {
            dxs.par_chunks_mut(image).zip(xs.par_chunks(image)).for_each(|(d, img)| {
                for ((d, x), k) in d.chunks_mut(plane).zip(img.chunks(plane)).zip(&kernels) {
                    fastmath::zip_inplace(d, x, *k);
                }
            });
        }
    }
    let to_f32 = |f: fn(&(f64, f64)) -> f64| sums.iter().map(|s| f(s) as f32).collect::<Vec<_>>();
    (dx, flex_tensor(to_f32(|s| s.1), &[c]), flex_tensor(to_f32(|s| s.0), &[c]))
}

#[derive(Debug)]
struct NormReluBackward;

impl Backward<Flex, 3> for NormReluBackward {
    type State = Arc<Saved>;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let grad = grads.consume::<Flex>(&ops.node);
        let (dx, dgamma, dbeta) = backward(&ops.state, grad);
        super::register_grads(&ops, grads, [dx, dgamma, dbeta]);
    }
}

#[cfg(test)]
mod tests {
    use burn::module::{Module, Param};
    use burn::nn::{BatchNorm, BatchNormConfig};
    use burn::tensor::activation::relu;
    use burn::tensor::{Device, Distribution, Tensor};

    use crate::ops::testing::{relative_error, values};

    /// Two batch norms with the same random γ and β and their own running statistics (a
    /// clone would share them).
    fn pair(channels: usize, device: &Device) -> (BatchNorm, BatchNorm) {
        let normal = Distribution::Normal(0.0, 1.0);
        let gamma = Tensor::<1>::random([channels], normal, device);
        let beta = Tensor::<1>::random([channels], normal, device);
        let make = || {
            let mut norm = BatchNormConfig::new(channels).with_momentum(0.3).init(device);
            norm.gamma = Param::from_tensor(gamma.clone());
            norm.beta = Param::from_tensor(beta.clone());
            norm
        };
        (make(), make())
    }

    /// The fused operation against Burn's `BatchNorm` then `relu`: the output, the gradients
    /// of a weighted sum of it with respect to the input, γ and β, and the running statistics,
    /// on odd shapes, twice in a row (the running statistics move).
    #[test]
    fn the_fused_batch_norm_relu_matches_burns_composition() {
        // (batch, channels, height, width)
        for (case, &(b, c, h, w)) in
            [(3, 5, 7, 9), (1, 4, 3, 1), (16, 8, 14, 14), (7, 3, 1, 1), (2, 1, 5, 5)].iter().enumerate()
        {
            let device = Device::flex().autodiff();
            device.seed(40 + case as u64);
            let (fused_norm, reference_norm) = pair(c, &device);
            let mut got = Vec::new();
            let mut want = Vec::new();
            for round in 0..2 {
                let normal = Distribution::Normal(0.5 + round as f64, 2.0);
                let x = Tensor::<4>::random([b, c, h, w], normal, &device).require_grad();
                let weights = Tensor::<4>::random([b, c, h, w], Distribution::Normal(0.0, 1.0), &device);
                for (fused, norm, into) in
                    [(true, &fused_norm, &mut got), (false, &reference_norm, &mut want)]
                {
                    let y = if fused {
                        super::batch_norm_relu(norm, x.clone())
                    } else {
                        relu(norm.forward(x.clone()))
                    };
                    let grads = (y.clone() * weights.clone()).sum().backward();
                    into.extend([
                        values(y),
                        values(x.grad(&grads).unwrap()),
                        values(norm.gamma.val().grad(&grads).unwrap()),
                        values(norm.beta.val().grad(&grads).unwrap()),
                        values(norm.running_mean.value()),
                        values(norm.running_var.value()),
                    ]);
                }
            }
            for (k, (got, want)) in got.iter().zip(&want).enumerate() {
                let err = relative_error(got, want);
                assert!(err < 1e-4, "case {case} ({b}, {c}, {h}, {w}), value {k}: relative error {err}");
            }
        }
    }

    /// A 2-D input (`[batch, features]`, as after a linear layer), and outside training (no
    /// autodiff: the running statistics, unchanged).
    #[test]
    fn the_fused_batch_norm_relu_runs_on_two_dimensions_and_in_inference() {
        let device = Device::flex().autodiff();
        device.seed(9);
        let (norm, reference) = pair(6, &device);
        let x = Tensor::<2>::random([10, 6], Distribution::Normal(-0.5, 3.0), &device).require_grad();
        let fused = super::batch_norm_relu(&norm, x.clone());
        let want = relu(reference.forward(x));
        assert!(relative_error(&values(fused), &values(want)) < 1e-5);
        assert!(
            relative_error(&values(norm.running_var.value()), &values(reference.running_var.value())) < 1e-5
        );

        let inner = Device::flex();
        let norm = norm.valid();
        let x = Tensor::<4>::random([2, 6, 3, 3], Distribution::Normal(0.0, 1.0), &inner);
        let fused = super::batch_norm_relu(&norm, x.clone());
        assert_eq!(values(fused), values(relu(norm.forward(x))));
    }
}
