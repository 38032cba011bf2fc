//! `/sdk/v1`: what Vexil's own SDKs use. The configuration is served from the hub's
//! pre-serialised (and pre-gzipped) snapshot, never built per request.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use vexil_core::Problem;
use vexil_core::Snapshot;
use vexil_core::wire::{EventBatch, MAX_BATCH_ENTRIES, MAX_CLOCK_SKEW_MS, MAX_WATCHED_FLAGS, event_key_ok};

use super::error::ApiError;
use super::extract::LenientJson;
use super::openapi::responses::*;
use super::shared::{accepts_gzip, field_error, hub_for_key, none_match};
use crate::auth::sdk_key::{SdkClient, SdkKeys, ServerSdk};
use crate::store::{MetricKey, MetricSums, Store, Timestamp, UsageKey};
use crate::stream::Hubs;

/// Routes for server keys only.
pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Hubs>: FromRef<S>,
    Arc<SdkKeys>: FromRef<S>,
{
    Router::new().route("/sdk/v1/config", get(get_config))
}

/// Routes that also take client keys (browsers report usage and metric events).
pub(super) fn client_router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<Hubs>: FromRef<S>,
    Arc<SdkKeys>: FromRef<S>,
{
    Router::new().route("/sdk/v1/events", post(post_events))
}

#[utoipa::path(get, path = "/sdk/v1/config", operation_id = "get_config", tag = "sdk",
    summary = "Get the environment's configuration",
    description = "The complete snapshot of the SDK key's environment (every active flag with its configuration there, and every segment), for SDKs that evaluate locally. It is served as prepared once per change, gzipped when the request accepts gzip, and can be revalidated with `If-None-Match`.",
    extensions(("x-vexil-role" = json!("sdk-server"))),
    security(("sdkKeyBearer" = []), ("sdkKeyHeader" = [])),
    params(("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the caller already has (a comma-separated list; weak forms `W/\"...\"` and `*` match too); when one is current the answer is a 304 without a body."), ("Accept-Encoding" = Option<String>, Header, nullable = false, description = "With `gzip` (or `*`) among the codings, and not refused with `q=0`, the body is gzipped and `Content-Encoding: gzip` says so.")),
    responses(
        (status = 200, description = "The snapshot.", body = Snapshot, headers(("ETag" = String, description = "The history and the snapshot (environment) version, as a quoted string (`\"5f0c2a9e13b4-42\"`): the same as the stream's event ids."), ("Vary" = String, description = "Always `accept-encoding`."), ("Cache-Control" = String, description = "Always `no-cache`; caches must revalidate (`If-None-Match`)."), ("Content-Encoding" = String, description = "`gzip`, present only when the request accepted gzip."))),
        (status = 304, description = "`If-None-Match` names the current history and version: the copy the SDK has is current. No body.", headers(("ETag" = String, description = "The history and the snapshot (environment) version, as a quoted string (`\"5f0c2a9e13b4-42\"`): the same as the stream's event ids."), ("Vary" = String, description = "Always `accept-encoding`."), ("Cache-Control" = String, description = "Always `no-cache`; caches must revalidate (`If-None-Match`)."))),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn get_config(
    State(hubs): State<Arc<Hubs>>,
    ServerSdk(key): ServerSdk,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let live = hub_for_key(&hubs, key.environment_id).await?;
    let view = live.hub.view();
    // The history is part of the tag: the same version in a restored database is
    // another configuration.
    let etag = view
        .etag()
        .ok_or_else(|| ApiError::Internal("the configuration's ETag is not a header value".to_owned()))?;
    let mut response = if etag.to_str().is_ok_and(|etag| none_match(&headers, etag)) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if let Some(gzip) = accepts_gzip(&headers).then(|| view.gzip()).flatten() {
        let mut r = Response::new(Body::from(gzip));
        r.headers_mut().insert(header::CONTENT_ENCODING, const { HeaderValue::from_static("gzip") });
        r
    } else {
        let json = view
            .json()
            .ok_or_else(|| ApiError::Internal("the configuration could not be serialised".to_owned()))?;
        Response::new(Body::from(json))
    };
    let not_modified = response.status() == StatusCode::NOT_MODIFIED;
    let h = response.headers_mut();
    h.reserve(4 + super::edge::EDGE_HEADERS);
    if !not_modified {
        h.insert(header::CONTENT_TYPE, const { HeaderValue::from_static("application/json") });
    }
    h.insert(header::VARY, const { HeaderValue::from_static("accept-encoding") });
    h.insert(header::CACHE_CONTROL, const { HeaderValue::from_static("no-cache") });
    h.insert(header::ETAG, etag.clone());
    Ok(response)
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = EventsAccepted)]
pub(super) struct Accepted {
    /// Usage entries stored.
    #[schema(value_type = u64)]
    usage: usize,
    /// Metric events stored.
    #[schema(value_type = u64)]
    metrics: usize,
    /// Entries about flags or variants this key cannot see (dropped, not errors).
    #[schema(value_type = u64)]
    ignored: usize,
    /// Entries refused, each with its pointer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<super::openapi::FieldProblem>)]
    problems: Vec<Problem>,
}

