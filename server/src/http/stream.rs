//! Event streams for SDKs: `/sdk/v1/stream` (server keys: snapshot, then every change)
//! and `/ofrep/v1/events` (the OFREP notification stream, opened by browsers, which
//! cannot send headers: the URL carries a signed token).

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::error::ApiError;
use super::ofrep_error::{OfrepError, method_not_allowed as ofrep_method_not_allowed};
use super::openapi::ServerSentEvent;
use super::openapi::ofrep_shapes::{
    OfrepInternal, OfrepMethodNotAllowed, OfrepUnauthorized, OfrepUnavailable,
};
use super::openapi::responses::*;
use super::shared::stream_hub_for_key;
use crate::auth::AuthState;
use crate::auth::sdk_key::{SdkKeys, ServerSdk};
use crate::state::Settings;
use crate::store::Store;
use crate::stream::Hubs;
use crate::stream::sse::{self, Ends};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Hubs>: FromRef<S>,
    Arc<SdkKeys>: FromRef<S>,
    Arc<Settings>: FromRef<S>,
    Ends: FromRef<S>,
{
    Router::new().route("/sdk/v1/stream", get(get_stream))
}

/// The OFREP notification stream, which takes the same CORS policy as the other routes
/// for client keys.
pub(super) fn ofrep_router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
    Arc<Hubs>: FromRef<S>,
    Arc<Settings>: FromRef<S>,
    Ends: FromRef<S>,
{
    Router::new().route("/ofrep/v1/events", get(get_ofrep_events).fallback(ofrep_method_not_allowed))
}

#[utoipa::path(get, path = "/sdk/v1/stream", operation_id = "get_stream", tag = "sdk",
    summary = "Follow every change of the environment",
    description = "A Server-Sent Events stream for SDKs that evaluate locally. It opens with a `retry` hint and an event `snapshot` (the whole configuration, as `GET /sdk/v1/config` returns it), then sends one event per committed change: `flag` (the flag as in the snapshot), `flag_deleted` (`{\"key\": ...}`), `segment`, `segment_deleted`. Each event's `id` is `<history>-<version>`: the name of the database's change history (renewed when a restored database is found, or by `vexil migrate --new-history`) and the environment version the event brings the client to. A client that reconnects with `Last-Event-ID` gets only the changes it missed, or a fresh `snapshot` when they are no longer held, when the id is of another history, or when it is not an id this server issued. A client that falls too far behind gets a fresh `snapshot` instead of the changes it missed. Comment lines keep idle connections alive. The stream ends when the server shuts down, the environment is deleted or the key is revoked.",
    extensions(("x-vexil-role" = json!("sdk-server"))),
    security(("sdkKeyBearer" = []), ("sdkKeyHeader" = [])),
    params(("Last-Event-ID" = Option<String>, Header, nullable = false, description = "The `id` of the last event received, to resume after a disconnect.")),
    responses(
        (status = 200, description = "The event stream.", body = ServerSentEvent, content_type = "text/event-stream", headers(("X-Vexil-Stream-Start" = String, description = "`resumed` when the stream continues from `Last-Event-ID` (no snapshot follows), `snapshot` when it starts with a snapshot."))),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn get_stream(
    State(hubs): State<Arc<Hubs>>,
    State(ends): State<Ends>,
    State(settings): State<Arc<Settings>>,
    ServerSdk(key): ServerSdk,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // An id this server did not issue, or from another history, just means "start from
    // a snapshot".
    let last_event_id = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let live = stream_hub_for_key(&hubs, key.environment_id).await?;
    Ok(sse::sdk_stream(live, last_event_id, key.key_id.clone(), &ends, settings.keepalive))
}

/// `token`, plus the version the client holds: `Last-Event-ID` (the header, or the
/// `lastEventId` parameter EventSource polyfills add), else `v` from the URL. Other
/// parameters are ignored, and so is a version that is not a number.
struct EventsQuery {
    token: Option<String>,
    held: Option<u64>,
}

impl EventsQuery {
    fn read(query: Option<&str>, headers: &HeaderMap) -> EventsQuery {
        let mut token = None;
        let (mut v, mut last_event_id) = (None, None);
        for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match &*name {
                "token" => token = Some(value.into_owned()),
                "v" => v = value.trim().parse::<u64>().ok(),
                "lastEventId" => last_event_id = value.trim().parse::<u64>().ok(),
                _ => {}
            }
        }
        let header = headers
            .get("last-event-id")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.trim().parse::<u64>().ok());
        EventsQuery { token, held: header.or(last_event_id).or(v) }
    }
}

#[utoipa::path(get, path = "/ofrep/v1/events", operation_id = "get_ofrep_events", tag = "ofrep",
    summary = "OFREP change notifications",
    description = "The notification stream a bulk evaluation advertises in `eventStreams`. Each committed change of the environment sends a message whose data is `{\"type\": \"refetchEvaluation\", \"etag\": \"<version>\"}` (id = the version), telling the provider to evaluate again. A client never misses a change: the stream takes the version the client holds (`Last-Event-ID` when it reconnects, otherwise the version of the bulk answer, which its URL carries in `v`) and, when the environment has moved on since (or the version is unknown), opens with a notice at once. Browsers cannot send headers on event streams, so the URL carries a signed token (valid for one to two periods of `VEXIL_OFREP_STREAM_TOKEN_SECONDS`, an hour by default) instead of the SDK key; servers never log query strings. Query parameters other than those below are ignored (EventSource polyfills add some).",
    extensions(("x-vexil-role" = json!("stream-token"))),
    params(("token" = String, Query, description = "The token from the `eventStreams` entry."), ("v" = Option<String>, Query, description = "The version of the bulk answer that gave the URL (part of the URL)."), ("lastEventId" = Option<String>, Query, description = "The `id` of the last event received, as EventSource polyfills send it; the `Last-Event-ID` header wins when both are present."), ("Last-Event-ID" = Option<String>, Header, nullable = false, description = "The `id` of the last event received, sent by EventSource when it reconnects.")),
    responses(
        (status = 200, description = "The event stream.", body = ServerSentEvent, content_type = "text/event-stream"),
        (status = 401, response = OfrepUnauthorized),
        (status = 405, response = OfrepMethodNotAllowed),
        (status = 500, response = OfrepInternal),
        (status = 503, response = OfrepUnavailable),
    ))]
pub(super) async fn get_ofrep_events(
    State(store): State<Store>,
    State(auth): State<Arc<AuthState>>,
    State(hubs): State<Arc<Hubs>>,
    State(ends): State<Ends>,
    State(settings): State<Arc<Settings>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, OfrepError> {
    let q = EventsQuery::read(query.as_deref(), &headers);
    let Some(claims) = q.token.and_then(|t| auth.keys.verify_stream(&t)) else {
        return Err(ApiError::Unauthorized(
            "the stream token is invalid or expired; fetch the flags again".to_owned(),
        )
        .into());
    };
    let (Some(key_id), Ok(environment_id)) = (claims.sub.strip_prefix("sdk:"), claims.scope.parse::<i64>())
    else {
        return Err(ApiError::Unauthorized("this token does not open an OFREP stream".to_owned()).into());
    };
    if !store.sdk_key_live(key_id).await.map_err(ApiError::from)? {
        return Err(ApiError::Unauthorized("the SDK key of this stream was revoked".to_owned()).into());
    }
    let live = stream_hub_for_key(&hubs, environment_id).await?;
    Ok(sse::refetch_stream(live, q.held, key_id.to_owned(), &ends, settings.keepalive))
}
