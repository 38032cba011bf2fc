//! `/projects/{project}/flags/{flag}/environments/{env}/release-plan`: the guarded
//! progressive rollout of a flag in one environment (`crate::release`). Reading needs a
//! viewer; creating a plan and acting on it by hand, an editor. The actions answer the
//! plan after the action; `If-Match` (the plan's version) is optional, and so is a body
//! `{"comment": "..."}` for the audit entry.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Json, MaybeIfMatch, Path, parse_strict, with_etag};
use super::openapi::responses::*;
use super::shared::checked_comment;
use crate::auth::{AuthError, AuthState, Authorized, Editor, Principal, Role, Viewer};
use crate::release::plan::PlanSpec;
use crate::store::{Caller, PlanAction, ReleasePlan, Store};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}/release-plan",
            get(get_release_plan).post(create_release_plan),
        )
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}/release-plan/start",
            post(start_release_plan),
        )
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}/release-plan/pause",
            post(pause_release_plan),
        )
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}/release-plan/resume",
            post(resume_release_plan),
        )
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}/release-plan/advance",
            post(advance_release_plan),
        )
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}/release-plan/rollback",
            post(rollback_release_plan),
        )
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}/release-plan/verdict",
            get(get_release_plan_verdict),
        )
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}/release-plan/gate",
            post(check_release_plan_gate),
        )
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/verdict", operation_id = "get_release_plan_verdict", tag = "release-plans",
    summary = "The plan's verdict, for a web metric (Argo Rollouts)",
    description = "Always 200 with `healthy` in the body (a web metric reads it with a JSON path, `$.healthy`): true while the plan is a draft, running or completed and no guardrail was worse at the last look. Argo Rollouts sends the token in its `headers` (deploy/examples/argo-analysis-template.yaml).",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(PlanParams),
    responses(
        (status = 200, description = "The verdict.", body = Verdict),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn get_release_plan_verdict(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): PlanPath,
) -> Result<Response, ApiError> {
    let plan = store.get_release_plan(&project, &flag, &env).await?;
    Ok((StatusCode::OK, axum::Json(Verdict::of(&plan))).into_response())
}

/// A webhook's body as Flagger sends it (`name`, `namespace`, `phase`, `checksum`,
/// `metadata`): only `metadata.token` is read, and other fields are ignored, so that
/// the tool's payload is taken as it is.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(as = ReleasePlanGateRequest)]
struct GateBody {
    /// The webhook's own fields (`name`, `namespace`, `phase`, ...) are ignored.
    #[serde(default)]
    metadata: GateMetadata,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(as = ReleasePlanGateMetadata)]
struct GateMetadata {
    /// An API token (`vx_api_...`) with at least the viewer role in the project, for a
    /// caller that cannot send an `Authorization` header; ignored when one is sent.
    #[serde(default)]
    token: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/gate", operation_id = "check_release_plan_gate", tag = "release-plans",
    summary = "The plan's verdict, as a webhook gate (Flagger)",
    description = "The verdict with 200 when healthy and 503 when not (same body). The caller authenticates with `Authorization: Bearer`, or — a webhook that cannot send headers, as Flagger's — with an API token of at least the viewer role in the body's `metadata.token` (Flagger's webhook `metadata`; the rest of its payload is ignored). Only API tokens are taken there, never login tokens; the token is hashed before its lookup and never logged (deploy/examples/flagger-canary.yaml).",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(PlanParams),
    request_body(content = GateBody, description = "Optional: Flagger's webhook payload."),
    responses(
        (status = 200, description = "Healthy.", body = Verdict),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, description = "Not healthy (same body).", body = Verdict),
    ))]
async fn check_release_plan_gate(
    State(store): State<Store>,
    Path((project, flag, env)): PlanPath,
    viewer: Result<Viewer, AuthError>,
    body: Body,
) -> Result<Response, ApiError> {
    match viewer {
        // Without an `Authorization` header the token may be in the body.
        Err(AuthError::NoCredentials) => {
            let bytes =
                axum::body::to_bytes(body, GATE_BODY_LIMIT).await.map_err(|_| ApiError::PayloadTooLarge)?;
            // Lenient on purpose: the webhook's payload is the tool's, with fields Vexil
            // neither knows nor needs.
            let gate: GateBody = if bytes.iter().all(u8::is_ascii_whitespace) {
                GateBody::default()
            } else {
                serde_json::from_slice(&bytes)
                    .map_err(|_| ApiError::bad_request("the body is not a webhook payload (a JSON object)"))?
            };
            let Some(token) = gate.metadata.token.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
                return Err(ApiError::Unauthorized(
                    "send Authorization: Bearer <token>, or an API token in the webhook's metadata.token"
                        .to_owned(),
                ));
            };
            Principal::of_api_token(&store, token).await?.require_in(&project, Role::Viewer)?;
        }
        viewer => {
            viewer?;
        }
    }
    let plan = store.get_release_plan(&project, &flag, &env).await?;
    let verdict = Verdict::of(&plan);
    let status = if verdict.healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    Ok((status, axum::Json(verdict)).into_response())
}

