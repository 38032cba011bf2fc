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

/// What each positional usage counter of one configuration stands for: counter `i`
/// counts one flag serving one variant. Built once per configuration (with its OFREP
/// pieces), so that counting a bulk answer adds one to an array slot per flag instead
/// of hashing two strings. The names sit in one string, each counter's two after the
/// previous counter's: about 8 bytes per counter besides the names themselves.
#[derive(Debug, Default)]
pub struct CounterNames {
    text: String,
    /// Per counter: where its flag key and its variant key end in `text`.
    ends: Vec<(u32, u32)>,
}

impl CounterNames {
    /// Adds the next counter: `flag` serving `variant`. A name that would not fit the
    /// 4 GiB the offsets address is stored empty (the counter then counts nothing).
    pub fn push(&mut self, flag: &str, variant: &str) {
        let start = self.text.len();
        if u32::try_from(start + flag.len() + variant.len()).is_ok() {
            self.text.push_str(flag);
            self.text.push_str(variant);
        }
        let flag_end = u32::try_from((start + flag.len()).min(self.text.len())).unwrap_or(u32::MAX);
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.ends.push((flag_end, end));
    }

    /// Releases the spare capacity once every counter is in.
    pub fn shrink(mut self) -> CounterNames {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self
    }

    /// Number of counters.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no counters.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The (flag, variant) of each counter, in counter order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = 0;
        self.ends.iter().map(move |&(flag_end, end)| {
            let (flag_end, end) = (flag_end as usize, end as usize);
            let flag = self.text.get(start..flag_end).unwrap_or("");
            let variant = self.text.get(flag_end..end).unwrap_or("");
            start = end;
            (flag, variant)
        })
    }
}

/// Positional counts against one configuration's [`CounterNames`], for one environment
/// and minute.
#[derive(Debug)]
struct Positional {
    environment_id: i64,
    minute: i64,
    names: Arc<CounterNames>,
    counts: Vec<u64>,
}

/// How many positional tables a shard keeps before it folds the oldest into its counts
/// by name: each configuration an environment serves in a flush period starts one, and
/// a table holds a slot per variant, so a burst of changes must not grow them unbounded.
const POSITIONAL_PER_SHARD: usize = 4;

/// One shard: counts by name, and positional tables.
#[derive(Debug, Default)]
struct Shard {
    named: Counts,
    positional: Vec<Positional>,
}

impl Shard {
    /// Adds one to each counter of `names` in `counters` for `environment_id` and
    /// `minute`, in the table for that configuration (started, and the oldest table
    /// folded when the shard holds too many, if there is none yet).
    fn count_positions(
        &mut self,
        environment_id: i64,
        minute: i64,
        names: &Arc<CounterNames>,
        counters: impl IntoIterator<Item = u32>,
    ) {
        let found = self.positional.iter().rposition(|t| {
            t.environment_id == environment_id && t.minute == minute && Arc::ptr_eq(&t.names, names)
        });
        let at = match found {
            Some(at) => at,
            None => {
                if self.positional.len() >= POSITIONAL_PER_SHARD {
                    let oldest = self.positional.remove(0);
                    self.fold(oldest);
                }
                self.positional.push(Positional {
                    environment_id,
                    minute,
                    names: names.clone(),
                    counts: vec![0; names.len()],
                });
                self.positional.len() - 1
            }
        };
        let counts = &mut self.positional[at].counts;
        for c in counters {
            if let Some(n) = counts.get_mut(c as usize) {
                *n += 1;
            }
        }
    }

    /// Everything counted, by name: the positional tables folded in.
    fn into_named(mut self) -> Counts {
        for table in std::mem::take(&mut self.positional) {
            self.fold(table);
        }
        self.named
    }

    /// Adds a positional table's counts to the counts by name.
    fn fold(&mut self, table: Positional) {
        let flags = self.named.entry((table.environment_id, table.minute)).or_default();
        for ((flag, variant), &n) in table.names.iter().zip(&table.counts) {
            if n != 0 {
                add(flags, flag, variant, i64::try_from(n).unwrap_or(i64::MAX));
            }
        }
    }
}

/// Adds `n` evaluations of `flag` serving `variant`. Allocates only the first time a
/// flag or variant is seen in a period.
fn add(flags: &mut FlagCounts, flag: &str, variant: &str, n: i64) {
    let variants = match flags.get_mut(flag) {
        Some(v) => v,
        None => flags.entry(flag.to_owned()).or_default(),
    };
    match variants.get_mut(variant) {
        Some(count) => *count += n,
        None => {
            variants.insert(variant.to_owned(), n);
        }
    }
}

