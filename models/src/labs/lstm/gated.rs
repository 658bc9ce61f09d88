//! An LSTM whose gates can be watched. Burn's `Lstm` returns only the hidden states; this one
//! runs the same equations step by step (Hochreiter & Schmidhuber 1997, with a forget gate):
//! i, f, o = σ(W x + U h + b), g = tanh(W x + U h + b), c = f c + i g, h = o tanh(c), and can
//! record i, f, o and c at every step. It is tested against Burn's `Lstm` on the same weights.

use burn::module::Module;
use burn::nn::{GateController, Lstm, LstmConfig};
use burn::tensor::activation::{sigmoid, tanh};
use burn::tensor::{Device, Tensor};

use crate::ops;

#[derive(Module, Debug)]
pub struct GatedLstm {
    pub input_gate: GateController,
    pub forget_gate: GateController,
    pub output_gate: GateController,
    pub cell_gate: GateController,
    pub d_hidden: usize,
}

/// What a recorded pass saw, each `[batch, steps, hidden]`: the input, forget and output
/// gates and the cell state after each step.
#[derive(Clone, Debug)]
pub struct Recording {
    pub input: Tensor<3>,
    pub forget: Tensor<3>,
    pub output: Tensor<3>,
    pub cell: Tensor<3>,
}

impl GatedLstm {
    /// With Burn's own initialisation (taken from a fresh `Lstm`).
    pub fn new(d_input: usize, d_hidden: usize, device: &Device) -> Self {
        Self::from_burn(LstmConfig::new(d_input, d_hidden, true).init(device))
    }

    /// The same weights as Burn's `lstm` (which must have its own forget gate).
    pub fn from_burn(lstm: Lstm) -> Self {
        Self {
            input_gate: lstm.input_gate,
            forget_gate: lstm.forget_gate.expect("an LSTM with a forget gate"),
            output_gate: lstm.output_gate,
            cell_gate: lstm.cell_gate,
            d_hidden: lstm.d_hidden,
        }
    }

    /// `x` `[batch, steps, inputs]` -> the hidden state after each step `[batch, steps,
    /// hidden]`, and with `record` the gates and cells (the lab goes through
    /// [`forward_from`](Self::forward_from); the tests start here).
    #[cfg(test)]
    pub fn forward(&self, x: Tensor<3>, record: bool) -> (Tensor<3>, Option<Recording>) {
        let (out, _, rec) = self.forward_from(x, None, record);
        (out, rec)
    }

    /// As [`forward`](Self::forward), starting from a state `(h, c)` (each `[batch, hidden]`;
    /// zeros if none), and also returning the state after the last step (to go on from).
    ///
    /// On the CPU, unless recording, the whole sequence is one operation
    /// ([`crate::ops::lstm`]): the input's products for every step in one matrix product, then
    /// the recurrence with its own backward. Elsewhere, and to record the gates, the cell runs
    /// step by step ([`forward_steps`](Self::forward_steps)).
    pub fn forward_from(
        &self,
        x: Tensor<3>,
        state: Option<(Tensor<2>, Tensor<2>)>,
        record: bool,
    ) -> (Tensor<3>, (Tensor<2>, Tensor<2>), Option<Recording>) {
        let [b, t, d] = x.dims();
        if record || t == 0 || !ops::lstm::available(&x.device()) {
            let (hs, last, recording) = self.forward_steps(steps_of(x), state, record);
            return (Tensor::stack(hs, 1), last, recording);
        }
        let n = self.d_hidden;
        let gates = [&self.input_gate, &self.forget_gate, &self.output_gate, &self.cell_gate];
        let device = x.device();
        let w = Tensor::cat(gates.iter().map(|g| g.input_transform.weight.val()).collect(), 1); // [d, 4n]
        let u = Tensor::cat(gates.iter().map(|g| g.hidden_transform.weight.val()).collect(), 1); // [n, 4n]
        let bias: Tensor<2> =
            Tensor::cat(gates.iter().map(|g| joined_bias(g, n, &device)).collect(), 0).unsqueeze(); // [1, 4n]
        let xw = (x.reshape([b * t, d]).matmul(w) + bias).reshape([b, t, 4 * n]);
        let (h0, c0) =
            state.unwrap_or_else(|| (Tensor::zeros([b, n], &device), Tensor::zeros([b, n], &device)));
        let out = ops::lstm::lstm_sequence(xw, u, h0, c0); // [b, t + 1, n]
        let hs = out.clone().slice([0..b, 0..t, 0..n]);
        let c = out.slice([0..b, t..t + 1, 0..n]).reshape([b, n]);
        let h = hs.clone().slice([0..b, t - 1..t, 0..n]).reshape([b, n]);
        (hs, (h, c), None)
    }

