//! A whole LSTM layer's sequence as one operation on the CPU, forward and backward.
//!
//! Through autodiff, a step-by-step LSTM costs some fifteen small operations per step, each
//! with its own allocation and pass over memory, and its backward multiplies each step's
//! gradient into the recurrent weights separately. Here the recurrence runs in one loop per
//! block of batch rows: the rows of a batch do not interact, so each of rayon's threads takes a
//! block and runs it through every step on its own (one hand-off per pass instead of one per
//! product), a step being one product with the recurrent weights and one fused element-wise
//! loop. The backward runs the steps in reverse the same way, then forms the recurrent weights'
//! gradient as one large product over all steps and rows. The input's products (`x W + b`, one
//! product for the whole sequence) stay ordinary tensor operations outside.
//!
//! Equations (gates in the order input, forget, output, candidate; σ the logistic):
//! z = xw_t + h_{t-1} U, i, f, o = σ(z_i, z_f, z_o), g = tanh(z_g), c_t = f c_{t-1} + i g,
//! h_t = o tanh(c_t).

use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, backend_extension};
use burn::tensor::{DType, Device, Tensor};
use burn_flex::FlexTensor;
use burn_flex::simd::fastmath;
use rayon::prelude::*;

use super::{f32s, flex_tensor as tensor};

#[backend_extension(Flex, Autodiff)]
pub trait LstmSequenceOps: Backend {
    /// `xw` `[batch, steps, 4 hidden]` (the input's products plus both biases, gates side by
    /// side in the order i, f, o, g), `u` `[hidden, 4 hidden]` (the recurrent weights in the
    /// same order), `h0`, `c0` `[batch, hidden]` -> `[batch, steps + 1, hidden]`: the hidden
    /// state after each step, then the cell state after the last.
    fn lstm_sequence(
        xw: FloatTensor<Self>,
        u: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
    ) -> FloatTensor<Self>;
}

/// Whether [`lstm_sequence`] runs on this device: the CPU (`flex`), with or without autodiff.
pub fn available(device: &Device) -> bool {
    super::on_flex(device)
}

/// See [`LstmSequenceOps::lstm_sequence`]; only where [`available`].
pub fn lstm_sequence(xw: Tensor<3>, u: Tensor<2>, h0: Tensor<2>, c0: Tensor<2>) -> Tensor<3> {
    Tensor::from_dispatch(<Dispatch as LstmSequenceOps>::lstm_sequence(
        xw.into_dispatch(),
        u.into_dispatch(),
        h0.into_dispatch(),
        c0.into_dispatch(),
    ))
}

impl LstmSequenceOps for Flex {
    fn lstm_sequence(xw: FlexTensor, u: FlexTensor, h0: FlexTensor, c0: FlexTensor) -> FlexTensor {
        forward(&xw, u, &h0, &c0, false).0
    }
}

impl<C: CheckpointStrategy> LstmSequenceOps for Autodiff<Flex, C> {
    fn lstm_sequence(
        xw: FloatTensor<Self>,
        u: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let (xw, xw_node) = xw.into_parts();
        let (u, u_node) = u.into_parts();
        let (h0, h0_node) = h0.into_parts();
        let (c0, c0_node) = c0.into_parts();
        match SequenceBackward.prepare::<C>([xw_node, u_node, h0_node, c0_node]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let (out, saved) = forward(&xw, u, &h0, &c0, true);
                prep.finish(saved.expect("kept"), out)
            }
            OpsKind::UnTracked(prep) => prep.finish(forward(&xw, u, &h0, &c0, false).0),
        }
    }
}

/// Sizes: batch rows, steps, hidden units.
#[derive(Clone, Copy, Debug)]
struct Dims {
    b: usize,
    t: usize,
    n: usize,
}

/// What the backward pass needs from the forward, each `[batch, steps, ·]`: the gates'
/// activations (i, f, o, g), the cell states, their tanh, and the hidden state each step
/// started from; and the first cell state and the recurrent weights.
struct Saved {
    dims: Dims,
    gates: Vec<f32>,
    cells: Vec<f32>,
    tanh_c: Vec<f32>,
    /// `[batch · steps, hidden]`, as the left operand of the recurrent weights' gradient.
    h_prev: FlexTensor,
    c0: Vec<f32>,
    u: FlexTensor,
}

impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Saved({:?})", self.dims)
    }
}

/// Rows per block: one block per thread.
fn rows_per_block(b: usize) -> usize {
    b.div_ceil(rayon::current_num_threads().max(1)).max(1)
}

/// The forward pass; with `keep`, also what the backward needs.
fn forward(
    xw: &FlexTensor,
    u: FlexTensor,
    h0: &FlexTensor,
    c0: &FlexTensor,
    keep: bool,
) -> (FlexTensor, Option<Arc<Saved>>) {
    debug_assert_eq!(xw.dtype(), DType::F32);
    let [b, t, n4] = xw.layout().shape().dims::<3>();
    let n = n4 / 4;
    let dims = Dims { b, t, n };
    let (xw, h0, c0) = (f32s(xw), f32s(h0), f32s(c0));
    // Without `keep`, the per-step buffers hold one step per row (overwritten each step).
    let ts = if keep { t } else { 1 };
    let mut out = vec![0.0f32; b * (t + 1) * n];
    let mut gates = vec![0.0f32; b * ts * 4 * n];
    let mut cells = vec![0.0f32; b * ts * n];
    let mut tanh_c = vec![0.0f32; b * ts * n];
    let mut h_prev = vec![0.0f32; b * ts * n];
    let rows = rows_per_block(b);
    out.par_chunks_mut(rows * (t + 1) * n)
        .zip(gates.par_chunks_mut(rows * ts * 4 * n))
        .zip(cells.par_chunks_mut(rows * ts * n))
        .zip(tanh_c.par_chunks_mut(rows * ts * n))
        .zip(h_prev.par_chunks_mut(rows * ts * n))
        .enumerate()
        .for_each(|(block, ((((out, gates), cells), tanh_c), h_prev))| {
            let r0 = block * rows;
            let bc = out.len() / ((t + 1) * n);
            let xw = &xw[r0 * t * 4 * n..(r0 + bc) * t * 4 * n];
            let mut h = h0[r0 * n..(r0 + bc) * n].to_vec();
            let mut c = c0[r0 * n..(r0 + bc) * n].to_vec();
            for step in 0..t {
                let mut zh = Flex::float_matmul(tensor(h.clone(), &[bc, n]), u.clone());
                let zh = zh.storage_mut::<f32>(); // a fresh product: contiguous, not shared
                let s = if keep { step } else { 0 };
                for r in 0..bc {
                    let z = &mut zh[r * 4 * n..(r + 1) * 4 * n];
                    let x = &xw[(r * t + step) * 4 * n..(r * t + step + 1) * 4 * n];
                    let (sig, cand) = z.split_at_mut(3 * n);
                    fastmath::zip_inplace(sig, &x[..3 * n], AddSigmoid);
                    fastmath::zip_inplace(cand, &x[3 * n..], AddTanh);
                    let at = r * ts + s;
                    gates[at * 4 * n..(at + 1) * 4 * n].copy_from_slice(z);
                    let (gi, rest) = z.split_at(n);
                    let (gf, rest) = rest.split_at(n);
                    let (go, cand) = rest.split_at(n);
                    h_prev[at * n..(at + 1) * n].copy_from_slice(&h[r * n..(r + 1) * n]);
                    cell_step(
                        [gi, gf, go, cand],
                        &mut c[r * n..(r + 1) * n],
                        &mut cells[at * n..(at + 1) * n],
                        &mut tanh_c[at * n..(at + 1) * n],
                        &mut h[r * n..(r + 1) * n],
                    );
                    let hr = &h[r * n..(r + 1) * n];
                    out[(r * (t + 1) + step) * n..(r * (t + 1) + step + 1) * n].copy_from_slice(hr);
                }
            }
            for r in 0..bc {
                out[(r * (t + 1) + t) * n..(r * (t + 1) + t + 1) * n].copy_from_slice(&c[r * n..(r + 1) * n]);
            }
        });
    let out = tensor(out, &[b, t + 1, n]);
    let saved = keep.then(|| {
        let h_prev = tensor(h_prev, &[b * t, n]);
        Arc::new(Saved { dims, gates, cells, tanh_c, h_prev, c0: c0.into_owned(), u })
    });
    (out, saved)
}

