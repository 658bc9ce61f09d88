//! `tenlab bench`: how fast each lab trains on this machine. Every lab (or those named) is
//! built at its defaults (with `--set` on top), stepped for a warm-up, then timed over a
//! fixed span of training steps alone — no evaluations, no views — with the process's CPU time
//! and peak memory beside. The same `Session` as the app and `tenlab train`, so the figure is
//! the speed a class sees.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use tenlab_models::device::Speeds;
use tenlab_models::{DeviceChoice, ParamValue, Session};

use crate::cli::{lab_def, parse_sets};
use crate::i18n::{Lang, error_text};

/// What to measure.
#[derive(Clone, Debug)]
pub struct BenchPlan {
    /// Lab ids; empty: every lab.
    pub labs: Vec<String>,
    /// `key=value` settings for every lab measured.
    pub sets: Vec<String>,
    pub device: DeviceChoice,
    pub warmup: Duration,
    pub measure: Duration,
    pub seed: u64,
    /// Keep each lab's figure in the cache that `auto` chooses a device by (only for labs at
    /// their defaults on the default thread pool: the speed a class would get).
    pub record: bool,
}

/// One lab's figures.
#[derive(Clone, Debug, Serialize)]
pub struct LabBench {
    pub lab: String,
    pub device: String,
    /// Timed training steps (after the warm-up).
    pub steps: u64,
    pub seconds: f64,
    pub steps_per_sec: f64,
    /// Trainable numbers in the networks the step trains.
    pub parameters: usize,
    /// Examples per step (the lab's batch), where the lab has one.
    pub batch: Option<u64>,
    pub samples_per_sec: Option<f64>,
    /// CPU time of the whole process over wall time while timed: 1.0 is one core busy.
    pub cores_busy: Option<f64>,
    /// The process's peak resident memory from building the lab to the end of the timing.
    pub peak_mib: Option<f64>,
    /// The last batch loss, so that a run that learns nothing shows.
    pub last_loss: Option<f32>,
    /// Seconds from starting to build the lab (data, networks, the device: a GPU starts here)
    /// to the end of its first training step, which on a GPU compiles and tunes its kernels
    /// (what a class waits for after pressing Play).
    pub startup_secs: f64,
    /// Seconds the first training step took alone.
    pub first_step_secs: f64,
}

/// Every lab's figures, with the machine they were measured on.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub threads: usize,
    pub cores: usize,
    pub warmup_secs: f64,
    pub measure_secs: f64,
    pub labs: Vec<LabBench>,
}

/// Sizes the CPU backend's thread pool. Must come before any tensor work; a second call (or
/// one after the pool started) is an error with a message.
pub fn set_threads(n: usize) -> anyhow::Result<()> {
    if n == 0 {
        bail!("--threads must be at least 1");
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| anyhow::anyhow!("cannot size the thread pool to {n}: {e}"))
}

