//! Word2Vec with negative sampling (Mikolov et al. 2013): each word has an input vector and
//! an output vector; a (context, word) pair that occurs scores high (the dot product of the
//! context's input vectors and the word's output vector), pairs with random "negative" words
//! score low.

use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, Initializer};
use burn::tensor::activation::log_sigmoid;
use burn::tensor::{Device, Int, Tensor};
use crate::tensors;

#[derive(Module, Debug)]
pub(crate) struct Word2Vec {
    /// The vectors the map and the nearest words are read from.
    pub input: Embedding,
    pub output: Embedding,
}

impl Word2Vec {
    /// Input vectors uniform in ±0.5/dim and output vectors 0, as in word2vec's C code.
    pub(super) fn new(vocab: usize, dim: usize, device: &Device) -> Self {
        let r = 0.5 / dim as f64;
        Self {
            input: EmbeddingConfig::new(vocab, dim).with_initializer(Initializer::Uniform { min: -r, max: r }).init(device),
            output: EmbeddingConfig::new(vocab, dim).with_initializer(Initializer::Zeros).init(device),
        }
    }

    /// `context` `[b, c]` (one word for skip-gram, the window's words for CBOW, averaged) and
    /// `targets` `[b, 1 + k]` (the true word, then k negatives): the loss summed over the
    /// batch, -log σ(true score) - Σ log σ(-negative score).
    pub(super) fn loss(&self, context: Tensor<2, Int>, targets: Tensor<2, Int>) -> Tensor<1> {
        let [b, k1] = targets.dims();
        let v = self.input.forward(context).mean_dim(1); // [b, 1, d]
        let u = self.output.forward(targets); // [b, 1 + k, d]
        let scores = (u * v).sum_dim(2).reshape([b, k1]); // [b, 1 + k]
        let signs: Vec<f32> = (0..b * k1).map(|i| if i % k1 == 0 { 1.0 } else { -1.0 }).collect();
        let signs = tensors::floats(signs, [b, k1], &scores.device());
        -log_sigmoid(scores * signs).sum()
    }
}
