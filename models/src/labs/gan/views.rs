//! The GAN lab's pictures. 2-D: real and generated points over the discriminator's output,
//! with the generator's gradient as arrows on its samples; how the generator warps an even
//! grid of its latent space. Images: a gallery from fixed latents, interpolations, the
//! discriminator's scores for real and generated images, and the judge's census.

use burn::module::Module;
use burn::tensor::Tensor;
use burn::tensor::activation::sigmoid;

use super::{Data, GanLab, Loss};
use crate::data::points::EXTENT;
use crate::labs::kit;
use crate::labs::kit::judge::picture;
use crate::rng::Rng;
use crate::view::{Heatmap, Lines, Path, PointLayer, Scatter, Series, Style, View};
use crate::tensors::Floats;

/// Resolution of the discriminator's field.
const FIELD: usize = 48;
/// Generated points drawn, and those that carry an arrow.
const SHOWN: usize = 500;
const ARROWS: usize = 150;

impl GanLab {
    fn layers(&self, generated: Vec<[f32; 2]>) -> Vec<PointLayer> {
        let real = match &self.data {
            Data::Points { real, .. } => real.clone(),
            Data::Images(_) => vec![],
        };
        let mut layers = vec![
            PointLayer { name: "label.real", arg: None, points: real, color: 2, faint: true },
            PointLayer { name: "label.generated_points", arg: None, points: generated, color: 3, faint: false },
        ];
        layers.extend(self.data.drawn_layer());
        layers
    }

    /// The discriminator's belief that each point of the plane is real, as a field centred
    /// on 1/2 (orange: real, blue: generated); for WGAN the critic's score, centred on its
    /// median.
    fn field(&self) -> Heatmap {
        let d = self.d.valid();
        let step = 2.0 * EXTENT / FIELD as f32;
        // Row 0 at the top (largest y).
        let grid: Vec<f32> = (0..FIELD * FIELD)
            .flat_map(|k| [-EXTENT + step * ((k % FIELD) as f32 + 0.5), EXTENT - step * ((k / FIELD) as f32 + 0.5)])
            .collect();
        let logits = d.forward(self.tensor(grid, 2, &self.device), None);
        let mut values: Vec<f32> = if self.cfg.loss == Loss::WganGp {
            logits.floats()
        } else {
            sigmoid(logits).into_data().iter::<f32>().map(|p| p - 0.5).collect()
        };
        if self.cfg.loss == Loss::WganGp {
            let mut sorted = values.clone();
            sorted.sort_by(f32::total_cmp);
            let median = sorted[sorted.len() / 2];
            values.iter_mut().for_each(|v| *v -= median);
        }
        let mut h = Heatmap::diverging(String::new(), FIELD, FIELD, values);
        if self.cfg.loss != Loss::WganGp {
            h.range = (-0.5, 0.5);
        }
        h
    }

    /// Where the generator's loss pushes each of its samples: minus the gradient of that loss
    /// with respect to the sample, scaled so that the longest arrow is 0.4 plane units.
    fn generator_arrows(&self, pts: &[[f32; 2]]) -> Vec<([f32; 2], [f32; 2])> {
        let flat: Vec<f32> = pts.iter().flatten().copied().collect();
        let x = self.tensor(flat, 2, &self.train_device).require_grad();
        let loss = self.g_loss(self.d.forward(x.clone(), None));
        let grads = loss.backward();
        let g: Vec<f32> = x.grad(&grads).map(|g| g.floats()).unwrap_or_default();
        let longest = g.chunks(2).map(|v| v[0].hypot(v[1])).fold(1e-12f32, f32::max);
        pts.iter().zip(g.chunks(2)).map(|(p, v)| (*p, [-v[0] / longest * 0.4, -v[1] / longest * 0.4])).collect()
    }

    pub(super) fn plane_view(&self) -> View {
        let pts = self.points(SHOWN);
        let arrows = self.generator_arrows(&pts[..ARROWS.min(pts.len())]);
        View::Scatter(Scatter {
            x_range: (-EXTENT, EXTENT),
            y_range: (-EXTENT, EXTENT),
            field: Some(self.field()),
            arrows,
            paths: vec![],
            layers: self.layers(pts),
            draw: self.data.draw_key(),
            labels: vec![],
        })
    }

    /// An even grid over the first two latent coordinates (from -2 to 2, the others 0), as the
    /// generator maps it onto the plane.
    pub(super) fn manifold_view(&self) -> View {
        let (lines, along) = (11usize, 40usize);
        let latent = self.latent();
        let at = |k: usize, n: usize| -2.0 + 4.0 * k as f32 / (n - 1) as f32;
        let mut z = Vec::new();
        let mut paths_len = Vec::new();
        for dir in 0..2.min(latent) {
            for i in 0..lines {
                for j in 0..along {
                    let mut v = vec![0.0f32; latent];
                    v[dir] = at(j, along);
                    if latent > 1 {
                        v[1 - dir] = at(i, lines);
                    }
                    z.extend(v);
                }
                paths_len.push((dir, along));
                if latent == 1 {
                    break;
                }
            }
        }
        let out = self.generate_from(z);
        let mut paths = Vec::new();
        let mut pts = out.chunks(2).map(|p| [p[0], p[1]]);
        // Lines along z₁ in one colour, along z₂ in another.
        for (dir, n) in paths_len {
            paths.push(Path { points: pts.by_ref().take(n).collect(), color: Some(dir) });
        }
        let mut layers = self.layers(self.points(SHOWN));
        layers[1].faint = true;
        View::Scatter(Scatter {
            x_range: (-EXTENT, EXTENT),
            y_range: (-EXTENT, EXTENT),
            field: None,
            arrows: vec![],
            paths,
            layers,
            draw: self.data.draw_key(),
            labels: vec![],
        })
    }

