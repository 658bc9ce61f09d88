//! The lab registry and the one trait every lab implements.
//!
//! A lab is one module that reads top to bottom: its parameter table and config, its data,
//! its model, its training step, its evaluation and its views.

use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, ModuleOptimizer, SgdConfig};
use burn::tensor::activation::{log_softmax, relu, sigmoid, softmax, tanh};
use burn::tensor::{Device, Tensor, TensorData};
use serde::Deserialize;

use crate::data::images::{ImageSet, Split};
use crate::error::LabError;
use crate::params::{ParamSpec, ParamValue, Values};
use crate::rng::Rng;
use crate::view::{Heatmap, Picker, Scale, View, ViewSpec};

pub mod cnn;
pub mod mlp;
pub mod resnet;

/// The optimizers every lab offers (the choice keys `sgd`, `momentum`, `adam`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Optim {
    Sgd,
    Momentum,
    Adam,
}

impl Optim {
    pub const KEYS: &'static [&'static str] = &["sgd", "momentum", "adam"];

    /// A fresh optimizer (no momentum, no moment estimates yet).
    pub fn build(self) -> ModuleOptimizer {
        match self {
            Self::Sgd => SgdConfig::new().init(),
            Self::Momentum => SgdConfig::new()
                .with_momentum(Some(MomentumConfig::new().with_momentum(0.9).with_dampening(0.0)))
                .init(),
            Self::Adam => AdamConfig::new().init(),
        }
    }
}

/// How the learning rate changes over a run (the choice keys `constant`, `cosine`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Decay {
    Constant,
    Cosine,
}

impl Decay {
    pub const KEYS: &'static [&'static str] = &["constant", "cosine"];

    /// The learning rate for step `t` (from 0): `lr`, or a half cosine from `lr` down to
    /// `lr / 100` over `over` steps, held there afterwards.
    pub fn lr(self, lr: f64, t: u64, over: u64) -> f64 {
        match self {
            Self::Constant => lr,
            Self::Cosine => {
                let p = (t as f64 / over.max(1) as f64).min(1.0);
                let floor = lr / 100.0;
                floor + (lr - floor) * 0.5 * (1.0 + (std::f64::consts::PI * p).cos())
            }
        }
    }
}

/// The activation functions labs offer (the choice keys `relu`, `tanh`, `sigmoid`, `linear`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
    Linear,
}

impl Activation {
    pub fn apply<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Self::Relu => relu(x),
            Self::Tanh => tanh(x),
            Self::Sigmoid => sigmoid(x),
            Self::Linear => x,
        }
    }

    /// `n` uniform initial weights from our own seeded generator: He for ReLU, Glorot
    /// otherwise (so that the same seed gives the same model on any thread).
    pub fn init(self, rng: &mut Rng, n: usize, fan_in: usize, fan_out: usize) -> Vec<f32> {
        let limit = match self {
            Self::Relu => (6.0 / fan_in as f32).sqrt(),
            _ => (6.0 / (fan_in + fan_out) as f32).sqrt(),
        };
        (0..n).map(|_| rng.uniform(-limit, limit)).collect()
    }
}

/// Mini-batches of row indices: a fresh seeded shuffle every epoch.
#[derive(Clone, Debug)]
pub struct Batches {
    order: Vec<usize>,
    cursor: usize,
}

impl Batches {
    pub fn new(rows: usize) -> Self {
        Self { order: (0..rows).collect(), cursor: usize::MAX }
    }

    /// The next `size` rows (at most all of them).
    pub fn next(&mut self, size: usize, rng: &mut Rng) -> Vec<usize> {
        let n = self.order.len();
        let b = size.clamp(1, n.max(1)).min(n);
        if self.cursor.saturating_add(b) > n {
            rng.shuffle(&mut self.order);
            self.cursor = 0;
        }
        let batch = self.order[self.cursor..self.cursor + b].to_vec();
        self.cursor += b;
        batch
    }
}

/// A batch of images as a `[n, c, h, w]` tensor, each optionally shifted by up to two pixels
/// (augmentation) when `shift` gives a generator.
pub fn image_batch(set: &ImageSet, idx: &[usize], shift: Option<&mut Rng>, device: &Device) -> Tensor<4> {
    let px = crate::data::images::shifted(set, idx, shift);
    Tensor::from_data(TensorData::new(px, [idx.len(), set.channels, set.h, set.w]), device)
}

