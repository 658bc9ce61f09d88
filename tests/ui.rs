//! The app, driven through egui_kittest: find widgets by label, click, step frames, assert.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use tenlab_app::i18n::{Lang, lab_tr, tr};
use tenlab_app::{Settings, TenlabApp};
use tenlab_models::engine::RunState;
use tenlab_models::{DeviceChoice, Metric, ParamValue};

fn settings() -> Settings {
    Settings { device: DeviceChoice::Cpu, ..Settings::default() }
}

fn harness(builder: egui_kittest::HarnessBuilder<TenlabApp>) -> Harness<'static, TenlabApp> {
    builder
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(|cc| TenlabApp::with_settings(&cc.egui_ctx, settings(), false))
}

/// Steps frames (in real time) until `done` holds.
fn frames_until(h: &mut Harness<'_, TenlabApp>, secs: u64, done: impl Fn(&TenlabApp) -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        h.step();
        if done(h.state()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn play_grows_the_curve_pause_stops_it_and_language_switches() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_label("MLP");
    assert!(h.state().runner.history.is_empty());

    h.get_by_label("▶ Play").click();
    assert!(frames_until(&mut h, 20, |a| a.runner.history.curve(Metric::BATCH_LOSS).len() > 30));
    // The rate the lab applied (no decay at the defaults).
    h.get_by_label("Learning rate 0.010");
    assert!(frames_until(&mut h, 10, |a| a.runner.history.curve(Metric::TEST_LOSS).len() > 2));

    h.get_by_label("⏸ Pause").click();
    assert!(frames_until(&mut h, 10, |a| a.runner.status.state == RunState::Paused));
    let n = h.state().runner.history.curve(Metric::BATCH_LOSS).len();
    std::thread::sleep(Duration::from_millis(300));
    h.run_steps(3);
    assert_eq!(h.state().runner.history.curve(Metric::BATCH_LOSS).len(), n);

    // The language switch changes the labels.
    h.get_by_value("English").click();
    h.run_steps(2);
    h.get_by_label("简体中文").click();
    h.run_steps(2);
    assert!(h.query_by_label("▶ Play").is_none());
    h.get_by_label("▶ 开始");
    h.get_by_label("超参数");
    h.get_by_label("学习率 0.010");
}

#[test]
fn a_structural_change_after_training_asks_for_a_reset() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_label("⏭ Step").click();
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == 1));
    // Pick another dataset: training has started, so the change waits for Reset.
    h.get_by_value("Circle").click();
    h.run_steps(2);
    h.get_by_label("Spiral").click();
    assert!(frames_until(&mut h, 5, |a| a.runner.needs_reset));
    h.run_steps(2);
    h.get_by_label("Some changes take effect after a reset.");

    // Reset keeps the trained run's curves to compare the next one with.
    assert!(h.query_by_label("Compare with the previous run").is_none());
    h.get_all_by_label("⟲ Reset").next().unwrap().click();
    assert!(
        frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused && a.runner.status.step == 0)
    );
    h.run_steps(2);
    h.get_by_label("Compare with the previous run");
}

/// Rendered through wgpu (lavapipe on machines without a GPU) and compared with the stored
/// image in tests/snapshots.
#[test]
fn snapshot_of_the_mlp_lab_before_training() {
    let mut h = harness(Harness::builder().wgpu());
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
        && a.runner.views.contains_key("boundary")));
    h.run_steps(4);
    h.snapshot("mlp_lab_start");
}

