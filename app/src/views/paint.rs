//! What every view kind paints with: class colours, the colour scale of heatmaps, and
//! textures that are rebuilt only when their data changes.

use std::collections::HashMap;

use egui::{Color32, ColorImage, TextureHandle, TextureOptions};
use tenlab_models::view::{Heatmap, Scale};

/// Class colours: TensorFlow Playground's orange and blue first, then a qualitative palette —
/// the one the pictures without a window are written in ([`tenlab_models::picture::CLASS`]).
pub const CLASS_COLORS: [Color32; 10] = colors(tenlab_models::picture::CLASS);

const fn colors(rgb: [[u8; 3]; 10]) -> [Color32; 10] {
    let mut out = [Color32::BLACK; 10];
    let mut i = 0;
    while i < 10 {
        out[i] = Color32::from_rgb(rgb[i][0], rgb[i][1], rgb[i][2]);
        i += 1;
    }
    out
}

/// Class colours that stay apart for the colour-blind: Okabe and Ito's palette (orange, sky
/// blue, bluish green, yellow, blue, vermillion, reddish purple; white for their black on a dark
/// ground), then a light blue and a pale green chosen to stay apart from them under a
/// deuteranopia simulation (see the test below).
pub const COLOR_BLIND_COLORS: [Color32; 10] = [
    Color32::from_rgb(230, 159, 0),
    Color32::from_rgb(86, 180, 233),
    Color32::from_rgb(0, 158, 115),
    Color32::from_rgb(240, 228, 66),
    Color32::from_rgb(0, 114, 178),
    Color32::from_rgb(213, 94, 0),
    Color32::from_rgb(204, 121, 167),
    Color32::from_rgb(235, 235, 235),
    Color32::from_rgb(60, 90, 240),
    Color32::from_rgb(180, 240, 150),
];

thread_local! {
    /// The colour-blind palette is on, and plot lines are drawn thicker (projector mode): the
    /// app sets both from its settings at the start of each frame, on the thread that draws
    /// (per thread, so that windows drawn side by side in tests keep their own).
    static ROOM: std::cell::Cell<(bool, bool)> = const { std::cell::Cell::new((false, false)) };
}

/// Sets the palette (colour-blind or not) and the line widths (thick or not) of this frame.
pub fn set_room(color_blind: bool, thick_lines: bool) {
    ROOM.with(|r| r.set((color_blind, thick_lines)));
}

/// A plot line's width `w`, doubled in projector mode.
pub fn line_width(w: f32) -> f32 {
    if ROOM.with(|r| r.get().1) { 2.0 * w } else { w }
}

pub fn class_color(c: usize) -> Color32 {
    let palette = if ROOM.with(|r| r.get().0) { &COLOR_BLIND_COLORS } else { &CLASS_COLORS };
    palette[c % palette.len()]
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

#[cfg(test)]
mod color_blind_tests {
    use super::*;

    /// A colour as a person with deuteranopia sees it (Machado, Oliveira and Fernandes 2009,
    /// severity 1, in linear RGB), in CIELAB.
    fn deuteranope_lab(c: Color32) -> [f32; 3] {
        const M: [[f32; 3]; 3] = [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ];
        let lin = |v: u8| {
            let v = v as f32 / 255.0;
            if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        let l = [lin(c.r()), lin(c.g()), lin(c.b())];
        let s: Vec<f32> =
            M.iter().map(|row| (row[0] * l[0] + row[1] * l[1] + row[2] * l[2]).clamp(0.0, 1.0)).collect();
        let (x, y, z) = (
            0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2],
            0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2],
            0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2],
        );
        let f = |t: f32| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
        let (fx, fy, fz) = (f(x / 0.9505), f(y), f(z / 1.089));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// The smallest difference (CIE76 ΔE) between any two of the first `n` colours as a
    /// deuteranope sees them.
    fn closest(palette: &[Color32], n: usize) -> f32 {
        let labs: Vec<[f32; 3]> = palette[..n].iter().map(|&c| deuteranope_lab(c)).collect();
        let mut min = f32::MAX;
        for i in 0..n {
            for j in i + 1..n {
                let d = (0..3).map(|k| (labs[i][k] - labs[j][k]).powi(2)).sum::<f32>().sqrt();
                min = min.min(d);
            }
        }
        min
    }

    #[test]
    fn the_colour_blind_palette_keeps_every_class_apart_under_deuteranopia() {
        // The usual palette's green and red (classes 2 and 4) all but merge: ΔE 7.
        assert!(closest(&CLASS_COLORS, 8) < 8.0, "{}", closest(&CLASS_COLORS, 8));
        // Every pair of the ten stays at ΔE 17 or more (a just-noticeable difference is ~2).
        assert!(closest(&COLOR_BLIND_COLORS, 10) > 16.0, "{}", closest(&COLOR_BLIND_COLORS, 10));
    }
}
