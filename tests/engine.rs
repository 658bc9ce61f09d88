//! The engine and the MLP lab, driven the way the app and the CLI drive them.

use std::sync::Arc;
use std::time::Duration;

use tenlab_models::engine::RunState;
use tenlab_models::labs::Applied;
use tenlab_models::{DeviceChoice, LabError, Metric, ParamValue, Runner, Session, Values, find_lab};

fn values(pairs: &[(&str, ParamValue)]) -> Values {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn text(s: &str) -> ParamValue {
    ParamValue::Text(s.into())
}

fn session(pairs: &[(&str, ParamValue)]) -> Session {
    Session::new(find_lab("mlp").unwrap(), &values(pairs), DeviceChoice::Cpu).unwrap().0
}

fn train(s: &mut Session, steps: u64) {
    for _ in 0..steps {
        s.step().unwrap();
    }
    s.evaluate_now().unwrap();
}

#[test]
fn mlp_learns_iris_with_defaults() {
    let mut s = session(&[("dataset", text("iris"))]);
    train(&mut s, 1000);
    let e = s.last_evaluation().unwrap();
    assert!(e.get("test_acc").unwrap() >= 0.95, "Iris test accuracy {e:?}");
}

#[test]
fn mlp_learns_the_spiral_with_defaults() {
    let mut s = session(&[("dataset", text("spiral"))]);
    train(&mut s, 2500);
    let e = s.last_evaluation().unwrap();
    assert!(e.get("train_acc").unwrap() >= 0.95, "spiral train accuracy {e:?}");
}

#[test]
fn bad_configs_are_rejected_with_a_message_naming_the_field_and_range() {
    let def = find_lab("mlp").unwrap();
    let err = Session::new(def, &values(&[("lr", ParamValue::Float(100.0))]), DeviceChoice::Cpu).unwrap_err();
    assert_eq!(err.to_string(), "lr = 100 is out of range: allowed 0.00001 to 10");
    let err = Session::new(def, &values(&[("activation", text("gelu"))]), DeviceChoice::Cpu).unwrap_err();
    assert!(
        err.to_string().contains("activation = 'gelu' is not one of: relu, tanh, sigmoid, linear"),
        "{err}"
    );
    let err = Session::new(def, &values(&[("neurons", ParamValue::Int(0))]), DeviceChoice::Cpu).unwrap_err();
    assert!(err.to_string().starts_with("neurons = 0 is out of range: allowed 1 to 32"), "{err}");
    let no_inputs: Vec<(&str, ParamValue)> =
        vec![("x1", ParamValue::Bool(false)), ("x2", ParamValue::Bool(false))];
    assert!(matches!(
        Session::new(def, &values(&no_inputs), DeviceChoice::Cpu),
        Err(LabError::Invalid { .. })
    ));
}

#[test]
fn a_broken_csv_file_names_the_line_and_a_good_one_trains() {
    let dir = std::env::temp_dir().join(format!("tenlab-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "a,b,label\n1,2,x\n3,oops,y\n").unwrap();
    let def = find_lab("mlp").unwrap();
    let v = values(&[("dataset", text("csv")), ("csv_path", text(bad.to_str().unwrap()))]);
    let err = Session::new(def, &v, DeviceChoice::Cpu).unwrap_err();
    assert_eq!(err.to_string(), "line 3, column 2: 'oops' is not a number");

    // Two well-separated blobs with a text label in the first column: learnable, and 2-D, so
    // the decision boundary view is offered.
    let mut rows = String::from("kind,u,v\n");
    for i in 0..60 {
        let t = i as f32 * 0.1;
        rows.push_str(&format!("left,{},{}\nright,{},{}\n", -3.0 + t.sin(), t.cos(), 3.0 + t.cos(), t.sin()));
    }
    let good = dir.join("good.csv");
    std::fs::write(&good, rows).unwrap();
    let v = values(&[
        ("dataset", text("csv")),
        ("csv_path", text(good.to_str().unwrap())),
        ("csv_label", text("kind")),
    ]);
    let mut s = Session::new(def, &v, DeviceChoice::Cpu).unwrap().0;
    assert!(s.views().iter().any(|v| v.id == "boundary"));
    train(&mut s, 100);
    assert!(s.last_evaluation().unwrap().get("test_acc").unwrap() >= 0.95);
}

#[test]
fn same_seed_same_curve_other_seed_other_curve() {
    let curve = |seed: i64| {
        let mut s = session(&[("dataset", text("xor")), ("seed", ParamValue::Int(seed))]);
        (0..40).map(|_| s.step().unwrap()[0].value).collect::<Vec<f32>>()
    };
    assert_eq!(curve(5), curve(5));
    assert_ne!(curve(5), curve(6));
}

#[test]
fn a_nan_loss_stops_the_run_with_a_message() {
    let mut s = session(&[
        ("dataset", text("gauss")),
        ("x1_sq", ParamValue::Bool(true)),
        ("x2_sq", ParamValue::Bool(true)),
        ("activation", text("linear")),
        ("optimizer", text("sgd")),
        ("lr", ParamValue::Float(10.0)),
        ("layers", ParamValue::Int(4)),
        ("neurons", ParamValue::Int(32)),
    ]);
    let err = (0..500).find_map(|_| s.step().err()).expect("the loss should blow up");
    let LabError::NonFinite { step, .. } = err else { panic!("{err:?}") };
    assert_eq!(step, s.steps() + 1, "the failed step is not counted");
    assert!(err.to_string().contains("the learning rate may be too high"));
    // Nothing is lost: the run goes back to a checkpoint before the blow-up, with a lower rate
    // it trains on with finite losses.
    let at = s.steps();
    let back = s.rewind(at).unwrap();
    assert!(back <= at, "{back} {at}");
    s.set("lr", ParamValue::Float(0.01)).unwrap();
    for _ in 0..20 {
        assert!(s.step().unwrap().iter().all(|p| p.value.is_finite()));
    }
}

#[test]
fn live_changes_apply_and_structural_ones_wait_for_a_reset() {
    let mut s = session(&[]);
    assert_eq!(s.set("lr", ParamValue::Float(0.1)).unwrap(), Applied::Live);
    assert_eq!(s.set("optimizer", text("momentum")).unwrap(), Applied::Live);
    assert_eq!(s.set("layers", ParamValue::Int(1)).unwrap(), Applied::NeedsReset);
    assert!(s.set("lr", ParamValue::Float(-1.0)).is_err());
    s.step().unwrap();
    // The learning-rate decay: switched on mid-run, its length changed live, a bad name refused.
    assert_eq!(s.set("lr_decay", text("cosine")).unwrap(), Applied::Live);
    assert_eq!(s.set("decay_steps", ParamValue::Int(50)).unwrap(), Applied::Live);
    assert!(s.set("lr_decay", text("linear")).is_err());
    assert!(s.set("decay_steps", ParamValue::Int(0)).is_err());
    s.step().unwrap();
}

fn loaded(runner: &mut Runner) -> bool {
    runner.wait_until(Duration::from_secs(20), |r| r.status.state == RunState::Paused)
}

#[test]
fn runner_plays_pauses_steps_resets_and_stops() {
    let mut r = Runner::spawn(Arc::new(|| {}));
    let mlp = find_lab("mlp").unwrap();
    r.load(mlp, values(&[("dataset", text("circle"))]), DeviceChoice::Cpu);
    assert!(loaded(&mut r));
    assert_eq!(r.device.as_ref().unwrap().name, "CPU (flex)");

    // Single steps.
    r.step(3);
    assert!(r.wait_until(Duration::from_secs(10), |r| r.status.step == 3));
    // The final status of a few steps holds their time, in real time too.
    assert!(r.status.train_secs > 0.0 && r.status.wall_secs >= r.status.train_secs, "{:?}", r.status);
    assert_eq!(r.history.curve(Metric::BATCH_LOSS).len(), 3);

    // Play, then pause: the step counter stops moving.
    r.play();
    assert!(r.wait_until(Duration::from_secs(10), |r| r.status.step > 50));
    r.pause();
    assert!(r.wait_until(Duration::from_secs(10), |r| r.status.state == RunState::Paused));
    let at = r.status.step;
    std::thread::sleep(Duration::from_millis(300));
    r.poll();
    assert_eq!(r.status.step, at);
    assert!(r.history.last(Metric::TEST_ACC).is_some());
    // Real time holds the training time (and more: drawing, the speed limit).
    assert!(r.status.wall_secs >= r.status.train_secs, "{:?}", r.status);

    // Live change: a marker on the curve. Structural change: needs a reset.
    r.set("lr", ParamValue::Float(0.01));
    r.set("layers", ParamValue::Int(1));
    assert!(r.wait_until(Duration::from_secs(10), |r| !r.history.markers.is_empty() && r.needs_reset));
    assert_eq!(r.history.markers[0].step, at);

    // Views come on request.
    r.request_view("boundary");
    assert!(r.wait_until(Duration::from_secs(10), |r| r.views.contains_key("boundary")));

    // Reset while playing never deadlocks, and nothing of the old run leaks into the new one.
    r.play();
    r.load(mlp, values(&[("dataset", text("xor"))]), DeviceChoice::Cpu);
    assert!(loaded(&mut r));
    std::thread::sleep(Duration::from_millis(100));
    r.poll();
    assert_eq!(r.status.step, 0);
    assert!(r.history.is_empty());

    // A failing config is reported and the runner keeps working.
    r.load(mlp, values(&[("dataset", text("csv"))]), DeviceChoice::Cpu);
    assert!(r.wait_until(Duration::from_secs(10), |r| r.status.state == RunState::Failed));
    assert!(matches!(r.errors[0], LabError::Invalid { .. }));
    r.load(mlp, Values::new(), DeviceChoice::Cpu);
    assert!(loaded(&mut r));
    drop(r); // Stop: returns at once.
}

#[test]
fn runner_pauses_on_nan_and_reports_it() {
    let mut r = Runner::spawn(Arc::new(|| {}));
    let v = values(&[
        ("dataset", text("gauss")),
        ("x1_sq", ParamValue::Bool(true)),
        ("activation", text("linear")),
        ("optimizer", text("sgd")),
        ("lr", ParamValue::Float(10.0)),
        ("layers", ParamValue::Int(4)),
        ("neurons", ParamValue::Int(32)),
    ]);
    r.load(find_lab("mlp").unwrap(), v, DeviceChoice::Cpu);
    assert!(loaded(&mut r));
    r.play();
    assert!(r.wait_until(Duration::from_secs(20), |r| !r.errors.is_empty()));
    assert!(matches!(r.errors[0], LabError::NonFinite { .. }), "{:?}", r.errors);
    assert!(r.wait_until(Duration::from_secs(5), |r| r.status.state == RunState::Paused));
}

/// A lab on the GPU (lavapipe in CI) says it is warming up while its first steps compile and
/// tune kernels, instead of a speed, and stops once warm; on the CPU it never says so.
#[test]
fn runner_says_when_the_gpu_is_warming_up() {
    let mut r = Runner::spawn(Arc::new(|| {}));
    let tiny = values(&[("points", ParamValue::Int(50)), ("neurons", ParamValue::Int(4))]);
    r.load(find_lab("mlp").unwrap(), tiny, DeviceChoice::Gpu);
    // Starting lavapipe beside the other tests takes a while.
    let ready = r.wait_until(Duration::from_secs(120), |r| r.status.state == RunState::Paused);
    assert!(ready, "{:?} {:?}", r.status, r.errors);
    let gpu = r.device.as_ref().unwrap().gpu;
    assert!(!r.status.warming, "not while nothing is computed");
    // The first view (before any step) compiles kernels too.
    let mut seen = false;
    r.request_view("boundary");
    let drawn = r.wait_until(Duration::from_secs(120), |r| {
        seen |= r.status.warming;
        r.views.contains_key("boundary")
    });
    assert!(drawn && seen == gpu, "view drawn {drawn}, warming seen {seen} ({:?})", r.device);
    let mut seen = false;
    r.step(5);
    let done = r.wait_until(Duration::from_secs(120), |r| {
        seen |= r.status.warming;
        r.status.step == 5
    });
    assert!(done, "{:?}", r.status);
    assert_eq!(seen, gpu, "warming shown on the GPU only ({:?})", r.device);
    assert!(!r.status.warming, "warm after five steps: {:?}", r.status);
    // The steps' losses, left on the device while it trained, were read once the steps were
    // done: every one, in order.
    let all = r.wait_until(Duration::from_secs(30), |r| r.history.curve(Metric::BATCH_LOSS).len() == 5);
    let steps: Vec<f64> = r.history.curve(Metric::BATCH_LOSS).iter().map(|p| p[0]).collect();
    assert!(all && steps == [1.0, 2.0, 3.0, 4.0, 5.0], "{steps:?}");
}

fn cnn(pairs: &[(&str, ParamValue)]) -> Result<(Session, Vec<LabError>), LabError> {
    Session::new(find_lab("cnn").unwrap(), &values(pairs), DeviceChoice::Cpu)
}

#[test]
fn cnn_trains_on_a_few_hundred_images_and_draws_its_views() {
    use tenlab_models::view::View;
    let (mut s, _) = cnn(&[("train_size", ParamValue::Int(300)), ("batch", ParamValue::Int(32))]).unwrap();
    let losses: Vec<f32> = (0..60).map(|_| s.step().unwrap()[0].value).collect();
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!(mean(&losses[50..]) < 0.7 * mean(&losses[..5]), "loss falls: {losses:?}");
    s.evaluate_now().unwrap();

    let View::HeatmapRows { rows, picker, .. } = s.render("maps").unwrap() else { panic!() };
    assert_eq!(rows.len(), 3, "a strip of test images and one row per conv block");
    assert_eq!((rows[0].len(), rows[0][0].rows), (12, 28));
    assert_eq!((rows[1].len(), rows[1][0].rows, rows[2][0].rows), (16, 14, 7));
    assert_eq!(picker.unwrap().param, "sample");
    let View::HeatmapRows { rows, .. } = s.render("filters").unwrap() else { panic!() };
    assert_eq!((rows[0].len(), rows[0][0].rows, rows[0][0].cols), (16, 5, 5));
    let View::Bars { bars, .. } = s.render("probabilities").unwrap() else { panic!() };
    assert_eq!(bars.values.len(), 10);
    assert!((bars.values.iter().sum::<f32>() - 1.0).abs() < 1e-3);
    let View::Heatmap(confusion) = s.render("confusion").unwrap() else { panic!() };
    assert_eq!(confusion.values.iter().sum::<f32>(), 2000.0);
    assert!(matches!(s.render("mistakes").unwrap(), View::HeatmapRows { .. }));
    // The feature maps follow the chosen test image.
    assert_eq!(s.set("sample", ParamValue::Int(30)).unwrap(), Applied::Live);
    let View::HeatmapRows { picker, .. } = s.render("maps").unwrap() else { panic!() };
    let picker = picker.unwrap();
    assert_eq!(picker.values[picker.selected.unwrap()], 30);
}

#[test]
fn cnn_rejects_shapes_that_shrink_to_nothing_and_bad_folders() {
    let shrink = cnn(&[
        ("blocks", ParamValue::Int(4)),
        ("kernel", ParamValue::Int(7)),
        ("padding", text("valid")),
        ("train_size", ParamValue::Int(100)),
    ]);
    assert!(matches!(shrink, Err(LabError::Invalid { key: "err.cnn_shrinks", .. })));
    let no_folder = cnn(&[("dataset", text("folder"))]);
    assert!(matches!(no_folder, Err(LabError::Invalid { key: "err.no_folder", .. })));

    let dir = std::env::temp_dir().join(format!("tenlab-cnn-folder-{}", std::process::id()));
    for class in ["a", "b"] {
        std::fs::create_dir_all(dir.join(class)).unwrap();
        for i in 0..5u8 {
            let img = image::GrayImage::from_fn(16, 16, |x, _| {
                image::Luma([if class == "a" { x as u8 * 16 } else { 200 - i }])
            });
            img.save(dir.join(class).join(format!("{i}.png"))).unwrap();
        }
    }
    std::fs::write(dir.join("b").join("notes.txt"), "not an image").unwrap();
    let (mut s, notice) =
        cnn(&[("dataset", text("folder")), ("folder_path", text(dir.to_str().unwrap()))]).unwrap();
    let [LabError::Skipped(files)] = &notice[..] else { panic!("{notice:?}") };
    assert!(files[0].ends_with("notes.txt"));
    s.step().unwrap();
}

#[test]
fn cnn_reads_a_drawing_and_forgets_it_when_cleared() {
    use tenlab_models::view::View;
    let (mut s, _) = cnn(&[("train_size", ParamValue::Int(200))]).unwrap();
    s.step().unwrap();
    assert!(s.views().iter().any(|v| v.id == "canvas"), "MNIST-shaped data offers the drawing pad");
    let View::Canvas { input, side, reading: None } = s.render("canvas").unwrap() else {
        panic!("no drawing yet")
    };
    let mut ink = vec![0.0f32; side * side];
    for y in side / 5..side * 4 / 5 {
        ink[y * side + side / 2] = 1.0;
    }
    s.input(input, ink).unwrap();
    let View::Canvas { reading: Some(r), .. } = s.render("canvas").unwrap() else { panic!("a reading") };
    assert_eq!((r.image.rows, r.image.cols), (28, 28));
    assert!((r.bars.values.iter().sum::<f32>() - 1.0).abs() < 1e-3);
    assert_eq!(r.maps.len(), 2);
    s.input(input, vec![0.0; side * side]).unwrap();
    assert!(matches!(s.render("canvas").unwrap(), View::Canvas { reading: None, .. }));
    assert!(s.input(input, vec![0.0; 7]).is_err(), "a raster of the wrong size is refused");
    // The 8x8 digits are not MNIST-shaped: no pad.
    let (d, _) = cnn(&[("dataset", text("digits"))]).unwrap();
    assert!(!d.views().iter().any(|v| v.id == "canvas"));
}

#[test]
fn resnet_records_every_layers_gradient_and_the_skip_switch_changes_the_network() {
    use tenlab_models::view::View;
    let run = |skips: bool, extra: &[(&str, ParamValue)]| {
        let mut v = vec![
            ("train_size", ParamValue::Int(200)),
            ("blocks", ParamValue::Int(10)),
            ("width", ParamValue::Int(4)),
            ("batch", ParamValue::Int(16)),
            ("skips", ParamValue::Bool(skips)),
        ];
        v.extend(extra.iter().cloned());
        let (mut s, _) = Session::new(find_lab("resnet").unwrap(), &values(&v), DeviceChoice::Cpu).unwrap();
        let losses: Vec<f32> = (0..6).map(|_| s.step().unwrap()[0].value).collect();
        let View::Timeline { history, bars } = s.render("gradients").unwrap() else { panic!() };
        assert_eq!(bars.labels.len(), 21, "the stem and two convolutions per block");
        assert_eq!((bars.labels[0].as_str(), bars.labels[20].as_str()), ("stem", "B10b"));
        assert!(bars.values.iter().all(|g| g.is_finite() && *g > 0.0), "{:?}", bars.values);
        assert_eq!((history.rows, history.cols), (21, 2), "a record every 5 steps");
        assert_eq!(history.row_labels, bars.labels);
        assert_eq!(s.set("sample", ParamValue::Int(13)).unwrap(), Applied::Live);
        let View::HeatmapRows { rows, picker: Some(picker), .. } = s.render("maps").unwrap() else {
            panic!()
        };
        assert_eq!(rows.len(), 11, "the test-image strip and a row per block");
        assert_eq!((rows[0].len(), rows[0][0].rows, rows[1][0].rows, rows[10][0].rows), (12, 28, 14, 7));
        assert_eq!((picker.values[0], picker.selected), (12, Some(1)), "#12-23, #13 chosen");
        (losses, bars.values[0])
    };
    assert_ne!(run(true, &[]).0, run(false, &[]).0);
    // The vanishing gradient: sigmoid without batch norm, 21 layers. Without skips the first
    // layer's gradient is orders of magnitude smaller; the identity shortcuts carry it back.
    let sigmoid =
        [("activation", ParamValue::Text("sigmoid".into())), ("batch_norm", ParamValue::Bool(false))];
    let (residual, plain) = (run(true, &sigmoid).1, run(false, &sigmoid).1);
    assert!(residual > 100.0 * plain, "stem gradient: residual {residual:e}, plain {plain:e}");
}

/// CSV files as spreadsheets write them train, tried as a teacher would: Excel's "CSV UTF-8"
/// (byte-order mark, CRLF), a European export (`;`, decimal commas), quoted Chinese labels.
#[test]
fn spreadsheet_csv_exports_train() {
    let dir = std::env::temp_dir().join(format!("tenlab-sheets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let point = |i: usize| {
        let t = i as f32 * 0.37;
        let side = if i.is_multiple_of(2) { -2.0 } else { 2.0 };
        (side + t.sin() * 0.5, t.cos() * 0.5, i % 2)
    };
    let excel: String = std::iter::once("\u{feff}x,y,label\r\n".to_string())
        .chain((0..80).map(|i| {
            let (x, y, c) = point(i);
            format!("{x},{y},{}\r\n", ["left", "right"][c])
        }))
        .collect();
    let european: String = std::iter::once("x;y;Klasse\n".to_string())
        .chain((0..80).map(|i| {
            let (x, y, c) = point(i);
            format!("{};{};{}\n", format!("{x:.3}").replace('.', ","), format!("{y:.3}").replace('.', ","), c)
        }))
        .collect();
    let chinese: String = std::iter::once("x,y,类别\n".to_string())
        .chain((0..80).map(|i| {
            let (x, y, c) = point(i);
            format!("{x},{y},\"{}\"\n", ["左边, 西", "右边"][c])
        }))
        .collect();
    let def = find_lab("mlp").unwrap();
    for (name, contents) in [("excel.csv", excel), ("european.csv", european), ("chinese.csv", chinese)] {
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        let v = values(&[("dataset", text("csv")), ("csv_path", text(path.to_str().unwrap()))]);
        let mut s = Session::new(def, &v, DeviceChoice::Cpu).unwrap_or_else(|e| panic!("{name}: {e}")).0;
        train(&mut s, 150);
        let acc = s.last_evaluation().unwrap().get("test_acc").unwrap();
        assert!(acc >= 0.95, "{name}: test accuracy {acc}");
    }
}

/// The settings of preset `id` of `lab` (on top of the defaults, as the app applies them).
fn preset(lab: &str, id: &str) -> Values {
    let def = find_lab(lab).unwrap();
    let p = def.presets.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("{lab} has no preset {id}"));
    p.values.iter().map(|&(k, v)| (k.to_string(), def.spec(k).unwrap().parse(v).unwrap())).collect()
}

/// Trains `lab` with `values` for its budget (or until a detector fires); returns the ids found.
fn found_in(lab: &str, values: &Values) -> Vec<&'static str> {
    let (mut s, _) = Session::new(find_lab(lab).unwrap(), values, DeviceChoice::Cpu).unwrap();
    while s.steps() < s.budget() && s.findings().is_empty() {
        s.step().unwrap();
    }
    s.findings().iter().map(|f| f.id).collect()
}

fn found(values: &Values) -> Vec<&'static str> {
    found_in("mlp", values)
}

#[test]
fn the_detectors_fire_on_the_mlps_failing_presets_and_stay_quiet_on_its_defaults() {
    assert_eq!(found(&preset("mlp", "defaults")), Vec::<&str>::new());
    assert_eq!(found(&preset("mlp", "too_high")), ["diverging"]);
    assert_eq!(found(&preset("mlp", "overfit")), ["overfitting"]);
    assert_eq!(found(&preset("mlp", "dead_relu")), ["dead_relu"]);
    assert_eq!(found(&preset("mlp", "vanishing")), ["vanishing"]);
    // ReLU itself at the default rate keeps its units alive.
    assert_eq!(found(&values(&[("activation", text("relu"))])), Vec::<&str>::new());
}

/// Ten sigmoid blocks with neither skips nor batch norm: the vanishing-gradient detector fires
/// within its first measurements; the defaults stay quiet over their first 50 steps (ten measurements).
#[test]
fn the_vanishing_gradient_detector_fires_on_the_resnets_preset() {
    let small = |mut v: Values| {
        v.insert("train_size".into(), ParamValue::Int(200));
        v
    };
    let (mut s, _) =
        Session::new(find_lab("resnet").unwrap(), &small(preset("resnet", "vanishing")), DeviceChoice::Cpu)
            .unwrap();
    while s.steps() < 60 && s.findings().is_empty() {
        s.step().unwrap();
    }
    assert_eq!(s.findings().iter().map(|f| f.id).collect::<Vec<_>>(), ["vanishing"]);
    let (mut s, _) =
        Session::new(find_lab("resnet").unwrap(), &small(Values::new()), DeviceChoice::Cpu).unwrap();
    for _ in 0..50 {
        s.step().unwrap();
    }
    assert!(s.findings().is_empty(), "{:?}", s.findings());
}

#[test]
fn the_oversmoothing_detector_fires_on_a_twelve_layer_gcn_and_not_on_the_defaults() {
    assert_eq!(found_in("gcn", &preset("gcn", "defaults")), Vec::<&str>::new());
    assert_eq!(found_in("gcn", &values(&[("graph", text("sbm"))])), Vec::<&str>::new());
    assert_eq!(found_in("gcn", &preset("gcn", "oversmoothing")), ["oversmoothing"]);
}

/// What a detector finds reaches the app's runner as the run goes on, and a new run starts
/// with none.
#[test]
fn the_runner_hears_what_the_detectors_find() {
    let mut r = Runner::spawn(Arc::new(|| {}));
    let lab = find_lab("mlp").unwrap();
    r.load(lab, preset("mlp", "too_high"), DeviceChoice::Cpu);
    assert!(r.wait_until(Duration::from_secs(30), |r| r.status.state == RunState::Paused));
    r.step(500);
    let heard = r.wait_until(Duration::from_secs(60), |r| !r.findings.is_empty());
    assert!(heard, "{:?}", r.status);
    assert_eq!(r.findings[0].id, "diverging");
    r.load(lab, Values::new(), DeviceChoice::Cpu);
    assert!(r.findings.is_empty());
}

/// A discriminator five steps ahead at five times the rate: the ring's samples settle on two
/// of its eight modes (seed 1, from step 1,000) and the detector says so after 1,000 steps of
/// it; the defaults cover every mode and stay quiet over the same 2,500 steps.
#[test]
fn the_mode_collapse_detector_fires_on_the_gans_preset_and_not_on_its_defaults() {
    let run = |values: &Values| {
        let (mut s, _) = Session::new(find_lab("gan").unwrap(), values, DeviceChoice::Cpu).unwrap();
        while s.steps() < 2500 && s.findings().is_empty() {
            s.step().unwrap();
        }
        s.findings().iter().map(|f| f.id).collect::<Vec<_>>()
    };
    assert_eq!(run(&preset("gan", "collapse")), ["mode_collapse"]);
    assert_eq!(run(&preset("gan", "defaults")), Vec::<&str>::new());
}

#[test]
fn the_runner_goes_back_to_a_checkpoint_and_keeps_the_branch_left_behind() {
    let mut r = Runner::spawn(Arc::new(|| {}));
    r.load(find_lab("mlp").unwrap(), values(&[("dataset", text("circle"))]), DeviceChoice::Cpu);
    assert!(loaded(&mut r));
    let lr = r.values()["lr"].clone();
    r.step(200);
    assert!(r.wait_until(Duration::from_secs(20), |r| r.status.step == 200));
    r.set("lr", ParamValue::Float(0.5));
    assert!(r.wait_until(Duration::from_secs(10), |r| !r.history.markers.is_empty()));
    r.step(100);
    assert!(r.wait_until(Duration::from_secs(20), |r| r.status.step == 300));
    // The starting model and one every 2,500 / 32 = 78 steps (the MLP's budget).
    let kept = r.status.checkpoints.clone();
    assert_eq!(kept.steps, [0, 78, 156, 234], "{kept:?}");
    assert!(kept.bytes > 0 && kept.every == 78, "{kept:?}");

    r.request_view("boundary");
    assert!(r.wait_until(Duration::from_secs(10), |r| r.views.contains_key("boundary")));
    let drawn = r.views["boundary"].0;
    r.rewind(170);
    assert!(r.wait_until(Duration::from_secs(10), |r| !r.branches.is_empty() && r.status.step == 156));
    // The view on screen comes again, of the model gone back to.
    assert!(r.wait_until(Duration::from_secs(10), |r| r.views["boundary"].0 > drawn));
    // The curves stop at the checkpoint; what came after is the branch, with its settings.
    assert_eq!(r.history.last_step(), Some(156));
    assert!(r.history.markers.is_empty(), "the change at step 200 belongs to the branch");
    assert_eq!(r.values()["lr"], lr, "the settings of step 156 are back");
    let branch = &r.branches[0];
    assert_eq!((branch.from, branch.history.last_step()), (156, Some(300)));
    assert_eq!(branch.values["lr"], ParamValue::Float(0.5));
    assert_eq!(r.status.checkpoints.steps, [0, 78, 156]);

    // Training goes on from there: a new branch.
    r.step(10);
    assert!(r.wait_until(Duration::from_secs(10), |r| r.status.step == 166));
    assert_eq!(r.history.last_step(), Some(166));
    // Back to the very start; a reset forgets the branches.
    r.rewind(0);
    assert!(r.wait_until(Duration::from_secs(10), |r| r.branches.len() == 2 && r.status.step == 0));
    r.load(find_lab("mlp").unwrap(), Values::new(), DeviceChoice::Cpu);
    assert!(loaded(&mut r));
    assert!(r.branches.is_empty());
}

/// The DQN's forgetting preset, from the network it ships that has just solved CartPole
/// (115,000 steps): its first evaluation scores 500, and within 10,000 steps it has lost it.
#[test]
fn the_forgetting_detector_fires_on_the_dqns_solved_model_trained_on() {
    let dqn = find_lab("dqn").unwrap();
    let (mut s, _) = Session::open_trained(dqn, &preset("dqn", "forgetting"), DeviceChoice::Cpu).unwrap();
    assert_eq!(s.steps(), 115_000);
    while s.steps() < 125_000 && s.findings().is_empty() {
        s.step().unwrap();
    }
    assert_eq!(s.findings().iter().map(|f| (f.id, f.step)).collect::<Vec<_>>(), [("forgetting", 125_000)]);
}
