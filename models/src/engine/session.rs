//! One lab on one device, stepped by whoever owns it (the runner thread or the CLI). The
//! session adds what every lab needs: the step counter, the evaluation schedule, the check
//! for a NaN or infinite loss, panics turned into errors, and the GPU-to-CPU fallback.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Instant;

use burn::tensor::Device;

use super::{Metric, MetricPoint, model_file};
use crate::device::{self, DeviceChoice, DeviceInfo};
use crate::error::LabError;
use crate::labs::{Applied, Evaluation, Lab, LabDef};
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
}

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
        let session = Self {
            def,
            running: values.clone(),
            values,
            device: info,
            lab,
            step: 0,
            train_secs: 0.0,
            last_eval: None,
        };
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

    /// Trains one step; evaluates when the lab's schedule says so. A NaN or infinite loss is
    /// an error (the caller pauses), and the step is not counted.
    pub fn step(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let metrics = self.train_step()?;
        let step = self.step;
        let mut points: Vec<MetricPoint> = metrics
            .loss
            .map(|value| MetricPoint { step, metric: Metric::BATCH_LOSS, value })
            .into_iter()
            .collect();
        points.extend(metrics.more.iter().map(|&(key, value)| MetricPoint {
            step,
            metric: Metric(key),
            value,
        }));
        if step == 1 || step.is_multiple_of(self.lab.eval_every().max(1)) {
            let start = Instant::now();
            points.extend(self.evaluate_now()?);
            self.train_secs += start.elapsed().as_secs_f64();
        }
        Ok(points)
    }

    /// Trains one step and nothing else: no evaluation, whatever the schedule (what `tenlab
    /// bench` times). A NaN or infinite loss is an error, as in [`step`](Self::step).
    pub fn train_step(&mut self) -> Result<crate::labs::StepMetrics, LabError> {
        let start = Instant::now();
        let metrics = guard(|| self.lab.step())?;
        let step = self.step + 1;
        for value in metrics.loss.iter().chain(metrics.more.iter().map(|(_, v)| v)) {
            LabError::check_finite(*value, step)?;
        }
        self.step = step;
        self.train_secs += start.elapsed().as_secs_f64();
        Ok(metrics)
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

    /// Evaluates now, whatever the schedule.
    pub fn evaluate_now(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let e = guard(|| self.lab.evaluate())?;
        self.take_evaluation(e)
    }

    /// The evaluation at the end of a headless run (with the figures too slow to measure
    /// during training).
    pub fn evaluate_final(&mut self) -> Result<Vec<MetricPoint>, LabError> {
        let e = guard(|| self.lab.final_evaluation())?;
        self.take_evaluation(e)
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

    /// A lab that panics on its third step.
    struct Fragile(u32);

    impl Lab for Fragile {
        fn step(&mut self) -> Result<StepMetrics, LabError> {
            self.0 += 1;
            assert!(self.0 < 3, "index out of bounds in a lab");
            Ok(StepMetrics::loss(1.0 / self.0 as f32))
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
    }

    static FRAGILE: LabDef = LabDef {
        id: "fragile",
        params: Vec::new,
        build: |_, _| Ok(Box::new(Fragile(0))),
        views: &[],
        charts: crate::labs::CLASSIFIER_CHARTS,
        strings: &[],
        steps: 10,
        small: &[],
        suits: crate::labs::Suits::Cpu,
        trained: None,
        presets: &[],
    };

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
