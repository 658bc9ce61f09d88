//! Files: settings and model files opened and saved through the system's dialog (on a
//! thread, so the window keeps drawing), or through a typed path where no dialog can open.

use super::*;

/// A saved settings file: the lab and its hyper-parameters.
#[derive(Serialize, Deserialize)]
pub(super) struct ConfigFile {
    lab: String,
    values: Values,
}

/// A file dialog's answer: the path picked, if any, and how long the dialog was open.
/// What the file panel keeps between frames.
pub(super) struct Files {
    /// Whether system dialogs may open (not in tests).
    pub(super) dialogs: bool,
    /// Where no file dialog can open: what a typed path is for, and the path so far.
    pub(super) prompt: Option<(Pick, String)>,
    /// An open file dialog: what it is for; its answer and how long it was open.
    pub(super) picking: Option<(Pick, Receiver<DialogAnswer>)>,
}

pub(super) type DialogAnswer = (Option<PathBuf>, Duration);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pick {
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
    OpenLesson,
    SaveLesson,
    /// The curves as a CSV table.
    SaveCsv,
    /// The view on screen as a picture.
    SavePng,
    /// A lab report: a folder of that name.
    SaveReport,
}

/// The extension of model files.
pub(super) const MODEL_EXT: &str = "tenlab";

impl Pick {
    /// The pick writes a file (its box says Save, not Open).
    fn saves(self) -> bool {
        matches!(
            self,
            Pick::SaveConfig
                | Pick::SaveModel
                | Pick::SaveLesson
                | Pick::SaveCsv
                | Pick::SavePng
                | Pick::SaveReport
        )
    }
}

impl TenlabApp {
    /// The name a file to save starts with, in the dialog and in the typed-path box.
    fn suggested_name(&self, pick: Pick) -> String {
        let lab = self.lab.id;
        match pick {
            Pick::SaveConfig => "tenlab-settings.json".to_string(),
            Pick::SaveModel => format!("{lab}.{MODEL_EXT}"),
            Pick::SaveLesson => "tenlab-lesson.toml".to_string(),
            Pick::SaveCsv => format!("{lab}-curves.csv"),
            Pick::SavePng => format!("{lab}-{}.png", self.room.view.as_deref().unwrap_or("view")),
            Pick::SaveReport => format!("{lab}-report"),
            Pick::Param { .. } | Pick::OpenConfig | Pick::OpenModel | Pick::OpenLesson => String::new(),
        }
    }

    /// Says whether a file was written: `saved` with its path, or `bad` with the reason.
    pub(super) fn said_written(
        &mut self,
        written: Result<(), String>,
        path: &std::path::Path,
        saved: &str,
        bad: &str,
    ) {
        match written {
            Ok(()) => self.notices.push((true, format!("{} {}", self.t(saved), path.display()))),
            Err(e) => self.notices.push((false, format!("{}: {e}", self.t(bad)))),
        }
    }

    /// No file dialog could open: a parameter's path is typed in its own box; a settings or
    /// model file in a box that opens for it.
    pub(super) fn no_dialog(&mut self, pick: Pick) {
        if let Pick::Param { .. } = pick {
            self.notices.push((false, self.t("ui.browse.none")));
            return;
        }
        self.files.prompt = Some((pick, self.suggested_name(pick)));
    }

    pub(super) fn start_pick(&mut self, pick: Pick) {
        if !self.files.dialogs {
            self.no_dialog(pick);
            return;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        // The dialog runs on its own thread so that a missing desktop portal can never freeze
        // the window; the answer arrives on the channel.
        let repaint = self.repaint.clone();
        let (model_kind, name) = (self.t("ui.model.file"), self.suggested_name(pick));
        let spawned = std::thread::Builder::new().name("tenlab-file-dialog".into()).spawn(move || {
            let opened = std::time::Instant::now();
            let dialog = rfd::FileDialog::new();
            let path = match pick {
                Pick::Param { folder: true, .. } => dialog.pick_folder(),
                Pick::Param { extensions: [], .. } => dialog.pick_file(),
                Pick::Param { extensions, .. } => {
                    dialog.add_filter(extensions.join(", ").to_uppercase(), extensions).pick_file()
                }
                // The name of a folder to make.
                Pick::SaveReport => dialog.set_file_name(name).save_file(),
                _ => {
                    let (kind, ext) = match pick {
                        Pick::OpenConfig | Pick::SaveConfig => ("JSON".to_string(), "json"),
                        Pick::OpenLesson | Pick::SaveLesson => ("TOML".to_string(), "toml"),
                        Pick::SaveCsv => ("CSV".to_string(), "csv"),
                        Pick::SavePng => ("PNG".to_string(), "png"),
                        // (A parameter's path was picked above.)
                        Pick::OpenModel | Pick::SaveModel | Pick::Param { .. } | Pick::SaveReport => {
                            (model_kind, MODEL_EXT)
                        }
                    };
                    let dialog = dialog.add_filter(kind, &[ext]);
                    if pick.saves() { dialog.set_file_name(name).save_file() } else { dialog.pick_file() }
                }
            };
            let _ = tx.send((path, opened.elapsed()));
            repaint.request_repaint();
        });
        match spawned {
            Ok(_) => self.files.picking = Some((pick, rx)),
            Err(_) => self.no_dialog(pick),
        }
    }

    pub(super) fn poll_pick(&mut self) {
        let Some((pick, rx)) = &self.files.picking else { return };
        let pick = *pick;
        let (answer, open_for) = match rx.try_recv() {
            Ok(a) => a,
            Err(crossbeam_channel::TryRecvError::Empty) => return,
            Err(crossbeam_channel::TryRecvError::Disconnected) => (None, Duration::ZERO),
        };
        self.files.picking = None;
        if answer.is_none() && open_for < Duration::from_millis(400) {
            // No person cancels that fast: no dialog could open (no desktop portal).
            self.no_dialog(pick);
        }
        if let Some(path) = answer {
            self.picked(pick, path);
        }
    }

    /// A file or folder was chosen, in a dialog or typed in.
    pub(super) fn picked(&mut self, pick: Pick, path: PathBuf) {
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
            Pick::OpenLesson => self.open_lesson_file(&path),
            Pick::SaveLesson => self.save_lesson(&path),
            Pick::SaveCsv => self.save_curves(&path),
            Pick::SavePng => self.save_view_png(&path),
            Pick::SaveReport => self.save_report(path),
            Pick::SaveConfig => {
                let file = ConfigFile { lab: self.lab.id.into(), values: self.runner.values().clone() };
                let text = serde_json::to_string_pretty(&file).expect("values are plain JSON");
                let written = std::fs::write(&path, text).map_err(|e| e.to_string());
                self.said_written(written, &path, "ui.config.saved", "ui.config.bad");
            }
        }
    }