/// One row of one step after the gates' activations: `c = f c + i g`, and the cell state,
/// its tanh and `h = o tanh(c)` written out. Every slice is cut to one length first, so that
/// the loops run without bounds checks and vectorise (not inlined: as a function of its own,
/// its slices are known not to overlap, which the vectoriser needs); tanh goes through flex's
/// loop compiled for the CPU's widest vectors.
#[inline(never)]
fn cell_step([i, f, o, g]: [&[f32]; 4], c: &mut [f32], cells: &mut [f32], tanh_c: &mut [f32], h: &mut [f32]) {
    let n = c.len();
    let (i, f, o, g) = (&i[..n], &f[..n], &o[..n], &g[..n]);
    let (cells, tanh_c, h) = (&mut cells[..n], &mut tanh_c[..n], &mut h[..n]);
    for j in 0..n {
        let cj = f[j] * c[j] + i[j] * g[j];
        c[j] = cj;
        cells[j] = cj;
        tanh_c[j] = cj;
    }
    fastmath::map_inplace(tanh_c, fastmath::Tanh);
    for j in 0..n {
        h[j] = o[j] * tanh_c[j];
    }
}

/// σ(a + b), for [`fastmath::zip_inplace`].
#[derive(Clone, Copy)]
struct AddSigmoid;

impl fastmath::Zip for AddSigmoid {
    #[inline(always)]
    fn apply(&self, a: f32, b: f32) -> f32 {
        fastmath::sigmoid_f32(a + b)
    }
}

/// tanh(a + b), for [`fastmath::zip_inplace`].
#[derive(Clone, Copy)]
struct AddTanh;

impl fastmath::Zip for AddTanh {
    #[inline(always)]
    fn apply(&self, a: f32, b: f32) -> f32 {
        fastmath::tanh_f32(a + b)
    }
}

/// One row of one step backward: from the hidden state's gradient (the output's, `dh[0]`, plus
/// the next step's, `dh[1]`) and the cell state's (`dc`, replaced by the previous step's), the
/// gradients of the four pre-activations. Not inlined, like [`cell_step`].
#[inline(never)]
fn cell_step_backward(
    [i, f, o, g]: [&[f32]; 4],
    tanh_c: &[f32],
    c_prev: &[f32],
    [dh_out, dh_next]: [&[f32]; 2],
    dc: &mut [f32],
    [di, df, d_o, dg]: [&mut [f32]; 4],
) {
    let n = dc.len();
    let (i, f, o, g, tanh_c, c_prev) = (&i[..n], &f[..n], &o[..n], &g[..n], &tanh_c[..n], &c_prev[..n]);
    let (dh_out, dh_next) = (&dh_out[..n], &dh_next[..n]);
    let (di, df, d_o, dg) = (&mut di[..n], &mut df[..n], &mut d_o[..n], &mut dg[..n]);
    for j in 0..n {
        let dh = dh_out[j] + dh_next[j];
        let (i, f, o, g, tc) = (i[j], f[j], o[j], g[j], tanh_c[j]);
        let dcv = dc[j] + dh * o * (1.0 - tc * tc);
        di[j] = dcv * g * i * (1.0 - i);
        df[j] = dcv * c_prev[j] * f * (1.0 - f);
        d_o[j] = dh * tc * o * (1.0 - o);
        dg[j] = dcv * i * (1.0 - g * g);
        dc[j] = dcv * f;
    }
}

#[derive(Debug)]
struct SequenceBackward;

impl Backward<Flex, 4> for SequenceBackward {
    type State = Arc<Saved>;

