//! Keeping slow pictures: a view that takes long to draw (text written one character at a
//! time) would otherwise slow training down while it is on screen, as the app asks for it
//! ten times a second.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::view::View;

/// The last drawing of each view, with the step and settings it was drawn at.
#[derive(Default)]
pub struct ViewCache {
    entries: HashMap<String, Entry>,
}

struct Entry {
    at: Instant,
    took: Duration,
    steps: u64,
    settings: String,
    view: View,
}

impl ViewCache {
    /// A view drawn with the same `settings`, at the same `steps`, or so recently that
    /// drawing it again would take more than a fifth of the time since: training goes on at
    /// no less than 80% of its speed while a slow view is shown.
    pub fn fresh(&self, id: &str, steps: u64, settings: &str) -> Option<View> {
        let e = self.entries.get(id)?;
        let recent = e.at.elapsed() < e.took * 4;
        (e.settings == settings && (e.steps == steps || recent)).then(|| e.view.clone())
    }

    /// Keeps `view`, drawn from `started` on.
    pub fn keep(&mut self, id: &str, steps: u64, settings: String, started: Instant, view: &View) {
        let entry =
            Entry { at: Instant::now(), took: started.elapsed(), steps, settings, view: view.clone() };
        self.entries.insert(id.to_string(), entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_is_kept_for_its_settings_and_redrawn_after_four_times_its_cost() {
        let mut c = ViewCache::default();
        let v = View::Column(vec![]);
        let started = Instant::now() - Duration::from_secs(10);
        c.keep("a", 5, "x".into(), started, &v);
        assert!(c.fresh("a", 5, "x").is_some());
        assert!(c.fresh("a", 5, "y").is_none(), "other settings");
        assert!(c.fresh("a", 6, "x").is_some(), "took 10 s: kept for 40 s");
        c.keep("a", 5, "x".into(), Instant::now(), &v);
        std::thread::sleep(Duration::from_millis(5));
        assert!(c.fresh("a", 6, "x").is_none(), "quick to draw: drawn anew");
        assert!(c.fresh("b", 5, "x").is_none());
    }
}
