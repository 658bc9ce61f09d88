//! Every lab of the registry, with no lab named: it builds with its defaults, steps and
//! evaluates; every view it lists renders; every live parameter really applies live; its
//! model saves and opens again to the same outputs, and a wrong file changes nothing.

use tenlab_models::engine::model_file;
use tenlab_models::labs::Applied;
use tenlab_models::params::{ParamKind, ParamSpec};
use tenlab_models::{DeviceChoice, LabDef, LabError, ParamValue, Session, Values, registry};

/// The lab's settings that make it quick (its `small` preset).
fn small(def: &LabDef) -> Values {
    tenlab_models::params::parse_pairs(&(def.params)(), def.small)
        .unwrap_or_else(|e| panic!("{}: its small settings are parameters with valid values: {e}", def.id))
}

fn session(def: &'static LabDef, values: &Values) -> Session {
    Session::new(def, values, DeviceChoice::Cpu).unwrap_or_else(|e| panic!("{}: {e}", def.id)).0
}

#[test]
fn every_preset_is_a_set_of_valid_settings_that_builds() {
    for def in registry() {
        for p in def.presets {
            let values = tenlab_models::params::parse_pairs(&(def.params)(), p.values)
                .unwrap_or_else(|e| panic!("{}: preset {}: {e}", def.id, p.id));
            Session::new(def, &values, DeviceChoice::Cpu)
                .unwrap_or_else(|e| panic!("{}/{}: {e}", def.id, p.id));
        }
    }
}

#[test]
fn every_lab_builds_with_its_defaults_steps_evaluates_and_renders_its_views() {
    for def in registry() {
        let mut s = session(def, &Values::new());
        let mut points = s.step().unwrap_or_else(|e| panic!("{}: {e}", def.id));
        assert!(points.iter().all(|p| p.value.is_finite()), "{}", def.id);
        points.extend(s.evaluate_now().unwrap());
        // Every curve it reports is drawn in one of its charts.
        for p in &points {
            let drawn = def.charts.iter().any(|c| c.curves.iter().any(|k| k.key == p.metric.key()));
            assert!(drawn, "{}: curve {} is in a chart", def.id, p.metric.key());
        }
        assert!(def.steps > 0);
        let views = s.views();
        assert!(!views.is_empty(), "{} offers views", def.id);
        for v in views {
            assert!(def.views.contains(&v.id), "{}: view {} is in its list", def.id, v.id);
            let view = s.render(v.id).unwrap_or_else(|e| panic!("{}/{}: {e}", def.id, v.id));
            // The app's cheap check (a PNG button or not) says what drawing the picture does.
            assert_eq!(
                tenlab_models::picture::is_picture(&view),
                tenlab_models::picture::raster(&view, &tenlab_models::picture::Words::none()).is_some(),
                "{}/{}",
                def.id,
                v.id
            );
        }
    }
}

/// Another valid value than `current`.
fn another(spec: &ParamSpec, current: &ParamValue) -> ParamValue {
    match (&spec.kind, current) {
        (ParamKind::Float { min, max, .. }, ParamValue::Float(x)) => {
            let mid = if *min > 0.0 { (min * max).sqrt() } else { (min + max) / 2.0 };
            ParamValue::Float(if (mid - x).abs() > 1e-12 { mid } else { (mid + max) / 2.0 })
        }
        (ParamKind::Int { min, max, .. }, ParamValue::Int(n)) => {
            ParamValue::Int(if n < max { n + 1 } else { min.max(&(n - 1)).to_owned() })
        }
        (ParamKind::Choice { options, .. }, ParamValue::Text(t)) => {
            ParamValue::Text(options.iter().find(|o| **o != t.as_str()).unwrap().to_string())
        }
        (ParamKind::Bool { .. }, ParamValue::Bool(b)) => ParamValue::Bool(!b),
        // Text: empty, or its default when it is empty.
        (ParamKind::Text { default }, ParamValue::Text(t)) => {
            ParamValue::Text(if t.is_empty() { default.to_string() } else { String::new() })
        }
        _ => panic!("{}: no other value", spec.key),
    }
}

