//! What the UI and the training thread say to each other: commands in, events out, each
//! event tagged with the generation of the load it belongs to, so that nothing from before a
//! reset or a lab switch reaches the new run's curves.

use std::path::PathBuf;
use std::sync::Arc;

use crate::device::{DeviceChoice, DeviceInfo};
use crate::error::LabError;
use crate::labs::{Applied, LabDef};
use crate::params::{ParamValue, Values};
use crate::view::{View, ViewSpec};

use super::{Checkpoints, Finding, MetricPoint};

/// Called by the training thread when it has sent something.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

#[derive(Clone, Debug)]
pub enum Command {
    /// Builds a lab (a new lab, or a reset of the current one); the run starts paused.
    Load {
        generation: u64,
        lab: &'static LabDef,
        values: Values,
        device: DeviceChoice,
    },
    Play,
    Pause,
    /// Trains this many steps, then pauses.
    Step(u32),
    Set(String, ParamValue),
    /// Pauses and goes back to the latest checkpoint at or before this step.
    Rewind(u64),
    /// Draws every view the lab offers now, with the figures of its last evaluation (a lab
    /// report).
    RenderAll,
    /// Replaces the lab with one built from a model file (of the same lab) as load
    /// `generation`; on failure the current run goes on untouched.
    Open {
        generation: u64,
        lab: &'static LabDef,
        /// None: the trained model the lab ships with.
        path: Option<PathBuf>,
    },
    /// Saves the model with its settings to a file.
    Save(PathBuf),
    /// Steps per second; `None` is as fast as possible.
    Speed(Option<f32>),
    View(String),
    /// User data for the lab (e.g. a drawing), then a fresh copy of the view that shows it.
    Input {
        key: String,
        data: Vec<f32>,
        view: String,
    },
    Stop,
}

#[derive(Clone, Debug)]
pub enum Event {
    /// A lab was built (or opened from a file): its device, views, notices and the settings
    /// the session accepted.
    Loaded {
        generation: u64,
        device: DeviceInfo,
        views: Vec<ViewSpec>,
        /// The ids of the charts it draws.
        charts: Vec<&'static str>,
        notices: Vec<LabError>,
        values: Values,
        /// The training steps the lab's settings are tuned for: Play pauses there.
        budget: u64,
    },
    /// Play reached the lab's budget (`step`) and paused; a further Play trains on.
    BudgetReached {
        generation: u64,
        step: u64,
    },
    LoadFailed {
        generation: u64,
        error: LabError,
    },
    /// A model file could not be opened; the run of the previous generation goes on.
    OpenFailed {
        generation: u64,
        error: LabError,
    },
    Metrics {
        generation: u64,
        points: Vec<MetricPoint>,
    },
    Status {
        generation: u64,
        status: Status,
    },
    /// A detector saw a known way of failing in the run's curves.
    Found {
        generation: u64,
        finding: Finding,
    },
    View {
        generation: u64,
        id: String,
        view: Box<View>,
        /// The numbers of the view's formula, as the view was drawn.
        formula: Vec<f32>,
    },
    /// A change was taken (live, or for the next reset); `values` are the session's settings,
    /// and `needs_reset` says whether any of them waits for a reset.
    Applied {
        generation: u64,
        step: u64,
        key: String,
        value: ParamValue,
        applied: Applied,
        values: Values,
        needs_reset: bool,
    },
    /// A change was refused; `values` are the session's settings, unchanged.
    Rejected {
        generation: u64,
        error: LabError,
        values: Values,
    },
    Saved {
        generation: u64,
        path: PathBuf,
    },
    /// Every view of the lab now, and the figures of its last evaluation (see
    /// [`Command::RenderAll`]).
    Rendered {
        generation: u64,
        views: Vec<(&'static str, View)>,
        figures: Vec<(&'static str, f32)>,
    },
    /// The run went back to the checkpoint at `step` (the metric points before this event are
    /// those of the branch left behind); `values` are the settings it runs with again.
    Rewound {
        generation: u64,
        step: u64,
        values: Values,
        needs_reset: bool,
    },
    Error {
        generation: u64,
        error: LabError,
    },
}

impl Event {
    pub(super) fn generation(&self) -> u64 {
        match self {
            Self::Loaded { generation, .. }
            | Self::BudgetReached { generation, .. }
            | Self::LoadFailed { generation, .. }
            | Self::OpenFailed { generation, .. }
            | Self::Metrics { generation, .. }
            | Self::Status { generation, .. }
            | Self::View { generation, .. }
            | Self::Applied { generation, .. }
            | Self::Rejected { generation, .. }
            | Self::Saved { generation, .. }
            | Self::Rewound { generation, .. }
            | Self::Rendered { generation, .. }
            | Self::Error { generation, .. }
            | Self::Found { generation, .. } => *generation,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RunState {
    /// No lab yet, or building one.
    #[default]
    Loading,
    Paused,
    Playing,
    /// The lab could not be built (see the error).
    Failed,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Status {
    pub state: RunState,
    pub step: u64,
    pub steps_per_sec: f32,
    /// Seconds spent in training steps and evaluations.
    pub train_secs: f64,
    /// Seconds of real time the run has been going (playing or stepping), which adds drawing
    /// the views and the speed limit to the training time.
    pub wall_secs: f64,
    /// The learning rate(s) the lab applied at its latest step, by parameter key.
    pub rates: Vec<(&'static str, f64)>,
    /// A lab on the GPU is taking one of its first steps or drawing a view before them: the
    /// GPU is compiling and tuning its kernels (seconds, or a minute on a first run), and the
    /// rate means nothing yet.
    pub warming: bool,
    /// Where the run can go back to.
    pub checkpoints: Checkpoints,
}
