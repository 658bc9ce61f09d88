//! Text corpora for the embedding and sequence labs: Moby Dick (public domain), the Tang
//! quatrains and the Analects (texts public domain, compilation MIT), the article's six
//! sentences, and the user's own UTF-8 text; split into tokens — English words (lower-cased)
//! or Chinese characters — and counted into a vocabulary.

use std::collections::HashMap;

use crate::error::{LabError, TextProblem};

pub const MOBY_DICK: &str = include_str!("../../../assets/text/moby_dick.txt");
pub const TANG_POEMS: &str = include_str!("../../../assets/text/zh_tang_poems.txt");
pub const ANALECTS: &str = include_str!("../../../assets/text/zh_lunyu.txt");
/// The article's own example: six short sentences about what one likes to eat and drink.
pub const ARTICLE: &str =
    "我喜欢吃苹果\n我喜欢吃香蕉\n我喜欢喝牛奶\n你喜欢吃苹果\n你喜欢喝果汁\n他喜欢吃香蕉";

/// Whether a character is a CJK ideograph (each one a token).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// How Chinese text becomes tokens.
pub enum Chinese<'a> {
    /// Each character on its own.
    Characters,
    /// Words, as a segmenter (jieba) cuts each run of characters.
    Words(&'a jieba_rs::Jieba),
}

/// jieba with its own dictionary, except where that dictionary holds a verb and its object
/// as one word that a class reads as two: 喝牛奶 ("drink milk") is 喝 and 牛奶, as 吃苹果 is
/// 吃 and 苹果 (the article's example sentences).
pub fn segmenter() -> jieba_rs::Jieba {
    let mut jieba = jieba_rs::Jieba::new();
    // Frequency 0: a path through it has probability 0, so the cut through its parts wins.
    jieba.add_word("喝牛奶", Some(0), None);
    jieba
}

/// Tokens in reading order, each CJK character on its own: see [`tokenize_with`].
pub fn tokenize(text: &str) -> Vec<Vec<String>> {
    tokenize_with(text, &Chinese::Characters)
}

/// Tokens in reading order: runs of letters (and inner apostrophes) as lower-cased words, runs
/// of CJK characters as `chinese` says; punctuation, digits and spaces separate them.
/// Sentences (lines and sentence marks) are kept apart, so a window never spans two.
pub fn tokenize_with(text: &str, chinese: &Chinese<'_>) -> Vec<Vec<String>> {
    let mut sentences = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut han = String::new();
    let cut = |han: &mut String, current: &mut Vec<String>| {
        match chinese {
            Chinese::Characters => current.extend(han.chars().map(String::from)),
            Chinese::Words(jieba) => current.extend(jieba.cut(han, true).into_iter().map(String::from)),
        }
        han.clear();
    };
    let flush = |word: &mut String, current: &mut Vec<String>| {
        let w = word.trim_matches('\'');
        if !w.is_empty() {
            current.push(w.to_lowercase());
        }
        word.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            flush(&mut word, &mut current);
            han.push(c);
            continue;
        }
        cut(&mut han, &mut current);
        if c.is_alphabetic() || (c == '\'' && !word.is_empty()) {
            word.push(c);
        } else {
            flush(&mut word, &mut current);
            if matches!(c, '\n' | '.' | '!' | '?' | '。' | '！' | '？' | '；' | ';') && !current.is_empty()
            {
                sentences.push(std::mem::take(&mut current));
            }
        }
    }
    cut(&mut han, &mut current);
    flush(&mut word, &mut current);
    if !current.is_empty() {
        sentences.push(current);
    }
    sentences
}

/// The words kept (at least `min_count` times), most frequent first, with their counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Vocab {
    pub words: Vec<String>,
    pub counts: Vec<u64>,
    pub index: HashMap<String, u32>,
}

