//! The ResNet lab: residual blocks (two 3x3 convolutions with batch norm, identity or 1x1
//! projection shortcuts) on MNIST or Fashion-MNIST, with a switch that removes the skip
//! connections. The lessons: a deep plain network's loss falls slower than the same network's
//! with skips; and with sigmoid and no batch norm the plain network's early layers get
//! vanishing gradients, which the identity shortcuts carry back. (With batch norm the plain
//! network's gradients stay healthy, as He et al. found: its trouble is optimisation.) Reads
//! top to bottom: parameters -> data -> step; the network is in `model.rs`, the pictures in
//! `views.rs`, the words in `strings.rs`.

mod model;
mod strings;
mod views;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::data::images::{self, ImageSet, Split};
use crate::error::LabError;
use crate::labs::kit::images::{evaluate_images, image_batch, image_probs, sample_spec};
use crate::labs::kit::{Activation, Batches, Training, TrainingDefaults, confusion_view, cross_entropy, onehot, seed_spec};
use crate::labs::{Evaluation, Lab, LabDef, Preset, Reading, StepMetrics, Suits, kit};
use crate::params::{self, Group, ParamKind, ParamSpec, Values};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
use model::Net;
use crate::tensors;

pub const DEF: LabDef = LabDef {
    id: "resnet",
    params,
    build,
    views: &["gradients", "maps", "confusion"],
    charts: &[crate::labs::CLASSIFIER_CHARTS[0], crate::labs::CLASSIFIER_CHARTS[1], kit::GRADIENT_CHART],
    strings: strings::STRINGS,
    // The cosine decay's length.
    steps: 3000,
    small: &[("train_size", "200"), ("batch", "16"), ("blocks", "2"), ("width", "4")],
    suits: Suits::Gpu,
    trained: None,
    presets: &[
        Preset { id: "defaults", values: &[] },
        // Ten blocks without skips (batch norm kept): deeper, yet worse than with skips.
        Preset { id: "plain", values: &[("blocks", "10"), ("skips", "false")] },
        // Ten sigmoid blocks with neither skips nor batch norm: the gradient reaching the first
        // layer is 10^-14 of the last's, and nothing is learnt.
        Preset {
            id: "vanishing",
            values: &[("blocks", "10"), ("skips", "false"), ("batch_norm", "false"), ("activation", "sigmoid")],
        },
    ],
};

// ---------------------------------------------------------------------------------------
// Parameters

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    let mut p = vec![
        ParamSpec::new("dataset", Data, Choice { default: "mnist", options: &["mnist", "fashion"] }),
        ParamSpec::new("train_size", Data, Int { default: 20_000, min: 100, max: 20_000 }),
        ParamSpec::new("augment", Data, Bool { default: true }).live(),
        sample_spec(),
        ParamSpec::new("blocks", Model, Int { default: 4, min: 1, max: 10 }),
        ParamSpec::new("width", Model, Int { default: 16, min: 2, max: 64 }),
        ParamSpec::new("skips", Model, Bool { default: true }),
        ParamSpec::new("batch_norm", Model, Bool { default: true }),
        ParamSpec::new(
            "activation",
            Model,
            Choice { default: "relu", options: &["relu", "tanh", "sigmoid"] },
        ),
    ];
    p.extend(kit::Training::specs(TrainingDefaults {
        lr: 0.001,
        lr_max: 1.0,
        batch: 64,
        decay: "cosine",
        decay_steps: 3000,
    }));
    p.push(seed_spec());
    p
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    dataset: String,
    train_size: usize,
    augment: bool,
    sample: usize,
    blocks: usize,
    width: usize,
    skips: bool,
    batch_norm: bool,
    activation: Activation,
    #[serde(flatten)]
    train: Training,
    seed: u64,
}

// ---------------------------------------------------------------------------------------
// The lab

/// Gradient norms are recorded every this many steps, and this many records are kept.
const GRAD_EVERY: u64 = 5;
const GRAD_HISTORY: usize = 120;
const CHUNK: usize = 250;

