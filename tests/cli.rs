//! The command line, run in-process the way `tenlab` runs it (parse, then run).

use clap::Parser;
use tenlab_app::cli::{Cli, run};

/// Parses and runs `tenlab ARGS`: stdout, or the error as the user reads it.
fn tenlab(args: &[&str]) -> Result<String, String> {
    let cli = Cli::try_parse_from(std::iter::once("tenlab").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    run(cli.command.expect("a command")).map_err(|e| format!("{e:#}"))
}

fn summary(out: &str) -> serde_json::Value {
    serde_json::from_str(out.lines().last().unwrap()).unwrap()
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tenlab-cli-{}-{name}", std::process::id()))
}

#[test]
fn list_shows_labs_with_defaults_ranges_and_step_budgets() {
    let text = tenlab(&["list"]).unwrap();
    assert!(text.contains("mlp"), "{text}");
    assert!(
        text.lines().any(|l| l.contains("lr") && l.contains("0.01") && l.contains("0.00001 to 10")),
        "{text}"
    );
    for def in tenlab_models::registry() {
        assert!(text.contains(&format!("(default {} steps)", def.steps)), "{}: {text}", def.id);
    }
    assert!(text.contains("path of a .csv / .tsv / .txt file"), "{text}");
}

#[test]
fn train_prints_a_final_json_line_and_writes_metrics() {
    let metrics = temp("metrics.jsonl");
    let out = tenlab(&[
        "train",
        "mlp",
        "--set",
        "dataset=iris",
        "--set",
        "lr=0.03",
        "--steps",
        "300",
        "--device",
        "cpu",
        "--seed",
        "1",
        "--metrics-out",
        metrics.to_str().unwrap(),
    ])
    .unwrap();
    let v = summary(&out);
    assert_eq!(v["steps"], 300);
    assert_eq!(v["device"], "CPU (flex)");
    assert!(v["test_acc"].as_f64().unwrap() > 0.8, "{v}");
    assert!(v["steps_per_sec"].as_f64().unwrap() > 0.0);
    let lines = std::fs::read_to_string(&metrics).unwrap();
    assert!(lines.lines().count() > 300);
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["metric"], "batch_loss");
}

#[test]
fn bad_flags_and_values_fail_with_a_clear_message() {
    for (args, expect) in [
        (vec!["train", "mlp", "--set", "lr=99"], "lr = 99 is out of range: allowed 0.00001 to 10"),
        (vec!["train", "mlp", "--set", "depth=3"], "unknown parameter 'depth'"),
        (vec!["train", "mlp", "--set", "lr"], "--set expects KEY=VALUE"),
        (vec!["train", "nope"], "unknown lab 'nope'"),
        (vec!["train", "mlp", "--device", "tpu"], "unknown device 'tpu'"),
        (
            vec!["train", "mlp", "--steps", "1", "--views-out", "/tmp/tenlab-v.json", "--view", "nope"],
            "unknown view 'nope' for lab mlp (views: boundary",
        ),
        (
            vec!["train", "mlp", "--steps", "100000", "--views-out", "/no/such/dir/v.json"],
            "cannot write /no/such/dir",
        ),
        (
            vec!["train", "mlp", "--set", "dataset=csv", "--set", "csv_path=/no/such/file.csv"],
            "cannot read the file",
        ),
        (vec!["train", "mlp", "--load", "/no/such/model.tenlab"], "cannot read or write the file"),
        (
            vec!["train", "mlp", "--steps", "100000", "--save", "/no/such/dir/m.tenlab"],
            "cannot write /no/such/dir",
        ),
    ] {
        let err = tenlab(&args).expect_err(&format!("{args:?} fails"));
        assert!(err.to_lowercase().contains(&expect.to_lowercase()), "{args:?}: {err}");
    }
}

/// The GPU path with tiny shapes and two steps: on a machine with a Vulkan adapter (lavapipe
/// in CI) it trains on wgpu; where none starts, it says so and trains on the CPU.
#[test]
fn gpu_device_trains_or_falls_back() {
    let out = tenlab(&[
        "train",
        "mlp",
        "--device",
        "gpu",
        "--steps",
        "2",
        "--set",
        "points=50",
        "--set",
        "neurons=4",
    ])
    .unwrap();
    assert_eq!(summary(&out)["steps"], 2);
}

