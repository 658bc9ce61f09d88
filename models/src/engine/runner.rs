//! The runner: one long-lived, named training thread that owns the session (the lab and its
//! device), and a handle for the UI that never blocks.
//!
//! Commands go in on a bounded channel and are drained between steps; events come back on a
//! bounded channel. The thread never blocks on a full event channel: metric points wait in a
//! local buffer (decimated if the UI stops reading), views are dropped and asked for again.
//! After sending, the thread calls the waker, which the app sets to "repaint"; this crate does
//! not know it is egui. Every event carries the generation of the load it belongs to, so
//! nothing from before a reset or a lab switch reaches the new run's curves.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError, TrySendError, bounded};

use super::{History, Marker, MetricPoint, Session};
use crate::device::{DeviceChoice, DeviceInfo};
use crate::error::LabError;
use crate::labs::Applied;
use crate::params::{ParamValue, Values};
use crate::view::{View, ViewSpec};

/// Called by the training thread when it has sent something.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

#[derive(Clone, Debug)]
pub enum Command {
    /// Builds a lab (a new lab, or a reset of the current one); the run starts paused.
    Load {
        generation: u64,
        lab: &'static str,
        values: Values,
        device: DeviceChoice,
    },
    Play,
    Pause,
    /// Trains this many steps, then pauses.
    Step(u32),
    Set(String, ParamValue),
    /// Replaces the lab with one built from a model file (of the same lab) as load
    /// `generation`; on failure the current run goes on untouched.
    Open {
        generation: u64,
        lab: &'static str,
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
    View {
        generation: u64,
        id: String,
        view: Box<View>,
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
    Error {
        generation: u64,
        error: LabError,
    },
}

impl Event {
    fn generation(&self) -> u64 {
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
            | Self::Error { generation, .. } => *generation,
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
}

const COMMAND_CAPACITY: usize = 64;
const EVENT_CAPACITY: usize = 256;
/// Metric points kept while the UI is not reading; beyond this they are thinned.
const PENDING_POINTS_CAP: usize = 20_000;
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
    view_asked: HashMap<String, (Instant, bool)>,
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
            view_revision: 0,
            view_specs: Vec::new(),
            charts: Vec::new(),
            errors: Vec::new(),
            needs_reset: false,
            budget: 0,
            budget_reached: None,
            saved: Vec::new(),
            replaced: None,
            view_asked: HashMap::new(),
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
    pub fn load(&mut self, lab: &'static str, values: Values, device: DeviceChoice) {
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
        self.sets_in_flight = 0;
        self.history = History::default();
        self.status = Status::default();
        self.device = None;
        self.views.clear();
        self.view_specs.clear();
        self.charts.clear();
        self.view_asked.clear();
        self.errors.clear();
        self.needs_reset = false;
        self.budget = 0;
        self.budget_reached = None;
    }

    /// Opens a model file of lab `lab` (its settings and weights). The current run goes on
    /// until the file is open, and goes on untouched if it cannot be.
    pub fn open(&mut self, lab: &'static str, path: PathBuf) {
        let generation = self.generation + 1;
        self.opening = Some(generation);
        self.send(Command::Open { generation, lab, path: Some(path) });
    }

    /// Replaces the run with the trained model the lab ships with.
    pub fn open_trained(&mut self, lab: &'static str) {
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
                Event::View { id, view, .. } => {
                    if let Some(asked) = self.view_asked.get_mut(&id) {
                        asked.1 = false;
                    }
                    self.view_revision += 1;
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
            }
        }
        changed
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

/// Starts a training thread; returns its command and event channels.
fn start_thread(waker: Waker) -> std::io::Result<(Sender<Command>, Receiver<Event>)> {
    let (tx, cmd_rx) = bounded(COMMAND_CAPACITY);
    let (ev_tx, rx) = bounded(EVENT_CAPACITY);
    std::thread::Builder::new().name("tenlab-training".into()).spawn(move || {
        // The training loop runs as one of the workers of a pool of its own, sized like the
        // global one: see `on_pool`. Without a pool (it could not start threads), here.
        let threads = rayon::current_num_threads();
        let built = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("tenlab-training-{i}"))
            .build();
        match built {
            Ok(pool) => pool.install(move || Worker::new(cmd_rx, ev_tx, waker).run()),
            Err(_) => Worker::new(cmd_rx, ev_tx, waker).run(),
        }
    })?;
    Ok((tx, rx))
}

/// The training thread's state.
struct Worker {
    commands: Receiver<Command>,
    events: Sender<Event>,
    waker: Waker,
    session: Option<Session>,
    generation: u64,
    playing: bool,
    steps_left: u32,
    speed: Option<f32>,
    next_step_at: Instant,
    outbox: VecDeque<Event>,
    points: Vec<MetricPoint>,
    last_status: Instant,
    rate: (Instant, u64, f32),
    /// The device choice of the last load (a model file opens on the same).
    device: DeviceChoice,
    wall_secs: f64,
}

impl Worker {
    fn new(commands: Receiver<Command>, events: Sender<Event>, waker: Waker) -> Self {
        let now = Instant::now();
        Self {
            commands,
            events,
            waker,
            session: None,
            generation: 0,
            playing: false,
            steps_left: 0,
            speed: None,
            next_step_at: now,
            outbox: VecDeque::new(),
            points: Vec::new(),
            last_status: now,
            rate: (now, 0, 0.0),
            device: DeviceChoice::Auto,
            wall_secs: 0.0,
        }
    }

    /// Load `generation` starts: nothing of the run before it is kept (its session, pending
    /// steps, points, events, times).
    fn begin_run(&mut self, generation: u64) {
        self.generation = generation;
        self.session = None;
        self.playing = false;
        self.steps_left = 0;
        self.points.clear();
        self.outbox.clear();
        self.wall_secs = 0.0;
        self.rate = (Instant::now(), 0, 0.0);
    }

    /// A session is built: say so, and keep it.
    fn loaded(&mut self, session: Session, notices: Vec<LabError>) {
        // A model file starts at the steps it trained: the rate counts from there.
        self.rate.1 = session.steps();
        self.outbox.push_back(Event::Loaded {
            generation: self.generation,
            device: session.device.clone(),
            views: session.views(),
            charts: session.charts(),
            notices,
            values: session.values.clone(),
            budget: session.budget(),
        });
        self.session = Some(session);
    }

    fn busy(&self) -> bool {
        self.session.is_some() && (self.playing || self.steps_left > 0)
    }

    fn run(mut self) {
        loop {
            // Commands: drain what is there; when idle, wait for one (briefly, to flush).
            let first = if self.busy() || !self.outbox.is_empty() || !self.points.is_empty() {
                match self.commands.try_recv() {
                    Ok(c) => Some(c),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => return,
                }
            } else {
                match self.commands.recv_timeout(Duration::from_millis(100)) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            };
            // Real time counts for the run while it trains (steps, views, the speed limit),
            // not while it waits for a command.
            let start = Instant::now();
            if let Some(c) = first {
                if !self.handle(c) {
                    return;
                }
                while let Ok(c) = self.commands.try_recv() {
                    if !self.handle(c) {
                        return;
                    }
                }
            }
            if self.busy() {
                self.train_one();
                self.wall_secs += start.elapsed().as_secs_f64();
                if !self.busy() {
                    // The run stopped (its steps done, or an error): the final figures.
                    self.send_status();
                }
            }
            self.report();
        }
    }

    /// Returns false to stop the thread.
    fn handle(&mut self, command: Command) -> bool {
        match command {
            Command::Stop => return false,
            Command::Load { generation, lab, values, device } => {
                self.begin_run(generation);
                self.device = device;
                match crate::labs::find_lab(lab).and_then(|def| Session::new(def, &values, device)) {
                    Ok((session, notices)) => self.loaded(session, notices),
                    Err(error) => self.outbox.push_back(Event::LoadFailed { generation, error }),
                }
                self.send_status();
            }
            Command::Open { generation, lab, path } => {
                let opened = crate::labs::find_lab(lab).and_then(|def| match &path {
                    Some(path) => Session::open(def, path, &Values::new(), self.device),
                    None => Session::open_trained(def, &Values::new(), self.device),
                });
                match opened {
                    Ok((session, notices)) => {
                        self.begin_run(generation);
                        self.loaded(session, notices);
                        self.send_status();
                    }
                    Err(error) => self.outbox.push_back(Event::OpenFailed { generation, error }),
                }
            }
            Command::Save(path) => {
                if let Some(session) = &self.session {
                    let generation = self.generation;
                    let event = match session.save(&path) {
                        Ok(()) => Event::Saved { generation, path },
                        Err(error) => Event::Error { generation, error },
                    };
                    self.outbox.push_back(event);
                }
            }
            Command::Play => {
                self.playing = self.session.is_some();
                self.next_step_at = Instant::now();
                self.send_status();
            }
            Command::Pause => {
                self.playing = false;
                self.steps_left = 0;
                self.send_status();
            }
            Command::Step(n) => {
                if !self.playing {
                    self.steps_left = self.steps_left.saturating_add(n);
                }
            }
            Command::Speed(s) => {
                self.speed = s.filter(|s| s.is_finite() && *s > 0.0);
                self.next_step_at = Instant::now();
            }
            Command::Set(key, value) => {
                if let Some(session) = &mut self.session {
                    let generation = self.generation;
                    let step = session.steps();
                    let event = match session.set(&key, value.clone()) {
                        Ok(applied) => {
                            let (values, needs_reset) = (session.values.clone(), session.needs_reset());
                            Event::Applied { generation, step, key, value, applied, values, needs_reset }
                        }
                        Err(error) => Event::Rejected { generation, error, values: session.values.clone() },
                    };
                    self.outbox.push_back(event);
                }
            }
            Command::Input { key, data, view } => {
                if let Some(session) = &mut self.session {
                    let generation = self.generation;
                    let event = match session.input(&key, data).and_then(|()| session.render(&view)) {
                        Ok(v) => Event::View { generation, id: view, view: Box::new(v) },
                        Err(error) => Event::Error { generation, error },
                    };
                    self.outbox.push_back(event);
                }
            }
            Command::View(id) => {
                // A view of the lab as it was before a model file replaced it (the request
                // crossed the new run on its way): the app asks again for one that exists.
                if let Some(session) = &mut self.session
                    && session.views().iter().any(|v| v.id == id)
                {
                    let generation = self.generation;
                    let event = match session.render(&id) {
                        Ok(view) => Event::View { generation, id, view: Box::new(view) },
                        Err(error) => Event::Error { generation, error },
                    };
                    self.outbox.push_back(event);
                }
            }
        }
        true
    }

    fn train_one(&mut self) {
        if let Some(limit) = self.speed {
            let now = Instant::now();
            if now < self.next_step_at {
                std::thread::sleep((self.next_step_at - now).min(Duration::from_millis(10)));
                return;
            }
            let period = Duration::from_secs_f32(1.0 / limit);
            // Do not try to catch up after a slow step.
            self.next_step_at = (self.next_step_at + period).max(now);
        }
        let Some(session) = &mut self.session else { return };
        match session.step() {
            Ok(points) => {
                // Play stops where the lab's settings are tuned to end (once: Play again
                // trains on past it).
                if self.playing && session.steps() == session.budget() {
                    self.playing = false;
                    let step = session.steps();
                    self.outbox.push_back(Event::BudgetReached { generation: self.generation, step });
                }
                self.points.extend(points);
                if self.points.len() > PENDING_POINTS_CAP {
                    // The UI is not reading: keep every other point.
                    let mut i = 0;
                    self.points.retain(|_| {
                        i += 1;
                        i % 2 == 0
                    });
                }
                self.steps_left = self.steps_left.saturating_sub(1);
            }
            Err(error) => {
                self.playing = false;
                self.steps_left = 0;
                self.outbox.push_back(Event::Error { generation: self.generation, error });
            }
        }
    }

    fn send_status(&mut self) {
        let state = match (&self.session, self.playing) {
            (None, _) => RunState::Failed,
            (Some(_), true) => RunState::Playing,
            (Some(_), false) => RunState::Paused,
        };
        let (step, train_secs, rates) =
            self.session.as_ref().map_or((0, 0.0, Vec::new()), |s| (s.steps(), s.train_secs(), s.rates()));
        let now = Instant::now();
        let (since, at_step, rate) = self.rate;
        let elapsed = now.duration_since(since).as_secs_f32();
        let mut steps_per_sec = rate;
        if elapsed >= 0.5 {
            steps_per_sec = step.saturating_sub(at_step) as f32 / elapsed;
            self.rate = (now, step, steps_per_sec);
        }
        if state != RunState::Playing {
            steps_per_sec = 0.0;
        }
        self.last_status = now;
        // Only the latest status matters.
        self.outbox.retain(|e| !matches!(e, Event::Status { .. }));
        let status = Status { state, step, steps_per_sec, train_secs, wall_secs: self.wall_secs, rates };
        self.outbox.push_back(Event::Status { generation: self.generation, status });
    }

    /// Sends what is waiting, without blocking, and wakes the UI if anything went out.
    fn report(&mut self) {
        // While training, the step counter and rate go out ~10 times a second.
        if self.busy() && self.last_status.elapsed() >= Duration::from_millis(100) {
            self.send_status();
        }
        let mut sent = false;
        if !self.points.is_empty() {
            let points = std::mem::take(&mut self.points);
            match self.events.try_send(Event::Metrics { generation: self.generation, points }) {
                Ok(()) => sent = true,
                Err(TrySendError::Full(Event::Metrics { points, .. })) => self.points = points,
                Err(_) => return,
            }
        }
        while let Some(event) = self.outbox.pop_front() {
            match self.events.try_send(event) {
                Ok(()) => sent = true,
                Err(TrySendError::Full(event)) => {
                    // A view can be asked for again; everything else waits its turn.
                    if !matches!(event, Event::View { .. }) {
                        self.outbox.push_front(event);
                    }
                    break;
                }
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
        if sent {
            (self.waker)();
        }
    }
}
