//! Mini-batches of row indices.

use crate::rng::Rng;

/// Mini-batches of row indices: a fresh seeded shuffle every epoch.
#[derive(Clone, Debug)]
pub struct Batches {
    order: Vec<usize>,
    cursor: usize,
}

impl super::rewind::Footprint for Batches {
    fn footprint(&self) -> usize {
        std::mem::size_of::<Self>() + self.order.capacity() * std::mem::size_of::<usize>()
    }
}

impl Batches {
    pub fn new(rows: usize) -> Self {
        Self { order: (0..rows).collect(), cursor: usize::MAX }
    }

    /// The next `size` rows (at most all of them).
    pub fn next(&mut self, size: usize, rng: &mut Rng) -> Vec<usize> {
        let n = self.order.len();
        let b = size.clamp(1, n.max(1)).min(n);
        if self.cursor.saturating_add(b) > n {
            rng.shuffle(&mut self.order);
            self.cursor = 0;
        }
        let batch = self.order[self.cursor..self.cursor + b].to_vec();
        self.cursor += b;
        batch
    }
}
