//! The background thread: its own single-threaded tokio runtime, so that the client
//! needs no runtime from its caller. It loads the configuration, follows the stream
//! (falling back to polling while the stream keeps failing), installs new snapshots,
//! persists them, flushes events and keeps the status current.
//!
//! It is the only writer of the shared snapshot. Anything it receives is compiled
//! before it is swapped in, so bad data never replaces good data.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

use futures_util::StreamExt as _;
use rand::SeedableRng as _;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use vexil_core::{LenientCompile, Object};

use crate::apply::{Source, apply, parse_change};
use crate::backoff::Backoff;
use crate::builder::Options;
use crate::error::{BuildError, Error, PersistError, StreamError};
use crate::persist;
use crate::shared::Shared;
use crate::sse::{SseEvent, SseItem, SseParser};
use crate::status::{Counters, Origin};
use crate::transport::{self, Fetched, Position, Posted, Transport};

/// Consecutive stream failures after which the configuration is polled between
/// reconnection attempts.
const POLL_AFTER_FAILURES: u32 = 3;
/// A stream that stayed open this long counts as healthy, even if it delivered no
/// change.
const STABLE_STREAM: Duration = Duration::from_secs(10);
/// Largest SSE event accepted (a snapshot of 10 000 large flags fits).
pub(crate) const MAX_EVENT_BYTES: usize = 256 * 1024 * 1024;
/// Least time between two writes of the persistence file.
const PERSIST_EVERY: Duration = Duration::from_secs(1);
/// How often the status is recomputed (for staleness).
const STATUS_TICK: Duration = Duration::from_millis(250);

/// The handle kept by the client: stops and joins the thread.
#[derive(Debug)]
pub(crate) struct WorkerHandle {
    cancel: CancellationToken,
    thread: Option<JoinHandle<()>>,
    thread_id: ThreadId,
    pub(crate) runtime: tokio::runtime::Handle,
}

impl WorkerHandle {
    /// Stops the background work (which flushes events) and waits for it.
    pub(crate) fn stop(mut self) {
        self.cancel.cancel();
        if let Some(t) = self.thread.take() {
            // Joining from the worker thread itself would never return.
            if std::thread::current().id() != self.thread_id {
                let _ = t.join();
            }
        }
    }
}

/// Starts the background thread.
pub(crate) fn spawn(
    shared: Arc<Shared>,
    options: Arc<Options>,
    bootstrap: Option<Source>,
) -> Result<WorkerHandle, BuildError> {
    let transport = Transport::new(&options)?;
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(BuildError::Thread)?;
    let cancel = CancellationToken::new();
    let origin = bootstrap.as_ref().map(|_| Origin::Bootstrap);
    let worker = Worker {
        key_fingerprint: persist::key_fingerprint(&options.key.0),
        backoff: Backoff::new(options.reconnect_base, options.reconnect_max),
        shared,
        transport,
        cancel: cancel.clone(),
        source: bootstrap.map(Arc::new),
        origin,
        resume_from: None,
        history: None,
        tried_persisted: false,
        streamed_before: false,
        persist: None,
        rng: rand::rngs::StdRng::from_entropy(),
        options,
    };
    let handle = runtime.handle().clone();
    let thread = std::thread::Builder::new()
        .name("vexil-sdk".to_owned())
        .spawn(move || runtime.block_on(worker.run()))
        .map_err(BuildError::Thread)?;
    Ok(WorkerHandle { cancel, thread_id: thread.thread().id(), thread: Some(thread), runtime: handle })
}

struct Worker {
    shared: Arc<Shared>,
    options: Arc<Options>,
    transport: Transport,
    cancel: CancellationToken,
    /// The data served, as a model to apply changes to.
    source: Option<Arc<Source>>,
    origin: Option<Origin>,
    /// The position to resume the stream from (`Last-Event-ID`) and to poll with
    /// (`If-None-Match`): set only while the data came from this server in this
    /// process, since a bootstrap or file may come from another environment whose
    /// version numbers mean nothing here.
    resume_from: Option<Position>,
    /// The server's history of the data last received from it.
    history: Option<String>,
    tried_persisted: bool,
    /// Whether a stream connection was attempted before: the first one carries the
    /// `Last-Event-ID` of the initial load, which is no resume.
    streamed_before: bool,
    persist: Option<watch::Sender<Option<Arc<Source>>>>,
    key_fingerprint: String,
    rng: rand::rngs::StdRng,
    backoff: Backoff,
}

