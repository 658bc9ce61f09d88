//! The CNN lab's pictures: feature maps of a picked test image, its prediction, the first
//! block's filters, the test images it gets wrong, and the drawing pad.

use burn::module::Module;
use burn::tensor::activation::softmax;
use burn::tensor::Tensor;

use super::{CANVAS_SIDE, CnnLab};
use crate::labs::kit::images::{image_batch, picture, test_strip};
use crate::labs::kit::{Activation, argmax};
use crate::view::{Bars, Heatmap, Reading, Scale, Style, View};
use crate::tensors::{self, Floats};

impl CnnLab {
    pub(super) fn filters(&self) -> View {
        let w = self.model.convs[0].weight.val();
        let [f, c, k, _] = w.dims();
        let v: Vec<f32> = w.floats();
        let row = (0..f)
            .map(|i| {
                let values =
                    (0..k * k).map(|p| (0..c).map(|ch| v[(i * c + ch) * k * k + p]).sum::<f32>() / c as f32);
                Heatmap::diverging(format!("#{}", i + 1), k, k, values.collect())
            })
            .collect();
        View::HeatmapRows { rows: vec![row], style: Style::Thumbnails, picker: None }
    }

    /// A strip of test images to pick from, the picked image, and every block's feature maps.
    pub(super) fn maps(&self) -> View {
        let test = &self.data.test;
        let s = self.sample();
        let (strip, picker) = test_strip(test, s);
        let mut rows = vec![strip];
        rows.extend(self.block_maps(image_batch(test, &[s], None, &self.device)).1);
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: Some(picker) }
    }

    /// Class probabilities and every block's feature maps for one image `[1, c, h, w]`.
    pub(super) fn block_maps(&self, x: Tensor<4>) -> (Vec<f32>, Vec<Vec<Heatmap>>) {
        let (logits, maps) = self.model.valid().forward_maps(x, self.cfg.activation, self.cfg.pooling);
        let probs = softmax(logits, 1).floats();
        let rows = maps
            .into_iter()
            .enumerate()
            .map(|(b, m)| {
                let [_, f, h, w] = m.dims();
                let v: Vec<f32> = m.floats();
                (0..f.min(32))
                    .map(|c| {
                        let title = format!("B{}·{}", b + 1, c + 1);
                        let mut hm = Heatmap::diverging(title, h, w, v[c * h * w..(c + 1) * h * w].to_vec());
                        if self.cfg.activation != Activation::Tanh {
                            hm.scale = Scale::Sequential;
                            hm.range = (0.0, hm.range.1);
                        }
                        hm
                    })
                    .collect()
            })
            .collect();
        (probs, rows)
    }

    /// Whether a drawing can be classified: 28x28 grey images, like MNIST.
    pub(super) fn drawable(&self) -> bool {
        let t = &self.data.train;
        (t.h, t.w, t.channels) == (28, 28, 1)
    }

    /// The drawing pad and what the network makes of the last drawing.
    pub(super) fn canvas(&self) -> View {
        let reading = self.drawing.as_ref().map(|img| {
            let x = tensors::floats(img.clone(), [1, 1, 28, 28], &self.device);
            let (probs, maps) = self.block_maps(x);
            let best = argmax(&probs);
            let names = &self.data.test.class_names;
            let image = Heatmap {
                title: names[best].clone().into(),
                rows: 28,
                cols: 28,
                values: img.clone(),
                range: (0.0, 1.0),
                scale: Scale::Sequential,
                row_labels: vec![],
                col_labels: vec![],
                show_values: false,
            };
            Reading {
                image,
                bars: Bars { labels: names.clone(), values: probs, max: 1.0, marked: Some(best) },
                maps,
            }
        });
        View::Canvas { input: "drawing", side: CANVAS_SIDE, reading }
    }

    pub(super) fn probabilities(&self) -> View {
        let test = &self.data.test;
        let s = self.sample();
        let p = self.probs(test, &[s]);
        let truth = test.labels[s] as usize;
        View::Bars {
            image: Some(picture(test, s, format!("#{s}: {}", test.class_names[truth]))),
            bars: Bars { labels: test.class_names.clone(), values: p, max: 1.0, marked: Some(truth) },
        }
    }

    pub(super) fn mistakes(&self) -> View {
        let test = &self.data.test;
        let names = &test.class_names;
        let wrong: Vec<Heatmap> = self
            .predictions
            .iter()
            .enumerate()
            .filter(|(i, p)| **p != test.labels[*i] as usize)
            .take(48)
            .map(|(i, &p)| picture(test, i, format!("{} ➡ {}", names[test.labels[i] as usize], names[p])))
            .collect();
        let rows = wrong.chunks(12).map(<[Heatmap]>::to_vec).collect();
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: None }
    }
}
