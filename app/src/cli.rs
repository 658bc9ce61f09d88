//! The headless command line: `tenlab list` and `tenlab train`. It builds the same config and
//! the same [`Session`] as the app, so a figure measured here is the figure the app shows.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tenlab_models::{DeviceChoice, ParamValue, Session, Values};

use crate::i18n::{Lang, error_text, finding_text, lab_tr, param_label};

#[derive(Parser, Debug)]
#[command(
    name = "tenlab",
    version,
    about = "Watch ten classic deep-learning models train, live. With no command, opens the window."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

// Parsed once per run: the size of the `train` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the labs and their hyper-parameters with defaults and ranges.
    List,
    /// Train a lab headless and print the final figures as one JSON line.
    Train {
        /// The lab's id (see `tenlab list`).
        lab: String,
        /// Set a hyper-parameter: --set key=value (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Start from one of the lab's presets (e.g. dqn: ours, article); --set goes on top.
        #[arg(long)]
        preset: Option<String>,
        /// Training steps (default: the lab's own budget, which `tenlab list` shows). 0 trains
        /// nothing: with --load, it evaluates the loaded model.
        #[arg(long)]
        steps: Option<u64>,
        /// auto, cpu or gpu.
        #[arg(long, default_value = "auto")]
        device: DeviceChoice,
        /// Random seed (the same as --set seed=N).
        #[arg(long)]
        seed: Option<u64>,
        /// Write every metric point to this file: a JSON line each, or, for a name ending in
        /// .csv, a CSV table (step,metric,value) that a spreadsheet opens.
        #[arg(long, value_name = "FILE")]
        metrics_out: Option<std::path::PathBuf>,
        /// After training, write the lab's pictures (the same data the app draws) as one JSON
        /// object, keyed by view id, to this file.
        #[arg(long, value_name = "FILE")]
        views_out: Option<std::path::PathBuf>,
        /// Which views --views-out writes (repeatable; default: all of the lab's views); with
        /// --png-out, the first is the view drawn.
        #[arg(long = "view", value_name = "ID")]
        view: Vec<String>,
        /// Start from a model file saved from this lab (its settings and weights; --set
        /// changes settings on top).
        #[arg(long, value_name = "FILE")]
        load: Option<std::path::PathBuf>,
        /// Start from the trained model the lab ships with (as the app's "Start from the
        /// trained model"); --set changes settings on top.
        #[arg(long, conflicts_with = "load")]
        trained: bool,
        /// After training, save the model with its settings to this file.
        #[arg(long, value_name = "FILE")]
        save: Option<std::path::PathBuf>,
        /// After training, draw a view as a PNG: the first --view given, else the lab's main
        /// gallery (e.g. generated samples, the decision boundary).
        #[arg(long, value_name = "FILE")]
        png_out: Option<std::path::PathBuf>,
        /// After training, write a lab report to this folder: report.md (settings, figures,
        /// findings, pictures), every view that is a picture as PNG, settings.json,
        /// summary.json and curves.csv (every metric point).
        #[arg(long, value_name = "DIR")]
        report: Option<std::path::PathBuf>,
        /// Keep a checkpoint to go back to every this many steps (default: the lab's budget ÷
        /// 32, as in the app); the summary gives the checkpoints kept and their memory.
        #[arg(long, value_name = "STEPS")]
        checkpoint_every: Option<u64>,
    },
    /// Open the window on a lesson file (TOML; see assets/lessons), at its first step.
    Lesson {
        /// The lesson file.
        file: std::path::PathBuf,
    },
    /// Open the window straight into a lab, with one of its presets and settings on top.
    Open {
        /// The lab's id (see `tenlab list`).
        lab: String,
        /// Start from one of the lab's presets (e.g. mlp: too_high, overfit).
        #[arg(long)]
        preset: Option<String>,
        /// Set a hyper-parameter: --set key=value (repeatable; on top of the preset).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Time each lab's training steps (after a warm-up; evaluations and views excluded) and
    /// print steps/s, samples/s, cores busy and peak memory as a table or JSON.
    Bench {
        /// A lab to measure (repeatable; default: every lab).
        #[arg(long = "lab", value_name = "ID")]
        labs: Vec<String>,
        /// Set a hyper-parameter of every lab measured: --set key=value (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// auto, cpu or gpu.
        #[arg(long, default_value = "cpu")]
        device: DeviceChoice,
        /// Threads the CPU backend computes with (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Seconds of training before the timing starts (each lab).
        #[arg(long, default_value_t = 3.0)]
        warmup: f64,
        /// Seconds of training timed (each lab).
        #[arg(long, default_value_t = 10.0)]
        secs: f64,
        /// Random seed of every lab.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the figures as one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Step CartPole-v1 from a state with given actions and print one JSON line per step
    /// (state, reward, terminated, truncated), to check the physics against gymnasium.
    Cartpole {
        /// The start: cart position, cart velocity, pole angle (radians), pole angular velocity.
        #[arg(
            long,
            value_name = "X,XDOT,THETA,THETADOT",
            allow_hyphen_values = true,
            required_unless_present = "speed"
        )]
        state: Option<String>,
        /// Actions, each 0 (push left) or 1 (push right).
        #[arg(long, value_name = "A,A,...", required_unless_present = "speed")]
        actions: Option<String>,
        /// Instead: time this many steps of random actions (a new episode whenever one ends)
        /// and print the bare environment's steps per second.
        #[arg(long, value_name = "STEPS", conflicts_with_all = ["state", "actions"])]
        speed: Option<u64>,
    },
}

