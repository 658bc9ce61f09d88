//! One lab on one device, stepped by whoever owns it (the runner thread or the CLI). The
//! session adds what every lab needs: the step counter, the evaluation schedule, the check
//! for a NaN or infinite loss, panics turned into errors, and the GPU-to-CPU fallback.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use burn::tensor::{Device, Tensor};

use super::rewind::{Checkpoint, Checkpoints, Ring};
use super::{Finding, Metric, MetricPoint, Watch, model_file};
use crate::device::{self, DeviceChoice, DeviceInfo};
use crate::error::LabError;
use crate::labs::{Applied, Evaluation, Lab, LabDef, Reading};
use crate::params::{ParamValue, Values};
use crate::view::{View, ViewSpec};

pub struct Session {
    pub def: &'static LabDef,
    /// The settings the session accepted: those the lab was built from, with every later
    /// change (live ones, and those that wait for a reset).
    pub values: Values,
    /// What the lab runs with: the values it was built from and the live changes since.
    running: Values,
    pub device: DeviceInfo,
    lab: Box<dyn Lab>,
    step: u64,
    train_secs: f64,
    last_eval: Option<Evaluation>,
    /// Figures of past steps still on the device, oldest first (see [`Reading`]).
    unread: Vec<Unread>,
    /// When the oldest of them was made.
    unread_since: Option<Instant>,
    /// How long a figure may wait on the device before all are read (zero: each step's at once).
    read_after: Duration,
    /// Points read but not yet handed out (those before a NaN that stopped a read).
    ready: Vec<MetricPoint>,
    /// The detectors watching this run's curves.
    watch: Watch,
    /// Where the run can go back to.
    ring: Ring,
}

/// A figure of step `step` still on the device.
struct Unread {
    step: u64,
    metric: Metric,
    value: Tensor<1>,
}

/// How long a GPU lab's step figures wait on the device before they are read, all in one
/// transfer: about a frame of the UI, so the curves and the status move as smoothly as
/// before while the GPU never stalls for a read per step. (The CPU reads each step's at once:
/// nothing is queued there, so nothing is gained by waiting.)
pub const GPU_READ_AFTER: Duration = Duration::from_millis(100);
/// Figures read together at most (a bound on what waits on the device between reads).
const MAX_UNREAD: usize = 256;

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("lab", &self.def.id).field("step", &self.step).finish()
    }
}

/// Runs `f`, turning a panic into [`LabError::Panic`].
fn guard<T>(f: impl FnOnce() -> Result<T, LabError>) -> Result<T, LabError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(LabError::Panic(msg))
    })
}

impl Session {
    /// Validates the values, picks the device and builds the lab. The second value holds
    /// notices for the user: the CPU is used instead of a GPU, files were left out.
    pub fn new(
        def: &'static LabDef,
        values: &Values,
        choice: DeviceChoice,
    ) -> Result<(Self, Vec<LabError>), LabError> {
        let values = def.validate(values)?;
        let (device, info, gpu_error) = device::resolve(choice, def.id, def.suits);
        let mut notice = gpu_error.map(LabError::GpuFallback);
        let build = |d: &Device| guard(|| (def.build)(&values, d));
        let (lab, info) = match build(&device) {
            Ok(lab) => (lab, info),
            Err(e @ (LabError::Panic(_) | LabError::GpuFallback(_))) if info.gpu => {
                let (cpu, cpu_info, _) = device::resolve(DeviceChoice::Cpu, def.id, def.suits);
                notice = Some(LabError::GpuFallback(e.to_string()));
                (build(&cpu)?, cpu_info)
            }
            Err(e) => return Err(e),
        };
        // And what the lab has to say about its data (e.g. files it could not read).
        let mut notices: Vec<LabError> = notice.into_iter().collect();
        if info.gpu
            && let Err(why) = device::gpu_cache()
        {
            notices.push(LabError::GpuCache(why.clone()));
        }
        notices.extend(guard(|| Ok(lab.notices())).unwrap_or_default());
        let read_after = if info.gpu { GPU_READ_AFTER } else { Duration::ZERO };
        let watch = Watch::new(&guard(|| Ok(lab.detectors())).unwrap_or_default());
        let budget = guard(|| Ok(lab.budget())).ok().flatten().unwrap_or(def.steps);
        let mut session = Self {
            ring: Ring::new(budget),
            watch,
            read_after,
            def,
            running: values.clone(),
            values,
            device: info,
            lab,
            step: 0,
            train_secs: 0.0,
            last_eval: None,
            unread: Vec::new(),
            unread_since: None,
            ready: Vec::new(),
        };
        session.keep_checkpoint();
        Ok((session, notices))
    }

