//! Going back in a run: a click on a chart picks the checkpoint at or before that step (a
//! line marks it), "⏪ Go back" takes the run there — model, optimizer, curves and the
//! settings of that moment — and what came after stays drawn, dotted, as a branch. Change a
//! knob and press Play: a new branch grows beside the old one.

use tenlab_models::engine::Branch;

use super::*;

/// The picked checkpoint's line.
const PICK_COLOR: Color32 = Color32::from_rgb(60, 140, 230);

impl TenlabApp {
    /// Above the charts: how to go back, or the button that does it once a step is picked.
    pub(super) fn rewind_ui(&mut self, ui: &mut egui::Ui) {
        let kept = self.runner.status.checkpoints.clone();
        // A pick of a checkpoint that is gone (a reset, a branch forgotten) is dropped.
        if self.room.rewind_to.is_some_and(|s| !kept.steps.contains(&s)) {
            self.room.rewind_to = None;
        }
        ui.horizontal_wrapped(|ui| {
            if let Some(step) = self.room.rewind_to {
                let go =
                    egui::Button::new(RichText::new(trf(self.lang(), "ui.rewind.go", &[&step])).strong())
                        .fill(PICK_COLOR.gamma_multiply(0.35));
                if ui.add(go).on_hover_text(self.t("ui.rewind.go.help")).clicked() {
                    self.runner.rewind(step);
                    self.room.rewind_to = None;
                    self.view_dirty = true;
                }
                if ui.button(self.t("ui.rewind.cancel")).clicked() {
                    self.room.rewind_to = None;
                }
            } else if kept.steps.len() > 1 {
                // In tenths of a megabyte: the optimizer's share is measured by serialising its
                // state, whose parameter names vary in length from run to run by a few bytes.
                let memory = if kept.bytes < 100_000 {
                    "< 0.1 MB".to_string()
                } else {
                    format!("{:.1} MB", kept.bytes as f64 / 1e6)
                };
                let hint = trf(self.lang(), "ui.rewind.hint", &[&kept.steps.len(), &memory, &kept.every]);
                ui.label(RichText::new(hint).weak()).on_hover_text(self.t("ui.rewind.hint.help"));
            }
        });
    }

    /// A click on a chart at `step` picks the checkpoint going back there restores.
    pub(super) fn chart_clicked(&mut self, step: f64) {
        // (A whole step: a checkpoint's step is at or before `step` if it is at or before its floor.)
        self.room.rewind_to = self.runner.status.checkpoints.at_or_before(step.max(0.0) as u64);
    }
}

/// The branches' part of curve `key` (from where each left the run), dotted in `color`, and
/// the picked checkpoint's line.
pub(super) fn draw_branches(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    branches: &[(String, &Branch)],
    key: &'static str,
    color: Color32,
) {
    for (name, branch) in branches {
        let from = branch.from as f64;
        let points: Vec<[f64; 2]> =
            branch.history.curve(Metric(key)).iter().filter(|p| p[0] >= from).copied().collect();
        if points.len() > 1 {
            plot_ui.line(
                Line::new(name.clone(), points)
                    .color(color.gamma_multiply(0.55))
                    .width(crate::views::paint::line_width(1.5))
                    .style(egui_plot::LineStyle::dotted_dense()),
            );
        }
    }
}

/// The line of the checkpoint picked to go back to.
pub(super) fn draw_pick(plot_ui: &mut egui_plot::PlotUi<'_>, lang: Lang, step: Option<u64>) {
    if let Some(step) = step {
        plot_ui.vline(
            VLine::new(trf(lang, "ui.rewind.line", &[&step]), step as f64)
                .color(PICK_COLOR)
                .width(crate::views::paint::line_width(2.0)),
        );
    }
}
