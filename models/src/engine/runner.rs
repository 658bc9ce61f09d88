//! The UI's handle on the training thread ([`Runner`]): it sends commands, takes in events and
//! keeps what the UI draws (curves, views, status, messages). Every method returns at once.
//!
//! Commands go in on a bounded channel and are drained between steps; events come back on a
//! bounded channel. After sending, the thread calls the waker, which the app sets to
//! "repaint"; this crate does not know it is egui. Every event carries the generation of the
//! load it belongs to, so nothing from before a reset or a lab switch reaches the new run's
//! curves. The thread itself: [`super::worker`].

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TryRecvError, TrySendError};

use super::protocol::{Command, Event, RunState, Status, Waker};
use super::worker::start_thread;
use super::{Finding, History, Marker};
use crate::device::{DeviceChoice, DeviceInfo};
use crate::error::LabError;
use crate::labs::{Applied, LabDef};
use crate::params::{ParamValue, Values};
use crate::view::{View, ViewSpec};

const VIEW_INTERVAL: Duration = Duration::from_millis(100);
const VIEW_TIMEOUT: Duration = Duration::from_secs(2);

/// The UI's handle on the training thread. Every method returns at once.
pub struct Runner {
    tx: Sender<Command>,
    rx: Receiver<Event>,
    waker: Waker,
    /// Commands the channel had no room for yet, sent at the next call.
    outbox: VecDeque<Command>,
    generation: u64,
    /// The generation a model file being opened will have, until it is open or has failed.
    opening: Option<u64>,
    /// The lab's settings as the session accepted them (with the user's latest change shown
    /// at once, until the session answers).
    values: Values,
    /// Changes sent that the session has not answered yet.
    sets_in_flight: usize,
    pub history: History,
    pub status: Status,
    pub device: Option<DeviceInfo>,
    /// The latest copy of each view, with a revision number that grows with every copy.
    pub views: HashMap<String, (u64, View)>,
    /// The numbers of each view's formula, as its latest copy was drawn.
    pub formulas: HashMap<String, Vec<f32>>,
    view_revision: u64,
    pub view_specs: Vec<ViewSpec>,
    /// The charts the lab draws with its current data (ids of its `LabDef::charts`).
    pub charts: Vec<&'static str>,
    /// Errors and notices not yet dismissed by the user, oldest first.
    pub errors: Vec<LabError>,
    /// A change was made that takes effect only after a reset.
    pub needs_reset: bool,
    /// The training steps the lab's settings are tuned for (0 until it is built).
    pub budget: u64,
    /// Play reached the budget at this step and paused; not yet reported to the user.
    pub budget_reached: Option<u64>,
    /// Model files saved, not yet reported to the user.
    pub saved: Vec<PathBuf>,
    /// The curves of the run that an opened model file replaced (to compare with).
    pub replaced: Option<History>,
    /// What the detectors found in this run, oldest first (the charts mark them all).
    pub findings: Vec<Finding>,
    /// How many of them the user has dismissed (the messages show the rest).
    pub findings_dismissed: usize,
    view_asked: HashMap<String, (Instant, bool)>,
    /// The branches left behind by going back, oldest first (at most [`MAX_BRANCHES`]).
    pub branches: Vec<Branch>,
    /// Every view and the last evaluation's figures, drawn for a report (see
    /// [`Runner::render_all`]); taken by whoever asked.
    pub rendered: Option<Rendered>,
}

/// Every view of the lab at one moment and the figures of its last evaluation.
pub type Rendered = (Vec<(&'static str, View)>, Vec<(&'static str, f32)>);

/// Branches kept to draw beside the run after going back.
pub const MAX_BRANCHES: usize = 3;

/// A run's curves past the step it went back to: the branch left behind.
#[derive(Clone, Debug)]
pub struct Branch {
    /// Its curves (the part before `from` is the run's own).
    pub history: History,
    /// The step the run went back to, where this branch leaves the run.
    pub from: u64,
    /// The settings it ran with at its end.
    pub values: Values,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner").field("generation", &self.generation).field("status", &self.status).finish()
    }
}

impl Runner {
    /// Starts the training thread. `waker` is called whenever events are waiting.
    pub fn spawn(waker: Waker) -> Self {
        let (tx, rx) = start_thread(waker.clone()).expect("the OS refused to start the training thread");
        Self {
            tx,
            rx,
            waker,
            outbox: VecDeque::new(),
            generation: 0,
            opening: None,
            values: Values::new(),
            sets_in_flight: 0,
            history: History::default(),
            status: Status::default(),
            device: None,
            views: HashMap::new(),
            formulas: HashMap::new(),
            view_revision: 0,
            view_specs: Vec::new(),
            charts: Vec::new(),
            errors: Vec::new(),
            needs_reset: false,
            budget: 0,
            budget_reached: None,
            saved: Vec::new(),
            replaced: None,
            findings: Vec::new(),
            findings_dismissed: 0,
            view_asked: HashMap::new(),
            branches: Vec::new(),
            rendered: None,
        }
    }

    fn send(&mut self, command: Command) {
        self.outbox.push_back(command);
        self.flush();
    }

