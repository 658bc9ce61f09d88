//! The plain data each picture needs. The app has one drawing function per variant; labs
//! fill them on request. Nothing here is tied to a GUI toolkit.

use serde::Serialize;

/// A picture a lab offers; `id` is also the translation key `view.<id>`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViewSpec {
    pub id: &'static str,
}

impl ViewSpec {
    /// The specs of these view ids, in order.
    pub fn list(ids: &[&'static str]) -> Vec<Self> {
        ids.iter().map(|&id| Self { id }).collect()
    }
}

/// How a heatmap's values map to colour.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Scale {
    /// Negative blue, zero white, positive orange; symmetric around zero (weights).
    Diverging,
    /// Zero white to full colour (counts, probabilities, activations >= 0).
    Sequential,
}

/// Words on a picture: the data's own (a class name, a number), or a translation key
/// (`label.<...>`) whose `{0}`, `{1}`… the app fills with these texts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Text {
    #[default]
    None,
    Plain(String),
    Key(&'static str, Vec<String>),
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self::Plain(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::Plain(s.to_owned())
    }
}

impl Text {
    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        match self {
            Self::None => true,
            Self::Plain(s) => s.is_empty(),
            Self::Key(..) => false,
        }
    }
}

/// A grid of numbers: a weight matrix, a confusion matrix, a neuron's output over the plane.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Heatmap {
    pub title: Text,
    pub rows: usize,
    pub cols: usize,
    /// Row-major, `rows * cols` values.
    pub values: Vec<f32>,
    /// Values at or beyond these ends get the end colours.
    pub range: (f32, f32),
    pub scale: Scale,
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    /// Print each value in its cell (small matrices such as a confusion matrix).
    pub show_values: bool,
}

impl Heatmap {
    /// A heatmap whose colour range is symmetric around zero and covers all values.
    pub fn diverging(title: String, rows: usize, cols: usize, values: Vec<f32>) -> Self {
        let m = values.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
        Self {
            title: title.into(),
            rows,
            cols,
            values,
            range: (-m, m),
            scale: Scale::Diverging,
            row_labels: vec![],
            col_labels: vec![],
            show_values: false,
        }
    }
}

/// A class-probability field over a 2-D plane with the data points on top: a decision boundary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Boundary {
    /// Plane extent: x from `x_range.0` to `x_range.1`, likewise y.
    pub x_range: (f32, f32),
    pub y_range: (f32, f32),
    /// Field resolution; cell (i, j) is row i (from the top, largest y) and column j.
    pub res: usize,
    pub classes: usize,
    /// `res * res * classes` probabilities, cell-major.
    pub probs: Vec<f32>,
    /// Points with their class and whether they are test points.
    pub points: Vec<([f32; 2], u16, bool)>,
    pub class_names: Vec<String>,
}

impl Boundary {
    /// Cell `cell` of the field: its most likely class, and how sure the network is of it,
    /// from 0 (1/k, a coin toss) to 1 (certain) — what the app and the PNG colour it by.
    pub fn cell(&self, cell: usize) -> (usize, f32) {
        let k = self.classes.max(1);
        let p = &self.probs[cell * k..(cell + 1) * k];
        let (best, pmax) =
            p.iter().enumerate().fold((0, 0.0f32), |m, (i, &v)| if v > m.1 { (i, v) } else { m });
        (best, ((pmax - 1.0 / k as f32) / (1.0 - 1.0 / k as f32)).clamp(0.0, 1.0))
    }
}

/// How a row of small heatmaps is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Style {
    /// Square pictures (images, feature maps, neuron outputs), hover shows the title.
    Thumbnails,
    /// Matrices with a cell per value (weights), hover shows row and column.
    Matrices,
}

/// A row of thumbnails the user can click to set a live parameter (e.g. the test image
/// whose feature maps are shown): clicking item `i` sets `param` to `values[i]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Picker {
    pub row: usize,
    pub param: &'static str,
    pub values: Vec<i64>,
    pub selected: Option<usize>,
}

/// Bars with labels, e.g. predicted class probabilities.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bars {
    pub labels: Vec<String>,
    pub values: Vec<f32>,
    /// Values run from 0 to this.
    pub max: f32,
    /// A bar to mark (e.g. the true class).
    pub marked: Option<usize>,
}

/// What a lab made of the user's drawing: the drawing as the model sees it, its prediction,
/// and what each layer sees.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reading {
    pub image: Heatmap,
    pub bars: Bars,
    pub maps: Vec<Vec<Heatmap>>,
}

/// A set of points on the plane, drawn in one colour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointLayer {
    /// A translation key (`label.<...>`), shown in the legend.
    pub name: &'static str,
    /// Data's own words for the key's `{0}` (e.g. a class name from the file).
    pub arg: Option<String>,
    pub points: Vec<[f32; 2]>,
    /// Index into the class colours.
    pub color: usize,
    /// Small and light: data in the background.
    pub faint: bool,
}

/// Points on a plane, with a field of values behind them and arrows on top (a generator's
/// samples over its discriminator's output; a point cloud with the denoiser's directions).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scatter {
    pub x_range: (f32, f32),
    pub y_range: (f32, f32),
    /// Values over the plane, row 0 at the top (largest y), stretched over the whole plane.
    pub field: Option<Heatmap>,
    /// Arrows: where each starts and its vector, in plane units.
    pub arrows: Vec<([f32; 2], [f32; 2])>,
    /// Lines through points (e.g. an even grid of a generator's latent space, as it maps it).
    pub paths: Vec<Path>,
    pub layers: Vec<PointLayer>,
    /// Points the user draws: the key of the lab's live text parameter that holds them
    /// (`x,y;x,y;...`, see `data::points::parse_points`). A click on the plane adds one, a
    /// right-click removes the nearest; the view offers to undo and to clear.
    pub draw: Option<&'static str>,
    /// Words written beside points (e.g. a word map).
    pub labels: Vec<([f32; 2], String)>,
}

