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
use crate::app::AppState;
use crate::auth::{Admin, Authorized};
use crate::store::{NewWebhook, Page, Webhook, WebhookPatch};

pub(super) fn router() -> Router<AppState> {
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
#[derive(Serialize)]
struct CreatedWebhook {
    secret: String,
    #[serde(flatten)]
    webhook: Webhook,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveriesQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn list_webhooks(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Admin,
    Path(project): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(Page { items: state.store.list_webhooks(&project).await?, next_cursor: None }))
}

async fn create_webhook(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path(project): Path<String>,
    Json(body): Json<NewWebhook>,
) -> Result<Response, ApiError> {
    let secret = crate::webhooks::generate_secret();
    let webhook = state.store.create_webhook(&principal.actor(), &project, &body, &secret).await?;
    let location = format!("/api/v1/projects/{project}/webhooks/{}", webhook.id);
    let mut response = (StatusCode::CREATED, axum::Json(CreatedWebhook { secret, webhook })).into_response();
    if let Ok(v) = location.parse() {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

async fn get_webhook(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Admin,
    Path((project, id)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(state.store.get_webhook(&project, &id).await?))
}

async fn update_webhook(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path((project, id)): Path<(String, String)>,
    Json(body): Json<WebhookPatch>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(state.store.update_webhook(&principal.actor(), &project, &id, &body).await?))
}

async fn delete_webhook(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path((project, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.store.delete_webhook(&principal.actor(), &project, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_webhook_deliveries(
    State(state): State<AppState>,
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
    Ok(axum::Json(state.store.list_deliveries(&project, &id, limit, before).await?))
}

async fn redeliver_webhook_delivery(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path((project, id, delivery)): Path<(String, String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    // Delivery ids are numbers; anything else names no delivery.
    let delivery = delivery
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound(format!("delivery {delivery:?} of webhook {id:?} not found")))?;
    let created = state.store.redeliver(&principal.actor(), &project, &id, delivery).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(created)))
}