/// Independent count tables: each request thread counts into its own, so that counting
/// a bulk answer (a thousand flags) never makes the other threads wait.
const SHARDS: usize = 16;

/// Evaluations counted since the last write.
#[derive(Debug)]
pub struct UsageBuffer {
    store: Store,
    shards: [Mutex<Shard>; SHARDS],
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
        let buffer =
            Arc::new(UsageBuffer { store, shards: std::array::from_fn(|_| Mutex::new(Shard::default())) });
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
        let mut shard = self.shards[shard()].lock().unwrap_or_else(|e| e.into_inner());
        let flags = shard.named.entry((environment_id, minute)).or_default();
        for (flag, variant) in served {
            add(flags, flag, variant, 1);
        }
    }

    /// Counts one evaluation per counter of `names` (positions from
    /// [`crate::stream::pieces::FlagPieces::first_counter`] plus the variant index), now.
    /// A position outside `names` is ignored.
    pub fn record_counters(
        &self,
        environment_id: i64,
        names: &Arc<CounterNames>,
        counters: impl IntoIterator<Item = u32>,
    ) {
        let mut counters = counters.into_iter().peekable();
        if counters.peek().is_none() {
            return;
        }
        let minute = Timestamp::now().0 / 60_000;
        let mut shard = self.shards[shard()].lock().unwrap_or_else(|e| e.into_inner());
        shard.count_positions(environment_id, minute, names, counters);
    }

    /// Writes what was counted. A failed write is logged and its counts dropped: usage is
    /// a statistic, and holding counts through a long outage would grow without bound.
    pub async fn flush(&self) {
        let taken: Vec<Counts> = self
            .shards
            .iter()
            .map(|s| std::mem::take(&mut *s.lock().unwrap_or_else(|e| e.into_inner())).into_named())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(flags: &[(&str, &[&str])]) -> Arc<CounterNames> {
        let mut out = CounterNames::default();
        for (flag, variants) in flags {
            for v in *variants {
                out.push(flag, v);
            }
        }
        Arc::new(out.shrink())
    }

    fn count(counts: &Counts, key: (i64, i64), flag: &str, variant: &str) -> i64 {
        counts.get(&key).and_then(|f| f.get(flag)).and_then(|v| v.get(variant)).copied().unwrap_or(0)
    }

    #[test]
    fn counter_names_read_back_as_pushed() {
        let pushed = [("a", "on"), ("a", ""), ("flag-ünï", "x"), ("", ""), ("b", "off")];
        let mut names = CounterNames::default();
        for (flag, variant) in pushed {
            names.push(flag, variant);
        }
        let names = names.shrink();
        assert_eq!(names.len(), pushed.len());
        assert_eq!(names.iter().collect::<Vec<_>>(), pushed);
    }

    #[test]
    fn positional_counts_fold_into_the_counts_by_name() {
        let config = names(&[("a", &["on", "off"]), ("b", &["x", "y", "z"])]);
        let mut shard = Shard::default();
        // Two bulk answers: a→on, b→z; then a→off, b→z. One position out of range.
        shard.count_positions(7, 100, &config, [0, 4]);
        shard.count_positions(7, 100, &config, [1, 4, 99]);
        // The same environment and minute by name (a single-flag answer).
        shard.named.entry((7, 100)).or_default().entry("a".into()).or_default().insert("on".into(), 2);
        // Another minute is another table.
        shard.count_positions(7, 101, &config, [2]);
        assert_eq!(shard.positional.len(), 2);
        let counts = shard.into_named();
        assert_eq!(count(&counts, (7, 100), "a", "on"), 3);
        assert_eq!(count(&counts, (7, 100), "a", "off"), 1);
        assert_eq!(count(&counts, (7, 100), "b", "z"), 2);
        assert_eq!(count(&counts, (7, 100), "b", "x"), 0);
        assert!(!counts[&(7, 100)]["b"].contains_key("x"), "a counter never hit writes nothing");
        assert_eq!(count(&counts, (7, 101), "b", "x"), 1);
    }

    #[test]
    fn a_shard_keeps_few_positional_tables_and_loses_no_count() {
        let mut shard = Shard::default();
        let configs: Vec<_> = (0..10).map(|_| names(&[("a", &["on", "off"])])).collect();
        for config in &configs {
            shard.count_positions(1, 5, config, [0, 1, 1]);
        }
        assert_eq!(shard.positional.len(), POSITIONAL_PER_SHARD);
        let counts = shard.into_named();
        assert_eq!(count(&counts, (1, 5), "a", "on"), 10);
        assert_eq!(count(&counts, (1, 5), "a", "off"), 20);
    }
}
