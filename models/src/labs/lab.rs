//! The one trait every lab implements, and what the registry knows of a lab.

use burn::tensor::{Device, Tensor};

use super::kit::rewind::Snapshot;
use crate::engine::Detector;
use crate::error::LabError;
use crate::params::{ParamSpec, Values};
use crate::view::{View, ViewSpec};

/// What one training step measured: its loss (the `batch_loss` curve, checked for NaN; none
/// for a step that trained nothing, e.g. an agent still filling its replay buffer) and any
/// further curves the lab declares in its [`Chart`]s (e.g. a GAN's generator loss).
#[derive(Clone, Debug)]
pub struct StepMetrics {
    pub loss: Option<Reading>,
    pub more: Vec<(&'static str, Reading)>,
}

impl StepMetrics {
    pub fn loss(loss: impl Into<Reading>) -> Self {
        Self { loss: Some(loss.into()), more: Vec::new() }
    }
}

/// One figure of a training step: a number the lab already has on the CPU, or a one-number
/// tensor still on the device. The session reads the latter together, several steps' worth
/// in one transfer, so that a GPU never waits for the CPU to read each step's loss (a
/// GPU-to-CPU sync per step would keep the CPU from queueing the next step's kernels).
#[derive(Clone, Debug)]
pub enum Reading {
    Value(f32),
    Device(Box<Tensor<1>>),
}

impl Reading {
    /// The single number of `t` (a loss: any shape with one element), left on its device,
    /// without its autodiff graph.
    pub fn of<const D: usize>(t: Tensor<D>) -> Self {
        Self::Device(Box::new(t.inner().reshape([1])))
    }

    /// The number, read now if it is still on the device (a sync: for tests and the odd lab
    /// that needs it at once).
    pub fn value(self) -> f32 {
        match self {
            Self::Value(v) => v,
            Self::Device(t) => t.into_scalar::<f32>(),
        }
    }
}

impl From<f32> for Reading {
    fn from(v: f32) -> Self {
        Self::Value(v)
    }
}

/// What an evaluation measured, by curve key: for a classifier `train_loss`, `test_loss`,
/// `train_acc`, `test_acc`; other labs name their own. Every value must be finite.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    pub values: Vec<(&'static str, f32)>,
}

impl Evaluation {
    /// Loss and accuracy (where it means something) on the training and held-out sets.
    pub fn classify(train_loss: f32, train_acc: Option<f32>, test_loss: f32, test_acc: Option<f32>) -> Self {
        let mut values = vec![("train_loss", train_loss), ("test_loss", test_loss)];
        values.extend(train_acc.map(|a| ("train_acc", a)));
        values.extend(test_acc.map(|a| ("test_acc", a)));
        Self { values }
    }

    pub fn get(&self, key: &str) -> Option<f32> {
        self.values.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
    }
}

/// How a curve is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Curve {
    pub key: &'static str,
    /// Thin and grey (a noisy per-batch curve behind the evaluated ones).
    pub faint: bool,
}

impl Curve {
    pub const fn bold(key: &'static str) -> Self {
        Self { key, faint: false }
    }
    pub const fn faint(key: &'static str) -> Self {
        Self { key, faint: true }
    }
}

/// One plot of curves against the step; `id` is the translation key `chart.<id>`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chart {
    pub id: &'static str,
    pub curves: &'static [Curve],
    /// The y axis shows at least 0 to 1 (accuracies, fractions).
    pub unit: bool,
    /// A level to mark across the plot (e.g. the return that counts as solved).
    pub line: Option<f32>,
}

/// The charts of a classifier: losses, then accuracies.
pub const CLASSIFIER_CHARTS: &[Chart] = &[
    Chart {
        id: "loss",
        curves: &[Curve::faint("batch_loss"), Curve::bold("train_loss"), Curve::bold("test_loss")],
        unit: false,
        line: None,
    },
    Chart {
        id: "accuracy",
        curves: &[Curve::bold("train_acc"), Curve::bold("test_acc")],
        unit: true,
        line: None,
    },
];

