//! The change feed made live: per-environment hubs fed by this process's commits, by
//! PostgreSQL notifications from other replicas, and by a periodic version check that
//! catches anything a notification missed.

mod admin;
mod hub;
mod listener;
pub mod pieces;
pub mod sse;

use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

pub use admin::AdminHub;
pub use hub::{
    BROADCAST_CAPACITY, ChangeEvent, EnvHub, EnvView, HUB_IDLE, HubError, HubMessage, HubSizes, RING_CAPACITY,
};
pub use listener::spawn_pg_listener;

use crate::store::Store;

/// A place in an environment's history as SSE event ids and ETags carry it:
/// `<epoch>-<version>`. The epoch names the database's history
/// (`store::history`), so that the same version number in another history (a restored
/// database) is never taken for this one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position<'a> {
    /// The history.
    pub epoch: &'a str,
    /// The environment version in it.
    pub version: u64,
}

impl<'a> Position<'a> {
    /// Reads `<epoch>-<version>`; anything else (a bare version from an older client,
    /// an id this server never issued) is `None`.
    pub fn parse(text: &'a str) -> Option<Position<'a>> {
        let (epoch, version) = text.trim().rsplit_once('-')?;
        let version = version.parse().ok().filter(|_| version.bytes().all(|b| b.is_ascii_digit()))?;
        (!epoch.is_empty()).then_some(Position { epoch, version })
    }
}

impl std::fmt::Display for Position<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.epoch, self.version)
    }
}

/// First pause before a failed refresh is retried.
const RETRY_FIRST: Duration = Duration::from_millis(500);
/// Longest pause between retries of a failed refresh.
const RETRY_MAX: Duration = Duration::from_secs(30);

/// The hubs of every environment this process has served.
#[derive(Debug)]
pub struct Hubs {
    store: Store,
    sizes: HubSizes,
    hubs: DashMap<i64, Arc<LiveHub>>,
    /// The history epoch every hub's ids and ETags carry.
    epoch: arc_swap::ArcSwap<String>,
    /// One lock per environment being loaded, so that two first requests for it load
    /// it once while loads of other environments go on.
    loading: DashMap<i64, Arc<Mutex<()>>>,
    shutdown: CancellationToken,
    /// What [`LiveHub::last_used`] counts from.
    started: std::time::Instant,
}

/// A hub and the token that ends its streams when the environment disappears.
#[derive(Debug)]
pub struct LiveHub {
    /// The hub.
    pub hub: EnvHub,
    /// Cancelled when the environment is deleted.
    pub closed: CancellationToken,
    /// When a request last asked for this hub, in milliseconds since the registry
    /// started (a relaxed store per request; eviction reads it).
    last_used: std::sync::atomic::AtomicU64,
}

impl LiveHub {
    /// The current view once it has reached `version` (a version another replica, or
    /// this one, has announced), or after `timeout`, whichever comes first.
    pub async fn view_at_least(&self, version: u64, timeout: Duration) -> Arc<EnvView> {
        let mut rx = self.hub.subscribe();
        let view = self.hub.view();
        if view.version >= version {
            return view;
        }
        // This replica may not have heard of it yet: look in the database now.
        self.hub.wake.notify_one();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => return self.hub.view(),
                () = self.closed.cancelled() => return self.hub.view(),
                m = rx.recv() => {
                    if matches!(m, Err(tokio::sync::broadcast::error::RecvError::Closed)) {
                        return self.hub.view();
                    }
                    let view = self.hub.view();
                    if view.version >= version {
                        return view;
                    }
                }
            }
        }
    }
}