    /// The cell over a sequence given step by step (each `[batch, inputs]`): the hidden state
    /// after each step, the state after the last, and with `record` the gates and cells.
    ///
    /// The three sigmoid gates' weights are joined into one matrix, so that a step is two
    /// products with the input and two with the hidden state. This is the path that records
    /// the gates and that runs off the CPU; there the input usually arrives as slices of one
    /// `[batch, steps, inputs]` tensor ([`steps_of`]), each of which costs, in the backward pass,
    /// a zero tensor of the whole sequence's size when the sequence carries a gradient — which
    /// the fused operation on the CPU ([`crate::ops::lstm`]) does not.
    pub fn forward_steps(
        &self,
        xs: Vec<Tensor<2>>,
        state: Option<(Tensor<2>, Tensor<2>)>,
        record: bool,
    ) -> (Vec<Tensor<2>>, (Tensor<2>, Tensor<2>), Option<Recording>) {
        let n = self.d_hidden;
        let gates = [&self.input_gate, &self.forget_gate, &self.output_gate, &self.cell_gate];
        let device = gates[0].input_transform.weight.device();
        let b = xs.first().map_or(0, |x| x.dims()[0]);
        // The three sigmoid gates (input, forget, output) side by side, and the cell's
        // candidate apart: each activation then runs over a contiguous tensor.
        let (sig, cand) = (&gates[..3], gates[3]);
        let w_s = Tensor::cat(sig.iter().map(|g| g.input_transform.weight.val()).collect(), 1); // [d, 3n]
        let u_s = Tensor::cat(sig.iter().map(|g| g.hidden_transform.weight.val()).collect(), 1); // [n, 3n]
        let (w_g, u_g) = (cand.input_transform.weight.val(), cand.hidden_transform.weight.val());
        let b_s: Tensor<2> =
            Tensor::cat(sig.iter().map(|g| joined_bias(g, n, &device)).collect(), 0).unsqueeze(); // [1, 3n]
        let b_g: Tensor<2> = joined_bias(cand, n, &device).unsqueeze(); // [1, n]
        let (mut h, mut c) =
            state.unwrap_or_else(|| (Tensor::zeros([b, n], &device), Tensor::zeros([b, n], &device)));
        let (mut hs, mut is, mut fs, mut os, mut cs) = (vec![], vec![], vec![], vec![], vec![]);
        for x in xs {
            let s = sigmoid(x.clone().matmul(w_s.clone()) + b_s.clone() + h.clone().matmul(u_s.clone())); // [b, 3n]
            let g = tanh(x.matmul(w_g.clone()) + b_g.clone() + h.matmul(u_g.clone())); // [b, n]
            let i = s.clone().slice([0..b, 0..n]);
            let f = s.clone().slice([0..b, n..2 * n]);
            let o = s.slice([0..b, 2 * n..3 * n]);
            c = f.clone() * c + i.clone() * g;
            h = o.clone() * tanh(c.clone());
            hs.push(h.clone());
            if record {
                is.push(i);
                fs.push(f);
                os.push(o);
                cs.push(c.clone());
            }
        }
        let recording = (record && !hs.is_empty()).then(|| Recording {
            input: Tensor::stack(is, 1),
            forget: Tensor::stack(fs, 1),
            output: Tensor::stack(os, 1),
            cell: Tensor::stack(cs, 1),
        });
        (hs, (h, c), recording)
    }
}

/// A gate's two biases added (zeros where a transform has none): `[hidden]`.
fn joined_bias(g: &GateController, n: usize, device: &Device) -> Tensor<1> {
    let bias = |l: &burn::nn::Linear| l.bias.as_ref().map_or_else(|| Tensor::zeros([n], device), |b| b.val());
    bias(&g.input_transform) + bias(&g.hidden_transform)
}

/// A sequence `[batch, steps, inputs]` step by step (each `[batch, inputs]`). Cheap for data;
/// for a tensor that carries a gradient, each step costs a sequence-sized zero tensor in the
/// backward pass (see [`GatedLstm::forward_steps`]).
pub fn steps_of(x: Tensor<3>) -> Vec<Tensor<2>> {
    let [b, steps, d] = x.dims();
    (0..steps).map(|t| x.clone().slice([0..b, t..t + 1]).reshape([b, d])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensors::Floats;
    use burn::tensor::Distribution;

    #[test]
    fn the_gated_cell_matches_burns_lstm_on_the_same_weights() {
        let device = Device::flex();
        device.seed(3);
        let burn_lstm = LstmConfig::new(5, 7, true).init(&device);
        let ours = GatedLstm::from_burn(burn_lstm.clone());
        let x = Tensor::<3>::random([3, 6, 5], Distribution::Normal(0.0, 1.0), &device);
        let (want, _) = burn_lstm.forward(x.clone(), None);
        let (got, rec) = ours.forward(x, true);
        let (want, got): (Vec<f32>, Vec<f32>) =
            (want.floats(), got.floats());
        assert_eq!(want.len(), 3 * 6 * 7);
        let worst = want.iter().zip(&got).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(worst < 1e-5, "{worst}");
        // The recording: gates in (0, 1), and h = o tanh(c) at every step.
        let rec = rec.unwrap();
        let gates: Vec<f32> = rec.forget.clone().floats();
        assert!(gates.iter().all(|&v| v > 0.0 && v < 1.0));
        let h: Vec<f32> = (rec.output * tanh(rec.cell)).floats();
        let worst = h.iter().zip(&got).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(worst < 1e-6, "{worst}");
    }
}
