//! Segments: reusable audiences of a project, shared by all its environments.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use vexil_core::validate::{regex_bytes_of_segment, validate_segment};
use vexil_core::{Op, Segment, SegmentRule};

use super::audit::Record;
use super::changes::ChangeKind;
use super::error::{Conflict, Missing};
use super::error::{Constraint, UniqueIs};
use super::flags::configs_naming;
use super::servable::{self, Adding, Exclude};
use super::{Actor, Error, Result, Store, Timestamp, from_json_text, get, json_text};

/// A segment as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SegmentRecord {
    /// The segment; its `version` is the ETag.
    #[serde(flatten)]
    pub segment: Segment,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Body of a segment creation or replacement.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SegmentBody {
    /// Lower-case slug; required on creation, optional (and unchangeable) on replace.
    #[serde(default)]
    #[schema(pattern = r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
    pub key: Option<String>,
    /// Display name.
    #[serde(default)]
    #[schema(default = "")]
    pub name: String,
    /// Who the audience is.
    #[serde(default)]
    #[schema(default = "")]
    pub description: String,
    /// Context keys always in.
    #[serde(default)]
    #[schema(default = json!([]))]
    pub included: Vec<String>,
    /// Context keys never in (unless included).
    #[serde(default)]
    #[schema(default = json!([]))]
    pub excluded: Vec<String>,
    /// A context matching any rule is in.
    #[serde(default)]
    #[schema(default = json!([]))]
    pub rules: Vec<SegmentRule>,
}

/// What is stored in the `definition` column.
#[derive(Serialize, Deserialize)]
pub(super) struct Definition {
    pub(super) included: Vec<String>,
    pub(super) excluded: Vec<String>,
    pub(super) rules: Vec<SegmentRule>,
}

const COLUMNS: &str =
    "s.id, s.key, s.name, s.description, s.definition, s.version, s.created_at, s.updated_at";

