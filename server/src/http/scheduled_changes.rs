//! `/projects/{project}/scheduled-changes`: patches that apply to a flag's configuration
//! in one environment at a set time. Reading needs a viewer, writing an editor; in an
//! environment that requires approval a change is scheduled by approving a change
//! request with `scheduled_at` instead.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Json, MaybeIfMatch, Path, Query, with_etag};
use crate::app::AppState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::store::{NewScheduledChange, Page, ScheduledChangePatch, ScheduledState};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/projects/{project}/scheduled-changes",
            get(list_scheduled_changes).post(create_scheduled_change),
        )
        .route(
            "/projects/{project}/scheduled-changes/{id}",
            get(get_scheduled_change).patch(update_scheduled_change),
        )
        .route("/projects/{project}/scheduled-changes/{id}/cancel", post(cancel_scheduled_change))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    state: Option<ScheduledState>,
}

async fn list_scheduled_changes(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let items = state.store.list_scheduled_changes(&project, q.state).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

async fn create_scheduled_change(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(project): Path<String>,
    Json(body): Json<NewScheduledChange>,
) -> Result<Response, ApiError> {
    let sc = state.store.create_scheduled_change(&principal.actor(), &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, sc.version, &sc);
    if let Ok(v) = format!("/api/v1/projects/{project}/scheduled-changes/{}", sc.id).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

async fn get_scheduled_change(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let sc = state.store.get_scheduled_change(&project, id).await?;
    Ok(with_etag(StatusCode::OK, sc.version, &sc))
}

/// Changes the time or instructions of a pending change; `If-Match` is optional.
async fn update_scheduled_change(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
    MaybeIfMatch(version): MaybeIfMatch,
    Json(body): Json<ScheduledChangePatch>,
) -> Result<Response, ApiError> {
    let sc = state.store.update_scheduled_change(&principal.actor(), &project, id, version, body).await?;
    Ok(with_etag(StatusCode::OK, sc.version, &sc))
}

async fn cancel_scheduled_change(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let sc = state.store.cancel_scheduled_change(&principal.actor(), &project, id).await?;
    Ok(with_etag(StatusCode::OK, sc.version, &sc))
}
