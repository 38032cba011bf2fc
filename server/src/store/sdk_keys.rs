//! SDK keys: per-environment secrets for SDKs. Server keys read the whole configuration
//! and stream; client keys only evaluate, and are safe to ship to browsers.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use super::audit::Record;
use super::environments;
use super::error::Missing;
use super::error::{Constraint, UniqueIs};
use super::{Actor, Error, Result, Store, Timestamp, get, json_text};

/// The two kinds of SDK key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SdkKeyKind {
    /// Full configuration and stream; for back ends.
    Server,
    /// Evaluation of client-visible flags only; for browsers and apps.
    Client,
}

impl SdkKeyKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SdkKeyKind::Server => "server",
            SdkKeyKind::Client => "client",
        }
    }
}

/// An SDK key's metadata (the secret is never stored).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SdkKey {
    /// Random id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// Server or client.
    pub kind: SdkKeyKind,
    /// The first characters of the secret.
    pub prefix: String,
    /// The project.
    pub project: String,
    /// The environment.
    pub environment: String,
    /// Who created it.
    pub created_by: String,
    /// Creation time.
    pub created_at: Timestamp,
    /// After this it stops working.
    #[schema(required = true)]
    pub expires_at: Option<Timestamp>,
    /// When it was revoked.
    #[schema(required = true)]
    pub revoked_at: Option<Timestamp>,
}

/// Body of an SDK key creation.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewSdkKey {
    /// Server or client.
    pub kind: SdkKeyKind,
    /// What it is for.
    #[serde(default)]
    pub name: Option<String>,
    /// Expiry time (RFC 3339), e.g. for the old key during a rotation.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

/// What to store for a new key; the hash and prefix come from the generated secret.
#[derive(Debug, Clone, Copy)]
pub struct SdkKeySpec<'a> {
    /// Server or client.
    pub kind: SdkKeyKind,
    /// What it is for.
    pub name: &'a str,
    /// Expiry.
    pub expires_at: Option<Timestamp>,
    /// Hex SHA-256 of the secret.
    pub secret_hash: &'a str,
    /// The displayable start of the secret.
    pub prefix: &'a str,
}

/// What a live SDK key grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkKeyOwner {
    /// The key's id.
    pub key_id: String,
    /// Server or client.
    pub kind: SdkKeyKind,
    /// The environment it belongs to.
    pub environment_id: i64,
    /// The project key.
    pub project: String,
    /// The environment key.
    pub environment: String,
    /// Expiry, if any.
    pub expires_at: Option<Timestamp>,
}

const COLUMNS: &str = "k.id, k.name, k.kind, k.prefix, p.key as project_key, e.key as env_key, k.created_by, \
                       k.created_at, k.expires_at, k.revoked_at, k.environment_id";
const JOINS: &str =
    "sdk_key k join environment e on e.id = k.environment_id join project p on p.id = e.project_id";

fn parse_kind(s: &str) -> Result<SdkKeyKind> {
    match s {
        "server" => Ok(SdkKeyKind::Server),
        "client" => Ok(SdkKeyKind::Client),
        _ => Err(Error::Internal(format!("stored SDK key kind {s:?}"))),
    }
}

fn from_row(row: &AnyRow) -> Result<SdkKey> {
    Ok(SdkKey {
        id: get(row, "id")?,
        name: get(row, "name")?,
        kind: parse_kind(&get::<String>(row, "kind")?)?,
        prefix: get(row, "prefix")?,
        project: get(row, "project_key")?,
        environment: get(row, "env_key")?,
        created_by: get(row, "created_by")?,
        created_at: Timestamp(get(row, "created_at")?),
        expires_at: get::<Option<i64>>(row, "expires_at")?.map(Timestamp),
        revoked_at: get::<Option<i64>>(row, "revoked_at")?.map(Timestamp),
    })
}

