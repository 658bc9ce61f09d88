//! The CNN lab: a small convolutional network on MNIST, Fashion-MNIST, the 8x8 digits or the
//! user's own image folders. Reads top to bottom: parameters -> data -> step; the network is
//! in `model.rs`, the pictures in `views.rs`, the words in `strings.rs`.

mod model;
mod strings;
mod views;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::data::images::{self, ImageSet, Split};
use crate::error::LabError;
use crate::labs::kit::images::{evaluate_images, image_batch, image_probs, sample_spec};
use crate::labs::kit::{Activation, Batches, Training, TrainingDefaults, argmax, confusion_view, cross_entropy, onehot, seed_spec};
use crate::labs::{Evaluation, Lab, LabDef, Preset, Reading, StepMetrics, Suits, kit};
use crate::params::{self, Group, ParamKind, ParamSpec, Values, text_of};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
use model::Net;
use crate::tensors;

pub const DEF: LabDef = LabDef {
    id: "cnn",
    params,
    build,
    views: &["maps", "probabilities", "filters", "mistakes", "confusion", "canvas"],
    charts: crate::labs::CLASSIFIER_CHARTS,
    strings: strings::STRINGS,
    // The cosine decay's length: MNIST test accuracy holds at 0.98 from step 1600 on.
    steps: 2000,
    small: &[("train_size", "200"), ("batch", "16"), ("filters", "4")],
    suits: Suits::Gpu,
    trained: None,
    presets: &[
        Preset { id: "defaults", values: &[] },
        // 300 training digits: the training loss falls to 1e-4 while the held-out loss climbs
        // from 0.78 (step 100) to 1.04 (step 1,000); held-out accuracy 0.81.
        Preset { id: "overfit", values: &[("train_size", "300")] },
        // Adam's steps 500 times the default's: the second step throws the weights so far that
        // every image gets the same answer (loss ln 10 = 2.30, accuracy 0.12 after 300 steps).
        Preset { id: "too_high", values: &[("lr", "0.5")] },
        // Steps a hundred times smaller than the default's: the loss barely moves.
        Preset { id: "too_low", values: &[("lr", "0.00001")] },
    ],
};

// ---------------------------------------------------------------------------------------
// Parameters

/// Side of the raster the drawing pad sends (ink values, row-major).
const CANVAS_SIDE: usize = 112;
/// Side of the images a user's folder is resized to.
const FOLDER_SIZE: usize = 28;

fn is_folder(v: &Values) -> bool {
    text_of(v, "dataset") == "folder"
}

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    let mut p = vec![
        ParamSpec::new(
            "dataset",
            Data,
            Choice { default: "mnist", options: &["mnist", "fashion", "digits", "folder"] },
        ),
        ParamSpec::new("folder_path", Data, Path { folder: true, extensions: &[] }).shown_if(is_folder),
        ParamSpec::new("folder_rgb", Data, Bool { default: false }).shown_if(is_folder),
        ParamSpec::new("train_size", Data, Int { default: 20_000, min: 100, max: 20_000 }),
        ParamSpec::new("augment", Data, Bool { default: false }).live(),
        sample_spec(),
        ParamSpec::new("blocks", Model, Int { default: 2, min: 1, max: 4 }),
        ParamSpec::new("filters", Model, Int { default: 16, min: 1, max: 64 }),
        ParamSpec::new("kernel", Model, Int { default: 5, min: 1, max: 7 }),
        ParamSpec::new("stride", Model, Int { default: 1, min: 1, max: 3 }),
        ParamSpec::new("padding", Model, Choice { default: "same", options: &["same", "valid"] }),
        ParamSpec::new("pooling", Model, Choice { default: "max", options: &["max", "avg", "none"] }),
        ParamSpec::new(
            "activation",
            Model,
            Choice { default: "relu", options: &["relu", "tanh", "sigmoid"] },
        )
        .live(),
        ParamSpec::new("dropout", Model, Float { default: 0.0, min: 0.0, max: 0.8, log: false }).live(),
        ParamSpec::new("dense", Model, Int { default: 64, min: 8, max: 512 }),
    ];
    p.extend(kit::Training::specs(TrainingDefaults {
        lr: 0.001,
        lr_max: 1.0,
        batch: 128,
        decay: "cosine",
        decay_steps: 2000,
    }));
    p.push(seed_spec());
    p
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Pooling {
    Max,
    Avg,
    None,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    dataset: String,
    folder_path: String,
    folder_rgb: bool,
    train_size: usize,
    augment: bool,
    sample: usize,
    blocks: usize,
    filters: usize,
    kernel: usize,
    stride: usize,
    padding: String,
    pooling: Pooling,
    activation: Activation,
    dropout: f64,
    dense: usize,
    #[serde(flatten)]
    train: Training,
    seed: u64,
}

