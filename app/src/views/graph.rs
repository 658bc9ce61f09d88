//! A graph to explore: drag the background to pan, scroll to zoom, drag a node to move it,
//! click a node to send it to the lab (label it, or look at its neighbourhood), hover for
//! its class probabilities. Only what is on screen is drawn, so a graph of thousands of
//! nodes stays smooth; the layout comes settled from the lab.

use std::collections::HashMap;

use egui::{Color32, Pos2, Sense, Stroke, Vec2};
use tenlab_models::view::View;

use super::paint::{class_color, lerp};
use super::{Action, Cx, ViewUi};
use crate::i18n::{tr, trf};

#[derive(Default)]
pub struct GraphView {
    /// Screen offset of the layout's centre from the view's centre, and the zoom.
    pan: Vec2,
    zoom: Option<f32>,
    /// Nodes the user moved, at their new layout positions.
    moved: HashMap<usize, [f32; 2]>,
    /// The node being dragged.
    dragging: Option<usize>,
}

impl ViewUi for GraphView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::Graph(g) = view else { return None };
        let n = g.positions.len();
        ui.label(egui::RichText::new(tr(cx.lang, "ui.graph.hint")).small());
        let side = ui.available_width().min(ui.available_height() - 24.0).clamp(160.0, 1200.0);
        let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::click_and_drag());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 4.0, Color32::WHITE);
        let zoom = *self.zoom.get_or_insert(1.0);
        let scale = side * 0.45 * zoom;
        let centre = rect.center() + self.pan;
        let pos = |i: usize| {
            let p = self.moved.get(&i).copied().unwrap_or(g.positions[i]);
            Pos2::new(centre.x + p[0] * scale, centre.y - p[1] * scale)
        };
        let screen: Vec<Pos2> = (0..n).map(pos).collect();
        let radius = (side / (n as f32).sqrt() / 4.0).clamp(2.0, 10.0) * zoom.sqrt().min(2.0);
        let near = |p: Pos2| -> Option<usize> {
            let (i, d) = screen
                .iter()
                .enumerate()
                .map(|(i, q)| (i, q.distance(p)))
                .min_by(|a, b| a.1.total_cmp(&b.1))?;
            (d <= radius + 3.0).then_some(i)
        };
        let lit = |i: usize| g.hops.as_ref().is_none_or(|(h, reach)| h[i] <= *reach);

        // Interaction: zoom around the pointer, drag a node or the view, click a node.
        if let Some(p) = response.hover_pos() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                let factor = (scroll / 200.0).exp();
                let new = (zoom * factor).clamp(0.2, 40.0);
                // Keep the point under the pointer where it is.
                self.pan = (self.pan - (p - rect.center())) * (new / zoom) + (p - rect.center());
                self.zoom = Some(new);
            }
        }
        if response.drag_started() {
            self.dragging = response.interact_pointer_pos().and_then(near);
        }
        if response.dragged() {
            match self.dragging {
                Some(i) => {
                    if let Some(p) = response.interact_pointer_pos() {
                        let q = [(p.x - centre.x) / scale, (centre.y - p.y) / scale];
                        self.moved.insert(i, q);
                    }
                }
                None => self.pan += response.drag_delta(),
            }
        }
        if response.drag_stopped() {
            self.dragging = None;
        }
        let mut action = None;
        if response.clicked()
            && let (Some(key), Some(i)) = (g.click, response.interact_pointer_pos().and_then(near))
        {
            action = Some(Action::Input(key, vec![i as f32]));
        }

        // Edges on screen (either end inside), then nodes.
        let view = rect.expand(radius);
        for &(a, b) in &g.edges {
            let (p, q) = (screen[a as usize], screen[b as usize]);
            if !view.contains(p) && !view.contains(q) {
                continue;
            }
            let on = lit(a as usize) && lit(b as usize);
            let color = if g.hops.is_some() && on { Color32::from_gray(70) } else { Color32::from_gray(190) };
            painter.line_segment([p, q], Stroke::new(if g.hops.is_some() && on { 1.6 } else { 0.8 }, color));
        }
        for i in 0..n {
            let p = screen[i];
            if !view.contains(p) {
                continue;
            }
            let fade = |c: Color32| if lit(i) { c } else { lerp(c, Color32::WHITE, 0.8) };
            let fill = fade(class_color(g.predicted[i] as usize));
            let ring = fade(class_color(g.truth[i] as usize));
            painter.circle(p, radius, fill, Stroke::new((radius * 0.35).max(1.5), ring));
            if g.labelled[i] {
                painter.circle_stroke(p, radius * 1.35 + 1.5, Stroke::new(2.0, fade(Color32::BLACK)));
            }
            if let Some((h, _)) = &g.hops
                && h[i] == 0
            {
                painter.circle_stroke(
                    p,
                    radius * 1.9 + 3.0,
                    Stroke::new(2.5, Color32::from_rgb(200, 40, 40)),
                );
            }
        }
        // Legend: the classes.
        let font = egui::FontId::proportional(12.0);
        let mut y = rect.top() + 8.0;
        for (c, name) in g.class_names.iter().enumerate().take(12) {
            let galley = painter.layout_no_wrap(name.clone(), font.clone(), Color32::BLACK);
            let at = Pos2::new(rect.right() - galley.size().x - 22.0, y);
            painter.circle_filled(at + Vec2::new(0.0, 6.0), 5.0, class_color(c));
            painter.galley(at + Vec2::new(9.0, 0.0), galley, Color32::BLACK);
            y += 17.0;
        }
        if let Some((h, reach)) = &g.hops {
            let seen = h.iter().filter(|&&d| d <= *reach).count().saturating_sub(1);
            painter.text(
                rect.left_top() + Vec2::new(8.0, 8.0),
                egui::Align2::LEFT_TOP,
                trf(cx.lang, "ui.graph.reach", &[reach, &seen]),
                font.clone(),
                Color32::BLACK,
            );
        }
        // Hover: the node's name, true class and predicted probabilities.
        if self.dragging.is_none()
            && let Some(i) = response.hover_pos().and_then(near)
        {
            let k = g.class_names.len();
            let probs = &g.probs[i * k..(i + 1) * k];
            let mut text = format!("{} — {}", g.names[i], g.class_names[g.truth[i] as usize]);
            if g.labelled[i] {
                text.push_str(&format!(" ({})", tr(cx.lang, "ui.graph.labelled")));
            }
            for (c, p) in probs.iter().enumerate() {
                text.push_str(&format!("\n{}: {:.2}", g.class_names[c], p));
            }
            response.on_hover_text(text);
        }
        action
    }
}
