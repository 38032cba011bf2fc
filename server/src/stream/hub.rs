//! One hub per environment: the current snapshot held in memory (compiled for
//! evaluation, recompiling only what each change touches; serialised for SDKs and
//! gzipped on the first request or stream that needs it), a ring of recent changes,
//! and a broadcast of each change as it is applied.
//!
//! Readers never wait: the current view is swapped atomically. Writers (refreshes) are
//! serialised per environment and apply the change feed in version order.

use std::collections::VecDeque;
use std::io::Write as _;
use std::sync::Arc;

use arc_swap::ArcSwap;
use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use tokio::sync::{Mutex, Notify, broadcast};
use vexil_core::wire::{self, DeletedKey};
use vexil_core::{CompiledSnapshot, Failure, Object, Problem, Snapshot};

use crate::store::{self, Change, ChangeKind, Store};

/// Recent changes kept per environment for `Last-Event-ID` resumes (default).
pub const RING_CAPACITY: usize = 1024;
/// Broadcast queue per environment (default): a subscriber further behind is
/// resynchronised with a fresh snapshot.
pub const BROADCAST_CAPACITY: usize = 256;

/// Sizes of a hub's buffers.
#[derive(Debug, Clone, Copy)]
pub struct HubSizes {
    /// Changes kept for resumes.
    pub ring: usize,
    /// Messages a subscriber may fall behind.
    pub broadcast: usize,
    /// A hub without streams that no request used for this long is dropped (it
    /// reloads, ring included, from the change feed on next use).
    pub idle: std::time::Duration,
}

/// How long an unused hub stays loaded (default).
pub const HUB_IDLE: std::time::Duration = std::time::Duration::from_secs(600);

impl Default for HubSizes {
    fn default() -> Self {
        HubSizes { ring: RING_CAPACITY, broadcast: BROADCAST_CAPACITY, idle: HUB_IDLE }
    }
}

/// An immutable view of one environment at one version.
#[derive(Debug)]
pub struct EnvView {
    /// Internal id.
    pub environment_id: i64,
    /// The project key.
    pub project: String,
    /// The environment key.
    pub environment: String,
    /// The snapshot version.
    pub version: u64,
    /// The history epoch this view's ids and ETags carry ([`super::Position`]).
    pub epoch: Arc<String>,
    /// The snapshot model, to apply the next change to. A view built by a change keeps
    /// it while more changes are likely (a rollout's steps, a burst of edits), until
    /// [`EnvView::shed_model`]; a view loaded whole keeps only its JSON, and the next
    /// change parses the model back from that (decision 0040): an idle environment holds
    /// one copy of its configuration besides the compiled form, not two. An environment
    /// with open streams reads it back as soon as a stream starts
    /// ([`EnvView::keep_model`]) and keeps it while streams are open, so that a change
    /// reaches them without first parsing the whole configuration (decision 0047).
    model: std::sync::Mutex<Option<Arc<Snapshot>>>,
    /// Set while a background read of the model ([`EnvView::keep_model`]) runs.
    reading_model: std::sync::atomic::AtomicBool,
    /// Held while the model is read back from the JSON, so that a change arriving during
    /// a stream's background read waits for its model rather than parsing again.
    model_read: std::sync::Mutex<()>,
    /// When this view was built.
    built: std::time::Instant,
    /// Ready to evaluate. Compiled leniently: a flag or segment that cannot be served
    /// is in [`EnvView::failures`], and evaluating such a flag answers an error, while
    /// every other flag is served.
    pub compiled: CompiledSnapshot,
    /// What this view cannot serve (normally nothing: writes keep every environment
    /// servable; this is the defence in depth against data that got in otherwise).
    pub failures: Vec<Failure>,
    /// Problems of the snapshot as a whole (e.g. more flags than the limit).
    pub problems: Vec<Problem>,
    /// The snapshot as JSON: serialised when the view is loaded whole, and on first use
    /// in a view built by a change (a change that no SDK fetches in full and no stream
    /// starts from costs no serialisation).
    json: std::sync::OnceLock<Option<Bytes>>,
    /// The same, gzipped on first use.
    gzip: std::sync::OnceLock<Option<Bytes>>,
    /// The head of the SSE `snapshot` event (`id`, `event` and `data: `), rendered on
    /// first use.
    snapshot_head: std::sync::OnceLock<Bytes>,
    /// Each flag's constant OFREP JSON, rendered on first use.
    ofrep_pieces: std::sync::OnceLock<super::pieces::OfrepPieces>,
    /// `position()` as a quoted ETag, rendered on first use.
    etag: std::sync::OnceLock<Option<http::HeaderValue>>,
}

