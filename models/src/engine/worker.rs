//! The training thread: one long-lived, named thread that owns the session (the lab and its
//! device), trains while playing or stepping, and reports to the UI without ever blocking on
//! it: metric points wait in a local buffer (decimated if the UI stops reading), views are
//! dropped and asked for again.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError, TrySendError, bounded};

use super::protocol::{Command, Event, RunState, Status, Waker};
use super::{MetricPoint, Session};
use crate::device::DeviceChoice;
use crate::error::LabError;
use crate::params::Values;

const COMMAND_CAPACITY: usize = 64;
const EVENT_CAPACITY: usize = 256;
/// Metric points kept while the UI is not reading; beyond this they are thinned.
const PENDING_POINTS_CAP: usize = 20_000;
/// Steps a lab on the GPU takes before its rate is shown: the first compile and tune kernels
/// (a step's forward, backward and optimizer each bring their own), the next may still meet a
/// shape not seen yet.
const WARM_UP_STEPS: u32 = 3;

/// Starts a training thread; returns its command and event channels.
pub(super) fn start_thread(waker: Waker) -> std::io::Result<(Sender<Command>, Receiver<Event>)> {
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

/// A fresh copy of view `id` with its formula's numbers, as the event that carries it.
fn view_event(session: &mut Session, generation: u64, id: String) -> Result<Event, LabError> {
    let view = session.render(&id)?;
    Ok(Event::View { generation, formula: session.formula(&id), id, view: Box::new(view) })
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
    /// Steps still to take before a GPU lab counts as warm (0 on the CPU).
    warm_left: u32,
    /// A view is being computed (what the status says while the GPU is still warming).
    computing: bool,
    /// The session's findings already sent.
    found: usize,
    /// The view asked for last (the one on screen): sent again after going back.
    last_view: Option<String>,
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
            warm_left: 0,
            computing: false,
            found: 0,
            last_view: None,
        }
    }

    /// Load `generation` starts: nothing of the run before it is kept (its session, pending
    /// steps, points, events, times).
    fn begin_run(&mut self, generation: u64) {
        // Every field by name, so that one added later is placed here: kept, or reset.
        let Self {
            commands: _,
            events: _,
            waker: _,
            session,
            generation: current,
            playing,
            steps_left,
            speed: _,
            next_step_at: _,
            outbox,
            points,
            last_status: _,
            rate,
            device: _,
            wall_secs,
            warm_left,
            computing,
            found,
            last_view: _,
        } = self;
        *current = generation;
        *session = None;
        *playing = false;
        *steps_left = 0;
        points.clear();
        outbox.clear();
        *wall_secs = 0.0;
        *rate = (Instant::now(), 0, 0.0);
        *warm_left = 0;
        *computing = false;
        *found = 0;
    }

    /// A session is built: say so, and keep it.
    fn loaded(&mut self, session: Session, notices: Vec<LabError>) {
        // A model file starts at the steps it trained: the rate counts from there.
        self.rate.1 = session.steps();
        self.warm_left = if session.device.gpu { WARM_UP_STEPS } else { 0 };
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
                if self.warm_left > 0 {
                    // A GPU's first steps take long: the status saying so goes out first.
                    self.send_status();
                    self.report();
                }
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
                match Session::new(lab, &values, device) {
                    Ok((session, notices)) => self.loaded(session, notices),
                    Err(error) => self.outbox.push_back(Event::LoadFailed { generation, error }),
                }
                self.send_status();
            }
            Command::Open { generation, lab, path } => {
                let opened = match &path {
                    Some(path) => Session::open(lab, path, &Values::new(), self.device),
                    None => Session::open_trained(lab, &Values::new(), self.device),
                };
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
                self.read_figures();
                self.send_findings();
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
            Command::Rewind(step) => self.rewind(step),
            Command::RenderAll => {
                if let Some(session) = &mut self.session {
                    // A view that fails to draw is left out (the error goes to the user).
                    let mut views = Vec::new();
                    for (id, drawn) in session.render_all() {
                        match drawn {
                            Ok(view) => views.push((id, view)),
                            Err(error) => {
                                self.outbox.push_back(Event::Error { generation: self.generation, error })
                            }
                        }
                    }
                    let figures = session.last_evaluation().map(|e| e.values.clone()).unwrap_or_default();
                    self.outbox.push_back(Event::Rendered { generation: self.generation, views, figures });
                }
            }
            Command::Input { key, data, view } => {
                if let Some(session) = &mut self.session {
                    let generation = self.generation;
                    let event = session
                        .input(&key, data)
                        .and_then(|()| view_event(session, generation, view))
                        .unwrap_or_else(|error| Event::Error { generation, error });
                    self.outbox.push_back(event);
                }
            }
            Command::View(id) => {
                self.last_view = Some(id.clone());
                let known = self.session.as_ref().is_some_and(|s| s.views().iter().any(|v| v.id == id));
                if known && self.warm_left > 0 {
                    // A GPU's first view compiles kernels too (before the first step, when the
                    // lab opens): the status saying so goes out first.
                    self.computing = true;
                    self.send_status();
                    self.report();
                }
                // A view of the lab as it was before a model file replaced it (the request
                // crossed the new run on its way): the app asks again for one that exists.
                if known && let Some(session) = &mut self.session {
                    let generation = self.generation;
                    let event = view_event(session, generation, id)
                        .unwrap_or_else(|error| Event::Error { generation, error });
                    self.outbox.push_back(event);
                }
                if std::mem::take(&mut self.computing) {
                    self.send_status();
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
                if self.warm_left > 0 {
                    self.warm_left -= 1;
                    // The rate counts from the first warm step.
                    self.rate = (Instant::now(), session.steps(), 0.0);
                }
            }
            Err(error) => self.stop_with(error),
        }
        if !self.busy() {
            // Stopped (Pause, the steps asked for done, the budget reached, an error): the
            // figures still on the device go out now (after a NaN, those read before it).
            self.read_figures();
        }
        self.send_findings();
    }

    /// Pauses and goes back to the checkpoint at or before `step`. The points of the branch
    /// left behind go out first, so the UI has them all when it cuts its curves.
    fn rewind(&mut self, step: u64) {
        self.playing = false;
        self.steps_left = 0;
        self.read_figures();
        self.send_findings();
        if !self.points.is_empty() {
            let points = std::mem::take(&mut self.points);
            self.outbox.push_back(Event::Metrics { generation: self.generation, points });
        }
        let Some(session) = &mut self.session else { return };
        let generation = self.generation;
        let event = match session.rewind(step) {
            Ok(step) => Event::Rewound {
                generation,
                step,
                values: session.values.clone(),
                needs_reset: session.needs_reset(),
            },
            Err(error) => Event::Error { generation, error },
        };
        self.found = session.findings().len();
        self.rate = (Instant::now(), session.steps(), 0.0);
        let rewound = matches!(event, Event::Rewound { .. });
        self.outbox.push_back(event);
        // The view on screen, of the model gone back to.
        if rewound
            && let Some(id) = self.last_view.clone()
            && let Ok(view) = view_event(session, generation, id)
        {
            self.outbox.push_back(view);
        }
        self.send_status();
    }

    /// What the detectors found since the last call goes out.
    fn send_findings(&mut self) {
        let Some(session) = &self.session else { return };
        for &finding in &session.findings()[self.found.min(session.findings().len())..] {
            self.outbox.push_back(Event::Found { generation: self.generation, finding });
        }
        self.found = session.findings().len();
    }

    /// Reads the step figures a GPU lab still holds (see [`Session::flush`]); a NaN among them
    /// stops the run as a failed step does.
    fn read_figures(&mut self) {
        let Some(session) = &mut self.session else { return };
        match session.flush() {
            Ok(points) => self.points.extend(points),
            Err(error) => {
                self.stop_with(error);
                if let Some(session) = &mut self.session {
                    // Those before the NaN.
                    self.points.extend(session.flush().unwrap_or_default());
                }
            }
        }
    }

    /// A step or a read failed: training stops and the user is told why.
    fn stop_with(&mut self, error: LabError) {
        self.playing = false;
        self.steps_left = 0;
        self.outbox.push_back(Event::Error { generation: self.generation, error });
    }

    fn send_status(&mut self) {
        let state = match (&self.session, self.playing) {
            (None, _) => RunState::Failed,
            (Some(_), true) => RunState::Playing,
            (Some(_), false) => RunState::Paused,
        };
        let (step, train_secs, rates, checkpoints) = self
            .session
            .as_ref()
            .map_or_else(Default::default, |s| (s.steps(), s.train_secs(), s.rates(), s.checkpoints()));
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
        let warming = self.warm_left > 0 && (self.busy() || self.computing);
        let status = Status {
            state,
            step,
            steps_per_sec,
            train_secs,
            wall_secs: self.wall_secs,
            rates,
            warming,
            checkpoints,
        };
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
