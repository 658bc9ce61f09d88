//! The diffusion lab: DDPM (Ho et al. 2020). A network learns to predict the noise that was
//! added to a data sample at a random timestep (MSE loss); sampling starts from pure noise
//! and removes the predicted noise step by step (DDPM), or in fewer, deterministic steps
//! (DDIM). 2-D point clouds with an MLP, MNIST and Fashion-MNIST with a small U-Net.
//! Reads top to bottom: parameters -> data -> model -> step -> sampling; the schedule's
//! arithmetic is in `schedule.rs`, the networks in `model.rs`, the pictures in `views.rs`.

pub(crate) mod model;
mod sampler;
pub(crate) mod schedule;
mod strings;
mod views;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::labs::kit::generative::{Data, drawn_classes, is_conditional, is_images, is_points, points_spec};
use crate::error::LabError;
use crate::labs::kit::judge::{Census, Judge, JudgeNet};
use crate::labs::kit::{Batches, Training, TrainingDefaults, ema, seed_spec, weights};
use crate::labs::{Chart, Curve, Evaluation, Lab, LabDef, Preset, Reading, StepMetrics, Suits, kit};
use crate::params::{self, Group, ParamKind, ParamSpec, Values, text_of};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
pub(crate) use model::Denoiser;
use sampler::Trace;
use schedule::{Kind, Schedule};
use crate::tensors::floats;
use crate::tensors;

pub const DEF: LabDef = LabDef {
    id: "diffusion",
    params,
    build,
    views: &["denoise", "gallery", "timeline", "census", "flow", "forward", "loss_t"],
    charts: &[
        Chart { id: "loss", curves: &[Curve::faint("batch_loss"), Curve::bold("test_loss")], unit: false, line: None },
        Chart { id: "near_data", curves: &[Curve::bold("near_data")], unit: true, line: None },
    ],
    strings: strings::STRINGS,
    steps: 3000,
    small: &[("dataset", "ring"), ("batch", "32"), ("hidden", "16"), ("diffusion_steps", "20")],
    suits: Suits::Gpu,
    // `tenlab train diffusion --steps 14000 --set conditional=true --set weighting=min_snr --set lr_decay=cosine`
    // `--set decay_steps=14000 --set ema_decay=0.999 --save assets/models/diffusion-mnist.tenlab` (README: Trained models)
    trained: Some(crate::labs::Trained {
        file: "assets/models/diffusion-mnist.tenlab",
        bytes: include_bytes!("../../../../assets/models/diffusion-mnist.tenlab"),
    }),
    presets: &[
        // MNIST: 2.3 steps/s on 2 cores, minutes per run; the trained model ships.
        Preset { id: "defaults", values: &[] },
        // The 2-D ring: share of samples within 0.1 of the data 0.56 at step 500, 0.70 at
        // 3,250 (seed 1, ~25 s).
        Preset { id: "ring", values: &[("dataset", "ring")] },
        // The same with a single denoising step: every sample lands near the data's mean, the
        // centre of the ring (share near the data 0.004 against 0.75 with 50 steps).
        Preset { id: "one_step", values: &[("dataset", "ring"), ("sample_steps", "1")] },
    ],
};

// ---------------------------------------------------------------------------------------
// Parameters

