//! One file per kind of view: labs hand over plain data ([`View`]); a view kind turns it into
//! pixels, keeps its own state between frames (textures, a drawing, a toggle) and reports what
//! the user did in it. A new view kind is a variant of [`View`] in `models/src/view.rs`, a file
//! here, and one line in [`widget_for`].

mod bars;
mod boundary;
mod canvas;
mod cartpole;
mod column;
mod graph;
mod lines;
mod matrix;
pub mod paint;
mod player;
mod scatter;
mod text;
mod thumbnails;
mod timeline;

use std::collections::HashMap;

use tenlab_models::data::points::PointEdit;
use tenlab_models::view::View;

use crate::i18n::Lang;
pub use paint::{CLASS_COLORS, class_color};

/// What the user did inside a view that the lab must hear about.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Set a live parameter (e.g. a test image picked from a strip).
    Set(&'static str, i64),
    /// Send user data (a drawing) as the lab's input `key`.
    Input(&'static str, Vec<f32>),
    /// Change the points drawn on a plane, held by the live text parameter `key`.
    Points(&'static str, PointEdit),
}

/// What a view kind is drawn with: the language, the lab, the view's id and the revision of
/// its data (textures are rebuilt when it grows).
#[derive(Clone, Copy, Debug)]
pub struct Cx<'a> {
    pub lang: Lang,
    pub lab: &'a str,
    pub id: &'a str,
    pub rev: u64,
}

impl Cx<'_> {
    /// Words on a picture in the user's language.
    pub fn text(&self, t: &tenlab_models::view::Text) -> String {
        use tenlab_models::view::Text;
        match t {
            Text::None => String::new(),
            Text::Plain(s) => s.clone(),
            Text::Key(key, args) => {
                args.iter().enumerate().fold(crate::i18n::lab_tr(self.lang, self.lab, key), |t, (i, a)| {
                    t.replace(&format!("{{{i}}}"), a)
                })
            }
        }
    }
}

/// egui's own fonts (for the Latin letters, arrows and primes of the pictures' labels).
static EGUI_FONTS: std::sync::LazyLock<egui::FontDefinitions> =
    std::sync::LazyLock::new(egui::FontDefinitions::default);

/// `view` as a PNG picture (the "Save as PNG…" button, the CLI's `--png-out` and reports), its
/// labels in `lang` with the app's fonts, in the app's order (Latin, symbols, Chinese).
pub fn picture(view: &View, lang: crate::i18n::Lang, lab: &str) -> Option<tenlab_models::picture::RgbImage> {
    let cx = Cx { lang, lab, id: "", rev: 0 };
    let text = |t: &tenlab_models::view::Text| cx.text(t);
    let named = |name: &str| EGUI_FONTS.font_data.get(name).map(|d| (*d.font).as_ref());
    let fonts: Vec<&[u8]> =
        [named("Ubuntu-Light"), named("Hack"), Some(crate::app::CJK_FONT)].into_iter().flatten().collect();
    // The class colours of the moment (the colour-blind palette when it is on; its white, which
    // stands for Okabe and Ito's black on the dark window, is black again on a white picture).
    let classes = std::array::from_fn(|i| {
        let c = paint::class_color(i);
        if c == paint::COLOR_BLIND_COLORS[7] { [0, 0, 0] } else { [c.r(), c.g(), c.b()] }
    });
    let words = tenlab_models::picture::Words { fonts: &fonts, text: &text, classes };
    tenlab_models::picture::raster(view, &words)
}

/// A view kind: draws its data into the space it is given and says what the user did.
pub trait ViewUi {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action>;
}

/// A fresh widget for the kind of `view`.
fn widget_for(view: &View) -> Box<dyn ViewUi> {
    match view {
        View::Boundary(_) => Box::<boundary::BoundaryView>::default(),
        View::Heatmap(_) => Box::<matrix::MatrixView>::default(),
        View::HeatmapRows { .. } => Box::<thumbnails::RowsView>::default(),
        View::Bars { .. } => Box::<bars::BarsView>::default(),
        View::Timeline { .. } => Box::<timeline::TimelineView>::default(),
        View::Canvas { .. } => Box::<canvas::CanvasView>::default(),
        View::Scatter(_) => Box::<scatter::ScatterView>::default(),
        View::Lines(_) => Box::<lines::LinesView>::default(),
        View::Column(_) => Box::<column::ColumnView>::default(),
        View::Player { .. } => Box::<player::PlayerView>::default(),
        View::CartPole(_) => Box::<cartpole::CartPoleView>::default(),
        View::Graph(_) => Box::<graph::GraphView>::default(),
        View::Text(_) => Box::<text::TextView>::default(),
    }
}

/// A widget and the kind of view it was made for.
type Widget = (std::mem::Discriminant<View>, Box<dyn ViewUi>);

/// The widgets of the views shown so far, each with its state, by lab and view id.
#[derive(Default)]
pub struct Views {
    widgets: HashMap<(String, String), Widget>,
}

impl Views {
    /// Draws `view` with the widget of its lab and id (made on first use, and made anew if
    /// the view changed kind). Returns what the user did in it, if anything.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let kind = std::mem::discriminant(view);
        let entry = self
            .widgets
            .entry((cx.lab.to_owned(), cx.id.to_owned()))
            .or_insert_with(|| (kind, widget_for(view)));
        if entry.0 != kind {
            *entry = (kind, widget_for(view));
        }
        entry.1.ui(ui, cx, view)
    }
}
