//! The DQN lab (Mnih et al. 2015) on CartPole-v1: an MLP learns Q(s, a), the return it
//! expects from state s after action a; the agent acts epsilon-greedily on it, stores what it
//! lives through in a replay buffer, and learns from random mini-batches of it toward
//! r + gamma * max_a' Q_target(s', a'), where Q_target is a copy of the network that follows
//! it slowly (a hard copy every N steps, or a soft update with tau). Double DQN (van Hasselt
//! et al. 2016) lets the online network pick a' and the target network value it.
//! Reads top to bottom: parameters -> the agent -> one step -> evaluation; the network is in
//! `model.rs`, the buffer in `replay.rs`, the pictures in `views.rs`. One lab step is one
//! step of the environment (and, every `train_every` of them, one gradient step).

pub(crate) mod model;
pub mod replay;
mod strings;
mod views;

use burn::grad_clipping::GradientClippingConfig;
use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::data::cartpole::{CartPole, Ended};
use crate::error::LabError;
use crate::labs::kit::{self, Training, TrainingDefaults, onehot, seed_spec, weights};
use crate::labs::{Chart, Curve, Evaluation, Lab, LabDef, Preset, StepMetrics, Suits};
use crate::params::{self, Group, ParamKind, ParamSpec, Values, text_of};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
use model::QNet;
use replay::{Replay, Transition};
use crate::tensors::{Floats, floats};
use crate::tensors;

/// The average return over 100 episodes that counts as solving CartPole (gymnasium's v1).
const SOLVED: f32 = 475.0;

pub const DEF: LabDef = LabDef {
    id: "dqn",
    params,
    build,
    views: &["cartpole", "q_values", "q_map", "td_errors"],
    charts: &[
        Chart {
            id: "returns",
            curves: &[
                Curve::faint("episode_return"),
                Curve::bold("return_avg100"),
                Curve::bold("eval_return_mean"),
                Curve::faint("eval_return_min"),
                Curve::bold("kept_return_mean"),
            ],
            unit: false,
            line: Some(SOLVED),
        },
        Chart { id: "loss", curves: &[Curve::faint("batch_loss")], unit: false, line: None },
        Chart { id: "exploration", curves: &[Curve::bold("epsilon"), Curve::bold("buffer_fill")], unit: true, line: None },
    ],
    strings: strings::STRINGS,
    // The bar: the greedy policy solves CartPole within 150,000 environment steps.
    steps: 150_000,
    small: &[("hidden", "8"), ("warmup", "4"), ("batch", "4"), ("eval_episodes", "2"), ("eval_every", "50")],
    suits: Suits::Cpu,
    // A network that has just solved CartPole (the forgetting preset, 115,000 steps, seed 1):
    // trained on from here with those settings, it forgets within ~10,000 steps.
    trained: Some(crate::labs::Trained {
        file: "assets/models/dqn-solved.tenlab",
        bytes: include_bytes!("../../../../assets/models/dqn-solved.tenlab"),
    }),
    presets: &[
        Preset {
            id: "ours",
            values: &[
                ("hidden", "128"),
                ("layers", "2"),
                ("loss", "huber"),
                ("clip", "10"),
                ("lr", "0.0005"),
                ("batch", "64"),
                ("gamma", "0.99"),
                ("buffer", "50000"),
                ("warmup", "1000"),
                ("target", "hard"),
                ("target_every", "500"),
                ("eps_start", "1"),
                ("eps_end", "0.05"),
                ("eps_decay", "20000"),
                ("double", "true"),
                ("lr_decay", "cosine"),
                ("decay_steps", "150000"),
                ("shown", "kept"),
            ],
        },
        // Our defaults with what steadies them taken away: a constant rate, and the network
        // training now shown. The returns reach 500 and fall back: the agent forgets.
        Preset {
            id: "forgetting",
            values: &[("lr_decay", "constant"), ("shown", "latest")],
        },
        // The article's recipe: 2 x 24 ReLU, MSE, Adam, a fixed epsilon of 0.01, the target
        // copied every few steps, no Double DQN, no clipping, a small memory.
        Preset {
            id: "article",
            values: &[
                ("hidden", "24"),
                ("layers", "2"),
                ("loss", "mse"),
                ("clip", "0"),
                ("lr", "0.001"),
                ("batch", "32"),
                ("gamma", "0.95"),
                ("buffer", "2000"),
                ("warmup", "32"),
                ("target", "hard"),
                ("target_every", "5"),
                ("eps_start", "0.01"),
                ("eps_end", "0.01"),
                ("eps_decay", "1"),
                ("double", "false"),
            ],
        },
    ],
};

