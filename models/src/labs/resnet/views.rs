//! The ResNet lab's pictures: every layer's gradient over time, the feature maps.

use burn::module::Module;

use super::ResNetLab;
use crate::labs::kit::images::{image_batch, test_strip};
use crate::view::{Bars, Heatmap, Scale, Style, View};
use crate::tensors::Floats;

impl ResNetLab {
    /// Each main-path convolution's weight-gradient norm: its history as log10 (one column
    /// per record, oldest first) and the latest record as bars, input side first.
    pub(super) fn gradients(&self) -> View {
        let layers = self.grad_names.len();
        let latest = self.grad_history.last().cloned().unwrap_or_else(|| vec![0.0; layers]);
        let cols = self.grad_history.len();
        let values = (0..layers)
            .flat_map(|l| self.grad_history.iter().map(move |rec| rec[l].max(1e-30).log10()))
            .collect::<Vec<_>>();
        let (lo, hi) = values.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        let (lo, hi) = if values.is_empty() { (-3.0, 0.0) } else { (lo, hi.max(lo + 1e-3)) };
        let history = Heatmap {
            title: "log10 |dL/dW|".into(),
            rows: layers,
            cols,
            values,
            range: (lo, hi),
            scale: Scale::Sequential,
            row_labels: self.grad_names.clone(),
            col_labels: vec![],
            show_values: false,
        };
        let max = latest.iter().copied().fold(1e-30f32, f32::max);
        View::Timeline {
            history,
            bars: Bars { labels: self.grad_names.clone(), values: latest, max, marked: None },
        }
    }

    pub(super) fn maps(&self) -> View {
        let test = &self.data.test;
        let s = self.cfg.sample.min(test.len().saturating_sub(1));
        let (strip, picker) = test_strip(test, s);
        let x = image_batch(test, &[s], None, &self.device);
        let (_, maps) = self.model.valid().forward_maps(x, self.cfg.skips, self.cfg.activation);
        let mut rows = vec![strip];
        rows.extend(maps.into_iter().enumerate().map(|(b, m)| {
            let [_, f, h, w] = m.dims();
            let v: Vec<f32> = m.floats();
            (0..f.min(16))
                .map(|c| {
                    // Block outputs are the residual stream before its activation: signed.
                    Heatmap::diverging(
                        format!("B{}·{}", b + 1, c + 1),
                        h,
                        w,
                        v[c * h * w..(c + 1) * h * w].to_vec(),
                    )
                })
                .collect::<Vec<_>>()
        }));
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: Some(picker) }
    }
}
