//! What labs share, by topic: the training knobs every trainer has, activations, batching,
//! image classifiers' evaluation, classification losses and scores, and the strings of all
//! of these. A lab takes what it needs; nothing here knows any lab.

pub mod activation;
pub mod batches;
pub mod cache;
pub mod charlm;
pub mod classify;
pub mod ema;
pub mod generative;
pub mod images;
pub mod judge;
pub mod pca;
pub mod rewind;
pub mod sample;
pub mod strings;
pub mod training;
pub mod tsne;
pub mod weights;

pub use activation::Activation;
pub use batches::Batches;
pub use classify::{argmax, confusion_view, cross_entropy, onehot, score, token_cross_entropy};
pub use pca::{padded_ranges, pca2};
pub use training::{Decay, GRADIENT_CHART, Optim, Training, TrainingDefaults, VANISHING, checked_loss};
pub use tsne::tsne;

/// A choice parameter's value as its typed enum (the same names serde reads in configs).
pub fn choice<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.into())).ok()
}

/// The `seed` parameter every lab has.
pub fn seed_spec() -> crate::params::ParamSpec {
    use crate::params::{Group, ParamKind, ParamSpec};
    ParamSpec::new("seed", Group::Training, ParamKind::Int { default: 1, min: 0, max: 1 << 31 })
}
