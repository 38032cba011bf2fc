//! `/projects/{project}/change-requests`: changes that wait for approval before they
//! are written (environments with `requires_approval`), and their comment threads.
//! Reading needs a viewer; every write an editor; who may approve, reject or cancel
//! is the store's decision (never the author's own approval).

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{Json, Path, Query, with_etag};
use super::openapi::responses::*;
use super::shared::caller_of;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::store::Store;
use crate::store::{Caller, ChangeRequest, ChangeRequestDiff, ChangeRequestState, NewChangeRequest, Page};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route("/projects/{project}/change-requests", get(list_change_requests).post(create_change_request))
        .route("/projects/{project}/change-requests/{id}", get(get_change_request))
        .route("/projects/{project}/change-requests/{id}/comments", post(comment_change_request))
        .route("/projects/{project}/change-requests/{id}/approve", post(approve_change_request))
        .route("/projects/{project}/change-requests/{id}/reject", post(reject_change_request))
        .route("/projects/{project}/change-requests/{id}/cancel", post(cancel_change_request))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    state: Option<ChangeRequestState>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/change-requests", operation_id = "list_change_requests", tag = "change-requests",
    summary = "List change requests",
    description = "The project's change requests, newest first (one page of at most 1 000, no cursor), optionally in one state.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("state" = Option<ChangeRequestState>, Query, description = "Only requests in this state.")),
    responses(
        (status = 200, description = "The requests.", body = Page<ChangeRequest>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn list_change_requests(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let items = store.list_change_requests(&project, q.state).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests", operation_id = "create_change_request", tag = "change-requests",
    summary = "Propose a change",
    description = "Proposes a semantic patch to a flag's configuration in one environment, to be written once the environment's `required_approvals` editors other than the author approve it. This is how configurations change in an environment with `requires_approval` (direct writes there answer 409 `approval-required`). The patch must apply to the current configuration now and change something (422 otherwise; pointers are under `/patch`); the request records that version as `base_version`. With `scheduled_at`, approval schedules the change instead of applying it. Audited as `change_request.create`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key.")),
    request_body = NewChangeRequest,
    responses(
        (status = 201, description = "Created, `open`.", body = ChangeRequest, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."), ("Location" = String, description = "The path of the created resource."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_change_request(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(project): Path<String>,
    Json(body): Json<NewChangeRequest>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let cr = store.create_change_request(Caller { actor: &actor, person: &person }, &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, cr.version, &cr);
    if let Ok(v) = format!("/api/v1/projects/{project}/change-requests/{}", cr.id).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// A request with what it would do to the current configuration.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ChangeRequestWithDiff)]
pub(super) struct WithDiff {
    #[serde(flatten)]
    request: ChangeRequest,
    diff: ChangeRequestDiff,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/change-requests/{id}", operation_id = "get_change_request", tag = "change-requests",
    summary = "Get a change request",
    description = "One change request with its approvals and comments, and `diff`: the current configuration and what the request's instructions would make of it now (or why they no longer apply).",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("id" = i64, Path, minimum = 1, description = "The change request id.")),
    responses(
        (status = 200, description = "The request.", body = WithDiff, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_change_request(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (request, diff) = store.get_change_request(&project, id).await?;
    Ok(with_etag(StatusCode::OK, request.version, &WithDiff { request, diff }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = CommentRequest)]
#[serde(deny_unknown_fields)]
pub(super) struct CommentBody {
    /// What to say (1 to 4 000 characters, not blank).
    #[schema(min_length = 1, max_length = 4000)]
    body: String,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{id}/comments", operation_id = "comment_change_request", tag = "change-requests",
    summary = "Comment on a change request",
    description = "Adds a comment to the request's thread, in any state. Audited as `change_request.comment`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("id" = i64, Path, minimum = 1, description = "The change request id.")),
    request_body = CommentBody,
    responses(
        (status = 200, description = "The request with the new comment.", body = ChangeRequest, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn comment_change_request(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
    Json(body): Json<CommentBody>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let cr = store
        .comment_change_request(Caller { actor: &actor, person: &person }, &project, id, &body.body)
        .await?;
    Ok(with_etag(StatusCode::OK, cr.version, &cr))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{id}/approve", operation_id = "approve_change_request", tag = "change-requests",
    summary = "Approve a change request",
    description = "Approves an open request: 403 for its author (whichever credential they use: a token counts as the user it acts for), 409 for a second approval by the same person or a closed request. The approval that reaches the environment's `required_approvals` applies the request at once, exactly once, through the same write as any configuration change (validation, change feed, audit): its instructions apply to the configuration current then, so a request whose target moved meanwhile still applies when its instructions still validate (`applied`, `applied_version`); otherwise it becomes `conflicted` with the `reason` and nothing is written. A request with `scheduled_at` becomes `scheduled` with a `scheduled_change_id` instead. Audited as `change_request.approve`, then `change_request.apply`, `change_request.conflict` or `change_request.schedule`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("id" = i64, Path, minimum = 1, description = "The change request id.")),
    responses(
        (status = 200, description = "The request after the approval.", body = ChangeRequest, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
pub(super) async fn approve_change_request(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let cr = store.approve_change_request(Caller { actor: &actor, person: &person }, &project, id).await?;
    Ok(with_etag(StatusCode::OK, cr.version, &cr))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(as = RejectRequest)]
#[serde(deny_unknown_fields)]
pub(super) struct RejectBody {
    #[serde(default)]
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{id}/reject", operation_id = "reject_change_request", tag = "change-requests",
    summary = "Reject a change request",
    description = "Closes an open request as `rejected`, with an optional `reason`. Its author cancels instead (403). Audited as `change_request.reject`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("id" = i64, Path, minimum = 1, description = "The change request id.")),
    request_body = RejectBody,
    responses(
        (status = 200, description = "The rejected request.", body = ChangeRequest, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub(super) async fn reject_change_request(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
    Json(body): Json<RejectBody>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let reason = body.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let cr =
        store.reject_change_request(Caller { actor: &actor, person: &person }, &project, id, reason).await?;
    Ok(with_etag(StatusCode::OK, cr.version, &cr))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{id}/cancel", operation_id = "cancel_change_request", tag = "change-requests",
    summary = "Cancel a change request",
    description = "Withdraws an open request (`cancelled`); only its author may (403 otherwise). Audited as `change_request.cancel`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("id" = i64, Path, minimum = 1, description = "The change request id.")),
    responses(
        (status = 200, description = "The cancelled request.", body = ChangeRequest, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
pub(super) async fn cancel_change_request(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let cr = store.cancel_change_request(Caller { actor: &actor, person: &person }, &project, id).await?;
    Ok(with_etag(StatusCode::OK, cr.version, &cr))
}
