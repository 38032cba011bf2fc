//! The client handle: typed evaluation, events, status and shutdown.
//!
//! Evaluation never allocates for booleans and numbers, never waits, and never fails:
//! problems come back as the default with reason `ERROR`. The snapshot is read from a
//! thread-local copy of the shared `Arc`, validated by one plain load of a generation
//! counter; only after a swap does a thread reload it from the `ArcSwap` (whose `load`
//! costs two fenced atomic operations, as much as a whole simple evaluation). The price:
//! a thread keeps the snapshot it last used alive until it evaluates again or exits.
//! Usage is counted in the snapshot's counters, in a stripe the thread owns (see `usage`).

use std::cell::RefCell;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{broadcast, watch};
use vexil_core::{Context, ErrorCode, Evaluation, FlagKind};

use crate::builder::{ClientBuilder, Options};
use crate::details::{AllFlags, Details};
use crate::error::{BuildError, Error, PersistError, TrackError, WaitError};
use crate::events::{Events, Limits, MetricEvent, event_key_ok};
use crate::loaded::Loaded;
use crate::shared::{FlagsChanged, Shared};
use crate::status::{Stats, Status, StatusCell};
use crate::worker::{self, WorkerHandle};

/// A Vexil client: keeps an environment's flags in memory, current through the
/// server's event stream, and evaluates them locally.
///
/// Cheap to clone (clones share one cache and one background thread), `Send` and
/// `Sync`. Works from synchronous and asynchronous code alike: the background work runs
/// on a thread of its own with its own runtime. Dropping the last clone (or calling
/// [`Client::close`]) stops that thread after sending pending events.
///
/// ```
/// use vexil_sdk::{Client, Context};
///
/// let client = Client::builder("http://localhost:8080", "vx_srv_example")
///     .offline(true)
///     .bootstrap_json(r#"{"environment": "production", "version": 1, "flags": [{
///         "key": "new-checkout", "kind": "boolean", "salt": "k3j9",
///         "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
///         "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}}}]}"#)
///     .build()?;
/// let user = Context::new("user-1").with("country", "DE");
/// assert!(client.bool_value("new-checkout", &user, false));
/// assert!(!client.bool_value("no-such-flag", &user, false));
/// # Ok::<(), vexil_sdk::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    shared: Arc<Shared>,
    handle: Arc<Handle>,
}

/// This thread's copy of the snapshot of the client it used last.
#[derive(Debug)]
struct Cached {
    client: u64,
    generation: u64,
    loaded: Option<Arc<Loaded>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

/// Owned by the client clones only: the last one dropped stops the background thread.
#[derive(Debug)]
struct Handle {
    shared: Arc<Shared>,
    worker: Mutex<Option<WorkerHandle>>,
    runtime: Option<tokio::runtime::Handle>,
}

impl Handle {
    fn close(&self) {
        let worker = self.worker.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(w) = worker {
            w.stop();
        }
        self.shared.mark_closed();
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.close();
    }
}

impl Client {
    /// Starts configuring a client for the server at `base_url` (e.g.
    /// `https://flags.example.com`) with a server SDK key (`vx_srv_...`).
    pub fn builder(base_url: impl Into<String>, server_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url, server_key)
    }

    pub(crate) fn start(
        options: Options,
        bootstrap: Option<(vexil_core::Snapshot, vexil_core::CompiledSnapshot)>,
    ) -> Result<Client, BuildError> {
        let initial = if options.offline { Status::Offline } else { Status::Initializing };
        let limits = Limits {
            max_usage_entries: options.max_usage_entries,
            max_metrics: options.max_metric_events,
            max_contexts: options.max_watched_contexts,
        };
        let events = Events::new(options.send_events, limits, options.watch_flags.clone());
        let shared =
            Arc::new(Shared::new(StatusCell::new(initial, options.max_staleness), events, options.offline));
        let source = bootstrap.map(|(snapshot, compiled)| {
            let loaded = Loaded::new(compiled, &options.watch_flags);
            shared.replace(Arc::new(loaded));
            snapshot
        });
        shared.refresh_status();
        let worker = if options.offline {
            None
        } else {
            Some(worker::spawn(shared.clone(), Arc::new(options), source)?)
        };
        let runtime = worker.as_ref().map(|w| w.runtime.clone());
        let handle = Arc::new(Handle { shared: shared.clone(), worker: Mutex::new(worker), runtime });
        Ok(Client { shared, handle })
    }