    /// Builds lab `def` from a model file: its settings (with `overrides` on top) and its
    /// weights, to look at or to go on training. A file of another lab, of other shapes, or a
    /// damaged one, is an error.
    pub fn open(
        def: &'static LabDef,
        path: &Path,
        overrides: &Values,
        choice: DeviceChoice,
    ) -> Result<(Self, Vec<LabError>), LabError> {
        let (header, weights) = model_file::read(path)?;
        Self::open_parsed(def, path, header, weights, overrides, choice)
    }

    /// Starts from the trained model the lab ships with (`--set` overrides on top).
    pub fn open_trained(
        def: &'static LabDef,
        overrides: &Values,
        choice: DeviceChoice,
    ) -> Result<(Self, Vec<LabError>), LabError> {
        let trained = def.trained.ok_or(LabError::Invalid {
            key: "err.no_trained_model",
            english: "this lab ships no trained model",
        })?;
        let path = Path::new(trained.file);
        let (header, weights) = model_file::parse(path, trained.bytes)?;
        Self::open_parsed(def, path, header, weights, overrides, choice)
    }

    fn open_parsed(
        def: &'static LabDef,
        path: &Path,
        header: model_file::Header,
        weights: Vec<u8>,
        overrides: &Values,
        choice: DeviceChoice,
    ) -> Result<(Self, Vec<LabError>), LabError> {
        model_file::check_lab(path, &header, def.id)?;
        let mut values = header.values;
        values.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let (mut session, notices) = Self::new(def, &values, choice)?;
        guard(|| session.lab.load_weights(&weights, header.steps))?;
        session.step = header.steps;
        // The run starts at the file's model: the checkpoint of the untrained one goes.
        session.ring = Ring::new(session.budget());
        session.keep_checkpoint();
        Ok((session, notices))
    }

    /// Saves the model's weights with the settings it runs with to one file.
    pub fn save(&self, path: &Path) -> Result<(), LabError> {
        let weights = guard(|| self.lab.weights())?;
        model_file::write(path, self.def.id, &self.running, self.step, &weights)
    }

    /// Steps trained so far.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// Seconds spent in training steps and evaluations.
    pub fn train_secs(&self) -> f64 {
        self.train_secs
    }

    pub fn last_evaluation(&self) -> Option<&Evaluation> {
        self.last_eval.as_ref()
    }

    /// Trains one step; evaluates when the lab's schedule says so. Returns the points read
    /// since the last call: on the CPU this step's; on the GPU those of the steps whose
    /// figures were read now (see [`GPU_READ_AFTER`]; [`flush`](Self::flush) reads the rest).
    /// A NaN or infinite loss is an error (the caller pauses), and the step it is read at is
    /// not counted.
    pub fn step(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let mut points = self.train_step()?;
        let step = self.step;
        if step == 1 || step.is_multiple_of(self.lab.eval_every().max(1)) {
            let start = Instant::now();
            points.extend(self.evaluate_now()?);
            self.train_secs += start.elapsed().as_secs_f64();
        }
        self.watch.see(&points);
        if self.ring.due(step) {
            self.keep_checkpoint();
        }
        Ok(points)
    }

