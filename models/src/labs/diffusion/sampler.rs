//! Sampling: DDPM (Ho et al. 2020) or DDIM (Song et al. 2021) from pure noise, with
//! classifier-free guidance when class-conditional, recording frames (x_t, the predicted noise
//! and the predicted x_0) for the denoising views.

use super::*;
use burn::tensor::Tensor;

use crate::tensors::floats;

impl DiffusionLab {
    /// Runs the sampler on `n` samples from noise seeded by `seed`, keeping up to `frames`
    /// frames (x_t, the predicted noise and the predicted x_0 before each step). The samples
    /// stay on the device from the first step to the last and the frames are read in one go
    /// at the end: on a GPU a few waits per run, not one per timestep.
    pub(super) fn sample(&self, n: usize, seed: u64, frames: usize) -> Trace {
        let dim = self.data.dim();
        let model = self.sampler();
        let images = matches!(self.data, Data::Images(_));
        let mut rng = Rng::new(seed);
        let noise = |rng: &mut Rng| floats(normals(rng, n * dim), [n, dim], &self.device);
        let mut x = noise(&mut rng);
        let ts = match self.cfg.sampler {
            Sampler::Ddpm => self.schedule.timesteps(self.schedule.len()),
            Sampler::Ddim => self.schedule.timesteps(self.cfg.sample_steps),
        };
        let labels = self.sample_labels(n);
        let keep_every = ts.len().div_ceil(frames.max(1)).max(1);
        // Per kept frame: its timestep, its field (2-D), and x_t, eps, x_0 still on the device.
        let mut kept = Vec::new();
        let mut unread = Vec::new();
        for (k, &t) in ts.iter().enumerate() {
            let eps = self.predict(&model, x.clone(), t, n, labels.as_deref());
            let (a, b) = self.schedule.x0_coefs(t);
            let mut x0 = x.clone().mul_scalar(a) - eps.clone().mul_scalar(b);
            if images {
                // Images live in [-1, 1]: clipping the predicted x_0 keeps the early,
                // very noisy steps from overshooting (as in Ho et al.'s code).
                x0 = x0.clamp(-1.0, 1.0);
            }
            if k % keep_every == 0 {
                let field = if images { vec![] } else { self.field(&model, t) };
                kept.push((t, field));
                unread.extend([x.clone(), eps.clone(), x0.clone()]);
            }
            x = match self.cfg.sampler {
                Sampler::Ddpm => {
                    let (c0, ct, sd) = self.schedule.ddpm_coefs(t);
                    let mean = x0.mul_scalar(c0) + x.mul_scalar(ct);
                    if sd > 0.0 { mean + noise(&mut rng).mul_scalar(sd) } else { mean }
                }
                Sampler::Ddim => {
                    let ab = self.schedule.alpha_bar[t];
                    let ab_next = ts.get(k + 1).map_or(1.0, |&s| self.schedule.alpha_bar[s]);
                    // Song et al.'s sigma: 0 with eta 0 (deterministic), DDPM's noise with 1.
                    let eta = self.cfg.eta as f32;
                    let sd = eta * ((1.0 - ab_next) / (1.0 - ab) * (1.0 - ab / ab_next)).max(0.0).sqrt();
                    // The noise that the (clipped) x_0 implies, carried to the next timestep.
                    let keep = (1.0 - ab_next - sd * sd).max(0.0).sqrt();
                    let e = (x - x0.clone().mul_scalar(ab.sqrt())).div_scalar((1.0 - ab).sqrt().max(1e-8));
                    let next = x0.mul_scalar(ab_next.sqrt()) + e.mul_scalar(keep);
                    if sd > 0.0 { next + noise(&mut rng).mul_scalar(sd) } else { next }
                }
            };
        }
        unread.push(x);
        let values = crate::tensors::read_all(unread);
        let mut parts = values.chunks(n * dim).map(<[f32]>::to_vec);
        let mut take = || parts.next().unwrap_or_default();
        let frames: Vec<Frame> = kept
            .into_iter()
            .map(|(t, field)| Frame { t, x: take(), eps: take(), x0: take(), field })
            .collect();
        let x = take();
        let last_field = if images { vec![] } else { self.field(&model, 0) };
        // FNV-1a over the samples' bits.
        let id = x.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, v| (h ^ v.to_bits() as u64).wrapping_mul(0x100_0000_01b3));
        Trace { n, id, frames, last: x, last_field, labels }
    }

    /// Predicted noise at one timestep for all of `x` (`[n, dim]`), with classifier-free
    /// guidance when the model is class-conditional: eps = eps(no class) + w (eps(class) -
    /// eps(no class)).
    pub(super) fn predict(
        &self,
        model: &Denoiser,
        x: Tensor<2>,
        t: usize,
        n: usize,
        labels: Option<&[u32]>,
    ) -> Tensor<2> {
        match labels {
            None => model.forward(x, &vec![t; n], None, self.side()),
            Some(labels) => {
                let none = self.data.classes() as u32;
                let both: Vec<u32> = labels.iter().copied().chain(std::iter::repeat_n(none, n)).collect();
                let out = model.forward(Tensor::cat(vec![x.clone(), x], 0), &vec![t; 2 * n], Some(&both), self.side());
                let dim = out.dims()[1];
                let cond = out.clone().slice([0..n, 0..dim]);
                let uncond = out.slice([n..2 * n, 0..dim]);
                let w = self.cfg.guidance as f32;
                uncond.clone() + (cond - uncond).mul_scalar(w)
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
