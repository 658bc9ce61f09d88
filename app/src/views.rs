//! One drawing function per kind of view. Labs hand over plain data
//! ([`tenlab_models::view::View`]); these functions turn it into pixels.

use std::collections::HashMap;

use egui::{Color32, ColorImage, Pos2, Rect, Sense, Stroke, TextureHandle, TextureOptions, Vec2};
use tenlab_models::view::{Bars, Boundary, Heatmap, Picker, Reading, Scale, Style, View};

use crate::i18n::{Lang, tr};

/// Class colours: TensorFlow Playground's orange and blue first, then a qualitative palette.
pub const CLASS_COLORS: [Color32; 10] = [
    Color32::from_rgb(245, 147, 34),
    Color32::from_rgb(8, 119, 189),
    Color32::from_rgb(44, 160, 44),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(214, 39, 40),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(127, 127, 127),
    Color32::from_rgb(188, 189, 34),
    Color32::from_rgb(23, 190, 207),
];

pub fn class_color(c: usize) -> Color32 {
    CLASS_COLORS[c % CLASS_COLORS.len()]
}

fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

/// The colour of one heatmap value.
pub fn value_color(h: &Heatmap, v: f32) -> Color32 {
    let (lo, hi) = h.range;
    let white = Color32::from_rgb(250, 250, 250);
    match h.scale {
        Scale::Diverging => {
            let m = lo.abs().max(hi.abs()).max(1e-9);
            let t = (v / m).clamp(-1.0, 1.0);
            if t >= 0.0 { lerp(white, CLASS_COLORS[0], t) } else { lerp(white, CLASS_COLORS[1], -t) }
        }
        Scale::Sequential => {
            let t = ((v - lo) / (hi - lo).max(1e-9)).clamp(0.0, 1.0);
            lerp(white, Color32::from_rgb(8, 69, 148), t)
        }
    }
}

/// Textures made from views, rebuilt only when a view's revision changes.
#[derive(Default)]
pub struct Textures {
    map: HashMap<String, (u64, TextureHandle)>,
}

impl Textures {
    fn get(
        &mut self,
        ctx: &egui::Context,
        key: String,
        rev: u64,
        options: TextureOptions,
        make: impl FnOnce() -> ColorImage,
    ) -> TextureHandle {
        if let Some((r, t)) = self.map.get(&key)
            && *r == rev
        {
            return t.clone();
        }
        let tex = ctx.load_texture(&key, make(), options);
        self.map.insert(key, (rev, tex.clone()));
        tex
    }

    pub fn clear(&mut self) {
        self.map.clear();
    }
}

/// What the user did inside a view that the lab must hear about.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Set a live parameter (e.g. a test image picked from a strip).
    Set(&'static str, i64),
    /// Send user data (a drawing) as the lab's input `key`.
    Input(&'static str, Vec<f32>),
}

/// The drawing pad's ink, kept by the app between frames.
#[derive(Clone, Debug, Default)]
pub struct Drawing {
    pub side: usize,
    pub ink: Vec<f32>,
    /// Grows with every change (the pad's texture is rebuilt when it does).
    pub rev: u64,
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

/// What the views keep between frames.
pub struct ViewState {
    pub textures: Textures,
    pub drawing: Drawing,
    /// Draw the test points on a decision boundary.
    pub show_test: bool,
}

impl Default for ViewState {
    fn default() -> Self {
        Self { textures: Textures::default(), drawing: Drawing::default(), show_test: true }
    }
}

/// Draws any view into the available space. Returns what the user did in it, if anything.
pub fn view_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    id: &str,
    rev: u64,
    view: &View,
    state: &mut ViewState,
) -> Option<Action> {
    let (tex, show_test) = (&mut state.textures, state.show_test);
    match view {
        View::Boundary(b) => boundary_ui(ui, id, rev, b, tex, show_test),
        View::Heatmap(h) => matrix_ui(ui, lang, h),
        View::HeatmapRows { rows, style, picker } => {
            return heatmap_rows_ui(ui, id, rev, rows, *style, picker.as_ref(), tex)
                .map(|(k, v)| Action::Set(k, v));
        }
        View::Bars { image, bars } => bars_ui(ui, id, rev, image.as_ref(), bars, tex),
        View::Timeline { history, bars } => timeline_ui(ui, lang, id, rev, history, bars, tex),
        View::Canvas { input, side, reading } => {
            let pad = Pad { input, side: *side, reading: reading.as_ref() };
            return canvas_ui(ui, lang, id, rev, pad, tex, &mut state.drawing);
        }
    }
    None
}

/// A drawing pad view: the lab's input key, the raster side, the lab's last answer.
pub struct Pad<'a> {
    pub input: &'static str,
    pub side: usize,
    pub reading: Option<&'a Reading>,
}

