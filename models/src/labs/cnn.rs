//! The CNN lab: a small convolutional network on MNIST, Fashion-MNIST, the 8x8 digits or the
//! user's own image folders. Reads top to bottom: parameters -> data -> model -> step -> views.

use burn::module::{Module, Param};
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{Dropout, DropoutConfig, Linear, PaddingConfig2d, conv::Conv2d, conv::Conv2dConfig};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor, TensorData};
use serde::Deserialize;

use crate::data::images::{self, ImageSet, Split};
use crate::error::LabError;
use crate::labs::{
    Activation, Applied, Batches, Evaluation, Lab, LabDef, StepMetrics, Training, TrainingDefaults, argmax,
    choice, confusion_view, cross_entropy, evaluate_images, image_batch, image_probs, onehot, picture,
    sample_spec, test_strip,
};
use crate::params::{self, Group, ParamKind, ParamSpec, ParamValue, Values, text_of};
use crate::rng::Rng;
use crate::view::{Bars, Heatmap, Reading, Scale, Style, View, ViewSpec};

pub const DEF: LabDef = LabDef { id: "cnn", params, build };

// ---------------------------------------------------------------------------------------
// Parameters

/// Test images the feature-map view can show (the bundled test sets have 2,000).
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
        ParamSpec::new("folder_path", Data, Text { default: "" }).shown_if(is_folder),
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
    p.extend(crate::labs::Training::specs(TrainingDefaults {
        lr: 0.001,
        lr_max: 1.0,
        batch: 128,
        decay: "cosine",
        decay_steps: 2000,
    }));
    p.push(ParamSpec::new("seed", Training, Int { default: 1, min: 0, max: 1 << 31 }));
    p
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Pooling {
    Max,
    Avg,
    None,
}

#[derive(Clone, Debug, Deserialize)]
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
// Model

#[derive(Module, Debug)]
struct Net {
    convs: Vec<Conv2d>,
    dense: Linear,
    out: Linear,
    dropout: Dropout,
    max_pool: MaxPool2d,
    avg_pool: AvgPool2d,
}

fn linear(rng: &mut Rng, d_in: usize, d_out: usize, act: Activation, device: &Device) -> Linear {
    let w = act.init(rng, d_in * d_out, d_in, d_out);
    Linear {
        weight: Param::from_tensor(Tensor::from_data(TensorData::new(w, [d_in, d_out]), device)),
        bias: Some(Param::from_tensor(Tensor::zeros([d_out], device))),
    }
}

impl Net {
    fn new(
        cfg: &Config,
        channels: usize,
        side: usize,
        classes: usize,
        rng: &mut Rng,
        device: &Device,
    ) -> Self {
        let k = cfg.kernel;
        let mut c_in = channels;
        let convs = (0..cfg.blocks)
            .map(|_| {
                let mut conv = Conv2dConfig::new([c_in, cfg.filters], [k, k])
                    .with_stride([cfg.stride, cfg.stride])
                    .with_padding(PaddingConfig2d::Explicit(cfg.pad(), cfg.pad(), cfg.pad(), cfg.pad()))
                    .init(device);
                let w =
                    cfg.activation.init(rng, cfg.filters * c_in * k * k, c_in * k * k, cfg.filters * k * k);
                conv.weight = Param::from_tensor(Tensor::from_data(
                    TensorData::new(w, [cfg.filters, c_in, k, k]),
                    device,
                ));
                conv.bias = Some(Param::from_tensor(Tensor::zeros([cfg.filters], device)));
                c_in = cfg.filters;
                conv
            })
            .collect();
        let flat = cfg.filters * side * side;
        Self {
            convs,
            dense: linear(rng, flat, cfg.dense, cfg.activation, device),
            out: linear(rng, cfg.dense, classes, cfg.activation, device),
            dropout: DropoutConfig::new(cfg.dropout).init(),
            max_pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            avg_pool: AvgPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
        }
    }

    /// Logits, and the output of every block (for the feature-map view).
    fn forward_maps(&self, x: Tensor<4>, act: Activation, pool: Pooling) -> (Tensor<2>, Vec<Tensor<4>>) {
        let mut x = x;
        let mut maps = Vec::new();
        for conv in &self.convs {
            x = act.apply(conv.forward(x));
            x = match pool {
                Pooling::Max => self.max_pool.forward(x),
                Pooling::Avg => self.avg_pool.forward(x),
                Pooling::None => x,
            };
            maps.push(x.clone());
        }
        let flat: Tensor<2> = x.flatten(1, 3);
        let hidden = act.apply(self.dense.forward(self.dropout.forward(flat)));
        (self.out.forward(self.dropout.forward(hidden)), maps)
    }
}

// ---------------------------------------------------------------------------------------
// The lab

struct CnnLab {
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

/// Training images scored at each evaluation (a fixed subset keeps evaluation quick).
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

    fn filters(&self) -> View {
        let w = self.model.convs[0].weight.val();
        let [f, c, k, _] = w.dims();
        let v: Vec<f32> = w.into_data().iter::<f32>().collect();
        let row = (0..f)
            .map(|i| {
                let values =
                    (0..k * k).map(|p| (0..c).map(|ch| v[(i * c + ch) * k * k + p]).sum::<f32>() / c as f32);
                Heatmap::diverging(format!("#{}", i + 1), k, k, values.collect())
            })
            .collect();
        View::HeatmapRows { rows: vec![row], style: Style::Thumbnails, picker: None }
    }

