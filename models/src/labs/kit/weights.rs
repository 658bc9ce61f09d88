//! A model's weights as bytes and back (Burn's record format, parameters by path).

use burn::module::{Module, ModuleVisitor, Param};
use burn::store::ModuleRecord;
use burn::tensor::Tensor;

use crate::error::LabError;

/// Every parameter of `model` (batch-norm statistics included) as bytes.
pub fn to_bytes<M: Module>(model: &M) -> Result<Vec<u8>, LabError> {
    // The inference copy: taking it folds the last step's batch-norm statistics into the
    // running ones (a record of the training module would miss them).
    let bytes = model.valid().into_record().into_bytes().map_err(|e| LabError::Weights(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// The numbers of `model` that training updates: its parameters that carry a gradient (not a
/// batch norm's running statistics, which Burn's `num_params` also counts).
pub fn trainable<M: Module>(model: &M) -> usize {
    struct Count(usize);
    impl ModuleVisitor for Count {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let t = param.val();
            if t.is_require_grad() {
                self.0 += t.shape().num_elements();
            }
        }
    }
    let mut count = Count(0);
    model.visit(&mut count);
    count.0
}

/// `model` with the weights of `bytes`; an error (damaged bytes, other parameters or shapes)
/// leaves the caller's model as it was.
pub fn from_bytes<M: Module>(model: &M, bytes: &[u8]) -> Result<M, LabError> {
    let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| LabError::Weights(e.to_string()))?;
    model.clone().try_load_record(record).map_err(|e| LabError::Weights(e.to_string()))
}

/// The `settings`, `rates`, `parameters`, `weights` and `load_weights` of a lab whose typed
/// config is `self.cfg` (its parameters from the lab module's `params()`), whose network is
/// `self.model`, whose step count is `self.steps` and whose applied rates are `self.rates`:
/// `weights::config_and_model!();` in its `impl Lab`.
macro_rules! config_and_model {
    () => {
        fn settings(&self) -> $crate::params::Values {
            $crate::params::untyped(&params(), &self.cfg)
        }

        fn rates(&self) -> Vec<(&'static str, f64)> {
            self.rates.clone()
        }

        fn parameters(&self) -> usize {
            $crate::labs::kit::weights::trainable(&self.model)
        }

        fn weights(&self) -> Result<Vec<u8>, $crate::error::LabError> {
            $crate::labs::kit::weights::to_bytes(&self.model)
        }

        fn load_weights(&mut self, bytes: &[u8], steps: u64) -> Result<(), $crate::error::LabError> {
            self.model = $crate::labs::kit::weights::from_bytes(&self.model, bytes)?;
            self.steps = steps;
            Ok(())
        }
    };
}
pub(crate) use config_and_model;
