//! A small matrix with labels and values (e.g. a confusion matrix).

use egui::{Color32, Rect, Sense, Vec2};
use tenlab_models::view::{Heatmap, View};

use super::paint::value_color;
use super::{Action, Cx, ViewUi};
use crate::i18n::{Lang, tr};

/// The `Heatmap` view kind.
#[derive(Default)]
pub struct MatrixView;

impl ViewUi for MatrixView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        if let View::Heatmap(h) = view {
            matrix_ui(ui, cx.lang, h);
        }
        None
    }
}

/// A small matrix with labels and values (e.g. a confusion matrix).
pub fn matrix_ui(ui: &mut egui::Ui, lang: Lang, h: &Heatmap) {
    let label_w = 90.0;
    let avail = (ui.available_width() - label_w).min(ui.available_height() - 40.0).max(80.0);
    let cell = (avail / h.cols.max(h.rows) as f32).clamp(14.0, 90.0);
    let size = Vec2::new(label_w + cell * h.cols as f32, 52.0 + cell * h.rows as f32);
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter_at(rect);
    let origin = rect.left_top() + Vec2::new(label_w, 52.0);
    let font = egui::FontId::proportional((cell * 0.35).clamp(10.0, 16.0));
    let text_color = ui.visuals().text_color();
    painter.text(
        origin + Vec2::new(cell * h.cols as f32 / 2.0, -50.0),
        egui::Align2::CENTER_TOP,
        tr(lang, "ui.predicted"),
        font.clone(),
        text_color,
    );
    painter.text(
        rect.left_top() + Vec2::new(2.0, 30.0),
        egui::Align2::LEFT_TOP,
        tr(lang, "ui.true_class"),
        font.clone(),
        text_color,
    );
    for (j, name) in h.col_labels.iter().enumerate() {
        painter.text(
            origin + Vec2::new((j as f32 + 0.5) * cell, -4.0),
            egui::Align2::CENTER_BOTTOM,
            name,
            font.clone(),
            text_color,
        );
    }
    for i in 0..h.rows {
        if let Some(name) = h.row_labels.get(i) {
            painter.text(
                origin + Vec2::new(-6.0, (i as f32 + 0.5) * cell),
                egui::Align2::RIGHT_CENTER,
                name,
                font.clone(),
                text_color,
            );
        }
        for j in 0..h.cols {
            let v = h.values[i * h.cols + j];
            let r =
                Rect::from_min_size(origin + Vec2::new(j as f32 * cell, i as f32 * cell), Vec2::splat(cell));
            let fill = value_color(h, v);
            painter.rect_filled(r.shrink(0.5), 2.0, fill);
            if h.show_values {
                let dark = fill.r() as u32 + fill.g() as u32 + fill.b() as u32 > 380;
                let c = if dark { Color32::BLACK } else { Color32::WHITE };
                painter.text(r.center(), egui::Align2::CENTER_CENTER, format!("{v}"), font.clone(), c);
            }
        }
    }
}