#[test]
fn views_out_writes_the_pictures_the_app_draws() {
    let path = temp("views.json");
    let out = tenlab(&[
        "train",
        "mlp",
        "--steps",
        "20",
        "--device",
        "cpu",
        "--views-out",
        path.to_str().unwrap(),
        "--view",
        "boundary",
        "--view",
        "weights",
    ]);
    out.unwrap();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let views = v.as_object().unwrap();
    assert_eq!(views.keys().collect::<Vec<_>>(), ["boundary", "weights"]);
    let b = &views["boundary"]["Boundary"];
    let (res, classes) = (b["res"].as_u64().unwrap(), b["classes"].as_u64().unwrap());
    assert_eq!(b["probs"].as_array().unwrap().len() as u64, res * res * classes);
}

/// `--save` then `--load FILE --steps 0`: the loaded model evaluates to the same figures.
#[test]
fn a_saved_model_loads_and_evaluates_the_same() {
    let model = temp("iris.tenlab");
    let trained = summary(
        &tenlab(&[
            "train",
            "mlp",
            "--set",
            "dataset=iris",
            "--steps",
            "150",
            "--device",
            "cpu",
            "--save",
            model.to_str().unwrap(),
        ])
        .unwrap(),
    );
    let loaded = summary(
        &tenlab(&["train", "mlp", "--load", model.to_str().unwrap(), "--steps", "0", "--device", "cpu"])
            .unwrap(),
    );
    assert_eq!(loaded["steps"], 150, "the file knows how long it trained");
    assert_eq!(loaded["trained_steps"], 0);
    for key in ["train_loss", "test_loss", "test_acc"] {
        assert_eq!(loaded[key], trained[key], "{key}");
    }
    assert_eq!(loaded["values"], trained["values"]);
    // A model of another lab is refused with a message.
    let err = tenlab(&["train", "cnn", "--load", model.to_str().unwrap(), "--steps", "0"]).unwrap_err();
    assert!(err.contains("this is a model of the MLP lab, not of the CNN lab"), "{err}");
}

#[test]
fn a_graph_from_csv_files_trains_and_a_bad_edge_is_named_by_file_line_and_column() {
    let nodes = temp("g-nodes.csv");
    let edges = temp("g-edges.csv");
    let bad = temp("g-bad-edges.csv");
    std::fs::write(&nodes, "id,label,split\na,x,train\nb,x,\nc,y,train\nd,y,test\n").unwrap();
    std::fs::write(&edges, "source,target\na,b\nc,d\nb,c\n").unwrap();
    std::fs::write(&bad, "source,target\na,b\nc,zz\n").unwrap();
    let set = |k: &str, p: &std::path::Path| format!("{k}={}", p.display());
    let (n, e, b) = (set("nodes", &nodes), set("edges", &edges), set("edges", &bad));
    let out =
        tenlab(&["train", "gcn", "--steps", "20", "--set", "graph=csv", "--set", &n, "--set", &e]).unwrap();
    let s = summary(&out);
    assert!(s["test_acc"].as_f64().unwrap() >= 0.0, "{out}");
    let err = tenlab(&["train", "gcn", "--steps", "1", "--set", "graph=csv", "--set", &n, "--set", &b])
        .unwrap_err();
    assert!(
        err.contains("g-bad-edges.csv") && err.contains("line 3, column 2") && err.contains("'zz'"),
        "{err}"
    );
    let err = tenlab(&["train", "gcn", "--steps", "1", "--set", "graph=csv"]).unwrap_err();
    assert!(err.contains("nodes file"), "{err}");
}