impl EnvView {
    /// Compiles `snapshot`: everything, or, given the view it was changed from and the
    /// flags and segments the changes named, only what they touch (the rest of the
    /// compiled form is shared with `base`).
    fn build(
        environment_id: i64,
        project: String,
        epoch: Arc<String>,
        snapshot: Snapshot,
        base: Option<(&EnvView, &[Object])>,
    ) -> EnvView {
        let lenient = match base {
            Some((base, changed)) => base.compiled.with_changes(&snapshot, &[], changed),
            None => CompiledSnapshot::compile_lenient(&snapshot),
        };
        EnvView {
            environment_id,
            project,
            environment: snapshot.environment.clone(),
            version: snapshot.version,
            epoch,
            model: std::sync::Mutex::new(Some(Arc::new(snapshot))),
            reading_model: std::sync::atomic::AtomicBool::new(false),
            model_read: std::sync::Mutex::new(()),
            built: std::time::Instant::now(),
            compiled: lenient.compiled,
            failures: lenient.failures,
            problems: lenient.snapshot_problems,
            json: std::sync::OnceLock::new(),
            gzip: std::sync::OnceLock::new(),
            snapshot_head: std::sync::OnceLock::new(),
            ofrep_pieces: std::sync::OnceLock::new(),
            etag: std::sync::OnceLock::new(),
        }
    }

    fn held_model(&self) -> Option<Arc<Snapshot>> {
        self.model.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether this view still holds its snapshot model ([`EnvView::shed_model`]).
    pub fn holds_model(&self) -> bool {
        self.held_model().is_some()
    }

    /// The snapshot model: the one held, or parsed back from [`EnvView::json`].
    ///
    /// # Errors
    /// The JSON is missing or does not parse (neither happens to JSON serialised from a
    /// model; the caller then reloads from the database).
    pub fn model(&self) -> Result<Arc<Snapshot>, String> {
        if let Some(model) = self.held_model() {
            return Ok(model);
        }
        let _reading = self.model_read.lock().unwrap_or_else(|e| e.into_inner());
        // A background read may have finished while this waited.
        if let Some(model) = self.held_model() {
            return Ok(model);
        }
        self.read_model_back()
    }

    /// Parses the model from [`EnvView::json`]; the caller holds `model_read`.
    fn read_model_back(&self) -> Result<Arc<Snapshot>, String> {
        let json = self.json().ok_or("the configuration has no JSON to read the model from")?;
        metrics::counter!("vexil_environment_models_read_total").increment(1);
        Snapshot::from_json(&json).map(Arc::new).map_err(|e| format!("reading the model back: {e}"))
    }

    /// Reads the model back from the JSON off the async threads, if this view holds
    /// none and no read is under way: called when a stream starts, so that the first
    /// change to reach open streams does not wait for a parse of the whole
    /// configuration (about 50 ms at 50,000 flags). Outside a Tokio runtime, nothing.
    pub fn keep_model(self: &Arc<Self>) {
        use std::sync::atomic::Ordering::AcqRel;
        if self.holds_model() || self.reading_model.swap(true, AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.reading_model.store(false, std::sync::atomic::Ordering::Release);
            return;
        };
        let view = self.clone();
        runtime.spawn_blocking(move || {
            let _reading = view.model_read.lock().unwrap_or_else(|e| e.into_inner());
            // Stored before the lock is released, so a change that waited finds it.
            match view.held_model().map_or_else(|| view.read_model_back(), Ok) {
                Ok(model) => {
                    view.model.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(model);
                }
                // The next change reads it again, and reloads from the database if it
                // still cannot.
                Err(e) => tracing::warn!(environment.id = view.environment_id, error = %e, "reading the configuration model back failed"),
            }
            view.reading_model.store(false, std::sync::atomic::Ordering::Release);
        });
    }

    /// Drops the snapshot model, serialising the JSON first if no one has: the JSON then
    /// holds the same, and the next change reads the model back from it. Returns whether
    /// a model was dropped (not when the JSON could not be made).
    pub fn shed_model(&self) -> bool {
        if self.json().is_none() {
            return false;
        }
        self.model.lock().unwrap_or_else(|e| e.into_inner()).take().is_some()
    }

    /// How long ago this view was built.
    pub fn age(&self) -> std::time::Duration {
        self.built.elapsed()
    }

    /// Logs (once, when they change) and counts what this view cannot serve.
    fn report_failures(&self, previous: Option<&EnvView>) {
        let same = previous.is_some_and(|p| p.failures == self.failures && p.problems == self.problems);
        if same {
            return;
        }
        metrics::gauge!(
            "vexil_environment_failed_objects",
            "project" => self.project.clone(),
            "environment" => self.environment.clone()
        )
        .set(self.failures.len() as f64);
        if self.failures.is_empty() && self.problems.is_empty() {
            if previous.is_some_and(|p| !p.failures.is_empty() || !p.problems.is_empty()) {
                tracing::info!(project = %self.project, environment = %self.environment, "every flag is served again");
            }
            return;
        }
        let failed: Vec<String> =
            self.failures.iter().map(|f| format!("{} ({:?})", f.object, f.code)).collect();
        let problems: Vec<String> =
            self.problems.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect();
        tracing::error!(
            project = %self.project,
            environment = %self.environment,
            environment.version = self.version,
            failed = %failed.join(", "),
            problems = %problems.join("; "),
            "some stored flags or segments cannot be served; they evaluate to an error, the rest are served"
        );
    }

    /// Where this view stands, as ids and ETags carry it.
    pub fn position(&self) -> super::Position<'_> {
        super::Position { epoch: &self.epoch, version: self.version }
    }

