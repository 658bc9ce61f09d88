//! The DQN lab's pictures: the Q-values of both actions along the last episode, the greedy
//! policy's shape as Q(right) - Q(left) over the pole's angle and angular velocity, and a
//! histogram of recent TD errors.

use super::DqnLab;
use crate::data::cartpole::{Ended, THETA_LIMIT};
use crate::view::{Bars, CartPoleRun, Heatmap, Lines, Path, Scale, Scatter, Series, Text, View};

/// Environment steps of training after which the cart-pole view records a new episode.
const SHOW_EVERY: u64 = 2_000;

/// Cells per side of the policy map.
const MAP: usize = 41;
/// The angular velocities the map spans (rad/s).
const OMEGA: f32 = 2.0;
/// The angles it spans (degrees): where an episode ends.
const DEGREES: f32 = 12.0;
/// Bins of the TD-error histogram.
const BINS: usize = 21;

impl DqnLab {
    /// The current greedy policy balancing the pole: a new episode once the network trained
    /// on (the app plays the one it has to its end before it takes the next).
    pub(super) fn cartpole_view(&mut self) -> View {
        let stale = self.show.as_ref().is_none_or(|(at, _)| self.steps >= at + SHOW_EVERY || self.steps < *at);
        if stale {
            self.shown += 1;
            let e = self.greedy_episode(self.cfg.seed.wrapping_mul(31).wrapping_add(self.shown));
            self.show = Some((self.steps, e));
        }
        let (_, e) = self.show.as_ref().expect("recorded above");
        View::CartPole(CartPoleRun {
            states: e.states.clone(),
            actions: e.actions.iter().map(|&a| a as u8).collect(),
            q: e.q.clone(),
            ended: e.ended.map(Ended::key),
            run: self.shown,
            drive: Some("drive"),
            driven: self.driven,
            caption: self.network_caption(),
        })
    }

    /// Which network the view shows, in words: the kept one with its step and score beside the
    /// latest one's, or the latest.
    fn network_caption(&self) -> Text {
        let latest = self.last_eval.map_or_else(|| "–".to_string(), |m| format!("{m:.1}"));
        match self.shown_net().1 {
            Some(kept) => Text::Key("label.kept_network", vec![kept.step.to_string(), format!("{:.1}", kept.mean), latest]),
            None => Text::Key("label.latest_network", vec![self.steps.to_string()]),
        }
    }

    pub(super) fn q_values_view(&self) -> View {
        let series = |a: usize, name, color| Series {
            name,
            points: self
                .last
                .iter()
                .flat_map(|e| e.q.iter().enumerate().map(move |(t, q)| [t as f32 + 1.0, q[a]]))
                .collect(),
            color,
        };
        View::Lines(Lines {
            x_label: "label.episode_step",
            y_label: "label.q_value",
            series: vec![series(0, "label.q_left", 1), series(1, "label.q_right", 0)],
            mark_x: None,
        })
    }

    /// Over the pole's angle (columns, -12° to 12°) and angular velocity (rows, top +2 rad/s),
    /// the cart at rest in the centre: Q(right) - Q(left), orange where the agent pushes right
    /// and blue where it pushes left (the policy's shape), and the value max_a Q.
    pub(super) fn q_map_view(&self) -> View {
        let mut states = Vec::with_capacity(MAP * MAP);
        for i in 0..MAP {
            let omega = OMEGA - 2.0 * OMEGA * i as f32 / (MAP - 1) as f32;
            for j in 0..MAP {
                let theta = -(THETA_LIMIT as f32) + 2.0 * THETA_LIMIT as f32 * j as f32 / (MAP - 1) as f32;
                states.push([0.0, 0.0, theta, omega]);
            }
        }
        let q = self.q_values(&self.acting, &states);
        let policy = Heatmap::diverging(String::new(), MAP, MAP, q.iter().map(|q| q[1] - q[0]).collect());
        let values: Vec<f32> = q.iter().map(|q| q[0].max(q[1])).collect();
        let top = values.iter().fold(1e-6f32, |m, v| m.max(*v));
        let value = Heatmap { range: (0.0, top), scale: Scale::Sequential, ..Heatmap::diverging(String::new(), MAP, MAP, values) };
        // The last episode's path through the same plane (angle in degrees).
        let path: Vec<[f32; 2]> = self
            .last
            .iter()
            .flat_map(|e| e.states.iter().map(|s| [s[2].to_degrees(), s[3].clamp(-OMEGA, OMEGA)]))
            .collect();
        let plane = |field| {
            View::Scatter(Scatter {
                x_range: (-DEGREES, DEGREES),
                y_range: (-OMEGA, OMEGA),
                field: Some(field),
                arrows: vec![],
                paths: vec![Path::plain(path.clone())],
                layers: vec![],
                draw: None,
                labels: vec![],
            })
        };
        View::Column(vec![(Some("label.policy"), plane(policy)), (Some("label.value"), plane(value))])
    }

    /// Counts of the last TD errors (Q(s, a) minus its target) in bins over their range.
    pub(super) fn td_errors_view(&self) -> View {
        let m = self.td_errors.iter().fold(1e-3f32, |m, e| m.max(e.abs()));
        let width = 2.0 * m / BINS as f32;
        let mut counts = vec![0.0f32; BINS];
        for e in &self.td_errors {
            let k = (((e + m) / width) as usize).min(BINS - 1);
            counts[k] += 1.0;
        }
        let labels = (0..BINS).map(|k| format!("{:+.2}", -m + width * (k as f32 + 0.5))).collect();
        let max = counts.iter().copied().fold(1.0, f32::max);
        View::Bars { image: None, bars: Bars { labels, values: counts, max, marked: Some(BINS / 2) } }
    }
}
