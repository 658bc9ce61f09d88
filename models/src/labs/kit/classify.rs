//! Classification: one-hot targets, cross-entropy, scores and the confusion matrix.

use burn::tensor::activation::log_softmax;
use burn::tensor::{Int, Tensor};

use crate::view::{Heatmap, Scale, View};

/// Mean cross-entropy of logits `[n, classes]` against one-hot targets `[n, classes]`.
pub fn cross_entropy(logits: Tensor<2>, onehot: Tensor<2>) -> Tensor<1> {
    let n = logits.dims()[0] as f32;
    (log_softmax(logits, 1) * onehot).sum().mul_scalar(-1.0 / n)
}

/// Mean cross-entropy of logits `[n, classes]` against class ids `[n]`, without one-hot rows
/// (a character model's vocabulary may be thousands wide).
pub fn token_cross_entropy(logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let n = targets.dims()[0];
    log_softmax(logits, 1).gather(1, targets.reshape([n, 1])).mean().neg()
}

/// One-hot rows for class labels.
pub fn onehot(labels: &[u32], classes: usize) -> Vec<f32> {
    let mut v = vec![0.0f32; labels.len() * classes];
    for (i, &y) in labels.iter().enumerate() {
        v[i * classes + y as usize] = 1.0;
    }
    v
}

/// Loss, accuracy and confusion matrix (rows: true class) of class probabilities.
pub fn score(probs: &[f32], labels: &[u32], classes: usize) -> (f32, f32, Vec<u32>) {
    let (mut loss, mut correct) = (0.0f64, 0usize);
    let mut confusion = vec![0u32; classes * classes];
    for (i, &y) in labels.iter().enumerate() {
        let row = &probs[i * classes..(i + 1) * classes];
        let pred = argmax(row);
        loss -= (row[y as usize].max(1e-7) as f64).ln();
        correct += (pred == y as usize) as usize;
        confusion[y as usize * classes + pred] += 1;
    }
    let n = labels.len().max(1) as f64;
    ((loss / n) as f32, (correct as f64 / n) as f32, confusion)
}

pub fn argmax(row: &[f32]) -> usize {
    (0..row.len()).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap_or(0)
}

/// A confusion matrix (rows: true class, columns: predicted) as a view.
pub fn confusion_view(counts: &[u32], class_names: &[String]) -> View {
    let k = class_names.len();
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    View::Heatmap(Heatmap {
        title: crate::view::Text::None,
        rows: k,
        cols: k,
        values: counts.iter().map(|&c| c as f32).collect(),
        range: (0.0, max),
        scale: Scale::Sequential,
        row_labels: class_names.to_vec(),
        col_labels: class_names.to_vec(),
        show_values: true,
    })
}
