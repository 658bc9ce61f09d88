//! The explanation panel: what the lab's model is, how it trains, what it is good and bad at
//! and where it is used, then, for the view on screen, what to look for and its formula with
//! the lab's current numbers. Every word is the lab's own (`explain.*`, `view.<id>.look`,
//! `view.<id>.formula` in its strings), in both languages.

use egui::RichText;

use super::TenlabApp;
use crate::i18n::{Lang, lab_lookup, lab_tr, tr};

/// The panel's sections about the model, each a key of the lab's strings and its heading.
pub const SECTIONS: [(&str, &str); 5] = [
    ("explain.idea", "ui.explain.idea"),
    ("explain.training", "ui.explain.training"),
    ("explain.good", "ui.explain.good"),
    ("explain.bad", "ui.explain.bad"),
    ("explain.uses", "ui.explain.uses"),
];

/// A view's formula in `lang` with `numbers` in its `{0}`, `{1}`… (none when the view has no
/// formula, or when the lab has not sent the numbers it needs yet).
pub fn formula(lang: Lang, lab: &str, view: &str, numbers: &[f32]) -> Option<String> {
    let mut text = lab_lookup(lang, lab, &format!("view.{view}.formula"))?.to_string();
    for (i, n) in numbers.iter().enumerate() {
        text = text.replace(&format!("{{{i}}}"), &number(*n));
    }
    // A placeholder left means the numbers have not come yet.
    let waiting = (0..10).any(|i| text.contains(&format!("{{{i}}}")));
    (!waiting).then_some(text)
}

/// A number as the formula shows it: whole numbers whole, others to three decimals (one
/// above 100, two above 10), without trailing zeros.
fn number(n: f32) -> String {
    if n.fract() == 0.0 && n.abs() < 1e7 {
        return format!("{n:.0}");
    }
    let decimals = if n.abs() >= 100.0 {
        1
    } else if n.abs() >= 10.0 {
        2
    } else {
        3
    };
    let s = format!("{n:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl TenlabApp {
    pub(super) fn explain_ui(&mut self, ui: &mut egui::Ui) {
        let (lang, lab) = (self.lang(), self.lab.id);
        ui.heading(lab_tr(lang, lab, "name"));
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            if let Some(view) = self.room.view.clone() {
                ui.add_space(4.0);
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        tr(lang, "ui.explain.view"),
                        lab_tr(lang, lab, &format!("view.{view}"))
                    ))
                    .strong(),
                );
                if let Some(help) = lab_lookup(lang, lab, &format!("view.{view}.help")) {
                    ui.label(help);
                }
                if let Some(look) = lab_lookup(lang, lab, &format!("view.{view}.look")) {
                    ui.add_space(4.0);
                    ui.label(RichText::new(tr(lang, "ui.explain.look")).strong());
                    ui.label(look);
                }
                let numbers = self.runner.formulas.get(&view).map_or(&[][..], Vec::as_slice);
                if let Some(f) = formula(lang, lab, &view, numbers) {
                    ui.add_space(4.0);
                    ui.label(RichText::new(tr(lang, "ui.explain.formula")).strong());
                    ui.label(RichText::new(f).monospace());
                }
                ui.separator();
            }
            for (key, heading) in SECTIONS {
                if let Some(text) = lab_lookup(lang, lab, key) {
                    egui::CollapsingHeader::new(RichText::new(tr(lang, heading)).strong())
                        .id_salt(key)
                        .default_open(true)
                        .show(ui, |ui| ui.label(text));
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_takes_the_labs_numbers_and_waits_for_them() {
        let f = formula(Lang::En, "diffusion", "forward", &[250.0, 0.2539, 0.5039, 0.8638]).unwrap();
        assert_eq!(f, "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε; at t = 250: ᾱ_t = 0.254, x_t = 0.504·x₀ + 0.864·ε");
        assert_eq!(formula(Lang::En, "diffusion", "forward", &[]), None);
        // A formula without numbers shows as it is; a view without one has none.
        assert!(formula(Lang::Zh, "lstm", "gates", &[]).unwrap().contains("c_t = f_t ⊙ c_{t−1}"));
        assert_eq!(formula(Lang::En, "lstm", "sample", &[1.0]), None);
    }
}
