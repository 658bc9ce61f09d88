//! The 2-D convolution's forward and backward passes as im2col and one gemm per image and
//! group, in parallel over the batch.
//!
//! Forward: `Y_b,g = W_g · col_b,g` (a `[O, K] x [K, P]` product per image), written straight
//! into the NCHW output — flex's own forward converts input and output between NCHW and NHWC
//! in serial loops and runs its patch loops through closures it calls per element.
//!
//! Burn's default backward (the trait's provided methods) computes the weight gradient as a
//! convolution whose kernel is the whole output gradient (with two dimension swaps around it)
//! and the input gradient as a transposed convolution. On the CPU both are far slower than the
//! direct formulation used here:
//!
//! - weight: `dW_g[k, o] = Σ_b col_b,g[k, p] · dY_b,g[o, p]` (a `[K, P] x [P, O]` product per
//!   image, summed over the batch), where `col` holds the input patches (`K = c_in/groups ·
//!   kh · kw` rows, `P = out_h · out_w` columns);
//! - input: `dcol_b,g = W_gᵀ · dY_b,g` (a `[K, O] x [O, P]` product per image), scattered
//!   back onto the input (col2im).
//!
//! Any stride, dilation, group count and (asymmetric) padding; f32, f64 and f16 natively,
//! bf16 through f32.

use alloc::vec;
use alloc::vec::Vec;
use burn_backend::DType;
use burn_backend::ops::ConvOptions;
use burn_std::{Bytes, f16};

use crate::{FlexTensor, Layout};

/// Sizes of one 2-D convolution, read from its input, weight and output (or output-gradient)
/// shapes.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    batch: usize,
    c_in: usize,
    in_h: usize,
    in_w: usize,
    c_out: usize,
    groups: usize,
    /// Input channels per group (the weight's second dimension).
    cpg: usize,
    /// Output channels per group.
    opg: usize,
    kh: usize,
    kw: usize,
    out_h: usize,
    out_w: usize,
    stride: [usize; 2],
    pad: [usize; 2],
    dilation: [usize; 2],
}

impl Geometry {
    fn new(x: &[usize], w: &[usize], out: &[usize], options: &ConvOptions<2>) -> Self {
        assert_eq!(x.len(), 4, "conv2d: input must be 4-D");
        assert_eq!(w.len(), 4, "conv2d: weight must be 4-D");
        assert_eq!(out.len(), 4, "conv2d: output (gradient) must be 4-D");
        assert!(options.groups > 0 && w[0] % options.groups == 0, "conv2d: groups must divide the output channels");
        let groups = options.groups;
        Self {
            batch: x[0],
            c_in: x[1],
            in_h: x[2],
            in_w: x[3],
            c_out: w[0],
            groups,
            cpg: w[1],
            opg: w[0] / groups,
            kh: w[2],
            kw: w[3],
            out_h: out[2],
            out_w: out[3],
            stride: options.stride,
            pad: [options.padding[0].0, options.padding[1].0],
            dilation: options.dilation,
        }
    }

    /// Rows of a column matrix: the patch of one output position.
    fn k(&self) -> usize {
        self.cpg * self.kh * self.kw
    }

    /// Output positions of one image.
    fn p(&self) -> usize {
        self.out_h * self.out_w
    }

    fn image_len(&self) -> usize {
        self.c_in * self.in_h * self.in_w
    }

    /// The output columns `ow` whose input column `ow * stride + offset` lies inside the
    /// image, as a range (empty if none), for a kernel column at `offset` (may be negative).
    fn inside(&self, offset: isize, stride: usize, out: usize, size: usize) -> (usize, usize) {
        let s = stride as isize;
        // First ow with ow * s + offset >= 0.
        let lo = if offset >= 0 { 0 } else { ((-offset) + s - 1) / s };
        // Last ow with ow * s + offset <= size - 1.
        let last = size as isize - 1 - offset;
        let hi = if last < 0 { 0 } else { (last / s + 1).min(out as isize) };
        let lo = (lo as usize).min(out);
        (lo, (hi as usize).max(lo))
    }
}

