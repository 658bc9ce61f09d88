//! Group normalisation followed by SiLU as one operation on the CPU, forward and backward.
//!
//! Burn's `GroupNorm` is a composition of nine tensor operations (two means, a subtraction, a
//! square, a square root, a division, the affine's product and sum, a reshape) and SiLU two
//! more (`x · σ(x)`); through autodiff their backward adds some twenty more, each a pass over
//! the whole activation with its own allocation, most of them on one thread. The diffusion
//! U-Net normalises eleven times per forward pass, each time followed by SiLU: these small
//! passes were a third of its training step. Here the forward is two passes (the group's
//! statistics, then `silu(a·x + b)` per channel with `a = γ·rstd`, `b = β − mean·a`) and the
//! backward three (SiLU's gradient and the per-channel sums, then the input's gradient), images
//! in parallel, statistics accumulated in f64.
//!
//! Backward, with `y = a·x + b`, `dy = dout · σ(y)(1 + y(1 − σ(y)))`, `x̂ = (x − mean)·rstd`
//! and means over a group's elements: `dβ_c = Σ dy`, `dγ_c = Σ dy·x̂`,
//! `dx = rstd·(γ_c·dy − mean(γ·dy) − x̂·mean(γ·dy·x̂))`.

use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, backend_extension};
use burn::nn::GroupNorm;
use burn::tensor::activation::silu;
use burn::tensor::{DType, Tensor};
use burn_flex::FlexTensor;
use burn_flex::simd::fastmath::{self, sigmoid_f32};
use rayon::prelude::*;

use super::{f32s, flex_tensor, lane_sums};

#[backend_extension(Flex, Autodiff)]
pub trait GroupNormSiluOps: Backend {
    /// `x` `[batch, channels, ...]`, `gamma` and `beta` `[channels]` -> `silu(group_norm(x))`
    /// with `groups` groups of consecutive channels (which must divide the channels).
    fn group_norm_silu(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        groups: usize,
        epsilon: f64,
    ) -> FloatTensor<Self>;
}

/// `silu(norm.forward(x))`: one fused operation on the CPU (f32, with the affine parameters),
/// else Burn's composition.
pub fn group_norm_silu<const D: usize>(norm: &GroupNorm, x: Tensor<D>) -> Tensor<D> {
    let fused = super::on_flex(&x.device())
        && x.dtype() == DType::F32
        && D >= 3
        && norm.num_groups > 0
        && x.dims()[1] == norm.num_channels
        && norm.num_channels.is_multiple_of(norm.num_groups);
    match (&norm.gamma, &norm.beta) {
        (Some(gamma), Some(beta)) if fused => {
            Tensor::from_dispatch(<Dispatch as GroupNormSiluOps>::group_norm_silu(
                x.into_dispatch(),
                gamma.val().into_dispatch(),
                beta.val().into_dispatch(),
                norm.num_groups,
                norm.epsilon,
            ))
        }
        _ => silu(norm.forward(x)),
    }
}

impl GroupNormSiluOps for Flex {
    fn group_norm_silu(
        x: FlexTensor,
        gamma: FlexTensor,
        beta: FlexTensor,
        groups: usize,
        epsilon: f64,
    ) -> FlexTensor {
        forward(x, &gamma, &beta, groups, epsilon).0
    }
}

impl<C: CheckpointStrategy> GroupNormSiluOps for Autodiff<Flex, C> {
    fn group_norm_silu(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        groups: usize,
        epsilon: f64,
    ) -> FloatTensor<Self> {
        super::tracked::<C, _, 3>(NormSiluBackward, [x, gamma, beta], |[x, gamma, beta]| {
            let (out, saved) = forward(x, &gamma, &beta, groups, epsilon);
            (out, Arc::new(saved))
        })
    }
}

/// Sizes: images, channels, elements per channel (the plane), groups.
#[derive(Clone, Copy, Debug)]
struct Dims {
    n: usize,
    c: usize,
    plane: usize,
    groups: usize,
}

