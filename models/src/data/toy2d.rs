//! The 2-D sets of TensorFlow Playground (circle, xor, gaussian, spiral) and scikit-learn's
//! moons, on the plane [-6, 6]², following Playground's generators. `noise` is 0..0.5.

use crate::rng::Rng;

/// Half-width of the plane the points live on.
pub const EXTENT: f32 = 6.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Xor,
    Gauss,
    Spiral,
    Moons,
}

/// `n` labelled points (labels 0 and 1).
pub fn generate(shape: Shape, n: usize, noise: f32, rng: &mut Rng) -> Vec<([f32; 2], u32)> {
    let mut out = Vec::with_capacity(n);
    match shape {
        Shape::Circle => {
            let radius = 5.0;
            for i in 0..n {
                // Half inside (label 1), half in the outer ring (label 0).
                let inner = i % 2 == 0;
                let r =
                    if inner { rng.uniform(0.0, radius * 0.5) } else { rng.uniform(radius * 0.7, radius) };
                let angle = rng.uniform(0.0, std::f32::consts::TAU);
                let (x, y) = (r * angle.sin(), r * angle.cos());
                let (nx, ny) = (rng.uniform(-radius, radius) * noise, rng.uniform(-radius, radius) * noise);
                let label = ((x + nx).hypot(y + ny) < radius * 0.5) as u32;
                out.push(([x, y], label));
            }
        }
        Shape::Xor => {
            let pad = 0.3;
            for _ in 0..n {
                let mut x = rng.uniform(-5.0, 5.0);
                x += if x > 0.0 { pad } else { -pad };
                let mut y = rng.uniform(-5.0, 5.0);
                y += if y > 0.0 { pad } else { -pad };
                let (nx, ny) = (rng.uniform(-5.0, 5.0) * noise, rng.uniform(-5.0, 5.0) * noise);
                out.push(([x, y], ((x + nx) * (y + ny) >= 0.0) as u32));
            }
        }
        Shape::Gauss => {
            let variance = 0.5 + (4.0 - 0.5) * noise / 0.5;
            for i in 0..n {
                let (c, label) = if i % 2 == 0 { (2.0, 1) } else { (-2.0, 0) };
                let x = c + rng.normal() * variance.sqrt();
                let y = c + rng.normal() * variance.sqrt();
                out.push(([x, y], label));
            }
        }
        Shape::Spiral => {
            let half = n / 2;
            for (delta, label) in [(0.0, 1), (std::f32::consts::PI, 0)] {
                for i in 0..half {
                    let r = i as f32 / half as f32 * 5.0;
                    let t = 1.75 * i as f32 / half as f32 * std::f32::consts::TAU + delta;
                    let x = r * t.sin() + rng.uniform(-1.0, 1.0) * noise;
                    let y = r * t.cos() + rng.uniform(-1.0, 1.0) * noise;
                    out.push(([x, y], label));
                }
            }
        }
        Shape::Moons => {
            // Two interleaving half circles, scaled onto the plane.
            let half = n / 2;
            for (k, label) in [(0, 0), (1, 1)] {
                for i in 0..half {
                    let t = std::f32::consts::PI * i as f32 / (half.max(2) - 1) as f32;
                    let (x, y) = if k == 0 { (t.cos(), t.sin()) } else { (1.0 - t.cos(), 0.5 - t.sin()) };
                    let (x, y) = ((x - 0.5) * 3.5, (y - 0.25) * 3.5);
                    out.push(([x + rng.normal() * noise * 2.0, y + rng.normal() * noise * 2.0], label));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_is_balanced_on_the_plane_and_seeded() {
        for shape in [Shape::Circle, Shape::Xor, Shape::Gauss, Shape::Spiral, Shape::Moons] {
            let pts = generate(shape, 400, 0.1, &mut Rng::new(3));
            assert_eq!(pts.len(), 400, "{shape:?}");
            let ones = pts.iter().filter(|p| p.1 == 1).count();
            assert!((120..=280).contains(&ones), "{shape:?}: {ones}");
            assert!(pts.iter().all(|(p, _)| p[0].abs() < 9.0 && p[1].abs() < 9.0), "{shape:?}");
            assert_eq!(pts, generate(shape, 400, 0.1, &mut Rng::new(3)));
        }
    }
}