#[test]
fn a_broken_settings_file_gets_a_message_and_changes_nothing() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    let dir = std::env::temp_dir().join(format!("tenlab-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let before = h.state().values().clone();

    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{ \"lab\": \"mlp\", \"values\": { \"lr\": ").unwrap();
    h.state_mut().open_config(&broken);
    let out_of_range = dir.join("range.json");
    std::fs::write(&out_of_range, r#"{ "lab": "mlp", "values": { "lr": 50.0 } }"#).unwrap();
    h.state_mut().open_config(&out_of_range);
    assert_eq!(h.state().values(), &before);
    let notices = h.state().notices().to_vec();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].contains("This settings file cannot be used"), "{notices:?}");
    assert!(notices[1].contains("lr = 50 is out of range: allowed 0.00001 to 10"), "{notices:?}");
    h.run_steps(2);
    h.get_by_label_contains("lr = 50 is out of range");

    let good = dir.join("good.json");
    std::fs::write(&good, r#"{ "lab": "mlp", "values": { "dataset": "xor", "lr": 0.05 } }"#).unwrap();
    h.state_mut().open_config(&good);
    assert_eq!(h.state().values()["dataset"], tenlab_models::ParamValue::Text("xor".into()));
    assert_eq!(h.state().values()["lr"], tenlab_models::ParamValue::Float(0.05));
}

#[test]
fn a_csv_path_typed_into_the_box_loads_and_trains() {
    let dir = std::env::temp_dir().join(format!("tenlab-ui-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("blobs.csv");
    let mut rows = String::from("x,y,kind\n");
    for i in 0..90 {
        let (cx, label) = if i % 2 == 0 { (-3.0, "left") } else { (3.0, "right") };
        rows.push_str(&format!("{},{},{label}\n", cx + (i as f32 * 0.37).sin(), (i as f32 * 0.73).cos()));
    }
    std::fs::write(&path, rows).unwrap();

    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_value("Circle").click();
    h.run_steps(2);
    h.get_by_label("My CSV file").click();
    // No file yet: the lab says so instead of training.
    assert!(frames_until(&mut h, 10, |a| a.runner.status.state == RunState::Failed));
    h.run_steps(2);
    h.get_by_label("Choose a CSV file first.");

    let field = h.get_by_label("CSV file ⟲");
    field.click();
    field.type_text(path.to_str().unwrap());
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.run_steps(2);
    assert!(h.state().runner.view_specs.iter().any(|v| v.id == "boundary"), "2-D data offers a boundary");
    h.get_by_label("▶ Play").click();
    assert!(frames_until(&mut h, 20, |a| a
        .runner
        .history
        .last(Metric::TEST_ACC)
        .is_some_and(|acc| acc > 0.9)));
}

#[test]
fn the_cnn_lab_trains_and_a_click_on_a_test_image_picks_it() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_label("CNN").click();
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
        && a.runner.view_specs.iter().any(|v| v.id == "maps")));
    h.get_by_label("⏭ Step").click();
    assert!(frames_until(&mut h, 30, |a| a.runner.status.step == 1 && a.runner.views.contains_key("maps")));
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "#5").click();
    assert!(frames_until(&mut h, 10, |a| a.values()["sample"] == tenlab_models::ParamValue::Int(5)));
    h.get_by_label("Prediction").click();
    assert!(frames_until(&mut h, 30, |a| a.runner.views.contains_key("probabilities")));
    h.run_steps(2);
    h.get_by_label("#5: 1");
}

/// Texts on screen that look like a translation key (`opt.circle`, `mlp.dataset`): a string
/// the tables lack, or looked up in the wrong room.
fn keys_on_screen(h: &Harness<'_, TenlabApp>) -> Vec<String> {
    let looks_like_key = |s: &str| {
        let s = s.trim_end_matches(" ⟲");
        s.contains('.')
            && s.chars().any(|c| c.is_ascii_lowercase())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_')
    };
    let found = std::cell::RefCell::new(vec![]);
    let by = By::new().include_labels().predicate(|n| {
        for text in [n.label(), n.value()].into_iter().flatten() {
            if looks_like_key(&text) {
                found.borrow_mut().push(text);
            }
        }
        false
    });
    let _ = h.query_all(by).count();
    found.into_inner()
}

/// Every view of every lab in the registry draws (kittest fails on a glyph no bundled font
/// has), in English and in Chinese.
#[test]
fn every_view_of_every_lab_draws_in_both_languages() {
    let mut h = harness(Harness::builder());
    for lang in Lang::ALL {
        if lang == Lang::Zh {
            h.get_by_value("English").click();
            h.run_steps(2);
            h.get_by_label("简体中文").click();
            h.run_steps(2);
        }
        for def in tenlab_models::registry() {
            h.get_by_label(&lab_tr(lang, def.id, "short")).click();
            assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
                && a.values().len() == (def.params)().len()));
            // The second time round the lab is where it was left.
            let step = h.state().runner.status.step;
            h.get_by_label(&tr(lang, "ui.step")).click();
            assert!(frames_until(&mut h, 60, |a| a.runner.status.step == step + 1), "{} steps", def.id);
            let specs = h.state().runner.view_specs.clone();
            assert!(!specs.is_empty());
            for spec in specs {
                h.get_by_label(&lab_tr(lang, def.id, &format!("view.{}", spec.id))).click();
                assert!(
                    frames_until(&mut h, 30, |a| a.runner.views.contains_key(spec.id)),
                    "{}/{}",
                    def.id,
                    spec.id
                );
                h.run_steps(2);
                let keys = keys_on_screen(&h);
                assert!(keys.is_empty(), "{}/{} in {lang:?} shows keys: {keys:?}", def.id, spec.id);
            }
        }
    }
}

