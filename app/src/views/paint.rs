//! What every view kind paints with: class colours, the colour scale of heatmaps, and
//! textures that are rebuilt only when their data changes.

use std::collections::HashMap;

use egui::{Color32, ColorImage, TextureHandle, TextureOptions};
use tenlab_models::view::{Heatmap, Scale};

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

pub fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
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
    pub fn get(
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

/// A heatmap as an image, one pixel per value.
pub fn heatmap_image(h: &Heatmap) -> ColorImage {
    let pixels = h.values.iter().map(|&v| value_color(h, v)).collect();
    ColorImage::new([h.cols, h.rows], pixels)
}

/// A rectangle on screen showing the plane `x` by `y` (data units, y up).
#[derive(Clone, Copy, Debug)]
pub struct Plane {
    pub rect: egui::Rect,
    pub x: (f32, f32),
    pub y: (f32, f32),
}

impl Plane {
    /// Where a point of the plane is on screen.
    pub fn to_screen(&self, p: [f32; 2]) -> egui::Pos2 {
        let fx = (p[0] - self.x.0) / (self.x.1 - self.x.0);
        let fy = (self.y.1 - p[1]) / (self.y.1 - self.y.0);
        egui::Pos2::new(self.rect.left() + fx * self.rect.width(), self.rect.top() + fy * self.rect.height())
    }

    /// The point of the plane under a screen position.
    pub fn at(&self, pos: egui::Pos2) -> [f32; 2] {
        let fx = (pos.x - self.rect.left()) / self.rect.width();
        let fy = (pos.y - self.rect.top()) / self.rect.height();
        [self.x.0 + fx * (self.x.1 - self.x.0), self.y.1 - fy * (self.y.1 - self.y.0)]
    }

    /// A grey frame with the plane's ends written in three corners (`decimals` after the point).
    pub fn frame(&self, painter: &egui::Painter, decimals: usize) {
        use egui::{Align2, Stroke, Vec2};
        let rect = self.rect;
        painter.rect_stroke(rect, 0.0, Stroke::new(1.0, Color32::from_gray(120)), egui::StrokeKind::Inside);
        let small = egui::FontId::proportional(11.0);
        let txt = Color32::from_gray(60);
        for (pos, align, value) in [
            (rect.left_bottom() + Vec2::new(3.0, -3.0), Align2::LEFT_BOTTOM, self.x.0),
            (rect.right_bottom() + Vec2::new(-3.0, -3.0), Align2::RIGHT_BOTTOM, self.x.1),
            (rect.left_top() + Vec2::new(3.0, 3.0), Align2::LEFT_TOP, self.y.1),
        ] {
            painter.text(pos, align, format!("{value:.decimals$}"), small.clone(), txt);
        }
    }
}