/// A pad to draw on with the mouse (white ink on black, like MNIST), beside what the lab
/// makes of the drawing. While the user draws, the drawing goes to the lab ~10 times a second.
pub fn canvas_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    id: &str,
    rev: u64,
    pad: Pad<'_>,
    tex: &mut Textures,
    drawing: &mut Drawing,
) -> Option<Action> {
    let Pad { input, side, reading } = pad;
    drawing.ensure(side);
    let mut send = false;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.label(tr(lang, "ui.draw_hint"));
            let size = (ui.available_width() * 0.4).clamp(140.0, 280.0);
            let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::drag());
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::accesskit::Role::Canvas, true, tr(lang, "view.canvas"))
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
            ui.vertical(|ui| bars_ui(ui, id, rev, Some(&r.image), &r.bars, tex));
        }
    });
    if let Some(r) = reading {
        ui.separator();
        heatmap_rows_ui(ui, &format!("{id}/maps"), rev, &r.maps, Style::Thumbnails, None, tex);
    }
    if send {
        drawing.last_sent = Some(std::time::Instant::now());
        return Some(Action::Input(input, drawing.ink.clone()));
    }
    None
}

/// A picture (optional) beside horizontal bars with labels and values.
pub fn bars_ui(
    ui: &mut egui::Ui,
    id: &str,
    rev: u64,
    image: Option<&Heatmap>,
    bars: &Bars,
    tex: &mut Textures,
) {
    ui.horizontal_top(|ui| {
        if let Some(h) = image {
            ui.vertical(|ui| {
                ui.label(&h.title);
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

/// One row per item: its name, its history as a colour strip (oldest left), its latest value
/// as a bar. Rows line up, so a layer's past and present read along one line.
pub fn timeline_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    id: &str,
    rev: u64,
    history: &Heatmap,
    bars: &Bars,
    tex: &mut Textures,
) {
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
        &history.title,
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

fn heatmap_image(h: &Heatmap) -> ColorImage {
    let pixels = h.values.iter().map(|&v| value_color(h, v)).collect();
    ColorImage::new([h.cols, h.rows], pixels)
}

/// A decision boundary: the class field as an image, the points on top.
pub fn boundary_ui(ui: &mut egui::Ui, id: &str, rev: u64, b: &Boundary, tex: &mut Textures, show_test: bool) {
    let side = ui.available_width().min(ui.available_height()).clamp(120.0, 900.0);
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
    let texture = tex.get(ui.ctx(), format!("{id}/field"), rev, TextureOptions::LINEAR, || {
        let k = b.classes.max(1);
        let white = Color32::from_rgb(250, 250, 250);
        let pixels = (0..b.res * b.res)
            .map(|cell| {
                let p = &b.probs[cell * k..(cell + 1) * k];
                let (best, pmax) =
                    p.iter().enumerate().fold((0, 0.0f32), |m, (i, &v)| if v > m.1 { (i, v) } else { m });
                // 1/k (a coin toss) is white, certainty is the full class colour (kept light).
                let t = ((pmax - 1.0 / k as f32) / (1.0 - 1.0 / k as f32)).clamp(0.0, 1.0);
                lerp(white, class_color(best), 0.15 + 0.55 * t)
            })
            .collect();
        ColorImage::new([b.res, b.res], pixels)
    });
    let painter = ui.painter_at(rect);
    painter.image(texture.id(), rect, Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)), Color32::WHITE);
    let to_screen = |p: [f32; 2]| {
        let fx = (p[0] - b.x_range.0) / (b.x_range.1 - b.x_range.0);
        let fy = (b.y_range.1 - p[1]) / (b.y_range.1 - b.y_range.0);
        Pos2::new(rect.left() + fx * rect.width(), rect.top() + fy * rect.height())
    };
    let r = (side / 140.0).clamp(2.0, 5.0);
    for &(p, c, test) in &b.points {
        if test && !show_test {
            continue;
        }
        let rim = if test { Color32::from_gray(20) } else { Color32::WHITE };
        painter.circle(to_screen(p), r, class_color(c as usize), Stroke::new(1.0, rim));
    }
    painter.rect_stroke(rect, 0.0, Stroke::new(1.0, Color32::from_gray(120)), egui::StrokeKind::Inside);
    // Axis ticks at the ends.
    let small = egui::FontId::proportional(11.0);
    let txt = Color32::from_gray(60);
    painter.text(
        rect.left_bottom() + Vec2::new(3.0, -3.0),
        egui::Align2::LEFT_BOTTOM,
        format!("{:.0}", b.x_range.0),
        small.clone(),
        txt,
    );
    painter.text(
        rect.right_bottom() + Vec2::new(-3.0, -3.0),
        egui::Align2::RIGHT_BOTTOM,
        format!("{:.0}", b.x_range.1),
        small.clone(),
        txt,
    );
    painter.text(
        rect.left_top() + Vec2::new(3.0, 3.0),
        egui::Align2::LEFT_TOP,
        format!("{:.0}", b.y_range.1),
        small,
        txt,
    );
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
        let x = b.x_range.0 + fx * (b.x_range.1 - b.x_range.0);
        let yv = b.y_range.1 - fy * (b.y_range.1 - b.y_range.0);
        let (i, j) =
            (((fy * b.res as f32) as usize).min(b.res - 1), ((fx * b.res as f32) as usize).min(b.res - 1));
        let k = b.classes.max(1);
        let p = &b.probs[(i * b.res + j) * k..(i * b.res + j + 1) * k];
        let probs: Vec<String> =
            b.class_names.iter().zip(p).map(|(n, v)| format!("P({n}) = {v:.2}")).collect();
        response.on_hover_text(format!("({x:.2}, {yv:.2})\n{}", probs.join("\n")));
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

/// Rows of small heatmaps with captions (neurons per layer, weight matrices).
pub fn heatmap_rows_ui(
    ui: &mut egui::Ui,
    id: &str,
    rev: u64,
    rows: &[Vec<Heatmap>],
    style: Style,
    picker: Option<&Picker>,
    tex: &mut Textures,
) -> Option<(&'static str, i64)> {
    let mut picked = None;
    let widest = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let is_thumbs = style == Style::Thumbnails;
    // Weight matrices: one cell size for all, so that a row of matrices fits the width.
    let total_cols: usize = rows.iter().map(|r| r.iter().map(|h| h.cols).sum::<usize>()).max().unwrap_or(1);
    // The first weight matrix names its inputs (the features) on the left.
    let label_font = egui::FontId::proportional(12.0);
    let label_w = match rows.first().and_then(|r| r.first()) {
        Some(h) if !is_thumbs => {
            h.row_labels
                .iter()
                .map(|l| ui.painter().layout_no_wrap(l.clone(), label_font.clone(), Color32::WHITE).size().x)
                .fold(0.0f32, f32::max)
                + 8.0
        }
        _ => 0.0,
    };
    let gaps = 16.0 * widest as f32 + label_w;
    let cell = ((ui.available_width() - gaps) / total_cols.max(1) as f32).clamp(4.0, 26.0);
    egui::ScrollArea::vertical().id_salt(id).auto_shrink([false, false]).show(ui, |ui| {
        // Thumbnails: one size for all, as many to a line as fit.
        let full_w = ui.available_width();
        let thumb = ((full_w + 8.0) / widest.min(8) as f32 - 8.0).clamp(40.0, 110.0);
        let per_line =
            if is_thumbs { (((full_w + 8.0) / (thumb + 8.0)) as usize).max(1) } else { usize::MAX };
        for (r, row) in rows.iter().enumerate() {
            for (line, items) in row.chunks(per_line.min(row.len().max(1))).enumerate() {
                ui.horizontal(|ui| {
                    for (j, h) in items.iter().enumerate() {
                        let c = line * per_line.min(row.len().max(1)) + j;
                        let size = if is_thumbs {
                            Vec2::splat(thumb)
                        } else {
                            Vec2::new(cell * h.cols as f32, cell * h.rows as f32)
                        };
                        if c == 0 && label_w > 0.0 {
                            ui.vertical(|ui| {
                                ui.small(" ");
                                let (rect, _) =
                                    ui.allocate_exact_size(Vec2::new(label_w, size.y), Sense::hover());
                                let color = ui.visuals().text_color();
                                for (i, name) in h.row_labels.iter().enumerate() {
                                    let pos =
                                        Pos2::new(rect.right() - 4.0, rect.top() + (i as f32 + 0.5) * cell);
                                    ui.painter().text(
                                        pos,
                                        egui::Align2::RIGHT_CENTER,
                                        name,
                                        label_font.clone(),
                                        color,
                                    );
                                }
                            });
                        }
                        ui.vertical(|ui| {
                            ui.small(&h.title);
                            let options =
                                if is_thumbs { TextureOptions::LINEAR } else { TextureOptions::NEAREST };
                            let texture =
                                tex.get(ui.ctx(), format!("{id}/{r}/{c}"), rev, options, || heatmap_image(h));
                            let pick = picker.filter(|p| p.row == r);
                            let sense = if pick.is_some() { Sense::click() } else { Sense::hover() };
                            let (rect, response) = ui.allocate_exact_size(size, sense);
                            let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
                            ui.painter().image(texture.id(), rect, uv, Color32::WHITE);
                            let chosen = pick.is_some_and(|p| p.selected == Some(c));
                            let rim = if chosen {
                                Stroke::new(3.0, CLASS_COLORS[0])
                            } else {
                                Stroke::new(1.0, Color32::from_gray(150))
                            };
                            ui.painter().rect_stroke(rect, 0.0, rim, egui::StrokeKind::Outside);
                            if pick.is_some() {
                                let title = h.title.clone();
                                response.widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::accesskit::Role::Button, true, &title)
                                });
                            }
                            if let Some(p) = pick
                                && response.clicked()
                                && let Some(&v) = p.values.get(c)
                            {
                                picked = Some((p.param, v));
                            }
                            let response = response.on_hover_cursor(if pick.is_some() {
                                egui::CursorIcon::PointingHand
                            } else {
                                egui::CursorIcon::Default
                            });
                            if let Some(pos) = response.hover_pos() {
                                let j = (((pos.x - rect.left()) / rect.width() * h.cols as f32) as usize)
                                    .min(h.cols - 1);
                                let i = (((pos.y - rect.top()) / rect.height() * h.rows as f32) as usize)
                                    .min(h.rows - 1);
                                let v = h.values[i * h.cols + j];
                                let name =
                                    |labels: &[String], k: usize| labels.get(k).cloned().unwrap_or_default();
                                let text = if is_thumbs {
                                    format!("{}: {v:.3}", h.title)
                                } else {
                                    format!(
                                        "{} ➡ {}: {v:+.3}",
                                        name(&h.row_labels, i),
                                        name(&h.col_labels, j)
                                    )
                                };
                                response.on_hover_text(text);
                            }
                        });
                    }
                });
            }
            ui.add_space(6.0);
        }
    });
    picked
}
