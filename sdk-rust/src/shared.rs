//! State shared by the client handles and the background thread. The background thread
//! is the only writer of the snapshot; readers never take a lock.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tokio::sync::{Notify, broadcast};
use vexil_core::{LenientCompile, Object};

use crate::apply::{Source, changed_flags, recompiled_keys};
use crate::error::{Error, FlushError, PersistError};
use crate::events::Events;
use crate::hooks::Hook;
use crate::listen::Listeners;
use crate::loaded::Loaded;
use crate::status::{Counters, Origin, Stats, Status, StatusCell, StatusInputs};

/// Flags whose evaluation may have changed, after a new snapshot was installed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlagsChanged {
    /// The environment version now served.
    pub version: u64,
    /// The flags added, removed or changed, including flags using a changed segment
    /// or prerequisite. Sorted.
    pub flags: Arc<[String]>,
}

/// Source of client ids: thread-local caches are keyed by them, so a client allocated
/// where a dropped one lived is never mistaken for it.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) id: u64,
    /// The truth: the snapshot served. Replaced whole by the background thread.
    snapshot: ArcSwapOption<Loaded>,
    /// Bumped after every replacement, so that readers' thread-local copies can tell
    /// they are current with one plain load.
    generation: AtomicU64,
    pub(crate) status: StatusCell,
    pub(crate) counters: Counters,
    pub(crate) events: Events,
    pub(crate) changes: broadcast::Sender<FlagsChanged>,
    pub(crate) flush_now: Notify,
    /// Flushes asked for by [`crate::Client::flush_blocking`], and those done.
    flush_requested: AtomicU64,
    flush_done: Mutex<FlushDone>,
    flush_cond: Condvar,
    pub(crate) hooks: Box<[Arc<dyn Hook>]>,
    pub(crate) listeners: Listeners,
    origin: Mutex<Option<Origin>>,
    /// The status of the server's last refusal of the key (401/403), 0 when accepted.
    key_refused: AtomicU16,
    last_error: Mutex<Option<Arc<Error>>>,
    /// The last error of loading flag data from the server (the cause of a start-up
    /// that times out).
    last_load_error: Mutex<Option<Arc<Error>>>,
    persist_error: Mutex<Option<Arc<PersistError>>>,
    offline: bool,
    closed: AtomicBool,
}

#[derive(Debug, Default)]
struct FlushDone {
    /// The highest request number a finished flush covered.
    covered: u64,
    /// Its error, if it did not deliver everything.
    error: Option<Arc<Error>>,
}

/// Displays an error with its chain of sources.
pub(crate) struct Chain<'a>(pub(crate) &'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl Shared {
    pub(crate) fn new(
        status: StatusCell,
        events: Events,
        offline: bool,
        hooks: Box<[Arc<dyn Hook>]>,
    ) -> Shared {
        Shared {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            snapshot: ArcSwapOption::empty(),
            generation: AtomicU64::new(0),
            status,
            counters: Counters::default(),
            events,
            changes: broadcast::Sender::new(64),
            flush_now: Notify::new(),
            flush_requested: AtomicU64::new(0),
            flush_done: Mutex::default(),
            flush_cond: Condvar::new(),
            hooks,
            listeners: Listeners::default(),
            origin: Mutex::new(None),
            key_refused: AtomicU16::new(0),
            last_error: Mutex::new(None),
            last_load_error: Mutex::new(None),
            persist_error: Mutex::new(None),
            offline,
            closed: AtomicBool::new(false),
        }
    }

