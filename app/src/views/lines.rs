//! A small plot of lines (e.g. alpha-bar over the timesteps, the loss by timestep).

use egui::Color32;
use egui_plot::{Legend, Line, Plot, VLine};
use tenlab_models::view::{Lines, View};

use super::paint::class_color;
use super::{Action, Cx, ViewUi};
use crate::i18n::lab_tr;

/// The `Lines` view kind.
#[derive(Default)]
pub struct LinesView;

impl ViewUi for LinesView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::Lines(l) = view else { return None };
        lines_ui(ui, cx, l);
        None
    }
}

pub fn lines_ui(ui: &mut egui::Ui, cx: &Cx<'_>, l: &Lines) {
    let t = |key: &str| lab_tr(cx.lang, cx.lab, key);
    let height = ui.available_height().clamp(140.0, 480.0);
    Plot::new(("lines", cx.id))
        .height(height)
        .legend(Legend::default())
        .include_y(0.0)
        .x_axis_label(t(l.x_label))
        .y_axis_label(t(l.y_label))
        .show(ui, |plot_ui| {
            for s in &l.series {
                let points: Vec<[f64; 2]> = s.points.iter().map(|p| [p[0] as f64, p[1] as f64]).collect();
                plot_ui.line(
                    Line::new(t(s.name), points)
                        .color(class_color(s.color))
                        .width(crate::views::paint::line_width(2.0)),
                );
            }
            if let Some(x) = l.mark_x {
                plot_ui.vline(
                    VLine::new(format!("{} = {x}", t(l.x_label)), x as f64)
                        .color(Color32::from_gray(120))
                        .width(crate::views::paint::line_width(1.5)),
                );
            }
        });
}