    fn flush(&mut self) {
        while let Some(c) = self.outbox.pop_front() {
            match self.tx.try_send(c) {
                Ok(()) => {}
                Err(TrySendError::Full(c)) => {
                    self.outbox.push_front(c);
                    break;
                }
                Err(TrySendError::Disconnected(_)) => {
                    self.thread_died();
                    break;
                }
            }
        }
    }

    /// The training thread ended (a panic outside a lab's own code): say so, and start a new
    /// one so that Reset works again.
    fn thread_died(&mut self) {
        self.outbox.clear();
        self.status.state = RunState::Failed;
        self.errors.push(LabError::Panic("the training thread stopped".into()));
        if let Ok((tx, rx)) = start_thread(self.waker.clone()) {
            (self.tx, self.rx) = (tx, rx);
        }
    }

    /// Builds `lab` from `values` (a new lab or a reset): clears curves, views and errors.
    pub fn load(&mut self, lab: &'static LabDef, values: Values, device: DeviceChoice) {
        self.generation += 1;
        self.opening = None;
        // Commands for the previous run are moot now.
        self.outbox.retain(|c| matches!(c, Command::Speed(_)));
        self.values = values.clone();
        self.clear_run();
        self.send(Command::Load { generation: self.generation, lab, values, device });
    }

    /// Forgets everything of the current run (curves, views, errors, the device).
    fn clear_run(&mut self) {
        // Every field by name, so that one added later is placed here: kept, or reset.
        let Self {
            tx: _,
            rx: _,
            waker: _,
            outbox: _,
            generation: _,
            opening: _,
            values: _,
            sets_in_flight,
            history,
            status,
            device,
            views,
            view_revision: _,
            view_specs,
            charts,
            errors,
            needs_reset,
            budget,
            budget_reached,
            saved: _,
            replaced: _,
            findings,
            findings_dismissed,
            view_asked,
            formulas,
            branches,
            rendered,
        } = self;
        branches.clear();
        *rendered = None;
        *sets_in_flight = 0;
        *history = History::default();
        *status = Status::default();
        *device = None;
        views.clear();
        formulas.clear();
        view_specs.clear();
        charts.clear();
        view_asked.clear();
        errors.clear();
        *needs_reset = false;
        *budget = 0;
        *budget_reached = None;
        findings.clear();
        *findings_dismissed = 0;
    }

    /// Opens a model file of lab `lab` (its settings and weights). The current run goes on
    /// until the file is open, and goes on untouched if it cannot be.
    pub fn open(&mut self, lab: &'static LabDef, path: PathBuf) {
        let generation = self.generation + 1;
        self.opening = Some(generation);
        self.send(Command::Open { generation, lab, path: Some(path) });
    }

    /// Replaces the run with the trained model the lab ships with.
    pub fn open_trained(&mut self, lab: &'static LabDef) {
        let generation = self.generation + 1;
        self.opening = Some(generation);
        self.send(Command::Open { generation, lab, path: None });
    }

    /// Saves the model with its settings to a file.
    pub fn save(&mut self, path: PathBuf) {
        self.send(Command::Save(path));
    }

    /// The lab's settings as the session accepted them.
    pub fn values(&self) -> &Values {
        &self.values
    }

    pub fn play(&mut self) {
        self.send(Command::Play);
    }
    pub fn pause(&mut self) {
        self.send(Command::Pause);
    }
    pub fn step(&mut self, n: u32) {
        self.send(Command::Step(n));
    }
    /// Pauses and goes back to the latest checkpoint at or before `step` (see
    /// [`Status::checkpoints`]): the curves after it stay drawn as a branch.
    pub fn rewind(&mut self, step: u64) {
        self.send(Command::Rewind(step));
    }

    /// Asks for every view of the lab and its last figures (for a report): they arrive in
    /// [`Runner::rendered`].
    pub fn render_all(&mut self) {
        self.send(Command::RenderAll);
    }

    /// Changes a setting. It shows at once; if the session refuses it, the session's value
    /// comes back.
    pub fn set(&mut self, key: &str, value: ParamValue) {
        self.values.insert(key.into(), value.clone());
        if matches!(self.status.state, RunState::Paused | RunState::Playing) {
            self.sets_in_flight += 1;
            self.send(Command::Set(key.into(), value));
        }
    }

    /// Shows a setting that is being edited (a slider dragged, a path typed) without sending
    /// it yet: the next [`Runner::set`] or [`Runner::load`] does.
    pub fn preview(&mut self, key: &str, value: ParamValue) {
        self.values.insert(key.into(), value);
    }

    /// The session's settings after it answered a change, once no other change is on its way.
    fn answered(&mut self, values: Values) {
        self.sets_in_flight = self.sets_in_flight.saturating_sub(1);
        if self.sets_in_flight == 0 {
            self.values = values;
        }
    }
    /// Sends user data (a drawing) to the lab; the answer arrives as a new copy of `view`.
    pub fn input(&mut self, key: &str, data: Vec<f32>, view: &str) {
        // Only the latest drawing matters.
        self.outbox.retain(|c| !matches!(c, Command::Input { key: k, .. } if k == key));
        self.send(Command::Input { key: key.into(), data, view: view.into() });
    }

