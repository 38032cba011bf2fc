//! Housekeeping that runs in the background: usage roll-up and expiry, change-feed,
//! session, webhook-delivery and (with a retention set) audit pruning. Every replica runs the loop; on PostgreSQL an
//! advisory lock lets only one of them do the work each time.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::auth::sdk_key::SdkKeys;
use crate::store::{Backend, Store, Timestamp};

/// How often housekeeping runs.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(3600);
/// Change-feed rows are kept at least this long (and always the newest 1 000 per
/// environment), for SDKs resuming after a gap.
pub const CHANGE_RETENTION_DAYS: i64 = 7;
/// Finished webhook deliveries (delivered or failed) are kept this long for the
/// delivery log; pending ones until they finish.
pub const DELIVERY_RETENTION_DAYS: i64 = 30;
/// Advisory lock id of the housekeeping job.
const HOUSEKEEPING_LOCK: i64 = 0x7665_7869_6c01;

/// Starts the housekeeping loop.
pub fn spawn(store: Store, shutdown: CancellationToken) {
    tokio::spawn(async move {
        // First run soon after start, then hourly.
        let mut next = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep_until(next) => {}
            }
            next = tokio::time::Instant::now() + HOUSEKEEPING_EVERY;
            if let Err(e) = run_once(&store).await {
                tracing::warn!(error = %e, "housekeeping failed; will retry");
            }
        }
    });
}

/// One housekeeping pass (skipped if another replica holds the lock).
pub async fn run_once(store: &Store) -> anyhow::Result<()> {
    let mut conn = store.pool().acquire().await?;
    if store.backend() == Backend::Postgres {
        let got: (i64,) =
            sqlx::query_as("select (case when pg_try_advisory_lock($1) then 1 else 0 end)::bigint")
                .bind(HOUSEKEEPING_LOCK)
                .fetch_one(&mut *conn)
                .await?;
        if got.0 == 0 {
            return Ok(());
        }
    }
    let now = Timestamp::now();
    let result = async {
        let usage = store.roll_up_usage(now).await?;
        let changes =
            store.prune_changes(Timestamp(now.0 - CHANGE_RETENTION_DAYS * 86_400_000), 1000).await?;
        let sessions = store.prune_sessions(now).await?;
        let deliveries =
            store.prune_deliveries(Timestamp(now.0 - DELIVERY_RETENTION_DAYS * 86_400_000)).await?;
        let sso = store.prune_sso(now).await?;
        let window_ms = crate::auth::ratelimit::LOGIN_WINDOW.as_millis() as i64;
        let logins = store.prune_login_attempts(Timestamp(now.0 - window_ms)).await?;
        let audit = match store.audit_retention() {
            Some(keep) => store.prune_audit(Timestamp(now.0 - keep.as_millis() as i64)).await?,
            None => 0,
        };
        tracing::info!(
            usage.rows = usage,
            changes.rows = changes,
            sessions.rows = sessions,
            webhook_deliveries.rows = deliveries,
            sso.rows = sso,
            login_attempts.rows = logins,
            audit.rows = audit,
            "housekeeping done"
        );
        Ok::<_, crate::store::Error>(())
    }
    .await;
    if store.backend() == Backend::Postgres {
        sqlx::query("select pg_advisory_unlock($1)").bind(HOUSEKEEPING_LOCK).execute(&mut *conn).await?;
    }
    result.map_err(Into::into)
}

/// Tells open streams about SDK keys revoked or expired since the last look (on any
/// replica): the streams of those keys close. It looks when another replica commits
/// (`audit_written`, from the notification connection) and every `every` (expiries,
/// and a notification lost with its connection). The replica that revokes a key tells
/// its own streams itself.
pub fn follow_ended_keys(
    store: Store,
    sdk_keys: Arc<SdkKeys>,
    revoked: tokio::sync::broadcast::Sender<String>,
    every: Duration,
    audit_written: Arc<Notify>,
    shutdown: CancellationToken,
) {
    // Revocation times come from other replicas' clocks: look back this far so that a
    // clock a little behind ours loses nothing. Telling a stream twice is harmless.
    const CLOCK_MARGIN_MS: i64 = 60_000;
    tokio::spawn(async move {
        let mut since = Timestamp::now();
        let mut tick = tokio::time::interval(every);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = tick.tick() => {}
                () = audit_written.notified() => {}
            }
            let now = Timestamp::now();
            match store.sdk_keys_ended_since(Timestamp(since.0 - CLOCK_MARGIN_MS)).await {
                Ok(ids) => {
                    for id in ids {
                        // The cached lookup first: once a stream has ended, requests
                        // with the key fail too.
                        sdk_keys.forget(&id);
                        let _ = revoked.send(id);
                    }
                    since = now;
                }
                Err(e) => tracing::warn!(error = %e, "checking for revoked SDK keys failed"),
            }
        }
    });
}
