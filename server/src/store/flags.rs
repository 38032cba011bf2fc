//! Flags (definitions shared by a project's environments) and their per-environment
//! configurations.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use vexil_core::patch::{Instruction, Patch};
use vexil_core::rollout::{LayoutMode, plan_config};
use vexil_core::validate::{References, prerequisite_graph_problems, validate_config, validate_flag};
use vexil_core::{Flag, FlagConfig, FlagKind, Lifecycle, Rule, Serve, SnapshotFlag, Variant};

use super::audit::{self, Record, escape_like};
use super::changes::{self, ChangeKind};
use super::environments;
use super::servable::{self, Adding, Exclude};
use super::{
    Actor, Error, Page, Result, Store, Timestamp, from_bool, from_json_text, get, json_text, to_bool,
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
    pub last_evaluated_at: Option<Timestamp>,
    /// Not evaluated for longer than the configured stale period (or never, since
    /// being created longer ago than that).
    pub stale: bool,
}

/// A flag's state in one environment, for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlagState {
    /// Whether the flag is on there.
    pub enabled: bool,
    /// The configuration's version there.
    pub version: i64,
}

/// Body of a flag creation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewFlag {
    /// Lower-case slug, unique in the project; cannot change later.
    pub key: String,
    /// Display name (defaults to the key).
    #[serde(default)]
    pub name: Option<String>,
    /// What the flag controls.
    #[serde(default)]
    pub description: String,
    /// Value type; cannot change later.
    pub kind: FlagKind,
    /// Variants; a boolean flag without them gets `on` (true) and `off` (false).
    #[serde(default)]
    pub variants: Option<Vec<Variant>>,
    /// Labels.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Temporary (default) or permanent.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// Whether client SDK keys may evaluate it.
    #[serde(default)]
    pub client_visible: bool,
}

/// Body of a flag update; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FlagPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New variants (all of them, in order).
    pub variants: Option<Vec<Variant>>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// New lifecycle.
    pub lifecycle: Option<Lifecycle>,
    /// New client visibility.
    pub client_visible: Option<bool>,
}

/// Listing filters.
#[derive(Debug, Clone, Default)]
pub struct FlagFilter {
    /// Case-insensitive substring of the key, name or a tag.
    pub q: Option<String>,
    /// Only flags with this tag.
    pub tag: Option<String>,
    /// Archived flags instead of active ones.
    pub archived: bool,
    /// Page size.
    pub limit: i64,
    /// Flags with keys after this one (from a previous page).
    pub after_key: Option<String>,
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

/// The configuration a flag gets in a new environment: off, serving the last variant
/// when off and the first one when turned on. For a boolean flag that is `off` / `on`,
/// so a toggle is all it takes to release it.
pub(super) fn default_config(variants: &[Variant]) -> FlagConfig {
    let first = variants.first().map(|v| v.key.clone()).unwrap_or_default();
    let last = variants.last().map(|v| v.key.clone()).unwrap_or_default();
    FlagConfig {
        enabled: false,
        off_variant: last,
        targets: Vec::new(),
        rules: Vec::new(),
        default: Serve::Variant(first),
        prerequisites: Vec::new(),
        version: 1,
    }
}

fn boolean_variants() -> Vec<Variant> {
    vec![
        Variant {
            key: "on".to_owned(),
            value: Value::Bool(true),
            name: String::new(),
            description: String::new(),
        },
        Variant {
            key: "off".to_owned(),
            value: Value::Bool(false),
            name: String::new(),
            description: String::new(),
        },
    ]
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill(&mut buf[..]);
    hex::encode(buf)
}

/// The config as stored: without its version, which has its own column.
fn config_text(config: &FlagConfig) -> Result<String> {
    let mut value = serde_json::to_value(config).map_err(|e| Error::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.remove("version");
    }
    json_text(&value)
}

pub(super) async fn insert_config(
    tx: &mut Transaction<'static, Any>,
    flag_id: i64,
    environment_id: i64,
    config: &FlagConfig,
) -> Result<()> {
    sqlx::query(
        "insert into flag_config (flag_id, environment_id, config, enabled, version, updated_at, regex_bytes)
         values ($1, $2, $3, $4, 1, $5, $6)",
    )
    .bind(flag_id)
    .bind(environment_id)
    .bind(config_text(config)?)
    .bind(from_bool(config.enabled))
    .bind(Timestamp::now().0)
    .bind(vexil_core::validate::regex_bytes_of_config(config) as i64)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const COLUMNS: &str = "f.id, f.key, f.name, f.description, f.kind, f.variants, f.lifecycle, f.salt, \
                       f.client_visible, f.archived_at, f.version, f.created_at, f.updated_at";

fn kind_text(kind: FlagKind) -> &'static str {
    kind.as_str()
}

fn parse_kind(s: &str) -> Result<FlagKind> {
    serde_json::from_value(Value::from(s)).map_err(|_| Error::Internal(format!("stored flag kind {s:?}")))
}

fn lifecycle_text(l: Lifecycle) -> &'static str {
    match l {
        Lifecycle::Temporary => "temporary",
        Lifecycle::Permanent => "permanent",
    }
}

