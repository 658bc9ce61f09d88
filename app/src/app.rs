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
use crate::views::{self, Views};

/// What persists between launches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub scale: f32,
    pub last_lab: String,
    pub device: DeviceChoice,
}

impl Default for Settings {
    fn default() -> Self {
        Self { lang: Lang::En, scale: 1.0, last_lab: "mlp".into(), device: DeviceChoice::Auto }
    }
}

const SETTINGS_KEY: &str = "tenlab.settings";
/// A CJK-capable font so that 简体中文 renders on any machine (Apache-2.0, see assets/fonts).
const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/DroidSansFallbackFull.ttf");

/// A saved settings file: the lab and its hyper-parameters.
#[derive(Serialize, Deserialize)]
struct ConfigFile {
    lab: String,
    values: Values,
}

/// A file dialog's answer: the path picked, if any, and how long the dialog was open.
type DialogAnswer = (Option<PathBuf>, Duration);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    /// A `Path` parameter of the lab: a file with these extensions, or a folder.
    Param {
        key: &'static str,
        folder: bool,
        extensions: &'static [&'static str],
    },
    OpenConfig,
    SaveConfig,
    OpenModel,
    SaveModel,
}

/// The extension of model files.
const MODEL_EXT: &str = "tenlab";

/// A lab's run while the user visits other labs: its training thread (the model, its settings
/// and step, paused), its curves, views and the widgets' state, as they were left.
struct Parked {
    runner: Runner,
    view: Option<String>,
    previous: Option<History>,
    show_previous: bool,
    views: Views,
    speed: f32,
    speed_max: bool,
    speed_auto: bool,
}

pub struct TenlabApp {
    pub settings: Settings,
    lab: &'static LabDef,
    /// The runs of the labs shown before, each paused where the user left it.
    parked: HashMap<&'static str, Parked>,
    /// The training thread's handle (public for tests).
    pub runner: Runner,
    view: Option<String>,
    view_dirty: bool,
    /// The curves of the run before the last reset (same lab), drawn dashed for comparison.
    previous: Option<History>,
    show_previous: bool,
    /// The view kinds' widgets, each with its own state (textures, a drawing, toggles).
    views: Views,
    speed: f32,
    speed_max: bool,
    /// The speed is the lab's default (see [`default_speed`]) until the user sets one.
    speed_auto: bool,
    /// Messages that are not lab errors, each marked good news (a file saved) or not.
    notices: Vec<(bool, String)>,
    dialogs: bool,
    repaint: egui::Context,
    /// The text parameter being typed in, and its text before.
    editing: Option<(&'static str, String)>,
    /// Where no file dialog can open: what a typed path is for, and the path so far.
    prompt: Option<(Pick, String)>,
    /// An open file dialog: what it is for; its answer and how long it was open.
    picking: Option<(Pick, Receiver<DialogAnswer>)>,
    applied_scale: f32,
    /// Frame times, when `TENLAB_FRAME_TIMES` asks for them ([`crate::frames`]).
    frames: Option<crate::frames::FrameLog>,
}

impl TenlabApp {
    /// The app as eframe starts it: settings from the last launch, real file dialogs.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let settings = cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default();
        Self::with_settings(&cc.egui_ctx, settings, true)
    }

