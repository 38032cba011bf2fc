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
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{broadcast, watch};
use vexil_core::{Context, ErrorCode, Evaluation, Failure, FlagKind};

use crate::apply::Source;
use crate::builder::{ClientBuilder, MAX_WATCHED_FLAGS, Options};
use crate::details::{AllFlags, Details};
use crate::error::{BuildError, Error, FlushError, PersistError, TrackError, WaitError};
use crate::events::{Events, Limits, MetricEvent, event_key_ok};
use crate::hooks::{self, HookContext};
use crate::listen::{ChangeListener, FlagValueChange};
use crate::loaded::Loaded;
use crate::shared::{FlagsChanged, Shared};
use crate::status::{Origin, Stats, Status, StatusCell};
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

/// The flag an evaluation is for: its key and, through a [`crate::FlagHandle`], the position
/// the flag had in the last snapshot the handle evaluated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    pub(crate) key: &'a str,
    pub(crate) hint: Option<&'a AtomicU32>,
}

impl<'a> At<'a> {
    fn key(key: &'a str) -> At<'a> {
        At { key, hint: None }
    }

    /// The flag's position in `compiled`. A handle's remembered position is checked
    /// against the key there (one string compare) and looked up again only when the
    /// flags moved, then remembered for the next evaluation.
    #[inline]
    fn index_in(self, compiled: &vexil_core::CompiledSnapshot) -> Option<usize> {
        let Some(hint) = self.hint else { return compiled.flag_index(self.key) };
        let remembered = hint.load(Ordering::Relaxed);
        let index = compiled.flag_index_hinted(self.key, remembered as usize)?;
        if index as u32 != remembered {
            // Positions fit in u32: a snapshot holds at most `MAX_FLAGS` flags.
            hint.store(u32::try_from(index).unwrap_or(u32::MAX), Ordering::Relaxed);
        }
        Some(index)
    }
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

    /// Starts a client from [`ClientBuilder::from_env`]: `VEXIL_URL` and
    /// `VEXIL_SERVER_KEY`, every other option at its default.
    ///
    /// ```no_run
    /// let client = vexil_sdk::Client::from_env()?;
    /// # Ok::<(), vexil_sdk::BuildError>(())
    /// ```
    pub fn from_env() -> Result<Client, BuildError> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn start(mut options: Options, bootstrap: Option<Source>) -> Result<Client, BuildError> {
        let initial = if options.offline { Status::Offline } else { Status::Initializing };
        let limits = Limits {
            max_usage_entries: options.max_usage_entries,
            max_metrics: options.max_metric_events,
            max_contexts: options.max_watched_contexts,
        };
        let events = Events::new(options.send_events, limits, options.watch_flags.clone());
        let hooks = std::mem::take(&mut options.hooks).into_boxed_slice();
        let shared = Arc::new(Shared::new(
            StatusCell::new(initial, options.max_staleness),
            events,
            options.offline,
            hooks,
        ));
        if let Some(source) = &bootstrap {
            shared.install(None, source, None, source.compile(), Origin::Bootstrap);
        }
        shared.refresh_status();
        let worker = if let Some(td) = options.test_data.take() {
            td.attach(&shared);
            None
        } else if options.offline {
            None
        } else {
            Some(worker::spawn(shared.clone(), Arc::new(options), bootstrap)?)
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
        flag: At<'_>,
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
        flag: At<'_>,
        ctx: &Context,
        kind: Option<FlagKind>,
        map: impl FnOnce(&Evaluation<'_>) -> R,
    ) -> R {
        let Some(loaded) = loaded else {
            return map(&Evaluation::error(ErrorCode::ProviderNotReady));
        };
        let Some(index) = flag.index_in(&loaded.compiled) else {
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

    /// A typed evaluation with its details: straight through when no hook is
    /// registered, inside the hooks otherwise. `extract` takes the typed value out of
    /// a value of the kind asked for, or says why it does not fit.
    fn resolve<T>(
        &self,
        flag: At<'_>,
        ctx: &Context,
        kind: FlagKind,
        default: T,
        default_json: impl FnOnce(&T) -> Option<Value>,
        extract: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Details<T> {
        if self.shared.hooks.is_empty() {
            return self.eval(flag, ctx, Some(kind), |e| Details::from_eval(e, default, extract));
        }
        let default_json = default_json(&default);
        let hook =
            HookContext { flag_key: flag.key, kind, context: ctx, default_value: default_json.as_ref() };
        let (value, record, mismatch) = hooks::run(&self.shared.hooks, &hook, || {
            self.eval(flag, ctx, Some(kind), |e| {
                let mut record = e.record();
                if record.error_code.is_some() {
                    return (None, record, None);
                }
                match e.value.map(extract) {
                    Some(Ok(value)) => (Some(value), record, None),
                    Some(Err(why)) => {
                        record = crate::details::error_record(ErrorCode::TypeMismatch);
                        (None, record, Some(why))
                    }
                    None => (None, crate::details::error_record(ErrorCode::TypeMismatch), None),
                }
            })
        });
        Details::from_record(record, value, default, mismatch)
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
        self.bool_value_at(At::key(flag), ctx, default)
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
        self.string_value_at(At::key(flag), ctx, default)
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
        self.number_value_at(At::key(flag), ctx, default)
    }

    /// The value of a number flag as an integer, or `default` when the flag is missing,
    /// not a number, or serves a number that is not an integer in `i64`'s range
    /// ([`Client::int_details`] says `TYPE_MISMATCH` then).
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let limit = client.int_value("rate-limit", &vexil_sdk::Context::new("user-1"), 10);
    /// assert_eq!(limit, 100);
    /// ```
    #[inline]
    pub fn int_value(&self, flag: &str, ctx: &Context, default: i64) -> i64 {
        self.int_value_at(At::key(flag), ctx, default)
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
        self.json_value_at(At::key(flag), ctx, default)
    }

    /// The value of a flag of any kind, deserialised into `T`, or `default` when the
    /// flag is missing or its value does not fit `T` ([`Client::json_details_as`] says
    /// `TYPE_MISMATCH` then, with serde's reason in [`Details::error_message`]).
    ///
    /// ```
    /// #[derive(serde::Deserialize, Debug, PartialEq)]
    /// struct Banner { text: String }
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let user = vexil_sdk::Context::new("user-1");
    /// let banner = client.json_value_as("banner", &user, Banner { text: String::new() });
    /// assert_eq!(banner.text, "Welcome");
    /// let d = client.json_details_as("theme", &user, Banner { text: "default".into() }); // a string
    /// assert_eq!((d.value.text.as_str(), d.error_code), ("default", Some(vexil_sdk::ErrorCode::TypeMismatch)));
    /// assert_eq!(d.error_message.as_deref(), Some(r#"invalid type: string "dark", expected struct Banner"#));
    /// ```
    pub fn json_value_as<T: DeserializeOwned>(&self, flag: &str, ctx: &Context, default: T) -> T {
        self.json_value_as_at(At::key(flag), ctx, default)
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
        self.bool_details_at(At::key(flag), ctx, default)
    }

    /// Like [`Client::string_value`], with the variant, the reason and the error code.
    pub fn string_details(&self, flag: &str, ctx: &Context, default: &str) -> Details<String> {
        self.string_details_at(At::key(flag), ctx, default)
    }

    /// Like [`Client::number_value`], with the variant, the reason and the error code.
    pub fn number_details(&self, flag: &str, ctx: &Context, default: f64) -> Details<f64> {
        self.number_details_at(At::key(flag), ctx, default)
    }

    /// Like [`Client::int_value`], with the variant, the reason and the error code
    /// (`TYPE_MISMATCH` for a number that is not an integer in `i64`'s range, saying so
    /// in [`Details::error_message`]).
    pub fn int_details(&self, flag: &str, ctx: &Context, default: i64) -> Details<i64> {
        self.int_details_at(At::key(flag), ctx, default)
    }

    /// Like [`Client::json_value`], with the variant, the reason and the error code.
    pub fn json_details(&self, flag: &str, ctx: &Context, default: Value) -> Details<Value> {
        self.json_details_at(At::key(flag), ctx, default)
    }

    /// Like [`Client::json_value_as`], with the variant, the reason and the error code
    /// (`TYPE_MISMATCH` when the value does not deserialise into `T`, with serde's
    /// reason in [`Details::error_message`]).
    pub fn json_details_as<T: DeserializeOwned>(&self, flag: &str, ctx: &Context, default: T) -> Details<T> {
        self.json_details_as_at(At::key(flag), ctx, default)
    }

    #[inline]
    pub(crate) fn bool_value_at(&self, flag: At<'_>, ctx: &Context, default: bool) -> bool {
        if !self.shared.hooks.is_empty() {
            return self.bool_details_at(flag, ctx, default).value;
        }
        self.eval(flag, ctx, Some(FlagKind::Boolean), |e| e.value.and_then(Value::as_bool).unwrap_or(default))
    }

    pub(crate) fn string_value_at(&self, flag: At<'_>, ctx: &Context, default: &str) -> String {
        if !self.shared.hooks.is_empty() {
            return self.string_details_at(flag, ctx, default).value;
        }
        self.eval(flag, ctx, Some(FlagKind::String), |e| {
            e.value.and_then(Value::as_str).unwrap_or(default).to_owned()
        })
    }

    #[inline]
    pub(crate) fn number_value_at(&self, flag: At<'_>, ctx: &Context, default: f64) -> f64 {
        if !self.shared.hooks.is_empty() {
            return self.number_details_at(flag, ctx, default).value;
        }
        self.eval(flag, ctx, Some(FlagKind::Number), |e| e.value.and_then(Value::as_f64).unwrap_or(default))
    }

    #[inline]
    pub(crate) fn int_value_at(&self, flag: At<'_>, ctx: &Context, default: i64) -> i64 {
        if !self.shared.hooks.is_empty() {
            return self.int_details_at(flag, ctx, default).value;
        }
        self.eval(flag, ctx, Some(FlagKind::Number), |e| e.value.and_then(as_integer).unwrap_or(default))
    }

    pub(crate) fn json_value_at(&self, flag: At<'_>, ctx: &Context, default: Value) -> Value {
        self.json_details_at(flag, ctx, default).value
    }

    pub(crate) fn json_value_as_at<T: DeserializeOwned>(&self, flag: At<'_>, ctx: &Context, default: T) -> T {
        self.json_details_as_at(flag, ctx, default).value
    }

    pub(crate) fn bool_details_at(&self, flag: At<'_>, ctx: &Context, default: bool) -> Details<bool> {
        self.resolve(
            flag,
            ctx,
            FlagKind::Boolean,
            default,
            |d| Some(Value::Bool(*d)),
            |v| v.as_bool().ok_or_else(|| not_a(v, "boolean")),
        )
    }

    pub(crate) fn string_details_at(&self, flag: At<'_>, ctx: &Context, default: &str) -> Details<String> {
        self.resolve(
            flag,
            ctx,
            FlagKind::String,
            default.to_owned(),
            |d| Some(Value::String(d.clone())),
            |v| v.as_str().map(str::to_owned).ok_or_else(|| not_a(v, "string")),
        )
    }

    pub(crate) fn number_details_at(&self, flag: At<'_>, ctx: &Context, default: f64) -> Details<f64> {
        self.resolve(
            flag,
            ctx,
            FlagKind::Number,
            default,
            |d| serde_json::Number::from_f64(*d).map(Value::Number),
            |v| v.as_f64().ok_or_else(|| not_a(v, "number")),
        )
    }

    pub(crate) fn int_details_at(&self, flag: At<'_>, ctx: &Context, default: i64) -> Details<i64> {
        self.resolve(
            flag,
            ctx,
            FlagKind::Number,
            default,
            |d| Some(Value::from(*d)),
            |v| as_integer(v).ok_or_else(|| format!("{v} is not an integer in i64's range")),
        )
    }

    pub(crate) fn json_details_at(&self, flag: At<'_>, ctx: &Context, default: Value) -> Details<Value> {
        self.resolve(flag, ctx, FlagKind::Json, default, |d| Some(d.clone()), |v| Ok(v.clone()))
    }

    pub(crate) fn json_details_as_at<T: DeserializeOwned>(
        &self,
        flag: At<'_>,
        ctx: &Context,
        default: T,
    ) -> Details<T> {
        self.resolve(
            flag,
            ctx,
            FlagKind::Json,
            default,
            |_| None,
            |v| T::deserialize(v).map_err(|e| e.to_string()),
        )
    }

    /// A handle on the flag `key`, for code that evaluates that flag again and again: it
    /// remembers where the flag is in the client's data, so each evaluation skips the
    /// look-up by key. Its methods answer exactly as the client's do for `key` (usage,
    /// hooks and defaults included). It stays valid across changes, and a flag created
    /// after the handle is found when it arrives. A handle is a clone of the client: it
    /// keeps the background thread running while it lives.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let checkout = client.flag("new-checkout");
    /// for user in ["user-1", "user-2"] {
    ///     let on = checkout.bool_value(&vexil_sdk::Context::new(user), false);
    ///     assert_eq!(on, client.bool_value("new-checkout", &vexil_sdk::Context::new(user), false));
    /// }
    /// ```
    pub fn flag(&self, key: impl Into<String>) -> crate::FlagHandle {
        crate::handle::FlagHandle::new(self.clone(), key.into())
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

    /// Records a custom metric event (a conversion, a latency...) for `ctx`. Queued and
    /// sent with the next flush; never waits for the network and never fails: an
    /// invalid event key or a value that is not finite is counted in
    /// [`Stats::events_invalid`] (and logged once), an event that does not fit the
    /// buffer in [`Stats::events_dropped`]. Offline and test-data clients send no
    /// events. [`Client::try_track`] says what happened.
    ///
    /// The event carries the variants `ctx` is served, so that the server can compare
    /// variants: of every flag whose variant depends on a percentage rollout (as in an
    /// experiment or a guarded rollout), evaluated for `ctx` now, and of the flags
    /// given to [`ClientBuilder::watch_flags`], as last served to `ctx`'s key. At most
    /// [`MAX_WATCHED_FLAGS`] flags, watched ones first, then by key.
    ///
    /// ```
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let user = vexil_sdk::Context::new("user-1");
    /// client.track("checkout-completed", &user, 42.0);
    /// ```
    pub fn track(&self, event: &str, ctx: &Context, value: f64) {
        if let Err(e @ (TrackError::InvalidEventKey(_) | TrackError::NotFinite)) =
            self.try_track(event, ctx, value)
        {
            let before =
                self.shared.counters.events_invalid.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if before == 0 {
                tracing::warn!(error = %e, "vexil: a metric event was refused (further ones are only counted)");
            }
        }
    }

    /// Like [`Client::track`], saying whether the event was queued. Refused events are
    /// not counted in [`Stats::events_invalid`] (events dropped for a full buffer are
    /// counted in [`Stats::events_dropped`]).
    ///
    /// ```
    /// use vexil_sdk::TrackError;
    /// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
    /// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
    /// let user = vexil_sdk::Context::new("user-1");
    /// // Offline clients send no events.
    /// assert_eq!(client.try_track("checkout-completed", &user, 42.0), Err(TrackError::Disabled));
    /// ```
    pub fn try_track(&self, event: &str, ctx: &Context, value: f64) -> Result<(), TrackError> {
        if !event_key_ok(event) {
            return Err(TrackError::InvalidEventKey(event.to_owned()));
        }
        if !value.is_finite() {
            return Err(TrackError::NotFinite);
        }
        let events = &self.shared.events;
        if !events.enabled() {
            return Err(TrackError::Disabled);
        }
        let mut variants = events.variants_for(ctx.key());
        if let Some(loaded) = self.shared.load_guard().as_deref() {
            for &i in loaded.rollout_flags.iter() {
                if variants.len() >= MAX_WATCHED_FLAGS {
                    break;
                }
                let Some(info) = loaded.compiled.flags().nth(i) else { continue };
                if variants.contains_key(info.key()) {
                    continue;
                }
                if let Some(v) = loaded.compiled.evaluate_index(i, ctx, None).variant {
                    variants.insert(info.key().to_owned(), v.to_owned());
                }
            }
        }
        let metric =
            MetricEvent { event: event.to_owned(), value, at: time::OffsetDateTime::now_utc(), variants };
        if events.push_metric(metric) { Ok(()) } else { Err(TrackError::BufferFull) }
    }

    /// Asks the background thread to send pending events now; returns at once.
    pub fn flush(&self) {
        self.shared.request_flush();
    }

    /// Sends pending events now and blocks the calling thread until they are delivered
    /// or `timeout` passes (for a short-lived process or a test; do not call it on an
    /// async runtime's worker thread). `Ok` at once when the client sends no events.
    ///
    /// Errors: [`FlushError::TimedOut`] (the flush goes on in the background),
    /// [`FlushError::NotDelivered`] with the cause (undelivered events stay buffered
    /// unless the server refused them for good).
    pub fn flush_blocking(&self, timeout: Duration) -> Result<(), FlushError> {
        if !self.shared.events.enabled() || self.handle.runtime.is_none() || self.status() == Status::Closed {
            return Ok(());
        }
        let request = self.shared.request_flush();
        self.shared.wait_flush(request, timeout)
    }

    /// Calls `f` whenever the value of `flag` for `ctx` changes (a change of the
    /// flag, a segment or a prerequisite it uses, or its deletion), until the returned
    /// handle is dropped. The value when registering is the baseline. `f` runs on the
    /// client's background thread (with [`crate::TestData`], on the thread calling
    /// `update`): keep it short and never block in it.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use vexil_sdk::{Context, TestData};
    ///
    /// let td = TestData::new();
    /// td.update(td.flag("theme").value_for_all("light"));
    /// let client = td.client();
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let sink = seen.clone();
    /// let _listener = client.on_change("theme", &Context::new("user-1"), move |change| {
    ///     sink.lock().unwrap().push(change.new_value.clone());
    /// });
    /// td.update(td.flag("theme").value_for_all("dark"));
    /// assert_eq!(*seen.lock().unwrap(), [Some(serde_json::json!("dark"))]);
    /// ```
    pub fn on_change(
        &self,
        flag: &str,
        ctx: &Context,
        f: impl Fn(&FlagValueChange) + Send + Sync + 'static,
    ) -> ChangeListener {
        let current = self.shared.load_guard();
        let id = self.shared.listeners.add(flag, ctx.clone(), current.as_deref(), Box::new(f));
        ChangeListener { shared: Arc::downgrade(&self.shared), id }
    }

    /// The flags and segments of the snapshot served that cannot be used, and why
    /// (flags first, then segments, each by key). Each such flag evaluates to reason
    /// `ERROR` with code `PARSE_ERROR` (its own data) or `GENERAL` (a duplicate key,
    /// or a failed segment or prerequisite it uses); everything else is served.
    /// [`Stats::failed_flags`] counts the flags.
    pub fn failures(&self) -> Vec<Failure> {
        self.shared.load_guard().as_deref().map(|l| l.failures.to_vec()).unwrap_or_default()
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
    /// Errors: [`WaitError::Unauthorized`] as soon as the server refuses the key;
    /// [`WaitError::TimedOut`] with the last failure as its cause (a refused connection,
    /// a TLS error...); [`WaitError::Closed`].
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
        if self.status().ends_wait() {
            return self.ready_result(timeout);
        }
        let Some(runtime) = &self.handle.runtime else { return Err(WaitError::Closed) };
        // The timer runs on the client's own runtime, so the caller's executor needs
        // none; the channel wakes any executor.
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut status_rx = self.shared.status.subscribe();
        runtime.spawn(async move {
            let reached = tokio::time::timeout(timeout, status_rx.wait_for(|s| s.ends_wait())).await;
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
            Status::Unauthorized => {
                Err(WaitError::Unauthorized { status: self.shared.refused_status().unwrap_or(401) })
            }
            status => Err(WaitError::TimedOut { timeout, status, cause: self.shared.last_load_error() }),
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

/// Why `v` is not of the type asked for (a value the data's own kind should exclude).
fn not_a(v: &Value, kind: &str) -> String {
    format!("{v} is not a {kind}")
}

/// An exact integer in `i64`'s range, from an integer or an integral float.
fn as_integer(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        // 2^63 itself is out of range; a fraction is not an integer.
        v.as_f64()
            .filter(|n| {
                n.fract() == 0.0 && *n >= -9_223_372_036_854_775_808.0 && *n < 9_223_372_036_854_775_808.0
            })
            .map(|n| n as i64)
    })
}
