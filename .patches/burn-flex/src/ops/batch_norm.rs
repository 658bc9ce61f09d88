//! Batch normalisation in one pass per direction, channels (and planes) in parallel.
//!
//! Burn's provided `batch_norm`, `batch_norm_train` and `batch_norm_train_backward` compose
//! about ten tensor operations each (two dimension swaps that force copies, several full-size
//! temporaries); on the CPU these kernels read the input once for the statistics and once for
//! the output. Statistics are accumulated in f64. Any float dtype.

use alloc::vec;
use alloc::vec::Vec;
use burn_backend::DType;
use burn_std::{Bytes, Shape, bf16, f16};
use num_traits::{Float, NumCast};

use crate::{FlexTensor, Layout};

/// `[batch, channels, rest...]`: batch, channels, and the elements of one plane.
fn dims(shape: &[usize]) -> (usize, usize, usize) {
    assert!(shape.len() >= 2, "batch norm: the input needs a batch and a channel dimension");
    (shape[0], shape[1], shape[2..].iter().product())
}

fn f64_of<T: Float>(v: T) -> f64 {
    <f64 as NumCast>::from(v).unwrap_or(f64::NAN)
}

fn of_f64<T: Float>(v: f64) -> T {
    <T as NumCast>::from(v).unwrap_or_else(T::nan)
}

/// Calls `f(plane index, plane)` for every `(b, c)` plane of `out`, in parallel where it can.
fn for_each_plane<T: Send>(out: &mut [T], plane: usize, f: impl Fn(usize, &mut [T]) + Sync + Send) {
    if plane == 0 {
        return;
    }
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        out.par_chunks_mut(plane).enumerate().for_each(|(i, p)| f(i, p));
    }
    #[cfg(not(feature = "rayon"))]
    out.chunks_mut(plane).enumerate().for_each(|(i, p)| f(i, p));
}

/// `f(c)` for every channel, in parallel where it can.
fn per_channel<R: Send>(channels: usize, f: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        (0..channels).into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "rayon"))]
    (0..channels).map(f).collect()
}

/// The planes of channel `c`.
fn planes<T>(data: &[T], (b, ch, s): (usize, usize, usize), c: usize) -> impl Iterator<Item = &[T]> {
    (0..b).map(move |n| &data[(n * ch + c) * s..][..s])
}

/// `y = (x - mean) / sqrt(var + eps) * gamma + beta`, with per-channel scale and shift.
fn normalise<T: Float + Send + Sync>(x: &[T], d: (usize, usize, usize), scale: &[f64], shift: &[f64]) -> Vec<T> {
    let mut out = vec![T::zero(); x.len()];
    for_each_plane(&mut out, d.2, |i, plane| {
        let c = i % d.1;
        let (k, m) = (scale[c], shift[c]);
        for (o, &v) in plane.iter_mut().zip(&x[i * d.2..][..d.2]) {
            *o = of_f64(f64_of(v) * k + m);
        }
    });
    out
}

fn inference<T: Float + Send + Sync>(x: &[T], d: (usize, usize, usize), gamma: &[T], beta: &[T], mean: &[T], var: &[T], eps: f64) -> Vec<T> {
    let scale: Vec<f64> = (0..d.1).map(|c| f64_of(gamma[c]) / (f64_of(var[c]) + eps).sqrt()).collect();
    let shift: Vec<f64> = (0..d.1).map(|c| f64_of(beta[c]) - f64_of(mean[c]) * scale[c]).collect();
    normalise(x, d, &scale, &shift)
}

/// The output and each channel's mean and biased variance.
fn train<T: Float + Send + Sync>(x: &[T], d: (usize, usize, usize), gamma: &[T], beta: &[T], eps: f64) -> (Vec<T>, Vec<T>, Vec<T>) {
    let count = (d.0 * d.2).max(1) as f64;
    let stats: Vec<(f64, f64)> = per_channel(d.1, |c| {
        let mean = planes(x, d, c).flat_map(|p| p.iter()).map(|&v| f64_of(v)).sum::<f64>() / count;
        let var = planes(x, d, c).flat_map(|p| p.iter()).map(|&v| (f64_of(v) - mean).powi(2)).sum::<f64>() / count;
        (mean, var)
    });
    let scale: Vec<f64> = (0..d.1).map(|c| f64_of(gamma[c]) / (stats[c].1 + eps).sqrt()).collect();
    let shift: Vec<f64> = (0..d.1).map(|c| f64_of(beta[c]) - stats[c].0 * scale[c]).collect();
    let out = normalise(x, d, &scale, &shift);
    (out, stats.iter().map(|s| of_f64(s.0)).collect(), stats.iter().map(|s| of_f64(s.1)).collect())
}