struct ResNetLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    train_device: Device,
    device: Device,
    data: Split,
    classes: usize,
    model: Net,
    optim: ModuleOptimizer,
    rng: Rng,
    batches: Batches,
    steps: u64,
    /// The latest gradient norm of every main-path convolution, and older records.
    grad_names: Vec<String>,
    grad_history: Vec<Vec<f32>>,
    confusion: Vec<u32>,
}

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    let split = if cfg.dataset == "fashion" { images::fashion()? } else { images::mnist()? };
    let data = Split { train: split.train.first(cfg.train_size), test: split.test };
    let classes = data.train.class_names.len();
    let train_device = device.clone().autodiff();
    let mut rng = Rng::new(cfg.seed.wrapping_add(1));
    let model = Net::new(&cfg, classes, &mut rng, &train_device);
    let grad_names = model.convs().into_iter().map(|(n, _)| n).collect();
    Ok(Box::new(ResNetLab {
        rates: Vec::new(),
        optim: cfg.train.optimizer.build(),
        batches: Batches::new(data.train.len()),
        confusion: vec![0; classes * classes],
        steps: 0,
        grad_names,
        grad_history: Vec::new(),
        train_device,
        device: device.clone(),
        classes,
        data,
        model,
        rng,
        cfg,
    }))
}

impl ResNetLab {
    fn probs(&self, set: &ImageSet, idx: &[usize]) -> Vec<f32> {
        let model = self.model.valid();
        let (skips, act) = (self.cfg.skips, self.cfg.activation);
        image_probs(set, idx, CHUNK, &self.device, |x| model.forward_maps(x, skips, act).0)
    }
}

impl Lab for ResNetLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let idx = self.batches.next(self.cfg.train.batch, &mut self.rng);
        let train = &self.data.train;
        let shift = if self.cfg.augment { Some(&mut self.rng) } else { None };
        let x = image_batch(train, &idx, shift, &self.train_device);
        let labels: Vec<u32> = idx.iter().map(|&i| train.labels[i]).collect();
        let y = tensors::floats(onehot(&labels, self.classes), [idx.len(), self.classes], &self.train_device);
        self.model.set_norm_momentum((1.0 / (self.steps + 1) as f64).max(0.1));
        let (logits, _) = self.model.forward_maps(x, self.cfg.skips, self.cfg.activation);
        let loss = cross_entropy(logits, y);
        let value = Reading::of(loss.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let mut more = Vec::new();
        if self.steps.is_multiple_of(GRAD_EVERY) {
            // Every layer's norm in one read (one sync on a GPU, not one per layer).
            let norms: Vec<Tensor<1>> = self
                .model
                .convs()
                .into_iter()
                .map(|(_, c)| {
                    grads.get::<4>(c.weight.id).map_or_else(
                        || Tensor::zeros([1], &self.device),
                        |g| (g.clone() * g).sum().sqrt().inner(),
                    )
                })
                .collect();
            let norms = tensors::read_all(norms);
            if let (Some(&first), Some(&last)) = (norms.first(), norms.last())
                && norms.len() > 1
            {
                // How much of the gradient reaches the first layer, as a power of ten.
                let ratio = (first / last.max(1e-30)).max(1e-30);
                more.push(("grad_ratio", Reading::Value(ratio.log10())));
            }
            self.grad_history.push(norms);
            if self.grad_history.len() > GRAD_HISTORY {
                self.grad_history.remove(0);
            }
        }
        let lr = self.cfg.train.lr_at(self.steps);
        self.steps += 1;
        self.rates = vec![("lr", lr)];
        self.model = self.optim.step(lr, self.model.clone(), grads);
        Ok(StepMetrics { loss: Some(value), more })
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        let (e, _, confusion) = evaluate_images(&self.data, self.classes, |set, idx| self.probs(set, idx));
        self.confusion = confusion;
        Ok(e)
    }

    fn charts(&self) -> Vec<&'static str> {
        DEF.charts.iter().map(|c| c.id).collect()
    }

    fn detectors(&self) -> Vec<crate::engine::Detector> {
        crate::engine::Detector::learner_and(&[kit::VANISHING])
    }

    fn eval_every(&self) -> u64 {
        100
    }

    fn views(&self) -> Vec<ViewSpec> {
        ViewSpec::list(&["gradients", "maps", "confusion"])
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match view {
            "gradients" => Ok(self.gradients()),
            "maps" => Ok(self.maps()),
            "confusion" => Ok(confusion_view(&self.confusion, &self.data.test.class_names)),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        self.cfg.train.switch_optimizer(&new.train, &mut self.optim);
        // Augmentation and the picked test image are read where they are used.
        self.cfg = new;
        Ok(())
    }

    crate::labs::kit::weights::config_and_model!();
    crate::labs::kit::rewind::rewinds!(modules: [model], optimizers: [optim], plain: [rates, steps, rng, batches, grad_history, confusion]);
}