fn is_linear(v: &Values) -> bool {
    text_of(v, "schedule") == "linear"
}
fn is_ddim(v: &Values) -> bool {
    text_of(v, "sampler") == "ddim"
}
fn has_ema(v: &Values) -> bool {
    matches!(v.get("ema"), Some(params::ParamValue::Bool(true)))
}

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    let mut p = vec![
        ParamSpec::new(
            "dataset",
            Data,
            Choice {
                default: "mnist",
                options: &["mnist", "fashion", "swissroll", "ring", "moons", "spiral", "grid", "drawn"],
            },
        ),
        points_spec(),
        ParamSpec::new("noise", Data, Float { default: 0.02, min: 0.0, max: 0.3, log: false })
            .live()
            .shown_if(is_points),
        ParamSpec::new("train_size", Data, Int { default: 20_000, min: 100, max: 20_000 }).shown_if(is_images),
        ParamSpec::new("t_view", Data, Int { default: 250, min: 0, max: 999 }).live(),
        ParamSpec::new("diffusion_steps", Model, Int { default: 1000, min: 10, max: 1000 }),
        ParamSpec::new("schedule", Model, Choice { default: "linear", options: &["linear", "cosine"] }),
        ParamSpec::new("beta_start", Model, Float { default: 1e-4, min: 1e-5, max: 0.01, log: true })
            .shown_if(is_linear),
        ParamSpec::new("beta_end", Model, Float { default: 0.02, min: 0.001, max: 0.2, log: true })
            .shown_if(is_linear),
        ParamSpec::new("width", Model, Int { default: 32, min: 8, max: 64 }).shown_if(is_images),
        ParamSpec::new("hidden", Model, Int { default: 128, min: 8, max: 512 }).shown_if(is_points),
        ParamSpec::new("layers", Model, Int { default: 3, min: 1, max: 6 }).shown_if(is_points),
        ParamSpec::new("conditional", Model, Bool { default: false }).shown_if(is_images),
        ParamSpec::new("weighting", Training, Choice { default: "auto", options: &["auto", "uniform", "min_snr"] })
            .live(),
    ];
    p.extend(kit::Training::specs(TrainingDefaults {
        lr: 0.002,
        lr_max: 0.1,
        batch: 64,
        decay: "constant",
        decay_steps: 3000,
    }));
    p.push(ParamSpec::new("ema", Training, Bool { default: true }).live());
    p.push(
        ParamSpec::new("ema_decay", Training, Float { default: 0.995, min: 0.9, max: 0.9999, log: true })
            .live()
            .shown_if(has_ema),
    );
    p.push(seed_spec());
    p.extend([
        ParamSpec::new("sampler", Sampling, Choice { default: "ddim", options: &["ddim", "ddpm"] }).live(),
        ParamSpec::new("sample_steps", Sampling, Int { default: 50, min: 1, max: 1000 }).live().shown_if(is_ddim),
        ParamSpec::new("eta", Sampling, Float { default: 1.0, min: 0.0, max: 1.0, log: false })
            .live()
            .shown_if(is_ddim),
        ParamSpec::new("guidance", Sampling, Float { default: 3.0, min: 0.0, max: 10.0, log: false })
            .live()
            .shown_if(is_conditional),
        ParamSpec::new("digit", Sampling, Int { default: -1, min: -1, max: 9 }).live().shown_if(is_conditional),
    ]);
    p
}

/// How the loss weighs the timesteps.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Weighting {
    /// Min-SNR for images, uniform for 2-D points (where the nearly clean timesteps are what
    /// puts the points exactly on the data: measured 94% of samples within 0.1 of the swiss
    /// roll with uniform weights, 66% with min-SNR).
    Auto,
    /// Every timestep alike: Ho et al.'s simple loss.
    Uniform,
    MinSnr,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Sampler {
    Ddpm,
    Ddim,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    dataset: String,
    points: String,
    noise: f64,
    train_size: usize,
    t_view: usize,
    diffusion_steps: usize,
    schedule: Kind,
    beta_start: f64,
    beta_end: f64,
    width: usize,
    hidden: usize,
    layers: usize,
    conditional: bool,
    weighting: Weighting,
    #[serde(flatten)]
    train: Training,
    ema: bool,
    ema_decay: f64,
    seed: u64,
    sampler: Sampler,
    sample_steps: usize,
    eta: f64,
    guidance: f64,
    digit: i64,
}

impl Config {
    fn schedule(&self) -> Schedule {
        Schedule::new(self.schedule, self.diffusion_steps, self.beta_start as f32, self.beta_end as f32)
    }
}

// ---------------------------------------------------------------------------------------
// Data: a 2-D cloud or images (`kit::generative`); the model sees images scaled to [-1, 1].

fn load_data(cfg: &Config) -> Result<Data, LabError> {
    Data::load(&cfg.dataset, &cfg.points, cfg.train_size, cfg.noise as f32, cfg.seed)
}

