//! The audit log: who changed what, when, with the document before and after.

use super::{Actor, Page, Result, Store, Timestamp, get};
use serde::Serialize;
use serde_json::Value;

/// One audit entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Increasing id.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Who: `user:<email>`, `token:<name>` or `system`.
    pub actor: String,
    /// What, e.g. `flag.create`.
    pub action: String,
    /// The kind of resource.
    pub resource_type: String,
    /// The resource, e.g. `default/new-checkout/production`.
    pub resource_key: String,
    /// The project, when the resource belongs to one.
    #[schema(required = true)]
    pub project: Option<String>,
    /// The environment, when the resource belongs to one.
    #[schema(required = true)]
    pub environment: Option<String>,
    /// The document before the change.
    #[schema(required = true)]
    pub before: Option<Value>,
    /// The document after the change.
    #[schema(required = true)]
    pub after: Option<Value>,
    /// The resource's display name when the change was made (an SDK key's or API
    /// token's name, a user's name or email...), taken from the entry's own documents so
    /// that it stays right after the resource is renamed or deleted; `None` for
    /// resources without a name of their own (flag configurations).
    #[schema(required = true)]
    pub resource_name: Option<String>,
    /// What the author said about the change, e.g. why a flag was switched off.
    #[schema(required = true)]
    pub comment: Option<String>,
}

/// Filters for listing the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this project.
    pub project: Option<String>,
    /// Whether entries about users and API tokens are included
    /// ([`ADMIN_ONLY_AUDIT_TYPES`]).
    pub admin_types: bool,
    /// Only this resource type.
    pub resource_type: Option<String>,
    /// Only this resource (exact key) or, ending in `/`, resources under it.
    pub resource_key: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only entries at or after.
    pub since: Option<Timestamp>,
    /// Only entries before.
    pub until: Option<Timestamp>,
    /// Page size.
    pub limit: i64,
    /// Entries with ids below this (from a previous page).
    pub before_id: Option<i64>,
}

/// What an audit entry records; the `at` is taken at insert time.
pub(super) struct Record<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource_key: String,
    pub project: Option<&'a str>,
    pub environment: Option<&'a str>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Resource types whose audit entries only unscoped admins read: the same rule as
/// `/users`, `/tokens` and `/projects/{project}/webhooks`, whose contents the entries'
/// documents repeat (a webhook's URL may carry its receiver's credentials).
pub const ADMIN_ONLY_AUDIT_TYPES: [&str; 3] = ["user", "api_token", "webhook"];

/// The PostgreSQL channel that wakes other replicas' admin streams.
pub const AUDIT_CHANNEL: &str = "vexil_audit";

pub(super) fn parse_json(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// The display name of the resource an entry is about, from its documents (after, else
/// before): a non-empty `name`, else `email`.
fn resource_name(before: Option<&Value>, after: Option<&Value>) -> Option<String> {
    let named = |doc: &Value, field: &str| {
        doc.get(field).and_then(Value::as_str).filter(|s| !s.trim().is_empty()).map(str::to_owned)
    };
    [after, before].into_iter().flatten().find_map(|d| named(d, "name").or_else(|| named(d, "email")))
}

/// What the admin stream tells dashboards about an audit entry (no documents).
#[derive(Debug, Clone, Serialize)]
pub struct AuditNotice {
    /// Increasing id.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// The kind of resource.
    pub resource_type: String,
    /// The resource.
    pub resource_key: String,
    /// Its project.
    pub project: Option<String>,
    /// Its environment.
    pub environment: Option<String>,
}

impl Store {
    /// Audit entries with ids above `after`, oldest first, at most `limit`.
    pub async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditNotice>> {
        let rows = sqlx::query(
            "select id, at, actor, action, resource_type, resource_key, project_key, environment_key
             from audit where id > $1 order by id limit $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditNotice {
                    id: get(row, "id")?,
                    at: Timestamp(get(row, "at")?),
                    actor: get(row, "actor")?,
                    action: get(row, "action")?,
                    resource_type: get(row, "resource_type")?,
                    resource_key: get(row, "resource_key")?,
                    project: get(row, "project_key")?,
                    environment: get(row, "environment_key")?,
                })
            })
            .collect()
    }

    /// The highest audit id.
    pub async fn last_audit_id(&self) -> Result<i64> {
        let row = sqlx::query("select coalesce(max(id), 0) as id from audit").fetch_one(&self.pool).await?;
        get(&row, "id")
    }

    /// Lists audit entries, newest first.
    pub async fn list_audit(&self, f: &AuditFilter) -> Result<Page<AuditEntry>> {
        // Each filter is either applied or neutralised by its `$n is null` twin, so one
        // statement serves every combination.
        let (key_exact, key_prefix) = match &f.resource_key {
            Some(k) if k.ends_with('/') => (None, Some(format!("{}%", escape_like(k)))),
            Some(k) => (Some(k.clone()), None),
            None => (None, None),
        };
        let hidden = ADMIN_ONLY_AUDIT_TYPES.map(|t| format!("'{t}'")).join(", ");
        let rows = sqlx::query(&format!(
            "select id, at, actor, action, resource_type, resource_key, project_key, environment_key, before, after, comment
             from audit
             where ($1 is null or project_key = $1)
               and ($10 = 1 or resource_type not in ({hidden}))
               and ($2 is null or resource_type = $2)
               and ($3 is null or resource_key = $3)
               and ($4 is null or resource_key like $4 escape '\\')
               and ($5 is null or actor = $5)
               and ($6 is null or at >= $6)
               and ($7 is null or at < $7)
               and ($8 is null or id < $8)
             order by id desc
             limit $9"
        ))
        .bind(f.project.as_deref())
        .bind(f.resource_type.as_deref())
        .bind(key_exact)
        .bind(key_prefix)
        .bind(f.actor.as_deref())
        .bind(f.since.map(|t| t.0))
        .bind(f.until.map(|t| t.0))
        .bind(f.before_id)
        .bind(f.limit + 1)
        .bind(super::from_bool(f.admin_types))
        .fetch_all(&self.pool)
        .await?;
        let mut items = rows
            .iter()
            .map(|row| {
                let before = parse_json(get(row, "before")?);
                let after = parse_json(get(row, "after")?);
                Ok(AuditEntry {
                    id: get(row, "id")?,
                    at: Timestamp(get(row, "at")?),
                    actor: get(row, "actor")?,
                    action: get(row, "action")?,
                    resource_type: get(row, "resource_type")?,
                    resource_key: get(row, "resource_key")?,
                    project: get(row, "project_key")?,
                    environment: get(row, "environment_key")?,
                    resource_name: resource_name(before.as_ref(), after.as_ref()),
                    before,
                    after,
                    comment: get(row, "comment")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() as i64 > f.limit {
            items.truncate(f.limit as usize);
            items.last().map(|e| e.id.to_string())
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }
}

/// Escapes `%`, `_` and `\` for a `like ... escape '\'` pattern.
pub(super) fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