    fn backward(self, ops: Ops<Self::State, 4>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [node_xw, node_u, node_h0, node_c0] = ops.parents;
        let grad = grads.consume::<Flex>(&ops.node);
        let saved = ops.state;
        let (dz, dh0, dc0) = backward(&saved, &grad);
        let Dims { b, t, n } = saved.dims;
        if let Some(node) = node_u {
            // dU = Σ_t h_{t-1}ᵀ dz_t, all steps and rows in one product.
            let dz = Flex::float_reshape(dz.clone(), burn::tensor::Shape::new([b * t, 4 * n]));
            let h_prev_t = Flex::float_transpose(saved.h_prev.clone());
            grads.register::<Flex>(node.id, Flex::float_matmul(h_prev_t, dz));
        }
        if let Some(node) = node_xw {
            grads.register::<Flex>(node.id, dz);
        }
        if let Some(node) = node_h0 {
            grads.register::<Flex>(node.id, dh0);
        }
        if let Some(node) = node_c0 {
            grads.register::<Flex>(node.id, dc0);
        }
    }
}

/// The gradients of the pre-activations `[batch, steps, 4 hidden]` (which is also `xw`'s),
/// of `h0` and of `c0`, from the output's gradient `[batch, steps + 1, hidden]`.
fn backward(saved: &Saved, grad: &FlexTensor) -> (FlexTensor, FlexTensor, FlexTensor) {
    let Dims { b, t, n } = saved.dims;
    let grad = f32s(grad);
    // [4n, n], laid out as such: gemm would otherwise gather a strided operand element by
    // element at every step (15% of the lab's step).
    let u_t = Flex::float_transpose(saved.u.clone()).to_contiguous();
    let mut dz = vec![0.0f32; b * t * 4 * n];
    let mut dh0 = vec![0.0f32; b * n];
    let mut dc0 = vec![0.0f32; b * n];
    let rows = rows_per_block(b);
    dz.par_chunks_mut(rows * t * 4 * n)
        .zip(dh0.par_chunks_mut(rows * n))
        .zip(dc0.par_chunks_mut(rows * n))
        .enumerate()
        .for_each(|(block, ((dz, dh0), dc0))| {
            let r0 = block * rows;
            let bc = dh0.len() / n;
            let at = |r: usize, step: usize| (r0 + r) * t + step;
            // The cell state's gradient starts from the output's last row.
            for r in 0..bc {
                let g = &grad[((r0 + r) * (t + 1) + t) * n..((r0 + r) * (t + 1) + t + 1) * n];
                dc0[r * n..(r + 1) * n].copy_from_slice(g);
            }
            let dc = dc0;
            let mut dh_next = vec![0.0f32; bc * n];
            let mut dzt = vec![0.0f32; bc * 4 * n];
            for step in (0..t).rev() {
                for r in 0..bc {
                    let a = at(r, step);
                    let gates = &saved.gates[a * 4 * n..(a + 1) * 4 * n];
                    let (gi, gf, go, gg) =
                        (&gates[..n], &gates[n..2 * n], &gates[2 * n..3 * n], &gates[3 * n..]);
                    let tc = &saved.tanh_c[a * n..(a + 1) * n];
                    let c_prev = if step > 0 {
                        &saved.cells[(a - 1) * n..a * n]
                    } else {
                        &saved.c0[(r0 + r) * n..(r0 + r + 1) * n]
                    };
                    let gh = &grad[((r0 + r) * (t + 1) + step) * n..((r0 + r) * (t + 1) + step + 1) * n];
                    let (di, rest) = dzt[r * 4 * n..(r + 1) * 4 * n].split_at_mut(n);
                    let (df, rest) = rest.split_at_mut(n);
                    let (d_o, dg) = rest.split_at_mut(n);
                    cell_step_backward(
                        [gi, gf, go, gg],
                        tc,
                        c_prev,
                        [gh, &dh_next[r * n..(r + 1) * n]],
                        &mut dc[r * n..(r + 1) * n],
                        [di, df, d_o, dg],
                    );
                    dz[(r * t + step) * 4 * n..(r * t + step + 1) * 4 * n]
                        .copy_from_slice(&dzt[r * 4 * n..(r + 1) * 4 * n]);
                }
                let dh = Flex::float_matmul(tensor(dzt.clone(), &[bc, 4 * n]), u_t.clone());
                dh_next.copy_from_slice(dh.as_slice::<f32>().expect("a fresh product is contiguous"));
            }
            dh0.copy_from_slice(&dh_next);
        });
    (tensor(dz, &[b, t, 4 * n]), tensor(dh0, &[b, n]), tensor(dc0, &[b, n]))
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Distribution, Tensor};

    use crate::ops::testing::{relative_error, values};

    use crate::labs::lstm::gated::{GatedLstm, steps_of};

    /// The fused sequence against the same cell composed of Burn's operations step by step:
    /// hidden states, last state, and the gradients of a loss that weighs every hidden state and
    /// the last cell state, with respect to the input, the starting state and every weight.
    #[test]
    fn the_fused_sequence_matches_the_cell_composed_step_by_step() {
        // (batch, steps, inputs, hidden): odd sizes, one row, one step, more rows than threads.
        for (case, &(b, t, d, n)) in
            [(5, 7, 3, 6), (1, 1, 2, 3), (9, 4, 5, 17), (2, 13, 1, 8)].iter().enumerate()
        {
            let device = Device::flex().autodiff();
            device.seed(10 + case as u64);
            assert!(super::available(&device));
            let cell = GatedLstm::new(d, n, &device);
            let normal = Distribution::Normal(0.0, 1.0);
            let x = Tensor::<3>::random([b, t, d], normal, &device).require_grad();
            let h0 = Tensor::<2>::random([b, n], normal, &device).require_grad();
            let c0 = Tensor::<2>::random([b, n], normal, &device).require_grad();
            let wh = Tensor::<3>::random([b, t, n], normal, &device);
            let wc = Tensor::<2>::random([b, n], normal, &device);

            let run = |fused: bool| {
                let start = Some((h0.clone(), c0.clone()));
                let (hs, (h, c)) = if fused {
                    let (hs, last, _) = cell.forward_from(x.clone(), start, false);
                    (hs, last)
                } else {
                    let (hs, last, _) = cell.forward_steps(steps_of(x.clone()), start, false);
                    (Tensor::stack::<3>(hs, 1), last)
                };
                let loss = (hs.clone() * wh.clone()).sum() + (c.clone() * wc.clone()).sum();
                let grads = loss.backward();
                let mut got = vec![values(hs), values(h), values(c)];
                got.push(values(x.grad(&grads).unwrap()));
                got.push(values(h0.grad(&grads).unwrap()));
                got.push(values(c0.grad(&grads).unwrap()));
                for g in [&cell.input_gate, &cell.forget_gate, &cell.output_gate, &cell.cell_gate] {
                    for l in [&g.input_transform, &g.hidden_transform] {
                        got.push(values(l.weight.val().grad(&grads).unwrap()));
                        got.push(values(l.bias.as_ref().unwrap().val().grad(&grads).unwrap()));
                    }
                }
                got
            };
            let (fused, reference) = (run(true), run(false));
            for (k, (got, want)) in fused.iter().zip(&reference).enumerate() {
                let err = relative_error(got, want);
                assert!(err < 1e-4, "case {case} ({b}, {t}, {d}, {n}), value {k}: relative error {err}");
            }
        }
    }

    /// Without autodiff (evaluation and sampling) the same numbers come out.
    #[test]
    fn the_fused_sequence_runs_without_autodiff() {
        let device = Device::flex();
        device.seed(4);
        let cell = GatedLstm::new(3, 5, &device);
        let x = Tensor::<3>::random([4, 6, 3], Distribution::Normal(0.0, 1.0), &device);
        let (fused, (_, c), _) = cell.forward_from(x.clone(), None, false);
        let (steps, (_, c_ref), _) = cell.forward_steps(steps_of(x), None, false);
        assert!(relative_error(&values(fused), &values(Tensor::stack::<3>(steps, 1))) < 1e-5);
        assert!(relative_error(&values(c), &values(c_ref)) < 1e-5);
    }
}
