//! Views one under the other, sharing the height.

use tenlab_models::view::View;

use super::{Action, Cx, ViewUi, widget_for};

/// The `Column` view kind: one widget per part, made anew when a part changes kind.
#[derive(Default)]
pub struct ColumnView {
    parts: Vec<(std::mem::Discriminant<View>, Box<dyn ViewUi>)>,
}

impl ViewUi for ColumnView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::Column(parts) = view else { return None };
        self.parts.truncate(parts.len());
        // Pictures (planes, images, maps) get twice the height of plots, bars and text.
        let weight = |v: &View| match v {
            View::Lines(_) | View::Bars { .. } | View::Text(_) => 1.0,
            _ => 2.0,
        };
        let total: f32 = parts.iter().map(|(_, p)| weight(p)).sum();
        let room = ui.available_height() - 8.0 * parts.len() as f32 - 20.0 * parts.len() as f32;
        let width = ui.available_width();
        let mut action = None;
        for (k, (caption, part)) in parts.iter().enumerate() {
            if let Some(key) = caption {
                ui.label(egui::RichText::new(crate::i18n::lab_tr(cx.lang, cx.lab, key)).strong());
            }
            let kind = std::mem::discriminant(part);
            if self.parts.get(k).is_none_or(|p| p.0 != kind) {
                let widget = (kind, widget_for(part));
                if k < self.parts.len() {
                    self.parts[k] = widget;
                } else {
                    self.parts.push(widget);
                }
            }
            let id = format!("{}/{k}", cx.id);
            let sub = Cx { id: &id, ..*cx };
            let share = (room * weight(part) / total.max(1.0)).max(120.0);
            ui.allocate_ui(egui::vec2(width, share), |ui| {
                ui.set_max_height(share);
                if let Some(a) = self.parts[k].1.ui(ui, &sub, part) {
                    action = Some(a);
                }
            });
            ui.add_space(8.0);
        }
        action
    }
}
