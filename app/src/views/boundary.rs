//! A decision boundary: the class field over the plane, the data points on top.

use egui::{Color32, ColorImage, Pos2, Rect, Sense, Stroke, TextureOptions, Vec2};
use tenlab_models::view::{Boundary, View};

use super::paint::{Plane, Textures, class_color, lerp};
use super::{Action, Cx, ViewUi};
use crate::i18n::tr;

/// The `Boundary` view kind, with its own switch for the test points.
pub struct BoundaryView {
    textures: Textures,
    show_test: bool,
}

impl Default for BoundaryView {
    fn default() -> Self {
        Self { textures: Textures::default(), show_test: true }
    }
}

impl ViewUi for BoundaryView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        if let View::Boundary(b) = view {
            ui.checkbox(&mut self.show_test, tr(cx.lang, "ui.show_test"));
            boundary_ui(ui, cx.id, cx.rev, b, &mut self.textures, self.show_test);
        }
        None
    }
}

/// A decision boundary: the class field as an image, the points on top.
pub fn boundary_ui(ui: &mut egui::Ui, id: &str, rev: u64, b: &Boundary, tex: &mut Textures, show_test: bool) {
    let side = ui.available_width().min(ui.available_height()).clamp(120.0, 900.0);
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
    let texture = tex.get(ui.ctx(), format!("{id}/field"), rev, TextureOptions::LINEAR, || {
        let white = Color32::from_rgb(250, 250, 250);
        let pixels = (0..b.res * b.res)
            .map(|cell| {
                // A coin toss is nearly white, certainty the full class colour (kept light).
                let (best, sure) = b.cell(cell);
                lerp(white, class_color(best), 0.15 + 0.55 * sure)
            })
            .collect();
        ColorImage::new([b.res, b.res], pixels)
    });
    let painter = ui.painter_at(rect);
    painter.image(texture.id(), rect, Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)), Color32::WHITE);
    let plane = Plane { rect, x: b.x_range, y: b.y_range };
    let to_screen = |p| plane.to_screen(p);
    let r = (side / 140.0).clamp(2.0, 5.0);
    for &(p, c, test) in &b.points {
        if test && !show_test {
            continue;
        }
        let rim = if test { Color32::from_gray(20) } else { Color32::WHITE };
        painter.circle(to_screen(p), r, class_color(c as usize), Stroke::new(1.0, rim));
    }
    plane.frame(&painter, 0);
    // Legend
    let mut y = rect.top() + 6.0;
    for (c, name) in b.class_names.iter().enumerate() {
        let pos = Pos2::new(rect.right() - 70.0, y + 6.0);
        painter.circle_filled(pos, 5.0, class_color(c));
        painter.text(
            pos + Vec2::new(9.0, 0.0),
            egui::Align2::LEFT_CENTER,
            name,
            egui::FontId::proportional(12.0),
            Color32::BLACK,
        );
        y += 16.0;
    }
    if let Some(pos) = response.hover_pos() {
        let fx = (pos.x - rect.left()) / rect.width();
        let fy = (pos.y - rect.top()) / rect.height();
        let [x, yv] = plane.at(pos);
        let (i, j) =
            (((fy * b.res as f32) as usize).min(b.res - 1), ((fx * b.res as f32) as usize).min(b.res - 1));
        let k = b.classes.max(1);
        let p = &b.probs[(i * b.res + j) * k..(i * b.res + j + 1) * k];
        let probs: Vec<String> =
            b.class_names.iter().zip(p).map(|(n, v)| format!("P({n}) = {v:.2}")).collect();
        response.on_hover_text(format!("({x:.2}, {yv:.2})\n{}", probs.join("\n")));
    }
}
