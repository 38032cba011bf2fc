//! Store errors: what went wrong in terms a handler can answer with.
//!
//! Which type to use where:
//! - [`Error::NotFound`] with a [`Missing`] naming the object by its key or id;
//! - [`Error::Conflict`] with a [`Conflict`] reason and, where the write would break
//!   stored objects, the names of those dependents (`Conflict::dependents`);
//! - [`Error::Duplicate`] for a unique constraint, recognised by the constraint, never
//!   by the message's wording (see [`Constraint::of`]);
//! - [`Error::Invalid`] for a submitted document (pointers into it);
//! - [`Error::Database`] keeps the database's error as its source, for the log.
//!
//! The `Display` texts are technical, for the log. The words a client reads, in a
//! problem document or in a change request's, scheduled change's or release plan's
//! stored `reason`, are chosen by `http/error.rs` from the typed fields; the store
//! renders a stored reason through [`StoreOptions::describe`](super::StoreOptions),
//! which the application sets to that wording.

use vexil_core::ValidationErrors;

use super::{ChangeRequestState, ScheduledState};

/// Result of a store call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a store call failed. The `Display` of each variant is technical, for the log
/// (the typed fields in their `Debug` form); what a client reads is worded where the
/// HTTP layer builds the problem document (`http/error.rs`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The named thing does not exist.
    #[error("not found: {0:?}")]
    NotFound(Missing),
    /// The change would break something else, or the object is in a state that refuses it.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// A unique constraint refused the write: the key (or email) is taken.
    #[error("unique constraint {} violated", constraint.name())]
    Duplicate {
        /// Which one.
        constraint: Constraint,
    },
    /// The caller's `If-Match` version is not the current one.
    #[error("version mismatch: current {current}")]
    VersionMismatch {
        /// The current version.
        current: i64,
    },
    /// The environment requires approval: the change goes through a change request
    /// (`POST /api/v1/projects/{project}/change-requests`).
    #[error("approval required: project {project:?}, environment {environment:?}")]
    ApprovalRequired {
        /// The project's key.
        project: String,
        /// The environment's key.
        environment: String,
    },
    /// The caller may not do this to this object (e.g. approve their own request).
    #[error("refused: {0:?}")]
    Forbidden(Refusal),
    /// The submitted document is invalid; pointers are relative to it.
    #[error("invalid: {0}")]
    Invalid(#[from] ValidationErrors),
    /// The database failed.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// Stored data could not be read back (a bug or a manual edit).
    #[error("internal: {0}")]
    Internal(String),
}

impl From<Conflict> for Error {
    fn from(c: Conflict) -> Error {
        Error::Conflict(c)
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Error {
        Error::Forbidden(r)
    }
}

/// What was not found, by the key or id the caller named it with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// A project, by key.
    Project(String),
    /// An environment, by key.
    Environment(String),
    /// An environment, by id.
    EnvironmentId(i64),
    /// A flag, by key.
    Flag(String),
    /// A flag's configuration in an environment.
    Config {
        /// The flag's key.
        flag: String,
        /// The environment's key.
        environment: String,
    },
    /// A version of a configuration that its history does not hold.
    ConfigVersion {
        /// The version asked for.
        version: u64,
        /// The flag's key.
        flag: String,
        /// The environment's key.
        environment: String,
    },
    /// A segment, by key.
    Segment(String),
    /// A change request, by id.
    ChangeRequest(i64),
    /// A scheduled change, by id.
    ScheduledChange(i64),
    /// An SDK key, by id.
    SdkKey(String),
    /// An API token, by id.
    ApiToken(String),
    /// A user, by id or email.
    User(String),
    /// A webhook of a project, by id.
    Webhook {
        /// The webhook's id.
        id: String,
        /// The project's key.
        project: String,
    },
    /// A delivery of a webhook.
    Delivery {
        /// The delivery's id.
        delivery: i64,
        /// The webhook's id.
        webhook: String,
    },
    /// The release plan of a flag in an environment.
    ReleasePlan {
        /// The flag's key.
        flag: String,
        /// The environment's key.
        environment: String,
    },
    /// A release plan, by id.
    ReleasePlanId(i64),
    /// A row a statement expected (sqlx's `RowNotFound`).
    Row,
}

