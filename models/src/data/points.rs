//! Unlabelled 2-D point clouds for the generative labs (as in GAN Lab and the DDPM tutorials):
//! a ring of 8 Gaussians, a 5x5 grid of Gaussians, a spiral, two moons, the swiss roll and
//! points the user draws, all on the plane [-2.5, 2.5]², and how near a point lies to the
//! data they come from.

use crate::error::LabError;
use crate::rng::Rng;

/// Half-width of the plane the clouds live on (and the views show).
pub const EXTENT: f32 = 2.5;

#[derive(Clone, Debug, PartialEq)]
pub enum Cloud {
    /// 8 Gaussians (std 0.05) evenly on a circle of radius 2.
    Ring,
    /// 25 Gaussians (std 0.05) at -2, -1, 0, 1, 2 in each coordinate.
    Grid,
    /// One arm turning 1.5 times, radius from 0.2 to 2.2.
    Spiral,
    /// Two interleaving half circles (scikit-learn's `make_moons`, scaled by 1.5).
    Moons,
    /// scikit-learn's 2-D swiss roll (`t cos t, t sin t`, t in [1.5π, 4.5π]) divided by 7.
    SwissRoll,
    /// The user's points, each the centre of a Gaussian (std 0.05), as the ring's modes.
    Drawn(Vec<[f32; 2]>),
}

/// The most points a drawing keeps.
pub const MAX_DRAWN: usize = 400;

/// Parses drawn points written as `x,y;x,y;...` (spaces allowed, empty: none), the value of
/// the parameter `key`. Each coordinate must be a number inside the plane; the message quotes
/// the faulty point.
pub fn parse_points(key: &str, text: &str) -> Result<Vec<[f32; 2]>, LabError> {
    let mut points = Vec::new();
    for item in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let xy: Vec<&str> = item.split(',').map(str::trim).collect();
        let p = match xy[..] {
            [x, y] => x.parse::<f32>().ok().zip(y.parse::<f32>().ok()),
            _ => None,
        };
        match p {
            Some((x, y)) if x.abs() <= EXTENT && y.abs() <= EXTENT => points.push([x, y]),
            _ => return Err(LabError::WrongType { key: key.into(), value: item.into(), expected: "point" }),
        }
    }
    if points.len() > MAX_DRAWN {
        return Err(LabError::OutOfRange {
            key: format!("{key} (count)"),
            value: points.len().to_string(),
            min: "0".into(),
            max: MAX_DRAWN.to_string(),
        });
    }
    Ok(points)
}

/// A change the user makes to a drawing on a plane view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PointEdit {
    /// Add a point (ignored once the drawing holds `MAX_DRAWN`).
    Add([f32; 2]),
    /// Remove the point nearest to this one, if it lies within 0.3.
    RemoveNear([f32; 2]),
    /// Remove the last point added.
    Undo,
    Clear,
}

impl PointEdit {
    pub fn apply(self, points: &mut Vec<[f32; 2]>) {
        match self {
            Self::Add(p) if points.len() < MAX_DRAWN => {
                points.push([p[0].clamp(-EXTENT, EXTENT), p[1].clamp(-EXTENT, EXTENT)]);
            }
            Self::Add(_) => {}
            Self::RemoveNear(p) => {
                let d = |q: &[f32; 2]| (p[0] - q[0]).hypot(p[1] - q[1]);
                let nearest = points.iter().enumerate().min_by(|a, b| d(a.1).total_cmp(&d(b.1)));
                if let Some((i, q)) = nearest
                    && d(q) <= 0.3
                {
                    points.remove(i);
                }
            }
            Self::Undo => {
                points.pop();
            }
            Self::Clear => points.clear(),
        }
    }
}

/// Writes points as [`parse_points`] reads them (two decimals, well inside a mode's spread).
pub fn format_points(points: &[[f32; 2]]) -> String {
    points.iter().map(|p| format!("{:.2},{:.2}", p[0], p[1])).collect::<Vec<_>>().join(";")
}

