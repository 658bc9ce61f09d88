//! The MLP lab: a fully connected network on TensorFlow Playground's 2-D sets, Iris, or the
//! user's own CSV. Reads top to bottom: parameters -> data -> model -> step; the model is in
//! `model.rs`, the pictures in `views.rs`, the words in `strings.rs`.

mod model;
mod strings;
mod views;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::data::toy2d::{self, EXTENT, Shape};
use crate::data::{self, Table};
use crate::engine::Detector;
use crate::error::LabError;
use crate::labs::kit::{Activation, Batches, Training, TrainingDefaults, confusion_view, cross_entropy, onehot, score, seed_spec};
use crate::labs::{Chart, Curve, Evaluation, Lab, LabDef, Preset, Reading, StepMetrics, Suits, kit};
use crate::params::{self, Group, ParamKind, ParamSpec, Values, text_of};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
use model::Net;
use crate::tensors::{self, Floats};

pub const DEF: LabDef = LabDef {
    id: "mlp",
    params,
    build,
    views: &["boundary", "neurons", "weights", "confusion"],
    charts: CHARTS,
    strings: strings::STRINGS,
    // The spiral, the hardest 2-D set, is learnt by then with the defaults.
    steps: 2500,
    small: &[("points", "100")],
    suits: Suits::Cpu,
    trained: None,
    presets: &[
        Preset { id: "defaults", values: &[] },
        // Plain SGD with steps 300 times the default's: each overshoots the valley it aims for.
        Preset { id: "too_high", values: &[("optimizer", "sgd"), ("lr", "3")] },
        // Six sigmoid layers: the gradient shrinks at each on its way back, and the first layers
        // barely learn the spiral.
        Preset { id: "vanishing", values: &[("dataset", "spiral"), ("activation", "sigmoid"), ("layers", "6")] },
        // ReLU with Adam's steps ten times the default's: most units are pushed to output 0 for
        // every point, and the spiral stays unlearnt.
        Preset { id: "dead_relu", values: &[("dataset", "spiral"), ("activation", "relu"), ("lr", "0.1")] },
        // A deep, wide network on 10% of a noisy circle: it learns the noise of its 50 points.
        Preset {
            id: "overfit",
            values: &[
                ("noise", "30"),
                ("train_pct", "10"),
                ("layers", "6"),
                ("neurons", "32"),
                ("activation", "relu"),
                ("lr", "0.03"),
            ],
        },
    ],
};

// ---------------------------------------------------------------------------------------
// Parameters

/// A classifier's charts, and the share of dead ReLUs (ReLU networks only).
const CHARTS: &[Chart] = &[
    crate::labs::CLASSIFIER_CHARTS[0],
    crate::labs::CLASSIFIER_CHARTS[1],
    Chart { id: "units", curves: &[Curve::bold("dead_share")], unit: true, line: None },
    kit::GRADIENT_CHART,
];

/// Half or more of the hidden ReLUs dead (see `dead_share`).
const DEAD_RELU: Detector = Detector::Level { id: "dead_relu", metric: "dead_share", level: 0.5, above: true, times: 1 };
/// Steps between two measurements of that ratio.
const GRAD_EVERY: u64 = 10;

const DATASETS: &[&str] = &["circle", "xor", "gauss", "spiral", "moons", "iris", "csv"];

fn is_toy(v: &Values) -> bool {
    !matches!(text_of(v, "dataset"), "iris" | "csv")
}
fn is_csv(v: &Values) -> bool {
    text_of(v, "dataset") == "csv"
}

/// The input features of the 2-D sets, as in TensorFlow Playground.
const FEATURES: [(&str, &str); 7] = [
    ("x1", "x₁"),
    ("x2", "x₂"),
    ("x1_sq", "x₁²"),
    ("x2_sq", "x₂²"),
    ("x1x2", "x₁x₂"),
    ("sin_x1", "sin x₁"),
    ("sin_x2", "sin x₂"),
];

