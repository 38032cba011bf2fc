//! Why authentication or authorisation refused a caller, as typed reasons. The `Display`
//! is technical, for the log; the HTTP layer (`http/error.rs`) words the answer.

use super::Role;
use crate::store;

/// Why a caller was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No bearer token on an admin route.
    #[error("no bearer token")]
    NoCredentials,
    /// The API token is unknown, revoked or expired.
    #[error("unknown API token")]
    UnknownApiToken,
    /// The login token does not verify (bad signature or expired).
    #[error("invalid login token")]
    InvalidLoginToken,
    /// The login token's session was ended (logout, password change, disabled user).
    #[error("session ended")]
    SessionEnded,
    /// No SDK key on an SDK route.
    #[error("no SDK key")]
    NoSdkKey,
    /// The SDK key is unknown, revoked or expired.
    #[error("unknown SDK key")]
    UnknownSdkKey,
    /// A client SDK key on a route for server keys.
    #[error("client SDK key on a server route")]
    ClientKeyOnServerRoute,
    /// A project-scoped API token on a route outside any project.
    #[error("project-scoped token outside a project")]
    ScopedToken,
    /// A project-scoped API token on a route of another project.
    #[error("token scoped to another project than {project:?}")]
    OtherProject {
        /// The project the route names.
        project: String,
    },
    /// The caller's role is below what the route needs.
    #[error("role {has:?} below {needs:?}")]
    RoleTooLow {
        /// What the route needs.
        needs: Role,
        /// What the caller has.
        has: Role,
    },
    /// Too many login attempts for the account or the address.
    #[error("too many login attempts; retry after {retry_after_seconds} s")]
    TooManyAttempts {
        /// Seconds until an attempt is counted again.
        retry_after_seconds: u64,
    },
    /// Looking the credential up failed.
    #[error("looking up the credential")]
    Store(#[from] store::Error),
}
