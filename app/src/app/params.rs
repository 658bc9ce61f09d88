//! The hyper-parameter panel: the lab's presets, its parameters by group (sliders, choices,
//! check boxes, texts, file paths), each with its help, its reset mark and its live mark.

use super::*;

impl TenlabApp {
    /// A row of the lab's presets: each button puts its settings in place (the structural
    /// ones wait for a reset once training started, as any change does).
    pub(super) fn presets_ui(&mut self, ui: &mut egui::Ui) {
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
        // A preset is the lab's defaults with its own settings on top (the seed kept), so that
        // one preset never inherits another's knobs.
        let specs = (self.lab.params)();
        let fresh = self.runner.status.step == 0 && !self.runner.is_playing();
        let current = self.runner.values().clone();
        let mut values = self.lab.defaults();
        if let Some(seed) = current.get("seed") {
            values.insert("seed".into(), seed.clone());
        }
        for &(key, text) in preset.values {
            let Some(spec) = specs.iter().find(|s| s.key == key) else { continue };
            let Ok(value) = spec.parse(text) else { continue };
            values.insert(key.into(), value);
        }
        if fresh {
            self.load(values);
        } else {
            for (key, value) in values {
                if current.get(&key) != Some(&value) {
                    self.runner.set(&key, value);
                }
            }
        }
        self.view_dirty = true;
    }

    pub(super) fn params_ui(&mut self, ui: &mut egui::Ui) {
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
                                // A lesson's step may hide a control, or show it locked.
                                if self.hidden(spec.key) {
                                    continue;
                                }
                                if self.locked(spec.key) {
                                    self.locked_row_ui(ui, spec, &values);
                                } else {
                                    self.param_row_ui(ui, spec);
                                }
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

    /// A control the lesson's step locks: its label and value, not to be changed.
    fn locked_row_ui(&self, ui: &mut egui::Ui, spec: &ParamSpec, values: &Values) {
        let (lang, lab) = (self.lang(), self.lab.id);
        let help = format!("{}\n\n{}", param_help(lang, lab, spec.key), self.t("ui.lesson.locked.help"));
        ui.label(format!("{} 🔒", param_label(lang, lab, spec.key))).on_hover_text(&help);
        let value = values.get(spec.key).cloned().unwrap_or_else(|| spec.default_value());
        let shown = match (&spec.kind, &value) {
            (ParamKind::Choice { .. }, ParamValue::Text(o)) => lab_tr(lang, lab, &format!("opt.{o}")),
            _ => value.to_string(),
        };
        ui.label(RichText::new(shown).strong()).on_hover_text(help);
    }

    pub(super) fn param_row_ui(&mut self, ui: &mut egui::Ui, spec: &ParamSpec) {
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
}