impl Store {
    /// Stores a new SDK key for an environment.
    pub async fn create_sdk_key(
        &self,
        actor: &Actor,
        project: &str,
        env: &str,
        spec: &SdkKeySpec<'_>,
    ) -> Result<SdkKey> {
        let SdkKeySpec { kind, name, expires_at, secret_hash, prefix } = *spec;
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let environment = environments::fetch(&mut tx, project_id, env).await?;
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "insert into sdk_key (id, environment_id, kind, name, prefix, secret_hash, created_by, created_at, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(environment.id)
        .bind(kind.as_str())
        .bind(name)
        .bind(prefix)
        .bind(secret_hash)
        .bind(&actor.0)
        .bind(Timestamp::now().0)
        .bind(expires_at.map(|t| t.0))
        .execute(&mut **tx)
        .await.unique_is(Constraint::SdkKeySecret)?;
        let row = sqlx::query(&format!("select {COLUMNS} from {JOINS} where k.id = $1"))
            .bind(&id)
            .fetch_one(&mut **tx)
            .await?;
        let key = from_row(&row)?;
        tx.audit(Record {
            actor,
            action: "sdk_key.create",
            resource_type: "sdk_key",
            resource_key: format!("{project}/{env}/{id}"),
            project: Some(project),
            environment: Some(env),
            before: None,
            after: Some(json_text(&key)?),
        })
        .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// The SDK keys of an environment, newest first.
    pub async fn list_sdk_keys(&self, project: &str, env: &str) -> Result<Vec<SdkKey>> {
        self.get_environment(project, env).await?;
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from {JOINS} where p.key = $1 and e.key = $2 order by k.created_at desc"
        ))
        .bind(project)
        .bind(env)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Revokes an SDK key; it stops working at once.
    pub async fn revoke_sdk_key(&self, actor: &Actor, project: &str, env: &str, id: &str) -> Result<SdkKey> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(&format!(
            "select {COLUMNS} from {JOINS} where p.key = $1 and e.key = $2 and k.id = $3"
        ))
        .bind(project)
        .bind(env)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::NotFound(Missing::SdkKey(id.to_owned())))?;
        let before = from_row(&row)?;
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        let now = Timestamp::now();
        sqlx::query("update sdk_key set revoked_at = $1 where id = $2")
            .bind(now.0)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let after = SdkKey { revoked_at: Some(now), ..before.clone() };
        tx.audit(Record {
            actor,
            action: "sdk_key.revoke",
            resource_type: "sdk_key",
            resource_key: format!("{project}/{env}/{id}"),
            project: Some(project),
            environment: Some(env),
            before: Some(json_text(&before)?),
            after: Some(json_text(&after)?),
        })
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The live (not revoked, not expired) SDK key with this secret hash.
    pub async fn sdk_key_by_hash(&self, secret_hash: &str) -> Result<Option<SdkKeyOwner>> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from {JOINS}
             where k.secret_hash = $1 and k.revoked_at is null and (k.expires_at is null or k.expires_at > $2)"
        ))
        .bind(secret_hash)
        .bind(Timestamp::now().0)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let key = from_row(&row)?;
        Ok(Some(SdkKeyOwner {
            key_id: key.id,
            kind: key.kind,
            environment_id: get(&row, "environment_id")?,
            project: key.project,
            environment: key.environment,
            expires_at: key.expires_at,
        }))
    }

    /// Whether the key with this id is live (not revoked, not expired).
    pub async fn sdk_key_live(&self, id: &str) -> Result<bool> {
        let row = sqlx::query(
            "select count(*) as n from sdk_key where id = $1 and revoked_at is null and (expires_at is null or expires_at > $2)",
        )
        .bind(id)
        .bind(Timestamp::now().0)
        .fetch_one(&self.pool)
        .await?;
        Ok(get::<i64>(&row, "n")? > 0)
    }

    /// Ids of SDK keys revoked or expired since `since` (for closing open streams).
    pub async fn sdk_keys_ended_since(&self, since: Timestamp) -> Result<Vec<String>> {
        let now = Timestamp::now().0;
        let rows = sqlx::query(
            "select id from sdk_key where (revoked_at is not null and revoked_at >= $1)
                 or (expires_at is not null and expires_at >= $1 and expires_at <= $2)",
        )
        .bind(since.0)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| get(r, "id")).collect()
    }
}
