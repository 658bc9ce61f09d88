//! The LSTM lab's pictures: the gates and the cell over time for a string the user types (or
//! a digit read row by row), sampled text, the series continued, and how much gradient
//! reaches each step back in time.

use burn::module::Module;
use burn::tensor::Tensor;

use super::{Data, LstmLab, Net, image_rows, series_batch};
use crate::data::text::CharText;
use crate::labs::kit::charlm::{self, char_label, text_batch};
use crate::labs::kit::images::picture;
use crate::labs::kit::sample::{draw, probabilities};
use crate::labs::kit::{cross_entropy, onehot, token_cross_entropy};
use crate::rng::Rng;
use crate::view::{Heatmap, Lines, Mark, Scale, Series, Style, TextPicture, View};
use crate::tensors::{self, Floats};

/// The longest string the gate view reads.
const GATE_CHARS: usize = 100;

impl LstmLab {
    pub(super) fn prompt(&self, t: &CharText) -> String {
        charlm::prompt(&self.cfg.prompt, &self.cfg.corpus, t)
    }

    /// The input, forget and output gates and the cell state of one layer, for the chosen
    /// units, over the steps of the prompt (or the chosen digit's rows, or a series).
    pub(super) fn gates_view(&self) -> View {
        let model = self.model.valid();
        let device = &self.device;
        let mut parts: Vec<(Option<&'static str>, View)> = Vec::new();
        let (x, steps): (Tensor<3>, Vec<String>) = match &self.data {
            Data::Mnist(s) => {
                let i = self.cfg.sample.min(s.test.len() - 1);
                let name = &s.test.class_names[s.test.labels[i] as usize];
                let digit = picture(&s.test, i, format!("#{i}: {name}"));
                parts.push((
                    Some("label.digit_rows"),
                    View::HeatmapRows { rows: vec![vec![digit]], style: Style::Thumbnails, picker: None },
                ));
                (image_rows(&s.test, &[i], device), (1..=s.test.h).map(|r| r.to_string()).collect())
            }
            Data::Text(t) => {
                let prompt = self.prompt(t);
                let chars: Vec<char> = prompt.chars().filter(|&c| c != '\r').collect();
                let chars = &chars[chars.len().saturating_sub(GATE_CHARS)..];
                let s: String = chars.iter().collect();
                let ids: Vec<i64> = t.encode(&s).into_iter().map(i64::from).collect();
                let ids = if ids.is_empty() { vec![0] } else { ids };
                let n = ids.len();
                let x = model.embed(tensors::ints(ids, [1, n], device));
                let labels = if chars.is_empty() { vec!["?".into()] } else { chars.iter().map(|&c| char_label(c)).collect() };
                (x, labels)
            }
            Data::Sines(held) => {
                let s = &held[0][..60];
                let points = s.iter().enumerate().map(|(t, &v)| [t as f32, v]).collect();
                parts.push((
                    None,
                    View::Lines(Lines {
                        x_label: "label.time",
                        y_label: "label.value",
                        series: vec![Series { name: "label.input", points, color: 0 }],
                        mark_x: None,
                    }),
                ));
                let x = tensors::floats(s.to_vec(), [1, s.len(), 1], device);
                (x, (0..s.len()).map(|t| t.to_string()).collect())
            }
        };
        let (_, _, recs) = model.run(x, None, true);
        let layer = (self.cfg.layer.max(1) - 1).min(recs.len() - 1);
        let rec = &recs[layer];
        let h = self.cfg.hidden;
        let from = self.cfg.first_unit.min(h - 1);
        let to = (from + self.cfg.units).min(h);
        let units: Vec<String> = (from..to).map(|u| format!("{u}")).collect();
        let t = steps.len();
        let matrix = |tensor: &Tensor<3>, scale: Scale| {
            let v: Vec<f32> = tensor.clone().floats();
            // [1, t, h] -> rows: units, columns: steps.
            let values: Vec<f32> = (from..to).flat_map(|u| (0..t).map(move |s| (s, u))).map(|(s, u)| v[s * h + u]).collect();
            let mut m = match scale {
                Scale::Sequential => Heatmap {
                    title: crate::view::Text::None,
                    rows: to - from,
                    cols: t,
                    values,
                    range: (0.0, 1.0),
                    scale,
                    row_labels: vec![],
                    col_labels: vec![],
                    show_values: false,
                },
                Scale::Diverging => Heatmap::diverging(String::new(), to - from, t, values),
            };
            m.row_labels = units.clone();
            m.col_labels = steps.clone();
            View::HeatmapRows { rows: vec![vec![m]], style: Style::Matrices, picker: None }
        };
        parts.push((Some("label.input_gate"), matrix(&rec.input, Scale::Sequential)));
        parts.push((Some("label.forget_gate"), matrix(&rec.forget, Scale::Sequential)));
        parts.push((Some("label.output_gate"), matrix(&rec.output, Scale::Sequential)));
        parts.push((Some("label.cell_state"), matrix(&rec.cell, Scale::Diverging)));
        View::Column(parts)
    }

    /// Text the model writes after the prompt, one character at a time at the temperature.
    pub(super) fn sample_view(&self) -> View {
        let Data::Text(t) = &self.data else { unreachable!("a text task") };
        let prompt = self.prompt(t);
        let written = self.write(t, &prompt, self.cfg.length, self.cfg.temperature as f32);
        View::Text(TextPicture { lines: vec![(Some("label.sample"), vec![(prompt, Mark::Given), (written, Mark::Plain)])] })
    }

    /// `n` characters drawn after `prompt` (seeded by the step, so a view is stable).
    pub(super) fn write(&self, t: &CharText, prompt: &str, n: usize, temperature: f32) -> String {
        let model = self.model.valid();
        let device = &self.device;
        let mut rng = Rng::new(self.cfg.seed ^ self.steps.wrapping_mul(0x9E37_79B9));
        let ids: Vec<i64> = t.encode(prompt).into_iter().map(i64::from).collect();
        // An empty prompt starts from a line end (or the unknown character).
        let ids = if ids.is_empty() { vec![t.encode("\n").first().copied().unwrap_or(0) as i64] } else { ids };
        let len = ids.len();
        let embed = |ids: Vec<i64>, n: usize| model.embed(tensors::ints(ids, [1, n], device));
        let (top, mut state, _) = model.run(embed(ids, len), None, false);
        let hd = top.dims()[2];
        let mut last = top.slice([0..1, len - 1..len]).reshape([1, hd]);
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let mut logits: Vec<f32> = model.head.forward(last).floats();
            charlm::never_unknown(&mut logits);
            let next = draw(&probabilities(&logits, temperature, 0), &mut rng) as u32;
            out.push(next);
            let (top, s, _) = model.run(embed(vec![next as i64], 1), Some(state), false);
            state = s;
            last = top.reshape([1, hd]);
        }
        t.decode(&out)
    }

