//! Authentication and authorisation: passwords, login tokens, API tokens, SDK keys and
//! the role each principal has.

mod authorized;
pub mod jwt;
pub mod oidc;
pub mod password;
mod principal;
pub mod ratelimit;
mod role;
pub mod sdk_key;
pub mod secret;

pub use authorized::{Admin, Authorized, Editor, SelfOrAdmin, Viewer};
pub use principal::{ADMIN_ONLY_AUDIT_TYPES, AuditScope, AuthState, Principal, bearer};
pub use ratelimit::{LoginAttempt, LoginLimits};
pub use role::Role;
