//! The `tenlab` binary, headless.

use std::process::Command;

fn tenlab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tenlab")).args(args).output().expect("the binary runs")
}

#[test]
fn list_shows_labs_with_defaults_and_ranges() {
    let out = tenlab(&["list"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("mlp"), "{text}");
    assert!(
        text.lines().any(|l| l.contains("lr") && l.contains("0.01") && l.contains("0.00001 to 10")),
        "{text}"
    );
}

#[test]
fn train_prints_a_final_json_line_and_writes_metrics() {
    let metrics = std::env::temp_dir().join(format!("tenlab-cli-{}.jsonl", std::process::id()));
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
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
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
    ] {
        let out = tenlab(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.to_lowercase().contains(&expect.to_lowercase()), "{args:?}: {err}");
    }
}

/// The GPU path with tiny shapes and two steps: on a machine with a Vulkan adapter (lavapipe
/// in CI) it trains on wgpu; where none starts, it says so and trains on the CPU.
#[test]
fn gpu_device_trains_or_falls_back_with_a_message() {
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
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8(out.stdout).unwrap().lines().last().unwrap()).unwrap();
    assert_eq!(v["steps"], 2);
    if v["gpu"] == false {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("training on the CPU instead"), "{err}");
    }
}

#[test]
fn views_out_writes_the_pictures_the_app_draws() {
    let path = std::env::temp_dir().join(format!("tenlab-views-{}.json", std::process::id()));
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
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let views = v.as_object().unwrap();
    assert_eq!(views.keys().collect::<Vec<_>>(), ["boundary", "weights"]);
    let b = &views["boundary"]["Boundary"];
    let (res, classes) = (b["res"].as_u64().unwrap(), b["classes"].as_u64().unwrap());
    assert_eq!(b["probs"].as_array().unwrap().len() as u64, res * res * classes);
}
