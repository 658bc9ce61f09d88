//! The diffusion lab's pictures: a sampling run to play and scrub (images: x_t, predicted
//! noise, predicted x_0; points: the cloud flowing from noise to the data over the learned
//! directions), the final samples, the reverse process as a timeline, the forward process at
//! a chosen timestep beside alpha-bar, and the loss by timestep.


use super::sampler::Frame;
use super::{Data, DiffusionLab, T_BUCKETS, normals};
use crate::data::points::EXTENT;
use crate::rng::Rng;
use crate::labs::kit;
use crate::view::{Heatmap, Lines, PointLayer, Scale, Scatter, Series, Style, View};
use crate::tensors;

/// Samples per row in the player and the timeline.
const SHOWN: usize = 8;
/// Columns of the timeline.
const TIMELINE: usize = 10;
/// The vector field's grid (per side).
const GRID: usize = 17;

impl DiffusionLab {
    /// One sample of a flattened batch as a picture; `signed` values run from -1 to 1.
    fn picture(&self, values: &[f32], i: usize, title: String, signed: bool) -> Heatmap {
        let [c, h, w] = self.side();
        let img = &values[i * c * h * w..(i + 1) * c * h * w];
        let px: Vec<f32> =
            (0..h * w).map(|p| (0..c).map(|ch| img[ch * h * w + p]).sum::<f32>() / c as f32).collect();
        if signed {
            let mut m = Heatmap::diverging(title, h, w, px);
            m.range = (-2.5, 2.5);
            m
        } else {
            Heatmap {
                title: title.into(),
                rows: h,
                cols: w,
                // From [-1, 1] to [0, 1].
                values: px.iter().map(|v| (v + 1.0) / 2.0).collect(),
                range: (0.0, 1.0),
                scale: Scale::Sequential,
                row_labels: vec![],
                col_labels: vec![],
                show_values: false,
            }
        }
    }

    fn caption(&self, i: usize) -> String {
        self.data.caption(i, self.trace.as_ref().and_then(|t| t.labels.as_deref()))
    }

    pub(super) fn denoise_view(&mut self) -> View {
        self.trace();
        let trace = self.trace.as_ref().expect("made above");
        let n = trace.n.min(SHOWN);
        let frame_rows = |f: &Frame| {
            vec![
                (0..n).map(|i| self.picture(&f.x, i, format!("x_t {}", self.caption(i)), false)).collect(),
                (0..n).map(|i| self.picture(&f.eps, i, format!("ε̂ {}", self.caption(i)), true)).collect(),
                (0..n).map(|i| self.picture(&f.x0, i, format!("x̂₀ {}", self.caption(i)), false)).collect(),
            ]
        };
        let mut frames: Vec<View> = trace
            .frames
            .iter()
            .map(|f| View::HeatmapRows { rows: frame_rows(f), style: Style::Thumbnails, picker: None })
            .collect();
        let mut captions: Vec<String> = trace.frames.iter().map(|f| format!("t = {}", f.t)).collect();
        frames.push(View::HeatmapRows {
            rows: vec![(0..n).map(|i| self.picture(&trace.last, i, format!("x₀ {}", self.caption(i)), false)).collect()],
            style: Style::Thumbnails,
            picker: None,
        });
        captions.push("x₀".into());
        View::Player { frames, captions, run: trace.id, again: Some("sample_again") }
    }

    pub(super) fn gallery_view(&mut self) -> View {
        self.trace();
        let trace = self.trace.as_ref().expect("made above");
        let all: Vec<Heatmap> =
            (0..trace.n).map(|i| self.picture(&trace.last, i, self.caption(i), false)).collect();
        View::HeatmapRows {
            rows: all.chunks(SHOWN).map(<[Heatmap]>::to_vec).collect(),
            style: Style::Thumbnails,
            picker: None,
        }
    }