    pub(super) fn gallery_view(&self) -> View {
        let px = self.generate(64, self.cfg.seed.wrapping_add(99));
        let labels = self.sample_labels(64);
        let all: Vec<Heatmap> =
            (0..64).map(|i| picture(&px, i, [1, 28, 28], self.data.caption(i, labels.as_deref()))).collect();
        View::HeatmapRows { rows: all.chunks(8).map(<[Heatmap]>::to_vec).collect(), style: Style::Thumbnails, picker: None }
    }

    /// Rows of images along straight lines between two fixed latent vectors (a conditional
    /// generator keeps one class along a row: the row's, or the chosen digit).
    pub(super) fn interpolation_view(&self) -> View {
        let steps = 10;
        let mut rng = Rng::new(self.cfg.seed.wrapping_add(77));
        let classes = self.sample_labels(3);
        let rows = (0..3)
            .map(|r| {
                let a = self.latents(&mut rng, 1);
                let b = self.latents(&mut rng, 1);
                let z: Vec<f32> = (0..steps)
                    .flat_map(|k| {
                        let t = k as f32 / (steps - 1) as f32;
                        a.iter().zip(&b).map(move |(x, y)| x + (y - x) * t).collect::<Vec<_>>()
                    })
                    .collect();
                let labels = classes.as_ref().map(|c| vec![c[r]; steps]);
                let px = self.generate_with(&self.sampler(), z, labels.as_deref());
                (0..steps).map(|k| picture(&px, k, [1, 28, 28], format!("{:.1}", k as f32 / (steps - 1) as f32))).collect()
            })
            .collect();
        View::HeatmapRows { rows, style: Style::Thumbnails, picker: None }
    }

    /// Histograms of the discriminator's output for 500 real and 500 generated images
    /// (the probability of "real"; the critic's score for WGAN).
    pub(super) fn scores_view(&self) -> View {
        let Data::Images(split) = &self.data else { return View::Column(vec![]) };
        let n = 500.min(split.test.len());
        let signed = self.signed();
        let real: Vec<f32> =
            split.test.pixels[..n * 784].iter().map(|&v| if signed { v * 2.0 - 1.0 } else { v }).collect();
        // What the discriminator trains against: the live generator, not its average; real
        // images with their classes, generated ones with the classes they were drawn for.
        let z = self.latents(&mut Rng::new(self.cfg.seed.wrapping_add(555)), n);
        let fake_labels = self.sample_labels(n);
        let real_labels = (self.classes() > 0).then(|| split.test.labels[..n].to_vec());
        let fake: Vec<f32> = self
            .generate_with(&self.g.valid(), z, fake_labels.as_deref())
            .into_iter()
            .map(|v| if signed { v * 2.0 - 1.0 } else { v })
            .collect();
        let d = self.d.valid();
        let score = |x: Vec<f32>, labels: Option<&[u32]>| -> Vec<f32> {
            let logits: Tensor<2> = d.forward(self.tensor(x, 784, &self.device), self.d_classes(labels, &self.device));
            if self.cfg.loss == Loss::WganGp {
                logits.floats()
            } else {
                sigmoid(logits).floats()
            }
        };
        let (r, f) = (score(real, real_labels.as_deref()), score(fake, fake_labels.as_deref()));
        let (lo, hi) = if self.cfg.loss == Loss::WganGp {
            let all = r.iter().chain(&f);
            (all.clone().copied().fold(f32::INFINITY, f32::min), all.copied().fold(f32::NEG_INFINITY, f32::max))
        } else {
            (0.0, 1.0)
        };
        let bins = 20;
        let width = ((hi - lo) / bins as f32).max(1e-6);
        let hist = |v: &[f32]| -> Vec<[f32; 2]> {
            let mut c = vec![0u32; bins];
            for x in v {
                c[(((x - lo) / width) as usize).min(bins - 1)] += 1;
            }
            c.iter().enumerate().map(|(k, &c)| [lo + (k as f32 + 0.5) * width, c as f32 / v.len().max(1) as f32]).collect()
        };
        View::Lines(Lines {
            x_label: if self.cfg.loss == Loss::WganGp { "label.critic_score" } else { "label.p_real" },
            y_label: "label.share",
            series: vec![
                Series { name: "label.real", points: hist(&r), color: 2 },
                Series { name: "label.generated_points", points: hist(&f), color: 3 },
            ],
            mark_x: None,
        })
    }

    pub(super) fn census_view(&mut self) -> View {
        let Some((_, census, px)) = self.census().cloned() else { return View::Column(vec![]) };
        let Data::Images(split) = &self.data else { return View::Column(vec![]) };
        kit::judge::census_view(&census, &px, &split.test)
    }
}