impl Vocab {
    pub fn build(sentences: &[Vec<String>], min_count: u64) -> Self {
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for s in sentences {
            for w in s {
                *counts.entry(w).or_default() += 1;
            }
        }
        let mut kept: Vec<(&str, u64)> = counts.into_iter().filter(|&(_, c)| c >= min_count).collect();
        kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let words: Vec<String> = kept.iter().map(|(w, _)| w.to_string()).collect();
        let index = words.iter().enumerate().map(|(i, w)| (w.clone(), i as u32)).collect();
        Self { counts: kept.iter().map(|&(_, c)| c).collect(), words, index }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The sentences as word indices, words outside the vocabulary left out.
    pub fn encode(&self, sentences: &[Vec<String>]) -> Vec<Vec<u32>> {
        sentences
            .iter()
            .map(|s| s.iter().filter_map(|w| self.index.get(w).copied()).collect::<Vec<_>>())
            .filter(|s: &Vec<u32>| !s.is_empty())
            .collect()
    }
}

/// The user's text file: UTF-8, not empty.
pub fn read_text(path: &str) -> Result<String, LabError> {
    let problem = |problem| LabError::Text { file: path.into(), problem };
    let bytes = std::fs::read(path).map_err(|e| problem(TextProblem::Io(e.to_string())))?;
    let text = String::from_utf8(bytes).map_err(|_| problem(TextProblem::NotUtf8))?;
    if text.trim().is_empty() {
        return Err(problem(TextProblem::Empty));
    }
    Ok(text)
}

/// A text as character ids, for a character language model: the vocabulary is the most
/// frequent characters (whole Unicode characters, so a four-byte one is one token), the rest
/// read as one "unknown" character (id 0); the text is cut into passages of up to 1,000
/// characters, a seeded tenth of which are kept apart for validation.
#[derive(Clone, Debug)]
pub struct CharText {
    pub chars: Vec<char>,
    index: HashMap<char, u32>,
    /// Runs of consecutive training passages, as ids.
    pub train: Vec<Vec<u32>>,
    pub valid: Vec<Vec<u32>>,
}

impl CharText {
    /// What characters outside the vocabulary read as.
    pub const UNKNOWN: char = '¤';

