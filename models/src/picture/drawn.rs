//! The views that are drawn rather than sampled, as pictures: bars, line plots, per-layer
//! timelines, text, graphs and the cart-pole, with their labels in the caller's words.

use image::RgbImage;

use super::canvas::{Canvas, Rgb8};
use super::{Words, color};
use crate::view::{Bars, CartPoleRun, GraphPicture, Heatmap, Lines, Mark, Text, TextPicture};

pub(super) const INK: Rgb8 = [30, 30, 30];
const WEAK: Rgb8 = [120, 120, 120];
const RULE: Rgb8 = [210, 210, 210];
const SIZE: f32 = 15.0;
const WIDTH: f32 = 640.0;

/// A number as the app's labels write it: few digits, whatever its size.
fn number(v: f32) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e4).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// An image (a heatmap) drawn `scale` pixels per cell at `(x, y)`.
fn image(c: &mut Canvas<'_>, h: &Heatmap, x: f32, y: f32, scale: f32) {
    for r in 0..h.rows {
        for k in 0..h.cols {
            let rgb = color(h, h.values[r * h.cols + k]).0;
            c.rect(x + k as f32 * scale, y + r as f32 * scale, scale, scale, rgb);
        }
    }
}

/// Height of a row of bars.
const ROW: f32 = 24.0;

/// Writes each row's label right-aligned in a column on the left (at most `widest` wide) and
/// returns where the column ends.
fn label_column(c: &mut Canvas<'_>, labels: &[String], top: f32, widest: f32) -> f32 {
    let end = labels.iter().map(|l| c.text_width(l, SIZE)).fold(0.0, f32::max).min(widest) + 16.0;
    for (i, label) in labels.iter().enumerate() {
        c.text_at(label, end - 8.0, 1.0, top + i as f32 * ROW + 17.0, SIZE, INK);
    }
    end
}

/// A bar of value `v` in a row at `(x, y)`, `span` long at the bars' `max` (as the app scales
/// it), its value written at `value_x`.
fn bar(c: &mut Canvas<'_>, v: f32, max: f32, (x, y, span): (f32, f32, f32), value_x: f32, fill: Rgb8) {
    c.rect(x, y + 4.0, (v / max).clamp(0.0, 1.0) * span, ROW - 8.0, fill);
    c.text(&number(v), value_x, y + 17.0, SIZE, WEAK);
}

/// Bars with their labels on the left and values on the right, the marked one in the first
/// class colour; a picture (e.g. the input image) above them.
pub fn bars(image_above: Option<&Heatmap>, b: &Bars, words: &Words<'_>) -> RgbImage {
    let top = image_above.map_or(8.0, |h| 16.0 + h.rows as f32 * 4.0);
    let mut c = Canvas::new(WIDTH as u32, (top + ROW * b.values.len() as f32 + 8.0) as u32, words.fonts);
    if let Some(h) = image_above {
        image(&mut c, h, 8.0, 8.0, 4.0);
    }
    let label_w = label_column(&mut c, &b.labels[..b.labels.len().min(b.values.len())], top, 260.0);
    let span = WIDTH - label_w - 80.0;
    for (i, &v) in b.values.iter().enumerate() {
        let fill = if b.marked == Some(i) { words.classes[0] } else { words.classes[1] };
        bar(&mut c, v, b.max.max(1e-9), (label_w, top + i as f32 * ROW, span), label_w + span + 8.0, fill);
    }
    c.finish()
}

/// One row per item: its name, its history as a strip of colour, its latest value as a bar.
pub fn timeline(history: &Heatmap, b: &Bars, words: &Words<'_>) -> RgbImage {
    let strip = 300.0;
    let mut c = Canvas::new(WIDTH as u32, (16.0 + ROW * history.rows as f32) as u32, words.fonts);
    let label_w = label_column(&mut c, &b.labels[..b.labels.len().min(history.rows)], 8.0, 220.0);
    let cell = strip / history.cols.max(1) as f32;
    for r in 0..history.rows {
        let y = 8.0 + r as f32 * ROW;
        for k in 0..history.cols {
            let rgb = color(history, history.values[r * history.cols + k]).0;
            c.rect(label_w + k as f32 * cell, y + 2.0, cell + 0.5, ROW - 4.0, rgb);
        }
        let x = label_w + strip + 12.0;
        let v = b.values.get(r).copied().unwrap_or(0.0);
        bar(&mut c, v, b.max.max(1e-30), (x, y, WIDTH - x - 70.0), WIDTH - 60.0, words.classes[1]);
    }
    c.finish()
}