/// How a stream connection ended.
enum StreamEnd {
    /// It worked for a while: reconnect promptly.
    Healthy,
    /// It could not open, broke at once or sent bad data.
    Failed,
}

impl Worker {
    async fn run(mut self) {
        let mut tasks = Vec::new();
        if self.shared.events.enabled() {
            let (shared, transport) = (self.shared.clone(), self.transport.clone());
            let (every, cancel) = (self.options.flush_interval, self.cancel.clone());
            tasks.push(tokio::spawn(flush_loop(shared, transport, every, cancel)));
        }
        if let Some(path) = self.options.persistence_path.clone() {
            let (tx, rx) = watch::channel(None);
            self.persist = Some(tx);
            let (shared, key) = (self.shared.clone(), self.key_fingerprint.clone());
            tasks.push(tokio::spawn(persist_loop(rx, path, key, shared, self.cancel.clone())));
        }
        let ticker = tokio::spawn(status_loop(self.shared.clone()));
        let cancel = self.cancel.clone();
        tokio::select! {
            () = cancel.cancelled() => {}
            () = self.sync() => {}
        }
        // Closing the channel lets the persistence task write what is pending and end.
        self.persist = None;
        for t in tasks {
            let _ = t.await;
        }
        ticker.abort();
    }

    /// Keeps the cache current, forever.
    async fn sync(&mut self) {
        if !self.options.streaming {
            return self.poll_loop().await;
        }
        let mut failures = 0u32;
        loop {
            let loaded = self.resume_from.is_some() || self.full_load().await;
            let end = if loaded { self.stream_once().await } else { StreamEnd::Failed };
            failures = match end {
                StreamEnd::Healthy => 0,
                StreamEnd::Failed => failures.saturating_add(1),
            };
            let delay = self.retry_delay(failures);
            if failures >= POLL_AFTER_FAILURES {
                self.poll_for(delay).await;
            } else {
                tokio::time::sleep(delay).await;
            }
        }
    }

    /// The delay before the next attempt after `failures` failures in a row: the
    /// longest one while the server refuses the key, which retrying soon will not fix.
    fn retry_delay(&mut self, failures: u32) -> Duration {
        if self.shared.refused_status().is_some() {
            return self.options.reconnect_max;
        }
        self.backoff.delay(failures.saturating_sub(1), &mut self.rng)
    }

    async fn poll_loop(&mut self) {
        let mut failures = 0u32;
        loop {
            failures = if self.poll_once().await { 0 } else { failures.saturating_add(1) };
            let delay = match failures {
                0 => self.options.poll_interval,
                // A refused key waits the longest delay; other failures retry sooner.
                _ if self.shared.refused_status().is_some() => {
                    self.options.reconnect_max.max(self.options.poll_interval)
                }
                n => self.retry_delay(n).min(self.options.poll_interval),
            };
            tokio::time::sleep(delay).await;
        }
    }

    /// Polls the configuration every poll interval for `duration`.
    async fn poll_for(&mut self, duration: Duration) {
        let until = Instant::now() + duration;
        loop {
            self.poll_once().await;
            let next = Instant::now() + self.options.poll_interval;
            if next >= until {
                tokio::time::sleep_until(until).await;
                return;
            }
            tokio::time::sleep_until(next).await;
        }
    }

    /// `GET /sdk/v1/config` without condition; `true` when a snapshot was installed.
    async fn full_load(&mut self) -> bool {
        match self.transport.fetch_config(None).await {
            Ok(Fetched::Body(body, etag)) => {
                self.contact();
                if self.install_body(&body, etag) {
                    return true;
                }
            }
            Ok(Fetched::NotModified) => self.contact(),
            Err(e) => self.shared.record_load_error(e),
        }
        self.fall_back_to_persisted();
        false
    }

