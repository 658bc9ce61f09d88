//! Graphs for node classification: Zachary's karate club (bundled), stochastic block models
//! (generated), and the user's own graph from CSV files — nodes (`id,label[,split]`), edges
//! (`source,target`), optional sparse features (`id,feature`), each with a header line,
//! plain or gzipped. A malformed row, an unknown node id or an empty file gets a message that
//! names the file, the line and the column.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::GraphProblem;
use crate::rng::Rng;

/// Which part of the split a node belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Its label is given to the model.
    Train,
    Val,
    Test,
    /// In no part (its label is never used).
    Unused,
}

/// An undirected graph with a class per node and sparse binary features.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// Node names as given (for messages and hover).
    pub names: Vec<String>,
    /// Each undirected edge once, smaller index first; no self-loops.
    pub edges: Vec<(usize, usize)>,
    pub labels: Vec<u32>,
    pub class_names: Vec<String>,
    /// The split the files gave, if they gave one.
    pub split: Option<Vec<Part>>,
    /// Per node, the indices of its features that are 1; `None`: one-hot node identities.
    pub features: Option<Vec<Vec<u32>>>,
    pub feature_count: usize,
}

/// Zachary's karate club, bundled (networkx's copy, BSD-3-Clause).
const KARATE_NODES: &str = include_str!("../../../assets/graphs/karate_club_nodes.csv");
const KARATE_EDGES: &str = include_str!("../../../assets/graphs/karate_club_edges.csv");

/// Rows of a CSV text without its header: (1-based line, fields).
fn rows(text: &str) -> Result<Vec<(usize, Vec<String>)>, GraphProblem> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| GraphProblem::Io(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        out.push((line, fields));
    }
    if out.is_empty() {
        return Err(GraphProblem::Empty);
    }
    Ok(out)
}

fn need(fields: &[String], line: usize, expected: usize) -> Result<(), GraphProblem> {
    if fields.len() < expected {
        return Err(GraphProblem::Fields { line, expected, got: fields.len() });
    }
    Ok(())
}

impl Graph {
    /// The karate club: 34 members, the two clubs it split into as classes.
    pub fn karate() -> Self {
        // The bundled files are known good; the nodes' third column is the club's number.
        let nodes: Vec<String> = rows(KARATE_NODES)
            .expect("bundled")
            .into_iter()
            .map(|(_, f)| format!("{},{}", f[0], f[2]))
            .collect();
        let mut g = Self::from_texts(&format!("id,label\n{}", nodes.join("\n")), KARATE_EDGES, None)
            .expect("the bundled karate club is valid");
        g.class_names = vec!["Mr. Hi".into(), "Officer".into()];
        g
    }

    /// Reads the node, edge and (optional) feature texts; an error says which file (0 nodes,
    /// 1 edges, 2 features) and what.
    fn from_texts(
        nodes: &str,
        edge_text: &str,
        features: Option<&str>,
    ) -> Result<Self, (usize, GraphProblem)> {
        let node_rows = rows(nodes).map_err(|p| (0, p))?;
        let mut index = HashMap::new();
        let mut names = Vec::new();
        let mut label_text = Vec::new();
        let mut split = Vec::new();
        let mut has_split = false;
        for (line, f) in &node_rows {
            need(f, *line, 2).map_err(|p| (0, p))?;
            if index.insert(f[0].clone(), names.len()).is_some() {
                return Err((0, GraphProblem::Duplicate { line: *line, id: f[0].clone() }));
            }
            names.push(f[0].clone());
            label_text.push(f[1].clone());
            let part = match f.get(2).map(|s| s.to_ascii_lowercase()).as_deref() {
                None | Some("") | Some("none") => Part::Unused,
                Some("train") => Part::Train,
                Some("val") | Some("valid") | Some("validation") => Part::Val,
                Some("test") => Part::Test,
                Some(_) => {
                    return Err((0, GraphProblem::BadSplit { line: *line, column: 3, text: f[2].clone() }));
                }
            };
            has_split |= f.len() > 2 && !f[2].is_empty();
            split.push(part);
        }
        // Classes: numbers as they are when every label is a number, else names in order of
        // first appearance.
        let numeric: Option<Vec<u32>> = label_text.iter().map(|t| t.parse::<u32>().ok()).collect();
        let (labels, class_names) = match numeric {
            Some(l) if l.iter().max().is_some_and(|&m| m < 1000) => {
                let k = *l.iter().max().unwrap() as usize + 1;
                (l, (0..k).map(|c| c.to_string()).collect::<Vec<_>>())
            }
            _ => {
                let mut names: Vec<String> = Vec::new();
                let l = label_text
                    .iter()
                    .map(|t| match names.iter().position(|n| n == t) {
                        Some(i) => i as u32,
                        None => {
                            names.push(t.clone());
                            names.len() as u32 - 1
                        }
                    })
                    .collect();
                (l, names)
            }
        };
        if class_names.len() < 2 {
            return Err((0, GraphProblem::OneClass));
        }
        let node = |id: &str, line: usize, column: usize, file: usize| {
            index
                .get(id)
                .copied()
                .ok_or((file, GraphProblem::UnknownNode { line, column, id: id.to_string() }))
        };
        let mut edges = Vec::new();
        for (line, f) in rows(edge_text).map_err(|p| (1, p))? {
            need(&f, line, 2).map_err(|p| (1, p))?;
            let (a, b) = (node(&f[0], line, 1, 1)?, node(&f[1], line, 2, 1)?);
            if a != b {
                edges.push((a.min(b), a.max(b)));
            }
        }
        edges.sort_unstable();
        edges.dedup();
        let (features, feature_count) = match features {
            None => (None, names.len()),
            Some(text) => {
                let mut per = vec![Vec::new(); names.len()];
                let mut keys = HashMap::new();
                for (line, f) in rows(text).map_err(|p| (2, p))? {
                    need(&f, line, 2).map_err(|p| (2, p))?;
                    let n = node(&f[0], line, 1, 2)?;
                    let next = keys.len() as u32;
                    let k = *keys.entry(f[1].clone()).or_insert(next);
                    per[n].push(k);
                }
                for p in &mut per {
                    p.sort_unstable();
                    p.dedup();
                }
                (Some(per), keys.len())
            }
        };
        Ok(Self {
            names,
            edges,
            labels,
            class_names,
            split: has_split.then_some(split),
            features,
            feature_count,
        })
    }