    /// Writes the view on screen to `path` as a PNG (as `tenlab train --png-out` draws it).
    pub fn save_view_png(&mut self, path: &std::path::Path) {
        let current = self.room.view.clone().unwrap_or_default();
        let (lang, lab) = (self.lang(), self.lab.id);
        let picture = self.runner.views.get(&current).and_then(|(_, v)| crate::views::picture(v, lang, lab));
        let written = match picture {
            Some(img) => img.save(path).map_err(|e| e.to_string()),
            None => Err(self.t("ui.png.none")),
        };
        self.said_written(written, path, "ui.png.saved", "ui.png.bad");
    }

    /// Writes a lab report into the folder `dir` (made if missing): every view is drawn on the
    /// training thread first, and the report is written when they come.
    pub fn save_report(&mut self, dir: PathBuf) {
        self.report_to = Some(dir);
        self.runner.render_all();
    }

    /// Writes the lab report into `dir` once the views drawn for it have come.
    pub(super) fn write_report_when_drawn(&mut self) {
        let Some((views, figures)) = self.runner.rendered.take() else { return };
        let Some(dir) = self.report_to.take() else { return };
        let status = &self.runner.status;
        let device = self.runner.device.as_ref().map(|d| d.name.clone()).unwrap_or_default();
        let summary = serde_json::json!({
            "lab": self.lab.id,
            "steps": status.step,
            "seconds": status.train_secs,
            "device": device,
            "findings": self.runner.findings,
            "values": self.runner.values(),
            "figures": figures.iter().map(|(k, v)| (k.to_string(), *v)).collect::<std::collections::BTreeMap<_, _>>(),
        });
        let csv = self.runner.history.to_csv();
        let report = crate::cli::Report {
            lang: self.lang(),
            values: self.runner.values(),
            steps: status.step,
            seconds: status.train_secs,
            device: &device,
            figures: &figures,
            findings: &self.runner.findings,
            views: &views,
            curves_csv: csv.as_bytes(),
            summary: &summary,
        };
        let written = crate::cli::write_report(&dir, self.lab, &report).map_err(|e| e.to_string());
        self.said_written(written, &dir, "ui.report.saved", "ui.report.bad");
    }

    /// Writes the run's curves to `path` as CSV (`step,metric,value`).
    pub fn save_curves(&mut self, path: &std::path::Path) {
        let written = std::fs::write(path, self.runner.history.to_csv()).map_err(|e| e.to_string());
        self.said_written(written, path, "ui.csv.saved", "ui.csv.bad");
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

    /// A box for a file's path where no file dialog can open.
    pub(super) fn prompt_ui(&mut self, ui: &mut egui::Ui) {
        let Some((pick, mut text)) = self.files.prompt.take() else { return };
        let mut done = None;
        egui::Frame::new().fill(Color32::from_rgb(255, 243, 205)).inner_margin(6.0).corner_radius(4.0).show(
            ui,
            |ui| {
                ui.horizontal_wrapped(|ui| {
                    let label = ui.colored_label(Color32::from_rgb(110, 80, 0), self.t("ui.path_prompt")).id;
                    let r =
                        ui.add(egui::TextEdit::singleline(&mut text).desired_width(320.0)).labelled_by(label);
                    let verb = if pick.saves() { "ui.save" } else { "ui.open" };
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
            None => self.files.prompt = Some((pick, text)),
        }
    }
}
