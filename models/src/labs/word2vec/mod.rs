//! The Word2Vec lab: skip-gram and CBOW with negative sampling (Mikolov et al. 2013). Words
//! that appear in the same contexts end with nearby vectors. Reads top to bottom: parameters
//! -> corpus and vocabulary -> drawing training pairs -> step -> what the vectors say; the
//! network is in `model.rs`, the pictures in `views.rs`. One step is one batch of pairs;
//! the learning rate falls in a straight line to 1/10,000 of itself over the run's epochs.

mod corpus;
pub(crate) mod model;
mod strings;
mod views;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer, SgdConfig};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::error::LabError;
use crate::labs::kit::{seed_spec};
use crate::labs::{Chart, Curve, Evaluation, Lab, LabDef, Preset, Reading, StepMetrics, Suits};
use crate::params::{self, Group, ParamKind, ParamSpec, Values, text_of};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
use corpus::{Corpus, corpus_text};
use model::Word2Vec;
use crate::tensors::{self, Floats};

pub const DEF: LabDef = LabDef {
    id: "word2vec",
    params,
    build,
    views: &["map", "nearest", "analogy", "pairs"],
    charts: &[Chart {
        id: "loss",
        curves: &[Curve::faint("batch_loss"), Curve::bold("held_out_loss")],
        unit: false,
        line: None,
    }],
    strings: strings::STRINGS,
    // Five passes over Moby Dick with the defaults (`budget` works it out for other settings).
    steps: 16_219,
    small: &[("corpus", "article"), ("dim", "8"), ("min_count", "1"), ("batch", "16")],
    suits: Suits::Cpu,
    trained: None,
    presets: &[
        Preset {
            id: "moby",
            values: &[
                ("corpus", "moby_dick"),
                ("min_count", "5"),
                ("subsample", "0.001"),
                ("dim", "100"),
                ("window", "5"),
                ("batch", "256"),
                ("epochs", "5"),
                ("query", "whale"),
                ("analogy", "ahab ship boat"),
                ("pairs", "whale sea; ship boat; ahab captain"),
            ],
        },
        // Two dimensions: a cosine is then only an angle, and hundreds of words share each one
        // (after 4,000 steps "whale"'s ten nearest are at 0.99999…1.0: intelligence, maternal,
        // zealand…; with 100 dimensions: sperm, right, valuable, fishery, ship).
        Preset { id: "dim_2", values: &[("dim", "2")] },
        // Forty times the default rate: the loss becomes infinite at step 72 (seed 1) and the
        // run stops there.
        Preset { id: "too_high", values: &[("lr", "1")] },
        // Six sentences are too few for sub-sampling or a minimum count: every word is kept,
        // and many passes make up for the little text.
        Preset {
            id: "article",
            values: &[
                ("corpus", "article"),
                ("segment", "words"),
                ("min_count", "1"),
                ("subsample", "1"),
                ("dim", "8"),
                ("window", "2"),
                ("batch", "16"),
                ("epochs", "300"),
                ("query", "苹果"),
                ("analogy", "苹果 吃 喝"),
                ("pairs", "苹果 香蕉; 牛奶 果汁; 我 你"),
                ("map_words", "10"),
            ],
        },
    ],
};

// ---------------------------------------------------------------------------------------
// Parameters