/// The patches of one image for one group: `col[k, p]`, row `k = (ci, i, j)` (input channel
/// within the group, kernel row, kernel column), column `p = (oh, ow)`; zero where the kernel
/// reads padding.
fn im2col<T: Copy>(g: &Geometry, image: &[T], group: usize, zero: T, col: &mut [T]) {
    let (p, plane) = (g.p(), g.in_h * g.in_w);
    for ci in 0..g.cpg {
        let src = &image[(group * g.cpg + ci) * plane..][..plane];
        for i in 0..g.kh {
            for j in 0..g.kw {
                let row = &mut col[((ci * g.kh + i) * g.kw + j) * p..][..p];
                let off_w = (j * g.dilation[1]) as isize - g.pad[1] as isize;
                let (lo, hi) = g.inside(off_w, g.stride[1], g.out_w, g.in_w);
                for oh in 0..g.out_h {
                    let dst = &mut row[oh * g.out_w..][..g.out_w];
                    let ih = (oh * g.stride[0] + i * g.dilation[0]) as isize - g.pad[0] as isize;
                    if ih < 0 || ih >= g.in_h as isize || lo == hi {
                        dst.fill(zero);
                        continue;
                    }
                    let line = &src[ih as usize * g.in_w..][..g.in_w];
                    dst[..lo].fill(zero);
                    dst[hi..].fill(zero);
                    if g.stride[1] == 1 {
                        let start = (lo as isize + off_w) as usize;
                        dst[lo..hi].copy_from_slice(&line[start..start + (hi - lo)]);
                    } else {
                        for (ow, d) in dst[lo..hi].iter_mut().enumerate() {
                            *d = line[((lo + ow) as isize * g.stride[1] as isize + off_w) as usize];
                        }
                    }
                }
            }
        }
    }
}

/// The inverse scatter of [`im2col`]: adds each column entry to the input pixel it was read
/// from (entries that read padding are dropped).
fn col2im<T: Copy + core::ops::Add<Output = T>>(g: &Geometry, col: &[T], group: usize, image: &mut [T]) {
    let (p, plane) = (g.p(), g.in_h * g.in_w);
    for ci in 0..g.cpg {
        let dst = &mut image[(group * g.cpg + ci) * plane..][..plane];
        for i in 0..g.kh {
            for j in 0..g.kw {
                let row = &col[((ci * g.kh + i) * g.kw + j) * p..][..p];
                let off_w = (j * g.dilation[1]) as isize - g.pad[1] as isize;
                let (lo, hi) = g.inside(off_w, g.stride[1], g.out_w, g.in_w);
                if lo == hi {
                    continue;
                }
                for oh in 0..g.out_h {
                    let ih = (oh * g.stride[0] + i * g.dilation[0]) as isize - g.pad[0] as isize;
                    if ih < 0 || ih >= g.in_h as isize {
                        continue;
                    }
                    let src = &row[oh * g.out_w..][..g.out_w];
                    let line = &mut dst[ih as usize * g.in_w..][..g.in_w];
                    if g.stride[1] == 1 {
                        let start = (lo as isize + off_w) as usize;
                        for (d, &s) in line[start..start + (hi - lo)].iter_mut().zip(&src[lo..hi]) {
                            *d = *d + s;
                        }
                    } else {
                        for (ow, &s) in src[lo..hi].iter().enumerate() {
                            let iw = ((lo + ow) as isize * g.stride[1] as isize + off_w) as usize;
                            line[iw] = line[iw] + s;
                        }
                    }
                }
            }
        }
    }
}

/// The crate's gemm wrappers: `gemm(a, b, m, k, n)` is `a · bᵀ` for row-major `a` `[m, k]`
/// and `b` `[n, k]`, a row-major `[m, n]`.
type Gemm<T> = fn(&[T], &[T], usize, usize, usize) -> Vec<T>;

/// `$body` as `Bytes`, with `$T` the element type of `$dtype`, `$zero` its zero and `$gemm` its
/// product: f32, f64 and f16 (callers convert bf16 or keep flex's path for it).
macro_rules! per_dtype {
    ($dtype:expr, |$T:ident, $zero:ident, $gemm:ident| $body:expr) => {
        match $dtype {
            DType::F32 => {
                type $T = f32;
                let ($zero, $gemm): ($T, Gemm<$T>) = (0.0, super::conv::gemm_f32);
                Bytes::from_elems($body)
            }
            DType::F64 => {
                type $T = f64;
                let ($zero, $gemm): ($T, Gemm<$T>) = (0.0, super::conv::gemm_f64);
                Bytes::from_elems($body)
            }
            DType::F16 => {
                type $T = f16;
                let ($zero, $gemm): ($T, Gemm<$T>) = (f16::from_f32(0.0), super::conv::gemm_f16);
                Bytes::from_elems($body)
            }
            dtype => panic!("conv2d: unsupported dtype {dtype:?}"),
        }
    };
}

/// `[rows, cols]` -> `[cols, rows]`.
fn transpose<T: Copy>(src: &[T], rows: usize, cols: usize, zero: T) -> Vec<T> {
    let mut out = vec![zero; rows * cols];
    for r in 0..rows {
        for (c, &v) in src[r * cols..][..cols].iter().enumerate() {
            out[c * rows + r] = v;
        }
    }
    out
}

