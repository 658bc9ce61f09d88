//! tenlab's desktop app and command line. Everything that trains lives in `tenlab_models`;
//! this crate draws it ([`app`], [`views`]), translates it ([`i18n`]) and runs it headless
//! ([`cli`]).

pub mod app;
pub mod bench;
pub mod cli;
pub mod frames;
pub mod i18n;
pub mod views;

pub use app::{Settings, TenlabApp};

/// Opens the window. Fails with a message (not a panic) where no window can be opened.
pub fn run_gui() -> anyhow::Result<()> {
    run_gui_at(None)
}

/// What the window opens on, when not on the lab used last.
pub enum Start {
    /// A lab built with these settings.
    Lab(&'static tenlab_models::LabDef, tenlab_models::Values),
    /// A lesson, at its first step (model paths start from the folder given).
    Lesson(tenlab_models::lesson::Lesson, std::path::PathBuf),
}

/// Opens the window on `start` if given (else on the lab used last, with its defaults).
pub fn run_gui_at(start: Option<Start>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("tenlab")
            .with_app_id("tenlab")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([800.0, 560.0]),
        ..Default::default()
    };
    eframe::run_native("tenlab", options, Box::new(|cc| Ok(Box::new(TenlabApp::new(cc, start)))))
        .map_err(|e| anyhow::anyhow!("cannot open the tenlab window: {e}"))
}