// ---------------------------------------------------------------------------------------
// The lab

struct DiffusionLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    steps: u64,
    train_device: Device,
    device: Device,
    data: Data,
    schedule: Schedule,
    model: Denoiser,
    /// The moving average of the weights (inference device), sampled with when `ema` is on.
    ema: Denoiser,
    optim: ModuleOptimizer,
    rng: Rng,
    batches: Batches,
    /// The held-out loss per timestep bucket at the last evaluation (mean, samples).
    loss_by_t: Vec<(f32, u64)>,
    /// The last sampling run the views show and the step it was made at.
    trace: Option<Trace>,
    trace_step: u64,
    /// Which starting noise the views' sampling runs use ("Sample again" draws the next).
    draw: u64,
    /// The classifier that reads generated images (images only), and its last reading of
    /// `CENSUS` samples (with the step it was taken at and the samples).
    judge: Option<Judge>,
    census: Option<(u64, Census, Vec<f32>)>,
}

/// Buckets of the loss-by-timestep curve.
const T_BUCKETS: usize = 20;
/// Samples in the image views' sampling run, and points in the 2-D one.
const IMAGE_SAMPLES: usize = 16;
const POINT_SAMPLES: usize = 1000;
/// Frames a sampling run keeps for the player.
const FRAMES: usize = 40;
/// The training steps the 2-D clouds are tuned for (a minute on two cores).
const POINT_STEPS: u64 = 12_000;
/// Samples the judge reads for the census.
const CENSUS: usize = 100;

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    if cfg.beta_start >= cfg.beta_end {
        return Err(LabError::Invalid {
            key: "err.beta_order",
            english: "the first beta must be smaller than the last",
        });
    }
    if !cfg.width.is_multiple_of(8) {
        return Err(LabError::Invalid {
            key: "err.width_multiple_of_8",
            english: "the U-Net's width must be a multiple of 8 (its group norm has 8 groups)",
        });
    }
    let data = load_data(&cfg)?;
    if let Data::Images(s) = &data
        && (s.train.h != 28 || s.train.w != 28)
    {
        return Err(LabError::Invalid { key: "err.needs_28", english: "the U-Net takes 28x28 images" });
    }
    Ok(Box::new(DiffusionLab::new(cfg, data, device)))
}

/// Normal noise, `n` numbers.
fn normals(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.normal()).collect()
}

