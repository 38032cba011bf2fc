//! Event streams for SDKs: `/sdk/v1/stream` (server keys: snapshot, then every change)
//! and `/ofrep/v1/events` (the OFREP notification stream, opened by browsers, which
//! cannot send headers: the URL carries a signed token).

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::Query;
use super::sdk::hub_for;
use crate::app::AppState;
use crate::auth::sdk_key::ServerSdk;
use crate::store::{SdkKeyOwner, Timestamp};
use crate::stream::sse;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/sdk/v1/stream", get(get_stream)).route("/ofrep/v1/events", get(get_ofrep_events))
}

async fn get_stream(
    State(state): State<AppState>,
    ServerSdk(key): ServerSdk,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // An id this server did not issue, or from another history, just means "start from
    // a snapshot".
    let last_event_id = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let live = hub_for(&state, key.environment_id).await?;
    Ok(sse::sdk_stream(live, last_event_id, key.key_id, &state.ends, state.settings.keepalive))
}

/// Seconds an OFREP notification URL stays valid for opening a stream.
const OFREP_TOKEN_HOURS: i64 = 1;

/// The `eventStreams` entry of a bulk OFREP response. The token's expiry is rounded to
/// the hour so that successive responses carry the same URL (providers reconnect when
/// the URL changes).
pub(crate) fn ofrep_event_stream(state: &AppState, key: &SdkKeyOwner) -> Option<serde_json::Value> {
    let hour = Timestamp::now().0 / 3_600_000;
    let expires = Timestamp((hour + 1 + OFREP_TOKEN_HOURS) * 3_600_000);
    let token = state
        .auth
        .keys
        .issue_stream(&format!("sdk:{}", key.key_id), &key.environment_id.to_string(), expires)
        .ok()?;
    Some(serde_json::json!({
        "type": "sse",
        "endpoint": {"requestUri": format!("/ofrep/v1/events?token={token}")},
        "inactivityDelaySec": 120,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenQuery {
    token: Option<String>,
}

async fn get_ofrep_events(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, ApiError> {
    let Some(claims) = q.token.and_then(|t| state.auth.keys.verify_stream(&t)) else {
        return Err(ApiError::Unauthorized(
            "the stream token is invalid or expired; fetch the flags again".to_owned(),
        ));
    };
    let (Some(key_id), Ok(environment_id)) = (claims.sub.strip_prefix("sdk:"), claims.scope.parse::<i64>())
    else {
        return Err(ApiError::Unauthorized("this token does not open an OFREP stream".to_owned()));
    };
    if !state.store.sdk_key_live(key_id).await? {
        return Err(ApiError::Unauthorized("the SDK key of this stream was revoked".to_owned()));
    }
    let live = hub_for(&state, environment_id).await?;
    Ok(sse::refetch_stream(live, key_id.to_owned(), &state.ends, state.settings.keepalive))
}
