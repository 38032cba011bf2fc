//! Logging in and out.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{ClientAddr, Json};
use super::openapi::responses::*;
use super::shared::{LoginResponse, start_session};
use crate::auth::oidc::Oidc;
use crate::auth::{AuthState, Principal, Role, password};
use crate::store::{Store, User};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
    Option<Arc<Oidc>>: FromRef<S>,
{
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/refresh", post(refresh))
        .route("/auth/me", get(get_me))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct LoginRequest {
    email: String,
    password: String,
}

#[utoipa::path(post, path = "/api/v1/auth/login", operation_id = "login", tag = "auth",
    summary = "Log in",
    description = "Exchanges an email and password for a login token and starts a session; repeated failures per account or client address are refused with 429 and `Retry-After`.",
    security(()),
    extensions(("x-vexil-role" = json!("public"))),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in.", body = LoginResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 429, response = TooManyRequests),
    ))]
pub(super) async fn login(
    State(store): State<Store>,
    State(auth): State<Arc<AuthState>>,
    State(sso): State<Option<Arc<Oidc>>>,
    ClientAddr(addr): ClientAddr,
    Json(body): Json<LoginRequest>,
) -> Result<axum::Json<LoginResponse>, ApiError> {
    let email = body.email.trim().to_lowercase();
    let sso = sso.as_ref().map(|o| &o.settings);
    if sso.is_some_and(|s| !s.allows_password_login(&email)) {
        return Err(ApiError::Forbidden(
            "password logins are turned off on this server: log in with single sign-on".to_owned(),
        ));
    }
    let limits = &auth.login_limits;
    let attempt = limits.attempt(&store, &email, addr).await?;
    let user = store.user_by_email(&email).await?;
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
    limits.succeeded(&store, &attempt).await?;
    let (token, expires_at) = start_session(&store, &auth, &user.id).await?;
    tracing::info!(user.email = %user.email, "logged in");
    Ok(axum::Json(LoginResponse { token, expires_at, user }))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", operation_id = "logout", tag = "auth",
    summary = "Log out",
    description = "Ends the caller's login session; with an API token it does nothing (revoke the token instead).",
    extensions(("x-vexil-role" = json!("authenticated"))),
    responses(
        (status = 204, description = "Logged out."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn logout(State(store): State<Store>, principal: Principal) -> Result<StatusCode, ApiError> {
    if let Principal::User { session_id, .. } = &principal {
        store.revoke_session(session_id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Swaps a live login token for a fresh one (and ends the old session).
#[utoipa::path(post, path = "/api/v1/auth/refresh", operation_id = "refresh", tag = "auth",
    summary = "Refresh a login token",
    description = "Swaps a live login token for a fresh one and ends the old session; API tokens get a 400 (they do not need refreshing).",
    extensions(("x-vexil-role" = json!("authenticated"))),
    responses(
        (status = 200, description = "A new login token.", body = LoginResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn refresh(
    State(store): State<Store>,
    State(auth): State<Arc<AuthState>>,
    principal: Principal,
) -> Result<axum::Json<LoginResponse>, ApiError> {
    let Principal::User { user, session_id } = principal else {
        return Err(ApiError::bad_request("API tokens do not need refreshing"));
    };
    let (token, expires_at) = start_session(&store, &auth, &user.id).await?;
    store.revoke_session(&session_id).await?;
    Ok(axum::Json(LoginResponse { token, expires_at, user }))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Me {
    User { user: User },
    Token { token: crate::store::ApiToken },
}

#[utoipa::path(get, path = "/api/v1/auth/me", operation_id = "get_me", tag = "auth",
    summary = "Who am I",
    description = "Describes the caller, a user (login token) or an API token.",
    extensions(("x-vexil-role" = json!("authenticated"))),
    responses(
        (status = 200, description = "The caller.", body = Me),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn get_me(principal: Principal) -> axum::Json<Me> {
    axum::Json(match principal {
        Principal::User { user, .. } => Me::User { user },
        Principal::Token { token } => Me::Token { token },
    })
}
