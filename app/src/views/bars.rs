//! Bars with labels (e.g. class probabilities), with a picture beside them.

use egui::{Color32, Pos2, Rect, Sense, TextureOptions, Vec2};
use tenlab_models::view::{Bars, Heatmap, View};

use super::paint::{CLASS_COLORS, Textures, heatmap_image};
use super::{Action, Cx, ViewUi};

/// The `Bars` view kind.
#[derive(Default)]
pub struct BarsView {
    textures: Textures,
}

impl ViewUi for BarsView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        if let View::Bars { image, bars } = view {
            bars_ui(ui, cx, image.as_ref(), bars, &mut self.textures);
        }
        None
    }
}

/// A picture (optional) beside horizontal bars with labels and values.
pub fn bars_ui(ui: &mut egui::Ui, cx: &Cx<'_>, image: Option<&Heatmap>, bars: &Bars, tex: &mut Textures) {
    let Cx { id, rev, .. } = *cx;
    ui.horizontal_top(|ui| {
        if let Some(h) = image {
            ui.vertical(|ui| {
                ui.label(cx.text(&h.title));
                let side = (ui.available_width() * 0.35).clamp(80.0, 220.0);
                let texture = tex
                    .get(ui.ctx(), format!("{id}/image"), rev, TextureOptions::NEAREST, || heatmap_image(h));
                let (rect, _) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
                let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
                ui.painter().image(texture.id(), rect, uv, Color32::WHITE);
            });
        }
        ui.vertical(|ui| {
            let font = egui::FontId::proportional(14.0);
            let label_w = bars
                .labels
                .iter()
                .map(|l| ui.painter().layout_no_wrap(format!("✔ {l}"), font.clone(), Color32::WHITE).size().x)
                .fold(20.0f32, f32::max)
                + 10.0;
            let bar_w = (ui.available_width() - label_w - 60.0).max(60.0);
            let text = ui.visuals().text_color();
            for (i, (name, &v)) in bars.labels.iter().zip(&bars.values).enumerate() {
                let (rect, _) =
                    ui.allocate_exact_size(Vec2::new(label_w + bar_w + 60.0, 22.0), Sense::hover());
                let p = ui.painter();
                let font = egui::FontId::proportional(14.0);
                let marked = bars.marked == Some(i);
                let name = if marked { format!("✔ {name}") } else { name.clone() };
                let left = rect.left_center();
                p.text(
                    left + Vec2::new(label_w - 6.0, 0.0),
                    egui::Align2::RIGHT_CENTER,
                    name,
                    font.clone(),
                    text,
                );
                let frac = (v / bars.max.max(1e-9)).clamp(0.0, 1.0);
                let bar = Rect::from_min_size(
                    rect.left_top() + Vec2::new(label_w, 3.0),
                    Vec2::new(bar_w * frac, 16.0),
                );
                p.rect_filled(bar, 2.0, if marked { CLASS_COLORS[1] } else { CLASS_COLORS[0] });
                let value = format!("{v:.3}");
                p.text(
                    left + Vec2::new(label_w + bar_w + 6.0, 0.0),
                    egui::Align2::LEFT_CENTER,
                    value,
                    font,
                    text,
                );
            }
        });
    });
}