/// A value the session refuses does not linger in the panel or the status bar.
#[test]
fn a_refused_value_goes_back_to_the_sessions() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.state_mut().runner.set("lr", ParamValue::Float(50.0));
    h.run_steps(1);
    assert!(frames_until(&mut h, 10, |a| a.values()["lr"] == ParamValue::Float(0.01)));
    h.run_steps(2);
    h.get_by_label_contains("lr = 50 is out of range");
    // The step trains at the session's rate, and the status bar says so.
    h.get_by_label("⏭ Step").click();
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == 1));
    h.run_steps(2);
    h.get_by_label("Learning rate 0.010");
}

/// Types `path` into the box that stands in for a file dialog (none opens in tests), then
/// presses its button.
fn type_path(h: &mut Harness<'_, TenlabApp>, path: &std::path::Path, button: &str) {
    h.run_steps(2);
    let field = h.get_by_label("No file dialog is available here. The file's path:");
    field.click();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("No file dialog is available here. The file's path:").type_text(path.to_str().unwrap());
    h.run_steps(2);
    h.get_by_label(button).click();
    h.run_steps(1);
}

/// "Save model…", then "Open model…" (through the path box where no file dialog opens): the
/// app runs the opened model; a broken file gets a message and the run goes on as it was.
#[test]
fn a_model_saves_and_opens_and_a_broken_file_changes_nothing() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_label("⏭ Step").click();
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == 1));
    let path = std::env::temp_dir().join(format!("tenlab-ui-{}.tenlab", std::process::id()));
    h.get_by_label("Save model…").click();
    type_path(&mut h, &path, "Save");
    assert!(frames_until(&mut h, 10, |a| a.notices().iter().any(|n| n.starts_with("Model saved to"))));
    assert!(path.exists());

    let broken = path.with_extension("broken");
    std::fs::write(&broken, "tenlab model\n{not json").unwrap();
    h.get_by_label("Open model…").click();
    type_path(&mut h, &broken, "Open");
    assert!(frames_until(&mut h, 10, |a| !a.runner.errors.is_empty()));
    h.run_steps(2);
    h.get_by_label_contains("the file's header is damaged");
    assert_eq!(h.state().runner.status.step, 1, "the run goes on");

    h.get_by_label("⏭ Step").click();
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == 2));
    h.state_mut().open_model(path);
    assert!(frames_until(&mut h, 20, |a| a.runner.status.step == 1 && a.runner.errors.is_empty()));
    h.run_steps(2);
    h.get_by_label("Step 1");
    // The run it replaced stays on the curves, dashed, to compare with.
    h.get_by_label("Compare with the previous run");
}