    /// `GET /sdk/v1/config` with `If-None-Match`; `true` when the server answered with
    /// usable data.
    async fn poll_once(&mut self) -> bool {
        Counters::bump(&self.shared.counters.polls);
        match self.transport.fetch_config(self.resume_from.as_ref()).await {
            Ok(Fetched::NotModified) => {
                Counters::bump(&self.shared.counters.not_modified);
                self.contact();
                return true;
            }
            Ok(Fetched::Body(body, etag)) => {
                self.contact();
                if self.install_body(&body, etag) {
                    return true;
                }
            }
            Err(e) => self.shared.record_load_error(e),
        }
        self.fall_back_to_persisted();
        false
    }

    fn contact(&self) {
        self.shared.status.contact();
        self.shared.refresh_status();
    }

    /// Installs a `/sdk/v1/config` body; on failure the current snapshot stays. A flag
    /// or segment that cannot be used fails alone (see [`Client::failures`]).
    ///
    /// [`Client::failures`]: crate::Client::failures
    fn install_body(&mut self, body: &[u8], etag: Option<Position>) -> bool {
        match Source::from_json(body) {
            Ok(source) => {
                self.history = etag.and_then(|p| p.history);
                let compiled = source.compile();
                // Counted first: whoever is woken by the install sees the count.
                Counters::bump(&self.shared.counters.full_loads);
                self.install(source, compiled, Origin::Server);
                true
            }
            Err(source) => {
                Counters::bump(&self.shared.counters.rejected_updates);
                self.shared.record_load_error(Error::InvalidSnapshot { endpoint: transport::CONFIG, source });
                false
            }
        }
    }

    /// Swaps new data in and tells everyone who cares.
    fn install(&mut self, source: Source, compiled: LenientCompile, origin: Origin) {
        self.shared.install(self.source.as_deref(), &source, None, compiled, origin);
        self.installed(source, origin);
    }

    /// Keeps what was just installed as the model to apply changes to, and passes it
    /// on to persistence.
    fn installed(&mut self, source: Source, origin: Origin) {
        let version = source.snapshot.version;
        let source = Arc::new(source);
        self.source = Some(source.clone());
        self.origin = Some(origin);
        self.resume_from =
            (origin == Origin::Server).then(|| Position { history: self.history.clone(), version });
        if origin == Origin::Server {
            if let Some(tx) = &self.persist {
                tx.send_replace(Some(source));
            }
        }
    }

    /// Serves the persistence file when the server cannot be reached at start. Only
    /// once, and never over data from the server.
    fn fall_back_to_persisted(&mut self) {
        if self.tried_persisted || !matches!(self.origin, None | Some(Origin::Bootstrap)) {
            return;
        }
        let Some(path) = self.options.persistence_path.clone() else { return };
        self.tried_persisted = true;
        let environment = self.source.as_ref().map(|s| s.snapshot.environment.clone());
        match persist::read(&path, &self.key_fingerprint, environment.as_deref()) {
            Ok(source) => {
                tracing::info!(
                    path = %path.display(),
                    environment.version = source.snapshot.version,
                    "vexil: the server is unreachable; serving the persisted snapshot"
                );
                Counters::bump(&self.shared.counters.persisted_loads);
                self.shared.clear_persist_error();
                let compiled = source.compile();
                self.install(source, compiled, Origin::Persisted);
            }
            Err(PersistError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                tracing::debug!(path = %path.display(), "vexil: no persisted snapshot yet");
            }
            Err(e) => self.shared.record_persist_error(e),
        }
    }