impl Dims {
    /// Channels per group.
    fn cpg(&self) -> usize {
        self.c / self.groups
    }
}

/// What the backward pass needs: the input, the affine parameters and each image's and
/// group's mean and reciprocal standard deviation (`[n, groups]`).
struct Saved {
    dims: Dims,
    x: FlexTensor,
    gamma: Vec<f32>,
    beta: Vec<f32>,
    stats: Vec<(f32, f32)>,
}

impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Saved({:?})", self.dims)
    }
}

/// `silu(a·x + b)`.
#[derive(Clone, Copy)]
struct AffineSilu {
    a: f32,
    b: f32,
}

impl fastmath::Map for AffineSilu {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        let y = self.a * x + self.b;
        y * sigmoid_f32(y)
    }
}

/// `dout · silu'(a·x + b)`, for `zip_inplace(dout, x)`.
#[derive(Clone, Copy)]
struct AffineSiluGrad {
    a: f32,
    b: f32,
}

impl fastmath::Zip for AffineSiluGrad {
    #[inline(always)]
    fn apply(&self, dout: f32, x: f32) -> f32 {
        let y = self.a * x + self.b;
        let s = sigmoid_f32(y);
        dout * s * (1.0 + y * (1.0 - s))
    }
}

/// `p·dy + q·x + r`, for `zip_inplace(dy, x)`.
#[derive(Clone, Copy)]
struct Linear3 {
    p: f32,
    q: f32,
    r: f32,
}

impl fastmath::Zip for Linear3 {
    #[inline(always)]
    fn apply(&self, dy: f32, x: f32) -> f32 {
        self.p * dy + self.q * x + self.r
    }
}

/// The affine map of channel `c` in a group with statistics `(mean, rstd)`: `(a, b)` with
/// `a·x + b = γ_c·x̂ + β_c`.
fn affine(gamma: &[f32], beta: &[f32], c: usize, (mean, rstd): (f32, f32)) -> (f32, f32) {
    let a = gamma[c] * rstd;
    (a, beta[c] - mean * a)
}

fn dims_of(shape: &[usize], groups: usize) -> Dims {
    assert!(shape.len() >= 3, "group_norm_silu: the input needs a batch, a channel and a plane dimension");
    let (n, c) = (shape[0], shape[1]);
    assert!(
        groups > 0 && c.is_multiple_of(groups),
        "group_norm_silu: {groups} groups do not divide {c} channels"
    );
    Dims { n, c, plane: shape[2..].iter().product(), groups }
}

/// The forward pass, and what the backward needs.
fn forward(
    x: FlexTensor,
    gamma: &FlexTensor,
    beta: &FlexTensor,
    groups: usize,
    epsilon: f64,
) -> (FlexTensor, Saved) {
    debug_assert_eq!(x.dtype(), DType::F32);
    let shape = x.layout().shape().to_vec();
    let dims = dims_of(&shape, groups);
    let Dims { n, c, plane, .. } = dims;
    let (gamma, beta) = (f32s(gamma).into_owned(), f32s(beta).into_owned());
    assert!(gamma.len() == c && beta.len() == c, "group_norm_silu: γ and β need one value per channel");
    let x = x.to_contiguous();
    let xs = f32s(&x);
    let image = c * plane;
    let group_len = dims.cpg() * plane;
    let mut out = vec![0.0f32; n * image];
    let mut stats = vec![(0.0f32, 0.0f32); n * groups];
    if image > 0 {
        out.par_chunks_mut(image).zip(stats.par_chunks_mut(groups)).enumerate().for_each(
            |(b, (out, stats))| {
                let img = &xs[b * image..][..image];
                for (g, st) in stats.iter_mut().enumerate() {
                    let chunk = &img[g * group_len..][..group_len];
                    let (sum, _) = lane_sums(chunk, chunk, |v, _| (v, 0.0));
                    let mean = (sum / group_len as f64) as f32;
                    let (sq, _) = lane_sums(chunk, chunk, |v, _| ((v - mean) * (v - mean), 0.0));
                    let rstd = (1.0 / (sq / group_len as f64 + epsilon).sqrt()) as f32;
                    *st = (mean, rstd);
                    for ci in 0..dims.cpg() {
                        let ch = g * dims.cpg() + ci;
                        let (a, b) = affine(&gamma, &beta, ch, *st);
                        let dst = &mut out[ch * plane..][..plane];
                        dst.copy_from_slice(&img[ch * plane..][..plane]);
                        fastmath::map_inplace(dst, AffineSilu { a, b });
                    }
                }
            },
        );
    }
    drop(xs);
    let result = flex_tensor(out, &shape);
    (result, Saved { dims, x, gamma, beta, stats })
}

