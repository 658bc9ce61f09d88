//! The cart-pole: an episode the lab recorded, played back in real time (50 steps a second,
//! as gymnasium renders it) or fast, with the action taken, both Q-values, the step count and
//! why it ended; or the user drives it with the arrow keys (the environment runs here, on the
//! same physics the lab uses), and the episodes go to the lab's replay buffer.

use std::time::Duration;

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2};
use tenlab_models::data::cartpole::{CartPole, Ended, LENGTH, TAU, THETA_LIMIT, X_LIMIT};
use tenlab_models::rng::Rng;
use tenlab_models::view::{CartPoleRun, View};

use super::{Action, Cx, ViewUi};
use crate::i18n::{lab_tr, tr, trf};

/// Steps a second when played fast.
const FAST: f64 = 500.0;

/// The user at the wheel: the environment, what happened so far, the last push.
struct Drive {
    env: CartPole,
    /// 11 numbers per transition, as the lab's `drive` input takes them.
    transitions: Vec<f32>,
    action: u8,
    /// Time not yet turned into steps.
    owed: f64,
    last: Option<f64>,
    rng: Rng,
}

impl Drive {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        Self { env: CartPole::reset(&mut rng), transitions: vec![], action: 0, owed: 0.0, last: None, rng }
    }

    fn restart(&mut self) {
        self.env = CartPole::reset(&mut self.rng);
        self.transitions.clear();
        self.owed = 0.0;
        self.last = None;
    }
}

#[derive(Default)]
pub struct CartPoleView {
    /// The episode being played and how far (in steps, fractional).
    playing: Option<CartPoleRun>,
    at: f64,
    last: Option<f64>,
    fast: bool,
    drive: Option<Drive>,
    /// Send the user's episodes to the lab's replay buffer.
    keep: bool,
}

impl ViewUi for CartPoleView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &Cx<'_>, view: &View) -> Option<Action> {
        let View::CartPole(run) = view else { return None };
        let now = ui.input(|i| i.time);
        let mut action = None;
        ui.horizontal(|ui| {
            let driving = self.drive.is_some();
            if !driving {
                let label = if self.fast { "ui.cartpole.realtime" } else { "ui.cartpole.fast" };
                if ui.button(tr(cx.lang, label)).clicked() {
                    self.fast = !self.fast;
                }
            }
            if run.drive.is_some() {
                let label = if driving { "ui.cartpole.watch" } else { "ui.cartpole.drive" };
                if ui
                    .button(tr(cx.lang, label))
                    .on_hover_text(tr(cx.lang, "ui.cartpole.drive.help"))
                    .clicked()
                {
                    self.drive =
                        if driving { None } else { Some(Drive::new(run.run.wrapping_add(now as u64))) };
                    self.keep = true;
                }
                if driving {
                    ui.checkbox(&mut self.keep, tr(cx.lang, "ui.cartpole.keep"));
                }
                ui.label(trf(cx.lang, "ui.cartpole.driven", &[&run.driven]));
            }
        });
        // Which network plays (the lab's words, with its figures).
        if self.drive.is_none() {
            let shown = self.playing.as_ref().unwrap_or(run);
            if !shown.caption.is_empty() {
                ui.label(egui::RichText::new(cx.text(&shown.caption)).strong());
            }
        }
        let side = ui.available_width().min(ui.available_height() * 1.6).clamp(200.0, 1000.0);
        let (rect, _) = ui.allocate_exact_size(Vec2::new(side, side / 1.6), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 4.0, Color32::WHITE);

        if let Some(d) = &mut self.drive {
            // The user's episode: step at 50 a second while it lasts.
            let (left, right, space) = ui.input(|i| {
                (
                    i.key_down(egui::Key::ArrowLeft),
                    i.key_down(egui::Key::ArrowRight),
                    i.key_pressed(egui::Key::Space),
                )
            });
            let over = d.env.ended().is_some();
            if over {
                if space {
                    d.restart();
                }
            } else {
                d.action = match (left, right) {
                    (true, false) => 0,
                    (false, true) => 1,
                    // No key: push the other way each step, about no force on average.
                    _ => 1 - d.action,
                };
                let since = d.last.map_or(0.0, |t| now - t);
                d.last = Some(now);
                d.owed += since.min(0.2);
                while d.owed >= TAU && d.env.ended().is_none() {
                    d.owed -= TAU;
                    let s0 = d.env.observation();
                    let step = d.env.step(d.action as usize);
                    let s1 = d.env.observation();
                    d.transitions.extend(s0);
                    d.transitions.extend([d.action as f32, step.reward as f32]);
                    d.transitions.extend(s1);
                    d.transitions.push(if step.terminated { 1.0 } else { 0.0 });
                }
                if d.env.ended().is_some() && self.keep && !d.transitions.is_empty() {
                    action = run.drive.map(|key| Action::Input(key, d.transitions.clone()));
                }
                ui.ctx().request_repaint_after(Duration::from_millis(10));
            }
            let state = d.env.observation();
            draw(&painter, rect, state, Some(d.action), None);
            let ended = d.env.ended().map(Ended::key);
            caption(&painter, rect, cx, d.env.steps as usize, ended);
            let hint = if ended.is_some() { "ui.cartpole.again" } else { "ui.cartpole.keys" };
            painter.text(
                rect.center_bottom() - Vec2::new(0.0, 14.0),
                Align2::CENTER_BOTTOM,
                tr(cx.lang, hint),
                FontId::proportional(14.0),
                Color32::DARK_GRAY,
            );
            return action;
        }

        // Playback: finish the episode in hand, then take the newest.
        let done = self.playing.as_ref().is_none_or(|p| self.at >= p.actions.len() as f64);
        if done && self.playing.as_ref().is_none_or(|p| p.run != run.run) {
            self.playing = Some(run.clone());
            self.at = 0.0;
            self.last = None;
        }
        let Some(p) = &self.playing else { return None };
        let steps = p.actions.len();
        let rate = if self.fast { FAST } else { 1.0 / TAU };
        let since = self.last.map_or(0.0, |t| now - t);
        self.last = Some(now);
        if self.at < steps as f64 {
            self.at = (self.at + since.min(0.2) * rate).min(steps as f64);
            ui.ctx().request_repaint_after(Duration::from_millis(15));
        } else {
            // Hold the end a moment, then the next episode (asked for by the app's polling).
            ui.ctx().request_repaint_after(Duration::from_millis(200));
        }
        let k = (self.at as usize).min(steps);
        let state = p.states[k.min(p.states.len() - 1)];
        // At the end, the last push and its Q-values stay on screen.
        let last = k.min(steps.saturating_sub(1));
        let act = p.actions.get(last).copied();
        let q = p.q.get(last).copied();
        draw(&painter, rect, state, act, q);
        caption(&painter, rect, cx, k, if k >= steps { p.ended } else { None });
        None
    }
}

