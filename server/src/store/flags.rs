//! Flags (definitions shared by a project's environments) and their per-environment
//! configurations: the rows, their SQL and the reads. SQL only: the writes' sequences
//! are in [`super::flag_writes`], the rules they decide with in [`super::flag_rules`].

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use vexil_core::validate::References;
use vexil_core::{Flag, FlagConfig, FlagKind, Lifecycle, Variant};

use super::audit::escape_like;
use super::error::Missing;
use super::error::{Constraint, UniqueIs};
use super::filter::Where;
use super::flag_metadata::FlagMetadata;
use super::flag_rules::default_config;
use super::{
    Backend, Error, Page, Result, Store, Timestamp, from_bool, from_json_text, get, json_text, to_bool,
};

/// A flag as the API shows it: its definition plus its state in every environment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlagRecord {
    /// Internal id.
    #[serde(skip)]
    pub id: i64,
    /// The definition.
    #[serde(flatten)]
    pub flag: Flag,
    /// Bumped on each change of the definition (ETag).
    pub version: i64,
    /// Whether the flag is archived (left out of every snapshot).
    pub archived: bool,
    /// When it was archived.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub archived_at: Option<Timestamp>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change of the definition or of its configuration in any environment.
    pub updated_at: Timestamp,
    /// On/off and configuration version per environment key.
    pub environments: BTreeMap<String, FlagState>,
    /// Last time an SDK reported evaluating it, in any environment.
    #[schema(required = true)]
    pub last_evaluated_at: Option<Timestamp>,
    /// Not evaluated for longer than the configured stale period (or never, since
    /// being created longer ago than that).
    pub stale: bool,
    /// Owner, links and custom properties.
    #[serde(flatten)]
    pub metadata: FlagMetadata,
}

/// A flag's state in one environment, for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlagState {
    /// Whether the flag is on there.
    pub enabled: bool,
    /// The configuration's version there.
    pub version: i64,
}

/// Listing filters.
#[derive(Debug, Clone, Default)]
pub struct FlagFilter {
    /// Case-insensitive substring of the key, name, a tag, the owner, a link or a
    /// custom property (name or value).
    pub q: Option<String>,
    /// Only flags with this tag.
    pub tag: Option<String>,
    /// Only flags with this owner (exact, case-insensitive).
    pub owner: Option<String>,
    /// Only temporary or only permanent flags.
    pub lifecycle: Option<Lifecycle>,
    /// Only flags on (`true`) or off (`false`) in this environment (by key).
    pub enabled_in: Option<(String, bool)>,
    /// Only stale (`true`) or only fresh (`false`) flags, as [`FlagRecord::stale`] says.
    pub stale: Option<bool>,
    /// The order of the list.
    pub sort: FlagSort,
    /// With [`FlagSort::LastEvaluated`]: flags after this (last evaluated in ms, 0 for
    /// never; key), from a previous page's cursor.
    pub after_evaluated: Option<(i64, String)>,
    /// Archived flags instead of active ones.
    pub archived: bool,
    /// Page size.
    pub limit: i64,
    /// Flags with keys after this one (from a previous page).
    pub after_key: Option<String>,
    /// Whose states [`FlagRecord::environments`] holds: these environment keys, or
    /// `None` for every environment of the project. A project with many environments
    /// otherwise answers flags × environments states per page.
    pub environments: Option<Vec<String>>,
}

/// How the flags list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagSort {
    /// By key (the default).
    #[default]
    Key,
    /// Least recently evaluated first (never evaluated before all), then by key: the
    /// order of a clean-up.
    LastEvaluated,
}

/// A flag's configuration in one environment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlagConfigRecord {
    /// The flag key.
    pub flag: String,
    /// The environment key.
    pub environment: String,
    /// The configuration; its `version` is the ETag.
    #[serde(flatten)]
    pub config: FlagConfig,
    /// Last change.
    pub updated_at: Timestamp,
}

/// The config as stored: without its version, which has its own column.
pub(super) fn config_text(config: &FlagConfig) -> Result<String> {
    let mut value = serde_json::to_value(config).map_err(|e| Error::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.remove("version");
    }
    json_text(&value)
}

/// Rows per multi-row `insert`: 7 values each, well under either database's limit on
/// bound values.
const ROWS_PER_INSERT: usize = 500;

