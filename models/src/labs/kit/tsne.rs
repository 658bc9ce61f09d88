//! t-SNE (van der Maaten & Hinton 2008), exact, for a few hundred points: neighbours in the
//! high-dimensional space stay neighbours on the plane, which principal components, a linear
//! view, can miss.

use crate::rng::Rng;

/// `n` rows of `d` numbers placed on a plane. `perplexity` is about how many neighbours
/// each point keeps; the seed fixes the start, so the same vectors give the same map.
pub fn tsne(
    rows: &[f32],
    n: usize,
    d: usize,
    perplexity: f32,
    iterations: usize,
    seed: u64,
) -> Vec<[f32; 2]> {
    if n < 3 {
        return (0..n).map(|i| [i as f32, 0.0]).collect();
    }
    // Squared distances.
    let mut dist = vec![0.0f32; n * n];
    for i in 0..n {
        for j in i + 1..n {
            let s: f32 = (0..d).map(|k| (rows[i * d + k] - rows[j * d + k]).powi(2)).sum();
            dist[i * n + j] = s;
            dist[j * n + i] = s;
        }
    }
    // Conditional probabilities with each point's bandwidth found by bisection on its
    // entropy, then symmetrised.
    let target = perplexity.min((n - 1) as f32 / 3.0).max(2.0).ln();
    let mut p = vec![0.0f32; n * n];
    for i in 0..n {
        let (mut lo, mut hi, mut beta) = (0.0f32, f32::INFINITY, 1.0f32);
        for _ in 0..50 {
            let row: Vec<f32> =
                (0..n).map(|j| if j == i { 0.0 } else { (-dist[i * n + j] * beta).exp() }).collect();
            let sum = row.iter().sum::<f32>().max(1e-12);
            let h = (0..n).filter(|&j| j != i).map(|j| dist[i * n + j] * row[j]).sum::<f32>() * beta / sum
                + sum.ln();
            for j in 0..n {
                p[i * n + j] = row[j] / sum;
            }
            if (h - target).abs() < 1e-4 {
                break;
            }
            if h > target {
                lo = beta;
                beta = if hi.is_finite() { (beta + hi) / 2.0 } else { beta * 2.0 };
            } else {
                hi = beta;
                beta = (beta + lo) / 2.0;
            }
        }
    }
    let mut pij = vec![0.0f32; n * n];
    for i in 0..n {
        for j in 0..n {
            pij[i * n + j] = ((p[i * n + j] + p[j * n + i]) / (2.0 * n as f32)).max(1e-12);
        }
    }
    // Gradient descent with momentum and early exaggeration.
    let mut rng = Rng::new(seed);
    let mut y: Vec<[f32; 2]> = (0..n).map(|_| [rng.normal() * 1e-2, rng.normal() * 1e-2]).collect();
    let mut vel = vec![[0.0f32; 2]; n];
    let mut q = vec![0.0f32; n * n];
    for it in 0..iterations {
        let exaggeration = if it < iterations / 4 { 4.0 } else { 1.0 };
        let momentum = if it < iterations / 4 { 0.5 } else { 0.8 };
        let mut sum = 0.0f32;
        for i in 0..n {
            for j in i + 1..n {
                let w = 1.0 / (1.0 + (y[i][0] - y[j][0]).powi(2) + (y[i][1] - y[j][1]).powi(2));
                q[i * n + j] = w;
                q[j * n + i] = w;
                sum += 2.0 * w;
            }
        }
        for i in 0..n {
            let mut g = [0.0f32; 2];
            for j in 0..n {
                if j == i {
                    continue;
                }
                let w = q[i * n + j];
                let f = 4.0 * (exaggeration * pij[i * n + j] - w / sum) * w;
                g[0] += f * (y[i][0] - y[j][0]);
                g[1] += f * (y[i][1] - y[j][1]);
            }
            for k in 0..2 {
                vel[i][k] = momentum * vel[i][k] - 100.0 * g[k];
            }
        }
        for i in 0..n {
            y[i][0] += vel[i][0];
            y[i][1] += vel[i][1];
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsne_keeps_clusters_apart() {
        // Three tight clusters in 10-D.
        let mut rng = Rng::new(4);
        let rows: Vec<f32> = (0..45)
            .flat_map(|i| {
                let c = i / 15;
                (0..10).map(move |k| if k == c { 5.0 } else { 0.0 }).collect::<Vec<f32>>()
            })
            .zip(std::iter::repeat_with(move || rng.normal() * 0.1))
            .map(|(a, b)| a + b)
            .collect();
        let y = tsne(&rows, 45, 10, 10.0, 300, 1);
        let d = |a: usize, b: usize| (y[a][0] - y[b][0]).hypot(y[a][1] - y[b][1]);
        let within = (d(0, 1) + d(15, 16) + d(30, 31)) / 3.0;
        let across = (d(0, 15) + d(15, 30) + d(0, 30)) / 3.0;
        assert!(across > 3.0 * within, "within {within}, across {across}");
        assert_eq!(tsne(&rows, 45, 10, 10.0, 300, 1), y, "seeded");
    }
}
