//! The activation functions labs offer, with the seeded initialisation that suits each.

use burn::tensor::Tensor;
use burn::tensor::activation::{relu, sigmoid, tanh};
use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// The choice keys `relu`, `tanh`, `sigmoid`, `linear`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
    Linear,
}

impl Activation {
    pub fn apply<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Self::Relu => relu(x),
            Self::Tanh => tanh(x),
            Self::Sigmoid => sigmoid(x),
            Self::Linear => x,
        }
    }

    /// `n` uniform initial weights from our own seeded generator: He for ReLU, Glorot
    /// otherwise (so that the same seed gives the same model on any thread).
    pub fn init(self, rng: &mut Rng, n: usize, fan_in: usize, fan_out: usize) -> Vec<f32> {
        let limit = match self {
            Self::Relu => (6.0 / fan_in as f32).sqrt(),
            _ => (6.0 / (fan_in + fan_out) as f32).sqrt(),
        };
        (0..n).map(|_| rng.uniform(-limit, limit)).collect()
    }
}
