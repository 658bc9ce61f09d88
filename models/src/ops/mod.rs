//! Operations tenlab adds to Burn through its backend extension (`#[backend_extension]`), each
//! with its own forward and backward on the CPU backend, and tested against Burn's stock
//! operations (forward and gradients) on random inputs of odd shapes. A lab asks `available`
//! before using one and otherwise composes Burn's operations as before (or calls a wrapper that
//! does so itself).

use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex};
use burn::tensor::{Device, TensorData};
use burn_flex::FlexTensor;

pub mod batch_norm;
pub mod group_norm;
pub mod lstm;

/// Whether a device is the CPU (`flex`), with or without autodiff: where these operations run.
pub(crate) fn on_flex(device: &Device) -> bool {
    matches!(device.clone().inner().as_dispatch(), burn::backend::DispatchDevice::Flex(_))
}

/// A fused operation through autodiff: `forward` runs on the inputs' CPU tensors, and when any
/// input needs a gradient the output is tracked with `step` and the state `forward` saved.
pub(crate) fn tracked<C: CheckpointStrategy, B: Backward<Flex, N>, const N: usize>(
    step: B,
    inputs: [FloatTensor<Autodiff<Flex, C>>; N],
    forward: impl FnOnce([FlexTensor; N]) -> (FlexTensor, B::State),
) -> FloatTensor<Autodiff<Flex, C>> {
    let (tensors, nodes): (Vec<_>, Vec<_>) = inputs.into_iter().map(|t| t.into_parts()).unzip();
    let (Ok(tensors), Ok(nodes)) = (tensors.try_into(), nodes.try_into()) else {
        unreachable!("N inputs give N tensors and N nodes")
    };
    let (out, state) = forward(tensors);
    match step.prepare::<C>(nodes).compute_bound().stateful() {
        OpsKind::Tracked(prep) => prep.finish(state, out),
        OpsKind::UnTracked(prep) => prep.finish(out),
    }
}

/// Hands each input that needs one its gradient, in the order of the operation's inputs.
pub(crate) fn register_grads<S, const N: usize>(
    ops: &Ops<S, N>,
    grads: &mut Gradients,
    values: [FlexTensor; N],
) {
    for (node, value) in ops.parents.iter().zip(values) {
        if let Some(node) = node {
            grads.register::<Flex>(node.id, value);
        }
    }
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

/// `count` runs of `len` elements, `stride` apart, from `start`: one channel's plane in each
/// image of an NCHW tensor (`Planes::whole` for one contiguous run).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Planes {
    pub count: usize,
    pub stride: usize,
    pub start: usize,
    pub len: usize,
}

impl Planes {
    /// All of a slice of `len` elements.
    pub fn whole(len: usize) -> Self {
        Self { count: 1, stride: len, start: 0, len }
    }
}

/// `(Σ f(x), Σ f(x)·g(x))`-style sums in sixteen f32 lanes (which the compiler keeps in vector
/// registers), the lanes added in f64.
pub(crate) fn lane_sums(a: &[f32], b: &[f32], f: impl Fn(f32, f32) -> (f32, f32)) -> (f64, f64) {
    let len = a.len().min(b.len());
    plane_sums(a, b, Planes::whole(len), f)
}

/// [`lane_sums`] over the runs `planes` picks from `a` and `b`. The lanes run on across runs
/// (a 7x7 plane is three vectors: added to f64 per plane, the additions cost as much as the
/// plane) and go to f64 every 4096 elements. Compiled for the CPU's best instruction set: the
/// crate is built for baseline x86-64, whose SSE2 loop took 14% of the ResNet's step in batch
/// norm.
#[macerator::with_simd]
#[allow(clippy::extra_unused_type_parameters)] // `S` picks the instruction set the body is compiled for.
pub(crate) fn plane_sums<S: macerator::Simd, F: Fn(f32, f32) -> (f32, f32)>(
    a: &[f32],
    b: &[f32],
    planes: Planes,
    f: F,
) -> (f64, f64) {
    const L: usize = 16;
    let (mut s, mut t) = ([0.0f32; L], [0.0f32; L]);
    let (mut s64, mut t64) = (0.0f64, 0.0f64);
    let mut pending = 0;
    for p in 0..planes.count {
        let at = planes.start + p * planes.stride;
        let (a, b) = (&a[at..][..planes.len], &b[at..][..planes.len]);
        let (ca, cb) = (a.chunks_exact(L), b.chunks_exact(L));
        let (ra, rb) = (ca.remainder(), cb.remainder());
        for (xa, xb) in ca.zip(cb) {
            // Both results first, then the sums: written as one loop, the pair made the
            // compiler interleave the two accumulators in one register and shuffle them.
            let (mut u, mut v) = ([0.0f32; L], [0.0f32; L]);
            for k in 0..L {
                (u[k], v[k]) = f(xa[k], xb[k]);
            }
            for k in 0..L {
                s[k] += u[k];
                t[k] += v[k];
            }
        }
        for (&u, &v) in ra.iter().zip(rb) {
            let (u, v) = f(u, v);
            s64 += f64::from(u);
            t64 += f64::from(v);
        }
        pending += planes.len;
        if pending >= 4096 || p + 1 == planes.count {
            for k in 0..L {
                s64 += f64::from(s[k]);
                t64 += f64::from(t[k]);
            }
            (s, t) = ([0.0f32; L], [0.0f32; L]);
            pending = 0;
        }
    }
    (s64, t64)
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
