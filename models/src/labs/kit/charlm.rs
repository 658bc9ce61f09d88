//! What the character language models share (the LSTM lab's and the Transformer's): the
//! corpora, a prompt when the user gives none, windows of text as batches, measuring over
//! fixed windows, and how a character is named on an axis.

use burn::tensor::{Device, Int, Tensor};

use crate::data::text::{self, CharText};
use crate::error::LabError;
use crate::rng::Rng;
use crate::tensors;

/// The characters a text model knows: the most frequent (the Tang poems use ~5,100; the
/// 3,000 most frequent cover 98.9% of the text).
pub const MAX_VOCAB: usize = 3000;

/// The text of a corpus (`moby_dick`, `tang`, `lunyu`, else the user's `file`), as characters.
pub fn corpus(corpus: &str, file: &str, seed: u64) -> Result<CharText, LabError> {
    let text = match corpus {
        "moby_dick" => text::MOBY_DICK.to_string(),
        "tang" => text::TANG_POEMS.to_string(),
        "lunyu" => text::ANALECTS.to_string(),
        _ => {
            if file.trim().is_empty() {
                return Err(LabError::Invalid {
                    key: "err.no_text_file",
                    english: "choose a text file first",
                });
            }
            text::read_text(file.trim())?
        }
    };
    CharText::new(&text, MAX_VOCAB, seed)
}

/// The user's prompt, or where it is empty a line of the corpus.
pub fn prompt(given: &str, corpus: &str, text: &CharText) -> String {
    if !given.trim().is_empty() {
        return given.to_string();
    }
    match corpus {
        "moby_dick" => "Call me Ishmael. Some years ago".into(),
        "tang" => "床前明月光，".into(),
        "lunyu" => "子曰：".into(),
        _ => text.decode(&text.valid[0][..text.valid[0].len().min(30)]),
    }
}

/// How a character is named on an axis (spaces and line ends made visible, in glyphs the
/// app's fonts have).
pub fn char_label(c: char) -> String {
    match c {
        ' ' => "·".into(),
        '\n' => "¶".into(),
        '\t' => "»".into(),
        c => c.to_string(),
    }
}

/// Windows of `len + 1` ids as inputs `[b, len]` and next-character targets `[b * len]`.
pub fn text_batch(windows: &[&[u32]], device: &Device) -> (Tensor<2, Int>, Tensor<1, Int>) {
    let len = windows[0].len() - 1;
    let x: Vec<i64> = windows.iter().flat_map(|w| w[..len].iter().map(|&c| c as i64)).collect();
    let y: Vec<i64> = windows.iter().flat_map(|w| w[1..].iter().map(|&c| c as i64)).collect();
    (tensors::ints(x, [windows.len(), len], device), tensors::ints(y, [windows.len() * len], device))
}

/// `n` random windows of `len` ids (at most a run's length) from `set`.
pub fn windows<'a>(set: &'a [Vec<u32>], n: usize, len: usize, rng: &mut Rng) -> Vec<&'a [u32]> {
    let len = len.min(CharText::longest(set));
    (0..n).filter_map(|_| CharText::window(set, len, rng)).collect()
}

/// `n` windows of `len` ids from `set`, drawn by a generator seeded with `seed`: the same
/// ones every time.
pub fn fixed_windows(set: &[Vec<u32>], n: usize, len: usize, seed: u64) -> Vec<&[u32]> {
    windows(set, n, len, &mut Rng::new(seed))
}

/// The mean of a per-window `loss` over `n` fixed windows of `len` ids of the validation (or
/// training) text, taken `chunk` at a time: the same windows at every evaluation.
pub fn measure(
    text: &CharText,
    valid: bool,
    n: usize,
    len: usize,
    seed: u64,
    chunk: usize,
    loss: impl Fn(&[&[u32]]) -> Tensor<1>,
) -> f32 {
    let (set, salt) = if valid { (&text.valid, 11) } else { (&text.train, 12) };
    let windows = fixed_windows(set, n, len, seed.wrapping_add(salt));
    // Every chunk's mean loss in one read.
    let means = crate::tensors::read_all(windows.chunks(chunk).map(loss).collect());
    let sum: f32 = means.iter().zip(windows.chunks(chunk)).map(|(m, c)| m * c.len() as f32).sum();
    sum / windows.len().max(1) as f32
}

/// Text is written without the "unknown" character (id 0, the rare characters the
/// vocabulary leaves out): its score is set so low that it is never drawn.
pub fn never_unknown(logits: &mut [f32]) {
    if let Some(l) = logits.first_mut() {
        *l = f32::MIN;
    }
}