    /// A held-out series: the model's one-step predictions over its first half (reading the
    /// true values), then its own continuation, fed back its predictions.
    pub(super) fn series_view(&self) -> View {
        let Data::Sines(held) = &self.data else { unreachable!("the series task") };
        let s = &held[0];
        let warm = s.len() / 2;
        let model = self.model.valid();
        let x = tensors::floats(s[..warm].to_vec(), [1, warm, 1], &self.device);
        let (top, mut state, _) = model.run(x, None, false);
        let one_step: Vec<f32> = model.outputs(top).floats();
        let mut free = vec![one_step[warm - 1]];
        while free.len() < s.len() - warm {
            let x = tensors::floats(vec![*free.last().unwrap()], [1, 1, 1], &self.device);
            let (top, st, _) = model.run(x, Some(state), false);
            state = st;
            free.push(model.outputs(top).into_scalar::<f32>());
        }
        let pts = |from: usize, v: &[f32]| v.iter().enumerate().map(|(k, &y)| [(from + k) as f32, y]).collect();
        View::Lines(Lines {
            x_label: "label.time",
            y_label: "label.value",
            series: vec![
                Series { name: "label.truth", points: pts(0, s), color: 7 },
                Series { name: "label.one_step", points: pts(1, &one_step), color: 0 },
                Series { name: "label.free_run", points: pts(warm, &free), color: 1 },
            ],
            mark_x: Some(warm as f32),
        })
    }

    /// How strongly the loss at the last step reacts to the input k steps before it: the
    /// norm of its gradient with respect to each step's input (mean over a batch), log10.
    pub(super) fn gradient_view(&self) -> View {
        let mut model: Net = self.model.clone();
        model.dropout.prob = 0.0;
        let device = &self.train_device;
        let (x, loss) = match &self.data {
            Data::Mnist(s) => {
                let idx: Vec<usize> = (0..s.test.len().min(64)).collect();
                let labels: Vec<u32> = idx.iter().map(|&i| s.test.labels[i]).collect();
                let k = s.test.class_names.len();
                let y = tensors::floats(onehot(&labels, k), [idx.len(), k], device);
                let x = image_rows(&s.test, &idx, device).require_grad();
                let loss = cross_entropy(Self::digit_logits(&model, x.clone()), y);
                (x, loss)
            }
            Data::Text(t) => {
                let windows = charlm::fixed_windows(&t.valid, 32, self.cfg.seq_len + 1, self.cfg.seed.wrapping_add(13));
                let (ids, y) = text_batch(&windows, device);
                let [b, n] = ids.dims();
                let x = model.embed(ids).detach().require_grad();
                let (top, _, _) = model.run(x.clone(), None, false);
                let hd = top.dims()[2];
                let logits = model.head.forward(top.slice([0..b, n - 1..n]).reshape([b, hd]));
                let last: Vec<i64> = y.into_data().iter::<i64>().collect::<Vec<_>>().chunks(n).map(|c| c[n - 1]).collect();
                let y = tensors::ints(last, [b], device);
                (x, token_cross_entropy(logits, y))
            }
            Data::Sines(held) => {
                let len = (self.cfg.seq_len + 1).min(held[0].len());
                let refs: Vec<&[f32]> = held.iter().take(32).map(|s| &s[..len]).collect();
                let (x, y) = series_batch(&refs, device);
                let x = x.require_grad();
                let [b, n, _] = x.dims();
                let (top, _, _) = model.run(x.clone(), None, false);
                let out = model.outputs(top).slice([0..b, n - 1..n]);
                (x, (out - y.slice([0..b, n - 1..n])).powi_scalar(2).mean())
            }
        };
        let grads = loss.backward();
        let [b, n, d] = x.dims();
        let g: Vec<f32> = x.grad(&grads).map(|g| g.floats()).unwrap_or_else(|| vec![0.0; b * n * d]);
        let mut norms = vec![0.0f32; n];
        for (i, row) in g.chunks(d).enumerate() {
            norms[i % n] += row.iter().map(|v| v * v).sum::<f32>().sqrt() / b as f32;
        }
        let points = (0..n).map(|k| [k as f32, norms[n - 1 - k].max(1e-30).log10()]).collect();
        View::Lines(Lines {
            x_label: "label.steps_back",
            y_label: "label.log_gradient",
            series: vec![Series { name: "label.gradient", points, color: 0 }],
            mark_x: None,
        })
    }
}
