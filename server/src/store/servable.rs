//! The invariant every write keeps: what the project stores can be served.
//!
//! For each environment, the snapshot of its active flags and the project's segments
//! validates exactly as the compiler checks it (references, prerequisite cycles and
//! depth, size limits). Archived flags are held to the same standard against the whole
//! project (active and archived flags, every segment), so that restoring one never
//! publishes something broken: restore only has to find its prerequisites active.
//!
//! [`check`] runs inside the write's transaction, after the write, on what the database
//! now holds; a failure rolls the write back. The count limits are checked before the
//! write by [`ensure_room_for_flag`] and [`ensure_room_for_segment`], so that they
//! answer 422 naming the limit rather than a 409.

use std::collections::BTreeSet;
use std::sync::Arc;

use sqlx::{Any, Transaction};
use vexil_core::limits::{MAX_FLAGS, MAX_REGEX_BYTES_PER_ENVIRONMENT, MAX_SEGMENTS};
use vexil_core::validate::{References, validate_config, validate_snapshot};
use vexil_core::{FlagConfig, FlagKind, Problem, Segment, Snapshot, SnapshotFlag, Variant};

use super::error::Conflict;
use super::segments::Definition;
use super::{Error, Result, from_json_text, get, to_bool};

/// One flag of the project with its configuration per environment id.
struct StoredFlag {
    key: String,
    kind: FlagKind,
    salt: String,
    variants: Vec<Variant>,
    client_visible: bool,
    archived: bool,
    configs: Vec<(i64, FlagConfig)>,
}

/// Checks the servability invariant over the whole project, as the transaction sees
/// it. A violation is a 409 listing every problem by flag, segment and environment.
pub(super) async fn check(tx: &mut Transaction<'static, Any>, project_id: i64) -> Result<()> {
    let environments: Vec<(i64, String)> =
        sqlx::query("select id, key from environment where project_id = $1 order by position")
            .bind(project_id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| Ok((get(r, "id")?, get(r, "key")?)))
            .collect::<Result<_>>()?;
    let mut flags: Vec<StoredFlag> = sqlx::query(
        "select id, key, kind, salt, variants, client_visible, archived_at from flag where project_id = $1 order by key",
    )
    .bind(project_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| {
        let archived_at: Option<i64> = get(r, "archived_at")?;
        let kind: String = get(r, "kind")?;
        Ok(StoredFlag {
            key: get(r, "key")?,
            kind: serde_json::from_value(serde_json::Value::from(kind))
                .map_err(|e| Error::Internal(format!("stored flag kind: {e}")))?,
            salt: get(r, "salt")?,
            variants: from_json_text(&get::<String>(r, "variants")?, "variants")?,
            client_visible: to_bool(get(r, "client_visible")?),
            archived: archived_at.is_some(),
            configs: Vec::new(),
        })
    })
    .collect::<Result<_>>()?;
    flags.sort_by(|a, b| a.key.cmp(&b.key));
    let rows = sqlx::query(
        "select f.key, c.environment_id, c.config, c.version from flag_config c
         join flag f on f.id = c.flag_id where f.project_id = $1",
    )
    .bind(project_id)
    .fetch_all(&mut **tx)
    .await?;
    for row in &rows {
        let key: String = get(row, "key")?;
        let mut config: FlagConfig = from_json_text(&get::<String>(row, "config")?, "flag configuration")?;
        config.version = get::<i64>(row, "version")? as u64;
        if let Ok(i) = flags.binary_search_by(|f| f.key.as_str().cmp(&key)) {
            flags[i].configs.push((get(row, "environment_id")?, config));
        }
    }
    let mut segments: Vec<Segment> =
        sqlx::query("select key, name, description, definition, version from segment where project_id = $1")
            .bind(project_id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| {
                let d: Definition = from_json_text(&get::<String>(r, "definition")?, "segment")?;
                Ok(Segment {
                    key: get(r, "key")?,
                    name: get(r, "name")?,
                    description: get(r, "description")?,
                    included: d.included,
                    excluded: d.excluded,
                    rules: d.rules,
                    version: get::<i64>(r, "version")? as u64,
                })
            })
            .collect::<Result<_>>()?;
    segments.sort_by(|a, b| a.key.cmp(&b.key));

    let problems = violations(&environments, &flags, segments);
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Conflict(Conflict::Unservable { dependents: problems.into_iter().collect() }))
}

