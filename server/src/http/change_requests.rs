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
use crate::app::AppState;
use crate::auth::{Authorized, Editor, Principal, Viewer};
use crate::store::{Caller, ChangeRequest, ChangeRequestDiff, ChangeRequestState, NewChangeRequest, Page};

pub(super) fn router() -> Router<AppState> {
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
struct ListQuery {
    state: Option<ChangeRequestState>,
}

async fn list_change_requests(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let items = state.store.list_change_requests(&project, q.state).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

/// The caller as the store names them: audit name and person.
pub(super) fn caller_of(principal: &Principal) -> (crate::store::Actor, String) {
    (principal.actor(), principal.person())
}

async fn create_change_request(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(project): Path<String>,
    Json(body): Json<NewChangeRequest>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let cr =
        state.store.create_change_request(Caller { actor: &actor, person: &person }, &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, cr.version, &cr);
    if let Ok(v) = format!("/api/v1/projects/{project}/change-requests/{}", cr.id).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// A request with what it would do to the current configuration.
#[derive(Serialize)]
struct WithDiff {
    #[serde(flatten)]
    request: ChangeRequest,
    diff: ChangeRequestDiff,
}

async fn get_change_request(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (request, diff) = state.store.get_change_request(&project, id).await?;
    Ok(with_etag(StatusCode::OK, request.version, &WithDiff { request, diff }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    body: String,
}

async fn comment_change_request(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
    Json(body): Json<CommentBody>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let cr = state
        .store
        .comment_change_request(Caller { actor: &actor, person: &person }, &project, id, &body.body)
        .await?;
    Ok(with_etag(StatusCode::OK, cr.version, &cr))
}

async fn approve_change_request(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let cr =
        state.store.approve_change_request(Caller { actor: &actor, person: &person }, &project, id).await?;
    Ok(with_etag(StatusCode::OK, cr.version, &cr))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RejectBody {
    #[serde(default)]
    reason: Option<String>,
}

async fn reject_change_request(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
    Json(body): Json<RejectBody>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let reason = body.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let cr = state
        .store
        .reject_change_request(Caller { actor: &actor, person: &person }, &project, id, reason)
        .await?;
    Ok(with_etag(StatusCode::OK, cr.version, &cr))
}

async fn cancel_change_request(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let cr =
        state.store.cancel_change_request(Caller { actor: &actor, person: &person }, &project, id).await?;
    Ok(with_etag(StatusCode::OK, cr.version, &cr))
}
