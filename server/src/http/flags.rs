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
use super::openapi::responses::*;
use super::shared::{checked_comment, field_error};
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Authorized, Editor, Viewer};
use crate::store::{
    self, FlagConfigRecord, FlagFilter, FlagPatch, FlagRecord, FlagSort, NewFlag, Page, Store,
};
use vexil_core::patch::Patch;

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
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
pub(super) struct ListQuery {
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
    /// Comma-separated environment keys whose states the page carries.
    environments: Option<String>,
}

/// Most environments a flags list names in `environments`.
const MAX_LISTED_ENVIRONMENTS: usize = 100;

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags", operation_id = "list_flags", tag = "flags",
    summary = "List flags",
    description = "Lists a project's active (or, with `archived=true`, archived) flags by key, with their state in every environment (or in those `environments` names), one page at a time.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("q" = Option<String>, Query, description = "Case-insensitive substring of the key, the name, a tag, the owner, a link (URL or title) or a custom property (name or value)."), ("tag" = Option<String>, Query, description = "Only flags with this tag."), ("owner" = Option<String>, Query, description = "Only flags with this owner (exact match, case-insensitive)."), ("lifecycle" = Option<vexil_core::Lifecycle>, Query, description = "Only temporary or only permanent flags."), ("environment" = Option<String>, Query, description = "With `enabled`, the environment whose on/off state filters (one without the other is a 400; an environment the project does not have is a 404)."), ("enabled" = Option<bool>, Query, description = "With `environment`, only flags on (true) or off (false) there."), ("stale" = Option<bool>, Query, description = "Only stale (true) or only fresh (false) flags, as each flag's `stale` says."), ("sort" = Option<FlagSort>, Query, description = "`key` (default), or `last_evaluated`: least recently evaluated first (never evaluated before all), then by key, the order of a clean-up. Cursors belong to their order."), ("archived" = Option<bool>, Query, description = "List archived flags instead of active ones."), ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "Page size."), ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page, issued for the same `sort`: a cursor of the other order, or one this server did not issue, is a 400."), ("environments" = Option<String>, Query, description = "Comma-separated environment keys (at most 100): each flag's `environments` holds the states in these only, instead of every environment of the project. Empty: no states. An environment the project does not have is a 404.")),
    responses(
        (status = 200, description = "A page of flags.", body = Page<FlagRecord>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn list_flags(
    State(store): State<Store>,
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
    if let Some((env, _)) = &enabled_in {
        // An environment that does not exist is 404, as on the bulk toggle and copy
        // routes, not an empty page that reads as "no flag is on there".
        store.get_environment(&project, env).await?;
    }
    let environments = match q.environments.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(Vec::new()),
        Some(list) => {
            let keys: Vec<String> = list.split(',').map(|k| k.trim().to_owned()).collect();
            if keys.iter().any(String::is_empty) {
                return Err(ApiError::bad_request("environments: an empty key between commas"));
            }
            if keys.len() > MAX_LISTED_ENVIRONMENTS {
                return Err(ApiError::bad_request(format!(
                    "environments: at most {MAX_LISTED_ENVIRONMENTS} keys, {} given",
                    keys.len()
                )));
            }
            Some(keys)
        }
    };
    let (after_key, after_evaluated) = match q.cursor {
        None => (None, None),
        Some(c) => parse_cursor(q.sort, &c)?,
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
        environments,
    };
    Ok(axum::Json(store.list_flags(&project, &filter).await?))
}

/// A last-evaluated position: (ms since the epoch, 0 for never; flag key).
type Evaluated = (i64, String);

/// A cursor of [`FlagSort::Key`] (`k:<key>`: flags after that key) or of
/// [`FlagSort::LastEvaluated`] (`e:<ms>:<key>`: flags after that last evaluation in
/// ms since the epoch, 0 for never, then key), as `Store::list_flags` issues them. A
/// cursor belongs to the order that issued it (decision 0021): 400 for one of the other
/// order, or one that does not parse.
fn parse_cursor(sort: FlagSort, cursor: &str) -> Result<(Option<String>, Option<Evaluated>), ApiError> {
    let not_ours = || ApiError::bad_request("cursor is not a next_cursor this server issued for this list");
    let (order, position) = cursor.split_once(':').ok_or_else(not_ours)?;
    let issued_by = match order {
        "k" => FlagSort::Key,
        "e" => FlagSort::LastEvaluated,
        _ => return Err(not_ours()),
    };
    if issued_by != sort {
        let name = |s: FlagSort| match s {
            FlagSort::Key => "key",
            FlagSort::LastEvaluated => "last_evaluated",
        };
        return Err(ApiError::bad_request(format!(
            "this cursor pages sort={}, not sort={}: a cursor belongs to the order that issued it",
            name(issued_by),
            name(sort)
        )));
    }
    match sort {
        FlagSort::Key if !position.is_empty() => Ok((Some(position.to_owned()), None)),
        FlagSort::LastEvaluated => {
            let (at, key) = position.split_once(':').ok_or_else(not_ours)?;
            let at = at.parse::<i64>().ok().filter(|at| *at >= 0).ok_or_else(not_ours)?;
            if key.is_empty() {
                return Err(not_ours());
            }
            Ok((None, Some((at, key.to_owned()))))
        }
        FlagSort::Key => Err(not_ours()),
    }
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags", operation_id = "create_flag", tag = "flags",
    summary = "Create a flag",
    description = "Creates a flag, disabled in every environment; a boolean flag without variants gets `on` (true) and `off` (false).",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key.")),
    request_body = NewFlag,
    responses(
        (status = 201, description = "Created.", body = FlagRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."), ("Location" = String, description = "The path of the created resource."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_flag(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path(project): Path<String>,
    Json(body): Json<NewFlag>,
) -> Result<Response, ApiError> {
    let flag = store.create_flag(&principal.actor(), &project, body).await?;
    let mut response = with_etag(StatusCode::CREATED, flag.version, &flag);
    if let Ok(v) = format!("/api/v1/projects/{project}/flags/{}", flag.flag.key).parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}", operation_id = "get_flag", tag = "flags",
    summary = "Get a flag",
    description = "Reads one flag's definition with its state in every environment.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key.")),
    responses(
        (status = 200, description = "The flag.", body = FlagRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_flag(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let f = store.get_flag(&project, &flag).await?;
    Ok(with_etag(StatusCode::OK, f.version, &f))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/flags/{flag}", operation_id = "update_flag", tag = "flags",
    summary = "Update a flag",
    description = "Changes a flag's definition (key and kind never change); absent fields stay as they are, and new variants that would break configurations are refused with 409. The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    request_body = FlagPatch,
    responses(
        (status = 200, description = "The updated flag.", body = FlagRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn update_flag(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
    IfMatch(version): IfMatch,
    update: Update<FlagPatch>,
) -> Result<Response, ApiError> {
    update.check_same("key", &flag, "a flag's key cannot change")?;
    if update.read_only.contains_key("kind") || update.read_only.contains_key("salt") {
        let current = store.get_flag(&project, &flag).await?;
        update.check_same("kind", current.flag.kind.as_str(), "a flag's kind cannot change")?;
        update.check_same(
            "salt",
            &current.flag.salt,
            "a flag's salt cannot change (it would move every user)",
        )?;
    }
    let f = store.update_flag(&principal.actor(), &project, &flag, version, update.body).await?;
    Ok(with_etag(StatusCode::OK, f.version, &f))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/flags/{flag}", operation_id = "delete_flag", tag = "flags",
    summary = "Delete a flag",
    description = "Deletes a flag and its configurations; refused with 409 (naming the dependents) while it is a prerequisite of other flags.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn delete_flag(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    store.delete_flag(&principal.actor(), &project, &flag, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/archive", operation_id = "archive_flag", tag = "flags",
    summary = "Archive a flag",
    description = "Archives a flag, removing it from every snapshot; idempotent (archiving an archived flag changes nothing), so it needs no If-Match; refused with 409 while the flag is a prerequisite of other flags.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key.")),
    responses(
        (status = 200, description = "The archived flag.", body = FlagRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
pub(super) async fn archive_flag(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let f = store.set_flag_archived(&principal.actor(), &project, &flag, true).await?;
    Ok(with_etag(StatusCode::OK, f.version, &f))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/restore", operation_id = "restore_flag", tag = "flags",
    summary = "Restore a flag",
    description = "Restores an archived flag into every snapshot with its previous configurations; idempotent (restoring an active flag changes nothing), so it needs no If-Match. Refused with 409 while a flag it requires is archived (restore that one first) or when restoring would break what an environment serves (a prerequisite chain too deep, a cycle), and with 422 when the project already has as many active flags as one environment may serve.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key.")),
    responses(
        (status = 200, description = "The restored flag.", body = FlagRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn restore_flag(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let f = store.set_flag_archived(&principal.actor(), &project, &flag, false).await?;
    Ok(with_etag(StatusCode::OK, f.version, &f))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}", operation_id = "get_flag_config", tag = "flags",
    summary = "Get a flag's configuration in an environment",
    description = "Reads a flag's configuration (targets, rules, default, prerequisites) in one environment.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key.")),
    responses(
        (status = 200, description = "The configuration; its `version` is the ETag.", body = FlagConfigRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_flag_config(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, flag, env)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let c = store.get_flag_config(&project, &flag, &env).await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReplaceQuery {
    /// Answer what would be stored and who would change variant, and store nothing.
    #[serde(default)]
    dry_run: bool,
    /// `rebase` (default): rollouts keep their stored layout where the weights allow;
    /// `exact`: weights are stored as sent.
    #[serde(default)]
    layout: LayoutMode,
}

#[utoipa::path(put, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}", operation_id = "replace_flag_config", tag = "flags",
    summary = "Replace a flag's configuration in an environment",
    description = "Replaces a flag's whole configuration in one environment, validated against the project (variants, segments, prerequisite graph); a `version` in the body is ignored, the server assigns the next one, and rules without an id get one. Archived flags are refused with 409. The body of a `GET` of the same resource is accepted unchanged: its read-only fields (versions, times, derived state) are ignored, and those naming the resource must name this one (422 otherwise).\n\nRollouts keep the users they have. A rollout that is already stored at the same place (the default, or the rule with the same `id`) with the same `bucket_by` reads the sent `weights` as per-variant shares: the same shares in any order keep the stored layout unchanged (so a GET sent back as a PUT changes nothing), and new shares rebase the stored layout so that only the share the new weights require changes variant (docs/evaluation.md, section 4). The stored `weights` may then name a variant more than once. With `layout=exact` every list is stored exactly as sent, for example to restore an earlier layout. With `dry_run=true` nothing is stored: the answer is the configuration the same request would store and, for each rollout, how many users change variant.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required)."), ("layout" = Option<vexil_core::rollout::LayoutMode>, Query, description = "`rebase` (default): stored rollouts keep their layout where the weights allow it. `exact`: every `weights` list is stored as sent."), ("dry_run" = Option<bool>, Query, description = "Store nothing; answer a `ConfigPreview` instead. The configuration itself and its variants are checked (422 as for a write, 409 when archived, 412 on a stale If-Match); references to segments and other flags and the prerequisite graph are checked only when it is written.")),
    request_body = FlagConfig,
    responses(
        (status = 200, description = "The new configuration; with `dry_run=true`, a preview of it (no ETag).", body = ConfigOrPreview, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = ConflictOrApprovalRequired),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn replace_flag_config(
    State(store): State<Store>,
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
        let preview = preview_flag_config(&store, (&project, &flag, &env), version, body, q.layout).await?;
        return Ok(axum::Json(preview).into_response());
    }
    let c = store.put_flag_config(&principal.actor(), &project, &flag, &env, version, body, q.layout).await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

/// The answer of a dry run: the configuration a write would store, and what it does to
/// each rollout (the same [`plan_config`] call the write makes).
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ConfigPreview {
    /// The stored version the preview was computed from.
    base_version: u64,
    /// What would be stored (rules without an id get one only when saved).
    config: FlagConfig,
    /// Per place whose serve changes and is a rollout before or after: the buckets (out
    /// of 100 000) that change variant and the least the new weights require.
    rollouts: Vec<RolloutChange>,
}

/// The answer of a configuration `PUT`, for the document: the configuration written,
/// or with `dry_run=true` its preview.
#[derive(Serialize, utoipa::ToSchema)]
#[expect(dead_code, reason = "only its schema is used")]
#[serde(untagged)]
pub(super) enum ConfigOrPreview {
    Config(FlagConfigRecord),
    Preview(ConfigPreview),
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
#[utoipa::path(patch, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}", operation_id = "patch_flag_config", tag = "flags",
    summary = "Change a flag's configuration in an environment with instructions",
    description = "A semantic patch: `instructions` apply in order to the current configuration, atomically (the first one that cannot apply is reported at its pointer, `/instructions/{index}`, and nothing changes), and the result is validated like a `PUT` (its problems point into the resulting configuration). `If-Match` is optional: without it the instructions apply to whatever is current, so a patch made between two other writes keeps both; with it, a stale version answers 412. `set_rollout` takes per-variant shares and keeps every context the new shares allow on its variant. A patch that changes nothing writes nothing. `comment` goes into the audit entry.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = Option<String>, Header, nullable = false, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the instructions were written against; absent applies them to the current one.")),
    request_body = Patch,
    responses(
        (status = 200, description = "The configuration after the patch (unchanged if it changed nothing).", body = FlagConfigRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
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
pub(super) async fn patch_flag_config(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): Path<(String, String, String)>,
    MaybeIfMatch(version): MaybeIfMatch,
    Json(mut patch): Json<vexil_core::patch::Patch>,
) -> Result<Response, ApiError> {
    patch.comment = checked_comment(patch.comment.as_deref())?.map(str::to_owned);
    let c = store.patch_flag_config(&principal.actor(), &project, &flag, &env, version, patch).await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct ToggleRequest {
    enabled: bool,
    /// Why (at most 1 000 characters): stored on the audit entry.
    #[serde(default)]
    #[schema(max_length = 1000)]
    comment: Option<String>,
    /// Turn the flag off in an environment that requires approval, without one: needs
    /// `enabled: false` and a comment; audited as `flag.break_glass_off`.
    #[serde(default)]
    #[schema(default = false)]
    break_glass: bool,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/toggle", operation_id = "toggle_flag", tag = "flags",
    summary = "Turn a flag on or off in an environment",
    description = "The kill switch: sets `enabled` in one environment and nothing else; it needs no If-Match because setting a state is idempotent and must never lose a race (already in that state: nothing is written, not even the comment). Archived flags are refused with 409. An optional `comment` says why; it is stored on the audit entry (`comment`), where the audit log and the flag's history show it. In an environment that requires approval only a break-glass off is taken (`{\"enabled\": false, \"break_glass\": true, \"comment\": \"why\"}`, audited as `flag.break_glass_off`); anything else answers 409 `approval-required`.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key.")),
    request_body = ToggleRequest,
    responses(
        (status = 200, description = "The configuration after the toggle.", body = FlagConfigRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = ConflictOrApprovalRequired),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn toggle_flag(
    State(store): State<Store>,
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
            return Err(field_error(pointer, message));
        }
    }
    let c = store
        .toggle_flag(&principal.actor(), &project, &flag, &env, body.enabled, comment, body.break_glass)
        .await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RestoreRequest {
    /// The earlier version to put back (versions start at 1).
    #[schema(minimum = 1)]
    version: u64,
    /// Why (at most 1 000 characters): stored on the audit entry.
    #[serde(default)]
    #[schema(max_length = 1000)]
    comment: Option<String>,
}

/// Puts an earlier version of the configuration back, as a new version.
#[utoipa::path(post, path = "/api/v1/projects/{project}/flags/{flag}/environments/{env}/restore", operation_id = "restore_flag_config", tag = "flags",
    summary = "Put an earlier version of a configuration back",
    description = "Roll back without a redeploy: writes the configuration the flag had at `version` in this environment (from its history) as a new version, validated like any write — a variant, segment or prerequisite flag the old version names must still exist (422 or 409 otherwise). Rollouts get the old version's exact layout, so every context gets the variant it had then. Restoring what is current writes nothing. Audited as `flag_config.restore`, with a comment naming the version. 404 when the history has no such version.",
    extensions(("x-vexil-role" = json!("editor"))),
    params(("project" = String, Path, description = "The project key."), ("flag" = String, Path, description = "The flag key."), ("env" = String, Path, description = "The environment key."), ("If-Match" = Option<String>, Header, nullable = false, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The current version the caller saw; absent restores over whatever is current.")),
    request_body = RestoreRequest,
    responses(
        (status = 200, description = "The configuration after the restore.", body = FlagConfigRecord, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
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
pub(super) async fn restore_flag_config(
    State(store): State<Store>,
    Authorized { principal, .. }: Editor,
    Path((project, flag, env)): Path<(String, String, String)>,
    if_match: MaybeIfMatch,
    Json(body): Json<RestoreRequest>,
) -> Result<Response, ApiError> {
    let comment = checked_comment(body.comment.as_deref())?;
    let c = store
        .restore_flag_config(&principal.actor(), &project, &flag, &env, body.version, if_match.0, comment)
        .await?;
    Ok(with_etag(StatusCode::OK, c.config.version as i64, &c))
}

/// A configuration as `PUT` takes it: the document a `GET` returns, whose `flag`,
/// `environment` and `updated_at` are read-only.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub(super) struct ConfigBody(FlagConfig);

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