impl DiffusionLab {
    fn new(cfg: Config, data: Data, device: &Device) -> Self {
        let train_device = device.clone().autodiff();
        device.seed(cfg.seed);
        train_device.seed(cfg.seed);
        let model = Denoiser::new(&cfg, &data, &train_device);
        Self {
            rates: Vec::new(),
            steps: 0,
            schedule: cfg.schedule(),
            ema: model.valid(),
            model,
            optim: cfg.train.optimizer.build(),
            rng: Rng::new(cfg.seed.wrapping_add(1)),
            batches: Batches::new(data.rows()),
            loss_by_t: vec![(0.0, 0); T_BUCKETS],
            trace: None,
            trace_step: 0,
            draw: 0,
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

    fn side(&self) -> [usize; 3] {
        match &self.data {
            Data::Images(s) => [s.train.channels, s.train.h, s.train.w],
            Data::Points { .. } => [1, 1, 2],
        }
    }

    /// A training batch: clean samples (flattened, images in [-1, 1]) and their classes.
    fn batch(&mut self, n: usize) -> (Vec<f32>, Vec<u32>) {
        match &self.data {
            Data::Points { cloud, .. } => {
                let pts = cloud.sample(n, self.cfg.noise as f32, &mut self.rng);
                (pts.iter().flatten().copied().collect(), vec![0; n])
            }
            Data::Images(s) => {
                let idx = self.batches.next(n, &mut self.rng);
                let x = idx.iter().flat_map(|&i| s.train.image(i).iter().map(|v| v * 2.0 - 1.0)).collect();
                (x, idx.iter().map(|&i| s.train.labels[i]).collect())
            }
        }
    }

    /// x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps, per sample.
    fn noised(&self, x0: &[f32], eps: &[f32], ts: &[usize]) -> Vec<f32> {
        let dim = self.data.dim();
        let mut x = Vec::with_capacity(x0.len());
        for (i, &t) in ts.iter().enumerate() {
            let (a, b) = self.schedule.forward_coefs(t);
            let r = i * dim..(i + 1) * dim;
            x.extend(x0[r.clone()].iter().zip(&eps[r]).map(|(x, e)| a * x + b * e));
        }
        x
    }

    /// The model that samples: the moving average when it is on.
    fn sampler(&self) -> Denoiser {
        if self.cfg.ema { self.ema.clone() } else { self.model.valid() }
    }

    /// The classes a class-conditional sampling run draws: the chosen digit, or each in turn.
    fn sample_labels(&self, n: usize) -> Option<Vec<u32>> {
        drawn_classes(if self.cfg.conditional { self.data.classes() } else { 0 }, self.cfg.digit, n)
    }

    /// The mean squared error of predicted noise on `x0` at timesteps `ts` with noise `eps`,
    /// per sample, on the inference copy of the trained model.
    fn losses(&self, x0: &[f32], ts: &[usize], eps: &[f32], labels: Option<&[u32]>) -> Vec<f32> {
        let dim = self.data.dim();
        let model = self.model.valid();
        let mut parts = Vec::new();
        for c in (0..ts.len()).collect::<Vec<_>>().chunks(256) {
            let r = c[0] * dim..(c[c.len() - 1] + 1) * dim;
            let xt = self.noised(&x0[r.clone()], &eps[r.clone()], &ts[c[0]..c[0] + c.len()]);
            let x = tensors::floats(xt, [c.len(), dim], &self.device);
            let e = floats(eps[r].to_vec(), [c.len(), dim], &self.device);
            let l = labels.map(|l| &l[c[0]..c[0] + c.len()]);
            let pred = model.forward(x, &ts[c[0]..c[0] + c.len()], l, self.side());
            parts.push((pred - e).powi_scalar(2).mean_dim(1));
        }
        // Every chunk's in one read.
        tensors::read_all(parts)
    }


    /// The judge's reading of `CENSUS` fresh samples (images only), taken anew when there is
    /// none or the model trained 500 steps since.
    fn census(&mut self) -> Option<&(u64, Census, Vec<f32>)> {
        let stale = self.census.as_ref().is_none_or(|c| self.steps >= c.0 + 500);
        if stale && let (Some(judge), Data::Images(s)) = (&self.judge, &self.data) {
            let trace = self.sample(CENSUS, self.cfg.seed.wrapping_add(1234), 1);
            let shape = [s.train.channels, s.train.h, s.train.w];
            let px: Vec<f32> = trace.last.iter().map(|v| (v + 1.0) / 2.0).collect();
            let census = judge.census(&px, CENSUS, shape, s.train.class_names.len());
            self.census = Some((self.steps, census, px));
        }
        self.census.as_ref()
    }

    /// Share of `POINT_SAMPLES` samples within 0.1 of the data (2-D only).
    fn near_data(&self, trace: &Trace) -> Option<f32> {
        let Data::Points { cloud, .. } = &self.data else { return None };
        let near = trace.last.chunks(2).filter(|p| cloud.distance([p[0], p[1]]) <= 0.1).count();
        Some(near as f32 / trace.n as f32)
    }
}


impl Lab for DiffusionLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        self.data.check_not_empty()?;
        let n = self.cfg.train.batch;
        let (x0, labels) = self.batch(n);
        let n = labels.len();
        let dim = self.data.dim();
        let steps_t = self.schedule.len();
        let ts: Vec<usize> = (0..n).map(|_| self.rng.below(steps_t)).collect();
        let eps = normals(&mut self.rng, n * dim);
        let xt = self.noised(&x0, &eps, &ts);
        // Class-conditional: one label in ten is dropped, so the same network also learns the
        // unconditional noise that guidance needs.
        let classes = self.data.classes() as u32;
        let labels: Option<Vec<u32>> = self.cfg.conditional.then(|| {
            labels.iter().map(|&c| if self.rng.f32() < 0.1 { classes } else { c }).collect()
        });
        let x = tensors::floats(xt, [n, dim], &self.train_device);
        let e = floats(eps, [n, dim], &self.train_device);
        let pred = self.model.forward(x, &ts, labels.as_deref(), self.side()); // [n, dim]
        let per = (pred - e).powi_scalar(2).mean_dim(1); // [n, 1]
        let weighting = match (self.cfg.weighting, &self.data) {
            (Weighting::Auto, Data::Images(_)) => Weighting::MinSnr,
            (Weighting::Auto, Data::Points { .. }) => Weighting::Uniform,
            (w, _) => w,
        };
        let loss = match weighting {
            Weighting::Uniform | Weighting::Auto => per.clone().mean(),
            Weighting::MinSnr => {
                // Min-SNR-5 (Hang et al. 2023): timesteps with little noise (a high
                // signal-to-noise ratio) weigh min(SNR, 5) / SNR, so the training spends
                // itself where the samples take their shape.
                let w: Vec<f32> = ts
                    .iter()
                    .map(|&t| {
                        let ab = self.schedule.alpha_bar[t];
                        let snr = ab / (1.0 - ab).max(1e-8);
                        snr.min(5.0) / snr.max(1e-8)
                    })
                    .collect();
                let w = floats(w, [n, 1], &self.train_device);
                (per.clone() * w).mean()
            }
        };
        let value = Reading::of(per.mean());
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        let lr = self.cfg.train.lr_at(self.steps);
        self.rates = vec![("lr", lr)];
        self.model = self.optim.step(lr, self.model.clone(), grads);
        if let (Some(judge), Data::Images(s)) = (&mut self.judge, &self.data) {
            judge.train(&s.train);
        }
        let decay = ema::warmed_decay(self.cfg.ema_decay, self.steps);
        self.ema = ema::update(self.ema.clone(), &self.model.valid(), decay);
        self.steps += 1;
        Ok(StepMetrics::loss(value))
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        // A fixed held-out batch: the same samples, timesteps spread evenly over the
        // schedule, and the same noise every time, so the curve moves only with the model.
        let steps_t = self.schedule.len();
        let mut rng = Rng::new(self.cfg.seed.wrapping_add(5));
        let (x0, labels): (Vec<f32>, Option<Vec<u32>>) = match &self.data {
            Data::Points { real, .. } => (real.iter().flatten().copied().collect(), None),
            Data::Images(s) => {
                let m = s.test.len().min(256);
                let x = (0..m).flat_map(|i| s.test.image(i).iter().map(|v| v * 2.0 - 1.0)).collect();
                (x, self.cfg.conditional.then(|| s.test.labels[..m].to_vec()))
            }
        };
        let n = x0.len() / self.data.dim();
        let ts: Vec<usize> = (0..n).map(|i| i * steps_t / n).collect();
        let eps = normals(&mut rng, x0.len());
        let test = self.losses(&x0, &ts, &eps, labels.as_deref());
        let mut buckets = vec![(0.0f32, 0u64); T_BUCKETS];
        for (&t, &l) in ts.iter().zip(&test) {
            let b = &mut buckets[t * T_BUCKETS / steps_t];
            b.0 += l;
            b.1 += 1;
        }
        self.loss_by_t = buckets.into_iter().map(|(sum, n)| (sum / n.max(1) as f32, n)).collect();
        let mut e = Evaluation { values: vec![("test_loss", test.iter().sum::<f32>() / n.max(1) as f32)] };
        if matches!(self.data, Data::Points { .. }) {
            self.resample();
            let near = self.near_data(self.trace.as_ref().expect("just sampled"));
            e.values.extend(near.map(|v| ("near_data", v)));
        }
        Ok(e)
    }