impl Config {
    fn pad(&self) -> usize {
        if self.padding == "same" { self.kernel / 2 } else { 0 }
    }

    /// The side of the feature maps after every block, or None if they shrink to nothing.
    fn sizes(&self, input: usize) -> Option<Vec<usize>> {
        let mut s = input;
        let mut out = Vec::new();
        for _ in 0..self.blocks {
            let padded = s + 2 * self.pad();
            if padded < self.kernel {
                return None;
            }
            s = (padded - self.kernel) / self.stride + 1;
            if self.pooling != Pooling::None {
                s /= 2;
            }
            if s == 0 {
                return None;
            }
            out.push(s);
        }
        Some(out)
    }
}

// ---------------------------------------------------------------------------------------
// Data

/// The images and, for a user's folder, the files that could not be read.
fn load_data(cfg: &Config) -> Result<(Split, Vec<String>), LabError> {
    let (split, skipped) = match cfg.dataset.as_str() {
        "mnist" => (images::mnist()?, vec![]),
        "fashion" => (images::fashion()?, vec![]),
        "digits" => (images::digits8x8(cfg.seed)?, vec![]),
        _ => {
            if cfg.folder_path.trim().is_empty() {
                return Err(LabError::Invalid {
                    key: "err.no_folder",
                    english: "choose a folder of images first",
                });
            }
            let (set, skipped) =
                images::folder(std::path::Path::new(cfg.folder_path.trim()), cfg.folder_rgb, FOLDER_SIZE)?;
            (set.split(0.8, &mut Rng::new(cfg.seed)), skipped)
        }
    };
    if split.test.is_empty() {
        return Err(LabError::Invalid {
            key: "err.too_few_rows",
            english: "too few rows for a train/test split",
        });
    }
    let train = split.train.first(cfg.train_size);
    Ok((Split { train, test: split.test }, skipped))
}

// ---------------------------------------------------------------------------------------
// The lab

struct CnnLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    /// Steps trained (the learning-rate schedule reads it).
    steps: u64,
    train_device: Device,
    device: Device,
    data: Split,
    skipped: Vec<String>,
    classes: usize,
    model: Net,
    optim: ModuleOptimizer,
    rng: Rng,
    batches: Batches,
    /// From the last evaluation: test predictions and the confusion matrix.
    predictions: Vec<usize>,
    confusion: Vec<u32>,
    /// The user's drawing, centred and scaled like an MNIST digit.
    drawing: Option<Vec<f32>>,
}

/// Images per forward pass when evaluating.
const CHUNK: usize = 500;

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    let (data, skipped) = load_data(&cfg)?;
    let side = data.train.h.min(data.train.w);
    let sizes = cfg.sizes(side).ok_or(LabError::Invalid {
        key: "err.cnn_shrinks",
        english: "the image shrinks to nothing: use fewer blocks, a smaller kernel or stride, or 'same' padding",
    })?;
    let classes = data.train.class_names.len();
    let train_device = device.clone().autodiff();
    device.seed(cfg.seed);
    let mut rng = Rng::new(cfg.seed.wrapping_add(1));
    let model =
        Net::new(&cfg, data.train.channels, *sizes.last().unwrap_or(&side), classes, &mut rng, &train_device);
    Ok(Box::new(CnnLab {
        rates: Vec::new(),
        steps: 0,
        optim: cfg.train.optimizer.build(),
        batches: Batches::new(data.train.len()),
        predictions: vec![],
        confusion: vec![0; classes * classes],
        drawing: None,
        train_device,
        device: device.clone(),
        skipped,
        classes,
        data,
        model,
        rng,
        cfg,
    }))
}

impl CnnLab {
    /// Class probabilities of some images, with the inference model.
    fn probs(&self, set: &ImageSet, idx: &[usize]) -> Vec<f32> {
        let model = self.model.valid();
        let (act, pool) = (self.cfg.activation, self.cfg.pooling);
        image_probs(set, idx, CHUNK, &self.device, |x| model.forward_maps(x, act, pool).0)
    }

    fn sample(&self) -> usize {
        self.cfg.sample.min(self.data.test.len().saturating_sub(1))
    }
}

