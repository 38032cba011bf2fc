//! `/projects/{project}/environments`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, ReadOnlyFields, Update, with_etag};
use super::openapi::responses::*;
use crate::auth::sdk_key::SdkKeys;
use crate::auth::{Admin, AuthState, Authorized, Viewer};
use crate::store::{Environment, EnvironmentPatch, NewEnvironment, Page, Store};
use crate::stream::Hubs;

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
    Arc<SdkKeys>: FromRef<S>,
    Arc<Hubs>: FromRef<S>,
{
    Router::new()
        .route("/projects/{project}/environments", get(list_environments).post(create_environment))
        .route(
            "/projects/{project}/environments/{env}",
            get(get_environment).patch(update_environment).delete(delete_environment),
        )
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments", operation_id = "list_environments", tag = "environments",
    summary = "List environments",
    description = "Lists a project's environments in display order (one page, no cursor).",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key.")),
    responses(
        (status = 200, description = "The environments.", body = Page<Environment>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn list_environments(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let items = store.list_environments(&project).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments", operation_id = "create_environment", tag = "environments",
    summary = "Create an environment",
    description = "Adds an environment at the end of the project's list, with a default (disabled) configuration for every flag of the project.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key.")),
    request_body = NewEnvironment,
    responses(
        (status = 201, description = "Created.", body = Environment, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."), ("Location" = String, description = "The path of the created resource."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_environment(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path(project): Path<String>,
    Json(body): Json<NewEnvironment>,
) -> Result<Response, ApiError> {
    let env = store.create_environment(&principal.actor(), &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, env.version, &env);
    if let Ok(v) = format!("/api/v1/projects/{project}/environments/{}", env.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{env}", operation_id = "get_environment", tag = "environments",
    summary = "Get an environment",
    description = "Reads one environment.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("env" = String, Path, description = "The environment key.")),
    responses(
        (status = 200, description = "The environment.", body = Environment, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_environment(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, env)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let e = store.get_environment(&project, &env).await?;
    Ok(with_etag(StatusCode::OK, e.version, &e))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/environments/{env}", operation_id = "update_environment", tag = "environments",
    summary = "Update an environment",
    description = "Changes an environment's name, position (the others shift to make room) or approval setting; absent fields stay as they are. The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    request_body = EnvironmentPatch,
    responses(
        (status = 200, description = "The updated environment.", body = Environment, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
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
pub(super) async fn update_environment(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path((project, env)): Path<(String, String)>,
    IfMatch(version): IfMatch,
    update: Update<EnvironmentPatch>,
) -> Result<Response, ApiError> {
    update.check_same("key", &env, "an environment's key cannot change")?;
    let e = store.update_environment(&principal.actor(), &project, &env, version, update.body).await?;
    Ok(with_etag(StatusCode::OK, e.version, &e))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/environments/{env}", operation_id = "delete_environment", tag = "environments",
    summary = "Delete an environment",
    description = "Deletes an environment with its flag configurations and SDK keys.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn delete_environment(
    State(store): State<Store>,
    State(sdk_keys): State<Arc<SdkKeys>>,
    State(hubs): State<Arc<Hubs>>,
    Authorized { principal, .. }: Admin,
    Path((project, env)): Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    let id = store.delete_environment(&principal.actor(), &project, &env, version).await?;
    // Its SDK keys went with it: from now on they fail here, as they will once every
    // cached lookup has expired, and its streams end.
    sdk_keys.forget_environment(id);
    hubs.close(id);
    Ok(StatusCode::NO_CONTENT)
}

impl ReadOnlyFields for EnvironmentPatch {
    const READ_ONLY: &'static [&'static str] =
        &["key", "version", "snapshot_version", "created_at", "updated_at"];
}
