//! The Transformer lab's network (Vaswani et al. 2017): token embeddings scaled by √d plus a
//! positional encoding (sinusoidal or learned), encoder blocks (self-attention, feed-forward),
//! decoder blocks (masked self-attention, cross-attention over the encoder's output,
//! feed-forward), and a linear layer to token scores. Each block normalises its input before
//! each sub-layer ("pre-norm", which trains without the article's careful warm-up); every
//! attention hands out its weights for the views.

use burn::module::Module;
use burn::nn::attention::{MultiHeadAttention, MultiHeadAttentionConfig, generate_autoregressive_mask};
use burn::nn::{
    Dropout, DropoutConfig, Embedding, Initializer, EmbeddingConfig, Gelu, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::activation::{quiet_softmax, softmax};
use burn::tensor::{Bool, Device, Int, Tensor};

use super::data::{BOS, EOS, PAD, pair_batch};
use crate::tensors;

/// `linear` applied to each row of `x` `[batch, len, d_in]`, as one `[batch · len, d_in]`
/// product. On a 3-D input Burn's dispatch composes `linear` as a matrix product with the weight
/// broadcast over the batch, whose backward forms one weight gradient per sequence and then
/// sums them (a quarter of the Transformer's training step on the CPU); on rows it is one
/// product each way.
fn linear_rows(linear: &Linear, x: Tensor<3>) -> Tensor<3> {
    let [b, len, d] = x.dims();
    let y = linear.forward(x.reshape([b * len, d]));
    let d_out = y.dims()[1];
    y.reshape([b, len, d_out])
}

/// Multi-head attention with `mha`'s parameters: Burn's `MultiHeadAttention::forward` (the same
/// projections, scaling, masks, softmax and dropout), its projections applied to rows
/// ([`linear_rows`]). `query` `[batch, len_q, d]`, `key` and `value` `[batch, len_k, d]`,
/// `pad` `[batch, len_k]` (true: ignored), `causal` `[batch, len_q, len_k]` (true: hidden) ->
/// (context `[batch, len_q, d]`, weights `[batch, heads, len_q, len_k]`).
fn attend(
    mha: &MultiHeadAttention,
    query: Tensor<3>,
    key: Tensor<3>,
    value: Tensor<3>,
    pad: Option<Tensor<2, Bool>>,
    causal: Option<Tensor<3, Bool>>,
) -> (Tensor<3>, Tensor<4>) {
    let [b, len_q, d] = query.dims();
    let heads = |x: Tensor<3>, linear: &Linear| {
        let [b, len, _] = x.dims();
        linear_rows(linear, x).reshape([b, len, mha.n_heads, mha.d_k]).swap_dims(1, 2)
    };
    let (q, k, v) = (heads(query, &mha.query), heads(key, &mha.key), heads(value, &mha.value));
    let mut scores = q.matmul(k.transpose()).div_scalar((mha.d_k as f32).sqrt());
    if let Some(pad) = pad {
        let [b, len_k] = pad.dims();
        scores = scores.mask_fill(pad.reshape([b, 1, 1, len_k]), mha.min_float);
    }
    if let Some(causal) = causal {
        let [b, l1, l2] = causal.dims();
        scores = scores.mask_fill(causal.reshape([b, 1, l1, l2]), mha.min_float);
    }
    let weights = if mha.quiet_softmax { quiet_softmax(scores, 3) } else { softmax(scores, 3) };
    let weights = mha.dropout.forward(weights);
    let context = weights.clone().matmul(v).swap_dims(1, 2).reshape([b, len_q, d]);
    (linear_rows(&mha.output, context), weights)
}

/// The sizes of a Transformer.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub vocab: usize,
    pub d_model: usize,
    pub heads: usize,
    pub d_ff: usize,
    pub encoder: usize,
    pub decoder: usize,
    /// The longest sequence a learned positional encoding covers.
    pub positions: usize,
    pub encoding: Positions,
    pub dropout: f64,
}