fn is_file(v: &Values) -> bool {
    text_of(v, "corpus") == "file"
}
/// Corpora that may hold Chinese (the user's file too).
fn is_chinese(v: &Values) -> bool {
    text_of(v, "corpus") != "moby_dick"
}

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    vec![
        ParamSpec::new("corpus", Data, Choice { default: "moby_dick", options: &["moby_dick", "tang", "lunyu", "article", "file"] }),
        ParamSpec::new("file", Data, Path { folder: false, extensions: &["txt"] }).shown_if(is_file),
        ParamSpec::new("segment", Data, Choice { default: "words", options: &["words", "chars"] }).shown_if(is_chinese),
        ParamSpec::new("min_count", Data, Int { default: 5, min: 1, max: 1000 }),
        ParamSpec::new("subsample", Data, Float { default: 1e-3, min: 1e-6, max: 1.0, log: true }),
        ParamSpec::new("model", Model, Choice { default: "skipgram", options: &["skipgram", "cbow"] }),
        ParamSpec::new("dim", Model, Int { default: 100, min: 2, max: 300 }),
        ParamSpec::new("window", Model, Int { default: 5, min: 1, max: 20 }).live(),
        ParamSpec::new("negatives", Training, Int { default: 5, min: 1, max: 30 }).live(),
        ParamSpec::new("lr", Training, Float { default: 0.025, min: 1e-4, max: 1.0, log: true }).live(),
        ParamSpec::new("batch", Training, Int { default: 256, min: 1, max: 4096 }).live(),
        ParamSpec::new("epochs", Training, Int { default: 5, min: 1, max: 1000 }),
        ParamSpec::new("query", Sampling, Text { default: "whale" }).live(),
        ParamSpec::new("analogy", Sampling, Text { default: "ahab ship boat" }).live(),
        ParamSpec::new("pairs", Sampling, Text { default: "whale sea; ship boat; ahab captain" }).live(),
        ParamSpec::new("map_words", Sampling, Int { default: 150, min: 10, max: 1000 }).live(),
        ParamSpec::new("map_method", Sampling, Choice { default: "pca", options: &["pca", "tsne"] }).live(),
        seed_spec(),
    ]
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Arch {
    Skipgram,
    Cbow,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    corpus: String,
    file: String,
    segment: String,
    min_count: u64,
    subsample: f64,
    model: Arch,
    dim: usize,
    window: usize,
    negatives: usize,
    lr: f64,
    batch: usize,
    epochs: u64,
    query: String,
    analogy: String,
    pairs: String,
    map_words: usize,
    map_method: String,
    seed: u64,
}


fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    let corpus = Corpus::new(&corpus_text(&cfg)?, cfg.segment == "words", cfg.min_count, cfg.subsample)?;
    Ok(Box::new(Word2VecLab::new(cfg, corpus, device)))
}

// ---------------------------------------------------------------------------------------
// The lab

struct Word2VecLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    steps: u64,
    corpus: Corpus,
    train_device: Device,
    device: Device,
    model: Word2Vec,
    optim: ModuleOptimizer,
    rng: Rng,
    /// Each chosen pair's cosine similarity at each evaluation: (step, values).
    pair_history: Vec<(u64, Vec<f32>)>,
    /// The last t-SNE map: the step, the word count and the points (t-SNE is slow to redo).
    tsne_map: Option<(u64, usize, Vec<[f32; 2]>)>,
}

impl Word2VecLab {
    fn new(cfg: Config, corpus: Corpus, device: &Device) -> Self {
        let train_device = device.clone().autodiff();
        train_device.seed(cfg.seed);
        Self {
            rates: Vec::new(),
            steps: 0,
            model: Word2Vec::new(corpus.vocab.len(), cfg.dim, &train_device),
            optim: SgdConfig::new().init(),
            rng: Rng::new(cfg.seed.wrapping_add(1)),
            pair_history: Vec::new(),
            tsne_map: None,
            corpus,
            train_device,
            device: device.clone(),
            cfg,
        }
    }

    /// The steps `epochs` passes over the (sub-sampled) corpus take: each kept token is the
    /// centre of about `window + 1` pairs (skip-gram) or of one window (CBOW).
    fn planned_steps(&self) -> u64 {
        let per_token = match self.cfg.model {
            Arch::Skipgram => (self.cfg.window + 1) as f64,
            Arch::Cbow => 1.0,
        };
        ((self.cfg.epochs as f64 * self.corpus.kept * per_token) / self.cfg.batch.max(1) as f64).ceil().max(1.0)
            as u64
    }

    /// The input vectors, normalised to length 1, row-major `[vocab, dim]`.
    fn unit_vectors(&self) -> Vec<f32> {
        let w: Vec<f32> = self.model.input.weight.val().floats();
        let d = self.cfg.dim;
        w.chunks(d)
            .flat_map(|v| {
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                v.iter().map(move |x| x / n)
            })
            .collect()
    }

