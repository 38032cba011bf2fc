//! The release-plan runner: every replica looks at every running plan on an interval
//! and the store takes each look's decision under the project lock
//! (`Store::look_at_release_plan`), so a decision is taken once however many replicas
//! look. Plans live in the database, so they survive restarts: the first look runs at
//! start. It must not decide anything itself (that is `release::plan::decide`) nor write
//! a configuration (that is the store's one configuration write).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::Store;

/// Starts the runner loop, looking every `every`.
pub fn spawn(store: Store, every: Duration, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            look_at_all(&store).await;
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(every) => {}
            }
        }
    })
}

/// One look at every running plan. A plan whose look fails (the database failed under
/// it) is logged and looked at again next time; it does not hold back the others.
pub async fn look_at_all(store: &Store) {
    let plans = match store.running_release_plans().await {
        Ok(plans) => plans,
        Err(e) => {
            tracing::warn!(error = %e, "listing running release plans failed; will retry");
            return;
        }
    };
    for (id, project) in plans {
        match store.look_at_release_plan(&project, id).await {
            Ok(Some(crate::release::plan::Decision::Hold) | None) => {}
            Ok(Some(decision)) => {
                tracing::info!(release_plan.id = id, release_plan.decision = ?decision, "release plan decided");
            }
            Err(e) => {
                tracing::warn!(release_plan.id = id, error = %e, "a release plan look failed; will retry");
            }
        }
    }
}
