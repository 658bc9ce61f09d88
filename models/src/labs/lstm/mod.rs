//! The LSTM lab: memory carried through gates (Hochreiter & Schmidhuber 1997). The article's
//! model first — LSTM(128) and a dense softmax layer reading an MNIST digit row by row (28
//! steps of 28 pixels) — then a character language model and a time series. Reads top to
//! bottom: parameters -> data -> step -> evaluation; the network is in `model.rs`, the
//! pictures (gates, samples, the series, gradients back in time) in `views.rs`.

pub(crate) mod gated;
mod model;
mod strings;
mod views;


use burn::grad_clipping::GradientClippingConfig;
use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::data::images::{self, ImageSet, Split};
use crate::data::sequences;
use crate::data::text::CharText;
use crate::error::LabError;
use crate::labs::kit::charlm::{self, text_batch};
use crate::labs::kit::images::sample_spec;
use crate::labs::kit::{Batches, Training, TrainingDefaults, cross_entropy, onehot, score, seed_spec, token_cross_entropy};
use crate::labs::{CLASSIFIER_CHARTS, Evaluation, Lab, LabDef, Preset, StepMetrics, Suits};
use crate::params::{self, Group, ParamKind, ParamSpec, Values, text_of};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
use crate::tensors;
use model::{Input, Net};

pub const DEF: LabDef = LabDef {
    id: "lstm",
    params,
    build,
    views: &["gates", "sample", "series", "gradient"],
    charts: CLASSIFIER_CHARTS,
    strings: strings::STRINGS,
    // Sequential MNIST (the default task); `budget` gives the other tasks theirs.
    steps: MNIST_STEPS,
    small: &[("train_size", "200"), ("hidden", "8"), ("batch", "4"), ("seq_len", "8"), ("length", "20")],
    suits: Suits::Cpu,
    trained: None,
    presets: &[
        Preset { id: "article", values: &[("task", "mnist"), ("layers", "1"), ("hidden", "128"), ("dropout", "0")] },
        Preset { id: "moby", values: &[("task", "text"), ("corpus", "moby_dick"), ("prompt", "")] },
        Preset { id: "tang", values: &[("task", "text"), ("corpus", "tang"), ("prompt", "")] },
        Preset { id: "sines", values: &[("task", "sines"), ("seq_len", "100")] },
        // Adam at its largest rate, 0.1: the loss jumps about and climbs (diverging at step 266,
        // seed 1; held-out accuracy 0.61 after 800 steps). Without clipping it runs the same
        // course: at these rates the gates keep the gradient bounded.
        Preset { id: "too_high", values: &[("task", "mnist"), ("lr", "0.1")] },
        // 200 training digits and 256 units: training loss 2e-4 after 800 steps, held-out loss
        // 1.64, accuracy 0.70.
        Preset { id: "overfit", values: &[("task", "mnist"), ("train_size", "200"), ("hidden", "256")] },
    ],
};

const MNIST_STEPS: u64 = 3000;
const TEXT_STEPS: u64 = 1500;
const SINES_STEPS: u64 = 600;

// ---------------------------------------------------------------------------------------
// Parameters

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Task {
    Mnist,
    Text,
    Sines,
}