    /// [`position`](Self::position) as an ETag (`"<epoch>-<version>"`, quotes
    /// included), rendered once per view: `/sdk/v1/config` sends it with every answer
    /// and compares it with every `If-None-Match`. `None` if the epoch held a byte a
    /// header cannot (it never does: the server makes it from hex digits).
    pub fn etag(&self) -> Option<&http::HeaderValue> {
        self.etag
            .get_or_init(|| http::HeaderValue::try_from(format!("\"{}\"", self.position())).ok())
            .as_ref()
    }

    /// The snapshot as JSON, serialised by the first caller and then shared; `None`
    /// if serialising failed (logged; it cannot for the model's types).
    pub fn json(&self) -> Option<Bytes> {
        self.json
            .get_or_init(|| {
                // A view without a model has its JSON already (`shed_model`).
                let model = self.held_model()?;
                serialise(self.environment_id, &model)
            })
            .clone()
    }

    /// [`EnvView::json`] gzipped, compressed by the first caller and then shared;
    /// `None` if compression failed (logged; callers send the JSON as it is).
    pub fn gzip(&self) -> Option<Bytes> {
        self.gzip
            .get_or_init(|| {
                let json = self.json()?;
                let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::default());
                match gz.write_all(&json).and_then(|()| gz.finish()) {
                    Ok(mut bytes) => {
                        bytes.shrink_to_fit();
                        Some(Bytes::from(bytes))
                    }
                    Err(e) => {
                        tracing::error!(environment.id = self.environment_id, error = %e, "gzipping the configuration failed");
                        None
                    }
                }
            })
            .clone()
    }

    /// Each flag's constant OFREP JSON, in snapshot order, and the names of its usage
    /// counters (rendered by the first bulk request, then shared).
    pub fn ofrep_pieces(&self) -> &super::pieces::OfrepPieces {
        self.ofrep_pieces.get_or_init(|| super::pieces::render(&self.compiled))
    }

    /// The `snapshot` SSE event of this view, as the pieces a stream sends in turn: the
    /// event's head (rendered once), the JSON itself (shared with [`EnvView::json`], not
    /// copied into a frame of its own) and the blank line that ends the event; `None`
    /// when the JSON is missing.
    pub fn snapshot_event(&self) -> Option<[Bytes; 3]> {
        let json = self.json()?;
        let head = self
            .snapshot_head
            .get_or_init(|| super::sse::head(Some(&self.position().to_string()), Some(wire::SNAPSHOT_EVENT)))
            .clone();
        Some([head, json, Bytes::from_static(super::sse::END)])
    }
}

/// One applied change, as streams send it.
#[derive(Debug)]
pub struct ChangeEvent {
    /// The environment version it produced.
    pub version: u64,
    /// What changed.
    pub kind: ChangeKind,
    /// The flag or segment key.
    pub key: String,
    /// The whole SSE event, rendered once for every stream. The `data` line's JSON is
    /// not kept beside it ([`ChangeEvent::data`] is a view into this frame), so the
    /// ring holds each payload once.
    pub frame: Bytes,
    /// Where the JSON starts in `frame`.
    data_at: usize,
}