/// Why a write was refused with 409: a typed reason with the names of what depends on
/// what the write would break.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conflict {
    /// The flag is archived; configurations of archived flags do not change.
    FlagArchived {
        /// The flag's key.
        flag: String,
    },
    /// New variants of a flag would break configurations or prerequisites that use the
    /// removed ones.
    VariantsInUse {
        /// The flag's key.
        flag: String,
        /// Each place, named.
        dependents: Vec<String>,
    },
    /// Other flags (archived ones included) require this flag.
    IsPrerequisite {
        /// The flag's key.
        flag: String,
        /// Each requiring configuration, named.
        dependents: Vec<String>,
    },
    /// The flag requires flags that are archived.
    PrerequisitesArchived {
        /// The flag's key.
        flag: String,
        /// Each archived prerequisite, named.
        dependents: Vec<String>,
    },
    /// The configuration would make a prerequisite cycle (or chain too deep).
    PrerequisiteCycle {
        /// The compiler's account of each problem.
        cycle: Vec<String>,
        /// The flags with prerequisites among those the chain through this flag joins.
        dependents: Vec<String>,
    },
    /// Rules use the segment.
    SegmentInUse {
        /// The segment's key.
        segment: String,
        /// Each rule, named.
        dependents: Vec<String>,
    },
    /// The project would hold something that cannot be served (the invariant of
    /// `store/servable.rs`).
    Unservable {
        /// Each problem, by flag, segment and environment.
        dependents: Vec<String>,
    },
    /// A foreign key refused the write: what it refers to was deleted meanwhile.
    DanglingReference,
    /// A change request is no longer open.
    ChangeRequestClosed {
        /// Its id.
        id: i64,
        /// Its state.
        state: ChangeRequestState,
    },
    /// A change request changed between reading and writing it.
    ChangeRequestChanged {
        /// Its id.
        id: i64,
    },
    /// The caller has already approved this change request.
    AlreadyApproved {
        /// Its id.
        id: i64,
    },
    /// A scheduled change is no longer pending.
    ScheduledChangeClosed {
        /// Its id.
        id: i64,
        /// Its state.
        state: ScheduledState,
    },
    /// A scheduled change that an approval created cannot be edited.
    ScheduledByApproval {
        /// Its id.
        id: i64,
        /// The change request that scheduled it.
        change_request: i64,
    },
    /// A release plan's start already waits for an open change request.
    ReleasePlanStartRequested {
        /// Its id.
        id: i64,
        /// The open change request.
        change_request: i64,
    },
    /// A release plan's state does not allow the action.
    ReleasePlanState {
        /// Its id.
        id: i64,
        /// Its state.
        state: &'static str,
        /// The action asked for.
        action: &'static str,
    },
    /// The last owner cannot be demoted or disabled.
    LastOwnerDemoted,
    /// The last owner cannot be deleted.
    LastOwnerDeleted,
}

impl Conflict {
    /// The objects that depend on what the change would break (empty for a state
    /// conflict).
    pub fn dependents(&self) -> &[String] {
        match self {
            Conflict::VariantsInUse { dependents, .. }
            | Conflict::IsPrerequisite { dependents, .. }
            | Conflict::PrerequisitesArchived { dependents, .. }
            | Conflict::PrerequisiteCycle { dependents, .. }
            | Conflict::SegmentInUse { dependents, .. }
            | Conflict::Unservable { dependents } => dependents,
            _ => &[],
        }
    }
}

/// Why the caller may not do this to this object, whatever their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// Approving one's own change request.
    ApproveOwnRequest,
    /// Rejecting one's own change request.
    RejectOwnRequest,
    /// Cancelling someone else's change request.
    CancelOthersRequest,
}

