//! Liveness, readiness, metrics and the OpenAPI document: unauthenticated.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;

use super::error::ApiError;
use crate::app::AppState;

/// The API contract, served as written.
pub const OPENAPI_YAML: &str = include_str!("../../../openapi/openapi.yaml");

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(get_health))
        .route("/readyz", get(get_readiness))
        .route("/metrics", get(get_metrics))
        .route("/openapi.yaml", get(get_openapi))
}

async fn get_health() -> impl IntoResponse {
    axum::Json(json!({"status": "ok"}))
}

/// Ready when the database answers. Environments this replica serves with some flags or
/// segments it cannot compile (each evaluates to an error; the rest are served) make the
/// status `degraded` and are listed, still with 200: every replica holds the same data,
/// so taking this one out of rotation would not help.
async fn get_readiness(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => {
            let degraded: Vec<serde_json::Value> = state
                .hubs
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
            Ok(axum::Json(json!({"status": status, "database": state.store.backend(), "degraded": degraded})))
        }
        Ok(Err(e)) => Err(ApiError::Unavailable(format!("database unreachable: {e}"))),
        Err(_) => Err(ApiError::Unavailable("database did not answer within 2 s".to_owned())),
    }
}

async fn get_metrics(State(state): State<AppState>) -> impl IntoResponse {
    let (size, idle) = state.store.pool_usage();
    metrics::gauge!("vexil_db_pool_connections").set(f64::from(size));
    metrics::gauge!("vexil_db_pool_idle_connections").set(idle as f64);
    // Tasks alive in the runtime: every open stream and connection holds some, so a
    // count that grows while the load is steady is a leak.
    let runtime = tokio::runtime::Handle::current().metrics();
    metrics::gauge!("vexil_runtime_alive_tasks").set(runtime.num_alive_tasks() as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}

async fn get_openapi() -> impl IntoResponse {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/yaml")], OPENAPI_YAML)
}
