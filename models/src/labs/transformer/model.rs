//! The Transformer lab's network (Vaswani et al. 2017): token embeddings scaled by √d plus a
//! positional encoding (sinusoidal or learned), encoder blocks (self-attention, feed-forward),
//! decoder blocks (masked self-attention, cross-attention over the encoder's output,
//! feed-forward), and a linear layer to token scores. Each block normalises its input before
//! each sub-layer ("pre-norm", which trains without the article's careful warm-up); every
//! attention hands out its weights for the views.

use burn::module::Module;
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig, generate_autoregressive_mask};
use burn::nn::{
    Dropout, DropoutConfig, Embedding, Initializer, EmbeddingConfig, Gelu, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::{Bool, Device, Int, Tensor};

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
    pub learned_positions: bool,
    pub dropout: f64,
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
        let mut input = MhaInput::self_attn(h);
        if causal {
            input = input.mask_attn(generate_autoregressive_mask(b, len, &x.device()));
        }
        if let Some(pad) = pad {
            input = input.mask_pad(pad);
        }
        let out = self.attn.forward(input);
        let mut x = x + self.dropout.forward(out.context);
        let mut cross_weights = None;
        if let (Some(cross), Some(norm), Some((mem, mem_pad))) = (&self.cross, &self.norm_cross, memory) {
            let mut input = MhaInput::new(norm.forward(x.clone()), mem.clone(), mem);
            if let Some(p) = mem_pad {
                input = input.mask_pad(p);
            }
            let out = cross.forward(input);
            x = x + self.dropout.forward(out.context);
            cross_weights = Some(out.weights);
        }
        let ff = self.ff_out.forward(self.dropout.forward(self.gelu.forward(self.ff_in.forward(self.norm_ff.forward(x.clone())))));
        (x + self.dropout.forward(ff), Weights { attn: out.weights, cross: cross_weights })
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
            positions: s.learned_positions.then(|| {
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
        }
    }

    /// The positional encoding of the first `len` positions, `[len, d]`.
    pub fn position_table(&self, len: usize, device: &Device) -> Tensor<2> {
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
        self.head.forward(self.norm_decoder.forward(x))
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
