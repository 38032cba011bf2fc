//! The evaluation debugger: evaluate a context against an environment and see, per
//! flag, the value and the whole explanation (rules, conditions, bucket).

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::response::IntoResponse;
use axum::routing::post;
use serde::{Deserialize, Serialize};
use vexil_core::{Context, Explanation};

use super::error::ApiError;
use super::extract::{Json, Path};
use super::openapi::responses::*;
use super::shared::hub_for;
use crate::auth::{AuthState, Viewer};
use crate::store::Store;
use crate::stream::Hubs;

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
    Arc<Hubs>: FromRef<S>,
{
    Router::new().route("/projects/{project}/environments/{env}/evaluate", post(evaluate_context))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct EvaluateRequest {
    #[serde(deserialize_with = "object_only")]
    context: DebugContext,
    /// Only this flag (all flags when absent).
    #[serde(default)]
    flag: Option<String>,
}

/// A context as the debugger takes it: a key and JSON attributes, read exactly as OFREP
/// and the SDK's OpenFeature provider read theirs ([`Context::from_json_attributes`]),
/// so that the debugger explains the answer those paths give.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DebugContext {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A context must be a JSON object: a derived struct whose fields are all optional
/// would also take an array of them (`[null, null]`).
fn object_only<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DebugContext, D::Error> {
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    DebugContext::deserialize(serde_json::Value::Object(map)).map_err(serde::de::Error::custom)
}

#[derive(Serialize, utoipa::ToSchema)]
struct EvaluateResponse {
    environment: String,
    version: u64,
    results: Vec<Explanation>,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{env}/evaluate", operation_id = "evaluate_context", tag = "debugger",
    summary = "Evaluate a context, explained",
    description = "Evaluates a context against what the environment serves right now (its current snapshot), for one flag or for every flag, and explains each result step by step: prerequisites, individual targets, rules and their conditions, bucketing. Nothing is recorded as usage. A `flag` the snapshot does not have (unknown or archived) is not a 404: its result has reason `ERROR`, error code `FLAG_NOT_FOUND` and `enabled: null`.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("env" = String, Path, description = "The environment key.")),
    request_body = EvaluateRequest,
    responses(
        (status = 200, description = "The results, with the snapshot version they were computed from.", body = EvaluateResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub(super) async fn evaluate_context(
    State(store): State<Store>,
    State(hubs): State<Arc<Hubs>>,
    _: Viewer,
    Path((project, env)): Path<(String, String)>,
    Json(body): Json<EvaluateRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let attributes = body.context.attributes.unwrap_or_default();
    let context =
        Context::from_json_attributes(body.context.key, &attributes).map_err(|e| ApiError::BadRequest {
            detail: format!("the context cannot be used: {e}"),
            errors: vec![vexil_core::Problem { pointer: "/context".to_owned(), message: e.to_string() }],
        })?;
    let environment = store.get_environment(&project, &env).await?;
    let live = hub_for(&hubs, environment.id).await?;
    let view = live.hub.view();
    let results = match &body.flag {
        Some(flag) => vec![view.compiled.explain(flag, &context)],
        None => view.compiled.flags().map(|f| view.compiled.explain(f.key(), &context)).collect(),
    };
    Ok(axum::Json(EvaluateResponse { environment: env, version: view.version, results }))
}
