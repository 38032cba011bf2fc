//! Limits failed logins per account and per client address, in memory (per replica).

use std::time::{Duration, Instant};

use dashmap::DashMap;

/// A sliding window of failures per key.
#[derive(Debug)]
pub struct FailureLimiter {
    max_failures: usize,
    window: Duration,
    failures: DashMap<String, Vec<Instant>>,
}

impl FailureLimiter {
    /// At most `max_failures` failures per key within `window`.
    pub fn new(max_failures: usize, window: Duration) -> FailureLimiter {
        FailureLimiter { max_failures, window, failures: DashMap::new() }
    }

    /// `Some(wait)` if `key` is locked out right now.
    pub fn check(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut entry = self.failures.get_mut(key)?;
        entry.retain(|t| now.duration_since(*t) < self.window);
        if entry.len() >= self.max_failures {
            let oldest = entry.first().copied().unwrap_or(now);
            Some(self.window.saturating_sub(now.duration_since(oldest)).max(Duration::from_secs(1)))
        } else {
            None
        }
    }

    /// Records a failure.
    pub fn fail(&self, key: &str) {
        let now = Instant::now();
        let mut entry = self.failures.entry(key.to_owned()).or_default();
        entry.retain(|t| now.duration_since(*t) < self.window);
        entry.push(now);
    }

    /// Forgets a key's failures (after a success).
    pub fn clear(&self, key: &str) {
        self.failures.remove(key);
    }

    /// Drops keys with no recent failures, so the map stays small.
    pub fn prune(&self) {
        let now = Instant::now();
        self.failures.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < self.window));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_out_after_the_limit_and_clears_on_success() {
        let l = FailureLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(l.check("a").is_none());
            l.fail("a");
        }
        assert!(l.check("a").is_some());
        assert!(l.check("b").is_none());
        l.clear("a");
        assert!(l.check("a").is_none());
    }
}
