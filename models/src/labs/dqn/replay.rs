//! The replay buffer: the last `capacity` transitions the agent lived through, from which
//! training draws uniform random mini-batches (Mnih et al. 2015), so that one batch mixes
//! moments of many episodes instead of a run of correlated steps.

use crate::rng::Rng;

/// One step of experience. `terminal` is true only when the pole fell or the cart left the
/// track: a time limit cuts the episode short, but the state still has a future worth
/// bootstrapping from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transition {
    pub state: [f32; 4],
    pub action: usize,
    pub reward: f32,
    pub next: [f32; 4],
    pub terminal: bool,
}

#[derive(Clone, Debug)]
pub struct Replay {
    items: Vec<Transition>,
    capacity: usize,
    /// Where the next transition goes once the buffer is full (the oldest one).
    next: usize,
}

impl crate::labs::kit::rewind::Footprint for Replay {
    fn footprint(&self) -> usize {
        std::mem::size_of::<Self>() + self.items.capacity() * std::mem::size_of::<Transition>()
    }
}

impl Replay {
    pub fn new(capacity: usize) -> Self {
        Self { items: Vec::with_capacity(capacity.min(1 << 16)), capacity: capacity.max(1), next: 0 }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Adds a transition, overwriting the oldest once full.
    pub fn push(&mut self, t: Transition) {
        if self.items.len() < self.capacity {
            self.items.push(t);
        } else {
            self.items[self.next] = t;
        }
        self.next = (self.next + 1) % self.capacity;
    }

    /// `n` transitions drawn uniformly with replacement from those stored.
    pub fn sample(&self, n: usize, rng: &mut Rng) -> Vec<Transition> {
        if self.items.is_empty() {
            return vec![];
        }
        (0..n).map(|_| self.items[rng.below(self.items.len())]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(i: usize) -> Transition {
        Transition { state: [i as f32; 4], action: i % 2, reward: 1.0, next: [0.0; 4], terminal: false }
    }

    #[test]
    fn the_buffer_keeps_the_latest_capacity_and_samples_only_what_it_holds() {
        let mut r = Replay::new(5);
        assert!(r.sample(3, &mut Rng::new(1)).is_empty());
        for i in 0..3 {
            r.push(t(i));
        }
        assert_eq!(r.len(), 3);
        let s = r.sample(200, &mut Rng::new(1));
        assert_eq!(s.len(), 200);
        assert!(s.iter().all(|x| x.state[0] < 3.0));
        for i in 3..12 {
            r.push(t(i));
        }
        assert_eq!((r.len(), r.capacity()), (5, 5));
        // Only the last five remain (7..12), and every one of them gets drawn.
        let s = r.sample(500, &mut Rng::new(2));
        let mut seen: Vec<usize> = s.iter().map(|x| x.state[0] as usize).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, vec![7, 8, 9, 10, 11]);
    }
}
