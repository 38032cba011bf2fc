//! `/projects/{project}/environments/{env}/sdk-keys`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde::Serialize;

use super::error::ApiError;
use super::extract::{Json, Path, Query};
use super::idempotency::{Idempotency, Minted};
use super::openapi::responses::*;
use super::pages::{Order, PageQuery, newest_first_key, page_of};
use super::shared::{parse_expiry, replayed};
use crate::auth::sdk_key::SdkKeys;
use crate::auth::{Admin, AuthState, Authorized, Viewer, secret};
use crate::store::{NewSdkKey, Page, SdkKey, SdkKeyKind, SdkKeySpec, Store};
use crate::stream::sse::Ends;

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
    Arc<SdkKeys>: FromRef<S>,
    Ends: FromRef<S>,
{
    Router::new()
        .route("/projects/{project}/environments/{env}/sdk-keys", get(list_sdk_keys).post(create_sdk_key))
        .route("/projects/{project}/environments/{env}/sdk-keys/{id}", delete(revoke_sdk_key))
}

/// A new key: the secret is in this response and nowhere else, ever.
#[derive(Serialize, utoipa::ToSchema)]
struct CreatedKey {
    key: String,
    #[serde(flatten)]
    meta: SdkKey,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{env}/sdk-keys", operation_id = "list_sdk_keys", tag = "sdk-keys",
    summary = "List SDK keys",
    description = "Lists an environment's SDK keys (metadata only, revoked ones included), newest first.",
    extensions(("x-vexil-role" = json!("viewer"))),
    params(("project" = String, Path, description = "The project key."), ("env" = String, Path, description = "The environment key."), ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`."), ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail.")),
    responses(
        (status = 200, description = "The SDK keys.", body = Page<SdkKey>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn list_sdk_keys(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Viewer,
    Path((project, env)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(page_of(store.list_sdk_keys(&project, &env).await?, &q, Order::Descending, |k| {
        newest_first_key(k.created_at, &k.id)
    })?))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{env}/sdk-keys", operation_id = "create_sdk_key", tag = "sdk-keys",
    summary = "Create an SDK key",
    description = "Creates a server (`vx_srv_...`) or client (`vx_cli_...`) key for the environment; the secret is in this response and nowhere else, ever. Retries: with an `Idempotency-Key` header (as the IETF httpapi draft defines it), a request repeated with the same key and body within 24 hours answers the first answer again, secret included, and mints nothing; the same key with another body is 422; 409 when the secret it created was revoked or has expired since (a replay never presents a dead secret as live: use a new key).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("env" = String, Path, description = "The environment key."), ("Idempotency-Key" = Option<String>, Header, nullable = false, description = "A unique key for this request (a UUID), as a structured-field string (`\"8e03978e-40d5-43e8-bc93-6894a57f9324\"`; a bare value is taken too): 16 to 255 visible ASCII characters, else 400. Scoped to the person and the route; the answer it replays is kept 24 hours, sealed under a key derived from this one.")),
    request_body = NewSdkKey,
    responses(
        (status = 201, description = "Created; keep `key`, it cannot be shown again.", body = CreatedKey),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_sdk_key(
    State(store): State<Store>,
    State(sdk_keys): State<Arc<SdkKeys>>,
    Authorized { principal, .. }: Admin,
    Path((project, env)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<NewSdkKey>,
) -> Result<Response, ApiError> {
    let route = format!("POST /projects/{project}/environments/{env}/sdk-keys");
    let idempotency =
        Idempotency::from_request(&headers, &principal.person(), &route, Minted::SdkKey, &body)?;
    if let Some(first) = replayed(&store, idempotency.as_ref()).await? {
        return Ok(first);
    }
    let expires_at = parse_expiry(body.expires_at.as_deref())?;
    let prefix = match body.kind {
        SdkKeyKind::Server => secret::SERVER_KEY_PREFIX,
        SdkKeyKind::Client => secret::CLIENT_KEY_PREFIX,
    };
    let new = secret::generate(prefix);
    let name =
        body.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| format!("{} key", body.kind.as_str()));
    let meta = store
        .create_sdk_key(
            &principal.actor(),
            &project,
            &env,
            &SdkKeySpec {
                kind: body.kind,
                name: &name,
                expires_at,
                secret_hash: &new.hash,
                prefix: &new.display_prefix,
            },
        )
        .await?;
    let created = CreatedKey { key: new.secret, meta };
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.remember(&store, StatusCode::CREATED, &created).await?
    {
        // A concurrent retry stored its answer first: ours must not stay live.
        store.revoke_sdk_key(&principal.actor(), &project, &env, &created.meta.id).await?;
        sdk_keys.forget(&created.meta.id);
        return first;
    }
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/environments/{env}/sdk-keys/{id}", operation_id = "revoke_sdk_key", tag = "sdk-keys",
    summary = "Revoke an SDK key",
    description = "Revokes an SDK key, which stops working at once; revoking a revoked key changes nothing.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("env" = String, Path, description = "The environment key."), ("id" = String, Path, description = "The SDK key id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn revoke_sdk_key(
    State(store): State<Store>,
    State(sdk_keys): State<Arc<SdkKeys>>,
    State(ends): State<Ends>,
    Authorized { principal, .. }: Admin,
    Path((project, env, id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    store.revoke_sdk_key(&principal.actor(), &project, &env, &id).await?;
    sdk_keys.forget(&id);
    // This replica's streams of the key end now; other replicas hear of it through
    // the audit notification (`jobs::follow_ended_keys`). No open stream is fine.
    let _ = ends.revoked.send(id);
    Ok(StatusCode::NO_CONTENT)
}
