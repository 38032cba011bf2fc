//! `/projects`.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, ReadOnlyFields, Update, with_etag};
use super::openapi::responses::*;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Admin, Authorized, Principal, Role, Viewer};
use crate::store::Store;
use crate::store::{NewProject, Page, Project, ProjectPatch};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route("/projects", get(list_projects).post(create_project))
        .route("/projects/{project}", get(get_project).patch(update_project).delete(delete_project))
}

#[utoipa::path(get, path = "/api/v1/projects", operation_id = "list_projects", tag = "projects",
    summary = "List projects",
    description = "Lists every project by key (one page, no cursor); a project-scoped API token sees only its own project.",
    extensions(("x-vexil-role" = json!("viewer"))),
    responses(
        (status = 200, description = "The projects.", body = Page<Project>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn list_projects(
    State(store): State<Store>,
    principal: Principal,
) -> Result<impl IntoResponse, ApiError> {
    principal.require_role(Role::Viewer)?;
    let mut items = store.list_projects().await?;
    if let Some(scope) = principal.project_scope() {
        items.retain(|p| p.key == scope);
    }
    Ok(axum::Json(Page { items, next_cursor: None }))
}

#[utoipa::path(post, path = "/api/v1/projects", operation_id = "create_project", tag = "projects",
    summary = "Create a project",
    description = "Creates a project with the default environments (development, staging, production); project-scoped API tokens cannot.",
    extensions(("x-vexil-role" = json!("admin"))),
    request_body = NewProject,
    responses(
        (status = 201, description = "Created.", body = Project, headers(
            ("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."),
            ("Location" = String, description = "The path of the created resource."),
        )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_project(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Json(body): Json<NewProject>,
) -> Result<Response, ApiError> {
    let project = store.create_project(&principal.actor(), body).await?;
    let mut response = with_etag(StatusCode::CREATED, project.version, &project);
    if let Ok(v) = format!("/api/v1/projects/{}", project.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}", operation_id = "get_project", tag = "projects",
    summary = "Get a project",
    description = "Reads one project.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key.")),
    responses(
        (status = 200, description = "The project.", body = Project, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_project(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
) -> Result<Response, ApiError> {
    let p = store.get_project(&project).await?;
    Ok(with_etag(StatusCode::OK, p.version, &p))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}", operation_id = "update_project", tag = "projects",
    summary = "Update a project",
    description = "Changes a project's name or description; absent fields stay as they are. The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    request_body = ProjectPatch,
    responses(
        (status = 200, description = "The updated project.", body = Project, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn update_project(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path(project): Path<String>,
    IfMatch(version): IfMatch,
    update: Update<ProjectPatch>,
) -> Result<Response, ApiError> {
    update.check_same("key", &project, "a project's key cannot change")?;
    let p = store.update_project(&principal.actor(), &project, version, update.body).await?;
    Ok(with_etag(StatusCode::OK, p.version, &p))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}", operation_id = "delete_project", tag = "projects",
    summary = "Delete a project",
    description = "Deletes a project with everything in it (environments, flags, segments, SDK keys).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn delete_project(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path(project): Path<String>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    store.delete_project(&principal.actor(), &project, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl ReadOnlyFields for ProjectPatch {
    const READ_ONLY: &'static [&'static str] = &["key", "version", "created_at", "updated_at"];
}
