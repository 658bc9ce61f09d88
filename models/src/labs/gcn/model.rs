//! The graph convolutional network (Kipf & Welling 2017): each layer mixes every node's
//! features with its neighbours' through the normalised adjacency Â, then a linear map:
//! H' = act(Â H W). Â and the input features are sparse, so a layer costs one pass over the
//! edges (a gather of the neighbours' rows and a scatter-add into each node), not n².

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, IndexingUpdateOp, Int, Tensor};
use crate::tensors;

/// Â as tensors: for each non-zero (row, column, weight).
#[derive(Clone, Debug)]
pub(crate) struct Sparse {
    pub n: usize,
    pub rows: Tensor<1, Int>,
    pub cols: Tensor<1, Int>,
    /// `[nnz, 1]`, to scale the gathered rows.
    pub weights: Tensor<2>,
}

impl Sparse {
    pub(crate) fn new(n: usize, triples: &[(usize, usize, f32)], device: &Device) -> Self {
        let nnz = triples.len();
        let ints = |f: fn(&(usize, usize, f32)) -> usize| {
            let v: Vec<i64> = triples.iter().map(|t| f(t) as i64).collect();
            tensors::ints(v, [nnz], device)
        };
        Self {
            n,
            rows: ints(|t| t.0),
            cols: ints(|t| t.1),
            weights: tensors::floats(triples.iter().map(|t| t.2).collect(), [nnz, 1], device),
        }
    }

    /// `self @ x` for a dense `x` of as many rows as `self` has columns: `[n, d]` out.
    pub(crate) fn matmul(&self, x: Tensor<2>) -> Tensor<2> {
        let d = x.dims()[1];
        let gathered = x.select(0, self.cols.clone()) * self.weights.clone(); // [nnz, d]
        Tensor::zeros([self.n, d], &gathered.device()).select_assign(0, self.rows.clone(), gathered, IndexingUpdateOp::Add)
    }
}

/// The input features: one-hot node identities (X = I), or sparse binary features.
#[derive(Clone, Debug)]
pub(crate) enum Features {
    Identity,
    Sparse(Box<Sparse>),
}

#[derive(Module, Debug)]
pub(crate) struct Gcn {
    pub layers: Vec<Linear>,
    pub dropout: Dropout,
}

impl Gcn {
    /// `inputs` -> `hidden` (x `layers - 1`) -> `classes`.
    pub(super) fn new(inputs: usize, hidden: usize, layers: usize, classes: usize, dropout: f64, device: &Device) -> Self {
        let widths: Vec<usize> =
            std::iter::once(inputs).chain(std::iter::repeat_n(hidden, layers - 1)).chain([classes]).collect();
        Self {
            layers: widths.windows(2).map(|w| LinearConfig::new(w[0], w[1]).init(device)).collect(),
            dropout: DropoutConfig::new(dropout).init(),
        }
    }

    /// Every layer's output (the hidden ones after ReLU; the last: the class scores).
    pub(super) fn forward(&self, x: &Features, adj: &Sparse) -> Vec<Tensor<2>> {
        let mut outs = Vec::with_capacity(self.layers.len());
        let mut h: Option<Tensor<2>> = None;
        for (k, layer) in self.layers.iter().enumerate() {
            // H W: the first layer's input is sparse (or the identity, whose product is W).
            let hw = match (&h, x) {
                (Some(h), _) => layer.forward(self.dropout.forward(h.clone())),
                (None, Features::Identity) => with_bias(layer.weight.val(), layer),
                (None, Features::Sparse(s)) => with_bias(s.matmul(layer.weight.val()), layer),
            };
            let z = adj.matmul(hw);
            let out = if k + 1 < self.layers.len() { relu(z) } else { z };
            h = Some(out.clone());
            outs.push(out);
        }
        outs
    }
}

fn with_bias(xw: Tensor<2>, layer: &Linear) -> Tensor<2> {
    match &layer.bias {
        Some(b) => xw + b.val().unsqueeze_dim(0),
        None => xw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensors::floats;
    use crate::tensors::Floats;

    #[test]
    fn the_sparse_product_equals_the_dense_one() {
        let device = Device::flex();
        // A 3x3 with a repeated row index (the scatter must add) times a 3x2.
        let a = [(0, 0, 1.0), (0, 2, 2.0), (1, 1, -1.0), (2, 0, 0.5), (2, 1, 3.0)];
        let s = Sparse::new(3, &a, &device);
        let x = floats(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [3, 2], &device);
        let got: Vec<f32> = s.matmul(x).floats();
        // Rows: [1*1 + 2*5, 1*2 + 2*6], [-3, -4], [0.5*1 + 3*3, 0.5*2 + 3*4].
        assert_eq!(got, vec![11.0, 14.0, -3.0, -4.0, 9.5, 13.0]);
    }
}
