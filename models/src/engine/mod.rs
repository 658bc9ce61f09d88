//! Training: a [`Session`] runs one lab step by step with the checks every lab needs; a
//! [`Runner`] drives a session on a background thread for the app.

mod history;
pub mod model_file;
mod runner;
mod session;

pub use history::{History, Marker};
pub use runner::{Command, Event, RunState, Runner, Status, Waker};
pub use session::Session;

use serde::Serialize;

/// A curve the engine records, named by its key (also the translation key `metric.<key>`).
/// Classifiers report the five below; other labs name their own (a GAN's generator and
/// discriminator losses, a DQN's returns) and list them in their [`crate::labs::Chart`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Metric(pub &'static str);

impl Metric {
    /// Loss of each training mini-batch (every lab reports it).
    pub const BATCH_LOSS: Metric = Metric("batch_loss");
    pub const TRAIN_LOSS: Metric = Metric("train_loss");
    pub const TEST_LOSS: Metric = Metric("test_loss");
    pub const TRAIN_ACC: Metric = Metric("train_acc");
    pub const TEST_ACC: Metric = Metric("test_acc");

    pub fn key(self) -> &'static str {
        self.0
    }
}

/// One point of one curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricPoint {
    pub step: u64,
    pub metric: Metric,
    pub value: f32,
}
