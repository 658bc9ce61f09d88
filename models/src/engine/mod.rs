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

/// A curve the engine records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Loss of each training mini-batch.
    BatchLoss,
    TrainLoss,
    TestLoss,
    TrainAcc,
    TestAcc,
}

impl Metric {
    pub const ALL: [Metric; 5] =
        [Self::BatchLoss, Self::TrainLoss, Self::TestLoss, Self::TrainAcc, Self::TestAcc];
    /// Also the translation key `metric.<key>`.
    pub fn key(self) -> &'static str {
        match self {
            Self::BatchLoss => "batch_loss",
            Self::TrainLoss => "train_loss",
            Self::TestLoss => "test_loss",
            Self::TrainAcc => "train_acc",
            Self::TestAcc => "test_acc",
        }
    }
}

/// One point of one curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricPoint {
    pub step: u64,
    pub metric: Metric,
    pub value: f32,
}