/// A line plot: the series in their colours, axes with a few values, a legend and a marked x.
pub fn lines(l: &Lines, words: &Words<'_>) -> RgbImage {
    let (w, h) = (WIDTH, 420.0);
    let (left, right, top, bottom) = (70.0, 20.0, 16.0 + 20.0 * l.series.len() as f32, 48.0);
    let mut c = Canvas::new(w as u32, h as u32, words.fonts);
    let finite = |p: &&[f32; 2]| p[0].is_finite() && p[1].is_finite();
    let all: Vec<[f32; 2]> = l.series.iter().flat_map(|s| s.points.iter().filter(finite).copied()).collect();
    let (mut x0, mut x1, mut y0, mut y1) = all
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY, f32::INFINITY, f32::NEG_INFINITY), |(a, b, c, d), p| {
            (a.min(p[0]), b.max(p[0]), c.min(p[1]), d.max(p[1]))
        });
    if all.is_empty() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if x1 - x0 < 1e-9 {
        x1 = x0 + 1.0;
    }
    if y1 - y0 < 1e-9 {
        (y0, y1) = (y0 - 0.5, y1 + 0.5);
    }
    let (pw, ph) = (w - left - right, h - top - bottom);
    let at = |p: [f32; 2]| [left + (p[0] - x0) / (x1 - x0) * pw, top + (y1 - p[1]) / (y1 - y0) * ph];
    for i in 0..=4 {
        let f = i as f32 / 4.0;
        let (yv, xv) = (y0 + f * (y1 - y0), x0 + f * (x1 - x0));
        let y = at([x0, yv])[1];
        c.line(&[[left, y], [w - right, y]], 1.0, RULE);
        c.text_at(&number(yv), left - 6.0, 1.0, y + 5.0, 13.0, WEAK);
        c.text_at(&number(xv), at([xv, y0])[0], 0.5, top + ph + 18.0, 13.0, WEAK);
    }
    c.frame(left, top, pw, ph, WEAK);
    if let Some(mx) = l.mark_x.filter(|v| v.is_finite()) {
        let x = at([mx, y0])[0];
        c.line(&[[x, top], [x, top + ph]], 1.5, WEAK);
    }
    for (i, s) in l.series.iter().enumerate() {
        let rgb = words.classes[s.color % 10];
        let pts: Vec<[f32; 2]> = s.points.iter().filter(finite).map(|&p| at(p)).collect();
        c.line(&pts, 2.0, rgb);
        let y = 4.0 + 20.0 * i as f32;
        let lx = w - right - 220.0;
        c.rect(lx, y + 5.0, 16.0, 4.0, rgb);
        c.text(&(words.text)(&Text::Key(s.name, vec![])), lx + 22.0, y + 12.0, 14.0, INK);
    }
    c.text_at(&(words.text)(&Text::Key(l.x_label, vec![])), left + pw / 2.0, 0.5, h - 8.0, 14.0, INK);
    c.text(&(words.text)(&Text::Key(l.y_label, vec![])), 4.0, top - 10.0, 13.0, INK);
    c.finish()
}

/// Lines of text, each under its caption; the pieces coloured by their mark.
pub fn text(t: &TextPicture, words: &Words<'_>) -> RgbImage {
    let size = 22.0;
    // Pieces laid out first, wrapping at the width: (caption, [(x, piece, colour)] per row).
    let probe = Canvas::new(1, 1, words.fonts);
    type Row = (Option<String>, Vec<(f32, String, Rgb8)>);
    let mut rows: Vec<Row> = Vec::new();
    for (caption, pieces) in &t.lines {
        let caption = caption.map(|k| (words.text)(&Text::Key(k, vec![])));
        let mut row: Vec<(f32, String, Rgb8)> = Vec::new();
        let mut x = 12.0;
        let mut first = true;
        for (piece, mark) in pieces {
            let ink = match mark {
                Mark::Plain => INK,
                Mark::Given => WEAK,
                Mark::Right => [30, 140, 60],
                Mark::Wrong => [200, 40, 40],
            };
            for ch in piece.chars() {
                let s = ch.to_string();
                let w = probe.text_width(&s, size);
                if x + w > WIDTH - 12.0 {
                    rows.push((if first { caption.clone() } else { None }, std::mem::take(&mut row)));
                    first = false;
                    x = 12.0;
                }
                row.push((x, s, ink));
                x += w;
            }
        }
        rows.push((if first { caption } else { None }, row));
    }
    let height: f32 = rows.iter().map(|(c, _)| if c.is_some() { 52.0 } else { 32.0 }).sum::<f32>() + 12.0;
    let mut c = Canvas::new(WIDTH as u32, height as u32, words.fonts);
    let mut y = 8.0;
    for (caption, row) in rows {
        if let Some(caption) = caption {
            c.text(&caption, 12.0, y + 14.0, 14.0, WEAK);
            y += 20.0;
        }
        for (x, s, ink) in row {
            c.text(&s, x, y + 24.0, size, ink);
        }
        y += 32.0;
    }
    c.finish()
}

