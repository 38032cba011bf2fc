//! The client's status (what the values it serves are worth) and its counters.
//!
//! The status lives in a `tokio::sync::watch` channel for async observers and behind a
//! mutex and condition variable for [`crate::Client::wait_until_ready_blocking`], which
//! must work without any runtime.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;

/// What the values a client serves are worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// No flag data yet: every call returns its default with `PROVIDER_NOT_READY`.
    Initializing,
    /// No flag data, and the server refused the SDK key (HTTP 401 or 403): every call
    /// returns its default. [`crate::Client::wait_until_ready`] returns
    /// [`crate::WaitError::Unauthorized`] at once. The client keeps retrying at its
    /// longest reconnection delay.
    Unauthorized,
    /// Flag data from the server is loaded and the server was in touch recently (or,
    /// for a client built on [`crate::TestData`], the test data is served).
    Ready,
    /// Flag data from the server is loaded but the server has not been in touch for
    /// longer than `max_staleness`; the values are still served.
    Stale,
    /// The snapshot of the persistence file is served because the server has not
    /// answered with data since the client started: the values may be old. Becomes
    /// [`Status::Ready`] when the server answers.
    Persisted,
    /// The bootstrap snapshot is served and the server has not answered with data yet.
    /// Becomes [`Status::Ready`] when it does.
    Bootstrap,
    /// Offline mode: the bootstrap snapshot is served and the server is never called.
    Offline,
    /// The client was closed; the last values are still served.
    Closed,
}

impl Status {
    /// Whether flag values (rather than defaults) are being served.
    pub fn has_data(self) -> bool {
        matches!(
            self,
            Status::Ready | Status::Stale | Status::Persisted | Status::Bootstrap | Status::Offline
        )
    }

    /// Whether waiting for data is over: data, or a state waiting will not change.
    pub(crate) fn ends_wait(self) -> bool {
        self.has_data() || matches!(self, Status::Closed | Status::Unauthorized)
    }

    /// Whether the values served come from the server in this process and are current
    /// ([`Status::Ready`]).
    pub fn is_current(self) -> bool {
        self == Status::Ready
    }
}

/// Where the snapshot served came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The bootstrap given to the builder.
    Bootstrap,
    /// The persistence file.
    Persisted,
    /// The server, in this process.
    Server,
    /// A [`crate::TestData`] source.
    TestData,
}

/// Counters describing what the client did, for monitoring and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Stats {
    /// Complete snapshots installed from the server (`/sdk/v1/config` answers with a
    /// body, and `snapshot` stream events).
    pub full_loads: u64,
    /// Change events applied from the stream.
    pub changes_applied: u64,
    /// Stream connections opened.
    pub stream_connects: u64,
    /// Stream reconnections with `Last-Event-ID`: connections after a previous one in
    /// this process that resume from the data last received (a resume unless the server
    /// answers with a snapshot, which `full_loads` counts). The first connection after
    /// the initial load is not counted, though it also sends `Last-Event-ID`.
    pub stream_resumes: u64,
    /// Configuration polls (`/sdk/v1/config` with `If-None-Match`).
    pub polls: u64,
    /// Polls answered `304 Not Modified`.
    pub not_modified: u64,
    /// Snapshots or changes rejected as invalid; the previous snapshot stayed.
    pub rejected_updates: u64,
    /// Snapshots installed from the persistence file.
    pub persisted_loads: u64,
    /// Event batches the server accepted.
    pub event_batches_sent: u64,
    /// Usage counts, metric events and served-variant records dropped (buffers full,
    /// batches refused, or too old to send).
    pub events_dropped: u64,
    /// Metric events [`crate::Client::track`] refused: an invalid event key or a value
    /// that is not finite.
    pub events_invalid: u64,
    /// Flags of the snapshot served that cannot be evaluated (their data does not
    /// parse or validate, or they use a segment or prerequisite that does not): each
    /// evaluates to `ERROR`. [`crate::Client::failures`] names them.
    pub failed_flags: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) full_loads: AtomicU64,
    pub(crate) changes_applied: AtomicU64,
    pub(crate) stream_connects: AtomicU64,
    pub(crate) stream_resumes: AtomicU64,
    pub(crate) polls: AtomicU64,
    pub(crate) not_modified: AtomicU64,
    pub(crate) rejected_updates: AtomicU64,
    pub(crate) persisted_loads: AtomicU64,
    pub(crate) event_batches_sent: AtomicU64,
    pub(crate) events_invalid: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self, events_dropped: u64, failed_flags: u64) -> Stats {
        Stats {
            full_loads: self.full_loads.load(Relaxed),
            changes_applied: self.changes_applied.load(Relaxed),
            stream_connects: self.stream_connects.load(Relaxed),
            stream_resumes: self.stream_resumes.load(Relaxed),
            polls: self.polls.load(Relaxed),
            not_modified: self.not_modified.load(Relaxed),
            rejected_updates: self.rejected_updates.load(Relaxed),
            persisted_loads: self.persisted_loads.load(Relaxed),
            event_batches_sent: self.event_batches_sent.load(Relaxed),
            events_dropped,
            events_invalid: self.events_invalid.load(Relaxed),
            failed_flags,
        }
    }
}