    /// Follows one stream connection until it ends.
    async fn stream_once(&mut self) -> StreamEnd {
        let counters = &self.shared.counters;
        Counters::bump(&counters.stream_connects);
        if self.streamed_before && self.resume_from.is_some() {
            Counters::bump(&counters.stream_resumes);
        }
        self.streamed_before = true;
        let response = match self.transport.open_stream(self.resume_from.as_ref()).await {
            Ok(r) => r,
            Err(e) => {
                self.shared.record_load_error(e);
                return StreamEnd::Failed;
            }
        };
        self.contact();
        let opened = Instant::now();
        let mut applied_any = false;
        let healthy = move |applied_any: bool| {
            if applied_any || opened.elapsed() >= STABLE_STREAM {
                StreamEnd::Healthy
            } else {
                StreamEnd::Failed
            }
        };
        let idle = self.options.stream_idle_timeout;
        let mut parser = SseParser::new(MAX_EVENT_BYTES);
        let mut body = response.bytes_stream();
        loop {
            let chunk = match tokio::time::timeout(idle, body.next()).await {
                Err(_) => {
                    self.shared.record_error(StreamError::Idle(idle).into());
                    return healthy(applied_any);
                }
                Ok(None) => {
                    tracing::debug!("vexil: the stream ended");
                    return healthy(applied_any);
                }
                Ok(Some(Err(source))) => {
                    self.shared.record_error(Error::Transport { endpoint: transport::STREAM, source });
                    return healthy(applied_any);
                }
                Ok(Some(Ok(chunk))) => chunk,
            };
            self.contact();
            parser.push(&chunk);
            match self.apply_available(&mut parser) {
                Ok(applied) => applied_any |= applied,
                Err(e) => return self.reject_stream(e),
            }
        }
    }

    /// Applies every complete event in the parser and installs the result. Returns
    /// whether a snapshot was installed.
    fn apply_available(&mut self, parser: &mut SseParser) -> Result<bool, StreamError> {
        let Some(source) = apply_stream(&self.shared, self.source.as_deref(), &mut self.history, parser)?
        else {
            return Ok(false);
        };
        self.installed(source, Origin::Server);
        Ok(true)
    }

    /// Bad stream data: keep the last good snapshot and reload from `/sdk/v1/config`
    /// before following the stream again.
    fn reject_stream(&mut self, e: StreamError) -> StreamEnd {
        Counters::bump(&self.shared.counters.rejected_updates);
        self.shared.record_load_error(e.into());
        self.resume_from = None;
        StreamEnd::Failed
    }
}

/// Applies every complete event in the parser to a working copy of `base` (the data
/// served), then compiles and installs it once; returns what was installed. `history`
/// is updated only then. The path from a received change to the swapped snapshot.
pub(crate) fn apply_stream(
    shared: &Shared,
    base: Option<&Source>,
    history: &mut Option<String>,
    parser: &mut SseParser,
) -> Result<Option<Source>, StreamError> {
    let mut working: Option<Source> = None;
    let mut next_history = history.clone();
    let mut changes = 0u64;
    let mut full = false;
    let mut changed = Vec::new();
    while let Some(item) = parser.next_item() {
        if let SseItem::Event(event) = item? {
            apply_event(event, base, &mut working, &mut next_history, &mut changes, &mut full, &mut changed)?;
        }
    }
    let Some(source) = working else { return Ok(None) };
    *history = next_history;
    // Changes on top of the snapshot served (the caller installed both it and the
    // source they apply to): recompile only what they touch.
    let compiled = match (full, shared.load()) {
        (false, Some(current)) => current.compiled.with_changes(&source.snapshot, &source.unparsed, &changed),
        _ => source.compile(),
    };
    let counters = &shared.counters;
    if full {
        Counters::bump(&counters.full_loads);
    }
    counters.changes_applied.fetch_add(changes, std::sync::atomic::Ordering::Relaxed);
    let named = (!full).then_some(changed.as_slice());
    shared.install(base, &source, named, compiled, Origin::Server);
    Ok(Some(source))
}

