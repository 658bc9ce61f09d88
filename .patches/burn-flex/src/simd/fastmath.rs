//! `exp`, σ, `tanh`, the normal distribution's `Φ` (for GELU) for f32 in straight-line arithmetic —
//! no branch, no libm call (the libm calls they replace took a quarter of an LSTM's training
//! step and a tenth of a Transformer's) — and `map`/`zip` loops compiled, through macerator's
//! dispatch, for the best instruction set the CPU has, so that loops over these functions
//! vectorise (8 or 16 lanes) where a loop compiled for baseline x86-64 stays scalar.
//! Cephes' polynomials (Moshier), with rounding by a magic constant instead of `floor` (which
//! needs SSE4.1 to vectorise) and no float-to-int cast (Rust's saturating cast does not
//! vectorise).

use alloc::vec::Vec;
use core::mem::MaybeUninit;

/// 1.5 · 2^23: adding and subtracting it rounds an f32 of magnitude < 2^22 to an integer.
const ROUND: f32 = 12_582_912.0;

/// e^x within 2 ulp for x in [-87.3, 88.72]; 0 below (where e^x is subnormal), +∞ above,
/// NaN for NaN.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = core::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const LO: f32 = -87.336_54;
    const HI: f32 = 88.722_83;
    let c = x.clamp(LO, HI);
    // t = 1.5·2^23 + n with n = round(c / ln 2) in [-126, 128]: n sits in t's low mantissa bits.
    let t = c * LOG2E + ROUND;
    let n = t - ROUND;
    let r = c - n * LN2_HI - n * LN2_LO;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 5.000_000_1e-1;
    let e = p * r * r + r + 1.0;
    // 2^n as 2^a · 2^b (a = n >> 1, b = n - a, both in [-63, 64]) from exponent bits, so that
    // n = 128 does not overflow.
    let n = t.to_bits().wrapping_sub(ROUND.to_bits()) as i32;
    let a = n >> 1;
    let b = n - a;
    let pow2 = |k: i32| f32::from_bits(((k + 127) as u32) << 23);
    let y = e * pow2(a) * pow2(b);
    if x > HI {
        f32::INFINITY
    } else if x < LO {
        0.0
    } else {
        y
    }
}

/// σ(x) without a branch or a libm call: with `e = exp(-|x|)`, σ(|x|) = 1 / (1 + e) and
/// σ(-|x|) = e / (1 + e). Within 2 ulp of the correctly rounded value for normal results.
#[inline(always)]
pub fn sigmoid_f32(x: f32) -> f32 {
    let e = exp_f32(-x.abs());
    let s = 1.0 / (1.0 + e);
    if x >= 0.0 { s } else { e * s }
}

/// tanh(x) within a few ulp: an odd polynomial for |x| < 0.625, (1 - e) / (1 + e) with
/// e = exp(-2|x|) beyond, the sign put back.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    let z = x * x;
    let small = ((((-5.704_988_7e-3 * z + 2.063_908_9e-2) * z - 5.373_971_6e-2) * z + 1.333_144_2e-1) * z
        - 3.333_328_2e-1)
        * z
        * x
        + x;
    let e = exp_f32(-2.0 * a);
    let large = ((1.0 - e) / (1.0 + e)).copysign(x);
    if a < 0.625 { small } else { large }
}

/// erfc(z) for z ≥ 0 with a relative error below 1.2e-7 in exact arithmetic (Numerical
/// Recipes' Chebyshev fit `erfcc`), so that the tail stays accurate where erfc is tiny.
#[inline(always)]
fn erfc_nonneg(z: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.5 * z);
    let p = -1.265_512_2
        + t * (1.000_023_7
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    t * exp_f32(p - z * z)
}

/// Φ(x), the standard normal distribution function: ½·erfc(-x/√2).
#[inline(always)]
pub fn phi_f32(x: f32) -> f32 {
    let half_c = 0.5 * erfc_nonneg(x.abs() * core::f32::consts::FRAC_1_SQRT_2);
    if x >= 0.0 { 1.0 - half_c } else { half_c }
}

