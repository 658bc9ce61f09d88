//! Rows of small heatmaps: thumbnails (images, feature maps, neurons) or weight matrices; a
//! row of thumbnails can be a picker that sets a live parameter when one is clicked.

use egui::{Color32, Pos2, Rect, Sense, Stroke, TextureOptions, Vec2};
use tenlab_models::view::{Heatmap, Picker, Style, View};

use super::paint::{CLASS_COLORS, Textures, heatmap_image};
use super::{Action, Cx, ViewUi};

/// The `HeatmapRows` view kind.
#[derive(Default)]
pub struct RowsView {
    textures: Textures,
}

impl ViewUi for RowsView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::HeatmapRows { rows, style, picker } = view else { return None };
        heatmap_rows_ui(ui, cx, rows, *style, picker.as_ref(), &mut self.textures)
            .map(|(k, v)| Action::Set(k, v))
    }
}

/// Rows of small heatmaps with captions (neurons per layer, weight matrices).
pub fn heatmap_rows_ui(
    ui: &mut egui::Ui,
    cx: &Cx<'_>,
    rows: &[Vec<Heatmap>],
    style: Style,
    picker: Option<&Picker>,
    tex: &mut Textures,
) -> Option<(&'static str, i64)> {
    let Cx { id, rev, .. } = *cx;
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
    let mut cell = ((ui.available_width() - gaps) / total_cols.max(1) as f32).clamp(4.0, 26.0);
    // Matrices: smaller cells where that makes all of them fit the height without scrolling,
    // as long as the cells stay big enough to be named (8 px).
    if !is_thumbs {
        let total_rows: usize = rows.iter().map(|r| r.iter().map(|h| h.rows).max().unwrap_or(0)).sum();
        let by_height = (ui.available_height() - 40.0 * rows.len() as f32) / total_rows.max(1) as f32;
        if by_height >= 8.0 {
            cell = cell.min(by_height);
        }
    }
    let full_h = ui.available_height();
    egui::ScrollArea::vertical().id_salt(id).auto_shrink([false, false]).show(ui, |ui| {
        // Thumbnails: one size for all, as many to a line as fit.
        let full_w = ui.available_width();
        let lens: Vec<usize> = rows.iter().map(Vec::len).collect();
        let (thumb, per_line) = thumb_layout(full_w, full_h, &lens);
        let per_line = if is_thumbs { per_line } else { usize::MAX };
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
                            ui.small(cx.text(&h.title));
                            let options =
                                if is_thumbs { TextureOptions::LINEAR } else { TextureOptions::NEAREST };
                            let texture =
                                tex.get(ui.ctx(), format!("{id}/{r}/{c}"), rev, options, || heatmap_image(h));
                            let pick = picker.filter(|p| p.row == r);
                            let sense = if pick.is_some() { Sense::click() } else { Sense::hover() };
                            let (rect, response) = ui.allocate_exact_size(size, sense);
                            let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
                            ui.painter().image(texture.id(), rect, uv, Color32::WHITE);
                            if !is_thumbs && cell >= 8.0 && h.col_labels.len() == h.cols {
                                column_labels(ui, rect, cell, &h.col_labels);
                            }
                            let chosen = pick.is_some_and(|p| p.selected == Some(c));
                            let rim = if chosen {
                                Stroke::new(3.0, CLASS_COLORS[0])
                            } else {
                                Stroke::new(1.0, Color32::from_gray(150))
                            };
                            ui.painter().rect_stroke(rect, 0.0, rim, egui::StrokeKind::Outside);
                            if pick.is_some() {
                                let title = cx.text(&h.title);
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
                                    format!("{}: {v:.3}", cx.text(&h.title))
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

/// Height of a line of thumbnails besides the images (the caption above, the spacing below),
/// and of the gap after each row.
const THUMB_LINE: f32 = 22.0;
const ROW_GAP: f32 = 6.0;

/// The thumbnails' size and how many go to a line, for rows of `lens` thumbnails in a
/// `width` x `height` area. A row of up to 12 (a timeline: noise to digit) stays on one line,
/// so that it reads left to right; longer rows (feature maps) wrap at about 8 to a line. The
/// size then shrinks, down to 48 px, until every row fits the height without scrolling, and
/// grows up to 160 px where there is room.
fn thumb_layout(width: f32, height: f32, lens: &[usize]) -> (f32, usize) {
    let widest = lens.iter().copied().max().unwrap_or(1).max(1);
    let across = if widest <= 12 { widest } else { 8 };
    let per_line = |thumb: f32| (((width + 8.0) / (thumb + 8.0)) as usize).max(1);
    let by_width = ((width + 8.0) / across as f32 - 8.0).clamp(40.0, 160.0);
    let lines = |thumb: f32| -> f32 {
        let n = per_line(thumb);
        lens.iter().map(|&l| l.max(1).div_ceil(n) as f32).sum::<f32>()
    };
    let fits = |thumb: f32| lines(thumb) * (thumb + THUMB_LINE) + lens.len() as f32 * ROW_GAP <= height;
    let mut thumb = by_width;
    while thumb > 48.0 && !fits(thumb) {
        thumb -= 2.0;
    }
    (thumb, per_line(thumb))
}

/// The names of a matrix's columns under it: upright when they fit the cells, else turned to
/// read upwards (e.g. the tokens an attention map attends to).
fn column_labels(ui: &mut egui::Ui, rect: Rect, cell: f32, labels: &[String]) {
    let font = egui::FontId::proportional((cell * 0.8).clamp(8.0, 13.0));
    let color = ui.visuals().text_color();
    let galleys: Vec<_> =
        labels.iter().map(|l| ui.painter().layout_no_wrap(l.clone(), font.clone(), color)).collect();
    let widest = galleys.iter().map(|g| g.size().x).fold(0.0f32, f32::max);
    let upright = widest <= cell * 1.1;
    let height = if upright { font.size + 4.0 } else { widest.min(90.0) + 4.0 };
    let (area, _) = ui.allocate_exact_size(Vec2::new(rect.width(), height), Sense::hover());
    let painter = ui.painter().with_clip_rect(area.expand2(Vec2::new(4.0, 0.0)));
    for (j, galley) in galleys.into_iter().enumerate() {
        let x = rect.left() + (j as f32 + 0.5) * cell;
        if upright {
            painter.galley(Pos2::new(x - galley.size().x / 2.0, area.top() + 2.0), galley, color);
        } else {
            // Turned a quarter left about its top-left corner: it then reads bottom to top,
            // ending at the matrix.
            let w = galley.size().x.min(90.0);
            let pos = Pos2::new(x - galley.size().y / 2.0, area.top() + 2.0 + w);
            painter.add(
                egui::epaint::TextShape::new(pos, galley, color).with_angle(-std::f32::consts::FRAC_PI_2),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_keeps_each_row_on_one_line_and_a_gallery_fits_the_height() {
        // The denoising timeline: 8 samples x 11 frames in 700 x 720 px.
        let (thumb, per_line) = thumb_layout(700.0, 720.0, &[11; 8]);
        assert!(per_line >= 11, "{thumb} px, {per_line} to a line");
        assert!(8.0 * (thumb + THUMB_LINE) <= 720.0);
        // A gallery of 8 x 8 fits without scrolling, as large as the height allows.
        let (thumb, per_line) = thumb_layout(700.0, 720.0, &[8; 8]);
        assert!(per_line >= 8, "{per_line}");
        assert!(8.0 * (thumb + THUMB_LINE + ROW_GAP) <= 720.0 && thumb >= 60.0, "{thumb}");
        // Three rows on a big screen grow past the old 110 px.
        let (thumb, _) = thumb_layout(1400.0, 1000.0, &[8; 3]);
        assert!(thumb > 110.0, "{thumb}");
        // 32 feature maps wrap at about 8 to a line.
        let (_, per_line) = thumb_layout(700.0, 720.0, &[32, 32]);
        assert!((7..=9).contains(&per_line), "{per_line}");
    }
}