/// The weight gradient `[c_out, c_in/groups, kh, kw]`: per image and group, `col · dYᵀ`, summed
/// over the batch (each thread sums its images, then the partial sums are added).
fn weight_grad<T>(g: &Geometry, x: &[T], dy: &[T], zero: T, gemm: Gemm<T>) -> Vec<T>
where
    T: Copy + Send + Sync + core::ops::Add<Output = T>,
{
    let (k, p, opg) = (g.k(), g.p(), g.opg);
    // Accumulated as [group][k][o].
    let one_image = |mut acc: Vec<T>, b: usize| {
        let image = &x[b * g.image_len()..][..g.image_len()];
        let mut col = vec![zero; k * p];
        for group in 0..g.groups {
            im2col(g, image, group, zero, &mut col);
            let dy_g = &dy[(b * g.c_out + group * opg) * p..][..opg * p];
            // col `[K, P]` · dY_gᵀ: the gemm takes its right operand as `[O, P]`, which dY_g is.
            let part = gemm(&col, dy_g, k, p, opg);
            for (a, v) in acc[group * k * opg..][..k * opg].iter_mut().zip(part) {
                *a = *a + v;
            }
        }
        acc
    };
    let size = g.c_out * k;
    #[cfg(feature = "rayon")]
    let acc = {
        use rayon::prelude::*;
        (0..g.batch)
            .into_par_iter()
            .fold(|| vec![zero; size], one_image)
            .reduce(
                || vec![zero; size],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x = *x + y;
                    }
                    a
                },
            )
    };
    #[cfg(not(feature = "rayon"))]
    let acc = (0..g.batch).fold(vec![zero; size], one_image);
    // [group][k][o] -> [group * opg + o][k].
    let mut out = vec![zero; size];
    for group in 0..g.groups {
        let t = transpose(&acc[group * k * opg..][..k * opg], k, opg, zero);
        out[group * opg * k..][..opg * k].copy_from_slice(&t);
    }
    out
}

/// The input gradient `[batch, c_in, in_h, in_w]`: per image and group, `Wᵀ · dY` scattered
/// back by col2im; images in parallel (each writes its own part of the gradient).
fn input_grad<T>(g: &Geometry, w: &[T], dy: &[T], zero: T, gemm: Gemm<T>) -> Vec<T>
where
    T: Copy + Send + Sync + core::ops::Add<Output = T>,
{
    let (k, p, opg) = (g.k(), g.p(), g.opg);
    // Wᵀ of each group, [k, o].
    let w_t: Vec<Vec<T>> = (0..g.groups).map(|group| transpose(&w[group * opg * k..][..opg * k], opg, k, zero)).collect();
    let mut dx = vec![zero; g.batch * g.image_len()];
    let one_image = |(b, image): (usize, &mut [T])| {
        for (group, wt) in w_t.iter().enumerate() {
            let dy_g = &dy[(b * g.c_out + group * opg) * p..][..opg * p];
            let dcol = gemm(wt, &transpose(dy_g, opg, p, zero), k, opg, p);
            col2im(g, &dcol, group, image);
        }
    };
    if g.image_len() > 0 {
        #[cfg(feature = "rayon")]
        {
            use rayon::prelude::*;
            dx.par_chunks_mut(g.image_len()).enumerate().for_each(one_image);
        }
        #[cfg(not(feature = "rayon"))]
        dx.chunks_mut(g.image_len()).enumerate().for_each(one_image);
    }
    dx
}

/// The output `[batch, c_out, out_h, out_w]`: per image and group, `W_g · col` plus the bias;
/// images in parallel (each writes its own part of the output).
fn forward<T>(g: &Geometry, x: &[T], w: &[T], bias: Option<&[T]>, zero: T, gemm: Gemm<T>) -> Vec<T>
where
    T: Copy + Send + Sync + core::ops::Add<Output = T>,
{
    let (k, p, opg) = (g.k(), g.p(), g.opg);
    let out_len = g.c_out * p;
    let mut out = vec![zero; g.batch * out_len];
    let one_image = |(b, dst): (usize, &mut [T])| {
        let image = &x[b * g.image_len()..][..g.image_len()];
        let mut col = vec![zero; k * p];
        for group in 0..g.groups {
            im2col(g, image, group, zero, &mut col);
            // W_g `[O, K]` · col `[K, P]`: the gemm takes its right operand as `[P, K]`.
            let y = gemm(&w[group * opg * k..][..opg * k], &transpose(&col, k, p, zero), opg, k, p);
            let d = &mut dst[group * opg * p..][..opg * p];
            d.copy_from_slice(&y);
            if let Some(bias) = bias {
                for (o, row) in d.chunks_mut(p).enumerate() {
                    let v = bias[group * opg + o];
                    row.iter_mut().for_each(|y| *y = *y + v);
                }
            }
        }
    };
    if out_len > 0 {
        #[cfg(feature = "rayon")]
        {
            use rayon::prelude::*;
            out.par_chunks_mut(out_len).enumerate().for_each(one_image);
        }
        #[cfg(not(feature = "rayon"))]
        out.chunks_mut(out_len).enumerate().for_each(one_image);
    }
    out
}

