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
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::release::plan::PlanSpec;
use crate::store::PlanAction;
use crate::store::Store;

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

/// The verdict for a deployment tool: always 200, `healthy` in the body (a web metric
/// reads it with a JSON path).
async fn get_release_plan_verdict(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): PlanPath,
) -> Result<Response, ApiError> {
    let plan = store.get_release_plan(&project, &flag, &env).await?;
    Ok((StatusCode::OK, axum::Json(Verdict::of(&plan))).into_response())
}

/// The verdict as a webhook gate: 200 when healthy, 503 when not (same body).
async fn check_release_plan_gate(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): PlanPath,
) -> Result<Response, ApiError> {
    let plan = store.get_release_plan(&project, &flag, &env).await?;
    let verdict = Verdict::of(&plan);
    let status = if verdict.healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    Ok((status, axum::Json(verdict)).into_response())
}

/// Whether a plan lets a deployment go on, and why.
#[derive(serde::Serialize)]
struct Verdict {
    /// Running, completed or not started, with no guardrail worse at the last look.
    healthy: bool,
    state: crate::release::plan::PlanState,
    step: usize,
    /// The treatment's share on the current step, in percent.
    percent: f64,
    /// The guardrails worse at the last look, by event key.
    worse: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
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

async fn get_release_plan(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): PlanPath,
) -> Result<Response, ApiError> {
    let plan = store.get_release_plan(&project, &flag, &env).await?;
    Ok(with_etag(StatusCode::OK, plan.version, &plan))
}

async fn create_release_plan(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): PlanPath,
    Json(spec): Json<PlanSpec>,
) -> Result<Response, ApiError> {
    let plan = store.create_release_plan(&principal.actor(), &project, &flag, &env, spec).await?;
    Ok(with_etag(StatusCode::CREATED, plan.version, &plan))
}

async fn act(
    store: &Store,
    principal: &crate::auth::Principal,
    (project, flag, env): (String, String, String),
    action: PlanAction,
    version: Option<i64>,
) -> Result<Response, ApiError> {
    let plan =
        store.act_on_release_plan(&principal.actor(), &project, &flag, &env, action, version, None).await?;
    Ok(with_etag(StatusCode::OK, plan.version, &plan))
}

async fn start_release_plan(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&store, &principal, path, PlanAction::Start, version).await
}

async fn pause_release_plan(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&store, &principal, path, PlanAction::Pause, version).await
}

async fn resume_release_plan(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&store, &principal, path, PlanAction::Resume, version).await
}

async fn advance_release_plan(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&store, &principal, path, PlanAction::Advance, version).await
}

async fn rollback_release_plan(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(path): PlanPath,
    MaybeIfMatch(version): MaybeIfMatch,
) -> Result<Response, ApiError> {
    act(&store, &principal, path, PlanAction::RollBack, version).await
}
