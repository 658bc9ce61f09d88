//! Pin a run and start another: the pinned run's curves stay drawn (dashed) beside the new
//! run's, and the view on screen is shown twice, the pinned copy beside the live one — the
//! A/B a lesson is built on (same seed, one knob apart).

use tenlab_models::engine::History;
use tenlab_models::view::View;

use super::*;

/// A run kept to compare with: one view as it was when pinned, its curves and settings.
pub struct Pinned {
    pub view_id: String,
    pub view: View,
    pub history: History,
    pub values: Values,
    pub step: u64,
    /// The pinned copy's own widgets (textures, toggles).
    pub views: Views,
}

impl TenlabApp {
    /// Keeps the run as it is now (the view on screen, the curves, the settings) to compare
    /// the next run with.
    pub fn pin(&mut self) {
        let Some(view_id) = self.room.view.clone() else { return };
        let Some((_, view)) = self.runner.views.get(&view_id) else { return };
        self.room.pinned = Some(Pinned {
            view_id,
            view: view.clone(),
            history: self.runner.history.clone(),
            values: self.runner.values().clone(),
            step: self.runner.status.step,
            views: Views::default(),
        });
        self.room.previous = Some(self.runner.history.clone());
        self.room.show_previous = true;
    }

    /// The pin and unpin buttons.
    pub(super) fn pin_ui(&mut self, ui: &mut egui::Ui) {
        if self.room.pinned.is_some() {
            if ui.button(self.t("ui.unpin")).clicked() {
                self.room.pinned = None;
            }
        } else {
            let ready = self.room.view.as_ref().is_some_and(|v| self.runner.views.contains_key(v))
                && self.runner.status.step > 0;
            if ui
                .add_enabled(ready, egui::Button::new(self.t("ui.pin")))
                .on_hover_text(self.t("ui.pin.help"))
                .clicked()
            {
                self.pin();
            }
        }
    }

    /// The settings in `values` that differ from the live run's, as `label value`.
    pub(super) fn differences(&self, values: &Values) -> String {
        let (lang, lab) = (self.lang(), self.lab.id);
        let live = self.runner.values();
        let changed: Vec<String> = values
            .iter()
            .filter(|(k, v)| live.get(*k) != Some(v))
            .map(|(k, v)| format!("{} {v}", param_label(lang, lab, k)))
            .collect();
        if changed.is_empty() { self.t("ui.pinned.same") } else { changed.join(", ") }
    }

    /// The pinned copy of the view, when the view on screen is the one pinned; true when it
    /// was drawn (the live view then takes the other half).
    pub(super) fn pinned_view_ui(&mut self, ui: &mut egui::Ui, current: &str) -> bool {
        let Some(pinned) = self.room.pinned.take() else { return false };
        if pinned.view_id != current {
            self.room.pinned = Some(pinned);
            return false;
        }
        let mut pinned = pinned;
        let (lang, lab) = (self.lang(), self.lab.id);
        ui.label(
            RichText::new(trf(lang, "ui.pinned.title", &[&pinned.step, &self.differences(&pinned.values)]))
                .strong(),
        );
        let cx = views::Cx { lang, lab, id: &pinned.view_id, rev: 0 };
        // Clicks in the pinned copy change nothing: it is a picture of a past run.
        let _ = pinned.views.ui(ui, &cx, &pinned.view);
        self.room.pinned = Some(pinned);
        true
    }
}
