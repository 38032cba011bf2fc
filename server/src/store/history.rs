//! The history epoch: a random name for this database's history of changes. SSE event
//! ids and ETags carry it next to the environment version (`<epoch>-<version>`), so that
//! a client holding a version from another history — a database restored from a backup,
//! then changed again, reuses version numbers — is sent a snapshot instead of the
//! changes "since" a version that meant something else.
//!
//! A new epoch is drawn when `vexil migrate --new-history` asks for one, and when the
//! server (or `vexil migrate`) finds that the database is not the copy it was last time:
//! the fingerprint of the database copy (see [`Store::detect_restore`]) differs from the
//! one recorded with the epoch.

use super::audit::Record;
use super::{Actor, Backend, Result, Store, get};

/// Setting holding the epoch.
const EPOCH: &str = "history_epoch";
/// Setting holding the fingerprint of the database copy the epoch was recorded in.
const FINGERPRINT: &str = "history_fingerprint";

fn new_epoch() -> String {
    // 48 random bits in hex: no '-', so `<epoch>-<version>` splits unambiguously.
    crate::secret::generate("").secret[..12].to_owned()
}

impl Store {
    /// The current history epoch, created on first use.
    pub async fn history_epoch(&self) -> Result<String> {
        self.setting_or_insert(EPOCH, new_epoch).await
    }

    /// Starts a new history, audited as `history.renew` with `why`: every client resuming
    /// from a position of the old one gets a fresh snapshot.
    pub async fn renew_history(&self, actor: &Actor, why: &str) -> Result<String> {
        let mut tx = self.begin().await?;
        let epoch = self.renew_in(&mut tx, actor, why).await?;
        tx.commit().await?;
        Ok(epoch)
    }

    async fn renew_in(&self, tx: &mut super::pipeline::Write, actor: &Actor, why: &str) -> Result<String> {
        let epoch = new_epoch();
        let before = sqlx::query("select value from setting where key = $1")
            .bind(EPOCH)
            .fetch_optional(&mut ***tx)
            .await?
            .map(|r| get::<String>(&r, "value"))
            .transpose()?;
        sqlx::query(
            "insert into setting (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value",
        )
        .bind(EPOCH)
        .bind(&epoch)
        .execute(&mut ***tx)
        .await?;
        tx.audit(Record {
            actor,
            action: "history.renew",
            resource_type: "history",
            resource_key: epoch.clone(),
            project: None,
            environment: None,
            before: before.map(|e| serde_json::json!({ "epoch": e }).to_string()),
            after: Some(serde_json::json!({ "epoch": epoch, "why": why }).to_string()),
        })
        .await?;
        Ok(epoch)
    }

    /// What identifies this copy of the database, as text. PostgreSQL: the database's
    /// and the change table's object ids (new for a database restored from a dump, or
    /// cloned) and the WAL timeline (new after a point-in-time recovery or a promoted
    /// standby) when the role may read it. SQLite: the file's device and inode (new when
    /// the file is replaced by another, e.g. a backup moved into place; a backup copied
    /// over the existing file in place keeps them: run `vexil migrate --new-history`
    /// then).
    async fn database_fingerprint(&self) -> Result<String> {
        match self.backend {
            Backend::Postgres => {
                let row = sqlx::query(
                    "select cast((select oid from pg_database where datname = current_database()) as bigint) as db,
                            cast(cast(to_regclass('change') as oid) as bigint) as tbl",
                )
                .fetch_one(&self.pool)
                .await?;
                let (db, table): (i64, i64) = (get(&row, "db")?, get(&row, "tbl")?);
                // Reading the control data may need a privileged role: without it, the
                // object ids alone decide.
                let timeline =
                    sqlx::query("select cast(timeline_id as bigint) as tl from pg_control_checkpoint()")
                        .fetch_one(&self.pool)
                        .await
                        .ok()
                        .and_then(|r| get::<i64>(&r, "tl").ok())
                        .map_or_else(|| "?".to_owned(), |t| t.to_string());
                Ok(format!("postgres:{db}:{table}:{timeline}"))
            }
            Backend::Sqlite => Ok(match &self.sqlite_file {
                Some(path) => sqlite_file_identity(path),
                None => "sqlite:memory".to_owned(),
            }),
        }
    }

    /// Renews the history if this database is not the copy the epoch was recorded in (a
    /// restored backup, a clone), and records the copy's fingerprint. The first call on a
    /// database only records it. Returns whether the history was renewed. Safe when
    /// several replicas start at once: one of them renews.
    pub async fn detect_restore(&self) -> Result<bool> {
        let fingerprint = self.database_fingerprint().await?;
        let mut tx = self.begin().await?;
        let lock = if self.backend == Backend::Postgres { " for update" } else { "" };
        let recorded = sqlx::query(&format!("select value from setting where key = $1{lock}"))
            .bind(FINGERPRINT)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| get::<String>(&r, "value"))
            .transpose()?;
        let renewed = match recorded {
            Some(r) if r == fingerprint => return Ok(false),
            Some(r) => {
                let why =
                    format!("the database is another copy than before ({r} → {fingerprint}): restored?");
                self.renew_in(&mut tx, &Actor::system(), &why).await?;
                true
            }
            None => false,
        };
        sqlx::query(
            "insert into setting (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value",
        )
        .bind(FINGERPRINT)
        .bind(&fingerprint)
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(renewed)
    }
}

#[cfg(unix)]
fn sqlite_file_identity(path: &std::path::Path) -> String {
    use std::os::unix::fs::MetadataExt as _;
    match std::fs::metadata(path) {
        Ok(m) => format!("sqlite:{}:{}", m.dev(), m.ino()),
        Err(_) => "sqlite:?".to_owned(),
    }
}

#[cfg(not(unix))]
fn sqlite_file_identity(_: &std::path::Path) -> String {
    "sqlite:?".to_owned()
}