    /// A strip of test images to pick from, the picked image, and every block's feature maps.
    fn maps(&self) -> View {
        let test = &self.data.test;
        let s = self.sample();
        let (strip, picker) = test_strip(test, s);
        let mut rows = vec![strip];
        rows.extend(self.block_maps(image_batch(test, &[s], None, &self.device)).1);
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: Some(picker) }
    }

    /// Class probabilities and every block's feature maps for one image `[1, c, h, w]`.
    fn block_maps(&self, x: Tensor<4>) -> (Vec<f32>, Vec<Vec<Heatmap>>) {
        let (logits, maps) = self.model.valid().forward_maps(x, self.cfg.activation, self.cfg.pooling);
        let probs = softmax(logits, 1).into_data().iter::<f32>().collect();
        let rows = maps
            .into_iter()
            .enumerate()
            .map(|(b, m)| {
                let [_, f, h, w] = m.dims();
                let v: Vec<f32> = m.into_data().iter::<f32>().collect();
                (0..f.min(32))
                    .map(|c| {
                        let title = format!("B{}·{}", b + 1, c + 1);
                        let mut hm = Heatmap::diverging(title, h, w, v[c * h * w..(c + 1) * h * w].to_vec());
                        if self.cfg.activation != Activation::Tanh {
                            hm.scale = Scale::Sequential;
                            hm.range = (0.0, hm.range.1);
                        }
                        hm
                    })
                    .collect()
            })
            .collect();
        (probs, rows)
    }

    /// Whether a drawing can be classified: 28x28 grey images, like MNIST.
    fn drawable(&self) -> bool {
        let t = &self.data.train;
        (t.h, t.w, t.channels) == (28, 28, 1)
    }

    /// The drawing pad and what the network makes of the last drawing.
    fn canvas(&self) -> View {
        let reading = self.drawing.as_ref().map(|img| {
            let x = Tensor::from_data(TensorData::new(img.clone(), [1, 1, 28, 28]), &self.device);
            let (probs, maps) = self.block_maps(x);
            let best = argmax(&probs);
            let names = &self.data.test.class_names;
            let image = Heatmap {
                title: names[best].clone(),
                rows: 28,
                cols: 28,
                values: img.clone(),
                range: (0.0, 1.0),
                scale: Scale::Sequential,
                row_labels: vec![],
                col_labels: vec![],
                show_values: false,
            };
            Reading {
                image,
                bars: Bars { labels: names.clone(), values: probs, max: 1.0, marked: Some(best) },
                maps,
            }
        });
        View::Canvas { input: "drawing", side: CANVAS_SIDE, reading }
    }

    fn probabilities(&self) -> View {
        let test = &self.data.test;
        let s = self.sample();
        let p = self.probs(test, &[s]);
        let truth = test.labels[s] as usize;
        View::Bars {
            image: Some(picture(test, s, format!("#{s}: {}", test.class_names[truth]))),
            bars: Bars { labels: test.class_names.clone(), values: p, max: 1.0, marked: Some(truth) },
        }
    }

    fn mistakes(&self) -> View {
        let test = &self.data.test;
        let names = &test.class_names;
        let wrong: Vec<Heatmap> = self
            .predictions
            .iter()
            .enumerate()
            .filter(|(i, p)| **p != test.labels[*i] as usize)
            .take(48)
            .map(|(i, &p)| picture(test, i, format!("{} ➡ {}", names[test.labels[i] as usize], names[p])))
            .collect();
        let rows = wrong.chunks(12).map(<[Heatmap]>::to_vec).collect();
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: None }
    }
}

impl Lab for CnnLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let idx = self.batches.next(self.cfg.train.batch, &mut self.rng);
        let shift = if self.cfg.augment { Some(&mut self.rng) } else { None };
        let train = &self.data.train;
        let x = image_batch(train, &idx, shift, &self.train_device);
        let labels: Vec<u32> = idx.iter().map(|&i| train.labels[i]).collect();
        let y = Tensor::from_data(
            TensorData::new(onehot(&labels, self.classes), [idx.len(), self.classes]),
            &self.train_device,
        );
        let (logits, _) = self.model.forward_maps(x, self.cfg.activation, self.cfg.pooling);
        let loss = cross_entropy(logits, y);
        let value = loss.clone().into_scalar::<f32>();
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self.optim.step(self.cfg.train.lr_at(self.steps), self.model.clone(), grads);
        self.steps += 1;
        Ok(StepMetrics { loss: value })
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
        ids.into_iter().map(|id| ViewSpec { id }).collect()
    }

    fn input(&mut self, key: &str, data: Vec<f32>) -> Result<(), LabError> {
        if key != "drawing" || !self.drawable() || data.len() != CANVAS_SIDE * CANVAS_SIDE {
            return Err(LabError::UnknownView(key.into()));
        }
        self.drawing = images::center_like_mnist(&data, CANVAS_SIDE, CANVAS_SIDE);
        Ok(())
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

    fn set_live(&mut self, key: &str, value: &ParamValue) -> Applied {
        let c = &mut self.cfg;
        if let Some(applied) = c.train.set_live(key, value, &mut self.optim) {
            return applied;
        }
        match (key, value) {
            ("augment", ParamValue::Bool(b)) => c.augment = *b,
            ("sample", ParamValue::Int(n)) => c.sample = (*n).max(0) as usize,
            ("dropout", ParamValue::Float(p)) => {
                c.dropout = *p;
                self.model.dropout.prob = *p;
            }
            ("activation", ParamValue::Text(s)) => match choice(s) {
                Some(a) => c.activation = a,
                None => return Applied::NeedsReset,
            },
            _ => return Applied::NeedsReset,
        }
        Applied::Live
    }
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
