//! The dashboard's live stream: every audit entry (who changed what) the caller may
//! read, as it is committed on any replica, so that open pages can follow changes made
//! elsewhere. Each entry is rendered once; each stream keeps those its caller's
//! [`AuditScope`] allows.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

use super::sse;
use crate::auth::AuditScope;
use crate::store::Store;

/// Audit entries whose ids are this far below the newest seen are read again, since
/// concurrent transactions may commit out of id order.
const REREAD_WINDOW: i64 = 64;

/// One audit entry as streams send it, with what decides who may see it.
#[derive(Debug)]
struct Notice {
    resource_type: String,
    project: Option<String>,
    frame: Bytes,
}

/// Follows the audit table and broadcasts each new entry as an SSE frame.
#[derive(Debug)]
pub struct AdminHub {
    sender: broadcast::Sender<Arc<Notice>>,
    /// Wakes the follower (a PostgreSQL notification, or a reconnect).
    pub wake: Notify,
}

impl AdminHub {
    /// Starts following from the newest entry.
    pub async fn start(store: Store, shutdown: CancellationToken) -> anyhow::Result<Arc<AdminHub>> {
        let (sender, _) = broadcast::channel(256);
        let hub = Arc::new(AdminHub { sender, wake: Notify::new() });
        let mut last = store.last_audit_id().await?;
        let follower = hub.clone();
        tokio::spawn(async move {
            let mut writes = store.watch_writes();
            let mut seen: VecDeque<i64> = VecDeque::new();
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    r = writes.changed() => if r.is_err() { return },
                    () = follower.wake.notified() => {}
                    _ = tick.tick() => {}
                }
                match store.audit_after(last - REREAD_WINDOW, 500).await {
                    Ok(entries) => {
                        for e in entries {
                            if seen.contains(&e.id) {
                                continue;
                            }
                            seen.push_back(e.id);
                            if seen.len() > 4 * REREAD_WINDOW as usize {
                                seen.pop_front();
                            }
                            last = last.max(e.id);
                            let data = serde_json::to_vec(&e).unwrap_or_default();
                            let frame = sse::frame(Some(&e.id.to_string()), Some("audit"), &data);
                            let notice = Notice { resource_type: e.resource_type, project: e.project, frame };
                            let _ = follower.sender.send(Arc::new(notice));
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "reading new audit entries failed"),
                }
            }
        });
        Ok(hub)
    }

    /// A stream of the audit events `scope` allows, for one dashboard page. `current` is
    /// asked for the caller's scope at every keep-alive: when the caller is gone
    /// (logout, revoked token) or their scope changed (a new role), the stream ends and
    /// the page reconnects with what it may now see.
    pub fn stream<F, Fut>(
        &self,
        shutdown: CancellationToken,
        keepalive: Duration,
        scope: AuditScope,
        current: F,
    ) -> Response
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Option<AuditScope>> + Send,
    {
        struct State<F> {
            rx: broadcast::Receiver<Arc<Notice>>,
            scope: AuditScope,
            shutdown: CancellationToken,
            tick: tokio::time::Interval,
            first: Option<Bytes>,
            current: F,
            ended: bool,
        }
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let state = State {
            rx: self.sender.subscribe(),
            scope,
            shutdown,
            tick,
            first: Some(Bytes::from(format!("retry: {}\n\n", sse::RETRY_MS))),
            current,
            ended: false,
        };
        let body = futures_util::stream::unfold(state, |mut s| async move {
            if let Some(f) = s.first.take() {
                return Some((Ok::<Bytes, Infallible>(f), s));
            }
            loop {
                if s.ended {
                    return None;
                }
                tokio::select! {
                    biased;
                    () = s.shutdown.cancelled() => return None,
                    m = s.rx.recv() => match m {
                        Ok(n) if s.scope.allows(&n.resource_type, n.project.as_deref()) => {
                            return Some((Ok(n.frame.clone()), s));
                        }
                        Ok(_) => {}
                        // Missed entries: tell the page to reload what it shows.
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            return Some((Ok(sse::frame(None, Some("resync"), b"{}")), s));
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = s.tick.tick() => {
                        if (s.current)().await.as_ref() != Some(&s.scope) {
                            s.ended = true;
                            continue;
                        }
                        return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), s));
                    }
                }
            }
        });
        sse::response(Body::from_stream(body))
    }
}
