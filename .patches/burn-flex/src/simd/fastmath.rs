//! `exp` and `tanh` for f32 in straight-line arithmetic — no branch, no libm call (the libm
//! calls they replace took a quarter of an LSTM's training step). Written so that a loop over
//! them can vectorise, though `unary_op`'s per-element loops still compile to scalar code.
//! Cephes' polynomials (Moshier), with rounding by a magic constant instead of `floor` (which
//! needs SSE4.1 to vectorise).

/// 1.5 · 2^23: adding and subtracting it rounds an f32 of magnitude < 2^22 to an integer.
const ROUND: f32 = 12_582_912.0;

/// e^x within 2 ulp for x in [-87.3, 88]; clamped outside (e^88 ≈ 1.7e38, e^-87.3 ≈ 1.2e-38).
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = core::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.336_54, 88.0);
    // n = round(x / ln 2); r = x - n ln 2 in [-ln2/2, ln2/2].
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 5.000_000_1e-1;
    let e = p * r * r + r + 1.0;
    // 2^n, n in [-126, 127], by building the exponent bits.
    e * f32::from_bits(((n as i32 + 127) as u32) << 23)
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
        assert!(worst(exp_f32, f64::exp, -87.0, 88.0) < 3e-7);
        assert!(worst(tanh_f32, f64::tanh, -20.0, 20.0) < 3e-7);
        assert!(worst(tanh_f32, f64::tanh, -0.7, 0.7) < 3e-7);
        assert_eq!(tanh_f32(0.0), 0.0);
        assert_eq!(tanh_f32(100.0), 1.0);
        assert_eq!(tanh_f32(-100.0), -1.0);
        assert!(exp_f32(-1000.0) >= 0.0 && exp_f32(1000.0).is_finite());
    }
}
