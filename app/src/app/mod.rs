//! The window: lab picker, hyper-parameter panel, play / pause / step / reset, the lab's
//! views, live curves and a status bar. It only draws: training happens on the runner's
//! thread, and every frame just reads what the runner has received.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::Receiver;
use egui::{Color32, RichText};
use egui_plot::{Legend, Line, Plot, VLine};
use serde::{Deserialize, Serialize};
use tenlab_models::data::points::{format_points, parse_points};
use tenlab_models::engine::{History, Marker, RunState};
use tenlab_models::labs::LabDef;
use tenlab_models::params::{Group, ParamKind, ParamSpec};
use tenlab_models::{DeviceChoice, Metric, ParamValue, Runner, Values};

use crate::i18n::{Lang, error_text, lab_tr, param_help, param_label, tr, trf};

mod curves;
pub(crate) mod explain;
mod files;
mod lesson;
mod params;
mod pin;
mod rewind;
mod room;
mod status;

use crate::views::{self, Views};
use files::Pick;

/// What persists between launches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub scale: f32,
    pub last_lab: String,
    pub device: DeviceChoice,
    /// The explanation panel is open.
    pub explain: bool,
    /// Projector mode: larger type, thicker lines, high contrast.
    pub projector: bool,
    /// Class colours that stay apart for the colour-blind.
    pub color_blind: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            lang: Lang::En,
            scale: 1.0,
            last_lab: "mlp".into(),
            device: DeviceChoice::Auto,
            explain: false,
            projector: false,
            color_blind: false,
        }
    }
}

const SETTINGS_KEY: &str = "tenlab.settings";
/// A CJK-capable font so that 简体中文 renders on any machine (Apache-2.0, see assets/fonts).
pub(crate) const CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");

/// What the window keeps of one lab's run beside its training thread: the view shown, the
/// previous run's curves, the view widgets' state and the speed. A lab the user leaves keeps
/// it, with its runner (paused), until the user comes back.
struct Room {
    view: Option<String>,
    /// The curves of the run before the last reset (same lab), drawn dashed for comparison
    /// (the pinned run's while one is pinned).
    previous: Option<History>,
    /// A run pinned to compare with, its view shown beside the live one.
    pinned: Option<pin::Pinned>,
    show_previous: bool,
    /// The checkpoint a click on a curve chose to go back to (not yet confirmed).
    rewind_to: Option<u64>,
    /// The view kinds' widgets, each with its own state (textures, a drawing, toggles).
    views: Views,
    speed: f32,
    speed_max: bool,
    /// The speed is the lab's default (see [`default_speed`]) until the user sets one.
    speed_auto: bool,
}

impl Room {
    /// The steps per second the runner is held to; none: as fast as it can.
    fn limit(&self) -> Option<f32> {
        (!self.speed_max).then_some(self.speed)
    }
}

impl Default for Room {
    fn default() -> Self {
        // The speed until the lab is built and its budget known.
        Self {
            view: None,
            previous: None,
            pinned: None,
            show_previous: true,
            rewind_to: None,
            views: Views::default(),
            speed: 100.0,
            speed_max: false,
            speed_auto: true,
        }
    }
}

pub struct TenlabApp {
    pub settings: Settings,
    lab: &'static LabDef,
    /// The runs of the labs shown before, each paused where the user left it.
    parked: HashMap<&'static str, (Runner, Room)>,
    /// The training thread's handle (public for tests).
    pub runner: Runner,
    room: Room,
    view_dirty: bool,
    /// Messages that are not lab errors, each marked good news (a file saved) or not.
    notices: Vec<(bool, String)>,
    /// The file dialogs and typed paths ([`files::Files`]).
    files: files::Files,
    repaint: egui::Context,
    /// The text parameter being typed in, and its text before.
    editing: Option<(&'static str, String)>,
    applied_scale: f32,
    /// Frame times, when `TENLAB_FRAME_TIMES` asks for them ([`crate::frames`]).
    frames: Option<crate::frames::FrameLog>,
    /// The lesson being taught, if any.
    pub lesson: Option<lesson::LessonRun>,
    /// The steps of a lesson being written ("Add this as a lesson step").
    pub draft: Vec<tenlab_models::lesson::Step>,
    /// The view on screen alone fills the screen (F).
    pub full_screen: bool,
    /// The folder a lab report goes to, while its views are being drawn.
    report_to: Option<PathBuf>,
    /// The overlay listing the keyboard shortcuts is open (? or F1).
    pub show_keys: bool,
}

impl TenlabApp {
    /// The app as eframe starts it: settings from the last launch, real file dialogs.
    /// The app as the user left it, or on lab `start.0` with the settings `start.1`.
    pub fn new(cc: &eframe::CreationContext<'_>, start: Option<crate::Start>) -> Self {
        let mut settings: Settings =
            cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default();
        match start {
            Some(crate::Start::Lab(lab, values)) => {
                settings.last_lab = lab.id.into();
                Self::build(&cc.egui_ctx, settings, true, Some(values))
            }
            Some(crate::Start::Lesson(lesson, base)) => {
                let mut app = Self::build(&cc.egui_ctx, settings, true, None);
                app.open_lesson(lesson, base);
                app
            }
            None => Self::build(&cc.egui_ctx, settings, true, None),
        }
    }