#[test]
fn every_live_parameter_applies_live() {
    for def in registry() {
        let mut s = session(def, &small(def));
        s.step().unwrap();
        for spec in (def.params)().into_iter().filter(|p| p.live) {
            let value = another(&spec, &s.values[spec.key]);
            let what = format!("{}.{} = {value}", def.id, spec.key);
            assert_eq!(s.set(spec.key, value.clone()).unwrap(), Applied::Live, "{what}");
            // The lab runs with it: its own config says so, and it trains on.
            assert_eq!(s.lab_settings().get(spec.key), Some(&value), "{what}");
            assert!(!s.needs_reset(), "{what}");
            s.step().unwrap_or_else(|e| panic!("{what}: {e}"));
        }
        // A change that needs a rebuild waits, and undoing it needs none.
        if let Some(spec) =
            (def.params)().into_iter().find(|p| !p.live && !matches!(p.kind, ParamKind::Path { .. }))
        {
            let before = s.values[spec.key].clone();
            assert_eq!(s.set(spec.key, another(&spec, &before)).unwrap(), Applied::NeedsReset);
            assert!(s.needs_reset());
            s.set(spec.key, before).unwrap();
            assert!(!s.needs_reset(), "{}.{} undone", def.id, spec.key);
        }
    }
}

#[test]
fn a_rejected_change_leaves_the_settings_as_they_were() {
    let def = tenlab_models::find_lab("mlp").unwrap();
    let mut s = session(def, &Values::new());
    let before = s.values.clone();
    assert!(s.set("lr", ParamValue::Float(1e9)).is_err());
    assert!(s.set("nope", ParamValue::Int(1)).is_err());
    assert_eq!(s.values, before);
    assert_eq!(s.lab_settings()["lr"], before["lr"]);
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tenlab-labs-{}-{name}", std::process::id()))
}

#[test]
fn every_lab_saves_and_opens_its_model_with_identical_outputs() {
    for def in registry() {
        let mut s = session(def, &small(def));
        for _ in 0..3 {
            s.step().unwrap();
        }
        s.set("seed", ParamValue::Int(7)).ok();
        let path = temp(&format!("{}.tenlab", def.id));
        s.save(&path).unwrap_or_else(|e| panic!("{}: {e}", def.id));
        let (mut opened, _) = Session::open(def, &path, &Values::new(), DeviceChoice::Cpu).unwrap();
        assert_eq!(opened.steps(), 3, "{}", def.id);
        let (a, b) = (s.evaluate_now().unwrap(), opened.evaluate_now().unwrap());
        assert_eq!(a, b, "{}: the same evaluation", def.id);
        for v in s.views() {
            let (a, b) = (s.render(v.id).unwrap(), opened.render(v.id).unwrap());
            // A timeline is the run's history (e.g. gradient norms over the steps), which a
            // model file does not carry; every other view shows what the model computes.
            if !matches!(a, tenlab_models::view::View::Timeline { .. }) {
                assert_eq!(a, b, "{}/{}", def.id, v.id);
            }
        }
        // It goes on training.
        opened.step().unwrap();
        assert_eq!(opened.steps(), 4);
    }
}

#[test]
fn a_wrong_model_file_gets_a_message() {
    let mlp = tenlab_models::find_lab("mlp").unwrap();
    let cnn = tenlab_models::find_lab("cnn").unwrap();
    let mut s = session(mlp, &Values::new());
    s.step().unwrap();
    let path = temp("wrong.tenlab");
    s.save(&path).unwrap();

    // Another lab's file.
    let err = Session::open(cnn, &path, &Values::new(), DeviceChoice::Cpu).unwrap_err();
    assert!(matches!(err, LabError::ModelFile { .. }), "{err:?}");
    // Other shapes: the settings on top make a wider network than the weights fit.
    let wider: Values = [("neurons".to_string(), ParamValue::Int(9))].into();
    let err = Session::open(mlp, &path, &wider, DeviceChoice::Cpu).unwrap_err();
    assert!(matches!(err, LabError::Weights(_)), "{err:?}");
    // A damaged file: cut short, and not a model at all.
    let bytes = std::fs::read(&path).unwrap();
    let cut = temp("cut.tenlab");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    assert!(Session::open(mlp, &cut, &Values::new(), DeviceChoice::Cpu).is_err());
    let text = temp("text.tenlab");
    std::fs::write(&text, "hello").unwrap();
    let err = Session::open(mlp, &text, &Values::new(), DeviceChoice::Cpu).unwrap_err();
    assert!(err.to_string().contains("not a tenlab model file"), "{err}");
    // The header names the lab and the steps.
    let (header, _) = model_file::read(&path).unwrap();
    assert_eq!((header.lab.as_str(), header.steps), ("mlp", 1));
}

