//! Replicas on one PostgreSQL learn of each other's changes: a `LISTEN` connection
//! carries `environment:version` wake-ups (and audit wake-ups for the dashboard); the
//! changes themselves are read from the change table, so a lost notification loses
//! nothing. When the listening connection drops, a new one listens first and then every
//! hub catches up, in that order, so that no change falls between the two.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio_util::sync::CancellationToken;

use super::{AdminHub, Hubs};
use crate::store::{AUDIT_CHANNEL, NOTIFY_CHANNEL};

/// Starts the listener task.
/// `audit_written` is woken on every audit notification (another replica committed a
/// change of any kind: a revoked SDK key among them).
pub fn spawn_pg_listener(
    url: String,
    hubs: Arc<Hubs>,
    admin: Arc<AdminHub>,
    audit_written: Arc<tokio::sync::Notify>,
    shutdown: CancellationToken,
) {
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(100);
        loop {
            if shutdown.is_cancelled() {
                return;
            }
            match listen(&url).await {
                Ok(mut listener) => {
                    backoff = Duration::from_millis(100);
                    // Listening again: now read whatever happened while we were not.
                    hubs.wake_all();
                    admin.wake.notify_one();
                    audit_written.notify_one();
                    metrics::counter!("vexil_listener_connects_total").increment(1);
                    loop {
                        tokio::select! {
                            () = shutdown.cancelled() => return,
                            n = listener.try_recv() => match n {
                                Ok(Some(n)) if n.channel() == NOTIFY_CHANNEL => {
                                    if let Some(env) = n.payload().split(':').next().and_then(|e| e.parse::<i64>().ok()) {
                                        hubs.notify(env);
                                    }
                                }
                                Ok(Some(_)) => {
                                    admin.wake.notify_one();
                                    audit_written.notify_one();
                                }
                                Ok(None) | Err(_) => {
                                    tracing::warn!("the notification connection dropped; reconnecting");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, retry.ms = backoff.as_millis() as u64, "cannot listen for notifications");
                    tokio::select! {
                        () = shutdown.cancelled() => return,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    });
}

async fn listen(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    // Never reconnect silently inside `recv`: the caller must catch up after a gap.
    listener.ignore_pool_close_event(true);
    listener.listen_all([NOTIFY_CHANNEL, AUDIT_CHANNEL]).await?;
    Ok(listener)
}
