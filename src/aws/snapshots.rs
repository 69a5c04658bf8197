//! Account-wide reads shared by every object of the process that needs them: one paginated `DescribeAlarms` of
//! all the operator's alarms of an account and Region answers every MonitoringPolicy there, instead of one read
//! per policy. A snapshot is taken at most once per `max_age` per key (callers waiting on a read in progress get
//! its answer), and dropped when the process writes what it describes, so a pass never trusts a snapshot older
//! than its own last write.
//!
//! Which passes may use a snapshot, and how old, is the engine's decision (`engine::monitoring`): the periodic
//! drift checks of objects already in sync; never a pass after a spec change, a change event, or drift.

use crate::aws::AwsError;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

type Slot = Arc<tokio::sync::Mutex<Option<(Instant, Arc<dyn Any + Send + Sync>)>>>;

/// Snapshots by key (`<account>/<region>/<what>`).
#[derive(Clone, Debug, Default)]
pub struct Snapshots {
    slots: Arc<Mutex<HashMap<String, Slot>>>,
}

impl Snapshots {
    fn slot(&self, key: &str) -> Slot {
        self.slots
            .lock()
            .expect("snapshot map poisoned")
            .entry(key.to_string())
            .or_default()
            .clone()
    }

    /// The snapshot under `key` if it is younger than `max_age`, else a new one from `read` (one reader at a time
    /// per key: the others wait and share its answer). A failed read stores nothing.
    pub async fn get<T, F, Fut>(
        &self,
        key: &str,
        max_age: Duration,
        read: F,
    ) -> Result<Arc<T>, AwsError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        let slot = self.slot(key);
        let mut held = slot.lock().await;
        if let Some((at, value)) = held.as_ref() {
            if at.elapsed() < max_age {
                if let Ok(v) = value.clone().downcast::<T>() {
                    return Ok(v);
                }
            }
        }
        let taken = Instant::now();
        let value = Arc::new(read().await?);
        *held = Some((taken, value.clone()));
        Ok(value)
    }

    /// Forget the snapshot under `key` (the process just changed what it describes). A read in progress stores its
    /// answer in the slot it started with, which no later caller finds.
    pub fn invalidate(&self, key: &str) {
        self.slots
            .lock()
            .expect("snapshot map poisoned")
            .remove(key);
    }

    /// How many keys hold a slot.
    pub fn len(&self) -> usize {
        self.slots.lock().expect("snapshot map poisoned").len()
    }

    /// True when no key holds a slot.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn read(s: &Snapshots, key: &str, max_age: Duration, n: &AtomicUsize) -> Arc<usize> {
        s.get(key, max_age, || async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            Ok(n.fetch_add(1, Ordering::SeqCst))
        })
        .await
        .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_readers_share_one_read_until_it_ages() {
        let s = Snapshots::default();
        let n = AtomicUsize::new(0);
        let minute = Duration::from_secs(60);
        let (a, b, c) = tokio::join!(
            read(&s, "1/us-east-1/alarms", minute, &n),
            read(&s, "1/us-east-1/alarms", minute, &n),
            read(&s, "1/us-east-1/alarms", minute, &n),
        );
        assert_eq!((*a, *b, *c), (0, 0, 0));
        assert_eq!(n.load(Ordering::SeqCst), 1);
        // Another account or region is another read.
        assert_eq!(*read(&s, "1/eu-west-1/alarms", minute, &n).await, 1);
        // Still young: shared. Aged: read again.
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(*read(&s, "1/us-east-1/alarms", minute, &n).await, 0);
        tokio::time::advance(Duration::from_secs(31)).await;
        assert_eq!(*read(&s, "1/us-east-1/alarms", minute, &n).await, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_drops_the_snapshot_and_a_failed_read_keeps_nothing() {
        let s = Snapshots::default();
        let n = AtomicUsize::new(0);
        let hour = Duration::from_secs(3600);
        assert_eq!(*read(&s, "k", hour, &n).await, 0);
        s.invalidate("k");
        assert_eq!(*read(&s, "k", hour, &n).await, 1);
        s.invalidate("k");
        let failed: Result<Arc<usize>, _> = s
            .get("k", hour, || async {
                Err(AwsError::new(
                    "cloudwatch",
                    "DescribeAlarms",
                    crate::aws::ErrorCategory::Throttled,
                    "slow down",
                ))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(*read(&s, "k", hour, &n).await, 2);
    }
}