/// GELU(x) = x·Φ(x).
#[inline(always)]
pub fn gelu_f32(x: f32) -> f32 {
    x * phi_f32(x)
}

/// GELU's derivative, Φ(x) + x·φ(x) with φ the normal density.
#[inline(always)]
pub fn gelu_grad_f32(x: f32) -> f32 {
    const INV_SQRT_2PI: f32 = 0.398_942_3;
    phi_f32(x) + x * INV_SQRT_2PI * exp_f32(-0.5 * x * x)
}

/// An element-wise f32 function for the dispatched loops below. A closure or a function passed
/// as `Fn` stops being inlined into the loop once its body is long (GELU's gradient was called
/// per element, in scalar code); a kernel type's `#[inline(always)]` method is always inlined.
pub trait Map: Copy + Send + Sync {
    fn apply(&self, x: f32) -> f32;
}

/// A two-operand element-wise f32 function; see [`Map`].
pub trait Zip: Copy + Send + Sync {
    fn apply(&self, a: f32, b: f32) -> f32;
}

/// A closure as a kernel (inlined at the compiler's discretion: fine for short bodies).
#[derive(Clone, Copy)]
pub struct Fun<F>(pub F);

impl<F: Fn(f32) -> f32 + Copy + Send + Sync> Map for Fun<F> {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        (self.0)(x)
    }
}

impl<F: Fn(f32, f32) -> f32 + Copy + Send + Sync> Zip for Fun<F> {
    #[inline(always)]
    fn apply(&self, a: f32, b: f32) -> f32 {
        (self.0)(a, b)
    }
}

/// A two-operand kernel with its operands swapped.
#[derive(Clone, Copy)]
pub struct Flip<K>(pub K);

impl<K: Zip> Zip for Flip<K> {
    #[inline(always)]
    fn apply(&self, a: f32, b: f32) -> f32 {
        self.0.apply(b, a)
    }
}

/// A two-operand kernel with its right operand fixed: `x -> k(x, s)`.
#[derive(Clone, Copy)]
pub struct BindRhs<K>(pub K, pub f32);

impl<K: Zip> Map for BindRhs<K> {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        self.0.apply(x, self.1)
    }
}

/// A two-operand kernel with its left operand fixed: `x -> k(s, x)`.
#[derive(Clone, Copy)]
pub struct BindLhs<K>(pub K, pub f32);

impl<K: Zip> Map for BindLhs<K> {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        self.0.apply(self.1, x)
    }
}

/// e^x as a kernel.
#[derive(Clone, Copy)]
pub struct Exp;

impl Map for Exp {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        exp_f32(x)
    }
}

/// σ as a kernel.
#[derive(Clone, Copy)]
pub struct Sigmoid;

impl Map for Sigmoid {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        sigmoid_f32(x)
    }
}

/// tanh as a kernel.
#[derive(Clone, Copy)]
pub struct Tanh;

impl Map for Tanh {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        tanh_f32(x)
    }
}

/// GELU as a kernel.
#[derive(Clone, Copy)]
pub struct Gelu;

impl Map for Gelu {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        gelu_f32(x)
    }
}

/// The gradient through GELU: `(x, g) -> g · GELU'(x)`.
#[derive(Clone, Copy)]
pub struct GeluBackward;

impl Zip for GeluBackward {
    #[inline(always)]
    fn apply(&self, x: f32, g: f32) -> f32 {
        g * gelu_grad_f32(x)
    }
}

/// `xs[i] = k(xs[i])`, compiled for the CPU's best instruction set.
#[cfg(feature = "simd")]
#[macerator::with_simd]
pub fn map_inplace<S: macerator::Simd, K: Map>(xs: &mut [f32], k: K) {
    for x in xs.iter_mut() {
        *x = k.apply(*x);
    }
}

/// `dst[i] = k(src[i])` for every `i` below both lengths, compiled for the CPU's best
/// instruction set (`dst` need not be initialised).
#[cfg(feature = "simd")]
#[macerator::with_simd]
pub fn map_into<S: macerator::Simd, K: Map>(src: &[f32], dst: &mut [MaybeUninit<f32>], k: K) {
    for (d, &s) in dst.iter_mut().zip(src) {
        d.write(k.apply(s));
    }
}