fn feature(key: &str, x: [f32; 2]) -> f32 {
    match key {
        "x1" => x[0],
        "x2" => x[1],
        "x1_sq" => x[0] * x[0],
        "x2_sq" => x[1] * x[1],
        "x1x2" => x[0] * x[1],
        "sin_x1" => x[0].sin(),
        "sin_x2" => x[1].sin(),
        _ => unreachable!("unknown feature {key}"),
    }
}

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    let mut p = vec![
        ParamSpec::new("dataset", Data, Choice { default: "circle", options: DATASETS }),
        ParamSpec::new("points", Data, Int { default: 500, min: 50, max: 2000 }).shown_if(is_toy),
        ParamSpec::new("noise", Data, Float { default: 0.0, min: 0.0, max: 50.0, log: false })
            .unit("percent")
            .shown_if(is_toy),
        ParamSpec::new("train_pct", Data, Float { default: 70.0, min: 10.0, max: 90.0, log: false })
            .unit("percent"),
        ParamSpec::new("csv_path", Data, Path { folder: false, extensions: &["csv", "tsv", "txt"] })
            .shown_if(is_csv),
        ParamSpec::new("csv_label", Data, Text { default: "last" }).shown_if(is_csv),
    ];
    for (key, _) in FEATURES {
        let default = matches!(key, "x1" | "x2");
        p.push(ParamSpec::new(key, Data, Bool { default }).shown_if(is_toy));
    }
    p.extend([
        ParamSpec::new("layers", Model, Int { default: 3, min: 0, max: 6 }),
        ParamSpec::new("neurons", Model, Int { default: 8, min: 1, max: 32 }),
        ParamSpec::new(
            "activation",
            Model,
            Choice { default: "tanh", options: &["relu", "tanh", "sigmoid", "linear"] },
        )
        .live(),
    ]);
    p.extend(kit::Training::specs(TrainingDefaults {
        lr: 0.01,
        lr_max: 10.0,
        batch: 16,
        decay: "constant",
        decay_steps: 2000,
    }));
    p.extend([
        ParamSpec::new("l2", Training, Float { default: 0.0, min: 0.0, max: 0.1, log: false }).live(),
        seed_spec(),
    ]);
    p
}

/// The typed config; field names are the parameter keys above (ranges live there).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    dataset: String,
    points: usize,
    noise: f64,
    train_pct: f64,
    csv_path: String,
    csv_label: String,
    x1: bool,
    x2: bool,
    x1_sq: bool,
    x2_sq: bool,
    x1x2: bool,
    sin_x1: bool,
    sin_x2: bool,
    layers: usize,
    neurons: usize,
    activation: Activation,
    #[serde(flatten)]
    train: Training,
    l2: f64,
    seed: u64,
}

impl Config {
    fn features(&self) -> Vec<&'static str> {
        let on = [self.x1, self.x2, self.x1_sq, self.x2_sq, self.x1x2, self.sin_x1, self.sin_x2];
        FEATURES.iter().zip(on).filter(|(_, on)| *on).map(|((k, _), _)| *k).collect()
    }
}

// ---------------------------------------------------------------------------------------
// Data