/// Runs a command; returns what goes to stdout. The error's text is what the user sees.
pub fn run(command: Command) -> anyhow::Result<String> {
    match command {
        Command::List => Ok(list_text()),
        Command::Train {
            lab,
            set,
            preset,
            steps,
            device,
            seed,
            metrics_out,
            views_out,
            view,
            load,
            trained,
            save,
            png_out,
            report,
            checkpoint_every,
        } => {
            if !view.is_empty() && views_out.is_none() && png_out.is_none() {
                bail!("--view names the views that --views-out writes or --png-out draws: give one of them");
            }
            let outputs = Outputs {
                report: report.as_deref(),
                metrics: metrics_out.as_deref(),
                views: views_out.as_deref(),
                view_ids: &view,
                save: save.as_deref(),
                png: png_out.as_deref(),
            };
            let set = with_preset(&lab, preset.as_deref(), set)?;
            let run = Run {
                lab: &lab,
                sets: &set,
                steps,
                device,
                seed,
                load: load.as_deref(),
                trained,
                checkpoint_every,
            };
            let summary = tenlab_models::engine::on_pool(|| train(run, outputs, true))?;
            Ok(format!("{summary}\n"))
        }
        Command::Bench { labs, set, device, threads, warmup, secs, seed, json } => {
            if let Some(n) = threads {
                crate::bench::set_threads(n)?;
            }
            let span = |s: f64, what: &str| {
                Duration::try_from_secs_f64(s)
                    .map_err(|_| anyhow::anyhow!("--{what} wants seconds ≥ 0, got {s}"))
            };
            let record = set.is_empty() && threads.is_none();
            let plan = crate::bench::BenchPlan {
                labs,
                record,
                sets: set,
                device,
                warmup: span(warmup, "warmup")?,
                measure: span(secs, "secs")?,
                seed,
            };
            let total = if plan.labs.is_empty() { tenlab_models::registry().len() } else { plan.labs.len() };
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} labs  {elapsed}  {msg}")
                    .expect("a valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            let progress = |done, lab: &str, phase: &str| {
                bar.set_position(done as u64);
                bar.set_message(format!("{lab}: {phase}"));
            };
            let report = tenlab_models::engine::on_pool(|| crate::bench::bench(&plan, progress));
            bar.finish_and_clear();
            let report = report?;
            Ok(if json {
                format!("{}\n", serde_json::to_string(&report)?)
            } else {
                crate::bench::table(&report)
            })
        }
        Command::Lesson { file } => {
            // Checked here, so that a broken lesson is a message before any window opens.
            let lesson = tenlab_models::lesson::Lesson::load(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let base = file.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
            crate::run_gui_at(Some(crate::Start::Lesson(lesson, base)))?;
            Ok(String::new())
        }
        Command::Open { lab, preset, set } => {
            let def = lab_def(&lab)?;
            let set = with_preset(&lab, preset.as_deref(), set)?;
            let mut values = def.defaults();
            values.extend(parse_sets(def, &set)?);
            // Checked here, so that a bad value is a message before any window opens.
            def.validate(&values).map_err(|e| anyhow::anyhow!(error_text(Lang::En, def.id, &e)))?;
            crate::run_gui_at(Some(crate::Start::Lab(def, values)))?;
            Ok(String::new())
        }
        Command::Cartpole { speed: Some(n), .. } => Ok(cartpole_speed(n)),
        Command::Cartpole { state, actions, .. } => {
            cartpole(state.as_deref().unwrap_or_default(), actions.as_deref().unwrap_or_default())
        }
    }
}

