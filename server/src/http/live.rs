//! The dashboard's live stream of audit entries. Browsers' `EventSource` cannot send an
//! `Authorization` header, so a short-lived signed token (from `POST
//! /auth/stream-token`) goes in the URL; paths are logged without query strings.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::error::ApiError;
use super::extract::Query;
use super::openapi::ServerSentEvent;
use super::openapi::responses::*;
use crate::auth::{AuditScope, AuthState, Principal};
use crate::state::Settings;
use crate::store::{Store, Timestamp};
use crate::stream::AdminHub;

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
    Arc<AdminHub>: FromRef<S>,
    Arc<Settings>: FromRef<S>,
    CancellationToken: FromRef<S>,
{
    Router::new()
        .route("/auth/stream-token", post(create_stream_token))
        .route("/stream", get(get_admin_stream))
}

/// How long a stream token may be used to open a stream.
const STREAM_TOKEN_SECONDS: i64 = 60;

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct StreamToken {
    token: String,
    expires_at: Timestamp,
}

#[utoipa::path(post, path = "/api/v1/auth/stream-token", operation_id = "create_stream_token", tag = "auth",
    summary = "Get a token to open the dashboard's live stream",
    description = "A signed token, valid for 60 seconds, to open `GET /api/v1/stream` (browsers' event streams cannot send an `Authorization` header).",
    extensions(("x-vexil-role" = json!("authenticated"))),
    responses(
        (status = 200, description = "The token.", body = StreamToken),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn create_stream_token(
    State(auth): State<Arc<AuthState>>,
    principal: Principal,
) -> Result<impl IntoResponse, ApiError> {
    let (sub, scope) = match &principal {
        Principal::User { user, session_id } => (format!("user:{}", user.id), session_id.clone()),
        Principal::Token { token } => (format!("token:{}", token.id), token.id.clone()),
    };
    let expires_at = Timestamp(Timestamp::now().0 + STREAM_TOKEN_SECONDS * 1000);
    let token = auth
        .keys
        .issue_stream(&sub, &scope, expires_at)
        .map_err(|e| ApiError::Internal(format!("signing a stream token: {e}")))?;
    Ok(axum::Json(StreamToken { token, expires_at }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TokenQuery {
    token: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/stream", operation_id = "get_admin_stream", tag = "audit",
    summary = "Follow every change, as the dashboard does",
    description = "A Server-Sent Events stream of `audit` events, one per audit entry committed on any replica that the caller may read (as `GET /api/v1/audit` filters them: entries about users and API tokens only for unscoped admins and owners, and only its project's entries for a project-scoped token): `{id, at, actor, action, resource_type, resource_key, project, environment}` (the entry without its documents). A `resync` event means entries were missed and the page should reload what it shows. The stream ends when the session (or API token) that asked for the token ends, or when the caller's role or scope changes (checked at every keep-alive); the page then reconnects with what it may read now.",
    extensions(("x-vexil-role" = json!("stream-token"))),
    params(("token" = String, Query, description = "A token from `POST /api/v1/auth/stream-token`.")),
    responses(
        (status = 200, description = "The event stream.", body = ServerSentEvent, content_type = "text/event-stream"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    ))]
pub(super) async fn get_admin_stream(
    State(store): State<Store>,
    State(auth): State<Arc<AuthState>>,
    State(admin): State<Arc<AdminHub>>,
    State(settings): State<Arc<Settings>>,
    State(shutdown): State<CancellationToken>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, ApiError> {
    let Some(claims) = q.token.and_then(|t| auth.keys.verify_stream(&t)) else {
        return Err(ApiError::Unauthorized(
            "the stream token is invalid or expired; ask for a new one".to_owned(),
        ));
    };
    // The stream lives as long as the session (or API token) that asked for it, and
    // carries what that caller may read now.
    let current: std::sync::Arc<
        dyn Fn() -> futures_util::future::BoxFuture<'static, Option<AuditScope>> + Send + Sync,
    > = if let Some(user_id) = claims.sub.strip_prefix("user:") {
        let user_id = user_id.to_owned();
        let session = claims.scope.clone();
        std::sync::Arc::new(move || {
            let store = store.clone();
            let (user_id, session) = (user_id.clone(), session.clone());
            Box::pin(async move {
                match store.session_user(&session).await {
                    Ok(Some(user)) if user.id == user_id => {
                        Some(AuditScope::of(&Principal::User { user, session_id: session }))
                    }
                    _ => None,
                }
            })
        })
    } else if claims.sub.starts_with("token:") {
        let token_id = claims.scope.clone();
        std::sync::Arc::new(move || {
            let store = store.clone();
            let token_id = token_id.clone();
            Box::pin(async move {
                match store.live_api_token(&token_id).await {
                    Ok(Some(token)) => Some(AuditScope::of(&Principal::Token { token })),
                    _ => None,
                }
            })
        })
    } else {
        return Err(ApiError::Unauthorized("this token does not open the dashboard stream".to_owned()));
    };
    let Some(scope) = current().await else {
        return Err(ApiError::Unauthorized("the session of this stream has ended".to_owned()));
    };
    Ok(admin.stream(shutdown, settings.keepalive, scope, move || current()))
}