/// `lhs[i] = k(lhs[i], rhs[i])`, compiled for the CPU's best instruction set.
#[cfg(feature = "simd")]
#[macerator::with_simd]
pub fn zip_inplace<S: macerator::Simd, K: Zip>(lhs: &mut [f32], rhs: &[f32], k: K) {
    for (l, &r) in lhs.iter_mut().zip(rhs) {
        *l = k.apply(*l, r);
    }
}

/// `dst[i] = k(lhs[i], rhs[i])` for every `i` below the three lengths, compiled for the CPU's
/// best instruction set (`dst` need not be initialised).
#[cfg(feature = "simd")]
#[macerator::with_simd]
pub fn zip_into<S: macerator::Simd, K: Zip>(lhs: &[f32], rhs: &[f32], dst: &mut [MaybeUninit<f32>], k: K) {
    for ((d, &l), &r) in dst.iter_mut().zip(lhs).zip(rhs) {
        d.write(k.apply(l, r));
    }
}

#[cfg(not(feature = "simd"))]
pub fn map_inplace<K: Map>(xs: &mut [f32], k: K) {
    for x in xs.iter_mut() {
        *x = k.apply(*x);
    }
}

#[cfg(not(feature = "simd"))]
pub fn map_into<K: Map>(src: &[f32], dst: &mut [MaybeUninit<f32>], k: K) {
    for (d, &s) in dst.iter_mut().zip(src) {
        d.write(k.apply(s));
    }
}

#[cfg(not(feature = "simd"))]
pub fn zip_inplace<K: Zip>(lhs: &mut [f32], rhs: &[f32], k: K) {
    for (l, &r) in lhs.iter_mut().zip(rhs) {
        *l = k.apply(*l, r);
    }
}

#[cfg(not(feature = "simd"))]
pub fn zip_into<K: Zip>(lhs: &[f32], rhs: &[f32], dst: &mut [MaybeUninit<f32>], k: K) {
    for ((d, &l), &r) in dst.iter_mut().zip(lhs).zip(rhs) {
        d.write(k.apply(l, r));
    }
}

/// Elements per task when a loop is split across threads.
#[cfg(feature = "rayon")]
const CHUNK: usize = 16 * 1024;

/// `k` of each element of `src`, into a new vector that is not zero-filled first (filling it
/// cost a pass over memory, 5% of a U-Net's step); split across threads when `parallel`.
pub fn map_new<K: Map>(src: &[f32], k: K, parallel: bool) -> Vec<f32> {
    let n = src.len();
    let mut out = Vec::with_capacity(n);
    let dst = &mut out.spare_capacity_mut()[..n];
    #[cfg(feature = "rayon")]
    if parallel {
        use rayon::prelude::*;
        dst.par_chunks_mut(CHUNK).zip(src.par_chunks(CHUNK)).for_each(|(d, s)| map_into(s, d, k));
    } else {
        map_into(src, dst, k);
    }
    #[cfg(not(feature = "rayon"))]
    {
        let _ = parallel;
        map_into(src, dst, k);
    }
    // SAFETY: `map_into` wrote all `n` elements (`dst` and `src` both hold `n`; the chunks
    // of both split them alike).
    unsafe { out.set_len(n) };
    out
}

/// `k` of each pair of elements, into a new vector that is not zero-filled first; split
/// across threads when `parallel`. `lhs` and `rhs` must have the same length.
pub fn zip_new<K: Zip>(lhs: &[f32], rhs: &[f32], k: K, parallel: bool) -> Vec<f32> {
    let n = lhs.len();
    assert_eq!(n, rhs.len(), "zip_new: operands of different lengths");
    let mut out = Vec::with_capacity(n);
    let dst = &mut out.spare_capacity_mut()[..n];
    #[cfg(feature = "rayon")]
    if parallel {
        use rayon::prelude::*;
        dst.par_chunks_mut(CHUNK)
            .zip(lhs.par_chunks(CHUNK).zip(rhs.par_chunks(CHUNK)))
            .for_each(|(d, (l, r))| zip_into(l, r, d, k));
    } else {
        zip_into(lhs, rhs, dst, k);
    }
    #[cfg(not(feature = "rayon"))]
    {
        let _ = parallel;
        zip_into(lhs, rhs, dst, k);
    }
    // SAFETY: `zip_into` wrote all `n` elements (the three slices hold `n` each; the chunks
    // split them alike).
    unsafe { out.set_len(n) };
    out
}

