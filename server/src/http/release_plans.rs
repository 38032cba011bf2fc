//! `/projects/{project}/flags/{flag}/environments/{env}/release-plan`: the guarded
//! progressive rollout of a flag in one environment (`crate::release`). Reading needs a
//! viewer; creating a plan and acting on it by hand, an editor. The actions answer the
//! plan after the action; `If-Match` (the plan's version) is optional.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::error::ApiError;
use super::extract::{Json, MaybeIfMatch, Path, with_etag};
use super::openapi::responses::*;
use crate::app::AppState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::release::plan::PlanSpec;
use crate::store::{PlanAction, ReleasePlan};

pub(super) fn router() -> Router<AppState> {
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

/// The verdict for a deployment tool: always 200, `healthy` in the body (a web metric
/// reads it with a JSON path).
#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/verdict", operation_id = "get_release_plan_verdict", tag = "release-plans",
    summary = "Get a release plan's verdict (for a deployment tool's web metric)",
    description = "Always 200 when the plan exists; `healthy` is true while the plan is a draft, running or completed and no guardrail was worse at the runner's last look. A web metric reads it with the JSON path `$.healthy` (docs/release-safety.md has a working analysis template).",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key.")),
    responses(
        (status = 200, description = "The verdict.", body = Verdict),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_release_plan_verdict(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): PlanPath,
) -> Result<Response, ApiError> {
    let plan = state.store.get_release_plan(&project, &flag, &env).await?;
    Ok((StatusCode::OK, axum::Json(Verdict::of(&plan))).into_response())
}

/// The verdict as a webhook gate: 200 when healthy, 503 when not (same body).
#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/gate", operation_id = "check_release_plan_gate", tag = "release-plans",
    summary = "Check a release plan as a webhook gate",
    description = "The verdict of `GET …/release-plan/verdict` as a status: 200 when healthy, 503 when not (rolled back, paused, or a guardrail worse), with the same body. Any request body (a deployment tool's webhook payload) is ignored.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key.")),
    responses(
        (status = 200, description = "Healthy.", body = Verdict),
        (status = 503, description = "Not healthy.", body = Verdict),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn check_release_plan_gate(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): PlanPath,
) -> Result<Response, ApiError> {
    let plan = state.store.get_release_plan(&project, &flag, &env).await?;
    let verdict = Verdict::of(&plan);
    let status = if verdict.healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    Ok((status, axum::Json(verdict)).into_response())
}

/// Whether a plan lets a deployment go on, and why.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReleasePlanVerdict)]
pub(super) struct Verdict {
    /// Running, completed or not started, with no guardrail worse at the last look.
    healthy: bool,
    state: crate::release::plan::PlanState,
    #[schema(value_type = i64)]
    step: usize,
    /// The treatment's share on the current step, in percent.
    percent: f64,
    /// The guardrails worse at the last look, by event key.
    worse: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    reason: Option<String>,
}

impl Verdict {
    fn of(plan: &crate::store::ReleasePlan) -> Verdict {
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

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan", operation_id = "get_release_plan", tag = "release-plans",
    summary = "Get the release plan of a flag in an environment",
    description = "The unfinished plan (draft, running or paused), or else the latest finished one; 404 when the flag never had one in the environment. `analysis` is the runner's last look: exposures per arm since the start and on this step, the step's sample-ratio check, and per guardrail each arm's estimate and always-valid bounds with the verdict (docs/release-safety.md).",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key.")),
    responses(
        (status = 200, description = "The plan.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_release_plan(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): PlanPath,
) -> Result<Response, ApiError> {
    let plan = state.store.get_release_plan(&project, &flag, &env).await?;
    Ok(with_etag(StatusCode::OK, plan.version, &plan))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan", operation_id = "create_release_plan", tag = "release-plans",
    summary = "Create a release plan",
    description = "A draft plan that will step `treatment` up against `control` in the default serve (or the rule `rule`), 1 → 5 → 25 → 50 → 100 % unless `steps` says otherwise, and roll back by itself when a guardrail is worse. One unfinished plan per flag and environment (409 otherwise). Audited as `release_plan.create`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key.")),
    request_body = PlanSpec,
    responses(
        (status = 201, description = "The draft plan.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_release_plan(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): PlanPath,
    Json(spec): Json<PlanSpec>,
) -> Result<Response, ApiError> {
    let plan = state.store.create_release_plan(&principal.actor(), &project, &flag, &env, spec).await?;
    Ok(with_etag(StatusCode::CREATED, plan.version, &plan))
}

async fn act(
    state: &AppState,
    principal: &crate::auth::Principal,
    (project, flag, env): (String, String, String),
    action: PlanAction,
    version: Option<i64>,
) -> Result<Response, ApiError> {
    let plan = state
        .store
        .act_on_release_plan(&principal.actor(), &project, &flag, &env, action, version, None)
        .await?;
    Ok(with_etag(StatusCode::OK, plan.version, &plan))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/start", operation_id = "start_release_plan", tag = "release-plans",
    summary = "Start a release plan",
    description = "A draft plan starts on its first step: the place serves the treatment to that share (a semantic patch through the configuration write, refused with 409 `approval-required` in an environment that requires approval). Audited as `release_plan.start`. 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = Option<String>, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$")),
    responses(
        (status = 200, description = "The plan after the action.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = ConflictOrApprovalRequired),
        (status = 412, response = PreconditionFailed),
    ))]
pub(super) async fn start_release_plan(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&state, &principal, path, PlanAction::Start, version).await
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/pause", operation_id = "pause_release_plan", tag = "release-plans",
    summary = "Pause a release plan",
    description = "A running plan stops being looked at; what is served stays. Audited as `release_plan.pause`. 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = Option<String>, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$")),
    responses(
        (status = 200, description = "The plan after the action.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    ))]
pub(super) async fn pause_release_plan(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&state, &principal, path, PlanAction::Pause, version).await
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/resume", operation_id = "resume_release_plan", tag = "release-plans",
    summary = "Resume a paused release plan",
    description = "The current step starts again: its time, sample and split check count from now. Audited as `release_plan.resume`. 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = Option<String>, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$")),
    responses(
        (status = 200, description = "The plan after the action.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    ))]
pub(super) async fn resume_release_plan(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&state, &principal, path, PlanAction::Resume, version).await
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/advance", operation_id = "advance_release_plan", tag = "release-plans",
    summary = "Advance a release plan by hand",
    description = "A running or paused plan goes to its next step (or completes from the last one) without waiting for time or sample. Audited as `release_plan.advance` (or `release_plan.complete`). 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = Option<String>, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$")),
    responses(
        (status = 200, description = "The plan after the action.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = ConflictOrApprovalRequired),
        (status = 412, response = PreconditionFailed),
    ))]
pub(super) async fn advance_release_plan(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&state, &principal, path, PlanAction::Advance, version).await
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/release-plan/rollback", operation_id = "rollback_release_plan", tag = "release-plans",
    summary = "Roll a release plan back",
    description = "A running or paused plan serves the control to the whole place and ends as `rolled_back`; a draft is discarded (ends as `rolled_back` without any configuration change). Like the kill switch, taken also in an environment that requires approval. Audited as `release_plan.rollback`. 409 when the plan's state does not allow it; `If-Match` (the plan's version) is optional.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = Option<String>, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$")),
    responses(
        (status = 200, description = "The plan after the action.", body = ReleasePlan, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    ))]
pub(super) async fn rollback_release_plan(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&state, &principal, path, PlanAction::RollBack, version).await
}
