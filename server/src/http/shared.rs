//! Helpers that several handlers share: the hub of an environment (for the SDK, OFREP,
//! evaluation and stream routes), dashboard sessions and their answer (password login,
//! single sign-on, setup), password hashing (users, setup), the caller and the audit
//! comment of a write (flags, bulk writes, change requests), credential expiry and
//! idempotent replays (API tokens, SDK keys), `If-None-Match` and `Accept-Encoding`
//! (SDK, OFREP) and the signed URL of the OFREP notification stream (issued by bulk OFREP
//! answers, opened by the stream route). Handlers keep only what is their own, and take
//! the parts of the state they use, never the whole of it.

use std::sync::Arc;

use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde::Serialize;

use super::error::ApiError;
use super::idempotency::Idempotency;
use crate::auth::{AuthState, Principal, password};
use crate::state::Settings;
use crate::store::{Actor, SdkKeyOwner, Store, Timestamp, User};
use crate::stream::{HubError, Hubs, LiveHub};

fn hub_error(e: HubError) -> ApiError {
    match e {
        HubError::Gone => ApiError::NotFound("the environment no longer exists".to_owned()),
        HubError::Store(e) => e.into(),
        HubError::Invalid(e) => ApiError::Internal(e),
    }
}

/// The hub of an environment the caller has just looked up.
pub(crate) async fn hub_for(hubs: &Arc<Hubs>, environment_id: i64) -> Result<Arc<LiveHub>, ApiError> {
    hubs.get(environment_id).await.map_err(hub_error)
}

/// A deleted environment takes its keys with it: until the cached key lookup expires,
/// its key answers exactly as it will after (401), never a 404 that a client could take
/// for a missing flag.
fn key_error(e: HubError) -> ApiError {
    match hub_error(e) {
        ApiError::NotFound(_) => ApiError::Unauthorized(
            "the SDK key is unknown, revoked or expired (its environment was deleted)".to_owned(),
        ),
        other => other,
    }
}

/// The hub of an SDK key's environment.
pub(crate) async fn hub_for_key(hubs: &Arc<Hubs>, environment_id: i64) -> Result<Arc<LiveHub>, ApiError> {
    hubs.get(environment_id).await.map_err(key_error)
}

/// The hub of an SDK key's environment, for a stream ([`Hubs::get_for_stream`]).
pub(crate) async fn stream_hub_for_key(
    hubs: &Arc<Hubs>,
    environment_id: i64,
) -> Result<Arc<LiveHub>, ApiError> {
    hubs.get_for_stream(environment_id).await.map_err(key_error)
}

/// Starts a dashboard session for a user: a session row and its signed login token,
/// valid for the configured session lifetime.
pub(crate) async fn start_session(
    store: &Store,
    auth: &AuthState,
    user_id: &str,
) -> Result<(String, Timestamp), ApiError> {
    let session = uuid::Uuid::new_v4().to_string();
    let expires_at = Timestamp(Timestamp::now().0 + auth.session_ttl.as_millis() as i64);
    store.create_session(&session, user_id, expires_at).await?;
    let token = auth
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
    // The bound is on what was sent (the contract's `maxLength`), blanks around it included.
    if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
        return Err(field_error(
            "/comment",
            &format!("a comment has at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    Ok(comment.map(str::trim).filter(|c| !c.is_empty()))
}

/// Whether an `If-None-Match` header matches `etag` (a list, `*` or weak forms).
pub(crate) fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').map(str::trim).any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
    })
}

/// Whether the client takes a gzip body (`Accept-Encoding`, honouring `q=0`).
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
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

/// The signed URL of an OFREP notification stream is valid until the end of the period
/// after the one it was issued in (one to two periods of
/// `VEXIL_OFREP_STREAM_TOKEN_SECONDS`). Successive bulk answers at one version within a
/// period carry the same URL (some providers reconnect when it changes), and the period
/// is part of the bulk ETag, so that an answer revalidated with a 304 always holds a URL
/// valid for at least one more period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TokenPeriod(i64);

impl TokenPeriod {
    /// The current period.
    pub(crate) fn now(settings: &Settings) -> TokenPeriod {
        TokenPeriod(Timestamp::now().0 / 1000 / settings.ofrep_stream_token_seconds)
    }

    /// Its number, for the ETag.
    pub(crate) fn index(self) -> i64 {
        self.0
    }

    fn expires(self, settings: &Settings) -> Timestamp {
        Timestamp((self.0 + 2) * settings.ofrep_stream_token_seconds * 1000)
    }
}

/// The `eventStreams` entry of a bulk OFREP answer computed at `version`. The URL
/// carries that version, so that a change committed between the answer and the
/// stream's first connection is announced on connect. It is absolute when
/// `VEXIL_PUBLIC_URL` is set; otherwise a path the provider joins to the origin of its
/// base URL, behind the proxy's `X-Forwarded-Prefix` if there is one.
pub(crate) fn ofrep_event_stream(
    auth: &AuthState,
    settings: &Settings,
    key: &SdkKeyOwner,
    version: u64,
    period: TokenPeriod,
    headers: &HeaderMap,
) -> Option<serde_json::Value> {
    let token = auth
        .keys
        .issue_stream(
            &format!("sdk:{}", key.key_id),
            &key.environment_id.to_string(),
            period.expires(settings),
        )
        .ok()?;
    let path = format!("/ofrep/v1/events?token={token}&v={version}");
    let entry = match &settings.public_url {
        Some(base) => serde_json::json!({
            "type": "sse",
            "url": format!("{}{path}", base.as_str()),
            "inactivityDelaySec": 120,
        }),
        None => serde_json::json!({
            "type": "sse",
            "endpoint": {"requestUri": format!("{}{path}", forwarded_prefix(headers).unwrap_or(""))},
            "inactivityDelaySec": 120,
        }),
    };
    Some(entry)
}

/// The path prefix a reverse proxy says it strips (`X-Forwarded-Prefix: /flags`), if it
/// is a plain absolute path: anything else (a second slash in front would make the link
/// point at another host) is ignored.
fn forwarded_prefix(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("x-forwarded-prefix")?.to_str().ok()?.trim().trim_end_matches('/');
    let plain = value.starts_with('/')
        && !value.starts_with("//")
        && value.len() <= 256
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-._~%!$&'()*+,;=:@".contains(&b));
    plain.then_some(value)
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