impl Cloud {
    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "ring" => Self::Ring,
            "grid" => Self::Grid,
            "spiral" => Self::Spiral,
            "moons" => Self::Moons,
            "swissroll" => Self::SwissRoll,
            "drawn" => Self::Drawn(vec![]),
            _ => return None,
        })
    }

    /// The centres of its Gaussians, for the clouds made of separate modes.
    pub fn modes(&self) -> Vec<[f32; 2]> {
        match self {
            Self::Ring => (0..8)
                .map(|k| {
                    let a = k as f32 * std::f32::consts::TAU / 8.0;
                    [2.0 * a.cos(), 2.0 * a.sin()]
                })
                .collect(),
            Self::Grid => (0..25).map(|k| [(k % 5) as f32 - 2.0, (k / 5) as f32 - 2.0]).collect(),
            Self::Drawn(points) => points.clone(),
            _ => vec![],
        }
    }

    /// The standard deviation of each mode's Gaussian.
    pub const MODE_STD: f32 = 0.05;

    /// A point on the noise-free curve of a curve-shaped cloud, `u` in [0, 1].
    fn curve(&self, u: f32) -> [f32; 2] {
        use std::f32::consts::PI;
        match self {
            Self::Spiral => {
                let a = u * 3.0 * PI;
                let r = 0.2 + 2.0 * u;
                [r * a.cos(), r * a.sin()]
            }
            Self::Moons => {
                // The first half of `u` runs along the upper moon, the second along the lower.
                let (x, y) = if u < 0.5 {
                    let a = PI * u * 2.0;
                    (a.cos(), a.sin())
                } else {
                    let a = PI * (u - 0.5) * 2.0;
                    (1.0 - a.cos(), 0.5 - a.sin())
                };
                [(x - 0.5) * 1.5, (y - 0.25) * 1.5]
            }
            _ => {
                let t = 1.5 * PI * (1.0 + 2.0 * u);
                [t * t.cos() / 7.0, t * t.sin() / 7.0]
            }
        }
    }

    /// `n` points, each coordinate jittered by Gaussian noise of std `noise` (the mode
    /// clouds use their own std and add `noise` on top). None from an empty drawing.
    pub fn sample(&self, n: usize, noise: f32, rng: &mut Rng) -> Vec<[f32; 2]> {
        let modes = self.modes();
        if self.is_empty() {
            return vec![];
        }
        (0..n)
            .map(|i| {
                let (centre, std) = if modes.is_empty() {
                    (self.curve(rng.f32()), noise)
                } else {
                    (modes[i % modes.len()], Self::MODE_STD + noise)
                };
                [centre[0] + rng.normal() * std, centre[1] + rng.normal() * std]
            })
            .collect()
    }

    /// Whether it has no points (a drawing not yet drawn).
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Drawn(p) if p.is_empty())
    }

    /// Distance from `p` to the data: to the nearest mode centre, or to the noise-free curve
    /// (measured against 4,000 points along it, at most ~0.003 too far).
    pub fn distance(&self, p: [f32; 2]) -> f32 {
        let modes = self.modes();
        let near = |q: &[f32; 2]| (p[0] - q[0]).hypot(p[1] - q[1]);
        if modes.is_empty() {
            (0..=4000).map(|k| near(&self.curve(k as f32 / 4000.0))).fold(f32::INFINITY, f32::min)
        } else {
            modes.iter().map(near).fold(f32::INFINITY, f32::min)
        }
    }

    /// How many modes the points cover: a mode counts when at least `min_share` of the points
    /// (e.g. 0.2 / number of modes, a fifth of a fair share) lie within 3 standard deviations
    /// of its centre. `None` for the curve-shaped clouds.
    pub fn modes_covered(&self, points: &[[f32; 2]], min_share: f32) -> Option<usize> {
        let modes = self.modes();
        if modes.is_empty() {
            return None;
        }
        let mut counts = vec![0usize; modes.len()];
        for p in points {
            for (k, m) in modes.iter().enumerate() {
                if (p[0] - m[0]).hypot(p[1] - m[1]) <= 3.0 * Self::MODE_STD {
                    counts[k] += 1;
                }
            }
        }
        let need = (min_share * points.len() as f32).max(1.0);
        Some(counts.iter().filter(|&&c| c as f32 >= need).count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clouds_lie_on_their_data_and_cover_their_modes() {
        let mut rng = Rng::new(1);
        for cloud in [Cloud::Spiral, Cloud::Moons, Cloud::SwissRoll] {
            let pts = cloud.sample(500, 0.0, &mut rng);
            assert!(pts.iter().all(|&p| cloud.distance(p) < 0.01), "{cloud:?}");
            assert!(pts.iter().all(|p| p[0].abs() < EXTENT && p[1].abs() < EXTENT), "{cloud:?}");
        }
        let ring = Cloud::Ring.sample(800, 0.0, &mut rng);
        assert_eq!(Cloud::Ring.modes_covered(&ring, 0.2 / 8.0), Some(8));
        // Points all in one mode cover one.
        let one: Vec<[f32; 2]> = ring.iter().copied().filter(|p| p[0] > 1.5).collect();
        assert_eq!(Cloud::Ring.modes_covered(&one, 0.2 / 8.0), Some(1));
        assert_eq!(Cloud::Grid.modes().len(), 25);
        assert!((Cloud::SwissRoll.distance([0.0, 0.0]) - 4.71 / 7.0).abs() < 0.05);
    }

    #[test]
    fn drawn_points_read_back_and_bad_ones_are_named() {
        let parse = |text: &str| parse_points("points", text);
        let pts = parse(" 1.5,-0.25; -2,2 ;").unwrap();
        assert_eq!(pts, vec![[1.5, -0.25], [-2.0, 2.0]]);
        assert_eq!(parse(&format_points(&pts)).unwrap(), pts);
        assert_eq!(parse("").unwrap(), Vec::<[f32; 2]>::new());
        assert!(parse("1,2;x,0").unwrap_err().to_string().contains("'x,0'"));
        assert!(parse("3,0").unwrap_err().to_string().contains("'3,0'"), "outside the plane");
        assert!(parse("1,2,3").is_err());
        let many = vec![[0.0, 0.0]; MAX_DRAWN + 1];
        assert!(matches!(parse(&format_points(&many)), Err(LabError::OutOfRange { .. })));
        // A drawing samples around its points and covers them as modes; an empty one samples none.
        let drawn = Cloud::Drawn(vec![[1.0, 1.0], [-1.0, 0.0]]);
        let mut rng = Rng::new(2);
        let s = drawn.sample(400, 0.0, &mut rng);
        assert!(s.iter().all(|&p| drawn.distance(p) < 0.3));
        assert_eq!(drawn.modes_covered(&s, 0.1), Some(2));
        assert!(Cloud::Drawn(vec![]).sample(10, 0.0, &mut rng).is_empty());
        assert!(Cloud::from_key("drawn").unwrap().is_empty());
        // Editing: add, remove the nearest (only when near), undo, clear.
        let mut p = vec![[0.0, 0.0]];
        PointEdit::Add([1.0, 9.0]).apply(&mut p);
        assert_eq!(p, vec![[0.0, 0.0], [1.0, EXTENT]]);
        PointEdit::RemoveNear([2.0, -2.0]).apply(&mut p);
        assert_eq!(p.len(), 2, "nothing near");
        PointEdit::RemoveNear([0.1, 0.1]).apply(&mut p);
        assert_eq!(p, vec![[1.0, EXTENT]]);
        PointEdit::Undo.apply(&mut p);
        assert!(p.is_empty());
        PointEdit::Undo.apply(&mut p);
        let mut full = vec![[0.0, 0.0]; MAX_DRAWN];
        PointEdit::Add([1.0, 1.0]).apply(&mut full);
        assert_eq!(full.len(), MAX_DRAWN);
        PointEdit::Clear.apply(&mut full);
        assert!(full.is_empty());
    }
}