/// The gradients of `x`, `γ` and `β` from the output's gradient.
fn backward(saved: &Saved, grad: &FlexTensor) -> (FlexTensor, FlexTensor, FlexTensor) {
    let Dims { n, c, plane, groups } = saved.dims;
    let cpg = saved.dims.cpg();
    let (gamma, beta) = (&saved.gamma, &saved.beta);
    let xs = f32s(&saved.x);
    let dout = f32s(grad);
    let image = c * plane;
    let m = (cpg * plane) as f64;
    let mut dx = vec![0.0f32; n * image];
    // Per image: (dγ, dβ) of each channel.
    let partial: Vec<Vec<(f64, f64)>> = if image == 0 {
        Vec::new()
    } else {
        dx.par_chunks_mut(image)
            .enumerate()
            .map(|(b, dx)| {
                let img = &xs[b * image..][..image];
                let dimg = &dout[b * image..][..image];
                let mut sums = vec![(0.0f64, 0.0f64); c];
                for g in 0..groups {
                    let st = saved.stats[b * groups + g];
                    let (mean, rstd) = (f64::from(st.0), f64::from(st.1));
                    // Σ γ·dy and Σ γ·dy·x̂ over the group.
                    let (mut s1, mut s2) = (0.0f64, 0.0f64);
                    for ci in 0..cpg {
                        let ch = g * cpg + ci;
                        let (a, bb) = affine(gamma, beta, ch, st);
                        let (xp, dyp) = (&img[ch * plane..][..plane], &mut dx[ch * plane..][..plane]);
                        dyp.copy_from_slice(&dimg[ch * plane..][..plane]);
                        fastmath::zip_inplace(dyp, xp, AffineSiluGrad { a, b: bb });
                        let (sum_dy, sum_dyx) = lane_sums(dyp, xp, |d, v| (d, d * v));
                        let dgamma = rstd * (sum_dyx - mean * sum_dy);
                        sums[ch] = (dgamma, sum_dy);
                        s1 += f64::from(gamma[ch]) * sum_dy;
                        s2 += f64::from(gamma[ch]) * dgamma;
                    }
                    let (m1, m2) = (s1 / m, s2 / m);
                    // dx = rstd·(γ·dy − m1 − x̂·m2) = p·dy + q·x + r.
                    let q = -rstd * rstd * m2;
                    let r = -rstd * m1 + rstd * rstd * m2 * mean;
                    for ci in 0..cpg {
                        let ch = g * cpg + ci;
                        let p = rstd * f64::from(gamma[ch]);
                        let (xp, dyp) = (&img[ch * plane..][..plane], &mut dx[ch * plane..][..plane]);
                        fastmath::zip_inplace(dyp, xp, Linear3 { p: p as f32, q: q as f32, r: r as f32 });
                    }
                }
                sums
            })
            .collect()
    };
    let (mut dgamma, mut dbeta) = (vec![0.0f64; c], vec![0.0f64; c]);
    for sums in &partial {
        for (ch, &(dg, db)) in sums.iter().enumerate() {
            dgamma[ch] += dg;
            dbeta[ch] += db;
        }
    }
    let to_f32 = |v: Vec<f64>| v.into_iter().map(|x| x as f32).collect::<Vec<_>>();
    (
        flex_tensor(dx, saved.x.layout().shape()),
        flex_tensor(to_f32(dgamma), &[c]),
        flex_tensor(to_f32(dbeta), &[c]),
    )
}