/// `--set` pairs with those of `--preset` (if given) before them, so that `--set` wins.
fn with_preset(lab: &str, preset: Option<&str>, set: Vec<String>) -> anyhow::Result<Vec<String>> {
    Ok(match preset {
        Some(id) => preset_sets(lab, id)?.into_iter().chain(set).collect(),
        None => set,
    })
}

/// A preset's settings as `key=value` strings, or a message naming the lab's presets.
fn preset_sets(lab: &str, id: &str) -> anyhow::Result<Vec<String>> {
    let def = tenlab_models::find_lab(lab)?;
    let preset = def.presets.iter().find(|p| p.id == id).ok_or_else(|| {
        let known: Vec<&str> = def.presets.iter().map(|p| p.id).collect();
        if known.is_empty() {
            anyhow::anyhow!("the {lab} lab has no presets")
        } else {
            anyhow::anyhow!("unknown preset '{id}' of the {lab} lab (presets: {})", known.join(", "))
        }
    })?;
    Ok(preset.values.iter().map(|(k, v)| format!("{k}={v}")).collect())
}

/// `tenlab cartpole --speed N`: the bare environment's steps per second, as a JSON line.
fn cartpole_speed(n: u64) -> String {
    use tenlab_models::data::cartpole::CartPole;
    use tenlab_models::rng::Rng;
    let mut rng = Rng::new(1);
    let mut env = CartPole::reset(&mut rng);
    let (mut episodes, mut sum) = (0u64, 0.0f64);
    let start = std::time::Instant::now();
    for _ in 0..n {
        let s = env.step(rng.below(2));
        sum += s.state[0];
        if s.terminated || s.truncated {
            env = CartPole::reset(&mut rng);
            episodes += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    // `sum` keeps the steps from being optimised away.
    let line = serde_json::json!({
        "steps": n,
        "episodes": episodes,
        "seconds": secs,
        "steps_per_sec": n as f64 / secs.max(1e-9),
        "checksum": sum,
    });
    format!("{line}\n")
}

/// The lines of `tenlab cartpole`.
fn cartpole(state: &str, actions: &str) -> anyhow::Result<String> {
    use tenlab_models::data::cartpole::CartPole;
    let numbers: Vec<f64> = state
        .split(',')
        .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow::anyhow!("--state wants four numbers X,XDOT,THETA,THETADOT; got '{state}'"))?;
    let start: [f64; 4] = numbers
        .try_into()
        .map_err(|_| anyhow::anyhow!("--state wants four numbers X,XDOT,THETA,THETADOT; got '{state}'"))?;
    let actions: Vec<usize> = actions
        .split(',')
        .filter(|a| !a.trim().is_empty())
        .map(|a| match a.trim() {
            "0" => Ok(0),
            "1" => Ok(1),
            other => Err(anyhow::anyhow!("--actions are 0 (left) or 1 (right); got '{other}'")),
        })
        .collect::<anyhow::Result<_>>()?;
    let mut env = CartPole::from_state(start);
    let mut out = String::new();
    for (t, &a) in actions.iter().enumerate() {
        let s = env.step(a);
        let line = serde_json::json!({
            "t": t + 1,
            "action": a,
            "state": s.state,
            "reward": s.reward,
            "terminated": s.terminated,
            "truncated": s.truncated,
        });
        out.push_str(&format!("{line}\n"));
    }
    Ok(out)
}

/// The text of `tenlab list`.
pub fn list_text() -> String {
    let mut out = String::new();
    for def in tenlab_models::registry() {
        out.push_str(&format!(
            "{}  —  {}  (default {} steps)\n",
            def.id,
            lab_tr(Lang::En, def.id, "name"),
            def.steps
        ));
        for spec in (def.params)() {
            let live = if spec.live { "live" } else { "reset" };
            out.push_str(&format!(
                "  {:<12} default {:<8} range {:<40} [{live}]  {}\n",
                spec.key,
                spec.default_value().to_string(),
                spec.range_text(),
                param_label(Lang::En, def.id, spec.key)
            ));
        }
        for p in def.presets {
            out.push_str(&format!(
                "  preset {:<8} {}  (--preset {})\n",
                p.id,
                lab_tr(Lang::En, def.id, &format!("preset.{}", p.id)),
                p.id
            ));
        }
    }
    out
}

/// The lab `id`, or a message that names the labs there are.
pub fn lab_def(id: &str) -> anyhow::Result<&'static tenlab_models::LabDef> {
    tenlab_models::find_lab(id).map_err(|e| {
        let ids: Vec<_> = tenlab_models::registry().iter().map(|d| d.id).collect();
        anyhow::anyhow!("{} (labs: {})", error_text(Lang::En, id, &e), ids.join(", "))
    })
}

