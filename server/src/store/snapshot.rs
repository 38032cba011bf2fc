//! Reading an environment's whole snapshot, as SDKs receive it.

use std::sync::Arc;

use vexil_core::{FlagConfig, Segment, Snapshot, SnapshotFlag};

use super::error::Missing;
use super::segments::Definition;
use super::{Backend, Error, Result, Store, from_json_text, get, to_bool};

impl Store {
    /// The snapshot of one environment: its version and every active flag and segment,
    /// read in one transaction so that the version matches the content.
    pub async fn environment_snapshot(&self, environment_id: i64) -> Result<Snapshot> {
        let mut tx = self.begin_read().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("set transaction isolation level repeatable read").execute(&mut *tx).await?;
        }
        let env = sqlx::query("select key, project_id, snapshot_version from environment where id = $1")
            .bind(environment_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::EnvironmentId(environment_id)))?;
        let project_id: i64 = get(&env, "project_id")?;
        let flags = sqlx::query(
            "select f.key, f.kind, f.variants, f.salt, f.client_visible, c.config, c.version
             from flag f join flag_config c on c.flag_id = f.id
             where c.environment_id = $1 and f.archived_at is null order by f.key",
        )
        .bind(environment_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut snapshot = Snapshot {
            environment: get(&env, "key")?,
            version: get::<i64>(&env, "snapshot_version")? as u64,
            flags: Vec::with_capacity(flags.len()),
            segments: Vec::new(),
        };
        for row in &flags {
            let mut config: FlagConfig =
                from_json_text(&get::<String>(row, "config")?, "flag configuration")?;
            config.version = get::<i64>(row, "version")? as u64;
            let kind: String = get(row, "kind")?;
            snapshot.flags.push(Arc::new(SnapshotFlag {
                key: get(row, "key")?,
                kind: serde_json::from_value(serde_json::Value::from(kind))
                    .map_err(|e| Error::Internal(format!("stored flag kind: {e}")))?,
                salt: get(row, "salt")?,
                variants: from_json_text(&get::<String>(row, "variants")?, "variants")?,
                client_visible: to_bool(get(row, "client_visible")?),
                config,
            }));
        }
        let rows = sqlx::query(
            "select key, name, description, definition, version from segment where project_id = $1 order by key",
        )
        .bind(project_id)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let d: Definition = from_json_text(&get::<String>(row, "definition")?, "segment")?;
            snapshot.segments.push(Arc::new(Segment {
                key: get(row, "key")?,
                name: get(row, "name")?,
                description: get(row, "description")?,
                included: d.included,
                excluded: d.excluded,
                rules: d.rules,
                version: get::<i64>(row, "version")? as u64,
            }));
        }
        tx.commit().await?;
        // Byte order, whatever the database collation: hubs keep the lists sorted the
        // same way when they apply changes.
        snapshot.flags.sort_by(|a, b| a.key.cmp(&b.key));
        snapshot.segments.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(snapshot)
    }
}
