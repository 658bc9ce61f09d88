//! A lesson in the window: the step's words beside the lab (its title, the question to answer
//! before pressing Play, what to look for), Back and Next (also ← and →), the controls the step
//! hides or locks; the Lessons menu opens a shipped lesson or a file, adds the lab as it is now
//! to a lesson being written, and saves that lesson.

use std::path::{Path, PathBuf};

use tenlab_models::lesson::{Lesson, LessonError, SHIPPED, Step, Words};

use super::*;

/// The lesson being taught: its steps, the folder its model paths start from, the step shown.
pub struct LessonRun {
    pub lesson: Lesson,
    base: PathBuf,
    pub step: usize,
}

impl LessonRun {
    fn current(&self) -> &Step {
        &self.lesson.steps[self.step]
    }
}

/// A lesson error in `lang`: the shell's words around the lesson's own detail.
fn lesson_error_text(lang: Lang, e: &LessonError) -> String {
    let detail = match e {
        LessonError::Setting { step, error } => {
            format!("{}: {}", trf(lang, "ui.lesson.step", &[step]), error_text(lang, "", error))
        }
        other => other.to_string(),
    };
    format!("{}: {detail}", tr(lang, "ui.lesson.bad"))
}

impl TenlabApp {
    /// Starts a lesson at its first step; `base` is the folder of its file.
    pub fn open_lesson(&mut self, lesson: Lesson, base: PathBuf) {
        self.lesson = Some(LessonRun { lesson, base, step: 0 });
        self.go_to_step(0);
    }

    /// Opens a lesson file; a broken one gets a message and changes nothing.
    pub fn open_lesson_file(&mut self, path: &Path) {
        match Lesson::load(path) {
            Ok(lesson) => {
                let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
                self.open_lesson(lesson, base);
            }
            Err(e) => self
                .notices
                .push((false, format!("{} ({})", lesson_error_text(self.lang(), &e), path.display()))),
        }
    }

    /// Shows step `i` of the lesson: its lab with its settings, model and view.
    pub fn go_to_step(&mut self, i: usize) {
        let Some(run) = &mut self.lesson else { return };
        if i >= run.lesson.steps.len() {
            return;
        }
        run.step = i;
        let step = run.current().clone();
        let base = run.base.clone();
        let (lab, values) = match step.lab().and_then(|lab| Ok((lab, step.values()?))) {
            Ok(found) => found,
            Err(e) => {
                self.notices.push((false, lesson_error_text(self.lang(), &e)));
                return;
            }
        };
        self.switch_lab(lab, Some(values));
        if step.starts_trained() {
            self.open_trained();
        } else if let Some(path) = step.model_path(&base) {
            self.open_model(path);
        }
        if let Some(view) = step.view {
            self.room.view = Some(view);
        }
        self.room.previous = None;
        self.view_dirty = true;
    }

    /// Whether the lesson's step hides the control `key`.
    pub(super) fn hidden(&self, key: &str) -> bool {
        self.lesson_step().is_some_and(|s| s.hide.iter().any(|k| k == key))
    }

    /// Whether the lesson's step locks the control `key`.
    pub(super) fn locked(&self, key: &str) -> bool {
        self.lesson_step().is_some_and(|s| s.lock.iter().any(|k| k == key))
    }

    /// The step shown, when the lab on screen is its lab.
    fn lesson_step(&self) -> Option<&Step> {
        self.lesson.as_ref().map(LessonRun::current).filter(|s| s.lab == self.lab.id)
    }

    /// ← and → move through the lesson's steps (part of [`Self::shortcuts`], which leaves
    /// the keys alone while typing).
    pub(super) fn lesson_keys(&mut self, ctx: &egui::Context) {
        let Some(run) = &self.lesson else { return };
        let step = run.step;
        if ctx.input(|i| i.key_pressed(egui::Key::ArrowRight)) {
            self.go_to_step(step + 1);
        } else if ctx.input(|i| i.key_pressed(egui::Key::ArrowLeft)) && step > 0 {
            self.go_to_step(step - 1);
        }
    }

