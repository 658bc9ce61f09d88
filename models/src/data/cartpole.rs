//! CartPole-v1 exactly as gymnasium defines it (Barto, Sutton & Anderson 1983): a pole on a
//! cart that a force of ±10 N pushes left or right. The same constants, the same explicit
//! Euler step (old velocities move the positions), termination beyond 12° or 2.4 from the
//! centre, truncation at 500 steps, reward 1 per step (also on the step that ends it), and a
//! start uniform in ±0.05. The state is kept in f64, as gymnasium keeps it, and every
//! expression is evaluated in gymnasium's order, so trajectories match its to the bit.

use crate::rng::Rng;

pub const GRAVITY: f64 = 9.8;
pub const MASS_CART: f64 = 1.0;
pub const MASS_POLE: f64 = 0.1;
pub const TOTAL_MASS: f64 = MASS_POLE + MASS_CART;
/// Half the pole's length.
pub const LENGTH: f64 = 0.5;
pub const POLE_MASS_LENGTH: f64 = MASS_POLE * LENGTH;
pub const FORCE: f64 = 10.0;
/// Seconds per step (gymnasium renders at 50 steps per second).
pub const TAU: f64 = 0.02;
/// 12 degrees, written as gymnasium computes it.
pub const THETA_LIMIT: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;
pub const X_LIMIT: f64 = 2.4;
/// The time limit of CartPole-v1.
pub const MAX_STEPS: u32 = 500;

/// Cart position, cart velocity, pole angle (radians, 0 upright), pole angular velocity.
pub type State = [f64; 4];

/// Why an episode ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ended {
    /// The pole leaned beyond 12°.
    Angle,
    /// The cart left the track (beyond ±2.4).
    Position,
    /// 500 steps: the time limit.
    TimeLimit,
}

impl Ended {
    /// The translation key that says why (`label.ended_angle`, `_position`, `_limit`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Angle => "label.ended_angle",
            Self::Position => "label.ended_position",
            Self::TimeLimit => "label.ended_limit",
        }
    }
}

/// What one step returns, as gymnasium's `step` does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub state: State,
    pub reward: f64,
    pub terminated: bool,
    pub truncated: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CartPole {
    pub state: State,
    /// Steps taken in this episode.
    pub steps: u32,
    /// Steps taken after the pole fell (gymnasium's `steps_beyond_terminated`): they earn 0.
    beyond: Option<u32>,
}

impl CartPole {
    /// An episode starting from `state`.
    pub fn from_state(state: State) -> Self {
        Self { state, steps: 0, beyond: None }
    }

    /// A new episode: each state variable uniform in ±0.05.
    pub fn reset(rng: &mut Rng) -> Self {
        Self::from_state(std::array::from_fn(|_| {
            -0.05 + 0.1 * ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
        }))
    }

    /// Pushes the cart left (action 0) or right (action 1) for one step of 0.02 s.
    pub fn step(&mut self, action: usize) -> Step {
        let [x, x_dot, theta, theta_dot] = self.state;
        let force = if action == 1 { FORCE } else { -FORCE };
        let (sin, cos) = (theta.sin(), theta.cos());
        // In gymnasium's order, to the bit: θ̇² and cos² θ are squared before they are multiplied.
        let theta_dot_sq = theta_dot * theta_dot;
        let cos_sq = cos * cos;
        let temp = (force + POLE_MASS_LENGTH * theta_dot_sq * sin) / TOTAL_MASS;
        let theta_acc =
            (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - MASS_POLE * cos_sq / TOTAL_MASS));
        let x_acc = temp - POLE_MASS_LENGTH * theta_acc * cos / TOTAL_MASS;
        self.state =
            [x + TAU * x_dot, x_dot + TAU * x_acc, theta + TAU * theta_dot, theta_dot + TAU * theta_acc];
        self.steps += 1;
        let terminated = self.fallen().is_some();
        let reward = if !terminated {
            1.0
        } else {
            match &mut self.beyond {
                None => {
                    self.beyond = Some(0);
                    1.0
                }
                Some(n) => {
                    *n += 1;
                    0.0
                }
            }
        };
        Step { state: self.state, reward, terminated, truncated: self.steps >= MAX_STEPS }
    }

    /// Whether the pole or the cart is out of bounds (strict inequalities, as gymnasium).
    fn fallen(&self) -> Option<Ended> {
        let [x, _, theta, _] = self.state;
        if !(-THETA_LIMIT..=THETA_LIMIT).contains(&theta) {
            Some(Ended::Angle)
        } else if !(-X_LIMIT..=X_LIMIT).contains(&x) {
            Some(Ended::Position)
        } else {
            None
        }
    }

    /// Why the episode is over, if it is.
    pub fn ended(&self) -> Option<Ended> {
        self.fallen().or((self.steps >= MAX_STEPS).then_some(Ended::TimeLimit))
    }

    /// The observation the agent sees: the state in f32.
    pub fn observation(&self) -> [f32; 4] {
        self.state.map(|v| v as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_gymnasiums() {
        assert_eq!(THETA_LIMIT, 0.20943951023931953);
        assert_eq!((TOTAL_MASS, POLE_MASS_LENGTH), (1.1, 0.05));
    }

    #[test]
    fn a_pole_left_alone_falls_and_the_time_limit_truncates() {
        let mut env = CartPole::from_state([0.0, 0.0, 0.05, 0.0]);
        let mut n = 0;
        while !env.step(1 - n % 2).terminated {
            n += 1;
            assert!(n < 200);
        }
        assert_eq!(env.ended(), Some(Ended::Angle));
        // Steps after the fall earn nothing.
        assert_eq!(env.step(0).reward, 0.0);
        let mut still = CartPole::from_state([0.0; 4]);
        still.steps = MAX_STEPS - 1;
        let last = still.step(0);
        assert!(last.truncated && !last.terminated);
        assert_eq!(still.ended(), Some(Ended::TimeLimit));
        let mut off = CartPole::from_state([2.39, 1.0, 0.0, 0.0]);
        assert!(off.step(1).terminated);
        assert_eq!(off.ended(), Some(Ended::Position));
        let r = CartPole::reset(&mut Rng::new(3));
        assert!(r.state.iter().all(|v| v.abs() <= 0.05));
    }
}
