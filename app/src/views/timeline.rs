//! One row per item (e.g. per layer): its history as a strip of colour, its latest value as a
//! bar.

use egui::{Color32, Pos2, Rect, Sense, Stroke, TextureOptions, Vec2};
use tenlab_models::view::{Bars, Heatmap, View};

use super::paint::{CLASS_COLORS, Textures, heatmap_image, value_color};
use super::{Action, Cx, ViewUi};
use crate::i18n::tr;

/// The `Timeline` view kind.
#[derive(Default)]
pub struct TimelineView {
    textures: Textures,
}

impl ViewUi for TimelineView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        if let View::Timeline { history, bars } = view {
            timeline_ui(ui, cx, history, bars, &mut self.textures);
        }
        None
    }
}

/// One row per item: its name, its history as a colour strip (oldest left), its latest value
/// as a bar. Rows line up, so a layer's past and present read along one line.
pub fn timeline_ui(ui: &mut egui::Ui, cx: &Cx<'_>, history: &Heatmap, bars: &Bars, tex: &mut Textures) {
    let Cx { lang, id, rev, .. } = *cx;
    let n = bars.labels.len().max(1);
    let font = egui::FontId::proportional(14.0);
    let small = egui::FontId::proportional(12.0);
    let text = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let row_h = ((ui.available_height() - 60.0) / n as f32).clamp(10.0, 24.0);
    let label_w = bars
        .labels
        .iter()
        .map(|l| ui.painter().layout_no_wrap(l.clone(), font.clone(), text).size().x)
        .fold(20.0f32, f32::max)
        + 10.0;
    let width = ui.available_width().max(300.0);
    let strip_w = ((width - label_w) * 0.45).max(80.0);
    let bar_x = label_w + strip_w + 16.0;
    let bar_w = (width - bar_x - 70.0).max(60.0);
    let (rect, response) =
        ui.allocate_exact_size(Vec2::new(width, 46.0 + row_h * n as f32 + 22.0), Sense::hover());
    let p = ui.painter_at(rect);
    let top = rect.top() + 46.0;
    // Headers: the history's title and colour key, and the bars' caption.
    p.text(
        rect.left_top() + Vec2::new(label_w, 0.0),
        egui::Align2::LEFT_TOP,
        cx.text(&history.title),
        small.clone(),
        text,
    );
    let key = Rect::from_min_size(rect.left_top() + Vec2::new(label_w, 18.0), Vec2::new(strip_w, 10.0));
    for k in 0..32 {
        let t = k as f32 / 31.0;
        let v = history.range.0 + t * (history.range.1 - history.range.0);
        let cell = Rect::from_min_size(
            key.left_top() + Vec2::new(t * (strip_w - strip_w / 32.0), 0.0),
            Vec2::new(strip_w / 32.0 + 0.5, 10.0),
        );
        p.rect_filled(cell, 0.0, value_color(history, v));
    }
    p.text(key.left_bottom(), egui::Align2::LEFT_TOP, format!("{:.1}", history.range.0), small.clone(), weak);
    p.text(
        key.right_bottom(),
        egui::Align2::RIGHT_TOP,
        format!("{:.1}", history.range.1),
        small.clone(),
        weak,
    );
    p.text(
        rect.left_top() + Vec2::new(bar_x, 0.0),
        egui::Align2::LEFT_TOP,
        tr(lang, "ui.latest"),
        small.clone(),
        text,
    );
    let strip =
        Rect::from_min_size(Pos2::new(rect.left() + label_w, top), Vec2::new(strip_w, row_h * n as f32));
    if history.cols > 0 && history.rows > 0 {
        let texture = tex
            .get(ui.ctx(), format!("{id}/history"), rev, TextureOptions::NEAREST, || heatmap_image(history));
        let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
        p.image(texture.id(), strip, uv, Color32::WHITE);
    }
    p.rect_stroke(strip, 0.0, Stroke::new(1.0, weak), egui::StrokeKind::Outside);
    p.text(
        strip.left_bottom() + Vec2::new(0.0, 4.0),
        egui::Align2::LEFT_TOP,
        tr(lang, "ui.older_newer"),
        small,
        weak,
    );
    for (i, (name, &v)) in bars.labels.iter().zip(&bars.values).enumerate() {
        let y = top + (i as f32 + 0.5) * row_h;
        let row_font = egui::FontId::proportional(row_h.clamp(10.0, 14.0));
        p.text(
            Pos2::new(rect.left() + label_w - 6.0, y),
            egui::Align2::RIGHT_CENTER,
            name,
            row_font.clone(),
            text,
        );
        let frac = (v / bars.max.max(1e-30)).clamp(0.0, 1.0);
        let bar = Rect::from_min_size(
            Pos2::new(rect.left() + bar_x, y - row_h * 0.35),
            Vec2::new(bar_w * frac, row_h * 0.7),
        );
        p.rect_filled(bar, 2.0, CLASS_COLORS[0]);
        let value = if history.cols == 0 { "–".to_string() } else { format!("{v:.2e}") };
        p.text(
            Pos2::new(rect.left() + bar_x + bar_w + 6.0, y),
            egui::Align2::LEFT_CENTER,
            value,
            row_font,
            text,
        );
    }
    // Hovering the strip names the layer, the record and its value.
    if let Some(pos) = response.hover_pos().filter(|p| strip.contains(*p))
        && history.cols > 0
    {
        let row = (((pos.y - strip.top()) / row_h) as usize).min(history.rows.saturating_sub(1));
        let col = (((pos.x - strip.left()) / strip_w * history.cols as f32) as usize).min(history.cols - 1);
        let v = history.values[row * history.cols + col];
        let name = history.row_labels.get(row).cloned().unwrap_or_default();
        response.on_hover_text(format!("{name} · #{} · {v:.2}", col + 1));
    }
}
