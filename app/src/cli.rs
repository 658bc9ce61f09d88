//! The headless command line: `tenlab list` and `tenlab train`. It builds the same config and
//! the same [`Session`] as the app, so a figure measured here is the figure the app shows.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tenlab_models::{DeviceChoice, Metric, ParamValue, Session, Values};

use crate::i18n::{Lang, error_text, param_label, tr};

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
        /// Training steps.
        #[arg(long, default_value_t = 1000)]
        steps: u64,
        /// auto, cpu or gpu.
        #[arg(long, default_value = "auto")]
        device: DeviceChoice,
        /// Random seed (the same as --set seed=N).
        #[arg(long)]
        seed: Option<u64>,
        /// Write every metric point as a JSON line to this file.
        #[arg(long, value_name = "FILE")]
        metrics_out: Option<std::path::PathBuf>,
        /// After training, write the lab's pictures (the same data the app draws) as one JSON
        /// object, keyed by view id, to this file.
        #[arg(long, value_name = "FILE")]
        views_out: Option<std::path::PathBuf>,
        /// Which views --views-out writes (repeatable; default: all of the lab's views).
        #[arg(long = "view", value_name = "ID", requires = "views_out")]
        view: Vec<String>,
    },
}

/// Runs a command; the error's text is what the user sees.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::List => {
            print!("{}", list_text());
            Ok(())
        }
        Command::Train { lab, set, steps, device, seed, metrics_out, views_out, view } => {
            let outputs =
                Outputs { metrics: metrics_out.as_deref(), views: views_out.as_deref(), view_ids: &view };
            let summary = train(&lab, &set, steps, device, seed, outputs, true)?;
            println!("{summary}");
            Ok(())
        }
    }
}

/// The text of `tenlab list`.
pub fn list_text() -> String {
    let mut out = String::new();
    for def in tenlab_models::registry() {
        out.push_str(&format!("{}  —  {}\n", def.id, tr(Lang::En, &format!("lab.{}", def.id))));
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
    }
    out
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
        let value = spec.parse(text).map_err(|e| anyhow::anyhow!(error_text(Lang::En, &e)))?;
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
}

/// Trains `steps` steps and returns the final JSON summary.
pub fn train(
    lab: &str,
    sets: &[String],
    steps: u64,
    device: DeviceChoice,
    seed: Option<u64>,
    outputs: Outputs,
    progress: bool,
) -> anyhow::Result<serde_json::Value> {
    let def = tenlab_models::find_lab(lab).map_err(|e| {
        let ids: Vec<_> = tenlab_models::registry().iter().map(|d| d.id).collect();
        anyhow::anyhow!("{} (labs: {})", error_text(Lang::En, &e), ids.join(", "))
    })?;
    let mut values = parse_sets(def, sets)?;
    if let Some(seed) = seed {
        values.insert("seed".into(), ParamValue::Int(seed as i64));
    }
    let (mut session, notices) =
        Session::new(def, &values, device).map_err(|e| anyhow::anyhow!(error_text(Lang::En, &e)))?;
    for n in notices {
        eprintln!("{}", error_text(Lang::En, &n));
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
    let mut out = match outputs.metrics {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => None,
    };
    let bar = if progress { indicatif::ProgressBar::new(steps) } else { indicatif::ProgressBar::hidden() };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} steps  {per_sec}  eta {eta}  {msg}")
            .expect("a valid template"),
    );
    let start = Instant::now();
    for _ in 0..steps {
        let points = session.step().map_err(|e| anyhow::anyhow!(error_text(Lang::En, &e)))?;
        if let Some(out) = &mut out {
            for p in &points {
                serde_json::to_writer(&mut *out, p)?;
                out.write_all(b"\n")?;
            }
        }
        if let Some(p) = points.iter().find(|p| p.metric == Metric::TrainLoss) {
            bar.set_message(format!("train loss {:.4}", p.value));
        }
        bar.inc(1);
    }
    let seconds = start.elapsed().as_secs_f64();
    let final_points = session.evaluate_now().map_err(|e| anyhow::anyhow!(error_text(Lang::En, &e)))?;
    if let Some(out) = &mut out {
        for p in &final_points {
            serde_json::to_writer(&mut *out, p)?;
            out.write_all(b"\n")?;
        }
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
            let view = session.render(id).map_err(|e| anyhow::anyhow!(error_text(Lang::En, &e)))?;
            views.insert(id.to_string(), serde_json::to_value(view)?);
        }
        serde_json::to_writer(std::io::BufWriter::new(file), &views)?;
    }
    let e = session.last_evaluation().expect("just evaluated");
    Ok(serde_json::json!({
        "lab": def.id,
        "steps": session.steps(),
        "seconds": seconds,
        "steps_per_sec": session.steps() as f64 / seconds.max(1e-9),
        "device": session.device.name,
        "gpu": session.device.gpu,
        "train_loss": e.train_loss,
        "train_acc": e.train_acc,
        "test_loss": e.test_loss,
        "test_acc": e.test_acc,
        "values": session.values,
    }))
}