fn is_mnist(v: &Values) -> bool {
    text_of(v, "task") == "mnist"
}
fn is_text(v: &Values) -> bool {
    text_of(v, "task") == "text"
}
fn is_file(v: &Values) -> bool {
    is_text(v) && text_of(v, "corpus") == "file"
}
fn is_sines(v: &Values) -> bool {
    text_of(v, "task") == "sines"
}
fn is_sequence(v: &Values) -> bool {
    !is_mnist(v)
}

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    let mut p = vec![
        ParamSpec::new("task", Data, Choice { default: "mnist", options: &["mnist", "text", "sines"] }),
        ParamSpec::new("corpus", Data, Choice { default: "moby_dick", options: &["moby_dick", "tang", "lunyu", "file"] })
            .shown_if(is_text),
        ParamSpec::new("file", Data, Path { folder: false, extensions: &["txt"] }).shown_if(is_file),
        ParamSpec::new("train_size", Data, Int { default: 20_000, min: 100, max: 20_000 }).shown_if(is_mnist),
        ParamSpec::new("noise", Data, Float { default: 0.05, min: 0.0, max: 0.5, log: false }).live().shown_if(is_sines),
        ParamSpec::new("seq_len", Data, Int { default: 100, min: 4, max: 400 }).live().shown_if(is_sequence),
        ParamSpec::new("layers", Model, Int { default: 1, min: 1, max: 4 }),
        ParamSpec::new("hidden", Model, Int { default: 128, min: 4, max: 512 }),
        ParamSpec::new("dropout", Model, Float { default: 0.0, min: 0.0, max: 0.8, log: false }).live(),
        ParamSpec::new("clip", Training, Float { default: 5.0, min: 0.0, max: 100.0, log: false }).live(),
    ];
    // A cosine decay over the MNIST budget: at a constant 2e-3 the test accuracy wandered
    // between 0.957 and 0.968 from step 1,750 on (training accuracy 0.989).
    p.extend(crate::labs::kit::Training::specs(TrainingDefaults { lr: 2e-3, lr_max: 0.1, batch: 64, decay: "cosine", decay_steps: 3000 }));
    p.extend([
        ParamSpec::new("prompt", Sampling, Text { default: "" }).live().shown_if(is_text),
        sample_spec().shown_if(is_mnist),
        ParamSpec::new("temperature", Sampling, Float { default: 0.8, min: 0.0, max: 2.0, log: false }).live().shown_if(is_text),
        ParamSpec::new("length", Sampling, Int { default: 400, min: 10, max: 3000 }).live().shown_if(is_text),
        ParamSpec::new("layer", Sampling, Int { default: 1, min: 1, max: 4 }).live(),
        ParamSpec::new("first_unit", Sampling, Int { default: 0, min: 0, max: 511 }).live(),
        ParamSpec::new("units", Sampling, Int { default: 8, min: 1, max: 128 }).live(),
        seed_spec(),
    ]);
    p
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    task: Task,
    corpus: String,
    file: String,
    train_size: usize,
    noise: f64,
    seq_len: usize,
    layers: usize,
    hidden: usize,
    dropout: f64,
    clip: f64,
    #[serde(flatten)]
    train: Training,
    prompt: String,
    sample: usize,
    temperature: f64,
    length: usize,
    layer: usize,
    first_unit: usize,
    units: usize,
    seed: u64,
}

impl Config {
    fn clipping(&self) -> Option<GradientClippingConfig> {
        (self.clip > 0.0).then_some(GradientClippingConfig::Norm(self.clip as f32))
    }
}

// ---------------------------------------------------------------------------------------
// Data

enum Data {
    /// Images read row by row.
    Mnist(Split),
    Text(CharText),
    /// Held-out series to measure on (training draws fresh ones).
    Sines(Vec<Vec<f32>>),
}

/// Series held out for measuring (each `SERIES_LEN` long, at the set noise).
const SERIES: usize = 64;
const SERIES_LEN: usize = 200;

fn load_data(cfg: &Config) -> Result<Data, LabError> {
    Ok(match cfg.task {
        Task::Mnist => {
            let s = images::mnist()?;
            Data::Mnist(Split { train: s.train.first(cfg.train_size), test: s.test })
        }
        Task::Text => {
            Data::Text(charlm::corpus(&cfg.corpus, &cfg.file, cfg.seed)?)
        }
        Task::Sines => Data::Sines(held_series(cfg)),
    })
}

/// `n` series of `len` values at the set noise, drawn with `rng`.
fn draw_series(cfg: &Config, n: usize, len: usize, rng: &mut Rng) -> Vec<Vec<f32>> {
    (0..n).map(|_| sequences::sines(len, cfg.noise as f32, rng)).collect()
}

/// The held-out series (seeded: the same for a seed and a noise).
fn held_series(cfg: &Config) -> Vec<Vec<f32>> {
    draw_series(cfg, SERIES, SERIES_LEN, &mut Rng::new(cfg.seed.wrapping_add(7)))
}

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    let data = load_data(&cfg)?;
    let (input, outputs) = match &data {
        Data::Mnist(s) => (Input::Values(s.train.w), s.train.class_names.len()),
        Data::Text(t) => (Input::Tokens(t.len()), t.len()),
        Data::Sines(_) => (Input::Values(1), 1),
    };
    let train_device = device.clone().autodiff();
    train_device.seed(cfg.seed);
    let model = Net::new(input, cfg.hidden, cfg.layers, outputs, cfg.dropout, &train_device);
    let rows = match &data {
        Data::Mnist(s) => s.train.len(),
        _ => 1,
    };
    Ok(Box::new(LstmLab {
        rates: Vec::new(),
        steps: 0,
        views: Default::default(),
        optim: cfg.train.optimizer.build_clipped(cfg.clipping()),
        batches: Batches::new(rows),
        rng: Rng::new(cfg.seed.wrapping_add(1)),
        train_device,
        device: device.clone(),
        data,
        model,
        cfg,
    }))
}

