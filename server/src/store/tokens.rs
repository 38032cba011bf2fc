//! API tokens for automation: a role and an optional project scope.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use super::audit::Record;
use super::error::Missing;
use super::error::{Constraint, UniqueIs};
use super::{Actor, Error, Result, Store, Timestamp, get, json_text};
use crate::role::Role;

/// An API token's metadata (the secret is never stored).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Random id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    /// The role it was given.
    pub role: Role,
    /// What it may do now: its role, lowered to its creator's current role (computed
    /// when it is read, so a demotion takes effect at once).
    pub effective_role: Role,
    /// The only project it may touch, if scoped.
    #[schema(required = true)]
    pub project: Option<String>,
    /// Who created it, as the audit log names them.
    pub created_by: String,
    /// The user it acts for: who created it, or who created the token that created it.
    /// `None` for tokens made before this was recorded whose creator could not be
    /// worked out; those keep their own role.
    #[schema(required = true)]
    pub created_by_user_id: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// After this it stops working.
    #[schema(required = true)]
    pub expires_at: Option<Timestamp>,
    /// Last use (updated at most once a minute).
    #[schema(required = true)]
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked.
    #[schema(required = true)]
    pub revoked_at: Option<Timestamp>,
}

/// Body of a token creation.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewApiToken {
    /// What it is for.
    #[schema(max_length = 256, pattern = r"\S")]
    pub name: String,
    /// Its role (at most the creator's).
    pub role: Role,
    /// Restrict it to one project.
    #[serde(default)]
    pub project: Option<String>,
    /// Expiry time (RFC 3339).
    #[serde(default)]
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

/// What to store for a new token; the hash and prefix come from the generated secret.
#[derive(Debug, Clone, Copy)]
pub struct ApiTokenSpec<'a> {
    /// What it is for.
    pub name: &'a str,
    /// Its role.
    pub role: Role,
    /// The project it is scoped to.
    pub project: Option<&'a str>,
    /// Expiry.
    pub expires_at: Option<Timestamp>,
    /// The user it acts for ([`ApiToken::created_by_user_id`]).
    pub created_by_user_id: Option<&'a str>,
    /// Hex SHA-256 of the secret.
    pub secret_hash: &'a str,
    /// The displayable start of the secret.
    pub prefix: &'a str,
}

/// A live token found by its secret.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    /// The token.
    pub token: ApiToken,
}

const COLUMNS: &str = "t.id, t.name, t.prefix, t.role, p.key as project_key, t.created_by, \
                       t.created_by_user_id, u.role as creator_role, t.created_at, t.expires_at, t.last_used_at, \
                       t.revoked_at";

/// Tokens with their project and the user they act for.
const FROM: &str = "api_token t left join project p on p.id = t.project_id \
                    left join app_user u on u.id = t.created_by_user_id";

/// The condition for a token that works: not revoked, not expired, and acting for an
/// enabled user (or for no recorded user). `$2` is now.
const LIVE: &str = "t.revoked_at is null and (t.expires_at is null or t.expires_at > $2) \
                    and (t.created_by_user_id is null or u.disabled = 0)";

fn parse_role(role: &str) -> Result<Role> {
    Role::parse(role).ok_or_else(|| Error::Internal(format!("stored role {role:?}")))
}

fn from_row(row: &AnyRow) -> Result<ApiToken> {
    let role = parse_role(&get::<String>(row, "role")?)?;
    let creator_role = get::<Option<String>>(row, "creator_role")?.map(|r| parse_role(&r)).transpose()?;
    Ok(ApiToken {
        id: get(row, "id")?,
        name: get(row, "name")?,
        prefix: get(row, "prefix")?,
        role,
        effective_role: creator_role.map_or(role, |c| c.min(role)),
        project: get(row, "project_key")?,
        created_by: get(row, "created_by")?,
        created_by_user_id: get(row, "created_by_user_id")?,
        created_at: Timestamp(get(row, "created_at")?),
        expires_at: get::<Option<i64>>(row, "expires_at")?.map(Timestamp),
        last_used_at: get::<Option<i64>>(row, "last_used_at")?.map(Timestamp),
        revoked_at: get::<Option<i64>>(row, "revoked_at")?.map(Timestamp),
    })
}

