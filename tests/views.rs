//! One snapshot per view kind, drawn from hand-made view data (no training, so the pictures are
//! the same on every machine; rendered through wgpu, lavapipe where there is no GPU).

use egui_kittest::Harness;
use tenlab_app::i18n::Lang;
use tenlab_app::views::{Cx, Views};
use tenlab_models::view::{
    Bars, Boundary, Heatmap, Lines, Mark, Picker, PointLayer, Reading, Scale, Scatter, Series, Style, View,
};

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

/// A ring of 8 clusters, the generated points drawn inward, over a field and with arrows.
fn scatter() -> Scatter {
    let ring = |r: f32, n: usize| -> Vec<[f32; 2]> {
        (0..n)
            .map(|k| {
                let a = (k % 8) as f32 * std::f32::consts::TAU / 8.0 + (k / 8) as f32 * 0.01;
                [r * a.cos(), r * a.sin()]
            })
            .collect()
    };
    let generated = ring(1.4, 48);
    let arrows = generated.iter().map(|p| (*p, [p[0] * 0.2, p[1] * 0.2])).collect();
    let field = heatmap("", 12, 12, |r, c| {
        let (x, y) = (c as f32 - 5.5, r as f32 - 5.5);
        0.5 - (x.hypot(y) - 4.0).abs() / 6.0
    });
    Scatter {
        x_range: (-2.5, 2.5),
        y_range: (-2.5, 2.5),
        field: Some(field),
        arrows,
        paths: vec![tenlab_models::view::Path::plain(
            (0..20).map(|k| [-2.0 + k as f32 * 0.2, (k as f32 * 0.3).sin()]).collect(),
        )],
        layers: vec![
            PointLayer { name: "label.real", arg: None, points: ring(2.0, 64), color: 2, faint: true },
            PointLayer {
                name: "label.generated_points",
                arg: None,
                points: generated,
                color: 3,
                faint: false,
            },
        ],
        draw: None,
        labels: vec![],
    }
}

fn lines() -> Lines {
    let curve = |f: fn(f32) -> f32| (0..50).map(|t| [t as f32 * 20.0, f(t as f32 / 50.0)]).collect();
    Lines {
        x_label: "label.timestep",
        y_label: "label.fraction",
        series: vec![
            Series { name: "label.signal", points: curve(|t| (1.0 - t * t).sqrt()), color: 0 },
            Series { name: "label.noise_sd", points: curve(|t| t), color: 1 },
        ],
        mark_x: Some(300.0),
    }
}

