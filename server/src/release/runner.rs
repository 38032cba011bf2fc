//! The release-plan runner: every replica looks at every running plan on an interval
//! and the store takes each look's decision under the project lock
//! (`Store::look_at_release_plan`), so a decision is taken once however many replicas
//! look. Plans live in the database, so they survive restarts: the first look runs at
//! start. It must not decide anything itself (that is `release::plan::decide`) nor write
//! a configuration (that is the store's one configuration write).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::prometheus::Prometheus;
use super::stats::Measure;
use crate::store::Store;

/// Starts the runner loop, looking every `every`; Prometheus guardrails read from
/// `prometheus` (without one they give no verdict).
pub fn spawn(
    store: Store,
    every: Duration,
    prometheus: Option<Prometheus>,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            look_at_all(&store, prometheus.as_ref()).await;
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(every) => {}
            }
        }
    })
}

/// One look at every running plan. A plan whose look fails (the database failed under
/// it) is logged and looked at again next time; it does not hold back the others.
pub async fn look_at_all(store: &Store, prometheus: Option<&Prometheus>) {
    let plans = match store.running_release_plans().await {
        Ok(plans) => plans,
        Err(e) => {
            tracing::warn!(error = %e, "listing running release plans failed; will retry");
            return;
        }
    };
    for (id, project) in plans {
        let external = read_prometheus(store, id, prometheus).await;
        match store.look_at_release_plan(&project, id, &external).await {
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

/// The (control, treatment) values of a plan's Prometheus guardrails, by guardrail index,
/// read before the look's transaction. A value that cannot be read is logged and left
/// out (the guardrail then gives no verdict at this look).
async fn read_prometheus(store: &Store, id: i64, prometheus: Option<&Prometheus>) -> Vec<Option<(f64, f64)>> {
    let spec = match store.release_plan_spec(id).await {
        Ok(spec) => spec,
        Err(e) => {
            tracing::warn!(release_plan.id = id, error = %e, "reading a release plan failed; will retry");
            return Vec::new();
        }
    };
    let mut values = Vec::with_capacity(spec.guardrails.len());
    for g in &spec.guardrails {
        let (Measure::Prometheus, Some(query)) = (g.measure, &g.query) else {
            values.push(None);
            continue;
        };
        let Some(prometheus) = prometheus else {
            tracing::warn!(
                release_plan.id = id,
                guardrail = %g.event,
                "a Prometheus guardrail gives no verdict: no Prometheus is configured (VEXIL_PROMETHEUS_URL)"
            );
            values.push(None);
            continue;
        };
        let read = async {
            Ok::<_, super::prometheus::PrometheusError>((
                prometheus.value(query, &spec.control).await?,
                prometheus.value(query, &spec.treatment).await?,
            ))
        };
        match read.await {
            Ok(v) => values.push(Some(v)),
            Err(e) => {
                tracing::warn!(release_plan.id = id, guardrail = %g.event, error = %e, "a Prometheus guardrail could not be read");
                values.push(None);
            }
        }
    }
    values
}
