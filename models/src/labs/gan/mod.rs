//! The GAN lab (Goodfellow et al. 2014), as GAN Lab shows it: a generator turns random
//! latent vectors into samples, a discriminator learns to tell them from real data, and the
//! generator learns to fool it. 2-D point clouds with MLPs; MNIST and Fashion-MNIST with the
//! article's MLP or a small DCGAN. Reads top to bottom: parameters -> data -> step ->
//! evaluation; the networks are in `model.rs`, the pictures in `views.rs`.

mod model;
mod strings;
mod views;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::activation::softplus;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::labs::kit::generative::{Data, drawn_classes, is_conditional, is_images, is_points, points_spec};
use crate::error::LabError;
use crate::labs::kit::judge::{Census, Judge, JudgeNet};
use crate::labs::kit::{Batches, Optim, ema, onehot, seed_spec, weights};
use crate::labs::{Chart, Curve, Evaluation, Lab, LabDef, Preset, Reading, StepMetrics, Suits};
use crate::params::{self, Group, ParamKind, ParamSpec, Values, text_of};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
use model::{Discriminator, Generator, Shape};
use crate::tensors::{self, Floats};

pub const DEF: LabDef = LabDef {
    id: "gan",
    params,
    build,
    views: &["plane", "manifold", "gallery", "interpolation", "scores", "census"],
    charts: &[
        Chart { id: "gan_loss", curves: &[Curve::bold("batch_loss"), Curve::bold("g_loss")], unit: false, line: None },
        Chart {
            id: "gan_quality",
            curves: &[Curve::bold("mode_share"), Curve::bold("near_data"), Curve::bold("confident"), Curve::bold("class_share")],
            unit: true,
            line: None,
        },
    ],
    strings: strings::STRINGS,
    steps: 8000,
    small: &[("batch", "16"), ("g_width", "16"), ("d_width", "16")],
    suits: Suits::Cpu,
    // `tenlab train gan --set dataset=mnist --set conditional=true --steps 16000 --save assets/models/gan-mnist.tenlab`
    trained: Some(crate::labs::Trained {
        file: "assets/models/gan-mnist.tenlab",
        bytes: include_bytes!("../../../../assets/models/gan-mnist.tenlab"),
    }),
    presets: &[
        Preset { id: "defaults", values: &[] },
        // The discriminator five steps per generator step at five times the rate: the generator
        // finds a few points it can pass off as real and stays on them (1–4 of the ring's 8
        // modes over 8,000 steps for seeds 1–4, the samples on the data).
        Preset { id: "collapse", values: &[("d_steps", "5"), ("d_lr", "0.001")] },
        // Both rates 50 times the default: the two players chase each other; the samples reach
        // the ring and are thrown off it again (share near the data 0.9 → 0.3 → 0.9).
        Preset { id: "too_high", values: &[("g_lr", "0.01"), ("d_lr", "0.01")] },
    ],
};

/// Mode collapse: the samples on the data (share near it, or the judge's confident share)
/// but on at most half the modes (or classes), ten evaluations (1,000 steps) in a row.
const COLLAPSE: [crate::engine::Detector; 2] = [
    crate::engine::Detector::Collapse { quality: "near_data", spread: "mode_share", times: 10 },
    crate::engine::Detector::Collapse { quality: "confident", spread: "class_share", times: 10 },
];

// ---------------------------------------------------------------------------------------
// Parameters

