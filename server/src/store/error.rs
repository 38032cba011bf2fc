//! Store errors: what went wrong in terms a handler can answer with.

use vexil_core::ValidationErrors;

/// Result of a store call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The named thing does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The change would break something else, or clashes with an existing key.
    #[error("{message}")]
    Conflict {
        /// What is wrong.
        message: String,
        /// The objects that depend on what the change would break.
        dependents: Vec<String>,
    },
    /// A unique constraint refused the write: the key (or email) is taken.
    #[error("unique constraint {} violated", constraint.name())]
    Duplicate {
        /// Which one.
        constraint: Constraint,
    },
    /// The caller's `If-Match` version is not the current one.
    #[error("version mismatch: the current version is {current}")]
    VersionMismatch {
        /// The current version.
        current: i64,
    },
    /// The environment requires approval: the change goes through a change request
    /// (`POST /api/v1/projects/{project}/change-requests`).
    #[error(
        "environment {environment:?} requires approval: propose the change with POST /api/v1/projects/{project}/change-requests (turning a flag off stays possible with a toggle with \"break_glass\": true and a comment)"
    )]
    ApprovalRequired {
        /// The project's key.
        project: String,
        /// The environment's key.
        environment: String,
    },
    /// The caller may not do this to this object (e.g. approve their own request).
    #[error("{0}")]
    Forbidden(String),
    /// The submitted document is invalid; pointers are relative to it.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// Stored data could not be read back (a bug or a manual edit).
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub(crate) fn conflict(message: impl Into<String>) -> Error {
        Error::Conflict { message: message.into(), dependents: Vec::new() }
    }

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
                return match Constraint::of(db) {
                    Some(constraint) => Error::Duplicate { constraint },
                    // A unique index that is not in the table is a bug: keep the
                    // database's own words for the log.
                    None => Error::Database(e),
                };
            }
            if db.is_foreign_key_violation() {
                return Error::conflict("the change refers to something that no longer exists");
            }
        }
        if matches!(e, sqlx::Error::RowNotFound) {
            return Error::NotFound("row".to_owned());
        }
        Error::Database(e)
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
    /// Every constraint with its name and, for SQLite (whose errors name the columns
    /// rather than the constraint), its `table.column` list as SQLite reports it.
    const ALL: [(Constraint, &'static str, &'static str); 8] = [
        (Constraint::ProjectKey, "project_key_unique", "project.key"),
        (Constraint::EnvironmentKey, "environment_key_unique", "environment.project_id, environment.key"),
        (Constraint::FlagKey, "flag_key_unique", "flag.project_id, flag.key"),
        (Constraint::SegmentKey, "segment_key_unique", "segment.project_id, segment.key"),
        (Constraint::UserEmail, "app_user_email_unique", "app_user.email"),
        (Constraint::ApiTokenSecret, "api_token_secret_unique", "api_token.secret_hash"),
        (Constraint::SdkKeySecret, "sdk_key_secret_unique", "sdk_key.secret_hash"),
        (
            Constraint::ReleasePlanActive,
            "release_plan_active_unique",
            "release_plan.flag_id, release_plan.environment_id",
        ),
    ];

    /// The constraint a unique violation names: by constraint name on PostgreSQL; on
    /// SQLite by the column list of its `UNIQUE constraint failed: t.a, t.b` report,
    /// compared whole, so no other text of the message decides.
    fn of(db: &dyn sqlx::error::DatabaseError) -> Option<Constraint> {
        if let Some(name) = db.constraint() {
            return Constraint::ALL.iter().find(|(_, n, _)| *n == name).map(|(c, _, _)| *c);
        }
        let columns = db.message().strip_prefix("UNIQUE constraint failed: ")?;
        Constraint::ALL.iter().find(|(_, _, cols)| *cols == columns).map(|(c, _, _)| *c)
    }

    /// The constraint's name in the schema.
    pub fn name(self) -> &'static str {
        Constraint::ALL.iter().find(|(c, _, _)| *c == self).map_or("", |(_, n, _)| n)
    }
}
