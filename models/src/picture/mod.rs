//! Views drawn as PNG pictures without a window (the CLI's `--png-out`, the app's "Save as
//! PNG…"): image rows as a grid, point clouds as dots, boundaries as the app paints them, and
//! the drawn kinds (bars, lines, text, graphs, the cart-pole) with their labels in the words
//! and font the caller hands in; the colours are the app's.

mod canvas;
mod drawn;

use image::Rgb;
pub use image::RgbImage;

use crate::view::{Heatmap, Scale, Scatter, Text, View};

/// What the drawn kinds write their labels with: fonts (TrueType bytes, tried in turn for
/// each character; none leaves the labels out) and the words of a translation key or text in
/// the reader's language.
pub struct Words<'a> {
    pub fonts: &'a [&'a [u8]],
    pub text: &'a dyn Fn(&Text) -> String,
    /// The class colours (the app's palette of the moment, e.g. the colour-blind one).
    pub classes: [[u8; 3]; 10],
}

/// The app's Chinese font, for the tests of the drawn pictures.
#[cfg(test)]
fn test_font() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/fonts/DroidSansFallbackFull.ttf")).unwrap()
}

impl Words<'_> {
    /// No labels (pictures whose kinds carry none: images, clouds, boundaries).
    pub fn none() -> Words<'static> {
        Words { fonts: &[], text: &|_| String::new(), classes: CLASS }
    }
}

const WHITE: [u8; 3] = [250, 250, 250];
/// The class colours: the app draws with these too (`CLASS_COLORS` is made from them).
pub const CLASS: [[u8; 3]; 10] = [
    [245, 147, 34],
    [8, 119, 189],
    [44, 160, 44],
    [148, 103, 189],
    [214, 39, 40],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
];

fn lerp(a: [u8; 3], b: [u8; 3], t: f32) -> Rgb<u8> {
    let t = t.clamp(0.0, 1.0);
    Rgb(std::array::from_fn(|i| (a[i] as f32 + (b[i] as f32 - a[i] as f32) * t).round() as u8))
}

fn color(h: &Heatmap, v: f32) -> Rgb<u8> {
    let (lo, hi) = h.range;
    match h.scale {
        Scale::Diverging => {
            let m = lo.abs().max(hi.abs()).max(1e-9);
            let t = v / m;
            if t >= 0.0 { lerp(WHITE, CLASS[0], t) } else { lerp(WHITE, CLASS[1], -t) }
        }
        Scale::Sequential => lerp(WHITE, [8, 69, 148], (v - lo) / (hi - lo).max(1e-9)),
    }
}

fn rows(rows: &[Vec<Heatmap>]) -> RgbImage {
    let (scale, gap) = (3u32, 4u32);
    let cell_w = rows.iter().flatten().map(|h| h.cols as u32).max().unwrap_or(1) * scale;
    let cell_h = rows.iter().flatten().map(|h| h.rows as u32).max().unwrap_or(1) * scale;
    let widest = rows.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let mut img = RgbImage::from_pixel(
        gap + widest * (cell_w + gap),
        gap + rows.len() as u32 * (cell_h + gap),
        Rgb([255, 255, 255]),
    );
    for (r, row) in rows.iter().enumerate() {
        for (c, h) in row.iter().enumerate() {
            let (x0, y0) = (gap + c as u32 * (cell_w + gap), gap + r as u32 * (cell_h + gap));
            for y in 0..h.rows as u32 * scale {
                for x in 0..h.cols as u32 * scale {
                    let v = h.values[(y / scale) as usize * h.cols + (x / scale) as usize];
                    img.put_pixel(x0 + x, y0 + y, color(h, v));
                }
            }
        }
    }
    img
}

/// The side of a plane's picture (point clouds, decision boundaries).
const PLANE: u32 = 600;

/// Where point `p` of a plane spanning `x` and `y` falls in its picture (y up).
fn pixel_of(p: [f32; 2], x: (f32, f32), y: (f32, f32)) -> (i64, i64) {
    let fx = (p[0] - x.0) / (x.1 - x.0);
    let fy = (y.1 - p[1]) / (y.1 - y.0);
    ((fx * PLANE as f32) as i64, (fy * PLANE as f32) as i64)
}

fn scatter(s: &Scatter, classes: &[[u8; 3]; 10]) -> RgbImage {
    let side = PLANE;
    let mut img = RgbImage::from_pixel(side, side, Rgb(WHITE));
    let at = |p: [f32; 2]| pixel_of(p, s.x_range, s.y_range);
    for layer in &s.layers {
        let c = classes[layer.color % classes.len()];
        let (rgb, r) = if layer.faint { (lerp(c, WHITE, 0.5), 1) } else { (Rgb(c), 2) };
        for &p in &layer.points {
            let (x, y) = at(p);
            for dy in -r..=r {
                for dx in -r..=r {
                    let (px, py) = (x + dx, y + dy);
                    if (0..side as i64).contains(&px) && (0..side as i64).contains(&py) {
                        img.put_pixel(px as u32, py as u32, rgb);
                    }
                }
            }
        }
    }
    img
}

