//! Usage the server counts itself: evaluations it answers over OFREP, which no SDK
//! reports. Counted in memory per environment, flag, variant and minute, and written in
//! batches through the same store call as the SDKs' usage batches, so that the usage
//! chart and "last evaluated" (stale detection) see OpenFeature clients like SDK users.
//! It must not write per request: evaluation routes stay free of database writes.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustc_hash::FxHashMap;
use tokio_util::sync::CancellationToken;

use crate::store::{Store, Timestamp, UsageKey};

/// Counts by flag, then variant. FxHash, not SipHash: a bulk answer counts a thousand
/// flags, and the keys are the configuration's own (a request cannot choose them), so
/// there is no flooding to guard against.
type FlagCounts = FxHashMap<String, FxHashMap<String, i64>>;
/// Counts by (environment id, Unix minute).
type Counts = FxHashMap<(i64, i64), FlagCounts>;

/// Independent count tables: each request thread counts into its own, so that counting
/// a bulk answer (a thousand flags) never makes the other threads wait.
const SHARDS: usize = 16;

/// Evaluations counted since the last write.
#[derive(Debug)]
pub struct UsageBuffer {
    store: Store,
    shards: [Mutex<Counts>; SHARDS],
}

/// The shard of the calling thread.
fn shard() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

impl UsageBuffer {
    /// A buffer written every `every`, and once more when `shutdown` is cancelled.
    pub fn start(store: Store, every: Duration, shutdown: CancellationToken) -> Arc<UsageBuffer> {
        let buffer = Arc::new(UsageBuffer {
            store,
            shards: std::array::from_fn(|_| Mutex::new(FxHashMap::default())),
        });
        let flusher = buffer.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    _ = tick.tick() => flusher.flush().await,
                }
            }
        });
        buffer
    }

    /// Counts one evaluation per `(flag, variant)` pair, now.
    pub fn record<'a>(&self, environment_id: i64, served: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut served = served.into_iter().peekable();
        if served.peek().is_none() {
            return;
        }
        let minute = Timestamp::now().0 / 60_000;
        let mut counts = self.shards[shard()].lock().unwrap_or_else(|e| e.into_inner());
        let flags = counts.entry((environment_id, minute)).or_default();
        for (flag, variant) in served {
            // Allocates only the first time a flag or variant is seen in a period.
            let variants = match flags.get_mut(flag) {
                Some(v) => v,
                None => flags.entry(flag.to_owned()).or_default(),
            };
            match variants.get_mut(variant) {
                Some(n) => *n += 1,
                None => {
                    variants.insert(variant.to_owned(), 1);
                }
            }
        }
    }

    /// Writes what was counted. A failed write is logged and its counts dropped: usage is
    /// a statistic, and holding counts through a long outage would grow without bound.
    pub async fn flush(&self) {
        let taken: Vec<Counts> = self
            .shards
            .iter()
            .map(|s| std::mem::take(&mut *s.lock().unwrap_or_else(|e| e.into_inner())))
            .collect();
        let mut by_environment: BTreeMap<i64, BTreeMap<UsageKey, i64>> = BTreeMap::new();
        for ((environment_id, minute), flags) in taken.into_iter().flatten() {
            let usage = by_environment.entry(environment_id).or_default();
            for (flag, variants) in flags {
                for (variant, count) in variants {
                    *usage.entry(UsageKey { flag: flag.clone(), variant, minute }).or_default() += count;
                }
            }
        }
        for (environment_id, usage) in by_environment {
            if let Err(e) = self.store.record_usage(environment_id, &usage, &BTreeMap::new(), None).await {
                tracing::warn!(
                    environment.id = environment_id,
                    usage.entries = usage.len(),
                    error = %e,
                    "writing OFREP usage failed; these counts are lost"
                );
            }
        }
    }
}
