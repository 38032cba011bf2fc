//! Event buffers between the caller's threads and the flusher: usage counts harvested
//! from replaced snapshots, custom metric events, and the variants recently served to
//! each context for watched flags. Every buffer is bounded; what does not fit is
//! dropped and counted.
//!
//! The evaluation path only ever `try_lock`s here (to remember a watched flag's
//! variant), so it never waits.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use time::OffsetDateTime;

use crate::loaded::{Loaded, Served};

pub(crate) use vexil_core::wire::{MAX_BATCH_ENTRIES, UsageEntry, event_key_ok};
/// Largest count the server takes in one usage entry.
const MAX_COUNT: u64 = 1_000_000_000;
/// The server refuses times older than 48 hours; keep a margin.
const MAX_EVENT_AGE: time::Duration = time::Duration::hours(47);

/// Usage counts waiting to be sent.
#[derive(Debug, Default)]
struct UsagePending {
    /// When the counts started accumulating.
    since: Option<OffsetDateTime>,
    counts: HashMap<String, HashMap<String, u64>>,
    entries: usize,
}

/// One custom metric event.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MetricEvent {
    pub(crate) event: String,
    pub(crate) value: f64,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) at: OffsetDateTime,
    pub(crate) variants: std::collections::BTreeMap<String, String>,
}

/// The variants served to each context key for watched flags, oldest keys evicted
/// first.
#[derive(Debug, Default)]
struct ServedMemory {
    by_key: HashMap<Box<str>, Vec<Served>>,
    order: VecDeque<Box<str>>,
}

/// Everything waiting for the flusher.
#[derive(Debug)]
pub(crate) struct Events {
    enabled: bool,
    max_usage_entries: usize,
    max_metrics: usize,
    max_contexts: usize,
    watch: Box<[String]>,
    usage: Mutex<UsagePending>,
    metrics: Mutex<VecDeque<MetricEvent>>,
    served: Mutex<ServedMemory>,
    /// The snapshot replaced last: readers that loaded it just before the swap may
    /// still count into it, so it is drained once more at the next flush.
    grace: Mutex<Option<Arc<Loaded>>>,
    pub(crate) dropped: AtomicU64,
}

/// A batch waiting for `POST /sdk/v1/events`, kept with typed times so that an unsent
/// one can go back into the buffers; [`Batch::to_wire`] is what is sent.
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) window: Window,
    pub(crate) usage: Vec<UsageEntry>,
    pub(crate) metrics: Vec<MetricEvent>,
}

/// The period usage counts cover.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub(crate) start: OffsetDateTime,
    pub(crate) end: OffsetDateTime,
}

