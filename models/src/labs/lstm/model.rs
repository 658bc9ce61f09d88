//! The LSTM lab's network: an optional character embedding, stacked LSTM layers whose gates
//! can be recorded, dropout between them, and a dense layer on top (Linear: the article's
//! "dense softmax layer" for a digit, a character's scores, or the next value of a series).

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Embedding, EmbeddingConfig, Linear, LinearConfig};
use burn::tensor::{Device, Int, Tensor};

use super::gated::{GatedLstm, Recording};

/// What goes in at each step.
#[derive(Clone, Copy, Debug)]
pub enum Input {
    /// Character ids, embedded into vectors the size of the hidden state.
    Tokens(usize),
    /// So many numbers (an image row of 28 pixels; one value of a series).
    Values(usize),
}

/// The state of every layer, `(h, c)` each `[batch, hidden]`.
pub type State = Vec<(Tensor<2>, Tensor<2>)>;

#[derive(Module, Debug)]
pub struct Net {
    pub embed: Option<Embedding>,
    pub layers: Vec<GatedLstm>,
    pub dropout: Dropout,
    pub head: Linear,
}

impl Net {
    pub fn new(input: Input, hidden: usize, layers: usize, outputs: usize, dropout: f64, device: &Device) -> Self {
        let (embed, d_in) = match input {
            Input::Tokens(vocab) => (Some(EmbeddingConfig::new(vocab, hidden).init(device)), hidden),
            Input::Values(d) => (None, d),
        };
        Self {
            embed,
            layers: (0..layers).map(|l| GatedLstm::new(if l == 0 { d_in } else { hidden }, hidden, device)).collect(),
            dropout: DropoutConfig::new(dropout).init(),
            head: LinearConfig::new(hidden, outputs).init(device),
        }
    }

    /// Character ids `[batch, steps]` as the first layer's input.
    pub fn embed(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        self.embed.as_ref().expect("a character model").forward(ids)
    }

    /// The top layer's hidden states `[batch, steps, hidden]` (after dropout), the state after
    /// the last step, and each layer's recording when asked.
    pub fn run(&self, x: Tensor<3>, state: Option<State>, record: bool) -> (Tensor<3>, State, Vec<Recording>) {
        let mut h = x;
        let mut states = Vec::with_capacity(self.layers.len());
        let mut recordings = Vec::new();
        for (l, layer) in self.layers.iter().enumerate() {
            if l > 0 {
                h = self.dropout.forward(h);
            }
            let start = state.as_ref().map(|s| s[l].clone());
            let (out, last, rec) = layer.forward_from(h, start, record);
            h = out;
            states.push(last);
            recordings.extend(rec);
        }
        (self.dropout.forward(h), states, recordings)
    }

    /// The head's outputs at every step: `[batch, steps, outputs]`.
    pub fn outputs(&self, top: Tensor<3>) -> Tensor<3> {
        self.head.forward(top)
    }
}
