//! `/projects/{project}/webhooks`: subscriptions, their delivery log and redelivery.
//! Admins only, reads included: a subscription's URL may carry the receiver's token.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{Json, Path, Query};
use super::openapi::responses::*;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Admin, Authorized};
use crate::store::Store;
use crate::store::{Delivery, NewWebhook, Page, Webhook, WebhookPatch};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route("/projects/{project}/webhooks", get(list_webhooks).post(create_webhook))
        .route(
            "/projects/{project}/webhooks/{id}",
            get(get_webhook).patch(update_webhook).delete(delete_webhook),
        )
        .route("/projects/{project}/webhooks/{id}/deliveries", get(list_webhook_deliveries))
        .route(
            "/projects/{project}/webhooks/{id}/deliveries/{delivery}/redeliver",
            post(redeliver_webhook_delivery),
        )
}

/// A new subscription: the signing secret is in this response and nowhere else.
#[derive(Serialize, utoipa::ToSchema)]
struct CreatedWebhook {
    secret: String,
    #[serde(flatten)]
    webhook: Webhook,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeliveriesQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/webhooks", operation_id = "list_webhooks", tag = "webhooks",
    summary = "List webhook subscriptions",
    description = "Lists a project's webhook subscriptions, oldest first. Never their secrets. Admins only: a subscription's URL may carry the receiver's own token.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key.")),
    responses(
        (status = 200, description = "The subscriptions.", body = Page<Webhook>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn list_webhooks(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Admin,
    Path(project): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(Page { items: store.list_webhooks(&project).await?, next_cursor: None }))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/webhooks", operation_id = "create_webhook", tag = "webhooks",
    summary = "Subscribe a URL to a project's events",
    description = "Creates a subscription. Events of the chosen types are POSTed to `url` as JSON (`{type, timestamp, data}`) signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed with the secret's decoded bytes). The signing secret (`whsec_<base64>`) is in this response and nowhere else. `url` must be an absolute http or https URL with a host (422 otherwise).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key.")),
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Created; keep `secret`, it cannot be shown again.", body = CreatedWebhook, headers(("Location" = String, description = "The path of the created resource."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_webhook(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path(project): Path<String>,
    Json(body): Json<NewWebhook>,
) -> Result<Response, ApiError> {
    let secret = crate::webhooks::generate_secret();
    let webhook = store.create_webhook(&principal.actor(), &project, &body, &secret).await?;
    let location = format!("/api/v1/projects/{project}/webhooks/{}", webhook.id);
    let mut response = (StatusCode::CREATED, axum::Json(CreatedWebhook { secret, webhook })).into_response();
    if let Ok(v) = location.parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/webhooks/{id}", operation_id = "get_webhook", tag = "webhooks",
    summary = "Get a webhook subscription",
    description = "One subscription, without its secret.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("id" = String, Path, description = "The webhook subscription id.")),
    responses(
        (status = 200, description = "The subscription.", body = Webhook),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_webhook(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Admin,
    Path((project, id)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(store.get_webhook(&project, &id).await?))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/webhooks/{id}", operation_id = "update_webhook", tag = "webhooks",
    summary = "Change a webhook subscription",
    description = "Changes the fields present: URL, event types, description, or `enabled`. A disabled subscription records no new events, and its pending deliveries wait until it is enabled again. The secret does not change.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("id" = String, Path, description = "The webhook subscription id.")),
    request_body = WebhookPatch,
    responses(
        (status = 200, description = "The changed subscription.", body = Webhook),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn update_webhook(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path((project, id)): Path<(String, String)>,
    Json(body): Json<WebhookPatch>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(store.update_webhook(&principal.actor(), &project, &id, &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/webhooks/{id}", operation_id = "delete_webhook", tag = "webhooks",
    summary = "Delete a webhook subscription",
    description = "Deletes the subscription with its delivery log; pending deliveries are not sent.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("id" = String, Path, description = "The webhook subscription id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn delete_webhook(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path((project, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    store.delete_webhook(&principal.actor(), &project, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/webhooks/{id}/deliveries", operation_id = "list_webhook_deliveries", tag = "webhooks",
    summary = "A subscription's delivery log",
    description = "Its deliveries, newest first: status, attempts, and the last attempt's response code, latency, error and the start of the answer (at most 1 KiB).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("id" = String, Path, description = "The webhook subscription id."), ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size, 1 to 500 (50 by default)."), ("cursor" = Option<String>, Query, pattern = "^[0-9]{1,18}$", description = "The `next_cursor` of the previous page.")),
    responses(
        (status = 200, description = "A page of deliveries.", body = Page<Delivery>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn list_webhook_deliveries(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Admin,
    Path((project, id)): Path<(String, String)>,
    Query(q): Query<DeliveriesQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_request("limit must be between 1 and 500"));
    }
    let before = q
        .cursor
        .map(|c| c.parse::<i64>().map_err(|_| ApiError::bad_request("cursor is not one this server issued")))
        .transpose()?;
    Ok(axum::Json(store.list_deliveries(&project, &id, limit, before).await?))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/webhooks/{id}/deliveries/{delivery}/redeliver", operation_id = "redeliver_webhook_delivery", tag = "webhooks",
    summary = "Send a delivery again",
    description = "Records a new delivery of the same event, due now, with the same message id (`webhook-id`), so that a receiver that already has it can tell. Its attempts and retries start afresh.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("project" = String, Path, description = "The project key."), ("id" = String, Path, description = "The webhook subscription id."), ("delivery" = String, Path, description = "The delivery id (a number).")),
    responses(
        (status = 202, description = "The new delivery, pending.", body = Delivery),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn redeliver_webhook_delivery(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path((project, id, delivery)): Path<(String, String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    // Delivery ids are numbers; anything else names no delivery.
    let delivery = delivery
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound(format!("delivery {delivery:?} of webhook {id:?} not found")))?;
    let created = store.redeliver(&principal.actor(), &project, &id, delivery).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(created)))
}