fn parse_lifecycle(s: &str) -> Lifecycle {
    if s == "permanent" { Lifecycle::Permanent } else { Lifecycle::Temporary }
}

/// Reads a flag row; tags and states are filled in by the caller.
fn from_row(row: &AnyRow) -> Result<FlagRecord> {
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
    })
}

fn id_list(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// Fills tags, environment states and staleness of flags, in place.
async fn complete(
    conn: &mut sqlx::AnyConnection,
    flags: &mut [FlagRecord],
    stale_after_ms: i64,
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
    let states = sqlx::query(&format!(
        "select c.flag_id, e.key, c.enabled, c.version, c.updated_at from flag_config c
         join environment e on e.id = c.environment_id where c.flag_id in ({ids})"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for row in &states {
        if let Some(&i) = index.get(&get::<i64>(row, "flag_id")?) {
            flags[i].environments.insert(
                get(row, "key")?,
                FlagState { enabled: to_bool(get(row, "enabled")?), version: get(row, "version")? },
            );
            // A configuration save is a change of the flag for whoever lists flags.
            let config_updated = Timestamp(get(row, "updated_at")?);
            if config_updated > flags[i].updated_at {
                flags[i].updated_at = config_updated;
            }
        }
    }
    let seen = sqlx::query(&format!(
        "select f.id, max(s.at) as at from flag f
         join environment e on e.project_id = f.project_id
         join flag_last_seen s on s.environment_id = e.id and s.flag_key = f.key
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
        .ok_or_else(|| Error::NotFound(format!("flag {key:?}")))?;
    let mut flag = from_row(&row)?;
    complete(tx, std::slice::from_mut(&mut flag), stale_after_ms).await?;
    Ok(flag)
}

async fn write_tags(tx: &mut Transaction<'static, Any>, flag_id: i64, tags: &[String]) -> Result<()> {
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
    /// Whether the flag is archived (only [`all_configs`] returns those).
    pub archived: bool,
}

impl ConfigOf {
    /// `flag "x" in "env"`, saying when the flag is archived.
    pub(super) fn describe(&self) -> String {
        let archived = if self.archived { " (archived)" } else { "" };
        format!("flag {:?}{archived} in {:?}", self.flag, self.environment)
    }
}

/// Every configuration of the project's active (not archived) flags.
pub(super) async fn active_configs(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
) -> Result<Vec<ConfigOf>> {
    configs_where(tx, project_id, None, false).await
}

/// Every configuration of every flag of the project, archived flags included: what
/// must stay valid for an archived flag to be restorable.
pub(super) async fn all_configs(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
) -> Result<Vec<ConfigOf>> {
    configs_where(tx, project_id, None, true).await
}

/// The configurations of active flags in one environment.
async fn active_configs_in(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    environment_id: i64,
) -> Result<Vec<ConfigOf>> {
    configs_where(tx, project_id, Some(environment_id), false).await
}

async fn configs_where(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    environment_id: Option<i64>,
    archived_too: bool,
) -> Result<Vec<ConfigOf>> {
    let rows = sqlx::query(
        "select f.key as flag_key, e.key as env_key, e.id as env_id, c.config, c.version, f.archived_at
         from flag_config c
         join flag f on f.id = c.flag_id join environment e on e.id = c.environment_id
         where f.project_id = $1 and ($2 = 1 or f.archived_at is null) and ($3 is null or e.id = $3)",
    )
    .bind(project_id)
    .bind(i64::from(archived_too))
    .bind(environment_id)
    .fetch_all(&mut **tx)
    .await?;
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

/// Segment keys and active flags (with their variant keys) of a project.
pub(super) struct ProjectRefs {
    segments: Vec<String>,
    flags: Vec<(String, Vec<String>)>,
}

impl ProjectRefs {
    pub(super) async fn load(tx: &mut Transaction<'static, Any>, project_id: i64) -> Result<ProjectRefs> {
        let segments = sqlx::query("select key from segment where project_id = $1")
            .bind(project_id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| get(r, "key"))
            .collect::<Result<Vec<String>>>()?;
        let flags =
            sqlx::query("select key, variants from flag where project_id = $1 and archived_at is null")
                .bind(project_id)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| {
                    let variants: Vec<Variant> = from_json_text(&get::<String>(r, "variants")?, "variants")?;
                    Ok((get(r, "key")?, variants.into_iter().map(|v| v.key).collect()))
                })
                .collect::<Result<Vec<_>>>()?;
        Ok(ProjectRefs { segments, flags })
    }

    /// Replaces (or adds) one flag's variant keys, as a pending change would.
    fn with_flag(mut self, key: &str, variants: &[Variant]) -> ProjectRefs {
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

/// Problems of the prerequisite graph of one environment after replacing `flag`'s
/// configuration, as a 409 naming the cycle.
fn check_prerequisite_graph(
    configs: &[ConfigOf],
    environment_id: i64,
    flag: &str,
    config: &FlagConfig,
) -> Result<()> {
    let flags: Vec<SnapshotFlag> = configs
        .iter()
        .filter(|c| c.environment_id == environment_id && c.flag != flag)
        .map(|c| (c.flag.as_str(), &c.config))
        .chain(std::iter::once((flag, config)))
        .map(|(key, config)| SnapshotFlag {
            key: key.to_owned(),
            kind: FlagKind::Json,
            salt: String::new(),
            variants: Vec::new(),
            client_visible: false,
            config: config.clone(),
        })
        .collect();
    let problems = prerequisite_graph_problems(&flags);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Conflict {
            message: problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "),
            dependents: flags
                .iter()
                .filter(|f| !f.config.prerequisites.is_empty())
                .map(|f| f.key.clone())
                .collect(),
        })
    }
}

/// The snapshot form of a flag in one environment, as the change feed carries it.
fn snapshot_text(flag: &Flag, config: &FlagConfig) -> Result<String> {
    json_text(&SnapshotFlag::new(flag, config.clone()))
}

/// A flag as the audit log records it: without the fields that move with usage, so
/// that an entry shows only what the change changed.
fn audit_json(flag: &FlagRecord) -> Result<String> {
    let mut value = serde_json::to_value(flag).map_err(|e| Error::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.remove("stale");
        map.remove("last_evaluated_at");
    }
    json_text(&value)
}

/// Gives every rule without an id a fresh one.
fn assign_rule_ids(config: &mut FlagConfig) {
    for rule in &mut config.rules {
        if rule.id.is_empty() {
            rule.id = format!("rule-{}", random_hex(4));
        }
    }
}

/// Other active flags whose prerequisites name `flag` (in any environment), optionally
/// only those requiring a variant not in `keep_variants`.
fn prerequisite_dependents(
    configs: &[ConfigOf],
    flag: &str,
    keep_variants: Option<&[Variant]>,
) -> Vec<String> {
    configs
        .iter()
        .filter(|c| c.flag != flag)
        .flat_map(|c| {
            c.config.prerequisites.iter().filter(|p| p.flag == flag).filter_map(move |p| {
                let kept = keep_variants.is_some_and(|vs| vs.iter().any(|v| v.key == p.variant));
                (!kept).then(|| format!("{} requires {flag:?} = {:?}", c.describe(), p.variant))
            })
        })
        .collect()
}

/// Refuses to restore `flag` while a flag it requires (in any environment) is archived,
/// naming each: restoring in dependency order works.
fn ensure_prerequisites_active(configs: &[ConfigOf], flag: &str) -> Result<()> {
    let archived: BTreeSet<&str> = configs.iter().filter(|c| c.archived).map(|c| c.flag.as_str()).collect();
    let missing: Vec<String> = configs
        .iter()
        .filter(|c| c.flag == flag)
        .flat_map(|c| {
            c.config.prerequisites.iter().filter(|p| archived.contains(p.flag.as_str())).map(move |p| {
                format!("{flag:?} in {:?} requires {:?}, which is archived", c.environment, p.flag)
            })
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Conflict {
        message: format!("{flag:?} requires archived flags; restore them first"),
        dependents: missing,
    })
}

/// Refuses to take `flag` away (archive or delete) while other flags in `configs`
/// require it.
fn ensure_not_a_prerequisite(configs: &[ConfigOf], flag: &str) -> Result<()> {
    let dependents = prerequisite_dependents(configs, flag, None);
    if dependents.is_empty() {
        return Ok(());
    }
    Err(Error::Conflict {
        message: format!("{flag:?} is a prerequisite of other flags; remove those prerequisites first"),
        dependents,
    })
}

impl Store {
    /// Lists a project's flags by key.
    pub async fn list_flags(&self, project: &str, f: &FlagFilter) -> Result<Page<FlagRecord>> {
        let project_row = sqlx::query("select id from project where key = $1")
            .bind(project)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(format!("project {project:?}")))?;
        let project_id: i64 = get(&project_row, "id")?;
        let q =
            f.q.as_ref().filter(|q| !q.is_empty()).map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from flag f where f.project_id = $1
               and (case when f.archived_at is null then 0 else 1 end) = $2
               and ($3 is null or lower(f.key) like $3 escape '\\' or lower(f.name) like $3 escape '\\'
                    or exists (select 1 from flag_tag t where t.flag_id = f.id and t.tag like $3 escape '\\'))
               and ($4 is null or exists (select 1 from flag_tag t where t.flag_id = f.id and t.tag = $4))
               and ($5 is null or f.key > $5)
             order by f.key limit $6"
        ))
        .bind(project_id)
        .bind(from_bool(f.archived))
        .bind(q)
        .bind(f.tag.as_deref())
        .bind(f.after_key.as_deref())
        .bind(f.limit + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() as i64 > f.limit {
            items.truncate(f.limit as usize);
            items.last().map(|f| f.flag.key.clone())
        } else {
            None
        };
        complete(&mut *self.pool.acquire().await?, &mut items, self.stale_after_ms).await?;
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
            return Err(Error::NotFound(format!("flag {key:?}")));
        };
        let mut flag = from_row(&row)?;
        complete(&mut *self.pool.acquire().await?, std::slice::from_mut(&mut flag), self.stale_after_ms)
            .await?;
        Ok(flag)
    }

    /// Creates a flag, disabled in every environment.
    pub async fn create_flag(&self, actor: &Actor, project: &str, new: NewFlag) -> Result<FlagRecord> {
        let variants = match (new.variants, new.kind) {
            (Some(v), _) => v,
            (None, FlagKind::Boolean) => boolean_variants(),
            (None, _) => Vec::new(),
        };
        let flag = Flag {
            name: new.name.filter(|n| !n.is_empty()).unwrap_or_else(|| new.key.clone()),
            key: new.key,
            description: new.description,
            kind: new.kind,
            variants,
            tags: new.tags,
            lifecycle: new.lifecycle,
            salt: random_hex(8),
            client_visible: new.client_visible,
        };
        validate_flag(&flag)?;
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        servable::ensure_room_for_flag(&mut tx, project_id).await?;
        let now = Timestamp::now().0;
        let row = sqlx::query(
            "insert into flag (project_id, key, name, description, kind, variants, lifecycle, salt, client_visible, version, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) returning id",
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
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let flag_id: i64 = get(&row, "id")?;
        write_tags(&mut tx, flag_id, &flag.tags).await?;
        let config = default_config(&flag.variants);
        for env in environments::all_of_project(&mut tx, project_id).await? {
            insert_config(&mut tx, flag_id, env.id, &config).await?;
        }
        let payload = Some(snapshot_text(&flag, &config)?);
        let committed = changes::record_everywhere(
            &mut tx,
            self.backend,
            project_id,
            ChangeKind::Flag,
            &flag.key,
            payload,
        )
        .await?;
        let record = fetch(&mut tx, project_id, &flag.key, self.stale_after_ms).await?;
        audit::insert(
            &mut tx,
            Record {
                actor,
                action: "flag.create",
                resource_type: "flag",
                resource_key: format!("{project}/{}", flag.key),
                project: Some(project),
                environment: None,
                before: None,
                after: Some(audit_json(&record)?),
            },
        )
        .await?;
        self.commit(tx, committed).await?;
        Ok(record)
    }

    /// Updates a flag's definition. Removing a variant that a configuration or another
    /// flag's prerequisite uses is refused with the list of what uses it.
    pub async fn update_flag(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        expected_version: Option<i64>,
        patch: FlagPatch,
    ) -> Result<FlagRecord> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, key, self.stale_after_ms).await?;
        super::check_version(expected_version, before.version)?;
        let mut flag = before.flag.clone();
        let variants_changed = patch.variants.as_ref().is_some_and(|v| *v != flag.variants);
        let visibility_changed = patch.client_visible.is_some_and(|c| c != flag.client_visible);
        if let Some(name) = patch.name {
            flag.name = name;
        }
        if let Some(d) = patch.description {
            flag.description = d;
        }
        if let Some(v) = patch.variants {
            flag.variants = v;
        }
        if let Some(t) = patch.tags {
            flag.tags = t;
        }
        if let Some(l) = patch.lifecycle {
            flag.lifecycle = l;
        }
        if let Some(c) = patch.client_visible {
            flag.client_visible = c;
        }
        validate_flag(&flag)?;
        let configs = active_configs(&mut tx, project_id).await?;
        if variants_changed {
            let refs = ProjectRefs::load(&mut tx, project_id).await?.with_flag(key, &flag.variants);
            let references = refs.references();
            let mut dependents = Vec::new();
            for c in configs.iter().filter(|c| c.flag == key) {
                if let Err(e) = validate_config(key, &flag.variants, &c.config, &references) {
                    dependents.extend(
                        e.problems.iter().map(|p| {
                            format!("{:?} configuration {}: {}", c.environment, p.pointer, p.message)
                        }),
                    );
                }
            }
            // Archived flags count: they must stay restorable.
            let everyone = all_configs(&mut tx, project_id).await?;
            dependents.extend(prerequisite_dependents(&everyone, key, Some(&flag.variants)));
            if !dependents.is_empty() {
                return Err(Error::Conflict {
                    message: format!(
                        "the new variants of {key:?} would break {} place(s) that use them",
                        dependents.len()
                    ),
                    dependents,
                });
            }
        }
        let row = sqlx::query(&format!(
            "update flag set name = $1, description = $2, variants = $3, lifecycle = $4, client_visible = $5,
                 version = version + 1, updated_at = $6
             where id = $7 returning {}",
            COLUMNS.replace("f.", "")
        ))
        .bind(&flag.name)
        .bind(&flag.description)
        .bind(json_text(&flag.variants)?)
        .bind(lifecycle_text(flag.lifecycle))
        .bind(from_bool(flag.client_visible))
        .bind(Timestamp::now().0)
        .bind(before.id)
        .fetch_one(&mut *tx)
        .await?;
        write_tags(&mut tx, before.id, &flag.tags).await?;
        if variants_changed {
            servable::check(&mut tx, project_id).await?;
        }
        let mut committed = Vec::new();
        if (variants_changed || visibility_changed) && !before.archived {
            for c in configs.iter().filter(|c| c.flag == key) {
                committed.push(
                    changes::record(
                        &mut tx,
                        self.backend,
                        c.environment_id,
                        ChangeKind::Flag,
                        key,
                        Some(snapshot_text(&flag, &c.config)?),
                    )
                    .await?,
                );
            }
        }
        let mut after = from_row(&row)?;
        complete(&mut tx, std::slice::from_mut(&mut after), self.stale_after_ms).await?;
        audit::insert(
            &mut tx,
            Record {
                actor,
                action: "flag.update",
                resource_type: "flag",
                resource_key: format!("{project}/{key}"),
                project: Some(project),
                environment: None,
                before: Some(audit_json(&before)?),
                after: Some(audit_json(&after)?),
            },
        )
        .await?;
        self.commit(tx, committed).await?;
        Ok(after)
    }

    /// Archives (removes from every snapshot) or restores a flag. Setting the state it
    /// already has changes nothing.
    pub async fn set_flag_archived(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        archived: bool,
    ) -> Result<FlagRecord> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, key, self.stale_after_ms).await?;
        if before.archived == archived {
            return Ok(before);
        }
        if archived {
            ensure_not_a_prerequisite(&active_configs(&mut tx, project_id).await?, key)?;
        } else {
            servable::ensure_room_for_flag(&mut tx, project_id).await?;
            ensure_prerequisites_active(&all_configs(&mut tx, project_id).await?, key)?;
            servable::ensure_regex_budget(
                &mut tx,
                project_id,
                None,
                Exclude::Nothing,
                Adding::FlagConfigs(before.id),
            )
            .await?;
        }
        let now = Timestamp::now().0;
        sqlx::query("update flag set archived_at = $1, version = version + 1, updated_at = $2 where id = $3")
            .bind(archived.then_some(now))
            .bind(now)
            .bind(before.id)
            .execute(&mut *tx)
            .await?;
        servable::check(&mut tx, project_id).await?;
        let mut committed = Vec::new();
        let rows = sqlx::query(
            "select c.environment_id, c.config, c.version from flag_config c where c.flag_id = $1",
        )
        .bind(before.id)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let env_id: i64 = get(row, "environment_id")?;
            let c = if archived {
                changes::record(&mut tx, self.backend, env_id, ChangeKind::FlagDeleted, key, None).await?
            } else {
                let mut config: FlagConfig =
                    from_json_text(&get::<String>(row, "config")?, "flag configuration")?;
                config.version = get::<i64>(row, "version")? as u64;
                let payload = snapshot_text(&before.flag, &config)?;
                changes::record(&mut tx, self.backend, env_id, ChangeKind::Flag, key, Some(payload)).await?
            };
            committed.push(c);
        }
        let after = fetch(&mut tx, project_id, key, self.stale_after_ms).await?;
        audit::insert(
            &mut tx,
            Record {
                actor,
                action: if archived { "flag.archive" } else { "flag.restore" },
                resource_type: "flag",
                resource_key: format!("{project}/{key}"),
                project: Some(project),
                environment: None,
                before: Some(audit_json(&before)?),
                after: Some(audit_json(&after)?),
            },
        )
        .await?;
        self.commit(tx, committed).await?;
        Ok(after)
    }

    /// Deletes a flag and its configurations.
    pub async fn delete_flag(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, key, self.stale_after_ms).await?;
        super::check_version(expected_version, before.version)?;
        // Archived flags count: a flag that requires this one could never be restored.
        ensure_not_a_prerequisite(&all_configs(&mut tx, project_id).await?, key)?;
        let committed = if before.archived {
            Vec::new()
        } else {
            changes::record_everywhere(&mut tx, self.backend, project_id, ChangeKind::FlagDeleted, key, None)
                .await?
        };
        sqlx::query("delete from flag where id = $1").bind(before.id).execute(&mut *tx).await?;
        servable::check(&mut tx, project_id).await?;
        // Usage is kept by flag key: a new flag with the same key starts without history.
        for table in ["flag_last_seen", "flag_application", "usage_minute", "usage_hour", "metric_minute"] {
            sqlx::query(&format!(
                "delete from {table} where flag_key = $1 and environment_id in (select id from environment where project_id = $2)"
            ))
            .bind(key)
            .bind(project_id)
            .execute(&mut *tx)
            .await?;
        }
        audit::insert(
            &mut tx,
            Record {
                actor,
                action: "flag.delete",
                resource_type: "flag",
                resource_key: format!("{project}/{key}"),
                project: Some(project),
                environment: None,
                before: Some(audit_json(&before)?),
                after: None,
            },
        )
        .await?;
        self.commit(tx, committed).await
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
            return Err(Error::NotFound(format!("configuration of {flag:?} in {env:?}")));
        };
        config_record(&row, flag, env)
    }

    /// Replaces a flag's configuration in one environment. Rollouts that exist before
    /// and after keep their stored layout where the new weights allow it, as `layout`
    /// says ([`vexil_core::rollout::plan_config`]).
    #[expect(clippy::too_many_arguments, reason = "one argument per part of the request")]
    pub async fn put_flag_config(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        expected_version: Option<i64>,
        mut config: FlagConfig,
        layout: LayoutMode,
    ) -> Result<FlagConfigRecord> {
        assign_rule_ids(&mut config);
        // The expensive part of validation (compiling regular expressions, bounded by
        // the document's budget) runs here, off the async threads and before the
        // transaction, so that it holds no lock; validation inside the transaction then
        // finds the patterns compiled.
        let key = flag.to_owned();
        let config = tokio::task::spawn_blocking(move || {
            let _ = validate_config(&key, &[], &config, &References::new());
            config
        })
        .await
        .map_err(|e| Error::Internal(format!("validation task: {e}")))?;
        let audit = Audited { action: "flag_config.update", comment: None, via: Via::Direct };
        self.write_config(actor, project, flag, env, audit, |current| {
            super::check_version(expected_version, current.version as i64)?;
            Ok(Some(plan_config(current, config, layout).config))
        })
        .await
    }

    /// Turns a flag on or off in one environment: the kill switch. Needs no version:
    /// setting a state is idempotent and must never lose a race. `comment` (why) goes
    /// into the audit entry; a toggle to the state the flag already has writes nothing.
    ///
    /// `break_glass` turns a flag off in an environment that requires approval, without
    /// one, audited as `flag.break_glass_off`; the caller makes sure it is an "off" with
    /// a reason. Without it such an environment answers [`Error::ApprovalRequired`].
    #[expect(clippy::too_many_arguments, reason = "one argument per part of the request")]
    pub async fn toggle_flag(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        enabled: bool,
        comment: Option<&str>,
        break_glass: bool,
    ) -> Result<FlagConfigRecord> {
        let audit = if break_glass && !enabled {
            Audited { action: "flag.break_glass_off", comment, via: Via::BreakGlass }
        } else {
            Audited { action: "flag_config.toggle", comment, via: Via::Direct }
        };
        self.write_config(actor, project, flag, env, audit, |current| {
            // Already in that state: nothing to write, nothing to tell.
            Ok((current.enabled != enabled).then(|| FlagConfig { enabled, ..current.clone() }))
        })
        .await
    }

    /// Applies a semantic patch to a flag's configuration in one environment: the
    /// instructions apply in order to whatever is current (or to `expected_version`,
    /// when the caller read one), rollouts keep their assignments where the new shares
    /// allow, and the result is validated like any write. A patch that changes nothing
    /// writes nothing. The comment goes into the audit entry.
    pub async fn patch_flag_config(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        expected_version: Option<i64>,
        patch: Patch,
    ) -> Result<FlagConfigRecord> {
        // Compile the patch's patterns off the async threads and outside the
        // transaction (see `put_flag_config`).
        let rules: Vec<Rule> = patch
            .instructions
            .iter()
            .filter_map(|i| match i {
                Instruction::AddRule { rule, .. } | Instruction::ReplaceRule { rule } => Some(rule.clone()),
                _ => None,
            })
            .collect();
        if !rules.is_empty() {
            let key = flag.to_owned();
            tokio::task::spawn_blocking(move || {
                let probe = FlagConfig { rules, ..default_config(&[]) };
                let _ = validate_config(&key, &[], &probe, &References::new());
            })
            .await
            .map_err(|e| Error::Internal(format!("validation task: {e}")))?;
        }
        let audit =
            Audited { action: "flag_config.patch", comment: patch.comment.as_deref(), via: Via::Direct };
        self.write_config(actor, project, flag, env, audit, |current| {
            super::check_version(expected_version, current.version as i64)?;
            derive_patched(current, &patch)
        })
        .await
    }

    /// Puts a flag's configuration in one environment back to an earlier `version` from
    /// its history, as a new version, validated like any write (a variant, segment or
    /// prerequisite the old version names must still exist). Rollouts keep the old
    /// version's exact layout, so users get the variants they had then. Audited as
    /// `flag_config.restore` with `comment` (the restored version is named in it).
    ///
    /// Errors: [`Error::NotFound`] when the history has no such version,
    /// [`Error::VersionMismatch`] on a stale `expected_version`, and whatever the write
    /// itself refuses.
    #[expect(clippy::too_many_arguments, reason = "one argument per part of the request")]
    pub async fn restore_flag_config(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        version: u64,
        expected_version: Option<i64>,
        comment: Option<&str>,
    ) -> Result<FlagConfigRecord> {
        let mut old = self.config_in_history(project, flag, env, version).await?;
        old.version = 0;
        let comment = match comment {
            Some(c) => format!("restored version {version}: {c}"),
            None => format!("restored version {version}"),
        };
        let audit = Audited { action: "flag_config.restore", comment: Some(&comment), via: Via::Direct };
        self.write_config(actor, project, flag, env, audit, |current| {
            super::check_version(expected_version, current.version as i64)?;
            let mut next = plan_config(current, old, LayoutMode::Exact).config;
            // Compared as content: the version is the write's to bump.
            next.version = current.version;
            Ok((next != *current).then_some(next))
        })
        .await
    }

    /// A configuration as it was at `version`, from the audit log: the entry that wrote
    /// it, or for version 1 (written with the flag) the flag's creation entry.
    async fn config_in_history(
        &self,
        project: &str,
        flag: &str,
        env: &str,
        version: u64,
    ) -> Result<FlagConfig> {
        let missing = || Error::NotFound(format!("version {version} of {flag:?} in {env:?}"));
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

    /// The one path for configuration writes: lock, read, derive the new config (`None`:
    /// no change), validate it against the project, write, record the change, audit.
    async fn write_config(
        &self,
        actor: &Actor,
        project: &str,
        flag_key: &str,
        env_key: &str,
        audited: Audited<'_>,
        derive: impl FnOnce(&FlagConfig) -> Result<Option<FlagConfig>>,
    ) -> Result<FlagConfigRecord> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let target = Target { project, project_id, flag: flag_key, env: env_key };
        let (after, committed) = self.write_config_in(&mut tx, actor, &target, audited, derive).await?;
        self.commit(tx, committed.into_iter().collect()).await?;
        Ok(after)
    }

    /// [`Store::write_config`] inside a transaction that already holds the project lock,
    /// for writes that commit with more (a change request's or a scheduled change's own
    /// state). Errors before the configuration's `update` leave the transaction clean
    /// (no statement of it failed), so the caller may record the failure and commit.
    /// Returns the record and the feed entry to announce after the commit (`None`: the
    /// derivation changed nothing).
    pub(super) async fn write_config_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        actor: &Actor,
        target: &Target<'_>,
        audited: Audited<'_>,
        derive: impl FnOnce(&FlagConfig) -> Result<Option<FlagConfig>>,
    ) -> Result<(FlagConfigRecord, Option<changes::Committed>)> {
        let Target { project, project_id, flag: flag_key, env: env_key } = *target;
        let flag = fetch(tx, project_id, flag_key, self.stale_after_ms).await?;
        let env = environments::fetch(tx, project_id, env_key).await?;
        if env.requires_approval && audited.via == Via::Direct {
            return Err(Error::ApprovalRequired {
                project: project.to_owned(),
                environment: env_key.to_owned(),
            });
        }
        let row = sqlx::query(
            "select config, version, updated_at from flag_config where flag_id = $1 and environment_id = $2",
        )
        .bind(flag.id)
        .bind(env.id)
        .fetch_one(&mut **tx)
        .await?;
        let before = config_record(&row, flag_key, env_key)?;
        if flag.archived {
            return Err(Error::conflict(format!(
                "flag {flag_key:?} is archived; restore it before changing it"
            )));
        }
        let Some(mut config) = derive(&before.config)? else {
            return Ok((before, None));
        };
        let refs = ProjectRefs::load(tx, project_id).await?;
        validate_config(flag_key, &flag.flag.variants, &config, &refs.references())?;
        // Cycles are per environment and only new prerequisites can make one.
        if config.prerequisites != before.config.prerequisites {
            let configs = active_configs_in(tx, project_id, env.id).await?;
            check_prerequisite_graph(&configs, env.id, flag_key, &config)?;
        }
        let regex_bytes = vexil_core::validate::regex_bytes_of_config(&config);
        if config.rules != before.config.rules {
            servable::ensure_regex_budget(
                tx,
                project_id,
                Some(env.id),
                Exclude::Flag(flag.id),
                Adding::Bytes(regex_bytes),
            )
            .await?;
        }
        let now = Timestamp::now().0;
        let row = sqlx::query(
            "update flag_config set config = $1, enabled = $2, version = version + 1, updated_at = $3, regex_bytes = $6
             where flag_id = $4 and environment_id = $5 returning version",
        )
        .bind(config_text(&config)?)
        .bind(from_bool(config.enabled))
        .bind(now)
        .bind(flag.id)
        .bind(env.id)
        .bind(regex_bytes as i64)
        .fetch_one(&mut **tx)
        .await?;
        config.version = get::<i64>(&row, "version")? as u64;
        let committed = changes::record(
            tx,
            self.backend,
            env.id,
            ChangeKind::Flag,
            flag_key,
            Some(snapshot_text(&flag.flag, &config)?),
        )
        .await?;
        let after = FlagConfigRecord {
            flag: flag_key.to_owned(),
            environment: env_key.to_owned(),
            config,
            updated_at: Timestamp(now),
        };
        audit::insert_with_comment(
            tx,
            Record {
                actor,
                action: audited.action,
                resource_type: "flag_config",
                resource_key: format!("{project}/{flag_key}/{env_key}"),
                project: Some(project),
                environment: Some(env_key),
                before: Some(json_text(&before)?),
                after: Some(json_text(&after)?),
            },
            audited.comment,
        )
        .await?;
        Ok((after, Some(committed)))
    }
}

