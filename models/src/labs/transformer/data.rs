//! The Transformer lab's tokens and data: a vocabulary with padding, start and end tokens,
//! the digit tasks (copy, reverse, sort) and number translation as source/target pairs, and
//! those pairs as padded batches with their masks.

use std::collections::HashMap;

use burn::tensor::{Bool, Device, Int, Tensor, TensorData};

use super::{Config, Task};
use crate::data::sequences;
use crate::data::text::CharText;
use crate::error::LabError;
use crate::labs::kit::charlm;
use crate::rng::Rng;
use crate::tensors;

pub(super) const PAD: u32 = 0;
pub(super) const BOS: u32 = 1;
pub(super) const EOS: u32 = 2;

/// A sequence task's tokens: padding, start and end, then the task's own.
#[derive(Clone, Debug)]
pub(super) struct Tokens {
    pub(super) names: Vec<String>,
    pub(super) index: HashMap<String, u32>,
}

impl Tokens {
    pub(super) fn new(own: impl IntoIterator<Item = String>) -> Self {
        let mut names: Vec<String> = ["·", "<s>", "</s>"].map(String::from).to_vec();
        for t in own {
            if !names.contains(&t) {
                names.push(t);
            }
        }
        let index = names.iter().enumerate().map(|(i, n)| (n.clone(), i as u32)).collect();
        Self { names, index }
    }

    pub(super) fn len(&self) -> usize {
        self.names.len()
    }

    /// Known tokens of `pieces`, in order (unknown ones left out).
    pub(super) fn encode<'a>(&self, pieces: impl IntoIterator<Item = &'a str>) -> Vec<u32> {
        pieces.into_iter().filter_map(|p| self.index.get(p).copied()).collect()
    }
}

/// English words of a number as tokens: "forty-five" -> forty, -, five.
pub(super) fn english_tokens(s: &str) -> Vec<String> {
    s.split_whitespace()
        .flat_map(|w| {
            let parts: Vec<&str> = w.split('-').collect();
            let n = parts.len();
            parts.into_iter().enumerate().flat_map(move |(k, p)| {
                let mut v = vec![p.to_string()];
                if k + 1 < n {
                    v.push("-".into());
                }
                v
            })
        })
        .collect()
}

/// The pieces of a task's source text the user types: digits one by one, English as words.
pub(super) fn source_pieces(task: Task, s: &str) -> Vec<String> {
    match task {
        Task::Translate => english_tokens(&s.to_lowercase()),
        _ => s.chars().filter(|c| !c.is_whitespace()).map(String::from).collect(),
    }
}

pub(super) enum Data {
    /// Source and target token ids; training draws fresh pairs (digits) or from the
    /// training numbers (translation).
    Pairs { tokens: Tokens, train_numbers: Vec<u32>, test: Vec<(Vec<u32>, Vec<u32>)> },
    Text(CharText),
}

/// Held-out pairs the digit tasks are measured on (the translation task: its held-out numbers).
pub(super) const DIGIT_TEST: usize = 1000;

impl Data {
    pub(super) fn new(cfg: &Config) -> Result<Self, LabError> {
        if cfg.task == Task::Text {
            return Ok(Data::Text(charlm::corpus(&cfg.corpus, &cfg.file, cfg.seed)?));
        }
        if cfg.task == Task::Translate {
            let tokens = Tokens::new(
                (0..10_000u32).flat_map(|n| english_tokens(&sequences::english(n))).chain(
                    "零一二三四五六七八九十百千".chars().map(String::from),
                ),
            );
            let (train, test) = sequences::number_split(cfg.held_out, cfg.seed);
            let test = test.iter().map(|&n| number_pair(&tokens, n)).collect();
            return Ok(Data::Pairs { tokens, train_numbers: train, test });
        }
        let tokens = Tokens::new((0..10).map(|d| d.to_string()));
        let mut rng = Rng::new(cfg.seed.wrapping_add(5));
        let test = (0..DIGIT_TEST).map(|_| digit_pair(cfg, &tokens, &mut rng)).collect();
        Ok(Data::Pairs { tokens, train_numbers: vec![], test })
    }
}

pub(super) fn number_pair(tokens: &Tokens, n: u32) -> (Vec<u32>, Vec<u32>) {
    let en = english_tokens(&sequences::english(n));
    let zh = sequences::chinese(n);
    (tokens.encode(en.iter().map(String::as_str)), zh.chars().map(|c| tokens.index[&c.to_string()]).collect())
}

pub(super) fn digit_pair(cfg: &Config, tokens: &Tokens, rng: &mut Rng) -> (Vec<u32>, Vec<u32>) {
    let (lo, hi) = cfg.lengths();
    let len = lo + rng.below(hi - lo + 1);
    let (s, t) = sequences::digit_pair(cfg.task.digits().expect("a digit task"), len, rng);
    let ids = |s: &str| s.chars().map(|c| tokens.index[&c.to_string()]).collect();
    (ids(&s), ids(&t))
}

/// A batch of pairs as tensors: sources `[b, S]` with their padding, decoder inputs `[b, T]`
/// (start, then the target), what each position should predict `[b * T]` (the target, then
/// the end) and which of those count (not padding).
pub(super) struct PairBatch {
    pub(super) source: Tensor<2, Int>,
    pub(super) pad: Tensor<2, Bool>,
    pub(super) input: Tensor<2, Int>,
    pub(super) output: Tensor<1, Int>,
    pub(super) weight: Tensor<1>,
}

pub(super) fn pair_batch(pairs: &[(Vec<u32>, Vec<u32>)], device: &Device) -> PairBatch {
    let b = pairs.len();
    let s = pairs.iter().map(|p| p.0.len()).max().unwrap_or(1).max(1);
    let t = pairs.iter().map(|p| p.1.len() + 1).max().unwrap_or(1);
    let (mut src, mut pad) = (vec![PAD as i64; b * s], vec![true; b * s]);
    let (mut inp, mut out, mut w) = (vec![PAD as i64; b * t], vec![PAD as i64; b * t], vec![0.0f32; b * t]);
    for (i, (x, y)) in pairs.iter().enumerate() {
        for (k, &v) in x.iter().enumerate() {
            src[i * s + k] = v as i64;
            pad[i * s + k] = false;
        }
        inp[i * t] = BOS as i64;
        for (k, &v) in y.iter().enumerate() {
            inp[i * t + k + 1] = v as i64;
            out[i * t + k] = v as i64;
            w[i * t + k] = 1.0;
        }
        out[i * t + y.len()] = EOS as i64;
        w[i * t + y.len()] = 1.0;
    }
    PairBatch {
        source: tensors::ints(src, [b, s], device),
        pad: Tensor::from_data(TensorData::new(pad, [b, s]), device),
        input: tensors::ints(inp, [b, t], device),
        output: tensors::ints(out, [b * t], device),
        weight: tensors::floats(w, [b * t], device),
    }
}


pub(super) fn draw_pairs(cfg: &Config, data: &Data, n: usize, rng: &mut Rng) -> Vec<(Vec<u32>, Vec<u32>)> {
    let Data::Pairs { tokens, train_numbers, .. } = data else { return vec![] };
    if cfg.task == Task::Translate {
        (0..n).map(|_| number_pair(tokens, train_numbers[rng.below(train_numbers.len())])).collect()
    } else {
        (0..n).map(|_| digit_pair(cfg, tokens, rng)).collect()
    }
}
