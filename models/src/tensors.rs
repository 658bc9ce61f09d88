//! A tensor's numbers out and numbers in, without Burn's ceremony each time:
//! `t.floats()` for `t.into_data().iter::<f32>().collect()`, and [`floats`] / [`ints`] for
//! `Tensor::from_data(TensorData::new(values, shape), device)`.

use burn::tensor::{Device, Int, Tensor, TensorData};

/// A float tensor's numbers, in row-major order.
pub trait Floats {
    fn floats(self) -> Vec<f32>;
}

impl<const D: usize> Floats for Tensor<D> {
    fn floats(self) -> Vec<f32> {
        self.into_data().iter::<f32>().collect()
    }
}

/// The numbers of several float tensors in one read, each tensor's in row-major order, one
/// after the other: on a GPU one transfer (and one wait) instead of one per tensor.
pub fn read_all<const D: usize>(parts: Vec<Tensor<D>>) -> Vec<f32> {
    let flat: Vec<Tensor<1>> = parts
        .into_iter()
        .map(|t| {
            let n = t.shape().num_elements();
            t.inner().reshape([n])
        })
        .collect();
    if flat.is_empty() { Vec::new() } else { Tensor::cat(flat, 0).floats() }
}

/// A float tensor of `shape` holding `values` (row-major) on `device`.
pub fn floats<const D: usize>(values: Vec<f32>, shape: [usize; D], device: &Device) -> Tensor<D> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

/// An integer tensor (indices, token ids, labels) of `shape` holding `values` on `device`.
pub fn ints<const D: usize>(values: Vec<i64>, shape: [usize; D], device: &Device) -> Tensor<D, Int> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_go_in_and_come_out_in_order() {
        let device = Device::flex();
        let t = floats(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3], &device);
        assert_eq!(t.dims(), [2, 3]);
        assert_eq!(t.clone().transpose().floats(), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        assert_eq!(t.floats(), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let i = ints(vec![3, 1, 2], [3], &device);
        assert_eq!(i.into_data().iter::<i64>().collect::<Vec<_>>(), [3, 1, 2]);
        let parts =
            vec![floats(vec![1.0, 2.0], [1, 2], &device), floats(vec![3.0, 4.0, 5.0, 6.0], [2, 2], &device)];
        assert_eq!(read_all(parts), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert!(read_all(Vec::<Tensor<2>>::new()).is_empty());
    }
}
