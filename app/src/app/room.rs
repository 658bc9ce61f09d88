//! The room the app is shown in: projector mode (larger type, thicker lines, high contrast), a
//! colour-blind-safe palette, full screen, and the keyboard shortcuts with their help overlay.

use super::*;

/// The keyboard shortcuts and what each does (translation keys), as the overlay lists them.
pub const SHORTCUTS: [(&str, &str); 8] = [
    ("Space", "keys.play"),
    ("S", "keys.step"),
    ("R", "keys.reset"),
    ("F", "keys.full_screen"),
    ("P", "keys.projector"),
    ("← →", "keys.lesson"),
    ("E", "keys.explain"),
    ("?  F1", "keys.help"),
];

/// The UI scale projector mode starts from (the slider still changes it).
const PROJECTOR_SCALE: f32 = 1.5;

impl TenlabApp {
    /// Acts on the shortcuts (not while a text field has the keyboard).
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.memory(|m| m.focused().is_some()) {
            return;
        }
        let pressed = |key| ctx.input(|i| i.key_pressed(key) && i.modifiers.is_none());
        if pressed(egui::Key::Space) {
            if self.runner.is_playing() {
                self.runner.pause();
            } else {
                self.runner.play();
            }
        }
        if pressed(egui::Key::S) && !self.runner.is_playing() {
            self.runner.step(1);
        }
        if pressed(egui::Key::R) {
            self.reset();
        }
        if pressed(egui::Key::F) || (self.full_screen && pressed(egui::Key::Escape)) {
            self.full_screen = !self.full_screen;
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.full_screen));
        }
        if pressed(egui::Key::P) {
            self.set_projector(!self.settings.projector);
        }
        if pressed(egui::Key::E) {
            self.settings.explain = !self.settings.explain;
        }
        if pressed(egui::Key::F1)
            || ctx.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Text(t) if t == "?")))
        {
            self.show_keys = !self.show_keys;
        }
        if pressed(egui::Key::Escape) {
            self.show_keys = false;
        }
        self.lesson_keys(ctx);
    }

    /// Projector mode on or off: the UI scale goes to at least 1.5 (and back to 1), and the
    /// theme to high contrast.
    pub fn set_projector(&mut self, on: bool) {
        self.settings.projector = on;
        self.settings.scale = if on { self.settings.scale.max(PROJECTOR_SCALE) } else { 1.0 };
    }

    /// Applies projector mode and the palette to the context (each frame: cheap).
    pub(super) fn apply_room(&self, ctx: &egui::Context) {
        crate::views::paint::set_room(self.settings.color_blind, self.settings.projector);
        let ours = ctx.global_style().visuals.override_text_color == Some(Color32::WHITE);
        if self.settings.projector && !ours {
            // High contrast: black ground, white text, strong outlines.
            let mut visuals = egui::Visuals::dark();
            visuals.override_text_color = Some(Color32::WHITE);
            visuals.panel_fill = Color32::BLACK;
            visuals.window_fill = Color32::BLACK;
            visuals.extreme_bg_color = Color32::BLACK;
            visuals.faint_bg_color = Color32::from_gray(28);
            for w in [
                &mut visuals.widgets.noninteractive,
                &mut visuals.widgets.inactive,
                &mut visuals.widgets.hovered,
                &mut visuals.widgets.active,
            ] {
                w.fg_stroke.width = 2.0;
                w.bg_stroke = egui::Stroke::new(1.5, Color32::from_gray(200));
            }
            ctx.set_visuals(visuals);
        } else if !self.settings.projector && ours {
            // Back to the theme's own look.
            ctx.set_visuals(match ctx.theme() {
                egui::Theme::Dark => egui::Visuals::dark(),
                egui::Theme::Light => egui::Visuals::light(),
            });
        }
    }

    /// The overlay listing the shortcuts.
    pub(super) fn keys_overlay_ui(&mut self, ctx: &egui::Context) {
        if !self.show_keys {
            return;
        }
        let mut open = true;
        egui::Window::new(self.t("keys.title"))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").num_columns(2).spacing([24.0, 8.0]).show(ui, |ui| {
                    for (key, what) in SHORTCUTS {
                        ui.label(RichText::new(key).monospace().strong());
                        ui.label(self.t(what));
                        ui.end_row();
                    }
                });
            });
        self.show_keys &= open;
    }

    /// The room's switches (in a right-to-left layout: the last added stands leftmost): the
    /// keys, the colour-blind palette, projector mode, the UI scale.
    pub(super) fn room_ui(&mut self, ui: &mut egui::Ui) {
        if ui.button("⌨ ?").on_hover_text(self.t("keys.title")).clicked() {
            self.show_keys = !self.show_keys;
        }
        let (label, help) = (self.t("ui.color_blind"), self.t("ui.color_blind.help"));
        if ui.toggle_value(&mut self.settings.color_blind, label).on_hover_text(help).changed() {
            // Views painted with the other palette are drawn again.
            self.view_dirty = true;
        }
        let mut projector = self.settings.projector;
        if ui
            .toggle_value(&mut projector, self.t("ui.projector"))
            .on_hover_text(self.t("ui.projector.help"))
            .changed()
        {
            self.set_projector(projector);
        }
        ui.separator();
        let help = self.t("ui.scale.help");
        let slider =
            ui.add(egui::Slider::new(&mut self.settings.scale, 0.75..=2.5).step_by(0.05).fixed_decimals(2));
        let label = ui.label(self.t("ui.scale")).id;
        slider.labelled_by(label).on_hover_text(help);
    }
}