    /// `text` (line ends normalised) with a vocabulary of at most `max_vocab` characters.
    pub fn new(text: &str, max_vocab: usize, seed: u64) -> Result<Self, LabError> {
        let text: Vec<char> = text.chars().filter(|&c| c != '\r').collect();
        let mut counts: HashMap<char, u64> = HashMap::new();
        for &c in &text {
            *counts.entry(c).or_default() += 1;
        }
        let mut kept: Vec<(char, u64)> = counts.into_iter().collect();
        kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(max_vocab.max(2) - 1);
        let chars: Vec<char> = std::iter::once(Self::UNKNOWN).chain(kept.iter().map(|k| k.0)).collect();
        let index: HashMap<char, u32> = chars.iter().enumerate().map(|(i, &c)| (c, i as u32)).collect();
        let ids: Vec<u32> = text.iter().map(|c| index.get(c).copied().unwrap_or(0)).collect();
        let piece = (ids.len() / 20).clamp(32, 1000);
        let pieces: Vec<&[u32]> = ids.chunks(piece).collect();
        if pieces.len() < 2 {
            return Err(LabError::Invalid {
                key: "err.text_too_short",
                english: "the text is too short to train on: use one of at least 64 characters",
            });
        }
        let mut order: Vec<usize> = (0..pieces.len()).collect();
        crate::rng::Rng::new(seed).shuffle(&mut order);
        let n_valid = (pieces.len() / 10).max(1);
        let mut is_valid = vec![false; pieces.len()];
        for &k in &order[..n_valid] {
            is_valid[k] = true;
        }
        let (mut train, mut valid): (Vec<Vec<u32>>, Vec<Vec<u32>>) = (vec![], vec![]);
        for (k, p) in pieces.iter().enumerate() {
            let set = if is_valid[k] { &mut valid } else { &mut train };
            // A piece that follows one of the same set continues its run.
            if k > 0 && is_valid[k - 1] == is_valid[k] {
                set.last_mut().expect("a run").extend_from_slice(p);
            } else {
                set.push(p.to_vec());
            }
        }
        Ok(Self { chars, index, train, valid })
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// `s` as ids (characters outside the vocabulary as unknown).
    pub fn encode(&self, s: &str) -> Vec<u32> {
        s.chars().filter(|&c| c != '\r').map(|c| self.index.get(&c).copied().unwrap_or(0)).collect()
    }

    pub fn decode(&self, ids: &[u32]) -> String {
        ids.iter().map(|&i| self.chars.get(i as usize).copied().unwrap_or(Self::UNKNOWN)).collect()
    }

    /// The longest window a set allows (its longest run).
    pub fn longest(set: &[Vec<u32>]) -> usize {
        set.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// A random window of `len` consecutive ids from `set` (runs drawn in proportion to their
    /// length), if some run is that long.
    pub fn window<'a>(set: &'a [Vec<u32>], len: usize, rng: &mut crate::rng::Rng) -> Option<&'a [u32]> {
        let starts: usize = set.iter().map(|r| (r.len() + 1).saturating_sub(len)).sum();
        if starts == 0 {
            return None;
        }
        let mut k = rng.below(starts);
        for r in set {
            let here = (r.len() + 1).saturating_sub(len);
            if k < here {
                return Some(&r[k..k + len]);
            }
            k -= here;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_and_chinese_characters_are_tokens() {
        let s = tokenize("Call me Ishmael. The whale's jaw—\n我喜欢吃苹果。");
        assert_eq!(
            s,
            vec![
                vec!["call", "me", "ishmael"],
                vec!["the", "whale's", "jaw"],
                vec!["我", "喜", "欢", "吃", "苹", "果"]
            ]
        );
        // A four-byte character is one token.
        assert_eq!(tokenize("𠀋好"), vec![vec!["𠀋", "好"]]);
        let v = Vocab::build(&tokenize(ARTICLE), 2);
        assert_eq!(v.words[..3], ["喜", "欢", "吃"]);
        assert!(!v.index.contains_key("奶"), "once only: below the minimum count");
        assert_eq!(v.encode(&tokenize("喜欢奶")), vec![vec![0, 1]]);
        assert!(MOBY_DICK.len() > 1_000_000 && TANG_POEMS.lines().count() > 14_000);
        // Words: jieba cuts the article's sentences into words, verbs apart from their objects.
        let jieba = segmenter();
        let words = tokenize_with("我喜欢吃苹果。Whale!", &Chinese::Words(&jieba));
        assert_eq!(words, vec![vec!["我", "喜欢", "吃", "苹果"], vec!["whale"]]);
        let words = tokenize_with(ARTICLE, &Chinese::Words(&jieba));
        assert_eq!(words[2], ["我", "喜欢", "喝", "牛奶"]);
        assert!(words.iter().flatten().all(|w| w.chars().count() <= 2), "{words:?}");
    }

    #[test]
    fn characters_are_whole_unicode_characters_and_the_split_is_seeded() {
        let text = "𠀋好月明。".repeat(40) + &"ab".repeat(200);
        let t = CharText::new(&text, 5, 1).unwrap();
        assert_eq!(t.chars[0], CharText::UNKNOWN);
        assert_eq!(t.len(), 5, "four kept, the rest unknown");
        // Kept: a, b (200 each), then of the five seen 40 times the two first in code order.
        assert_eq!(t.decode(&t.encode("a。好")), "a。好");
        assert_eq!(t.decode(&t.encode("𠀋")), "¤");
        let big = CharText::new(&text, 100, 1).unwrap();
        assert_eq!(big.decode(&big.encode("b𠀋")), "b𠀋", "a four-byte character is one token");
        let total: usize = t.train.iter().chain(&t.valid).map(Vec::len).sum();
        assert_eq!(total, text.chars().count());
        assert!(!t.valid.is_empty() && !t.train.is_empty());
        let again = CharText::new(&text, 5, 1).unwrap();
        assert_eq!(again.valid, t.valid, "the same seed, the same split");
        let mut rng = crate::rng::Rng::new(1);
        let w = CharText::window(&t.train, 10, &mut rng).unwrap();
        assert_eq!(w.len(), 10);
        assert!(CharText::window(&t.train, 100_000, &mut rng).is_none());
        assert!(CharText::new("short", 10, 1).is_err());
    }

    #[test]
    fn a_text_that_is_not_utf8_or_is_empty_gets_its_message() {
        let dir = std::env::temp_dir();
        let (bad, empty) = (dir.join("tenlab-latin1.txt"), dir.join("tenlab-empty.txt"));
        std::fs::write(&bad, [0x63, 0x61, 0x66, 0xe9, 0x0a]).unwrap();
        std::fs::write(&empty, " \n\n").unwrap();
        let problem = |p: &std::path::Path| match read_text(p.to_str().unwrap()) {
            Err(LabError::Text { problem, .. }) => problem,
            other => panic!("{other:?}"),
        };
        assert_eq!(problem(&bad), TextProblem::NotUtf8);
        assert_eq!(problem(&empty), TextProblem::Empty);
        assert!(matches!(problem(&dir.join("tenlab-no-such-file.txt")), TextProblem::Io(_)));
    }
}
