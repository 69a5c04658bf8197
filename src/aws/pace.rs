//! Process-wide pacing of operations AWS limits to a request rate per account and region (Security Hub's
//! `BatchEnableStandards` and `BatchDisableStandards`: 1 request per second). Several baselines reaching the
//! same account share the slots, so they never trip the limit between them.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Next free slot per key.
#[derive(Debug, Default)]
pub struct Slots {
    next: HashMap<String, Instant>,
}

impl Slots {
    /// Reserve the first slot for `key` at or after `now`; the slot after it is `interval` later.
    pub fn reserve(&mut self, key: &str, now: Instant, interval: Duration) -> Instant {
        let at = self
            .next
            .get(key)
            .copied()
            .filter(|t| *t > now)
            .unwrap_or(now);
        self.next.insert(key.to_string(), at + interval);
        // Keys whose slot has passed carry no information any more.
        self.next.retain(|_, t| *t > now);
        at
    }
}

static SLOTS: LazyLock<Mutex<Slots>> = LazyLock::new(|| Mutex::new(Slots::default()));

/// Wait for this caller's slot: at most one call per `interval` per `key` in this process.
pub async fn wait(key: &str, interval: Duration) {
    let at = {
        // A poisoned lock only means another task panicked while holding it; the map is still usable.
        let mut slots = SLOTS.lock().unwrap_or_else(|e| e.into_inner());
        slots.reserve(key, Instant::now(), interval)
    };
    tokio::time::sleep_until(at).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_per_key() {
        let mut s = Slots::default();
        let t0 = Instant::now();
        let second = Duration::from_secs(1);
        assert_eq!(s.reserve("a/us-east-1", t0, second), t0);
        assert_eq!(s.reserve("a/us-east-1", t0, second), t0 + second);
        assert_eq!(s.reserve("a/us-east-1", t0, second), t0 + 2 * second);
        // Another region (or account) has its own slots.
        assert_eq!(s.reserve("a/eu-west-1", t0, second), t0);
        // Once the reserved slots have passed, a call goes at once.
        let later = t0 + 10 * second;
        assert_eq!(s.reserve("a/us-east-1", later, second), later);
        assert_eq!(s.next.len(), 1);
    }
}