fn is_dcgan(v: &Values) -> bool {
    is_images(v) && text_of(v, "generator") == "dcgan"
}
fn is_mlp(v: &Values) -> bool {
    !is_dcgan(v)
}
fn has_ema(v: &Values) -> bool {
    is_images(v) && matches!(v.get("ema"), Some(params::ParamValue::Bool(true)))
}
fn is_adam(v: &Values) -> bool {
    text_of(v, "optimizer") == "adam"
}

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    vec![
        ParamSpec::new(
            "dataset",
            Data,
            Choice { default: "ring", options: &["ring", "grid", "spiral", "moons", "drawn", "mnist", "fashion"] },
        ),
        points_spec(),
        ParamSpec::new("noise", Data, Float { default: 0.0, min: 0.0, max: 0.3, log: false }).live().shown_if(is_points),
        ParamSpec::new("train_size", Data, Int { default: 20_000, min: 100, max: 20_000 }).shown_if(is_images),
        ParamSpec::new("latent_2d", Model, Int { default: 2, min: 1, max: 16 }).shown_if(is_points),
        ParamSpec::new("latent", Model, Int { default: 100, min: 2, max: 128 }).shown_if(is_images),
        ParamSpec::new("generator", Model, Choice { default: "dcgan", options: &["dcgan", "mlp"] }).shown_if(is_images),
        ParamSpec::new("channels", Model, Int { default: 32, min: 4, max: 64 }).shown_if(is_dcgan),
        ParamSpec::new("g_width", Model, Int { default: 128, min: 4, max: 512 }).shown_if(is_mlp),
        ParamSpec::new("g_layers", Model, Int { default: 2, min: 1, max: 4 }).shown_if(is_points),
        ParamSpec::new("d_width", Model, Int { default: 128, min: 4, max: 512 }).shown_if(is_mlp),
        ParamSpec::new("d_layers", Model, Int { default: 2, min: 1, max: 4 }).shown_if(is_points),
        ParamSpec::new("conditional", Model, Bool { default: false }).shown_if(is_images),
        ParamSpec::new("loss", Training, Choice { default: "bce", options: &["bce", "lsgan", "wgan_gp"] }).live(),
        ParamSpec::new("train", Training, Choice { default: "both", options: &["both", "d_only", "g_only"] }).live(),
        ParamSpec::new("d_steps", Training, Int { default: 1, min: 1, max: 10 }).live(),
        ParamSpec::new("g_lr", Training, Float { default: 2e-4, min: 1e-5, max: 0.1, log: true }).live(),
        ParamSpec::new("d_lr", Training, Float { default: 2e-4, min: 1e-5, max: 0.1, log: true }).live(),
        ParamSpec::new("optimizer", Training, Choice { default: "adam", options: Optim::KEYS }).live(),
        ParamSpec::new("beta1", Training, Float { default: 0.5, min: 0.0, max: 0.99, log: false })
            .live()
            .shown_if(is_adam),
        ParamSpec::new("beta2", Training, Float { default: 0.999, min: 0.9, max: 0.9999, log: false })
            .live()
            .shown_if(is_adam),
        ParamSpec::new("batch", Training, Int { default: 64, min: 1, max: 512 }).live(),
        ParamSpec::new("ema", Training, Bool { default: true }).live().shown_if(is_images),
        ParamSpec::new("ema_decay", Training, Float { default: 0.999, min: 0.9, max: 0.9999, log: true })
            .live()
            .shown_if(has_ema),
        seed_spec(),
        ParamSpec::new("digit", Sampling, Int { default: -1, min: -1, max: 9 }).live().shown_if(is_conditional),
    ]
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Loss {
    /// Non-saturating binary cross-entropy (the generator maximises log D(G(z))).
    Bce,
    /// Least squares (Mao et al. 2017).
    Lsgan,
    /// Wasserstein with a gradient penalty (Gulrajani et al. 2017).
    WganGp,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Train {
    Both,
    DOnly,
    GOnly,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    dataset: String,
    points: String,
    noise: f64,
    train_size: usize,
    latent_2d: usize,
    latent: usize,
    generator: String,
    channels: usize,
    g_width: usize,
    g_layers: usize,
    d_width: usize,
    d_layers: usize,
    conditional: bool,
    loss: Loss,
    train: Train,
    d_steps: usize,
    g_lr: f64,
    d_lr: f64,
    optimizer: Optim,
    beta1: f64,
    beta2: f64,
    batch: usize,
    ema: bool,
    ema_decay: f64,
    seed: u64,
    digit: i64,
}

impl Config {
    fn optimizer(&self) -> ModuleOptimizer {
        match self.optimizer {
            Optim::Adam => {
                AdamConfig::new().with_beta_1(self.beta1 as f32).with_beta_2(self.beta2 as f32).init()
            }
            other => other.build(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Data

fn load_data(cfg: &Config) -> Result<Data, LabError> {
    let data = Data::load(&cfg.dataset, &cfg.points, cfg.train_size, cfg.noise as f32, cfg.seed)?;
    if let Data::Images(split) = &data
        && (split.train.h != 28 || split.train.w != 28 || split.train.channels != 1)
    {
        return Err(LabError::Invalid { key: "err.needs_28", english: "the networks take 28x28 grey images" });
    }
    Ok(data)
}

// ---------------------------------------------------------------------------------------
// The lab

struct GanLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    steps: u64,
    train_device: Device,
    device: Device,
    data: Data,
    g: Generator,
    /// The moving average of the generator's weights (inference device): the images are
    /// drawn with it when `ema` is on (images only; the 2-D views show the live generator).
    g_ema: Generator,
    d: Discriminator,
    g_optim: ModuleOptimizer,
    d_optim: ModuleOptimizer,
    rng: Rng,
    batches: Batches,
    /// The last losses (a step that trains one network measures the other's too).
    losses: (Reading, Reading),
    judge: Option<Judge>,
    census: Option<(u64, Census, Vec<f32>)>,
}

/// Samples the 2-D quality figures are measured on.
const EVAL_POINTS: usize = 2000;
/// Generated images the judge reads.
const CENSUS: usize = 100;
/// Weight of the gradient penalty, and the step of its finite difference.
const GP_WEIGHT: f32 = 10.0;
const GP_STEP: f32 = 0.01;

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    let data = load_data(&cfg)?;
    Ok(Box::new(GanLab::new(cfg, data, device)))
}

impl GanLab {
    fn new(cfg: Config, data: Data, device: &Device) -> Self {
        let train_device = device.clone().autodiff();
        device.seed(cfg.seed);
        train_device.seed(cfg.seed);
        let shape = Self::shape(&cfg, &data);
        let g = Generator::new(&shape, &train_device);
        Self {
            rates: Vec::new(),
            steps: 0,
            g_ema: g.valid(),
            g,
            d: Discriminator::new(&shape, &train_device),
            g_optim: cfg.optimizer(),
            d_optim: cfg.optimizer(),
            rng: Rng::new(cfg.seed.wrapping_add(1)),
            batches: Batches::new(data.rows()),
            losses: (Reading::Value(0.0), Reading::Value(0.0)),
            judge: match &data {
                Data::Images(s) => Some(Judge::new(&s.train, device, cfg.seed)),
                Data::Points { .. } => None,
            },
            census: None,
            train_device,
            device: device.clone(),
            data,
            cfg,
        }
    }

    fn shape(cfg: &Config, data: &Data) -> Shape {
        let images = matches!(data, Data::Images(_));
        Shape {
            latent: if images { cfg.latent } else { cfg.latent_2d },
            classes: if images && cfg.conditional { data.classes() } else { 0 },
            dim: if images { 784 } else { 2 },
            dcgan: images && cfg.generator == "dcgan",
            g_width: cfg.g_width,
            g_hidden: if images { 1 } else { cfg.g_layers },
            d_width: cfg.d_width,
            d_hidden: if images { 1 } else { cfg.d_layers },
            channels: cfg.channels,
            images,
        }
    }

    fn dim(&self) -> usize {
        match self.data {
            Data::Points { .. } => 2,
            Data::Images(_) => 784,
        }
    }

    fn latent(&self) -> usize {
        match self.data {
            Data::Points { .. } => self.cfg.latent_2d,
            Data::Images(_) => self.cfg.latent,
        }
    }

    /// The DCGAN works on images in [-1, 1] (its tanh); the MLP on [0, 1] (its sigmoid).
    fn signed(&self) -> bool {
        matches!(self.data, Data::Images(_)) && self.cfg.generator == "dcgan"
    }

    /// A batch of real samples as the networks see them, with their classes when the
    /// networks are conditional.
    fn real_batch(&mut self, n: usize) -> (Vec<f32>, Option<Vec<u32>>) {
        let signed = self.signed();
        let conditional = self.classes() > 0;
        match &self.data {
            Data::Points { cloud, .. } => {
                (cloud.sample(n, self.cfg.noise as f32, &mut self.rng).into_iter().flatten().collect(), None)
            }
            Data::Images(s) => {
                let idx = self.batches.next(n, &mut self.rng);
                let px = idx
                    .iter()
                    .flat_map(|&i| s.train.image(i).iter().map(move |&v| if signed { v * 2.0 - 1.0 } else { v }))
                    .collect();
                (px, conditional.then(|| idx.iter().map(|&i| s.train.labels[i]).collect()))
            }
        }
    }

    /// Classes the networks are conditioned on (0: unconditional).
    fn classes(&self) -> usize {
        if self.cfg.conditional { self.data.classes() } else { 0 }
    }

    /// The classes a conditional generator draws for the pictures: the chosen digit, or each
    /// in turn.
    fn sample_labels(&self, n: usize) -> Option<Vec<u32>> {
        drawn_classes(self.classes(), self.cfg.digit, n)
    }

    /// Random classes for the generated half of a training batch (conditional only).
    fn random_labels(&mut self, n: usize) -> Option<Vec<u32>> {
        let k = self.classes();
        (k > 0).then(|| (0..n).map(|_| self.rng.below(k) as u32).collect())
    }

    /// The generator's input: each latent row followed by its one-hot class (if any).
    fn g_input(&self, z: Vec<f32>, labels: Option<&[u32]>, device: &Device) -> Tensor<2> {
        let latent = self.latent();
        match labels {
            None => self.tensor(z, latent, device),
            Some(labels) => {
                let k = self.classes();
                let hot = onehot(labels, k);
                let rows: Vec<f32> =
                    z.chunks(latent).zip(hot.chunks(k)).flat_map(|(z, h)| z.iter().chain(h).copied()).collect();
                self.tensor(rows, latent + k, device)
            }
        }
    }

    /// The discriminator's class input: one-hot rows (conditional only).
    fn d_classes(&self, labels: Option<&[u32]>, device: &Device) -> Option<Tensor<2>> {
        labels.map(|l| self.tensor(onehot(l, self.classes()), self.classes(), device))
    }

    /// Latent vectors: standard normal, `n` of them.
    fn latents(&self, rng: &mut Rng, n: usize) -> Vec<f32> {
        (0..n * self.latent()).map(|_| rng.normal()).collect()
    }

    fn tensor(&self, v: Vec<f32>, cols: usize, device: &Device) -> Tensor<2> {
        let rows = v.len() / cols.max(1);
        tensors::floats(v, [rows, cols], device)
    }

    /// The generator's loss on the discriminator's logits for generated samples.
    fn g_loss(&self, fake_logits: Tensor<2>) -> Tensor<1> {
        match self.cfg.loss {
            Loss::Bce => softplus(fake_logits.neg(), 1.0).mean(),
            Loss::Lsgan => (fake_logits.sub_scalar(1.0)).powi_scalar(2).mean().mul_scalar(0.5),
            Loss::WganGp => fake_logits.mean().neg(),
        }
    }

    /// The discriminator's loss on its logits for real and generated samples (without the
    /// gradient penalty).
    fn d_loss(&self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        match self.cfg.loss {
            Loss::Bce => softplus(real.neg(), 1.0).mean() + softplus(fake, 1.0).mean(),
            Loss::Lsgan => (real.sub_scalar(1.0).powi_scalar(2).mean() + fake.powi_scalar(2).mean()).mul_scalar(0.5),
            Loss::WganGp => fake.mean() - real.mean(),
        }
    }

    /// WGAN-GP's penalty (|grad D(x)| - 1)^2 at points between real and generated samples.
    /// Burn has no second derivatives, so the gradient's norm is measured as the slope of D
    /// along the gradient's direction by a central difference, which is differentiable in
    /// D's weights: (D(x + h u) - D(x - h u)) / 2h with u = grad D(x) / |grad D(x)|.
    fn gradient_penalty(&mut self, real: &[f32], fake: &[f32], labels: Option<&[u32]>) -> Tensor<1> {
        let dim = self.dim();
        let n = real.len() / dim;
        let mut mixed = Vec::with_capacity(real.len());
        for i in 0..n {
            let e = self.rng.f32();
            mixed.extend((0..dim).map(|k| e * real[i * dim + k] + (1.0 - e) * fake[i * dim + k]));
        }
        let x = self.tensor(mixed.clone(), dim, &self.train_device).require_grad();
        let y = self.d_classes(labels, &self.train_device);
        let grads = self.d.forward(x.clone(), y.clone()).sum().backward();
        let g: Vec<f32> = x.grad(&grads).map(|g| g.floats()).unwrap_or_default();
        let mut plus = Vec::with_capacity(mixed.len());
        let mut minus = Vec::with_capacity(mixed.len());
        for i in 0..n {
            let row = &g.get(i * dim..(i + 1) * dim).unwrap_or(&[]);
            let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
            for k in 0..dim {
                let u = row.get(k).copied().unwrap_or(0.0) / norm;
                plus.push(mixed[i * dim + k] + GP_STEP * u);
                minus.push(mixed[i * dim + k] - GP_STEP * u);
            }
        }
        let dp = self.d.forward(self.tensor(plus, dim, &self.train_device), y.clone());
        let dm = self.d.forward(self.tensor(minus, dim, &self.train_device), y);
        let slope = (dp - dm).div_scalar(2.0 * GP_STEP);
        slope.sub_scalar(1.0).powi_scalar(2).mean().mul_scalar(GP_WEIGHT)
    }

    /// One discriminator step; returns its loss and the generator's loss on the same batch.
    fn d_step(&mut self) -> (Reading, Reading) {
        let n = self.cfg.batch;
        let (real, real_labels) = self.real_batch(n);
        let n = real.len() / self.dim();
        let mut rng = Rng::new(self.rng.next_u64());
        let z = self.latents(&mut rng, n);
        let fake_labels = self.random_labels(n);
        let dev = self.train_device.clone();
        let fake = self.g.forward(self.g_input(z, fake_labels.as_deref(), &dev)).detach();
        let lr = self.d.forward(self.tensor(real.clone(), self.dim(), &dev), self.d_classes(real_labels.as_deref(), &dev));
        let fake_values = fake.clone();
        let lf = self.d.forward(fake, self.d_classes(fake_labels.as_deref(), &dev));
        let g_value = Reading::of(self.g_loss(lf.clone()));
        let mut loss = self.d_loss(lr, lf);
        if self.cfg.loss == Loss::WganGp {
            // Each mixed sample takes its real end's class (the generated end's was drawn at random).
            let fake_values: Vec<f32> = fake_values.floats();
            loss = loss + self.gradient_penalty(&real, &fake_values, real_labels.as_deref());
        }
        let value = Reading::of(loss.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &self.d);
        applied(&mut self.rates, "d_lr", self.cfg.d_lr);
        self.d = self.d_optim.step(self.cfg.d_lr, self.d.clone(), grads);
        (value, g_value)
    }

    /// One generator step; returns its loss.
    fn g_step(&mut self) -> Reading {
        let n = self.cfg.batch;
        let mut rng = Rng::new(self.rng.next_u64());
        let z = self.latents(&mut rng, n);
        let labels = self.random_labels(n);
        let dev = self.train_device.clone();
        let fake = self.g.forward(self.g_input(z, labels.as_deref(), &dev));
        let loss = self.g_loss(self.d.forward(fake, self.d_classes(labels.as_deref(), &dev)));
        let value = Reading::of(loss.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &self.g);
        applied(&mut self.rates, "g_lr", self.cfg.g_lr);
        self.g = self.g_optim.step(self.cfg.g_lr, self.g.clone(), grads);
        value
    }

    /// The discriminator's loss now, without training it.
    fn d_loss_now(&mut self) -> Reading {
        let n = self.cfg.batch;
        let (real, real_labels) = self.real_batch(n);
        let n = real.len() / self.dim();
        let mut rng = Rng::new(self.rng.next_u64());
        let z = self.latents(&mut rng, n);
        let fake_labels = self.random_labels(n);
        let (g, d, dev) = (self.g.valid(), self.d.valid(), self.device.clone());
        let fake = g.forward(self.g_input(z, fake_labels.as_deref(), &dev));
        let lr = d.forward(self.tensor(real, self.dim(), &dev), self.d_classes(real_labels.as_deref(), &dev));
        Reading::of(self.d_loss(lr, d.forward(fake, self.d_classes(fake_labels.as_deref(), &dev))))
    }

    /// `n` generated samples (flattened) from latents seeded by `seed`, as the data's values
    /// (images in [0, 1]).
    fn generate(&self, n: usize, seed: u64) -> Vec<f32> {
        let z = self.latents(&mut Rng::new(seed), n);
        self.generate_from(z)
    }

    /// The generator that draws the pictures: the moving average where it is on.
    fn sampler(&self) -> Generator {
        if self.averaged() { self.g_ema.clone() } else { self.g.valid() }
    }

    fn averaged(&self) -> bool {
        self.cfg.ema && matches!(self.data, Data::Images(_))
    }

    /// Samples for latents `z`, of the classes [`GanLab::sample_labels`] gives (conditional).
    fn generate_from(&self, z: Vec<f32>) -> Vec<f32> {
        let labels = self.sample_labels(z.len() / self.latent());
        self.generate_with(&self.sampler(), z, labels.as_deref())
    }

    /// Samples from `g` (the live generator or its average) for latents `z` and, when the
    /// generator is conditional, `labels`.
    fn generate_with(&self, g: &Generator, z: Vec<f32>, labels: Option<&[u32]>) -> Vec<f32> {
        let out: Vec<f32> = g.forward(self.g_input(z, labels, &self.device)).floats();
        if self.signed() { out.into_iter().map(|v| (v + 1.0) / 2.0).collect() } else { out }
    }

    /// The judge's reading of `CENSUS` generated images (the same latents every time).
    fn census(&mut self) -> Option<&(u64, Census, Vec<f32>)> {
        let stale = self.census.as_ref().is_none_or(|c| c.0 != self.steps);
        if stale && let (Some(judge), Data::Images(s)) = (&self.judge, &self.data) {
            let px = self.generate(CENSUS, self.cfg.seed.wrapping_add(1234));
            let census = judge.census(&px, CENSUS, [1, 28, 28], s.train.class_names.len());
            self.census = Some((self.steps, census, px));
        }
        self.census.as_ref()
    }

    /// Generated points (2-D only), the same latents every time.
    fn points(&self, n: usize) -> Vec<[f32; 2]> {
        self.generate(n, self.cfg.seed.wrapping_add(4321)).chunks(2).map(|p| [p[0], p[1]]).collect()
    }
}

/// Records the rate a network's step applied (the generator's and the discriminator's take
/// turns, and either may skip steps).
fn applied(rates: &mut Vec<(&'static str, f64)>, key: &'static str, lr: f64) {
    match rates.iter_mut().find(|(k, _)| *k == key) {
        Some(rate) => rate.1 = lr,
        None => {
            rates.push((key, lr));
            rates.sort_by_key(|(k, _)| std::cmp::Reverse(*k));
        }
    }
}

impl Lab for GanLab {
    /// Neither network's loss falls as a GAN learns (they play against each other).
    /// Not the learner's: a GAN's losses need not fall as it learns, and it has no held-out
    /// loss.
    fn detectors(&self) -> Vec<crate::engine::Detector> {
        COLLAPSE.to_vec()
    }

    fn step(&mut self) -> Result<StepMetrics, LabError> {
        self.data.check_not_empty()?;
        let (mut d_loss, mut g_loss) = self.losses.clone();
        if self.cfg.train != Train::GOnly {
            for _ in 0..self.cfg.d_steps {
                (d_loss, g_loss) = self.d_step();
            }
        }
        if self.cfg.train != Train::DOnly {
            g_loss = self.g_step();
            if self.averaged() {
                let decay = ema::warmed_decay(self.cfg.ema_decay, self.steps);
                self.g_ema = ema::update(self.g_ema.clone(), &self.g.valid(), decay);
            }
            if self.cfg.train == Train::GOnly {
                d_loss = self.d_loss_now();
            }
        }
        if let (Some(judge), Data::Images(s)) = (&mut self.judge, &self.data) {
            judge.train(&s.train);
        }
        self.losses = (d_loss.clone(), g_loss.clone());
        self.steps += 1;
        Ok(StepMetrics { loss: Some(d_loss), more: vec![("g_loss", g_loss)] })
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        let mut values = Vec::new();
        match &self.data {
            Data::Points { cloud, .. } => {
                let cloud = cloud.clone();
                let pts = self.points(EVAL_POINTS);
                let near = pts.iter().filter(|&&p| cloud.distance(p) <= 0.1).count();
                values.push(("near_data", near as f32 / pts.len() as f32));
                if let Some(covered) = cloud.modes_covered(&pts, 0.2 / cloud.modes().len() as f32) {
                    values.push(("mode_share", covered as f32 / cloud.modes().len() as f32));
                }
            }
            Data::Images(_) => {
                if let Some((_, c, _)) = self.census() {
                    values.push(("confident", c.confident));
                    values.push(("class_share", c.classes_seen as f32 / c.counts.len().max(1) as f32));
                }
            }
        }
        Ok(Evaluation { values })
    }

    fn final_evaluation(&mut self) -> Result<Evaluation, LabError> {
        let mut e = self.evaluate()?;
        match &self.data {
            Data::Points { cloud, .. } => {
                let cloud = cloud.clone();
                let pts = self.points(EVAL_POINTS);
                if let Some(covered) = cloud.modes_covered(&pts, 0.2 / cloud.modes().len() as f32) {
                    e.values.push(("modes_covered", covered as f32));
                }
            }
            Data::Images(s) => {
                if let Some(judge) = &self.judge {
                    let (acc, real_confident) = judge.accuracy(&s.test);
                    e.values.extend([("judge_acc", acc), ("real_confident", real_confident)]);
                }
                if let Some((_, c, _)) = self.census.as_ref() {
                    e.values.push(("classes_seen", c.classes_seen as f32));
                }
            }
        }
        Ok(e)
    }

    fn gallery(&self) -> Option<&'static str> {
        Some(match self.data {
            Data::Points { .. } => "plane",
            Data::Images(_) => "gallery",
        })
    }

    fn eval_every(&self) -> u64 {
        100
    }

    fn views(&self) -> Vec<ViewSpec> {
        let ids: &[&'static str] = match self.data {
            Data::Points { .. } => &["plane", "manifold"],
            Data::Images(_) => &["gallery", "interpolation", "scores", "census"],
        };
        ViewSpec::list(ids)
    }

    fn charts(&self) -> Vec<&'static str> {
        vec!["gan_loss", "gan_quality"]
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match (view, &self.data) {
            ("plane", Data::Points { .. }) => Ok(self.plane_view()),
            ("manifold", Data::Points { .. }) => Ok(self.manifold_view()),
            ("gallery", Data::Images(_)) => Ok(self.gallery_view()),
            ("interpolation", Data::Images(_)) => Ok(self.interpolation_view()),
            ("scores", Data::Images(_)) => Ok(self.scores_view()),
            ("census", Data::Images(_)) => Ok(self.census_view()),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        if new.optimizer != self.cfg.optimizer || new.beta1 != self.cfg.beta1 || new.beta2 != self.cfg.beta2 {
            self.g_optim = new.optimizer();
            self.d_optim = new.optimizer();
        }
        // The loss, the step mode, the learning rates, the batch, the EMA decay and the data's
        // noise are read where they are used; a new drawing is new data.
        let resample = new.ema != self.cfg.ema || new.digit != self.cfg.digit;
        if self.data.redraw(&new.points, new.noise as f32, new.seed)? || resample {
            self.census = None;
        }
        self.cfg = new;
        Ok(())
    }

    fn settings(&self) -> Values {
        params::untyped(&params(), &self.cfg)
    }

    fn rates(&self) -> Vec<(&'static str, f64)> {
        self.rates.clone()
    }

    fn parameters(&self) -> usize {
        weights::trainable(&self.g) + weights::trainable(&self.d)
    }

    fn weights(&self) -> Result<Vec<u8>, LabError> {
        weights::to_bytes(&self.saved())
    }

    fn load_weights(&mut self, bytes: &[u8], steps: u64) -> Result<(), LabError> {
        // A file saved before the generator's average existed holds none: it starts from the
        // generator.
        let saved = weights::from_bytes(&self.saved(), bytes)
            .or_else(|e| weights::from_bytes(&Saved { g_ema: None, ..self.saved() }, bytes).map_err(|_| e))?;
        self.g_ema = saved.g_ema.unwrap_or_else(|| saved.g.valid());
        self.g = saved.g;
        self.d = saved.d;
        Judge::load_saved(&mut self.judge, saved.judge, steps);
        self.steps = steps;
        self.census = None;
        Ok(())
    }

    // The judge is a measuring instrument, not the model: it keeps what it learnt.
    crate::labs::kit::rewind::rewinds!(
        modules: [g, g_ema, d],
        optimizers: [g_optim, d_optim],
        plain: [rates, steps, rng, batches, losses],
        cleared: [census],
    );
}

impl GanLab {
    fn saved(&self) -> Saved {
        Saved { g: self.g.clone(), g_ema: Some(self.g_ema.clone()), d: self.d.clone(), judge: Judge::saved(&self.judge) }
    }
}

/// What a model file holds: both networks, the generator's moving average and the
/// classifier that reads the samples.
#[derive(Module, Debug)]
struct Saved {
    g: Generator,
    g_ema: Option<Generator>,
    d: Discriminator,
    judge: Option<JudgeNet>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(sets: &[(&str, &str)]) -> GanLab {
        let specs = params();
        let cfg: Config = params::typed(&specs, &params::parse_pairs(&specs, sets).unwrap()).unwrap();
        let data = load_data(&cfg).unwrap();
        GanLab::new(cfg, data, &Device::flex())
    }

    #[test]
    fn both_generators_make_images_of_the_right_shape_and_range() {
        for generator in ["dcgan", "mlp"] {
            let lab = lab(&[("dataset", "mnist"), ("train_size", "100"), ("generator", generator), ("latent", "8")]);
            let px = lab.generate(3, 1);
            assert_eq!(px.len(), 3 * 784, "{generator}");
            assert!(px.iter().all(|v| (0.0..=1.0).contains(v)), "{generator}: values in [0, 1]");
            let d = lab.d.valid().forward(lab.tensor(px, 784, &lab.device), None);
            assert_eq!(d.dims(), [3, 1]);
        }
    }

    #[test]
    fn a_conditional_gan_draws_the_class_it_is_asked_for_and_is_scored_by_class() {
        for generator in ["dcgan", "mlp"] {
            let sets = [("dataset", "mnist"), ("train_size", "100"), ("generator", generator), ("latent", "8")];
            let mut lab = lab(&[sets.as_slice(), &[("conditional", "true")]].concat());
            assert_eq!(lab.sample_labels(12).unwrap(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
            // The same latent with two classes gives two different images.
            let z = lab.latents(&mut Rng::new(5), 1);
            let g = lab.g.valid();
            let a = lab.generate_with(&g, z.clone(), Some(&[3]));
            let b = lab.generate_with(&g, z, Some(&[7]));
            assert_eq!(a.len(), 784);
            assert!(a.iter().zip(&b).any(|(x, y)| (x - y).abs() > 1e-4), "{generator}: the class changes the image");
            // The discriminator's score of one image depends on the class it is told.
            let d = lab.d.valid();
            let x = lab.tensor(a.clone(), 784, &lab.device);
            let score = |c: u32| d.forward(x.clone(), lab.d_classes(Some(&[c]), &lab.device)).floats()[0];
            assert_ne!(score(3), score(7), "{generator}");
            // It trains, views included, and a chosen digit is drawn throughout.
            for _ in 0..3 {
                lab.step().unwrap();
            }
            lab.reconfigure(&params::parse_pairs(&params(), &[sets.as_slice(), &[("conditional", "true"), ("digit", "4")]].concat()).unwrap())
                .unwrap();
            assert!(lab.sample_labels(5).unwrap().iter().all(|&c| c == 4));
            for view in lab.views() {
                lab.render(view.id).unwrap();
            }
        }
    }

    #[test]
    fn a_file_saved_before_the_generators_average_existed_still_opens() {
        let mut a = lab(&[("dataset", "mnist"), ("train_size", "100"), ("latent", "8")]);
        a.step().unwrap();
        let old = weights::to_bytes(&Saved { g_ema: None, ..a.saved() }).unwrap();
        let mut b = lab(&[("dataset", "mnist"), ("train_size", "100"), ("latent", "8")]);
        b.load_weights(&old, 1).unwrap();
        // The average starts from the generator it opened.
        let z = b.latents(&mut Rng::new(3), 2);
        assert_eq!(b.generate_with(&b.g_ema.clone(), z.clone(), None), a.generate_with(&a.g.valid(), z, None));
        // A file of other networks is refused, and the lab keeps its own.
        let other = weights::to_bytes(&lab(&[("dataset", "mnist"), ("train_size", "100"), ("latent", "9")]).saved());
        assert!(b.load_weights(&other.unwrap(), 5).is_err());
        assert_eq!(b.steps, 1);
    }

    #[test]
    fn the_discriminator_learns_when_only_it_trains() {
        for loss in ["bce", "lsgan", "wgan_gp"] {
            let mut lab = lab(&[("loss", loss), ("train", "d_only"), ("d_lr", "0.003")]);
            let first = lab.d_loss_now().value();
            for _ in 0..60 {
                lab.step().unwrap();
            }
            let last = lab.d_loss_now().value();
            assert!(last < first - 0.1, "{loss}: D loss {first} -> {last}");
        }
    }
}
