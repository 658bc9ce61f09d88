//! Detectors: they watch a run's curves and say, in words, when a known way of failing shows
//! (the loss climbing away, a widening gap between training and held-out loss, an agent
//! losing what it had learned). Each fires once per run, at the step it first sees it; the
//! text is the lab's (or the shared) translation `detect.<id>`.

use std::collections::VecDeque;

use serde::Serialize;

use super::{Metric, MetricPoint};

/// A way of failing a lab asks to be watched for ([`crate::labs::Lab::detectors`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Detector {
    /// The mini-batch loss, smoothed, climbs well above the lowest it reached (a learning rate
    /// too high; on the way to NaN). For labs whose loss should fall as they learn.
    Diverging,
    /// The held-out loss rises over its lowest for several evaluations in a row while the
    /// training loss stays at its lowest: the network memorises its training set.
    Overfitting,
    /// `metric` reached `solved` and then fell to half its best (an agent forgetting).
    Forgetting { metric: &'static str, solved: f32 },
    /// `metric`, a figure the lab measures (e.g. the share of dead ReLUs), is at `level` or
    /// beyond it (above it with `above`, else below) `times` measurements in a row; `id` names
    /// what that means.
    Level { id: &'static str, metric: &'static str, level: f32, above: bool, times: u32 },
    /// A generator's samples are good (`quality`, a share, at least 1/2) but cover few of the
    /// data's modes (`spread`, a share, at most 1/2) `times` evaluations in a row: mode
    /// collapse. `quality` is measured before `spread` at each evaluation.
    Collapse { quality: &'static str, spread: &'static str, times: u32 },
}

impl Detector {
    /// The detectors of a lab whose loss should fall and that evaluates on held-out data.
    pub const LEARNER: &'static [Detector] = &[Detector::Diverging, Detector::Overfitting];

    /// A learner's detectors and a lab's own `more`.
    pub fn learner_and(more: &[Detector]) -> Vec<Detector> {
        Self::LEARNER.iter().chain(more).copied().collect()
    }

    /// Also the translation key `detect.<id>`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Diverging => "diverging",
            Self::Overfitting => "overfitting",
            Self::Forgetting { .. } => "forgetting",
            Self::Level { id, .. } => id,
            Self::Collapse { .. } => "mode_collapse",
        }
    }
}

/// A detector fired: `id` names it, `step` is where it saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub step: u64,
}

/// Smoothing of the mini-batch loss (an exponential moving average over ~20 steps).
const SMOOTHING: f64 = 0.1;
/// Steps the smoothed loss settles over before the diverging detector judges.
const SETTLE: u64 = 20;
/// The smoothed loss counts as diverging above this many times its lowest…
const DIVERGE_RATIO: f64 = 2.0;
/// …and this far above it (so that a loss near zero wobbling is not a divergence).
const DIVERGE_MARGIN: f64 = 0.5;
/// Evaluations in a row the held-out loss must stay above its lowest (overfitting).
const RISING_EVALS: usize = 3;
/// How far above its lowest the held-out loss must be: a share, and an absolute margin.
const RISE_RATIO: f64 = 1.1;
const RISE_MARGIN: f64 = 0.02;

/// Mode collapse: at least this share of the samples is good…
const COLLAPSE_QUALITY: f32 = 0.5;
/// …while they cover at most this share of the modes.
const COLLAPSE_SPREAD: f32 = 0.5;

/// What a detector has seen so far (its settings stay in its [`Detector`]).
#[derive(Clone, Debug)]
enum Progress {
    Diverging { ema: Option<f64>, lowest: f64, seen: u64 },
    Overfitting(Evaluations),
    Forgetting { best: f32 },
    Level { run: u32 },
    Collapse { quality: Option<f32>, run: u32 },
}

/// What the overfitting detector keeps of the evaluations: running lows and the latest few,
/// not the whole history (a long run evaluates thousands of times).
#[derive(Clone, Debug)]
struct Evaluations {
    /// The latest training loss, with its step.
    train: Option<(u64, f64)>,
    train_lowest: f64,
    test_lowest: f64,
    /// Held-out losses seen.
    tests: usize,
    /// The latest [`RISING_EVALS`] held-out losses, oldest first, with their steps.
    recent: VecDeque<(u64, f64)>,
}

/// The detectors of one run and what they found so far.
#[derive(Clone, Debug)]
pub struct Watch {
    states: Vec<(Detector, Progress, bool)>,
    findings: Vec<Finding>,
}