impl Hubs {
    /// An empty registry for the history `epoch`; hubs load on first use.
    pub fn new(store: Store, sizes: HubSizes, shutdown: CancellationToken, epoch: &str) -> Arc<Hubs> {
        Arc::new(Hubs {
            store,
            sizes,
            hubs: DashMap::new(),
            epoch: arc_swap::ArcSwap::from_pointee(epoch.to_owned()),
            loading: DashMap::new(),
            shutdown,
            started: std::time::Instant::now(),
        })
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn count_loaded(&self) {
        metrics::gauge!("vexil_environments_loaded").set(self.hubs.len() as f64);
    }

    /// Drops every hub that has no stream and that no request asked for within the
    /// idle time ([`HubSizes::idle`]), checking every quarter of it (at most every
    /// minute). A dropped hub's refresh task ends; the next request reloads the
    /// environment, its recent changes included, from the database, so clients resume
    /// from their `Last-Event-ID` as before. Each pass also drops the snapshot model of
    /// views unchanged since the pass before ([`Hubs::shed_models`]).
    pub fn evict_idle_periodically(self: &Arc<Self>) {
        let hubs = self.clone();
        let every = (self.sizes.idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(60));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = hubs.shutdown.cancelled() => return,
                    _ = tick.tick() => {}
                }
                hubs.evict_idle();
                hubs.shed_models(every).await;
            }
        });
    }

    /// Drops the snapshot model of every loaded view without open streams built at least
    /// `unchanged_for` ago
    /// ([`EnvView::shed_model`]; a view loaded whole holds none already), off the async
    /// threads since a view whose JSON no one asked for serialises it first. Returns how
    /// many it dropped.
    pub async fn shed_models(&self, unchanged_for: Duration) -> usize {
        let views: Vec<Arc<EnvView>> = self
            .hubs
            .iter()
            // An environment with open streams keeps its model (decision 0047).
            .filter(|h| h.hub.subscribers() == 0)
            .map(|h| h.hub.view())
            .filter(|v| v.holds_model() && v.age() >= unchanged_for)
            .collect();
        if views.is_empty() {
            return 0;
        }
        let shed = tokio::task::spawn_blocking(move || views.iter().filter(|v| v.shed_model()).count())
            .await
            .unwrap_or(0);
        metrics::counter!("vexil_environment_models_shed_total").increment(shed as u64);
        shed
    }

    /// One pass of [`Hubs::evict_idle_periodically`]; returns how many hubs it dropped.
    pub fn evict_idle(&self) -> usize {
        let now = self.now_ms();
        let idle = self.sizes.idle.as_millis() as u64;
        let ids: Vec<i64> = self.hubs.iter().map(|e| *e.key()).collect();
        let mut evicted = 0;
        for id in ids {
            let removed = self.hubs.remove_if(&id, |_, live| {
                live.hub.subscribers() == 0
                    && now.saturating_sub(live.last_used.load(std::sync::atomic::Ordering::Relaxed)) >= idle
            });
            if let Some((_, live)) = removed {
                // Ends the refresh task; there is no stream to end.
                live.closed.cancel();
                evicted += 1;
                tracing::debug!(environment.id = id, "unused environment dropped from memory");
            }
        }
        if evicted > 0 {
            self.count_loaded();
        }
        evicted
    }

    /// The history epoch hubs serve.
    pub fn epoch(&self) -> Arc<String> {
        self.epoch.load_full()
    }

    /// Reads the history epoch from the database; if another process renewed it
    /// (`vexil migrate --new-history`, a restore found at start), adopts it: every hub
    /// closes (its streams end, and clients reconnecting with a position of the old
    /// history get a snapshot) and reloads on next use. Returns whether it changed.
    pub async fn follow_history(&self) -> Result<bool, crate::store::Error> {
        let stored = self.store.history_epoch().await?;
        if **self.epoch.load() == stored {
            return Ok(false);
        }
        tracing::warn!(history.epoch = %stored, "the database's history changed; every stream starts over");
        self.epoch.store(Arc::new(stored));
        let ids: Vec<i64> = self.hubs.iter().map(|e| *e.key()).collect();
        for id in ids {
            if let Some((_, live)) = self.hubs.remove(&id) {
                live.closed.cancel();
            }
        }
        self.count_loaded();
        Ok(true)
    }

    /// Wakes every loaded hub (after a lost notification connection).
    pub fn wake_all(&self) {
        for h in self.hubs.iter() {
            h.hub.wake.notify_one();
        }
    }

    /// The hub of an environment, loading it (and starting its refresh task) if needed.
    pub async fn get(self: &Arc<Self>, environment_id: i64) -> Result<Arc<LiveHub>, HubError> {
        self.get_with(environment_id, false).await
    }

    /// The hub of an environment for a stream: as [`Hubs::get`], and a hub loaded for it
    /// keeps its model, so the first change reaches the stream without reading the whole
    /// configuration back (decision 0047).
    pub async fn get_for_stream(self: &Arc<Self>, environment_id: i64) -> Result<Arc<LiveHub>, HubError> {
        self.get_with(environment_id, true).await
    }

    async fn get_with(
        self: &Arc<Self>,
        environment_id: i64,
        for_stream: bool,
    ) -> Result<Arc<LiveHub>, HubError> {
        if let Some(h) = self.hubs.get(&environment_id) {
            h.last_used.store(self.now_ms(), std::sync::atomic::Ordering::Relaxed);
            return Ok(h.clone());
        }
        let lock = self.loading.entry(environment_id).or_default().clone();
        let _loading = lock.lock().await;
        if let Some(h) = self.hubs.get(&environment_id) {
            h.last_used.store(self.now_ms(), std::sync::atomic::Ordering::Relaxed);
            return Ok(h.clone());
        }
        let loaded = EnvHub::load(&self.store, environment_id, self.sizes, self.epoch(), for_stream).await;
        self.loading.remove(&environment_id);
        let live = Arc::new(LiveHub {
            hub: loaded?,
            closed: self.shutdown.child_token(),
            last_used: std::sync::atomic::AtomicU64::new(self.now_ms()),
        });
        if live.hub.view().epoch != self.epoch() {
            // The history changed while this hub loaded: serve it once, keep none.
            live.closed.cancel();
            return Ok(live);
        }
        self.hubs.insert(environment_id, live.clone());
        self.count_loaded();
        tokio::spawn(refresh_loop(self.clone(), environment_id, live.clone()));
        Ok(live)
    }

    /// Drops the hub of a deleted environment and ends its streams, without waiting for
    /// its refresh to notice.
    pub fn close(&self, environment_id: i64) {
        if let Some((_, live)) = self.hubs.remove(&environment_id) {
            live.closed.cancel();
            self.count_loaded();
        }
    }

    /// Tells a loaded hub that its environment may have changed.
    pub fn notify(&self, environment_id: i64) {
        if let Some(h) = self.hubs.get(&environment_id) {
            h.hub.wake.notify_one();
        }
    }

    /// Loaded hubs.
    pub fn loaded(&self) -> Vec<(i64, Arc<LiveHub>)> {
        self.hubs.iter().map(|e| (*e.key(), e.value().clone())).collect()
    }

    /// Follows this process's own commits.
    pub fn follow_local_commits(self: &Arc<Self>) {
        let mut rx = self.store.subscribe();
        let hubs = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = hubs.shutdown.cancelled() => return,
                    msg = rx.recv() => match msg {
                        Ok(c) => hubs.notify(c.environment_id),
                        // Missed some: wake everyone; each hub reads what it lacks.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            for (_, h) in hubs.loaded() {
                                h.hub.wake.notify_one();
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    }
                }
            }
        });
    }

    /// Every `every`, compares each loaded hub's version with the database and wakes
    /// those behind: the safety net under notifications.
    pub fn check_versions_periodically(self: &Arc<Self>, every: Duration) {
        let hubs = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = hubs.shutdown.cancelled() => return,
                    _ = tick.tick() => {}
                }
                if let Err(e) = hubs.follow_history().await {
                    tracing::warn!(error = %e, "reading the history epoch failed");
                }
                match hubs.store.environment_versions().await {
                    Ok(versions) => {
                        for (id, live) in hubs.loaded() {
                            match versions.iter().find(|v| v.environment_id == id) {
                                Some(v) if v.version as u64 > live.hub.view().version => {
                                    live.hub.wake.notify_one();
                                }
                                Some(_) => {}
                                None => live.hub.wake.notify_one(),
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "periodic version check failed"),
                }
            }
        });
    }
}

async fn refresh_loop(hubs: Arc<Hubs>, environment_id: i64, live: Arc<LiveHub>) {
    // Failures retry with a growing pause, so that a hub that cannot refresh does not
    // reload its environment twice a second forever.
    let mut retry = RETRY_FIRST;
    loop {
        tokio::select! {
            () = live.closed.cancelled() => return,
            () = live.hub.wake.notified() => {}
        }
        match live.hub.refresh(&hubs.store).await {
            Ok(()) => retry = RETRY_FIRST,
            Err(HubError::Gone) => {
                tracing::info!(environment.id = environment_id, "environment deleted; closing its streams");
                hubs.hubs.remove(&environment_id);
                hubs.count_loaded();
                live.closed.cancel();
                return;
            }
            Err(e) => {
                tracing::warn!(
                    environment.id = environment_id,
                    error = %e,
                    retry.ms = retry.as_millis() as u64,
                    "refreshing an environment failed; retrying"
                );
                tokio::select! {
                    () = live.closed.cancelled() => return,
                    () = tokio::time::sleep(retry) => {}
                }
                retry = (retry * 2).min(RETRY_MAX);
                live.hub.wake.notify_one();
            }
        }
    }
}