impl ChangeEvent {
    /// The JSON the SSE `data` line carries: the new object, or `{"key": ...}` (no
    /// copy: a slice of [`ChangeEvent::frame`]).
    pub fn data(&self) -> Bytes {
        // The frame ends with the data and the blank line that closes the event.
        self.frame
            .slice(self.data_at..self.frame.len().saturating_sub(super::sse::END.len()).max(self.data_at))
    }
}

/// What a stream subscriber receives.
#[derive(Debug, Clone)]
pub enum HubMessage {
    /// A change, in version order.
    Change(Arc<ChangeEvent>),
    /// Changes were lost to the hub itself (a gap in the feed): start from a snapshot.
    Resync,
}

/// One environment's live state.
#[derive(Debug)]
pub struct EnvHub {
    sizes: HubSizes,
    view: ArcSwap<EnvView>,
    ring: std::sync::Mutex<VecDeque<Arc<ChangeEvent>>>,
    /// Created by the first subscriber: the channel's buffer is allocated whole
    /// (`sizes.broadcast` slots, about 12 KiB at the default), and most environments an
    /// SDK fetches have no stream. A lock, not a `OnceLock`: a change stores its view,
    /// then sends; a subscriber subscribes, then reads the view; the lock orders the two,
    /// so the subscriber either gets the change or sees its view.
    sender: std::sync::Mutex<Option<broadcast::Sender<HubMessage>>>,
    refresh_lock: Mutex<()>,
    /// Wakes the refresh task.
    pub(super) wake: Notify,
}

/// Why a hub could not be loaded or refreshed.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The environment does not exist (any more).
    #[error("environment not found")]
    Gone,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// Stored data does not form a valid snapshot.
    #[error("{0}")]
    Invalid(String),
}

impl EnvHub {
    /// Loads an environment's snapshot from the database, for the history `epoch`.
    /// `for_stream`: a stream asked, and the view keeps its model (decision 0047).
    pub async fn load(
        store: &Store,
        environment_id: i64,
        sizes: HubSizes,
        epoch: Arc<String>,
        for_stream: bool,
    ) -> Result<EnvHub, HubError> {
        let view = load_view(store, environment_id, epoch.clone(), for_stream).await?;
        view.report_failures(None);
        // The recent history comes from the feed, so that SDKs reconnecting after this
        // replica started (a restart, another replica) resume instead of reloading.
        let after = view.version.saturating_sub(sizes.ring as u64) as i64;
        let recent = store.changes_since(environment_id, after, sizes.ring as i64).await?;
        let ring: VecDeque<Arc<ChangeEvent>> = recent
            .iter()
            .filter(|c| c.version as u64 <= view.version)
            .map(|c| event_of(c, &epoch).map(Arc::new))
            .collect::<Result<_, _>>()
            .map_err(HubError::Invalid)?;
        // Only a contiguous run ending at the view counts.
        let ring = contiguous_tail(ring, view.version);
        Ok(EnvHub {
            sizes,
            view: ArcSwap::from_pointee(view),
            ring: std::sync::Mutex::new(ring),
            sender: std::sync::Mutex::new(None),
            refresh_lock: Mutex::new(()),
            wake: Notify::new(),
        })
    }

    /// The current view; never blocks.
    pub fn view(&self) -> Arc<EnvView> {
        self.view.load_full()
    }

    /// Subscribes to changes applied from now on. The current view reads its model
    /// back if it had shed it ([`EnvView::keep_model`]): streams wait for changes.
    pub fn subscribe(&self) -> broadcast::Receiver<HubMessage> {
        let receiver = {
            let mut sender = self.sender.lock().unwrap_or_else(|e| e.into_inner());
            sender.get_or_insert_with(|| broadcast::channel(self.sizes.broadcast.max(1)).0).subscribe()
        };
        self.view().keep_model();
        receiver
    }

    /// Number of live subscribers.
    pub fn subscribers(&self) -> usize {
        self.sender.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map_or(0, |s| s.receiver_count())
    }

    /// Sends to the subscribers, if any has ever subscribed (none is fine), under one
    /// hold of the lock.
    fn send(&self, messages: impl IntoIterator<Item = HubMessage>) {
        if let Some(sender) = &*self.sender.lock().unwrap_or_else(|e| e.into_inner()) {
            for message in messages {
                let _ = sender.send(message);
            }
        }
    }