/// How the model knows where each token is (the `positions` setting).
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Positions {
    /// Vaswani's table of waves.
    Sinusoidal,
    /// A vector per position, trained.
    Learned,
    /// No positional encoding at all: attention sees a bag of tokens.
    None,
}

/// One block: self-attention, cross-attention (decoder blocks of an encoder-decoder), a
/// position-wise feed-forward network; each with a residual connection.
#[derive(Module, Debug)]
pub struct Block {
    pub attn: MultiHeadAttention,
    pub cross: Option<MultiHeadAttention>,
    pub norm_attn: LayerNorm,
    pub norm_cross: Option<LayerNorm>,
    pub norm_ff: LayerNorm,
    pub ff_in: Linear,
    pub ff_out: Linear,
    pub gelu: Gelu,
    pub dropout: Dropout,
}

/// Attention weights of one block, each `[batch, heads, queries, keys]`.
pub struct Weights {
    pub attn: Tensor<4>,
    pub cross: Option<Tensor<4>>,
}

impl Block {
    fn new(s: &Shape, cross: bool, device: &Device) -> Self {
        let mha = || MultiHeadAttentionConfig::new(s.d_model, s.heads).with_dropout(s.dropout).init(device);
        let norm = || LayerNormConfig::new(s.d_model).init(device);
        Self {
            attn: mha(),
            cross: cross.then(mha),
            norm_attn: norm(),
            norm_cross: cross.then(norm),
            norm_ff: norm(),
            ff_in: LinearConfig::new(s.d_model, s.d_ff).init(device),
            ff_out: LinearConfig::new(s.d_ff, s.d_model).init(device),
            gelu: Gelu::new(),
            dropout: DropoutConfig::new(s.dropout).init(),
        }
    }

    /// `x` `[batch, len, d]`; `causal`: a query sees only keys at or before it; `pad`: keys
    /// to ignore `[batch, len]`; `memory`: the encoder's output and its padding.
    fn forward(
        &self,
        x: Tensor<3>,
        causal: bool,
        pad: Option<Tensor<2, Bool>>,
        memory: Option<(Tensor<3>, Option<Tensor<2, Bool>>)>,
    ) -> (Tensor<3>, Weights) {
        let [b, len, _] = x.dims();
        let h = self.norm_attn.forward(x.clone());
        let causal = causal.then(|| generate_autoregressive_mask(b, len, &x.device()));
        let (context, attn) = attend(&self.attn, h.clone(), h.clone(), h, pad, causal);
        let mut x = x + self.dropout.forward(context);
        let mut cross_weights = None;
        if let (Some(cross), Some(norm), Some((mem, mem_pad))) = (&self.cross, &self.norm_cross, memory) {
            let (context, weights) = attend(cross, norm.forward(x.clone()), mem.clone(), mem, mem_pad, None);
            x = x + self.dropout.forward(context);
            cross_weights = Some(weights);
        }
        let h = self.gelu.forward(linear_rows(&self.ff_in, self.norm_ff.forward(x.clone())));
        let ff = linear_rows(&self.ff_out, self.dropout.forward(h));
        (x + self.dropout.forward(ff), Weights { attn, cross: cross_weights })
    }
}

#[derive(Module, Debug)]
pub struct Transformer {
    pub embed: Embedding,
    /// Learned positions (none: sinusoidal).
    pub positions: Option<Embedding>,
    pub encoder: Vec<Block>,
    pub decoder: Vec<Block>,
    pub norm_encoder: LayerNorm,
    pub norm_decoder: LayerNorm,
    pub head: Linear,
    pub dropout: Dropout,
    pub d_model: usize,
    /// No positional encoding (the table is zeros); a setting, not a weight.
    pub no_positions: bool,
}

/// What a pass saw: each block's attention weights, encoder blocks first.
pub struct Seen {
    pub encoder: Vec<Weights>,
    pub decoder: Vec<Weights>,
}

