//! A small classifier that a generative lab trains on the side, on the same images, to read
//! its samples: which classes they look like and how sure it is (a histogram of sampled
//! classes shows mode collapse; the share of confident readings measures quality).

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::{Device, Tensor};

use super::{Batches, cross_entropy, onehot};
use crate::data::images::ImageSet;
use crate::rng::Rng;
use crate::tensors::{self, Floats};
use crate::view::{Bars, Heatmap, Scale, Style, View};

/// Two convolutions with max pooling and a linear read-out (~99% on MNIST's test set).
#[derive(Module, Debug)]
pub struct JudgeNet {
    pub conv1: Conv2d,
    pub conv2: Conv2d,
    pub pool: MaxPool2d,
    pub out: Linear,
}

impl JudgeNet {
    pub fn new(channels: usize, side: usize, classes: usize, device: &Device) -> Self {
        let conv = |c_in, c_out| {
            Conv2dConfig::new([c_in, c_out], [5, 5])
                .with_padding(PaddingConfig2d::Explicit(2, 2, 2, 2))
                .init(device)
        };
        Self {
            conv1: conv(channels, 16),
            conv2: conv(16, 32),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            out: LinearConfig::new(32 * (side / 4) * (side / 4), classes).init(device),
        }
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.pool.forward(relu(self.conv1.forward(x))); // [n, 16, 14, 14]
        let x = self.pool.forward(relu(self.conv2.forward(x))); // [n, 32, 7, 7]
        self.out.forward(x.flatten(1, 3)) // [n, classes]
    }
}

/// Steps the judge trains for (then it stays as it is), its learning rate falling from
/// `JUDGE_LR` to 1/100 of it along a half cosine.
pub const JUDGE_STEPS: u64 = 1500;
const JUDGE_LR: f64 = 2e-3;
const JUDGE_BATCH: usize = 64;
/// A reading counts as confident at this probability or more.
pub const CONFIDENT: f32 = 0.9;

/// The judge with what it needs to train.
pub struct Judge {
    pub net: JudgeNet,
    optim: ModuleOptimizer,
    batches: Batches,
    rng: Rng,
    pub steps: u64,
    train_device: Device,
    device: Device,
}

/// What the judge read in a set of samples.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Census {
    /// Samples per class.
    pub counts: Vec<u32>,
    /// The share of samples read with probability >= `CONFIDENT`.
    pub confident: f32,
    /// Classes that at least one confident reading found.
    pub classes_seen: usize,
    /// The class and probability of each sample.
    pub readings: Vec<(usize, f32)>,
}

impl Judge {
    pub fn new(set: &ImageSet, device: &Device, seed: u64) -> Self {
        let train_device = device.clone().autodiff();
        Self {
            net: JudgeNet::new(set.channels, set.h, set.class_names.len(), &train_device),
            optim: AdamConfig::new().init(),
            batches: Batches::new(set.len()),
            rng: Rng::new(seed.wrapping_add(31)),
            steps: 0,
            train_device,
            device: device.clone(),
        }
    }

    /// One training step on `set` while the judge is still learning; nothing after that.
    pub fn train(&mut self, set: &ImageSet) {
        if self.steps >= JUDGE_STEPS {
            return;
        }
        let idx = self.batches.next(JUDGE_BATCH, &mut self.rng);
        let x = super::images::image_batch(set, &idx, None, &self.train_device);
        let labels: Vec<u32> = idx.iter().map(|&i| set.labels[i]).collect();
        let k = set.class_names.len();
        let y = tensors::floats(onehot(&labels, k), [idx.len(), k], &self.train_device);
        let loss = cross_entropy(self.net.forward(x), y);
        let grads = GradientsParams::from_grads(loss.backward(), &self.net);
        let lr = super::Decay::Cosine.lr(JUDGE_LR, self.steps, JUDGE_STEPS);
        self.net = self.optim.step(lr, self.net.clone(), grads);
        self.steps += 1;
    }

    /// The judge's network as a model file holds it beside the lab's (none without a judge).
    pub fn saved(judge: &Option<Judge>) -> Option<JudgeNet> {
        judge.as_ref().map(|j| j.net.clone())
    }

    /// Back from a model file: the saved network, if the file has one and the lab a judge.
    pub fn load_saved(judge: &mut Option<Judge>, net: Option<JudgeNet>, steps: u64) {
        if let (Some(judge), Some(net)) = (judge, net) {
            judge.restore(net, steps);
        }
    }