#[derive(Debug)]
struct NormSiluBackward;

impl Backward<Flex, 3> for NormSiluBackward {
    type State = Arc<Saved>;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let grad = grads.consume::<Flex>(&ops.node);
        let (dx, dgamma, dbeta) = backward(&ops.state, &grad);
        super::register_grads(&ops, grads, [dx, dgamma, dbeta]);
    }
}

#[cfg(test)]
mod tests {
    use burn::module::Param;
    use burn::nn::{GroupNorm, GroupNormConfig};
    use burn::tensor::activation::silu;
    use burn::tensor::{Device, Distribution, Tensor};

    use crate::ops::testing::{relative_error, values};

    fn norm(groups: usize, channels: usize, device: &Device) -> GroupNorm {
        let mut norm = GroupNormConfig::new(groups, channels).init(device);
        let normal = Distribution::Normal(0.0, 1.0);
        norm.gamma = Some(Param::from_tensor(Tensor::<1>::random([channels], normal, device)));
        norm.beta = Some(Param::from_tensor(Tensor::<1>::random([channels], normal, device)));
        norm
    }

    /// The fused operation against Burn's `GroupNorm` then `silu`: the output, and the
    /// gradients of a weighted sum of it with respect to the input, γ and β, on odd shapes.
    #[test]
    fn the_fused_group_norm_silu_matches_burns_composition() {
        // (batch, channels, height, width, groups); with two elements per group the input's
        // gradient is zero but for rounding, so the smallest group here has three.
        for (case, &(b, c, h, w, groups)) in
            [(3, 6, 5, 7, 3), (1, 6, 1, 1, 2), (2, 8, 14, 14, 8), (5, 12, 3, 2, 4), (4, 9, 6, 3, 1)]
                .iter()
                .enumerate()
        {
            let device = Device::flex().autodiff();
            device.seed(20 + case as u64);
            let norm = norm(groups, c, &device);
            let normal = Distribution::Normal(0.5, 2.0);
            let x = Tensor::<4>::random([b, c, h, w], normal, &device).require_grad();
            let weights = Tensor::<4>::random([b, c, h, w], Distribution::Normal(0.0, 1.0), &device);
            let run = |fused: bool| {
                let y = if fused {
                    super::group_norm_silu(&norm, x.clone())
                } else {
                    silu(norm.forward(x.clone()))
                };
                let grads = (y.clone() * weights.clone()).sum().backward();
                vec![
                    values(y),
                    values(x.grad(&grads).unwrap()),
                    values(norm.gamma.as_ref().unwrap().val().grad(&grads).unwrap()),
                    values(norm.beta.as_ref().unwrap().val().grad(&grads).unwrap()),
                ]
            };
            let (fused, reference) = (run(true), run(false));
            for (k, (got, want)) in fused.iter().zip(&reference).enumerate() {
                let err = relative_error(got, want);
                assert!(
                    err < 1e-4,
                    "case {case} ({b}, {c}, {h}, {w}, {groups}), value {k}: relative error {err}"
                );
            }
        }
    }

    /// A 3-D input (one plane dimension), and without autodiff (sampling).
    #[test]
    fn the_fused_group_norm_silu_runs_on_three_dimensions_and_without_autodiff() {
        let device = Device::flex();
        device.seed(7);
        let norm = norm(2, 6, &device);
        let x = Tensor::<3>::random([3, 6, 11], Distribution::Normal(-1.0, 3.0), &device);
        let fused = super::group_norm_silu(&norm, x.clone());
        let reference = silu(norm.forward(x));
        assert!(relative_error(&values(fused), &values(reference)) < 1e-5);
    }
}
