//! Lines of text in large type: what a model wrote (the prompt set apart), or a task's input,
//! target and answer with the answer's mistakes marked.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId};
use tenlab_models::view::{Mark, View};

use super::{Action, Cx, ViewUi};
use crate::i18n::lab_tr;

/// The `Text` view kind.
#[derive(Default)]
pub struct TextView;

impl ViewUi for TextView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::Text(t) = view else { return None };
        let dark = ui.visuals().dark_mode;
        let plain = ui.visuals().text_color();
        let font = FontId::monospace(18.0);
        egui::ScrollArea::vertical().id_salt(cx.id).auto_shrink([false, false]).show(ui, |ui| {
            for (caption, spans) in &t.lines {
                if let Some(key) = caption {
                    ui.label(egui::RichText::new(lab_tr(cx.lang, cx.lab, key)).weak());
                }
                let mut job = LayoutJob {
                    wrap: egui::text::TextWrapping::wrap_at_width(ui.available_width()),
                    ..Default::default()
                };
                for (text, mark) in spans {
                    let mut format = TextFormat::simple(font.clone(), plain);
                    match mark {
                        Mark::Plain => {}
                        Mark::Given => {
                            format.color = if dark {
                                Color32::from_rgb(140, 180, 255)
                            } else {
                                Color32::from_rgb(20, 70, 170)
                            };
                            format.background =
                                if dark { Color32::from_gray(45) } else { Color32::from_gray(232) };
                        }
                        Mark::Right => {
                            format.color = if dark {
                                Color32::from_rgb(120, 220, 120)
                            } else {
                                Color32::from_rgb(0, 120, 0)
                            };
                        }
                        Mark::Wrong => {
                            format.color = Color32::WHITE;
                            format.background = Color32::from_rgb(200, 40, 40);
                            format.underline = egui::Stroke::new(2.0, Color32::from_rgb(200, 40, 40));
                        }
                    }
                    job.append(text, 0.0, format);
                }
                // Laid out here, so that the label does not justify a wrapped line.
                let galley = ui.painter().layout_job(job);
                ui.label(galley);
                ui.add_space(6.0);
            }
        });
        None
    }
}
