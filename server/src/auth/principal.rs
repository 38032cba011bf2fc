//! Who is calling the admin API, and what they may do.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::jwt::JwtKeys;
use super::ratelimit::LoginLimits;
use super::{AuthError, Role, secret};
use crate::store::{Actor, ApiToken, Store, User};

/// Authentication settings and state shared by handlers.
#[derive(Debug)]
pub struct AuthState {
    /// Signs login tokens.
    pub keys: JwtKeys,
    /// Lifetime of a login token.
    pub session_ttl: Duration,
    /// Login attempts allowed per account and per client address.
    pub login_limits: LoginLimits,
}

/// An authenticated caller of the admin API.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A dashboard user with a login token.
    User {
        /// The user.
        user: User,
        /// The login session (revoked by logout).
        session_id: String,
    },
    /// An API token.
    Token {
        /// The token.
        token: ApiToken,
    },
}

impl Principal {
    /// The effective role.
    pub fn role(&self) -> Role {
        match self {
            Principal::User { user, .. } => user.role,
            Principal::Token { token } => token.effective_role,
        }
    }

    /// How the audit log names this caller.
    pub fn actor(&self) -> Actor {
        match self {
            Principal::User { user, .. } => Actor(format!("user:{}", user.email)),
            Principal::Token { token } => Actor(format!("token:{}", token.name)),
        }
    }

    /// The person behind the caller: `user:<id>` for a user and for a token that acts
    /// for one, `token:<id>` for a token that acts for nobody known. A person cannot
    /// approve their own change request, whichever credential they use.
    pub fn person(&self) -> String {
        match self {
            Principal::User { user, .. } => format!("user:{}", user.id),
            Principal::Token { token } => match &token.created_by_user_id {
                Some(user) => format!("user:{user}"),
                None => format!("token:{}", token.id),
            },
        }
    }

    /// The only project a scoped API token may touch.
    pub fn project_scope(&self) -> Option<&str> {
        match self {
            Principal::Token { token } => token.project.as_deref(),
            Principal::User { .. } => None,
        }
    }

    /// Refuses callers below `role`, and project-scoped tokens (which only reach routes
    /// of their project).
    pub fn require(&self, role: Role) -> Result<(), AuthError> {
        if self.project_scope().is_some() {
            return Err(AuthError::ScopedToken);
        }
        self.require_role(role)
    }

    /// Refuses callers below `role` or scoped to another project.
    pub fn require_in(&self, project: &str, role: Role) -> Result<(), AuthError> {
        if self.project_scope().is_some_and(|p| p != project) {
            return Err(AuthError::OtherProject { project: project.to_owned() });
        }
        self.require_role(role)
    }

    /// Refuses callers below `role` (scoped tokens included).
    pub fn require_role(&self, role: Role) -> Result<(), AuthError> {
        if self.role() >= role {
            Ok(())
        } else {
            Err(AuthError::RoleTooLow { needs: role, has: self.role() })
        }
    }
}

pub use crate::store::ADMIN_ONLY_AUDIT_TYPES;

/// What part of the audit log (listing and live stream) a caller may read: unscoped
/// admins and owners everything; other roles all but [`ADMIN_ONLY_AUDIT_TYPES`]; a
/// project-scoped API token only its project's entries of the other types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditScope {
    /// Whether user, API token and webhook entries are visible.
    pub admin_types: bool,
    /// The only project whose entries are visible, if any.
    pub project: Option<String>,
}

impl AuditScope {
    /// The scope of a caller, from their current role and project scope.
    pub fn of(principal: &Principal) -> AuditScope {
        let project = principal.project_scope().map(str::to_owned);
        AuditScope { admin_types: project.is_none() && principal.role() >= Role::Admin, project }
    }

    /// Whether an entry about `resource_type` in `project` is visible.
    pub fn allows(&self, resource_type: &str, project: Option<&str>) -> bool {
        (self.admin_types || !ADMIN_ONLY_AUDIT_TYPES.contains(&resource_type))
            && self.project.as_deref().is_none_or(|p| project == Some(p))
    }
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl Principal {
    /// The caller an API token (`vx_api_...`) stands for. The token is hashed before it
    /// is looked up, so neither the lookup's timing nor an error says anything about it.
    ///
    /// # Errors
    /// [`AuthError::UnknownApiToken`] for a token that is not an API token, unknown,
    /// revoked or expired; [`AuthError::Store`] when the lookup fails.
    pub async fn of_api_token(store: &Store, token: &str) -> Result<Principal, AuthError> {
        // Anything else (a login token, a stray string) is no API token, and is
        // answered like an unknown one rather than checked further.
        if !token.starts_with(secret::API_TOKEN_PREFIX) {
            return Err(AuthError::UnknownApiToken);
        }
        match store.api_token_by_hash(&secret::hash(token)).await? {
            Some(owner) => Ok(Principal::Token { token: owner.token }),
            None => Err(AuthError::UnknownApiToken),
        }
    }
}

impl<S> FromRequestParts<S> for Principal
where
    S: Send + Sync,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer(parts) else {
            return Err(AuthError::NoCredentials);
        };
        let store = Store::from_ref(state);
        if token.starts_with(secret::API_TOKEN_PREFIX) {
            return Principal::of_api_token(&store, token).await;
        }
        let auth = Arc::<AuthState>::from_ref(state);
        let Some(claims) = auth.keys.verify(token) else {
            return Err(AuthError::InvalidLoginToken);
        };
        match store.session_user(&claims.jti).await? {
            Some(user) if user.id == claims.sub => Ok(Principal::User { user, session_id: claims.jti }),
            _ => Err(AuthError::SessionEnded),
        }
    }
}