impl Watch {
    pub fn new(detectors: &[Detector]) -> Self {
        let states = detectors
            .iter()
            .map(|&d| {
                let progress = match d {
                    Detector::Diverging => Progress::Diverging { ema: None, lowest: f64::INFINITY, seen: 0 },
                    Detector::Overfitting => Progress::Overfitting(Evaluations {
                        train: None,
                        train_lowest: f64::INFINITY,
                        test_lowest: f64::INFINITY,
                        tests: 0,
                        recent: VecDeque::with_capacity(RISING_EVALS + 1),
                    }),
                    Detector::Forgetting { .. } => Progress::Forgetting { best: f32::MIN },
                    Detector::Level { .. } => Progress::Level { run: 0 },
                    Detector::Collapse { .. } => Progress::Collapse { quality: None, run: 0 },
                };
                (d, progress, false)
            })
            .collect();
        Self { states, findings: Vec::new() }
    }

    /// What every detector found so far, in the order they fired.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Takes a run's points (in the order they were measured).
    pub fn see(&mut self, points: &[MetricPoint]) {
        for p in points {
            for (detector, progress, fired) in &mut self.states {
                if *fired {
                    continue;
                }
                if progress.fires(*detector, p) {
                    *fired = true;
                    self.findings.push(Finding { id: detector.id(), step: p.step });
                }
            }
        }
    }
}

impl Progress {
    fn fires(&mut self, detector: Detector, p: &MetricPoint) -> bool {
        let value = p.value as f64;
        match (self, detector) {
            (Progress::Diverging { ema, lowest, seen }, _) => {
                if p.metric != Metric::BATCH_LOSS || !value.is_finite() {
                    return false;
                }
                let smooth = ema.map_or(value, |e| e + SMOOTHING * (value - e));
                *ema = Some(smooth);
                *seen += 1;
                if *seen < SETTLE {
                    return false;
                }
                *lowest = lowest.min(smooth);
                smooth > DIVERGE_RATIO * *lowest && smooth > *lowest + DIVERGE_MARGIN
            }
            (Progress::Overfitting(e), _) => {
                match p.metric {
                    Metric::TRAIN_LOSS => e.take_train(p.step, value),
                    Metric::TEST_LOSS => e.take_test(p.step, value),
                    _ => return false,
                }
                e.overfits()
            }
            (Progress::Forgetting { best }, Detector::Forgetting { metric, solved }) => {
                if p.metric.key() != metric {
                    return false;
                }
                *best = best.max(p.value);
                *best >= solved && p.value <= 0.5 * *best
            }
            (Progress::Level { run }, Detector::Level { metric, level, above, times, .. }) => {
                if p.metric.key() != metric {
                    return false;
                }
                let beyond = if above { p.value >= level } else { p.value <= level };
                *run = if beyond { *run + 1 } else { 0 };
                *run >= times.max(1)
            }
            (Progress::Collapse { quality: q, run }, Detector::Collapse { quality, spread, times }) => {
                if p.metric.key() == quality {
                    *q = Some(p.value);
                    return false;
                }
                if p.metric.key() != spread {
                    return false;
                }
                let collapsed = q.is_some_and(|q| q >= COLLAPSE_QUALITY) && p.value <= COLLAPSE_SPREAD;
                *run = if collapsed { *run + 1 } else { 0 };
                *run >= times.max(1)
            }
            // Each detector's progress is made from it in `Watch::new`.
            _ => false,
        }
    }
}

impl Evaluations {
    fn take_train(&mut self, step: u64, value: f64) {
        self.train = Some((step, value));
        self.train_lowest = self.train_lowest.min(value);
    }

    fn take_test(&mut self, step: u64, value: f64) {
        self.tests += 1;
        self.test_lowest = self.test_lowest.min(value);
        self.recent.push_back((step, value));
        if self.recent.len() > RISING_EVALS {
            self.recent.pop_front();
        }
    }

