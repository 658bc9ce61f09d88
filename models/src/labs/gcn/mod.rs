//! The GCN lab: semi-supervised node classification with a graph convolutional network
//! (Kipf & Welling 2017). A few nodes carry their class; every layer lets each node take in
//! its neighbours' features, so after two layers a node knows its 2-hop neighbourhood, and
//! the classes spread from the labelled nodes along the edges. One step is one full pass over
//! the graph (full-batch Adam). Reads top to bottom: parameters -> data and split -> step ->
//! evaluation; the network is in `model.rs`, the pictures in `views.rs`.

pub(crate) mod model;
mod strings;
mod views;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::data::graph::{Graph, Part};
use crate::engine::Detector;
use crate::error::LabError;
use crate::labs::kit::{argmax, cross_entropy, onehot, seed_spec};
use crate::labs::{CLASSIFIER_CHARTS, Chart, Curve, Evaluation, Lab, LabDef, Preset, Reading, StepMetrics, Suits};
use crate::params::{self, Group, ParamKind, ParamSpec, Values, text_of};
use crate::rng::Rng;
use crate::view::{View, ViewSpec};
use model::{Features, Gcn, Sparse};
use crate::tensors::{self, Floats};

pub const DEF: LabDef = LabDef {
    id: "gcn",
    params,
    build,
    views: &["graph", "passing", "embedding"],
    charts: CHARTS,
    strings: strings::STRINGS,
    // Kipf & Welling train for 200 epochs.
    steps: 200,
    small: &[("graph", "sbm"), ("sbm_nodes", "40"), ("hidden", "4")],
    suits: Suits::Cpu,
    trained: None,
    presets: &[
        Preset { id: "defaults", values: &[] },
        // One layer on the block model: a node hears only its direct neighbours, and most
        // labelled nodes are more than one hop away.
        Preset { id: "one_layer", values: &[("graph", "sbm"), ("layers", "1")] },
        // Twelve rounds of averaging over neighbours: every member of the club looks alike.
        Preset { id: "oversmoothing", values: &[("layers", "12")] },
    ],
};

/// A classifier's charts, and how far apart the nodes' representations are.
const CHARTS: &[Chart] = &[
    CLASSIFIER_CHARTS[0],
    CLASSIFIER_CHARTS[1],
    Chart { id: "spread", curves: &[Curve::bold("spread")], unit: false, line: Some(SMOOTH_LEVEL) },
];

/// The spread (mean cosine distance) under which the nodes count as alike.
const SMOOTH_LEVEL: f32 = 0.01;
/// Oversmoothing: the nodes alike for 20 evaluations in a row (100 steps).
const OVERSMOOTHING: Detector =
    Detector::Level { id: "oversmoothing", metric: "spread", level: SMOOTH_LEVEL, above: false, times: 20 };

// ---------------------------------------------------------------------------------------
// Parameters

fn is_csv(v: &Values) -> bool {
    text_of(v, "graph") == "csv"
}
fn is_sbm(v: &Values) -> bool {
    text_of(v, "graph") == "sbm"
}

