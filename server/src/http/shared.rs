//! Helpers that several handlers share: the hub of an environment (for the SDK, OFREP,
//! evaluation and stream routes), dashboard sessions (password login, single sign-on,
//! setup) and password hashing (users, setup). Handlers keep only what is their own.

use std::sync::Arc;

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::password;
use crate::store::Timestamp;
use crate::stream::{HubError, LiveHub};

/// The hub of an environment the caller has just looked up.
pub(crate) async fn hub_for(state: &AppState, environment_id: i64) -> Result<Arc<LiveHub>, ApiError> {
    state.hubs.get(environment_id).await.map_err(|e| match e {
        HubError::Gone => ApiError::NotFound("the environment no longer exists".to_owned()),
        HubError::Store(e) => e.into(),
        HubError::Invalid(e) => ApiError::Internal(e),
    })
}

/// The hub of an SDK key's environment. A deleted environment takes its keys with it:
/// until the cached key lookup expires, its key answers exactly as it will after (401),
/// never a 404 that a client could take for a missing flag.
pub(crate) async fn hub_for_key(state: &AppState, environment_id: i64) -> Result<Arc<LiveHub>, ApiError> {
    hub_for(state, environment_id).await.map_err(|e| match e {
        ApiError::NotFound(_) => ApiError::Unauthorized(
            "the SDK key is unknown, revoked or expired (its environment was deleted)".to_owned(),
        ),
        other => other,
    })
}

/// Starts a dashboard session for a user: a session row and its signed login token,
/// valid for the configured session lifetime.
pub(crate) async fn start_session(state: &AppState, user_id: &str) -> Result<(String, Timestamp), ApiError> {
    let session = uuid::Uuid::new_v4().to_string();
    let expires_at = Timestamp(Timestamp::now().0 + state.auth.session_ttl.as_millis() as i64);
    state.store.create_session(&session, user_id, expires_at).await?;
    let token = state
        .auth
        .keys
        .issue(user_id, &session, expires_at)
        .map_err(|e| ApiError::Internal(format!("signing a login token: {e}")))?;
    Ok((token, expires_at))
}

/// A validation problem at one pointer of the request body.
pub(crate) fn field_error(pointer: &str, message: &str) -> ApiError {
    ApiError::Validation(vexil_core::ValidationErrors {
        problems: vec![vexil_core::Problem { pointer: pointer.to_owned(), message: message.to_owned() }],
    })
}

/// Hashes a password off the async threads (argon2 is slow on purpose); a password of
/// the wrong length is a validation problem at `/password`.
pub(crate) async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing task: {e}")))?
        .map_err(|e| match e {
            password::PasswordError::Length => field_error("/password", &e.to_string()),
            other => ApiError::Internal(other.to_string()),
        })
}