/// A click on the GAN's plane adds a point to the drawing, a right-click removes it, Undo
/// and Clear work, and the drawing is the data the lab trains on.
#[test]
fn points_clicked_on_the_gan_plane_become_its_data() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_label("GAN").click();
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
        && a.values().get("dataset") == Some(&ParamValue::Text("ring".into()))));
    h.get_by_value("ring of 8 Gaussians").click();
    h.run_steps(2);
    h.get_by_label("your own points (click to draw)").click();
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
        && a.runner.views.contains_key("plane")
        && a.values()["dataset"] == ParamValue::Text("drawn".into())));
    h.run_steps(2);
    let points = |a: &TenlabApp| tenlab_models::params::text_of(a.values(), "points").to_string();
    h.get_by_label("Clear").click();
    assert!(frames_until(&mut h, 10, |a| points(a).is_empty()));
    // The plane is square, just above the row of buttons: click at its centre, (0, 0).
    h.run_steps(2);
    let row = h.get_by_label("Undo").rect();
    let plane_bottom = row.top() - 4.0;
    let click = |h: &Harness<'_, TenlabApp>, pos: egui::Pos2, button: egui::PointerButton| {
        h.hover_at(pos);
        for pressed in [true, false] {
            h.event(egui::Event::PointerButton { pos, button, pressed, modifiers: Default::default() });
        }
    };
    let at = egui::pos2(row.left() + 60.0, plane_bottom - 60.0);
    click(&h, at, egui::PointerButton::Primary);
    assert!(frames_until(&mut h, 10, |a| points(a).split(';').count() == 1 && !points(a).is_empty()));
    click(&h, at + egui::vec2(30.0, -30.0), egui::PointerButton::Primary);
    assert!(frames_until(&mut h, 10, |a| points(a).split(';').count() == 2));
    // A right-click removes the nearest; Undo the last.
    click(&h, at, egui::PointerButton::Secondary);
    assert!(frames_until(&mut h, 10, |a| points(a).split(';').count() == 1));
    h.run_steps(2);
    h.get_by_label("Undo").click();
    assert!(frames_until(&mut h, 10, |a| points(a).is_empty()));
    // With no points, a step says what to do; with one, it trains.
    h.get_by_label("⏭ Step").click();
    assert!(frames_until(&mut h, 10, |a| !a.runner.errors.is_empty()));
    h.run_steps(2);
    h.get_by_label_contains("click on the plane to add some");
    click(&h, at, egui::PointerButton::Primary);
    assert!(frames_until(&mut h, 10, |a| !points(a).is_empty()));
    h.get_by_label("⏭ Step").click();
    assert!(frames_until(&mut h, 30, |a| a.runner.status.step == 1));
}

/// The DQN lab's cart-pole: the user drives it with the arrow keys (held right, the pole
/// falls), the episode ends with its reason, and its transitions reach the replay buffer.
#[test]
fn the_arrow_keys_drive_the_cart_pole_into_the_replay_buffer() {
    use tenlab_models::view::View;
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_label("DQN").click();
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
        && a.runner.views.contains_key("cartpole")));
    h.run_steps(2);
    let driven = |a: &TenlabApp| match a.runner.views.get("cartpole") {
        Some((_, View::CartPole(c))) => c.driven,
        _ => 0,
    };
    assert_eq!(driven(h.state()), 0);
    h.get_by_label("Drive it yourself").click();
    h.run_steps(2);
    h.key_down(egui::Key::ArrowRight);
    assert!(frames_until(&mut h, 30, |a| driven(a) > 0), "the episode went to the replay buffer");
    h.key_up(egui::Key::ArrowRight);
    h.run_steps(2);
    h.get_by_label_contains("Your transitions in the buffer");
    h.get_by_label("Watch the agent").click();
    h.run_steps(2);
    h.get_by_label("Drive it yourself");
}

/// A lab keeps its run while the user visits another: model, step, curves, paused.
#[test]
fn a_lab_keeps_its_run_while_another_is_shown() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    for _ in 0..3 {
        h.get_by_label("⏭ Step").click();
        h.run_steps(1);
    }
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == 3));
    let curve = h.state().runner.history.curve(Metric::BATCH_LOSS).to_vec();
    h.get_by_label("▶ Play").click();
    h.run_steps(1);
    h.get_by_label("GCN").click();
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused
        && a.runner.status.step == 0
        && a.parked_labs() == ["mlp"]));
    h.get_by_label("MLP").click();
    h.run_steps(1);
    // Back at once, paused where it was left (it was playing: a few steps further).
    let a = h.state();
    assert_eq!(a.parked_labs(), ["gcn"]);
    assert!(a.runner.status.step >= 3, "step {}", a.runner.status.step);
    assert_eq!(&a.runner.history.curve(Metric::BATCH_LOSS)[..3], &curve[..]);
    assert!(frames_until(&mut h, 10, |a| a.runner.status.state == RunState::Paused));
    // Reset is what starts over.
    h.get_all_by_label("⟲ Reset").next().unwrap().click();
    assert!(
        frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused && a.runner.status.step == 0)
    );
}

