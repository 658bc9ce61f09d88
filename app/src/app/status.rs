//! The status bar (device, state, step, speed, the rates the lab applied, times) and the
//! messages above the views (errors in red, good news in green).

use super::*;

impl TenlabApp {
    pub(super) fn status_bar_ui(&self, ui: &mut egui::Ui) {
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
            if s.warming {
                ui.label(RichText::new(self.t("status.warming")).italics())
                    .on_hover_text(self.t("status.warming.help"));
            } else {
                ui.label(format!("{:.0} {}", s.steps_per_sec, self.t("status.rate")));
            }
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

    /// Errors and warnings in red, what the detectors found in amber, good news in green; one
    /// button dismisses them all.
    pub(super) fn messages_ui(&mut self, ui: &mut egui::Ui) {
        let (lang, lab) = (self.lang(), self.lab.id);
        let mut bad: Vec<String> = self.runner.errors.iter().map(|e| error_text(lang, lab, e)).collect();
        bad.extend(self.notices.iter().filter(|(good, _)| !good).map(|(_, text)| text.clone()));
        let good: Vec<&String> =
            self.notices.iter().filter(|(good, _)| *good).map(|(_, text)| text).collect();
        let found: Vec<String> = self.runner.findings
            [self.runner.findings_dismissed.min(self.runner.findings.len())..]
            .iter()
            .map(|f| crate::i18n::finding_text(lang, lab, f))
            .collect();
        let mut dismiss = false;
        let frames = [
            (
                bad.iter().collect::<Vec<_>>(),
                Color32::from_rgb(253, 226, 226),
                Color32::from_rgb(140, 20, 20),
            ),
            (found.iter().collect(), Color32::from_rgb(255, 240, 200), Color32::from_rgb(120, 70, 0)),
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
            self.runner.findings_dismissed = self.runner.findings.len();
            self.notices.clear();
        }
    }
}