// ---------------------------------------------------------------------------------------
// Parameters

fn is_hard(v: &Values) -> bool {
    text_of(v, "target") == "hard"
}
fn is_soft(v: &Values) -> bool {
    text_of(v, "target") == "soft"
}

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    let mut p = vec![
        ParamSpec::new("hidden", Model, Int { default: 128, min: 2, max: 512 }),
        ParamSpec::new("layers", Model, Int { default: 2, min: 1, max: 4 }),
    ];
    // Optimizer, rate, its decay (a cosine over the budget) and batch, as every trainer has them.
    p.extend(kit::Training::specs(TrainingDefaults {
        lr: 5e-4,
        lr_max: 0.1,
        batch: 64,
        decay: "cosine",
        decay_steps: 150_000,
    }));
    p.extend([
        ParamSpec::new("gamma", Training, Float { default: 0.99, min: 0.5, max: 0.999, log: false }).live(),
        ParamSpec::new("loss", Training, Choice { default: "huber", options: &["huber", "mse"] }).live(),
        ParamSpec::new("clip", Training, Float { default: 10.0, min: 0.0, max: 100.0, log: false }).live(),
        ParamSpec::new("train_every", Training, Int { default: 1, min: 1, max: 64 }).live(),
        ParamSpec::new("buffer", Agent, Int { default: 50_000, min: 100, max: 1_000_000 }),
        ParamSpec::new("warmup", Agent, Int { default: 1_000, min: 1, max: 100_000 }).live(),
        ParamSpec::new("target", Agent, Choice { default: "hard", options: &["hard", "soft"] }).live(),
        ParamSpec::new("target_every", Agent, Int { default: 500, min: 1, max: 100_000 }).live().shown_if(is_hard),
        ParamSpec::new("tau", Agent, Float { default: 0.005, min: 1e-4, max: 1.0, log: true }).live().shown_if(is_soft),
        ParamSpec::new("eps_start", Agent, Float { default: 1.0, min: 0.0, max: 1.0, log: false }).live(),
        ParamSpec::new("eps_end", Agent, Float { default: 0.05, min: 0.0, max: 1.0, log: false }).live(),
        ParamSpec::new("eps_decay", Agent, Int { default: 20_000, min: 1, max: 1_000_000 }).live(),
        ParamSpec::new("double", Agent, Bool { default: true }).live(),
        ParamSpec::new("eval_every", Agent, Int { default: 5_000, min: 10, max: 100_000 }).live(),
        ParamSpec::new("eval_episodes", Agent, Int { default: 100, min: 1, max: 100 }).live(),
        ParamSpec::new("shown", Agent, Choice { default: "kept", options: &["kept", "latest"] }).live(),
        seed_spec(),
    ]);
    p
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Loss {
    Huber,
    Mse,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Target {
    Hard,
    Soft,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    hidden: usize,
    layers: usize,
    #[serde(flatten)]
    train: Training,
    gamma: f64,
    loss: Loss,
    clip: f64,
    train_every: u64,
    buffer: usize,
    warmup: usize,
    target: Target,
    target_every: u64,
    tau: f64,
    eps_start: f64,
    eps_end: f64,
    eps_decay: u64,
    double: bool,
    eval_every: u64,
    eval_episodes: usize,
    shown: Shown,
    seed: u64,
}

/// The network that acts in the cart-pole view and answers the final evaluation.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Shown {
    /// The best one evaluated so far (DQN's returns can collapse after they peak).
    Kept,
    /// The one training now.
    Latest,
}

/// A copy of the acting network at the evaluation that scored best so far.
#[derive(Clone, Debug)]
struct Kept {
    net: QNet,
    step: u64,
    /// Its mean greedy return at that evaluation.
    mean: f32,
}