/// A line through points on a plane.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Path {
    pub points: Vec<[f32; 2]>,
    /// Index into the class colours; none: the plane's one ink.
    pub color: Option<usize>,
}

impl Path {
    pub fn plain(points: Vec<[f32; 2]>) -> Self {
        Self { points, color: None }
    }
}

/// One line of a [`Lines`] plot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// A translation key (`label.<...>`), shown in the legend.
    pub name: &'static str,
    pub points: Vec<[f32; 2]>,
    pub color: usize,
}

/// A small plot of lines (e.g. alpha-bar over the timesteps, the loss by timestep).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lines {
    /// Translation keys of the axes.
    pub x_label: &'static str,
    pub y_label: &'static str,
    pub series: Vec<Series>,
    /// A vertical mark (e.g. the timestep shown beside).
    pub mark_x: Option<f32>,
}

/// A cart-pole episode to play back in real time (50 steps a second, as gymnasium renders
/// it) or fast: each step's state, the action taken and both Q-values, and why it ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CartPoleRun {
    /// Cart position, cart velocity, pole angle, angular velocity: the start first, then
    /// one per action.
    pub states: Vec<[f32; 4]>,
    /// 0: pushed left, 1: pushed right.
    pub actions: Vec<u8>,
    /// Q(left), Q(right) where each action was chosen.
    pub q: Vec<[f32; 2]>,
    /// Why it ended, a translation key (the pole fell, the cart left the track, 500 steps).
    pub ended: Option<&'static str>,
    /// Changes when the lab records a new episode.
    pub run: u64,
    /// The lab's input that takes episodes the user drives (11 numbers per transition: state,
    /// action, reward, next state, 1 if the pole fell), if it takes them.
    pub drive: Option<&'static str>,
    /// The user's transitions the lab holds.
    pub driven: usize,
    /// Which agent plays (empty: nothing to say).
    pub caption: Text,
}

/// A graph to explore: nodes at their layout positions (in [-1, 1]²), each filled by its
/// predicted class and ringed by its true one; labelled nodes are marked; hovering a node
/// shows its class probabilities.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GraphPicture {
    pub positions: Vec<[f32; 2]>,
    pub edges: Vec<(u32, u32)>,
    pub names: Vec<String>,
    pub class_names: Vec<String>,
    pub predicted: Vec<u16>,
    pub truth: Vec<u16>,
    pub labelled: Vec<bool>,
    /// `nodes * classes` probabilities, row-major.
    pub probs: Vec<f32>,
    /// With a node in focus: each node's distance from it in hops (0 for itself; `u8::MAX`
    /// beyond `reach`), and how many hops the model sees.
    pub hops: Option<(Vec<u8>, u8)>,
    /// A click on a node sends its index as this input of the lab.
    pub click: Option<&'static str>,
}

/// How a piece of text is marked in a [`TextPicture`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Mark {
    Plain,
    /// What the user gave (a prompt, an input): set apart from what the model made.
    Given,
    /// The model's answer where it is right.
    Right,
    /// The model's answer where it is wrong.
    Wrong,
}

/// A line of a [`TextPicture`]: its caption and its marked pieces.
pub type TextLine = (Option<&'static str>, Vec<(String, Mark)>);

/// Lines of text in large type (generated text, a task's input, target and answer), each
/// line a caption (a translation key, `label.<...>`) and marked pieces.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextPicture {
    pub lines: Vec<TextLine>,
}

/// What a lab can draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum View {
    Boundary(Boundary),
    /// One matrix (e.g. a confusion matrix).
    Heatmap(Heatmap),
    /// Several small heatmaps in a grid, grouped in rows (e.g. a thumbnail per neuron, one row
    /// per layer; or one weight matrix per layer).
    HeatmapRows {
        rows: Vec<Vec<Heatmap>>,
        style: Style,
        picker: Option<Picker>,
    },
    /// A picture above bars (e.g. a test image and the predicted probabilities).
    Bars {
        image: Option<Heatmap>,
        bars: Bars,
    },
    /// One row per item (e.g. per layer, input side first): its name, its history as a strip
    /// of colour over time (`history`: one row per item, oldest column first, values already
    /// on the scale to colour, e.g. log10) and its latest value as a bar.
    Timeline {
        history: Heatmap,
        bars: Bars,
    },
    /// A drawing pad: the app lets the user draw and sends the raster (ink in [0, 1], row-major,
    /// `side` x `side`) as the lab's input `input`; `reading` is the lab's answer to the last one.
    Canvas {
        input: &'static str,
        side: usize,
        reading: Option<Reading>,
    },
    Scatter(Scatter),
    Lines(Lines),
    /// Views shown one under the other, each under its caption (a translation key).
    Column(Vec<(Option<&'static str>, View)>),
    /// A recorded run (e.g. sampling from noise) that the user plays, pauses and scrubs:
    /// one view per frame, each with its caption. `run` changes when the lab records a new
    /// one; `again`, if set, is the lab's input that records a new one (with no data).
    Player {
        frames: Vec<View>,
        captions: Vec<String>,
        run: u64,
        again: Option<&'static str>,
    },
    CartPole(CartPoleRun),
    Graph(GraphPicture),
    Text(TextPicture),
}