    /// The app with given settings; `dialogs: false` never opens a file dialog (tests).
    pub fn with_settings(ctx: &egui::Context, settings: Settings, dialogs: bool) -> Self {
        install_fonts(ctx);
        let runner = spawn_runner(ctx);
        let lab = tenlab_models::find_lab(&settings.last_lab).unwrap_or(&tenlab_models::registry()[0]);
        let mut app = Self {
            settings,
            lab,
            parked: HashMap::new(),
            runner,
            view: None,
            view_dirty: true,
            views: Views::default(),
            previous: None,
            show_previous: true,
            // Until the lab is built and its budget known.
            speed: 100.0,
            speed_max: false,
            speed_auto: true,
            notices: Vec::new(),
            dialogs,
            repaint: ctx.clone(),
            picking: None,
            prompt: None,
            editing: None,
            applied_scale: 0.0,
            frames: crate::frames::FrameLog::from_env(),
        };
        app.load(lab.defaults());
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
        // Keep the curves of a run that trained, to compare the next one with it.
        if self.runner.status.step > 0 {
            self.previous = Some(self.runner.history.clone());
        }
        self.runner.load(self.lab, values, self.settings.device);
        self.runner.speed(if self.speed_max { None } else { Some(self.speed) });
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
            let incoming = back.unwrap_or_else(|| Parked {
                runner: spawn_runner(&self.repaint),
                view: None,
                previous: None,
                show_previous: true,
                views: Views::default(),
                speed: 100.0,
                speed_max: false,
                speed_auto: true,
            });
            let left = self.swap_run(incoming);
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

    /// Makes `run` the one shown; returns the one that was.
    fn swap_run(&mut self, run: Parked) -> Parked {
        Parked {
            runner: std::mem::replace(&mut self.runner, run.runner),
            view: std::mem::replace(&mut self.view, run.view),
            previous: std::mem::replace(&mut self.previous, run.previous),
            show_previous: std::mem::replace(&mut self.show_previous, run.show_previous),
            views: std::mem::replace(&mut self.views, run.views),
            speed: std::mem::replace(&mut self.speed, run.speed),
            speed_max: std::mem::replace(&mut self.speed_max, run.speed_max),
            speed_auto: std::mem::replace(&mut self.speed_auto, run.speed_auto),
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
        if self.speed_auto && self.runner.budget > 0 {
            let (speed, max) = default_speed(self.runner.budget);
            if (speed, max) != (self.speed, self.speed_max) {
                (self.speed, self.speed_max) = (speed, max);
                self.runner.speed(if max { None } else { Some(speed) });
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

    /// No file dialog could open: a parameter's path is typed in its own box; a settings or
    /// model file in a box that opens for it.
    fn no_dialog(&mut self, pick: Pick) {
        let name = match pick {
            Pick::Param { .. } => {
                self.notices.push((false, self.t("ui.browse.none")));
                return;
            }
            Pick::SaveConfig => "tenlab-settings.json".to_string(),
            Pick::SaveModel => format!("{}.{MODEL_EXT}", self.lab.id),
            Pick::OpenConfig | Pick::OpenModel => String::new(),
        };
        self.prompt = Some((pick, name));
    }

    fn start_pick(&mut self, pick: Pick) {
        if !self.dialogs {
            self.no_dialog(pick);
            return;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        // The dialog runs on its own thread so that a missing desktop portal can never freeze
        // the window; the answer arrives on the channel.
        let repaint = self.repaint.clone();
        let (model_kind, lab) = (self.t("ui.model.file"), self.lab.id);
        let spawned = std::thread::Builder::new().name("tenlab-file-dialog".into()).spawn(move || {
            let opened = std::time::Instant::now();
            let dialog = rfd::FileDialog::new();
            let path = match pick {
                Pick::Param { folder: true, .. } => dialog.pick_folder(),
                Pick::Param { extensions: [], .. } => dialog.pick_file(),
                Pick::Param { extensions, .. } => {
                    dialog.add_filter(extensions.join(", ").to_uppercase(), extensions).pick_file()
                }
                Pick::OpenConfig => dialog.add_filter("JSON", &["json"]).pick_file(),
                Pick::SaveConfig => {
                    dialog.add_filter("JSON", &["json"]).set_file_name("tenlab-settings.json").save_file()
                }
                Pick::OpenModel => dialog.add_filter(&model_kind, &[MODEL_EXT]).pick_file(),
                Pick::SaveModel => dialog
                    .add_filter(&model_kind, &[MODEL_EXT])
                    .set_file_name(format!("{lab}.{MODEL_EXT}"))
                    .save_file(),
            };
            let _ = tx.send((path, opened.elapsed()));
            repaint.request_repaint();
        });
        match spawned {
            Ok(_) => self.picking = Some((pick, rx)),
            Err(_) => self.no_dialog(pick),
        }
    }

    fn poll_pick(&mut self) {
        let Some((pick, rx)) = &self.picking else { return };
        let pick = *pick;
        let (answer, open_for) = match rx.try_recv() {
            Ok(a) => a,
            Err(crossbeam_channel::TryRecvError::Empty) => return,
            Err(crossbeam_channel::TryRecvError::Disconnected) => (None, Duration::ZERO),
        };
        self.picking = None;
        if answer.is_none() && open_for < Duration::from_millis(400) {
            // No person cancels that fast: no dialog could open (no desktop portal).
            self.no_dialog(pick);
        }
        if let Some(path) = answer {
            self.picked(pick, path);
        }
    }

    /// A file or folder was chosen, in a dialog or typed in.
    fn picked(&mut self, pick: Pick, path: PathBuf) {
        match pick {
            Pick::Param { key, .. } => {
                if let Some(spec) = self.lab.spec(key) {
                    let mut values = self.runner.values().clone();
                    values.insert(spec.key.into(), ParamValue::Text(path.display().to_string()));
                    // A new file or folder is new data: rebuild.
                    self.load(values);
                }
            }
            Pick::OpenModel => self.open_model(path),
            Pick::SaveModel => self.runner.save(path),
            Pick::OpenConfig => self.open_config(&path),
            Pick::SaveConfig => {
                let file = ConfigFile { lab: self.lab.id.into(), values: self.runner.values().clone() };
                let text = serde_json::to_string_pretty(&file).expect("values are plain JSON");
                match std::fs::write(&path, text) {
                    Ok(()) => {
                        self.notices.push((true, format!("{} {}", self.t("ui.config.saved"), path.display())))
                    }
                    Err(e) => self.notices.push((false, format!("{}: {e}", self.t("ui.config.bad")))),
                }
            }
        }
    }

    /// The lab's current hyper-parameters (as the session accepted them).
    pub fn values(&self) -> &Values {
        self.runner.values()
    }

    /// Opens a model file of the current lab: its settings and weights replace the run. A
    /// file of another lab, of other shapes, or a broken one gets a message and changes
    /// nothing.
    pub fn open_model(&mut self, path: PathBuf) {
        self.runner.open(self.lab, path);
        self.view_dirty = true;
    }

    /// Replaces the run with the trained model the lab ships with (the curves of a run that
    /// trained stay to compare with, as for any opened model).
    pub fn open_trained(&mut self) {
        self.runner.open_trained(self.lab);
        self.view_dirty = true;
    }

    /// Messages shown to the user that are not lab errors (file dialogs, settings files).
    pub fn notices(&self) -> Vec<&str> {
        self.notices.iter().map(|(_, text)| text.as_str()).collect()
    }

    /// Loads a settings file. A broken or invalid file gets a message and changes nothing.
    pub fn open_config(&mut self, path: &std::path::Path) {
        let parsed = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<ConfigFile>(&text).map_err(|e| e.to_string()))
            .and_then(|file| {
                let lang = self.lang();
                let lab = tenlab_models::find_lab(&file.lab).map_err(|e| error_text(lang, &file.lab, &e))?;
                let values = lab.validate(&file.values).map_err(|e| error_text(lang, lab.id, &e))?;
                Ok((lab, values))
            });
        match parsed {
            Ok((lab, values)) => self.switch_lab(lab, Some(values)),
            // The current settings stay as they were.
            Err(e) => {
                self.notices.push((false, format!("{} ({}): {e}", self.t("ui.config.bad"), path.display())))
            }
        }
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
            let label = ui.label(self.t("ui.scale")).id;
            ui.add(egui::Slider::new(&mut self.settings.scale, 0.75..=2.5).step_by(0.05).fixed_decimals(2))
                .labelled_by(label)
                .on_hover_text(self.t("ui.scale.help"));
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

    /// A row of the lab's presets: each button puts its settings in place (the structural
    /// ones wait for a reset once training started, as any change does).
    fn presets_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let lab = self.lab.id;
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            ui.label(self.t("ui.presets"));
            for p in self.lab.presets {
                let mut button = ui.button(lab_tr(lang, lab, &format!("preset.{}", p.id)));
                if let Some(help) = crate::i18n::lab_lookup(lang, lab, &format!("preset.{}.help", p.id)) {
                    button = button.on_hover_text(help);
                }
                if button.clicked() {
                    chosen = Some(*p);
                }
            }
        });
        let Some(preset) = chosen else { return };
        let specs = (self.lab.params)();
        let fresh = self.runner.status.step == 0 && !self.runner.is_playing();
        let mut values = self.runner.values().clone();
        for &(key, text) in preset.values {
            let Some(spec) = specs.iter().find(|s| s.key == key) else { continue };
            let Ok(value) = spec.parse(text) else { continue };
            if fresh {
                values.insert(key.into(), value);
            } else {
                self.runner.set(spec.key, value);
            }
        }
        if fresh {
            self.load(values);
        }
        self.view_dirty = true;
    }

    fn params_ui(&mut self, ui: &mut egui::Ui) {
        ui.heading(self.t("ui.params"));
        if self.runner.needs_reset {
            egui::Frame::new()
                .fill(Color32::from_rgb(255, 243, 205))
                .inner_margin(6.0)
                .corner_radius(4.0)
                .show(ui, |ui| {
                    ui.colored_label(Color32::from_rgb(110, 80, 0), self.t("ui.needs_reset"));
                    if ui.button(self.t("ui.reset")).clicked() {
                        self.reset();
                    }
                });
        }
        if !self.lab.presets.is_empty() {
            self.presets_ui(ui);
        }
        let specs = (self.lab.params)();
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            for group in [Group::Data, Group::Model, Group::Training, Group::Agent, Group::Sampling] {
                let key = match group {
                    Group::Data => "group.data",
                    Group::Model => "group.model",
                    Group::Training => "group.training",
                    Group::Sampling => "group.sampling",
                    Group::Agent => "group.agent",
                };
                if !specs.iter().any(|s| s.group == group) {
                    continue;
                }
                egui::CollapsingHeader::new(RichText::new(self.t(key)).strong())
                    .id_salt(key)
                    .default_open(true)
                    .show(ui, |ui| {
                        egui::Grid::new(key).num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
                            let values = self.runner.values().clone();
                            let shown: Vec<&ParamSpec> =
                                specs.iter().filter(|s| s.group == group && s.is_shown(&values)).collect();
                            for spec in shown {
                                self.param_row_ui(ui, spec);
                                ui.end_row();
                            }
                        });
                    });
            }
            ui.add_space(8.0);
            ui.horizontal_wrapped(|ui| {
                if ui.button(self.t("ui.config.open")).clicked() {
                    self.start_pick(Pick::OpenConfig);
                }
                if ui.button(self.t("ui.config.save")).clicked() {
                    self.start_pick(Pick::SaveConfig);
                }
            });
            ui.horizontal_wrapped(|ui| {
                if ui.button(self.t("ui.model.open")).on_hover_text(self.t("ui.model.open.help")).clicked() {
                    self.start_pick(Pick::OpenModel);
                }
                let ready = matches!(self.runner.status.state, RunState::Paused | RunState::Playing);
                if ui
                    .add_enabled(ready, egui::Button::new(self.t("ui.model.save")))
                    .on_hover_text(self.t("ui.model.save.help"))
                    .clicked()
                {
                    self.start_pick(Pick::SaveModel);
                }
            });
        });
    }

    fn param_row_ui(&mut self, ui: &mut egui::Ui, spec: &ParamSpec) {
        let lang = self.lang();
        let lab = self.lab.id;
        let mut label = param_label(lang, lab, spec.key);
        if !spec.live {
            label.push_str(" ⟲");
        }
        let mut help = param_help(lang, lab, spec.key);
        help.push_str("\n\n");
        help.push_str(&tr(lang, if spec.live { "ui.live.help" } else { "ui.needs_reset.help" }));
        let label = ui.label(label).on_hover_text(&help).id;
        let current = self.runner.values().get(spec.key).cloned().unwrap_or_else(|| spec.default_value());
        let unit =
            spec.unit.map(|u| format!(" {}", lab_tr(lang, lab, &format!("unit.{u}")))).unwrap_or_default();
        let mut changed: Option<(ParamValue, bool)> = None;
        match (&spec.kind, current) {
            (ParamKind::Float { min, max, log, .. }, ParamValue::Float(mut v)) => {
                let mut slider = egui::Slider::new(&mut v, *min..=*max).logarithmic(*log).suffix(unit);
                if *log {
                    slider = slider.custom_formatter(|x, _| {
                        format!("{x:.5}").trim_end_matches('0').trim_end_matches('.').to_string()
                    });
                }
                let r = ui.add(slider).labelled_by(label).on_hover_text(&help);
                if r.changed() {
                    changed = Some((ParamValue::Float(v), !r.dragged()));
                } else if r.drag_stopped() {
                    changed = Some((ParamValue::Float(v), true));
                }
            }
            (ParamKind::Int { min, max, .. }, ParamValue::Int(mut v)) => {
                // A huge range (a seed) is typed or dragged, not slid.
                let r = if max - min > 10_000 {
                    ui.add(egui::DragValue::new(&mut v).range(*min..=*max).suffix(unit))
                } else {
                    ui.add(egui::Slider::new(&mut v, *min..=*max).suffix(unit))
                };
                let r = r.labelled_by(label).on_hover_text(&help);
                if r.changed() {
                    changed = Some((ParamValue::Int(v), !r.dragged()));
                } else if r.drag_stopped() {
                    changed = Some((ParamValue::Int(v), true));
                }
            }
            (ParamKind::Choice { options, .. }, ParamValue::Text(v)) => {
                let mut picked = v.clone();
                egui::ComboBox::from_id_salt(spec.key)
                    .selected_text(lab_tr(lang, lab, &format!("opt.{v}")))
                    .show_ui(ui, |ui| {
                        for o in options.iter() {
                            ui.selectable_value(
                                &mut picked,
                                o.to_string(),
                                lab_tr(lang, lab, &format!("opt.{o}")),
                            );
                        }
                    })
                    .response
                    .labelled_by(label)
                    .on_hover_text(&help);
                if picked != v {
                    changed = Some((ParamValue::Text(picked), true));
                }
            }
            (ParamKind::Bool { .. }, ParamValue::Bool(mut b)) => {
                if ui.checkbox(&mut b, "").labelled_by(label).on_hover_text(&help).changed() {
                    changed = Some((ParamValue::Bool(b), true));
                }
            }
            (ParamKind::Text { .. } | ParamKind::Path { .. }, ParamValue::Text(mut s)) => {
                ui.horizontal(|ui| {
                    let r = ui
                        .add(egui::TextEdit::singleline(&mut s).desired_width(150.0))
                        .labelled_by(label)
                        .on_hover_text(&help);
                    // Shown as typed, sent when the box is left (or Enter pressed) with a
                    // new text.
                    if r.gained_focus() {
                        self.editing = Some((spec.key, s.clone()));
                    }
                    if r.changed() && r.has_focus() {
                        changed = Some((ParamValue::Text(s.clone()), false));
                    } else if r.lost_focus() || r.changed() {
                        let before = self.editing.take().filter(|(k, _)| *k == spec.key).map(|(_, t)| t);
                        if before.is_none_or(|t| t != s) {
                            changed = Some((ParamValue::Text(s.clone()), true));
                        }
                    }
                    if let ParamKind::Path { folder, extensions } = spec.kind
                        && ui.button(tr(lang, "ui.browse")).clicked()
                    {
                        self.start_pick(Pick::Param { key: spec.key, folder, extensions });
                    }
                });
            }
            // A value of the wrong type (never from this panel): show the default.
            _ => {
                ui.label(spec.default_value().to_string());
            }
        }
        if let Some((value, settled)) = changed {
            self.param_changed(spec, value, settled);
        }
    }

    fn status_bar_ui(&self, ui: &mut egui::Ui) {
        let s = &self.runner.status;
        ui.horizontal(|ui| {
            let device = self.runner.device.as_ref().map_or_else(|| "…".to_string(), |d| d.name.clone());
            ui.label(format!("{}: {device}", self.t("status.device")));
            ui.separator();
            let state = match s.state {
                RunState::Loading => "status.loading",
                RunState::Paused => "status.paused",
                RunState::Playing => "status.playing",
                RunState::Failed => "status.failed",
            };
            ui.label(RichText::new(self.t(state)).strong());
            ui.separator();
            ui.label(format!("{} {}", self.t("status.step"), s.step));
            ui.separator();
            ui.label(format!("{:.0} {}", s.steps_per_sec, self.t("status.rate")));
            // The rate(s) the lab applied at its latest step, as it reports them.
            for &(key, lr) in &s.rates {
                ui.separator();
                let text = if lr >= 0.01 { format!("{lr:.3}") } else { format!("{lr:.2e}") };
                let label = if key == "lr" {
                    self.t("status.lr")
                } else {
                    param_label(self.lang(), self.lab.id, key)
                };
                ui.label(format!("{label} {text}")).on_hover_text(self.t("status.lr.help"));
            }
            ui.separator();
            ui.label(format!("{} {:.1} s", self.t("status.elapsed"), s.train_secs))
                .on_hover_text(self.t("status.elapsed.help"));
            ui.separator();
            ui.label(format!("{} {:.1} s", self.t("status.wall"), s.wall_secs))
                .on_hover_text(self.t("status.wall.help"));
        });
    }

    /// Errors and warnings in red, good news in green; one button dismisses them all.
    fn messages_ui(&mut self, ui: &mut egui::Ui) {
        let (lang, lab) = (self.lang(), self.lab.id);
        let mut bad: Vec<String> = self.runner.errors.iter().map(|e| error_text(lang, lab, e)).collect();
        bad.extend(self.notices.iter().filter(|(good, _)| !good).map(|(_, text)| text.clone()));
        let good: Vec<&String> =
            self.notices.iter().filter(|(good, _)| *good).map(|(_, text)| text).collect();
        let mut dismiss = false;
        let frames = [
            (
                bad.iter().collect::<Vec<_>>(),
                Color32::from_rgb(253, 226, 226),
                Color32::from_rgb(140, 20, 20),
            ),
            (good, Color32::from_rgb(222, 242, 222), Color32::from_rgb(20, 100, 30)),
        ];
        for (texts, fill, color) in frames {
            if texts.is_empty() {
                continue;
            }
            egui::Frame::new().fill(fill).inner_margin(6.0).corner_radius(4.0).show(ui, |ui| {
                for text in texts {
                    ui.colored_label(color, text);
                }
                dismiss |= ui.button(self.t("ui.dismiss")).clicked();
            });
        }
        if dismiss {
            self.runner.errors.clear();
            self.notices.clear();
        }
    }

    /// A box for a file's path where no file dialog can open.
    fn prompt_ui(&mut self, ui: &mut egui::Ui) {
        let Some((pick, mut text)) = self.prompt.take() else { return };
        let mut done = None;
        egui::Frame::new().fill(Color32::from_rgb(255, 243, 205)).inner_margin(6.0).corner_radius(4.0).show(
            ui,
            |ui| {
                ui.horizontal_wrapped(|ui| {
                    let label = ui.colored_label(Color32::from_rgb(110, 80, 0), self.t("ui.path_prompt")).id;
                    let r =
                        ui.add(egui::TextEdit::singleline(&mut text).desired_width(320.0)).labelled_by(label);
                    let verb = if matches!(pick, Pick::SaveConfig | Pick::SaveModel) {
                        "ui.save"
                    } else {
                        "ui.open"
                    };
                    let entered = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (ui.button(self.t(verb)).clicked() || entered) && !text.trim().is_empty() {
                        done = Some(true);
                    }
                    if ui.button(self.t("ui.cancel")).clicked() {
                        done = Some(false);
                    }
                });
            },
        );
        match done {
            Some(true) => self.picked(pick, PathBuf::from(text.trim())),
            Some(false) => {}
            None => self.prompt = Some((pick, text)),
        }
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
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
            let slider = egui::Slider::new(&mut self.speed, 1.0..=1000.0)
                .logarithmic(true)
                .suffix(rate)
                .fixed_decimals(0);
            let r1 = ui.add_enabled(!self.speed_max, slider).labelled_by(label);
            let r2 = ui.checkbox(&mut self.speed_max, max);
            if r1.changed() || r2.changed() {
                self.speed_auto = false;
                self.runner.speed(if self.speed_max { None } else { Some(self.speed) });
            }
        });
        ui.label(RichText::new(lab_tr(self.lang(), self.lab.id, "desc")).italics());
    }

    fn views_ui(&mut self, ui: &mut egui::Ui) {
        let specs = self.runner.view_specs.clone();
        if specs.is_empty() {
            return;
        }
        if self.view.as_ref().is_none_or(|v| !specs.iter().any(|s| s.id == v)) {
            self.view = Some(specs[0].id.to_string());
        }
        let current = self.view.clone().unwrap_or_default();
        let (lang, lab) = (self.lang(), self.lab.id);
        ui.horizontal_wrapped(|ui| {
            for spec in &specs {
                let title = lab_tr(lang, lab, &format!("view.{}", spec.id));
                if ui
                    .selectable_label(current == spec.id, title)
                    .on_hover_text(lab_tr(lang, lab, &format!("view.{}.help", spec.id)))
                    .clicked()
                {
                    self.view = Some(spec.id.to_string());
                    self.view_dirty = true;
                }
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
        let action = match self.runner.views.get(&current) {
            Some((rev, view)) => {
                let cx = views::Cx { lang, lab, id: &current, rev: *rev };
                self.views.ui(ui, &cx, view)
            }
            None => {
                ui.label(self.t("ui.waiting"));
                None
            }
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

    fn curves_ui(&mut self, ui: &mut egui::Ui) {
        if self.previous.is_some() {
            let label = self.t("ui.show_previous");
            ui.checkbox(&mut self.show_previous, label).on_hover_text(self.t("ui.show_previous.help"));
        }
        let lang = self.lang();
        let h = &self.runner.history;
        let link = egui::Id::unique("curves-x");
        // The lab's charts that fit its current data (all of them until it is built).
        let shown = &self.runner.charts;
        let charts: Vec<_> =
            self.lab.charts.iter().filter(|c| shown.is_empty() || shown.contains(&c.id)).collect();
        let height =
            ((ui.available_height() - 20.0 * charts.len() as f32) / charts.len().max(1) as f32).max(120.0);
        let lab = self.lab.id;
        let previous = self.previous.as_ref().filter(|_| self.show_previous);
        let step_axis = self.t("ui.step_axis");
        for chart in charts {
            ui.label(RichText::new(lab_tr(lang, lab, &format!("chart.{}", chart.id))).strong());
            let mut plot = Plot::new(("chart", chart.id))
                .height(height)
                .legend(Legend::default())
                .link_axis(link, [true, false])
                .include_y(0.0)
                .x_axis_label(step_axis.clone());
            if chart.unit {
                plot = plot.include_y(1.0);
            }
            if let Some(level) = chart.line {
                plot = plot.include_y(level as f64);
            }
            plot.show(ui, |plot_ui| {
                if let Some(level) = chart.line {
                    let name = lab_tr(lang, lab, &format!("chart.{}.line", chart.id));
                    plot_ui.hline(
                        egui_plot::HLine::new(name, level as f64)
                            .color(Color32::from_rgb(60, 160, 80))
                            .style(egui_plot::LineStyle::dashed_loose()),
                    );
                }
                // Bold curves take the class colours in turn (train, test, ...); faint ones are grey.
                let mut bold = 0;
                for curve in chart.curves {
                    let m = Metric(curve.key);
                    let name = lab_tr(lang, lab, &format!("metric.{}", curve.key));
                    if curve.faint {
                        plot_ui.line(
                            Line::new(name, h.curve(m).to_vec())
                                .color(Color32::from_rgb(190, 190, 190))
                                .width(1.0),
                        );
                        continue;
                    }
                    let color = CURVE_COLORS[bold % CURVE_COLORS.len()];
                    bold += 1;
                    plot_ui.line(Line::new(name.clone(), h.curve(m).to_vec()).color(color).width(2.0));
                    if let Some(p) = previous {
                        let name = format!("{name} ({})", tr(lang, "ui.previous"));
                        plot_ui.line(
                            Line::new(name, p.curve(m).to_vec())
                                .color(color.gamma_multiply(0.6))
                                .width(1.5)
                                .style(egui_plot::LineStyle::dashed_loose()),
                        );
                    }
                }
                draw_markers(plot_ui, &h.markers, lang, lab);
            });
        }
    }
}

/// The bold curves of a chart, in order (train in orange, test in blue, as the classes).
const CURVE_COLORS: [Color32; 4] =
    [views::CLASS_COLORS[1], views::CLASS_COLORS[0], views::CLASS_COLORS[2], views::CLASS_COLORS[3]];

/// A vertical line wherever a hyper-parameter changed mid-run, named after the change.
fn draw_markers(plot_ui: &mut egui_plot::PlotUi<'_>, markers: &[Marker], lang: Lang, lab: &str) {
    for m in markers {
        // A long value (the points of a drawing) is only said to have changed.
        let value = if m.value.chars().count() > 24 { tr(lang, "ui.changed") } else { m.value.clone() };
        let label = format!("{} = {}", param_label(lang, lab, &m.key), value);
        plot_ui.vline(VLine::new(label, m.step as f64).color(Color32::from_gray(150)).width(1.0));
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

pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert("cjk".into(), Arc::new(egui::FontData::from_static(CJK_FONT)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().push("cjk".into());
    }
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
            self.previous = Some(curves);
        }
        self.apply_default_speed();
        if let Some(step) = self.runner.budget_reached.take() {
            self.notices.push((true, trf(self.lang(), "ui.budget_reached", &[&step])));
        }
        let saved = std::mem::take(&mut self.runner.saved);
        for path in saved {
            self.notices.push((true, format!("{} {}", self.t("ui.model.saved"), path.display())));
        }
        self.poll_pick();
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        if !typing && ui.input(|i| i.key_pressed(egui::Key::Space)) {
            if self.runner.is_playing() {
                self.runner.pause();
            } else {
                self.runner.play();
            }
        }
        egui::Panel::top("top").show(ui, |ui| self.top_bar_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar_ui(ui));
        egui::Panel::left("params").resizable(true).default_size(330.0).show(ui, |ui| self.params_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| {
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
