//! The 2-D convolution's forward and backward passes as im2col and one gemm per image and
//! group, in parallel over the batch.
//!
//! Forward: `Y_b,g = W_g · col_b,g` (a `[O, K] x [K, P]` product per image), written into the
//! NCHW output — straight, or computed as its transpose and transposed back where that runs
//! faster (see `position_major`) — flex's own forward converts input and output between NCHW
//! and NHWC in serial loops and runs its patch loops through closures it calls per element.
//!
//! Burn's default backward (the trait's provided methods) computes the weight gradient as a
//! convolution whose kernel is the whole output gradient (with two dimension swaps around it)
//! and the input gradient as a transposed convolution. On the CPU both are far slower than the
//! direct formulation used here:
//!
//! - weight: `dW_g = Σ_b dY_b,g · col_b,gᵀ` (a `[O, P] x [P, K]` product per image, summed
//!   over the batch; computed as its transpose, see `weight_grad`), where `col` holds the input
//!   patches (`K = c_in/groups · kh · kw` rows, `P = out_h · out_w` columns);
//! - input: `dcol_b,g = W_gᵀ · dY_b,g` (a `[K, O] x [O, P]` product per image), scattered
//!   back onto the input (col2im).
//!
//! The products read their operands through strides (gemm takes any), so no operand is
//! transposed in memory and each result lands where it belongs (accumulated in place for the
//! weight gradient and the bias); each worker thread allocates its column matrix once. With
//! stride 1 and "same" width, a tap's row of the column matrix is the input plane shifted, so
//! im2col and col2im move whole planes instead of one output row at a time; a strided
//! convolution first splits each input channel into its phase planes, which its taps read with
//! stride 1.
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

/// One operand of a matrix product: its elements with a row and a column stride (in
/// elements), so that transposed views cost nothing.
#[derive(Clone, Copy)]
struct Operand<'a, T> {
    data: &'a [T],
    rs: usize,
    cs: usize,
}

impl<'a, T> Operand<'a, T> {
    /// A row-major `[rows, cols]` matrix.
    fn rows(data: &'a [T], cols: usize) -> Self {
        Self { data, rs: cols, cs: 1 }
    }

    /// The transpose of a row-major `[cols, rows]` matrix, read as `[rows, cols]`.
    fn transposed(data: &'a [T], rows: usize) -> Self {
        Self { data, rs: 1, cs: rows }
    }

    /// Panics unless every element of a `[rows, cols]` view lies inside `data`.
    fn check(&self, rows: usize, cols: usize) {
        if rows > 0 && cols > 0 {
            assert!((rows - 1) * self.rs + (cols - 1) * self.cs < self.data.len(), "conv2d: operand out of bounds");
        }
    }
}

