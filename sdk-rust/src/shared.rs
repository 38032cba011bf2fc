//! State shared by the client handles and the background thread. The background thread
//! is the only writer of the snapshot; readers never take a lock.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwapOption;
use tokio::sync::{Notify, broadcast};

use crate::error::{Error, PersistError};
use crate::events::Events;
use crate::loaded::Loaded;
use crate::status::{Counters, Stats, Status, StatusCell, StatusInputs};

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
    last_error: Mutex<Option<Arc<Error>>>,
    persist_error: Mutex<Option<Arc<PersistError>>>,
    offline: bool,
    closed: AtomicBool,
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
    pub(crate) fn new(status: StatusCell, events: Events, offline: bool) -> Shared {
        Shared {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            snapshot: ArcSwapOption::empty(),
            generation: AtomicU64::new(0),
            status,
            counters: Counters::default(),
            events,
            changes: broadcast::Sender::new(64),
            flush_now: Notify::new(),
            last_error: Mutex::new(None),
            persist_error: Mutex::new(None),
            offline,
            closed: AtomicBool::new(false),
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
        tracing::warn!(error = %Chain(&e), "vexil");
        *self.last_error.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(e));
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
            offline: self.offline,
            closed: self.closed.load(Ordering::Acquire),
        })
    }

    pub(crate) fn mark_closed(&self) {
        self.closed.store(true, Ordering::Release);
        self.refresh_status();
    }

    pub(crate) fn stats(&self) -> Stats {
        self.counters.snapshot(self.events.dropped.load(Ordering::Relaxed))
    }
}