#[test]
fn bench_times_training_steps_and_reports_speed_memory_and_parameters() {
    let out =
        tenlab(&["bench", "--lab", "mlp", "--lab", "gcn", "--warmup", "0.05", "--secs", "0.2", "--json"])
            .unwrap();
    let report = summary(&out);
    let labs = report["labs"].as_array().unwrap();
    assert_eq!(labs.len(), 2);
    let mlp = &labs[0];
    assert_eq!(mlp["lab"], "mlp");
    // The MLP's defaults: 2 inputs, three layers of 8, 2 classes.
    assert_eq!(mlp["parameters"], 2 * 8 + 8 + 2 * (8 * 8 + 8) + 8 * 2 + 2);
    assert_eq!(mlp["batch"], 16);
    let (steps, secs) = (mlp["steps"].as_f64().unwrap(), mlp["seconds"].as_f64().unwrap());
    assert!(steps >= 3.0 && secs >= 0.2, "{mlp}");
    assert!((mlp["steps_per_sec"].as_f64().unwrap() - steps / secs).abs() < 1e-6 * steps / secs);
    assert!((mlp["samples_per_sec"].as_f64().unwrap() - 16.0 * steps / secs).abs() < 1e-3 * steps / secs);
    assert!(mlp["last_loss"].as_f64().unwrap().is_finite());
    // Start-up holds the first step, which is timed on its own too.
    let (startup, first) = (mlp["startup_secs"].as_f64().unwrap(), mlp["first_step_secs"].as_f64().unwrap());
    assert!(first > 0.0 && startup >= first, "{mlp}");
    // Full-batch GCN: no batch setting, so no samples/s.
    assert!(labs[1]["batch"].is_null() && labs[1]["samples_per_sec"].is_null());
    // The table names every column.
    let table = tenlab(&["bench", "--lab", "mlp", "--warmup", "0", "--secs", "0.05"]).unwrap();
    for column in ["steps/s", "samples/s", "cores busy", "peak MiB", "parameters", "start-up"] {
        assert!(table.contains(column), "{table}");
    }
}

#[test]
fn bench_refuses_bad_input_with_a_message() {
    let err = tenlab(&["bench", "--lab", "nope"]).unwrap_err();
    assert!(err.contains("labs: mlp"), "{err}");
    let err = tenlab(&["bench", "--threads", "0"]).unwrap_err();
    assert!(err.contains("at least 1"), "{err}");
    let err = tenlab(&["bench", "--lab", "mlp", "--secs=-1"]).unwrap_err();
    assert!(err.contains("--secs"), "{err}");
    let err = tenlab(&["bench", "--lab", "mlp", "--set", "lr=99"]).unwrap_err();
    assert!(err.contains("lr"), "{err}");
}

/// `--metrics-out run.csv` writes a table a spreadsheet opens; the summary lists what the
/// detectors found (here the preset that shows a learning rate too high).
#[test]
fn metrics_go_to_csv_by_extension_and_findings_are_in_the_summary() {
    let metrics = temp("metrics.csv");
    let out = tenlab(&[
        "train",
        "mlp",
        "--preset",
        "too_high",
        "--steps",
        "300",
        "--device",
        "cpu",
        "--metrics-out",
        metrics.to_str().unwrap(),
    ])
    .unwrap();
    let v = summary(&out);
    assert_eq!(v["findings"][0]["id"], "diverging", "{v}");
    let csv = std::fs::read_to_string(&metrics).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("step,metric,value"));
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(row[..2], ["1", "batch_loss"]);
    assert!(row[2].parse::<f32>().is_ok(), "{row:?}");
    assert!(csv.lines().any(|l| l.starts_with("300,test_loss,")), "the evaluations too");
    let quiet = summary(&tenlab(&["train", "mlp", "--steps", "300", "--device", "cpu"]).unwrap());
    assert_eq!(quiet["findings"], serde_json::json!([]));
}

