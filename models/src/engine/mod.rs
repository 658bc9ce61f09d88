//! Training: a [`Session`] runs one lab step by step with the checks every lab needs; a
//! [`Runner`] drives a session on a background thread for the app.

pub mod detect;
mod history;
pub mod model_file;
mod protocol;
pub mod rewind;
mod runner;
mod session;
mod worker;

pub use detect::{Detector, Finding, Watch};
pub use history::{History, Marker};
pub use protocol::{Command, Event, RunState, Status, Waker};
pub use rewind::Checkpoints;
pub use runner::{Branch, MAX_BRANCHES, Rendered, Runner};
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

/// Runs `f` on a worker of the current rayon pool (the global one outside any pool) and
/// returns its result. Training steps belong there: the CPU backend's parallel loops and
/// products then run on the pool with the training thread taking part, instead of a thread
/// outside waking the pool's workers for every one of them and waiting idle (three threads on
/// two cores, and the host's wake-ups were 15% of the Transformer's step). Measured with
/// `tenlab bench --threads 2`, steps/s in interleaved pairs: Transformer 5.8/6.0/7.6 →
/// 6.4/6.6/8.6, LSTM 90/93 → 106/102, MNIST GAN 8.3/8.0 → 9.2/8.7, CNN 17.6/20.6 → 19.9/22.3.
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rayon::join(f, || ()).0
}
