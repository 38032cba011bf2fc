//! `/projects/{project}/flags/{flag}/usage`: how often each variant was served.

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Path, Query};
use crate::app::AppState;
use crate::auth::Viewer;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/projects/{project}/flags/{flag}/usage", get(get_flag_usage))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageQuery {
    environment: String,
    hours: Option<i64>,
}

async fn get_flag_usage(
    State(state): State<AppState>,
    _: Viewer,
    Path((project, flag)): Path<(String, String)>,
    Query(q): Query<UsageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let hours = q.hours.unwrap_or(24);
    if !(1..=24 * 90).contains(&hours) {
        return Err(ApiError::bad_request("hours must be between 1 and 2160 (90 days)"));
    }
    Ok(axum::Json(state.store.usage_series(&project, &flag, &q.environment, hours).await?))
}
