//! Change requests: a semantic patch to a flag's configuration in one environment that
//! waits for approvals from editors other than its author, then goes through the one
//! configuration write ([`Store::write_config_in`]) like any other change.
//!
//! Approving the last needed one applies the request inside the approval's own
//! transaction, under the project lock and a versioned update of the request row, so a
//! request applies exactly once however many approvals race. What it must not do: write
//! a configuration any other way, or leave a request `open` after applying it.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use vexil_core::FlagConfig;
use vexil_core::patch::Patch;

use super::audit::Record;
use super::error::{Conflict, Missing, Refusal};
use super::flag_rules::derive_patched;
use super::flag_writes::{Audited, Target, Via};
use super::{Actor, Backend, Error, Result, Store, Timestamp, environments, from_json_text, get, json_text};

/// Who acts on a request: the audit name and the person behind it (a user, or the user
/// an API token acts for), which decides who may approve.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// As the audit log names them.
    pub actor: &'a Actor,
    /// `user:<id>`, or `token:<id>` for a token that acts for nobody known.
    pub person: &'a str,
}

/// Where a change request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeRequestState {
    /// Waiting for approvals.
    Open,
    /// Approved and written.
    Applied,
    /// Approved and handed to a scheduled change (`scheduled_at`).
    Scheduled,
    /// Refused by an approver.
    Rejected,
    /// Withdrawn by its author.
    Cancelled,
    /// Approved, but its instructions no longer apply to the current configuration.
    Conflicted,
}

impl ChangeRequestState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeRequestState::Open => "open",
            ChangeRequestState::Applied => "applied",
            ChangeRequestState::Scheduled => "scheduled",
            ChangeRequestState::Rejected => "rejected",
            ChangeRequestState::Cancelled => "cancelled",
            ChangeRequestState::Conflicted => "conflicted",
        }
    }

    fn parse(s: &str) -> Result<ChangeRequestState> {
        serde_json::from_value(serde_json::Value::from(s))
            .map_err(|_| Error::Internal(format!("stored change request state {s:?}")))
    }
}

/// An approval given.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChangeRequestApproval)]
pub struct Approval {
    /// Who approved, as the audit log names them.
    pub actor: String,
    /// When.
    pub at: Timestamp,
}

/// A comment in a request's thread.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ChangeRequestComment)]
pub struct Comment {
    /// Increasing id.
    pub id: i64,
    /// Who wrote it.
    pub actor: String,
    /// What they wrote.
    pub body: String,
    /// When.
    pub at: Timestamp,
}

/// A change request as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChangeRequest {
    /// Id, unique across projects.
    pub id: i64,
    /// The flag's key.
    pub flag: String,
    /// The environment's key.
    pub environment: String,
    /// What the change is, in a line.
    pub title: String,
    /// The instructions.
    pub patch: Patch,
    /// The configuration version the author saw.
    pub base_version: i64,
    /// Who asked, as the audit log names them.
    pub author: String,
    #[serde(skip)]
    author_person: String,
    /// Where it stands.
    pub state: ChangeRequestState,
    /// Why it was rejected or conflicted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub reason: Option<String>,
    /// When set, approval schedules the change for this time instead of applying it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub scheduled_at: Option<Timestamp>,
    /// The configuration version its application wrote (or found, when it changed
    /// nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub applied_version: Option<i64>,
    /// The scheduled change approval made of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub scheduled_change_id: Option<i64>,
    /// Approvals the environment requires (read now; at approval time for closed ones).
    #[schema(minimum = 1)]
    pub required_approvals: i64,
    /// Approvals given.
    pub approvals: Vec<Approval>,
    /// The comment thread, oldest first.
    pub comments: Vec<Comment>,
    /// Bumped on each change of the request (ETag).
    pub version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Body of a change request's creation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChangeRequest {
    /// The flag's key.
    pub flag: String,
    /// The environment's key.
    pub environment: String,
    /// What the change is, in a line (1 to 200 characters, not blank).
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The instructions.
    pub patch: Patch,
    /// RFC 3339: when approved, schedule the change for this time instead of applying it.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub scheduled_at: Option<String>,
}

