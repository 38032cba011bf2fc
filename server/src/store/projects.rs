//! Projects: the top-level grouping of flags, segments and environments.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use super::audit::Record;
use super::environments::{self, NewEnvironment};
use super::error::Missing;
use super::error::{Constraint, UniqueIs};
use super::{Actor, Error, Result, Store, Timestamp, get, json_text};

/// Environments every new project starts with, in order.
pub const DEFAULT_ENVIRONMENTS: [(&str, &str); 3] =
    [("development", "Development"), ("staging", "Staging"), ("production", "Production")];

/// A project.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Project {
    /// Lower-case slug.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Bumped on each change of the fields above (ETag).
    pub version: i64,
    /// Creation time.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Last change.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// Body of a project creation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewProject {
    /// Lower-case slug, unique.
    #[schema(pattern = "^[a-z0-9][a-z0-9_.-]{0,63}$")]
    pub key: String,
    /// Display name (defaults to the key).
    #[serde(default)]
    pub name: Option<String>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// Body of a project update; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProjectPatch {
    /// New display name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
}

fn from_row(row: &AnyRow) -> Result<Project> {
    Ok(Project {
        key: get(row, "key")?,
        name: get(row, "name")?,
        description: get(row, "description")?,
        version: get(row, "version")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

const COLUMNS: &str = "key, name, description, version, created_at, updated_at";

impl Store {
    /// Every project, by key.
    pub async fn list_projects(&self) -> Result<Vec<Project>> {
        let rows =
            sqlx::query(&format!("select {COLUMNS} from project order by key")).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// One project.
    pub async fn get_project(&self, key: &str) -> Result<Project> {
        let row = sqlx::query(&format!("select {COLUMNS} from project where key = $1"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::Project(key.to_owned())))?;
        from_row(&row)
    }

    /// Creates a project with the default environments.
    pub async fn create_project(&self, actor: &Actor, new: NewProject) -> Result<Project> {
        super::check_key("/key", &new.key)?;
        let now = Timestamp::now().0;
        let name = new.name.filter(|n| !n.is_empty()).unwrap_or_else(|| new.key.clone());
        let mut tx = self.begin().await?;
        let row = sqlx::query(&format!(
            "insert into project (key, name, description, version, created_at, updated_at)
             values ($1, $2, $3, 1, $4, $4) returning id, {COLUMNS}"
        ))
        .bind(&new.key)
        .bind(&name)
        .bind(&new.description)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .unique_is(Constraint::ProjectKey)?;
        let project_id: i64 = get(&row, "id")?;
        let project = from_row(&row)?;
        for (key, name) in DEFAULT_ENVIRONMENTS {
            let env = NewEnvironment {
                key: key.to_owned(),
                name: Some(name.to_owned()),
                requires_approval: false,
                required_approvals: None,
            };
            environments::insert(&mut tx, project_id, &env).await?;
        }
        tx.audit(Record {
            actor,
            action: "project.create",
            resource_type: "project",
            resource_key: project.key.clone(),
            project: Some(&project.key),
            environment: None,
            before: None,
            after: Some(json_text(&project)?),
        })
        .await?;
        tx.commit().await?;
        Ok(project)
    }

    /// Creates the `default` project if there is no project at all.
    pub async fn ensure_default_project(&self) -> Result<()> {
        let row = sqlx::query("select count(*) as n from project").fetch_one(&self.pool).await?;
        let n: i64 = get(&row, "n")?;
        if n == 0 {
            let new = NewProject {
                key: "default".to_owned(),
                name: Some("Default".to_owned()),
                description: String::new(),
            };
            match self.create_project(&Actor::system(), new).await {
                // Another replica created it first.
                Ok(_) | Err(Error::Duplicate { constraint: super::Constraint::ProjectKey }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Updates a project's name or description.
    pub async fn update_project(
        &self,
        actor: &Actor,
        key: &str,
        expected_version: Option<i64>,
        patch: ProjectPatch,
    ) -> Result<Project> {
        let mut tx = self.begin().await?;
        super::lock_project(&mut tx, key).await?;
        let before = from_row(
            &sqlx::query(&format!("select {COLUMNS} from project where key = $1"))
                .bind(key)
                .fetch_one(&mut **tx)
                .await?,
        )?;
        super::check_version(expected_version, before.version)?;
        let row = sqlx::query(&format!(
            "update project set name = $1, description = $2, version = version + 1, updated_at = $3
             where key = $4 returning {COLUMNS}"
        ))
        .bind(patch.name.unwrap_or_else(|| before.name.clone()))
        .bind(patch.description.unwrap_or_else(|| before.description.clone()))
        .bind(Timestamp::now().0)
        .bind(key)
        .fetch_one(&mut **tx)
        .await?;
        let after = from_row(&row)?;
        tx.audit(Record {
            actor,
            action: "project.update",
            resource_type: "project",
            resource_key: key.to_owned(),
            project: Some(key),
            environment: None,
            before: Some(json_text(&before)?),
            after: Some(json_text(&after)?),
        })
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a project with everything in it.
    pub async fn delete_project(
        &self,
        actor: &Actor,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, key).await?;
        let before = from_row(
            &sqlx::query(&format!("select {COLUMNS} from project where key = $1"))
                .bind(key)
                .fetch_one(&mut **tx)
                .await?,
        )?;
        super::check_version(expected_version, before.version)?;
        for env in environments::all_of_project(&mut tx, project_id).await? {
            tx.announce_removal(env.id).await?;
        }
        sqlx::query("delete from project where key = $1").bind(key).execute(&mut **tx).await?;
        tx.audit(Record {
            actor,
            action: "project.delete",
            resource_type: "project",
            resource_key: key.to_owned(),
            project: Some(key),
            environment: None,
            before: Some(json_text(&before)?),
            after: None,
        })
        .await?;
        tx.commit().await
    }
}