fn rfc3339(t: OffsetDateTime) -> String {
    // Formatting a valid UTC time as RFC 3339 cannot fail; fall back to the Unix time
    // rather than panic.
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

impl Batch {
    /// The batch as the wire protocol defines it, naming the application.
    pub(crate) fn to_wire(
        &self,
        application: Option<vexil_core::wire::Application>,
    ) -> vexil_core::wire::EventBatch {
        vexil_core::wire::EventBatch {
            window: Some(vexil_core::wire::Window {
                start: rfc3339(self.window.start),
                end: rfc3339(self.window.end),
            }),
            usage: self.usage.clone(),
            metrics: self
                .metrics
                .iter()
                .map(|m| vexil_core::wire::MetricEntry {
                    event: m.event.clone(),
                    value: m.value,
                    at: Some(rfc3339(m.at)),
                    variants: m.variants.clone(),
                })
                .collect(),
            application,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Sizes of the event buffers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_usage_entries: usize,
    pub(crate) max_metrics: usize,
    pub(crate) max_contexts: usize,
}

impl Events {
    pub(crate) fn new(enabled: bool, limits: Limits, watch: Vec<String>) -> Events {
        Events {
            enabled,
            max_usage_entries: limits.max_usage_entries,
            max_metrics: limits.max_metrics,
            max_contexts: limits.max_contexts,
            watch: watch.into_boxed_slice(),
            usage: Mutex::default(),
            metrics: Mutex::default(),
            served: Mutex::default(),
            grace: Mutex::default(),
            dropped: AtomicU64::new(0),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// The watched flags, in watch order.
    pub(crate) fn watched(&self) -> &[String] {
        &self.watch
    }

    fn drop_n(&self, n: usize) {
        if n > 0 {
            self.dropped.fetch_add(n as u64, Relaxed);
        }
    }

    /// Remembers a watched flag's variant for a context key. Never waits: when the
    /// memory is busy the record is dropped and counted.
    pub(crate) fn remember(&self, key: &str, served: Served) {
        let Ok(mut memory) = self.served.try_lock() else {
            self.drop_n(1);
            return;
        };
        if let Some(list) = memory.by_key.get_mut(key) {
            match list.iter_mut().find(|s| s.watch == served.watch) {
                Some(s) if s.variant == served.variant => {}
                Some(s) => s.variant = served.variant,
                None => list.push(served),
            }
            return;
        }
        if memory.order.len() >= self.max_contexts {
            if let Some(oldest) = memory.order.pop_front() {
                memory.by_key.remove(&oldest);
            }
        }
        let key: Box<str> = key.into();
        memory.order.push_back(key.clone());
        memory.by_key.insert(key, vec![served]);
    }

    /// The watched flags' variants last served to a context key.
    pub(crate) fn variants_for(&self, key: Option<&str>) -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        let Some(key) = key else { return out };
        let memory = lock(&self.served);
        for s in memory.by_key.get(key).into_iter().flatten() {
            if let Some(flag) = self.watch.get(s.watch as usize) {
                out.insert(flag.clone(), s.variant.to_string());
            }
        }
        out
    }

    /// Queues a metric event; `false` when the buffer is full (the event is dropped).
    pub(crate) fn push_metric(&self, event: MetricEvent) -> bool {
        let mut q = lock(&self.metrics);
        if q.len() >= self.max_metrics {
            drop(q);
            self.drop_n(1);
            return false;
        }
        q.push_back(event);
        true
    }

    /// Adds a snapshot's counts to the pending usage.
    fn harvest(&self, loaded: &Loaded, pending: &mut UsagePending) {
        let mut dropped = 0usize;
        loaded.drain_usage(|flag, variant, n| {
            pending.since.get_or_insert_with(OffsetDateTime::now_utc);
            match pending.counts.get_mut(flag).and_then(|v| v.get_mut(variant)) {
                Some(c) => *c = c.saturating_add(n),
                None if pending.entries >= self.max_usage_entries => dropped += 1,
                None => {
                    pending.counts.entry(flag.to_owned()).or_default().insert(variant.to_owned(), n);
                    pending.entries += 1;
                }
            }
        });
        self.drop_n(dropped);
    }

    /// Called when `old` is swapped out: its counts join the pending usage now, and
    /// once more at the next flush for increments that raced the swap.
    pub(crate) fn retire(&self, old: Arc<Loaded>) {
        if !self.enabled {
            return;
        }
        let previous = lock(&self.grace).replace(old.clone());
        let mut pending = lock(&self.usage);
        if let Some(previous) = previous {
            self.harvest(&previous, &mut pending);
        }
        self.harvest(&old, &mut pending);
    }

    /// Takes everything to send: usage counted so far (from `current` and replaced
    /// snapshots) and queued metrics, split into batches the server accepts.
    pub(crate) fn take_batches(&self, current: Option<&Loaded>) -> Vec<Batch> {
        let grace = lock(&self.grace).take();
        let pending = {
            let mut pending = lock(&self.usage);
            if let Some(g) = &grace {
                self.harvest(g, &mut pending);
            }
            if let Some(c) = current {
                self.harvest(c, &mut pending);
            }
            std::mem::take(&mut *pending)
        };
        let metrics: Vec<MetricEvent> = lock(&self.metrics).drain(..).collect();
        let now = OffsetDateTime::now_utc();
        let oldest = now - MAX_EVENT_AGE;
        let start = pending.since.unwrap_or(now).max(oldest);
        let mut usage = Vec::with_capacity(pending.entries);
        for (flag, variants) in pending.counts {
            for (variant, mut count) in variants {
                while count > 0 {
                    let n = count.min(MAX_COUNT);
                    usage.push(UsageEntry { flag: flag.clone(), variant: variant.clone(), count: n });
                    count -= n;
                }
            }
        }
        let before = metrics.len();
        let metrics: Vec<MetricEvent> = metrics.into_iter().filter(|m| m.at > oldest).collect();
        self.drop_n(before - metrics.len());
        let mut batches = Vec::new();
        let mut usage = usage.into_iter().peekable();
        let mut metrics = metrics.into_iter().peekable();
        while usage.peek().is_some() || metrics.peek().is_some() {
            batches.push(Batch {
                window: Window { start, end: now },
                usage: usage.by_ref().take(MAX_BATCH_ENTRIES).collect(),
                metrics: metrics.by_ref().take(MAX_BATCH_ENTRIES).collect(),
            });
        }
        batches
    }

    /// Puts back a batch that could not be sent (the server was unreachable), within
    /// the buffers' bounds.
    pub(crate) fn restore(&self, batch: Batch) {
        {
            let mut guard = lock(&self.usage);
            let pending = &mut *guard;
            let since = pending.since.map_or(batch.window.start, |s| s.min(batch.window.start));
            pending.since = Some(since);
            let mut dropped = 0;
            for u in batch.usage {
                match pending.counts.get_mut(&u.flag).and_then(|v| v.get_mut(&u.variant)) {
                    Some(c) => *c = c.saturating_add(u.count),
                    None if pending.entries >= self.max_usage_entries => dropped += 1,
                    None => {
                        pending.counts.entry(u.flag).or_default().insert(u.variant, u.count);
                        pending.entries += 1;
                    }
                }
            }
            self.drop_n(dropped);
        }
        let mut q = lock(&self.metrics);
        let room = self.max_metrics.saturating_sub(q.len());
        let n = batch.metrics.len();
        // Older events go back in front, so that the queue stays in time order.
        for m in batch.metrics.into_iter().take(room).rev() {
            q.push_front(m);
        }
        drop(q);
        self.drop_n(n.saturating_sub(room));
    }

    /// Counts a batch the server refused as dropped.
    pub(crate) fn discard(&self, batch: &Batch) -> usize {
        let n = batch.usage.len() + batch.metrics.len();
        self.drop_n(n);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vexil_core::CompiledSnapshot;

    fn loaded(watch: &[String]) -> Loaded {
        let json = serde_json::json!({"environment": "production", "version": 1, "flags": [
            {"key": "a", "kind": "boolean", "salt": "s",
             "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
             "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}}}]});
        Loaded::from_compiled(CompiledSnapshot::from_json(json.to_string().as_bytes()).unwrap(), watch)
    }

    fn limits(n: usize) -> Limits {
        Limits { max_usage_entries: n, max_metrics: n, max_contexts: n }
    }

    fn metric(at: OffsetDateTime) -> MetricEvent {
        MetricEvent { event: "e".into(), value: 1.0, at, variants: Default::default() }
    }

    #[test]
    fn counts_of_replaced_snapshots_are_sent_with_the_current_ones() {
        let events = Events::new(true, limits(100), vec![]);
        let old = Arc::new(loaded(&[]));
        old.count(0, 0);
        old.count(0, 0);
        events.retire(old.clone());
        // An increment that raced the swap.
        old.count(0, 0);
        let current = loaded(&[]);
        current.count(0, 0);
        current.count(0, 1);
        let batches = events.take_batches(Some(&current));
        assert_eq!(batches.len(), 1);
        let mut usage = batches[0].usage.clone();
        usage.sort_by(|a, b| a.variant.cmp(&b.variant));
        assert_eq!(
            usage,
            [
                UsageEntry { flag: "a".into(), variant: "off".into(), count: 1 },
                UsageEntry { flag: "a".into(), variant: "on".into(), count: 4 },
            ]
        );
        assert!(events.take_batches(Some(&current)).is_empty(), "everything was taken");
    }

    #[test]
    fn the_metric_buffer_is_bounded_and_counts_what_it_drops() {
        let events = Events::new(true, limits(2), vec![]);
        let now = OffsetDateTime::now_utc();
        assert!(events.push_metric(metric(now)));
        assert!(events.push_metric(metric(now)));
        assert!(!events.push_metric(metric(now)));
        assert_eq!(events.dropped.load(Relaxed), 1);
        let batch = events.take_batches(None).pop().unwrap();
        assert_eq!(batch.metrics.len(), 2);
        events.push_metric(metric(now));
        events.restore(batch);
        assert_eq!(events.dropped.load(Relaxed), 2, "one restored event did not fit");
    }

    #[test]
    fn batches_respect_the_server_limit_and_old_metrics_are_dropped() {
        let events = Events::new(true, limits(25_000), vec![]);
        let now = OffsetDateTime::now_utc();
        for _ in 0..MAX_BATCH_ENTRIES + 5 {
            events.push_metric(metric(now));
        }
        events.push_metric(metric(now - time::Duration::hours(50)));
        let batches = events.take_batches(None);
        assert_eq!(batches.iter().map(|b| b.metrics.len()).collect::<Vec<_>>(), [MAX_BATCH_ENTRIES, 5]);
        assert_eq!(events.dropped.load(Relaxed), 1);
        assert!(batches[0].window.start <= batches[0].window.end);
    }

    #[test]
    fn the_served_memory_keeps_the_latest_variant_and_evicts_the_oldest_key() {
        let events = Events::new(true, limits(2), vec!["a".into()]);
        let l = loaded(&["a".to_owned()]);
        events.remember("u1", l.count(0, 0).unwrap());
        events.remember("u1", l.count(0, 1).unwrap());
        assert_eq!(events.variants_for(Some("u1")).get("a").map(String::as_str), Some("off"));
        events.remember("u2", l.count(0, 0).unwrap());
        events.remember("u3", l.count(0, 0).unwrap());
        assert!(events.variants_for(Some("u1")).is_empty(), "u1 was evicted");
        assert_eq!(events.variants_for(Some("u3")).len(), 1);
        assert!(events.variants_for(None).is_empty());
    }

    #[test]
    fn event_keys_follow_the_server_rule() {
        assert!(event_key_ok("checkout:completed/v2"));
        assert!(!event_key_ok(""));
        assert!(!event_key_ok("has space"));
        assert!(!event_key_ok(&"x".repeat(129)));
    }
}
