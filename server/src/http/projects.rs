//! `/projects`.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, ReadOnlyFields, Update, with_etag};
use crate::app::AppState;
use crate::auth::{Admin, Authorized, Principal, Role, Viewer};
use crate::store::{NewProject, Page, ProjectPatch};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list_projects).post(create_project))
        .route("/projects/{project}", get(get_project).patch(update_project).delete(delete_project))
}

async fn list_projects(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<impl IntoResponse, ApiError> {
    principal.require_role(Role::Viewer)?;
    let mut items = state.store.list_projects().await?;
    if let Some(scope) = principal.project_scope() {
        items.retain(|p| p.key == scope);
    }
    Ok(axum::Json(Page { items, next_cursor: None }))
}

async fn create_project(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Json(body): Json<NewProject>,
) -> Result<Response, ApiError> {
    let project = state.store.create_project(&principal.actor(), body).await?;
    let mut response = with_etag(StatusCode::CREATED, project.version, &project);
    if let Ok(v) = format!("/api/v1/projects/{}", project.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

async fn get_project(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
) -> Result<Response, ApiError> {
    let p = state.store.get_project(&project).await?;
    Ok(with_etag(StatusCode::OK, p.version, &p))
}

async fn update_project(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path(project): Path<String>,
    IfMatch(version): IfMatch,
    update: Update<ProjectPatch>,
) -> Result<Response, ApiError> {
    update.check_same("key", &project, "a project's key cannot change")?;
    let p = state.store.update_project(&principal.actor(), &project, version, update.body).await?;
    Ok(with_etag(StatusCode::OK, p.version, &p))
}

async fn delete_project(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path(project): Path<String>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    state.store.delete_project(&principal.actor(), &project, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl ReadOnlyFields for ProjectPatch {
    const READ_ONLY: &'static [&'static str] = &["key", "version", "created_at", "updated_at"];
}
