//! Points on a plane: a field of values behind them (e.g. a discriminator's output), arrows
//! (e.g. where a denoiser pushes points), layers of points with a legend; where the lab takes
//! drawn points, a click adds one and a right-click removes the nearest.

use egui::{Color32, Pos2, Rect, Sense, Stroke, TextureOptions, Vec2};
use tenlab_models::data::points::PointEdit;
use tenlab_models::view::{Scatter, Text, View};

use super::paint::{Plane, Textures, class_color, heatmap_image, lerp};
use super::{Action, Cx, ViewUi};
use crate::i18n::tr;

/// The `Scatter` view kind.
#[derive(Default)]
pub struct ScatterView {
    textures: Textures,
    zoom: Zoom,
}

impl ViewUi for ScatterView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::Scatter(s) = view else { return None };
        scatter_ui(ui, cx, s, &mut self.textures, &mut self.zoom)
    }
}

/// How far the user zoomed in (1: the lab's ranges) and where the centre moved, as a
/// fraction of the ranges, so a zoom holds while the lab's ranges change.
#[derive(Clone, Copy, Debug)]
pub struct Zoom {
    factor: f32,
    centre: [f32; 2],
}

impl Default for Zoom {
    fn default() -> Self {
        Self { factor: 1.0, centre: [0.0, 0.0] }
    }
}

impl Zoom {
    fn ranges(&self, x: (f32, f32), y: (f32, f32)) -> ((f32, f32), (f32, f32)) {
        let shown = |r: (f32, f32), c: f32| {
            let span = (r.1 - r.0) / self.factor;
            let mid = (r.0 + r.1) / 2.0 + c * (r.1 - r.0);
            (mid - span / 2.0, mid + span / 2.0)
        };
        (shown(x, self.centre[0]), shown(y, self.centre[1]))
    }
}

