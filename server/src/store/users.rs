//! Dashboard users and their login sessions.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use super::audit::Record;
use super::error::{Conflict, Missing};
use super::error::{Constraint, UniqueIs};
use super::{Actor, Backend, Error, Result, Store, Timestamp, from_bool, get, json_text, to_bool};
use crate::role::Role;
use crate::secret;

/// A user (never with the password hash in JSON).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    /// Random id.
    pub id: String,
    /// Login name.
    pub email: String,
    /// Display name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// Disabled users cannot log in.
    pub disabled: bool,
    /// ETag.
    pub version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// The argon2 PHC string.
    #[serde(skip)]
    pub password_hash: String,
}

/// A user to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The argon2 PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserPatch {
    /// New display name.
    pub name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New password hash.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Disable or enable.
    pub disabled: Option<bool>,
}

fn is_owner(user: &User) -> bool {
    user.role == Role::Owner && !user.disabled
}

pub(super) const COLUMNS: &str =
    "id, email, name, role, disabled, version, created_at, updated_at, password_hash";

pub(super) fn from_row(row: &AnyRow) -> Result<User> {
    let role: String = get(row, "role")?;
    Ok(User {
        id: get(row, "id")?,
        email: get(row, "email")?,
        name: get(row, "name")?,
        role: Role::parse(&role).ok_or_else(|| Error::Internal(format!("stored role {role:?}")))?,
        disabled: to_bool(get(row, "disabled")?),
        version: get(row, "version")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
        password_hash: get(row, "password_hash")?,
    })
}

impl Store {
    /// Number of users.
    pub async fn count_users(&self) -> Result<i64> {
        let row = sqlx::query("select count(*) as n from app_user").fetch_one(&self.pool).await?;
        get(&row, "n")
    }