    /// The held-out loss has been above its lowest (by [`RISE_RATIO`] and [`RISE_MARGIN`]) for
    /// the last [`RISING_EVALS`] evaluations, with each further from it than the one before,
    /// while the training loss of the latest is the lowest it has been.
    fn overfits(&self) -> bool {
        let (Some((step, latest_train)), Some(&(test_step, _))) = (self.train, self.recent.back()) else {
            return false;
        };
        if step != test_step || self.tests <= RISING_EVALS {
            return false;
        }
        let lowest = self.test_lowest;
        let above = self.recent.iter().all(|t| t.1 > lowest * RISE_RATIO && t.1 > lowest + RISE_MARGIN);
        let rising = self.recent.iter().zip(self.recent.iter().skip(1)).all(|(a, b)| b.1 > a.1);
        above && rising && latest_train <= self.train_lowest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(metric: &'static str, values: &[f32], every: u64) -> Vec<MetricPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, &value)| MetricPoint { step: (i as u64 + 1) * every, metric: Metric(metric), value })
            .collect()
    }

    #[test]
    fn a_falling_loss_is_quiet_and_one_that_climbs_away_is_diverging() {
        let mut w = Watch::new(Detector::LEARNER);
        let falling: Vec<f32> =
            (0..200).map(|i| 0.7 * (-(i as f32) / 50.0).exp() + 0.01 * (i % 3) as f32).collect();
        w.see(&points("batch_loss", &falling, 1));
        assert!(w.findings().is_empty(), "{:?}", w.findings());
        let mut w = Watch::new(Detector::LEARNER);
        let climbing: Vec<f32> = (0..200)
            .map(|i| if i < 60 { 0.7 - i as f32 * 0.005 } else { 0.4 + (i - 60) as f32 * 0.1 })
            .collect();
        w.see(&points("batch_loss", &climbing, 1));
        let f = w.findings();
        assert_eq!(f.len(), 1, "fires once: {f:?}");
        assert_eq!(f[0].id, "diverging");
        assert!((60..80).contains(&f[0].step), "soon after it turns: {f:?}");
    }

    #[test]
    fn a_held_out_loss_rising_while_the_training_loss_falls_is_overfitting() {
        let train = [1.0, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08];
        let quiet_test = [1.0, 0.7, 0.55, 0.5, 0.48, 0.47, 0.47, 0.46];
        let mut w = Watch::new(Detector::LEARNER);
        for (t, q) in points("train_loss", &train, 100).into_iter().zip(points("test_loss", &quiet_test, 100))
        {
            w.see(&[t, q]);
        }
        assert!(w.findings().is_empty());
        let rising_test = [1.0, 0.7, 0.55, 0.5, 0.56, 0.6, 0.66, 0.7];
        let mut w = Watch::new(Detector::LEARNER);
        for (t, q) in
            points("train_loss", &train, 100).into_iter().zip(points("test_loss", &rising_test, 100))
        {
            w.see(&[t, q]);
        }
        assert_eq!(w.findings(), [Finding { id: "overfitting", step: 700 }]);
    }

    #[test]
    fn a_figure_that_reaches_its_level_fires_once() {
        let d = [
            Detector::Level { id: "dead_relu", metric: "dead_share", level: 0.5, above: true, times: 1 },
            Detector::Level { id: "vanishing", metric: "grad_ratio", level: 0.01, above: false, times: 2 },
        ];
        let mut w = Watch::new(&d);
        w.see(&points("dead_share", &[0.0, 0.1, 0.45], 10));
        w.see(&points("grad_ratio", &[1.0, 0.005, 0.05], 10));
        assert!(w.findings().is_empty());
        w.see(&points("dead_share", &[0.5, 0.7, 0.9], 10));
        w.see(&points("grad_ratio", &[0.02, 0.01, 0.001], 10));
        // Twice in a row: the second low ratio (a single dip did not count).
        assert_eq!(
            w.findings(),
            [Finding { id: "dead_relu", step: 10 }, Finding { id: "vanishing", step: 30 }]
        );
    }

    #[test]
    fn good_samples_on_few_modes_are_a_collapse_and_poor_ones_are_not() {
        let d = [Detector::Collapse { quality: "near_data", spread: "mode_share", times: 3 }];
        let see = |w: &mut Watch, pairs: &[(f32, f32)]| {
            for (i, &(near, modes)) in pairs.iter().enumerate() {
                let step = (i as u64 + 1) * 100;
                w.see(&[
                    MetricPoint { step, metric: Metric("near_data"), value: near },
                    MetricPoint { step, metric: Metric("mode_share"), value: modes },
                ]);
            }
        };
        // Early on the samples are off the data and on few modes: not yet a collapse; then
        // they spread over every mode.
        let mut w = Watch::new(&d);
        see(&mut w, &[(0.0, 0.0), (0.1, 0.25), (0.3, 0.5), (0.6, 1.0), (0.7, 1.0), (0.8, 0.875), (0.8, 1.0)]);
        assert!(w.findings().is_empty(), "{:?}", w.findings());
        // On the data but on two modes of eight, three evaluations in a row.
        let mut w = Watch::new(&d);
        see(&mut w, &[(0.2, 0.25), (0.6, 0.25), (0.7, 1.0), (0.7, 0.25), (0.8, 0.25), (0.9, 0.25)]);
        assert_eq!(w.findings(), [Finding { id: "mode_collapse", step: 600 }]);
    }

    #[test]
    fn an_agent_that_solved_the_task_and_lost_it_is_forgetting() {
        let d = [Detector::Forgetting { metric: "return_avg100", solved: 475.0 }];
        let mut w = Watch::new(&d);
        // Never solved: a fall is no forgetting.
        w.see(&points("return_avg100", &[20.0, 200.0, 400.0, 150.0], 1000));
        assert!(w.findings().is_empty());
        w.see(&points("return_avg100", &[480.0, 490.0, 300.0, 240.0, 100.0], 1000));
        assert_eq!(w.findings(), [Finding { id: "forgetting", step: 4000 }]);
    }
}
