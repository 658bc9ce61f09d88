//! The Word2Vec lab's pictures: a map of the most frequent words (their vectors' first two
//! principal components, or t-SNE), the nearest words to a query, an analogy, and chosen pairs'
//! similarity over training.

use super::Word2VecLab;
use crate::labs::kit::{padded_ranges, pca2, tsne};
use crate::view::{Bars, Lines, Scatter, Series, View};

impl Word2VecLab {
    /// The most frequent words placed by principal components, or by t-SNE (redone at most
    /// every 500 steps: it takes a while for hundreds of words).
    pub(super) fn map_view(&mut self) -> View {
        let d = self.cfg.dim;
        let n = self.cfg.map_words.min(self.corpus.vocab.len());
        let unit = self.unit_vectors();
        let pts = if self.cfg.map_method == "tsne" {
            let fresh = self.tsne_map.as_ref().is_some_and(|(at, m, _)| *m == n && self.steps < at + 500 && self.steps >= *at);
            if !fresh {
                let pts = tsne(&unit[..n * d], n, d, 15.0, 300, self.cfg.seed);
                self.tsne_map = Some((self.steps, n, pts));
            }
            self.tsne_map.as_ref().expect("made above").2.clone()
        } else {
            pca2(&unit[..n * d], n, d)
        };
        let (x_range, y_range) = padded_ranges(&pts);
        View::Scatter(Scatter {
            x_range,
            y_range,
            field: None,
            arrows: vec![],
            paths: vec![],
            layers: vec![],
            draw: None,
            labels: pts.into_iter().zip(&self.corpus.vocab.words).map(|(p, w)| (p, w.clone())).collect(),
        })
    }

    fn similarity_bars(found: Option<Vec<(String, f32)>>) -> View {
        let found = found.unwrap_or_default();
        View::Bars {
            image: None,
            bars: Bars {
                labels: found.iter().map(|(w, _)| w.clone()).collect(),
                values: found.iter().map(|(_, s)| s.max(0.0)).collect(),
                max: 1.0,
                marked: None,
            },
        }
    }

    pub(super) fn nearest_view(&self) -> View {
        Self::similarity_bars(self.nearest(&self.cfg.query, 10))
    }

    pub(super) fn analogy_view(&self) -> View {
        Self::similarity_bars(self.analogy(&self.cfg.analogy, 10))
    }

    pub(super) fn pairs_view(&self) -> View {
        let names = self.pair_similarities();
        const NAMES: [&str; 6] =
            ["label.pair_1", "label.pair_2", "label.pair_3", "label.pair_4", "label.pair_5", "label.pair_6"];
        let series = (0..names.len().min(NAMES.len()))
            .map(|k| Series {
                name: NAMES[k],
                points: self.pair_history.iter().filter_map(|(s, v)| v.get(k).map(|&x| [*s as f32, x])).collect(),
                color: k,
            })
            .collect();
        View::Lines(Lines { x_label: "label.step", y_label: "label.cosine", series, mark_x: None })
    }
}
