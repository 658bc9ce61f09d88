//! One snapshot per view kind, drawn from hand-made view data (no training, so the pictures are
//! the same on every machine; rendered through wgpu, lavapipe where there is no GPU).

use egui_kittest::Harness;
use tenlab_app::i18n::Lang;
use tenlab_app::views::{Cx, Views};
use tenlab_models::view::{Bars, Boundary, Heatmap, Picker, Reading, Scale, Style, View};

fn heatmap(title: &str, rows: usize, cols: usize, f: impl Fn(usize, usize) -> f32) -> Heatmap {
    let values = (0..rows * cols).map(|k| f(k / cols, k % cols)).collect();
    Heatmap::diverging(title.into(), rows, cols, values)
}

fn digit() -> Heatmap {
    let mut h = heatmap("#3: 7", 28, 28, |r, c| {
        let on = (5..9).contains(&r) && (6..22).contains(&c)
            || ((8..24).contains(&r) && (c + r / 2).abs_diff(26) < 2);
        on as u8 as f32
    });
    (h.range, h.scale) = ((0.0, 1.0), Scale::Sequential);
    h
}

fn bars() -> Bars {
    let labels: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    let values = (0..10).map(|d| if d == 7 { 0.82 } else { 0.02 }).collect();
    Bars { labels, values, max: 1.0, marked: Some(7) }
}

/// Every kind of [`View`], once.
fn examples() -> Vec<(&'static str, View)> {
    let res = 16;
    let probs = (0..res * res)
        .flat_map(|k| {
            let (i, j) = ((k / res) as f32 - 7.5, (k % res) as f32 - 7.5);
            let p = 1.0 / (1.0 + (-(i * i + j * j - 30.0) / 8.0).exp());
            [p, 1.0 - p]
        })
        .collect();
    let points = (0..40)
        .map(|k| {
            let a = k as f32 * 0.7;
            let r = if k % 2 == 0 { 1.5 } else { 4.0 };
            ([r * a.cos(), r * a.sin()], (k % 2) as u16, k % 5 == 0)
        })
        .collect();
    let boundary = View::Boundary(Boundary {
        x_range: (-6.0, 6.0),
        y_range: (-6.0, 6.0),
        res,
        classes: 2,
        probs,
        points,
        class_names: vec!["0".into(), "1".into()],
    });
    let mut confusion = heatmap("", 3, 3, |r, c| if r == c { 40.0 } else { (r + c) as f32 });
    (confusion.range, confusion.scale, confusion.show_values) = ((0.0, 40.0), Scale::Sequential, true);
    confusion.row_labels = vec!["cat".into(), "dog".into(), "owl".into()];
    confusion.col_labels = confusion.row_labels.clone();
    let maps: Vec<Vec<Heatmap>> = (0..2)
        .map(|b| {
            (0..6)
                .map(|f| heatmap(&format!("B{}·{}", b + 1, f + 1), 7, 7, |r, c| ((r * f + c) as f32).sin()))
                .collect()
        })
        .collect();
    let mut rows = vec![
        (0..6)
            .map(|i| {
                let mut d = digit();
                d.title = format!("#{i}");
                d
            })
            .collect::<Vec<_>>(),
    ];
    rows.extend(maps.clone());
    let picker = Picker { row: 0, param: "sample", values: (0..6).collect(), selected: Some(2) };
    let mut weights = heatmap("W1 (2×4)", 2, 4, |r, c| r as f32 - c as f32 / 2.0);
    weights.row_labels = vec!["x₁".into(), "x₂".into()];
    let mut history = heatmap("log10 |dL/dW|", 5, 30, |r, c| -(r as f32) - c as f32 / 30.0);
    history.scale = Scale::Sequential;
    history.row_labels = (0..5).map(|l| format!("L{l}")).collect();
    let timeline_bars = Bars {
        labels: history.row_labels.clone(),
        values: vec![1.0, 0.3, 0.1, 0.03, 0.01],
        max: 1.0,
        marked: None,
    };
    let reading = Reading { image: digit(), bars: bars(), maps: maps.clone() };
    vec![
        ("boundary", boundary),
        ("matrix", View::Heatmap(confusion)),
        ("thumbnails", View::HeatmapRows { rows, style: Style::Thumbnails, picker: Some(picker) }),
        ("matrices", View::HeatmapRows { rows: vec![vec![weights]], style: Style::Matrices, picker: None }),
        ("bars", View::Bars { image: Some(digit()), bars: bars() }),
        ("timeline", View::Timeline { history, bars: timeline_bars }),
        ("canvas", View::Canvas { input: "drawing", side: 56, reading: Some(reading) }),
    ]
}

#[test]
fn every_view_kind_draws_as_its_snapshot() {
    let mut failures = vec![];
    for (name, view) in examples() {
        let mut h = Harness::builder().with_size(egui::vec2(640.0, 420.0)).wgpu().build_ui_state(
            move |ui, views: &mut Views| {
                let cx = Cx { lang: Lang::En, lab: "cnn", id: "example", rev: 1 };
                views.ui(ui, &cx, &view);
            },
            Views::default(),
        );
        h.run_steps(3);
        if let Err(e) = h.try_snapshot(format!("view_{name}")) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