impl Config {
    /// Epsilon after `t` environment steps: from `eps_start` straight down to `eps_end` over
    /// `eps_decay` steps, then held.
    fn epsilon(&self, t: u64) -> f64 {
        let p = (t as f64 / self.eps_decay.max(1) as f64).min(1.0);
        self.eps_start + (self.eps_end - self.eps_start) * p
    }

    /// A fresh optimizer, clipping the gradient's global norm at `clip` (0: no clipping).
    fn optimizer(&self) -> ModuleOptimizer {
        self.train.optimizer.build_clipped((self.clip > 0.0).then_some(GradientClippingConfig::Norm(self.clip as f32)))
    }
}

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    Ok(Box::new(DqnLab::new(cfg, device)))
}

// ---------------------------------------------------------------------------------------
// The agent

/// The actions: push the cart left or right.
const ACTIONS: usize = 2;
/// TD errors kept for the histogram.
const TD_KEPT: usize = 2_000;
/// Episodes the moving average of returns spans.
const AVERAGE_OVER: usize = 100;

/// An episode as it went: each step's state, action and Q-values, and how it ended.
#[derive(Clone, Debug, Default)]
pub(crate) struct Episode {
    pub states: Vec<[f32; 4]>,
    pub actions: Vec<usize>,
    pub q: Vec<[f32; 2]>,
    pub ended: Option<Ended>,
}

struct DqnLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    /// Environment steps taken.
    steps: u64,
    train_device: Device,
    device: Device,
    online: QNet,
    /// The inference copy of `online` that acts (refreshed after each update).
    acting: QNet,
    target: QNet,
    optim: ModuleOptimizer,
    replay: Replay,
    env: CartPole,
    rng: Rng,
    episode: Episode,
    episode_return: f64,
    last: Option<Episode>,
    returns: Vec<f32>,
    td_errors: Vec<f32>,
    /// The greedy episode the cart-pole view plays, with the step it was recorded at.
    show: Option<(u64, Episode)>,
    /// Episodes recorded for the view so far (each a new run for the player).
    shown: u64,
    /// Transitions the user drove into the replay buffer.
    driven: usize,
    /// The best network evaluated so far.
    kept: Option<Kept>,
    /// The latest network's mean return at the last evaluation.
    last_eval: Option<f32>,
}

impl DqnLab {
    fn new(cfg: Config, device: &Device) -> Self {
        let train_device = device.clone().autodiff();
        device.seed(cfg.seed);
        train_device.seed(cfg.seed);
        let online = QNet::new(4, cfg.hidden, cfg.layers, ACTIONS, &train_device);
        let mut rng = Rng::new(cfg.seed.wrapping_add(1));
        Self {
            rates: Vec::new(),
            steps: 0,
            acting: online.valid(),
            target: online.valid(),
            online,
            optim: cfg.optimizer(),
            replay: Replay::new(cfg.buffer),
            env: CartPole::reset(&mut rng),
            rng,
            episode: Episode::default(),
            episode_return: 0.0,
            last: None,
            returns: Vec::new(),
            td_errors: Vec::new(),
            show: None,
            shown: 0,
            driven: 0,
            kept: None,
            last_eval: None,
            train_device,
            device: device.clone(),
            cfg,
        }
    }

    fn states(&self, states: &[[f32; 4]], device: &Device) -> Tensor<2> {
        let flat: Vec<f32> = states.iter().flatten().copied().collect();
        tensors::floats(flat, [states.len(), 4], device)
    }

    /// Q-values of the acting network for each state.
    fn q_values(&self, net: &QNet, states: &[[f32; 4]]) -> Vec<[f32; 2]> {
        if states.is_empty() {
            return vec![];
        }
        let q: Vec<f32> = net.forward(self.states(states, &self.device)).floats();
        q.chunks(2).map(|c| [c[0], c[1]]).collect()
    }

    /// One gradient step on a mini-batch from the replay buffer; returns the loss.
    fn learn(&mut self) -> f32 {
        let batch = self.replay.sample(self.cfg.train.batch, &mut self.rng);
        self.learn_on(&batch)
    }