    fn final_evaluation(&mut self) -> Result<Evaluation, LabError> {
        let mut e = self.evaluate()?;
        self.census = None;
        if let Some((_, c, _)) = self.census() {
            let (confident, seen) = (c.confident, c.classes_seen as f32);
            e.values.extend([("confident", confident), ("classes_seen", seen)]);
        }
        if let (Some(judge), Data::Images(s)) = (&self.judge, &self.data) {
            let (acc, real_confident) = judge.accuracy(&s.test);
            e.values.extend([("judge_acc", acc), ("real_confident", real_confident)]);
            // What a class waits for 16 samples with the chosen sampler.
            let start = std::time::Instant::now();
            self.sample(IMAGE_SAMPLES, self.cfg.seed.wrapping_add(4321), 1);
            e.values.push(("sample16_secs", start.elapsed().as_secs_f32()));
        }
        Ok(e)
    }

    fn budget(&self) -> Option<u64> {
        match self.data {
            Data::Points { .. } => Some(POINT_STEPS),
            Data::Images(_) => None,
        }
    }

    fn gallery(&self) -> Option<&'static str> {
        Some(match self.data {
            Data::Points { .. } => "flow",
            Data::Images(_) => "gallery",
        })
    }

    fn eval_every(&self) -> u64 {
        match self.data {
            Data::Points { .. } => 250,
            Data::Images(_) => 100,
        }
    }

    fn views(&self) -> Vec<ViewSpec> {
        let ids: &[&'static str] = match self.data {
            Data::Points { .. } => &["flow", "forward", "loss_t"],
            Data::Images(_) => &["denoise", "gallery", "timeline", "census", "forward", "loss_t"],
        };
        ViewSpec::list(ids)
    }

    fn charts(&self) -> Vec<&'static str> {
        match self.data {
            Data::Points { .. } => vec!["loss", "near_data"],
            Data::Images(_) => vec!["loss"],
        }
    }

    fn input(&mut self, key: &str, _data: Vec<f32>) -> Result<(), LabError> {
        if key != "sample_again" {
            return Err(LabError::UnknownView(key.into()));
        }
        self.draw += 1;
        self.resample();
        Ok(())
    }

    /// x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε at the timestep shown: t, ᾱ_t and the two coefficients.
    fn formula(&self, view: &str) -> Vec<f32> {
        if !matches!(view, "forward" | "denoise" | "flow") {
            return Vec::new();
        }
        let t = self.cfg.t_view.min(self.schedule.len() - 1);
        let (a, b) = self.schedule.forward_coefs(t);
        vec![t as f32, a * a, a, b]
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match (view, &self.data) {
            ("denoise", Data::Images(_)) => Ok(self.denoise_view()),
            ("gallery", Data::Images(_)) => Ok(self.gallery_view()),
            ("timeline", Data::Images(_)) => Ok(self.timeline_view()),
            ("census", Data::Images(_)) => Ok(self.census_view()),
            ("flow", Data::Points { .. }) => Ok(self.flow_view()),
            ("forward", _) => Ok(self.forward_view()),
            ("loss_t", _) => Ok(self.loss_t_view()),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        self.cfg.train.switch_optimizer(&new.train, &mut self.optim);
        let resample = new.sampler != self.cfg.sampler
            || new.sample_steps != self.cfg.sample_steps
            || new.eta != self.cfg.eta
            || new.guidance != self.cfg.guidance
            || new.digit != self.cfg.digit
            || new.ema != self.cfg.ema;
        // The noise of the 2-D data, the EMA decay and the view's timestep are read where used;
        // a new drawing is new data.
        let resample = resample || self.data.redraw(&new.points, new.noise as f32, new.seed)?;
        self.cfg = new;
        if resample {
            self.trace = None;
            self.census = None;
        }
        Ok(())
    }

    fn settings(&self) -> Values {
        params::untyped(&params(), &self.cfg)
    }

    fn rates(&self) -> Vec<(&'static str, f64)> {
        self.rates.clone()
    }

    fn parameters(&self) -> usize {
        weights::trainable(&self.model)
    }

    fn weights(&self) -> Result<Vec<u8>, LabError> {
        weights::to_bytes(&self.saved())
    }

    fn load_weights(&mut self, bytes: &[u8], steps: u64) -> Result<(), LabError> {
        let saved = weights::from_bytes(&self.saved(), bytes)?;
        self.model = saved.model;
        self.ema = saved.ema;
        Judge::load_saved(&mut self.judge, saved.judge, steps);
        self.steps = steps;
        self.trace = None;
        self.census = None;
        Ok(())
    }

    // The judge is a measuring instrument, not the model: it keeps what it learnt. The
    // sampling run the views show is made again from the model gone back to.
    crate::labs::kit::rewind::rewinds!(
        modules: [model, ema],
        optimizers: [optim],
        plain: [rates, steps, rng, batches, loss_by_t],
        cleared: [trace, census],
    );
}

