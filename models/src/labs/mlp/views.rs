//! The MLP lab's pictures: the decision boundary, every neuron over the plane, the weights.

use burn::module::Module;
use burn::tensor::activation::softmax;
use burn::tensor::Tensor;

use super::{MlpLab, Plane};
use crate::labs::kit::Activation;
use crate::view::{Boundary, Heatmap, Scale, Style, View};
use crate::tensors::{self, Floats};

impl MlpLab {
    /// Points of a `res` x `res` grid over the plane, top row first.
    fn grid(plane: &Plane, res: usize) -> Vec<[f32; 2]> {
        let (x0, x1) = plane.x_range;
        let (y0, y1) = plane.y_range;
        (0..res * res)
            .map(|k| {
                let (i, j) = (k / res, k % res);
                [
                    x0 + (j as f32 + 0.5) / res as f32 * (x1 - x0),
                    y1 - (i as f32 + 0.5) / res as f32 * (y1 - y0),
                ]
            })
            .collect()
    }

    pub(super) fn boundary(&self, plane: &Plane) -> View {
        let res = 64;
        let inputs: Vec<f32> = Self::grid(plane, res).into_iter().flat_map(|p| plane.inputs.of(p)).collect();
        let probs = self.probs(inputs, self.data.train.dims);
        let mut points: Vec<([f32; 2], u16, bool)> =
            plane.train.iter().zip(&self.data.train.y).map(|(p, &y)| (*p, y as u16, false)).collect();
        points.extend(plane.test.iter().zip(&self.data.test.y).map(|(p, &y)| (*p, y as u16, true)));
        View::Boundary(Boundary {
            x_range: plane.x_range,
            y_range: plane.y_range,
            res,
            classes: self.classes,
            probs,
            points,
            class_names: self.data.train.class_names.clone(),
        })
    }

    /// What every hidden neuron (and every output class) computes over the plane.
    pub(super) fn neurons(&self, plane: &Plane) -> View {
        let res = 28;
        let dims = self.data.train.dims;
        let inputs: Vec<f32> = Self::grid(plane, res).into_iter().flat_map(|p| plane.inputs.of(p)).collect();
        let x = tensors::floats(inputs, [res * res, dims], &self.device);
        let (logits, hidden) = self.model.valid().forward_all(x, self.cfg.activation);
        let mut rows = Vec::new();
        let mut layer_maps =
            |t: Tensor<2>, title: &dyn Fn(usize) -> String, scale: Option<(f32, f32, Scale)>| {
                let width = t.dims()[1];
                let v: Vec<f32> = t.floats();
                let row = (0..width)
                    .map(|n| {
                        let values: Vec<f32> = (0..res * res).map(|k| v[k * width + n]).collect();
                        let mut h = Heatmap::diverging(title(n), res, res, values);
                        if let Some((lo, hi, s)) = scale {
                            h.range = (lo, if hi.is_nan() { h.range.1.max(1e-6) } else { hi });
                            h.scale = s;
                        }
                        h
                    })
                    .collect();
                rows.push(row);
            };
        for (l, h) in hidden.into_iter().enumerate() {
            let scale = match self.cfg.activation {
                Activation::Tanh => Some((-1.0, 1.0, Scale::Diverging)),
                Activation::Sigmoid => Some((0.0, 1.0, Scale::Sequential)),
                Activation::Relu => Some((0.0, f32::NAN, Scale::Sequential)),
                Activation::Linear => None,
            };
            layer_maps(h, &|n| format!("L{}·{}", l + 1, n + 1), scale);
        }
        let names = self.data.train.class_names.clone();
        layer_maps(softmax(logits, 1), &|n| format!("P({})", names[n]), Some((0.0, 1.0, Scale::Sequential)));
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: None }
    }

    pub(super) fn weights(&self) -> View {
        let n_layers = self.model.layers.len();
        let row = self
            .model
            .layers
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let [d_in, d_out] = layer.weight.dims();
                let w: Vec<f32> = layer.weight.val().floats();
                let mut h = Heatmap::diverging(format!("W{} ({d_in}×{d_out})", l + 1), d_in, d_out, w);
                h.row_labels = if l == 0 {
                    self.data.train.feature_names.clone()
                } else {
                    (1..=d_in).map(|i| format!("L{l}·{i}")).collect()
                };
                h.col_labels = if l + 1 == n_layers {
                    self.data.train.class_names.clone()
                } else {
                    (1..=d_out).map(|i| format!("L{}·{i}", l + 1)).collect()
                };
                h
            })
            .collect();
        View::HeatmapRows { rows: vec![row], style: Style::Matrices, picker: None }
    }
}