/// How points of the plane become model inputs (2-D data only).
#[derive(Clone, Debug)]
enum Inputs {
    /// Playground features of the raw coordinates.
    Features(Vec<&'static str>),
    /// Standardised coordinates (a 2-column CSV file).
    Standardized(Vec<(f32, f32)>),
}

impl Inputs {
    fn of(&self, p: [f32; 2]) -> Vec<f32> {
        match self {
            Self::Features(keys) => keys.iter().map(|k| feature(k, p)).collect(),
            Self::Standardized(m) => vec![(p[0] - m[0].0) / m[0].1, (p[1] - m[1].0) / m[1].1],
        }
    }
}

/// The plane of a 2-D dataset: raw positions for drawing and the map to model inputs.
#[derive(Clone, Debug)]
struct Plane {
    train: Vec<[f32; 2]>,
    test: Vec<[f32; 2]>,
    x_range: (f32, f32),
    y_range: (f32, f32),
    inputs: Inputs,
}

struct Data {
    train: Table,
    test: Table,
    plane: Option<Plane>,
}

fn load_data(cfg: &Config) -> Result<Data, LabError> {
    let mut rng = Rng::new(cfg.seed);
    let frac = cfg.train_pct / 100.0;
    let shape = match cfg.dataset.as_str() {
        "circle" => Some(Shape::Circle),
        "xor" => Some(Shape::Xor),
        "gauss" => Some(Shape::Gauss),
        "spiral" => Some(Shape::Spiral),
        "moons" => Some(Shape::Moons),
        _ => None,
    };
    if let Some(shape) = shape {
        let keys = cfg.features();
        if keys.is_empty() {
            return Err(LabError::Invalid {
                key: "err.no_features",
                english: "select at least one input feature",
            });
        }
        let pts = toy2d::generate(shape, cfg.points, (cfg.noise / 100.0) as f32, &mut rng);
        let raw = Table {
            x: pts.iter().flat_map(|(p, _)| *p).collect(),
            y: pts.iter().map(|(_, y)| *y).collect(),
            dims: 2,
            feature_names: vec!["x1".into(), "x2".into()],
            class_names: vec!["0".into(), "1".into()],
        };
        let (train_raw, test_raw) = raw.split(frac, &mut rng);
        let inputs = Inputs::Features(keys.clone());
        let names: Vec<String> =
            keys.iter().map(|k| FEATURES.iter().find(|f| f.0 == *k).unwrap().1.to_string()).collect();
        let featurize = |t: &Table| Table {
            x: (0..t.rows()).flat_map(|i| inputs.of([t.row(i)[0], t.row(i)[1]])).collect(),
            y: t.y.clone(),
            dims: keys.len(),
            feature_names: names.clone(),
            class_names: t.class_names.clone(),
        };
        let points = |t: &Table| (0..t.rows()).map(|i| [t.row(i)[0], t.row(i)[1]]).collect();
        let plane = Plane {
            train: points(&train_raw),
            test: points(&test_raw),
            x_range: (-EXTENT, EXTENT),
            y_range: (-EXTENT, EXTENT),
            inputs: inputs.clone(),
        };
        return Ok(Data { train: featurize(&train_raw), test: featurize(&test_raw), plane: Some(plane) });
    }
    let table = if cfg.dataset == "iris" {
        data::iris()
    } else {
        if cfg.csv_path.trim().is_empty() {
            return Err(LabError::Invalid { key: "err.no_csv", english: "choose a CSV file first" });
        }
        data::csv::load(cfg.csv_path.trim(), Some(&cfg.csv_label))?
    };
    let (mut train, mut test) = table.split(frac, &mut rng);
    if train.rows() == 0 || test.rows() == 0 {
        return Err(LabError::Invalid {
            key: "err.too_few_rows",
            english: "too few rows for a train/test split",
        });
    }
    let moments = train.moments();
    let plane = (table.dims == 2).then(|| {
        let pts = |t: &Table| (0..t.rows()).map(|i| [t.row(i)[0], t.row(i)[1]]).collect::<Vec<_>>();
        let range = |j: usize| {
            let (lo, hi) = (0..table.rows())
                .map(|i| table.row(i)[j])
                .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            let pad = ((hi - lo) * 0.1).max(1e-3);
            (lo - pad, hi + pad)
        };
        Plane {
            train: pts(&train),
            test: pts(&test),
            x_range: range(0),
            y_range: range(1),
            inputs: Inputs::Standardized(moments.clone()),
        }
    });
    train.standardize(&moments);
    test.standardize(&moments);
    Ok(Data { train, test, plane })
}

/// Features and one-hot targets of a table as tensors on `device`.
fn tensors(t: &Table, classes: usize, device: &Device) -> (Tensor<2>, Tensor<2>) {
    let x = tensors::floats(t.x.clone(), [t.rows(), t.dims], device);
    (x, tensors::floats(onehot(&t.y, classes), [t.rows(), classes], device))
}

// ---------------------------------------------------------------------------------------
// The lab

struct MlpLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    /// Steps trained (the learning-rate schedule reads it).
    steps: u64,
    /// The training device (autodiff) and the plain one for evaluation and views.
    train_device: Device,
    device: Device,
    data: Data,
    classes: usize,
    x_train: Tensor<2>,
    y_train: Tensor<2>,
    model: Net,
    optim: ModuleOptimizer,
    rng: Rng,
    batches: Batches,
    /// Test-set confusion matrix from the last evaluation.
    confusion: Vec<u32>,
}

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    let data = load_data(&cfg)?;
    let classes = data.train.class_names.len();
    let train_device = device.clone().autodiff();
    let mut rng = Rng::new(cfg.seed.wrapping_add(1));
    let mut sizes = vec![data.train.dims];
    sizes.extend(std::iter::repeat_n(cfg.neurons, cfg.layers));
    sizes.push(classes);
    let model = Net::new(&sizes, cfg.activation, &mut rng, &train_device);
    let (x_train, y_train) = tensors(&data.train, classes, &train_device);
    let batches = Batches::new(data.train.rows());
    Ok(Box::new(MlpLab {
        rates: Vec::new(),
        steps: 0,
        optim: cfg.train.optimizer.build(),
        cfg,
        train_device,
        device: device.clone(),
        confusion: vec![0; classes * classes],
        classes,
        data,
        x_train,
        y_train,
        model,
        rng,
        batches,
    }))
}

impl MlpLab {
    /// The share of hidden ReLUs that output 0 for every training example (dead: no
    /// gradient reaches their weights again), or none without hidden ReLUs.
    fn dead_share(&self) -> Option<f32> {
        if self.cfg.activation != Activation::Relu || self.model.layers.len() <= 1 {
            return None;
        }
        let train = &self.data.train;
        let rows = train.x.len() / train.dims.max(1);
        let x = tensors::floats(train.x.clone(), [rows, train.dims], &self.device);
        let (_, hidden) = self.model.valid().forward_all(x, self.cfg.activation);
        // Each unit's largest output over the set, every layer in one read.
        let most = tensors::read_all(hidden.into_iter().map(|h| h.max_dim(0)).collect());
        Some(most.iter().filter(|&&v| v <= 0.0).count() as f32 / most.len().max(1) as f32)
    }