    /// The user's graph from files (each may be gzipped, ending in `.gz`).
    pub fn from_files(nodes: &Path, edges: &Path, features: Option<&Path>) -> Result<Self, GraphError> {
        let read = |p: &Path| -> Result<String, GraphError> {
            let bytes = std::fs::read(p).map_err(|e| GraphError::new(p, GraphProblem::Io(e.to_string())))?;
            let text = if p.extension().is_some_and(|e| e == "gz") {
                let mut s = String::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_string(&mut s)
                    .map_err(|e| GraphError::new(p, GraphProblem::Io(e.to_string())))?;
                s
            } else {
                String::from_utf8(bytes).map_err(|e| GraphError::new(p, GraphProblem::Io(e.to_string())))?
            };
            Ok(text)
        };
        let (n, e) = (read(nodes)?, read(edges)?);
        let f = features.map(read).transpose()?;
        Self::from_texts(&n, &e, f.as_deref()).map_err(|(file, problem)| {
            let path = match file {
                0 => nodes,
                1 => edges,
                _ => features.unwrap_or(nodes),
            };
            GraphError::new(path, problem)
        })
    }

    /// A stochastic block model: `communities` groups of `nodes / communities` nodes, an edge
    /// within a group with probability `p_in` and across with `p_out`; each node's one feature
    /// is its group, or with probability `noise` a random group.
    pub fn block_model(
        nodes: usize,
        communities: usize,
        p_in: f64,
        p_out: f64,
        noise: f64,
        rng: &mut Rng,
    ) -> Self {
        let k = communities.max(2);
        let labels: Vec<u32> = (0..nodes).map(|i| (i * k / nodes.max(1)) as u32).collect();
        let mut edges = Vec::new();
        for a in 0..nodes {
            for b in a + 1..nodes {
                let p = if labels[a] == labels[b] { p_in } else { p_out };
                if (rng.f32() as f64) < p {
                    edges.push((a, b));
                }
            }
        }
        let features = labels
            .iter()
            .map(|&c| vec![if (rng.f32() as f64) < noise { rng.below(k) as u32 } else { c }])
            .collect();
        Self {
            names: (0..nodes).map(|i| i.to_string()).collect(),
            edges,
            labels,
            class_names: (0..k).map(|c| format!("{}", c + 1)).collect(),
            split: None,
            features: Some(features),
            feature_count: k,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn degrees(&self) -> Vec<usize> {
        let mut d = vec![0; self.len()];
        for &(a, b) in &self.edges {
            d[a] += 1;
            d[b] += 1;
        }
        d
    }

    /// The symmetric-normalised adjacency with self-loops, D^-1/2 (A + I) D^-1/2 (Kipf &
    /// Welling 2017), as (row, column, weight) triples: both directions of each edge and the
    /// diagonal.
    pub fn normalized_adjacency(&self) -> Vec<(usize, usize, f32)> {
        let deg: Vec<f32> = self.degrees().iter().map(|&d| d as f32 + 1.0).collect();
        let mut out: Vec<(usize, usize, f32)> = (0..self.len()).map(|i| (i, i, 1.0 / deg[i])).collect();
        for &(a, b) in &self.edges {
            let w = 1.0 / (deg[a] * deg[b]).sqrt();
            out.push((a, b, w));
            out.push((b, a, w));
        }
        out
    }

    /// Nodes within `hops` edges of `node` (itself included), by distance.
    pub fn neighbourhood(&self, node: usize, hops: usize) -> Vec<(usize, usize)> {
        let mut adj = vec![Vec::new(); self.len()];
        for &(a, b) in &self.edges {
            adj[a].push(b);
            adj[b].push(a);
        }
        let mut dist = vec![usize::MAX; self.len()];
        dist[node] = 0;
        let mut frontier = vec![node];
        for h in 1..=hops {
            let mut next = Vec::new();
            for &u in &frontier {
                for &v in &adj[u] {
                    if dist[v] == usize::MAX {
                        dist[v] = h;
                        next.push(v);
                    }
                }
            }
            frontier = next;
        }
        (0..self.len()).filter(|&i| dist[i] != usize::MAX).map(|i| (i, dist[i])).collect()
    }
}

/// A force-directed layout (Fruchterman & Reingold 1991): edges pull their ends together,
/// every pair of nearby nodes pushes apart (only pairs in neighbouring cells of a grid, so a
/// step costs about O(n + edges), not n²), and the moves shrink as it cools. Positions lie in
/// [-1, 1]². Seeded, so the same graph gets the same picture.
pub fn layout(n: usize, edges: &[(usize, usize)], iterations: usize, seed: u64) -> Vec<[f32; 2]> {
    if n == 0 {
        return vec![];
    }
    let mut rng = Rng::new(seed);
    let mut pos: Vec<[f32; 2]> = (0..n).map(|_| [rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)]).collect();
    // The ideal distance between nodes for n nodes on a 2 x 2 square.
    let k = (4.0 / n as f32).sqrt();
    let cell = 2.0 * k;
    let mut temp = 0.2f32;
    for _ in 0..iterations {
        let mut disp = vec![[0.0f32; 2]; n];
        // Repulsion among nodes in the same or neighbouring cells.
        let key = |p: [f32; 2]| ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, &p) in pos.iter().enumerate() {
            grid.entry(key(p)).or_default().push(i);
        }
        for (i, &p) in pos.iter().enumerate() {
            let (cx, cy) = key(p);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    for &j in grid.get(&(cx + dx, cy + dy)).map(Vec::as_slice).unwrap_or(&[]) {
                        if j == i {
                            continue;
                        }
                        let d = [p[0] - pos[j][0], p[1] - pos[j][1]];
                        let dist = d[0].hypot(d[1]).max(1e-4);
                        if dist < cell {
                            let f = k * k / dist;
                            disp[i][0] += d[0] / dist * f;
                            disp[i][1] += d[1] / dist * f;
                        }
                    }
                }
            }
        }
        // Attraction along edges.
        for &(a, b) in edges {
            let d = [pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]];
            let dist = d[0].hypot(d[1]).max(1e-4);
            let f = dist * dist / k;
            for (node, sign) in [(a, -1.0), (b, 1.0)] {
                disp[node][0] += sign * d[0] / dist * f;
                disp[node][1] += sign * d[1] / dist * f;
            }
        }
        // A weak pull to the centre keeps separate pieces on screen.
        for (i, p) in pos.iter_mut().enumerate() {
            disp[i][0] -= p[0] * k;
            disp[i][1] -= p[1] * k;
            let len = disp[i][0].hypot(disp[i][1]).max(1e-9);
            let step = len.min(temp);
            p[0] += disp[i][0] / len * step;
            p[1] += disp[i][1] / len * step;
        }
        temp = (temp * 0.97).max(0.002);
    }
    // Fit into [-1, 1]².
    let (lo, hi) = pos.iter().fold(([f32::MAX; 2], [f32::MIN; 2]), |(lo, hi), p| {
        ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])
    });
    let span = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-6);
    pos.iter().map(|p| [(p[0] - lo[0]) / span * 2.0 - 1.0, (p[1] - lo[1]) / span * 2.0 - 1.0]).collect()
}