/// `dst = a · b`, or `dst += a · b` when `accumulate`, for `a` `[m, k]`, `b` `[k, n]` and a
/// row-major `dst` `[m, n]`, on the calling thread (callers run images in parallel).
fn product<T: Copy + 'static>(m: usize, k: usize, n: usize, dst: &mut [T], accumulate: bool, a: Operand<T>, b: Operand<T>, one: T) {
    assert!(dst.len() >= m * n, "conv2d: product destination too small");
    a.check(m, k);
    b.check(k, n);
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: the checks above keep every index gemm forms (`i * rs + j * cs` for `i`, `j`
    // inside the shapes) within the slices; `dst` is borrowed mutably, so it overlaps neither
    // operand.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a.cs as isize,
            a.rs as isize,
            b.data.as_ptr(),
            b.cs as isize,
            b.rs as isize,
            one,
            one,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// Where a kernel tap `(i, j)` reads: its offsets from the output position (`dh`, `dw`, may be
/// negative) and the output rows and columns whose reads fall inside the image.
struct Tap {
    dh: isize,
    dw: isize,
    rows: (usize, usize),
    cols: (usize, usize),
}

impl Tap {
    /// For a convolution that [shifts](Geometry::shifts): the entries `a..b` of a tap's
    /// column-matrix row (rows `w` wide) whose reads may fall inside the plane, and the shift
    /// from a column-matrix entry to the pixel it reads (`pixel = entry + shift`).
    fn shifted_span(&self, w: usize) -> (usize, usize, isize) {
        let ((r0, r1), (lo, hi)) = (self.rows, self.cols);
        (r0 * w + lo, (r1 - 1) * w + hi, self.dh * w as isize + self.dw)
    }

    /// Clears the entries of a shifted row (rows `w` wide) whose reads wrapped around to the
    /// neighbouring input row: the border columns of each output row in range.
    ///
    /// Column by column: a kernel reaches past the border by a column or two, and clearing each
    /// line's one or two entries through `fill` cost more than the copy for small planes (a
    /// tenth of the diffusion U-Net's step, at 14x14 and 7x7).
    fn clear_wrapped<T: Copy>(&self, row: &mut [T], w: usize, zero: T) {
        let ((r0, r1), (lo, hi)) = (self.rows, self.cols);
        let lines = &mut row[r0 * w..r1 * w];
        for column in (0..lo).chain(hi..w) {
            for x in lines[column..].iter_mut().step_by(w) {
                *x = zero;
            }
        }
    }
}

impl Geometry {
    /// The taps of the kernel, row by row.
    fn taps(&self) -> Vec<Tap> {
        (0..self.kh).flat_map(|i| (0..self.kw).map(move |j| self.tap(i, j))).collect()
    }

    fn tap(&self, i: usize, j: usize) -> Tap {
        let dh = (i * self.dilation[0]) as isize - self.pad[0] as isize;
        let dw = (j * self.dilation[1]) as isize - self.pad[1] as isize;
        Tap {
            dh,
            dw,
            rows: self.inside(dh, self.stride[0], self.out_h, self.in_h),
            cols: self.inside(dw, self.stride[1], self.out_w, self.in_w),
        }
    }
}

/// The patches of one image for one group: `col[k, p]`, row `k = (ci, i, j)` (input channel
/// within the group, kernel row, kernel column), column `p = (oh, ow)`; zero where the kernel
/// reads padding.
///
/// With a stride above 1 (and a kernel with at least as many taps as the stride has phases),
/// each input channel is first split into its phase planes (the pixels at rows `r, r + s, …`
/// and columns `c, c + s, …`), and each tap reads one of them with stride 1: a tap at offset
/// `q·s + r` reads phase `r` shifted by `q`. Rows of the column matrix are then copied as runs
/// (or, where the phase plane is as wide as the output, as one shifted plane) instead of being
/// gathered one element at a time (strided gathers were 17% of the MNIST GAN's step, whose
/// convolutions all have stride 2).
///
/// Row `k` of the matrix starts at `col[k * ld + at]` (`ld = p`, `at = 0` for one image; several
/// images side by side in one matrix put image `i` at `at = i * p`, `ld = images * p`).
fn im2col<T: Copy>(g: &Geometry, plan: &Plan, image: &[T], group: usize, zero: T, col: &mut [T], (ld, at): (usize, usize)) {
    let (p, plane) = (g.p(), g.in_h * g.in_w);
    let mut split = vec![zero; plan.split_len()];
    for ci in 0..g.cpg {
        let mut src = &image[(group * g.cpg + ci) * plane..][..plane];
        if let Some(ph) = &plan.phases {
            ph.split(g, src, &mut split);
            src = &split;
        }
        for (k, (phase, t)) in plan.taps.iter().enumerate() {
            let row = &mut col[(ci * g.kh * g.kw + k) * ld + at..][..p];
            let (from, len, in_w, stride) = plan.source(g, *phase);
            fill_row(row, &src[from..][..len], t, g.out_w, in_w, stride, zero);
        }
    }
}

/// One row of a column matrix: the plane `src` (`in_w` wide) read by tap `t` at each output
/// position (`out_w` per output row) with `stride`, zero where it reads outside the plane.
#[inline]
fn fill_row<T: Copy>(row: &mut [T], src: &[T], t: &Tap, out_w: usize, in_w: usize, stride: [usize; 2], zero: T) {
    let w = out_w;
    let ((r0, r1), (lo, hi)) = (t.rows, t.cols);
    if r0 == r1 || lo == hi {
        row.fill(zero);
        return;
    }
    row[..r0 * w].fill(zero);
    row[r1 * w..].fill(zero);
    if stride == [1, 1] && in_w == out_w {
        // One copy of the shifted plane, then the columns that wrapped around to the
        // neighbouring row are cleared.
        let (a, b, shift) = t.shifted_span(w);
        row[a..b].copy_from_slice(&src[(a as isize + shift) as usize..][..b - a]);
        t.clear_wrapped(row, w, zero);
        return;
    }
    for oh in r0..r1 {
        let dst = &mut row[oh * w..][..w];
        let ih = (oh * stride[0]) as isize + t.dh;
        let line = &src[ih as usize * in_w..][..in_w];
        dst[..lo].fill(zero);
        dst[hi..].fill(zero);
        if stride[1] == 1 {
            let start = (lo as isize + t.dw) as usize;
            dst[lo..hi].copy_from_slice(&line[start..start + (hi - lo)]);
        } else {
            let start = ((lo * stride[1]) as isize + t.dw) as usize;
            gather_strided(&mut dst[lo..hi], &line[start..], stride[1]);
        }
    }
}

/// The phase planes of a strided convolution's input channel: for a stride `[sh, sw]`, the
/// `sh · sw` planes of the pixels at rows `rh, rh + sh, …` and columns `rw, rw + sw, …`,
/// side by side in one buffer.
struct Phases {
    stride: [usize; 2],
    /// (height, width) of each phase `rh · sw + rw`.
    dims: Vec<(usize, usize)>,
    /// Where each phase starts in the buffer.
    offsets: Vec<usize>,
    /// The buffer's length.
    len: usize,
}

impl Phases {
    fn new(g: &Geometry) -> Self {
        let [sh, sw] = g.stride;
        let count = |size: usize, r: usize, s: usize| if size > r { (size - r).div_ceil(s) } else { 0 };
        let dims: Vec<(usize, usize)> =
            (0..sh).flat_map(|rh| (0..sw).map(move |rw| (count(g.in_h, rh, sh), count(g.in_w, rw, sw)))).collect();
        let mut offsets = Vec::with_capacity(dims.len());
        let mut len = 0;
        for &(h, w) in &dims {
            offsets.push(len);
            len += h * w;
        }
        Self { stride: g.stride, dims, offsets, len }
    }

    /// Each tap's phase and its reads within that phase's plane (stride 1, shifted by the
    /// tap's offset divided by the stride, rounded down).
    fn taps(&self, g: &Geometry) -> Vec<(usize, Tap)> {
        let [sh, sw] = self.stride;
        let mut taps = Vec::with_capacity(g.kh * g.kw);
        for i in 0..g.kh {
            for j in 0..g.kw {
                let oh = (i * g.dilation[0]) as isize - g.pad[0] as isize;
                let ow = (j * g.dilation[1]) as isize - g.pad[1] as isize;
                let (qh, rh) = (oh.div_euclid(sh as isize), oh.rem_euclid(sh as isize) as usize);
                let (qw, rw) = (ow.div_euclid(sw as isize), ow.rem_euclid(sw as isize) as usize);
                let phase = rh * sw + rw;
                let (h, w) = self.dims[phase];
                let tap = Tap {
                    dh: qh,
                    dw: qw,
                    rows: g.inside(qh, 1, g.out_h, h),
                    cols: g.inside(qw, 1, g.out_w, w),
                };
                taps.push((phase, tap));
            }
        }
        taps
    }

    /// Splits one input plane into the phase planes.
    fn split<T: Copy>(&self, g: &Geometry, src: &[T], dst: &mut [T]) {
        let [sh, sw] = self.stride;
        for (phase, &(h, w)) in self.dims.iter().enumerate() {
            let (rh, rw) = (phase / sw, phase % sw);
            let out = &mut dst[self.offsets[phase]..][..h * w];
            for (y, line) in out.chunks_exact_mut(w.max(1)).take(h).enumerate() {
                let start = (y * sh + rh) * g.in_w + rw;
                gather_strided(line, &src[start..], sw);
            }
        }
    }

    /// Adds the phase planes back onto one input plane (the inverse of [`Phases::split`]).
    fn merge_add<T: Copy + core::ops::Add<Output = T>>(&self, g: &Geometry, src: &[T], dst: &mut [T]) {
        let [sh, sw] = self.stride;
        for (phase, &(h, w)) in self.dims.iter().enumerate() {
            let (rh, rw) = (phase / sw, phase % sw);
            let from = &src[self.offsets[phase]..][..h * w];
            for (y, line) in from.chunks_exact(w.max(1)).take(h).enumerate() {
                let start = (y * sh + rh) * g.in_w + rw;
                scatter_add_strided(&mut dst[start..], line, sw);
            }
        }
    }
}

/// How im2col and col2im read an input channel, computed once per convolution (a tap's
/// ranges take four divisions, which cost more than copying a 7x7 plane): the phase planes to
/// split it into, for a strided convolution whose kernel has at least as many taps as its
/// stride has phases (so that each pixel the split copies is read again at least about once),
/// and each tap, row by row, with the phase it reads (0 without phases).
struct Plan {
    phases: Option<Phases>,
    taps: Vec<(usize, Tap)>,
}

impl Plan {
    fn new(g: &Geometry) -> Self {
        let count = g.stride[0] * g.stride[1];
        let phases = (count > 1 && g.kh * g.kw >= count).then(|| Phases::new(g));
        let taps = match &phases {
            Some(ph) => ph.taps(g),
            None => g.taps().into_iter().map(|t| (0, t)).collect(),
        };
        Self { phases, taps }
    }

    /// The length of the buffer that holds a channel's phase planes (0 without phases).
    fn split_len(&self) -> usize {
        self.phases.as_ref().map_or(0, |ph| ph.len)
    }

    /// Where a tap of `phase` reads: `(start, length, width, stride)` within the phase buffer,
    /// or, without phases, within the channel's plane.
    fn source(&self, g: &Geometry, phase: usize) -> (usize, usize, usize, [usize; 2]) {
        match &self.phases {
            Some(ph) => {
                let (h, w) = ph.dims[phase];
                (ph.offsets[phase], h * w, w, [1, 1])
            }
            None => (0, g.in_h * g.in_w, g.in_w, g.stride),
        }
    }
}

/// `dst[k] = src[k * stride]`: one strided row of a column matrix. The bound asserted first
/// lets the compiler drop the per-element checks; through `step_by` the loop kept its state on
/// the stack (an eighth of the MNIST GAN's step, whose convolutions have stride 2).
#[inline(always)]
fn gather_strided<T: Copy>(dst: &mut [T], src: &[T], stride: usize) {
    let Some(last) = dst.len().checked_sub(1) else {
        return;
    };
    let src = &src[..last * stride + 1];
    for (k, d) in dst.iter_mut().enumerate() {
        *d = src[k * stride];
    }
}

/// `dst[k * stride] += src[k]`: the inverse of [`gather_strided`], checked once the same way.
#[inline(always)]
fn scatter_add_strided<T: Copy + core::ops::Add<Output = T>>(dst: &mut [T], src: &[T], stride: usize) {
    let Some(last) = src.len().checked_sub(1) else {
        return;
    };
    let dst = &mut dst[..last * stride + 1];
    for (k, &s) in src.iter().enumerate() {
        dst[k * stride] = dst[k * stride] + s;
    }
}

/// The inverse scatter of [`im2col`]: adds each column entry to the input pixel it was read
/// from (entries that read padding are dropped — and cleared in `col`, which is scratch). With
/// a stride above 1, through the phase planes as in [`im2col`].
fn col2im<T: Copy + core::ops::Add<Output = T>>(
    g: &Geometry,
    plan: &Plan,
    col: &mut [T],
    group: usize,
    zero: T,
    image: &mut [T],
) {
    let (p, plane) = (g.p(), g.in_h * g.in_w);
    let mut split = vec![zero; plan.split_len()];
    for ci in 0..g.cpg {
        let dst = &mut image[(group * g.cpg + ci) * plane..][..plane];
        {
            let target: &mut [T] = if plan.phases.is_some() {
                split.fill(zero);
                &mut split
            } else {
                &mut *dst
            };
            for (k, (phase, t)) in plan.taps.iter().enumerate() {
                let row = &mut col[(ci * g.kh * g.kw + k) * p..][..p];
                let (at, len, in_w, stride) = plan.source(g, *phase);
                add_row(row, &mut target[at..][..len], t, g.out_w, in_w, stride, zero);
            }
        }
        if let Some(ph) = &plan.phases {
            ph.merge_add(g, &split, dst);
        }
    }
}

/// The inverse of [`fill_row`]: adds each entry of a column-matrix row to the pixel of `dst`
/// (`in_w` wide) it was read from.
#[inline]
fn add_row<T: Copy + core::ops::Add<Output = T>>(
    row: &mut [T],
    dst: &mut [T],
    t: &Tap,
    out_w: usize,
    in_w: usize,
    stride: [usize; 2],
    zero: T,
) {
    let w = out_w;
    let ((r0, r1), (lo, hi)) = (t.rows, t.cols);
    if r0 == r1 || lo == hi {
        return;
    }
    if stride == [1, 1] && in_w == out_w {
        // Entries that would wrap around to the neighbouring row are cleared, then the shifted
        // plane is added in one pass.
        t.clear_wrapped(row, w, zero);
        let (a, b, shift) = t.shifted_span(w);
        for (d, &s) in dst[(a as isize + shift) as usize..][..b - a].iter_mut().zip(&row[a..b]) {
            *d = *d + s;
        }
        return;
    }
    for oh in r0..r1 {
        let ih = (oh * stride[0]) as isize + t.dh;
        let src = &row[oh * w..][..w];
        let line = &mut dst[ih as usize * in_w..][..in_w];
        if stride[1] == 1 {
            let start = (lo as isize + t.dw) as usize;
            for (d, &s) in line[start..start + (hi - lo)].iter_mut().zip(&src[lo..hi]) {
                *d = *d + s;
            }
        } else {
            let start = ((lo * stride[1]) as isize + t.dw) as usize;
            scatter_add_strided(&mut line[start..], &src[lo..hi], stride[1]);
        }
    }
}

/// `$body` as `Bytes`, with `$T` the element type of `$dtype` and `$zero`, `$one` its zero and
/// one: f32, f64 and f16 (callers convert bf16 or keep flex's path for it).
macro_rules! per_dtype {
    ($dtype:expr, |$T:ident, $zero:ident, $one:ident| $body:expr) => {
        match $dtype {
            DType::F32 => {
                type $T = f32;
                let ($zero, $one): ($T, $T) = (0.0, 1.0);
                Bytes::from_elems($body)
            }
            DType::F64 => {
                type $T = f64;
                let ($zero, $one): ($T, $T) = (0.0, 1.0);
                Bytes::from_elems($body)
            }
            DType::F16 => {
                type $T = f16;
                let ($zero, $one): ($T, $T) = (f16::from_f32(0.0), f16::from_f32(1.0));
                Bytes::from_elems($body)
            }
            dtype => panic!("conv2d: unsupported dtype {dtype:?}"),
        }
    };
}

/// Runs `f(r, chunk, scratch)` for each `chunk` `r` of `out` (`len` elements each, the last
/// one possibly shorter: an image, or a run of images), in parallel over the chunks; each
/// worker allocates its `scratch` once.
fn per_image<T, S>(out: &mut [T], len: usize, scratch: impl Fn() -> S + Send + Sync, f: impl Fn(usize, &mut [T], &mut S) + Send + Sync)
where
    T: Send,
{
    if len == 0 {
        return;
    }
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        out.par_chunks_mut(len).enumerate().for_each_init(scratch, |s, (b, chunk)| f(b, chunk, s));
    }
    #[cfg(not(feature = "rayon"))]
    {
        let mut s = scratch();
        out.chunks_mut(len).enumerate().for_each(|(b, chunk)| f(b, chunk, &mut s));
    }
}

