//! `/projects/{project}/segments`.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, Query, ReadOnlyFields, Update, with_etag};
use super::pages::{PageQuery, page_of};
use crate::app::AppState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::store::SegmentBody;

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
    Query(q): Query<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let items = state.store.list_segments(&project).await?.into_iter().map(SegmentSummary::of).collect();
    Ok(axum::Json(page_of(items, &q, |s: &SegmentSummary| &s.key)?))
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

/// A segment in the list: everything but the member keys, which only the segment's own
/// route returns (a list of large segments would otherwise carry every key).
#[derive(serde::Serialize)]
struct SegmentSummary {
    key: String,
    name: String,
    description: String,
    /// How many context keys are always in.
    included_count: usize,
    /// How many are never in.
    excluded_count: usize,
    rules: Vec<vexil_core::SegmentRule>,
    version: u64,
    created_at: crate::store::Timestamp,
    updated_at: crate::store::Timestamp,
}

impl SegmentSummary {
    fn of(s: crate::store::SegmentRecord) -> SegmentSummary {
        SegmentSummary {
            included_count: s.segment.included.len(),
            excluded_count: s.segment.excluded.len(),
            key: s.segment.key,
            name: s.segment.name,
            description: s.segment.description,
            rules: s.segment.rules,
            version: s.segment.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}
