//! What the generative labs (GAN, diffusion) share: their data — a 2-D point cloud or the
//! bundled MNIST / Fashion-MNIST images — chosen by the `dataset` parameter.

use crate::data::images::{self, Split};
use crate::data::points::Cloud;
use crate::error::LabError;
use crate::params::{Values, text_of};
use crate::rng::Rng;

/// The `dataset` choices that are images; every other one names a [`Cloud`].
pub const IMAGE_SETS: [&str; 2] = ["mnist", "fashion"];

/// Whether the chosen data set is images (for `shown_if`).
pub fn is_images(v: &Values) -> bool {
    IMAGE_SETS.contains(&text_of(v, "dataset"))
}

/// Whether the chosen data set is a 2-D cloud (for `shown_if`).
pub fn is_points(v: &Values) -> bool {
    !is_images(v)
}

/// What a generative model learns to make.
pub enum Data {
    /// A 2-D cloud: training batches are drawn fresh from it; `real` is a fixed draw of 1,000
    /// points that the views show and held-out figures use.
    Points { cloud: Cloud, real: Vec<[f32; 2]> },
    /// Images with values in [0, 1].
    Images(Split),
}

impl Data {
    /// The data set `dataset`: images (the first `train_size` training ones), or a cloud whose
    /// fixed draw has `noise` and is seeded by `seed`.
    pub fn load(dataset: &str, train_size: usize, noise: f32, seed: u64) -> Result<Self, LabError> {
        Ok(match dataset {
            "mnist" | "fashion" => {
                let split = if dataset == "mnist" { images::mnist()? } else { images::fashion()? };
                Self::Images(Split { train: split.train.first(train_size), test: split.test })
            }
            key => {
                let cloud = Cloud::from_key(key)
                    .ok_or(LabError::Invalid { key: "err.unknown_dataset", english: "unknown data set" })?;
                let real = cloud.sample(1000, noise, &mut Rng::new(seed.wrapping_add(7)));
                Self::Points { cloud, real }
            }
        })
    }

    /// Numbers per sample.
    pub fn dim(&self) -> usize {
        match self {
            Self::Points { .. } => 2,
            Self::Images(s) => s.train.image_len(),
        }
    }

    /// Classes of the images (0 for points).
    pub fn classes(&self) -> usize {
        match self {
            Self::Points { .. } => 0,
            Self::Images(s) => s.train.class_names.len(),
        }
    }

    /// Training images, for batches (1 for a cloud, whose batches are drawn fresh).
    pub fn rows(&self) -> usize {
        match self {
            Self::Points { .. } => 1,
            Self::Images(s) => s.train.len(),
        }
    }
}
