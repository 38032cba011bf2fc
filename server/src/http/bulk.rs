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

use super::openapi::responses::*;
use crate::auth::AuthState;
use crate::auth::{Authorized, Editor};
use crate::store::Store;
use crate::store::{BulkToggleResult, Caller, CloneResult, CopyOutcome, FlagSelector};

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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct BulkToggleRequest {
    /// Which flags: a tag, a key prefix, or both.
    #[schema(inline)]
    filter: FlagSelector,
    enabled: bool,
    /// Why: stored on each audit entry.
    #[serde(default)]
    #[schema(max_length = 1000)]
    comment: Option<String>,
    /// Turn flags off in an environment that requires approval (as the single toggle).
    #[serde(default)]
    #[schema(default = false)]
    break_glass: bool,
}

/// Turns every matching flag on or off in one environment, in one transaction.
#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{env}/flags/toggle", operation_id = "toggle_flags", tag = "flags",
    summary = "Turn every flag matching a filter on or off in an environment",
    description = "A bulk kill switch: every active (not archived) flag with the filter's `tag` and whose key starts with `key_prefix` (at least one of the two; at most 1 000 flags match, else 422) is set to `enabled` in one transaction, each through the same write as the single toggle, with one audit entry per flag changed. Flags already in that state are listed as `unchanged`. In an environment that requires approval the call answers 409 `approval-required` and writes nothing (a change request holds one flag's patch), except a break-glass off (`enabled: false`, `break_glass: true` and a `comment`), audited per flag as `flag.break_glass_off`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("env" = String, Path, description = "The environment key.")),
    request_body = BulkToggleRequest,
    responses(
        (status = 200, description = "What was changed and what already was in that state.", body = BulkToggleResult),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = ConflictOrApprovalRequired),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn toggle_flags(
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CopyRequest {
    /// The source environment's key.
    from: String,
    /// The target environment's key.
    to: String,
    /// Why: stored on the audit entry or the change request's patch.
    #[serde(default)]
    #[schema(max_length = 1000)]
    comment: Option<String>,
}

/// Copies a flag's configuration between environments: 200 when written (or already
/// equal), 202 with a change request when the target requires approval.
#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/copy", operation_id = "copy_flag_config", tag = "flags",
    summary = "Copy a flag's configuration from one environment to another",
    description = "Promotes a configuration (staging to production): the semantic patch that turns the target's configuration into the source's (targets, rules, default, off variant, prerequisites, on/off) is written in the target and audited as `flag_config.copy` (200, `outcome: applied`). Rollouts in the target keep their assignments where the source's shares allow. When the target requires approval the patch is proposed as a change request instead (202, `outcome: change_requested`), which applies when approved. When the two are already the same nothing is written (200, `outcome: unchanged`).",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key.")),
    request_body = CopyRequest,
    responses(
        (status = 200, description = "The target's configuration, written or already the same.", body = CopyOutcome),
        (status = 202, description = "The target requires approval; a change request holds the copy.", body = CopyOutcome),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn copy_flag_config(
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CloneRequest {
    /// The new flag's key.
    key: String,
    /// Its display name (defaults to the key).
    #[serde(default)]
    name: Option<String>,
}

/// Creates a flag with another's variants and configurations.
#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/clone", operation_id = "clone_flag", tag = "flags",
    summary = "Create a flag with another's variants and configurations",
    description = "Creates flag `key` with the source's description, kind, variants, tags, lifecycle, client visibility and metadata (owner, links and properties), with a fresh salt so that the two bucket independently; then copies the source's configuration in every environment to it as the copy route does: environments that require approval get a change request each. The creation and each copy are separate transactions.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key.")),
    request_body = CloneRequest,
    responses(
        (status = 201, description = "The new flag and, per environment, what the copy did.", body = CloneResult, headers(("Location" = String, description = "The new flag's URL."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn clone_flag(
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