/// Every kind of [`View`], once, with the lab whose words it uses.
fn examples() -> Vec<(&'static str, &'static str, View)> {
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
                d.title = format!("#{i}").into();
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
    let cnn = vec![
        ("boundary", boundary),
        ("matrix", View::Heatmap(confusion)),
        ("thumbnails", View::HeatmapRows { rows, style: Style::Thumbnails, picker: Some(picker) }),
        ("matrices", View::HeatmapRows { rows: vec![vec![weights]], style: Style::Matrices, picker: None }),
        ("bars", View::Bars { image: Some(digit()), bars: bars() }),
        ("timeline", View::Timeline { history, bars: timeline_bars }),
        ("canvas", View::Canvas { input: "drawing", side: 56, reading: Some(reading) }),
    ];
    let cnn = cnn.into_iter().map(|(name, view)| (name, "cnn", view)).collect::<Vec<_>>();
    // The diffusion lab's words for its point cloud.
    let mut samples = scatter();
    samples.layers[1].name = "label.samples";
    cnn.into_iter()
        .chain([
            ("scatter", "gan", View::Scatter(scatter())),
            ("lines", "diffusion", View::Lines(lines())),
            (
                "column",
                "gan",
                View::Column(vec![
                    (Some("label.classes_read"), View::Bars { image: None, bars: bars() }),
                    (
                        Some("label.generated"),
                        View::HeatmapRows {
                            rows: vec![vec![digit(); 6]],
                            style: Style::Thumbnails,
                            picker: None,
                        },
                    ),
                ]),
            ),
            (
                "player",
                "diffusion",
                View::Player {
                    // Frames advance at 8 a second while it plays; the snapshot is taken a few
                    // (simulated) frames in.
                    frames: std::iter::repeat_n(View::Scatter(samples.clone()), 40)
                        .chain([View::Lines(lines())])
                        .collect(),
                    captions: (0..41).map(|k| format!("t = {}", 999 - k * 20)).collect(),
                    run: 1,
                    again: Some("sample_again"),
                },
            ),
            (
                "graph",
                "gcn",
                View::Graph(tenlab_models::view::GraphPicture {
                    positions: vec![[-0.8, 0.0], [0.0, 0.6], [0.0, -0.6], [0.8, 0.0], [0.9, 0.7]],
                    edges: vec![(0, 1), (0, 2), (1, 3), (2, 3), (3, 4)],
                    names: (0..5).map(|i| i.to_string()).collect(),
                    class_names: vec!["Mr. Hi".into(), "Officer".into()],
                    predicted: vec![0, 0, 1, 1, 1],
                    truth: vec![0, 0, 0, 1, 1],
                    labelled: vec![true, false, false, false, true],
                    probs: vec![0.9, 0.1, 0.7, 0.3, 0.4, 0.6, 0.2, 0.8, 0.1, 0.9],
                    hops: Some((vec![0, 1, 1, 2, u8::MAX], 2)),
                    click: Some("focus"),
                }),
            ),
            (
                // The toy tasks' answers: input, the answer (one token wrong), the right one.
                "text",
                "transformer",
                View::Text(tenlab_models::view::TextPicture {
                    lines: vec![
                        (
                            Some("label.answers"),
                            vec![
                                ("three hundred and five".into(), Mark::Given),
                                ("  ➡  ".into(), Mark::Plain),
                                ("三".into(), Mark::Right),
                                ("百".into(), Mark::Right),
                                ("零".into(), Mark::Right),
                                ("五".into(), Mark::Right),
                            ],
                        ),
                        (
                            None,
                            vec![
                                ("8403615927".into(), Mark::Given),
                                ("  ➡  ".into(), Mark::Plain),
                                ("72951".into(), Mark::Right),
                                ("9".into(), Mark::Wrong),
                                ("3048".into(), Mark::Right),
                                ("   (7295163048)".into(), Mark::Plain),
                            ],
                        ),
                    ],
                }),
            ),
            (
                // Attention of a reversed string: the anti-diagonal, tokens named on both axes.
                "attention",
                "transformer",
                View::HeatmapRows {
                    rows: vec![
                        (0..2)
                            .map(|h| {
                                let mut m = heatmap(&format!("L1·H{}", h + 1), 6, 5, |i, j| {
                                    if i + j == 4 || (h == 1 && i == 5) { 0.9 } else { 0.02 }
                                });
                                m.scale = Scale::Sequential;
                                m.range = (0.0, 1.0);
                                m.row_labels = ["5", "2", "9", "1", "4", "</s>"].map(String::from).to_vec();
                                m.col_labels = ["4", "1", "9", "2", "5"].map(String::from).to_vec();
                                m
                            })
                            .collect(),
                    ],
                    style: Style::Matrices,
                    picker: None,
                },
            ),
            (
                // One step, so any frame shows its end: the pole leaning past 12 degrees.
                "cartpole",
                "dqn",
                View::CartPole(tenlab_models::view::CartPoleRun {
                    states: vec![[0.5, 0.1, 0.19, 0.4], [0.51, 0.3, 0.22, 0.6]],
                    actions: vec![1],
                    q: vec![[12.5, 13.25]],
                    ended: Some("label.ended_angle"),
                    run: 1,
                    drive: Some("drive"),
                    driven: 120,
                    caption: tenlab_models::view::Text::Key(
                        "label.kept_network",
                        vec!["95000".into(), "500.0".into(), "312.4".into()],
                    ),
                }),
            ),
        ])
        .collect()
}

#[test]
fn every_view_kind_draws_as_its_snapshot() {
    let mut failures = vec![];
    for (name, lab, view) in examples() {
        let mut h = Harness::builder().with_size(egui::vec2(640.0, 420.0)).wgpu().build_ui_state(
            move |ui, views: &mut Views| {
                tenlab_app::app::install_fonts(ui.ctx());
                let cx = Cx { lang: Lang::En, lab, id: "example", rev: 1 };
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

/// A view saved as a picture takes the class colours on screen: the colour-blind palette when
/// it is on.
#[test]
fn pictures_take_the_colour_blind_palette_when_it_is_on() {
    let view = View::Scatter(scatter());
    tenlab_app::views::paint::set_room(false, false);
    let usual = tenlab_app::views::picture(&view, Lang::En, "mlp").unwrap();
    tenlab_app::views::paint::set_room(true, false);
    let safe = tenlab_app::views::picture(&view, Lang::En, "mlp").unwrap();
    tenlab_app::views::paint::set_room(false, false);
    // The generated samples are class 3: purple as usual, Okabe and Ito's yellow when safe.
    assert!(usual.pixels().any(|p| p.0 == [148, 103, 189]), "the usual purple");
    assert!(safe.pixels().any(|p| p.0 == [240, 228, 66]), "Okabe and Ito's yellow");
    assert!(!safe.pixels().any(|p| p.0 == [148, 103, 189]));
}