/// CPU seconds this process has used (all threads, user and system), where the system says.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3, the state.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15, counted in USER_HZ (100 on Linux).
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// Starts the peak-memory count afresh (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The peak resident memory since the last reset, in MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Measures every lab of the plan; `progress` gets (labs done, lab, phase) as it goes.
pub fn bench(plan: &BenchPlan, mut progress: impl FnMut(usize, &str, &str)) -> anyhow::Result<BenchReport> {
    let defs: Vec<&'static tenlab_models::LabDef> = if plan.labs.is_empty() {
        tenlab_models::registry().iter().collect()
    } else {
        plan.labs.iter().map(|id| lab_def(id)).collect::<anyhow::Result<_>>()?
    };
    let mut labs = Vec::new();
    for (done, def) in defs.into_iter().enumerate() {
        progress(done, def.id, "building");
        let said = |e: tenlab_models::LabError| anyhow::anyhow!(error_text(Lang::En, def.id, &e));
        let mut values = parse_sets(def, &plan.sets)?;
        values.insert("seed".into(), ParamValue::Int(plan.seed as i64));
        let measured_memory = reset_peak_memory();
        let built = Instant::now();
        let (mut session, notices) = Session::new(def, &values, plan.device).map_err(said)?;
        for n in notices {
            eprintln!("{}: {}", def.id, error_text(Lang::En, def.id, &n));
        }
        progress(done, def.id, "warming up");
        let first = Instant::now();
        session.train_step().map_err(said).with_context(|| format!("warming up {}", def.id))?;
        // Until the device has done the step (its loss read), not until it is queued.
        session.flush().map_err(said).with_context(|| format!("warming up {}", def.id))?;
        let (first_step_secs, startup_secs) = (first.elapsed().as_secs_f64(), built.elapsed().as_secs_f64());
        let start = Instant::now();
        let mut warm = 1;
        while warm < 2 || start.elapsed() < plan.warmup {
            session.train_step().map_err(said).with_context(|| format!("warming up {}", def.id))?;
            warm += 1;
        }
        session.flush().map_err(said).with_context(|| format!("warming up {}", def.id))?;
        progress(done, def.id, "measuring");
        let cpu_before = cpu_seconds();
        let start = Instant::now();
        let (mut steps, mut last_loss) = (0u64, None);
        let batch_loss = |points: Vec<tenlab_models::MetricPoint>, last: Option<f32>| {
            points
                .iter()
                .rev()
                .find(|p| p.metric == tenlab_models::Metric::BATCH_LOSS)
                .map(|p| p.value)
                .or(last)
        };
        while steps < 3 || start.elapsed() < plan.measure {
            let points = session.train_step().map_err(said).with_context(|| format!("timing {}", def.id))?;
            last_loss = batch_loss(points, last_loss);
            steps += 1;
        }
        // The steps still queued on a GPU count: the clock stops when their losses are read.
        let points = session.flush().map_err(said).with_context(|| format!("timing {}", def.id))?;
        last_loss = batch_loss(points, last_loss);
        let seconds = start.elapsed().as_secs_f64();
        let cores_busy = cpu_seconds().zip(cpu_before).map(|(after, before)| (after - before) / seconds);
        let steps_per_sec = steps as f64 / seconds;
        if plan.record
            && let Some(file) = Speeds::file()
            && let Err(why) = Speeds::record(&file, def.id, &session.device.name, steps_per_sec)
        {
            eprintln!("{}: the speed is not kept for the automatic device choice ({why})", def.id);
        }
        let batch = session.batch();
        labs.push(LabBench {
            lab: def.id.to_string(),
            device: session.device.name.clone(),
            steps,
            seconds,
            steps_per_sec,
            parameters: session.parameters(),
            batch,
            samples_per_sec: batch.map(|b| b as f64 * steps_per_sec),
            cores_busy,
            peak_mib: if measured_memory { peak_memory_mib() } else { None },
            last_loss,
            startup_secs,
            first_step_secs,
        });
    }
    Ok(BenchReport {
        threads: rayon::current_num_threads(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        warmup_secs: plan.warmup.as_secs_f64(),
        measure_secs: plan.measure.as_secs_f64(),
        labs,
    })
}

/// The report as a table for the terminal.
pub fn table(report: &BenchReport) -> String {
    let dash = || "—".to_string();
    let mut out = format!(
        "tenlab bench: {} threads on {} cores; {:.0} s warm-up, {:.0} s timed per lab (training steps only)\n\n",
        report.threads, report.cores, report.warmup_secs, report.measure_secs
    );
    out.push_str(&format!(
        "{:<12} {:>10} {:>12} {:>6} {:>11} {:>10} {:>10} {:>10}  {}\n",
        "lab", "steps/s", "samples/s", "batch", "cores busy", "peak MiB", "parameters", "start-up", "device"
    ));
    for l in &report.labs {
        out.push_str(&format!(
            "{:<12} {:>10.1} {:>12} {:>6} {:>11} {:>10} {:>10} {:>9.1}s  {}\n",
            l.lab,
            l.steps_per_sec,
            l.samples_per_sec.map_or_else(dash, |s| format!("{s:.0}")),
            l.batch.map_or_else(dash, |b| b.to_string()),
            l.cores_busy.map_or_else(dash, |c| format!("{c:.2}")),
            l.peak_mib.map_or_else(dash, |m| format!("{m:.0}")),
            l.parameters,
            l.startup_secs,
            l.device
        ));
    }
    out
}
