//! Writes to many configurations in one call: a bulk toggle in one environment, a copy
//! of a flag's configuration between environments, and a clone of a flag.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Json, Path};
use super::shared::{caller_of, checked_comment};
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Authorized, Editor};
use crate::store::Store;
use crate::store::{Caller, CopyOutcome, FlagSelector};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route("/projects/{project}/environments/{env}/flags/toggle", post(toggle_flags))
        .route("/projects/{project}/flags/{flag}/copy", post(copy_flag_config))
        .route("/projects/{project}/flags/{flag}/clone", post(clone_flag))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkToggleRequest {
    /// Which flags: a tag, a key prefix, or both.
    filter: FlagSelector,
    enabled: bool,
    /// Why: stored on each audit entry.
    #[serde(default)]
    comment: Option<String>,
    /// Turn flags off in an environment that requires approval (as the single toggle).
    #[serde(default)]
    break_glass: bool,
}

/// Turns every matching flag on or off in one environment, in one transaction.
async fn toggle_flags(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, env)): Path<(String, String)>,
    Json(body): Json<BulkToggleRequest>,
) -> Result<Response, ApiError> {
    let comment = checked_comment(body.comment.as_deref())?;
    if body.break_glass {
        let problem = if body.enabled {
            Some(("/enabled", "break-glass only turns flags off"))
        } else if comment.is_none() {
            Some(("/comment", "break-glass needs a comment saying why"))
        } else {
            None
        };
        if let Some((pointer, message)) = problem {
            return Err(crate::store::Error::invalid(pointer, message).into());
        }
    }
    let (actor, person) = caller_of(&principal);
    let caller = Caller { actor: &actor, person: &person };
    let result = store
        .bulk_toggle(caller, &project, &env, &body.filter, body.enabled, comment, body.break_glass)
        .await?;
    Ok(axum::Json(result).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CopyRequest {
    /// The source environment's key.
    from: String,
    /// The target environment's key.
    to: String,
    /// Why: stored on the audit entry or the change request's patch.
    #[serde(default)]
    comment: Option<String>,
}

/// Copies a flag's configuration between environments: 200 when written (or already
/// equal), 202 with a change request when the target requires approval.
async fn copy_flag_config(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
    Json(body): Json<CopyRequest>,
) -> Result<Response, ApiError> {
    let comment = checked_comment(body.comment.as_deref())?;
    let (actor, person) = caller_of(&principal);
    let caller = Caller { actor: &actor, person: &person };
    let outcome = store.copy_flag_config(caller, &project, &flag, (&body.from, &body.to), comment).await?;
    let status = match outcome {
        CopyOutcome::ChangeRequested { .. } => StatusCode::ACCEPTED,
        _ => StatusCode::OK,
    };
    Ok((status, axum::Json(outcome)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CloneRequest {
    /// The new flag's key.
    key: String,
    /// Its display name (defaults to the key).
    #[serde(default)]
    name: Option<String>,
}

/// Creates a flag with another's variants and configurations.
async fn clone_flag(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
    Json(body): Json<CloneRequest>,
) -> Result<Response, ApiError> {
    let (actor, person) = caller_of(&principal);
    let caller = Caller { actor: &actor, person: &person };
    let result = store.clone_flag(caller, &project, &flag, &body.key, body.name).await?;
    let mut response = (StatusCode::CREATED, axum::Json(&result)).into_response();
    if let Ok(v) = format!("/api/v1/projects/{project}/flags/{}", result.flag.flag.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}
