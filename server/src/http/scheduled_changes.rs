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
use super::openapi::responses::*;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::store::Store;
use crate::store::{NewScheduledChange, Page, ScheduledChange, ScheduledChangePatch, ScheduledState};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
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
pub(super) struct ListQuery {
    state: Option<ScheduledState>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/scheduled-changes", operation_id = "list_scheduled_changes", tag = "scheduled-changes",
    summary = "List scheduled changes",
    description = "The project's scheduled changes, soonest first (one page of at most 1 000, no cursor), optionally in one state.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("state" = Option<ScheduledState>, Query, description = "Only changes in this state.")),
    responses(
        (status = 200, description = "The scheduled changes.", body = Page<ScheduledChange>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn list_scheduled_changes(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let items = store.list_scheduled_changes(&project, q.state).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/scheduled-changes", operation_id = "create_scheduled_change", tag = "scheduled-changes",
    summary = "Schedule a change",
    description = "Schedules a semantic patch to a flag's configuration in one environment for `run_at` (not in the past). It runs exactly once across replicas, through the same write as any configuration change, validated against the configuration of that time: one that no longer applies or validates becomes `failed` with the `reason` and is not retried. A change due while no replica was running runs at the next start and says so (`ran_late`, `late_by_ms`). An environment with `requires_approval` answers 409 `approval-required`: there, a change request with `scheduled_at` becomes a scheduled change once approved. Audited as `scheduled_change.create`; its run as `scheduled_change.run` (or `scheduled_change.fail`), by `scheduler:<author>`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key.")),
    request_body = NewScheduledChange,
    responses(
        (status = 201, description = "Scheduled, `pending`.", body = ScheduledChange, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."), ("Location" = String, description = "The path of the created resource."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = ConflictOrApprovalRequired),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_scheduled_change(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(project): Path<String>,
    Json(body): Json<NewScheduledChange>,
) -> Result<Response, ApiError> {
    let sc = store.create_scheduled_change(&principal.actor(), &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, sc.version, &sc);
    if let Ok(v) = format!("/api/v1/projects/{project}/scheduled-changes/{}", sc.id).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/scheduled-changes/{id}", operation_id = "get_scheduled_change", tag = "scheduled-changes",
    summary = "Get a scheduled change",
    description = "One scheduled change, with how it ran once it has.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("id" = i64, Path, minimum = 1, description = "The scheduled change id.")),
    responses(
        (status = 200, description = "The scheduled change.", body = ScheduledChange, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_scheduled_change(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let sc = store.get_scheduled_change(&project, id).await?;
    Ok(with_etag(StatusCode::OK, sc.version, &sc))
}

/// Changes the time or instructions of a pending change; `If-Match` is optional.
#[utoipa::path(patch, path = "/api/v1/projects/{project}/scheduled-changes/{id}", operation_id = "update_scheduled_change", tag = "scheduled-changes",
    summary = "Edit a scheduled change",
    description = "Changes the time or the instructions of a `pending` change (409 otherwise). One that came from an approved change request, or lies in an environment that requires approval, cannot be edited (409): cancel it and request the change again. Audited as `scheduled_change.update`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("id" = i64, Path, minimum = 1, description = "The scheduled change id."), ("If-Match" = Option<String>, Header, nullable = false, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the edit is based on; absent edits whatever is current.")),
    request_body = ScheduledChangePatch,
    responses(
        (status = 200, description = "The edited change.", body = ScheduledChange, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = ConflictOrApprovalRequired),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn update_scheduled_change(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
    MaybeIfMatch(version): MaybeIfMatch,
    Json(body): Json<ScheduledChangePatch>,
) -> Result<Response, ApiError> {
    let sc = store.update_scheduled_change(&principal.actor(), &project, id, version, body).await?;
    Ok(with_etag(StatusCode::OK, sc.version, &sc))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/scheduled-changes/{id}/cancel", operation_id = "cancel_scheduled_change", tag = "scheduled-changes",
    summary = "Cancel a scheduled change",
    description = "Cancels a `pending` change (409 otherwise). Audited as `scheduled_change.cancel`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("id" = i64, Path, minimum = 1, description = "The scheduled change id.")),
    responses(
        (status = 200, description = "The cancelled change.", body = ScheduledChange, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
pub(super) async fn cancel_scheduled_change(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let sc = store.cancel_scheduled_change(&principal.actor(), &project, id).await?;
    Ok(with_etag(StatusCode::OK, sc.version, &sc))
}