    /// Keeps the run as it is now to go back to (a lab that cannot hand its state over is
    /// simply not kept: going back is then to the last checkpoint it could).
    fn keep_checkpoint(&mut self) {
        if let Ok(lab) = guard(|| self.lab.checkpoint()) {
            self.ring.keep(Checkpoint {
                step: self.step,
                lab,
                running: self.running.clone(),
                watch: self.watch.clone(),
                last_eval: self.last_eval.clone(),
            });
        }
    }

    /// Keeps a checkpoint every `every` steps from now on (the ring doubles it as it fills).
    pub fn set_checkpoint_every(&mut self, every: u64) {
        self.ring.set_every(every);
    }

    /// The steps the run can go back to, oldest first, and the memory they keep.
    pub fn checkpoints(&self) -> Checkpoints {
        self.ring.summary()
    }

    /// Goes back to the latest checkpoint at or before `step`: the model, its optimizer, the
    /// data order, the settings that ran then, what the detectors had seen. Returns the step
    /// gone back to. The checkpoints after it are forgotten (a branch starts there); the
    /// figures still on the device are read first (the caller takes them with
    /// [`flush`](Self::flush) before). On an error the run is as it was.
    pub fn rewind(&mut self, step: u64) -> Result<u64, LabError> {
        let Some(c) = self.ring.at_or_before(step) else {
            return Err(LabError::Invalid {
                key: "err.no_checkpoint",
                english: "there is no checkpoint to go back to",
            });
        };
        let previous = self.running.clone();
        if c.running != self.running {
            guard(|| self.lab.reconfigure(&c.running))?;
        }
        if let Err(e) = guard(|| self.lab.restore(&c.lab)) {
            // The settings the run had, back again.
            let _ = guard(|| self.lab.reconfigure(&previous));
            return Err(e);
        }
        // Settings changed live since then go back with the run; those waiting for a reset
        // stay chosen.
        for (key, value) in &c.running {
            if self.running.get(key) != Some(value) {
                self.values.insert(key.clone(), value.clone());
            }
        }
        self.running = c.running.clone();
        self.watch = c.watch.clone();
        self.last_eval = c.last_eval.clone();
        self.step = c.step;
        self.unread.clear();
        self.unread_since = None;
        self.ready.clear();
        let to = c.step;
        self.ring.cut_after(to);
        Ok(to)
    }

    /// What the detectors found in this run so far, in the order they fired.
    pub fn findings(&self) -> &[Finding] {
        self.watch.findings()
    }

    /// Trains one step and nothing else: no evaluation, whatever the schedule (what `tenlab
    /// bench` times). Returns the points read, as [`step`](Self::step) does.
    pub fn train_step(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let start = Instant::now();
        let metrics = guard(|| self.lab.step())?;
        let step = self.step + 1;
        let readings = metrics.loss.map(|r| (Metric::BATCH_LOSS, r)).into_iter();
        let readings = readings.chain(metrics.more.into_iter().map(|(key, r)| (Metric(key), r)));
        let mut now = Vec::new();
        for (metric, reading) in readings {
            match reading {
                Reading::Value(value) => now.push(MetricPoint { step, metric, value }),
                Reading::Device(value) => self.unread.push(Unread { step, metric, value: *value }),
            }
        }
        if !self.unread.is_empty() && self.unread_since.is_none() {
            self.unread_since = Some(start);
        }
        let due = self.unread.len() >= MAX_UNREAD
            || self.unread_since.is_some_and(|since| since.elapsed() >= self.read_after);
        let mut points = if due { self.read()? } else { std::mem::take(&mut self.ready) };
        for p in &now {
            LabError::check_finite(p.value, step)?;
        }
        points.extend(now);
        self.step = step;
        self.train_secs += start.elapsed().as_secs_f64();
        Ok(points)
    }

