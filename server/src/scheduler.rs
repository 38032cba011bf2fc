//! The scheduler: runs scheduled changes when they come due. Every replica runs the
//! loop; each due change is claimed in the transaction that applies it
//! (`Store::run_due_scheduled_changes`), so exactly one replica applies it. It must not
//! decide anything about a change itself: that is the store's one configuration write.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::{Store, Timestamp};

/// The longest the scheduler sleeps between looks: a change created on another replica
/// (which cannot wake this one) runs at most this late because of it.
pub const POLL_EVERY: Duration = Duration::from_secs(1);

/// Starts the scheduler loop. The first look runs at once, so changes that came due
/// while every replica was down run at start (and are marked late).
pub fn spawn(store: Store, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let started_at = Timestamp::now();
        let wake = store.scheduler_wake();
        loop {
            match store.run_due_scheduled_changes(Timestamp::now(), started_at).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(scheduled_changes.ran = n, "ran scheduled changes"),
                Err(e) => tracing::warn!(error = %e, "running scheduled changes failed; will retry"),
            }
            let wait = match store.next_scheduled_change_due().await {
                Ok(Some(due)) => {
                    let ms = (due.0 - Timestamp::now().0).clamp(0, POLL_EVERY.as_millis() as i64);
                    Duration::from_millis(ms as u64)
                }
                _ => POLL_EVERY,
            };
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
                () = wake.notified() => {}
            }
        }
    })
}