/// The weight gradient `[c_out, c_in/groups, kh, kw]`: per image and group `dY · colᵀ`, summed
/// over the batch (each worker sums its images, then the partial sums are added).
///
/// Each worker accumulates the transpose, `dW_gᵀ += col · dYᵀ` (`[K, O]`), which is transposed
/// once at the end. gemm computes a row-major product as its transpose and packs the operand
/// that runs along the destination's rows; for `dY · colᵀ` that is `col` read across its rows,
/// gathered one element at a time (`K · P` per image: 16% of the CNN's step). For `col · dYᵀ`
/// it is `dY` (`O · P`, with `O` the few output channels), and `col` is read in place.
/// How many runs of images the weight gradient sums separately (enough for 16 threads).
const RUNS: usize = 16;

fn weight_grad<T>(g: &Geometry, x: &[T], dy: &[T], zero: T, one: T) -> Vec<T>
where
    T: Copy + Send + Sync + core::ops::Add<Output = T> + 'static,
{
    let (k, p, opg) = (g.k(), g.p(), g.opg);
    let size = g.c_out * k;
    // (partial sum, per group `[K, opg]`; column matrix)
    let plan = Plan::new(g);
    // The images in a fixed number of runs, each summed into its own partial, and the partials
    // added in order: the same bits whatever the thread count and however rayon splits the work
    // (a rayon fold/reduce associates the sums as its threads happen to steal them).
    let per = g.batch.div_ceil(RUNS).max(1);
    let runs = g.batch.div_ceil(per);
    let run = |col: &mut Vec<T>, r: usize| {
        let mut acc = vec![zero; size];
        for b in r * per..((r + 1) * per).min(g.batch) {
            let image = &x[b * g.image_len()..][..g.image_len()];
            for group in 0..g.groups {
                im2col(g, &plan, image, group, zero, col, (p, 0));
                let dy_g = &dy[(b * g.c_out + group * opg) * p..][..opg * p];
                let acc_g = &mut acc[group * opg * k..][..opg * k];
                product(k, p, opg, acc_g, true, Operand::rows(col, p), Operand::transposed(dy_g, p), one);
            }
        }
        acc
    };
    #[cfg(feature = "rayon")]
    let partials: Vec<Vec<T>> = {
        use rayon::prelude::*;
        (0..runs).into_par_iter().map_init(|| vec![zero; k * p], run).collect()
    };
    #[cfg(not(feature = "rayon"))]
    let partials: Vec<Vec<T>> = {
        let mut col = vec![zero; k * p];
        (0..runs).map(|r| run(&mut col, r)).collect()
    };
    let mut partials = partials.into_iter();
    let mut transposed = partials.next().unwrap_or_else(|| vec![zero; size]);
    for partial in partials {
        for (x, y) in transposed.iter_mut().zip(partial) {
            *x = *x + y;
        }
    }
    // Each group's `[K, opg]` back to `[opg, K]`.
    let mut dw = vec![zero; size];
    if opg * k == 0 {
        return dw;
    }
    for (dw_g, t_g) in dw.chunks_mut(opg * k).zip(transposed.chunks(opg * k)) {
        for (kk, row) in t_g.chunks(opg).enumerate() {
            for (o, &v) in row.iter().enumerate() {
                dw_g[o * k + kk] = v;
            }
        }
    }
    dw
}

