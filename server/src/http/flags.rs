//! `/projects/{project}/flags`: definitions, per-environment configurations and the
//! kill switch.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use vexil_core::rollout::{LayoutMode, RolloutChange, plan_config};
use vexil_core::validate::{References, validate_config};
use vexil_core::{FlagConfig, Op};

use super::error::ApiError;
use super::extract::{IfMatch, Json, MaybeIfMatch, Path, Query, ReadOnlyFields, Update, with_etag};
use crate::app::AppState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::store::{self, FlagFilter, FlagPatch, FlagSort, NewFlag, Store};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/flags", get(list_flags).post(create_flag))
        .route("/projects/{project}/flags/{flag}", get(get_flag).patch(update_flag).delete(delete_flag))
        .route("/projects/{project}/flags/{flag}/archive", post(archive_flag))
        .route("/projects/{project}/flags/{flag}/restore", post(restore_flag))
        .route(
            "/projects/{project}/flags/{flag}/environments/{env}",
            get(get_flag_config).put(replace_flag_config).patch(patch_flag_config),
        )
        .route("/projects/{project}/flags/{flag}/environments/{env}/toggle", post(toggle_flag))
        .route("/projects/{project}/flags/{flag}/environments/{env}/restore", post(restore_flag_config))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    q: Option<String>,
    tag: Option<String>,
    owner: Option<String>,
    lifecycle: Option<vexil_core::Lifecycle>,
    /// With `enabled`: the environment whose on/off state filters.
    environment: Option<String>,
    enabled: Option<bool>,
    stale: Option<bool>,
    #[serde(default)]
    sort: FlagSort,
    #[serde(default)]
    archived: bool,
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn list_flags(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path(project): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit must be between 1 and 1000"));
    }
    let enabled_in = match (q.environment, q.enabled) {
        (Some(env), Some(on)) => Some((env, on)),
        (None, None) => None,
        _ => {
            return Err(ApiError::bad_request(
                "environment and enabled filter together: name both or neither",
            ));
        }
    };
    // Key order pages after a key; last-evaluated order after "<ms>:<key>".
    let (after_key, after_evaluated) = match (q.sort, q.cursor) {
        (_, None) => (None, None),
        (FlagSort::Key, Some(c)) => (Some(c), None),
        (FlagSort::LastEvaluated, Some(c)) => {
            let parsed =
                c.split_once(':').and_then(|(at, key)| Some((at.parse::<i64>().ok()?, key.to_owned())));
            (None, Some(parsed.ok_or_else(|| ApiError::bad_request("cursor is not one this server issued"))?))
        }
    };
    let filter = FlagFilter {
        q: q.q,
        tag: q.tag,
        owner: q.owner,
        lifecycle: q.lifecycle,
        enabled_in,
        stale: q.stale,
        sort: q.sort,
        after_evaluated,
        archived: q.archived,
        limit,
        after_key,
    };
    Ok(axum::Json(state.store.list_flags(&project, &filter).await?))
}

