//! The GCN lab's pictures: the nodes placed by their hidden-layer embeddings (the first two
//! principal components), coloured by predicted class, with the edges between them.

use super::GcnLab;
use crate::data::graph::Part;
use crate::view::{GraphPicture, PointLayer, Scatter, View};

/// The first two principal components of `rows` (`n` rows of `d` numbers), by power
/// iteration on the covariance: `n` points in 2-D.
pub(super) fn pca2(rows: &[f32], n: usize, d: usize) -> Vec<[f32; 2]> {
    if n == 0 || d == 0 {
        return vec![];
    }
    let mean: Vec<f32> = (0..d).map(|j| (0..n).map(|i| rows[i * d + j]).sum::<f32>() / n as f32).collect();
    let x: Vec<f32> = (0..n * d).map(|k| rows[k] - mean[k % d]).collect();
    let mut cov = vec![0.0f32; d * d];
    for i in 0..n {
        let r = &x[i * d..(i + 1) * d];
        for a in 0..d {
            for b in 0..d {
                cov[a * d + b] += r[a] * r[b];
            }
        }
    }
    let mut axes: Vec<Vec<f32>> = Vec::new();
    for k in 0..2 {
        // A fixed start that is not orthogonal to the leading directions in practice.
        let mut v: Vec<f32> = (0..d).map(|j| 1.0 + ((j * 7 + k * 3) % 5) as f32 * 0.1).collect();
        for _ in 0..100 {
            let mut w: Vec<f32> = (0..d).map(|a| (0..d).map(|b| cov[a * d + b] * v[b]).sum()).collect();
            for u in &axes {
                let dot: f32 = w.iter().zip(u).map(|(a, b)| a * b).sum();
                w.iter_mut().zip(u).for_each(|(a, b)| *a -= dot * b);
            }
            let norm = w.iter().map(|a| a * a).sum::<f32>().sqrt();
            if norm < 1e-12 {
                break;
            }
            v = w.iter().map(|a| a / norm).collect();
        }
        axes.push(v);
    }
    (0..n)
        .map(|i| {
            let r = &x[i * d..(i + 1) * d];
            let p = |u: &[f32]| r.iter().zip(u).map(|(a, b)| a * b).sum::<f32>();
            [p(&axes[0]), if d > 1 { p(&axes[1]) } else { 0.0 }]
        })
        .collect()
}

/// Legend keys of the predicted classes (the tenth stands for the tenth and beyond).
const CLASS_KEYS: [&str; 10] = [
    "label.class_1",
    "label.class_2",
    "label.class_3",
    "label.class_4",
    "label.class_5",
    "label.class_6",
    "label.class_7",
    "label.class_8",
    "label.class_9",
    "label.class_10",
];

impl GcnLab {
    /// The graph as laid out, nodes filled by predicted class and ringed by true class.
    /// `passing`: the focused node's neighbourhood within the model's reach (one hop per
    /// layer) lights up, and a click moves the focus; otherwise a click labels or unlabels.
    pub(super) fn graph_view(&self, passing: bool) -> View {
        let (probs, _) = self.infer();
        let n = self.graph.len();
        let k = self.graph.class_names.len();
        let reach = self.cfg.layers.min(254) as u8;
        let hops = passing.then(|| {
            let mut h = vec![u8::MAX; n];
            for (i, d) in self.graph.neighbourhood(self.focus.min(n.saturating_sub(1)), reach as usize) {
                h[i] = d as u8;
            }
            (h, reach)
        });
        View::Graph(GraphPicture {
            positions: self.layout.clone(),
            edges: self.graph.edges.iter().map(|&(a, b)| (a as u32, b as u32)).collect(),
            names: self.graph.names.clone(),
            class_names: self.graph.class_names.clone(),
            predicted: (0..n).map(|i| super::kit_argmax(&probs[i * k..(i + 1) * k]) as u16).collect(),
            truth: self.graph.labels.iter().map(|&l| l as u16).collect(),
            labelled: self.parts.iter().map(|&p| p == Part::Train).collect(),
            probs,
            hops,
            click: Some(if passing { "focus" } else { "label" }),
        })
    }

    pub(super) fn embedding_view(&self) -> View {
        let (probs, layers) = self.infer();
        let n = self.graph.len();
        let k = self.graph.class_names.len();
        let hidden = &layers[0];
        let d = hidden.len() / n.max(1);
        let pts = pca2(hidden, n, d);
        let (lo, hi) = pts.iter().fold(([f32::MAX; 2], [f32::MIN; 2]), |(lo, hi), p| {
            ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])
        });
        let pad = |a: f32, b: f32| {
            let m = ((b - a) * 0.08).max(1e-3);
            (a - m, b + m)
        };
        let predicted: Vec<usize> = (0..n).map(|i| super::kit_argmax(&probs[i * k..(i + 1) * k])).collect();
        let mut layers: Vec<PointLayer> = (0..k)
            .map(|c| PointLayer {
                name: CLASS_KEYS[c.min(CLASS_KEYS.len() - 1)],
                points: (0..n).filter(|&i| predicted[i] == c).map(|i| pts[i]).collect(),
                color: c,
                faint: false,
            })
            .collect();
        layers.push(PointLayer {
            name: "label.labelled",
            points: (0..n).filter(|&i| self.parts[i] == Part::Train).map(|i| pts[i]).collect(),
            color: 8,
            faint: false,
        });
        View::Scatter(Scatter {
            x_range: pad(lo[0], hi[0]),
            y_range: pad(lo[1], hi[1]),
            field: None,
            arrows: vec![],
            paths: self.graph.edges.iter().map(|&(a, b)| vec![pts[a], pts[b]]).collect(),
            layers,
            draw: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pca_finds_the_long_axis() {
        // Points along (1, 1, 0) with a little spread on the third axis.
        let rows: Vec<f32> = (0..20).flat_map(|i| [i as f32, i as f32, (i % 2) as f32 * 0.1]).collect();
        let p = pca2(&rows, 20, 3);
        let spread = |k: usize| p.iter().map(|q| q[k]).fold(f32::MIN, f32::max) - p.iter().map(|q| q[k]).fold(f32::MAX, f32::min);
        assert!(spread(0) > 20.0 && spread(1) < 0.2, "{} {}", spread(0), spread(1));
    }
}