/// Writes metric points as JSON lines, or as CSV rows (`step,metric,value`).
fn write_points(
    out: &mut impl Write,
    points: &[tenlab_models::MetricPoint],
    csv: bool,
) -> anyhow::Result<()> {
    for p in points {
        if csv {
            writeln!(out, "{},{},{}", p.step, p.metric.key(), p.value)?;
        } else {
            serde_json::to_writer(&mut *out, p)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Parses `key=value` pairs against a lab's parameter table.
pub fn parse_sets(def: &tenlab_models::LabDef, sets: &[String]) -> anyhow::Result<Values> {
    let mut values = Values::new();
    for s in sets {
        let Some((key, text)) = s.split_once('=') else {
            bail!("--set expects KEY=VALUE, got '{s}'");
        };
        let key = key.trim();
        let spec = def.spec(key).with_context(|| {
            let known: Vec<_> = (def.params)().iter().map(|p| p.key).collect();
            format!("unknown parameter '{key}' for lab {} (known: {})", def.id, known.join(", "))
        })?;
        let value = spec.parse(text).map_err(|e| anyhow::anyhow!(error_text(Lang::En, def.id, &e)))?;
        values.insert(key.into(), value);
    }
    Ok(values)
}

/// Where `train` writes besides its summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct Outputs<'a> {
    /// Every metric point, one JSON line each.
    pub metrics: Option<&'a std::path::Path>,
    /// The rendered views after training, as one JSON object.
    pub views: Option<&'a std::path::Path>,
    /// Which views (empty: all).
    pub view_ids: &'a [String],
    /// The model with its settings, after training.
    pub save: Option<&'a std::path::Path>,
    /// The lab's main gallery as a picture, after training.
    pub png: Option<&'a std::path::Path>,
    /// A folder for the lab report, after training.
    pub report: Option<&'a std::path::Path>,
}

/// What `train` trains.
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    pub lab: &'a str,
    /// `key=value` settings.
    pub sets: &'a [String],
    /// Steps to train (default: the lab's own budget).
    pub steps: Option<u64>,
    pub device: DeviceChoice,
    pub seed: Option<u64>,
    /// A model file to start from.
    pub load: Option<&'a std::path::Path>,
    /// Start from the lab's shipped trained model.
    pub trained: bool,
    /// Steps between checkpoints (default: the lab's budget ÷ 32).
    pub checkpoint_every: Option<u64>,
}

/// Trains and returns the final JSON summary.
pub fn train(run: Run<'_>, outputs: Outputs, progress: bool) -> anyhow::Result<serde_json::Value> {
    let def = lab_def(run.lab)?;
    let said = |e: tenlab_models::LabError| anyhow::anyhow!(error_text(Lang::En, def.id, &e));
    let mut values = parse_sets(def, run.sets)?;
    if let Some(seed) = run.seed {
        values.insert("seed".into(), ParamValue::Int(seed as i64));
    }
    let (mut session, notices) = match (run.load, run.trained) {
        (Some(path), _) => Session::open(def, path, &values, run.device),
        (None, true) => Session::open_trained(def, &values, run.device),
        (None, false) => Session::new(def, &values, run.device),
    }
    .map_err(said)?;
    for n in notices {
        eprintln!("{}", error_text(Lang::En, def.id, &n));
    }
    let steps = run.steps.unwrap_or_else(|| session.budget());
    if let Some(every) = run.checkpoint_every {
        session.set_checkpoint_every(every);
    }
    let known: Vec<&str> = session.views().iter().map(|v| v.id).collect();
    if let Some(bad) = outputs.view_ids.iter().find(|id| !known.contains(&id.as_str())) {
        bail!("unknown view '{bad}' for lab {} (views: {})", def.id, known.join(", "));
    }
    // Both files are opened before training, so a path that cannot be written fails at once.
    let views_file = match outputs.views {
        Some(path) => {
            Some(std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?)
        }
        None => None,
    };
    // Likewise the model file: made now (so a path that cannot be written fails at once),
    // written for real after training.
    for path in [outputs.save, outputs.png].into_iter().flatten() {
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(dir) = outputs.report {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot write {}", dir.display()))?;
    }
    // Every point, for the report's curves.csv.
    let mut all_points = Vec::new();
    let mut out = match outputs.metrics {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => None,
    };
    let csv = outputs.metrics.is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
    if csv && let Some(out) = &mut out {
        writeln!(out, "step,metric,value")?;
    }
    let bar = if progress { indicatif::ProgressBar::new(steps) } else { indicatif::ProgressBar::hidden() };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} steps  {per_sec}  eta {eta}  {msg}")
            .expect("a valid template"),
    );
    if session.device.gpu {
        // Until the first evaluation's figures replace it.
        bar.set_message(crate::i18n::tr(Lang::En, "status.warming"));
    }
    let start = Instant::now();
    let mut said_findings = 0;
    for _ in 0..steps {
        let points = session.step().map_err(said)?;
        if let Some(out) = &mut out {
            write_points(out, &points, csv)?;
        }
        if outputs.report.is_some() {
            all_points.extend_from_slice(&points);
        }
        let evaluated = |e: &&tenlab_models::labs::Evaluation| {
            points.iter().any(|p| e.values.iter().any(|(k, _)| *k == p.metric.key()))
        };
        // What a detector finds is said as it happens (above the progress bar).
        for f in &session.findings()[said_findings..] {
            bar.suspend(|| eprintln!("{}", finding_text(Lang::En, def.id, f)));
        }
        said_findings = session.findings().len();
        if let Some(e) = session.last_evaluation().filter(evaluated) {
            let figures: Vec<String> = e.values.iter().map(|(k, v)| format!("{k} {v:.4}")).collect();
            bar.set_message(figures.join("  "));
        }
        bar.inc(1);
    }
    let seconds = start.elapsed().as_secs_f64();
    let final_points = session.evaluate_final().map_err(said)?;
    if let Some(out) = &mut out {
        write_points(out, &final_points, csv)?;
        out.flush()?;
    }
    bar.finish_and_clear();
    if let Some(file) = views_file {
        let ids: Vec<&str> = if outputs.view_ids.is_empty() {
            known.clone()
        } else {
            outputs.view_ids.iter().map(String::as_str).collect()
        };
        let mut views = serde_json::Map::new();
        for id in ids {
            let view = session.render(id).map_err(said)?;
            views.insert(id.to_string(), serde_json::to_value(view)?);
        }
        serde_json::to_writer(std::io::BufWriter::new(file), &views)?;
    }
    if let Some(path) = outputs.save {
        session.save(path).map_err(said)?;
    }
    if let Some(path) = outputs.png {
        // The first --view named, else the lab's main gallery.
        let named = outputs.view_ids.first().and_then(|v| known.iter().copied().find(|k| k == v));
        let id = named.or(session.gallery()).or(known.first().copied()).context("the lab has no views")?;
        let view = session.render(id).map_err(said)?;
        let img = crate::views::picture(&view, Lang::En, def.id)
            .with_context(|| format!("the view '{id}' of lab {} is not a picture", def.id))?;
        img.save(path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut summary = serde_json::json!({
        "lab": def.id,
        "steps": session.steps(),
        "trained_steps": steps,
        "seconds": seconds,
        "steps_per_sec": steps as f64 / seconds.max(1e-9),
        "device": session.device.name,
        "gpu": session.device.gpu,
    });
    // Every figure of the final evaluation, by curve key (a classifier's train_loss, test_acc, ...).
    for &(key, value) in &session.last_evaluation().expect("just evaluated").values {
        summary[key] = serde_json::json!(value);
    }
    summary["findings"] = serde_json::to_value(session.findings())?;
    summary["values"] = serde_json::to_value(&session.values)?;
    // The checkpoints the run kept to go back to (what the app's rewind holds in memory).
    let kept = session.checkpoints();
    summary["checkpoints"] = serde_json::json!({
        "count": kept.steps.len(),
        "bytes": kept.bytes,
        "latest_bytes": kept.latest_bytes,
        "every": kept.every,
    });
    if let Some(dir) = outputs.report {
        all_points.extend_from_slice(&final_points);
        let mut csv = Vec::new();
        let _ = writeln!(csv, "step,metric,value");
        let _ = write_points(&mut csv, &all_points, true);
        let views = session
            .render_all()
            .into_iter()
            .map(|(id, drawn)| drawn.map(|view| (id, view)).map_err(said))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let figures = session.last_evaluation().map(|e| e.values.clone()).unwrap_or_default();
        let report = Report {
            lang: Lang::En,
            values: &session.values,
            steps: session.steps(),
            seconds: summary["seconds"].as_f64().unwrap_or(0.0),
            device: &session.device.name,
            figures: &figures,
            findings: session.findings(),
            views: &views,
            curves_csv: &csv,
            summary: &summary,
        };
        write_report(dir, def, &report)?;
    }
    Ok(summary)
}

/// What a lab report holds: the run's settings, figures, findings, every view and curve.
pub struct Report<'a> {
    /// The language of its words.
    pub lang: Lang,
    pub values: &'a Values,
    pub steps: u64,
    /// Seconds spent training.
    pub seconds: f64,
    pub device: &'a str,
    /// The last evaluation's figures, by curve key.
    pub figures: &'a [(&'static str, f32)],
    pub findings: &'a [tenlab_models::engine::Finding],
    pub views: &'a [(&'static str, tenlab_models::view::View)],
    /// `step,metric,value` rows.
    pub curves_csv: &'a [u8],
    pub summary: &'a serde_json::Value,
}

