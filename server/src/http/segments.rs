//! `/projects/{project}/segments`.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, Query, ReadOnlyFields, Update, with_etag};
use super::openapi::responses::*;
use super::pages::{Order, PageQuery, page_of};
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::store::Store;
use crate::store::{Page, SegmentBody, SegmentRecord};

/// The body of a segment's creation, for the document: a [`SegmentBody`] whose `key`
/// is required (the handler reads a `SegmentBody` and the store refuses a missing key).
pub(super) struct NewSegmentBody;

impl utoipa::PartialSchema for NewSegmentBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        use utoipa::openapi::{AllOfBuilder, ObjectBuilder, Ref};
        AllOfBuilder::new()
            .item(Ref::from_schema_name("SegmentBody"))
            .item(ObjectBuilder::new().required("key"))
            .into()
    }
}

impl utoipa::ToSchema for NewSegmentBody {}

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new().route("/projects/{project}/segments", get(list_segments).post(create_segment)).route(
        "/projects/{project}/segments/{segment}",
        get(get_segment).put(replace_segment).delete(delete_segment),
    )
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/segments", operation_id = "list_segments", tag = "segments",
    summary = "List segments",
    description = "Lists a project's segments by key, with member keys counted (the segment's own route lists them).",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`."), ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail.")),
    responses(
        (status = 200, description = "The segments, each with its member keys counted.", body = Page<SegmentSummary>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn list_segments(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let items = store.list_segments(&project).await?.into_iter().map(SegmentSummary::of).collect();
    Ok(axum::Json(page_of(items, &q, Order::Ascending, |s: &SegmentSummary| s.key.clone())?))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/segments", operation_id = "create_segment", tag = "segments",
    summary = "Create a segment",
    description = "Creates a segment; `key` is required here (a missing key is a 422).",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key.")),
    request_body = inline(NewSegmentBody),
    responses(
        (status = 201, description = "Created.", body = SegmentRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."), ("Location" = String, description = "The path of the created resource."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_segment(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(project): Path<String>,
    Json(body): Json<SegmentBody>,
) -> Result<Response, ApiError> {
    let s = store.create_segment(&principal.actor(), &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, s.segment.version as i64, &s);
    if let Ok(v) = format!("/api/v1/projects/{project}/segments/{}", s.segment.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/segments/{segment}", operation_id = "get_segment", tag = "segments",
    summary = "Get a segment",
    description = "Reads one segment.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("segment" = String, Path, description = "The segment key.")),
    responses(
        (status = 200, description = "The segment.", body = SegmentRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_segment(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, segment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let s = store.get_segment(&project, &segment).await?;
    Ok(with_etag(StatusCode::OK, s.segment.version as i64, &s))
}

#[utoipa::path(put, path = "/api/v1/projects/{project}/segments/{segment}", operation_id = "replace_segment", tag = "segments",
    summary = "Replace a segment",
    description = "Replaces a segment's whole definition; `key` may be omitted and cannot change (a different key is a 422). The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("segment" = String, Path, description = "The segment key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    request_body = SegmentBody,
    responses(
        (status = 200, description = "The new segment.", body = SegmentRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn replace_segment(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, segment)): Path<(String, String)>,
    IfMatch(version): IfMatch,
    Update { body, .. }: Update<SegmentBody>,
) -> Result<Response, ApiError> {
    let s = store.replace_segment(&principal.actor(), &project, &segment, version, body).await?;
    Ok(with_etag(StatusCode::OK, s.segment.version as i64, &s))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/segments/{segment}", operation_id = "delete_segment", tag = "segments",
    summary = "Delete a segment",
    description = "Deletes a segment; refused with 409 (naming the rules) while a flag rule uses it.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("segment" = String, Path, description = "The segment key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn delete_segment(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, segment)): Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    store.delete_segment(&principal.actor(), &project, &segment, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl ReadOnlyFields for SegmentBody {
    // `key` is writable in form (the store refuses a different one).
    const READ_ONLY: &'static [&'static str] = &["version", "created_at", "updated_at"];
}

/// A segment in the list: everything but the member keys, which only the segment's own
/// route returns (a list of large segments would otherwise carry every key).
#[derive(serde::Serialize, utoipa::ToSchema)]
struct SegmentSummary {
    /// Lower-case slug, unique in its project.
    key: String,
    /// Human-readable name.
    name: String,
    /// Who this audience is.
    description: String,
    /// How many context keys are always in.
    included_count: usize,
    /// How many are never in.
    excluded_count: usize,
    /// A context matching any rule is in the segment.
    rules: Vec<vexil_core::SegmentRule>,
    /// Bumped on every change.
    version: u64,
    /// Creation time.
    created_at: crate::store::Timestamp,
    /// Last change.
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