/// The input gradient `[batch, c_in, in_h, in_w]`: per image and group `Wᵀ · dY`, scattered
/// back by col2im; images in parallel (each writes its own part of the gradient).
fn input_grad<T>(g: &Geometry, w: &[T], dy: &[T], zero: T, one: T) -> Vec<T>
where
    T: Copy + Send + Sync + core::ops::Add<Output = T> + 'static,
{
    let (k, p, opg) = (g.k(), g.p(), g.opg);
    let plan = Plan::new(g);
    let mut dx = vec![zero; g.batch * g.image_len()];
    per_image(&mut dx, g.image_len(), || vec![zero; k * p], |b, image, dcol| {
        for group in 0..g.groups {
            let w_g = &w[group * opg * k..][..opg * k];
            let dy_g = &dy[(b * g.c_out + group * opg) * p..][..opg * p];
            product(k, opg, p, dcol, false, Operand::transposed(w_g, k), Operand::rows(dy_g, p), one);
            col2im(g, &plan, dcol, group, zero, image);
        }
    });
    dx
}

/// Whether the forward pass computes its product position-major (`[P, O]`, then transposed
/// into the NCHW planes) rather than straight into the planes (`[O, P]`): gemm then runs its
/// kernels along the output channels and packs the column matrix, which measured 25–40% more
/// multiply-adds per second on one core where a group has at least 32 output channels (the
/// U-Net's `[32, 288] x [288, 196]`: 105 → 133 GFLOP/s; 4 images of 7x7 at `[64, 576]`: 108 →
/// 151), and fewer below (4 channels: 34 → 19; the CNN's 16-channel layers trained 5% slower).
fn position_major(g: &Geometry) -> bool {
    g.opg >= 32
}