fn violations(
    environments: &[(i64, String)],
    flags: &[StoredFlag],
    segments: Vec<Segment>,
) -> BTreeSet<String> {
    let mut problems = BTreeSet::new();
    let segment_keys: Vec<String> = segments.iter().map(|s| s.key.clone()).collect();
    let mut whole_project = References::new();
    for key in &segment_keys {
        whole_project.add_segment(key);
    }
    for f in flags {
        whole_project.add_flag(&f.key, f.variants.iter().map(|v| v.key.as_str()));
    }
    let segments = segments.into_iter().map(Arc::new).collect();
    let mut snapshot = Snapshot { environment: String::new(), version: 0, flags: Vec::new(), segments };
    for (env_id, env_key) in environments {
        snapshot.environment.clone_from(env_key);
        snapshot.flags = flags
            .iter()
            .filter(|f| !f.archived)
            .filter_map(|f| {
                let config = f.configs.iter().find(|(e, _)| e == env_id)?.1.clone();
                Some(Arc::new(SnapshotFlag {
                    key: f.key.clone(),
                    kind: f.kind,
                    salt: f.salt.clone(),
                    variants: f.variants.clone(),
                    client_visible: f.client_visible,
                    config,
                }))
            })
            .collect();
        if let Err(e) = validate_snapshot(&snapshot) {
            problems.extend(e.problems.iter().map(|p| describe(&snapshot, env_key, p)));
        }
        for f in flags.iter().filter(|f| f.archived) {
            for (_, config) in f.configs.iter().filter(|(e, _)| e == env_id) {
                if let Err(e) = validate_config(&f.key, &f.variants, config, &whole_project) {
                    problems.extend(e.problems.iter().map(|p| {
                        format!("archived flag {:?} in {env_key:?}: {}: {}", f.key, p.pointer, p.message)
                    }));
                }
            }
        }
    }
    problems
}

/// Names the flag or segment a snapshot pointer (`/flags/3/config/...`) is about.
fn describe(snapshot: &Snapshot, env: &str, p: &Problem) -> String {
    let mut parts = p.pointer.trim_start_matches('/').splitn(3, '/');
    let (list, index, rest) =
        (parts.next(), parts.next().and_then(|i| i.parse::<usize>().ok()), parts.next());
    let rest = rest.map_or(String::new(), |r| format!("/{r}"));
    match (list, index) {
        (Some("flags"), Some(i)) if i < snapshot.flags.len() => {
            format!("flag {:?} in {env:?}: {rest}: {}", snapshot.flags[i].key, p.message)
        }
        (Some("segments"), Some(i)) if i < snapshot.segments.len() => {
            format!("segment {:?}: {rest}: {}", snapshot.segments[i].key, p.message)
        }
        _ => format!("{env:?}: {}: {}", p.pointer, p.message),
    }
}

/// Refuses a flag that would take the project's active flags over [`MAX_FLAGS`], the
/// most one environment's snapshot may hold (422 naming the limit).
pub(super) async fn ensure_room_for_flag(tx: &mut Transaction<'static, Any>, project_id: i64) -> Result<()> {
    // Kept by the write path (`flags::count_active`): counting the project's flags here
    // made every create cost more as the project grew.
    let row = sqlx::query("select active_flags from project where id = $1")
        .bind(project_id)
        .fetch_one(&mut **tx)
        .await?;
    let active: i64 = get(&row, "active_flags")?;
    if active as usize >= MAX_FLAGS {
        return Err(limit_reached(format!(
            "the project already has {active} active flags; each environment serves at most {MAX_FLAGS} (archive or delete flags first)"
        )));
    }
    Ok(())
}

/// Refuses a segment beyond [`MAX_SEGMENTS`] per project (422 naming the limit).
pub(super) async fn ensure_room_for_segment(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
) -> Result<()> {
    let row = sqlx::query("select count(*) as n from segment where project_id = $1")
        .bind(project_id)
        .fetch_one(&mut **tx)
        .await?;
    let count: i64 = get(&row, "n")?;
    if count as usize >= MAX_SEGMENTS {
        return Err(limit_reached(format!(
            "the project already has {count} segments; the limit is {MAX_SEGMENTS} (delete unused segments first)"
        )));
    }
    Ok(())
}

fn limit_reached(message: String) -> Error {
    Error::invalid("", message)
}

/// What a write takes out of an environment's regular-expression total.
#[derive(Debug, Clone)]
pub(super) enum Exclude {
    /// Nothing (the write only adds).
    Nothing,
    /// The configurations of this flag (by id): the write replaces them.
    Flag(i64),
    /// This segment (by key): the write replaces it.
    Segment(String),
}

/// What a write adds to each environment's regular-expression total.
#[derive(Debug, Clone, Copy)]
pub(super) enum Adding {
    /// The same number of bytes everywhere.
    Bytes(usize),
    /// This flag's stored configuration in each environment (a restore).
    FlagConfigs(i64),
}

