//! Environments of a project: each has its own flag configurations, SDK keys and
//! snapshot version.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use super::audit::Record;
use super::error::Missing;
use super::error::{Constraint, UniqueIs};
use super::{Actor, Error, Result, Store, Timestamp, from_bool, get, json_text, to_bool};

/// An environment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Environment {
    /// Internal id.
    #[serde(skip)]
    pub id: i64,
    /// Internal id of the project.
    #[serde(skip)]
    pub project_id: i64,
    /// Lower-case slug, unique in the project.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Display order, from 0.
    #[schema(minimum = 0)]
    pub position: i64,
    /// Whether changes need an approval (enforced by the approvals feature).
    pub requires_approval: bool,
    /// How many approvals a change request needs here (from editors other than its
    /// author), at least 1.
    #[schema(minimum = 1, maximum = 10)]
    pub required_approvals: i64,
    /// Bumped on each change of the fields above (ETag).
    pub version: i64,
    /// Bumped on each change to what the environment serves; the SDK snapshot version.
    pub snapshot_version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change of the fields above.
    pub updated_at: Timestamp,
}

/// Body of an environment creation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewEnvironment {
    /// Lower-case slug, unique in the project.
    #[schema(pattern = "^[a-z0-9][a-z0-9_.-]{0,63}$")]
    pub key: String,
    /// Display name (defaults to the key).
    #[serde(default)]
    pub name: Option<String>,
    /// Whether changes need an approval.
    #[serde(default)]
    pub requires_approval: bool,
    /// Approvals a change request needs (1 to [`MAX_REQUIRED_APPROVALS`], default 1).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10)]
    pub required_approvals: Option<i64>,
}

/// Body of an environment update; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EnvironmentPatch {
    /// New display name.
    pub name: Option<String>,
    /// New position, counted from 0; the others shift to make room. A position at or
    /// past the last one moves the environment last.
    #[schema(minimum = 0)]
    pub position: Option<i64>,
    /// New approval setting.
    pub requires_approval: Option<bool>,
    /// New number of approvals a change request needs.
    #[schema(minimum = 1, maximum = 10)]
    pub required_approvals: Option<i64>,
}

/// The most approvals an environment can require.
pub const MAX_REQUIRED_APPROVALS: i64 = 10;

fn check_required_approvals(n: Option<i64>) -> Result<()> {
    match n {
        Some(n) if !(1..=MAX_REQUIRED_APPROVALS).contains(&n) => Err(Error::invalid(
            "/required_approvals",
            format!("required_approvals must be between 1 and {MAX_REQUIRED_APPROVALS}"),
        )),
        _ => Ok(()),
    }
}

const COLUMNS: &str = "e.id, e.project_id, e.key, e.name, e.position, e.requires_approval, e.required_approvals, e.version, \
                       e.snapshot_version, e.created_at, e.updated_at";

/// The same columns, unqualified, for `returning` clauses.
const RETURNING: &str = "id, project_id, key, name, position, requires_approval, required_approvals, version, snapshot_version, \
                         created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<Environment> {
    Ok(Environment {
        id: get(row, "id")?,
        project_id: get(row, "project_id")?,
        key: get(row, "key")?,
        name: get(row, "name")?,
        position: get(row, "position")?,
        requires_approval: to_bool(get(row, "requires_approval")?),
        required_approvals: get(row, "required_approvals")?,
        version: get(row, "version")?,
        snapshot_version: get(row, "snapshot_version")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

/// Inserts an environment at the end of the project's list, with a default (disabled)
/// configuration for every flag of the project.
pub(super) async fn insert(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    new: &NewEnvironment,
) -> Result<Environment> {
    super::check_key("/key", &new.key)?;
    check_required_approvals(new.required_approvals)?;
    let now = Timestamp::now().0;
    let row = sqlx::query(&format!(
        "insert into environment (project_id, key, name, position, requires_approval, required_approvals, version, snapshot_version, created_at, updated_at)
         values ($1, $2, $3, (select coalesce(max(position) + 1, 0) from environment where project_id = $1), $4, $6, 1, 1, $5, $5)
         returning {RETURNING}"
    ))
    .bind(project_id)
    .bind(&new.key)
    .bind(new.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| new.key.clone()))
    .bind(from_bool(new.requires_approval))
    .bind(now)
    .bind(new.required_approvals.unwrap_or(1))
    .fetch_one(&mut **tx)
    .await.unique_is(Constraint::EnvironmentKey)?;
    let env = from_row(&row)?;
    let flags = sqlx::query("select id, variants, kind from flag where project_id = $1")
        .bind(project_id)
        .fetch_all(&mut **tx)
        .await?;
    let mut configs = Vec::with_capacity(flags.len());
    for flag in &flags {
        let variants: Vec<vexil_core::Variant> =
            super::from_json_text(&get::<String>(flag, "variants")?, "variants")?;
        configs.push((get(flag, "id")?, super::flag_rules::default_config(&variants)));
    }
    super::flags::insert_configs_of_environment(tx, env.id, &configs).await?;
    Ok(env)
}

pub(super) async fn fetch(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    key: &str,
) -> Result<Environment> {
    let row =
        sqlx::query(&format!("select {COLUMNS} from environment e where e.project_id = $1 and e.key = $2"))
            .bind(project_id)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::Environment(key.to_owned())))?;
    from_row(&row)
}

