//! `/projects/{project}/segments`.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, ReadOnlyFields, Update, with_etag};
use crate::app::AppState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::store::{Page, SegmentBody};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/projects/{project}/segments", get(list_segments).post(create_segment)).route(
        "/projects/{project}/segments/{segment}",
        get(get_segment).put(replace_segment).delete(delete_segment),
    )
}

async fn list_segments(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let items = state.store.list_segments(&project).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

async fn create_segment(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(project): Path<String>,
    Json(body): Json<SegmentBody>,
) -> Result<Response, ApiError> {
    let s = state.store.create_segment(&principal.actor(), &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, s.segment.version as i64, &s);
    if let Ok(v) = format!("/api/v1/projects/{project}/segments/{}", s.segment.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

async fn get_segment(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, segment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let s = state.store.get_segment(&project, &segment).await?;
    Ok(with_etag(StatusCode::OK, s.segment.version as i64, &s))
}

async fn replace_segment(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, segment)): Path<(String, String)>,
    IfMatch(version): IfMatch,
    Update { body, .. }: Update<SegmentBody>,
) -> Result<Response, ApiError> {
    let s = state.store.replace_segment(&principal.actor(), &project, &segment, version, body).await?;
    Ok(with_etag(StatusCode::OK, s.segment.version as i64, &s))
}

async fn delete_segment(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, segment)): Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    state.store.delete_segment(&principal.actor(), &project, &segment, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl ReadOnlyFields for SegmentBody {
    // `key` is writable in form (the store refuses a different one).
    const READ_ONLY: &'static [&'static str] = &["version", "created_at", "updated_at"];
}