#[test]
fn every_shipped_trained_model_opens_and_steps() {
    for def in registry().iter().filter(|d| d.trained.is_some()) {
        let (mut s, _) = Session::open_trained(def, &Values::new(), DeviceChoice::Cpu)
            .unwrap_or_else(|e| panic!("{}: {e}", def.id));
        assert!(s.steps() > 0, "{}: a trained model has trained", def.id);
        let before = s.steps();
        s.step().unwrap_or_else(|e| panic!("{}: {e}", def.id));
        assert_eq!(s.steps(), before + 1);
    }
    let mlp = tenlab_models::find_lab("mlp").unwrap();
    if mlp.trained.is_none() {
        let e = Session::open_trained(mlp, &Values::new(), DeviceChoice::Cpu).err().unwrap();
        assert!(matches!(e, LabError::Invalid { key: "err.no_trained_model", .. }), "{e:?}");
    }
}

#[test]
fn labs_that_take_drawn_points_train_on_them_and_take_new_ones_live() {
    use tenlab_models::view::View;
    let text = |t: &str| ParamValue::Text(t.into());
    let labs: Vec<_> = registry()
        .iter()
        .filter(|d| {
            (d.params)().iter().any(|p| p.key == "points" && matches!(p.kind, ParamKind::Text { .. }))
        })
        .collect();
    assert!(labs.len() >= 2, "the GAN and diffusion labs take drawn points");
    for def in labs {
        let mut values = small(def);
        values.insert("dataset".into(), text("drawn"));
        values.insert("points".into(), text("1,1;1.2,1"));
        let mut s = session(def, &values);
        s.step().unwrap_or_else(|e| panic!("{}: {e}", def.id));
        // The plane views (or their frames and parts) show the drawing and take clicks into
        // `points`.
        fn find(view: View, out: &mut Vec<tenlab_models::view::Scatter>) {
            match view {
                View::Scatter(p) if p.draw == Some("points") => out.push(p),
                View::Player { frames, .. } => {
                    frames.into_iter().last().into_iter().for_each(|f| find(f, out))
                }
                View::Column(parts) => parts.into_iter().for_each(|(_, v)| find(v, out)),
                _ => {}
            }
        }
        let planes = |s: &mut Session| {
            let ids: Vec<_> = s.views().iter().map(|v| v.id).collect();
            let mut out = vec![];
            ids.into_iter().for_each(|id| find(s.render(id).unwrap(), &mut out));
            out
        };
        let drawn = |p: &tenlab_models::view::Scatter| {
            p.layers.iter().find(|l| l.name == "label.drawn").map(|l| l.points.clone()).unwrap_or_default()
        };
        let first = planes(&mut s);
        assert!(!first.is_empty(), "{}: a plane view takes drawn points", def.id);
        assert_eq!(drawn(&first[0]), vec![[1.0, 1.0], [1.2, 1.0]], "{}", def.id);
        // A new drawing applies live: the real points now lie around it.
        assert_eq!(s.set("points", text("-1,-1")).unwrap(), Applied::Live);
        s.step().unwrap();
        let after = planes(&mut s);
        assert_eq!(drawn(&after[0]), vec![[-1.0, -1.0]], "{}", def.id);
        let real = &after[0].layers.iter().find(|l| l.name == "label.real").unwrap().points;
        assert!(
            real.iter().all(|p| (p[0] + 1.0).hypot(p[1] + 1.0) < 0.5),
            "{}: real points near the drawing",
            def.id
        );
        // A malformed drawing is refused and changes nothing.
        assert!(s.set("points", text("1,x")).is_err());
        assert_eq!(s.values["points"], text("-1,-1"));
        // An empty drawing stops training with a message, and a reset keeps the drawing.
        s.set("points", text("")).unwrap();
        let err = s.step().unwrap_err();
        assert!(matches!(err, LabError::Invalid { key: "err.no_points", .. }), "{}: {err:?}", def.id);
        s.set("points", text("0.5,0.5")).unwrap();
        let mut again = session(def, &s.values);
        again.step().unwrap();
        assert_eq!(drawn(&planes(&mut again)[0]), vec![[0.5, 0.5]], "{}", def.id);
    }
}

/// Every figure a run reports until it has reported its loss `losses` times (a lab that fills
/// a buffer first takes longer), and an evaluation then, as bits.
fn figures(def: &'static LabDef, values: &Values, losses: usize) -> Vec<(u64, String, u32)> {
    let mut s = session(def, values);
    let mut out: Vec<(u64, String, u32)> = Vec::new();
    while out.iter().filter(|(_, key, _)| key == "batch_loss").count() < losses {
        assert!(s.steps() < 5_000, "{}: reports its loss", def.id);
        let points = s.step().unwrap_or_else(|e| panic!("{}: {e}", def.id));
        out.extend(points.into_iter().map(|p| (p.step, p.metric.key().to_string(), p.value.to_bits())));
    }
    out.extend(
        s.evaluate_now()
            .unwrap()
            .into_iter()
            .map(|p| (p.step, p.metric.key().to_string(), p.value.to_bits())),
    );
    out
}