    /// All users, by email.
    pub async fn list_users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!("select {COLUMNS} from app_user order by email"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// A user by id.
    pub async fn get_user(&self, id: &str) -> Result<User> {
        let row = sqlx::query(&format!("select {COLUMNS} from app_user where id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::User(id.to_owned())))?;
        from_row(&row)
    }

    /// A user by email (case-insensitive).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("select {COLUMNS} from app_user where email = $1"))
            .bind(email.to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Creates a user.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        let mut tx = self.begin().await?;
        let user = insert_user(&mut tx, actor, &new).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Updates a user; a new password or disabling revokes the user's sessions, and
    /// disabling revokes the API tokens that act for the user. `check` sees the user as
    /// locked for the write (after the version check) and may refuse the change, e.g.
    /// when the caller may not manage that user. The last enabled owner can be neither
    /// demoted nor disabled.
    pub async fn update_user<E: From<Error>>(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: Option<i64>,
        patch: UserPatch,
        check: impl FnOnce(&User) -> std::result::Result<(), E>,
    ) -> std::result::Result<User, E> {
        let mut tx = self.begin().await?;
        let (before, owners) = self.lock_user(&mut tx, id).await?;
        super::check_version(expected_version, before.version)?;
        check(&before)?;
        let role = patch.role.unwrap_or(before.role);
        let disabled = patch.disabled.unwrap_or(before.disabled);
        let stays_owner = role == Role::Owner && !disabled;
        if is_owner(&before) && !stays_owner && owners.iter().all(|o| o == id) {
            return Err(Error::Conflict(Conflict::LastOwnerDemoted).into());
        }
        let revoke_sessions = patch.password_hash.is_some() || patch.disabled == Some(true);
        let now = Timestamp::now().0;
        let row = sqlx::query(&format!(
            "update app_user set name = $1, role = $2, password_hash = $3, disabled = $4, version = version + 1, updated_at = $5
             where id = $6 returning {COLUMNS}"
        ))
        .bind(patch.name.unwrap_or_else(|| before.name.clone()))
        .bind(role.as_str())
        .bind(patch.password_hash.unwrap_or_else(|| before.password_hash.clone()))
        .bind(from_bool(disabled))
        .bind(now)
        .bind(id)
        .fetch_one(&mut **tx)
        .await
        .map_err(Error::from)?;
        let after = from_row(&row)?;
        if revoke_sessions {
            sqlx::query("update session set revoked_at = $1 where user_id = $2 and revoked_at is null")
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(Error::from)?;
        }
        if disabled && !before.disabled {
            super::tokens::revoke_tokens_of_user(&mut tx, actor, id, now).await?;
        }
        tx.audit(Record {
            actor,
            action: "user.update",
            resource_type: "user",
            resource_key: after.email.clone(),
            project: None,
            environment: None,
            before: Some(json_text(&before)?),
            after: Some(json_text(&after)?),
        })
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a user (and, through the foreign key, their sessions) and revokes the API
    /// tokens that act for them. `check` is as for [`Store::update_user`]; the last
    /// enabled owner cannot be deleted.
    pub async fn delete_user<E: From<Error>>(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: Option<i64>,
        check: impl FnOnce(&User) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut tx = self.begin().await?;
        let (before, owners) = self.lock_user(&mut tx, id).await?;
        super::check_version(expected_version, before.version)?;
        check(&before)?;
        if is_owner(&before) && owners.iter().all(|o| o == id) {
            return Err(Error::Conflict(Conflict::LastOwnerDeleted).into());
        }
        super::tokens::revoke_tokens_of_user(&mut tx, actor, id, Timestamp::now().0).await?;
        sqlx::query("delete from app_user where id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(Error::from)?;
        tx.audit(Record {
            actor,
            action: "user.delete",
            resource_type: "user",
            resource_key: before.email.clone(),
            project: None,
            environment: None,
            before: Some(json_text(&before)?),
            after: None,
        })
        .await?;
        Ok(tx.commit().await?)
    }

    /// Locks what a write to user `id` reads, and returns the user and the ids of the
    /// enabled owners. On PostgreSQL the owners' rows are locked first, in id order, and
    /// then the user's, so that two writes checking the last-owner rule wait for each
    /// other (and never in a cycle); on SQLite the write transaction already excludes
    /// every other writer.
    async fn lock_user(&self, tx: &mut Transaction<'static, Any>, id: &str) -> Result<(User, Vec<String>)> {
        let lock = if self.backend == Backend::Postgres { " for update" } else { "" };
        let owners = sqlx::query(&format!(
            "select id from app_user where role = 'owner' and disabled = 0 order by id{lock}"
        ))
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|row| get::<String>(row, "id"))
        .collect::<Result<Vec<_>>>()?;
        let row = sqlx::query(&format!("select {COLUMNS} from app_user where id = $1{lock}"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::User(id.to_owned())))?;
        Ok((from_row(&row)?, owners))
    }

    /// Changes a user's email (first-run set-up).
    pub async fn change_email(&self, id: &str, email: &str) -> Result<User> {
        let row = sqlx::query(&format!(
            "update app_user set email = $1, version = version + 1, updated_at = $2 where id = $3 returning {COLUMNS}"
        ))
        .bind(email.to_lowercase())
        .bind(Timestamp::now().0)
        .bind(id)
        .fetch_optional(&self.pool)
        .await.unique_is(Constraint::UserEmail)?
        .ok_or_else(|| Error::NotFound(Missing::User(id.to_owned())))?;
        from_row(&row)
    }

    /// Records a new login session. Only a hash of the session id is stored, so that a
    /// copy of the database cannot be turned into a working login token.
    pub async fn create_session(&self, id: &str, user_id: &str, expires_at: Timestamp) -> Result<()> {
        sqlx::query("insert into session (id, user_id, created_at, expires_at) values ($1, $2, $3, $4)")
            .bind(secret::hash(id))
            .bind(user_id)
            .bind(Timestamp::now().0)
            .bind(expires_at.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The user behind a live (not revoked, not expired) session.
    pub async fn session_user(&self, session_id: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "select {} from session s join app_user u on u.id = s.user_id
             where s.id = $1 and s.revoked_at is null and s.expires_at > $2 and u.disabled = 0",
            COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        ))
        .bind(secret::hash(session_id))
        .bind(Timestamp::now().0)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Revokes one session (logout).
    pub async fn revoke_session(&self, session_id: &str) -> Result<()> {
        sqlx::query("update session set revoked_at = $1 where id = $2 and revoked_at is null")
            .bind(Timestamp::now().0)
            .bind(secret::hash(session_id))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets sessions that expired before `before`.
    pub async fn prune_sessions(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("delete from session where expires_at < $1")
            .bind(before.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Sets a user's password hash from the command line (`vexil users reset-password`),
    /// ending their sessions, and audits it as `user.password_reset`.
    pub async fn reset_password(&self, actor: &Actor, email: &str, password_hash: String) -> Result<User> {
        let mut tx = self.begin().await?;
        let lock = if self.backend == Backend::Postgres { " for update" } else { "" };
        let row = sqlx::query(&format!("select {COLUMNS} from app_user where email = $1{lock}"))
            .bind(email.to_lowercase())
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::User(email.to_owned())))?;
        let before = from_row(&row)?;
        let now = Timestamp::now().0;
        let row = sqlx::query(&format!(
            "update app_user set password_hash = $1, version = version + 1, updated_at = $2 where id = $3 returning {COLUMNS}"
        ))
        .bind(password_hash)
        .bind(now)
        .bind(&before.id)
        .fetch_one(&mut **tx)
        .await?;
        let after = from_row(&row)?;
        sqlx::query("update session set revoked_at = $1 where user_id = $2 and revoked_at is null")
            .bind(now)
            .bind(&before.id)
            .execute(&mut **tx)
            .await?;
        tx.audit(Record {
            actor,
            action: "user.password_reset",
            resource_type: "user",
            resource_key: after.email.clone(),
            project: None,
            environment: None,
            before: Some(json_text(&before)?),
            after: Some(json_text(&after)?),
        })
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// Inserts a user and its `user.create` audit entry, in the caller's transaction.
pub(super) async fn insert_user(
    tx: &mut super::pipeline::Write,
    actor: &Actor,
    new: &NewUser,
) -> Result<User> {
    let now = Timestamp::now().0;
    let id = uuid::Uuid::new_v4().to_string();
    let row = sqlx::query(&format!(
        "insert into app_user (id, email, name, password_hash, role, disabled, version, created_at, updated_at)
         values ($1, $2, $3, $4, $5, 0, 1, $6, $6) returning {COLUMNS}"
    ))
    .bind(&id)
    .bind(new.email.to_lowercase())
    .bind(&new.name)
    .bind(&new.password_hash)
    .bind(new.role.as_str())
    .bind(now)
    .fetch_one(&mut ***tx)
    .await.unique_is(Constraint::UserEmail)?;
    let user = from_row(&row)?;
    tx.audit(Record {
        actor,
        action: "user.create",
        resource_type: "user",
        resource_key: user.email.clone(),
        project: None,
        environment: None,
        before: None,
        after: Some(json_text(&user)?),
    })
    .await?;
    Ok(user)
}