    /// Words nearest (by cosine) to the vector `q` (unit length), leaving out `skip`.
    fn nearest_to(&self, unit: &[f32], q: &[f32], skip: &[u32], n: usize) -> Vec<(String, f32)> {
        let d = self.cfg.dim;
        let mut sims: Vec<(usize, f32)> = unit
            .chunks(d)
            .enumerate()
            .filter(|(i, _)| !skip.contains(&(*i as u32)))
            .map(|(i, v)| (i, v.iter().zip(q).map(|(a, b)| a * b).sum::<f32>()))
            .collect();
        sims.sort_by(|a, b| b.1.total_cmp(&a.1));
        sims.into_iter().take(n).map(|(i, s)| (self.corpus.vocab.words[i].clone(), s)).collect()
    }

    fn word(&self, w: &str) -> Option<u32> {
        self.corpus.vocab.index.get(&w.trim().to_lowercase()).copied()
    }

    /// The nearest words to `query`, if it is in the vocabulary.
    fn nearest(&self, query: &str, n: usize) -> Option<Vec<(String, f32)>> {
        let i = self.word(query)?;
        let unit = self.unit_vectors();
        let d = self.cfg.dim;
        let q = unit[i as usize * d..(i as usize + 1) * d].to_vec();
        Some(self.nearest_to(&unit, &q, &[i], n))
    }

    /// a - b + c's nearest words (a is to b as ? is to c, written "a b c").
    fn analogy(&self, text: &str, n: usize) -> Option<Vec<(String, f32)>> {
        let words: Vec<u32> = text.split_whitespace().map(|w| self.word(w)).collect::<Option<_>>()?;
        let [a, b, c] = words[..] else { return None };
        let unit = self.unit_vectors();
        let d = self.cfg.dim;
        let row = |i: u32| &unit[i as usize * d..(i as usize + 1) * d];
        let mut q: Vec<f32> = (0..d).map(|j| row(a)[j] - row(b)[j] + row(c)[j]).collect();
        let norm = q.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        q.iter_mut().for_each(|x| *x /= norm);
        Some(self.nearest_to(&unit, &q, &[a, b, c], n))
    }

    /// The chosen pairs ("a b; c d") found in the vocabulary, with their cosine similarity.
    fn pair_similarities(&self) -> Vec<(String, f32)> {
        let unit = self.unit_vectors();
        let d = self.cfg.dim;
        self.cfg
            .pairs
            .split(';')
            .filter_map(|p| {
                let w: Vec<&str> = p.split_whitespace().collect();
                let [x, y] = w[..] else { return None };
                let (i, j) = (self.word(x)? as usize, self.word(y)? as usize);
                let s = (0..d).map(|k| unit[i * d + k] * unit[j * d + k]).sum();
                Some((format!("{x} – {y}"), s))
            })
            .collect()
    }
}