/// Inserts the configurations of many flags in one new environment, a few hundred rows
/// per statement (a project with 50,000 flags gets its new environment in a hundred round
/// trips, not 50,000).
pub(super) async fn insert_configs_of_environment(
    tx: &mut Transaction<'static, Any>,
    environment_id: i64,
    configs: &[(i64, FlagConfig)],
) -> Result<()> {
    let now = Timestamp::now().0;
    for chunk in configs.chunks(ROWS_PER_INSERT) {
        let rows = chunk
            .iter()
            .map(|(flag_id, config)| {
                let bytes = vexil_core::validate::regex_bytes_of_config(config) as i64;
                Ok((*flag_id, config_text(config)?, from_bool(config.enabled), bytes))
            })
            .collect::<Result<Vec<_>>>()?;
        // Numbered placeholders, which both databases read (sqlx's query builder writes
        // `?` for the Any driver, which PostgreSQL does not).
        let mut w = Where::new();
        let values: Vec<String> = rows
            .into_iter()
            .map(|(flag_id, text, enabled, bytes)| {
                let v = [
                    w.int(flag_id),
                    w.int(environment_id),
                    w.text(text),
                    w.int(enabled),
                    w.int(1),
                    w.int(now),
                    w.int(bytes),
                ];
                format!("({})", v.join(", "))
            })
            .collect();
        let sql = format!(
            "insert into flag_config (flag_id, environment_id, config, enabled, version, updated_at, regex_bytes)
             values {}",
            values.join(", ")
        );
        w.bind(&sql)?.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Inserts a flag's configuration in every environment of the project, in one statement.
pub(super) async fn insert_config_everywhere(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    flag_id: i64,
    config: &FlagConfig,
) -> Result<()> {
    sqlx::query(
        "insert into flag_config (flag_id, environment_id, config, enabled, version, updated_at, regex_bytes)
         select $1, id, $2, $3, 1, $4, $5 from environment where project_id = $6",
    )
    .bind(flag_id)
    .bind(config_text(config)?)
    .bind(from_bool(config.enabled))
    .bind(Timestamp::now().0)
    .bind(vexil_core::validate::regex_bytes_of_config(config) as i64)
    .bind(project_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) const COLUMNS: &str = "f.id, f.key, f.name, f.description, f.kind, f.variants, f.lifecycle, f.salt, \
                       f.client_visible, f.archived_at, f.version, f.created_at, f.updated_at, \
                       f.owner, f.links, f.properties";

pub(super) fn kind_text(kind: FlagKind) -> &'static str {
    kind.as_str()
}

pub(super) fn parse_kind(s: &str) -> Result<FlagKind> {
    serde_json::from_value(Value::from(s)).map_err(|_| Error::Internal(format!("stored flag kind {s:?}")))
}

pub(super) fn lifecycle_text(l: Lifecycle) -> &'static str {
    match l {
        Lifecycle::Temporary => "temporary",
        Lifecycle::Permanent => "permanent",
    }
}

pub(super) fn parse_lifecycle(s: &str) -> Lifecycle {
    if s == "permanent" { Lifecycle::Permanent } else { Lifecycle::Temporary }
}

/// Inserts a flag's definition and metadata (without tags: [`write_tags`]) and returns
/// its id.
pub(super) async fn insert_flag(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    flag: &Flag,
    metadata: &FlagMetadata,
) -> Result<i64> {
    let row = sqlx::query(
        "insert into flag (project_id, key, name, description, kind, variants, lifecycle, salt, client_visible, version, created_at, updated_at,
                           owner, links, properties)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10, $11, $12, $13) returning id",
    )
    .bind(project_id)
    .bind(&flag.key)
    .bind(&flag.name)
    .bind(&flag.description)
    .bind(kind_text(flag.kind))
    .bind(json_text(&flag.variants)?)
    .bind(lifecycle_text(flag.lifecycle))
    .bind(&flag.salt)
    .bind(from_bool(flag.client_visible))
    .bind(Timestamp::now().0)
    .bind(&metadata.owner)
    .bind(json_text(&metadata.links)?)
    .bind(json_text(&metadata.properties)?)
    .fetch_one(&mut **tx)
    .await.unique_is(Constraint::FlagKey)?;
    count_active(tx, project_id, 1).await?;
    get(&row, "id")
}