/// The live parameter `sample`: which test image the views show (test sets hold up to 2,000).
pub fn sample_spec() -> ParamSpec {
    use crate::params::{Group, ParamKind};
    ParamSpec::new("sample", Group::Data, ParamKind::Int { default: 0, min: 0, max: 1999 }).live()
}

/// An image as a picture (colour images by their mean brightness).
pub fn picture(set: &ImageSet, i: usize, title: String) -> Heatmap {
    let (h, w) = (set.h, set.w);
    let img = set.image(i);
    let values =
        (0..h * w).map(|p| (0..set.channels).map(|c| img[c * h * w + p]).sum::<f32>() / set.channels as f32);
    Heatmap {
        title,
        rows: h,
        cols: w,
        values: values.collect(),
        range: (0.0, 1.0),
        scale: Scale::Sequential,
        row_labels: vec![],
        col_labels: vec![],
        show_values: false,
    }
}

/// A strip of twelve test images around `sample` (#0-11, #12-23, ...) that sets the `sample`
/// parameter when one is clicked, the chosen one marked.
pub fn test_strip(test: &ImageSet, sample: usize) -> (Vec<Heatmap>, Picker) {
    let start = sample / 12 * 12;
    let strip: Vec<usize> = (start..(start + 12).min(test.len())).collect();
    let row = strip.iter().map(|&i| picture(test, i, format!("#{i}"))).collect();
    let picker = Picker {
        row: 0,
        param: "sample",
        values: strip.iter().map(|&i| i as i64).collect(),
        selected: strip.iter().position(|&i| i == sample),
    };
    (row, picker)
}

/// How many training images an image classifier's evaluation scores (the first ones).
pub const TRAIN_EVAL: usize = 1000;

/// Scores an image classifier on the first [`TRAIN_EVAL`] training images and the whole test
/// set, with `probs` (class probabilities of some images of a set). Returns the evaluation, the
/// test set's probabilities and its confusion matrix.
pub fn evaluate_images(
    data: &Split,
    classes: usize,
    probs: impl Fn(&ImageSet, &[usize]) -> Vec<f32>,
) -> (Evaluation, Vec<f32>, Vec<u32>) {
    let (train, test) = (&data.train, &data.test);
    let train_idx: Vec<usize> = (0..train.len().min(TRAIN_EVAL)).collect();
    let (train_loss, train_acc, _) =
        score(&probs(train, &train_idx), &train.labels[..train_idx.len()], classes);
    let test_idx: Vec<usize> = (0..test.len()).collect();
    let p = probs(test, &test_idx);
    let (test_loss, test_acc, confusion) = score(&p, &test.labels, classes);
    let e = Evaluation { train_loss, train_acc: Some(train_acc), test_loss, test_acc: Some(test_acc) };
    (e, p, confusion)
}

/// Class probabilities of some images, `chunk` at a time, through `logits` (an inference
/// model's forward pass).
pub fn image_probs(
    set: &ImageSet,
    idx: &[usize],
    chunk: usize,
    device: &Device,
    logits: impl Fn(Tensor<4>) -> Tensor<2>,
) -> Vec<f32> {
    let mut out = Vec::with_capacity(idx.len() * set.class_names.len());
    for part in idx.chunks(chunk.max(1)) {
        let l = logits(image_batch(set, part, None, device));
        out.extend(softmax(l, 1).into_data().iter::<f32>());
    }
    out
}

/// The knobs every trainer has (the parameters `optimizer`, `lr`, `lr_decay`, `decay_steps`
/// and `batch`); a lab's config holds them flattened.
#[derive(Clone, Debug, Deserialize)]
pub struct Training {
    pub optimizer: Optim,
    pub lr: f64,
    pub lr_decay: Decay,
    pub decay_steps: u64,
    pub batch: usize,
}

/// A lab's defaults for the training knobs.
#[derive(Clone, Copy, Debug)]
pub struct TrainingDefaults {
    pub lr: f64,
    pub lr_max: f64,
    pub batch: i64,
    pub decay: &'static str,
    pub decay_steps: i64,
}

impl Training {
    /// The parameter specs of the training knobs, all live.
    pub fn specs(d: TrainingDefaults) -> Vec<ParamSpec> {
        use crate::params::Group::Training as G;
        use crate::params::ParamKind::*;
        fn cosine(v: &Values) -> bool {
            crate::params::text_of(v, "lr_decay") == "cosine"
        }
        vec![
            ParamSpec::new("optimizer", G, Choice { default: "adam", options: Optim::KEYS }).live(),
            ParamSpec::new("lr", G, Float { default: d.lr, min: 1e-5, max: d.lr_max, log: true }).live(),
            ParamSpec::new("lr_decay", G, Choice { default: d.decay, options: Decay::KEYS }).live(),
            ParamSpec::new("decay_steps", G, Int { default: d.decay_steps, min: 10, max: 1_000_000 })
                .live()
                .shown_if(cosine),
            ParamSpec::new("batch", G, Int { default: d.batch, min: 1, max: 512 }).live(),
        ]
    }

