//! The checkpoints a run keeps to go back to: the starting model, then one every `every`
//! steps. Memory is bounded twice: at most [`MAX_CHECKPOINTS`] checkpoints and at most
//! [`MAX_BYTES`] in all. When either bound is reached, every other checkpoint after the first
//! is dropped and the interval doubles, so the ring always covers the whole run — densely
//! near its start at first, evenly later — and the starting weights are always there.

use super::Watch;
use crate::labs::{Evaluation, Snapshot};
use crate::params::Values;

/// Checkpoints kept at most.
pub const MAX_CHECKPOINTS: usize = 48;
/// Memory the checkpoints may keep alive, in all (networks, optimizer state, replay buffers).
pub const MAX_BYTES: usize = 256 << 20;
/// Checkpoints the first interval spreads over the lab's budget.
const FIRST_SPREAD: u64 = 32;

/// What the app shows of the ring: the steps it can go back to, oldest first, the memory
/// they keep and the steps between new ones now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checkpoints {
    pub steps: Vec<u64>,
    pub bytes: usize,
    /// The memory the latest one keeps.
    pub latest_bytes: usize,
    pub every: u64,
}

impl Checkpoints {
    /// The checkpoint going back to `step` restores: the latest at or before it (the first if
    /// none is).
    pub fn at_or_before(&self, step: u64) -> Option<u64> {
        at_or_before(&self.steps, step).map(|i| self.steps[i])
    }
}

/// Where in `steps` (oldest first) the latest at or before `step` is; the first if none is.
fn at_or_before(steps: &[u64], step: u64) -> Option<usize> {
    steps.iter().rposition(|&s| s <= step).or((!steps.is_empty()).then_some(0))
}

/// The run at one step: the lab's state, the settings it ran with, what the detectors had
/// seen and the last evaluation.
pub(super) struct Checkpoint {
    pub step: u64,
    pub lab: Snapshot,
    pub running: Values,
    pub watch: Watch,
    pub last_eval: Option<Evaluation>,
}

impl Checkpoint {
    pub fn bytes(&self) -> usize {
        self.lab.bytes()
    }
}

pub(super) struct Ring {
    checkpoints: Vec<Checkpoint>,
    every: u64,
    max_count: usize,
    max_bytes: usize,
}

impl Ring {
    /// A ring for a run whose settings are tuned for `budget` steps.
    pub fn new(budget: u64) -> Self {
        Self::with_bounds(budget, MAX_CHECKPOINTS, MAX_BYTES)
    }

    pub fn with_bounds(budget: u64, max_count: usize, max_bytes: usize) -> Self {
        Self {
            checkpoints: Vec::new(),
            every: (budget / FIRST_SPREAD).max(1),
            max_count: max_count.max(2),
            max_bytes,
        }
    }

    /// Whether a checkpoint is due after step `step`.
    pub fn due(&self, step: u64) -> bool {
        self.checkpoints.last().is_none_or(|c| step >= c.step + self.every)
    }

    /// Keeps `c`, thinning the older ones as the bounds ask; a checkpoint larger than all the
    /// memory allowed is not kept (the one of the start always is).
    pub fn keep(&mut self, c: Checkpoint) {
        if !self.checkpoints.is_empty() && c.bytes() > self.max_bytes {
            return;
        }
        self.checkpoints.retain(|k| k.step < c.step);
        self.checkpoints.push(c);
        while self.checkpoints.len() > 2
            && (self.checkpoints.len() > self.max_count || self.bytes() > self.max_bytes)
        {
            let mut i = 0;
            let last = self.checkpoints.len() - 1;
            // Keep the first, the newest, and every other one between.
            self.checkpoints.retain(|_| {
                let keep = i == last || i % 2 == 0;
                i += 1;
                keep
            });
            self.every = self.every.saturating_mul(2);
        }
        if self.checkpoints.len() == 2 && self.bytes() > self.max_bytes {
            self.checkpoints.pop();
        }
    }

    /// The latest checkpoint at or before `step` (the first if none is).
    pub fn at_or_before(&self, step: u64) -> Option<&Checkpoint> {
        at_or_before(&self.steps(), step).map(|i| &self.checkpoints[i])
    }

    /// Forgets the checkpoints after `step` (they belong to the branch left behind).
    pub fn cut_after(&mut self, step: u64) {
        self.checkpoints.retain(|c| c.step <= step);
    }

    pub fn summary(&self) -> Checkpoints {
        let latest_bytes = self.checkpoints.last().map_or(0, Checkpoint::bytes);
        Checkpoints { steps: self.steps(), bytes: self.bytes(), latest_bytes, every: self.every }
    }

    pub fn steps(&self) -> Vec<u64> {
        self.checkpoints.iter().map(|c| c.step).collect()
    }

    pub fn bytes(&self) -> usize {
        self.checkpoints.iter().map(Checkpoint::bytes).sum()
    }

    pub fn set_every(&mut self, every: u64) {
        self.every = every.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::detect;

    fn checkpoint(step: u64, bytes: usize) -> Checkpoint {
        Checkpoint {
            step,
            lab: Snapshot::new(vec![], bytes),
            running: Values::new(),
            watch: Watch::new(detect::Detector::LEARNER),
            last_eval: None,
        }
    }

    /// A run of `steps` steps that offers a checkpoint after each.
    fn run(ring: &mut Ring, steps: u64, bytes: usize) {
        ring.keep(checkpoint(0, bytes));
        for step in 1..=steps {
            if ring.due(step) {
                ring.keep(checkpoint(step, bytes));
            }
        }
    }

    #[test]
    fn the_ring_stays_within_its_bounds_and_covers_the_whole_run() {
        // Count-bound: a million steps of a small model.
        let mut ring = Ring::with_bounds(1000, 48, 1 << 30);
        run(&mut ring, 1_000_000, 1000);
        let steps = ring.steps();
        assert!(steps.len() <= 48, "{}", steps.len());
        assert!(steps.len() >= 24, "the ring is used: {}", steps.len());
        assert_eq!(steps[0], 0, "the starting weights stay");
        assert!(
            *steps.last().unwrap() > 1_000_000 - 2 * ring.summary().every,
            "the latest is recent: {steps:?}"
        );
        assert!(steps.windows(2).all(|w| w[0] < w[1]));
        // Memory-bound: 10 MB checkpoints in 64 MB.
        let mut ring = Ring::with_bounds(1000, 48, 64 << 20);
        run(&mut ring, 100_000, 10 << 20);
        assert!(ring.bytes() <= 64 << 20, "{}", ring.bytes());
        assert!(ring.steps().len() >= 3, "{:?}", ring.steps());
        assert_eq!(ring.steps()[0], 0);
        // A checkpoint larger than all the memory allowed is not kept, bar the start.
        let mut ring = Ring::with_bounds(1000, 48, 1 << 20);
        run(&mut ring, 1000, 2 << 20);
        assert_eq!(ring.steps(), [0]);
    }

    #[test]
    fn going_back_finds_the_checkpoint_at_or_before_and_forgets_the_branch_left() {
        let mut ring = Ring::with_bounds(320, 48, 1 << 30);
        run(&mut ring, 100, 1);
        assert_eq!(ring.summary().every, 10);
        assert_eq!(ring.at_or_before(57).unwrap().step, 50);
        assert_eq!(ring.at_or_before(60).unwrap().step, 60);
        ring.cut_after(50);
        assert_eq!(*ring.steps().last().unwrap(), 50);
        assert!(ring.due(60) && !ring.due(59));
    }
}