/// The largest webhook body the gate reads, in bytes.
const GATE_BODY_LIMIT: usize = 64 * 1024;

/// Whether a plan lets a deployment go on, and why.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReleasePlanVerdict)]
struct Verdict {
    /// Running, completed or not started, with no guardrail worse at the last look.
    healthy: bool,
    /// The plan's state.
    state: crate::release::plan::PlanState,
    /// The current step's index.
    step: usize,
    /// The treatment's share on the current step, in percent.
    percent: f64,
    /// The guardrails worse at the last look, by event key.
    worse: Vec<String>,
    /// Why the plan is where it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    reason: Option<String>,
}

impl Verdict {
    fn of(plan: &ReleasePlan) -> Verdict {
        use crate::release::plan::PlanState;
        let worse: Vec<String> = plan
            .analysis
            .as_ref()
            .and_then(|a| a["guardrails"].as_array())
            .into_iter()
            .flatten()
            .filter(|g| g["verdict"] == "worse")
            .filter_map(|g| g["event"].as_str().map(str::to_owned))
            .collect();
        let state_ok = matches!(plan.state, PlanState::Draft | PlanState::Running | PlanState::Completed);
        Verdict {
            healthy: state_ok && worse.is_empty(),
            state: plan.state,
            step: plan.step,
            percent: match plan.state {
                PlanState::Draft | PlanState::RolledBack => 0.0,
                _ => plan.spec.steps.get(plan.step).map_or(100.0, |s| s.percent),
            },
            worse,
            reason: plan.reason.clone(),
        }
    }
}

type PlanPath = Path<(String, String, String)>;

