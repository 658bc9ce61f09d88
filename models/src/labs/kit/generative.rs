//! What the generative labs (GAN, diffusion) share: their data — a 2-D point cloud, points
//! the user draws (the `points` parameter), or the bundled MNIST / Fashion-MNIST images —
//! chosen by the `dataset` parameter.

use crate::data::images::{self, Split};
use crate::data::points::{Cloud, parse_points};
use crate::error::LabError;
use crate::params::{Group, ParamKind, ParamSpec, ParamValue, Values, text_of};
use crate::rng::Rng;
use crate::view::PointLayer;

/// The `dataset` choices that are images; every other one names a [`Cloud`].
pub const IMAGE_SETS: [&str; 2] = ["mnist", "fashion"];

/// Whether the chosen data set is images (for `shown_if`).
pub fn is_images(v: &Values) -> bool {
    IMAGE_SETS.contains(&text_of(v, "dataset"))
}

/// Whether the model is class-conditional: image data with the `conditional` switch on (for
/// `shown_if`).
pub fn is_conditional(v: &Values) -> bool {
    is_images(v) && matches!(v.get("conditional"), Some(ParamValue::Bool(true)))
}

/// The classes a class-conditional model draws `n` pictures of: `digit` for all of them when
/// it is one of the `k` classes' (0 to 9 for MNIST), else each class in turn; none when the
/// model is not conditional (`k` = 0).
pub fn drawn_classes(k: usize, digit: i64, n: usize) -> Option<Vec<u32>> {
    (k > 0)
        .then(|| (0..n).map(|i| if digit >= 0 { digit as u32 % k as u32 } else { (i % k) as u32 }).collect())
}

/// Whether the chosen data set is the user's drawing (for `shown_if`).
pub fn is_drawn(v: &Values) -> bool {
    text_of(v, "dataset") == "drawn"
}

/// The points a drawing starts with (a smiling face), before the user adds or clears any.
const SMILE: &str = "1.80,0.00;1.71,0.56;1.46,1.06;1.06,1.46;0.56,1.71;0.00,1.80;-0.56,1.71;\
-1.06,1.46;-1.46,1.06;-1.71,0.56;-1.80,0.00;-1.71,-0.56;-1.46,-1.06;-1.06,-1.46;-0.56,-1.71;\
0.00,-1.80;0.56,-1.71;1.06,-1.46;1.46,-1.06;1.71,-0.56;-0.60,0.60;-0.60,0.80;0.60,0.60;0.60,0.80;\
-0.94,-0.34;-0.79,-0.61;-0.57,-0.82;-0.30,-0.95;0.00,-1.00;0.30,-0.95;0.57,-0.82;0.79,-0.61;0.94,-0.34";

/// The `points` parameter: the user's drawing as `x,y;x,y;...`, edited by clicks on the plane
/// view (live: the data changes under a running model).
pub fn points_spec() -> ParamSpec {
    ParamSpec::new("points", Group::Data, ParamKind::Text { default: SMILE }).live().shown_if(is_drawn)
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
    /// The data set `dataset`: images (the first `train_size` training ones), or a cloud
    /// (`points` for a drawing) whose fixed draw has `noise` and is seeded by `seed`.
    pub fn load(
        dataset: &str,
        points: &str,
        train_size: usize,
        noise: f32,
        seed: u64,
    ) -> Result<Self, LabError> {
        Ok(match dataset {
            "mnist" | "fashion" => {
                let split = if dataset == "mnist" { images::mnist()? } else { images::fashion()? };
                Self::Images(Split { train: split.train.first(train_size), test: split.test })
            }
            key => {
                let mut cloud = Cloud::from_key(key)
                    .ok_or(LabError::Invalid { key: "err.unknown_dataset", english: "unknown data set" })?;
                if let Cloud::Drawn(p) = &mut cloud {
                    *p = parse_points("points", points)?;
                }
                let real = cloud.sample(1000, noise, &mut Rng::new(seed.wrapping_add(7)));
                Self::Points { cloud, real }
            }
        })
    }

    /// Takes a new drawing (a live change of `points`): says whether the data changed.
    pub fn redraw(&mut self, points: &str, noise: f32, seed: u64) -> Result<bool, LabError> {
        let new = parse_points("points", points)?;
        let Self::Points { cloud: Cloud::Drawn(old), real } = self else { return Ok(false) };
        if new == *old {
            return Ok(false);
        }
        *old = new;
        let cloud = Cloud::Drawn(old.clone());
        *real = cloud.sample(1000, noise, &mut Rng::new(seed.wrapping_add(7)));
        Ok(true)
    }

    /// For a drawing: its points as a layer on top of the plane views.
    pub fn drawn_layer(&self) -> Option<PointLayer> {
        match self {
            Self::Points { cloud: Cloud::Drawn(p), .. } => {
                Some(PointLayer { name: "label.drawn", arg: None, points: p.clone(), color: 0, faint: false })
            }
            _ => None,
        }
    }

    /// For a drawing: the parameter that clicks on the plane views edit.
    pub fn draw_key(&self) -> Option<&'static str> {
        matches!(self, Self::Points { cloud: Cloud::Drawn(_), .. }).then_some("points")
    }

    /// The step's error while a drawing has no points.
    pub fn check_not_empty(&self) -> Result<(), LabError> {
        match self {
            Self::Points { cloud, .. } if cloud.is_empty() => Err(LabError::Invalid {
                key: "err.no_points",
                english: "the drawing has no points: click on the plane to add some",
            }),
            _ => Ok(()),
        }
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

    /// A sample's caption: "#3", or "#3 · 2" with the class it was drawn for.
    pub fn caption(&self, i: usize, classes: Option<&[u32]>) -> String {
        match (classes, self) {
            (Some(c), Self::Images(s)) => format!("#{} · {}", i + 1, s.train.class_names[c[i] as usize]),
            _ => format!("#{}", i + 1),
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
