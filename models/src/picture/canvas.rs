//! A small anti-aliased canvas for the pictures that are drawn rather than sampled (bars,
//! lines, graphs, the cart-pole, text): rectangles, lines, circles and text, on a white
//! ground, with Vello's CPU renderer; glyph outlines come from the font the caller hands in
//! (the app's, which covers Chinese), so that the labels read as on screen.

use image::{Rgb, RgbImage};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use vello_cpu::kurbo::{self, BezPath, Rect, Shape, Stroke};
use vello_cpu::{Pixmap, RenderContext, Resources, color};

pub type Rgb8 = [u8; 3];

pub struct Canvas<'f> {
    ctx: RenderContext,
    width: u16,
    height: u16,
    /// The fonts in the order they are tried for each character.
    fonts: Vec<skrifa::FontRef<'f>>,
}

fn paint(c: Rgb8) -> color::AlphaColor<color::Srgb> {
    color::AlphaColor::from_rgb8(c[0], c[1], c[2])
}

/// Collects a glyph outline into a path, at `(x, y)` (the baseline's left end), y down.
struct Pen {
    path: BezPath,
    x: f64,
    y: f64,
}

impl Pen {
    fn at(&self, x: f32, y: f32) -> (f64, f64) {
        (self.x + x as f64, self.y - y as f64)
    }
}

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.move_to(self.at(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.path.line_to(self.at(x, y));
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.path.quad_to(self.at(cx0, cy0), self.at(x, y));
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.path.curve_to(self.at(cx0, cy0), self.at(cx1, cy1), self.at(x, y));
    }
    fn close(&mut self) {
        self.path.close_path();
    }
}

impl<'f> Canvas<'f> {
    /// A white canvas; `fonts` (TrueType bytes, tried in turn for each character) draw the
    /// text, none leaves it out.
    pub fn new(width: u32, height: u32, fonts: &[&'f [u8]]) -> Self {
        let (width, height) = (width.clamp(1, 4096) as u16, height.clamp(1, 4096) as u16);
        let mut ctx = RenderContext::new(width, height);
        ctx.set_paint(paint([255, 255, 255]));
        ctx.fill_rect(&Rect::new(0.0, 0.0, width as f64, height as f64));
        let fonts = fonts.iter().filter_map(|bytes| skrifa::FontRef::new(bytes).ok()).collect();
        Self { ctx, width, height, fonts }
    }

    /// The first font with a glyph for `ch`, and the glyph.
    fn glyph(&self, ch: char) -> Option<(&skrifa::FontRef<'f>, skrifa::GlyphId)> {
        self.fonts.iter().find_map(|f| f.charmap().map(ch).filter(|g| g.to_u32() != 0).map(|g| (f, g)))
    }

    fn advance(&self, ch: char, size: f32) -> f32 {
        self.glyph(ch)
            .and_then(|(f, g)| f.glyph_metrics(Size::new(size), LocationRef::default()).advance_width(g))
            .unwrap_or(size * 0.5)
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: Rgb8) {
        self.ctx.set_paint(paint(c));
        self.ctx.fill_rect(&Rect::new(x as f64, y as f64, (x + w) as f64, (y + h) as f64));
    }

    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, c: Rgb8) {
        self.ctx.set_paint(paint(c));
        self.ctx.set_stroke(Stroke::new(1.0));
        self.ctx.stroke_rect(&Rect::new(x as f64, y as f64, (x + w) as f64, (y + h) as f64));
    }

    /// A polyline through `points` (pixels).
    pub fn line(&mut self, points: &[[f32; 2]], width: f32, c: Rgb8) {
        let mut path = BezPath::new();
        for (i, p) in points.iter().enumerate() {
            let at = (p[0] as f64, p[1] as f64);
            if i == 0 { path.move_to(at) } else { path.line_to(at) }
        }
        if points.len() > 1 {
            self.ctx.set_paint(paint(c));
            self.ctx.set_stroke(Stroke::new(width as f64));
            self.ctx.stroke_path(&path);
        }
    }

    pub fn circle(&mut self, x: f32, y: f32, r: f32, c: Rgb8) {
        self.ctx.set_paint(paint(c));
        self.ctx.fill_path(&kurbo::Circle::new((x as f64, y as f64), r as f64).to_path(0.1));
    }

    /// The width `text` takes at `size` pixels.
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        if self.fonts.is_empty() {
            return 0.0;
        }
        text.chars().map(|ch| self.advance(ch, size)).sum()
    }

    /// Writes `text` with its baseline's left end at `(x, y)`; returns its width.
    pub fn text(&mut self, text: &str, x: f32, y: f32, size: f32, c: Rgb8) -> f32 {
        if self.fonts.is_empty() {
            return 0.0;
        }
        let mut pen = Pen { path: BezPath::new(), x: x as f64, y: y as f64 };
        for ch in text.chars() {
            if let Some((font, g)) = self.glyph(ch)
                && let Some(outline) = font.outline_glyphs().get(g)
            {
                let _ =
                    outline.draw(DrawSettings::unhinted(Size::new(size), LocationRef::default()), &mut pen);
            }
            pen.x += self.advance(ch, size) as f64;
        }
        self.ctx.set_paint(paint(c));
        self.ctx.fill_path(&pen.path);
        (pen.x - x as f64) as f32
    }

    /// Writes `text` with its baseline at `y`, placed by `anchor` on `x`: 0 starts it there, 0.5
    /// centres it, 1 ends it there.
    pub fn text_at(&mut self, text: &str, x: f32, anchor: f32, y: f32, size: f32, c: Rgb8) {
        let w = self.text_width(text, size);
        self.text(text, x - anchor * w, y, size, c);
    }

    /// The picture.
    pub fn finish(mut self) -> RgbImage {
        self.ctx.flush();
        let mut pixmap = Pixmap::new(self.width, self.height);
        self.ctx.render(&mut pixmap, &mut Resources::new());
        let data = pixmap.data_as_u8_slice();
        // Opaque everywhere (a white ground first): premultiplied is plain.
        RgbImage::from_fn(self.width as u32, self.height as u32, |x, y| {
            let i = 4 * (y as usize * self.width as usize + x as usize);
            Rgb([data[i], data[i + 1], data[i + 2]])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_in_the_font_given() {
        let font = super::super::test_font();
        let parsed = skrifa::FontRef::new(&font);
        assert!(parsed.is_ok(), "{:?}", parsed.err());
        let mut c = Canvas::new(200, 40, &[&font]);
        // (The app's Chinese font: its Latin letters have no outlines; the app puts egui's
        // Latin font before it.)
        let w = c.text("你好吗", 4.0, 30.0, 20.0, [0, 0, 0]);
        assert!(w > 50.0, "{w}");
        let img = c.finish();
        let dark = img.pixels().filter(|p| p.0[0] < 128).count();
        assert!(dark > 100, "{dark} dark pixels");
    }
}