/// The track, the cart, the pole, the push as an arrow and the Q-values as two bars.
fn draw(painter: &egui::Painter, rect: Rect, s: [f32; 4], action: Option<u8>, q: Option<[f32; 2]>) {
    let world = 2.0 * X_LIMIT as f32 + 1.2;
    let scale = rect.width() / world;
    let ground = rect.top() + rect.height() * 0.72;
    let to_x = |x: f32| rect.center().x + x * scale;
    // Track and its limits.
    painter.line_segment(
        [Pos2::new(rect.left() + 8.0, ground), Pos2::new(rect.right() - 8.0, ground)],
        Stroke::new(2.0, Color32::from_gray(60)),
    );
    for lim in [-X_LIMIT as f32, X_LIMIT as f32] {
        painter.line_segment(
            [Pos2::new(to_x(lim), ground - 10.0), Pos2::new(to_x(lim), ground + 10.0)],
            Stroke::new(2.0, Color32::from_rgb(200, 60, 60)),
        );
    }
    // Cart.
    let (cw, ch) = (0.5 * scale, 0.3 * scale);
    let cart = Rect::from_center_size(Pos2::new(to_x(s[0]), ground - ch / 2.0), Vec2::new(cw, ch));
    painter.rect_filled(cart, 3.0, Color32::from_rgb(40, 40, 40));
    // Pole: 2 * LENGTH long, from the top of the cart, angle from the vertical (right positive).
    let pivot = Pos2::new(cart.center().x, cart.top());
    let l = 2.0 * LENGTH as f32 * scale;
    let tip = pivot + Vec2::new(s[2].sin(), -s[2].cos()) * l;
    let lean = (s[2].abs() / THETA_LIMIT as f32).min(1.0);
    let pole = Color32::from_rgb(200, (150.0 - 90.0 * lean) as u8, (80.0 - 60.0 * lean) as u8);
    painter.line_segment([pivot, tip], Stroke::new(0.1 * scale, pole));
    painter.circle_filled(pivot, 0.04 * scale, Color32::from_gray(120));
    // The push: an arrow into the cart's side, the way it is pushed.
    if let Some(a) = action {
        let dir = if a == 1 { 1.0 } else { -1.0 };
        let len = 0.35 * scale;
        let start = Pos2::new(cart.center().x - dir * (cw / 2.0 + 4.0 + len), cart.center().y);
        painter.arrow(start, Vec2::new(dir * len, 0.0), Stroke::new(3.0, Color32::from_rgb(30, 110, 200)));
    }
    // Q-values, bottom left: the chosen one darker.
    if let Some(q) = q {
        let font = FontId::monospace(13.0);
        let best = usize::from(q[1] > q[0]);
        for (a, name) in [(0usize, "Q(←)"), (1, "Q(→)")] {
            let y = rect.bottom() - 44.0 + 18.0 * a as f32;
            let color = if a == best { Color32::BLACK } else { Color32::GRAY };
            painter.text(
                Pos2::new(rect.left() + 10.0, y),
                Align2::LEFT_CENTER,
                format!("{name} {:7.2}", q[a]),
                font.clone(),
                color,
            );
        }
    }
}

/// The step count, and why the episode ended once it has.
fn caption(painter: &egui::Painter, rect: Rect, cx: &Cx<'_>, step: usize, ended: Option<&str>) {
    painter.text(
        rect.left_top() + Vec2::new(10.0, 8.0),
        Align2::LEFT_TOP,
        trf(cx.lang, "ui.cartpole.step", &[&step]),
        FontId::proportional(16.0),
        Color32::BLACK,
    );
    if let Some(key) = ended {
        let good = key.ends_with("limit");
        let color = if good { Color32::from_rgb(20, 130, 50) } else { Color32::from_rgb(190, 40, 40) };
        painter.text(
            rect.center_top() + Vec2::new(0.0, 36.0),
            Align2::CENTER_TOP,
            lab_tr(cx.lang, cx.lab, key),
            FontId::proportional(22.0),
            color,
        );
    }
}