/// A 2-D convolution (symmetric padding: the caller pads asymmetric inputs first), f32, f64 or
/// f16; `None` for other dtypes, which keep flex's own path.
pub fn conv2d(
    x: FlexTensor,
    weight: FlexTensor,
    bias: Option<FlexTensor>,
    options: &ConvOptions<2>,
) -> Result<FlexTensor, (FlexTensor, FlexTensor, Option<FlexTensor>)> {
    let dtype = x.dtype();
    if !matches!(dtype, DType::F32 | DType::F64 | DType::F16)
        || weight.dtype() != dtype
        || bias.as_ref().is_some_and(|b| b.dtype() != dtype)
    {
        return Err((x, weight, bias));
    }
    let (x, weight) = (x.to_contiguous(), weight.to_contiguous());
    let bias = bias.map(|b| b.to_contiguous());
    let (xs, ws) = (x.layout().shape(), weight.layout().shape());
    let out_dim = |d: usize| {
        let span = options.dilation[d] * (ws[2 + d].max(1) - 1) + 1;
        let padded = xs[2 + d] + options.padding[d].0 + options.padding[d].1;
        if padded < span { 0 } else { (padded - span) / options.stride[d] + 1 }
    };
    let out_shape = [xs[0], ws[0], out_dim(0), out_dim(1)];
    let g = Geometry::new(xs, ws, &out_shape, options);
    let bytes = per_dtype!(dtype, |T, zero, gemm| forward::<T>(
        &g,
        x.storage(),
        weight.storage(),
        bias.as_ref().map(|b| b.storage()),
        zero,
        gemm
    ));
    Ok(FlexTensor::new(bytes, Layout::contiguous(burn_std::Shape::from(out_shape.to_vec())), dtype))
}

fn check(x: &FlexTensor, weight: &FlexTensor, grad: &FlexTensor) {
    assert!(
        x.dtype() == weight.dtype() && x.dtype() == grad.dtype(),
        "conv2d backward: input, weight and output gradient must share a dtype"
    );
}

fn backward(x: FlexTensor, weight: FlexTensor, grad: FlexTensor, options: &ConvOptions<2>, want_weight: bool) -> FlexTensor {
    check(&x, &weight, &grad);
    let dtype = x.dtype();
    if dtype == DType::BF16 {
        use super::conv_common::{convert_bf16_to_f32, convert_f32_to_bf16};
        let out = backward(
            convert_bf16_to_f32(&x),
            convert_bf16_to_f32(&weight),
            convert_bf16_to_f32(&grad),
            options,
            want_weight,
        );
        return convert_f32_to_bf16(&out);
    }
    let (x, weight, grad) = (x.to_contiguous(), weight.to_contiguous(), grad.to_contiguous());
    let g = Geometry::new(x.layout().shape(), weight.layout().shape(), grad.layout().shape(), options);
    let shape = if want_weight { weight.layout().shape().clone() } else { x.layout().shape().clone() };
    let bytes = per_dtype!(dtype, |T, zero, gemm| if want_weight {
        weight_grad::<T>(&g, x.storage(), grad.storage(), zero, gemm)
    } else {
        input_grad::<T>(&g, weight.storage(), grad.storage(), zero, gemm)
    });
    FlexTensor::new(bytes, Layout::contiguous(shape), dtype)
}

/// The gradient of a 2-D convolution's loss with respect to its weight.
pub fn conv2d_weight_backward(x: FlexTensor, weight: FlexTensor, grad: FlexTensor, options: &ConvOptions<2>) -> FlexTensor {
    backward(x, weight, grad, options, true)
}

/// The gradient of a 2-D convolution's loss with respect to its input.
pub fn conv2d_x_backward(x: FlexTensor, weight: FlexTensor, grad: FlexTensor, options: &ConvOptions<2>) -> FlexTensor {
    backward(x, weight, grad, options, false)
}