/// Refuses (422 naming the limit) a write after which the regular expressions one
/// environment serves (its active flags' configurations and the project's segments)
/// would compile to more than [`MAX_REGEX_BYTES_PER_ENVIRONMENT`]. `environment`
/// limits the check to one environment; the stored per-document sizes make it a sum
/// over rows, never a compilation.
pub(super) async fn ensure_regex_budget(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    environment: Option<i64>,
    exclude: Exclude,
    adding: Adding,
) -> Result<()> {
    let (flag, segment) = match &exclude {
        Exclude::Nothing => (None, None),
        Exclude::Flag(id) => (Some(*id), None),
        Exclude::Segment(key) => (None, Some(key.as_str())),
    };
    let row = sqlx::query(
        "select cast(coalesce(sum(regex_bytes), 0) as bigint) as n from segment
         where project_id = $1 and ($2 is null or key <> $2)",
    )
    .bind(project_id)
    .bind(segment)
    .fetch_one(&mut **tx)
    .await?;
    let segments: i64 = get(&row, "n")?;
    let rows = sqlx::query(
        "select e.id, e.key,
                cast(coalesce(sum(case when f.archived_at is null and ($3 is null or f.id <> $3)
                                       then c.regex_bytes else 0 end), 0) as bigint) as n,
                cast(coalesce(sum(case when f.id = $4 then c.regex_bytes else 0 end), 0) as bigint) as restored
         from environment e
         left join flag_config c on c.environment_id = e.id
         left join flag f on f.id = c.flag_id
         where e.project_id = $1 and ($2 is null or e.id = $2)
         group by e.id, e.key",
    )
    .bind(project_id)
    .bind(environment)
    .bind(flag)
    .bind(match adding {
        Adding::FlagConfigs(id) => Some(id),
        Adding::Bytes(_) => None,
    })
    .fetch_all(&mut **tx)
    .await?;
    for row in &rows {
        let flags: i64 = get(row, "n")?;
        let added = match adding {
            Adding::Bytes(n) => n as i64,
            Adding::FlagConfigs(_) => get::<i64>(row, "restored")?,
        };
        let total = flags + segments + added;
        if total as usize > MAX_REGEX_BYTES_PER_ENVIRONMENT {
            let env: String = get(row, "key")?;
            return Err(limit_reached(format!(
                "the regular expressions environment {env:?} serves would compile to {} MiB; the limit is {} MiB per environment (MAX_REGEX_BYTES_PER_ENVIRONMENT): use fewer or simpler patterns",
                total >> 20,
                MAX_REGEX_BYTES_PER_ENVIRONMENT >> 20
            )));
        }
    }
    Ok(())
}

impl super::Store {
    /// Computes the regular-expression sizes of configurations and segments stored
    /// before they were recorded (rows with none), so that budget checks count them.
    /// Idempotent; run at start.
    pub async fn backfill_regex_bytes(&self) -> Result<()> {
        let configs =
            sqlx::query("select flag_id, environment_id, config from flag_config where regex_bytes is null")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        get::<i64>(r, "flag_id")?,
                        get::<i64>(r, "environment_id")?,
                        get::<String>(r, "config")?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
        let segments = sqlx::query("select id, definition from segment where regex_bytes is null")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((get::<i64>(r, "id")?, get::<String>(r, "definition")?)))
            .collect::<Result<Vec<_>>>()?;
        if configs.is_empty() && segments.is_empty() {
            return Ok(());
        }
        let (configs, segments) = tokio::task::spawn_blocking(move || {
            let configs: Vec<(i64, i64, i64)> = configs
                .into_iter()
                .map(|(f, e, text)| {
                    let bytes = serde_json::from_str::<FlagConfig>(&text)
                        .map_or(0, |c| vexil_core::validate::regex_bytes_of_config(&c));
                    (f, e, bytes as i64)
                })
                .collect();
            let segments: Vec<(i64, i64)> = segments
                .into_iter()
                .map(|(id, text)| {
                    let bytes = serde_json::from_str::<Definition>(&text).map_or(0, |d| {
                        vexil_core::validate::regex_bytes_of_segment(&Segment {
                            key: String::new(),
                            name: String::new(),
                            description: String::new(),
                            included: Vec::new(),
                            excluded: Vec::new(),
                            rules: d.rules,
                            version: 0,
                        })
                    });
                    (id, bytes as i64)
                })
                .collect();
            (configs, segments)
        })
        .await
        .map_err(|e| Error::Internal(format!("backfill task: {e}")))?;
        let mut tx = self.begin().await?;
        for (flag, env, bytes) in &configs {
            sqlx::query("update flag_config set regex_bytes = $1 where flag_id = $2 and environment_id = $3")
                .bind(bytes)
                .bind(flag)
                .bind(env)
                .execute(&mut **tx)
                .await?;
        }
        for (id, bytes) in &segments {
            sqlx::query("update segment set regex_bytes = $1 where id = $2")
                .bind(bytes)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(
            configurations = configs.len(),
            segments = segments.len(),
            "recorded the compiled size of stored regular expressions"
        );
        Ok(())
    }
}