impl Transformer {
    pub fn new(s: &Shape, device: &Device) -> Self {
        Self {
            // Vaswani's scale: embeddings of standard deviation 1/√d, multiplied by √d on the
            // way in, so that tokens and positions weigh alike (Burn's default, N(0, 1), would
            // drown the positions).
            embed: EmbeddingConfig::new(s.vocab, s.d_model)
                .with_initializer(Initializer::Normal { mean: 0.0, std: 1.0 / (s.d_model as f64).sqrt() })
                .init(device),
            positions: (s.encoding == Positions::Learned).then(|| {
                EmbeddingConfig::new(s.positions, s.d_model)
                    .with_initializer(Initializer::Normal { mean: 0.0, std: 0.1 })
                    .init(device)
            }),
            encoder: (0..s.encoder).map(|_| Block::new(s, false, device)).collect(),
            decoder: (0..s.decoder).map(|_| Block::new(s, s.encoder > 0, device)).collect(),
            norm_encoder: LayerNormConfig::new(s.d_model).init(device),
            norm_decoder: LayerNormConfig::new(s.d_model).init(device),
            head: LinearConfig::new(s.d_model, s.vocab).init(device),
            dropout: DropoutConfig::new(s.dropout).init(),
            d_model: s.d_model,
            no_positions: s.encoding == Positions::None,
        }
    }

    /// The positional encoding of the first `len` positions, `[len, d]`.
    pub fn position_table(&self, len: usize, device: &Device) -> Tensor<2> {
        if self.no_positions {
            return Tensor::zeros([len, self.d_model], device);
        }
        match &self.positions {
            Some(p) => {
                let n = p.weight.dims()[0];
                p.weight.val().slice([0..len.min(n), 0..self.d_model])
            }
            None => burn::nn::generate_sinusoids(len, self.d_model, 10_000.max(len), device),
        }
    }

    /// Tokens `[batch, len]` as vectors: embedding × √d + position.
    fn inputs(&self, tokens: Tensor<2, Int>) -> Tensor<3> {
        let [_, len] = tokens.dims();
        let device = tokens.device();
        let x = self.embed.forward(tokens).mul_scalar((self.d_model as f32).sqrt());
        self.dropout.forward(x + self.position_table(len, &device).unsqueeze())
    }

    /// The encoder's output for `source` `[batch, len]` with its padding mask.
    pub fn encode(&self, source: Tensor<2, Int>, pad: Option<Tensor<2, Bool>>, seen: &mut Vec<Weights>) -> Tensor<3> {
        let mut x = self.inputs(source);
        for block in &self.encoder {
            let (y, w) = block.forward(x, false, pad.clone(), None);
            x = y;
            seen.push(w);
        }
        self.norm_encoder.forward(x)
    }

    /// Token scores `[batch, len, vocab]` for a target prefix (decoder-only when there is no
    /// memory), causally masked.
    pub fn decode(
        &self,
        target: Tensor<2, Int>,
        memory: Option<(Tensor<3>, Option<Tensor<2, Bool>>)>,
        seen: &mut Vec<Weights>,
    ) -> Tensor<3> {
        let mut x = self.inputs(target);
        for block in &self.decoder {
            let (y, w) = block.forward(x, true, None, memory.clone());
            x = y;
            seen.push(w);
        }
        linear_rows(&self.head, self.norm_decoder.forward(x))
    }

    /// Source and target prefix to token scores, with every attention's weights.
    pub fn forward(&self, source: Option<(Tensor<2, Int>, Option<Tensor<2, Bool>>)>, target: Tensor<2, Int>) -> (Tensor<3>, Seen) {
        let mut encoder = Vec::new();
        let memory = source.map(|(s, pad)| (self.encode(s, pad.clone(), &mut encoder), pad));
        let mut decoder = Vec::new();
        let logits = self.decode(target, memory, &mut decoder);
        (logits, Seen { encoder, decoder })
    }
}

/// Tokens decoded between checks whether every answer has ended (each check is a read, a wait
/// on a GPU; between them the chosen tokens stay on the device).
const GREEDY_CHECK_EVERY: usize = 4;

