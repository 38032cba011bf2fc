//! `/projects/{project}/code-references`: where a project's flag keys appear in source
//! code, as `vexil refs scan --upload` reports it per repository;
//! `/projects/{project}/flags/{flag}/code-references`: one flag's references.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::response::IntoResponse;
use axum::routing::get;

use super::error::ApiError;
use super::extract::{Json, Path};
use super::openapi::responses::*;
use crate::auth::{AuthState, Editor, Viewer};
use crate::store::{CodeRefsScan, CodeRefsUpload, FlagCodeReferences, ProjectCodeReferences, Store};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route("/projects/{project}/code-references", get(get_code_references).post(upload_code_references))
        .route("/projects/{project}/flags/{flag}/code-references", get(get_flag_code_references))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/code-references", operation_id = "upload_code_references", tag = "code-references",
    summary = "Upload a repository's code references",
    description = "Records one repository's scan (`vexil refs scan --upload`): per key, how many places mention it and up to 20 of them. It replaces that repository's previous scan and is audited as `code_references.upload`. Keys that are no flag are kept too: a flag created later is matched by its key.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key.")),
    request_body = CodeRefsUpload,
    responses(
        (status = 200, description = "The stored scan.", body = CodeRefsScan),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn upload_code_references(
    State(store): State<Store>,
    editor: Editor,
    Path(project): Path<String>,
    Json(upload): Json<CodeRefsUpload>,
) -> Result<impl IntoResponse, ApiError> {
    let scan = store.upload_code_references(&editor.principal.actor(), &project, &upload).await?;
    Ok(axum::Json(scan))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/code-references", operation_id = "get_code_references", tag = "code-references",
    summary = "Get a project's code references",
    description = "The latest scan of each repository and, per key found in code, the places in all repositories and which repositories. A flag that is not among `keys` while `last_scanned` is set is in no scanned code.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key.")),
    responses(
        (status = 200, description = "The project's code references.", body = ProjectCodeReferences),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_code_references(
    State(store): State<Store>,
    _: Viewer,
    Path(project): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(store.project_code_references(&project).await?))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/code-references", operation_id = "get_flag_code_references", tag = "code-references",
    summary = "Get a flag's code references",
    description = "How many places in the project's scanned repositories mention the flag's key, per repository with up to 20 places each. `count` is 0 and `repositories` empty when the latest scans did not find it; `last_scanned` is absent when no scan was uploaded.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key.")),
    responses(
        (status = 200, description = "The flag's code references.", body = FlagCodeReferences),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_flag_code_references(
    State(store): State<Store>,
    _: Viewer,
    Path((project, flag)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(store.flag_code_references(&project, &flag).await?))
}