/// Applies one stream event to the working copy (started from `base`, the snapshot
/// served, at the first change): a `snapshot` replaces it, a change applies on top when
/// its id follows the working version. Counts changes, records a full load and lists
/// the flags and segments changed since the last snapshot event.
pub(crate) fn apply_event(
    event: SseEvent,
    base: Option<&Source>,
    working: &mut Option<Source>,
    history: &mut Option<String>,
    changes: &mut u64,
    full: &mut bool,
    changed: &mut Vec<Object>,
) -> Result<(), StreamError> {
    let id = event.id.as_deref().and_then(Position::parse);
    if event.event == "snapshot" {
        let source = Source::from_json(event.data.as_bytes()).map_err(|e| match e {
            vexil_core::Error::Parse(source) => StreamError::Malformed { event: event.event.clone(), source },
            other => StreamError::Snapshot(other),
        })?;
        let version = source.snapshot.version;
        if let Some(id) = &id {
            if id.version != version {
                return Err(StreamError::SnapshotIdMismatch { id: id.version, version });
            }
            history.clone_from(&id.history);
        }
        *working = Some(source);
        *full = true;
        *changes = 0;
        changed.clear();
        return Ok(());
    }
    // Unknown event types are skipped; if one carried a version, the next change
    // is not consecutive and the client reloads, so nothing is silently missed.
    let Some(change) = parse_change(&event.event, &event.data)? else { return Ok(()) };
    let id = id.ok_or_else(|| StreamError::MissingId { event: event.event.clone() })?;
    if id.history != *history {
        return Err(StreamError::OtherHistory { found: id.to_string() });
    }
    let base = match working {
        Some(w) => w,
        None => working.insert(base.ok_or(StreamError::NoBase)?.clone()),
    };
    if Some(id.version) != base.snapshot.version.checked_add(1) {
        return Err(StreamError::NotConsecutive { current: base.snapshot.version, found: id.version });
    }
    changed.push(apply(base, change));
    base.snapshot.version = id.version;
    *changes += 1;
    Ok(())
}

async fn status_loop(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(STATUS_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        shared.refresh_status();
    }
}

async fn flush_loop(shared: Arc<Shared>, transport: Transport, every: Duration, cancel: CancellationToken) {
    let mut tick = tokio::time::interval_at(Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => flush(&shared, &transport).await,
            () = shared.flush_now.notified() => flush(&shared, &transport).await,
            () = cancel.cancelled() => {
                flush(&shared, &transport).await;
                return;
            }
        }
    }
}

/// Sends what is pending; batches that could not be delivered go back in the buffers.
/// Tells [`crate::Client::flush_blocking`] callers how it went.
pub(crate) async fn flush(shared: &Shared, transport: &Transport) {
    let covered = shared.flush_starting();
    let error = flush_batches(shared, transport).await;
    shared.flush_finished(covered, error);
}

async fn flush_batches(shared: &Shared, transport: &Transport) -> Option<Arc<Error>> {
    let current = shared.load();
    let mut batches = shared.events.take_batches(current.as_deref()).into_iter();
    let mut failed = None;
    while let Some(batch) = batches.next() {
        match transport.post_events(&batch).await {
            Ok(Posted::Accepted) => {
                Counters::bump(&shared.counters.event_batches_sent);
                shared.status.contact();
            }
            Ok(Posted::Refused(status)) => {
                let dropped = shared.events.discard(&batch);
                let e = Arc::new(Error::EventsRejected { status, dropped });
                shared.record_shared_error(e.clone());
                failed = Some(e);
            }
            Err(e) => {
                let e = Arc::new(e);
                shared.record_shared_error(e.clone());
                shared.events.restore(batch);
                batches.for_each(|b| shared.events.restore(b));
                return Some(e);
            }
        }
    }
    failed
}

