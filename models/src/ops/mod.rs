//! Operations tenlab adds to Burn through its backend extension (`#[backend_extension]`), each
//! with its own forward and backward on the CPU backend, and tested against Burn's stock
//! operations (forward and gradients) on random inputs of odd shapes. A lab asks `available`
//! before using one and otherwise composes Burn's operations as before (or calls a wrapper that
//! does so itself).

use burn::tensor::{Device, TensorData};
use burn_flex::FlexTensor;

pub mod group_norm;
pub mod lstm;

/// Whether a device is the CPU (`flex`), with or without autodiff: where these operations run.
pub(crate) fn on_flex(device: &Device) -> bool {
    matches!(device.clone().inner().as_dispatch(), burn::backend::DispatchDevice::Flex(_))
}

/// A tensor's f32 elements, borrowed when it is contiguous.
pub(crate) fn f32s(t: &FlexTensor) -> std::borrow::Cow<'_, [f32]> {
    match t.as_slice::<f32>() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => {
            std::borrow::Cow::Owned(t.to_contiguous().as_slice::<f32>().expect("contiguous f32").to_vec())
        }
    }
}

/// A flex tensor of f32 values with `shape`.
pub(crate) fn flex_tensor(values: Vec<f32>, shape: &[usize]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape.to_vec()))
}

/// What the tests of the CPU kernels and operations compare with.
#[cfg(test)]
pub(crate) mod testing {
    use burn::tensor::Tensor;

    /// A tensor's f32 values, widened to f64.
    pub(crate) fn values<const D: usize>(t: Tensor<D>) -> Vec<f64> {
        t.into_data().iter::<f32>().map(f64::from).collect()
    }

    /// The largest difference relative to the largest value of the reference.
    pub(crate) fn relative_error(got: &[f64], want: &[f64]) -> f64 {
        assert_eq!(got.len(), want.len());
        let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
        got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max) / scale
    }
}