/// Greedy answers to `sources`, each up to `max_len` tokens (the end token not included).
pub(super) fn greedy(model: &Transformer, sources: &[Vec<u32>], max_len: usize, device: &Device) -> Vec<Vec<u32>> {
    let b = sources.len();
    let pairs: Vec<(Vec<u32>, Vec<u32>)> = sources.iter().map(|s| (s.clone(), vec![])).collect();
    let batch = pair_batch(&pairs, device);
    let memory = model.encode(batch.source, Some(batch.pad.clone()), &mut Vec::new());
    let mut prefix = tensors::ints(vec![BOS as i64; b], [b, 1], device);
    let mut read: Vec<i64> = Vec::new();
    for k in 0..=max_len {
        let t = k + 1;
        let logits = model.decode(prefix.clone(), Some((memory.clone(), Some(batch.pad.clone()))), &mut Vec::new());
        let v = logits.dims()[2];
        let next = logits.slice([0..b, t - 1..t]).reshape([b, v]).argmax(1); // [b, 1]
        prefix = Tensor::cat(vec![prefix, next], 1);
        if (k + 1) % GREEDY_CHECK_EVERY == 0 || k == max_len {
            read = prefix.clone().into_data().iter::<i64>().collect();
            let ended = read.chunks(t + 1).all(|row| row[1..].contains(&(EOS as i64)));
            if ended {
                break;
            }
        }
    }
    let t = read.len() / b.max(1);
    read.chunks(t.max(1))
        .map(|row| row[1..].iter().map(|&v| v as u32).take_while(|&v| v != EOS && v != PAD).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use burn::nn::attention::{MhaInput, MultiHeadAttentionConfig, generate_autoregressive_mask};
    use burn::tensor::{Device, Distribution, Tensor};

    use crate::tensors::Floats;

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.floats()
    }

    fn close(got: &[f32], want: &[f32]) -> bool {
        got.len() == want.len() && got.iter().zip(want).all(|(a, b)| (a - b).abs() <= 1e-5 * (1.0 + b.abs()))
    }

    /// `attend` gives Burn's `MultiHeadAttention::forward` (context, weights, and the gradients
    /// of the input and the projections), with a causal mask and padding, and across two
    /// sequences of different lengths.
    #[test]
    fn attention_over_rows_matches_burns_multi_head_attention() {
        let device = Device::flex().autodiff();
        device.seed(3);
        let mha = MultiHeadAttentionConfig::new(8, 2).with_dropout(0.0).init(&device);
        let normal = Distribution::Normal(0.0, 1.0);
        let x = Tensor::<3>::random([3, 5, 8], normal, &device).require_grad();
        let mem = Tensor::<3>::random([3, 4, 8], normal, &device);
        let pad = Tensor::<2>::random([3, 4], normal, &device).greater_elem(0.8);
        let causal = generate_autoregressive_mask(3, 5, &device);
        // Self-attention, causal.
        let (ours, ours_w) = super::attend(&mha, x.clone(), x.clone(), x.clone(), None, Some(causal.clone()));
        let theirs = mha.forward(MhaInput::self_attn(x.clone()).mask_attn(causal));
        assert!(close(&values(ours.clone()), &values(theirs.context.clone())));
        assert!(close(&values(ours_w), &values(theirs.weights)));
        let g_ours = (ours * 1.5).sum().backward();
        let g_theirs = (theirs.context * 1.5).sum().backward();
        assert!(close(&values(x.grad(&g_ours).unwrap()), &values(x.grad(&g_theirs).unwrap())));
        for l in [&mha.query, &mha.key, &mha.value, &mha.output] {
            let w = l.weight.val();
            assert!(close(&values(w.grad(&g_ours).unwrap()), &values(w.grad(&g_theirs).unwrap())));
        }
        // Cross-attention over a padded memory.
        let (ours, ours_w) = super::attend(&mha, x.clone(), mem.clone(), mem.clone(), Some(pad.clone()), None);
        let theirs = mha.forward(MhaInput::new(x, mem.clone(), mem).mask_pad(pad));
        assert!(close(&values(ours), &values(theirs.context)));
        assert!(close(&values(ours_w), &values(theirs.weights)));
    }
}
