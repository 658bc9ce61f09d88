//! The knobs every trainer has: optimizer, learning rate and its decay, batch size.

use burn::grad_clipping::GradientClippingConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, ModuleOptimizer, SgdConfig};
use serde::{Deserialize, Serialize};

use burn::tensor::{Device, Tensor};

use crate::engine::Detector;
use crate::error::LabError;
use crate::labs::{Chart, Curve, Reading};
use crate::params::{ParamSpec, Values};

/// The optimizers every lab offers (the choice keys `sgd`, `momentum`, `adam`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Optim {
    Sgd,
    Momentum,
    Adam,
}

impl Optim {
    pub const KEYS: &'static [&'static str] = &["sgd", "momentum", "adam"];

    /// A fresh optimizer (no momentum, no moment estimates yet).
    pub fn build(self) -> ModuleOptimizer {
        self.build_clipped(None)
    }

    /// A fresh optimizer that first clips the gradients as `clip` says (e.g. their global
    /// norm), if given.
    pub fn build_clipped(self, clip: Option<GradientClippingConfig>) -> ModuleOptimizer {
        match self {
            Self::Sgd => SgdConfig::new().with_gradient_clipping(clip).init(),
            Self::Momentum => SgdConfig::new()
                .with_momentum(Some(MomentumConfig::new().with_momentum(0.9).with_dampening(0.0)))
                .with_gradient_clipping(clip)
                .init(),
            Self::Adam => AdamConfig::new().with_grad_clipping(clip).init(),
        }
    }
}

/// How the learning rate changes over a run (the choice keys `constant`, `cosine`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Decay {
    Constant,
    Cosine,
}

impl Decay {
    pub const KEYS: &'static [&'static str] = &["constant", "cosine"];

    /// The learning rate for step `t` (from 0): `lr`, or a half cosine from `lr` down to
    /// `lr / 100` over `over` steps, held there afterwards.
    pub fn lr(self, lr: f64, t: u64, over: u64) -> f64 {
        match self {
            Self::Constant => lr,
            Self::Cosine => {
                let p = (t as f64 / over.max(1) as f64).min(1.0);
                let floor = lr / 100.0;
                floor + (lr - floor) * 0.5 * (1.0 + (std::f64::consts::PI * p).cos())
            }
        }
    }
}

/// The training knobs (the parameters `optimizer`, `lr`, `lr_decay`, `decay_steps` and
/// `batch`); a lab's config holds them flattened.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Training {
    pub optimizer: Optim,
    pub lr: f64,
    pub lr_decay: Decay,
    pub decay_steps: u64,
    pub batch: usize,
}

/// A lab's defaults for the training knobs.
#[derive(Clone, Copy, Debug)]
pub struct TrainingDefaults {
    pub lr: f64,
    pub lr_max: f64,
    pub batch: i64,
    pub decay: &'static str,
    pub decay_steps: i64,
}

impl Training {
    /// The parameter specs of the training knobs, all live.
    pub fn specs(d: TrainingDefaults) -> Vec<ParamSpec> {
        use crate::params::Group::Training as G;
        use crate::params::ParamKind::*;
        fn cosine(v: &Values) -> bool {
            crate::params::text_of(v, "lr_decay") == "cosine"
        }
        vec![
            ParamSpec::new("optimizer", G, Choice { default: "adam", options: Optim::KEYS }).live(),
            ParamSpec::new("lr", G, Float { default: d.lr, min: 1e-5, max: d.lr_max, log: true }).live(),
            ParamSpec::new("lr_decay", G, Choice { default: d.decay, options: Decay::KEYS }).live(),
            ParamSpec::new("decay_steps", G, Int { default: d.decay_steps, min: 10, max: 1_000_000 })
                .live()
                .shown_if(cosine),
            ParamSpec::new("batch", G, Int { default: d.batch, min: 1, max: 512 }).live(),
        ]
    }

    /// The learning rate for step `t` (from 0).
    pub fn lr_at(&self, t: u64) -> f64 {
        self.lr_decay.lr(self.lr, t, self.decay_steps)
    }

    /// Before a live change takes effect: a new optimizer starts with fresh state (the other
    /// knobs are read at every step).
    pub fn switch_optimizer(&self, new: &Training, optim: &mut ModuleOptimizer) {
        if new.optimizer != self.optimizer {
            *optim = new.optimizer.build();
        }
    }
}

/// How much of the gradient reaches the first layer, relative to the output layer's, as a
/// power of ten (the curve `grad_ratio` of the MLP and ResNet labs), at which the
/// vanishing-gradient detector speaks: 1/100.
pub const VANISHING_LEVEL: f32 = -2.0;

/// The chart of `grad_ratio`, with the 1/100 line.
pub const GRADIENT_CHART: Chart =
    Chart { id: "gradients", curves: &[Curve::bold("grad_ratio")], unit: false, line: Some(VANISHING_LEVEL) };

/// The vanishing-gradient detector: `grad_ratio` under 1/100 five measurements in a row
/// (sustained, not one noisy measurement late in a run whose loss is near 0).
pub const VANISHING: Detector =
    Detector::Level { id: "vanishing", metric: "grad_ratio", level: VANISHING_LEVEL, above: false, times: 5 };

/// A training step's loss, checked before it updates the weights where that costs nothing:
/// on the CPU it is read now, and a NaN or infinite one (of step `step`) is an error before
/// it reaches the weights. On the GPU it stays there ([`Reading::of`]): reading it would stall
/// the GPU every step; the session reads it with the next steps' and stops the run then.
pub fn checked_loss(loss: &Tensor<1>, step: u64, device: &Device) -> Result<Reading, LabError> {
    if crate::device::is_cpu(device) {
        let value = loss.clone().into_scalar::<f32>();
        LabError::check_finite(value, step)?;
        Ok(Reading::Value(value))
    } else {
        Ok(Reading::of(loss.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_decay_glides_from_the_rate_to_a_hundredth_and_stays() {
        let lr = 0.01;
        assert_eq!(Decay::Constant.lr(lr, 5000, 100), lr);
        assert!((Decay::Cosine.lr(lr, 0, 1000) - lr).abs() < 1e-12);
        assert!((Decay::Cosine.lr(lr, 500, 1000) - 0.00505).abs() < 1e-9);
        assert!((Decay::Cosine.lr(lr, 1000, 1000) - 0.0001).abs() < 1e-12);
        assert!((Decay::Cosine.lr(lr, 9000, 1000) - 0.0001).abs() < 1e-12);
        let rates: Vec<f64> = (0..=1000).step_by(50).map(|t| Decay::Cosine.lr(lr, t, 1000)).collect();
        assert!(rates.windows(2).all(|w| w[1] < w[0]), "falls all the way: {rates:?}");
    }
}