/// The status and what it is derived from.
#[derive(Debug)]
pub(crate) struct StatusCell {
    tx: watch::Sender<Status>,
    current: Mutex<Status>,
    changed: Condvar,
    started: Instant,
    /// Milliseconds after `started` of the last answer from the server.
    last_contact_ms: AtomicU64,
    max_staleness: Duration,
}

/// The inputs of the status.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StatusInputs {
    pub(crate) has_data: bool,
    pub(crate) origin: Option<Origin>,
    pub(crate) key_refused: bool,
    pub(crate) offline: bool,
    pub(crate) closed: bool,
}

impl StatusCell {
    pub(crate) fn new(initial: Status, max_staleness: Duration) -> StatusCell {
        StatusCell {
            tx: watch::Sender::new(initial),
            current: Mutex::new(initial),
            changed: Condvar::new(),
            started: Instant::now(),
            last_contact_ms: AtomicU64::new(0),
            max_staleness,
        }
    }

    pub(crate) fn get(&self) -> Status {
        *self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Status> {
        self.tx.subscribe()
    }

    /// Notes an answer from the server.
    pub(crate) fn contact(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_contact_ms.fetch_max(ms, Relaxed);
    }

    /// Time since the last answer from the server (or since start, before any).
    pub(crate) fn since_contact(&self) -> Duration {
        let last = Duration::from_millis(self.last_contact_ms.load(Relaxed));
        self.started.elapsed().saturating_sub(last)
    }

    /// Recomputes the status from its inputs and the time since the last contact.
    pub(crate) fn refresh(&self, inputs: StatusInputs) -> Status {
        let status = if inputs.closed {
            Status::Closed
        } else if inputs.offline {
            Status::Offline
        } else if !inputs.has_data {
            if inputs.key_refused { Status::Unauthorized } else { Status::Initializing }
        } else {
            match inputs.origin {
                Some(Origin::Persisted) => Status::Persisted,
                Some(Origin::Bootstrap) => Status::Bootstrap,
                Some(Origin::TestData) => Status::Ready,
                Some(Origin::Server) | None if self.since_contact() > self.max_staleness => Status::Stale,
                Some(Origin::Server) | None => Status::Ready,
            }
        };
        self.set(status);
        status
    }

    fn set(&self, status: Status) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if *current != status {
            *current = status;
            self.changed.notify_all();
            if status == Status::Stale {
                tracing::warn!(
                    since_contact.seconds = self.since_contact().as_secs(),
                    "vexil: no contact with the server for longer than max_staleness; serving the last snapshot"
                );
            }
        }
        drop(current);
        self.tx.send_if_modified(|s| {
            let changed = *s != status;
            *s = status;
            changed
        });
    }

    /// Blocks the calling thread until the status has data, is closed or unauthorized,
    /// or the timeout.
    pub(crate) fn wait_blocking(&self, timeout: Duration) -> Status {
        let guard = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| !s.ends_wait())
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}
