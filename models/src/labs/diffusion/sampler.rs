//! Sampling: DDPM (Ho et al. 2020) or DDIM (Song et al. 2021) from pure noise, with
//! classifier-free guidance when class-conditional, recording frames (x_t, the predicted noise
//! and the predicted x_0) for the denoising views.

use super::*;
use crate::tensors::{Floats, floats};

impl DiffusionLab {
    /// Runs the sampler on `n` samples from noise seeded by `seed`, keeping up to `frames`
    /// frames (x_t, the predicted noise and the predicted x_0 before each step).
    pub(super) fn sample(&self, n: usize, seed: u64, frames: usize) -> Trace {
        let dim = self.data.dim();
        let model = self.sampler();
        let images = matches!(self.data, Data::Images(_));
        let mut rng = Rng::new(seed);
        let mut x = normals(&mut rng, n * dim);
        let ts = match self.cfg.sampler {
            Sampler::Ddpm => self.schedule.timesteps(self.schedule.len()),
            Sampler::Ddim => self.schedule.timesteps(self.cfg.sample_steps),
        };
        let labels = self.sample_labels(n);
        let keep_every = ts.len().div_ceil(frames.max(1)).max(1);
        let mut kept = Vec::new();
        for (k, &t) in ts.iter().enumerate() {
            let eps = self.predict(&model, &x, t, n, labels.as_deref());
            let (a, b) = self.schedule.x0_coefs(t);
            let mut x0: Vec<f32> = x.iter().zip(&eps).map(|(x, e)| a * x - b * e).collect();
            if images {
                // Images live in [-1, 1]: clipping the predicted x_0 keeps the early,
                // very noisy steps from overshooting (as in Ho et al.'s code).
                x0.iter_mut().for_each(|v| *v = v.clamp(-1.0, 1.0));
            }
            if k % keep_every == 0 {
                let field = if images { vec![] } else { self.field(&model, t) };
                kept.push(Frame { t, x: x.clone(), eps: eps.clone(), x0: x0.clone(), field });
            }
            x = match self.cfg.sampler {
                Sampler::Ddpm => {
                    let (c0, ct, sd) = self.schedule.ddpm_coefs(t);
                    let z = if sd > 0.0 { normals(&mut rng, n * dim) } else { vec![0.0; n * dim] };
                    x0.iter().zip(&x).zip(&z).map(|((x0, xt), z)| c0 * x0 + ct * xt + sd * z).collect()
                }
                Sampler::Ddim => {
                    let ab = self.schedule.alpha_bar[t];
                    let ab_next = ts.get(k + 1).map_or(1.0, |&s| self.schedule.alpha_bar[s]);
                    // Song et al.'s sigma: 0 with eta 0 (deterministic), DDPM's noise with 1.
                    let eta = self.cfg.eta as f32;
                    let sd = eta * ((1.0 - ab_next) / (1.0 - ab) * (1.0 - ab / ab_next)).max(0.0).sqrt();
                    let z = if sd > 0.0 { normals(&mut rng, n * dim) } else { vec![0.0; n * dim] };
                    // The noise that the (clipped) x_0 implies, carried to the next timestep.
                    let keep = (1.0 - ab_next - sd * sd).max(0.0).sqrt();
                    x0.iter()
                        .zip(&x)
                        .zip(&z)
                        .map(|((x0, xt), z)| {
                            let e = (xt - ab.sqrt() * x0) / (1.0 - ab).sqrt().max(1e-8);
                            ab_next.sqrt() * x0 + keep * e + sd * z
                        })
                        .collect()
                }
            };
        }
        let last_field = if images { vec![] } else { self.field(&model, 0) };
        // FNV-1a over the samples' bits.
        let id = x.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, v| (h ^ v.to_bits() as u64).wrapping_mul(0x100_0000_01b3));
        Trace { n, id, frames: kept, last: x, last_field, labels }
    }

    /// Predicted noise at one timestep for all of `x`, with classifier-free guidance when the
    /// model is class-conditional: eps = eps(no class) + w (eps(class) - eps(no class)).
    pub(super) fn predict(&self, model: &Denoiser, x: &[f32], t: usize, n: usize, labels: Option<&[u32]>) -> Vec<f32> {
        let dim = self.data.dim();
        let tensor = |v: Vec<f32>, rows: usize| floats(v, [rows, dim], &self.device);
        match labels {
            None => model.forward(tensor(x.to_vec(), n), &vec![t; n], None, self.side()).floats(),
            Some(labels) => {
                let none = self.data.classes() as u32;
                let both: Vec<u32> = labels.iter().copied().chain(std::iter::repeat_n(none, n)).collect();
                let xx: Vec<f32> = x.iter().chain(x).copied().collect();
                let out: Vec<f32> =
                    model.forward(tensor(xx, 2 * n), &vec![t; 2 * n], Some(&both), self.side()).floats();
                let (cond, uncond) = out.split_at(n * dim);
                let w = self.cfg.guidance as f32;
                uncond.iter().zip(cond).map(|(u, c)| u + w * (c - u)).collect()
            }
        }
    }

    /// The views' sampling run, made anew when there is none or the model trained on since.
    pub(super) fn trace(&mut self) -> &Trace {
        let stale = match &self.data {
            Data::Points { .. } => 250,
            Data::Images(_) => 200,
        };
        if self.trace.is_none() || self.steps >= self.trace_step + stale {
            self.resample();
        }
        self.trace.as_ref().expect("just made")
    }

    pub(super) fn resample(&mut self) {
        let n = if matches!(self.data, Data::Points { .. }) { POINT_SAMPLES } else { IMAGE_SAMPLES };
        // The same starting noise until the user asks for another, so the class sees the
        // same samples sharpen as the model trains.
        let seed = self.cfg.seed.wrapping_add(99).wrapping_add(self.draw.wrapping_mul(7919));
        self.trace = Some(self.sample(n, seed, FRAMES));
        self.trace_step = self.steps;
    }
}

/// A recorded sampling run.
pub(super) struct Trace {
    pub(super) n: usize,
    /// Names this run for the player (a hash of its samples: a new run, a new id).
    pub(super) id: u64,
    pub(super) frames: Vec<Frame>,
    /// The samples it ended with.
    pub(super) last: Vec<f32>,
    pub(super) last_field: Vec<([f32; 2], [f32; 2])>,
    pub(super) labels: Option<Vec<u32>>,
}

pub(super) struct Frame {
    /// Where the denoiser pushes points at this timestep (2-D only).
    pub(super) field: Vec<([f32; 2], [f32; 2])>,
    pub(super) t: usize,
    pub(super) x: Vec<f32>,
    pub(super) eps: Vec<f32>,
    pub(super) x0: Vec<f32>,
}