impl DiffusionLab {
    fn saved(&self) -> Saved {
        Saved { model: self.model.clone(), ema: self.ema.clone(), judge: Judge::saved(&self.judge) }
    }
}

/// What a model file holds: the trained weights, their moving average, and the classifier
/// that reads the samples.
#[derive(Module, Debug)]
struct Saved {
    model: Denoiser,
    ema: Denoiser,
    judge: Option<JudgeNet>,
}

#[cfg(test)]
mod tests {
    use super::model::UNet;
    use super::*;
    use burn::tensor::Tensor;

    fn lab(sets: &[(&str, &str)]) -> DiffusionLab {
        let specs = params();
        let cfg: Config = params::typed(&specs, &params::parse_pairs(&specs, sets).unwrap()).unwrap();
        let data = load_data(&cfg).unwrap();
        DiffusionLab::new(cfg, data, &Device::flex())
    }

    #[test]
    fn the_unet_keeps_its_inputs_shape_for_every_width() {
        let device = Device::flex();
        for w in [8, 16, 24] {
            for classes in [None, Some(10)] {
                let net = UNet::new(1, w, classes, &device);
                let x = Tensor::<4>::zeros([3, 1, 28, 28], &device);
                let labels = classes.map(|_| tensors::ints(vec![0i64, 5, 10], [3], &device));
                assert_eq!(net.forward(x, &[0, 10, 999], labels).dims(), [3, 1, 28, 28], "width {w}");
            }
        }
    }

