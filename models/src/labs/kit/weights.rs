//! A model's weights as bytes and back (Burn's record format, parameters by path).

use burn::module::Module;
use burn::store::ModuleRecord;

use crate::error::LabError;

/// Every parameter of `model` (batch-norm statistics included) as bytes.
pub fn to_bytes<M: Module>(model: &M) -> Result<Vec<u8>, LabError> {
    // The inference copy: taking it folds the last step's batch-norm statistics into the
    // running ones (a record of the training module would miss them).
    let bytes = model.valid().into_record().into_bytes().map_err(|e| LabError::Weights(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// `model` with the weights of `bytes`; an error (damaged bytes, other parameters or shapes)
/// leaves the caller's model as it was.
pub fn from_bytes<M: Module>(model: &M, bytes: &[u8]) -> Result<M, LabError> {
    let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| LabError::Weights(e.to_string()))?;
    model.clone().try_load_record(record).map_err(|e| LabError::Weights(e.to_string()))
}
