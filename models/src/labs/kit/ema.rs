//! An exponential moving average of a model's weights (Polyak averaging): the copy that
//! generative models sample with, smoother than the weights of the last step.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::tensor::Tensor;

/// Every float parameter of a module, flattened, by id.
struct Collect(HashMap<ParamId, Tensor<1>>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.insert(param.id, param.val().flatten::<1>(0, D - 1));
    }
}

struct Blend {
    live: HashMap<ParamId, Tensor<1>>,
    decay: f64,
}

impl ModuleMapper for Blend {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some(live) = self.live.remove(&param.id) else { return param };
        let decay = self.decay;
        param.map(|t| {
            let dims = t.dims();
            t.mul_scalar(decay) + live.reshape(dims).mul_scalar(1.0 - decay)
        })
    }
}

/// `ema` moved towards `live` (the inference copy of the trained model, whose parameters
/// have the same ids): ema = decay * ema + (1 - decay) * live.
pub fn update<M: Module>(ema: M, live: &M, decay: f64) -> M {
    let mut collect = Collect(HashMap::new());
    live.visit(&mut collect);
    ema.map(&mut Blend { live: collect.0, decay })
}

/// The decay to use after `steps` updates: `decay`, but lower at first (1 + n) / (10 + n), so
/// that the average does not drag the random initial weights along for thousands of steps.
pub fn warmed_decay(decay: f64, steps: u64) -> f64 {
    decay.min((1.0 + steps as f64) / (10.0 + steps as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensors::Floats;
    use burn::nn::{Linear, LinearConfig};
    use burn::tensor::Device;

    #[test]
    fn the_average_moves_a_fraction_of_the_way() {
        let device = Device::flex();
        let a: Linear = LinearConfig::new(3, 2).init(&device);
        // The same ids, other values.
        let b = a.clone().map(&mut Blend { live: HashMap::new(), decay: 0.0 });
        let b = Linear { weight: b.weight.map(|w| w.add_scalar(1.0)), bias: b.bias };
        let before: Vec<f32> = a.weight.val().floats();
        let moved = update(a, &b, 0.75);
        let after: Vec<f32> = moved.weight.val().floats();
        for (x, y) in before.iter().zip(&after) {
            assert!((y - x - 0.25).abs() < 1e-6, "{x} -> {y}");
        }
        assert!(warmed_decay(0.999, 0) < 0.2 && warmed_decay(0.999, 1_000_000) == 0.999);
    }
}