/// `tenlab open` checks the lab, the preset and the settings before it opens a window.
#[test]
fn open_refuses_a_bad_lab_preset_or_setting_with_a_message() {
    for (args, expect) in [
        (vec!["open", "nope"], "Unknown lab 'nope'"),
        (vec!["open", "mlp", "--preset", "nope"], "too_high"),
        (vec!["open", "mlp", "--set", "lr=99"], "out of range"),
    ] {
        let err = tenlab(&args).unwrap_err();
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

/// `tenlab lesson FILE` checks the file before any window opens: a missing file, a broken one
/// and a step with a bad setting each get a message naming what is wrong.
#[test]
fn lesson_refuses_a_missing_or_broken_file_with_a_message() {
    let dir = std::env::temp_dir().join(format!("tenlab-cli-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "title = { en = \"L\" \n[[step]]").unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "title = { en = \"L\" }\n[[step]]\nlab = \"mlp\"\ntitle = { en = \"s\" }\nsettings = { lr = 99 }\n",
    )
    .unwrap();
    let missing = dir.join("missing.toml");
    for (file, expect) in [
        (&missing, "missing.toml"),
        (&broken, "not a lesson file"),
        (&bad, "step 1: lr = 99 is out of range"),
    ] {
        let err = tenlab(&["lesson", file.to_str().unwrap()]).unwrap_err();
        assert!(err.contains(expect), "{file:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--report DIR`: a Markdown page with the settings (changes marked), figures, findings and
/// the lab's pictures (the decision boundary among them), beside settings.json, summary.json
/// and curves.csv with every metric point.
#[test]
fn a_lab_report_is_one_folder_with_its_page_pictures_settings_and_curves() {
    let dir = std::env::temp_dir().join(format!("tenlab-report-{}", std::process::id()));
    let out = tenlab(&[
        "train",
        "mlp",
        "--preset",
        "too_high",
        "--seed",
        "1",
        "--steps",
        "120",
        "--report",
        dir.to_str().unwrap(),
    ])
    .unwrap();
    assert!(out.contains("\"diverging\""), "{out}");
    let page = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(page.starts_with("# MLP — multilayer perceptron"), "{page}");
    assert!(
        page.contains("| Learning rate | 3 (changed) |") && page.contains("| Hidden layers | 3 |"),
        "{page}"
    );
    assert!(page.contains("Step 87: the loss is climbing away"), "{page}");
    assert!(page.contains("![boundary](view-boundary.png)"), "{page}");
    let png = image::open(dir.join("view-boundary.png")).unwrap();
    assert_eq!((png.width(), png.height()), (600, 600));
    let csv = std::fs::read_to_string(dir.join("curves.csv")).unwrap();
    assert!(csv.starts_with("step,metric,value\n1,batch_loss,"), "{}", &csv[..60]);
    assert_eq!(csv.lines().filter(|l| l.contains(",batch_loss,")).count(), 120);
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("settings.json")).unwrap()).unwrap();
    assert_eq!(settings["optimizer"], "sgd");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--png-out FILE --view ID` draws that view (here the MLP's neurons, not its boundary).
#[test]
fn png_out_draws_the_view_named() {
    let dir = std::env::temp_dir().join(format!("tenlab-png-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (boundary, neurons) = (dir.join("b.png"), dir.join("n.png"));
    tenlab(&["train", "mlp", "--steps", "5", "--png-out", boundary.to_str().unwrap()]).unwrap();
    tenlab(&["train", "mlp", "--steps", "5", "--png-out", neurons.to_str().unwrap(), "--view", "neurons"])
        .unwrap();
    let (b, n) = (image::open(&boundary).unwrap(), image::open(&neurons).unwrap());
    assert_eq!((b.width(), b.height()), (600, 600), "the main gallery: the decision boundary");
    assert_ne!((n.width(), n.height()), (600, 600), "the neurons' thumbnails");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The views that are drawn rather than sampled come out as pictures too, with their labels
/// written: bars with words, the cart-pole, a graph, text, a line plot.
#[test]
fn png_out_draws_bars_lines_text_graphs_and_the_cart_pole_with_their_words() {
    let dir = std::env::temp_dir().join(format!("tenlab-drawn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (lab, view, width) in [
        ("word2vec", "nearest", 640),
        ("word2vec", "pairs", 640),
        ("dqn", "cartpole", 640),
        ("gcn", "graph", 600),
        ("transformer", "answers", 640),
    ] {
        let file = dir.join(format!("{lab}-{view}.png"));
        tenlab(&["train", lab, "--steps", "2", "--png-out", file.to_str().unwrap(), "--view", view])
            .unwrap_or_else(|e| panic!("{lab}/{view}: {e}"));
        let img = image::open(&file).unwrap().to_rgb8();
        assert_eq!(img.width(), width, "{lab}/{view}");
        // Dark ink: the words (and the cart), never in the class colours of bars and nodes.
        let ink = img.pixels().filter(|p| p.0.iter().all(|&c| c < 90)).count();
        assert!(ink > 40, "{lab}/{view}: {ink} dark pixels");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