async fn create_flag(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path(project): Path<String>,
    Json(body): Json<NewFlag>,
) -> Result<Response, ApiError> {
    let flag = state.store.create_flag(&principal.actor(), &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, flag.version, &flag);
    if let Ok(v) = format!("/api/v1/projects/{project}/flags/{}", flag.flag.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

async fn get_flag(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let f = state.store.get_flag(&project, &flag).await?;
    Ok(with_etag(StatusCode::OK, f.version, &f))
}

async fn update_flag(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
    IfMatch(version): IfMatch,
    update: Update<FlagPatch>,
) -> Result<Response, ApiError> {
    update.check_same("key", &flag, "a flag's key cannot change")?;
    if update.read_only.contains_key("kind") || update.read_only.contains_key("salt") {
        let current = state.store.get_flag(&project, &flag).await?;
        update.check_same("kind", current.flag.kind.as_str(), "a flag's kind cannot change")?;
        update.check_same(
            "salt",
            &current.flag.salt,
            "a flag's salt cannot change (it would move every user)",
        )?;
    }
    let f = state.store.update_flag(&principal.actor(), &project, &flag, version, update.body).await?;
    Ok(with_etag(StatusCode::OK, f.version, &f))
}

async fn delete_flag(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    state.store.delete_flag(&principal.actor(), &project, &flag, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn archive_flag(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let f = state.store.set_flag_archived(&principal.actor(), &project, &flag, true).await?;
    Ok(with_etag(StatusCode::OK, f.version, &f))
}

async fn restore_flag(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let f = state.store.set_flag_archived(&principal.actor(), &project, &flag, false).await?;
    Ok(with_etag(StatusCode::OK, f.version, &f))
}

async fn get_flag_config(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let c = state.store.get_flag_config(&project, &flag, &env).await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplaceQuery {
    /// Answer what would be stored and who would change variant, and store nothing.
    #[serde(default)]
    dry_run: bool,
    /// `rebase` (default): rollouts keep their stored layout where the weights allow;
    /// `exact`: weights are stored as sent.
    #[serde(default)]
    layout: LayoutMode,
}

async fn replace_flag_config(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): Path<(String, String, String)>,
    IfMatch(version): IfMatch,
    Query(q): Query<ReplaceQuery>,
    update: Update<ConfigBody>,
) -> Result<Response, ApiError> {
    update.check_same("flag", &flag, "the body is another flag's configuration")?;
    update.check_same("environment", &env, "the body is another environment's configuration")?;
    let body = update.body.0;
    if q.dry_run {
        let preview =
            preview_flag_config(&state.store, (&project, &flag, &env), version, body, q.layout).await?;
        return Ok(axum::Json(preview).into_response());
    }
    let c = state
        .store
        .put_flag_config(&principal.actor(), &project, &flag, &env, version, body, q.layout)
        .await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

/// The answer of a dry run: the configuration a write would store, and what it does to
/// each rollout (the same [`plan_config`] call the write makes).
#[derive(Serialize)]
struct ConfigPreview {
    /// The stored version the preview was computed from.
    base_version: u64,
    /// What would be stored (rules without an id get one only when saved).
    config: FlagConfig,
    /// Per place whose serve changes and is a rollout before or after: the buckets (out
    /// of 100 000) that change variant and the least the new weights require.
    rollouts: Vec<RolloutChange>,
}

/// Runs a configuration write's checks and its rollout plan without storing anything.
/// References to segments and other flags, and the prerequisite graph, are checked only
/// by the write itself.
async fn preview_flag_config(
    store: &Store,
    (project, flag, env): (&str, &str, &str),
    expected_version: Option<i64>,
    body: FlagConfig,
    layout: LayoutMode,
) -> Result<ConfigPreview, ApiError> {
    let definition = store.get_flag(project, flag).await?;
    let current = store.get_flag_config(project, flag, env).await?.config;
    if definition.archived {
        return Err(store::Error::Conflict(store::Conflict::FlagArchived { flag: flag.to_owned() }).into());
    }
    if expected_version.is_some_and(|v| v != current.version as i64) {
        return Err(store::Error::VersionMismatch { current: current.version as i64 }.into());
    }
    let plan = plan_config(&current, body, layout);
    let mut refs = References::new();
    for c in plan.config.rules.iter().flat_map(|r| &r.conditions).filter(|c| c.op == Op::InSegment) {
        c.values.iter().filter_map(|v| v.as_str()).for_each(|s| refs.add_segment(s));
    }
    for p in &plan.config.prerequisites {
        refs.add_flag(&p.flag, [p.variant.as_str()]);
    }
    validate_config(flag, &definition.flag.variants, &plan.config, &refs).map_err(store::Error::Invalid)?;
    let mut config = plan.config;
    config.version = current.version + 1;
    Ok(ConfigPreview { base_version: current.version, config, rollouts: plan.rollouts })
}

/// Applies a semantic patch (`{"instructions": [...], "comment": ...}`); `If-Match` is
/// optional: without it the instructions apply to whatever is current.
async fn patch_flag_config(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): Path<(String, String, String)>,
    MaybeIfMatch(version): MaybeIfMatch,
    Json(mut patch): Json<vexil_core::patch::Patch>,
) -> Result<Response, ApiError> {
    patch.comment = checked_comment(patch.comment.as_deref())?.map(str::to_owned);
    let c = state.store.patch_flag_config(&principal.actor(), &project, &flag, &env, version, patch).await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

#[derive(Deserialize)]
struct ToggleRequest {
    enabled: bool,
    /// Why: stored on the audit entry.
    #[serde(default)]
    comment: Option<String>,
    /// Turn the flag off in an environment that requires approval, without one: needs
    /// `enabled: false` and a comment; audited as `flag.break_glass_off`.
    #[serde(default)]
    break_glass: bool,
}

/// The longest audit comment, in characters.
const MAX_COMMENT_CHARS: usize = 1000;

/// A comment for the audit entry: trimmed, empty means none, at most
/// [`MAX_COMMENT_CHARS`] (422 at `/comment` otherwise).
pub(super) fn checked_comment(comment: Option<&str>) -> Result<Option<&str>, ApiError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
        return Err(ApiError::Validation(vexil_core::ValidationErrors {
            problems: vec![vexil_core::Problem {
                pointer: "/comment".to_owned(),
                message: format!("a comment has at most {MAX_COMMENT_CHARS} characters"),
            }],
        }));
    }
    Ok(comment)
}

async fn toggle_flag(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): Path<(String, String, String)>,
    Json(body): Json<ToggleRequest>,
) -> Result<Response, ApiError> {
    let comment = checked_comment(body.comment.as_deref())?;
    if body.break_glass {
        let problem = if body.enabled {
            Some(("/enabled", "break-glass only turns a flag off"))
        } else if comment.is_none() {
            Some(("/comment", "break-glass needs a comment saying why"))
        } else {
            None
        };
        if let Some((pointer, message)) = problem {
            return Err(ApiError::Validation(vexil_core::ValidationErrors {
                problems: vec![vexil_core::Problem {
                    pointer: pointer.to_owned(),
                    message: message.to_owned(),
                }],
            }));
        }
    }
    let c = state
        .store
        .toggle_flag(&principal.actor(), &project, &flag, &env, body.enabled, comment, body.break_glass)
        .await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestoreRequest {
    /// The earlier version to put back.
    version: u64,
    /// Why: stored on the audit entry.
    #[serde(default)]
    comment: Option<String>,
}

/// Puts an earlier version of the configuration back, as a new version.
async fn restore_flag_config(
    State(state): State<AppState>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): Path<(String, String, String)>,
    if_match: MaybeIfMatch,
    Json(body): Json<RestoreRequest>,
) -> Result<Response, ApiError> {
    let comment = checked_comment(body.comment.as_deref())?;
    let c = state
        .store
        .restore_flag_config(&principal.actor(), &project, &flag, &env, body.version, if_match.0, comment)
        .await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

/// A configuration as `PUT` takes it: the document a `GET` returns, whose `flag`,
/// `environment` and `updated_at` are read-only.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct ConfigBody(FlagConfig);

impl ReadOnlyFields for ConfigBody {
    const READ_ONLY: &'static [&'static str] = &["flag", "environment", "updated_at"];
}

impl ReadOnlyFields for FlagPatch {
    const READ_ONLY: &'static [&'static str] = &[
        "key",
        "kind",
        "salt",
        "version",
        "archived",
        "archived_at",
        "created_at",
        "updated_at",
        "environments",
        "last_evaluated_at",
        "stale",
    ];
}