/// `xs[i] = k(xs[i])`, split across threads when `parallel`.
pub fn map_inplace_split<K: Map>(xs: &mut [f32], k: K, parallel: bool) {
    #[cfg(feature = "rayon")]
    if parallel {
        use rayon::prelude::*;
        xs.par_chunks_mut(CHUNK).for_each(|x| map_inplace(x, k));
        return;
    }
    let _ = parallel;
    map_inplace(xs, k);
}

/// `lhs[i] = k(lhs[i], rhs[i])`, split across threads when `parallel`.
pub fn zip_inplace_split<K: Zip>(lhs: &mut [f32], rhs: &[f32], k: K, parallel: bool) {
    #[cfg(feature = "rayon")]
    if parallel {
        use rayon::prelude::*;
        lhs.par_chunks_mut(CHUNK).zip(rhs.par_chunks(CHUNK)).for_each(|(l, r)| zip_inplace(l, r, k));
        return;
    }
    let _ = parallel;
    zip_inplace(lhs, rhs, k);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worst(f: fn(f32) -> f32, g: fn(f64) -> f64, lo: f32, hi: f32) -> f64 {
        let n = 200_001;
        (0..n)
            .map(|i| lo + (hi - lo) * i as f32 / (n - 1) as f32)
            .map(|x| {
                let want = g(x as f64);
                ((f(x) as f64 - want) / want.abs().max(1e-30)).abs()
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn exp_and_tanh_are_within_a_few_ulp() {
        assert!(worst(exp_f32, f64::exp, -87.0, 88.72) < 3e-7);
        assert!(worst(tanh_f32, f64::tanh, -20.0, 20.0) < 3e-7);
        assert!(worst(tanh_f32, f64::tanh, -0.7, 0.7) < 3e-7);
        assert_eq!(tanh_f32(0.0), 0.0);
        assert_eq!(tanh_f32(100.0), 1.0);
        assert_eq!(tanh_f32(-100.0), -1.0);
        assert_eq!(exp_f32(-1000.0), 0.0);
        assert_eq!(exp_f32(1000.0), f32::INFINITY);
        assert!(exp_f32(f32::NAN).is_nan());
    }

    fn phi64(x: f64) -> f64 {
        // Φ by Simpson's rule on the density from -12 (where Φ < 1e-32).
        let (a, n) = (-12.0f64, 20_000);
        let h = (x - a) / n as f64;
        let d = |t: f64| (-0.5 * t * t).exp() / (2.0 * core::f64::consts::PI).sqrt();
        let mut s = d(a) + d(x);
        for i in 1..n {
            s += d(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * h / 3.0
    }

    #[test]
    fn phi_and_gelu_are_accurate_in_both_tails() {
        for i in 0..=400 {
            let x = -10.0 + 20.0 * i as f32 / 400.0;
            let want = phi64(x as f64);
            let got = phi_f32(x) as f64;
            assert!((got - want).abs() <= 1e-5 * want.abs().max(1e-30), "phi({x}) = {got}, want {want}");
            let grad = gelu_grad_f32(x) as f64;
            let want_grad = want + x as f64 * (-0.5 * (x as f64).powi(2)).exp() / (2.0 * core::f64::consts::PI).sqrt();
            assert!((grad - want_grad).abs() <= 1e-5 * want_grad.abs().max(1e-2), "gelu'({x}) = {grad}, want {want_grad}");
        }
        assert_eq!(gelu_f32(0.0), 0.0);
        assert_eq!(gelu_f32(100.0), 100.0);
        assert_eq!(gelu_f32(-100.0), 0.0);
    }
}