    /// The learning rate for step `t` (from 0).
    pub fn lr_at(&self, t: u64) -> f64 {
        self.lr_decay.lr(self.lr, t, self.decay_steps)
    }

    /// The learning rate in effect after `t` steps for a lab's parameter values (its decay
    /// applied), for display; `None` for a lab without these knobs.
    pub fn lr_for(values: &Values, t: u64) -> Option<f64> {
        let lr = match values.get("lr")? {
            ParamValue::Float(x) => *x,
            _ => return None,
        };
        let decay = match values.get("lr_decay") {
            Some(ParamValue::Text(s)) => choice::<Decay>(s)?,
            _ => Decay::Constant,
        };
        let over = match values.get("decay_steps") {
            Some(ParamValue::Int(n)) => (*n).max(1) as u64,
            _ => 1,
        };
        Some(decay.lr(lr, t, over))
    }

    /// Applies a live change of one of these knobs (a new optimizer starts with fresh state);
    /// `None` when `key` is not one of them.
    pub fn set_live(
        &mut self,
        key: &str,
        value: &ParamValue,
        optim: &mut ModuleOptimizer,
    ) -> Option<Applied> {
        match (key, value) {
            ("lr", ParamValue::Float(x)) => self.lr = *x,
            ("batch", ParamValue::Int(n)) => self.batch = (*n).max(1) as usize,
            ("decay_steps", ParamValue::Int(n)) => self.decay_steps = (*n).max(1) as u64,
            ("lr_decay", ParamValue::Text(s)) => match choice::<Decay>(s) {
                Some(d) => self.lr_decay = d,
                None => return Some(Applied::NeedsReset),
            },
            ("optimizer", ParamValue::Text(s)) => match choice::<Optim>(s) {
                Some(o) => {
                    self.optimizer = o;
                    *optim = o.build();
                }
                None => return Some(Applied::NeedsReset),
            },
            _ => return None,
        }
        Some(Applied::Live)
    }
}

/// A confusion matrix (rows: true class, columns: predicted) as a view.
pub fn confusion_view(counts: &[u32], class_names: &[String]) -> View {
    let k = class_names.len();
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    View::Heatmap(Heatmap {
        title: String::new(),
        rows: k,
        cols: k,
        values: counts.iter().map(|&c| c as f32).collect(),
        range: (0.0, max),
        scale: Scale::Sequential,
        row_labels: class_names.to_vec(),
        col_labels: class_names.to_vec(),
        show_values: true,
    })
}

/// A choice parameter's value as its typed enum (the same names serde reads in configs).
pub fn choice<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.into())).ok()
}

/// Mean cross-entropy of logits `[n, classes]` against one-hot targets.
pub fn cross_entropy(logits: Tensor<2>, onehot: Tensor<2>) -> Tensor<1> {
    let n = logits.dims()[0] as f32;
    (log_softmax(logits, 1) * onehot).sum().mul_scalar(-1.0 / n)
}

/// One-hot rows for class labels.
pub fn onehot(labels: &[u32], classes: usize) -> Vec<f32> {
    let mut v = vec![0.0f32; labels.len() * classes];
    for (i, &y) in labels.iter().enumerate() {
        v[i * classes + y as usize] = 1.0;
    }
    v
}

/// Loss, accuracy and confusion matrix (rows: true class) of class probabilities.
pub fn score(probs: &[f32], labels: &[u32], classes: usize) -> (f32, f32, Vec<u32>) {
    let (mut loss, mut correct) = (0.0f64, 0usize);
    let mut confusion = vec![0u32; classes * classes];
    for (i, &y) in labels.iter().enumerate() {
        let row = &probs[i * classes..(i + 1) * classes];
        let pred = argmax(row);
        loss -= (row[y as usize].max(1e-7) as f64).ln();
        correct += (pred == y as usize) as usize;
        confusion[y as usize * classes + pred] += 1;
    }
    let n = labels.len().max(1) as f64;
    ((loss / n) as f32, (correct as f64 / n) as f32, confusion)
}

pub fn argmax(row: &[f32]) -> usize {
    (0..row.len()).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap_or(0)
}

