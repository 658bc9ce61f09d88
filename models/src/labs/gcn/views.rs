//! The GCN lab's pictures: the nodes placed by their hidden-layer embeddings (the first two
//! principal components), coloured by predicted class, with the edges between them.

use super::GcnLab;
use crate::data::graph::Part;
use crate::labs::kit::{argmax, padded_ranges, pca2};
use crate::view::{GraphPicture, Path, PointLayer, Scatter, View};

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
            predicted: (0..n).map(|i| argmax(&probs[i * k..(i + 1) * k]) as u16).collect(),
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
        let (x_range, y_range) = padded_ranges(&pts);
        let predicted: Vec<usize> = (0..n).map(|i| argmax(&probs[i * k..(i + 1) * k])).collect();
        let mut layers: Vec<PointLayer> = (0..k)
            .map(|c| PointLayer {
                name: "label.predicted_class",
                arg: Some(self.graph.class_names[c].clone()),
                points: (0..n).filter(|&i| predicted[i] == c).map(|i| pts[i]).collect(),
                color: c,
                faint: false,
            })
            .collect();
        layers.push(PointLayer {
            name: "label.labelled",
            arg: None,
            points: (0..n).filter(|&i| self.parts[i] == Part::Train).map(|i| pts[i]).collect(),
            color: 8,
            faint: false,
        });
        View::Scatter(Scatter {
            x_range,
            y_range,
            field: None,
            arrows: vec![],
            paths: self.graph.edges.iter().map(|&(a, b)| Path::plain(vec![pts[a], pts[b]])).collect(),
            layers,
            draw: None,
            labels: vec![],
        })
    }
}
