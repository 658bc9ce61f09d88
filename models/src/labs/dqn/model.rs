//! The Q-network: the 4 numbers of CartPole's state in, one value per action out (what the
//! agent expects to collect from here on if it takes that action, then acts greedily).

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};

#[derive(Module, Debug)]
pub(crate) struct QNet {
    pub hidden: Vec<Linear>,
    pub out: Linear,
}

impl QNet {
    /// `layers` hidden layers of `width` ReLU units.
    pub(super) fn new(inputs: usize, width: usize, layers: usize, actions: usize, device: &Device) -> Self {
        let hidden = (0..layers)
            .map(|k| LinearConfig::new(if k == 0 { inputs } else { width }, width).init(device))
            .collect();
        Self { hidden, out: LinearConfig::new(width, actions).init(device) }
    }

    /// `[n, 4]` states -> `[n, actions]` Q-values.
    pub(super) fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let h = self.hidden.iter().fold(x, |h, layer| relu(layer.forward(h)));
        self.out.forward(h)
    }
}