/// Play stops at the lab's budget with a message; a further Play trains on.
#[test]
fn play_stops_at_the_budget_and_a_further_play_trains_on() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_label("GCN").click();
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused && a.runner.budget > 0));
    let budget = h.state().runner.budget;
    assert_eq!(budget, 200);
    h.get_by_label("max").click();
    h.run_steps(1);
    h.get_by_label("▶ Play").click();
    assert!(
        frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused && a.runner.status.step > 0)
    );
    assert_eq!(h.state().runner.status.step, budget);
    h.run_steps(2);
    h.get_by_label(&tenlab_app::i18n::trf(Lang::En, "ui.budget_reached", &[&200]));
    h.get_by_label("▶ Play").click();
    assert!(frames_until(&mut h, 30, |a| a.runner.status.step > budget + 10));
    h.get_by_label("⏸ Pause").click();
}

/// A preset that fails on purpose: the detector's words appear above the views, and Dismiss
/// takes them away (the charts keep the mark). A preset starts from the defaults: the next one
/// does not inherit its learning rate.
#[test]
fn a_detector_speaks_up_on_the_learning_rate_preset_and_presets_start_from_the_defaults() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.get_by_label("Learning rate too high").click();
    assert!(frames_until(&mut h, 10, |a| {
        a.runner.values().get("lr") == Some(&ParamValue::Float(3.0))
            && a.runner.device.is_some()
            && a.runner.status.state == RunState::Paused
    }));
    h.get_by_label("▶ Play").click();
    assert!(frames_until(&mut h, 30, |a| !a.runner.findings.is_empty()));
    h.run_steps(2);
    let words = tr(Lang::En, "detect.diverging");
    let said = lab_tr(Lang::En, "mlp", "detect.diverging");
    assert_eq!(words, "detect.diverging", "a lab string, not the shell's");
    let step = h.state().runner.findings[0].step;
    h.get_by_label(&said.replace("{0}", &step.to_string()));
    h.get_by_label("⏸ Pause").click();
    h.get_by_label("Dismiss").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("the learning rate is likely too high").is_none());
    assert_eq!(h.state().runner.findings.len(), 1, "still marked on the charts");
    h.get_by_label("Overfitting").click();
    assert!(frames_until(&mut h, 10, |a| {
        a.runner.values().get("lr") == Some(&ParamValue::Float(0.03))
            && a.runner.values().get("optimizer") == Some(&ParamValue::Text("adam".into()))
    }));
}

/// The explanation panel: the model's sections and the view on screen, in the language
/// chosen; a view's formula shows the lab's numbers now (the DQN's γ, horizon and ε).
#[test]
fn the_explanation_panel_explains_the_lab_and_its_view_with_the_numbers_now() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    assert!(h.query_by_label("The idea").is_none(), "closed until asked for");
    h.get_by_label("📖 Explain").click();
    h.run_steps(3);
    h.get_by_label("The idea");
    h.get_by_label(&lab_tr(Lang::En, "mlp", "explain.idea"));
    h.get_by_label("In this view: Decision boundary");
    h.get_by_label(&lab_tr(Lang::En, "mlp", "view.boundary.look"));

    h.get_by_label("DQN").click();
    assert!(
        frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused && a.runner.device.is_some())
    );
    h.get_by_label(&lab_tr(Lang::En, "dqn", "view.q_values")).click();
    assert!(frames_until(&mut h, 20, |a| a.runner.formulas.contains_key("q_values")));
    h.run_steps(3);
    h.get_by_label("y = r + γ·max_a′ Q_target(s′, a′); γ = 0.99: rewards count over about 1/(1−γ) = 100 steps; exploring with ε = 1 now");

    h.get_by_value("English").click();
    h.run_steps(2);
    h.get_by_label("简体中文").click();
    h.run_steps(3);
    h.get_by_label("核心思想");
    h.get_by_label(&lab_tr(Lang::Zh, "dqn", "explain.idea"));
}

#[test]
fn snapshot_of_the_explanation_panel() {
    let mut h = harness(Harness::builder().wgpu());
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
        && a.runner.views.contains_key("boundary")));
    h.get_by_label("📖 Explain").click();
    h.run_steps(4);
    h.snapshot("mlp_explain");
}

