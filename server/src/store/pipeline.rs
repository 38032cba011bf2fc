//! The write pipeline: the one way to change what the database holds.
//!
//! Every write begins here ([`Store::begin`]) and gets a [`Write`]: a transaction that
//! carries what it must do before it may end. The sequence is owned once:
//!
//! 1. begin (on SQLite with the write lock, `begin immediate`) and take the project's
//!    write lock ([`Write::lock_project`]), so that writes to one project are
//!    serialised and the decisions below see a stable state;
//! 2. load what the decision needs and decide with pure functions (`vexil_core` for
//!    flags: validation, patches, layouts) — the caller's part;
//! 3. write the rows (SQL per table in the aggregate modules);
//! 4. record the change feed entry of every environment whose SDKs must hear of it
//!    ([`Write::record_change`], [`Write::record_everywhere`]) and the audit entry
//!    ([`Write::audit`]); both inserts exist only in this module;
//! 5. check the invariant that what the project stores can be served
//!    ([`super::servable`]): [`Write::commit`] runs the full check for any write that
//!    recorded a change and did not run it (or its exact per-configuration equivalent,
//!    [`Write::validated_config`]) itself;
//! 6. commit, then announce the new environment versions to this process's hubs (other
//!    replicas hear of them through the `pg_notify` queued with the feed row).
//!
//! What this makes impossible rather than merely unlikely: a write that changes what
//! SDKs see and is not announced (the feed row and the announcement are one call; the
//! only way to commit is [`Write::commit`], which announces what was recorded), and a
//! change of what SDKs see without an audit entry ([`Write::commit`] refuses it). A
//! [`Write`] dropped without commit rolls back and announces nothing.
//!
//! What this module must not do: decide anything about flags or segments. It knows
//! transactions, the feed, the audit log and the invariant check, nothing else.

use std::ops::{Deref, DerefMut};

use sqlx::{Any, Transaction};

use super::audit::{AUDIT_CHANNEL, Record, parse_json};
use super::changes::{ChangeKind, Committed, NOTIFY_CHANNEL};
use super::error::Missing;
use super::webhooks::{self, Event, EventCategory};
use super::{Backend, Error, Result, Store, Timestamp, get, servable};

/// Which environments a change is recorded in ([`Write::record`]).
#[derive(Clone, Copy)]
enum Environments {
    One(i64),
    OfProject(i64),
}

/// An open write transaction of the pipeline. Dereferences to the sqlx transaction for
/// the aggregate modules' SQL; the feed, the audit log and the commit go through its
/// methods.
#[must_use = "a write that is not committed rolls back"]
pub(super) struct Write {
    tx: Transaction<'static, Any>,
    store: Store,
    /// The project whose lock this write holds, for the invariant check.
    project_id: Option<i64>,
    /// Environment versions to announce after commit.
    announce: Vec<Committed>,
    /// Whether an audit entry was written.
    audited: bool,
    /// Whether a change of what SDKs see was recorded since the last invariant check.
    unchecked: bool,
}

impl Deref for Write {
    type Target = Transaction<'static, Any>;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Store {
    /// Begins a write. On SQLite it takes the write lock at once (`begin immediate`): a
    /// deferred transaction that reads and then writes cannot wait for another writer
    /// (SQLite answers "database is locked" at once, since its snapshot is stale), while
    /// one that starts with the lock waits up to the busy timeout. On PostgreSQL, writes
    /// lock the rows they read ([`Write::lock_project`], `for update`).
    pub(super) async fn begin(&self) -> Result<Write> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("begin immediate").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Write {
            tx,
            store: self.clone(),
            project_id: None,
            announce: Vec::new(),
            audited: false,
            unchecked: false,
        })
    }
}

