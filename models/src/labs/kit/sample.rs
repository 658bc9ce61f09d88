//! Drawing the next token from a model's scores: temperature and top-k.

use crate::rng::Rng;

/// Probabilities from scores at `temperature` (at 0 all weight on the highest score), among
/// the `top_k` highest scores only (0: all of them).
pub fn probabilities(logits: &[f32], temperature: f32, top_k: usize) -> Vec<f32> {
    let n = logits.len();
    let mut keep = vec![true; n];
    if top_k > 0 && top_k < n {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
        keep = vec![false; n];
        for &i in &order[..top_k] {
            keep[i] = true;
        }
    }
    if temperature <= 1e-6 {
        let best = super::argmax(logits);
        return (0..n).map(|i| if i == best { 1.0 } else { 0.0 }).collect();
    }
    let max = logits.iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| *l).fold(f32::MIN, f32::max);
    let e: Vec<f32> = logits
        .iter()
        .zip(&keep)
        .map(|(&l, &k)| if k { ((l - max) / temperature).exp() } else { 0.0 })
        .collect();
    let sum: f32 = e.iter().sum::<f32>().max(1e-30);
    e.into_iter().map(|v| v / sum).collect()
}

/// A token drawn from `probs` (which sum to 1).
pub fn draw(probs: &[f32], rng: &mut Rng) -> usize {
    let mut u = rng.f32();
    for (i, &p) in probs.iter().enumerate() {
        if u < p {
            return i;
        }
        u -= p;
    }
    probs.iter().rposition(|&p| p > 0.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_and_top_k_shape_the_draw() {
        let logits = [2.0, 1.0, 0.0, -1.0];
        let p = probabilities(&logits, 1.0, 0);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6 && p[0] > p[1] && p[1] > p[2]);
        let cold = probabilities(&logits, 0.5, 0);
        assert!(cold[0] > p[0], "a lower temperature sharpens");
        assert_eq!(probabilities(&logits, 0.0, 0), vec![1.0, 0.0, 0.0, 0.0]);
        let top2 = probabilities(&logits, 1.0, 2);
        assert_eq!((top2[2], top2[3]), (0.0, 0.0));
        let mut rng = Rng::new(1);
        let draws: Vec<usize> = (0..2000).map(|_| draw(&top2, &mut rng)).collect();
        assert!(draws.iter().all(|&d| d < 2));
        let zeros = draws.iter().filter(|&&d| d == 0).count() as f32 / 2000.0;
        assert!((zeros - top2[0]).abs() < 0.04, "{zeros} vs {}", top2[0]);
    }
}