fn params() -> Vec<ParamSpec> {
    use Group::*;
    use ParamKind::*;
    vec![
        ParamSpec::new("graph", Data, Choice { default: "karate", options: &["karate", "sbm", "csv"] }),
        ParamSpec::new("nodes", Data, Path { folder: false, extensions: &["csv", "gz"] }).shown_if(is_csv),
        ParamSpec::new("edges", Data, Path { folder: false, extensions: &["csv", "gz"] }).shown_if(is_csv),
        ParamSpec::new("features", Data, Path { folder: false, extensions: &["csv", "gz"] }).shown_if(is_csv),
        ParamSpec::new("sbm_nodes", Data, Int { default: 300, min: 10, max: 5_000 }).shown_if(is_sbm),
        ParamSpec::new("communities", Data, Int { default: 4, min: 2, max: 10 }).shown_if(is_sbm),
        ParamSpec::new("p_in", Data, Float { default: 0.1, min: 0.0, max: 1.0, log: false }).shown_if(is_sbm),
        ParamSpec::new("p_out", Data, Float { default: 0.01, min: 0.0, max: 1.0, log: false }).shown_if(is_sbm),
        ParamSpec::new("feature_noise", Data, Float { default: 0.5, min: 0.0, max: 1.0, log: false }).shown_if(is_sbm),
        ParamSpec::new("labelled", Data, Int { default: 1, min: 1, max: 100 }),
        ParamSpec::new("pick", Data, Choice { default: "hubs", options: &["hubs", "random"] }),
        ParamSpec::new("layers", Model, Int { default: 2, min: 1, max: 16 }),
        ParamSpec::new("hidden", Model, Int { default: 16, min: 2, max: 256 }),
        ParamSpec::new("dropout", Training, Float { default: 0.5, min: 0.0, max: 0.9, log: false }).live(),
        ParamSpec::new("weight_decay", Training, Float { default: 5e-4, min: 0.0, max: 0.1, log: false }).live(),
        ParamSpec::new("lr", Training, Float { default: 0.01, min: 1e-4, max: 1.0, log: true }).live(),
        seed_spec(),
    ]
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Config {
    graph: String,
    nodes: String,
    edges: String,
    features: String,
    sbm_nodes: usize,
    communities: usize,
    p_in: f64,
    p_out: f64,
    feature_noise: f64,
    labelled: usize,
    pick: String,
    layers: usize,
    hidden: usize,
    dropout: f64,
    weight_decay: f64,
    lr: f64,
    seed: u64,
}

// ---------------------------------------------------------------------------------------
// Data and split

fn load_graph(cfg: &Config) -> Result<Graph, LabError> {
    match cfg.graph.as_str() {
        "karate" => Ok(Graph::karate()),
        "sbm" => Ok(Graph::block_model(
            cfg.sbm_nodes,
            cfg.communities,
            cfg.p_in,
            cfg.p_out,
            cfg.feature_noise,
            &mut Rng::new(cfg.seed.wrapping_add(3)),
        )),
        _ => {
            if cfg.nodes.trim().is_empty() || cfg.edges.trim().is_empty() {
                return Err(LabError::Invalid { key: "err.no_graph_files", english: "choose a nodes file and an edges file first" });
            }
            let features = (!cfg.features.trim().is_empty()).then(|| std::path::Path::new(cfg.features.trim()));
            Ok(Graph::from_files(cfg.nodes.trim().as_ref(), cfg.edges.trim().as_ref(), features)?)
        }
    }
}

/// The split: the files' own, or `labelled` nodes per class for training — the best
/// connected ones (`hubs`, e.g. the karate club's two leaders, nodes 0 and 33) or a seeded
/// random choice — and every other node for testing.
fn split(g: &Graph, cfg: &Config) -> Vec<Part> {
    if let Some(s) = &g.split {
        return s.clone();
    }
    let mut parts = vec![Part::Test; g.len()];
    let degrees = g.degrees();
    let mut rng = Rng::new(cfg.seed.wrapping_add(5));
    for c in 0..g.class_names.len() as u32 {
        let mut members: Vec<usize> = (0..g.len()).filter(|&i| g.labels[i] == c).collect();
        if cfg.pick == "hubs" {
            members.sort_by_key(|&i| (std::cmp::Reverse(degrees[i]), i));
        } else {
            rng.shuffle(&mut members);
        }
        for &i in members.iter().take(cfg.labelled) {
            parts[i] = Part::Train;
        }
    }
    parts
}

fn build(values: &Values, device: &Device) -> Result<Box<dyn Lab>, LabError> {
    let cfg: Config = params::typed(&params(), values)?;
    let graph = load_graph(&cfg)?;
    Ok(Box::new(GcnLab::new(cfg, graph, device)))
}

// ---------------------------------------------------------------------------------------
// The lab

struct GcnLab {
    /// The learning rate(s) the latest step applied ([`Lab::rates`]).
    rates: Vec<(&'static str, f64)>,
    cfg: Config,
    steps: u64,
    graph: Graph,
    parts: Vec<Part>,
    train_device: Device,
    model: Gcn,
    optim: ModuleOptimizer,
    /// Â on each device (training, inference).
    adj: (Sparse, Sparse),
    /// The input features for inference (training draws its own with dropout).
    features: Features,
    /// Draws the input dropout.
    rng: Rng,
    /// Where the graph views draw each node (settled once, here, off the UI thread).
    layout: Vec<[f32; 2]>,
    /// The node whose neighbourhood the message-passing view lights up.
    focus: usize,
}

/// The input features as Kipf & Welling feed them: each node's row scaled to sum to 1. With
/// `dropout` (training only), each non-zero is dropped with that chance and the rest scaled up
/// by 1 / (1 - dropout).
fn features(g: &Graph, dropout: Option<(f64, &mut Rng)>, device: &Device) -> Features {
    let Some(per) = &g.features else { return Features::Identity };
    let mut triples: Vec<(usize, usize, f32)> = per
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.iter().map(move |&k| (i, k as usize, 1.0 / f.len() as f32)))
        .collect();
    if let Some((p, rng)) = dropout
        && p > 0.0
    {
        triples.retain_mut(|t| {
            t.2 /= (1.0 - p) as f32;
            rng.f32() as f64 >= p
        });
    }
    Features::Sparse(Box::new(Sparse::new(g.len(), &triples, device)))
}

impl GcnLab {
    fn new(cfg: Config, graph: Graph, device: &Device) -> Self {
        let train_device = device.clone().autodiff();
        device.seed(cfg.seed);
        train_device.seed(cfg.seed);
        let model =
            Gcn::new(graph.feature_count, cfg.hidden, cfg.layers, graph.class_names.len(), cfg.dropout, &train_device);
        let triples = graph.normalized_adjacency();
        Self {
            rates: Vec::new(),
            steps: 0,
            parts: split(&graph, &cfg),
            adj: (Sparse::new(graph.len(), &triples, &train_device), Sparse::new(graph.len(), &triples, device)),
            features: features(&graph, None, device),
            rng: Rng::new(cfg.seed.wrapping_add(9)),
            layout: crate::data::graph::layout(graph.len(), &graph.edges, if graph.len() > 1500 { 120 } else { 300 }, cfg.seed),
            focus: 0,
            model,
            optim: AdamConfig::new().init(),
            graph,
            train_device,
            cfg,
        }
    }

    fn nodes_in(&self, part: Part) -> Vec<usize> {
        (0..self.graph.len()).filter(|&i| self.parts[i] == part).collect()
    }

    /// Loss and accuracy of the class probabilities `probs` on `nodes`.
    fn score(&self, probs: &[f32], nodes: &[usize]) -> Option<(f32, f32)> {
        if nodes.is_empty() {
            return None;
        }
        let k = self.graph.class_names.len();
        let (mut loss, mut right) = (0.0f32, 0usize);
        for &i in nodes {
            let row = &probs[i * k..(i + 1) * k];
            let y = self.graph.labels[i] as usize;
            loss -= row[y].max(1e-12).ln();
            right += usize::from(argmax(row) == y);
        }
        Some((loss / nodes.len() as f32, right as f32 / nodes.len() as f32))
    }

    /// Loss and accuracy on the labelled (training) and the test nodes.
    fn classify(&self, probs: &[f32]) -> Evaluation {
        let (train_loss, train_acc) = self.score(probs, &self.nodes_in(Part::Train)).unwrap_or((0.0, 0.0));
        let (test_loss, test_acc) = self.score(probs, &self.nodes_in(Part::Test)).unwrap_or((0.0, 0.0));
        Evaluation::classify(train_loss, Some(train_acc), test_loss, Some(test_acc))
    }

    /// Class probabilities of every node, and every layer's output, from the inference copy.
    fn infer(&self) -> (Vec<f32>, Vec<Vec<f32>>) {
        let model = self.model.valid();
        let outs = model.forward(&self.features, &self.adj.1);
        let layers: Vec<Vec<f32>> = outs.iter().map(|o| o.clone().floats()).collect();
        let logits = outs.last().expect("at least one layer").clone();
        let probs = burn::tensor::activation::softmax(logits, 1).floats();
        (probs, layers)
    }
}

/// How far apart the nodes' representations are (rows of `h`, `n` nodes): the mean cosine
/// distance, 1 - cos, over every pair of the first [`SPREAD_NODES`] nodes (Chen et al.'s MAD).
/// It falls towards 0 as layers of averaging over neighbours make every node look alike.
fn mean_distance(h: &[f32], n: usize) -> f32 {
    let d = h.len() / n.max(1);
    let rows: Vec<&[f32]> = h.chunks(d.max(1)).take(SPREAD_NODES).collect();
    let norms: Vec<f32> = rows.iter().map(|r| r.iter().map(|v| v * v).sum::<f32>().sqrt()).collect();
    let (mut sum, mut pairs) = (0.0f64, 0u64);
    for i in 0..rows.len() {
        for j in i + 1..rows.len() {
            if norms[i] > 0.0 && norms[j] > 0.0 {
                let dot: f32 = rows[i].iter().zip(rows[j]).map(|(a, b)| a * b).sum();
                sum += (1.0 - dot / (norms[i] * norms[j])) as f64;
                pairs += 1;
            }
        }
    }
    if pairs == 0 { 0.0 } else { (sum / pairs as f64) as f32 }
}

/// Nodes whose pairs the spread is measured over (all of the karate club and the default
/// block model; a large graph of one's own is sampled by its first nodes).
const SPREAD_NODES: usize = 400;

impl Lab for GcnLab {
    fn step(&mut self) -> Result<StepMetrics, LabError> {
        let train = self.nodes_in(Part::Train);
        let k = self.graph.class_names.len();
        let input = features(&self.graph, Some((self.cfg.dropout, &mut self.rng)), &self.train_device);
        let outs = self.model.forward(&input, &self.adj.0);
        let logits = outs.last().expect("at least one layer").clone();
        let idx = tensors::ints(train.iter().map(|&i| i as i64).collect::<Vec<_>>(), [train.len()], &self.train_device);
        let labels: Vec<u32> = train.iter().map(|&i| self.graph.labels[i]).collect();
        let y = tensors::floats(onehot(&labels, k), [train.len(), k], &self.train_device);
        let mut loss = cross_entropy(logits.select(0, idx), y);
        // L2 on the first layer's weights, as Kipf & Welling: weight_decay * |W1|² / 2.
        if self.cfg.weight_decay > 0.0 {
            let w = self.model.layers[0].weight.val();
            loss = loss + w.powi_scalar(2).sum() * (self.cfg.weight_decay / 2.0);
        }
        let value = Reading::of(loss.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.rates = vec![("lr", self.cfg.lr)];
        self.model = self.optim.step(self.cfg.lr, self.model.clone(), grads);
        self.steps += 1;
        Ok(StepMetrics::loss(value))
    }

    fn evaluate(&mut self) -> Result<Evaluation, LabError> {
        let (probs, layers) = self.infer();
        let mut e = self.classify(&probs);
        if let Some(last_hidden) = layers.len().checked_sub(2).map(|i| &layers[i]) {
            e.values.push(("spread", mean_distance(last_hidden, self.graph.labels.len())));
        }
        Ok(e)
    }

    fn final_evaluation(&mut self) -> Result<Evaluation, LabError> {
        let (probs, _) = self.infer();
        let mut e = self.classify(&probs);
        if let Some((_, acc)) = self.score(&probs, &self.nodes_in(Part::Val)) {
            e.values.push(("val_acc", acc));
        }
        Ok(e)
    }

    fn eval_every(&self) -> u64 {
        5
    }

    fn charts(&self) -> Vec<&'static str> {
        let deep = self.model.layers.len() > 1;
        CHARTS.iter().map(|c| c.id).filter(|&id| id != "spread" || deep).collect()
    }

    fn detectors(&self) -> Vec<Detector> {
        Detector::learner_and(&[OVERSMOOTHING])
    }

    fn views(&self) -> Vec<ViewSpec> {
        ViewSpec::list(DEF.views)
    }

    fn render(&mut self, view: &str) -> Result<View, LabError> {
        match view {
            "embedding" => Ok(self.embedding_view()),
            "graph" => Ok(self.graph_view(false)),
            "passing" => Ok(self.graph_view(true)),
            _ => Err(LabError::UnknownView(view.into())),
        }
    }

    /// A click on a node: `label` gives or takes away its label (the model then learns from
    /// it, or no longer does); `focus` picks the node whose neighbourhood lights up.
    fn input(&mut self, key: &str, data: Vec<f32>) -> Result<(), LabError> {
        let node = data.first().map(|&v| v as usize).filter(|&i| i < self.graph.len());
        match (key, node) {
            ("label", Some(i)) => {
                self.parts[i] = if self.parts[i] == Part::Train { Part::Test } else { Part::Train };
                if self.nodes_in(Part::Train).is_empty() {
                    // The model needs at least one labelled node: the click is undone.
                    self.parts[i] = Part::Train;
                }
                Ok(())
            }
            ("focus", Some(i)) => {
                self.focus = i;
                Ok(())
            }
            _ => Err(LabError::UnknownView(key.into())),
        }
    }

    fn reconfigure(&mut self, values: &Values) -> Result<(), LabError> {
        let new: Config = params::typed(&params(), values)?;
        if new.dropout != self.cfg.dropout {
            self.model.dropout = burn::nn::DropoutConfig::new(new.dropout).init();
        }
        // The learning rate and weight decay are read at every step.
        self.cfg = new;
        Ok(())
    }

    crate::labs::kit::weights::config_and_model!();
    crate::labs::kit::rewind::rewinds!(modules: [model], optimizers: [optim], plain: [rates, steps, rng]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(sets: &[(&str, &str)]) -> GcnLab {
        let specs = params();
        let cfg: Config = params::typed(&specs, &params::parse_pairs(&specs, sets).unwrap()).unwrap();
        let g = load_graph(&cfg).unwrap();
        GcnLab::new(cfg, g, &Device::flex())
    }

    #[test]
    fn the_karate_club_is_labelled_by_its_two_leaders_and_the_loss_falls() {
        let mut l = lab(&[]);
        assert_eq!(l.nodes_in(Part::Train), vec![0, 33]);
        let losses: Vec<f32> = (0..40).map(|_| l.step().unwrap().loss.unwrap().value()).collect();
        assert!(losses[39] < 0.5 * losses[0], "{losses:?}");
        let outs = l.model.valid().forward(&l.features, &l.adj.1);
        assert_eq!(outs.iter().map(|o| o.dims()).collect::<Vec<_>>(), vec![[34, 16], [34, 2]]);
    }

    #[test]
    fn a_click_labels_or_unlabels_a_node_and_moves_the_focus() {
        let mut l = lab(&[]);
        l.input("label", vec![5.0]).unwrap();
        assert_eq!(l.nodes_in(Part::Train), vec![0, 5, 33]);
        l.input("label", vec![0.0]).unwrap();
        assert_eq!(l.nodes_in(Part::Train), vec![5, 33]);
        let View::Graph(g) = l.render("graph").unwrap() else { panic!() };
        assert_eq!(g.labelled.iter().filter(|&&b| b).count(), 2);
        assert!(g.hops.is_none());
        l.input("focus", vec![33.0]).unwrap();
        let View::Graph(g) = l.render("passing").unwrap() else { panic!() };
        let (hops, reach) = g.hops.unwrap();
        assert_eq!((hops[33], reach), (0, 2));
        assert_eq!(hops.iter().filter(|&&h| h == 1).count(), 17, "node 33's 17 neighbours");
        assert!(l.input("label", vec![99.0]).is_err());
    }
}