/// Loss (and accuracy, where it means something) of one training step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepMetrics {
    pub loss: f32,
}

/// Loss and accuracy on the whole training and held-out sets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    pub train_loss: f32,
    pub train_acc: Option<f32>,
    pub test_loss: f32,
    pub test_acc: Option<f32>,
}

/// Whether a live hyper-parameter change took effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// From the next step on.
    Live,
    /// Only after a reset (the model or the data must be rebuilt).
    NeedsReset,
}

/// One lab, built for one device from validated values.
pub trait Lab: Send {
    /// Trains on one mini-batch.
    fn step(&mut self) -> Result<StepMetrics, LabError>;
    /// Measures the current model on the training and held-out sets.
    fn evaluate(&mut self) -> Result<Evaluation, LabError>;
    /// Evaluate every this many steps (the engine's schedule; evaluation costs time).
    fn eval_every(&self) -> u64 {
        25
    }
    /// Things the user should know about the data (e.g. files that could not be read).
    fn notices(&self) -> Vec<LabError> {
        Vec::new()
    }
    /// The pictures this lab offers with its current data (e.g. no boundary for 4-D data).
    fn views(&self) -> Vec<ViewSpec>;
    /// Computes one picture as plain data.
    fn render(&mut self, view: &str) -> Result<View, LabError>;
    /// Takes data from the user (e.g. a drawing), named by a view's input key.
    fn input(&mut self, key: &str, _data: Vec<f32>) -> Result<(), LabError> {
        Err(LabError::UnknownView(key.into()))
    }
    /// Changes a hyper-parameter mid-run where the lab can (the value is already validated).
    fn set_live(&mut self, key: &str, value: &ParamValue) -> Applied;
}

/// Builds a lab from validated values on a device.
pub type BuildFn = fn(&Values, &Device) -> Result<Box<dyn Lab>, LabError>;

/// A lab in the registry: its id (also the translation key `lab.<id>`), its parameters and
/// its constructor.
pub struct LabDef {
    pub id: &'static str,
    pub params: fn() -> Vec<ParamSpec>,
    pub build: BuildFn,
}

impl std::fmt::Debug for LabDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabDef").field("id", &self.id).finish()
    }
}

impl LabDef {
    pub fn defaults(&self) -> Values {
        crate::params::defaults(&(self.params)())
    }
    pub fn validate(&self, values: &Values) -> Result<Values, LabError> {
        crate::params::validate(&(self.params)(), values)
    }
    pub fn spec(&self, key: &str) -> Option<ParamSpec> {
        (self.params)().into_iter().find(|s| s.key == key)
    }
}

/// Every lab that exists and trains, in the order the app lists them.
pub fn registry() -> &'static [LabDef] {
    static LABS: [LabDef; 3] = [mlp::DEF, cnn::DEF, resnet::DEF];
    &LABS
}

pub fn find_lab(id: &str) -> Result<&'static LabDef, LabError> {
    registry().iter().find(|d| d.id == id).ok_or_else(|| LabError::UnknownLab(id.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_decay_glides_from_the_rate_to_a_hundredth_and_stays() {
        let lr = 0.01;
        assert_eq!(Decay::Constant.lr(lr, 5000, 100), lr);
        assert!((Decay::Cosine.lr(lr, 0, 1000) - lr).abs() < 1e-12);
        assert!((Decay::Cosine.lr(lr, 500, 1000) - 0.00505).abs() < 1e-9);
        assert!((Decay::Cosine.lr(lr, 1000, 1000) - 0.0001).abs() < 1e-12);
        assert!((Decay::Cosine.lr(lr, 9000, 1000) - 0.0001).abs() < 1e-12);
        let rates: Vec<f64> = (0..=1000).step_by(50).map(|t| Decay::Cosine.lr(lr, t, 1000)).collect();
        let mut values = Values::new();
        assert_eq!(Training::lr_for(&values, 10), None, "no learning rate, nothing to show");
        values.insert("lr".into(), ParamValue::Float(lr));
        assert_eq!(Training::lr_for(&values, 500), Some(lr));
        values.insert("lr_decay".into(), ParamValue::Text("cosine".into()));
        values.insert("decay_steps".into(), ParamValue::Int(1000));
        assert_eq!(Training::lr_for(&values, 500), Some(Decay::Cosine.lr(lr, 500, 1000)));
        assert!(rates.windows(2).all(|w| w[1] < w[0]), "falls all the way: {rates:?}");
    }
}