/// What a request would do to the current configuration.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChangeRequestDiff {
    /// The configuration now.
    pub before: FlagConfig,
    /// The configuration the request would make of it (`None`: it no longer applies).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub after: Option<FlagConfig>,
    /// Why it no longer applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub problem: Option<String>,
}

const COLUMNS: &str = "c.id, c.title, c.patch, c.base_version, c.author, c.author_person, c.state, c.reason, \
    c.scheduled_at, c.applied_version, c.scheduled_change_id, c.version, c.created_at, c.updated_at, \
    f.key as flag_key, e.key as env_key, e.required_approvals";

const FROM: &str = "change_request c join flag f on f.id = c.flag_id join environment e on e.id = c.environment_id \
    join project p on p.id = c.project_id";

fn from_row(row: &AnyRow) -> Result<ChangeRequest> {
    Ok(ChangeRequest {
        id: get(row, "id")?,
        flag: get(row, "flag_key")?,
        environment: get(row, "env_key")?,
        title: get(row, "title")?,
        patch: from_json_text(&get::<String>(row, "patch")?, "change request patch")?,
        base_version: get(row, "base_version")?,
        author: get(row, "author")?,
        author_person: get(row, "author_person")?,
        state: ChangeRequestState::parse(&get::<String>(row, "state")?)?,
        reason: get(row, "reason")?,
        scheduled_at: get::<Option<i64>>(row, "scheduled_at")?.map(Timestamp),
        applied_version: get(row, "applied_version")?,
        scheduled_change_id: get(row, "scheduled_change_id")?,
        required_approvals: get(row, "required_approvals")?,
        approvals: Vec::new(),
        comments: Vec::new(),
        version: get(row, "version")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

/// Fills approvals and comments.
async fn complete(conn: &mut sqlx::AnyConnection, cr: &mut ChangeRequest) -> Result<()> {
    let rows = sqlx::query(
        "select actor, at from change_request_approval where change_request_id = $1 order by at, person",
    )
    .bind(cr.id)
    .fetch_all(&mut *conn)
    .await?;
    cr.approvals = rows
        .iter()
        .map(|r| Ok(Approval { actor: get(r, "actor")?, at: Timestamp(get(r, "at")?) }))
        .collect::<Result<_>>()?;
    let rows = sqlx::query(
        "select id, actor, body, at from change_request_comment where change_request_id = $1 order by id",
    )
    .bind(cr.id)
    .fetch_all(&mut *conn)
    .await?;
    cr.comments = rows
        .iter()
        .map(|r| {
            Ok(Comment {
                id: get(r, "id")?,
                actor: get(r, "actor")?,
                body: get(r, "body")?,
                at: Timestamp(get(r, "at")?),
            })
        })
        .collect::<Result<_>>()?;
    Ok(())
}

/// Reads a request of the project in a write transaction, locking its row on PostgreSQL
/// (the project lock already serialises writers; the row lock keeps that true should a
/// writer ever skip it).
async fn fetch_locked(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    project_id: i64,
    id: i64,
) -> Result<ChangeRequest> {
    let lock = if backend == Backend::Postgres { " for update of c" } else { "" };
    let row =
        sqlx::query(&format!("select {COLUMNS} from {FROM} where c.project_id = $1 and c.id = $2{lock}"))
            .bind(project_id)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::ChangeRequest(id)))?;
    let mut cr = from_row(&row)?;
    complete(tx, &mut cr).await?;
    Ok(cr)
}

/// Moves a request to `state`, only from the version read: a second writer that slipped
/// past the locks fails here instead of applying twice.
async fn set_state(
    tx: &mut Transaction<'static, Any>,
    cr: &ChangeRequest,
    state: ChangeRequestState,
    reason: Option<&str>,
    applied_version: Option<i64>,
    scheduled_change_id: Option<i64>,
) -> Result<()> {
    let done = sqlx::query(
        "update change_request set state = $1, reason = $2, applied_version = $3, scheduled_change_id = $4,
         version = version + 1, updated_at = $5 where id = $6 and version = $7",
    )
    .bind(state.as_str())
    .bind(reason)
    .bind(applied_version)
    .bind(scheduled_change_id)
    .bind(Timestamp::now().0)
    .bind(cr.id)
    .bind(cr.version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(Error::Conflict(Conflict::ChangeRequestChanged { id: cr.id }));
    }
    Ok(())
}

fn require_open(cr: &ChangeRequest) -> Result<()> {
    if cr.state == ChangeRequestState::Open {
        Ok(())
    } else {
        Err(Error::Conflict(Conflict::ChangeRequestClosed { id: cr.id, state: cr.state }))
    }
}

/// The longest title, in characters.
const MAX_TITLE_CHARS: usize = 200;
/// The longest comment, in characters.
const MAX_COMMENT_CHARS: usize = 4000;

/// Whether an error of the configuration write means "the request no longer applies"
/// (recorded on the request) rather than a failure of the call.
pub(super) fn is_stale_change(e: &Error) -> bool {
    matches!(
        e,
        Error::Invalid(_) | Error::Conflict { .. } | Error::NotFound(_) | Error::VersionMismatch { .. }
    )
}

impl Store {
    /// A stale change's error as one sentence for a request's, schedule's or plan's
    /// stored `reason`, in the words the application chose ([`StoreOptions::describe`](super::StoreOptions)).
    pub(super) fn reason_of(&self, e: &Error) -> String {
        (self.describe)(e)
    }

    /// Proposes a change. The patch must apply to the current configuration now (422
    /// otherwise) and change something; the request records the version it was made
    /// against. Audited as `change_request.create`.
    pub async fn create_change_request(
        &self,
        caller: Caller<'_>,
        project: &str,
        new: NewChangeRequest,
    ) -> Result<ChangeRequest> {
        let title = new.title.trim();
        if title.is_empty() || new.title.chars().count() > MAX_TITLE_CHARS {
            return Err(Error::invalid("/title", format!("a title has 1 to {MAX_TITLE_CHARS} characters")));
        }
        let scheduled_at =
            match &new.scheduled_at {
                None => None,
                Some(s) => Some(Timestamp::parse_rfc3339(s).ok_or_else(|| {
                    Error::invalid("/scheduled_at", "scheduled_at must be an RFC 3339 time")
                })?),
            };
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let target = Target { project, project_id, flag: &new.flag, env: &new.environment };
        let cr =
            self.insert_change_request(&mut tx, caller, &target, title, &new.patch, scheduled_at).await?;
        tx.commit().await?;
        Ok(cr)
    }

    /// Opens a change request inside a transaction that holds the project lock (a
    /// release plan's start where approval is required). The patch must apply to the
    /// current configuration now. Audited as `change_request.create`.
    pub(super) async fn open_change_request_in(
        &self,
        tx: &mut super::pipeline::Write,
        caller: Caller<'_>,
        target: &Target<'_>,
        title: &str,
        patch: &Patch,
    ) -> Result<ChangeRequest> {
        self.insert_change_request(tx, caller, target, title, patch, None).await
    }

    async fn insert_change_request(
        &self,
        tx: &mut super::pipeline::Write,
        caller: Caller<'_>,
        target: &Target<'_>,
        title: &str,
        patch: &Patch,
        scheduled_at: Option<Timestamp>,
    ) -> Result<ChangeRequest> {
        let Target { project, project_id, flag, env } = *target;
        let flag = super::flags::fetch(tx, project_id, flag, self.stale_after_ms).await?;
        let env = environments::fetch(tx, project_id, env).await?;
        let current = self.config_in_tx(tx, flag.id, env.id).await?;
        let changed = derive_patched(&current, patch).map_err(|e| match e {
            Error::Invalid(mut v) => {
                for p in &mut v.problems {
                    p.pointer = format!("/patch{}", p.pointer);
                }
                Error::Invalid(v)
            }
            other => other,
        })?;
        if changed.is_none() {
            return Err(Error::invalid("/patch", "the patch changes nothing in the current configuration"));
        }
        let now = Timestamp::now().0;
        let row = sqlx::query(
            "insert into change_request (project_id, flag_id, environment_id, title, patch, base_version, author,
             author_person, state, scheduled_at, version, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, 1, $10, $10) returning id",
        )
        .bind(project_id)
        .bind(flag.id)
        .bind(env.id)
        .bind(title)
        .bind(json_text(patch)?)
        .bind(current.version as i64)
        .bind(&caller.actor.0)
        .bind(caller.person)
        .bind(scheduled_at.map(|t| t.0))
        .bind(now)
        .fetch_one(&mut ***tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let cr = fetch_locked(tx, self.backend, project_id, id).await?;
        audit_request(tx, caller.actor, "change_request.create", project, &cr, None, None).await?;
        Ok(cr)
    }

    /// The project's change requests, newest first, optionally in one state.
    pub async fn list_change_requests(
        &self,
        project: &str,
        state: Option<ChangeRequestState>,
    ) -> Result<Vec<ChangeRequest>> {
        self.get_project(project).await?;
        let mut conn = self.pool.acquire().await?;
        let mut w = super::filter::Where::new();
        let n = w.text(project);
        w.and(format!("p.key = {n}"));
        if let Some(state) = state {
            let n = w.text(state.as_str());
            w.and(format!("c.state = {n}"));
        }
        let sql = format!("select {COLUMNS} from {FROM} {} order by c.id desc limit 1000", w.sql());
        let rows = w.bind(&sql)?.fetch_all(&mut *conn).await?;
        let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        for cr in &mut items {
            complete(&mut conn, cr).await?;
        }
        Ok(items)
    }

    /// One change request, with what it would do to the current configuration.
    pub async fn get_change_request(
        &self,
        project: &str,
        id: i64,
    ) -> Result<(ChangeRequest, ChangeRequestDiff)> {
        let mut tx = self.begin_read().await?;
        let row = sqlx::query(&format!(
            "select {COLUMNS}, c.flag_id, c.environment_id from {FROM} where p.key = $1 and c.id = $2"
        ))
        .bind(project)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            drop(tx);
            self.get_project(project).await?;
            return Err(Error::NotFound(Missing::ChangeRequest(id)));
        };
        let mut cr = from_row(&row)?;
        complete(&mut tx, &mut cr).await?;
        let before = self.config_in_tx(&mut tx, get(&row, "flag_id")?, get(&row, "environment_id")?).await?;
        let diff = match derive_patched(&before, &cr.patch) {
            Ok(after) => ChangeRequestDiff {
                after: Some(after.unwrap_or_else(|| before.clone())),
                before,
                problem: None,
            },
            Err(e) => ChangeRequestDiff { before, after: None, problem: Some(self.reason_of(&e)) },
        };
        Ok((cr, diff))
    }

    /// Adds a comment to a request's thread (any state). Audited as
    /// `change_request.comment`.
    pub async fn comment_change_request(
        &self,
        caller: Caller<'_>,
        project: &str,
        id: i64,
        body: &str,
    ) -> Result<ChangeRequest> {
        if body.trim().is_empty() || body.chars().count() > MAX_COMMENT_CHARS {
            return Err(Error::invalid(
                "/body",
                format!("a comment has 1 to {MAX_COMMENT_CHARS} characters"),
            ));
        }
        let body = body.trim();
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let cr = fetch_locked(&mut tx, self.backend, project_id, id).await?;
        sqlx::query(
            "insert into change_request_comment (change_request_id, actor, body, at) values ($1, $2, $3, $4)",
        )
        .bind(cr.id)
        .bind(&caller.actor.0)
        .bind(body)
        .bind(Timestamp::now().0)
        .execute(&mut **tx)
        .await?;
        let after = fetch_locked(&mut tx, self.backend, project_id, id).await?;
        audit_request(
            &mut tx,
            caller.actor,
            "change_request.comment",
            project,
            &after,
            Some(&cr),
            Some(body),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Approves a request. The author cannot ([`Error::Forbidden`]), nor can anyone
    /// twice; a closed request answers [`Error::Conflict`]. The approval that reaches the
    /// environment's `required_approvals` applies the request in the same transaction:
    /// its instructions go through the configuration write on top of whatever is
    /// current (state `applied`), or, when they no longer apply or validate, the request
    /// is `conflicted` with the reason and nothing is written. With `scheduled_at` it
    /// becomes a scheduled change instead (state `scheduled`). Audited as
    /// `change_request.approve`, then `change_request.apply`, `change_request.conflict`
    /// or `change_request.schedule`.
    pub async fn approve_change_request(
        &self,
        caller: Caller<'_>,
        project: &str,
        id: i64,
    ) -> Result<ChangeRequest> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let cr = fetch_locked(&mut tx, self.backend, project_id, id).await?;
        require_open(&cr)?;
        if cr.author_person == caller.person {
            return Err(Error::Forbidden(Refusal::ApproveOwnRequest));
        }
        let already = sqlx::query(
            "select 1 as one from change_request_approval where change_request_id = $1 and person = $2",
        )
        .bind(cr.id)
        .bind(caller.person)
        .fetch_optional(&mut **tx)
        .await?;
        if already.is_some() {
            return Err(Error::Conflict(Conflict::AlreadyApproved { id: cr.id }));
        }
        let now = Timestamp::now().0;
        sqlx::query("insert into change_request_approval (change_request_id, person, actor, at) values ($1, $2, $3, $4)")
            .bind(cr.id)
            .bind(caller.person)
            .bind(&caller.actor.0)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        let approved = fetch_locked(&mut tx, self.backend, project_id, id).await?;
        audit_request(&mut tx, caller.actor, "change_request.approve", project, &approved, Some(&cr), None)
            .await?;
        if approved.approvals.len() as i64 >= approved.required_approvals {
            let approvers =
                approved.approvals.iter().map(|a| a.actor.as_str()).collect::<Vec<_>>().join(", ");
            if let Some(at) = approved.scheduled_at {
                let sc = super::scheduled::insert(
                    &mut tx,
                    project_id,
                    (&approved.flag, &approved.environment),
                    &approved.patch,
                    at,
                    &approved.author,
                    Some(approved.id),
                )
                .await?;
                set_state(&mut tx, &approved, ChangeRequestState::Scheduled, None, None, Some(sc)).await?;
                let done = fetch_locked(&mut tx, self.backend, project_id, id).await?;
                let why = format!("approved by {approvers}; scheduled as change {sc}");
                audit_request(
                    &mut tx,
                    caller.actor,
                    "change_request.schedule",
                    project,
                    &done,
                    Some(&approved),
                    Some(&why),
                )
                .await?;
                super::scheduled::audit_created(&mut tx, caller.actor, project, sc).await?;
                tx.commit().await?;
                self.wake_scheduler();
                return Ok(done);
            }
            let author = Actor(approved.author.clone());
            let comment =
                format!("change request {}: {} (approved by {approvers})", approved.id, approved.title);
            let target = Target { project, project_id, flag: &approved.flag, env: &approved.environment };
            let audited =
                Audited { action: "flag_config.patch", comment: Some(&comment), via: Via::Approved };
            let patch = approved.patch.clone();
            // A request opened to start a release plan applies only while the plan is
            // still the draft waiting for it (it may have been discarded meanwhile).
            let plan = self.release_plan_of_request(&mut tx, approved.id).await?;
            let result = match &plan {
                Some(p) if p.state != crate::release::plan::PlanState::Draft => {
                    Err(Error::Conflict(Conflict::ReleasePlanState {
                        id: p.id,
                        state: p.state.as_str(),
                        action: "start",
                    }))
                }
                _ => {
                    self.write_config_in(&mut tx, &author, &target, audited, |current| {
                        derive_patched(current, &patch)
                    })
                    .await
                }
            };
            if let (Ok(_), Some(p)) = (&result, &plan) {
                self.start_approved_release_plan(
                    &mut tx,
                    &author,
                    project,
                    project_id,
                    p,
                    approved.id,
                    &approvers,
                )
                .await?;
            }
            let (state, reason, version, action) = match result {
                Ok((record, _changed)) => (
                    ChangeRequestState::Applied,
                    None,
                    Some(record.config.version as i64),
                    "change_request.apply",
                ),
                Err(e) if is_stale_change(&e) => (
                    ChangeRequestState::Conflicted,
                    Some(self.reason_of(&e)),
                    None,
                    "change_request.conflict",
                ),
                Err(e) => return Err(e),
            };
            set_state(&mut tx, &approved, state, reason.as_deref(), version, None).await?;
            let done = fetch_locked(&mut tx, self.backend, project_id, id).await?;
            audit_request(&mut tx, caller.actor, action, project, &done, Some(&approved), reason.as_deref())
                .await?;
            tx.commit().await?;
            return Ok(done);
        }
        tx.commit().await?;
        Ok(approved)
    }

    /// Rejects an open request, with an optional reason. Its author cancels instead
    /// ([`Error::Forbidden`]). Audited as `change_request.reject`.
    pub async fn reject_change_request(
        &self,
        caller: Caller<'_>,
        project: &str,
        id: i64,
        reason: Option<&str>,
    ) -> Result<ChangeRequest> {
        self.close_change_request(caller, project, id, ChangeRequestState::Rejected, reason).await
    }

    /// Withdraws an open request; only its author may. Audited as
    /// `change_request.cancel`.
    pub async fn cancel_change_request(
        &self,
        caller: Caller<'_>,
        project: &str,
        id: i64,
    ) -> Result<ChangeRequest> {
        self.close_change_request(caller, project, id, ChangeRequestState::Cancelled, None).await
    }

    async fn close_change_request(
        &self,
        caller: Caller<'_>,
        project: &str,
        id: i64,
        state: ChangeRequestState,
        reason: Option<&str>,
    ) -> Result<ChangeRequest> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let cr = fetch_locked(&mut tx, self.backend, project_id, id).await?;
        let is_author = cr.author_person == caller.person;
        let (action, refusal) = match state {
            ChangeRequestState::Rejected => {
                ("change_request.reject", is_author.then_some(Refusal::RejectOwnRequest))
            }
            _ => ("change_request.cancel", (!is_author).then_some(Refusal::CancelOthersRequest)),
        };
        if let Some(why) = refusal {
            return Err(Error::Forbidden(why));
        }
        require_open(&cr)?;
        set_state(&mut tx, &cr, state, reason, None, None).await?;
        let after = fetch_locked(&mut tx, self.backend, project_id, id).await?;
        audit_request(&mut tx, caller.actor, action, project, &after, Some(&cr), reason).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A flag's configuration in an environment, inside a transaction.
    pub(super) async fn config_in_tx(
        &self,
        tx: &mut Transaction<'static, Any>,
        flag_id: i64,
        environment_id: i64,
    ) -> Result<FlagConfig> {
        let row =
            sqlx::query("select config, version from flag_config where flag_id = $1 and environment_id = $2")
                .bind(flag_id)
                .bind(environment_id)
                .fetch_one(&mut **tx)
                .await?;
        let mut config: FlagConfig = from_json_text(&get::<String>(&row, "config")?, "flag configuration")?;
        config.version = get::<i64>(&row, "version")? as u64;
        Ok(config)
    }
}

async fn audit_request(
    tx: &mut super::pipeline::Write,
    actor: &Actor,
    action: &str,
    project: &str,
    after: &ChangeRequest,
    before: Option<&ChangeRequest>,
    comment: Option<&str>,
) -> Result<()> {
    tx.audit_with_comment(
        Record {
            actor,
            action,
            resource_type: "change_request",
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
