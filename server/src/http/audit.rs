//! `/audit`: the audit log with filters.

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::Query;
use super::openapi::responses::*;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{AuditScope, Principal, Role};
use crate::store::Store;
use crate::store::{AuditEntry, AuditFilter, Page, Timestamp};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new().route("/audit", get(list_audit))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AuditQuery {
    project: Option<String>,
    resource_type: Option<String>,
    resource_key: Option<String>,
    actor: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

fn time(name: &str, value: Option<String>) -> Result<Option<Timestamp>, ApiError> {
    value
        .map(|v| {
            Timestamp::parse_rfc3339(&v).ok_or_else(|| {
                ApiError::bad_request(format!("{name} must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z"))
            })
        })
        .transpose()
}

#[utoipa::path(get, path = "/api/v1/audit", operation_id = "list_audit", tag = "audit",
    summary = "List the audit log",
    description = "Lists audit entries newest first, filtered, among those the caller may read: entries about users and API tokens (`resource_type` `user` and `api_token`, whose documents repeat what `/users` and `/tokens` show) only for unscoped admins and owners; a project-scoped API token reads only its own project's entries (with or without `project`; another project is 403).",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = Option<String>, Query, description = "Only entries of this project."), ("resource_type" = Option<String>, Query, description = "Only this kind of resource, e.g. `flag`, `flag_config`, `segment`."), ("resource_key" = Option<String>, Query, description = "Only this resource (exact key) or, ending in `/`, the resources under it."), ("actor" = Option<String>, Query, description = "Only this actor, e.g. `user:ada@example.com` or `token:ci`."), ("since" = Option<String>, Query, format = DateTime, description = "Only entries at or after this time (RFC 3339)."), ("until" = Option<String>, Query, format = DateTime, description = "Only entries before this time (RFC 3339)."), ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size."), ("cursor" = Option<String>, Query, pattern = "^[0-9]{1,18}$", description = "The `next_cursor` of the previous page.")),
    responses(
        (status = 200, description = "A page of audit entries.", body = Page<AuditEntry>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn list_audit(
    State(store): State<Store>,
    principal: Principal,
    Query(q): Query<AuditQuery>,
) -> Result<impl IntoResponse, ApiError> {
    principal.require_role(Role::Viewer)?;
    // A project-scoped token reads its project's entries, and no other project's.
    let scope = AuditScope::of(&principal);
    if let Some(p) = &q.project {
        principal.require_in(p, Role::Viewer)?;
    }
    let project = q.project.or_else(|| scope.project.clone());
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_request("limit must be between 1 and 500"));
    }
    let before_id = q
        .cursor
        .map(|c| c.parse::<i64>().map_err(|_| ApiError::bad_request("cursor is not one this server issued")))
        .transpose()?;
    let filter = AuditFilter {
        project,
        admin_types: scope.admin_types,
        resource_type: q.resource_type,
        resource_key: q.resource_key,
        actor: q.actor,
        since: time("since", q.since)?,
        until: time("until", q.until)?,
        limit,
        before_id,
    };
    Ok(axum::Json(store.list_audit(&filter).await?))
}
