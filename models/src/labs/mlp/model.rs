//! The MLP: fully connected layers with one activation between them.

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::{Device, Tensor};

use crate::labs::kit::Activation;
use crate::rng::Rng;
use crate::tensors;

#[derive(Module, Debug)]
pub struct Net {
    pub layers: Vec<Linear>,
}

impl Net {
    /// Layers of the given sizes (inputs first, classes last): Glorot-uniform weights
    /// (He-uniform for ReLU) from our own seeded generator, zero biases.
    pub fn new(sizes: &[usize], act: Activation, rng: &mut Rng, device: &Device) -> Self {
        let layers = sizes
            .windows(2)
            .map(|w| {
                let (fan_in, fan_out) = (w[0], w[1]);
                let weight = act.init(rng, fan_in * fan_out, fan_in, fan_out);
                Linear {
                    weight: Param::from_tensor(tensors::floats(weight, [fan_in, fan_out], device)),
                    bias: Some(Param::from_tensor(Tensor::zeros([fan_out], device))),
                }
            })
            .collect();
        Self { layers }
    }

    /// Logits `[batch, classes]`, and the output of every hidden layer `[batch, neurons]`.
    pub fn forward_all(&self, mut x: Tensor<2>, act: Activation) -> (Tensor<2>, Vec<Tensor<2>>) {
        // x: [batch, features]
        let mut hidden = Vec::new();
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x); // [batch, width of layer i]
            if i < last {
                x = act.apply(x);
                hidden.push(x.clone());
            }
        }
        (x, hidden)
    }

    /// Logits `[batch, classes]`.
    pub fn forward(&self, x: Tensor<2>, act: Activation) -> Tensor<2> {
        self.forward_all(x, act).0
    }
}