    /// Takes the saved weights of a judge that trained beside its lab for `steps` steps (it
    /// goes on learning if those were fewer than `JUDGE_STEPS`).
    pub fn restore(&mut self, net: JudgeNet, steps: u64) {
        self.net = net;
        self.steps = steps.min(JUDGE_STEPS);
    }

    /// Class probabilities of images (`[n, c, h, w]` flattened, values in [0, 1]).
    pub fn probs(&self, pixels: &[f32], n: usize, shape: [usize; 3]) -> Vec<f32> {
        let net = self.net.valid();
        let x = tensors::floats(pixels.to_vec(), [n, shape[0], shape[1], shape[2]], &self.device);
        softmax(net.forward(x), 1).floats()
    }

    /// Reads samples: counts per class, the confident share, the classes seen.
    pub fn census(&self, pixels: &[f32], n: usize, shape: [usize; 3], classes: usize) -> Census {
        let p = self.probs(pixels, n, shape);
        let readings: Vec<(usize, f32)> = p
            .chunks(classes)
            .map(|row| {
                row.iter().enumerate().fold((0, 0.0f32), |m, (i, &v)| if v > m.1 { (i, v) } else { m })
            })
            .collect();
        let mut counts = vec![0u32; classes];
        let mut seen = vec![false; classes];
        for &(c, p) in &readings {
            counts[c] += 1;
            seen[c] |= p >= CONFIDENT;
        }
        let confident = readings.iter().filter(|r| r.1 >= CONFIDENT).count() as f32 / n.max(1) as f32;
        Census { counts, confident, classes_seen: seen.iter().filter(|&&s| s).count(), readings }
    }

    /// Accuracy on a labelled set (at most its first 1,000 images), and the share of those
    /// real images it reads with probability >= `CONFIDENT`: the most that samples can score.
    pub fn accuracy(&self, set: &ImageSet) -> (f32, f32) {
        let n = set.len().min(1000);
        let px = &set.pixels[..n * set.image_len()];
        let c = self.census(px, n, [set.channels, set.h, set.w], set.class_names.len());
        let right = c.readings.iter().zip(&set.labels).filter(|(r, l)| r.0 == **l as usize).count();
        (right as f32 / n.max(1) as f32, c.confident)
    }
}

/// One image of a flattened batch (`[n, c, h, w]`, values in [0, 1]) as a picture (colour
/// images by their mean brightness).
pub fn picture(pixels: &[f32], i: usize, shape: [usize; 3], title: String) -> Heatmap {
    let [c, h, w] = shape;
    let img = &pixels[i * c * h * w..(i + 1) * c * h * w];
    Heatmap {
        title: title.into(),
        rows: h,
        cols: w,
        values: (0..h * w).map(|p| (0..c).map(|ch| img[ch * h * w + p]).sum::<f32>() / c as f32).collect(),
        range: (0.0, 1.0),
        scale: Scale::Sequential,
        row_labels: vec![],
        col_labels: vec![],
        show_values: false,
    }
}

/// A census as a picture: the classes read in the samples (bars), the samples with their
/// readings, and ten real images beside them.
pub fn census_view(census: &Census, samples: &[f32], real: &ImageSet) -> View {
    let shape = [real.channels, real.h, real.w];
    let names = &real.class_names;
    let generated: Vec<Heatmap> = census
        .readings
        .iter()
        .enumerate()
        .map(|(i, (c, p))| picture(samples, i, shape, format!("#{} · {} · {p:.2}", i + 1, names[*c])))
        .collect();
    let real_row =
        (0..10.min(real.len())).map(|i| super::images::picture(real, i, format!("#{}", i + 1))).collect();
    let max = census.counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    let thumbs = |rows| View::HeatmapRows { rows, style: Style::Thumbnails, picker: None };
    View::Column(vec![
        (
            Some("label.classes_read"),
            View::Bars {
                image: None,
                bars: Bars {
                    labels: names.clone(),
                    values: census.counts.iter().map(|&c| c as f32).collect(),
                    max,
                    marked: None,
                },
            },
        ),
        (Some("label.generated"), thumbs(generated.chunks(10).map(<[Heatmap]>::to_vec).collect())),
        (Some("label.real_images"), thumbs(vec![real_row])),
    ])
}