    /// The changes after `version` up to the current view, if the ring still holds all
    /// of them; `None` means the caller must start from a snapshot.
    pub fn changes_after(&self, version: u64) -> Option<Vec<Arc<ChangeEvent>>> {
        let current = self.view().version;
        if version == current {
            return Some(Vec::new());
        }
        if version > current {
            return None;
        }
        let ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        let first = ring.front()?.version;
        if version + 1 < first {
            return None;
        }
        Some(ring.iter().filter(|c| c.version > version && c.version <= current).cloned().collect())
    }

    /// Applies every change committed after the current view, in order. A gap in the
    /// feed (rows already pruned) reloads the whole snapshot and resynchronises
    /// subscribers.
    pub async fn refresh(&self, store: &Store) -> Result<(), HubError> {
        let _serial = self.refresh_lock.lock().await;
        loop {
            let current = self.view();
            let changes = store.changes_since(current.environment_id, current.version as i64, 500).await?;
            let Some(first) = changes.first() else {
                // Nothing new: woken by a deletion, or by a version check.
                return match store.environment_by_id(current.environment_id).await {
                    Ok(_) => Ok(()),
                    Err(store::Error::NotFound(_)) => Err(HubError::Gone),
                    Err(e) => Err(e.into()),
                };
            };
            if first.version as u64 != current.version + 1 {
                tracing::warn!(
                    environment.id = current.environment_id,
                    from.version = current.version,
                    next.version = first.version,
                    "change feed gap; reloading the snapshot"
                );
                return self.reload(store, &current).await;
            }
            let n_changes = changes.len();
            // Applying and compiling are CPU work (serialising and compressing wait for
            // the first request that needs them): off the async threads, so that one
            // large environment never stalls the others.
            let base = current.clone();
            let built = tokio::task::spawn_blocking(move || {
                let started = std::time::Instant::now();
                let model = match base.model() {
                    Ok(model) => model,
                    Err(e) => return Ok(Err(e)),
                };
                // A model just read back from the JSON is this task's alone: no copy.
                let mut snapshot = Arc::unwrap_or_clone(model);
                let mut events = Vec::with_capacity(changes.len());
                let mut changed = Vec::with_capacity(changes.len());
                for change in &changes {
                    events.push(Arc::new(apply(&mut snapshot, change, &base.epoch)?));
                    changed.push(match change.kind {
                        ChangeKind::Flag | ChangeKind::FlagDeleted => Object::Flag(change.key.clone()),
                        ChangeKind::Segment | ChangeKind::SegmentDeleted => {
                            Object::Segment(change.key.clone())
                        }
                    });
                }
                let view = EnvView::build(
                    base.environment_id,
                    base.project.clone(),
                    base.epoch.clone(),
                    snapshot,
                    Some((&base, &changed)),
                );
                // What a change costs a replica before the socket writes: reading the
                // model back if it was dropped, applying, recompiling what it touches.
                metrics::histogram!("vexil_snapshot_apply_seconds").record(started.elapsed().as_secs_f64());
                Ok::<_, String>(Ok((view, events)))
            })
            .await
            .map_err(|e| HubError::Invalid(format!("snapshot task: {e}")))?;
            let (view, events) = match built.map_err(HubError::Invalid)? {
                Ok(built) => built,
                Err(e) => {
                    // Defence in depth: JSON serialised from a model always reads back.
                    tracing::error!(environment.id = current.environment_id, error = %e, "reloading the snapshot");
                    return self.reload(store, &current).await;
                }
            };
            view.report_failures(Some(&current));
            self.view.store(Arc::new(view));
            {
                let mut ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
                for e in &events {
                    if ring.len() >= self.sizes.ring {
                        ring.pop_front();
                    }
                    ring.push_back(e.clone());
                }
            }
            self.send(events.into_iter().map(HubMessage::Change));
            if n_changes < 500 {
                return Ok(());
            }
        }
    }
}

impl EnvHub {
    /// Replaces the view with one loaded from the database and sends every subscriber a
    /// resynchronisation: for a gap in the change feed, or a model that cannot be read.
    async fn reload(&self, store: &Store, current: &EnvView) -> Result<(), HubError> {
        let view =
            load_view(store, current.environment_id, current.epoch.clone(), self.subscribers() > 0).await?;
        view.report_failures(Some(current));
        self.view.store(Arc::new(view));
        self.ring.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.send([HubMessage::Resync]);
        Ok(())
    }
}