impl Lab for CnnLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let idx = self.batches.next(self.cfg.train.batch, &mut self.rng);
        let shift = if self.cfg.augment { Some(&mut self.rng) } else { None };
        let train = &self.data.train;
        let x = image_batch(train, &idx, shift, &self.train_device);
        let labels: Vec<u32> = idx.iter().map(|&i| train.labels[i]).collect();
        let y = tensors::floats(onehot(&labels, self.classes), [idx.len(), self.classes], &self.train_device);
        let (logits, _) = self.model.forward_maps(x, self.cfg.activation, self.cfg.pooling);
        let loss = cross_entropy(logits, y);
        let value = Reading::of(loss.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let lr = self.cfg.train.lr_at(self.steps);
        self.rates = vec![("lr", lr)];
        self.model = self.optim.step(lr, self.model.clone(), grads);
        self.steps += 1;
        Ok(StepMetrics::loss(value))
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        let (e, p, confusion) = evaluate_images(&self.data, self.classes, |set, idx| self.probs(set, idx));
        self.predictions = p.chunks(self.classes).map(argmax).collect();
        self.confusion = confusion;
        Ok(e)
    }

    fn eval_every(&self) -> u64 {
        100
    }

    fn notices(&self) -> Vec<LabError> {
        if self.skipped.is_empty() { vec![] } else { vec![LabError::Skipped(self.skipped.clone())] }
    }

    fn views(&self) -> Vec<ViewSpec> {
        let mut ids = vec!["maps", "probabilities", "filters", "mistakes", "confusion"];
        if self.drawable() {
            ids.push("canvas");
        }
        ViewSpec::list(&ids)
    }

    fn input(&mut self, key: &str, data: Vec<f32>) -> Result<(), LabError> {
        if key != "drawing" || !self.drawable() || data.len() != CANVAS_SIDE * CANVAS_SIDE {
            return Err(LabError::UnknownView(key.into()));
        }
        self.drawing = images::center_like_mnist(&data, CANVAS_SIDE, CANVAS_SIDE);
        Ok(())
    }

    /// The first block's output side ⌊(in + 2p − k)/s⌋ + 1: in, p, k, s, the result, and the
    /// side after pooling.
    fn formula(&self, view: &str) -> Vec<f32> {
        if view != "maps" {
            return Vec::new();
        }
        let c = &self.cfg;
        let input = self.data.train.h.min(self.data.train.w);
        let conv = (input + 2 * c.pad()).saturating_sub(c.kernel) / c.stride + 1;
        let pooled = if c.pooling == Pooling::None { conv } else { conv / 2 };
        [input, c.pad(), c.kernel, c.stride, conv, pooled].map(|n| n as f32).to_vec()
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match view {
            "maps" => Ok(self.maps()),
            "probabilities" => Ok(self.probabilities()),
            "filters" => Ok(self.filters()),
            "mistakes" => Ok(self.mistakes()),
            "canvas" if self.drawable() => Ok(self.canvas()),
            "confusion" => Ok(confusion_view(&self.confusion, &self.data.test.class_names)),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        self.cfg.train.switch_optimizer(&new.train, &mut self.optim);
        if new.dropout != self.cfg.dropout {
            self.model.dropout.prob = new.dropout;
        }
        // Augmentation, the activation and the picked test image are read where they are used.
        self.cfg = new;
        Ok(())
    }

    crate::labs::kit::weights::config_and_model!();
    crate::labs::kit::rewind::rewinds!(modules: [model], optimizers: [optim], plain: [rates, steps, rng, batches, predictions, confusion]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinking_architectures_are_caught_and_shifts_keep_the_image_size() {
        let mut cfg: Config = params::typed(&params(), &Values::new()).unwrap();
        assert_eq!(cfg.sizes(28), Some(vec![14, 7]));
        cfg.blocks = 4;
        cfg.padding = "valid".into();
        assert_eq!(cfg.sizes(28), None);
        let set = ImageSet {
            h: 3,
            w: 3,
            channels: 1,
            pixels: (0..9).map(|v| v as f32).collect(),
            labels: vec![0],
            class_names: vec!["a".into()],
        };
        let mut rng = Rng::new(3);
        for _ in 0..20 {
            let px = images::shifted(&set, &[0], Some(&mut rng));
            assert_eq!(px.len(), 9);
        }
        assert_eq!(images::shifted(&set, &[0], None), set.pixels);
    }
}