    #[test]
    fn the_forward_process_matches_its_closed_form() {
        // Noising in one go with alpha_bar equals the data's mean and spread after t steps:
        // over many draws, x_t has mean sqrt(alpha_bar) x_0 and variance 1 - alpha_bar.
        let lab = lab(&[("dataset", "ring"), ("diffusion_steps", "100")]);
        let mut rng = Rng::new(3);
        let n = 20_000;
        let x0 = vec![1.5f32; 2 * n];
        let eps = normals(&mut rng, 2 * n);
        let t = 40;
        let xt = lab.noised(&x0, &eps, &vec![t; n]);
        let mean = xt.iter().sum::<f32>() / xt.len() as f32;
        let var = xt.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / xt.len() as f32;
        let ab = lab.schedule.alpha_bar[t];
        assert!((mean - 1.5 * ab.sqrt()).abs() < 0.02, "{mean} vs {}", 1.5 * ab.sqrt());
        assert!((var - (1.0 - ab)).abs() < 0.02, "{var} vs {}", 1.0 - ab);
    }

    #[test]
    fn the_loss_falls_and_samples_come_back_from_noise() {
        let mut lab = lab(&[("dataset", "ring"), ("diffusion_steps", "50"), ("hidden", "64"), ("lr", "0.003")]);
        let first = lab.evaluate().unwrap().get("test_loss").unwrap();
        for _ in 0..300 {
            lab.step().unwrap();
        }
        let last = lab.evaluate().unwrap().get("test_loss").unwrap();
        assert!(last < first * 0.8, "held-out loss {first} -> {last}");
        let trace = lab.sample(200, 1, 10);
        assert_eq!(trace.last.len(), 400);
        assert!(trace.frames.len() <= 10 && trace.frames[0].t == 49);
        // Pure noise has about 1 in 5 points within 0.5 of the ring's radius; samples more.
        let on_ring = trace.last.chunks(2).filter(|p| (p[0].hypot(p[1]) - 2.0).abs() < 0.5).count();
        assert!(on_ring > 100, "{on_ring} of 200 near the ring");
    }
}