    /// The app with given settings; `dialogs: false` never opens a file dialog (tests).
    pub fn with_settings(ctx: &egui::Context, settings: Settings, dialogs: bool) -> Self {
        Self::build(ctx, settings, dialogs, None)
    }

    /// The app on the lab of `settings`, built from `values` (else its defaults).
    fn build(ctx: &egui::Context, settings: Settings, dialogs: bool, values: Option<Values>) -> Self {
        install_fonts(ctx);
        let runner = spawn_runner(ctx);
        let lab = tenlab_models::find_lab(&settings.last_lab).unwrap_or(&tenlab_models::registry()[0]);
        let mut app = Self {
            settings,
            lab,
            parked: HashMap::new(),
            runner,
            room: Room::default(),
            view_dirty: true,
            notices: Vec::new(),
            files: files::Files { dialogs, prompt: None, picking: None },
            repaint: ctx.clone(),
            editing: None,
            applied_scale: 0.0,
            frames: crate::frames::FrameLog::from_env(),
            lesson: None,
            draft: Vec::new(),
            full_screen: false,
            report_to: None,
            show_keys: false,
        };
        app.load(values.unwrap_or_else(|| lab.defaults()));
        app
    }

    fn lang(&self) -> Lang {
        self.settings.lang
    }

    fn t(&self, key: &str) -> String {
        tr(self.lang(), key)
    }

    /// Rebuilds the lab from the current values (the Reset button).
    fn reset(&mut self) {
        self.load(self.runner.values().clone());
    }

    /// Builds the lab from `values`.
    fn load(&mut self, values: Values) {
        // Keep the curves of a run that trained, to compare the next one with it (the pinned
        // run's, while one is pinned).
        if let Some(p) = &self.room.pinned {
            self.room.previous = Some(p.history.clone());
        } else if self.runner.status.step > 0 {
            self.room.previous = Some(self.runner.history.clone());
        }
        self.room.rewind_to = None;
        self.runner.load(self.lab, values, self.settings.device);
        self.runner.speed(self.room.limit());
        self.view_dirty = true;
    }

    /// Shows another lab: its run as the user left it (paused), or a new one with its
    /// defaults; `values` (a settings file) rebuild it with those settings instead.
    fn switch_lab(&mut self, lab: &'static LabDef, values: Option<Values>) {
        if lab.id != self.lab.id {
            // The run being left pauses and waits, whole, for the user to come back.
            self.runner.pause();
            let back = self.parked.remove(lab.id);
            let fresh = back.is_none();
            let (runner, room) = back.unwrap_or_else(|| (spawn_runner(&self.repaint), Room::default()));
            let left = (std::mem::replace(&mut self.runner, runner), std::mem::replace(&mut self.room, room));
            self.parked.insert(self.lab.id, left);
            self.lab = lab;
            self.settings.last_lab = lab.id.into();
            self.view_dirty = true;
            // Messages about the lab left behind.
            self.notices.clear();
            if fresh && values.is_none() {
                self.load(lab.defaults());
            }
        }
        if let Some(values) = values {
            self.load(values);
        }
    }

    /// Labs whose runs wait in the background (for tests).
    pub fn parked_labs(&self) -> Vec<&'static str> {
        let mut labs: Vec<_> = self.parked.keys().copied().collect();
        labs.sort_unstable();
        labs
    }