impl Error {
    /// A submitted document with one problem, at `pointer` (relative to the document;
    /// empty for the document as a whole).
    pub(crate) fn invalid(pointer: &str, message: impl Into<String>) -> Error {
        Error::Invalid(ValidationErrors {
            problems: vec![vexil_core::Problem { pointer: pointer.to_owned(), message: message.into() }],
        })
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            if db.is_unique_violation() {
                return match db.constraint().and_then(Constraint::named) {
                    Some(constraint) => Error::Duplicate { constraint },
                    // A unique violation nobody expected (SQLite names no constraint:
                    // the statements that can hit one say which with `unique_is`) is a
                    // bug: keep the database's error as the source, for the log.
                    None => Error::Database(e),
                };
            }
            if db.is_foreign_key_violation() {
                return Error::Conflict(Conflict::DanglingReference);
            }
        }
        if matches!(e, sqlx::Error::RowNotFound) {
            return Error::NotFound(Missing::Row);
        }
        Error::Database(e)
    }
}

/// Names the unique constraint a statement can violate, for SQLite, whose errors carry
/// no constraint name (`DatabaseError::constraint()` is `None`). A statement that inserts
/// or updates a row of one table can violate that table's primary key or its one named
/// unique constraint (each table of the schema has at most one besides its primary key);
/// SQLite's extended result code tells the two apart (`SQLITE_CONSTRAINT_UNIQUE`, 2067,
/// versus `SQLITE_CONSTRAINT_PRIMARYKEY`, 1555), so the statement's context names the
/// constraint and no text of the message decides. On PostgreSQL the constraint's own
/// name decides, as in [`From<sqlx::Error>`].
pub(super) trait UniqueIs<T> {
    /// Maps a unique violation of `constraint` to [`Error::Duplicate`], anything else as
    /// [`From<sqlx::Error>`] does.
    fn unique_is(self, constraint: Constraint) -> Result<T>;
}

/// SQLite's extended result code of a violated `unique` constraint.
const SQLITE_CONSTRAINT_UNIQUE: &str = "2067";

impl<T> UniqueIs<T> for std::result::Result<T, sqlx::Error> {
    fn unique_is(self, constraint: Constraint) -> Result<T> {
        self.map_err(|e| {
            let sqlite_unique = e.as_database_error().is_some_and(|db| {
                db.is_unique_violation()
                    && db.constraint().is_none()
                    && db.code().as_deref() == Some(SQLITE_CONSTRAINT_UNIQUE)
            });
            if sqlite_unique { Error::Duplicate { constraint } } else { Error::from(e) }
        })
    }
}

/// The unique constraints of the schema, named as the migrations name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// `project_key_unique`: project keys.
    ProjectKey,
    /// `environment_key_unique`: environment keys within a project.
    EnvironmentKey,
    /// `flag_key_unique`: flag keys within a project.
    FlagKey,
    /// `segment_key_unique`: segment keys within a project.
    SegmentKey,
    /// `app_user_email_unique`: user emails.
    UserEmail,
    /// `api_token_secret_unique`: API token secrets (hashed).
    ApiTokenSecret,
    /// `sdk_key_secret_unique`: SDK key secrets (hashed).
    SdkKeySecret,
    /// `release_plan_active_unique`: one unfinished release plan per flag and
    /// environment.
    ReleasePlanActive,
}

impl Constraint {
    /// Every constraint with its name in the schema.
    const ALL: [(Constraint, &'static str); 8] = [
        (Constraint::ProjectKey, "project_key_unique"),
        (Constraint::EnvironmentKey, "environment_key_unique"),
        (Constraint::FlagKey, "flag_key_unique"),
        (Constraint::SegmentKey, "segment_key_unique"),
        (Constraint::UserEmail, "app_user_email_unique"),
        (Constraint::ApiTokenSecret, "api_token_secret_unique"),
        (Constraint::SdkKeySecret, "sdk_key_secret_unique"),
        (Constraint::ReleasePlanActive, "release_plan_active_unique"),
    ];

    /// The constraint with this name (PostgreSQL's `DatabaseError::constraint()`).
    fn named(name: &str) -> Option<Constraint> {
        Constraint::ALL.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
    }

    /// The constraint's name in the schema.
    pub fn name(self) -> &'static str {
        Constraint::ALL.iter().find(|(c, _)| *c == self).map_or("", |(_, n)| n)
    }
}