/// Checks an SDK-supplied time: RFC 3339, not in the future beyond clock skew, not older
/// than the minute retention.
fn sdk_time(pointer: String, value: &str, now: Timestamp, problems: &mut Vec<Problem>) -> Option<Timestamp> {
    let Some(t) = Timestamp::parse_rfc3339(value) else {
        problems.push(Problem { pointer, message: format!("{value:?} is not an RFC 3339 time") });
        return None;
    };
    let oldest = now.0 - crate::store::MINUTE_RETENTION_HOURS * 3_600_000;
    if t.0 > now.0 + MAX_CLOCK_SKEW_MS || t.0 < oldest {
        problems.push(Problem {
            pointer,
            message: "the time is in the future or older than the usage retention".to_owned(),
        });
        return None;
    }
    Some(t)
}

#[utoipa::path(post, path = "/sdk/v1/events", operation_id = "post_events", tag = "sdk",
    summary = "Report usage and metric events",
    description = "Takes a batch of what an SDK observed: evaluation counts per flag and variant (the source of flag usage and of `last_evaluated_at`) and metric events, optionally tied to the variants the context was served. Counts and mappings that name a flag or variant the environment does not have (an SDK with an older snapshot) are ignored and counted in `ignored`, not refused. An invalid entry (a count out of range, a bad event key or value, a time that is not RFC 3339 or is outside the usage retention) is left out and named in the answer's `problems` (a JSON pointer and a message) while the valid entries are recorded: one bad entry does not cost the batch. A batch with nothing usable is refused with 422, and nothing is recorded then.",
    extensions(("x-vexil-role" = json!("sdk"))),
    security(("sdkKeyBearer" = []), ("sdkKeyHeader" = [])),
    request_body = EventBatch,
    responses(
        (status = 202, description = "Recorded.", body = Accepted),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn post_events(
    State(store): State<Store>,
    State(hubs): State<Arc<Hubs>>,
    SdkClient(key): SdkClient,
    LenientJson(batch): LenientJson<EventBatch>,
) -> Result<Response, ApiError> {
    let now = Timestamp::now();
    let mut problems = Vec::new();
    if batch.usage.len() > MAX_BATCH_ENTRIES || batch.metrics.len() > MAX_BATCH_ENTRIES {
        return Err(field_error(
            "",
            &format!("at most {MAX_BATCH_ENTRIES} usage and {MAX_BATCH_ENTRIES} metric entries per batch"),
        ));
    }
    // An unusable window makes every usage count unbookable; metrics carry their own times.
    let booked_at = match &batch.window {
        Some(w) => {
            let before = problems.len();
            let start = sdk_time("/window/start".to_owned(), &w.start, now, &mut problems);
            let end = sdk_time("/window/end".to_owned(), &w.end, now, &mut problems);
            if let (Some(s), Some(e)) = (start, end) {
                if s > e {
                    problems.push(Problem {
                        pointer: "/window".to_owned(),
                        message: "start is after end".to_owned(),
                    });
                }
            }
            (problems.len() == before).then(|| end.unwrap_or(now))
        }
        None => Some(now),
    };
    let live = hub_for_key(&hubs, key.environment_id).await?;
    let view = live.hub.view();
    // A client key reports only flags it may see; others count as unknown, so that the
    // answer tells a browser nothing about hidden flags.
    let known = |flag: &str, variant: &str| {
        view.compiled.flag(flag).is_some_and(|f| {
            (key.kind == crate::store::SdkKeyKind::Server || f.client_visible())
                && f.variants().any(|(k, _)| k == variant)
        })
    };
    let mut ignored = 0;
    let mut accepted_usage = 0;
    let mut usage: BTreeMap<UsageKey, i64> = BTreeMap::new();
    for (i, u) in batch.usage.iter().enumerate() {
        if u.count == 0 || u.count > 1_000_000_000 {
            problems.push(Problem {
                pointer: format!("/usage/{i}/count"),
                message: "count must be 1 to 1000000000".to_owned(),
            });
            continue;
        }
        // Counts for flags this environment does not have (an SDK with an older
        // snapshot) are dropped, not errors.
        if !known(&u.flag, &u.variant) {
            ignored += 1;
            continue;
        }
        let Some(booked_at) = booked_at else {
            problems.push(Problem {
                pointer: format!("/usage/{i}"),
                message: "not booked: the window is invalid".to_owned(),
            });
            continue;
        };
        let k = UsageKey { flag: u.flag.clone(), variant: u.variant.clone(), minute: booked_at.0 / 60_000 };
        *usage.entry(k).or_default() += u.count as i64;
        accepted_usage += 1;
    }
    let mut metrics: BTreeMap<MetricKey, MetricSums> = BTreeMap::new();
    let mut accepted_metrics = 0;
    for (i, m) in batch.metrics.iter().enumerate() {
        if !event_key_ok(&m.event) {
            problems.push(Problem {
                pointer: format!("/metrics/{i}/event"),
                message: "event keys are 1 to 128 characters of letters, digits and _ - . : /".to_owned(),
            });
            continue;
        }
        if !m.value.is_finite() {
            problems.push(Problem {
                pointer: format!("/metrics/{i}/value"),
                message: "value must be a finite number".to_owned(),
            });
            continue;
        }
        if m.variants.len() > MAX_WATCHED_FLAGS {
            problems.push(Problem {
                pointer: format!("/metrics/{i}/variants"),
                message: format!("at most {MAX_WATCHED_FLAGS} flags per event"),
            });
            continue;
        }
        let at = match &m.at {
            Some(t) => match sdk_time(format!("/metrics/{i}/at"), t, now, &mut problems) {
                Some(t) => t,
                None => continue,
            },
            None => now,
        };
        let minute = at.0 / 60_000;
        let mut add = |flag: &str, variant: &str| {
            let k = MetricKey {
                event: m.event.clone(),
                flag: flag.to_owned(),
                variant: variant.to_owned(),
                minute,
            };
            let s = metrics.entry(k).or_default();
            s.count += 1;
            s.sum += m.value;
            s.sum_sq += m.value * m.value;
            if !flag.is_empty() {
                s.sketch.add(m.value);
            }
        };
        add("", "");
        accepted_metrics += 1;
        for (flag, variant) in &m.variants {
            if known(flag, variant) {
                add(flag, variant);
            } else {
                ignored += 1;
            }
        }
    }
    // Valid entries are kept even when others are not: one bad count must not cost the
    // batch. Only a batch with nothing usable is refused. A bad application name costs
    // only the attribution.
    let application = batch.application.as_ref().filter(|app| match app.problem() {
        Some((pointer, message)) => {
            problems.push(Problem { pointer: format!("/application{pointer}"), message });
            false
        }
        None => true,
    });
    if !problems.is_empty() && accepted_usage == 0 && accepted_metrics == 0 {
        return Err(ApiError::Validation(vexil_core::ValidationErrors { problems }));
    }
    store.record_usage(key.environment_id, &usage, &metrics, application).await?;
    let accepted = Accepted { usage: accepted_usage, metrics: accepted_metrics, ignored, problems };
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)).into_response())
}