    /// Reads every figure still on the device (one transfer, which waits for the steps queued
    /// there: counted as training time) and returns the points not yet handed out. A NaN or
    /// infinite one is an error; the points before it come with the next call.
    pub fn flush(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let start = Instant::now();
        let read = self.read();
        self.train_secs += start.elapsed().as_secs_f64();
        if let Ok(points) = &read {
            self.watch.see(points);
        }
        read
    }

    /// [`flush`](Self::flush) without the clock (for callers that time themselves).
    fn read(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let mut points = std::mem::take(&mut self.ready);
        self.unread_since = None;
        if self.unread.is_empty() {
            return Ok(points);
        }
        let unread = std::mem::take(&mut self.unread);
        let tensors: Vec<Tensor<1>> = unread.iter().map(|u| u.value.clone()).collect();
        let values = guard(|| Ok(crate::tensors::read_all(tensors)))?;
        for (u, value) in unread.iter().zip(values) {
            if let Err(e) = LabError::check_finite(value, u.step) {
                self.ready = points;
                return Err(e);
            }
            points.push(MetricPoint { step: u.step, metric: u.metric, value });
        }
        Ok(points)
    }

    /// How long step figures may wait on the device before they are read together (zero:
    /// each step's at once, the CPU's default; [`GPU_READ_AFTER`] on the GPU).
    pub fn set_read_after(&mut self, wait: Duration) {
        self.read_after = wait;
    }

    /// The learning rate(s) the lab applied at its latest step (see [`crate::labs::Lab::rates`]).
    pub fn rates(&self) -> Vec<(&'static str, f64)> {
        self.lab.rates()
    }

    /// Trainable numbers in the lab's networks (0 if asking panics).
    pub fn parameters(&self) -> usize {
        guard(|| Ok(self.lab.parameters())).unwrap_or(0)
    }

    /// Examples one training step learns from: the lab's `batch` setting where it has one.
    pub fn batch(&self) -> Option<u64> {
        match self.running.get("batch") {
            Some(ParamValue::Int(n)) => u64::try_from(*n).ok(),
            _ => None,
        }
    }

    /// Evaluates now, whatever the schedule; the step figures still on the device come first.
    pub fn evaluate_now(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let mut points = self.read()?;
        let e = guard(|| self.lab.evaluate())?;
        points.extend(self.take_evaluation(e)?);
        Ok(points)
    }

    /// The evaluation at the end of a headless run (with the figures too slow to measure
    /// during training); the step figures still on the device come first.
    pub fn evaluate_final(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let mut points = self.read()?;
        let e = guard(|| self.lab.final_evaluation())?;
        points.extend(self.take_evaluation(e)?);
        Ok(points)
    }

    /// The training steps the lab's defaults are tuned for, with its current data.
    pub fn budget(&self) -> u64 {
        guard(|| Ok(self.lab.budget())).ok().flatten().unwrap_or(self.def.steps)
    }