    /// Evaluates and counts; `map` sees the result while the snapshot is held.
    ///
    /// The snapshot comes from a thread-local copy of the shared `Arc`, checked against
    /// the shared generation counter with one plain load: cheaper than
    /// `ArcSwap::load` (which costs two fenced atomic operations per call). Only after
    /// a swap does a thread reload, from the `ArcSwap`.
    #[inline]
    fn eval<R>(
        &self,
        flag: &str,
        ctx: &Context,
        kind: Option<FlagKind>,
        map: impl FnOnce(&Evaluation<'_>) -> R,
    ) -> R {
        let generation = self.shared.generation();
        let mut map = Some(map);
        let cached = CURRENT.try_with(|cell| {
            let map = map.take()?;
            if let Ok(current) = cell.try_borrow() {
                if let Some(c) =
                    current.as_ref().filter(|c| c.client == self.shared.id && c.generation == generation)
                {
                    return Some(self.eval_in(c.loaded.as_deref(), flag, ctx, kind, map));
                }
            }
            let loaded = self.shared.load();
            let result = self.eval_in(loaded.as_deref(), flag, ctx, kind, map);
            if let Ok(mut current) = cell.try_borrow_mut() {
                *current = Some(Cached { client: self.shared.id, generation, loaded });
            }
            Some(result)
        });
        if let Ok(Some(result)) = cached {
            return result;
        }
        // Only while this thread's locals are being destroyed.
        let guard = self.shared.load_guard();
        match map.take() {
            Some(map) => self.eval_in(guard.as_deref(), flag, ctx, kind, map),
            None => unreachable!("the thread-local path returns whenever it takes `map`"),
        }
    }

    #[inline]
    fn eval_in<R>(
        &self,
        loaded: Option<&Loaded>,
        flag: &str,
        ctx: &Context,
        kind: Option<FlagKind>,
        map: impl FnOnce(&Evaluation<'_>) -> R,
    ) -> R {
        let Some(loaded) = loaded else {
            return map(&Evaluation::error(ErrorCode::ProviderNotReady));
        };
        let Some(index) = loaded.compiled.flag_index(flag) else {
            return map(&Evaluation::error(ErrorCode::FlagNotFound));
        };
        let e = loaded.compiled.evaluate_index(index, ctx, kind);
        if let Some(variant) = e.variant_index() {
            if let Some(served) = loaded.count(index, variant) {
                if let Some(key) = ctx.key() {
                    self.shared.events.remember(key, served);
                }
            }
        }
        map(&e)
    }

    /// The value of a boolean flag for `ctx`, or `default` when the flag is missing,
    /// not boolean, or no data is loaded yet.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let user = vexil_sdk::Context::new("user-1");
    /// if client.bool_value("new-checkout", &user, false) {
    ///     // the new checkout
    /// }
    /// ```
    #[inline]
    pub fn bool_value(&self, flag: &str, ctx: &Context, default: bool) -> bool {
        self.eval(flag, ctx, Some(FlagKind::Boolean), |e| e.value.and_then(Value::as_bool).unwrap_or(default))
    }

    /// The value of a string flag, or `default`.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let theme = client.string_value("theme", &vexil_sdk::Context::new("user-1"), "light");
    /// assert_eq!(theme, "dark");
    /// ```
    pub fn string_value(&self, flag: &str, ctx: &Context, default: &str) -> String {
        self.eval(flag, ctx, Some(FlagKind::String), |e| {
            e.value.and_then(Value::as_str).unwrap_or(default).to_owned()
        })
    }

    /// The value of a number flag, or `default`.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let limit = client.number_value("rate-limit", &vexil_sdk::Context::new("user-1"), 10.0);
    /// assert_eq!(limit, 100.0);
    /// ```
    #[inline]
    pub fn number_value(&self, flag: &str, ctx: &Context, default: f64) -> f64 {
        self.eval(flag, ctx, Some(FlagKind::Number), |e| e.value.and_then(Value::as_f64).unwrap_or(default))
    }

    /// The value of a flag of any kind as JSON, or `default`.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let banner = client.json_value("banner", &vexil_sdk::Context::new("user-1"), serde_json::json!({}));
    /// assert_eq!(banner["text"], "Welcome");
    /// ```
    pub fn json_value(&self, flag: &str, ctx: &Context, default: Value) -> Value {
        self.eval(flag, ctx, Some(FlagKind::Json), |e| e.value.cloned().unwrap_or(default))
    }

    /// Like [`Client::bool_value`], with the variant, the reason and, on error, the code.
    ///
    /// ```
    /// use vexil_sdk::{ErrorCode, ReasonKind};
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let user = vexil_sdk::Context::new("user-1");
    /// let d = client.bool_details("new-checkout", &user, false);
    /// assert_eq!((d.value, d.variant.as_deref(), d.reason), (true, Some("on"), ReasonKind::Default));
    ///
    /// let d = client.bool_details("theme", &user, false); // a string flag
    /// assert_eq!((d.value, d.reason, d.error_code), (false, ReasonKind::Error, Some(ErrorCode::TypeMismatch)));
    /// ```
    pub fn bool_details(&self, flag: &str, ctx: &Context, default: bool) -> Details<bool> {
        self.eval(flag, ctx, Some(FlagKind::Boolean), |e| Details::from_eval(e, default, Value::as_bool))
    }

    /// Like [`Client::string_value`], with the variant, the reason and the error code.
    pub fn string_details(&self, flag: &str, ctx: &Context, default: &str) -> Details<String> {
        self.eval(flag, ctx, Some(FlagKind::String), |e| {
            Details::from_eval(e, default.to_owned(), |v| v.as_str().map(str::to_owned))
        })
    }

    /// Like [`Client::number_value`], with the variant, the reason and the error code.
    pub fn number_details(&self, flag: &str, ctx: &Context, default: f64) -> Details<f64> {
        self.eval(flag, ctx, Some(FlagKind::Number), |e| Details::from_eval(e, default, Value::as_f64))
    }

    /// Like [`Client::json_value`], with the variant, the reason and the error code.
    pub fn json_details(&self, flag: &str, ctx: &Context, default: Value) -> Details<Value> {
        self.eval(flag, ctx, Some(FlagKind::Json), |e| Details::from_eval(e, default, |v| Some(v.clone())))
    }

    /// Every flag evaluated for `ctx`, serialisable as JSON to bootstrap a front end.
    /// These evaluations are not counted as usage.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let all = client.all_flags(&vexil_sdk::Context::new("user-1"));
    /// let json = serde_json::to_value(&all).unwrap();
    /// assert_eq!(json["flags"]["new-checkout"]["value"], true);
    /// assert_eq!(json["flags"]["theme"]["variant"], "dark");
    /// ```
    pub fn all_flags(&self, ctx: &Context) -> AllFlags {
        self.collect_flags(ctx, false)
    }

    /// Like [`Client::all_flags`], limited to flags marked visible to client SDKs: what
    /// a browser may see.
    pub fn client_visible_flags(&self, ctx: &Context) -> AllFlags {
        self.collect_flags(ctx, true)
    }

    fn collect_flags(&self, ctx: &Context, client_visible_only: bool) -> AllFlags {
        let guard = self.shared.load_guard();
        let Some(loaded) = guard.as_deref() else { return AllFlags::default() };
        let c = &loaded.compiled;
        let flags = c
            .flags()
            .zip(c.evaluate_all(ctx))
            .filter(|(info, _)| !client_visible_only || info.client_visible())
            .map(|(_, (key, e))| (key.to_owned(), e.record()))
            .collect();
        AllFlags { environment: Some(c.environment().to_owned()), version: Some(c.version()), flags }
    }

    /// Records a custom metric event (a conversion, a latency...) for `ctx`, with the
    /// variants of watched flags (see [`ClientBuilder::watch_flags`]) last served to
    /// `ctx`'s key, so that the server can compare variants. Queued and sent with the
    /// next flush; never waits for the network.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let user = vexil_sdk::Context::new("user-1");
    /// // Offline clients send no events.
    /// assert!(client.track("checkout-completed", &user, 42.0).is_err());
    /// ```
    pub fn track(&self, event: &str, ctx: &Context, value: f64) -> Result<(), TrackError> {
        let events = &self.shared.events;
        if !events.enabled() {
            return Err(TrackError::Disabled);
        }
        if !event_key_ok(event) {
            return Err(TrackError::InvalidEventKey(event.to_owned()));
        }
        if !value.is_finite() {
            return Err(TrackError::NotFinite);
        }
        let metric = MetricEvent {
            event: event.to_owned(),
            value,
            at: time::OffsetDateTime::now_utc(),
            variants: events.variants_for(ctx.key()),
        };
        if events.push_metric(metric) { Ok(()) } else { Err(TrackError::BufferFull) }
    }

    /// Asks the background thread to send pending events now; returns at once.
    pub fn flush(&self) {
        self.shared.flush_now.notify_one();
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.shared.status.get()
    }

    /// A receiver of status changes.
    pub fn status_receiver(&self) -> watch::Receiver<Status> {
        self.shared.status.subscribe()
    }

    /// A receiver of the flags changed by each new snapshot. A receiver that falls
    /// more than 64 updates behind gets `RecvError::Lagged` and should re-read what it
    /// needs.
    pub fn subscribe_changes(&self) -> broadcast::Receiver<FlagsChanged> {
        self.shared.changes.subscribe()
    }

    /// The latest error of the background work (also logged with `tracing`), kept
    /// after recovery; `None` if nothing went wrong.
    pub fn last_error(&self) -> Option<Arc<Error>> {
        self.shared.last_error()
    }

    /// The latest problem with the persistence file (a file that is corrupt, foreign or
    /// unreadable at start, or a failed write), until the file is next read or written
    /// successfully. Also reported by [`Client::last_error`] and logged.
    pub fn persistence_error(&self) -> Option<Arc<PersistError>> {
        self.shared.persist_error()
    }

    /// Counters of loads, resumes, polls, rejected updates and events.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// The environment version being served, if any.
    pub fn version(&self) -> Option<u64> {
        self.shared.load_guard().as_deref().map(|l| l.compiled.version())
    }

    /// Waits until flag data is available (from the server, the persistence file or
    /// the bootstrap), up to `timeout`. Needs no particular async runtime.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// client.wait_until_ready(std::time::Duration::from_secs(5)).await?;
    /// # Ok::<(), vexil_sdk::WaitError>(())
    /// # }).unwrap();
    /// ```
    pub async fn wait_until_ready(&self, timeout: Duration) -> Result<(), WaitError> {
        let status = self.status();
        if status.has_data() {
            return Ok(());
        }
        if status == Status::Closed {
            return Err(WaitError::Closed);
        }
        let Some(runtime) = &self.handle.runtime else { return Err(WaitError::Closed) };
        // The timer runs on the client's own runtime, so the caller's executor needs
        // none; the channel wakes any executor.
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut status_rx = self.shared.status.subscribe();
        runtime.spawn(async move {
            let reached =
                tokio::time::timeout(timeout, status_rx.wait_for(|s| s.has_data() || *s == Status::Closed))
                    .await;
            let _ = tx.send(reached.is_ok());
        });
        let _ = rx.await;
        self.ready_result(timeout)
    }

    /// Like [`Client::wait_until_ready`], blocking the calling thread (do not call it
    /// on an async runtime's worker thread).
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// client.wait_until_ready_blocking(std::time::Duration::from_secs(5))?;
    /// # Ok::<(), vexil_sdk::WaitError>(())
    /// ```
    pub fn wait_until_ready_blocking(&self, timeout: Duration) -> Result<(), WaitError> {
        self.shared.status.wait_blocking(timeout);
        self.ready_result(timeout)
    }

    fn ready_result(&self, timeout: Duration) -> Result<(), WaitError> {
        match self.status() {
            s if s.has_data() => Ok(()),
            Status::Closed => Err(WaitError::Closed),
            status => Err(WaitError::TimedOut { timeout, status }),
        }
    }

    /// Stops the background thread after sending pending events: blocks the calling
    /// thread up to the request timeout if the server is slow. Values keep being
    /// served from the last snapshot; the status becomes [`Status::Closed`]. Dropping
    /// the last clone does the same.
    pub fn close(&self) {
        self.handle.close();
    }
}