    /// One gradient step on `batch` toward r + gamma * Q_target(s', a'); returns the loss.
    fn learn_on(&mut self, batch: &[Transition]) -> f32 {
        let n = batch.len();
        let next: Vec<[f32; 4]> = batch.iter().map(|t| t.next).collect();
        let q_target = self.q_values(&self.target, &next);
        // Double DQN: the online network chooses the next action, the target values it.
        let q_online = if self.cfg.double { self.q_values(&self.acting, &next) } else { vec![] };
        let gamma = self.cfg.gamma as f32;
        let y: Vec<f32> = batch
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let best = if self.cfg.double {
                    q_target[i][greedy(q_online[i])]
                } else {
                    q_target[i][0].max(q_target[i][1])
                };
                t.reward + if t.terminal { 0.0 } else { gamma * best }
            })
            .collect();
        let states: Vec<[f32; 4]> = batch.iter().map(|t| t.state).collect();
        let actions: Vec<u32> = batch.iter().map(|t| t.action as u32).collect();
        let mask = onehot(&actions, ACTIONS);
        let q = self.online.forward(self.states(&states, &self.train_device)); // [n, 2]
        let mask = floats(mask, [n, ACTIONS], &self.train_device);
        let q_sa = (q * mask).sum_dim(1).reshape([n]); // [n]
        let y = floats(y, [n], &self.train_device);
        let diff = q_sa - y; // [n]
        let errors: Vec<f32> = diff.clone().floats();
        let loss = match self.cfg.loss {
            Loss::Mse => diff.powi_scalar(2).mean(),
            Loss::Huber => {
                // Quadratic within 1 of the target, linear beyond (the gradient stays bounded).
                let a = diff.abs();
                let q = a.clone().clamp_max(1.0);
                (q.clone() * q.clone() * 0.5 + (a - q)).mean()
            }
        };
        let value = loss.clone().into_scalar::<f32>();
        let grads = GradientsParams::from_grads(loss.backward(), &self.online);
        let lr = self.cfg.train.lr_at(self.steps);
        self.rates = vec![("lr", lr)];
        self.online = self.optim.step(lr, self.online.clone(), grads);
        self.acting = self.online.valid();
        self.td_errors.extend(errors);
        if self.td_errors.len() > TD_KEPT {
            self.td_errors.drain(..self.td_errors.len() - TD_KEPT);
        }
        if self.cfg.target == Target::Soft {
            self.target = soft_update(&self.target, &self.acting, self.cfg.tau as f32);
        }
        value
    }

    /// The network the cart-pole view shows and the final evaluation measures, with the
    /// evaluation that kept it (none: the latest network).
    fn shown_net(&self) -> (&QNet, Option<&Kept>) {
        match (&self.kept, self.cfg.shown) {
            (Some(kept), Shown::Kept) => (&kept.net, Some(kept)),
            _ => (&self.acting, None),
        }
    }

    /// One greedy episode (epsilon 0) of the shown network from a seeded start, for the
    /// cart-pole view.
    fn greedy_episode(&self, seed: u64) -> Episode {
        let net = self.shown_net().0;
        let mut env = CartPole::reset(&mut Rng::new(seed));
        let mut e = Episode::default();
        while env.ended().is_none() {
            let obs = env.observation();
            let q = self.q_values(net, &[obs])[0];
            e.states.push(obs);
            e.actions.push(greedy(q));
            e.q.push(q);
            env.step(greedy(q));
        }
        e.states.push(env.observation());
        e.ended = env.ended();
        e
    }

    /// Plays `episodes` greedy episodes of `net` side by side from seeded starts: their returns.
    fn evaluate_greedy(&self, net: &QNet, episodes: usize, seed: u64) -> Vec<f32> {
        let mut rng = Rng::new(seed);
        let mut envs: Vec<CartPole> = (0..episodes).map(|_| CartPole::reset(&mut rng)).collect();
        let mut returns = vec![0.0f32; episodes];
        let mut live: Vec<usize> = (0..episodes).collect();
        while !live.is_empty() {
            let obs: Vec<[f32; 4]> = live.iter().map(|&i| envs[i].observation()).collect();
            let q = self.q_values(net, &obs);
            for (k, &i) in live.iter().enumerate() {
                let s = envs[i].step(greedy(q[k]));
                returns[i] += s.reward as f32;
            }
            live.retain(|&i| envs[i].ended().is_none());
        }
        returns
    }
}