    /// The view that best shows what the model makes, if the lab names one.
    pub fn gallery(&self) -> Option<&'static str> {
        guard(|| Ok(self.lab.gallery())).ok().flatten()
    }

    fn take_evaluation(&mut self, e: Evaluation) -> Result<Vec<MetricPoint>, LabError> {
        for &(_, value) in &e.values {
            LabError::check_finite(value, self.step)?;
        }
        let step = self.step;
        let points =
            e.values.iter().map(|&(key, value)| MetricPoint { step, metric: Metric(key), value }).collect();
        self.last_eval = Some(e);
        Ok(points)
    }

    /// The pictures the lab offers (none if asking panics).
    pub fn views(&self) -> Vec<ViewSpec> {
        guard(|| Ok(self.lab.views())).unwrap_or_default()
    }

    /// The charts the lab draws (ids of its definition's charts; all of them if asking panics).
    pub fn charts(&self) -> Vec<&'static str> {
        guard(|| Ok(self.lab.charts())).unwrap_or_else(|_| self.def.charts.iter().map(|c| c.id).collect())
    }

    pub fn render(&mut self, view: &str) -> Result<View, LabError> {
        guard(|| self.lab.render(view))
    }

    /// Every view the lab offers now, each drawn or with the error that stopped it (a report).
    pub fn render_all(&mut self) -> Vec<(&'static str, Result<View, LabError>)> {
        let ids: Vec<&'static str> = self.views().iter().map(|v| v.id).collect();
        ids.into_iter().map(|id| (id, self.render(id))).collect()
    }

    /// The numbers of `view`'s formula now ([`crate::labs::Lab::formula`]).
    pub fn formula(&self, view: &str) -> Vec<f32> {
        self.lab.formula(view)
    }

    /// Hands user data (e.g. a drawing) to the lab.
    pub fn input(&mut self, key: &str, data: Vec<f32>) -> Result<(), LabError> {
        guard(|| self.lab.input(key, data))
    }

    /// Checks and applies a hyper-parameter change; says whether it is live or needs a reset
    /// (the spec table alone decides). A rejected change leaves everything as it was.
    pub fn set(&mut self, key: &str, value: ParamValue) -> Result<Applied, LabError> {
        let spec = self.def.spec(key).ok_or_else(|| LabError::UnknownParam {
            key: key.into(),
            known: (self.def.params)().iter().map(|s| s.key).collect::<Vec<_>>().join(", "),
        })?;
        spec.check(&value)?;
        let mut values = self.values.clone();
        values.insert(key.into(), value);
        let values = self.def.validate(&values)?;
        let applied = if spec.live {
            let mut running = self.running.clone();
            running.insert(key.into(), values[key].clone());
            guard(|| self.lab.reconfigure(&running))?;
            self.running = running;
            Applied::Live
        } else {
            Applied::NeedsReset
        };
        self.values = values;
        Ok(applied)
    }

    /// Whether some accepted change waits for a reset (the settings differ from those the lab
    /// runs with; a change undone needs none).
    pub fn needs_reset(&self) -> bool {
        self.values != self.running
    }

    /// The settings the lab runs with, read back from its typed config.
    pub fn lab_settings(&self) -> Values {
        guard(|| Ok(self.lab.settings())).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::StepMetrics;

    /// A lab whose step `n` (from 1) is `step(n)`: every other method does nothing much.
    struct Scripted {
        n: u32,
        step: fn(u32) -> StepMetrics,
    }

    impl Lab for Scripted {
        fn step(&mut self) -> Result<StepMetrics, LabError> {
            self.n += 1;
            Ok((self.step)(self.n))
        }
        fn evaluate(&mut self) -> Result<Evaluation, LabError> {
            Ok(Evaluation::classify(1.0, None, 1.0, None))
        }
        fn views(&self) -> Vec<ViewSpec> {
            vec![]
        }
        fn render(&mut self, view: &str) -> Result<View, LabError> {
            Err(LabError::UnknownView(view.into()))
        }
        fn reconfigure(&mut self, _: &Values) -> Result<(), LabError> {
            Ok(())
        }
        fn settings(&self) -> Values {
            Values::new()
        }
        fn rates(&self) -> Vec<(&'static str, f64)> {
            vec![]
        }
        fn parameters(&self) -> usize {
            1
        }
        fn weights(&self) -> Result<Vec<u8>, LabError> {
            Ok(vec![])
        }
        fn load_weights(&mut self, _: &[u8], _: u64) -> Result<(), LabError> {
            Ok(())
        }
        fn checkpoint(&self) -> Result<crate::labs::Snapshot, LabError> {
            Ok(crate::labs::Snapshot::new(vec![Box::new(self.n)], 4))
        }
        fn restore(&mut self, snapshot: &crate::labs::Snapshot) -> Result<(), LabError> {
            self.n = snapshot.part(0)?;
            Ok(())
        }
    }

    const fn scripted(id: &'static str, build: crate::labs::BuildFn) -> LabDef {
        LabDef {
            id,
            params: Vec::new,
            build,
            views: &[],
            charts: crate::labs::CLASSIFIER_CHARTS,
            strings: &[],
            steps: 10,
            small: &[],
            suits: crate::labs::Suits::Cpu,
            trained: None,
            presets: &[],
        }
    }

    /// A lab that panics on its third step.
    static FRAGILE: LabDef = scripted("fragile", |_, _| {
        Ok(Box::new(Scripted {
            n: 0,
            step: |n| {
                assert!(n < 3, "index out of bounds in a lab");
                StepMetrics::loss(1.0 / n as f32)
            },
        }))
    });

    /// A lab whose losses stay on the device (as on a GPU): 1/step, NaN at step 5.
    static ON_DEVICE: LabDef = scripted("on_device", |_, _| {
        Ok(Box::new(Scripted {
            n: 0,
            step: |n| {
                let v = if n == 5 { f32::NAN } else { 1.0 / n as f32 };
                let t = crate::tensors::floats(vec![v, 2.0 * v], [1, 2], &Device::flex().autodiff());
                let loss = Reading::of(t.clone().slice([0..1, 0..1]));
                StepMetrics { loss: Some(loss), more: vec![("twice", Reading::of(t.slice([0..1, 1..2])))] }
            },
        }))
    });

    #[test]
    fn figures_left_on_the_device_are_read_together_in_order_and_a_nan_among_them_stops_the_run() {
        let (mut s, _) = Session::new(&ON_DEVICE, &Values::new(), DeviceChoice::Cpu).unwrap();
        // As on the CPU: each step's figures at once.
        let first = s.train_step().unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!((first[0].step, first[0].metric, first[0].value), (1, Metric::BATCH_LOSS, 1.0));
        assert_eq!((first[1].metric, first[1].value), (Metric("twice"), 2.0));
        // As on the GPU: none until they are read, then all of them, by step.
        s.set_read_after(Duration::from_secs(3600));
        assert!(s.train_step().unwrap().is_empty());
        assert!(s.train_step().unwrap().is_empty());
        assert_eq!(s.steps(), 3);
        let read = s.flush().unwrap();
        let losses: Vec<(u64, f32)> =
            read.iter().filter(|p| p.metric == Metric::BATCH_LOSS).map(|p| (p.step, p.value)).collect();
        assert_eq!(losses, [(2, 0.5), (3, 1.0 / 3.0)]);
        assert!(s.flush().unwrap().is_empty(), "each point is handed out once");
        // Step 5's NaN is found when read (here, before an evaluation): the error names its step,
        // and the points before it still come out.
        assert!(s.train_step().unwrap().is_empty());
        assert!(s.train_step().unwrap().is_empty());
        let err = s.evaluate_now().unwrap_err();
        assert!(matches!(err, LabError::NonFinite { step: 5, .. }), "{err:?}");
        let before: Vec<u64> = s.flush().unwrap().iter().map(|p| p.step).collect();
        assert_eq!(before, [4, 4]);
        // A read every step again (the default on the CPU): nothing waits.
        s.set_read_after(Duration::ZERO);
        assert_eq!(s.train_step().unwrap()[0].step, 6);
    }

    #[test]
    fn a_panic_in_a_lab_becomes_an_error_and_the_session_survives() {
        let (mut s, notice) = Session::new(&FRAGILE, &Values::new(), DeviceChoice::Cpu).unwrap();
        assert!(notice.is_empty());
        assert_eq!(s.step().unwrap()[0].value, 1.0);
        s.step().unwrap();
        let err = s.step().unwrap_err();
        assert_eq!(err, LabError::Panic("index out of bounds in a lab".into()));
        assert_eq!(s.steps(), 2);
        assert!(matches!(s.render("x"), Err(LabError::UnknownView(_))));
    }
}