// ---------------------------------------------------------------------------------------
// The lab

struct LstmLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    steps: u64,
    train_device: Device,
    device: Device,
    data: Data,
    model: Net,
    optim: ModuleOptimizer,
    views: crate::labs::kit::cache::ViewCache,
    batches: Batches,
    rng: Rng,
}

/// An image set's rows as a sequence `[n, rows, row length]`.
fn image_rows(set: &ImageSet, idx: &[usize], device: &Device) -> Tensor<3> {
    let px: Vec<f32> = idx.iter().flat_map(|&i| set.image(i).iter().copied()).collect();
    tensors::floats(px, [idx.len(), set.h, set.w * set.channels], device)
}

/// Series of `len + 1` values as inputs `[b, len, 1]` and next values `[b, len, 1]`.
fn series_batch(series: &[&[f32]], device: &Device) -> (Tensor<3>, Tensor<3>) {
    let len = series[0].len() - 1;
    let x: Vec<f32> = series.iter().flat_map(|s| s[..len].iter().copied()).collect();
    let y: Vec<f32> = series.iter().flat_map(|s| s[1..].iter().copied()).collect();
    (
        tensors::floats(x, [series.len(), len, 1], device),
        tensors::floats(y, [series.len(), len, 1], device),
    )
}

impl LstmLab {
    /// Mean cross-entropy (nats per character) of `model` on `windows`.
    fn text_loss(model: &Net, windows: &[&[u32]], device: &Device) -> Tensor<1> {
        let (x, y) = text_batch(windows, device);
        let [b, t] = x.dims();
        let (top, _, _) = model.run(model.embed(x), None, false);
        let logits = model.outputs(top);
        let v = logits.dims()[2];
        token_cross_entropy(logits.reshape([b * t, v]), y)
    }

    /// The digit logits `[n, 10]` after reading every row.
    fn digit_logits(model: &Net, x: Tensor<3>) -> Tensor<2> {
        let (top, _, _) = model.run(x, None, false);
        let [b, t, n] = top.dims();
        model.head.forward(top.slice([0..b, t - 1..t, 0..n]).reshape([b, n]))
    }

    /// Mean validation (or training) loss over `n` fixed windows, in batches of 64.
    fn text_measure(&self, valid: bool, n: usize) -> f32 {
        let Data::Text(t) = &self.data else { return f32::NAN };
        let model = self.model.valid();
        charlm::measure(t, valid, n, self.cfg.seq_len + 1, self.cfg.seed, 64, |c| {
            Self::text_loss(&model, c, &self.device)
        })
    }

    /// Mean squared error of the next value over series (teacher forcing).
    fn series_mse(model: &Net, series: &[&[f32]], device: &Device) -> Tensor<1> {
        let (x, y) = series_batch(series, device);
        let (top, _, _) = model.run(x, None, false);
        (model.outputs(top) - y).powi_scalar(2).mean()
    }

    fn fresh_series(&mut self, n: usize) -> Vec<Vec<f32>> {
        draw_series(&self.cfg, n, self.cfg.seq_len + 1, &mut self.rng)
    }

    fn mnist_scores(&self, set: &ImageSet, n: usize) -> (f32, f32, Vec<u32>) {
        let model = self.model.valid();
        let idx: Vec<usize> = (0..set.len().min(n)).collect();
        let parts = idx
            .chunks(500)
            .map(|chunk| {
                let logits = Self::digit_logits(&model, image_rows(set, chunk, &self.device));
                burn::tensor::activation::softmax(logits, 1)
            })
            .collect();
        let probs = tensors::read_all(parts);
        let labels: Vec<u32> = idx.iter().map(|&i| set.labels[i]).collect();
        score(&probs, &labels, set.class_names.len())
    }
}