impl Lab for Word2VecLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let (contexts, c, targets) = self.corpus.draw(&self.cfg, self.cfg.batch, &mut self.rng);
        let b = targets.len() / (self.cfg.negatives + 1);
        if b == 0 {
            return Err(LabError::Invalid {
                key: "err.no_pairs",
                english: "no word of the text has a neighbour: use a longer text or a lower minimum count",
            });
        }
        let ctx = tensors::ints(contexts, [b, c], &self.train_device);
        let tgt = tensors::ints(targets, [b, self.cfg.negatives + 1], &self.train_device);
        let loss = self.model.loss(ctx, tgt);
        let per_pair = Reading::of(loss.clone().div_scalar(b as f32));
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        // Linear decay over the planned run, as word2vec does (never below 1/10,000).
        let progress = self.steps as f64 / self.planned_steps() as f64;
        let lr = self.cfg.lr * (1.0 - progress).max(1e-4);
        self.rates = vec![("lr", lr)];
        self.model = self.optim.step(lr, self.model.clone(), grads);
        self.steps += 1;
        Ok(StepMetrics::loss(per_pair))
    }

    /// The loss per pair on a fixed set of 2,048 pairs (the same ones at every evaluation),
    /// and the chosen pairs' similarities for their view.
    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        let (contexts, c, targets) = self.corpus.draw(&self.cfg, 2048, &mut Rng::new(self.cfg.seed.wrapping_add(99)));
        let b = targets.len() / (self.cfg.negatives + 1);
        let device = self.device.clone();
        let model = self.model.valid();
        let ctx = tensors::ints(contexts, [b, c], &device);
        let tgt = tensors::ints(targets, [b, self.cfg.negatives + 1], &device);
        let loss = model.loss(ctx, tgt).into_scalar::<f32>() / b.max(1) as f32;
        let sims = self.pair_similarities();
        self.pair_history.push((self.steps, sims.iter().map(|s| s.1).collect()));
        Ok(Evaluation { values: vec![("held_out_loss", loss)] })
    }

    fn budget(&self) -> Option<u64> {
        Some(self.planned_steps())
    }

    fn eval_every(&self) -> u64 {
        200
    }

    fn charts(&self) -> Vec<&'static str> {
        vec!["loss"]
    }

    fn views(&self) -> Vec<ViewSpec> {
        ViewSpec::list(DEF.views)
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match view {
            "map" => Ok(self.map_view()),
            "nearest" => Ok(self.nearest_view()),
            "analogy" => Ok(self.analogy_view()),
            "pairs" => Ok(self.pairs_view()),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        if new.pairs != self.cfg.pairs {
            self.pair_history.clear();
        }
        // Everything else is read where it is used.
        self.cfg = new;
        Ok(())
    }

    crate::labs::kit::weights::config_and_model!();
    crate::labs::kit::rewind::rewinds!(modules: [model], optimizers: [optim], plain: [rates, steps, rng, pair_history, tsne_map]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus with planted groups: sentences mix words of one group only, so a group's
    /// words share their contexts.
    fn planted(rng: &mut Rng) -> String {
        let groups = [["red", "green", "blue", "pink"], ["cat", "dog", "cow", "pig"], ["one", "two", "six", "ten"]];
        (0..3000)
            .map(|_| {
                let g = &groups[rng.below(3)];
                (0..6).map(|_| g[rng.below(4)]).collect::<Vec<_>>().join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_registry_budget_is_the_default_run() {
        let lab = build(&params::defaults(&params()), &Device::flex()).unwrap();
        assert_eq!(lab.budget(), Some(DEF.steps));
    }

    #[test]
    fn negatives_are_drawn_in_proportion_to_count_to_the_three_quarters() {
        // "a" 16 times, "b" once: weights 16^0.75 = 8 and 1.
        let text = format!("{} b", vec!["a"; 16].join(" "));
        let c = Corpus::new(&text, false, 1, 1.0).unwrap();
        let a = c.negatives.iter().filter(|&&w| w == c.vocab.index["a"]).count() as f64;
        let share = a / c.negatives.len() as f64;
        assert!((share - 8.0 / 9.0).abs() < 0.01, "{share}");
        // Sub-sampling keeps a rare word always and a frequent one less often.
        // (t = 0.1: "b" at 1/17 is below it, "a" at 16/17 far above.)
        let c = Corpus::new(&text, false, 1, 0.1).unwrap();
        assert_eq!(c.keep[c.vocab.index["b"] as usize], 1.0);
        assert!(c.keep[c.vocab.index["a"] as usize] < 0.5);
    }

    #[test]
    fn words_of_a_planted_group_end_nearer_each_other_than_any_other() {
        let text = planted(&mut Rng::new(3));
        for arch in ["skipgram", "cbow"] {
            let specs = params();
            let values = params::parse_pairs(
                &specs,
                &[("dim", "16"), ("min_count", "1"), ("subsample", "1"), ("batch", "64"), ("model", arch), ("lr", "0.05")],
            )
            .unwrap();
            let cfg: Config = params::typed(&specs, &values).unwrap();
            let corpus = Corpus::new(&text, true, 1, 1.0).unwrap();
            let mut lab = Word2VecLab::new(cfg, corpus, &Device::flex());
            for _ in 0..600 {
                lab.step().unwrap();
            }
            let unit = lab.unit_vectors();
            let sim = |a: &str, b: &str| {
                let (i, j) = (lab.word(a).unwrap() as usize * 16, lab.word(b).unwrap() as usize * 16);
                (0..16).map(|k| unit[i + k] * unit[j + k]).sum::<f32>()
            };
            let within = (sim("red", "blue") + sim("cat", "cow") + sim("two", "ten")) / 3.0;
            let across = (sim("red", "cat") + sim("cow", "six") + sim("pink", "one")) / 3.0;
            assert!(within > across + 0.3, "{arch}: within {within}, across {across}");
            let near = lab.nearest("dog", 3).unwrap();
            assert!(near.iter().all(|(w, _)| ["cat", "cow", "pig"].contains(&w.as_str())), "{arch}: {near:?}");
        }
    }
}
