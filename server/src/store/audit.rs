//! The audit log: who changed what, when, with the document before and after.

use super::filter::Where;
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

    /// Deletes audit entries older than `before`, in batches so that writers are not held
    /// up for long, and returns how many went.
    pub async fn prune_audit(&self, before: Timestamp) -> Result<u64> {
        const BATCH: i64 = 10_000;
        let mut total = 0;
        loop {
            let done = sqlx::query(
                "delete from audit where id in (select id from audit where at < $1 order by at limit $2)",
            )
            .bind(before.0)
            .bind(BATCH)
            .execute(&self.pool)
            .await?;
            total += done.rows_affected();
            if done.rows_affected() < BATCH as u64 {
                return Ok(total);
            }
        }
    }

    /// The highest audit id.
    pub async fn last_audit_id(&self) -> Result<i64> {
        let row = sqlx::query("select coalesce(max(id), 0) as id from audit").fetch_one(&self.pool).await?;
        get(&row, "id")
    }

    /// Lists audit entries, newest first.
    pub async fn list_audit(&self, f: &AuditFilter) -> Result<Page<AuditEntry>> {
        // Only the filters given become conditions, so that the planner can walk the
        // index that serves them newest first (decision 0035).
        let mut w = Where::new();
        if let Some(p) = &f.project {
            let n = w.text(p.as_str());
            w.and(format!("project_key = {n}"));
        }
        if !f.admin_types {
            let hidden = ADMIN_ONLY_AUDIT_TYPES.map(|t| format!("'{t}'")).join(", ");
            w.and(format!("resource_type not in ({hidden})"));
        }
        if let Some(t) = &f.resource_type {
            let n = w.text(t.as_str());
            w.and(format!("resource_type = {n}"));
        }
        // Resource keys compare byte-wise, so that a prefix is an index range whatever the
        // database's collation (`audit_by_resource_key`).
        let key_col = match self.backend {
            super::Backend::Postgres => "resource_key collate \"C\"",
            super::Backend::Sqlite => "resource_key",
        };
        match &f.resource_key {
            Some(k) if k.ends_with('/') => {
                // `a/b/` .. `a/b0` (`0` follows `/`), then the exact prefix match.
                let lo = w.text(k.as_str());
                let hi = w.text(format!("{}0", &k[..k.len() - 1]));
                let like = w.text(format!("{}%", escape_like(k)));
                w.and(format!(
                    "{key_col} >= {lo} and {key_col} < {hi} and resource_key like {like} escape '\\'"
                ));
            }
            Some(k) => {
                let n = w.text(k.as_str());
                w.and(format!("{key_col} = {n}"));
            }
            None => {}
        }
        if let Some(a) = &f.actor {
            let n = w.text(a.as_str());
            w.and(format!("actor = {n}"));
        }
        if let Some(t) = f.since {
            let n = w.int(t.0);
            w.and(format!("at >= {n}"));
        }
        if let Some(t) = f.until {
            let n = w.int(t.0);
            w.and(format!("at < {n}"));
        }
        if let Some(id) = f.before_id {
            let n = w.int(id);
            w.and(format!("id < {n}"));
        }
        let limit = w.int(f.limit + 1);
        let sql = format!(
            "select id, at, actor, action, resource_type, resource_key, project_key, environment_key, before, after, comment
             from audit {} order by id desc limit {limit}",
            w.sql()
        );
        let rows = w.bind(&sql)?.fetch_all(&self.pool).await?;
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