    /// Class probabilities of many input rows, with the plain (non-autodiff) model.
    fn probs(&self, x: Vec<f32>, dims: usize) -> Vec<f32> {
        let rows = x.len() / dims.max(1);
        let x = tensors::floats(x, [rows, dims], &self.device);
        let logits = self.model.valid().forward(x, self.cfg.activation);
        softmax(logits, 1).floats()
    }
}

impl Lab for MlpLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let batch: Vec<i64> =
            self.batches.next(self.cfg.train.batch, &mut self.rng).into_iter().map(|i| i as i64).collect();
        let b = batch.len();
        let idx = tensors::ints(batch, [b], &self.train_device);
        let x = self.x_train.clone().select(0, idx.clone());
        let y = self.y_train.clone().select(0, idx);
        let logits = self.model.forward(x, self.cfg.activation);
        let data_loss = cross_entropy(logits, y);
        let mut loss = data_loss.clone();
        if self.cfg.l2 > 0.0 {
            // L2 on the weights (not the biases), as in TensorFlow Playground.
            for layer in &self.model.layers {
                let w = layer.weight.val();
                loss = loss + (w.clone() * w).sum().mul_scalar(self.cfg.l2 / 2.0);
            }
        }
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let mut more = Vec::new();
        let layers = &self.model.layers;
        if layers.len() > 2 && self.steps.is_multiple_of(GRAD_EVERY) {
            // Root-mean-square gradient of a layer's weights (layers differ in size).
            let rms = |l: &burn::nn::Linear| {
                grads.get::<2>(l.weight.id).map(|g| {
                    let n = g.shape().num_elements().max(1) as f32;
                    (g.clone() * g).sum().div_scalar(n).sqrt()
                })
            };
            if let (Some(first), Some(last)) = (rms(&layers[0]), rms(&layers[layers.len() - 1])) {
                // As a power of ten: 0 equal, -1 a tenth, -2 a hundredth.
                let ratio = (first / last.clamp_min(1e-30)).clamp_min(1e-30);
                more.push(("grad_ratio", Reading::of(ratio.log().div_scalar(std::f32::consts::LN_10))));
            }
        }
        let lr = self.cfg.train.lr_at(self.steps);
        self.rates = vec![("lr", lr)];
        self.model = self.optim.step(lr, self.model.clone(), grads);
        self.steps += 1;
        Ok(StepMetrics { loss: Some(Reading::of(data_loss)), more })
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        let k = self.classes;
        let (train, test) = (&self.data.train, &self.data.test);
        let (train_loss, train_acc, _) = score(&self.probs(train.x.clone(), train.dims), &train.y, k);
        let (test_loss, test_acc, confusion) = score(&self.probs(test.x.clone(), test.dims), &test.y, k);
        self.confusion = confusion;
        let mut e = Evaluation::classify(train_loss, Some(train_acc), test_loss, Some(test_acc));
        if let Some(dead) = self.dead_share() {
            e.values.push(("dead_share", dead));
        }
        Ok(e)
    }

    fn eval_every(&self) -> u64 {
        10
    }

    fn charts(&self) -> Vec<&'static str> {
        let relu = self.cfg.activation == Activation::Relu && self.model.layers.len() > 1;
        let deep = self.model.layers.len() > 2;
        CHARTS.iter().map(|c| c.id).filter(|&id| (id != "units" || relu) && (id != "gradients" || deep)).collect()
    }

    fn detectors(&self) -> Vec<Detector> {
        Detector::learner_and(&[DEAD_RELU, kit::VANISHING])
    }

    fn views(&self) -> Vec<ViewSpec> {
        let mut v = Vec::new();
        if self.data.plane.is_some() {
            v.push(ViewSpec { id: "boundary" });
            v.push(ViewSpec { id: "neurons" });
        }
        v.push(ViewSpec { id: "weights" });
        v.push(ViewSpec { id: "confusion" });
        v
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match (view, &self.data.plane) {
            ("boundary", Some(plane)) => Ok(self.boundary(plane)),
            ("neurons", Some(plane)) => Ok(self.neurons(plane)),
            ("weights", _) => Ok(self.weights()),
            ("confusion", _) => Ok(confusion_view(&self.confusion, &self.data.train.class_names)),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        // The activation and L2 are read at every step; a new optimizer starts afresh.
        self.cfg.train.switch_optimizer(&new.train, &mut self.optim);
        self.cfg = new;
        Ok(())
    }

    crate::labs::kit::weights::config_and_model!();
    crate::labs::kit::rewind::rewinds!(modules: [model], optimizers: [optim], plain: [rates, steps, rng, batches, confusion]);
}
