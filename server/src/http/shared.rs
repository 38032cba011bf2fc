//! Helpers that several handlers share: the hub of an environment (for the SDK, OFREP,
//! evaluation and stream routes), dashboard sessions and their answer (password login,
//! single sign-on, setup), password hashing (users, setup), the caller and the audit
//! comment of a write (flags, bulk writes, change requests), credential expiry and
//! idempotent replays (API tokens, SDK keys) and `If-None-Match` (SDK, OFREP). Handlers
//! keep only what is their own.

use std::sync::Arc;

use super::error::ApiError;
use crate::auth::password;
use crate::state::AppState;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde::Serialize;

use super::idempotency::Idempotency;
use crate::auth::Principal;
use crate::store::{Actor, Store, Timestamp, User};
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

/// The caller as the store names them: audit name and person.
pub(crate) fn caller_of(principal: &Principal) -> (Actor, String) {
    (principal.actor(), principal.person())
}

/// The longest audit comment, in characters.
const MAX_COMMENT_CHARS: usize = 1000;

/// A comment for the audit entry: trimmed, empty means none, at most
/// [`MAX_COMMENT_CHARS`] (422 at `/comment` otherwise).
pub(crate) fn checked_comment(comment: Option<&str>) -> Result<Option<&str>, ApiError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
        return Err(field_error(
            "/comment",
            &format!("a comment has at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    Ok(comment)
}

/// Whether an `If-None-Match` header matches `etag` (a list, `*` or weak forms).
pub(crate) fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').map(str::trim).any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
    })
}

/// An `expires_at` of a new credential: an RFC 3339 time in the future, if given
/// (422 at `/expires_at` otherwise).
pub(crate) fn parse_expiry(value: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    let Some(v) = value else { return Ok(None) };
    let t = Timestamp::parse_rfc3339(v)
        .ok_or_else(|| field_error("/expires_at", "expires_at must be an RFC 3339 time"))?;
    if t <= Timestamp::now() {
        return Err(field_error("/expires_at", "expires_at is in the past"));
    }
    Ok(Some(t))
}

/// The first answer to a request's idempotency key, if it has one and there is one.
pub(crate) async fn replayed(store: &Store, key: Option<&Idempotency>) -> Result<Option<Response>, ApiError> {
    match key {
        Some(key) => key.replay(store).await,
        None => Ok(None),
    }
}

/// A started dashboard session: the login token, when it expires, and the user.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LoginResponse {
    pub(crate) token: String,
    pub(crate) expires_at: Timestamp,
    pub(crate) user: User,
}
