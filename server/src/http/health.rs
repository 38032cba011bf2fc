//! Liveness, readiness, metrics and the OpenAPI document: unauthenticated.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use serde_json::json;

use super::error::ApiError;
use crate::store::Store;
use crate::stream::Hubs;

/// The API contract, as generated from the code (`http::openapi`) and checked in.
pub const OPENAPI_YAML: &str = include_str!("../../../openapi/generated.yaml");

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<Hubs>: FromRef<S>,
    PrometheusHandle: FromRef<S>,
{
    Router::new()
        .route("/healthz", get(get_health))
        .route("/readyz", get(get_readiness))
        .route("/metrics", get(get_metrics))
        .route("/openapi.yaml", get(get_openapi))
}

#[utoipa::path(get, path = "/healthz", operation_id = "get_health", tag = "health",
    summary = "Liveness",
    description = "Answers as long as the process serves HTTP; it does not look at the database.",
    security(()),
    extensions(("x-vexil-role" = json!("public"))),
    responses((status = 200, description = "The process is alive.", body = Health)))]
pub(super) async fn get_health() -> impl IntoResponse {
    axum::Json(Health { status: HealthStatus::Ok })
}

/// The liveness answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct Health {
    status: HealthStatus,
}

/// Always `ok`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
enum HealthStatus {
    Ok,
}

/// Ready when the database answers. Environments this replica serves with some flags or
/// segments it cannot compile (each evaluates to an error; the rest are served) make the
/// status `degraded` and are listed, still with 200: every replica holds the same data,
/// so taking this one out of rotation would not help.
#[utoipa::path(get, path = "/readyz", operation_id = "get_readiness", tag = "health",
    summary = "Readiness",
    description = "Answers 200 when the database answers a ping within 2 seconds, and 503 otherwise. The status is `degraded` (still 200) when an environment this replica serves holds a flag or segment it cannot compile: that object evaluates to an error (reason ERROR) while everything else is served; `degraded` lists them.",
    security(()),
    extensions(("x-vexil-role" = json!("public"))),
    responses(
        (status = 200, description = "Ready to serve, with the database backend in use.", body = serde_json::Value),
        (status = 503, response = super::openapi::responses::ServiceUnavailable),
    ))]
pub(super) async fn get_readiness(
    State(store): State<Store>,
    State(hubs): State<Arc<Hubs>>,
) -> Result<impl IntoResponse, ApiError> {
    match tokio::time::timeout(Duration::from_secs(2), store.ping()).await {
        Ok(Ok(())) => {
            let degraded: Vec<serde_json::Value> = hubs
                .loaded()
                .iter()
                .map(|(_, live)| live.hub.view())
                .filter(|v| !v.failures.is_empty() || !v.problems.is_empty())
                .map(|v| {
                    json!({
                        "project": v.project,
                        "environment": v.environment,
                        "version": v.version,
                        "failures": v.failures,
                        "problems": v.problems,
                    })
                })
                .collect();
            let status = if degraded.is_empty() { "ready" } else { "degraded" };
            Ok(axum::Json(json!({"status": status, "database": store.backend(), "degraded": degraded})))
        }
        Ok(Err(e)) => Err(ApiError::Unavailable(format!("database unreachable: {e}"))),
        Err(_) => Err(ApiError::Unavailable("database did not answer within 2 s".to_owned())),
    }
}

#[utoipa::path(get, path = "/metrics", operation_id = "get_metrics", tag = "health",
    summary = "Prometheus metrics",
    description = "Prometheus text exposition of the server's metrics (HTTP requests, latency, database pool).",
    security(()),
    extensions(("x-vexil-role" = json!("public"))),
    responses((status = 200, description = "Metrics in the Prometheus text format.", body = String, content_type = "text/plain; version=0.0.4")))]
pub(super) async fn get_metrics(
    State(store): State<Store>,
    State(metrics): State<PrometheusHandle>,
) -> impl IntoResponse {
    let (size, idle) = store.pool_usage();
    metrics::gauge!("vexil_db_pool_connections").set(f64::from(size));
    metrics::gauge!("vexil_db_pool_idle_connections").set(idle as f64);
    // Tasks alive in the runtime: every open stream and connection holds some, so a
    // count that grows while the load is steady is a leak.
    let runtime = tokio::runtime::Handle::current().metrics();
    metrics::gauge!("vexil_runtime_alive_tasks").set(runtime.num_alive_tasks() as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], metrics.render())
}

#[utoipa::path(get, path = "/openapi.yaml", operation_id = "get_openapi", tag = "health",
    summary = "This document",
    description = "Serves this OpenAPI document, generated from the code.",
    security(()),
    extensions(("x-vexil-role" = json!("public"))),
    responses((status = 200, description = "The OpenAPI document.", body = Object, content_type = "application/yaml")))]
pub(super) async fn get_openapi() -> impl IntoResponse {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/yaml")], OPENAPI_YAML)
}