/// A shipped lesson from the Lessons menu: the step's words show above the lab, its locked
/// controls cannot be changed, Next (or →) moves to the next step's lab and settings, Back
/// returns; the lab as it is can be added as a step of a lesson being written.
#[test]
fn a_lesson_walks_through_its_steps_with_its_words_and_locks() {
    use tenlab_models::lesson::Lesson;
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    let lesson = Lesson::shipped("relu_and_skips").unwrap();
    h.get_by_label("📚 Lessons").click();
    h.run_steps(2);
    h.get_by_label(&lesson.title.en).click();
    assert!(frames_until(&mut h, 20, |a| a.runner.values().get("dataset")
        == Some(&ParamValue::Text("spiral".into()))));
    h.run_steps(2);
    h.get_by_label("step 1 of 5");
    h.get_by_label(&lesson.steps[0].question.en);
    h.get_by_label(&lesson.steps[0].look.en);

    h.get_by_label("Next ▶").click();
    assert!(frames_until(&mut h, 20, |a| a.runner.values().get("activation")
        == Some(&ParamValue::Text("sigmoid".into()))
        && a.runner.values().get("layers") == Some(&ParamValue::Int(6))));
    h.run_steps(2);
    h.get_by_label(&lesson.steps[1].title.en);
    // Locked: the label and value, no control to change it.
    h.get_by_label("Activation 🔒");
    assert!(h.query_by_label("Hidden layers ⟲").is_none());

    h.key_press(egui::Key::ArrowRight);
    assert!(frames_until(&mut h, 20, |a| a.runner.values().get("activation")
        == Some(&ParamValue::Text("relu".into()))));
    h.run_steps(2);
    h.get_by_label("step 3 of 5");
    h.get_by_label("◀ Back").click();
    assert!(frames_until(&mut h, 20, |a| a.runner.values().get("activation")
        == Some(&ParamValue::Text("sigmoid".into()))));
    h.get_by_label("Next ▶").click();
    h.run_steps(2);
    h.get_by_label("Next ▶").click();
    assert!(frames_until(&mut h, 30, |a| a.lesson.as_ref().is_some_and(|l| l.step == 3)
        && a.runner.values().get("skips") == Some(&ParamValue::Bool(false))));
    h.run_steps(2);
    h.get_by_label("step 4 of 5");

    // Writing a lesson: the lab as it is becomes a step.
    h.get_by_label("📚 Lessons").click();
    h.run_steps(2);
    h.get_by_label("Add this as a lesson step").click();
    h.run_steps(2);
    assert_eq!(h.state().draft.len(), 1);
    assert_eq!(h.state().draft[0].lab, "resnet");
    assert_eq!(h.state().draft[0].values().unwrap(), *h.state().runner.values());
    h.get_by_label("Close the lesson").click();
    h.run_steps(2);
    assert!(h.state().lesson.is_none());
}

#[test]
fn snapshot_of_a_lesson_step() {
    let mut h = harness(Harness::builder().wgpu());
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused));
    h.state_mut()
        .open_lesson(tenlab_models::lesson::Lesson::shipped("relu_and_skips").unwrap(), Default::default());
    h.state_mut().go_to_step(1);
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
        && a.runner.values().get("layers") == Some(&ParamValue::Int(6))
        && a.runner.views.contains_key("boundary")));
    h.run_steps(4);
    h.snapshot("lesson_step");
}

/// The room: ? lists the shortcuts, S steps once, P turns projector mode on (larger type,
/// high contrast, thicker lines), the colour-blind switch changes the class colours, E opens
/// the explanation panel.
#[test]
fn shortcuts_projector_mode_and_the_colour_blind_palette() {
    use tenlab_app::views::paint::{CLASS_COLORS, COLOR_BLIND_COLORS, class_color, line_width};
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.key_press(egui::Key::F1);
    h.run_steps(2);
    h.get_by_label("Keyboard shortcuts");
    h.get_by_label(&tr(Lang::En, "keys.full_screen"));
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(!h.state().show_keys);

    h.key_press(egui::Key::S);
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == 1));

    assert_eq!(class_color(2), CLASS_COLORS[2]);
    h.get_by_label("Colour-blind colours").click();
    h.run_steps(2);
    assert_eq!(class_color(2), COLOR_BLIND_COLORS[2]);

    assert_eq!(line_width(2.0), 2.0);
    h.key_press(egui::Key::P);
    h.run_steps(2);
    assert!(h.state().settings.projector && h.state().settings.scale >= 1.5);
    assert_eq!(line_width(2.0), 4.0);
    assert_eq!(h.ctx.global_style().visuals.panel_fill, egui::Color32::BLACK);
    h.get_by_label("Projector").click();
    h.run_steps(2);
    assert!(!h.state().settings.projector);
    assert_ne!(h.ctx.global_style().visuals.panel_fill, egui::Color32::BLACK);

    h.key_press(egui::Key::E);
    h.run_steps(2);
    h.get_by_label("The idea");
}

