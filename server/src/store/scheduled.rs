//! Scheduled changes: a semantic patch to a flag's configuration in one environment,
//! applied through the one configuration write when it comes due.
//!
//! A due change is claimed (`pending` → `running`, only from `pending`), written and
//! marked `done` or `failed` in one transaction under the project lock: a replica that
//! dies midway leaves it `pending` (the transaction rolls back) for the next look, and
//! two replicas never both apply it. `running` is never committed. What it must not do:
//! write a configuration any other way, or retry a change that no longer validates.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use vexil_core::patch::Patch;

use super::audit::Record;
use super::change_requests::is_stale_change;
use super::error::{Conflict, Missing};
use super::flag_rules::derive_patched;
use super::flag_writes::{Audited, Target, Via};
use super::{Actor, Error, Result, Store, Timestamp, environments, from_json_text, get, json_text};

/// A run this long after its due time is reported late (`ran_late`), whatever the
/// reason; so is one due before the replica that ran it had started its scheduler
/// (every replica was down at the time).
pub const LATE_AFTER_MS: i64 = 5_000;

/// Where a scheduled change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScheduledState {
    /// Waiting for its time.
    Pending,
    /// Claimed by the transaction that applies it; never committed, so never seen
    /// outside that transaction.
    Running,
    /// Written (or found already in effect).
    Done,
    /// Its instructions no longer applied or validated; `reason` says why.
    Failed,
    /// Withdrawn.
    Cancelled,
}

impl ScheduledState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduledState::Pending => "pending",
            ScheduledState::Running => "running",
            ScheduledState::Done => "done",
            ScheduledState::Failed => "failed",
            ScheduledState::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Result<ScheduledState> {
        serde_json::from_value(serde_json::Value::from(s))
            .map_err(|_| Error::Internal(format!("stored scheduled change state {s:?}")))
    }
}

/// A scheduled change as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScheduledChange {
    /// Id, unique across projects.
    pub id: i64,
    /// The flag's key.
    pub flag: String,
    /// The environment's key.
    pub environment: String,
    /// The instructions.
    pub patch: Patch,
    /// When it is due.
    pub run_at: Timestamp,
    /// Where it stands.
    pub state: ScheduledState,
    /// Who scheduled it (or authored the change request it came from); the scheduler
    /// acts on their behalf.
    pub author: String,
    /// The approved change request it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub change_request_id: Option<i64>,
    /// When it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub ran_at: Option<Timestamp>,
    /// Whether it ran late: due while no replica was running, or more than
    /// [`LATE_AFTER_MS`] after its time.
    pub ran_late: bool,
    /// How long after `run_at` it ran, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub late_by_ms: Option<i64>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub reason: Option<String>,
    /// The configuration version it wrote (absent when it changed nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub result_version: Option<i64>,
    /// Bumped on each change (ETag).
    pub version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Body of a scheduled change's creation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScheduledChange {
    /// The flag's key.
    pub flag: String,
    /// The environment's key.
    pub environment: String,
    /// The instructions.
    pub patch: Patch,
    /// RFC 3339; not in the past.
    #[schema(format = DateTime)]
    pub run_at: String,
}

/// Body of a scheduled change's edit; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduledChangePatch {
    /// New instructions.
    #[serde(default)]
    pub patch: Option<Patch>,
    /// New time, RFC 3339; not in the past.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub run_at: Option<String>,
}

const COLUMNS: &str = "s.id, s.patch, s.run_at, s.state, s.author, s.change_request_id, s.ran_at, s.late_by_ms, s.ran_late, \
    s.reason, s.result_version, s.version, s.created_at, s.updated_at, f.key as flag_key, e.key as env_key";

const FROM: &str = "scheduled_change s join flag f on f.id = s.flag_id join environment e on e.id = s.environment_id \
    join project p on p.id = s.project_id";