/// The mean and the smallest of some returns.
fn mean_min(returns: &[f32]) -> (f32, f32) {
    let mean = returns.iter().sum::<f32>() / returns.len().max(1) as f32;
    (mean, returns.iter().copied().fold(f32::INFINITY, f32::min))
}

/// The action with the larger Q-value, left on a tie (unlike `kit::argmax`, which takes the
/// last: early in training the two outputs can be exactly equal, and runs depend on the rule).
fn greedy(q: [f32; 2]) -> usize {
    usize::from(q[1] > q[0])
}

/// target <- tau * online + (1 - tau) * target, parameter by parameter.
fn soft_update(target: &QNet, online: &QNet, tau: f32) -> QNet {
    let mix = |t: &burn::nn::Linear, o: &burn::nn::Linear| {
        let mut l = t.clone();
        l.weight = l.weight.map(|w| w * (1.0 - tau) + o.weight.val() * tau);
        l.bias = l.bias.map(|b| b.map(|b| b * (1.0 - tau) + o.bias.as_ref().expect("linear has a bias").val() * tau));
        l
    };
    QNet {
        hidden: target.hidden.iter().zip(&online.hidden).map(|(t, o)| mix(t, o)).collect(),
        out: mix(&target.out, &online.out),
    }
}

// ---------------------------------------------------------------------------------------
// One step

impl Lab for DqnLab {
    /// The TD loss grows with the values the agent learns, so it is not watched; the greedy
    /// policy's evaluated returns are (the training returns, with exploration, may never reach
    /// 475 while the greedy policy scores 500).
    fn detectors(&self) -> Vec<crate::engine::Detector> {
        vec![crate::engine::Detector::Forgetting { metric: "eval_return_mean", solved: SOLVED }]
    }

    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let epsilon = self.cfg.epsilon(self.steps);
        let obs = self.env.observation();
        let q = self.q_values(&self.acting, &[obs])[0];
        let action = if (self.rng.f32() as f64) < epsilon { self.rng.below(ACTIONS) } else { greedy(q) };
        let s = self.env.step(action);
        self.replay.push(Transition {
            state: obs,
            action,
            reward: s.reward as f32,
            next: self.env.observation(),
            terminal: s.terminated,
        });
        self.episode.states.push(obs);
        self.episode.actions.push(action);
        self.episode.q.push(q);
        self.episode_return += s.reward;
        self.steps += 1;

        let mut more = Vec::new();
        if s.terminated || s.truncated {
            self.episode.ended = self.env.ended();
            self.episode.states.push(self.env.observation());
            self.last = Some(std::mem::take(&mut self.episode));
            self.returns.push(self.episode_return as f32);
            let recent = &self.returns[self.returns.len().saturating_sub(AVERAGE_OVER)..];
            more.push(("episode_return", self.episode_return as f32));
            more.push(("return_avg100", recent.iter().sum::<f32>() / recent.len() as f32));
            self.episode_return = 0.0;
            self.env = CartPole::reset(&mut self.rng);
        }