/// Whether a hyper-parameter change took effect.
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
    /// The evaluation at the end of a headless run: `evaluate`, plus figures too slow to
    /// measure during training (e.g. reading 100 generated samples).
    fn final_evaluation(&mut self) -> Result<Evaluation, LabError> {
        self.evaluate()
    }
    /// The training steps its current data needs when they differ from [`LabDef::steps`]
    /// (e.g. a 2-D cloud beside images): the CLI's default budget.
    fn budget(&self) -> Option<u64> {
        None
    }
    /// The view that best shows what the model makes (the CLI's `--png-out` draws it; the
    /// last frame of a player).
    fn gallery(&self) -> Option<&'static str> {
        None
    }
    /// Evaluate every this many steps (the engine's schedule; evaluation costs time).
    fn eval_every(&self) -> u64 {
        25
    }
    /// The ways of failing the engine watches this lab's run for (see [`Detector`]): by
    /// default those of a learner whose loss falls and that is evaluated on held-out data.
    fn detectors(&self) -> Vec<Detector> {
        Detector::LEARNER.to_vec()
    }
    /// Things the user should know about the data (e.g. files that could not be read).
    fn notices(&self) -> Vec<LabError> {
        Vec::new()
    }
    /// The pictures this lab offers with its current data (a subset of [`LabDef::views`]).
    fn views(&self) -> Vec<ViewSpec>;
    /// The charts this lab draws with its current data (ids of [`LabDef::charts`]); a
    /// classifier's by default.
    fn charts(&self) -> Vec<&'static str> {
        CLASSIFIER_CHARTS.iter().map(|c| c.id).collect()
    }
    /// Computes one picture as plain data.
    fn render(&mut self, view: &str) -> Result<View, LabError>;
    /// The numbers the formula of `view` (its translation `view.<view>.formula`, `{0}`, `{1}`…)
    /// shows with the current settings and model, in order; none for a view without one.
    fn formula(&self, _view: &str) -> Vec<f32> {
        Vec::new()
    }
    /// Takes data from the user (e.g. a drawing), named by a view's input key.
    fn input(&mut self, key: &str, _data: Vec<f32>) -> Result<(), LabError> {
        Err(LabError::UnknownView(key.into()))
    }
    /// Takes over a live change. `values` are the values the lab was built from with the live
    /// changes since applied (never a change that needs a reset): the lab rebuilds its typed
    /// config from them, the same way as at build time, and reacts to what differs.
    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError>;
    /// The typed config the lab runs with now, as values (what `reconfigure` last took).
    fn settings(&self) -> Values;
    /// The learning rate(s) the latest step applied, schedules and warm-up included, by the
    /// key of the parameter that sets each (`lr`; a GAN's `g_lr` and `d_lr`): what the status
    /// bar shows. Empty before the first step that trained.
    fn rates(&self) -> Vec<(&'static str, f64)>;
    /// Trainable numbers the training step updates (every network it trains; not a frozen
    /// copy such as a target network or an average of the weights).
    fn parameters(&self) -> usize;
    /// The model's weights, as bytes (Burn's record format).
    fn weights(&self) -> Result<Vec<u8>, LabError>;
    /// Replaces the model's weights with saved ones (of a lab built with the same settings)
    /// that trained `steps` steps; on an error the model is unchanged.
    fn load_weights(&mut self, bytes: &[u8], steps: u64) -> Result<(), LabError>;
    /// Everything its training changes, to come back to (see [`super::kit::rewind`]; labs
    /// write it with `rewinds!`).
    fn checkpoint(&self) -> Result<Snapshot, LabError>;
    /// Goes back to a checkpoint of this lab: the engine restores the settings of that moment
    /// first (through `reconfigure`). On an error nothing changed.
    fn restore(&mut self, snapshot: &Snapshot) -> Result<(), LabError>;
}

/// Builds a lab from validated values on a device.
pub type BuildFn = fn(&Values, &Device) -> Result<Box<dyn Lab>, LabError>;

/// A lab's strings: `(key, English, 简体中文)`, keys relative to the lab: `name`, `short`,
/// `desc`, `<param>`, `<param>.help`, `opt.<choice>`, `view.<view>`, `view.<view>.help`,
/// `chart.<chart>`, `metric.<curve>`, `err.<error>`. A lab's own entry wins over the shared ones of `kit`.
pub type Strings = &'static [(&'static str, &'static str, &'static str)];

/// Which device a lab runs best on when the user leaves the choice to the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suits {
    /// Small models: the CPU beats the GPU's launch and transfer overheads (a tiny MLP runs
    /// ~30x faster on the CPU than on an H100).
    Cpu,
    /// Big convolutional models: a hardware GPU when there is one.
    Gpu,
}

/// A lab in the registry: everything the engine, the app, the CLI and the tests need to know.
pub struct LabDef {
    /// Also the prefix of its settings and model files.
    pub id: &'static str,
    pub params: fn() -> Vec<ParamSpec>,
    pub build: BuildFn,
    /// Every view the lab can offer (`Lab::views` picks those that fit the current data).
    pub views: &'static [&'static str],
    /// The plots beside the views, each naming its curves (`batch_loss` and the keys of
    /// [`StepMetrics::more`] and [`Evaluation::values`]).
    pub charts: &'static [Chart],
    pub strings: Strings,
    /// The training steps its defaults are tuned for (the CLI's default budget).
    pub steps: u64,
    /// Settings (`key`, `value` as typed) that make the lab quick to build and step, on top of
    /// the defaults: what the registry-driven tests use.
    pub small: &'static [(&'static str, &'static str)],
    pub suits: Suits,
    /// A trained model shipped in the binary, to start from at once.
    pub trained: Option<Trained>,
    /// Named sets of settings to start from (`preset.<id>` is the translation key), e.g. the
    /// lab's tuned defaults beside the recipe of an article.
    pub presets: &'static [Preset],
}

/// A named set of settings (`key`, `value` as typed).
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    pub id: &'static str,
    pub values: &'static [(&'static str, &'static str)],
}

/// A model file bundled with the app (made by the CLI command the README gives).
#[derive(Clone, Copy, Debug)]
pub struct Trained {
    /// Its path under `assets/` (for messages).
    pub file: &'static str,
    pub bytes: &'static [u8],
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
