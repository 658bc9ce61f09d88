//! Metric curves with bounded memory. Each curve keeps its latest points at full resolution;
//! older points are averaged into buckets of equal size, and when there are too many buckets
//! neighbours merge and the bucket size doubles. A run of hours keeps a fixed size, the start
//! of the run stays on the curve, and recent steps stay exact.

use std::collections::{BTreeMap, VecDeque};

use super::{Metric, MetricPoint};

/// A hyper-parameter change, drawn on the curves where it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub step: u64,
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Default)]
struct Curve {
    /// Averaged buckets of `stride` points each, oldest first.
    older: Vec<[f64; 2]>,
    stride: usize,
    /// Points waiting to fill the next bucket: (sum of steps, sum of values, count).
    filling: (f64, f64, usize),
    recent: VecDeque<[f64; 2]>,
    /// Everything in order, rebuilt when the curve changes (what plots read).
    joined: Vec<[f64; 2]>,
}

impl Curve {
    /// Forgets the points after `step` (an averaged bucket goes if its mean step is after).
    fn cut_after(&mut self, step: f64) {
        self.older.retain(|p| p[0] <= step);
        let (ss, _, n) = self.filling;
        if n > 0 && ss / n as f64 > step {
            self.filling = (0.0, 0.0, 0);
        }
        self.recent.retain(|p| p[0] <= step);
        self.join();
    }

    fn join(&mut self) {
        self.joined.clear();
        self.joined.extend_from_slice(&self.older);
        if self.filling.2 > 0 {
            let (ss, vs, n) = self.filling;
            self.joined.push([ss / n as f64, vs / n as f64]);
        }
        self.joined.extend(self.recent.iter().copied());
    }

    fn push(&mut self, point: [f64; 2], recent_cap: usize, older_cap: usize) {
        self.recent.push_back(point);
        if self.recent.len() > recent_cap {
            let [s, v] = self.recent.pop_front().expect("not empty");
            self.stride = self.stride.max(1);
            self.filling = (self.filling.0 + s, self.filling.1 + v, self.filling.2 + 1);
            if self.filling.2 == self.stride {
                let (ss, vs, n) = self.filling;
                self.older.push([ss / n as f64, vs / n as f64]);
                self.filling = (0.0, 0.0, 0);
            }
            if self.older.len() > older_cap {
                self.older = self
                    .older
                    .chunks_exact(2)
                    .map(|c| [(c[0][0] + c[1][0]) / 2.0, (c[0][1] + c[1][1]) / 2.0])
                    .collect();
                self.stride *= 2;
            }
        }
        self.join();
    }
}

#[derive(Clone, Debug)]
pub struct History {
    /// Full-resolution points kept per curve; as many averaged buckets again at most.
    cap: usize,
    curves: BTreeMap<Metric, Curve>,
    pub markers: Vec<Marker>,
}

impl Default for History {
    fn default() -> Self {
        Self::with_cap(2000)
    }
}

impl History {
    pub fn with_cap(cap: usize) -> Self {
        Self { cap: cap.max(8), curves: BTreeMap::new(), markers: Vec::new() }
    }

    pub fn push(&mut self, p: MetricPoint) {
        let cap = self.cap;
        self.curves.entry(p.metric).or_default().push([p.step as f64, p.value as f64], cap / 2, cap / 2);
    }

    /// Forgets what came after `step`: the points after it, and the changes made at it or
    /// later (a change made while paused at a step comes after that step's checkpoint).
    pub fn cut_after(&mut self, step: u64) {
        for curve in self.curves.values_mut() {
            curve.cut_after(step as f64);
        }
        self.curves.retain(|_, c| !c.joined.is_empty());
        self.markers.retain(|m| m.step < step);
    }

    /// The last step any curve reaches.
    pub fn last_step(&self) -> Option<u64> {
        self.curves.values().filter_map(|c| c.joined.last()).map(|p| p[0].round() as u64).max()
    }

    /// `[step, value]` points of one curve, oldest first.
    pub fn curve(&self, m: Metric) -> &[[f64; 2]] {
        self.curves.get(&m).map_or(&[], |c| c.joined.as_slice())
    }

    pub fn last(&self, m: Metric) -> Option<f64> {
        self.curve(m).last().map(|p| p[1])
    }

    pub fn len(&self) -> usize {
        self.curves.values().map(|c| c.joined.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The curves as a CSV table a spreadsheet opens: a `step,metric,value` row per point the
    /// charts show (past `cap / 2` points a curve's older ones are averaged in buckets; the
    /// CLI's `--metrics-out` keeps every point), curves in name order, steps in order.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("step,metric,value\n");
        for (metric, curve) in &self.curves {
            for [step, value] in &curve.joined {
                out.push_str(&format!("{},{},{}\n", step.round(), metric.key(), value));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curves_write_as_a_csv_table() {
        let mut h = History::default();
        for (step, metric, value) in [(1, "batch_loss", 0.5), (2, "batch_loss", 0.25), (2, "test_acc", 0.75)]
        {
            h.push(MetricPoint { step, metric: Metric(metric), value });
        }
        assert_eq!(h.to_csv(), "step,metric,value\n1,batch_loss,0.5\n2,batch_loss,0.25\n2,test_acc,0.75\n");
    }

    #[test]
    fn cutting_after_a_step_keeps_what_came_before_and_the_changes_before_it() {
        let mut h = History::with_cap(20);
        for step in 1..=100u64 {
            h.push(MetricPoint { step, metric: Metric::BATCH_LOSS, value: step as f32 });
        }
        h.push(MetricPoint { step: 80, metric: Metric::TEST_ACC, value: 0.5 });
        h.markers.push(Marker { step: 30, key: "lr".into(), value: "0.1".into() });
        h.markers.push(Marker { step: 40, key: "lr".into(), value: "0.2".into() });
        h.cut_after(40);
        // Past 10 points the older ones are averaged in buckets: the last one left may end
        // a little before step 40.
        let c = h.curve(Metric::BATCH_LOSS);
        assert!((30.0..=40.0).contains(&c.last().unwrap()[0]), "{c:?}");
        assert!(c.iter().all(|p| p[0] <= 40.0));
        assert!(h.curve(Metric::TEST_ACC).is_empty());
        assert_eq!(h.markers.len(), 1);
        assert!(h.last_step().is_some_and(|s| s <= 40));
        // The curve goes on from there.
        h.push(MetricPoint { step: 41, metric: Metric::BATCH_LOSS, value: 0.0 });
        assert_eq!(h.curve(Metric::BATCH_LOSS).last().unwrap(), &[41.0, 0.0]);
    }

    #[test]
    fn memory_stays_bounded_and_keeps_the_latest_point() {
        let mut h = History::with_cap(100);
        for step in 0..100_000u64 {
            h.push(MetricPoint { step, metric: Metric::BATCH_LOSS, value: step as f32 });
        }
        let c = h.curve(Metric::BATCH_LOSS);
        assert!(c.len() <= 100, "{}", c.len());
        assert_eq!(c.last().unwrap()[0], 99_999.0);
        assert!(c.windows(2).all(|w| w[0][0] < w[1][0]), "steps stay in order");
        // The first bucket averages the first steps (at most 50 buckets for ~100k older points).
        assert!(c[0][0] < 2100.0, "the start of the run is still covered: {}", c[0][0]);
        assert!(c.len() >= 60, "the curve keeps its shape: {}", c.len());
        // The last 50 points are exact.
        assert!(c[c.len() - 50..].iter().zip(99_950..).all(|(p, s)| p[0] == s as f64 && p[1] == s as f64));
    }
}