/// The configuration a patch makes of `current` (`None`: it changes nothing), with
/// rollouts rebased; a failing instruction is a validation problem pointing at it.
pub(super) fn derive_patched(current: &FlagConfig, patch: &Patch) -> Result<Option<FlagConfig>> {
    let next =
        vexil_core::patch::apply(current, patch, || format!("rule-{}", random_hex(4))).map_err(|e| {
            Error::Invalid(vexil_core::ValidationErrors {
                problems: vec![vexil_core::Problem { pointer: e.pointer(), message: e.to_string() }],
            })
        })?;
    let next = plan_config(current, next, LayoutMode::Rebase).config;
    Ok((next != *current).then_some(next))
}

/// The configuration a write addresses, in a project whose lock the caller holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target<'a> {
    pub project: &'a str,
    pub project_id: i64,
    pub flag: &'a str,
    pub env: &'a str,
}

/// How a configuration write came about, which decides whether an environment that
/// requires approval takes it: only [`Via::Direct`] is refused there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// An editor's own `PUT`, `PATCH`, toggle or restore.
    Direct,
    /// Turning a flag off with a reason: the kill switch is never blocked.
    BreakGlass,
    /// The last approval of a change request.
    Approved,
    /// A scheduled change coming due (approved before it was scheduled, where needed).
    Scheduled,
}

/// How a configuration write is audited: its action, what the author said, and how
/// the write came about.
pub(super) struct Audited<'a> {
    pub action: &'a str,
    pub comment: Option<&'a str>,
    pub via: Via,
}

fn config_record(row: &AnyRow, flag: &str, env: &str) -> Result<FlagConfigRecord> {
    let mut config: FlagConfig = from_json_text(&get::<String>(row, "config")?, "flag configuration")?;
    config.version = get::<i64>(row, "version")? as u64;
    Ok(FlagConfigRecord {
        flag: flag.to_owned(),
        environment: env.to_owned(),
        config,
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}