/// Gradients for the input, gamma and beta.
#[allow(clippy::too_many_arguments)]
fn train_backward<T: Float + Send + Sync>(
    x: &[T],
    d: (usize, usize, usize),
    gamma: &[T],
    mean: &[T],
    var: &[T],
    eps: f64,
    dy: &[T],
) -> (Vec<T>, Vec<T>, Vec<T>) {
    let count = (d.0 * d.2).max(1) as f64;
    let inv_std: Vec<f64> = (0..d.1).map(|c| 1.0 / (f64_of(var[c]) + eps).sqrt()).collect();
    // Per channel: sum of dy and sum of dy * x_hat.
    let sums: Vec<(f64, f64)> = per_channel(d.1, |c| {
        let (m, k) = (f64_of(mean[c]), inv_std[c]);
        planes(x, d, c).zip(planes(dy, d, c)).fold((0.0, 0.0), |(s, sx), (xp, gp)| {
            xp.iter().zip(gp).fold((s, sx), |(s, sx), (&v, &g)| {
                let g = f64_of(g);
                (s + g, sx + g * (f64_of(v) - m) * k)
            })
        })
    });
    let mut dx = vec![T::zero(); x.len()];
    for_each_plane(&mut dx, d.2, |i, plane| {
        let c = i % d.1;
        let (m, k) = (f64_of(mean[c]), inv_std[c]);
        let scale = f64_of(gamma[c]) * k;
        let (mean_dy, mean_dy_xhat) = (sums[c].0 / count, sums[c].1 / count);
        let src = &x[i * d.2..][..d.2];
        let grad = &dy[i * d.2..][..d.2];
        for ((o, &v), &g) in plane.iter_mut().zip(src).zip(grad) {
            let x_hat = (f64_of(v) - m) * k;
            *o = of_f64(scale * (f64_of(g) - mean_dy - x_hat * mean_dy_xhat));
        }
    });
    (dx, sums.iter().map(|s| of_f64(s.1)).collect(), sums.iter().map(|s| of_f64(s.0)).collect())
}

fn tensor<T: bytemuck::Pod + Send + Sync>(v: Vec<T>, shape: Shape, dtype: DType) -> FlexTensor {
    FlexTensor::new(Bytes::from_elems(v), Layout::contiguous(shape), dtype)
}

fn channel_shape(c: usize) -> Shape {
    Shape::from(vec![c])
}

macro_rules! by_dtype {
    ($dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            DType::F32 => {
                type $T = f32;
                $body
            }
            DType::F64 => {
                type $T = f64;
                $body
            }
            DType::F16 => {
                type $T = f16;
                $body
            }
            DType::BF16 => {
                type $T = bf16;
                $body
            }
            dtype => panic!("batch norm: unsupported dtype {dtype:?}"),
        }
    };
}

/// Batch norm with given statistics (inference).
pub fn batch_norm(x: FlexTensor, gamma: FlexTensor, beta: FlexTensor, mean: FlexTensor, var: FlexTensor, eps: f64) -> FlexTensor {
    let [x, gamma, beta, mean, var] = [x, gamma, beta, mean, var].map(|t| t.to_contiguous());
    let shape = x.layout().shape().clone();
    let d = dims(&shape);
    let dtype = x.dtype();
    by_dtype!(dtype, T => {
        let out = inference::<T>(x.storage(), d, gamma.storage(), beta.storage(), mean.storage(), var.storage(), eps);
        tensor(out, shape, dtype)
    })
}

/// Batch norm with the batch's statistics: output, mean, biased variance.
pub fn batch_norm_train(x: FlexTensor, gamma: FlexTensor, beta: FlexTensor, eps: f64) -> (FlexTensor, FlexTensor, FlexTensor) {
    let [x, gamma, beta] = [x, gamma, beta].map(|t| t.to_contiguous());
    let shape = x.layout().shape().clone();
    let d = dims(&shape);
    let dtype = x.dtype();
    by_dtype!(dtype, T => {
        let (out, mean, var) = train::<T>(x.storage(), d, gamma.storage(), beta.storage(), eps);
        (tensor(out, shape, dtype), tensor(mean, channel_shape(d.1), dtype), tensor(var, channel_shape(d.1), dtype))
    })
}

/// Gradients of [`batch_norm_train`]: input, gamma, beta.
pub fn batch_norm_train_backward(
    x: FlexTensor,
    gamma: FlexTensor,
    mean: FlexTensor,
    var: FlexTensor,
    eps: f64,
    dy: FlexTensor,
) -> (FlexTensor, FlexTensor, FlexTensor) {
    let [x, gamma, mean, var, dy] = [x, gamma, mean, var, dy].map(|t| t.to_contiguous());
    let shape = x.layout().shape().clone();
    let d = dims(&shape);
    let dtype = x.dtype();
    by_dtype!(dtype, T => {
        let (dx, dgamma, dbeta) =
            train_backward::<T>(x.storage(), d, gamma.storage(), mean.storage(), var.storage(), eps, dy.storage());
        (tensor(dx, shape, dtype), tensor(dgamma, channel_shape(d.1), dtype), tensor(dbeta, channel_shape(d.1), dtype))
    })
}