#[test]
fn snapshot_of_projector_mode_with_the_colour_blind_palette() {
    // Built in projector mode from its first frame, as a window reopened in it would be.
    let projector = Settings { projector: true, scale: 1.5, color_blind: true, ..settings() };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .wgpu()
        .build_eframe(|cc| TenlabApp::with_settings(&cc.egui_ctx, projector, false));
    assert!(frames_until(&mut h, 30, |a| a.runner.status.state == RunState::Paused
        && a.runner.views.contains_key("boundary")));
    h.run_steps(4);
    h.snapshot("projector_mode");
}

/// The curves go to a CSV file a spreadsheet opens: the button waits for points, then the
/// file has a row per point the charts show.
#[test]
fn the_curves_save_as_csv() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.key_press(egui::Key::S);
    h.key_press(egui::Key::S);
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == 2));
    // No file dialog in tests: the button opens a box for the path, with a name in it.
    h.get_by_label("Save curves as CSV…").click();
    h.run_steps(2);
    assert!(h.get_all_by_value("mlp-curves.csv").next().is_some());
    let path = std::env::temp_dir().join(format!("tenlab-curves-{}.csv", std::process::id()));
    h.state_mut().save_curves(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "step,metric,value");
    assert!(rows.iter().any(|r| r.starts_with("2,batch_loss,")), "{text}");
}

/// A view that is a picture saves as a PNG from its own button.
#[test]
fn the_view_on_screen_saves_as_a_png() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.views.contains_key("boundary")));
    h.run_steps(2);
    h.get_by_label("Save as PNG…").click();
    h.run_steps(2);
    assert!(h.get_all_by_value("mlp-boundary.png").next().is_some(), "the path box offers a name");
    let path = std::env::temp_dir().join(format!("tenlab-view-{}.png", std::process::id()));
    h.state_mut().save_view_png(&path);
    let img = image::open(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!((img.width(), img.height()), (600, 600));
}

/// Pin a run, change a knob and start again: the pinned run's view stands beside the live one,
/// titled with the settings that differ, and its curves stay drawn to compare with.
#[test]
fn a_pinned_run_is_shown_beside_the_next_one() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    for _ in 0..3 {
        h.key_press(egui::Key::S);
        h.run_steps(1);
    }
    assert!(
        frames_until(&mut h, 10, |a| a.runner.status.step == 3 && a.runner.views.contains_key("boundary"))
    );
    h.run_steps(2);
    h.get_by_label("📌 Pin this run").click();
    h.run_steps(2);
    h.get_by_label("Learning rate too high").click();
    h.run_steps(2);
    h.key_press(egui::Key::R);
    assert!(frames_until(&mut h, 20, |a| a.runner.status.step == 0
        && a.runner.values().get("lr") == Some(&ParamValue::Float(3.0))
        && a.runner.views.contains_key("boundary")));
    h.run_steps(3);
    // The pinned run's title names the settings that differ from this run's.
    h.get_by_label("📌 Pinned run, step 3 (Learning rate 0.01, Optimizer adam)");
    h.get_by_label("This run, step 0");
    h.get_by_label("Compare with the previous run");
    h.get_by_label("📌 Unpin").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("📌 Pinned run").is_none());
}