async fn persist_loop(
    mut rx: watch::Receiver<Option<Arc<Source>>>,
    path: PathBuf,
    key: String,
    shared: Arc<Shared>,
    cancel: CancellationToken,
) {
    let mut written: Option<u64> = None;
    loop {
        let open = tokio::select! {
            r = rx.changed() => r.is_ok(),
            () = cancel.cancelled() => false,
        };
        let latest = rx.borrow_and_update().clone();
        if let Some(source) = latest.filter(|s| Some(s.snapshot.version) != written) {
            written = Some(source.snapshot.version);
            let (path, key) = (path.clone(), key.clone());
            match tokio::task::spawn_blocking(move || persist::write(&path, &source.snapshot, &key)).await {
                Ok(Ok(())) => shared.clear_persist_error(),
                Ok(Err(e)) => shared.record_persist_error(e),
                Err(e) => tracing::error!(error = %e, "vexil: the persistence write panicked"),
            }
        }
        if !open {
            return;
        }
        // Bursts of changes are written once.
        tokio::select! {
            () = tokio::time::sleep(PERSIST_EVERY) => {}
            () = cancel.cancelled() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::*;
    use crate::apply::changed_flags;
    use crate::loaded::Loaded;

    /// A client's state following a stream: what the worker keeps between events.
    struct Following {
        shared: Arc<Shared>,
        source: Option<Source>,
        history: Option<String>,
        version: u64,
    }

    fn flag(key: &str, variants: &[&str], enabled: bool) -> Value {
        let variants: Vec<Value> = variants.iter().map(|v| json!({"key": v, "value": v})).collect();
        json!({"key": key, "kind": "string", "salt": key, "variants": variants,
               "config": {"enabled": enabled, "off_variant": variants[0]["key"],
                          "default": {"variant": variants[variants.len() - 1]["key"]}}})
    }

    fn follow(flags: Vec<Value>, segments: Vec<Value>) -> Following {
        let shared = Arc::new(Shared::without_worker(100));
        let body = json!({"environment": "production", "version": 1, "flags": flags, "segments": segments});
        let source = Source::from_json(body.to_string().as_bytes()).unwrap();
        shared.install(None, &source, None, source.compile(), Origin::Server);
        Following { shared, source: Some(source), history: None, version: 1 }
    }

    impl Following {
        /// Pushes one chunk of events (`(event, data)`, numbered from the version served).
        fn push(&mut self, events: &[(&str, Value)]) {
            let mut chunk = String::new();
            for (event, data) in events {
                self.version += 1;
                chunk.push_str(&format!("event: {event}\nid: {}\ndata: {data}\n\n", self.version));
            }
            let mut parser = SseParser::new(MAX_EVENT_BYTES);
            parser.push(chunk.as_bytes());
            let installed =
                apply_stream(&self.shared, self.source.as_ref(), &mut self.history, &mut parser).unwrap();
            self.source = Some(installed.unwrap());
        }

        fn loaded(&self) -> Arc<Loaded> {
            self.shared.load().unwrap()
        }

        /// Counts an evaluation of `flag` serving `variant` in the snapshot served.
        fn count(&self, flag: &str, variant: &str) {
            count_in(&self.loaded(), flag, variant);
        }

        /// Usage taken as the flusher takes it: (flag, variant) -> count.
        fn usage(&self) -> BTreeMap<(String, String), u64> {
            let batches = self.shared.events.take_batches(Some(&self.loaded()));
            let entries = batches.into_iter().flat_map(|b| b.usage);
            entries.map(|u| ((u.flag, u.variant), u.count)).collect()
        }
    }

    fn count_in(loaded: &Loaded, flag: &str, variant: &str) {
        let info = loaded.compiled.flag(flag).unwrap();
        let v = info.variants().position(|(k, _)| k == variant).unwrap();
        loaded.count(loaded.compiled.flag_index(flag).unwrap(), v);
    }

    fn counts(expected: &[(&str, &str, u64)]) -> BTreeMap<(String, String), u64> {
        expected.iter().map(|(f, v, n)| (((*f).to_owned(), (*v).to_owned()), *n)).collect()
    }

    #[test]
    fn usage_counted_before_a_change_stays_with_its_flag_and_variant() {
        let mut s = follow(
            vec![
                flag("a", &["on", "off"], true),
                flag("b", &["on", "off"], true),
                flag("c", &["x", "y", "z"], true),
            ],
            vec![],
        );
        s.count("a", "on");
        s.count("b", "off");
        s.count("c", "z");
        let v1 = s.loaded();

        // A toggle keeps the layout: the counters are shared, nothing is harvested.
        s.push(&[("flag", flag("a", &["on", "off"], false))]);
        assert!(s.loaded().shares_counters(&v1));
        s.count("a", "off");
        // A reader that loaded the old version just before the swap.
        count_in(&v1, "a", "on");

        // A delete and a create move flags to other positions: new counters.
        s.push(&[("flag_deleted", json!({"key": "b"}))]);
        assert!(!s.loaded().shares_counters(&v1));
        s.count("c", "z");
        let v3 = s.loaded();
        s.push(&[("flag", flag("aa", &["on", "off"], true))]);
        assert!(!s.loaded().shares_counters(&v3));
        s.count("aa", "on");
        s.count("c", "y");
        count_in(&v3, "c", "x");

        // Renamed variants: same number of slots, other names, so new counters.
        let v4 = s.loaded();
        s.push(&[("flag", flag("c", &["x", "y", "w"], true))]);
        assert!(!s.loaded().shares_counters(&v4));
        s.count("c", "w");

        assert_eq!(
            s.usage(),
            counts(&[
                ("a", "off", 1),
                ("a", "on", 2),
                ("aa", "on", 1),
                ("b", "off", 1),
                ("c", "w", 1),
                ("c", "x", 1),
                ("c", "y", 1),
                ("c", "z", 2),
            ])
        );
        assert!(s.usage().is_empty(), "everything was taken once");
    }

    #[test]
    fn a_snapshot_with_the_same_flags_keeps_the_counters_and_their_counts() {
        let mut s = follow(vec![flag("a", &["on", "off"], true), flag("b", &["on", "off"], true)], vec![]);
        s.count("b", "on");
        let v1 = s.loaded();
        let body = json!({"environment": "production", "version": 2,
                          "flags": [flag("a", &["on", "off"], false), flag("b", &["on", "off"], true)]});
        s.push(&[("snapshot", body)]);
        assert!(s.loaded().shares_counters(&v1), "compiled anew, laid out the same");
        s.count("b", "on");
        assert_eq!(s.usage(), counts(&[("b", "on", 2)]));
    }

    #[test]
    fn change_notifications_name_exactly_the_changed_flags() {
        let mut user = flag("uses-beta", &["on", "off"], true);
        user["config"]["rules"] = json!([{"id": "r", "serve": {"variant": "on"},
            "conditions": [{"op": "in_segment", "values": ["beta"]}]}]);
        let mut dependent = flag("dependent", &["on", "off"], true);
        dependent["config"]["prerequisites"] = json!([{"flag": "uses-beta", "variant": "on"}]);
        let beta = |n: usize| json!({"key": "beta", "included": (0..n).map(|i| format!("u{i}")).collect::<Vec<_>>()});
        let mut s = follow(
            vec![user, dependent, flag("other", &["on", "off"], true), flag("plain", &["on", "off"], true)],
            vec![beta(1), json!({"key": "unused"})],
        );
        let mut changes = s.shared.changes.subscribe();
        let mut expect = |s: &mut Following, events: &[(&str, Value)], flags: &[&str]| {
            let old = s.source.clone().unwrap();
            s.push(events);
            let new = s.source.as_ref().unwrap();
            // The comparison of everything agrees with the named objects' answer.
            assert_eq!(changed_flags(Some(&old), new, None, None), flags, "after {events:?}");
            match changes.try_recv() {
                Ok(c) => assert_eq!(
                    (&*c.flags, c.version),
                    (flags.iter().map(|f| (*f).to_owned()).collect::<Vec<_>>().as_slice(), s.version)
                ),
                Err(_) => assert!(flags.is_empty(), "no notification after {events:?}"),
            }
        };
        expect(&mut s, &[("flag", flag("other", &["on", "off"], false))], &["other"]);
        expect(&mut s, &[("flag", flag("other", &["on", "off"], false))], &[]);
        expect(&mut s, &[("segment", beta(2))], &["dependent", "uses-beta"]);
        expect(&mut s, &[("segment", json!({"key": "unused", "included": ["x"]}))], &[]);
        expect(
            &mut s,
            &[("flag", flag("plain", &["on", "off"], false)), ("segment", beta(3))],
            &["dependent", "plain", "uses-beta"],
        );
        expect(&mut s, &[("flag_deleted", json!({"key": "other"}))], &["other"]);
        expect(&mut s, &[("flag", json!({"key": "plain", "kind": "boolean", "variants": 7}))], &["plain"]);
        expect(&mut s, &[("segment", json!({"key": "beta", "rules": 3}))], &["dependent", "uses-beta"]);
    }
}
