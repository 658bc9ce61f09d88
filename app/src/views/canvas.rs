//! A drawing pad: the user draws with the mouse, the lab reads the drawing.

use egui::{Color32, ColorImage, Pos2, Rect, Sense, Stroke, TextureOptions, Vec2};
use tenlab_models::view::{Reading, Style, View};

use super::bars::bars_ui;
use super::paint::Textures;
use super::thumbnails::heatmap_rows_ui;
use super::{Action, Cx, ViewUi};
use crate::i18n::{lab_tr, tr};

/// The `Canvas` view kind: the pad keeps its drawing between frames.
#[derive(Default)]
pub struct CanvasView {
    textures: Textures,
    drawing: Drawing,
}

impl ViewUi for CanvasView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::Canvas { input, side, reading } = view else { return None };
        let pad = Pad { input, side: *side, reading: reading.as_ref() };
        canvas_ui(ui, cx, pad, &mut self.textures, &mut self.drawing)
    }
}

/// The drawing pad's ink, kept by the app between frames.
#[derive(Clone, Debug, Default)]
struct Drawing {
    side: usize,
    pub ink: Vec<f32>,
    /// Grows with every change (the pad's texture is rebuilt when it does).
    rev: u64,
    last_sent: Option<std::time::Instant>,
    /// Where the brush was in the previous frame of a drag (raster coordinates).
    last_point: Option<Pos2>,
}

impl Drawing {
    fn ensure(&mut self, side: usize) {
        if self.side != side {
            *self = Drawing { side, ink: vec![0.0; side * side], ..Default::default() };
        }
    }

    /// Lays down a soft round brush stroke from `a` to `b` (raster coordinates).
    fn stroke(&mut self, a: Pos2, b: Pos2) {
        let radius = self.side as f32 / 22.0;
        let steps = ((b - a).length() / (radius * 0.3)).ceil().max(1.0) as usize;
        for k in 0..=steps {
            let p = a + (b - a) * (k as f32 / steps as f32);
            let (x0, x1) =
                ((p.x - radius - 1.0).max(0.0) as usize, ((p.x + radius + 1.0) as usize).min(self.side - 1));
            let (y0, y1) =
                ((p.y - radius - 1.0).max(0.0) as usize, ((p.y + radius + 1.0) as usize).min(self.side - 1));
            for y in y0..=y1 {
                for x in x0..=x1 {
                    let d = Vec2::new(x as f32 + 0.5 - p.x, y as f32 + 0.5 - p.y).length();
                    let v = (1.0 - (d - radius * 0.6) / (radius * 0.4)).clamp(0.0, 1.0);
                    let cell = &mut self.ink[y * self.side + x];
                    *cell = cell.max(v);
                }
            }
        }
        self.rev += 1;
    }
}

/// A drawing pad view: the lab's input key, the raster side, the lab's last answer.
struct Pad<'a> {
    input: &'static str,
    side: usize,
    reading: Option<&'a Reading>,
}

/// A pad to draw on with the mouse (white ink on black, like MNIST), beside what the lab
/// makes of the drawing. While the user draws, the drawing goes to the lab ~10 times a second.
fn canvas_ui(
    ui: &mut egui::Ui,
    cx: &Cx<'_>,
    pad: Pad<'_>,
    tex: &mut Textures,
    drawing: &mut Drawing,
) -> Option<Action> {
    let Cx { lang, id, .. } = *cx;
    let Pad { input, side, reading } = pad;
    drawing.ensure(side);
    let mut send = false;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.label(tr(lang, "ui.draw_hint"));
            let size = (ui.available_width() * 0.4).clamp(140.0, 280.0);
            let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::drag());
            response.widget_info(|| {
                egui::WidgetInfo::labeled(
                    egui::accesskit::Role::Canvas,
                    true,
                    lab_tr(lang, cx.lab, "view.canvas"),
                )
            });
            let to_raster = |p: Pos2| ((p - rect.min) / size * side as f32).to_pos2();
            if let Some(pos) = response.interact_pointer_pos() {
                let here = to_raster(pos);
                drawing.stroke(drawing.last_point.unwrap_or(here), here);
                drawing.last_point = Some(here);
                let due =
                    drawing.last_sent.is_none_or(|t| t.elapsed() >= std::time::Duration::from_millis(100));
                send |= due;
            }
            if !response.is_pointer_button_down_on() {
                drawing.last_point = None;
            }
            send |= response.drag_stopped();
            let image = ColorImage::new(
                [side, side],
                drawing.ink.iter().map(|&v| Color32::from_gray((v * 255.0) as u8)).collect(),
            );
            let texture =
                tex.get(ui.ctx(), format!("{id}/pad"), drawing.rev, TextureOptions::LINEAR, || image);
            ui.painter().image(
                texture.id(),
                rect,
                Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                Color32::WHITE,
            );
            ui.painter().rect_stroke(
                rect,
                0.0,
                Stroke::new(1.0, Color32::from_gray(150)),
                egui::StrokeKind::Outside,
            );
            if ui.button(tr(lang, "ui.clear")).clicked() {
                drawing.ink.iter_mut().for_each(|v| *v = 0.0);
                drawing.rev += 1;
                send = true;
            }
        });
        if let Some(r) = reading {
            ui.vertical(|ui| bars_ui(ui, cx, Some(&r.image), &r.bars, tex));
        }
    });
    if let Some(r) = reading {
        ui.separator();
        let maps = format!("{id}/maps");
        heatmap_rows_ui(ui, &Cx { id: &maps, ..*cx }, &r.maps, Style::Thumbnails, None, tex);
    }
    if send {
        drawing.last_sent = Some(std::time::Instant::now());
        return Some(Action::Input(input, drawing.ink.clone()));
    }
    None
}