impl Lab for LstmLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let b = self.cfg.train.batch;
        let device = self.train_device.clone();
        let series = if self.cfg.task == Task::Sines { self.fresh_series(b) } else { vec![] };
        let loss = match &self.data {
            Data::Mnist(s) => {
                let idx = self.batches.next(b, &mut self.rng);
                let labels: Vec<u32> = idx.iter().map(|&i| s.train.labels[i]).collect();
                let k = s.train.class_names.len();
                let y = tensors::floats(onehot(&labels, k), [idx.len(), k], &device);
                cross_entropy(Self::digit_logits(&self.model, image_rows(&s.train, &idx, &device)), y)
            }
            Data::Text(t) => {
                let windows = charlm::windows(&t.train, b, self.cfg.seq_len + 1, &mut self.rng);
                Self::text_loss(&self.model, &windows, &device)
            }
            Data::Sines(_) => {
                let refs: Vec<&[f32]> = series.iter().map(Vec::as_slice).collect();
                Self::series_mse(&self.model, &refs, &device)
            }
        };
        // On the CPU checked before the update, so that a NaN never reaches the weights.
        let value = crate::labs::kit::checked_loss(&loss, self.steps + 1, &device)?;
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let lr = self.cfg.train.lr_at(self.steps);
        self.rates = vec![("lr", lr)];
        self.model = self.optim.step(lr, self.model.clone(), grads);
        self.steps += 1;
        Ok(StepMetrics::loss(value))
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        // Training series: the same ones at every evaluation.
        let fresh = if self.cfg.task == Task::Sines {
            draw_series(&self.cfg, SERIES, self.cfg.seq_len + 1, &mut Rng::new(self.cfg.seed.wrapping_add(8)))
        } else {
            vec![]
        };
        Ok(match &self.data {
            Data::Mnist(s) => {
                let (train_loss, train_acc, _) = self.mnist_scores(&s.train, 2000);
                let (test_loss, test_acc, _) = self.mnist_scores(&s.test, usize::MAX);
                Evaluation::classify(train_loss, Some(train_acc), test_loss, Some(test_acc))
            }
            Data::Text(_) => Evaluation::classify(self.text_measure(false, 32), None, self.text_measure(true, 64), None),
            Data::Sines(held) => {
                let model = self.model.valid();
                let refs: Vec<&[f32]> = held.iter().map(|s| &s[..(self.cfg.seq_len + 1).min(s.len())]).collect();
                let test = Self::series_mse(&model, &refs, &self.device).into_scalar::<f32>();
                let refs: Vec<&[f32]> = fresh.iter().map(Vec::as_slice).collect();
                let train = Self::series_mse(&model, &refs, &self.device).into_scalar::<f32>();
                Evaluation::classify(train, None, test, None)
            }
        })
    }

    /// For text, the validation loss over 512 windows (~50,000 characters) rather than 64.
    fn final_evaluation(&mut self) -> Result<Evaluation, LabError> {
        let mut e = self.evaluate()?;
        if matches!(self.data, Data::Text(_)) {
            let loss = self.text_measure(true, 512);
            e.values.retain(|(k, _)| *k != "test_loss");
            e.values.push(("test_loss", loss));
        }
        Ok(e)
    }

    fn budget(&self) -> Option<u64> {
        Some(match self.cfg.task {
            Task::Mnist => MNIST_STEPS,
            Task::Text => TEXT_STEPS,
            Task::Sines => SINES_STEPS,
        })
    }

    fn gallery(&self) -> Option<&'static str> {
        Some(match self.cfg.task {
            Task::Text => "sample",
            Task::Sines => "series",
            Task::Mnist => "gates",
        })
    }

    fn eval_every(&self) -> u64 {
        250
    }

    fn charts(&self) -> Vec<&'static str> {
        if self.cfg.task == Task::Mnist { vec!["loss", "accuracy"] } else { vec!["loss"] }
    }

    fn views(&self) -> Vec<ViewSpec> {
        let ids: &[&'static str] = match self.cfg.task {
            Task::Mnist => &["gates", "gradient"],
            Task::Text => &["sample", "gates", "gradient"],
            Task::Sines => &["series", "gates", "gradient"],
        };
        ViewSpec::list(ids)
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        let settings = serde_json::to_string(&self.cfg).unwrap_or_default();
        if let Some(v) = self.views.fresh(view, self.steps, &settings) {
            return Ok(v);
        }
        let started = std::time::Instant::now();
        let v = match (view, self.cfg.task) {
            ("gates", _) => self.gates_view(),
            ("sample", Task::Text) => self.sample_view(),
            ("series", Task::Sines) => self.series_view(),
            ("gradient", _) => self.gradient_view(),
            _ => return Err(LabError::UnknownView(view.into())),
        };
        self.views.keep(view, self.steps, settings, started, &v);
        Ok(v)
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        if new.clip != self.cfg.clip || new.train.optimizer != self.cfg.train.optimizer {
            self.optim = new.train.optimizer.build_clipped(new.clipping());
        }
        if new.dropout != self.cfg.dropout {
            self.model.dropout.prob = new.dropout;
        }
        if new.noise != self.cfg.noise
            && let Data::Sines(held) = &mut self.data
        {
            *held = held_series(&new);
        }
        // The sequence length, the prompt and what the views show are read where they are used.
        self.cfg = new;
        Ok(())
    }

    crate::labs::kit::weights::config_and_model!();
    crate::labs::kit::rewind::rewinds!(modules: [model], optimizers: [optim], plain: [rates, steps, rng, batches], cleared: [views]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensors::{self, Floats};
    use crate::view::View;

    fn lab(sets: &[(&str, &str)]) -> Box<dyn Lab> {
        crate::labs::small_lab(&DEF, sets)
    }

    #[test]
    fn shapes_of_each_task_and_a_state_carried_on() {
        let device = Device::flex();
        let net = Net::new(Input::Tokens(7), 5, 2, 7, 0.0, &device);
        let ids = tensors::ints(vec![1i64, 2, 3, 4, 5, 6], [2, 3], &device);
        let (top, state, recs) = net.run(net.embed(ids.clone()), None, true);
        assert_eq!(top.dims(), [2, 3, 5]);
        assert_eq!(net.outputs(top.clone()).dims(), [2, 3, 7]);
        assert_eq!((state.len(), recs.len()), (2, 2));
        assert_eq!(recs[1].forget.dims(), [2, 3, 5]);
        // Reading the last step from the state after the first two gives the same output.
        let (first, state, _) = net.run(net.embed(ids.clone().slice([0..2, 0..2])), None, false);
        let (last, _, _) = net.run(net.embed(ids.slice([0..2, 2..3])), Some(state), false);
        let whole: Vec<f32> = top.floats();
        let parts: Vec<f32> = Tensor::cat(vec![first, last], 1).floats();
        let worst = whole.iter().zip(&parts).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(worst < 1e-6, "{worst}");
        // A digit: 28 rows in, 10 scores out.
        let digits = Net::new(Input::Values(28), 6, 1, 10, 0.0, &device);
        assert_eq!(LstmLab::digit_logits(&digits, Tensor::zeros([3, 28, 28], &device)).dims(), [3, 10]);
    }

    #[test]
    fn every_task_trains_and_draws_its_views() {
        for task in ["mnist", "text", "sines"] {
            let mut l = lab(&[("task", task), ("corpus", "lunyu")]);
            let first = l.step().unwrap().loss.unwrap().value();
            for _ in 0..5 {
                l.step().unwrap();
            }
            assert!(first.is_finite());
            let e = l.evaluate().unwrap();
            assert!(e.get("test_loss").unwrap().is_finite(), "{task}");
            for v in l.views() {
                l.render(v.id).unwrap_or_else(|e| panic!("{task} {}: {e:?}", v.id));
            }
        }
        // The gates view shows the chosen units of the prompt, one column per character.
        let mut l = lab(&[("task", "text"), ("corpus", "lunyu"), ("prompt", "子曰：学"), ("units", "3")]);
        let View::Column(parts) = l.render("gates").unwrap() else { panic!() };
        let View::HeatmapRows { rows, .. } = &parts[0].1 else { panic!() };
        assert_eq!((rows[0][0].rows, rows[0][0].cols), (3, 4));
        assert_eq!(rows[0][0].col_labels, ["子", "曰", "：", "学"]);
        let View::Text(t) = l.render("sample").unwrap() else { panic!() };
        assert_eq!(t.lines[0].1[1].0.chars().count(), 20, "the sample length");
    }

    #[test]
    fn a_text_file_that_is_missing_or_not_utf8_gets_its_message() {
        let specs = params();
        let values = params::parse_pairs(&specs, &[("task", "text"), ("corpus", "file")]).unwrap();
        let err = build(&values, &Device::flex()).err().unwrap();
        assert!(matches!(err, LabError::Invalid { key: "err.no_text_file", .. }), "{err:?}");
        let bad = std::env::temp_dir().join("tenlab-lstm-latin1.txt");
        std::fs::write(&bad, [0x63, 0x61, 0x66, 0xe9]).unwrap();
        let values = params::parse_pairs(&specs, &[("task", "text"), ("corpus", "file"), ("file", bad.to_str().unwrap())]).unwrap();
        let err = build(&values, &Device::flex()).err().unwrap();
        assert!(matches!(err, LabError::Text { problem: crate::error::TextProblem::NotUtf8, .. }), "{err:?}");
    }
}
