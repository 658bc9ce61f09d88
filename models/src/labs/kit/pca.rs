//! Principal components: a 2-D picture of high-dimensional vectors (node embeddings, word
//! vectors).

/// The first two principal components of `rows` (`n` rows of `d` numbers), by power
/// iteration on the covariance: `n` points in 2-D.
pub fn pca2(rows: &[f32], n: usize, d: usize) -> Vec<[f32; 2]> {
    if n == 0 || d == 0 {
        return vec![];
    }
    let mean: Vec<f32> = (0..d).map(|j| (0..n).map(|i| rows[i * d + j]).sum::<f32>() / n as f32).collect();
    let x: Vec<f32> = (0..n * d).map(|k| rows[k] - mean[k % d]).collect();
    let mut cov = vec![0.0f32; d * d];
    for i in 0..n {
        let r = &x[i * d..(i + 1) * d];
        for a in 0..d {
            for b in 0..d {
                cov[a * d + b] += r[a] * r[b];
            }
        }
    }
    let mut axes: Vec<Vec<f32>> = Vec::new();
    for k in 0..2 {
        // A fixed start that is not orthogonal to the leading directions in practice.
        let mut v: Vec<f32> = (0..d).map(|j| 1.0 + ((j * 7 + k * 3) % 5) as f32 * 0.1).collect();
        for _ in 0..100 {
            let mut w: Vec<f32> = (0..d).map(|a| (0..d).map(|b| cov[a * d + b] * v[b]).sum()).collect();
            for u in &axes {
                let dot: f32 = w.iter().zip(u).map(|(a, b)| a * b).sum();
                w.iter_mut().zip(u).for_each(|(a, b)| *a -= dot * b);
            }
            let norm = w.iter().map(|a| a * a).sum::<f32>().sqrt();
            if norm < 1e-12 {
                break;
            }
            v = w.iter().map(|a| a / norm).collect();
        }
        axes.push(v);
    }
    (0..n)
        .map(|i| {
            let r = &x[i * d..(i + 1) * d];
            let p = |u: &[f32]| r.iter().zip(u).map(|(a, b)| a * b).sum::<f32>();
            [p(&axes[0]), if d > 1 { p(&axes[1]) } else { 0.0 }]
        })
        .collect()
}

/// The x and y ranges that show every point of a picture made by [`pca2`] (or t-SNE), with
/// a margin of 8% of each span.
pub fn padded_ranges(points: &[[f32; 2]]) -> ((f32, f32), (f32, f32)) {
    let (lo, hi) = points.iter().fold(([f32::MAX; 2], [f32::MIN; 2]), |(lo, hi), p| {
        ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])
    });
    let pad = |a: f32, b: f32| {
        let m = ((b - a) * 0.08).max(1e-3);
        (a - m, b + m)
    };
    (pad(lo[0], hi[0]), pad(lo[1], hi[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pca_finds_the_long_axis() {
        // Points along (1, 1, 0) with a little spread on the third axis.
        let rows: Vec<f32> = (0..20).flat_map(|i| [i as f32, i as f32, (i % 2) as f32 * 0.1]).collect();
        let p = pca2(&rows, 20, 3);
        let spread = |k: usize| {
            p.iter().map(|q| q[k]).fold(f32::MIN, f32::max) - p.iter().map(|q| q[k]).fold(f32::MAX, f32::min)
        };
        assert!(spread(0) > 20.0 && spread(1) < 0.2, "{} {}", spread(0), spread(1));
    }
}