/// Writes a lab report into `dir` (made if missing): `report.md` (the lab, steps, seconds and
/// device, every setting with those changed from the defaults marked, the figures, the
/// detectors' findings in words, every view as PNG with its description), `settings.json`,
/// `summary.json` and `curves.csv`.
pub fn write_report(
    dir: &std::path::Path,
    def: &'static tenlab_models::LabDef,
    r: &Report<'_>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot make the folder {}", dir.display()))?;
    let io = |e: std::io::Error| anyhow::anyhow!("cannot write {}: {e}", dir.display());
    let lang = r.lang;
    let t = |key: &str| crate::i18n::lab_tr(lang, def.id, key);
    std::fs::write(dir.join("settings.json"), serde_json::to_string_pretty(r.values).unwrap_or_default())
        .map_err(io)?;
    std::fs::write(dir.join("summary.json"), serde_json::to_string_pretty(r.summary).unwrap_or_default())
        .map_err(io)?;
    std::fs::write(dir.join("curves.csv"), r.curves_csv).map_err(io)?;

    let say = |key: &str| crate::i18n::tr(lang, key);
    let mut md = format!("# {}\n\n", t("name"));
    md.push_str(&crate::i18n::trf(lang, "report.run", &[&r.steps, &format!("{:.1}", r.seconds), &r.device]));
    md.push_str(&format!("\n\n{}\n\n", t("desc")));
    md.push_str(&format!(
        "## {}\n\n| {} | {} |\n|---|---|\n",
        say("report.settings"),
        say("report.setting"),
        say("report.value")
    ));
    let defaults = def.defaults();
    for (key, value) in r.values {
        let changed = if defaults.get(key) != Some(value) {
            format!(" {}", say("report.changed"))
        } else {
            String::new()
        };
        md.push_str(&format!("| {} | {value}{changed} |\n", crate::i18n::param_label(lang, def.id, key)));
    }
    md.push_str(&format!(
        "\n## {}\n\n| {} | {} |\n|---|---|\n",
        say("report.figures"),
        say("report.figure"),
        say("report.value")
    ));
    for (key, value) in r.figures {
        md.push_str(&format!("| {} | {value:.4} |\n", t(&format!("metric.{key}"))));
    }
    md.push_str(&format!("\n## {}\n\n", say("report.found")));
    if r.findings.is_empty() {
        md.push_str(&format!("{}\n", say("report.nothing")));
    }
    for f in r.findings {
        md.push_str(&format!("- {}\n", finding_text(lang, def.id, f)));
    }
    md.push_str(&format!("\n## {}\n\n", say("report.views")));
    for (id, view) in r.views {
        let Some(img) = crate::views::picture(view, lang, def.id) else { continue };
        let file = format!("view-{id}.png");
        img.save(dir.join(&file)).with_context(|| format!("cannot write {}", dir.join(&file).display()))?;
        md.push_str(&format!(
            "### {}\n\n![{id}]({file})\n\n{}\n\n",
            t(&format!("view.{id}")),
            t(&format!("view.{id}.help"))
        ));
    }
    md.push_str(&format!("{}\n", say("report.files")));
    std::fs::write(dir.join("report.md"), md).map_err(io)?;
    Ok(())
}