    /// The lab's default pace, once its budget is known, until the user picks another.
    fn apply_default_speed(&mut self) {
        if self.room.speed_auto && self.runner.budget > 0 {
            let (speed, max) = default_speed(self.runner.budget);
            if (speed, max) != (self.room.speed, self.room.speed_max) {
                (self.room.speed, self.room.speed_max) = (speed, max);
                self.runner.speed(self.room.limit());
            }
        }
    }

    /// A hyper-parameter changed in the panel. `settled` is false while a slider is dragged.
    fn param_changed(&mut self, spec: &ParamSpec, value: ParamValue, settled: bool) {
        self.view_dirty = true;
        if spec.live {
            self.runner.set(spec.key, value);
        } else if !settled {
            // A slider being dragged: the rebuild waits until it is let go.
            self.runner.preview(spec.key, value);
        } else if self.runner.status.step == 0 && !self.runner.is_playing() {
            // Nothing trained yet: rebuild at once, no need to ask for a reset.
            let mut values = self.runner.values().clone();
            values.insert(spec.key.into(), value);
            self.load(values);
        } else {
            self.runner.set(spec.key, value);
        }
    }

    /// The lab's current hyper-parameters (as the session accepted them).
    pub fn values(&self) -> &Values {
        self.runner.values()
    }

    /// Messages shown to the user that are not lab errors (file dialogs, settings files).
    pub fn notices(&self) -> Vec<&str> {
        self.notices.iter().map(|(_, text)| text.as_str()).collect()
    }

    // -----------------------------------------------------------------------------------
    // Panels

    fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.heading(RichText::new("tenlab").strong());
            ui.separator();
            ui.label(self.t("ui.lab"));
            for lab in tenlab_models::registry() {
                let selected = lab.id == self.lab.id;
                if ui
                    .selectable_label(selected, lab_tr(self.lang(), lab.id, "short"))
                    .on_hover_text(lab_tr(self.lang(), lab.id, "name"))
                    .clicked()
                {
                    self.switch_lab(lab, None);
                }
            }
            ui.separator();
            let label = ui.label(self.t("ui.device")).id;
            let mut device = self.settings.device;
            egui::ComboBox::from_id_salt("device")
                .selected_text(self.t(&format!("device.{}", device.key())))
                .show_ui(ui, |ui| {
                    for d in DeviceChoice::ALL {
                        ui.selectable_value(
                            &mut device,
                            d,
                            tr(self.settings.lang, &format!("device.{}", d.key())),
                        );
                    }
                })
                .response
                .labelled_by(label)
                .on_hover_text(self.t("ui.device.help"));
            if device != self.settings.device {
                self.settings.device = device;
                self.reset();
            }
            ui.separator();
            self.lessons_menu_ui(ui);
            let (label, help) = (self.t("ui.explain"), self.t("ui.explain.help"));
            ui.toggle_value(&mut self.settings.explain, label).on_hover_text(help);
            ui.separator();
            let label = ui.label(self.t("ui.language")).id;
            let mut lang = self.settings.lang;
            egui::ComboBox::from_id_salt("language")
                .selected_text(lang.native_name())
                .show_ui(ui, |ui| {
                    for l in Lang::ALL {
                        ui.selectable_value(&mut lang, l, l.native_name());
                    }
                })
                .response
                .labelled_by(label);
            self.settings.lang = lang;
        });
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            self.pin_ui(ui);
            let playing = self.runner.is_playing();
            let ready = matches!(self.runner.status.state, RunState::Paused | RunState::Playing);
            if playing {
                if ui
                    .button(RichText::new(self.t("ui.pause")).size(18.0))
                    .on_hover_text(self.t("ui.pause.help"))
                    .clicked()
                {
                    self.runner.pause();
                }
            } else if ui
                .add_enabled(ready, egui::Button::new(RichText::new(self.t("ui.play")).size(18.0)))
                .on_hover_text(self.t("ui.play.help"))
                .clicked()
            {
                self.runner.play();
            }
            if ui
                .add_enabled(
                    ready && !playing,
                    egui::Button::new(RichText::new(self.t("ui.step")).size(18.0)),
                )
                .on_hover_text(self.t("ui.step.help"))
                .clicked()
            {
                self.runner.step(1);
                self.view_dirty = true;
            }
            if ui
                .button(RichText::new(self.t("ui.reset")).size(18.0))
                .on_hover_text(self.t("ui.reset.help"))
                .clicked()
            {
                self.reset();
            }
            if self.lab.trained.is_some()
                && ui
                    .button(RichText::new(self.t("ui.trained")).size(18.0))
                    .on_hover_text(self.t("ui.trained.help"))
                    .clicked()
            {
                self.open_trained();
            }
            ui.separator();
            let label = ui.label(self.t("ui.speed")).on_hover_text(self.t("ui.speed.help")).id;
            let (rate, max) = (format!(" {}", self.t("status.rate")), self.t("ui.speed.max"));
            let slider = egui::Slider::new(&mut self.room.speed, 1.0..=1000.0)
                .logarithmic(true)
                .suffix(rate)
                .fixed_decimals(0);
            let r1 = ui.add_enabled(!self.room.speed_max, slider).labelled_by(label);
            let r2 = ui.checkbox(&mut self.room.speed_max, max);
            if r1.changed() || r2.changed() {
                self.room.speed_auto = false;
                self.runner.speed(self.room.limit());
            }
        });
        ui.label(RichText::new(lab_tr(self.lang(), self.lab.id, "desc")).italics());
    }

    fn views_ui(&mut self, ui: &mut egui::Ui) {
        let specs = self.runner.view_specs.clone();
        if specs.is_empty() {
            return;
        }
        if self.room.view.as_ref().is_none_or(|v| !specs.iter().any(|s| s.id == v)) {
            self.room.view = Some(specs[0].id.to_string());
        }
        let current = self.room.view.clone().unwrap_or_default();
        let (lang, lab) = (self.lang(), self.lab.id);
        ui.horizontal_wrapped(|ui| {
            for spec in &specs {
                let title = lab_tr(lang, lab, &format!("view.{}", spec.id));
                if ui
                    .selectable_label(current == spec.id, title)
                    .on_hover_text(lab_tr(lang, lab, &format!("view.{}.help", spec.id)))
                    .clicked()
                {
                    self.room.view = Some(spec.id.to_string());
                    self.view_dirty = true;
                }
            }
            // The view as a PNG, for the kinds that are pictures (images, boundaries, clouds).
            let picture =
                self.runner.views.get(&current).is_some_and(|(_, v)| tenlab_models::picture::is_picture(v));
            if picture && ui.button(self.t("ui.png.save")).on_hover_text(self.t("ui.png.save.help")).clicked()
            {
                self.start_pick(files::Pick::SavePng);
            }
        });
        // Ask for a fresh copy while training (the runner keeps it to ~10 a second), or once
        // after anything changed.
        let stale = !self.runner.views.contains_key(&current);
        if self.runner.is_playing() || self.view_dirty || stale {
            self.runner.request_view(&current);
            if !self.runner.is_playing() && !stale {
                self.view_dirty = false;
            }
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
        let live = |app: &mut Self, ui: &mut egui::Ui| match app.runner.views.get(&current) {
            Some((rev, view)) => {
                let cx = views::Cx { lang, lab, id: &current, rev: *rev };
                app.room.views.ui(ui, &cx, view)
            }
            None => {
                ui.label(app.t("ui.waiting"));
                None
            }
        };
        // With a run pinned on this view: the pinned copy on the left, the live run on the right.
        let pinned_here = self.room.pinned.as_ref().is_some_and(|p| p.view_id == current);
        let action = if pinned_here {
            let mut action = None;
            ui.columns(2, |cols| {
                let [left, right] = cols else { return };
                self.pinned_view_ui(left, &current);
                right.label(RichText::new(trf(lang, "ui.live.title", &[&self.runner.status.step])).strong());
                action = live(self, right);
            });
            action
        } else {
            live(self, ui)
        };
        match action {
            // A click in the view (e.g. on a test image) sets a live parameter.
            Some(views::Action::Set(key, value)) => {
                if let Some(spec) = self.lab.spec(key) {
                    self.param_changed(&spec, ParamValue::Int(value), true);
                }
            }
            Some(views::Action::Input(key, data)) => self.runner.input(key, data, &current),
            // A click on a plane edits the points the user draws (a live parameter).
            Some(views::Action::Points(key, edit)) => {
                if let Some(spec) = self.lab.spec(key) {
                    let text = tenlab_models::params::text_of(self.runner.values(), key);
                    let mut points = parse_points(key, text).unwrap_or_default();
                    edit.apply(&mut points);
                    self.param_changed(&spec, ParamValue::Text(format_points(&points)), true);
                }
            }
            None => {}
        }
    }
}

