//! Datasets: the 2-D generators of TensorFlow Playground (plus moons), Iris, and the user's
//! own numeric CSV files.

pub mod cartpole;
pub mod csv;
pub mod graph;
pub mod idx;
pub mod images;
pub mod points;
pub mod sequences;
pub mod text;
pub mod toy2d;

use crate::rng::Rng;

/// Rows of numeric features with a class label each.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Row-major, `rows * dims` values.
    pub x: Vec<f32>,
    pub y: Vec<u32>,
    pub dims: usize,
    pub feature_names: Vec<String>,
    pub class_names: Vec<String>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.y.len()
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.x[i * self.dims..(i + 1) * self.dims]
    }

    pub fn select(&self, idx: &[usize]) -> Table {
        Table {
            x: idx.iter().flat_map(|&i| self.row(i).iter().copied()).collect(),
            y: idx.iter().map(|&i| self.y[i]).collect(),
            dims: self.dims,
            feature_names: self.feature_names.clone(),
            class_names: self.class_names.clone(),
        }
    }

    /// A seeded split that keeps each class's share in both parts (stratified).
    pub fn split(&self, train_fraction: f64, rng: &mut Rng) -> (Table, Table) {
        let (train, test) = stratified_split(&self.y, self.class_names.len(), train_fraction, rng);
        (self.select(&train), self.select(&test))
    }

    /// Per-feature mean and standard deviation (std floored to avoid division by zero).
    pub fn moments(&self) -> Vec<(f32, f32)> {
        let n = self.rows().max(1) as f32;
        (0..self.dims)
            .map(|j| {
                let mean = (0..self.rows()).map(|i| self.row(i)[j]).sum::<f32>() / n;
                let var = (0..self.rows()).map(|i| (self.row(i)[j] - mean).powi(2)).sum::<f32>() / n;
                (mean, var.sqrt().max(1e-6))
            })
            .collect()
    }

    /// Standardises every feature with the given moments (use the training set's).
    pub fn standardize(&mut self, moments: &[(f32, f32)]) {
        let dims = self.dims;
        for (k, v) in self.x.iter_mut().enumerate() {
            let (mean, std) = moments[k % dims];
            *v = (*v - mean) / std;
        }
    }
}

/// Row indices for a seeded split that keeps each class's share in both parts: (train, test).
pub fn stratified_split(
    labels: &[u32],
    classes: usize,
    train_fraction: f64,
    rng: &mut Rng,
) -> (Vec<usize>, Vec<usize>) {
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in 0..classes as u32 {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut idx);
        let n = ((idx.len() as f64) * train_fraction).round() as usize;
        train.extend_from_slice(&idx[..n]);
        test.extend_from_slice(&idx[n..]);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut test);
    (train, test)
}

/// Fisher's Iris data, bundled with the app.
pub const IRIS_CSV: &str = include_str!("../../../assets/iris/iris.csv");

/// Iris: 4 features, 3 species. The bundled file has a numeric `label` column followed by the
/// species name, which we drop.
pub fn iris() -> Table {
    let mut t = csv::parse(IRIS_CSV, Some("species")).expect("the bundled Iris file is valid");
    t.feature_names.retain(|n| n != "label");
    t.dims = 4;
    let keep: Vec<f32> = t.x.chunks(5).flat_map(|r| r[..4].to_vec()).collect();
    t.x = keep;
    for name in &mut t.class_names {
        *name = name.trim_start_matches("Iris-").to_string();
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_loads_and_splits_stratified() {
        let t = iris();
        assert_eq!((t.rows(), t.dims, t.class_names.len()), (150, 4, 3));
        assert_eq!(t.class_names, ["setosa", "versicolor", "virginica"]);
        let (train, test) = t.split(0.7, &mut Rng::new(1));
        assert_eq!((train.rows(), test.rows()), (105, 45));
        for c in 0..3 {
            assert_eq!(test.y.iter().filter(|&&y| y == c).count(), 15);
        }
    }
}
