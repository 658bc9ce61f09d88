//! What image classifiers share: batches as tensors, the test-image strip and the `sample`
//! knob that picks from it, and evaluation on a training subset and the test set.

use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor};

use super::score;
use crate::data::images::{ImageSet, Split};
use crate::labs::Evaluation;
use crate::params::ParamSpec;
use crate::tensors;
use crate::view::{Heatmap, Picker, Scale};

/// A batch of images as a `[n, c, h, w]` tensor, each optionally shifted by up to two pixels
/// (augmentation) when `shift` gives a generator.
pub fn image_batch(
    set: &ImageSet,
    idx: &[usize],
    shift: Option<&mut crate::rng::Rng>,
    device: &Device,
) -> Tensor<4> {
    let px = crate::data::images::shifted(set, idx, shift);
    tensors::floats(px, [idx.len(), set.channels, set.h, set.w], device)
}

/// The live parameter `sample`: which test image the views show (test sets hold up to 2,000).
pub fn sample_spec() -> ParamSpec {
    use crate::params::{Group, ParamKind};
    ParamSpec::new("sample", Group::Data, ParamKind::Int { default: 0, min: 0, max: 1999 }).live()
}

/// An image as a picture (colour images by their mean brightness).
pub fn picture(set: &ImageSet, i: usize, title: String) -> Heatmap {
    let (h, w) = (set.h, set.w);
    let img = set.image(i);
    let values =
        (0..h * w).map(|p| (0..set.channels).map(|c| img[c * h * w + p]).sum::<f32>() / set.channels as f32);
    Heatmap {
        title: title.into(),
        rows: h,
        cols: w,
        values: values.collect(),
        range: (0.0, 1.0),
        scale: Scale::Sequential,
        row_labels: vec![],
        col_labels: vec![],
        show_values: false,
    }
}

/// A strip of twelve test images around `sample` (#0-11, #12-23, ...) that sets the `sample`
/// parameter when one is clicked, the chosen one marked.
pub fn test_strip(test: &ImageSet, sample: usize) -> (Vec<Heatmap>, Picker) {
    let start = sample / 12 * 12;
    let strip: Vec<usize> = (start..(start + 12).min(test.len())).collect();
    let row = strip.iter().map(|&i| picture(test, i, format!("#{i}"))).collect();
    let picker = Picker {
        row: 0,
        param: "sample",
        values: strip.iter().map(|&i| i as i64).collect(),
        selected: strip.iter().position(|&i| i == sample),
    };
    (row, picker)
}

/// How many training images an image classifier's evaluation scores (the first ones).
pub const TRAIN_EVAL: usize = 1000;

/// Scores an image classifier on the first [`TRAIN_EVAL`] training images and the whole test
/// set, with `probs` (class probabilities of some images of a set). Returns the evaluation, the
/// test set's probabilities and its confusion matrix.
pub fn evaluate_images(
    data: &Split,
    classes: usize,
    probs: impl Fn(&ImageSet, &[usize]) -> Vec<f32>,
) -> (Evaluation, Vec<f32>, Vec<u32>) {
    let (train, test) = (&data.train, &data.test);
    let train_idx: Vec<usize> = (0..train.len().min(TRAIN_EVAL)).collect();
    let (train_loss, train_acc, _) =
        score(&probs(train, &train_idx), &train.labels[..train_idx.len()], classes);
    let test_idx: Vec<usize> = (0..test.len()).collect();
    let p = probs(test, &test_idx);
    let (test_loss, test_acc, confusion) = score(&p, &test.labels, classes);
    let e = Evaluation::classify(train_loss, Some(train_acc), test_loss, Some(test_acc));
    (e, p, confusion)
}

/// Class probabilities of some images, `chunk` at a time, through `logits` (an inference
/// model's forward pass).
pub fn image_probs(
    set: &ImageSet,
    idx: &[usize],
    chunk: usize,
    device: &Device,
    logits: impl Fn(Tensor<4>) -> Tensor<2>,
) -> Vec<f32> {
    // Every chunk's in one read.
    let parts = idx
        .chunks(chunk.max(1))
        .map(|part| softmax(logits(image_batch(set, part, None, device)), 1))
        .collect();
    crate::tensors::read_all(parts)
}
