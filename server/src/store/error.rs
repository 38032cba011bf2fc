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
    /// The caller's `If-Match` version is not the current one.
    #[error("version mismatch: the current version is {current}")]
    VersionMismatch {
        /// The current version.
        current: i64,
    },
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
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            if db.is_unique_violation() {
                // PostgreSQL names the constraint; SQLite names the columns in its message.
                let what = db.constraint().unwrap_or_else(|| db.message());
                let message = if what.contains("project_key") || what.contains("project.key") {
                    "a project with this key already exists"
                } else if what.contains("environment") {
                    "an environment with this key already exists in the project"
                } else if what.contains("flag") {
                    "a flag with this key already exists in the project"
                } else if what.contains("segment") {
                    "a segment with this key already exists in the project"
                } else if what.contains("email") {
                    "a user with this email already exists"
                } else {
                    "this key is already taken"
                };
                return Error::conflict(message);
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