fn from_row(row: &AnyRow) -> Result<ScheduledChange> {
    Ok(ScheduledChange {
        id: get(row, "id")?,
        flag: get(row, "flag_key")?,
        environment: get(row, "env_key")?,
        patch: from_json_text(&get::<String>(row, "patch")?, "scheduled patch")?,
        run_at: Timestamp(get(row, "run_at")?),
        state: ScheduledState::parse(&get::<String>(row, "state")?)?,
        author: get(row, "author")?,
        change_request_id: get(row, "change_request_id")?,
        ran_at: get::<Option<i64>>(row, "ran_at")?.map(Timestamp),
        ran_late: super::to_bool(get(row, "ran_late")?),
        late_by_ms: get(row, "late_by_ms")?,
        reason: get(row, "reason")?,
        result_version: get(row, "result_version")?,
        version: get(row, "version")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

async fn fetch(tx: &mut Transaction<'static, Any>, project_id: i64, id: i64) -> Result<ScheduledChange> {
    let row = sqlx::query(&format!("select {COLUMNS} from {FROM} where s.project_id = $1 and s.id = $2"))
        .bind(project_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::NotFound(Missing::ScheduledChange(id)))?;
    from_row(&row)
}

/// Parses a due time: RFC 3339, not before now (a minute of slack for clocks).
fn parse_run_at(s: &str) -> Result<Timestamp> {
    let t = Timestamp::parse_rfc3339(s)
        .ok_or_else(|| Error::invalid("/run_at", "run_at must be an RFC 3339 time"))?;
    if t.0 < Timestamp::now().0 - 60_000 {
        return Err(Error::invalid("/run_at", "run_at is in the past"));
    }
    Ok(t)
}

/// Inserts a pending scheduled change (the caller audits it); returns its id.
pub(super) async fn insert(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    (flag, env): (&str, &str),
    patch: &Patch,
    run_at: Timestamp,
    author: &str,
    change_request_id: Option<i64>,
) -> Result<i64> {
    let now = Timestamp::now().0;
    let row = sqlx::query(
        "insert into scheduled_change (project_id, flag_id, environment_id, patch, run_at, state, author,
         change_request_id, version, created_at, updated_at)
         values ($1, (select id from flag where project_id = $1 and key = $2),
         (select id from environment where project_id = $1 and key = $3), $4, $5, 'pending', $6, $7, 1, $8, $8)
         returning id",
    )
    .bind(project_id)
    .bind(flag)
    .bind(env)
    .bind(json_text(patch)?)
    .bind(run_at.0)
    .bind(author)
    .bind(change_request_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    get(&row, "id")
}

/// Audits the creation of scheduled change `id` as `scheduled_change.create`.
pub(super) async fn audit_created(
    tx: &mut super::pipeline::Write,
    actor: &Actor,
    project: &str,
    id: i64,
) -> Result<()> {
    let project_id: i64 = get(
        &sqlx::query("select project_id from scheduled_change where id = $1")
            .bind(id)
            .fetch_one(&mut ***tx)
            .await?,
        "project_id",
    )?;
    let sc = fetch(tx, project_id, id).await?;
    audit_schedule(tx, actor, "scheduled_change.create", project, &sc, None, None).await
}

async fn audit_schedule(
    tx: &mut super::pipeline::Write,
    actor: &Actor,
    action: &str,
    project: &str,
    after: &ScheduledChange,
    before: Option<&ScheduledChange>,
    comment: Option<&str>,
) -> Result<()> {
    tx.audit_with_comment(
        Record {
            actor,
            action,
            resource_type: "scheduled_change",
            resource_key: format!("{project}/{}", after.id),
            project: Some(project),
            environment: Some(&after.environment),
            before: before.map(json_text).transpose()?,
            after: Some(json_text(after)?),
        },
        comment,
    )
    .await
}

impl Store {
    /// Schedules a patch for a flag in an environment. An environment that requires
    /// approval refuses ([`Error::ApprovalRequired`]): there a change request with
    /// `scheduled_at` becomes a scheduled change once approved. The patch is validated
    /// when it runs, against the configuration of that time. Audited as
    /// `scheduled_change.create`.
    pub async fn create_scheduled_change(
        &self,
        actor: &Actor,
        project: &str,
        new: NewScheduledChange,
    ) -> Result<ScheduledChange> {
        let run_at = parse_run_at(&new.run_at)?;
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        super::flags::fetch(&mut tx, project_id, &new.flag, self.stale_after_ms).await?;
        let env = environments::fetch(&mut tx, project_id, &new.environment).await?;
        if env.requires_approval {
            return Err(Error::ApprovalRequired { project: project.to_owned(), environment: env.key });
        }
        let id =
            insert(&mut tx, project_id, (&new.flag, &new.environment), &new.patch, run_at, &actor.0, None)
                .await?;
        let sc = fetch(&mut tx, project_id, id).await?;
        audit_schedule(&mut tx, actor, "scheduled_change.create", project, &sc, None, None).await?;
        tx.commit().await?;
        self.wake_scheduler();
        Ok(sc)
    }

    /// The project's scheduled changes, soonest first, optionally in one state.
    pub async fn list_scheduled_changes(
        &self,
        project: &str,
        state: Option<ScheduledState>,
    ) -> Result<Vec<ScheduledChange>> {
        self.get_project(project).await?;
        let mut w = super::filter::Where::new();
        let n = w.text(project);
        w.and(format!("p.key = {n}"));
        if let Some(state) = state {
            let n = w.text(state.as_str());
            w.and(format!("s.state = {n}"));
        }
        let sql = format!("select {COLUMNS} from {FROM} {} order by s.run_at, s.id limit 1000", w.sql());
        let rows = w.bind(&sql)?.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// One scheduled change.
    pub async fn get_scheduled_change(&self, project: &str, id: i64) -> Result<ScheduledChange> {
        let row = sqlx::query(&format!("select {COLUMNS} from {FROM} where p.key = $1 and s.id = $2"))
            .bind(project)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => from_row(&row),
            None => {
                self.get_project(project).await?;
                Err(Error::NotFound(Missing::ScheduledChange(id)))
            }
        }
    }

    /// Changes the time or the instructions of a pending change (`expected_version`:
    /// `If-Match`). One that came from an approved change request cannot change its
    /// instructions or time (it would skip the approval): cancel it and ask again.
    /// Audited as `scheduled_change.update`.
    pub async fn update_scheduled_change(
        &self,
        actor: &Actor,
        project: &str,
        id: i64,
        expected_version: Option<i64>,
        edit: ScheduledChangePatch,
    ) -> Result<ScheduledChange> {
        let run_at = edit.run_at.as_deref().map(parse_run_at).transpose()?;
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, id).await?;
        super::check_version(expected_version, before.version)?;
        if before.state != ScheduledState::Pending {
            return Err(Error::Conflict(Conflict::ScheduledChangeClosed { id, state: before.state }));
        }
        if before.change_request_id.is_some() {
            return Err(Error::Conflict(Conflict::ScheduledByApproval {
                id,
                change_request: before.change_request_id.unwrap_or_default(),
            }));
        }
        let env = environments::fetch(&mut tx, project_id, &before.environment).await?;
        if env.requires_approval {
            return Err(Error::ApprovalRequired { project: project.to_owned(), environment: env.key });
        }
        let patch = edit.patch.as_ref().unwrap_or(&before.patch);
        sqlx::query(
            "update scheduled_change set patch = $1, run_at = $2, version = version + 1, updated_at = $3 where id = $4",
        )
        .bind(json_text(patch)?)
        .bind(run_at.unwrap_or(before.run_at).0)
        .bind(Timestamp::now().0)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        let after = fetch(&mut tx, project_id, id).await?;
        audit_schedule(&mut tx, actor, "scheduled_change.update", project, &after, Some(&before), None)
            .await?;
        tx.commit().await?;
        self.wake_scheduler();
        Ok(after)
    }

    /// Cancels a pending change. Audited as `scheduled_change.cancel`.
    pub async fn cancel_scheduled_change(
        &self,
        actor: &Actor,
        project: &str,
        id: i64,
    ) -> Result<ScheduledChange> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, id).await?;
        let done = sqlx::query(
            "update scheduled_change set state = 'cancelled', version = version + 1, updated_at = $1
             where id = $2 and state = 'pending'",
        )
        .bind(Timestamp::now().0)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(Error::Conflict(Conflict::ScheduledChangeClosed { id, state: before.state }));
        }
        let after = fetch(&mut tx, project_id, id).await?;
        audit_schedule(&mut tx, actor, "scheduled_change.cancel", project, &after, Some(&before), None)
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// When the next pending change is due, if any.
    pub async fn next_scheduled_change_due(&self) -> Result<Option<Timestamp>> {
        let row = sqlx::query("select min(run_at) as at from scheduled_change where state = 'pending'")
            .fetch_one(&self.pool)
            .await?;
        Ok(get::<Option<i64>>(&row, "at")?.map(Timestamp))
    }

    /// Runs every pending change due at `now`, each in its own transaction; returns how
    /// many this call ran (another replica may have run the rest). A change whose run
    /// fails for want of the database is logged and stays pending. `started_at` is when
    /// this replica's scheduler started: a change due before it ran while no scheduler
    /// was running, and is reported late.
    pub async fn run_due_scheduled_changes(&self, now: Timestamp, started_at: Timestamp) -> Result<usize> {
        let rows = sqlx::query(
            "select s.id, p.key from scheduled_change s join project p on p.id = s.project_id
             where s.state = 'pending' and s.run_at <= $1 order by s.run_at, s.id limit 100",
        )
        .bind(now.0)
        .fetch_all(&self.pool)
        .await?;
        let mut ran = 0;
        for row in &rows {
            let (id, project): (i64, String) = (get(row, "id")?, get(row, "key")?);
            // One change that cannot run now (the database failed under it) must not
            // hold back the others: it stays pending for the next look.
            match self.run_scheduled_change(&project, id, started_at).await {
                Ok(true) => ran += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(scheduled_change.id = id, error = %e, "a scheduled change could not run; will retry");
                }
            }
        }
        Ok(ran)
    }

    /// Claims and runs one due change; `false` when another replica had it already.
    async fn run_scheduled_change(&self, project: &str, id: i64, started_at: Timestamp) -> Result<bool> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let now = Timestamp::now().0;
        let claimed = sqlx::query(
            "update scheduled_change set state = 'running' where id = $1 and state = 'pending' and run_at <= $2
             returning id",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
        if claimed.is_none() {
            return Ok(false);
        }
        let mut before = fetch(&mut tx, project_id, id).await?;
        // As others saw it: the claim is this transaction's own.
        before.state = ScheduledState::Pending;
        let late_by = (now - before.run_at.0).max(0);
        // Due before any scheduler of this replica looked: every replica was down then.
        let late = before.run_at.0 < started_at.0 || late_by > LATE_AFTER_MS;
        let actor = Actor(format!("scheduler:{}", before.author));
        let comment = match &before.patch.comment {
            Some(c) => format!("scheduled change {id}: {c}"),
            None => format!("scheduled change {id}"),
        };
        let target = Target { project, project_id, flag: &before.flag, env: &before.environment };
        let audited = Audited { action: "flag_config.patch", comment: Some(&comment), via: Via::Scheduled };
        let patch = before.patch.clone();
        let result =
            self.write_config_in(&mut tx, &actor, &target, audited, |c| derive_patched(c, &patch)).await;
        let (state, reason, version) = match result {
            Ok((record, changed)) => {
                let version = changed.then_some(record.config.version as i64);
                (ScheduledState::Done, None, version)
            }
            Err(e) if is_stale_change(&e) => (ScheduledState::Failed, Some(self.reason_of(&e)), None),
            Err(e) => return Err(e),
        };
        sqlx::query(
            "update scheduled_change set state = $1, reason = $2, result_version = $3, ran_at = $4, late_by_ms = $5,
             ran_late = $7, version = version + 1, updated_at = $4 where id = $6",
        )
        .bind(state.as_str())
        .bind(reason.as_deref())
        .bind(version)
        .bind(now)
        .bind(late_by)
        .bind(id)
        .bind(super::from_bool(late))
        .execute(&mut **tx)
        .await?;
        let after = fetch(&mut tx, project_id, id).await?;
        let action =
            if state == ScheduledState::Done { "scheduled_change.run" } else { "scheduled_change.fail" };
        audit_schedule(&mut tx, &actor, action, project, &after, Some(&before), reason.as_deref()).await?;
        tx.commit().await?;
        if after.ran_late {
            tracing::warn!(
                scheduled_change.id = id,
                late_by_ms = after.late_by_ms.unwrap_or_default(),
                "a scheduled change ran late"
            );
        }
        Ok(true)
    }
}
