//! `/tokens`: API tokens for automation.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde::Serialize;

use super::error::ApiError;
use super::extract::{Json, Path, Query};
use super::idempotency::{Idempotency, Minted};
use super::openapi::responses::*;
use super::pages::{Order, PageQuery, newest_first_key, page_of};
use super::shared::{field_error, parse_expiry, replayed};
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Admin, Authorized, Principal, secret};
use crate::store::Store;
use crate::store::{ApiToken, ApiTokenSpec, NewApiToken, Page};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
}

/// A new token: the secret is in this response and nowhere else, ever.
#[derive(Serialize, utoipa::ToSchema)]
struct CreatedToken {
    token: String,
    #[serde(flatten)]
    meta: ApiToken,
}

#[utoipa::path(get, path = "/api/v1/tokens", operation_id = "list_tokens", tag = "tokens",
    summary = "List API tokens",
    description = "Lists every API token (metadata only, revoked ones included).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`."), ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail.")),
    responses(
        (status = 200, description = "The API tokens.", body = Page<ApiToken>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn list_tokens(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Admin,
    Query(q): Query<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(page_of(store.list_api_tokens().await?, &q, Order::Descending, |t| {
        newest_first_key(t.created_at, &t.id)
    })?))
}

#[utoipa::path(post, path = "/api/v1/tokens", operation_id = "create_token", tag = "tokens",
    summary = "Create an API token",
    description = "Creates an API token (`vx_api_...`), optionally scoped to one project, with at most the creator's role; the secret is in this response and nowhere else, ever. Retries: with an `Idempotency-Key` header (as the IETF httpapi draft defines it), a request repeated with the same key and body within 24 hours answers the first answer again, secret included, and mints nothing; the same key with another body is 422; 409 when the secret it created was revoked or has expired since (a replay never presents a dead secret as live: use a new key).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, description = "A unique key for this request (a UUID), as a structured-field string (`\"8e03978e-40d5-43e8-bc93-6894a57f9324\"`; a bare value is taken too): 16 to 255 visible ASCII characters, else 400. Scoped to the person and the route; the answer it replays is kept 24 hours, sealed under a key derived from this one.")),
    request_body = NewApiToken,
    responses(
        (status = 201, description = "Created; keep `token`, it cannot be shown again.", body = CreatedToken),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_token(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    headers: HeaderMap,
    Json(body): Json<NewApiToken>,
) -> Result<Response, ApiError> {
    let idempotency =
        Idempotency::from_request(&headers, &principal.person(), "POST /tokens", Minted::ApiToken, &body)?;
    if let Some(first) = replayed(&store, idempotency.as_ref()).await? {
        return Ok(first);
    }
    if body.role > principal.role() {
        return Err(ApiError::Forbidden("a token cannot have a higher role than its creator".to_owned()));
    }
    if body.name.trim().is_empty() || body.name.chars().count() > 256 {
        return Err(field_error("/name", "name needs 1 to 256 characters"));
    }
    let expires_at = parse_expiry(body.expires_at.as_deref())?;
    // A token acts for a person: the user who makes it, or the one a token making it
    // acts for.
    let created_by_user_id = match &principal {
        Principal::User { user, .. } => Some(user.id.as_str()),
        Principal::Token { token } => token.created_by_user_id.as_deref(),
    };
    let new = secret::generate(secret::API_TOKEN_PREFIX);
    let meta = store
        .create_api_token(
            &principal.actor(),
            &ApiTokenSpec {
                name: body.name.trim(),
                role: body.role,
                project: body.project.as_deref(),
                expires_at,
                created_by_user_id,
                secret_hash: &new.hash,
                prefix: &new.display_prefix,
            },
        )
        .await?;
    let created = CreatedToken { token: new.secret, meta };
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.remember(&store, StatusCode::CREATED, &created).await?
    {
        // A concurrent retry stored its answer first: ours must not stay live.
        store.revoke_api_token(&principal.actor(), &created.meta.id).await?;
        return first;
    }
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", operation_id = "revoke_token", tag = "tokens",
    summary = "Revoke an API token",
    description = "Revokes an API token, which stops working at once; revoking a revoked token changes nothing.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("id" = String, Path, description = "The API token id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn revoke_token(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    store.revoke_api_token(&principal.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