impl Store {
    /// Stores a new token.
    pub async fn create_api_token(&self, actor: &Actor, spec: &ApiTokenSpec<'_>) -> Result<ApiToken> {
        let ApiTokenSpec { name, role, project, expires_at, created_by_user_id, secret_hash, prefix } = *spec;
        let mut tx = self.begin().await?;
        let project_id: Option<i64> = match project {
            Some(p) => Some(super::lock_project(&mut tx, p).await?),
            None => None,
        };
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "insert into api_token (id, name, prefix, secret_hash, role, project_id, created_by, created_at, expires_at, created_by_user_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(name)
        .bind(prefix)
        .bind(secret_hash)
        .bind(role.as_str())
        .bind(project_id)
        .bind(&actor.0)
        .bind(Timestamp::now().0)
        .bind(expires_at.map(|t| t.0))
        .bind(created_by_user_id)
        .execute(&mut **tx)
        .await.unique_is(Constraint::ApiTokenSecret)?;
        let row = sqlx::query(&format!("select {COLUMNS} from {FROM} where t.id = $1"))
            .bind(&id)
            .fetch_one(&mut **tx)
            .await?;
        let token = from_row(&row)?;
        tx.audit(Record {
            actor,
            action: "api_token.create",
            resource_type: "api_token",
            resource_key: token.id.clone(),
            project,
            environment: None,
            before: None,
            after: Some(json_text(&token)?),
        })
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Every token, newest first.
    pub async fn list_api_tokens(&self) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(&format!("select {COLUMNS} from {FROM} order by t.created_at desc"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Revokes a token; it stops working at once.
    pub async fn revoke_api_token(&self, actor: &Actor, id: &str) -> Result<ApiToken> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("update api_token set revoked_at = $1 where id = $2 and revoked_at is null")
            .bind(Timestamp::now().0)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let row = sqlx::query(&format!("select {COLUMNS} from {FROM} where t.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::ApiToken(id.to_owned())))?;
        let token = from_row(&row)?;
        if done.rows_affected() > 0 {
            tx.audit(Record {
                actor,
                action: "api_token.revoke",
                resource_type: "api_token",
                resource_key: token.id.clone(),
                project: token.project.as_deref(),
                environment: None,
                before: None,
                after: Some(json_text(&token)?),
            })
            .await?;
        }
        tx.commit().await?;
        Ok(token)
    }

    /// The token with this id if it works now (see [`ApiToken::effective_role`]).
    pub async fn live_api_token(&self, id: &str) -> Result<Option<ApiToken>> {
        let row = sqlx::query(&format!("select {COLUMNS} from {FROM} where t.id = $1 and {LIVE}"))
            .bind(id)
            .bind(Timestamp::now().0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The live token with this secret hash.
    pub async fn api_token_by_hash(&self, secret_hash: &str) -> Result<Option<TokenOwner>> {
        let row = sqlx::query(&format!("select {COLUMNS} from {FROM} where t.secret_hash = $1 and {LIVE}"))
            .bind(secret_hash)
            .bind(Timestamp::now().0)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let token = from_row(&row)?;
        let now = Timestamp::now();
        if token.last_used_at.is_none_or(|t| now.0 - t.0 > 60_000) {
            sqlx::query("update api_token set last_used_at = $1 where id = $2")
                .bind(now.0)
                .bind(&token.id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(TokenOwner { token }))
    }
}

/// Revokes every live token that acts for `user_id` (the user is deleted or disabled),
/// each with its audit entry.
pub(super) async fn revoke_tokens_of_user(
    tx: &mut super::pipeline::Write,
    actor: &Actor,
    user_id: &str,
    now: i64,
) -> Result<()> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from {FROM} where t.created_by_user_id = $1 and t.revoked_at is null"
    ))
    .bind(user_id)
    .fetch_all(&mut ***tx)
    .await?;
    for row in &rows {
        let mut token = from_row(row)?;
        sqlx::query("update api_token set revoked_at = $1 where id = $2")
            .bind(now)
            .bind(&token.id)
            .execute(&mut ***tx)
            .await?;
        token.revoked_at = Some(Timestamp(now));
        tx.audit(Record {
            actor,
            action: "api_token.revoke",
            resource_type: "api_token",
            resource_key: token.id.clone(),
            project: token.project.as_deref(),
            environment: None,
            before: None,
            after: Some(json_text(&token)?),
        })
        .await?;
    }
    Ok(())
}