    pub(super) fn timeline_view(&mut self) -> View {
        self.trace();
        let trace = self.trace.as_ref().expect("made above");
        let f = trace.frames.len();
        let cols: Vec<usize> = (0..TIMELINE.min(f)).map(|k| k * f / TIMELINE.min(f).max(1)).collect();
        let rows = (0..trace.n.min(SHOWN))
            .map(|i| {
                let mut row: Vec<Heatmap> = cols
                    .iter()
                    .map(|&k| self.picture(&trace.frames[k].x, i, format!("t = {}", trace.frames[k].t), false))
                    .collect();
                row.push(self.picture(&trace.last, i, format!("x₀ {}", self.caption(i)), false));
                row
            })
            .collect();
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: None }
    }

    /// The judge's reading of 100 samples: how many look like each class (mode collapse shows
    /// as missing classes), then the samples with their readings, then real images.
    pub(super) fn census_view(&mut self) -> View {
        let Some((_, census, px)) = self.census().cloned() else { return View::Column(vec![]) };
        let Data::Images(split) = &self.data else { return View::Column(vec![]) };
        kit::judge::census_view(&census, &px, &split.test)
    }

    /// The directions the denoiser pushes points at timestep `t` (minus the predicted noise),
    /// on a grid over the plane; an arrow is 0.4 of a grid cell per unit of predicted noise,
    /// at most 0.8.
    pub(super) fn field(&self, model: &super::Denoiser, t: usize) -> Vec<([f32; 2], [f32; 2])> {
        let step = 2.0 * EXTENT / GRID as f32;
        let grid: Vec<[f32; 2]> = (0..GRID * GRID)
            .map(|k| [-EXTENT + step * ((k % GRID) as f32 + 0.5), -EXTENT + step * ((k / GRID) as f32 + 0.5)])
            .collect();
        let x = tensors::floats(grid.iter().flatten().copied().collect::<Vec<f32>>(), [grid.len(), 2], &self.device);
        let eps: Vec<f32> = model
            .forward(x, &vec![t; grid.len()], None, self.side())
            .into_data()
            .iter::<f32>()
            .collect();
        grid.iter()
            .zip(eps.chunks(2))
            .map(|(p, e)| {
                let (dx, dy) = (-e[0], -e[1]);
                let len = dx.hypot(dy).max(1e-6);
                let scale = 0.4 * step * len.min(2.0) / len;
                (*p, [dx * scale, dy * scale])
            })
            .collect()
    }

    fn real_layer(&self) -> PointLayer {
        let points = match &self.data {
            Data::Points { real, .. } => real.clone(),
            Data::Images(_) => vec![],
        };
        PointLayer { name: "label.real", arg: None, points, color: 7, faint: true }
    }

    fn scatter(&self, points: Vec<[f32; 2]>, arrows: Vec<([f32; 2], [f32; 2])>) -> Scatter {
        Scatter {
            x_range: (-EXTENT, EXTENT),
            y_range: (-EXTENT, EXTENT),
            field: None,
            arrows,
            paths: vec![],
            layers: [self.real_layer(), PointLayer { name: "label.samples", arg: None, points, color: 1, faint: false }]
                .into_iter()
                .chain(self.data.drawn_layer())
                .collect(),
            draw: self.data.draw_key(),
            labels: vec![],
        }
    }

    pub(super) fn flow_view(&mut self) -> View {
        self.trace();
        let trace = self.trace.as_ref().expect("made above");
        let pts = |v: &[f32]| v.chunks(2).map(|p| [p[0], p[1]]).collect::<Vec<_>>();
        let mut frames: Vec<View> =
            trace.frames.iter().map(|f| View::Scatter(self.scatter(pts(&f.x), f.field.clone()))).collect();
        let mut captions: Vec<String> = trace.frames.iter().map(|f| format!("t = {}", f.t)).collect();
        frames.push(View::Scatter(self.scatter(pts(&trace.last), trace.last_field.clone())));
        captions.push("x₀".into());
        View::Player { frames, captions, run: trace.id, again: Some("sample_again") }
    }

    pub(super) fn forward_view(&self) -> View {
        let t = self.cfg.t_view.min(self.schedule.len() - 1);
        // The same noise whatever t, so the slider shows one sample dissolving.
        let mut rng = Rng::new(self.cfg.seed.wrapping_add(11));
        let top = match &self.data {
            Data::Points { real, .. } => {
                let x0: Vec<f32> = real.iter().flatten().copied().collect();
                let eps = normals(&mut rng, x0.len());
                let xt = self.noised(&x0, &eps, &vec![t; real.len()]);
                View::Scatter(self.scatter(xt.chunks(2).map(|p| [p[0], p[1]]).collect(), vec![]))
            }
            Data::Images(s) => {
                let n = SHOWN.min(s.test.len());
                let x0: Vec<f32> = (0..n).flat_map(|i| s.test.image(i).iter().map(|v| v * 2.0 - 1.0)).collect();
                let eps = normals(&mut rng, x0.len());
                let xt = self.noised(&x0, &eps, &vec![t; n]);
                View::HeatmapRows {
                    rows: vec![
                        (0..n).map(|i| self.picture(&x0, i, format!("x₀ #{}", i + 1), false)).collect(),
                        (0..n).map(|i| self.picture(&xt, i, format!("x_{t} #{}", i + 1), false)).collect(),
                    ],
                    style: Style::Thumbnails,
                    picker: None,
                }
            }
        };
        let ab = &self.schedule.alpha_bar;
        let curve = Lines {
            x_label: "label.timestep",
            y_label: "label.fraction",
            series: vec![
                Series {
                    name: "label.signal",
                    points: ab.iter().enumerate().map(|(t, a)| [t as f32, a.sqrt()]).collect(),
                    color: 0,
                },
                Series {
                    name: "label.noise_sd",
                    points: ab.iter().enumerate().map(|(t, a)| [t as f32, (1.0 - a).sqrt()]).collect(),
                    color: 1,
                },
                Series {
                    name: "label.alpha_bar",
                    points: ab.iter().enumerate().map(|(t, a)| [t as f32, *a]).collect(),
                    color: 2,
                },
            ],
            mark_x: Some(t as f32),
        };
        View::Column(vec![(None, top), (None, View::Lines(curve))])
    }

    pub(super) fn loss_t_view(&self) -> View {
        let steps_t = self.schedule.len() as f32;
        let points = self
            .loss_by_t
            .iter()
            .enumerate()
            .filter(|(_, b)| b.1 > 0)
            .map(|(k, b)| [(k as f32 + 0.5) * steps_t / T_BUCKETS as f32, b.0])
            .collect();
        View::Lines(Lines {
            x_label: "label.timestep",
            y_label: "label.loss",
            series: vec![Series { name: "label.loss_by_t", points, color: 0 }],
            mark_x: None,
        })
    }
}
