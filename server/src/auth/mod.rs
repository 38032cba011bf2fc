//! Authentication and authorisation: passwords, login tokens, API tokens, SDK keys and
//! the role each principal has.

mod authorized;
mod error;
pub mod jwt;
pub mod oidc;
pub mod password;
mod principal;
pub mod ratelimit;
pub mod sdk_key;

pub use crate::role::Role;
/// Secrets handed out once; kept at `crate::secret` so that the store, which hashes
/// them, does not depend on this module.
pub use crate::secret;
pub use authorized::{Admin, Authorized, Editor, SelfOrAdmin, Viewer};
pub use error::AuthError;
pub use principal::{ADMIN_ONLY_AUDIT_TYPES, AuditScope, AuthState, Principal, bearer};
pub use ratelimit::{LoginAttempt, LoginLimits};
