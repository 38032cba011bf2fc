//! The change feed: one row per change an environment's SDKs must hear about, written in
//! the transaction of the change, and the environment version bump that orders them.
//! Rows are written only by the write pipeline (`pipeline::Write::record_change`); this
//! module reads them.

use super::{Result, Store, Timestamp, get};

/// What changed: the wire protocol's change kinds, stored by their event names.
pub use vexil_core::wire::ChangeKind;

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The environment.
    pub environment_id: i64,
    /// The environment version this change produced.
    pub version: i64,
    /// What changed.
    pub kind: ChangeKind,
    /// The flag or segment key.
    pub key: String,
    /// JSON of the new object; `None` for deletions.
    pub payload: Option<String>,
    /// When.
    pub at: Timestamp,
}

/// A committed environment version, as announced to listeners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// The environment.
    pub environment_id: i64,
    /// Its new version.
    pub version: i64,
}

/// The PostgreSQL channel that carries `environment_id:version` wake-ups.
pub const NOTIFY_CHANNEL: &str = "vexil_changes";

impl Store {
    /// Changes of an environment after `after_version`, oldest first, at most `limit`.
    pub async fn changes_since(
        &self,
        environment_id: i64,
        after_version: i64,
        limit: i64,
    ) -> Result<Vec<Change>> {
        let rows = sqlx::query(
            "select environment_id, version, kind, object_key, payload, created_at from change
             where environment_id = $1 and version > $2 order by version limit $3",
        )
        .bind(environment_id)
        .bind(after_version)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let kind: String = get(row, "kind")?;
                Ok(Change {
                    environment_id: get(row, "environment_id")?,
                    version: get(row, "version")?,
                    kind: ChangeKind::from_event_name(&kind)
                        .ok_or_else(|| super::Error::Internal(format!("unknown change kind {kind:?}")))?,
                    key: get(row, "object_key")?,
                    payload: get(row, "payload")?,
                    at: Timestamp(get(row, "created_at")?),
                })
            })
            .collect()
    }

    /// Every environment's id and current version.
    pub async fn environment_versions(&self) -> Result<Vec<Committed>> {
        let rows = sqlx::query("select id, snapshot_version from environment").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(Committed { environment_id: get(row, "id")?, version: get(row, "snapshot_version")? })
            })
            .collect()
    }

    /// Deletes change rows older than `before` except each environment's newest
    /// `keep` rows, which reconnecting clients may still ask for.
    pub async fn prune_changes(&self, before: Timestamp, keep: i64) -> Result<u64> {
        let done = sqlx::query(
            "delete from change where created_at < $1 and version <= (
                 select e.snapshot_version - $2 from environment e where e.id = change.environment_id)",
        )
        .bind(before.0)
        .bind(keep)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
