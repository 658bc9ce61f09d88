//! The app, driven through egui_kittest: find widgets by label, click, step frames, assert.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tenlab_app::{Settings, TenlabApp};
use tenlab_models::engine::RunState;
use tenlab_models::{DeviceChoice, Metric};

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
    assert!(frames_until(&mut h, 20, |a| a.runner.history.curve(Metric::BatchLoss).len() > 30));
    assert!(frames_until(&mut h, 10, |a| a.runner.history.curve(Metric::TestLoss).len() > 2));

    h.get_by_label("⏸ Pause").click();
    assert!(frames_until(&mut h, 10, |a| a.runner.status.state == RunState::Paused));
    let n = h.state().runner.history.curve(Metric::BatchLoss).len();
    std::thread::sleep(Duration::from_millis(300));
    h.run_steps(3);
    assert_eq!(h.state().runner.history.curve(Metric::BatchLoss).len(), n);

    // The language switch changes the labels.
    h.get_by_value("English").click();
    h.run_steps(2);
    h.get_by_label("简体中文").click();
    h.run_steps(2);
    assert!(h.query_by_label("▶ Play").is_none());
    h.get_by_label("▶ 开始");
    h.get_by_label("超参数");
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
