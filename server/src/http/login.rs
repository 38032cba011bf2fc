//! Logging in and out.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{ClientAddr, Json};
use super::shared::start_session;
use crate::app::AppState;
use crate::auth::{Principal, Role, password};
use crate::store::{Timestamp, User};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/refresh", post(refresh))
        .route("/auth/me", get(get_me))
}

#[derive(Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize)]
pub(super) struct LoginResponse {
    pub(super) token: String,
    pub(super) expires_at: Timestamp,
    pub(super) user: User,
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(body): Json<LoginRequest>,
) -> Result<axum::Json<LoginResponse>, ApiError> {
    let email = body.email.trim().to_lowercase();
    let sso = state.sso.as_ref().map(|o| &o.settings);
    if sso.is_some_and(|s| !s.allows_password_login(&email)) {
        return Err(ApiError::Forbidden(
            "password logins are turned off on this server: log in with single sign-on".to_owned(),
        ));
    }
    let limits = &state.auth.login_limits;
    let attempt = limits.attempt(&state.store, &email, addr).await?;
    let user = state.store.user_by_email(&email).await?;
    let phc = user.as_ref().map_or_else(|| password::dummy_hash().to_owned(), |u| u.password_hash.clone());
    let given = body.password;
    let matches = tokio::task::spawn_blocking(move || password::verify(&given, &phc))
        .await
        .map_err(|e| ApiError::Internal(format!("password check failed: {e}")))?;
    let user = match user {
        // In SSO-only mode the break-glass account works only while it is an owner.
        Some(u) if matches && !u.disabled && (sso.is_none_or(|s| !s.sso_only) || u.role == Role::Owner) => u,
        _ => return Err(ApiError::Unauthorized("wrong email or password".to_owned())),
    };
    limits.succeeded(&state.store, &attempt).await?;
    let (token, expires_at) = start_session(&state, &user.id).await?;
    tracing::info!(user.email = %user.email, "logged in");
    Ok(axum::Json(LoginResponse { token, expires_at, user }))
}

async fn logout(State(state): State<AppState>, principal: Principal) -> Result<StatusCode, ApiError> {
    if let Principal::User { session_id, .. } = &principal {
        state.store.revoke_session(session_id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Swaps a live login token for a fresh one (and ends the old session).
async fn refresh(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<axum::Json<LoginResponse>, ApiError> {
    let Principal::User { user, session_id } = principal else {
        return Err(ApiError::bad_request("API tokens do not need refreshing"));
    };
    let (token, expires_at) = start_session(&state, &user.id).await?;
    state.store.revoke_session(&session_id).await?;
    Ok(axum::Json(LoginResponse { token, expires_at, user }))
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Me {
    User { user: User },
    Token { token: crate::store::ApiToken },
}

async fn get_me(principal: Principal) -> axum::Json<Me> {
    axum::Json(match principal {
        Principal::User { user, .. } => Me::User { user },
        Principal::Token { token } => Me::Token { token },
    })
}
