//! Frame times for checking that the window stays smooth while a lab trains: with the
//! environment variable `TENLAB_FRAME_TIMES` set (to a number of frames per report, or to
//! anything else for 300), the app writes to stderr, every so many frames drawn while a lab
//! plays, the median, 95th percentile and worst of the time each frame took to build and
//! render (eframe's measure: `App::ui` and painting, without waiting for vsync), and a last
//! report when it closes. A developer's switch, not a feature: the lines are not translated.

/// The frame times gathered so far, and how many make a report.
#[derive(Debug)]
pub struct FrameLog {
    every: usize,
    /// Seconds per frame since the last report, and the lab they were drawn for.
    times: Vec<f32>,
    lab: &'static str,
}

impl FrameLog {
    /// A log when `TENLAB_FRAME_TIMES` is set.
    pub fn from_env() -> Option<Self> {
        let value = std::env::var("TENLAB_FRAME_TIMES").ok()?;
        let every = value.trim().parse::<usize>().ok().filter(|&n| n > 0).unwrap_or(300);
        Some(Self { every, times: Vec::with_capacity(every), lab: "" })
    }

    /// The time the last frame took (`None` on the first frame), counted while `playing`.
    /// Switching labs reports what was gathered for the one before.
    pub fn record(&mut self, seconds: Option<f32>, playing: bool, lab: &'static str) {
        if lab != self.lab {
            self.report();
            self.lab = lab;
        }
        if let (Some(s), true) = (seconds, playing) {
            self.times.push(s);
            if self.times.len() >= self.every {
                self.report();
            }
        }
    }

    /// Writes one report line for the frames gathered since the last one (if any).
    pub fn report(&mut self) {
        if let Some(summary) = summarise(&mut self.times) {
            eprintln!("frame times, {} playing: {summary}", self.lab);
        }
        self.times.clear();
    }
}

impl Drop for FrameLog {
    fn drop(&mut self) {
        self.report();
    }
}

/// Median, 95th percentile and worst, in milliseconds, of `times` (seconds), with their count.
fn summarise(times: &mut [f32]) -> Option<String> {
    if times.is_empty() {
        return None;
    }
    times.sort_by(f32::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize] * 1000.0;
    Some(format!(
        "{} frames, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_frame_times() {
        // 1..=100 ms in a shuffled order.
        let mut times: Vec<f32> = (1..=100).map(|i| ((i * 37) % 100 + 1) as f32 / 1000.0).collect();
        let s = summarise(&mut times).unwrap();
        assert_eq!(s, "100 frames, p50 51.0 ms, p95 95.0 ms, max 100.0 ms");
        assert_eq!(summarise(&mut []), None);
    }

    #[test]
    fn only_frames_drawn_while_playing_count() {
        let mut log = FrameLog { every: 1000, times: vec![], lab: "" };
        log.record(Some(0.01), false, "cnn");
        log.record(None, true, "cnn");
        log.record(Some(0.02), true, "cnn");
        assert_eq!(log.times, vec![0.02]);
        // Another lab: the first lab's frames are reported and cleared.
        log.record(Some(0.03), true, "gan");
        assert_eq!((log.times.clone(), log.lab), (vec![0.03], "gan"));
    }
}