/// A graph file that could not be read: which file and why.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphError {
    pub file: String,
    pub problem: GraphProblem,
}

impl From<GraphError> for crate::error::LabError {
    fn from(e: GraphError) -> Self {
        Self::Graph { file: e.file, problem: e.problem }
    }
}

impl GraphError {
    fn new(path: &Path, problem: GraphProblem) -> Self {
        Self { file: path.display().to_string(), problem }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normalised_adjacency_of_a_path_is_its_closed_form() {
        // 0 - 1 - 2: degrees with self-loops 2, 3, 2.
        let g = Graph::from_texts("id,label\na,0\nb,1\nc,0", "s,t\na,b\nb,c", None).unwrap();
        let mut m = [[0.0f32; 3]; 3];
        for (i, j, w) in g.normalized_adjacency() {
            m[i][j] += w;
        }
        let s6 = 1.0 / 6f32.sqrt();
        let want = [[0.5, s6, 0.0], [s6, 1.0 / 3.0, s6], [0.0, s6, 0.5]];
        for i in 0..3 {
            for j in 0..3 {
                assert!((m[i][j] - want[i][j]).abs() < 1e-6, "{i},{j}: {m:?}");
            }
        }
        assert_eq!(g.neighbourhood(0, 1), vec![(0, 0), (1, 1)]);
        assert_eq!(g.neighbourhood(0, 2), vec![(0, 0), (1, 1), (2, 2)]);
    }

    #[test]
    fn the_karate_club_has_34_members_78_ties_and_two_clubs() {
        let g = Graph::karate();
        assert_eq!((g.len(), g.edges.len(), g.class_names.len()), (34, 78, 2));
        assert_eq!((g.labels[0], g.labels[33]), (0, 1));
        let d = g.degrees();
        assert_eq!((d[0], d[33]), (16, 17));
    }

    #[test]
    fn malformed_files_name_the_file_line_and_column() {
        let err = |n: &str, e: &str, f: Option<&str>| Graph::from_texts(n, e, f).unwrap_err();
        assert_eq!(err("id,label\n", "s,t\n", None), (0, GraphProblem::Empty));
        assert_eq!(
            err("id,label\na,0\nb,1", "s,t\na,b\nb,zz", None),
            (1, GraphProblem::UnknownNode { line: 3, column: 2, id: "zz".into() })
        );
        assert_eq!(
            err("id,label\na,0\nb", "s,t\na,b", None),
            (0, GraphProblem::Fields { line: 3, expected: 2, got: 1 })
        );
        assert_eq!(
            err("id,label\na,0\na,1", "s,t\na,a", None),
            (0, GraphProblem::Duplicate { line: 3, id: "a".into() })
        );
        assert_eq!(
            err("id,label,split\na,0,train\nb,1,later", "s,t\na,b", None),
            (0, GraphProblem::BadSplit { line: 3, column: 3, text: "later".into() })
        );
        assert_eq!(
            err("id,label\na,0\nb,1", "s,t\na,b", Some("id,f\nq,w1")),
            (2, GraphProblem::UnknownNode { line: 2, column: 1, id: "q".into() })
        );
        // Named classes, a split and features read back.
        let g = Graph::from_texts(
            "id,label,split\na,cat,train\nb,dog,test\nc,cat,",
            "s,t\na,b",
            Some("id,f\na,x\nb,y\nb,x"),
        )
        .unwrap();
        assert_eq!(g.class_names, ["cat", "dog"]);
        assert_eq!(g.labels, [0, 1, 0]);
        assert_eq!(g.split.unwrap(), [Part::Train, Part::Test, Part::Unused]);
        assert_eq!(g.features.unwrap(), vec![vec![0], vec![0, 1], vec![]]);
    }

    #[test]
    fn the_layout_puts_neighbours_closer_than_strangers() {
        let g = Graph::block_model(120, 3, 0.2, 0.005, 0.0, &mut Rng::new(2));
        let pos = layout(g.len(), &g.edges, 150, 1);
        assert!(pos.iter().all(|p| p[0].abs() <= 1.0 + 1e-5 && p[1].abs() <= 1.0 + 1e-5));
        let dist = |a: usize, b: usize| (pos[a][0] - pos[b][0]).hypot(pos[a][1] - pos[b][1]);
        let mean = |pairs: &mut dyn Iterator<Item = (usize, usize)>| {
            let v: Vec<f32> = pairs.map(|(a, b)| dist(a, b)).collect();
            v.iter().sum::<f32>() / v.len() as f32
        };
        let same = mean(
            &mut (0..120)
                .flat_map(|a| (a + 1..120).map(move |b| (a, b)))
                .filter(|&(a, b)| g.labels[a] == g.labels[b]),
        );
        let other = mean(
            &mut (0..120)
                .flat_map(|a| (a + 1..120).map(move |b| (a, b)))
                .filter(|&(a, b)| g.labels[a] != g.labels[b]),
        );
        assert!(same < 0.6 * other, "within {same}, across {other}");
        assert_eq!(layout(g.len(), &g.edges, 150, 1), pos, "seeded");
    }

    #[test]
    fn a_block_model_has_denser_ties_within_groups() {
        let g = Graph::block_model(200, 4, 0.2, 0.01, 0.0, &mut Rng::new(1));
        let within = g.edges.iter().filter(|&&(a, b)| g.labels[a] == g.labels[b]).count();
        assert!(within > 5 * (g.edges.len() - within), "{within} of {}", g.edges.len());
        assert_eq!(g.labels.iter().filter(|&&l| l == 3).count(), 50);
    }
}