/// How many images share one matrix product in a position-major forward pass: enough for
/// about 192 output positions (a 7x7 plane's 49 leave a quarter of gemm's last 64-row kernel
/// empty), at most 8; one otherwise.
fn images_per_product(g: &Geometry) -> usize {
    if position_major(g) { (192 / g.p().max(1)).clamp(1, 8) } else { 1 }
}

/// The output `[batch, c_out, out_h, out_w]`: per image (or run of images) and group the
/// product of the weights and the column matrix, plus the bias; runs in parallel (each writes
/// its own part of the output). Position-major (see [`position_major`]): `colᵀ · W_gᵀ`, with
/// several images' columns side by side where planes are small, transposed into the output;
/// else `W_g · col`, accumulated onto the bias in place.
fn forward<T>(g: &Geometry, x: &[T], w: &[T], bias: Option<&[T]>, zero: T, one: T) -> Vec<T>
where
    T: Copy + Send + Sync + core::ops::Add<Output = T> + 'static,
{
    let (k, p, opg) = (g.k(), g.p(), g.opg);
    let out_len = g.c_out * p;
    let (transposed, per) = (position_major(g), images_per_product(g));
    let plan = Plan::new(g);
    let mut out = vec![zero; g.batch * out_len];
    let scratch = || (vec![zero; k * p * per], vec![zero; if transposed { p * per * opg } else { 0 }]);
    per_image(&mut out, out_len * per, scratch, |r, dst, (col, y)| {
        let images = dst.len() / out_len;
        let pp = images * p;
        if !transposed && let Some(bias) = bias {
            for (row, &v) in dst.chunks_mut(p).zip(bias.iter().cycle()) {
                row.fill(v);
            }
        }
        for group in 0..g.groups {
            for i in 0..images {
                let image = &x[(r * per + i) * g.image_len()..][..g.image_len()];
                im2col(g, &plan, image, group, zero, col, (pp, i * p));
            }
            let w_g = &w[group * opg * k..][..opg * k];
            if !transposed {
                let y = &mut dst[group * opg * p..][..opg * p];
                product(opg, k, p, y, bias.is_some(), Operand::rows(w_g, k), Operand::rows(col, p), one);
                continue;
            }
            // y = colᵀ · W_gᵀ, `[pp, opg]`, each image's `[p, opg]` transposed into its planes.
            product(pp, k, opg, y, false, Operand::transposed(col, pp), Operand::transposed(w_g, k), one);
            for (dst_i, y_i) in dst.chunks_mut(out_len).zip(y.chunks(p * opg)) {
                for (o, plane) in dst_i[group * opg * p..][..opg * p].chunks_mut(p).enumerate() {
                    gather_strided(plane, &y_i[o..], opg);
                    if let Some(bias) = bias {
                        let b = bias[group * opg + o];
                        plane.iter_mut().for_each(|v| *v = *v + b);
                    }
                }
            }
        }
    });
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
    let bytes = per_dtype!(dtype, |T, zero, one| forward::<T>(
        &g,
        x.storage(),
        weight.storage(),
        bias.as_ref().map(|b| b.storage()),
        zero,
        one
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
    let bytes = per_dtype!(dtype, |T, zero, one| if want_weight {
        weight_grad::<T>(&g, x.storage(), grad.storage(), zero, one)
    } else {
        input_grad::<T>(&g, weight.storage(), grad.storage(), zero, one)
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

/// The gradient of a 2-D convolution's loss with respect to its bias, `[c_out]`: the output
/// gradient summed per channel over the batch and the plane (each image's plane summed by
/// flex's SIMD sum, the planes' sums added in f64), channels in parallel. f32 and f64; `None`
/// for other dtypes.
pub fn conv2d_bias_backward(grad: &FlexTensor) -> Option<FlexTensor> {
    fn sums<T: Copy + Send + Sync + Into<f64>>(
        dy: &[T],
        (batch, channels, plane): (usize, usize, usize),
        plane_sum: impl Fn(&[T]) -> T + Send + Sync,
    ) -> Vec<f64> {
        let channel = |c: usize| (0..batch).map(|b| plane_sum(&dy[(b * channels + c) * plane..][..plane]).into()).sum();
        #[cfg(feature = "rayon")]
        {
            use rayon::prelude::*;
            if dy.len() >= crate::ops::PARALLEL_THRESHOLD {
                return (0..channels).into_par_iter().map(channel).collect();
            }
        }
        (0..channels).map(channel).collect()
    }
    let dtype = grad.dtype();
    if !matches!(dtype, DType::F32 | DType::F64) || grad.layout().shape().len() != 4 {
        return None;
    }
    let grad = grad.to_contiguous();
    let shape = grad.layout().shape();
    let dims = (shape[0], shape[1], shape[2] * shape[3]);
    #[cfg(feature = "simd")]
    let (sum32, sum64) = (crate::simd::kernels::sum_f32, crate::simd::kernels::sum_f64);
    #[cfg(not(feature = "simd"))]
    let (sum32, sum64) = (|p: &[f32]| p.iter().sum::<f32>(), |p: &[f64]| p.iter().sum::<f64>());
    let bytes = match dtype {
        DType::F32 => Bytes::from_elems(sums(grad.storage(), dims, sum32).into_iter().map(|s| s as f32).collect::<Vec<_>>()),
        _ => Bytes::from_elems(sums(grad.storage(), dims, sum64)),
    };
    Some(FlexTensor::new(bytes, Layout::contiguous(burn_std::Shape::from(vec![dims.1])), dtype))
}