/// `f` on a pool of `threads` rayon threads (Burn's CPU kernels split their work over it).
fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(f)
}

/// Twice from the same seed, once on one thread and once on three, every lab at its defaults
/// reports the same figures to the bit: the thread count changes no result (a kernel whose
/// sums associate as rayon's threads happen to split the work would fail here).
#[test]
fn the_same_seed_gives_the_same_figures_to_the_bit_on_any_thread_count() {
    for def in registry() {
        let mut values = Values::new();
        values.insert("seed".into(), ParamValue::Int(7));
        // Timings are the one figure that may differ.
        let run = |threads| -> Vec<_> {
            let f = on_threads(threads, || figures(def, &values, 3));
            f.into_iter().filter(|(_, k, _)| !k.ends_with("_secs")).collect()
        };
        // Burn's CPU backend draws initial weights and dropout masks from one generator per
        // process, which the tests running beside this one draw from too: a pair that differs
        // is run again, up to four times (a kernel whose sums depend on the thread count
        // differs every time).
        let (mut a, mut b) = (run(1), run(3));
        for _ in 0..4 {
            if a == b {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(300));
            (a, b) = (run(1), run(3));
        }
        assert_eq!(a, b, "{}: two runs from seed 7 on 1 and 3 threads", def.id);
    }
}

/// What the status bar shows is what the lab applied: after a step that trained, every lab
/// reports its rate(s), each set by one of its parameters, positive and no more than that
/// parameter's value (schedules and warm-up only ever lower it).
#[test]
fn every_lab_reports_the_learning_rates_it_applied() {
    for def in registry() {
        let mut s = session(def, &small(def));
        assert!(s.rates().is_empty(), "{}: no rate before any step", def.id);
        while !s.step().unwrap().iter().any(|p| p.metric.key() == "batch_loss") {
            assert!(s.steps() < 5_000, "{}: trains", def.id);
        }
        let rates = s.rates();
        assert!(!rates.is_empty(), "{}: reports the rate it applied", def.id);
        for (key, lr) in rates {
            let set = match s.values.get(key) {
                Some(ParamValue::Float(v)) => *v,
                other => panic!("{}: rate {key} is set by a parameter, not {other:?}", def.id),
            };
            assert!(lr > 0.0 && lr <= set * (1.0 + 1e-9), "{}: {key} applied {lr}, set {set}", def.id);
        }
    }
}

#[test]
fn every_lab_goes_back_to_a_checkpoint_and_trains_the_same_steps_again() {
    for def in registry() {
        let mut values = small(def);
        // Dropout draws its masks from Burn's device generator, which no checkpoint holds.
        if (def.params)().iter().any(|p| p.key == "dropout") {
            values.insert("dropout".into(), ParamValue::Float(0.0));
        }
        let mut s = session(def, &values);
        s.set_checkpoint_every(3);
        let train = |s: &mut Session, n: u64| -> Vec<(u64, &'static str, f32)> {
            (0..n)
                .flat_map(|_| s.step().unwrap_or_else(|e| panic!("{}: {e}", def.id)))
                .map(|p| (p.step, p.metric.key(), p.value))
                .collect()
        };
        let first = train(&mut s, 7);
        let kept = s.checkpoints();
        assert_eq!(kept.steps, [0, 3, 6], "{}", def.id);
        assert!(kept.bytes > 0, "{}: a checkpoint keeps the networks", def.id);
        assert_eq!(s.rewind(5).unwrap(), 3, "{}: back to the checkpoint at or before", def.id);
        assert_eq!(s.steps(), 3);
        assert_eq!(s.checkpoints().steps, [0, 3], "{}: the branch left behind is forgotten", def.id);
        let again = train(&mut s, 4);
        let after: Vec<_> = first.into_iter().filter(|p| p.0 > 3).collect();
        assert!(!after.is_empty(), "{}", def.id);
        assert_eq!(again, after, "{}: the same steps again, to the bit", def.id);
        for v in s.views() {
            s.render(v.id).unwrap_or_else(|e| panic!("{}/{} after going back: {e}", def.id, v.id));
        }
        // Back to the start: the untrained model.
        assert_eq!(s.rewind(0).unwrap(), 0);
    }
}