/// Adds `delta` to the project's count of active flags (`project.active_flags`, what the
/// flag limit is checked against). Only [`insert_flag`], [`set_archived`] and
/// [`delete_flag_row`] change which flags are active, and each calls this.
async fn count_active(tx: &mut Transaction<'static, Any>, project_id: i64, delta: i64) -> Result<()> {
    sqlx::query("update project set active_flags = active_flags + $1 where id = $2")
        .bind(delta)
        .bind(project_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The project and whether the flag is active (not archived), for [`count_active`].
async fn activity_of(tx: &mut Transaction<'static, Any>, id: i64) -> Result<Option<(i64, bool)>> {
    let row = sqlx::query("select project_id, archived_at from flag where id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| Ok((get(&r, "project_id")?, get::<Option<i64>>(&r, "archived_at")?.is_none()))).transpose()
}

/// Writes a flag's editable definition fields (not tags) and metadata, bumping its
/// version; returns the new row (read it with [`from_row`]).
pub(super) async fn update_definition(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    flag: &Flag,
    metadata: &FlagMetadata,
) -> Result<AnyRow> {
    Ok(sqlx::query(&format!(
        "update flag set name = $1, description = $2, variants = $3, lifecycle = $4, client_visible = $5,
             version = version + 1, updated_at = $6, owner = $8, links = $9, properties = $10
         where id = $7 returning {}",
        COLUMNS.replace("f.", "")
    ))
    .bind(&flag.name)
    .bind(&flag.description)
    .bind(json_text(&flag.variants)?)
    .bind(lifecycle_text(flag.lifecycle))
    .bind(from_bool(flag.client_visible))
    .bind(Timestamp::now().0)
    .bind(id)
    .bind(&metadata.owner)
    .bind(json_text(&metadata.links)?)
    .bind(json_text(&metadata.properties)?)
    .fetch_one(&mut **tx)
    .await?)
}

/// Archives (now) or restores a flag, bumping its version.
pub(super) async fn set_archived(tx: &mut Transaction<'static, Any>, id: i64, archived: bool) -> Result<()> {
    if let Some((project_id, active)) = activity_of(tx, id).await? {
        if active == archived {
            count_active(tx, project_id, if archived { -1 } else { 1 }).await?;
        }
    }
    let now = Timestamp::now().0;
    sqlx::query("update flag set archived_at = $1, version = version + 1, updated_at = $2 where id = $3")
        .bind(archived.then_some(now))
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes a flag (its configurations and tags go with it).
pub(super) async fn delete_flag_row(tx: &mut Transaction<'static, Any>, id: i64) -> Result<()> {
    if let Some((project_id, true)) = activity_of(tx, id).await? {
        count_active(tx, project_id, -1).await?;
    }
    sqlx::query("delete from flag where id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Deletes the usage kept under a flag's key in a project's environments, so that a new
/// flag with the same key starts without history.
pub(super) async fn delete_usage_of(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    key: &str,
) -> Result<()> {
    for table in [
        "flag_last_seen",
        "flag_application",
        "usage_minute",
        "usage_hour",
        "metric_minute",
        "metric_sketch_minute",
    ] {
        sqlx::query(&format!(
            "delete from {table} where flag_key = $1 and environment_id in (select id from environment where project_id = $2)"
        ))
        .bind(key)
        .bind(project_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A flag's configuration in one environment, as a record named by their keys.
pub(super) async fn fetch_config(
    tx: &mut Transaction<'static, Any>,
    flag_id: i64,
    environment_id: i64,
    flag: &str,
    env: &str,
) -> Result<FlagConfigRecord> {
    let row = sqlx::query(
        "select config, version, updated_at from flag_config where flag_id = $1 and environment_id = $2",
    )
    .bind(flag_id)
    .bind(environment_id)
    .fetch_one(&mut **tx)
    .await?;
    config_record(&row, flag, env)
}

/// Replaces a configuration, bumping its version; returns the new version.
pub(super) async fn update_config(
    tx: &mut Transaction<'static, Any>,
    flag_id: i64,
    environment_id: i64,
    config: &FlagConfig,
    regex_bytes: usize,
    now: Timestamp,
) -> Result<u64> {
    let row = sqlx::query(
        "update flag_config set config = $1, enabled = $2, version = version + 1, updated_at = $3, regex_bytes = $6
         where flag_id = $4 and environment_id = $5 returning version",
    )
    .bind(config_text(config)?)
    .bind(from_bool(config.enabled))
    .bind(now.0)
    .bind(flag_id)
    .bind(environment_id)
    .bind(regex_bytes as i64)
    .fetch_one(&mut **tx)
    .await?;
    Ok(get::<i64>(&row, "version")? as u64)
}

/// Reads a flag row; tags and states are filled in by the caller.
pub(super) fn from_row(row: &AnyRow) -> Result<FlagRecord> {
    let archived_at: Option<i64> = get(row, "archived_at")?;
    Ok(FlagRecord {
        id: get(row, "id")?,
        flag: Flag {
            key: get(row, "key")?,
            name: get(row, "name")?,
            description: get(row, "description")?,
            kind: parse_kind(&get::<String>(row, "kind")?)?,
            variants: from_json_text(&get::<String>(row, "variants")?, "variants")?,
            tags: Vec::new(),
            lifecycle: parse_lifecycle(&get::<String>(row, "lifecycle")?),
            salt: get(row, "salt")?,
            client_visible: to_bool(get(row, "client_visible")?),
        },
        version: get(row, "version")?,
        archived: archived_at.is_some(),
        archived_at: archived_at.map(Timestamp),
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
        environments: BTreeMap::new(),
        last_evaluated_at: None,
        stale: false,
        metadata: FlagMetadata {
            owner: get(row, "owner")?,
            links: from_json_text(&get::<String>(row, "links")?, "flag links")?,
            properties: from_json_text(&get::<String>(row, "properties")?, "flag properties")?,
        },
    })
}

fn id_list(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// Fills tags, environment states and staleness of flags, in place.
pub(super) async fn complete(
    conn: &mut sqlx::AnyConnection,
    flags: &mut [FlagRecord],
    stale_after_ms: i64,
) -> Result<()> {
    complete_in(conn, flags, stale_after_ms, None).await
}

/// [`complete`], with the states of only the environments `only` holds the ids of
/// (`None`: all).
async fn complete_in(
    conn: &mut sqlx::AnyConnection,
    flags: &mut [FlagRecord],
    stale_after_ms: i64,
    only: Option<&[i64]>,
) -> Result<()> {
    if flags.is_empty() {
        return Ok(());
    }
    let ids = id_list(flags.iter().map(|f| f.id));
    let index: HashMap<i64, usize> = flags.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
    let tags =
        sqlx::query(&format!("select flag_id, tag from flag_tag where flag_id in ({ids}) order by tag"))
            .fetch_all(&mut *conn)
            .await?;
    for row in &tags {
        if let Some(&i) = index.get(&get::<i64>(row, "flag_id")?) {
            flags[i].flag.tags.push(get(row, "tag")?);
        }
    }
    // By environment id, so that a page naming a few environments reads those rows
    // through the `(flag_id, environment_id)` key, not every configuration of its flags.
    let in_environments = match only {
        None => String::new(),
        Some([]) => " and false".to_owned(),
        Some(envs) => format!(" and c.environment_id in ({})", id_list(envs.iter().copied())),
    };
    let states = sqlx::query(&format!(
        "select c.flag_id, e.key, c.enabled, c.version from flag_config c
         join environment e on e.id = c.environment_id where c.flag_id in ({ids}){in_environments}"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for row in &states {
        if let Some(&i) = index.get(&get::<i64>(row, "flag_id")?) {
            flags[i].environments.insert(
                get(row, "key")?,
                FlagState { enabled: to_bool(get(row, "enabled")?), version: get(row, "version")? },
            );
        }
    }
    // A configuration save is a change of the flag for whoever lists flags, in whichever
    // environment, listed or not: one seek per flag into `flag_config_saved` (migration
    // 0018), not every configuration of the flag.
    let saved = sqlx::query(&format!(
        "select f.id as flag_id, (select max(c.updated_at) from flag_config c where c.flag_id = f.id) as at
         from flag f where f.id in ({ids})"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for row in &saved {
        let Some(at) = get::<Option<i64>>(row, "at")? else { continue };
        if let Some(&i) = index.get(&get::<i64>(row, "flag_id")?) {
            let config_updated = Timestamp(at);
            if config_updated > flags[i].updated_at {
                flags[i].updated_at = config_updated;
            }
        }
    }
    // From the flag's own rows in `flag_last_seen_by_key` (migration 0018), not a probe
    // per environment of the project.
    let seen = sqlx::query(&format!(
        "select f.id, max(s.at) as at from flag f
         join flag_last_seen s on s.flag_key = f.key
         join environment e on e.id = s.environment_id and e.project_id = f.project_id
         where f.id in ({ids}) group by f.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for row in &seen {
        if let Some(&i) = index.get(&get::<i64>(row, "id")?) {
            flags[i].last_evaluated_at = Some(Timestamp(get(row, "at")?));
        }
    }
    let now = Timestamp::now().0;
    for f in flags.iter_mut() {
        let since = f.last_evaluated_at.unwrap_or(f.created_at).0;
        f.stale = now - since > stale_after_ms;
    }
    Ok(())
}

pub(super) async fn fetch(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    key: &str,
    stale_after_ms: i64,
) -> Result<FlagRecord> {
    let row = sqlx::query(&format!("select {COLUMNS} from flag f where f.project_id = $1 and f.key = $2"))
        .bind(project_id)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::NotFound(Missing::Flag(key.to_owned())))?;
    let mut flag = from_row(&row)?;
    complete(tx, std::slice::from_mut(&mut flag), stale_after_ms).await?;
    Ok(flag)
}

pub(super) async fn write_tags(
    tx: &mut Transaction<'static, Any>,
    flag_id: i64,
    tags: &[String],
) -> Result<()> {
    sqlx::query("delete from flag_tag where flag_id = $1").bind(flag_id).execute(&mut **tx).await?;
    for tag in tags {
        sqlx::query("insert into flag_tag (flag_id, tag) values ($1, $2)")
            .bind(flag_id)
            .bind(tag)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// One configuration of an active flag in the project, for dependency checks.
pub(super) struct ConfigOf {
    pub flag: String,
    pub environment: String,
    pub environment_id: i64,
    pub config: FlagConfig,
    /// Whether the flag is archived (read only where the caller asks for archived flags).
    pub archived: bool,
}

impl ConfigOf {
    /// `flag "x" in "env"`, saying when the flag is archived.
    pub(super) fn describe(&self) -> String {
        let archived = if self.archived { " (archived)" } else { "" };
        format!("flag {:?}{archived} in {:?}", self.flag, self.environment)
    }
}

/// Every configuration of one flag (by id), archived or not.
pub(super) async fn configs_of(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    flag_id: i64,
) -> Result<Vec<ConfigOf>> {
    configs_where(tx, project_id, Scope::Flag(flag_id), true).await
}

/// The configurations that may name `key` (a flag as a prerequisite, or a segment in
/// a rule): those whose stored text contains it as a JSON string, a superset that the
/// caller narrows by looking inside. Archived flags' with `archived_too`: what must
/// stay valid for an archived flag to be restorable. What a removal or a variant change
/// has to check, read without reading the whole project.
pub(super) async fn configs_naming(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    key: &str,
    archived_too: bool,
) -> Result<Vec<ConfigOf>> {
    configs_where(tx, project_id, Scope::Naming(key), archived_too).await
}

/// The configurations of active flags in one environment that decide whether `flag`,
/// given `config`, closes a prerequisite cycle or makes a chain too deep: every flag its
/// prerequisites reach (read by key, a level at a time) and every flag that reaches it
/// (read through the `flag_prerequisite` rows that triggers keep, migration 0019, a
/// level at a time). The environment's graph was acyclic and shallow enough before the
/// write, and only `flag`'s edges change, so a new cycle or an over-long chain passes
/// through `flag`, and every node of it is in these two sets. What such a write reads grows with the chain, not with
/// the environment. `flag`'s own stored configuration is not among them.
pub(super) async fn prerequisite_neighbourhood(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    environment_id: i64,
    flag: &str,
    config: &FlagConfig,
) -> Result<Vec<ConfigOf>> {
    let mut found = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::from([flag.to_owned()]);
    // Down: what the prerequisites reach.
    let mut frontier: Vec<String> =
        config.prerequisites.iter().map(|p| p.flag.clone()).filter(|k| seen.insert(k.clone())).collect();
    while !frontier.is_empty() {
        let keys: Vec<&str> = frontier.iter().map(String::as_str).collect();
        let mut next = Vec::new();
        for chunk in keys.chunks(KEYS_PER_QUERY) {
            for c in configs_where(tx, project_id, Scope::Keys(environment_id, chunk), false).await? {
                next.extend(
                    c.config.prerequisites.iter().map(|p| p.flag.clone()).filter(|k| seen.insert(k.clone())),
                );
                found.push(c);
            }
        }
        frontier = next;
    }
    // Up: what reaches `flag`, through the edge index. A flag found going down may be
    // found again here (a cycle through `flag`); it is kept once.
    let mut frontier = vec![flag.to_owned()];
    let mut up: std::collections::HashSet<String> = std::collections::HashSet::from([flag.to_owned()]);
    while let Some(key) = frontier.pop() {
        for c in configs_where(tx, project_id, Scope::Requiring(environment_id, &key), false).await? {
            if !up.insert(c.flag.clone()) {
                continue;
            }
            frontier.push(c.flag.clone());
            if seen.insert(c.flag.clone()) {
                found.push(c);
            }
        }
    }
    Ok(found)
}

/// Which of `keys` name archived flags of the project.
pub(super) async fn archived_among(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    keys: &[&str],
) -> Result<std::collections::BTreeSet<String>> {
    rows_with_keys(tx, "select key from flag", project_id, Some("archived_at is not null"), keys)
        .await?
        .iter()
        .map(|r| get(r, "key"))
        .collect()
}

/// The rows `select` (a statement over one table of projects' objects, without its
/// `where`) reads of the project's objects whose key is one of `keys` and that meet
/// `condition`, a few hundred keys per statement.
async fn rows_with_keys(
    conn: &mut sqlx::AnyConnection,
    select: &str,
    project_id: i64,
    condition: Option<&str>,
    keys: &[&str],
) -> Result<Vec<AnyRow>> {
    let mut rows = Vec::new();
    for chunk in keys.chunks(KEYS_PER_QUERY) {
        let mut w = Where::new();
        let n = w.int(project_id);
        w.and(format!("project_id = {n}"));
        if let Some(c) = condition {
            w.and(c);
        }
        let keys = w.texts_in("key", chunk);
        w.and(keys);
        let sql = format!("{select} {}", w.sql());
        rows.extend(w.bind(&sql)?.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

/// Which configurations of a project [`configs_where`] reads.
enum Scope<'a> {
    Flag(i64),
    /// Those whose text names the key.
    Naming(&'a str),
    /// Those in one environment that require the flag with this key (by the edges).
    Requiring(i64, &'a str),
    /// Those of the flags with these keys (at most [`KEYS_PER_QUERY`]) in one environment.
    Keys(i64, &'a [&'a str]),
}

async fn configs_where(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    scope: Scope<'_>,
    archived_too: bool,
) -> Result<Vec<ConfigOf>> {
    let mut w = Where::new();
    let n = w.int(project_id);
    w.and(format!("f.project_id = {n}"));
    if !archived_too {
        w.and("f.archived_at is null");
    }
    match scope {
        Scope::Flag(id) => {
            let n = w.int(id);
            w.and(format!("c.flag_id = {n}"));
        }
        Scope::Naming(key) => {
            // As serde writes the key inside the stored JSON.
            let quoted = serde_json::to_string(key).map_err(|e| Error::Internal(e.to_string()))?;
            let n = w.text(format!("%{}%", escape_like(&quoted)));
            w.and(format!("c.config like {n} escape '\\'"));
        }
        Scope::Requiring(id, key) => {
            let n = w.int(id);
            w.and(format!("c.environment_id = {n}"));
            let k = w.text(key);
            w.and(format!(
                "c.flag_id in (select p.flag_id from flag_prerequisite p where p.environment_id = {n} and p.prerequisite = {k})"
            ));
        }
        Scope::Keys(id, keys) => {
            let n = w.int(id);
            w.and(format!("c.environment_id = {n}"));
            let keys = w.texts_in("f.key", keys);
            w.and(keys);
        }
    }
    let sql = format!(
        "select f.key as flag_key, e.key as env_key, e.id as env_id, c.config, c.version, f.archived_at
         from flag_config c
         join flag f on f.id = c.flag_id join environment e on e.id = c.environment_id {}",
        w.sql()
    );
    let rows = w.bind(&sql)?.fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|row| {
            let mut config: FlagConfig =
                from_json_text(&get::<String>(row, "config")?, "flag configuration")?;
            config.version = get::<i64>(row, "version")? as u64;
            Ok(ConfigOf {
                flag: get(row, "flag_key")?,
                environment: get(row, "env_key")?,
                environment_id: get(row, "env_id")?,
                config,
                archived: get::<Option<i64>>(row, "archived_at")?.is_some(),
            })
        })
        .collect()
}

/// The segments and active flags (with their variant keys) that some configurations
/// name: what validating them against the project needs. Only those rows are read, so
/// a write's validation costs what it refers to, not the project's size.
pub(super) struct ProjectRefs {
    segments: Vec<String>,
    flags: Vec<(String, Vec<String>)>,
}

/// Keys per `in (...)` list: well under either database's limit on bound values.
const KEYS_PER_QUERY: usize = 500;

impl ProjectRefs {
    /// Reads the segments and the flags that `configs` name (`in_segment` operands,
    /// prerequisites) and that exist in the project: active flags, and archived ones too
    /// with `archived_too` (an archived flag's configurations are held to the whole
    /// project, so that restoring it together with its prerequisites works). A name that
    /// is not found is left out, so validation reports it as unknown.
    pub(super) async fn for_configs<'c>(
        tx: &mut Transaction<'static, Any>,
        project_id: i64,
        configs: impl IntoIterator<Item = &'c FlagConfig>,
        archived_too: bool,
    ) -> Result<ProjectRefs> {
        let mut segment_keys = std::collections::BTreeSet::new();
        let mut flag_keys = std::collections::BTreeSet::new();
        for c in configs {
            segment_keys.extend(c.segments_used());
            flag_keys.extend(c.prerequisite_flags());
        }
        let segment_keys: Vec<&str> = segment_keys.into_iter().collect();
        let segments = rows_with_keys(tx, "select key from segment", project_id, None, &segment_keys)
            .await?
            .iter()
            .map(|r| get(r, "key"))
            .collect::<Result<_>>()?;
        let flag_keys: Vec<&str> = flag_keys.into_iter().collect();
        let active = (!archived_too).then_some("archived_at is null");
        let flags = rows_with_keys(tx, "select key, variants from flag", project_id, active, &flag_keys)
            .await?
            .iter()
            .map(|r| {
                let variants: Vec<Variant> = from_json_text(&get::<String>(r, "variants")?, "variants")?;
                Ok((get(r, "key")?, variants.into_iter().map(|v| v.key).collect()))
            })
            .collect::<Result<_>>()?;
        Ok(ProjectRefs { segments, flags })
    }

    /// Replaces (or adds) one flag's variant keys, as a pending change would.
    pub(super) fn with_flag(mut self, key: &str, variants: &[Variant]) -> ProjectRefs {
        self.flags.retain(|(k, _)| k != key);
        self.flags.push((key.to_owned(), variants.iter().map(|v| v.key.clone()).collect()));
        self
    }

    pub(super) fn references(&self) -> References<'_> {
        let mut refs = References::new();
        for s in &self.segments {
            refs.add_segment(s);
        }
        for (k, vs) in &self.flags {
            refs.add_flag(k, vs.iter().map(String::as_str));
        }
        refs
    }
}

impl Store {
    /// Lists a project's flags by key.
    pub async fn list_flags(&self, project: &str, f: &FlagFilter) -> Result<Page<FlagRecord>> {
        let project_row = sqlx::query("select id from project where key = $1")
            .bind(project)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::Project(project.to_owned())))?;
        let project_id: i64 = get(&project_row, "id")?;
        let environment_ids = match f.environments.as_deref() {
            None => None,
            Some(keys) => {
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                let found: HashMap<String, i64> = rows_with_keys(
                    &mut *self.pool.acquire().await?,
                    "select id, key from environment",
                    project_id,
                    None,
                    &keys,
                )
                .await?
                .iter()
                .map(|r| Ok((get(r, "key")?, get(r, "id")?)))
                .collect::<Result<_>>()?;
                // An environment the project does not have is a 404, not a page that
                // reads as "the flag has no configuration there".
                if let Some(missing) = keys.iter().find(|k| !found.contains_key(**k)) {
                    return Err(Error::NotFound(Missing::Environment((*missing).to_owned())));
                }
                Some(found.into_values().collect::<Vec<i64>>())
            }
        };
        // When the flag was last evaluated in any environment of the project, 0 for never
        // (as `complete` computes `last_evaluated_at`).
        const SEEN: &str =
            "coalesce((select max(s.at) from flag_last_seen s join environment e2 on e2.id = s.environment_id
                      where e2.project_id = f.project_id and s.flag_key = f.key), 0)";
        let order = match f.sort {
            FlagSort::Key => "f.key".to_owned(),
            FlagSort::LastEvaluated => format!("{SEEN}, f.key"),
        };
        // Only the filters given become conditions (decision 0035): the first page by key
        // walks the `(project_id, key)` index and stops after `limit` rows.
        let mut w = Where::new();
        let project_n = w.int(project_id);
        w.and(format!("f.project_id = {project_n}"));
        w.and(if f.archived { "f.archived_at is not null" } else { "f.archived_at is null" });
        let by_index = self.backend == Backend::Postgres;
        let search = f.q.as_deref().filter(|q| !q.is_empty());
        if let Some(q) = search {
            let term = q.to_lowercase();
            let n = w.text(format!("%{}%", escape_like(&term)));
            // PostgreSQL: `search_text` (migration 0017) holds the fields below one per
            // line, as they are compared here; a term without a line break occurs in it
            // exactly when it occurs in one of them, and its trigram index serves terms
            // of 3+ characters (decision 0038). A term with a line break could span two
            // fields there, so it also gets the fields' own test.
            if by_index {
                w.and(format!("f.search_text like {n} escape '\\'"));
            }
            if !by_index || term.contains('\n') {
                // Tags by an `exists` probe of `flag_tag`'s primary key per flag: the walk
                // in key order stops after one page when matches are common (measured
                // against one set of matching ids, which reads every tag first: decision
                // 0035).
                w.and(format!(
                    "(lower(f.key) like {n} escape '\\' or lower(f.name) like {n} escape '\\'
                      or exists (select 1 from flag_tag t where t.flag_id = f.id and t.tag like {n} escape '\\')
                      or lower(f.owner) like {n} escape '\\' or lower(f.links) like {n} escape '\\'
                      or lower(f.properties) like {n} escape '\\')"
                ));
            }
        }
        if let Some(tag) = &f.tag {
            let n = w.text(tag.as_str());
            w.and(format!("exists (select 1 from flag_tag t where t.flag_id = f.id and t.tag = {n})"));
        }
        if let Some(after) = &f.after_key {
            let n = w.text(after.as_str());
            w.and(format!("f.key > {n}"));
        }
        if let Some(owner) = f.owner.as_ref().filter(|o| !o.is_empty()) {
            let n = w.text(owner.trim().to_lowercase());
            w.and(format!("lower(f.owner) = {n}"));
        }
        if let Some(lifecycle) = f.lifecycle {
            let n = w.text(lifecycle_text(lifecycle));
            w.and(format!("f.lifecycle = {n}"));
        }
        if let Some((env, on)) = &f.enabled_in {
            let e = w.text(env.as_str());
            let on = w.int(from_bool(*on));
            w.and(format!(
                "exists (select 1 from flag_config c join environment e on e.id = c.environment_id
                         where c.flag_id = f.id and e.key = {e} and c.enabled = {on})"
            ));
        }
        if let Some(stale) = f.stale {
            // Stale: last evaluated (or, never evaluated, created) before the cutoff, as
            // `complete` computes it for each flag shown.
            let want = w.int(from_bool(stale));
            let cutoff = w.int(Timestamp::now().0 - self.stale_after_ms);
            w.and(format!(
                "(case when coalesce(
                     (select max(s.at) from flag_last_seen s join environment e2 on e2.id = s.environment_id
                      where e2.project_id = f.project_id and s.flag_key = f.key),
                     f.created_at) < {cutoff} then 1 else 0 end) = {want}"
            ));
        }
        if let Some((at, key)) = &f.after_evaluated {
            let at = w.int(*at);
            let key = w.text(key.as_str());
            w.and(format!("({SEEN} > {at} or ({SEEN} = {at} and f.key > {key}))"));
        }
        let limit = w.int(f.limit + 1);
        let sql = format!("select {COLUMNS} from flag f {} order by {order} limit {limit}", w.sql());
        // A search on PostgreSQL is planned for its term, never from a cached plan: whether
        // walking the key index or reading the trigram index is faster depends on how many
        // flags the term matches (decision 0038).
        let rows = w.bind(&sql)?.persistent(!(by_index && search.is_some())).fetch_all(&self.pool).await?;
        let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        let more = items.len() as i64 > f.limit;
        items.truncate(f.limit as usize);
        complete_in(
            &mut *self.pool.acquire().await?,
            &mut items,
            self.stale_after_ms,
            environment_ids.as_deref(),
        )
        .await?;
        let next_cursor = items.last().filter(|_| more).map(|last| match f.sort {
            // Self-describing per order, so that a cursor of one order is refused by the
            // other (decision 0021); the handler parses them back.
            FlagSort::Key => format!("k:{}", last.flag.key),
            FlagSort::LastEvaluated => {
                format!("e:{}:{}", last.last_evaluated_at.map_or(0, |t| t.0), last.flag.key)
            }
        });
        Ok(Page { items, next_cursor })
    }

    /// One flag.
    pub async fn get_flag(&self, project: &str, key: &str) -> Result<FlagRecord> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from flag f join project p on p.id = f.project_id where p.key = $1 and f.key = $2"
        ))
        .bind(project)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            self.get_project(project).await?;
            return Err(Error::NotFound(Missing::Flag(key.to_owned())));
        };
        let mut flag = from_row(&row)?;
        complete(&mut *self.pool.acquire().await?, std::slice::from_mut(&mut flag), self.stale_after_ms)
            .await?;
        Ok(flag)
    }

    /// A flag's configuration in one environment.
    pub async fn get_flag_config(&self, project: &str, flag: &str, env: &str) -> Result<FlagConfigRecord> {
        let row = sqlx::query(
            "select c.config, c.version, c.updated_at from flag_config c
             join flag f on f.id = c.flag_id join environment e on e.id = c.environment_id
             join project p on p.id = f.project_id
             where p.key = $1 and f.key = $2 and e.key = $3",
        )
        .bind(project)
        .bind(flag)
        .bind(env)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            self.get_flag(project, flag).await?;
            self.get_environment(project, env).await?;
            return Err(Error::NotFound(Missing::Config {
                flag: flag.to_owned(),
                environment: env.to_owned(),
            }));
        };
        config_record(&row, flag, env)
    }

    /// A configuration as it was at `version`, from the audit log: the entry that wrote
    /// it, or for version 1 (written with the flag) the flag's creation entry.
    pub(super) async fn config_in_history(
        &self,
        project: &str,
        flag: &str,
        env: &str,
        version: u64,
    ) -> Result<FlagConfig> {
        let missing = || {
            Error::NotFound(Missing::ConfigVersion {
                version,
                flag: flag.to_owned(),
                environment: env.to_owned(),
            })
        };
        let rows = sqlx::query(
            "select after from audit where resource_type = 'flag_config' and resource_key = $1
             and after is not null order by id desc",
        )
        .bind(format!("{project}/{flag}/{env}"))
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let after: String = get(row, "after")?;
            // The entry holds the record as the API shows it: the configuration's
            // fields with the read-only `flag`, `environment` and `updated_at`.
            let Ok(Value::Object(mut fields)) = serde_json::from_str::<Value>(&after) else {
                continue;
            };
            if fields.get("version").and_then(Value::as_u64) != Some(version) {
                continue;
            }
            for read_only in ["flag", "environment", "updated_at"] {
                fields.remove(read_only);
            }
            return serde_json::from_value(Value::Object(fields))
                .map_err(|e| Error::Internal(format!("audited configuration {version}: {e}")));
        }
        if version != 1 {
            return Err(missing());
        }
        // Version 1 is the configuration every environment starts with, rebuilt from
        // the variants the flag was created with.
        let row = sqlx::query(
            "select after from audit where action = 'flag.create' and resource_key = $1
             and after is not null order by id desc",
        )
        .bind(format!("{project}/{flag}"))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(missing)?;
        let after: Value = from_json_text(&get::<String>(&row, "after")?, "audited flag")?;
        let variants = after.get("variants").or_else(|| after.get("flag").and_then(|f| f.get("variants")));
        let variants: Vec<Variant> =
            variants.and_then(|v| serde_json::from_value(v.clone()).ok()).ok_or_else(missing)?;
        Ok(default_config(&variants))
    }
}

pub(super) fn config_record(row: &AnyRow, flag: &str, env: &str) -> Result<FlagConfigRecord> {
    let mut config: FlagConfig = from_json_text(&get::<String>(row, "config")?, "flag configuration")?;
    config.version = get::<i64>(row, "version")? as u64;
    Ok(FlagConfigRecord {
        flag: flag.to_owned(),
        environment: env.to_owned(),
        config,
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}
