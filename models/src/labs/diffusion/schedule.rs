//! The noise schedule of DDPM (Ho et al. 2020) and the arithmetic of its forward and reverse
//! steps, on plain numbers: timesteps run 0..T, step t adds noise of variance beta_t, and
//! alpha_bar_t = prod_{s<=t} (1 - beta_s) is how much of the clean signal is left after it.
//!
//! Forward (closed form): x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// beta rises linearly from beta_start to beta_end (Ho et al.).
    Linear,
    /// alpha_bar follows a squared cosine (Nichol & Dhariwal 2021): less noise early on.
    Cosine,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    pub betas: Vec<f32>,
    pub alpha_bar: Vec<f32>,
}

impl Schedule {
    pub fn new(kind: Kind, steps: usize, beta_start: f32, beta_end: f32) -> Self {
        let steps = steps.max(1);
        let betas: Vec<f32> = match kind {
            Kind::Linear => (0..steps)
                .map(|t| {
                    let f = if steps == 1 { 0.0 } else { t as f32 / (steps - 1) as f32 };
                    beta_start + (beta_end - beta_start) * f
                })
                .collect(),
            Kind::Cosine => {
                let s = 0.008f64;
                let f = |t: f64| (((t / steps as f64) + s) / (1.0 + s) * std::f64::consts::FRAC_PI_2).cos().powi(2);
                (0..steps).map(|t| (1.0 - f(t as f64 + 1.0) / f(t as f64)).clamp(0.0, 0.999) as f32).collect()
            }
        };
        let mut alpha_bar = Vec::with_capacity(steps);
        let mut prod = 1.0f64;
        for b in &betas {
            prod *= 1.0 - *b as f64;
            alpha_bar.push(prod as f32);
        }
        Self { betas, alpha_bar }
    }

    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.betas.len()
    }

    /// alpha_bar before step t (1 before the first step).
    pub fn alpha_bar_before(&self, t: usize) -> f32 {
        if t == 0 { 1.0 } else { self.alpha_bar[t - 1] }
    }

    /// The coefficients of x_t = a x_0 + b eps.
    pub fn forward_coefs(&self, t: usize) -> (f32, f32) {
        let ab = self.alpha_bar[t];
        (ab.sqrt(), (1.0 - ab).sqrt())
    }

    /// The coefficients of the predicted clean sample x_0 = a x_t - b eps.
    pub fn x0_coefs(&self, t: usize) -> (f32, f32) {
        let ab = self.alpha_bar[t];
        (1.0 / ab.sqrt(), ((1.0 - ab) / ab).sqrt())
    }

    /// One DDPM step from t to t-1 given the predicted x_0: the posterior mean's
    /// coefficients (on x_0, on x_t) and its standard deviation (0 at the last step).
    pub fn ddpm_coefs(&self, t: usize) -> (f32, f32, f32) {
        let (ab, ab_prev, beta) = (self.alpha_bar[t], self.alpha_bar_before(t), self.betas[t]);
        let c0 = ab_prev.sqrt() * beta / (1.0 - ab);
        let ct = (1.0 - beta).sqrt() * (1.0 - ab_prev) / (1.0 - ab);
        let var = beta * (1.0 - ab_prev) / (1.0 - ab);
        (c0, ct, if t == 0 { 0.0 } else { var.max(0.0).sqrt() })
    }

    /// The timesteps a sampler visits, from T-1 down to 0: all of them for DDPM, `count`
    /// evenly spaced ones for DDIM.
    pub fn timesteps(&self, count: usize) -> Vec<usize> {
        let n = self.len();
        let count = count.clamp(1, n);
        let mut ts: Vec<usize> = (0..count).map(|i| (i * n / count + (n / count).max(1) - 1).min(n - 1)).collect();
        ts.dedup();
        ts.reverse();
        ts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_products_and_the_forward_closed_form() {
        for kind in [Kind::Linear, Kind::Cosine] {
            let s = Schedule::new(kind, 1000, 1e-4, 0.02);
            let mut prod = 1.0f64;
            for t in 0..1000 {
                prod *= 1.0 - s.betas[t] as f64;
                assert!((s.alpha_bar[t] as f64 - prod).abs() < 1e-5, "{kind:?} t={t}");
            }
            assert!(s.alpha_bar.windows(2).all(|w| w[1] <= w[0]), "alpha_bar falls");
            assert!(s.alpha_bar[999] < 1e-3, "{kind:?}: almost pure noise at the end: {}", s.alpha_bar[999]);
            // Applying the single steps x_t = sqrt(1-beta_t) x_{t-1} + sqrt(beta_t) eps_t
            // to a constant signal leaves sqrt(alpha_bar_t) of it, and noise of variance
            // 1 - alpha_bar_t: the closed form.
            let (mut signal, mut var) = (1.0f64, 0.0f64);
            for t in 0..500 {
                let b = s.betas[t] as f64;
                signal *= (1.0 - b).sqrt();
                var = var * (1.0 - b) + b;
            }
            let (a, b) = s.forward_coefs(499);
            assert!((signal - a as f64).abs() < 1e-4 && (var.sqrt() - b as f64).abs() < 1e-4);
        }
        let lin = Schedule::new(Kind::Linear, 1000, 1e-4, 0.02);
        assert!((lin.betas[0] - 1e-4).abs() < 1e-9 && (lin.betas[999] - 0.02).abs() < 1e-7);
        // The posterior has no noise at the last step and is the identity on x_0 there (up to
        // f32's precision in 1 - alpha_bar_0 = 1e-4).
        let (c0, ct, sd) = lin.ddpm_coefs(0);
        assert!((c0 - 1.0).abs() < 2e-3 && ct.abs() < 1e-6 && sd == 0.0, "{c0} {ct} {sd}");
    }

    #[test]
    fn samplers_visit_timesteps_from_the_end() {
        let s = Schedule::new(Kind::Linear, 1000, 1e-4, 0.02);
        assert_eq!(s.timesteps(1000), (0..1000).rev().collect::<Vec<_>>());
        let ddim = s.timesteps(50);
        assert_eq!(ddim.len(), 50);
        assert_eq!(ddim[0], 999);
        assert_eq!(*ddim.last().unwrap(), 19);
        assert!(ddim.windows(2).all(|w| w[0] - w[1] == 20));
    }
}