/// Click a chart: the checkpoint at or before that step is picked and marked; "Go back" takes
/// the run there, and what came after stays drawn as a branch named by its settings.
#[test]
fn a_click_on_a_chart_goes_back_to_a_checkpoint_and_leaves_a_branch() {
    let mut h = harness(Harness::builder().wgpu());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.state_mut().runner.step(160);
    assert!(frames_until(&mut h, 30, |a| a.runner.status.step == 160));
    h.run_steps(3);
    h.get_by_label_contains("Click a curve to go back: 3 checkpoints kept");
    // Three fifths across the loss chart: about step 95, whose checkpoint is step 78.
    let title = h.get_by_label("Loss").rect();
    let at = egui::pos2(title.left() + 0.6 * (1400.0 - title.left()), title.bottom() + 80.0);
    h.hover_at(at);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        });
    }
    h.run_steps(3);
    let picked = h.state().runner.status.checkpoints.steps.clone();
    let go = h.get_by_label_contains("⏪ Go back to step");
    let label = go.accesskit_node().label().unwrap_or_default();
    let step: u64 = label.rsplit(' ').next().unwrap().parse().unwrap();
    assert_eq!(step, 78, "{label} of {picked:?}");
    let drawn = h.state().runner.views["boundary"].0;
    go.click();
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == step
        && a.runner.branches.len() == 1
        && a.runner.views["boundary"].0 > drawn));
    h.run_steps(3);
    // The window above the status bar, whose training and wall times vary from run to run.
    let bar = h.get_by_label_contains("Training time").rect();
    let image = h.render().unwrap();
    let above = (bar.top() * h.ctx.pixels_per_point()) as u32 - 2;
    egui_kittest::image_snapshot(
        &image::imageops::crop_imm(&image, 0, 0, image.width(), above).to_image(),
        "rewind_branch",
    );
    // A knob changed and a few steps: the branch left behind is named by what differed.
    h.state_mut().runner.set("lr", ParamValue::Float(0.1));
    h.state_mut().runner.step(40);
    assert!(frames_until(&mut h, 20, |a| a.runner.status.step == step + 40));
    h.run_steps(3);
    // In the legend of the charts (loss, accuracy and the others the branch has curves in).
    assert!(h.query_all_by_label_contains("🔀 Branch 1 (Learning rate 0.01)").count() >= 2);
}

/// "Save a lab report…" writes the folder `tenlab train --report` writes: the page, every view
/// as a picture, the settings, the summary and the curves.
#[test]
fn a_lab_report_is_saved_from_the_window() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.status.state == RunState::Paused));
    h.state_mut().runner.step(30);
    assert!(frames_until(&mut h, 20, |a| a.runner.status.step == 30));
    h.run_steps(2);
    h.get_by_label("Save a lab report…").click();
    h.run_steps(2);
    assert!(h.get_all_by_value("mlp-report").next().is_some(), "the path box offers a name");
    let dir = std::env::temp_dir().join(format!("tenlab-report-ui-{}", std::process::id()));
    h.state_mut().save_report(dir.clone());
    assert!(frames_until(&mut h, 20, |_| dir.join("report.md").exists()));
    let page = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(page.contains("30 steps"), "{page}");
    for file in [
        "view-boundary.png",
        "view-neurons.png",
        "view-weights.png",
        "view-confusion.png",
        "settings.json",
        "summary.json",
        "curves.csv",
    ] {
        assert!(dir.join(file).exists(), "{file}");
    }
    h.get_by_label_contains("Lab report saved:");
    std::fs::remove_dir_all(&dir).unwrap();
    // In Chinese, the page's words are Chinese.
    h.state_mut().settings.lang = Lang::Zh;
    h.state_mut().save_report(dir.clone());
    assert!(frames_until(&mut h, 20, |_| dir.join("report.md").exists()));
    let page = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(page.contains("## 设置") && page.contains("上训练 30 步"), "{page}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// F shows the view on screen alone, full screen (for the back of the room); F or Esc
/// brings the whole window back.
#[test]
fn f_shows_the_view_alone_and_esc_brings_the_window_back() {
    let mut h = harness(Harness::builder());
    assert!(frames_until(&mut h, 20, |a| a.runner.views.contains_key("boundary")));
    h.run_steps(2);
    h.key_press(egui::Key::F);
    h.run_steps(2);
    assert!(h.state().full_screen);
    h.get_by_label("F or Esc: back to the whole window");
    h.get_by_label("Decision boundary");
    assert!(h.query_by_label("Hyper-parameters").is_none(), "the panels are gone");
    // The shortcuts still act.
    h.key_press(egui::Key::S);
    assert!(frames_until(&mut h, 10, |a| a.runner.status.step == 1));
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(!h.state().full_screen);
    h.get_by_label("Hyper-parameters");
}