/// egui's fonts with the CJK font behind them, so that Chinese (labels, poems, numerals)
/// draws in every family.
/// A training thread whose events repaint the window.
fn spawn_runner(ctx: &egui::Context) -> Runner {
    let repaint = ctx.clone();
    Runner::spawn(Arc::new(move || repaint.request_repaint()))
}

/// Play's default pace for a lab with this budget: the whole run in about half a minute, so
/// that a class sees it end (GCN's 200 steps at ~7 a second, the MLP's 2,500 at ~83); a lab
/// that would need more than 1,000 steps a second (DQN's 150,000) trains flat out.
pub fn default_speed(budget: u64) -> (f32, bool) {
    let pace = budget as f32 / 30.0;
    if pace > 1000.0 { (1000.0, true) } else { (pace.clamp(2.0, 1000.0).round(), false) }
}

/// The fonts the app draws with: egui's, then a CJK font, then egui's monospace font for the
/// symbols the proportional one lacks.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert("cjk".into(), Arc::new(egui::FontData::from_static(CJK_FONT)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().push("cjk".into());
    }
    // Arrows, primes and combining marks (→, ′, x̂) that the proportional font lacks: from
    // egui's monospace font, which has them.
    fonts.families.entry(egui::FontFamily::Proportional).or_default().push("Hack".into());
    ctx.set_fonts(fonts);
}

impl eframe::App for TenlabApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let Some(log) = &mut self.frames {
            log.record(frame.info().cpu_usage, self.runner.is_playing(), self.lab.id);
        }
        if (self.settings.scale - self.applied_scale).abs() > f32::EPSILON {
            self.settings.scale = self.settings.scale.clamp(0.75, 2.5);
            ui.ctx().set_zoom_factor(self.settings.scale);
            self.applied_scale = self.settings.scale;
        }
        self.runner.poll();
        if let Some(curves) = self.runner.replaced.take() {
            // An opened model replaced a run that trained: keep its curves to compare with.
            self.room.previous = Some(curves);
        }
        self.apply_default_speed();
        self.write_report_when_drawn();
        if let Some(step) = self.runner.budget_reached.take() {
            // Each branch of a run that went back reaches the budget again: said once.
            let said = trf(self.lang(), "ui.budget_reached", &[&step]);
            self.notices.retain(|(_, n)| *n != said);
            self.notices.push((true, said));
        }
        let saved = std::mem::take(&mut self.runner.saved);
        for path in saved {
            self.notices.push((true, format!("{} {}", self.t("ui.model.saved"), path.display())));
        }
        self.poll_pick();
        self.shortcuts(ui.ctx());
        self.apply_room(ui.ctx());
        self.keys_overlay_ui(ui.ctx());
        if self.full_screen {
            // The view on screen alone fills the screen (the shortcuts still act).
            egui::CentralPanel::default().show(ui, |ui| {
                ui.label(RichText::new(self.t("ui.full_screen.leave")).weak());
                self.views_ui(ui);
            });
            return;
        }
        egui::Panel::top("top").show(ui, |ui| self.top_bar_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                self.status_bar_ui(ui);
                // The room's switches at the right end of the status bar.
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| self.room_ui(ui));
            });
        });
        egui::Panel::left("params").resizable(true).default_size(330.0).show(ui, |ui| self.params_ui(ui));
        if self.settings.explain {
            egui::Panel::right("explain")
                .resizable(true)
                .default_size(300.0)
                .min_size(200.0)
                .show(ui, |ui| self.explain_ui(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.lesson_ui(ui);
            self.toolbar_ui(ui);
            self.messages_ui(ui);
            self.prompt_ui(ui);
            ui.separator();
            if ui.available_width() > 760.0 {
                // The lab's picture gets the room; the curves sit in a narrower panel that the
                // user can widen.
                let width = ui.available_width();
                egui::Panel::right("curves")
                    .resizable(true)
                    .default_size(width * 0.32)
                    .min_size(220.0)
                    .show(ui, |ui| self.curves_ui(ui));
                egui::CentralPanel::default().show(ui, |ui| self.views_ui(ui));
            } else {
                self.views_ui(ui);
                self.curves_ui(ui);
            }
        });
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