    /// Shared state for driving the worker's path without a worker (tests and the
    /// benchmarks' entry point): usage events on, every event buffer `limit` long, no
    /// watched flags, no hooks.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn without_worker(limit: usize) -> Shared {
        let limits =
            crate::events::Limits { max_usage_entries: limit, max_metrics: limit, max_contexts: limit };
        Shared::new(
            StatusCell::new(Status::Initializing, Duration::from_secs(300)),
            Events::new(true, limits, Vec::new()),
            false,
            Box::new([]),
        )
    }

    /// Installs a compiled snapshot and tells everyone who cares: change subscribers,
    /// value-change listeners, the status. `old` is the source it replaces, to find
    /// the flags that changed; `named`, when known, the flags and segments whose data
    /// may differ between the two (see [`changed_flags`]). Listeners run on the calling
    /// thread.
    pub(crate) fn install(
        &self,
        old: Option<&Source>,
        new: &Source,
        named: Option<&[Object]>,
        compiled: LenientCompile,
        origin: Origin,
    ) {
        let version = new.snapshot.version;
        let previous = self.load();
        let failed_before: Vec<String> = previous.as_deref().map(failed_keys).unwrap_or_default();
        let loaded = Arc::new(Loaded::next(previous.as_deref(), compiled, self.events.watched()));
        let wanted = self.changes.receiver_count() > 0 || !self.listeners.is_empty();
        let changed = wanted.then(|| {
            let recompiled =
                named.and(previous.as_deref()).and_then(|p| recompiled_keys(&p.compiled, &loaded.compiled));
            changed_flags(old, new, named, recompiled.as_deref())
        });
        drop(previous);
        let failed_now: Vec<String> = failed_keys(&loaded);
        if failed_now != failed_before && !failed_now.is_empty() {
            tracing::warn!(
                environment.version = version,
                flags = ?failed_now,
                "vexil: flags that cannot be evaluated are served as errors; the rest is served"
            );
        }
        let current = loaded.clone();
        if let Some(old) = self.replace(loaded) {
            // Counts in counters the new version shares stay there, under the same
            // names: only counters left behind are harvested.
            if !old.shares_counters(&current) {
                self.events.retire(old);
            }
        }
        *self.origin.lock().unwrap_or_else(PoisonError::into_inner) = Some(origin);
        if origin == Origin::Server {
            self.key_refused.store(0, Ordering::Release);
        }
        self.refresh_status();
        if let Some(flags) = changed.filter(|f| !f.is_empty()) {
            self.listeners.notify(&current, &flags);
            // No receiver left is fine.
            let _ = self.changes.send(FlagsChanged { version, flags: flags.into() });
        }
        tracing::debug!(environment.version = version, origin = ?origin, "vexil: snapshot installed");
    }

    pub(crate) fn origin(&self) -> Option<Origin> {
        *self.origin.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Notes that the server refused the key (401/403).
    pub(crate) fn key_refused(&self, status: u16) {
        self.key_refused.store(status, Ordering::Release);
        self.refresh_status();
    }

    /// The status of the server's last refusal of the key, if it was refused last.
    pub(crate) fn refused_status(&self) -> Option<u16> {
        Some(self.key_refused.load(Ordering::Acquire)).filter(|s| *s != 0)
    }

    /// Numbers a flush request; flushes that start after this call cover it.
    pub(crate) fn request_flush(&self) -> u64 {
        let n = self.flush_requested.fetch_add(1, Ordering::AcqRel) + 1;
        self.flush_now.notify_one();
        n
    }

    /// The highest request number a flush starting now covers.
    pub(crate) fn flush_starting(&self) -> u64 {
        self.flush_requested.load(Ordering::Acquire)
    }

    /// Notes a finished flush that covered requests up to `covered`.
    pub(crate) fn flush_finished(&self, covered: u64, error: Option<Arc<Error>>) {
        let mut done = self.flush_done.lock().unwrap_or_else(PoisonError::into_inner);
        if covered >= done.covered {
            *done = FlushDone { covered, error };
        }
        self.flush_cond.notify_all();
    }

    /// Blocks until a flush covering `request` finished, or the timeout.
    pub(crate) fn wait_flush(&self, request: u64, timeout: Duration) -> Result<(), FlushError> {
        let done = self.flush_done.lock().unwrap_or_else(PoisonError::into_inner);
        let (done, result) = self
            .flush_cond
            .wait_timeout_while(done, timeout, |d| d.covered < request)
            .unwrap_or_else(PoisonError::into_inner);
        if result.timed_out() && done.covered < request {
            return Err(FlushError::TimedOut(timeout));
        }
        match &done.error {
            Some(e) => Err(FlushError::NotDelivered(e.clone())),
            None => Ok(()),
        }
    }

    /// Installs a snapshot; returns the one it replaces.
    pub(crate) fn replace(&self, loaded: Arc<Loaded>) -> Option<Arc<Loaded>> {
        let old = self.snapshot.swap(Some(loaded));
        self.generation.fetch_add(1, Ordering::Release);
        old
    }

    /// The generation of the snapshot; read before [`Shared::load`], a matching
    /// generation later means nothing was replaced in between.
    #[inline]
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The snapshot served, if any.
    pub(crate) fn load(&self) -> Option<Arc<Loaded>> {
        self.snapshot.load_full()
    }

    /// The snapshot served, without touching its reference count.
    pub(crate) fn load_guard(&self) -> arc_swap::Guard<Option<Arc<Loaded>>> {
        self.snapshot.load()
    }

    /// Logs an error and keeps it as the latest.
    pub(crate) fn record_error(&self, e: Error) {
        self.record_shared_error(Arc::new(e));
    }

    /// Like [`Shared::record_error`], for an error kept elsewhere too.
    pub(crate) fn record_shared_error(&self, e: Arc<Error>) {
        tracing::warn!(error = %Chain(&*e), "vexil");
        *self.last_error.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
    }

    /// Records a failure to load flag data from the server: kept as the latest error
    /// and as the cause a timed-out start-up reports.
    pub(crate) fn record_load_error(&self, e: Error) {
        if let Error::Unauthorized { status, .. } = e {
            self.key_refused(status);
        }
        let e = Arc::new(e);
        *self.last_load_error.lock().unwrap_or_else(PoisonError::into_inner) = Some(e.clone());
        self.record_shared_error(e);
    }

    pub(crate) fn last_load_error(&self) -> Option<Arc<Error>> {
        self.last_load_error.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Logs a persistence problem and keeps it, apart from other errors, until the
    /// file is next read or written successfully.
    pub(crate) fn record_persist_error(&self, e: PersistError) {
        let e = Arc::new(e);
        *self.persist_error.lock().unwrap_or_else(PoisonError::into_inner) = Some(e.clone());
        self.record_error(Error::Persistence(e));
    }

    pub(crate) fn clear_persist_error(&self) {
        *self.persist_error.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub(crate) fn persist_error(&self) -> Option<Arc<PersistError>> {
        self.persist_error.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn last_error(&self) -> Option<Arc<Error>> {
        self.last_error.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn refresh_status(&self) -> Status {
        self.status.refresh(StatusInputs {
            has_data: self.snapshot.load().is_some(),
            origin: self.origin(),
            key_refused: self.refused_status().is_some(),
            offline: self.offline,
            closed: self.closed.load(Ordering::Acquire),
        })
    }

    pub(crate) fn mark_closed(&self) {
        self.closed.store(true, Ordering::Release);
        self.refresh_status();
    }

    pub(crate) fn stats(&self) -> Stats {
        let failed = self.load_guard().as_deref().map_or(0, |l| l.failed_flags as u64);
        self.counters.snapshot(self.events.dropped.load(Ordering::Relaxed), failed)
    }
}

fn failed_keys(loaded: &Loaded) -> Vec<String> {
    loaded
        .failures
        .iter()
        .filter(|f| matches!(f.object, vexil_core::Object::Flag(_)))
        .map(|f| f.object.key().to_owned())
        .collect()
}