/// A decision boundary: each pixel takes the colour of its most likely class, paler where the
/// network is less sure (as the app paints it), with the points on top (test points ringed
/// in black).
fn boundary(b: &crate::view::Boundary, classes: &[[u8; 3]; 10]) -> RgbImage {
    let side = PLANE;
    let res = b.res.max(1);
    let mut img = RgbImage::from_pixel(side, side, Rgb(WHITE));
    for y in 0..side {
        for x in 0..side {
            let (i, j) = ((y as usize * res) / side as usize, (x as usize * res) / side as usize);
            let (best, sure) = b.cell(i * res + j);
            img.put_pixel(x, y, lerp(WHITE, classes[best % classes.len()], 0.15 + 0.55 * sure));
        }
    }
    for &(p, c, test) in &b.points {
        let (x, y) = pixel_of(p, b.x_range, b.y_range);
        for dy in -4i64..=4 {
            for dx in -4i64..=4 {
                let d2 = dx * dx + dy * dy;
                let (px, py) = (x + dx, y + dy);
                if d2 > 16 || !(0..side as i64).contains(&px) || !(0..side as i64).contains(&py) {
                    continue;
                }
                let rim = if test { Rgb([0, 0, 0]) } else { Rgb(WHITE) };
                let rgb = if d2 >= 10 { rim } else { Rgb(classes[c as usize % classes.len()]) };
                img.put_pixel(px as u32, py as u32, rgb);
            }
        }
    }
    img
}

/// Whether [`raster`] draws `view`, without drawing it (the app asks every frame): every
/// kind but an empty drawing pad.
pub fn is_picture(view: &View) -> bool {
    match view {
        View::Canvas { reading, .. } => reading.is_some(),
        View::Player { frames, .. } => frames.last().is_some_and(is_picture),
        View::Column(parts) => parts.iter().any(|(_, v)| is_picture(v)),
        _ => true,
    }
}

/// A view as a picture: a decision boundary, image rows, a point cloud, bars, a line plot, a
/// timeline, text, a graph, the cart-pole at the end of its run, the last frame of a player,
/// the parts of a column one under the other (each under its caption). `None` for a drawing
/// pad with nothing drawn yet.
pub fn raster(view: &View, words: &Words<'_>) -> Option<RgbImage> {
    match view {
        View::HeatmapRows { rows: r, .. } => Some(rows(r)),
        View::Heatmap(h) => Some(rows(&[vec![h.clone()]])),
        View::Scatter(s) => Some(scatter(s, &words.classes)),
        View::Boundary(b) => Some(boundary(b, &words.classes)),
        View::Bars { image, bars } => Some(drawn::bars(image.as_ref(), bars, words)),
        View::Timeline { history, bars } => Some(drawn::timeline(history, bars, words)),
        View::Canvas { reading, .. } => reading.as_ref().map(|r| drawn::bars(Some(&r.image), &r.bars, words)),
        View::Lines(l) => Some(drawn::lines(l, words)),
        View::Text(t) => Some(drawn::text(t, words)),
        View::Graph(g) => Some(drawn::graph(g, words)),
        View::CartPole(c) => Some(drawn::cartpole(c, words)),
        View::Player { frames, .. } => frames.last().and_then(|f| raster(f, words)),
        View::Column(parts) => column(parts, words),
    }
}

/// The parts of a column one under the other, each under its caption.
fn column(parts: &[(Option<&'static str>, View)], words: &Words<'_>) -> Option<RgbImage> {
    let caption_h = if words.fonts.is_empty() { 0 } else { 26 };
    let drawn: Vec<(Option<&'static str>, RgbImage)> =
        parts.iter().filter_map(|(c, v)| raster(v, words).map(|img| (*c, img))).collect();
    if drawn.is_empty() {
        return None;
    }
    let width = drawn.iter().map(|(_, i)| i.width()).max().unwrap_or(1);
    let height: u32 =
        drawn.iter().map(|(c, i)| i.height() + if c.is_some() { caption_h } else { 0 } + 8).sum();
    let mut out = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    let mut y = 0;
    for (caption, img) in drawn {
        if let Some(key) = caption.filter(|_| caption_h > 0) {
            let mut strip = canvas::Canvas::new(width, caption_h, words.fonts);
            strip.text(&(words.text)(&Text::Key(key, vec![])), 8.0, 19.0, 15.0, drawn::INK);
            image::imageops::replace(&mut out, &strip.finish(), 0, y as i64);
            y += caption_h;
        }
        image::imageops::replace(&mut out, &img, 0, y as i64);
        y += img.height() + 8;
    }
    Some(out)
}