        let mut loss = None;
        if self.replay.len() >= self.cfg.warmup && self.steps.is_multiple_of(self.cfg.train_every.max(1)) {
            loss = Some(self.learn());
        }
        if self.cfg.target == Target::Hard && self.steps.is_multiple_of(self.cfg.target_every.max(1)) {
            self.target = self.acting.clone();
        }
        if self.steps.is_multiple_of(100) || self.steps == 1 {
            more.push(("epsilon", epsilon as f32));
            more.push(("buffer_fill", self.replay.len() as f32 / self.replay.capacity() as f32));
        }
        let more = more.into_iter().map(|(k, v)| (k, v.into())).collect();
        Ok(StepMetrics { loss: loss.map(Into::into), more })
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        let seed = self.cfg.seed.wrapping_mul(7919).wrapping_add(self.steps);
        let (mean, min) = mean_min(&self.evaluate_greedy(&self.acting, self.cfg.eval_episodes, seed));
        self.last_eval = Some(mean);
        // The best network so far is kept (a tie goes to the later, more trained one).
        if self.kept.as_ref().is_none_or(|k| mean >= k.mean) {
            self.kept = Some(Kept { net: self.acting.clone(), step: self.steps, mean });
        }
        let kept = self.kept.as_ref().map_or(mean, |k| k.mean);
        Ok(Evaluation {
            values: vec![("eval_return_mean", mean), ("eval_return_min", min), ("kept_return_mean", kept)],
        })
    }

    /// The evaluation, then both networks on the same fresh episodes: the latest one
    /// (`final_latest_mean`, `_min`) and the kept one (`final_kept_mean`, `_min`, kept at
    /// `kept_step`); `final_shown_mean` is the one the settings show.
    fn final_evaluation(&mut self) -> Result<Evaluation, LabError> {
        let mut e = self.evaluate()?;
        let seed = self.cfg.seed.wrapping_mul(104_729).wrapping_add(self.steps);
        let episodes = self.cfg.eval_episodes;
        let (latest, latest_min) = mean_min(&self.evaluate_greedy(&self.acting, episodes, seed));
        let kept = self.kept.as_ref().expect("evaluate keeps a network");
        let (kept_mean, kept_min) = mean_min(&self.evaluate_greedy(&kept.net, episodes, seed));
        let shown = if self.shown_net().1.is_some() { kept_mean } else { latest };
        e.values.extend([
            ("final_latest_mean", latest),
            ("final_latest_min", latest_min),
            ("final_kept_mean", kept_mean),
            ("final_kept_min", kept_min),
            ("kept_step", kept.step as f32),
            ("final_shown_mean", shown),
        ]);
        Ok(e)
    }

    fn eval_every(&self) -> u64 {
        self.cfg.eval_every
    }

    fn charts(&self) -> Vec<&'static str> {
        DEF.charts.iter().map(|c| c.id).collect()
    }

    fn views(&self) -> Vec<ViewSpec> {
        ViewSpec::list(DEF.views)
    }

    /// The target y = r + γ·max Q_target: γ, the horizon 1/(1−γ) and ε now.
    fn formula(&self, view: &str) -> Vec<f32> {
        if !matches!(view, "q_values" | "td_errors") {
            return Vec::new();
        }
        let gamma = self.cfg.gamma;
        vec![gamma as f32, (1.0 / (1.0 - gamma)) as f32, self.cfg.epsilon(self.steps) as f32]
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match view {
            "cartpole" => Ok(self.cartpole_view()),
            "q_values" => Ok(self.q_values_view()),
            "q_map" => Ok(self.q_map_view()),
            "td_errors" => Ok(self.td_errors_view()),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    /// The user's own episode, driven with the arrow keys: its transitions go into the replay
    /// buffer (11 numbers each: state, action, reward, next state, 1 if the pole fell).
    fn input(&mut self, key: &str, data: Vec<f32>) -> Result<(), LabError> {
        if key != "drive" {
            return Err(LabError::UnknownView(key.into()));
        }
        for t in data.chunks_exact(11) {
            let state = [t[0], t[1], t[2], t[3]];
            let next = [t[6], t[7], t[8], t[9]];
            self.replay.push(Transition { state, action: usize::from(t[4] > 0.5), reward: t[5], next, terminal: t[10] > 0.5 });
            self.driven += 1;
        }
        Ok(())
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        if new.train.optimizer != self.cfg.train.optimizer || new.clip != self.cfg.clip {
            self.optim = new.optimizer();
        }
        // Everything else is read where it is used.
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
        weights::trainable(&self.online)
    }

    fn weights(&self) -> Result<Vec<u8>, LabError> {
        weights::to_bytes(&Saved { online: self.online.clone(), target: self.target.clone() })
    }

    fn load_weights(&mut self, bytes: &[u8], steps: u64) -> Result<(), LabError> {
        let saved = weights::from_bytes(&Saved { online: self.online.clone(), target: self.target.clone() }, bytes)?;
        self.online = saved.online;
        self.acting = self.online.valid();
        self.target = saved.target;
        self.steps = steps;
        // A model file holds the networks training, not a kept copy: keeping starts again.
        self.kept = None;
        Ok(())
    }

    // The cart-pole view records a new greedy episode of the network gone back to.
    crate::labs::kit::rewind::rewinds!(
        modules: [online, acting, target],
        optimizers: [optim],
        plain: [rates, steps, replay, env, rng, episode, episode_return, last, returns, td_errors, driven, kept, last_eval],
        cleared: [show],
    );
}

impl crate::labs::kit::rewind::Footprint for Episode {
    fn footprint(&self) -> usize {
        self.states.footprint() + self.actions.footprint() + self.q.footprint() + std::mem::size_of::<Self>()
    }
}

impl crate::labs::kit::rewind::Footprint for Kept {
    fn footprint(&self) -> usize {
        crate::labs::kit::rewind::module_bytes(&self.net) + std::mem::size_of::<Self>()
    }
}

/// What a model file holds: both networks (the replay buffer stays behind).
#[derive(Module, Debug)]
struct Saved {
    online: QNet,
    target: QNet,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(sets: &[(&str, &str)]) -> DqnLab {
        let specs = params();
        let cfg: Config = params::typed(&specs, &params::parse_pairs(&specs, sets).unwrap()).unwrap();
        DqnLab::new(cfg, &Device::flex())
    }

    #[test]
    fn epsilon_falls_straight_to_its_end_and_stays() {
        let l = lab(&[("eps_start", "1"), ("eps_end", "0.1"), ("eps_decay", "1000")]);
        assert_eq!(l.cfg.epsilon(0), 1.0);
        assert!((l.cfg.epsilon(500) - 0.55).abs() < 1e-12);
        assert!((l.cfg.epsilon(1000) - 0.1).abs() < 1e-12);
        assert!((l.cfg.epsilon(50_000) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn the_target_network_follows_by_hard_copies_or_softly() {
        let probe = [[0.01, -0.2, 0.03, 0.1]];
        let mut hard = lab(&[("warmup", "8"), ("batch", "8"), ("target_every", "20"), ("hidden", "8")]);
        let before = hard.q_values(&hard.target, &probe);
        for _ in 0..19 {
            hard.step().unwrap();
        }
        assert_eq!(hard.q_values(&hard.target, &probe), before, "no copy before step 20");
        hard.step().unwrap();
        assert_eq!(hard.q_values(&hard.target, &probe), hard.q_values(&hard.acting, &probe), "copied at step 20");
        assert_ne!(hard.q_values(&hard.target, &probe), before);
        // Soft: tau 1 copies at every update, a small tau moves a little.
        let mut soft = lab(&[("warmup", "8"), ("batch", "8"), ("target", "soft"), ("tau", "0.1"), ("hidden", "8")]);
        let t0 = soft.q_values(&soft.target, &probe)[0];
        for _ in 0..8 {
            soft.step().unwrap();
        }
        let (t, o) = (soft.q_values(&soft.target, &probe)[0], soft.q_values(&soft.acting, &probe)[0]);
        assert_ne!(t, t0);
        assert_ne!(t, o);
        let mixed = soft_update(&soft.target, &soft.acting, 1.0);
        assert_eq!(soft.q_values(&mixed, &probe), soft.q_values(&soft.acting, &probe));
    }

    #[test]
    fn the_loss_of_a_fixed_batch_falls() {
        let mut l = lab(&[("hidden", "32"), ("warmup", "100000"), ("lr", "0.003")]);
        for _ in 0..300 {
            l.step().unwrap();
        }
        // One batch of 64 transitions, learnt from again and again with the target held.
        let batch = l.replay.sample(64, &mut Rng::new(5));
        let losses: Vec<f32> = (0..200).map(|_| l.learn_on(&batch)).collect();
        let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
        assert!(mean(&losses[180..]) < 0.5 * mean(&losses[..10]), "{:?}", &losses[..10]);
    }
}