/// The path of a flag's release plan in an environment.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code, reason = "read by the OpenAPI derive only")]
struct PlanParams {
    /// The project key.
    project: String,
    /// The flag key.
    flag: String,
    /// The environment key.
    env: String,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan", operation_id = "get_release_plan", tag = "release-plans",
    summary = "Get a flag's release plan in an environment",
    description = "The unfinished plan, or else the latest one.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(PlanParams),
    responses(
        (status = 200, description = "The plan.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn get_release_plan(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): PlanPath,
) -> Result<Response, ApiError> {
    let plan = store.get_release_plan(&project, &flag, &env).await?;
    Ok(with_etag(StatusCode::OK, plan.version, &plan))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan", operation_id = "create_release_plan", tag = "release-plans",
    summary = "Create a release plan (draft)",
    description = "A draft plan: the `treatment` released in steps in the default serve or one `rule`, with guardrails compared with the `control`. One unfinished plan per flag and environment (409). Every number is bounded (422 at its pointer): `min_duration_seconds` 0 to 2,592,000, `min_exposures` 0 to 100,000,000, `planned_exposures` 1 to 10^9, `tolerance` 0 to 10, `absolute_tolerance` 0 to 10^12, `alpha` in (0, 0.5], 1 to 20 steps, at most 10 guardrails. Audited as `release_plan.create`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(PlanParams),
    request_body = PlanSpec,
    responses(
        (status = 201, description = "Created, `draft`.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
async fn create_release_plan(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): PlanPath,
    Json(spec): Json<PlanSpec>,
) -> Result<Response, ApiError> {
    let plan = store.create_release_plan(&principal.actor(), &project, &flag, &env, spec).await?;
    Ok(with_etag(StatusCode::CREATED, plan.version, &plan))
}

/// The optional body of a manual action.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(as = ReleasePlanActionRequest)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    /// Why, for the audit entry (at most 1,000 characters; empty means none).
    #[serde(default)]
    #[schema(max_length = 1000)]
    comment: Option<String>,
}

/// An action's body: none (no bytes, whatever the content type) or a strict JSON
/// [`ActionBody`].
fn action_body(headers: &HeaderMap, bytes: &Bytes) -> Result<ActionBody, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(ActionBody::default());
    }
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .is_some_and(|ct| {
            ct == "application/json" || (ct.starts_with("application/") && ct.ends_with("+json"))
        });
    if !json {
        return Err(ApiError::UnsupportedMediaType(
            "the body must be JSON (Content-Type: application/json)".to_owned(),
        ));
    }
    parse_strict(bytes)
}

async fn act(
    store: &Store,
    principal: &Principal,
    (project, flag, env): (String, String, String),
    action: PlanAction,
    (version, headers, bytes): (Option<i64>, HeaderMap, Bytes),
) -> Result<Response, ApiError> {
    let body = action_body(&headers, &bytes)?;
    let comment = checked_comment(body.comment.as_deref())?;
    let (actor, person) = (principal.actor(), principal.person());
    let plan = store
        .act_on_release_plan(
            Caller { actor: &actor, person: &person },
            &project,
            &flag,
            &env,
            action,
            version,
            comment,
        )
        .await?;
    // Where approval is required a start waits for its change request.
    let status =
        if action == PlanAction::Start && plan.change_request_id.is_some() && plan.started_at.is_none() {
            StatusCode::ACCEPTED
        } else {
            StatusCode::OK
        };
    Ok(with_etag(status, plan.version, &plan))
}

macro_rules! action_route {
    ($name:ident, $action:expr, $path:literal, $op:literal, $summary:literal, $description:literal, $ok:literal $(, accepted = $accepted:literal)?) => {
        #[utoipa::path(post, path = $path, operation_id = $op, tag = "release-plans",
            summary = $summary,
            description = $description,
            extensions(("x-vexil-role" = json!("editor"))),
            params(PlanParams, ("If-Match" = Option<String>, Header, nullable = false, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The plan's version (its ETag); optional.")),
            request_body(content = ActionBody, description = "Optional: a comment for the audit entry. An empty body is taken."),
            responses(
                (status = 200, description = $ok, body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
                $((status = 202, description = $accepted, body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),)?
                (status = 400, response = BadRequest),
                (status = 401, response = Unauthorized),
                (status = 403, response = Forbidden),
                (status = 404, response = NotFound),
                (status = 409, response = ConflictOrApprovalRequired),
                (status = 412, response = PreconditionFailed),
                (status = 413, response = PayloadTooLarge),
                (status = 415, response = UnsupportedMediaType),
                (status = 422, response = Unprocessable),
            ))]
        async fn $name(
            State(store): State<Store>,
            Authorized { principal, .. }: Editor,
            Path(path): PlanPath,
            MaybeIfMatch(version): MaybeIfMatch,
            headers: HeaderMap,
            bytes: Bytes,
        ) -> Result<Response, ApiError> {
            act(&store, &principal, path, $action, (version, headers, bytes)).await
        }
    };
}

action_route!(
    start_release_plan,
    PlanAction::Start,
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/start",
    "start_release_plan",
    "Start a release plan",
    "Draft → running on the first step, written as a `flag_config.patch` of the place. In an environment that requires approval it answers 202 with the plan still a draft and `change_request_id`: a change request holding the first step, whose approval starts the plan and covers its later steps, resume and rollback (written as `release-plan:<id>`); a second start while that request is open is 409. Audited as `release_plan.start` (or `release_plan.request_start`).",
    "Started.",
    accepted = "Where approval is required: still a draft, with `change_request_id`, the change request whose approval starts it."
);
action_route!(
    pause_release_plan,
    PlanAction::Pause,
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/pause",
    "pause_release_plan",
    "Pause a running release plan",
    "Running → paused; nothing is written to the configuration. Audited as `release_plan.pause`.",
    "Paused."
);
action_route!(
    resume_release_plan,
    PlanAction::Resume,
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/resume",
    "resume_release_plan",
    "Resume a paused release plan",
    "Paused → running: the current step starts again, and its split is written again on top of the configuration as it is now (a change made by hand elsewhere is kept). Audited as `release_plan.resume`.",
    "Resumed."
);
action_route!(
    advance_release_plan,
    PlanAction::Advance,
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/advance",
    "advance_release_plan",
    "Advance a release plan by hand",
    "Running or paused → the next step (or completed from the last one). A manual step is a direct write, refused where approval is required (409 `approval-required`). Audited as `release_plan.advance` or `release_plan.complete`.",
    "Advanced."
);
action_route!(
    rollback_release_plan,
    PlanAction::RollBack,
    "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/rollback",
    "rollback_release_plan",
    "Roll a release plan back by hand",
    "Running or paused → rolled back: the place serves the control to everyone (taken where approval is required, as the kill switch is; when the place is gone nothing is written). A draft is discarded. Audited as `release_plan.rollback`.",
    "Rolled back."
);
