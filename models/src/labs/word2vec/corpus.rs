//! The Word2Vec lab's text: the corpus chosen, its vocabulary (rare words left out, frequent
//! ones sub-sampled), and the training pairs drawn from it: a centre word, its context window
//! and negative words drawn in proportion to count^0.75 (Mikolov et al. 2013).

use super::{Arch, Config};
use crate::data::text::{self, Vocab};
use crate::error::LabError;
use crate::rng::Rng;

pub(super) fn corpus_text(cfg: &Config) -> Result<String, LabError> {
    Ok(match cfg.corpus.as_str() {
        "moby_dick" => text::MOBY_DICK.to_string(),
        "tang" => text::TANG_POEMS.to_string(),
        "lunyu" => text::ANALECTS.to_string(),
        "article" => text::ARTICLE.to_string(),
        _ => {
            if cfg.file.trim().is_empty() {
                return Err(LabError::Invalid { key: "err.no_text_file", english: "choose a text file first" });
            }
            text::read_text(cfg.file.trim())?
        }
    })
}

/// The corpus as word indices, and what training draws from it.
pub(super) struct Corpus {
    pub(super) vocab: Vocab,
    pub(super) sentences: Vec<Vec<u32>>,
    /// (sentence, position) of every token, to draw centres uniformly.
    pub(super) tokens: Vec<(u32, u32)>,
    /// word2vec's chance of keeping an occurrence of each word (frequent words less often).
    pub(super) keep: Vec<f32>,
    /// A table to draw negatives from, word w appearing in proportion to count^0.75.
    pub(super) negatives: Vec<u32>,
    /// Tokens expected to survive sub-sampling in one pass.
    pub(super) kept: f64,
}

impl Corpus {
    /// `words`: Chinese cut into words by jieba (else one character a token).
    pub(super) fn new(text: &str, words: bool, min_count: u64, subsample: f64) -> Result<Self, LabError> {
        let tokens = if words && text.chars().any(text::is_cjk) {
            text::tokenize_with(text, &text::Chinese::Words(&text::segmenter()))
        } else {
            text::tokenize(text)
        };
        let vocab = Vocab::build(&tokens, min_count);
        if vocab.len() < 2 {
            return Err(LabError::Invalid {
                key: "err.too_few_words",
                english: "fewer than two words reach the minimum count: lower it, or use a longer text",
            });
        }
        let sentences = vocab.encode(&tokens);
        let total: u64 = vocab.counts.iter().sum();
        let keep = vocab
            .counts
            .iter()
            .map(|&c| {
                let f = c as f64 / total as f64;
                (((f / subsample).sqrt() + 1.0) * subsample / f).min(1.0) as f32
            })
            .collect();
        let weights: Vec<f64> = vocab.counts.iter().map(|&c| (c as f64).powf(0.75)).collect();
        let sum: f64 = weights.iter().sum();
        let size = 1_000_000usize.min(100 * vocab.len()).max(vocab.len());
        let mut negatives = Vec::with_capacity(size);
        for (w, &x) in weights.iter().enumerate() {
            let n = ((x / sum) * size as f64).round().max(1.0) as usize;
            negatives.extend(std::iter::repeat_n(w as u32, n));
        }
        let tokens = sentences
            .iter()
            .enumerate()
            .flat_map(|(s, words)| (0..words.len()).map(move |p| (s as u32, p as u32)))
            .collect();
        let kept = vocab.counts.iter().zip(&keep).map(|(&c, &k)| c as f64 * k as f64).sum();
        Ok(Self { vocab, sentences, tokens, keep, negatives, kept })
    }

    /// A batch of `b` pairs for `cfg`'s model, window and negatives: contexts `[b, c]` and
    /// targets `[b, 1 + k]` (the true word, then negatives), drawn with `rng`.
    pub(super) fn draw(&self, cfg: &Config, b: usize, rng: &mut Rng) -> (Vec<i64>, usize, Vec<i64>) {
        let (k, w) = (cfg.negatives, cfg.window);
        let c = match cfg.model {
            Arch::Skipgram => 1,
            Arch::Cbow => 2 * w,
        };
        let (mut contexts, mut targets) = (Vec::with_capacity(b * c), Vec::with_capacity(b * (k + 1)));
        let mut made = 0;
        let mut tries = 0;
        while made < b && tries < 100 * b {
            tries += 1;
            let (s, p) = self.tokens[rng.below(self.tokens.len())];
            let sentence = &self.sentences[s as usize];
            let centre = sentence[p as usize];
            if rng.f32() >= self.keep[centre as usize] {
                continue;
            }
            // word2vec's shrunk window: each pair's reach drawn from 1..=window.
            let reach = 1 + rng.below(w);
            let around: Vec<u32> = (p.saturating_sub(reach as u32) as usize..(p as usize + reach + 1).min(sentence.len()))
                .filter(|&q| q != p as usize)
                .map(|q| sentence[q])
                .collect();
            if around.is_empty() {
                continue;
            }
            match cfg.model {
                // Skip-gram: the centre predicts one word of its window.
                Arch::Skipgram => {
                    contexts.push(centre as i64);
                    targets.push(around[rng.below(around.len())] as i64);
                }
                // CBOW: the window (drawn to a fixed size) predicts the centre.
                Arch::Cbow => {
                    contexts.extend((0..c).map(|_| around[rng.below(around.len())] as i64));
                    targets.push(centre as i64);
                }
            }
            for _ in 0..k {
                targets.push(self.negatives[rng.below(self.negatives.len())] as i64);
            }
            made += 1;
        }
        (contexts, c, targets)
    }

}