pub fn scatter_ui(
    ui: &mut egui::Ui,
    cx: &Cx<'_>,
    s: &Scatter,
    tex: &mut Textures,
    zoom: &mut Zoom,
) -> Option<Action> {
    let below = if s.draw.is_some() { 28.0 } else { 0.0 };
    let side = ui.available_width().min(ui.available_height() - below).clamp(120.0, 900.0);
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::click_and_drag());
    // Scroll zooms around the pointer, a drag pans, a double click shows everything again.
    let (x_full, y_full) = (s.x_range.1 - s.x_range.0, s.y_range.1 - s.y_range.0);
    if let Some(p) = response.hover_pos() {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        if scroll != 0.0 {
            let (xr, yr) = zoom.ranges(s.x_range, s.y_range);
            let at = Plane { rect, x: xr, y: yr }.at(p);
            let new = (zoom.factor * (scroll / 200.0).exp()).clamp(1.0, 50.0);
            // Keep the point under the pointer where it is.
            let keep = |a: f32, lo: f32, full: f32, c: f32| {
                let mid = lo + full / 2.0 + c * full;
                (a - (a - mid) * zoom.factor / new - lo - full / 2.0) / full
            };
            zoom.centre = [
                keep(at[0], s.x_range.0, x_full, zoom.centre[0]),
                keep(at[1], s.y_range.0, y_full, zoom.centre[1]),
            ];
            zoom.factor = new;
        }
    }
    if response.dragged() {
        let d = response.drag_delta();
        zoom.centre[0] -= d.x / rect.width() / zoom.factor;
        zoom.centre[1] += d.y / rect.height() / zoom.factor;
    }
    if response.double_clicked() {
        *zoom = Zoom::default();
    }
    let (x_range, y_range) = zoom.ranges(s.x_range, s.y_range);
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, Color32::from_rgb(250, 250, 250));
    if let Some(field) = &s.field {
        let texture = tex.get(ui.ctx(), format!("{}/field", cx.id), cx.rev, TextureOptions::LINEAR, || {
            heatmap_image(field)
        });
        // The part of the field in view (its row 0 is the top of the lab's plane).
        let u = |x: f32| (x - s.x_range.0) / x_full;
        let v = |y: f32| (s.y_range.1 - y) / y_full;
        let uv =
            Rect::from_min_max(Pos2::new(u(x_range.0), v(y_range.1)), Pos2::new(u(x_range.1), v(y_range.0)));
        painter.image(texture.id(), rect, uv, Color32::from_white_alpha(170));
    }
    let plane = Plane { rect, x: x_range, y: y_range };
    let to_screen = |p| plane.to_screen(p);
    for path in &s.paths {
        let points: Vec<Pos2> = path.points.iter().map(|&p| to_screen(p)).collect();
        let color = path.color.map_or(Color32::from_rgb(120, 90, 170), class_color);
        painter.add(egui::Shape::line(points, Stroke::new(1.0, color)));
    }
    let arrow_color = Color32::from_gray(110);
    for &(from, v) in &s.arrows {
        let (a, b) = (to_screen(from), to_screen([from[0] + v[0], from[1] + v[1]]));
        let d = b - a;
        if d.length() < 0.5 {
            continue;
        }
        painter.line_segment([a, b], Stroke::new(1.0, arrow_color));
        let dir = d.normalized();
        let head = 3.5f32.min(d.length() * 0.5);
        let side = Vec2::new(-dir.y, dir.x) * head * 0.6;
        painter.add(egui::Shape::convex_polygon(
            vec![b, b - dir * head + side, b - dir * head - side],
            arrow_color,
            Stroke::NONE,
        ));
    }
    let r = (side / 220.0).clamp(1.5, 3.5);
    for layer in &s.layers {
        let (radius, color) = if layer.faint {
            (r * 0.7, lerp(class_color(layer.color), Color32::WHITE, 0.45))
        } else {
            (r, class_color(layer.color))
        };
        for &p in &layer.points {
            let q = to_screen(p);
            if rect.contains(q) {
                painter.circle_filled(q, radius, color);
            }
        }
    }
    let small = egui::FontId::proportional(12.0);
    // Labels in the lab's order (the most important first); one that would overlap a label
    // already written is left out, and hovering its dot shows it.
    let mut taken: Vec<Rect> = Vec::new();
    let mut nearest: Option<(f32, &str, Pos2)> = None;
    let hover = response.hover_pos();
    for (p, text) in &s.labels {
        let q = to_screen(*p);
        if !rect.contains(q) {
            continue;
        }
        painter.circle_filled(q, 2.5, Color32::from_rgb(30, 110, 200));
        if let Some(h) = hover {
            let d = h.distance(q);
            if d < 8.0 && nearest.is_none_or(|(best, ..)| d < best) {
                nearest = Some((d, text, q));
            }
        }
        let galley = painter.layout_no_wrap(text.clone(), small.clone(), Color32::from_gray(30));
        let mut at = q + Vec2::new(4.0, -2.0 - galley.size().y);
        if at.x + galley.size().x > rect.right() {
            // Near the right edge: the label goes to the dot's left.
            at.x = q.x - 4.0 - galley.size().x;
        }
        let area = Rect::from_min_size(at, galley.size()).expand(1.0);
        if taken.iter().any(|r| r.intersects(area)) {
            continue;
        }
        taken.push(area);
        painter.galley(at, galley, Color32::from_gray(30));
    }
    if let Some((_, text, q)) = nearest {
        let galley = painter.layout_no_wrap(text.to_string(), small.clone(), Color32::BLACK);
        let at = q + Vec2::new(4.0, -2.0 - galley.size().y);
        painter.rect_filled(
            Rect::from_min_size(at, galley.size()).expand(2.0),
            2.0,
            Color32::from_rgb(255, 250, 205),
        );
        painter.galley(at, galley, Color32::BLACK);
    }
    plane.frame(&painter, 1);
    // Legend, top right.
    let font = egui::FontId::proportional(12.0);
    let mut y = rect.top() + 8.0;
    for layer in s.layers.iter().filter(|l| !l.points.is_empty()) {
        let name = cx.text(&Text::Key(layer.name, layer.arg.iter().cloned().collect()));
        let galley = painter.layout_no_wrap(name, font.clone(), Color32::BLACK);
        let pos = Pos2::new(rect.right() - galley.size().x - 22.0, y);
        painter.circle_filled(pos + Vec2::new(0.0, 6.0), 5.0, class_color(layer.color));
        painter.galley(pos + Vec2::new(9.0, 0.0), galley, Color32::BLACK);
        y += 17.0;
    }
    let (clicked, right) = (response.clicked(), response.secondary_clicked());
    let pos = response.interact_pointer_pos().or(response.hover_pos());
    if let Some(p) = response.hover_pos() {
        let [x, y] = plane.at(p);
        response.on_hover_text(format!("({x:.2}, {y:.2})"));
    }
    let key = s.draw?;
    let mut edit = match pos {
        Some(p) if clicked => Some(PointEdit::Add(plane.at(p))),
        Some(p) if right => Some(PointEdit::RemoveNear(plane.at(p))),
        _ => None,
    };
    ui.horizontal(|ui| {
        ui.label(tr(cx.lang, "draw.hint"));
        if ui.button(tr(cx.lang, "draw.undo")).clicked() {
            edit = Some(PointEdit::Undo);
        }
        if ui.button(tr(cx.lang, "draw.clear")).clicked() {
            edit = Some(PointEdit::Clear);
        }
    });
    edit.map(|e| Action::Points(key, e))
}
