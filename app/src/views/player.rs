//! A recorded run the user plays, pauses and scrubs frame by frame (e.g. sampling from noise,
//! step by step). A new run starts playing from its first frame.

use std::time::Duration;

use tenlab_models::view::View;

use super::{Action, Cx, ViewUi, widget_for};
use crate::i18n::tr;

/// Frames shown per second while playing.
const FPS: f32 = 8.0;

/// The `Player` view kind.
#[derive(Default)]
pub struct PlayerView {
    frame: usize,
    playing: bool,
    run: Option<u64>,
    /// Frames of the run shown.
    frames: usize,
    /// When the shown frame last advanced, in egui's time (seconds).
    last_advance: Option<f64>,
    inner: Option<(std::mem::Discriminant<View>, Box<dyn ViewUi>)>,
}

impl ViewUi for PlayerView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::Player { frames, captions, run, again } = view else { return None };
        if frames.is_empty() {
            return None;
        }
        let now = ui.input(|i| i.time);
        if self.run != Some(*run) {
            // The first run plays from its start. A newer one (the model trained on) keeps the
            // frame shown and whether it plays, so a run that reached its end shows the
            // latest samples as they improve; Play shows how they came out of the noise.
            if self.run.is_none() || self.frames != frames.len() {
                self.frame = 0;
                self.playing = true;
                self.last_advance = Some(now);
            }
            self.run = Some(*run);
            self.frames = frames.len();
        }
        let last = frames.len() - 1;
        if self.playing {
            let since = self.last_advance.get_or_insert(now);
            let advance = ((now - *since) * FPS as f64) as usize;
            if advance > 0 {
                self.frame = (self.frame + advance).min(last);
                *since = now;
            }
            if self.frame >= last {
                self.playing = false;
            } else {
                ui.ctx().request_repaint_after(Duration::from_secs_f32(1.0 / FPS));
            }
        }
        self.frame = self.frame.min(last);
        let mut action = None;
        ui.horizontal(|ui| {
            let (label, help) = if self.playing {
                ("ui.player.pause", "ui.player.pause.help")
            } else {
                ("ui.player.play", "ui.player.play.help")
            };
            if ui.button(tr(cx.lang, label)).on_hover_text(tr(cx.lang, help)).clicked() {
                if !self.playing && self.frame >= last {
                    self.frame = 0;
                }
                self.playing = !self.playing;
                self.last_advance = Some(now);
            }
            let mut f = self.frame;
            let slider = egui::Slider::new(&mut f, 0..=last).show_value(false);
            if ui.add(slider).on_hover_text(tr(cx.lang, "ui.player.scrub.help")).changed() {
                self.frame = f;
                self.playing = false;
            }
            ui.monospace(captions.get(self.frame).map(String::as_str).unwrap_or(""));
            if let Some(key) = again
                && ui
                    .button(tr(cx.lang, "ui.player.again"))
                    .on_hover_text(tr(cx.lang, "ui.player.again.help"))
                    .clicked()
            {
                action = Some(Action::Input(key, vec![]));
            }
        });
        let frame = &frames[self.frame];
        let kind = std::mem::discriminant(frame);
        if self.inner.as_ref().is_none_or(|w| w.0 != kind) {
            self.inner = Some((kind, widget_for(frame)));
        }
        // Textures follow the frame shown, not the copies of the run the lab sends.
        let sub = Cx { rev: run.wrapping_mul(100_003).wrapping_add(self.frame as u64), ..*cx };
        if let Some((_, widget)) = &mut self.inner
            && let Some(a) = widget.ui(ui, &sub, frame)
        {
            action = Some(a);
        }
        action
    }
}
