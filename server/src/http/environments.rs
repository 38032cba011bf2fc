//! `/projects/{project}/environments`.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, ReadOnlyFields, Update, with_etag};
use crate::app::AppState;
use crate::auth::{Admin, Authorized, Viewer};
use crate::store::{EnvironmentPatch, NewEnvironment, Page};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/environments", get(list_environments).post(create_environment))
        .route(
            "/projects/{project}/environments/{env}",
            get(get_environment).patch(update_environment).delete(delete_environment),
        )
}

async fn list_environments(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let items = state.store.list_environments(&project).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

async fn create_environment(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path(project): Path<String>,
    Json(body): Json<NewEnvironment>,
) -> Result<Response, ApiError> {
    let env = state.store.create_environment(&principal.actor(), &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, env.version, &env);
    if let Ok(v) = format!("/api/v1/projects/{project}/environments/{}", env.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

async fn get_environment(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, env)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let e = state.store.get_environment(&project, &env).await?;
    Ok(with_etag(StatusCode::OK, e.version, &e))
}

async fn update_environment(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path((project, env)): Path<(String, String)>,
    IfMatch(version): IfMatch,
    update: Update<EnvironmentPatch>,
) -> Result<Response, ApiError> {
    update.check_same("key", &env, "an environment's key cannot change")?;
    let e = state.store.update_environment(&principal.actor(), &project, &env, version, update.body).await?;
    Ok(with_etag(StatusCode::OK, e.version, &e))
}

async fn delete_environment(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path((project, env)): Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    let id = state.store.delete_environment(&principal.actor(), &project, &env, version).await?;
    // Its SDK keys went with it: from now on they fail here, as they will once every
    // cached lookup has expired, and its streams end.
    state.sdk_keys.forget_environment(id);
    state.hubs.close(id);
    Ok(StatusCode::NO_CONTENT)
}

impl ReadOnlyFields for EnvironmentPatch {
    const READ_ONLY: &'static [&'static str] =
        &["key", "version", "snapshot_version", "created_at", "updated_at"];
}