    /// The step's words above the views, with Back, Next and Close.
    pub(super) fn lesson_ui(&mut self, ui: &mut egui::Ui) {
        let Some(run) = &self.lesson else { return };
        let zh = self.lang() == Lang::Zh;
        let (step, count) = (run.step, run.lesson.steps.len());
        let title = run.lesson.title.get(zh).to_string();
        let s = run.current().clone();
        let mut go = None;
        let mut close = false;
        egui::Frame::new()
            .fill(ui.visuals().faint_bg_color)
            .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
            .inner_margin(8.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("📚 {title}")).strong());
                    ui.label(trf(self.lang(), "ui.lesson.of", &[&(step + 1), &count]));
                    ui.label(RichText::new(s.title.get(zh)).heading());
                });
                if !s.question.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(self.t("ui.lesson.question")).strong());
                        ui.label(s.question.get(zh));
                    });
                }
                if !s.look.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(self.t("ui.lesson.look")).strong());
                        ui.label(s.look.get(zh));
                    });
                }
                ui.horizontal(|ui| {
                    if ui.add_enabled(step > 0, egui::Button::new(self.t("ui.lesson.back"))).clicked() {
                        go = Some(step - 1);
                    }
                    if ui.add_enabled(step + 1 < count, egui::Button::new(self.t("ui.lesson.next"))).clicked()
                    {
                        go = Some(step + 1);
                    }
                    if s.lab != self.lab.id && ui.button(self.t("ui.lesson.return")).clicked() {
                        go = Some(step);
                    }
                    if ui.button(self.t("ui.lesson.close")).clicked() {
                        close = true;
                    }
                });
            });
        if let Some(i) = go {
            self.go_to_step(i);
        }
        if close {
            self.lesson = None;
        }
    }

    /// The Lessons menu: a shipped lesson, a lesson file, and writing one.
    pub(super) fn lessons_menu_ui(&mut self, ui: &mut egui::Ui) {
        let zh = self.lang() == Lang::Zh;
        ui.menu_button(self.t("ui.lessons"), |ui| {
            for (_, text) in SHIPPED {
                let Ok(lesson) = Lesson::parse(text) else { continue };
                if ui.button(lesson.title.get(zh)).on_hover_text(lesson.about.get(zh)).clicked() {
                    self.open_lesson(lesson, PathBuf::new());
                    ui.close();
                }
            }
            ui.separator();
            if ui.button(self.t("ui.lesson.open")).clicked() {
                self.start_pick(Pick::OpenLesson);
                ui.close();
            }
            ui.separator();
            if ui.button(self.t("ui.lesson.add")).on_hover_text(self.t("ui.lesson.add.help")).clicked() {
                self.add_lesson_step();
                ui.close();
            }
            let steps = self.draft.len();
            if ui
                .add_enabled(steps > 0, egui::Button::new(trf(self.lang(), "ui.lesson.save", &[&steps])))
                .clicked()
            {
                self.start_pick(Pick::SaveLesson);
                ui.close();
            }
        });
    }

    /// Adds the lab as it is now (settings, view) as a step of the lesson being written.
    pub fn add_lesson_step(&mut self) {
        let title =
            Words::new(&lab_tr(Lang::En, self.lab.id, "name"), &lab_tr(Lang::Zh, self.lab.id, "name"));
        let mut step = Step::from_values(self.lab, self.runner.values(), title);
        step.view = self.room.view.clone();
        self.draft.push(step);
        self.notices.push((true, trf(self.lang(), "ui.lesson.added", &[&self.draft.len()])));
    }

    /// Writes the lesson being written to `path`.
    pub(super) fn save_lesson(&mut self, path: &Path) {
        let lesson = Lesson {
            title: Words::new("My lesson", "我的课"),
            about: Words::default(),
            steps: self.draft.clone(),
        };
        let written = std::fs::write(path, lesson.to_toml()).map_err(|e| e.to_string());
        self.said_written(written, path, "ui.lesson.saved", "ui.lesson.bad");
    }
}
