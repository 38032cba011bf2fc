//! `/projects/{project}/flags/{flag}/environments/{env}/usage`: how often each variant
//! was served (also at `/projects/{project}/flags/{flag}/usage?environment=`, the older
//! form, kept for existing clients);
//! `/projects/{project}/flags/{flag}/applications`: which applications evaluated it.

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Path, Query};
use super::openapi::responses::*;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::Viewer;
use crate::store::Store;
use crate::store::{MAX_METRIC_HOURS, MetricReadout, UsageSeries};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route("/projects/{project}/flags/{flag}/usage", get(get_flag_usage))
        .route("/projects/{project}/flags/{flag}/environments/{env}/usage", get(get_flag_usage_in))
        .route("/projects/{project}/flags/{flag}/environments/{env}/metrics", get(get_flag_metrics))
        .route("/projects/{project}/flags/{flag}/applications", get(get_flag_applications))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ApplicationsQuery {
    environment: Option<String>,
}

/// The answer of [`get_flag_applications`] (documentation only: the handler builds it
/// with `json!`).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "only its schema is used")]
pub(super) struct ApplicationList {
    applications: Vec<crate::store::ApplicationSeen>,
}

/// The applications whose SDKs reported evaluating the flag, most recent first.
#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/applications", operation_id = "get_flag_applications", tag = "flags",
    summary = "List the applications that evaluate a flag",
    description = "The applications whose SDKs reported evaluating the flag (the `application` of `POST /sdk/v1/events`), with the version and the last time each was seen, most recent first; at most 200. Forgotten after 90 days without an evaluation. OFREP clients are counted in the usage but name no application.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("environment" = Option<String>, Query, description = "Only this environment (all of the project's when left out).")),
    responses(
        (status = 200, description = "The applications.", body = inline(ApplicationList)),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_flag_applications(
    State(store): State<Store>,
    _: Viewer,
    Path((project, flag)): Path<(String, String)>,
    Query(q): Query<ApplicationsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let applications = store.flag_applications(&project, &flag, q.environment.as_deref()).await?;
    Ok(axum::Json(serde_json::json!({ "applications": applications })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UsageQuery {
    environment: String,
    hours: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/usage", operation_id = "get_flag_usage", tag = "flags",
    summary = "Get a flag's usage in an environment",
    description = "How often each variant of the flag was served in one environment over the last `hours`, as the SDKs reported it (`POST /sdk/v1/events`): in steps of a minute for up to 6 hours, of an hour beyond. Steps without evaluations are left out.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("environment" = String, Query, description = "The environment key."), ("hours" = Option<i64>, Query, minimum = 1, maximum = 2160, description = "How far back to look, in hours (at most 90 days); outside 1 to 2160 it is a 400.")),
    responses(
        (status = 200, description = "The usage series.", body = crate::store::UsageSeries),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_flag_usage(
    State(store): State<Store>,
    _: Viewer,
    Path((project, flag)): Path<(String, String)>,
    Query(q): Query<UsageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let hours = q.hours.unwrap_or(24);
    if !(1..=24 * 90).contains(&hours) {
        return Err(ApiError::bad_request("hours must be between 1 and 2160 (90 days)"));
    }
    Ok(axum::Json(store.usage_series(&project, &flag, &q.environment, hours).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UsageInQuery {
    hours: Option<i64>,
}

/// The usage series of one environment, named in the path like every other
/// per-environment route; the same answer as [`get_flag_usage`].
#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/usage", operation_id = "get_flag_usage_in", tag = "flags",
    summary = "Get a flag's usage in an environment",
    description = "How often each variant of the flag was served in the environment over the last `hours`, as the SDKs reported it (`POST /sdk/v1/events`): in steps of a minute for up to 6 hours, of an hour beyond. Steps without evaluations are left out. The environment is in the path like every other per-environment route; the older `GET /projects/{project}/flags/{flag}/usage?environment=` answers the same.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("hours" = Option<i64>, Query, minimum = 1, maximum = 2160, description = "How far back to look, in hours (at most 90 days); outside 1 to 2160 it is a 400.")),
    responses(
        (status = 200, description = "The usage series.", body = UsageSeries),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_flag_usage_in(
    State(store): State<Store>,
    _: Viewer,
    Path((project, flag, env)): Path<(String, String, String)>,
    Query(q): Query<UsageInQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let hours = q.hours.unwrap_or(24);
    if !(1..=24 * 90).contains(&hours) {
        return Err(ApiError::bad_request("hours must be between 1 and 2160 (90 days)"));
    }
    Ok(axum::Json(store.usage_series(&project, &flag, &env, hours).await?))
}

/// The custom metric events attributed to the flag's variants: count, mean and
/// standard deviation per variant, in total and per step.
#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/metrics", operation_id = "get_flag_metrics", tag = "flags",
    summary = "Get the metric events attributed to a flag's variants",
    description = "The custom metric events (`track`, the `metrics` of `POST /sdk/v1/events`) that the SDKs attributed to the flag, per event key and per variant served: the count, the mean value and the sample standard deviation over the last `hours`, and a series of count and mean in steps of a minute up to 6 hours, of an hour beyond. Events not attributed to the flag are not counted. Metric events are kept 14 days.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("hours" = Option<i64>, Query, minimum = 1, maximum = 336, description = "How far back to look, in hours; outside 1 to 336 it is a 400.")),
    responses(
        (status = 200, description = "The read-out.", body = MetricReadout),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_flag_metrics(
    State(store): State<Store>,
    _: Viewer,
    Path((project, flag, env)): Path<(String, String, String)>,
    Query(q): Query<UsageInQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let hours = q.hours.unwrap_or(24);
    if !(1..=MAX_METRIC_HOURS).contains(&hours) {
        return Err(ApiError::bad_request(format!(
            "hours must be between 1 and {MAX_METRIC_HOURS} (metric events are kept that long)"
        )));
    }
    Ok(axum::Json(store.metric_readout(&project, &flag, &env, hours).await?))
}