pub(super) async fn all_of_project(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
) -> Result<Vec<Environment>> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from environment e where e.project_id = $1 order by e.position"
    ))
    .bind(project_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(from_row).collect()
}

impl Store {
    /// The environments of a project, in display order.
    pub async fn list_environments(&self, project: &str) -> Result<Vec<Environment>> {
        self.get_project(project).await?;
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from environment e join project p on p.id = e.project_id
             where p.key = $1 order by e.position"
        ))
        .bind(project)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One environment.
    pub async fn get_environment(&self, project: &str, key: &str) -> Result<Environment> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from environment e join project p on p.id = e.project_id
             where p.key = $1 and e.key = $2"
        ))
        .bind(project)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => from_row(&row),
            None => {
                self.get_project(project).await?;
                Err(Error::NotFound(Missing::Environment(key.to_owned())))
            }
        }
    }

    /// An environment by id.
    pub async fn environment_by_id(&self, id: i64) -> Result<(String, Environment)> {
        let row = sqlx::query(&format!(
            "select {COLUMNS}, p.key as project_key from environment e join project p on p.id = e.project_id where e.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::NotFound(Missing::EnvironmentId(id)))?;
        Ok((get(&row, "project_key")?, from_row(&row)?))
    }

    /// Creates an environment.
    pub async fn create_environment(
        &self,
        actor: &Actor,
        project: &str,
        new: NewEnvironment,
    ) -> Result<Environment> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let env = insert(&mut tx, project_id, &new).await?;
        tx.audit(Record {
            actor,
            action: "environment.create",
            resource_type: "environment",
            resource_key: format!("{project}/{}", env.key),
            project: Some(project),
            environment: Some(&env.key),
            before: None,
            after: Some(json_text(&env)?),
        })
        .await?;
        tx.commit().await?;
        Ok(env)
    }

    /// Renames, moves or changes the approval setting of an environment.
    pub async fn update_environment(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        expected_version: Option<i64>,
        patch: EnvironmentPatch,
    ) -> Result<Environment> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, key).await?;
        super::check_version(expected_version, before.version)?;
        check_required_approvals(patch.required_approvals)?;
        let now = Timestamp::now().0;
        let mut position = before.position;
        if let Some(wanted) = patch.position {
            if wanted < 0 {
                return Err(Error::invalid("/position", "position must be 0 or more"));
            }
            let mut order = all_of_project(&mut tx, project_id).await?;
            let from = order.iter().position(|e| e.id == before.id).unwrap_or(0);
            let moved = order.remove(from);
            // Past the end means last, as a list insertion would read it: the caller's
            // intent is clear, and the number of environments may have changed since
            // they read it.
            position = wanted.min(order.len() as i64);
            order.insert(position as usize, moved);
            for (i, e) in order.iter().enumerate() {
                if e.position != i as i64 && e.id != before.id {
                    sqlx::query("update environment set position = $1, version = version + 1, updated_at = $2 where id = $3")
                        .bind(i as i64)
                        .bind(now)
                        .bind(e.id)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
        let row = sqlx::query(&format!(
            "update environment set name = $1, position = $2, requires_approval = $3, version = version + 1, updated_at = $4,
             required_approvals = $6 where id = $5 returning {RETURNING}"
        ))
        .bind(patch.name.filter(|n| !n.is_empty()).unwrap_or_else(|| before.name.clone()))
        .bind(position)
        .bind(from_bool(patch.requires_approval.unwrap_or(before.requires_approval)))
        .bind(now)
        .bind(before.id)
        .bind(patch.required_approvals.unwrap_or(before.required_approvals))
        .fetch_one(&mut **tx)
        .await?;
        let after = from_row(&row)?;
        tx.audit(Record {
            actor,
            action: "environment.update",
            resource_type: "environment",
            resource_key: format!("{project}/{key}"),
            project: Some(project),
            environment: Some(key),
            before: Some(json_text(&before)?),
            after: Some(json_text(&after)?),
        })
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes an environment with its configurations and SDK keys.
    pub async fn delete_environment(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, key).await?;
        super::check_version(expected_version, before.version)?;
        tx.announce_removal(before.id).await?;
        sqlx::query("delete from environment where id = $1").bind(before.id).execute(&mut **tx).await?;
        // Close the gap in the display order.
        sqlx::query("update environment set position = position - 1 where project_id = $1 and position > $2")
            .bind(project_id)
            .bind(before.position)
            .execute(&mut **tx)
            .await?;
        tx.audit(Record {
            actor,
            action: "environment.delete",
            resource_type: "environment",
            resource_key: format!("{project}/{key}"),
            project: Some(project),
            environment: Some(key),
            before: Some(json_text(&before)?),
            after: None,
        })
        .await?;
        tx.commit().await?;
        Ok(before.id)
    }
}
