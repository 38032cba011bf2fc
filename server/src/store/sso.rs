//! Single sign-on's records: logins in flight (each `state` consumed once), one-time
//! hand-offs of a finished login to the dashboard, and the provider identities of users.

use super::audit::Record;
use super::users::{COLUMNS, from_row, insert_user};
use super::{Actor, Result, Store, Timestamp, get, json_text};
use crate::store::{NewUser, User};

/// A login sent to the provider, as stored until the browser comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoLogin {
    /// The `state` parameter.
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// Where the dashboard goes afterwards.
    pub next_path: String,
    /// When it stops being accepted.
    pub expires_at: Timestamp,
}

impl Store {
    /// Records a login in flight (and forgets expired ones).
    pub async fn insert_sso_login(&self, login: &SsoLogin) -> Result<()> {
        let now = Timestamp::now().0;
        let mut tx = self.begin().await?;
        sqlx::query("delete from sso_login where expires_at < $1").bind(now).execute(&mut **tx).await?;
        sqlx::query(
            "insert into sso_login (state, nonce, pkce_verifier, next_path, created_at, expires_at)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&login.state)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.next_path)
        .bind(now)
        .bind(login.expires_at.0)
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Consumes the login in flight with this `state`: it is returned once, if it has not
    /// expired, and never again.
    pub async fn take_sso_login(&self, state: &str) -> Result<Option<SsoLogin>> {
        let row = sqlx::query(
            "delete from sso_login where state = $1
             returning state, nonce, pkce_verifier, next_path, expires_at",
        )
        .bind(state)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let login = SsoLogin {
            state: get(&row, "state")?,
            nonce: get(&row, "nonce")?,
            pkce_verifier: get(&row, "pkce_verifier")?,
            next_path: get(&row, "next_path")?,
            expires_at: Timestamp(get(&row, "expires_at")?),
        };
        Ok((login.expires_at > Timestamp::now()).then_some(login))
    }

    /// Records a finished login for the dashboard to collect with the code whose hash
    /// is `code_hash`.
    pub async fn insert_sso_handoff(
        &self,
        code_hash: &str,
        user_id: &str,
        expires_at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("delete from sso_handoff where expires_at < $1")
            .bind(Timestamp::now().0)
            .execute(&mut **tx)
            .await?;
        sqlx::query("insert into sso_handoff (code_hash, user_id, expires_at) values ($1, $2, $3)")
            .bind(code_hash)
            .bind(user_id)
            .bind(expires_at.0)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Consumes a hand-off: the user id once, if it has not expired.
    pub async fn take_sso_handoff(&self, code_hash: &str) -> Result<Option<String>> {
        let row = sqlx::query("delete from sso_handoff where code_hash = $1 returning user_id, expires_at")
            .bind(code_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_at: i64 = get(&row, "expires_at")?;
        if expires_at <= Timestamp::now().0 {
            return Ok(None);
        }
        Ok(Some(get(&row, "user_id")?))
    }

    /// Forgets logins and hand-offs that expired before `before`.
    pub async fn prune_sso(&self, before: Timestamp) -> Result<u64> {
        let a = sqlx::query("delete from sso_login where expires_at < $1")
            .bind(before.0)
            .execute(&self.pool)
            .await?;
        let b = sqlx::query("delete from sso_handoff where expires_at < $1")
            .bind(before.0)
            .execute(&self.pool)
            .await?;
        Ok(a.rows_affected() + b.rows_affected())
    }

    /// The user linked to a provider identity.
    pub async fn user_by_identity(&self, issuer: &str, subject: &str) -> Result<Option<User>> {
        let columns = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let row = sqlx::query(&format!(
            "select {columns} from user_identity i join app_user u on u.id = i.user_id
             where i.issuer = $1 and i.subject = $2"
        ))
        .bind(issuer)
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Creates a user who signed in through the provider (no password: one never
    /// verifies) and links the identity, audited as `user.create`.
    pub async fn create_sso_user(
        &self,
        actor: &Actor,
        new: NewUser,
        issuer: &str,
        subject: &str,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        // No password: one never verifies.
        let new = NewUser { password_hash: String::new(), ..new };
        let user = insert_user(&mut tx, actor, &new).await?;
        insert_identity(&mut tx, issuer, subject, &user.id, Timestamp::now().0).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Links an existing user to a provider identity, audited as `user.sso_link`.
    pub async fn link_identity(&self, actor: &Actor, user: &User, issuer: &str, subject: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        insert_identity(&mut tx, issuer, subject, &user.id, Timestamp::now().0).await?;
        tx.audit(Record {
            actor,
            action: "user.sso_link",
            resource_type: "user",
            resource_key: user.email.clone(),
            project: None,
            environment: None,
            before: None,
            after: Some(json_text(&serde_json::json!({ "email": user.email, "issuer": issuer }))?),
        })
        .await?;
        tx.commit().await
    }
}

async fn insert_identity(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    issuer: &str,
    subject: &str,
    user_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("insert into user_identity (issuer, subject, user_id, created_at) values ($1, $2, $3, $4)")
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