/// Nodes at their places, in the colour of the class predicted, ringed in black when their
/// label is given to training and in red when the prediction is wrong; edges in grey.
pub fn graph(g: &GraphPicture, words: &Words<'_>) -> RgbImage {
    let side = 600.0;
    let mut c = Canvas::new(side as u32, side as u32, words.fonts);
    let (mut x0, mut x1, mut y0, mut y1) =
        (f32::INFINITY, f32::NEG_INFINITY, f32::INFINITY, f32::NEG_INFINITY);
    for p in &g.positions {
        (x0, x1, y0, y1) = (x0.min(p[0]), x1.max(p[0]), y0.min(p[1]), y1.max(p[1]));
    }
    let (sx, sy) = ((x1 - x0).max(1e-6), (y1 - y0).max(1e-6));
    let at = |i: usize| {
        let p = g.positions[i];
        [30.0 + (p[0] - x0) / sx * (side - 60.0), 30.0 + (p[1] - y0) / sy * (side - 60.0)]
    };
    let n = g.positions.len();
    for &(a, b) in &g.edges {
        if (a as usize) < n && (b as usize) < n {
            c.line(&[at(a as usize), at(b as usize)], 1.0, RULE);
        }
    }
    for i in 0..n {
        let [x, y] = at(i);
        let faded = g.hops.as_ref().is_some_and(|(hops, max)| hops.get(i).is_none_or(|h| h > max));
        let class = g.predicted.get(i).copied().unwrap_or(0) as usize;
        let wrong = g.truth.get(i).is_some_and(|&t| t as usize != class);
        let rim = if wrong {
            [200, 40, 40]
        } else if g.labelled.get(i).copied().unwrap_or(false) {
            INK
        } else {
            [255, 255, 255]
        };
        let fill = if faded {
            super::lerp(words.classes[class % 10], super::WHITE, 0.7).0
        } else {
            words.classes[class % 10]
        };
        c.circle(x, y, 9.0, rim);
        c.circle(x, y, 7.0, fill);
        if let Some(name) = g.names.get(i) {
            c.text(name, x + 10.0, y - 6.0, 11.0, WEAK);
        }
    }
    c.finish()
}

/// The cart and its pole at the end of the run shown, on its track.
pub fn cartpole(run: &CartPoleRun, words: &Words<'_>) -> RgbImage {
    let (w, h) = (WIDTH, 300.0);
    let mut c = Canvas::new(w as u32, h as u32, words.fonts);
    let state = run.states.last().copied().unwrap_or([0.0; 4]);
    // The track spans ±2.4 (the limit) with a margin.
    let scale = (w - 80.0) / 5.6;
    let x = w / 2.0 + state[0] * scale;
    let ground = h - 70.0;
    c.line(&[[40.0, ground], [w - 40.0, ground]], 2.0, WEAK);
    for edge in [-2.4f32, 2.4] {
        let ex = w / 2.0 + edge * scale;
        c.line(&[[ex, ground - 12.0], [ex, ground + 12.0]], 2.0, [200, 40, 40]);
    }
    c.rect(x - 30.0, ground - 30.0, 60.0, 30.0, INK);
    // The pole: a metre (two half-lengths of 0.5) at its angle from upright.
    let len = scale;
    let top = [x + len * state[2].sin(), ground - 30.0 - len * state[2].cos()];
    c.line(&[[x, ground - 30.0], top], 8.0, words.classes[0]);
    c.circle(x, ground - 30.0, 5.0, WEAK);
    if !run.caption.is_empty() {
        c.text(&(words.text)(&run.caption), 12.0, 24.0, 15.0, INK);
    }
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_write_their_labels() {
        let font = super::super::test_font();
        let words = Words { fonts: &[&font], text: &|_| String::new(), classes: super::super::CLASS };
        let b =
            Bars {
                labels: vec!["鲸".into(), "鲸鱼".into()], values: vec![0.5, 1.0], max: 1.0, marked: None
            };
        let img = bars(None, &b, &words);
        img.save("/tmp/bars-test.png").unwrap();
        let dark = img.pixels().filter(|p| p.0.iter().all(|&c| c < 100)).count();
        assert!(dark > 50, "{dark} dark pixels");
    }
}