impl Write {
    /// Locks a project for writing and returns its id. Every write to a project's flags,
    /// segments or environments starts here, so that writes to one project are
    /// serialised (a row lock on PostgreSQL; SQLite's write lock is already held) and
    /// the decisions and the invariant check inside the transaction see a stable state.
    pub(super) async fn lock_project(&mut self, project: &str) -> Result<i64> {
        let row = sqlx::query("update project set version = version where key = $1 returning id")
            .bind(project)
            .fetch_optional(&mut *self.tx)
            .await?;
        let id: i64 = match row {
            Some(row) => get(&row, "id")?,
            None => return Err(Error::NotFound(Missing::Project(project.to_owned()))),
        };
        self.project_id = Some(id);
        Ok(id)
    }

    /// Bumps the environment's version and records the change under it, to be announced
    /// after commit. On PostgreSQL a notification is queued too; PostgreSQL delivers it
    /// only if the transaction commits.
    pub(super) async fn record_change(
        &mut self,
        environment_id: i64,
        kind: ChangeKind,
        key: &str,
        payload: Option<String>,
    ) -> Result<()> {
        if self.record(Environments::One(environment_id), kind, key, payload).await? == 0 {
            return Err(sqlx::Error::RowNotFound.into());
        }
        Ok(())
    }

    /// Records the same change in every environment of a project (segments, new flags and
    /// flag deletions concern them all), in as many statements as for one environment.
    pub(super) async fn record_everywhere(
        &mut self,
        project_id: i64,
        kind: ChangeKind,
        key: &str,
        payload: Option<String>,
    ) -> Result<()> {
        self.record(Environments::OfProject(project_id), kind, key, payload).await?;
        Ok(())
    }

    /// The feed's one writer: three statements whatever the number of environments (bump
    /// every version, insert every feed row, queue every notification), so that a project
    /// with a thousand environments costs a thousand rows, not three thousand round
    /// trips. Returns how many environments it recorded the change in.
    async fn record(
        &mut self,
        environments: Environments,
        kind: ChangeKind,
        key: &str,
        payload: Option<String>,
    ) -> Result<usize> {
        let (column, id) = match environments {
            Environments::One(id) => ("id", id),
            Environments::OfProject(id) => ("project_id", id),
        };
        let bumped = sqlx::query(&format!(
            "update environment set snapshot_version = snapshot_version + 1 where {column} = $1
             returning id, snapshot_version"
        ))
        .bind(id)
        .fetch_all(&mut *self.tx)
        .await?;
        if bumped.is_empty() {
            return Ok(0);
        }
        // The versions just bumped, read back in this transaction (which holds the
        // project's lock): one feed row per environment under its new version.
        sqlx::query(&format!(
            "insert into change (environment_id, version, kind, object_key, payload, created_at)
             select id, snapshot_version, $2, $3, $4, $5 from environment where {column} = $1"
        ))
        .bind(id)
        .bind(kind.event_name())
        .bind(key)
        .bind(payload)
        .bind(Timestamp::now().0)
        .execute(&mut *self.tx)
        .await?;
        if self.store.backend == Backend::Postgres {
            sqlx::query(&format!(
                "select pg_notify($1, cast(id as text) || ':' || cast(snapshot_version as text))
                 from environment where {column} = $2"
            ))
            .bind(NOTIFY_CHANNEL)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        }
        for row in &bumped {
            let (environment_id, version): (i64, i64) = (get(row, "id")?, get(row, "snapshot_version")?);
            self.announce.push(Committed { environment_id, version });
        }
        self.unchecked = true;
        Ok(bumped.len())
    }

    /// Announces that an environment is going away (deleted with its project, or alone)
    /// so that hubs on every replica close its streams. Delivered only if the
    /// transaction commits.
    pub(super) async fn announce_removal(&mut self, environment_id: i64) -> Result<()> {
        self.notify(environment_id, 0).await?;
        self.announce.push(Committed { environment_id, version: 0 });
        Ok(())
    }