fn from_row(row: &AnyRow) -> Result<SegmentRecord> {
    let d: Definition = from_json_text(&get::<String>(row, "definition")?, "segment")?;
    Ok(SegmentRecord {
        segment: Segment {
            key: get(row, "key")?,
            name: get(row, "name")?,
            description: get(row, "description")?,
            included: d.included,
            excluded: d.excluded,
            rules: d.rules,
            version: get::<i64>(row, "version")? as u64,
        },
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

fn segment_of(key: String, body: SegmentBody) -> Segment {
    Segment {
        name: if body.name.is_empty() { key.clone() } else { body.name },
        key,
        description: body.description,
        included: body.included,
        excluded: body.excluded,
        rules: body.rules,
        version: 0,
    }
}

/// Validates a segment off the async threads: compiling its regular expressions is the
/// expensive part, and it happens before any transaction holds a lock.
async fn validated(segment: Segment) -> Result<Segment> {
    tokio::task::spawn_blocking(move || validate_segment(&segment).map(|()| segment))
        .await
        .map_err(|e| Error::Internal(format!("validation task: {e}")))?
        .map_err(Error::from)
}

impl Store {
    /// A project's segments, by key.
    pub async fn list_segments(&self, project: &str) -> Result<Vec<SegmentRecord>> {
        self.get_project(project).await?;
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from segment s join project p on p.id = s.project_id where p.key = $1 order by s.key"
        ))
        .bind(project)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One segment.
    pub async fn get_segment(&self, project: &str, key: &str) -> Result<SegmentRecord> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from segment s join project p on p.id = s.project_id where p.key = $1 and s.key = $2"
        ))
        .bind(project)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => from_row(&row),
            None => {
                self.get_project(project).await?;
                Err(Error::NotFound(Missing::Segment(key.to_owned())))
            }
        }
    }

    /// Creates a segment.
    pub async fn create_segment(
        &self,
        actor: &Actor,
        project: &str,
        body: SegmentBody,
    ) -> Result<SegmentRecord> {
        let Some(key) = body.key.clone() else {
            return Err(Error::invalid("/key", "key is required"));
        };
        let segment = validated(segment_of(key, body)).await?;
        self.write_segment(actor, project, segment, None).await
    }

    /// Replaces a segment's definition.
    pub async fn replace_segment(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        expected_version: Option<i64>,
        body: SegmentBody,
    ) -> Result<SegmentRecord> {
        if body.key.as_deref().is_some_and(|k| k != key) {
            return Err(Error::invalid("/key", "a segment's key cannot change"));
        }
        let segment = validated(segment_of(key.to_owned(), body)).await?;
        self.write_segment(actor, project, segment, Some(expected_version)).await
    }

    /// Inserts (`expected_version: None`) or replaces a segment, telling every
    /// environment of the project.
    async fn write_segment(
        &self,
        actor: &Actor,
        project: &str,
        mut segment: Segment,
        expected_version: Option<Option<i64>>,
    ) -> Result<SegmentRecord> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let regex_bytes = regex_bytes_of_segment(&segment);
        // The totals can only grow if this segment's share does: the sum over every
        // configuration of every environment is needed only then.
        let stored: Option<Option<i64>> =
            sqlx::query_scalar("select regex_bytes from segment where project_id = $1 and key = $2")
                .bind(project_id)
                .bind(&segment.key)
                .fetch_optional(&mut **tx)
                .await?;
        if regex_bytes as i64 > stored.flatten().unwrap_or(0) {
            servable::ensure_regex_budget(
                &mut tx,
                project_id,
                None,
                Exclude::Segment(segment.key.clone()),
                Adding::Bytes(regex_bytes),
            )
            .await?;
        }
        let definition = json_text(&Definition {
            included: segment.included.clone(),
            excluded: segment.excluded.clone(),
            rules: segment.rules.clone(),
        })?;
        let now = Timestamp::now().0;
        let (before, row) = match expected_version {
            None => {
                servable::ensure_room_for_segment(&mut tx, project_id).await?;
                let row = sqlx::query(
                    "insert into segment (project_id, key, name, description, definition, version, created_at, updated_at, regex_bytes)
                     values ($1, $2, $3, $4, $5, 1, $6, $6, $7) returning id, version, created_at",
                )
                .bind(project_id)
                .bind(&segment.key)
                .bind(&segment.name)
                .bind(&segment.description)
                .bind(&definition)
                .bind(now)
                .bind(regex_bytes as i64)
                .fetch_one(&mut **tx)
                .await.unique_is(Constraint::SegmentKey)?;
                (None, row)
            }
            Some(expected) => {
                let current = sqlx::query(&format!(
                    "select {COLUMNS} from segment s where s.project_id = $1 and s.key = $2"
                ))
                .bind(project_id)
                .bind(&segment.key)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| Error::NotFound(Missing::Segment(segment.key.clone())))?;
                let before = from_row(&current)?;
                super::check_version(expected, before.segment.version as i64)?;
                let row = sqlx::query(
                    "update segment set name = $1, description = $2, definition = $3, version = version + 1, updated_at = $4,
                         regex_bytes = $7
                     where project_id = $5 and key = $6 returning id, version, created_at",
                )
                .bind(&segment.name)
                .bind(&segment.description)
                .bind(&definition)
                .bind(now)
                .bind(project_id)
                .bind(&segment.key)
                .bind(regex_bytes as i64)
                .fetch_one(&mut **tx)
                .await?;
                (Some(before), row)
            }
        };
        segment.version = get::<i64>(&row, "version")? as u64;
        let record = SegmentRecord {
            segment,
            created_at: Timestamp(get(&row, "created_at")?),
            updated_at: Timestamp(now),
        };
        let payload = Some(json_text(&record.segment)?);
        tx.record_everywhere(project_id, ChangeKind::Segment, &record.segment.key, payload).await?;
        // Validated above, within the regular-expression budget; a segment uses no other
        // object, and flags name it by key, which this write keeps.
        tx.servable_by_construction("a valid segment refers to nothing");
        tx.audit(Record {
            actor,
            action: if before.is_some() { "segment.update" } else { "segment.create" },
            resource_type: "segment",
            resource_key: format!("{project}/{}", record.segment.key),
            project: Some(project),
            environment: None,
            before: before.as_ref().map(json_text).transpose()?,
            after: Some(json_text(&record)?),
        })
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Deletes a segment no rule uses.
    pub async fn delete_segment(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let row =
            sqlx::query(&format!("select {COLUMNS} from segment s where s.project_id = $1 and s.key = $2"))
                .bind(project_id)
                .bind(key)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| Error::NotFound(Missing::Segment(key.to_owned())))?;
        let before = from_row(&row)?;
        super::check_version(expected_version, before.segment.version as i64)?;
        // Archived flags count: one that uses the segment could never be restored.
        let dependents: Vec<String> = configs_naming(&mut tx, project_id, key, true)
            .await?
            .iter()
            .flat_map(|c| {
                c.config.rules.iter().enumerate().filter_map(move |(i, rule)| {
                    let uses = rule.conditions.iter().any(|cond| {
                        cond.op == Op::InSegment && cond.values.iter().any(|v| v.as_str() == Some(key))
                    });
                    uses.then(|| format!("{}, rule {i} ({})", c.describe(), rule.id))
                })
            })
            .collect();
        if !dependents.is_empty() {
            return Err(Error::Conflict(Conflict::SegmentInUse { segment: key.to_owned(), dependents }));
        }
        sqlx::query("delete from segment where project_id = $1 and key = $2")
            .bind(project_id)
            .bind(key)
            .execute(&mut **tx)
            .await?;
        tx.record_everywhere(project_id, ChangeKind::SegmentDeleted, key, None).await?;
        tx.servable_by_construction("no configuration, archived ones included, uses it (checked above)");
        tx.audit(Record {
            actor,
            action: "segment.delete",
            resource_type: "segment",
            resource_key: format!("{project}/{key}"),
            project: Some(project),
            environment: None,
            before: Some(json_text(&before)?),
            after: None,
        })
        .await?;
        tx.commit().await
    }
}
