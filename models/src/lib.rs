//! tenlab's engine, datasets and labs. Nothing here knows about egui: the app and the CLI
//! read plain data (metrics, [`view::View`]s, errors) and draw or print it.
//!
//! - [`labs`]: the registry of labs; one module per lab, reading data -> model -> step -> views.
//! - [`engine`]: the training [`engine::Session`] (one lab on one device, NaN checks, evaluation
//!   schedule) and the [`engine::Runner`] that drives a session on a background thread.
//! - [`params`]: hyper-parameter specs, values and validation, shared by every lab.
//! - [`data`]: loaders and generators.

pub mod data;
pub mod device;
pub mod engine;
pub mod error;
mod kernels;
pub mod labs;
pub mod lesson;
pub mod ops;
pub mod params;
pub mod picture;
pub mod rng;
pub mod tensors;
pub mod view;

pub use device::{DeviceChoice, DeviceInfo};
pub use engine::{Metric, MetricPoint, Runner, Session};
pub use error::LabError;
pub use labs::{Lab, LabDef, find_lab, registry};
pub use params::{ParamKind, ParamSpec, ParamValue, Values};