    async fn notify(&mut self, environment_id: i64, version: i64) -> Result<()> {
        if self.store.backend == Backend::Postgres {
            sqlx::query("select pg_notify($1, $2)")
                .bind(NOTIFY_CHANNEL)
                .bind(format!("{environment_id}:{version}"))
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Writes the audit entry of this write (and, for a project's actions that webhooks
    /// subscribe to, its outbox deliveries: see `webhooks::emit`).
    pub(super) async fn audit(&mut self, r: Record<'_>) -> Result<()> {
        self.audit_with_comment(r, None).await
    }

    /// [`Write::audit`], with what the author said about the change.
    pub(super) async fn audit_with_comment(&mut self, r: Record<'_>, comment: Option<&str>) -> Result<()> {
        if self.store.backend == Backend::Postgres {
            sqlx::query("select pg_notify($1, '')").bind(AUDIT_CHANNEL).execute(&mut *self.tx).await?;
        }
        let at = Timestamp::now();
        let row = sqlx::query(
            "insert into audit (at, actor, action, resource_type, resource_key, project_key, environment_key, before, after, comment)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
        )
        .bind(at.0)
        .bind(&r.actor.0)
        .bind(r.action)
        .bind(r.resource_type)
        .bind(&r.resource_key)
        .bind(r.project)
        .bind(r.environment)
        .bind(r.before.as_deref())
        .bind(r.after.as_deref())
        .bind(comment)
        .fetch_one(&mut *self.tx)
        .await?;
        self.audited = true;
        // Every audited write of a project announces itself to the project's webhooks, in
        // this transaction (the outbox): see `webhooks::emit`.
        let categories = EventCategory::of_action(r.action);
        if let Some(project) = r.project.filter(|_| !categories.is_empty()) {
            let id: i64 = get(&row, "id")?;
            let event = Event { categories, event_type: r.action, project, at };
            webhooks::emit(&mut self.tx, &event, || {
                serde_json::json!({
                    "audit_id": id,
                    "action": r.action,
                    "actor": r.actor.0,
                    "resource_type": r.resource_type,
                    "resource_key": r.resource_key,
                    "project": r.project,
                    "environment": r.environment,
                    "comment": comment,
                    "before": parse_json(r.before.clone()),
                    "after": parse_json(r.after.clone()),
                })
            })
            .await?;
        }
        Ok(())
    }

    /// Runs the servability check over the locked project now, on what this transaction
    /// holds (so that a caller can answer its own 409 before doing more).
    pub(super) async fn check_servable(&mut self) -> Result<()> {
        if let Some(project_id) = self.project_id {
            servable::check(&mut self.tx, project_id).await?;
        }
        self.unchecked = false;
        Ok(())
    }

    /// Says that the changes recorded so far were checked by the per-configuration
    /// equivalent of the invariant: the configuration validated against the project's
    /// references, its environment's prerequisite graph and regular-expression budget
    /// (`write_config_in`). A configuration write touches nothing else that can be served.
    pub(super) fn validated_config(&mut self) {
        self.unchecked = false;
    }

    /// Says that the changes recorded so far cannot make the project unservable, for a
    /// reason the caller names (kept for the reader; e.g. a new flag with the default
    /// configuration refers to nothing).
    pub(super) fn servable_by_construction(&mut self, _why: &'static str) {
        self.unchecked = false;
    }

    /// Checks the invariant if a recorded change was not checked, refuses a change of
    /// what SDKs see that has no audit entry, commits, and announces the new environment
    /// versions to this process's subscribers.
    pub(super) async fn commit(mut self) -> Result<()> {
        if self.unchecked {
            self.check_servable().await?;
        }
        if !self.announce.is_empty() && !self.audited {
            return Err(Error::Internal("a change of what SDKs see without an audit entry".to_owned()));
        }
        let Write { tx, store, announce, audited, .. } = self;
        tx.commit().await?;
        for c in announce {
            // No subscriber is fine: nothing to tell.
            let _ = store.committed.send(c);
        }
        // The admin stream (new audit rows) and the webhook worker (new outbox rows, which
        // only an audit entry writes) wake on this. Only then: a write without one, such
        // as the webhook worker's own claim, would wake that worker again at once, and it
        // would claim, wake and claim in a loop on an idle server.
        if audited {
            store.writes.send_modify(|n| *n += 1);
        }
        Ok(())
    }
}