    pub fn speed(&mut self, steps_per_sec: Option<f32>) {
        self.send(Command::Speed(steps_per_sec));
    }

    /// Asks for a fresh copy of a view, at most ~10 times a second and one at a time.
    pub fn request_view(&mut self, id: &str) {
        let now = Instant::now();
        if let Some((at, pending)) = self.view_asked.get(id) {
            let wait = if *pending { VIEW_TIMEOUT } else { VIEW_INTERVAL };
            if now.duration_since(*at) < wait {
                return;
            }
        }
        self.view_asked.insert(id.into(), (now, true));
        self.send(Command::View(id.into()));
    }

    pub fn is_playing(&self) -> bool {
        self.status.state == RunState::Playing
    }

    /// Takes in everything the thread has sent. Returns true if anything changed.
    pub fn poll(&mut self) -> bool {
        self.flush();
        let mut changed = false;
        loop {
            let event = match self.rx.try_recv() {
                Ok(event) => event,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.thread_died();
                    return true;
                }
            };
            let opened = self.opening == Some(event.generation());
            if opened {
                match &event {
                    Event::Loaded { generation, .. } => {
                        // The file is open: from now on, this is the run.
                        self.generation = *generation;
                        self.opening = None;
                        let curves = std::mem::take(&mut self.history);
                        self.replaced = (!curves.is_empty()).then_some(curves);
                        self.clear_run();
                    }
                    Event::OpenFailed { .. } => self.opening = None,
                    _ => {}
                }
            } else if event.generation() != self.generation {
                continue;
            }
            changed = true;
            match event {
                Event::Loaded { device, views, charts, notices, values, budget, .. } => {
                    self.budget = budget;
                    self.device = Some(device);
                    self.view_specs = views;
                    self.charts = charts;
                    self.status.state = RunState::Paused;
                    self.errors.extend(notices);
                    self.values = values;
                }
                Event::OpenFailed { error, .. } => self.errors.push(error),
                Event::BudgetReached { step, .. } => self.budget_reached = Some(step),
                Event::Found { finding, .. } => self.findings.push(finding),
                Event::Saved { path, .. } => self.saved.push(path),
                Event::LoadFailed { error, .. } => {
                    self.status.state = RunState::Failed;
                    self.errors.push(error);
                }
                Event::Metrics { points, .. } => points.into_iter().for_each(|p| self.history.push(p)),
                Event::Status { status, .. } => {
                    if self.status.state != RunState::Failed {
                        self.status = status;
                    }
                }
                Event::View { id, view, formula, .. } => {
                    if let Some(asked) = self.view_asked.get_mut(&id) {
                        asked.1 = false;
                    }
                    self.view_revision += 1;
                    self.formulas.insert(id.clone(), formula);
                    self.views.insert(id, (self.view_revision, *view));
                }
                Event::Applied { step, key, value, applied, values, needs_reset, .. } => {
                    if applied == Applied::Live {
                        // Changes at the same step (clicks while paused) make one marker.
                        let marker = Marker { step, key, value: value.to_string() };
                        match self.history.markers.last_mut() {
                            Some(last) if last.step == step && last.key == marker.key => *last = marker,
                            _ => self.history.markers.push(marker),
                        }
                    }
                    self.needs_reset = needs_reset;
                    self.answered(values);
                }
                Event::Rejected { error, values, .. } => {
                    self.errors.push(error);
                    self.answered(values);
                }
                Event::Error { error, .. } => self.errors.push(error),
                Event::Rewound { step, values, needs_reset, .. } => self.rewound(step, values, needs_reset),
                Event::Rendered { views, figures, .. } => self.rendered = Some((views, figures)),
            }
        }
        changed
    }

    /// The run went back to `step`: what came after it becomes a branch.
    fn rewound(&mut self, step: u64, values: Values, needs_reset: bool) {
        if self.history.last_step().is_some_and(|last| last > step) {
            let branch = Branch { history: self.history.clone(), from: step, values: self.values.clone() };
            self.branches.push(branch);
            if self.branches.len() > MAX_BRANCHES {
                self.branches.remove(0);
            }
        }
        self.history.cut_after(step);
        self.findings.retain(|f| f.step <= step);
        self.findings_dismissed = self.findings_dismissed.min(self.findings.len());
        self.budget_reached = None;
        self.needs_reset = needs_reset;
        self.values = values;
        self.sets_in_flight = 0;
        // Fresh views of the model gone back to, at once.
        self.view_asked.clear();
    }

    /// Waits (in tests and the CLI only, never in the UI) until `done` holds or time runs out.
    pub fn wait_until(&mut self, timeout: Duration, mut done: impl FnMut(&Runner) -> bool) -> bool {
        let end = Instant::now() + timeout;
        loop {
            self.poll();
            if done(self) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        // Never wait for the thread: it stops at its next look at the channel.
        let _ = self.tx.try_send(Command::Stop);
    }
}