/// Loads a view whole. It keeps only its JSON (decision 0040) unless `keep_model`:
/// streams are open or about to be, and wait for changes (decision 0047).
async fn load_view(
    store: &Store,
    environment_id: i64,
    epoch: Arc<String>,
    keep_model: bool,
) -> Result<EnvView, HubError> {
    let (project, _) = match store.environment_by_id(environment_id).await {
        Ok(found) => found,
        Err(store::Error::NotFound(_)) => return Err(HubError::Gone),
        Err(e) => return Err(e.into()),
    };
    let snapshot = match store.environment_snapshot(environment_id).await {
        Ok(s) => s,
        Err(store::Error::NotFound(_)) => return Err(HubError::Gone),
        Err(e) => return Err(e.into()),
    };
    tokio::task::spawn_blocking(move || {
        let view = EnvView::build(environment_id, project, epoch, snapshot, None);
        if !keep_model {
            view.shed_model();
        }
        view
    })
    .await
    .map_err(|e| HubError::Invalid(format!("snapshot task: {e}")))
}

/// The stream event of a change row, in the history `epoch`.
fn event_of(change: &Change, epoch: &str) -> Result<ChangeEvent, String> {
    let deleted;
    let data: &[u8] = match change.kind {
        ChangeKind::Flag | ChangeKind::Segment => change
            .payload
            .as_deref()
            .ok_or_else(|| format!("change {} has no payload", change.version))?
            .as_bytes(),
        ChangeKind::FlagDeleted | ChangeKind::SegmentDeleted => {
            deleted =
                serde_json::to_vec(&DeletedKey { key: change.key.clone() }).map_err(|e| e.to_string())?;
            &deleted
        }
    };
    let version = change.version as u64;
    let id = super::Position { epoch, version }.to_string();
    let frame = super::sse::frame(Some(&id), Some(change.kind.event_name()), data);
    let data_at = frame.len() - super::sse::END.len() - data.len();
    Ok(ChangeEvent { version, kind: change.kind, key: change.key.clone(), frame, data_at })
}

/// The longest run of consecutive versions ending at `version`.
fn contiguous_tail(events: VecDeque<Arc<ChangeEvent>>, version: u64) -> VecDeque<Arc<ChangeEvent>> {
    let mut expected = version;
    let mut tail: VecDeque<Arc<ChangeEvent>> = VecDeque::new();
    for e in events.into_iter().rev() {
        if e.version != expected {
            break;
        }
        expected = expected.saturating_sub(1);
        tail.push_front(e);
    }
    tail
}

/// Applies one change to a snapshot (kept sorted by key, as the database returns it)
/// and returns the event to broadcast. The event is read back with the wire protocol's
/// own reader, the one SDKs use, so that what is applied here is what SDKs apply.
fn apply(snapshot: &mut Snapshot, change: &Change, epoch: &str) -> Result<ChangeEvent, String> {
    let event = event_of(change, epoch)?;
    let bytes = event.data();
    let data = std::str::from_utf8(&bytes).map_err(|e| format!("change {}: {e}", change.version))?;
    match wire::parse_change(change.kind.event_name(), data).map_err(|e| e.to_string())? {
        Some(wire::Change::Flag(flag)) => upsert(&mut snapshot.flags, Arc::new(flag), |f| &f.key),
        Some(wire::Change::Segment(segment)) => upsert(&mut snapshot.segments, Arc::new(segment), |s| &s.key),
        Some(wire::Change::FlagDeleted(key)) => snapshot.flags.retain(|f| f.key != key),
        Some(wire::Change::SegmentDeleted(key)) => snapshot.segments.retain(|s| s.key != key),
        Some(wire::Change::Unparsed(u)) => {
            return Err(format!("change {}: {} {}", change.version, u.object, u.message));
        }
        None => return Err(format!("change {} has an unknown kind", change.version)),
    }
    snapshot.version = change.version as u64;
    Ok(event)
}

/// `snapshot` as JSON, its buffer no larger than the text; `None` if serialising failed
/// (logged; it cannot for the model's types).
fn serialise(environment_id: i64, snapshot: &Snapshot) -> Option<Bytes> {
    match serde_json::to_vec(snapshot) {
        Ok(mut bytes) => {
            // Held for the life of the view: no spare capacity.
            bytes.shrink_to_fit();
            Some(Bytes::from(bytes))
        }
        Err(e) => {
            tracing::error!(environment.id = environment_id, error = %e, "serialising the configuration failed");
            None
        }
    }
}

fn upsert<T>(items: &mut Vec<T>, item: T, key: impl Fn(&T) -> &String) {
    match items.binary_search_by(|probe| key(probe).as_str().cmp(key(&item).as_str())) {
        Ok(i) => items[i] = item,
        Err(i) => items.insert(i, item),
    }
}
