//! The live curves: the lab's charts against the step, the previous run's dashed beside them,
//! the branches left by going back dotted, and a marker wherever a hyper-parameter changed
//! mid-run. A click on a chart picks a checkpoint to go back to ([`super::rewind`]).

use super::*;

/// The bold curves of a chart, in order (train in orange, test in blue, as the classes).
const CURVE_COLORS: [Color32; 4] =
    [views::CLASS_COLORS[1], views::CLASS_COLORS[0], views::CLASS_COLORS[2], views::CLASS_COLORS[3]];

impl TenlabApp {
    pub(super) fn curves_ui(&mut self, ui: &mut egui::Ui) {
        let has_points = !self.runner.history.is_empty();
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(has_points, egui::Button::new(self.t("ui.csv.save")))
                .on_hover_text(self.t("ui.csv.save.help"))
                .clicked()
            {
                self.start_pick(super::files::Pick::SaveCsv);
            }
            if ui
                .add_enabled(has_points, egui::Button::new(self.t("ui.report.save")))
                .on_hover_text(self.t("ui.report.save.help"))
                .clicked()
            {
                self.start_pick(super::files::Pick::SaveReport);
            }
        });
        if self.room.previous.is_some() {
            let label = self.t("ui.show_previous");
            ui.checkbox(&mut self.room.show_previous, label).on_hover_text(self.t("ui.show_previous.help"));
        }
        self.rewind_ui(ui);
        let lang = self.lang();
        // The branches left behind by going back, each named by the settings it ran with.
        let branches: Vec<(String, &tenlab_models::engine::Branch)> = self
            .runner
            .branches
            .iter()
            .enumerate()
            .map(|(i, b)| (trf(lang, "ui.branch", &[&(i + 1), &self.differences(&b.values)]), b))
            .collect();
        let pick = self.room.rewind_to;
        let mut clicked = None;
        let h = &self.runner.history;
        let link = egui::Id::unique("curves-x");
        // The lab's charts that fit its current data (all of them until it is built).
        let shown = &self.runner.charts;
        let charts: Vec<_> =
            self.lab.charts.iter().filter(|c| shown.is_empty() || shown.contains(&c.id)).collect();
        let height =
            ((ui.available_height() - 20.0 * charts.len() as f32) / charts.len().max(1) as f32).max(120.0);
        let lab = self.lab.id;
        let previous = self.room.previous.as_ref().filter(|_| self.room.show_previous);
        let step_axis = self.t("ui.step_axis");
        for chart in charts {
            ui.label(RichText::new(lab_tr(lang, lab, &format!("chart.{}", chart.id))).strong());
            let mut plot = Plot::new(("chart", chart.id))
                .height(height)
                .legend(Legend::default())
                .link_axis(link, [true, false])
                .include_y(0.0)
                .x_grid_spacer(egui_plot::uniform_grid_spacer(step_marks))
                .x_axis_label(step_axis.clone());
            if chart.unit {
                plot = plot.include_y(1.0);
            }
            if let Some(level) = chart.line {
                plot = plot.include_y(level as f64);
            }
            // A reference level in the text's colour, dashed: no curve's colour (a green level
            // read as one more curve beside DQN's green "best network so far").
            let level_color = ui.visuals().text_color();
            let shown = plot.show(ui, |plot_ui| {
                if let Some(level) = chart.line {
                    let name = lab_tr(lang, lab, &format!("chart.{}.line", chart.id));
                    plot_ui.hline(
                        egui_plot::HLine::new(name, level as f64)
                            .color(level_color)
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
                                .width(crate::views::paint::line_width(1.0)),
                        );
                        continue;
                    }
                    let color = CURVE_COLORS[bold % CURVE_COLORS.len()];
                    bold += 1;
                    plot_ui.line(
                        Line::new(name.clone(), h.curve(m).to_vec())
                            .color(color)
                            .width(crate::views::paint::line_width(2.0)),
                    );
                    if let Some(p) = previous {
                        let name = format!("{name} ({})", tr(lang, "ui.previous"));
                        plot_ui.line(
                            Line::new(name, p.curve(m).to_vec())
                                .color(color.gamma_multiply(0.6))
                                .width(crate::views::paint::line_width(1.5))
                                .style(egui_plot::LineStyle::dashed_loose()),
                        );
                    }
                    super::rewind::draw_branches(plot_ui, &branches, curve.key, color);
                }
                draw_markers(plot_ui, &h.markers, lang, lab);
                super::rewind::draw_pick(plot_ui, lang, pick);
                // Where a detector saw something: amber, dashed, named after it.
                for f in &self.runner.findings {
                    let name = lab_tr(lang, lab, &format!("detect.{}.short", f.id));
                    plot_ui.vline(
                        VLine::new(name, f.step as f64)
                            .color(Color32::from_rgb(230, 150, 20))
                            .width(crate::views::paint::line_width(1.5))
                            .style(egui_plot::LineStyle::dashed_dense()),
                    );
                }
            });
            // A click picks the checkpoint to go back to.
            if shown.response.clicked()
                && let Some(pos) = shown.response.interact_pointer_pos()
            {
                clicked = Some(shown.transform.value_from_position(pos).x);
            }
        }
        if let Some(step) = clicked {
            self.chart_clicked(step);
        }
    }
}

/// A vertical line wherever a hyper-parameter changed mid-run, named after the change.
fn draw_markers(plot_ui: &mut egui_plot::PlotUi<'_>, markers: &[Marker], lang: Lang, lab: &str) {
    for m in markers {
        // A long value (the points of a drawing) is only said to have changed.
        let value = if m.value.chars().count() > 24 { tr(lang, "ui.changed") } else { m.value.clone() };
        let label = format!("{} = {}", param_label(lang, lab, &m.key), value);
        plot_ui.vline(
            VLine::new(label, m.step as f64)
                .color(Color32::from_gray(150))
                .width(crate::views::paint::line_width(1.0)),
        );
    }
}

/// Grid steps for the step axis in 1-2-5 steps (whole steps only), with a finer middle level
/// than egui_plot's powers of ten, so a narrow chart still labels its steps every so often
/// (200 steps in 270 px: labels every 50 instead of every 100).
fn step_marks(input: egui_plot::GridInput) -> [f64; 3] {
    let base = input.base_step_size.abs().max(1.0);
    let magnitude = 10f64.powf(base.log10().floor());
    let small = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|&s| s >= base).unwrap_or(base);
    // Each level a whole multiple of the one below: 1-5-10, 2-10-20, 5-10-50.
    let leading = (small / magnitude).round() as i64;
    match leading {
        2 => [small, small * 5.0, small * 10.0],
        5 => [small, small * 2.0, small * 10.0],
        _ => [small, small * 5.0, small * 10.0],
    }
}
