//! The OpenFeature Remote Evaluation Protocol (OFREP): single and bulk evaluation for
//! OpenFeature providers in any language, authenticated by SDK keys.
//!
//! Every answer of an OFREP route is in the protocol's shape, errors included (a bad or
//! revoked key, a deleted environment, a wrong method, a server failure): `{"errorCode",
//! "errorDetails"}`, with `key` on the single-flag route. Reasons map onto the protocol's
//! enumeration: Vexil's `DEFAULT` becomes `STATIC` and `PREREQUISITE_FAILED` becomes
//! `DISABLED` (the off variant is served); the Vexil reason is kept in
//! `metadata.vexilReason`. Client keys see only client-visible flags, and a hidden flag
//! answers exactly as an unknown one. Values the protocol cannot carry are mapped as
//! `docs/decisions` records: a `json` flag serving `null` sends no value (the provider's
//! code default), one serving an array is a `GENERAL` failure.
//!
//! Evaluations count as usage, like the SDKs' (through [`crate::usage::UsageBuffer`]).

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRef, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use vexil_core::{CompiledSnapshot, Context, ErrorCode, Evaluation, Reason};

use super::error::ApiError;
use super::extract::Path;
use super::ofrep_error::{OfrepError, method_not_allowed};
use super::openapi::ofrep_shapes::{
    self as doc, OfrepInternal, OfrepMethodNotAllowed, OfrepUnauthorized, OfrepUnavailable,
};
use super::shared::{TokenPeriod, accepts_gzip, hub_for_key, none_match, ofrep_event_stream};
use crate::auth::sdk_key::{SdkClient, SdkKeys};
use crate::auth::{AuthError, AuthState};
use crate::state::Settings;
use crate::store::{SdkKeyKind, SdkKeyOwner};
use crate::stream::Hubs;
use crate::stream::pieces::{FlagPieces, json_into, rule_members_into};
use crate::usage::UsageBuffer;

/// Largest accepted OFREP request body.
pub(crate) const MAX_CONTEXT_BYTES: usize = 64 * 1024;
/// Longest a bulk request that names a version this replica has not reached yet (from a
/// change notification another replica sent) waits for it.
const CATCH_UP_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<AuthState>: FromRef<S>,
    Arc<Hubs>: FromRef<S>,
    Arc<SdkKeys>: FromRef<S>,
    Arc<Settings>: FromRef<S>,
    Arc<UsageBuffer>: FromRef<S>,
{
    Router::new()
        .route("/ofrep/v1/evaluate/flags/{key}", post(evaluate_flag).fallback(method_not_allowed))
        .route("/ofrep/v1/evaluate/flags", post(evaluate_flags).fallback(method_not_allowed))
}

fn invalid(code: &'static str, details: impl Into<String>) -> OfrepError {
    OfrepError::new(StatusCode::BAD_REQUEST, code, details)
}

/// The request's bytes, read up to [`MAX_CONTEXT_BYTES`], or the protocol's answer when
/// they could not be read. (Read here rather than through `Bytes` under a
/// `DefaultBodyLimit` layer, which would wrap each route in one more service per request.)
async fn request_bytes(body: Body) -> Result<Bytes, OfrepError> {
    axum::body::to_bytes(body, MAX_CONTEXT_BYTES).await.map_err(|e| {
        let e = e.into_inner();
        if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
            invalid("INVALID_CONTEXT", format!("the request is larger than {MAX_CONTEXT_BYTES} bytes"))
        } else {
            invalid("PARSE_ERROR", format!("could not read the request: {e}"))
        }
    })
}

/// Reads the request with the core's reader ([`vexil_core::ofrep::read_request`]), its
/// failures in the protocol's error shape.
async fn read_request(body: Body) -> Result<(Context, Value), OfrepError> {
    vexil_core::ofrep::read_request(&request_bytes(body).await?).map_err(|e| invalid(e.code(), e.to_string()))
}

/// Reads the request's context only ([`vexil_core::ofrep::read_context`]: the same
/// answers as [`read_request`], without a `serde_json::Value` of the body).
async fn read_context(body: Body) -> Result<Context, OfrepError> {
    vexil_core::ofrep::read_context(&request_bytes(body).await?).map_err(|e| invalid(e.code(), e.to_string()))
}

/// Whether this key may see this flag.
fn visible(compiled: &CompiledSnapshot, key: &SdkKeyOwner, flag: &str) -> bool {
    compiled.flag(flag).is_some_and(|f| key.kind == SdkKeyKind::Server || f.client_visible())
}

/// The OFREP reason for a Vexil reason.
fn ofrep_reason(reason: &Reason<'_>) -> &'static str {
    match reason {
        Reason::TargetingMatch { .. } => "TARGETING_MATCH",
        Reason::Split => "SPLIT",
        Reason::Disabled | Reason::PrerequisiteFailed { .. } => "DISABLED",
        Reason::Default => "STATIC",
        Reason::Error(_) => "UNKNOWN",
    }
}

/// A success in the protocol's shape, borrowed from the evaluation.
#[derive(Serialize)]
struct Success<'a> {
    key: &'a str,
    /// Absent for `null`: the protocol's "use the code default".
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
    reason: &'static str,
    metadata: FlagMetadata<'a>,
}

/// Per-flag metadata: only what the flag's own answer determines, so that it changes
/// exactly when the answer does (providers diff answers to tell which flags changed).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FlagMetadata<'a> {
    vexil_reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

/// A per-flag failure in the protocol's shape.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Failure<'a> {
    key: &'a str,
    error_code: &'static str,
    error_details: String,
}

/// One flag's answer: a success, or a failure and its status on the single-flag route.
enum Answer<'a> {
    Success(Success<'a>),
    Failure(StatusCode, Failure<'a>),
}

impl Success<'_> {
    /// Writes the answer's JSON: byte for byte what serde writes for it (the test
    /// `rendered_answers_equal_the_general_ones` holds the two to the same bytes), without
    /// serde's work per member. The reasons are constant upper-case names, which JSON
    /// writes as they are.
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"key\":");
        json_into(out, self.key);
        if let Some(value) = self.value {
            out.extend_from_slice(b",\"value\":");
            // Writing into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, value);
        }
        if let Some(variant) = self.variant {
            out.extend_from_slice(b",\"variant\":");
            json_into(out, variant);
        }
        out.extend_from_slice(b",\"reason\":\"");
        out.extend_from_slice(self.reason.as_bytes());
        out.extend_from_slice(b"\",\"metadata\":{\"vexilReason\":\"");
        out.extend_from_slice(self.metadata.vexil_reason.as_bytes());
        out.push(b'"');
        if let Some(id) = self.metadata.rule_id {
            out.extend_from_slice(b",\"ruleId\":");
            json_into(out, id);
        }
        if let Some(index) = self.metadata.rule_index {
            out.extend_from_slice(b",\"ruleIndex\":");
            out.extend_from_slice(itoa::Buffer::new().format(index).as_bytes());
        }
        out.extend_from_slice(b"}}");
    }
}

impl<'a> Answer<'a> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Answer::Success(s) => s.write(out),
            // Writing into a Vec cannot fail.
            Answer::Failure(_, f) => drop(serde_json::to_writer(out, f)),
        }
    }

    /// The variant served, for usage counts.
    fn served(&self) -> Option<(&'a str, &'a str)> {
        match self {
            Answer::Success(s) => s.variant.map(|v| (s.key, v)),
            Answer::Failure(..) => None,
        }
    }
}

fn answer<'a>(flag: &'a str, e: &Evaluation<'a>, kind: SdkKeyKind) -> Answer<'a> {
    let failure = |status, code, details: String| {
        Answer::Failure(status, Failure { key: flag, error_code: code, error_details: details })
    };
    match e.reason {
        Reason::Error(code) => match code {
            ErrorCode::FlagNotFound => {
                failure(StatusCode::NOT_FOUND, "FLAG_NOT_FOUND", format!("flag {flag:?} was not found"))
            }
            ErrorCode::TargetingKeyMissing => failure(
                StatusCode::BAD_REQUEST,
                "TARGETING_KEY_MISSING",
                "this flag splits traffic by the targeting key; the context has none".to_owned(),
            ),
            ErrorCode::InvalidContext => {
                failure(StatusCode::BAD_REQUEST, "INVALID_CONTEXT", "invalid context".to_owned())
            }
            ErrorCode::ParseError => failure(
                StatusCode::BAD_REQUEST,
                "PARSE_ERROR",
                "the stored flag cannot be evaluated; the server log names the problem".to_owned(),
            ),
            _ => failure(StatusCode::BAD_REQUEST, "GENERAL", "the flag could not be evaluated".to_owned()),
        },
        // The protocol's value types are scalars and objects; it has no arrays.
        _ if e.value.is_some_and(Value::is_array) => failure(
            StatusCode::BAD_REQUEST,
            "GENERAL",
            format!(
                "flag {flag:?} serves a JSON array, which OFREP cannot carry (its values are scalars and objects)"
            ),
        ),
        ref reason => {
            let rule = match reason {
                // Client keys ship to browsers: they never learn about the rules.
                Reason::TargetingMatch { rule: Some(r) } if kind == SdkKeyKind::Server => Some(r),
                _ => None,
            };
            Answer::Success(Success {
                key: flag,
                value: e.value.filter(|v| !v.is_null()),
                variant: e.variant,
                reason: ofrep_reason(reason),
                metadata: FlagMetadata {
                    vexil_reason: reason.kind().as_str(),
                    rule_id: rule.map(|r| r.id),
                    rule_index: rule.map(|r| r.index),
                },
            })
        }
    }
}

/// Writes a success from the flag's pre-rendered pieces, byte for byte what
/// [`answer`] writes, and returns the variant served; `None` (nothing written) for
/// what takes the general path: errors and values OFREP cannot carry.
fn write_rendered<'a>(
    out: &mut Vec<u8>,
    piece: &FlagPieces,
    e: &Evaluation<'a>,
    kind: SdkKeyKind,
) -> Option<&'a str> {
    if matches!(e.reason, Reason::Error(_)) {
        return None;
    }
    let variant = e.variant?;
    let rendered = piece.variants.get(e.variant_index()?)?.as_deref()?;
    out.extend_from_slice(rendered);
    match e.reason {
        Reason::TargetingMatch { rule: Some(r) } if kind == SdkKeyKind::Server => {
            out.extend_from_slice(reason_members(&e.reason, false));
            match piece.rules.get(r.index) {
                Some(rendered) => out.extend_from_slice(rendered),
                None => rule_members_into(out, r.id, r.index),
            }
            out.extend_from_slice(b"}}");
        }
        // Client keys ship to browsers: they never learn about the rules.
        ref reason => out.extend_from_slice(reason_members(reason, true)),
    }
    Some(variant)
}

/// `"reason":"<OFREP reason>","metadata":{"vexilReason":"<reason>"`, and with `close`
/// the `}}` that ends the answer: what follows a rendered variant, one copy per answer
/// instead of one per member.
fn reason_members(reason: &Reason<'_>, close: bool) -> &'static [u8] {
    macro_rules! members {
        ($ofrep:literal, $vexil:literal) => {
            if close {
                concat!("\"reason\":\"", $ofrep, "\",\"metadata\":{\"vexilReason\":\"", $vexil, "\"}}")
                    .as_bytes()
            } else {
                concat!("\"reason\":\"", $ofrep, "\",\"metadata\":{\"vexilReason\":\"", $vexil, "\"")
                    .as_bytes()
            }
        };
    }
    // The same pairs as `ofrep_reason` and `ReasonKind::as_str`; the test
    // `rendered_answers_equal_the_general_ones` holds the two paths to the same bytes.
    match reason {
        Reason::TargetingMatch { .. } => members!("TARGETING_MATCH", "TARGETING_MATCH"),
        Reason::Split => members!("SPLIT", "SPLIT"),
        Reason::Disabled => members!("DISABLED", "DISABLED"),
        Reason::PrerequisiteFailed { .. } => members!("DISABLED", "PREREQUISITE_FAILED"),
        Reason::Default => members!("STATIC", "DEFAULT"),
        Reason::Error(_) => members!("UNKNOWN", "ERROR"),
    }
}

/// Gzips a bulk answer at the fastest level: it is compressed for every request (the
/// answer depends on the context), so CPU matters more than the last bytes. `None` if
/// compression failed (the caller sends the JSON as it is).
fn gzip_fast(body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    let mut gz =
        flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 6), flate2::Compression::fast());
    gz.write_all(body).ok()?;
    gz.finish().ok()
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    // Content type, CORS's `vary` and `access-control-*` answers, and the edge's.
    let headers = r.headers_mut();
    headers.reserve(4 + super::edge::EDGE_HEADERS);
    headers.insert(header::CONTENT_TYPE, const { HeaderValue::from_static("application/json") });
    r
}

#[utoipa::path(post, path = "/ofrep/v1/evaluate/flags/{key}", operation_id = "evaluate_flag", tag = "ofrep",
    summary = "Evaluate one flag (OFREP)",
    description = "Evaluates one flag of the SDK key's environment for the context in the body, as the OpenFeature Remote Evaluation Protocol defines it. A client key sees only client-visible flags; any other flag answers exactly as an unknown one (404). Unlike the admin API, the body is not checked for its content type or for members the server does not know, query parameters are ignored, and a body that cannot be used (not JSON, over 64 KiB, no usable context) is a 400 in the protocol's shape, never a 413 or 415. Every error is an `OfrepError` with the flag's `key`. The evaluation counts as usage of the flag (the usage chart, `last_evaluated_at`).",
    extensions(("x-vexil-role" = json!("sdk"))),
    security(("sdkKeyBearer" = []), ("sdkKeyHeader" = [])),
    params(("key" = String, Path, description = "The flag key.")),
    request_body = doc::EvaluationRequest,
    responses(
        (status = 200, description = "The flag's value.", body = doc::EvaluationSuccess),
        (status = 400, description = "The request could not be used (`PARSE_ERROR`: not JSON; `INVALID_CONTEXT`: no context, a context that is not an object, a `targetingKey` that is not a string, too many attributes, objects nested too deep, or a body over 64 KiB) or the flag could not be evaluated for this context (`TARGETING_KEY_MISSING`: it splits traffic by the targeting key and the context has none; `PARSE_ERROR`: the stored flag cannot be compiled; `GENERAL`: anything else, e.g. a `json` flag serving an array, which the protocol cannot carry).", body = doc::EvaluationFailure),
        (status = 401, response = OfrepUnauthorized),
        (status = 404, description = "No flag with this key is visible to the SDK key.", body = doc::FlagNotFound),
        (status = 405, response = OfrepMethodNotAllowed),
        (status = 500, response = OfrepInternal),
        (status = 503, response = OfrepUnavailable),
    ))]
pub(super) async fn evaluate_flag(
    State(hubs): State<Arc<Hubs>>,
    State(usage): State<Arc<UsageBuffer>>,
    key: Result<SdkClient, AuthError>,
    flag: Result<Path<String>, ApiError>,
    body: Body,
) -> Result<Response, OfrepError> {
    let Path(flag) = flag?;
    let on_flag = |e: OfrepError| e.for_flag(&flag);
    let SdkClient(key) = key.map_err(|e| on_flag(e.into()))?;
    let ctx = read_context(body).await.map_err(on_flag)?;
    let live = hub_for_key(&hubs, key.environment_id).await.map_err(|e| on_flag(e.into()))?;
    let view = live.hub.view();
    let result = if visible(&view.compiled, &key, &flag) {
        view.compiled.evaluate(&flag, &ctx)
    } else {
        Evaluation::error(ErrorCode::FlagNotFound)
    };
    let answer = answer(&flag, &result, key.kind);
    usage.record(key.environment_id, answer.served());
    let mut body = Vec::with_capacity(256);
    answer.write(&mut body);
    let status = match answer {
        Answer::Success(_) => StatusCode::OK,
        Answer::Failure(status, _) => status,
    };
    Ok(json_response(status, body))
}

/// A stable hash of a JSON value (object keys sorted), for bulk ETags.
fn canonical_hash(value: &Value) -> String {
    fn write(v: &Value, h: &mut Sha256) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                h.update(b"{");
                for k in keys {
                    h.update(serde_json::to_string(k).unwrap_or_default().as_bytes());
                    h.update(b":");
                    write(&m[k], h);
                    h.update(b",");
                }
                h.update(b"}");
            }
            Value::Array(a) => {
                h.update(b"[");
                for item in a {
                    write(item, h);
                    h.update(b",");
                }
                h.update(b"]");
            }
            other => h.update(other.to_string().as_bytes()),
        }
    }
    let mut h = Sha256::new();
    write(value, &mut h);
    hex::encode(&h.finalize()[..8])
}

/// The version a change notification named (`flagConfigEtag`, which Vexil's
/// notifications set to the environment version), if the request carries one.
fn announced_version(query: Option<&str>) -> Option<u64> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "flagConfigEtag")
        .and_then(|(_, v)| v.trim().trim_matches('"').parse().ok())
}

#[utoipa::path(post, path = "/ofrep/v1/evaluate/flags", operation_id = "evaluate_flags", tag = "ofrep",
    summary = "Evaluate every flag (OFREP)",
    description = "Evaluates every flag of the SDK key's environment that the key may see (a client key: the client-visible ones) for the context in the body, as the OpenFeature Remote Evaluation Protocol defines it; providers cache the result and revalidate it with `If-None-Match`. The ETag covers the environment version, the kind of key, the context and the period of the stream URL in `eventStreams`, so that a 304 never leaves a provider with an expired URL. A flag that cannot be evaluated for this context is an item in the shape of a failure, the others still succeed. Per-flag metadata depends only on that flag's answer; the environment version is in the answer's `metadata`. Unlike the admin API, the body is not checked for its content type or for members the server does not know, unknown query parameters are ignored, and a body that cannot be used (not JSON, over 64 KiB, no usable context) is a 400 in the protocol's shape, never a 413 or 415. Every error is an `OfrepError`. Each flag in the answer counts as evaluated once (usage, `last_evaluated_at`): the answer hands it to the client.",
    extensions(("x-vexil-role" = json!("sdk"))),
    security(("sdkKeyBearer" = []), ("sdkKeyHeader" = [])),
    params(("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the caller already has (a comma-separated list; weak forms `W/\"...\"` and `*` match too); when one is current the answer is a 304 without a body."), ("flagConfigEtag" = Option<String>, Query, description = "Part of the protocol, sent by providers when a change notification from an event stream triggered the request: Vexil's notifications set it to the environment version. A replica that has not applied that version yet looks for it in the database and waits for it (up to 2 s) before answering, so that the provider does not get the values from before the change it was told about."), ("flagConfigLastModified" = Option<String>, Query, description = "Part of the protocol, like `flagConfigEtag`: the time of the change that triggered the request, as Unix seconds or an RFC 3339 time; accepted and ignored, whatever it holds.")),
    request_body = doc::EvaluationRequest,
    responses(
        (status = 200, description = "Every visible flag's value or failure.", body = doc::BulkEvaluation, headers(("ETag" = String, description = "An opaque quoted string that changes with the history, the environment version, the kind of SDK key, the context and the period of the stream URL in the answer (`\"5f0c2a9e13b4-42-s0123456789abcdef-493827\"`)."), ("Cache-Control" = String, description = "Always `no-cache`; caches must revalidate (`If-None-Match`)."))),
        (status = 304, description = "`If-None-Match` names the current ETag: the results the provider has are current. No body.", headers(("ETag" = String, description = "An opaque quoted string that changes with the history, the environment version, the kind of SDK key, the context and the period of the stream URL in the answer (`\"5f0c2a9e13b4-42-s0123456789abcdef-493827\"`)."))),
        (status = 400, description = "The request could not be used: `PARSE_ERROR` (not JSON) or `INVALID_CONTEXT` (no context, a context that is not an object, a `targetingKey` that is not a string, too many attributes, objects nested too deep, or a body over 64 KiB).", body = doc::BulkFailure),
        (status = 401, response = OfrepUnauthorized),
        (status = 405, response = OfrepMethodNotAllowed),
        (status = 500, response = OfrepInternal),
        (status = 503, response = OfrepUnavailable),
    ))]
#[expect(clippy::too_many_arguments, reason = "an axum handler: each argument is an extractor")]
pub(super) async fn evaluate_flags(
    State(hubs): State<Arc<Hubs>>,
    State(usage): State<Arc<UsageBuffer>>,
    State(auth): State<Arc<AuthState>>,
    State(settings): State<Arc<Settings>>,
    key: Result<SdkClient, AuthError>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OfrepError> {
    let SdkClient(key) = key?;
    let (ctx, raw_context) = read_request(body).await?;
    let live = hub_for_key(&hubs, key.environment_id).await?;
    // A notification from another replica may name a version this one has not applied
    // yet: answering with the older one would leave the provider stale until the next
    // change.
    let view = match announced_version(query.as_deref()) {
        Some(v) => live.view_at_least(v, CATCH_UP_WAIT).await,
        None => live.hub.view(),
    };
    // The results depend on the configuration, the context and the kind of key; the
    // answer also carries a stream URL that expires with the token period.
    let kind = match key.kind {
        SdkKeyKind::Server => 's',
        SdkKeyKind::Client => 'c',
    };
    let period = TokenPeriod::now(&settings);
    // A gzipped answer is another representation, so it has its own tag.
    let gzip = accepts_gzip(&headers);
    let coding = if gzip { "-gz" } else { "" };
    let etag =
        format!("\"{}-{kind}{}-{}{coding}\"", view.position(), canonical_hash(&raw_context), period.index());
    let mut r = if none_match(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut body = Vec::with_capacity(128 * view.compiled.len() + 512);
        body.extend_from_slice(b"{\"flags\":[");
        // Usage: by counter position for rendered answers, by name for the rest.
        let mut counted = Vec::with_capacity(view.compiled.len());
        let mut served = Vec::new();
        let mut first = true;
        let pieces = view.ofrep_pieces();
        // All three iterate in snapshot order.
        for (((flag, e), info), piece) in
            view.compiled.evaluate_all(&ctx).zip(view.compiled.flags()).zip(&pieces.flags[..])
        {
            if key.kind == SdkKeyKind::Client && !info.client_visible() {
                continue;
            }
            if !first {
                body.push(b',');
            }
            first = false;
            if write_rendered(&mut body, piece, &e, key.kind).is_some() {
                // A rendered answer has a variant index.
                let v = e.variant_index().and_then(|v| u32::try_from(v).ok()).unwrap_or(u32::MAX);
                counted.push(piece.first_counter.saturating_add(v));
                continue;
            }
            let answer = answer(flag, &e, key.kind);
            answer.write(&mut body);
            served.extend(answer.served());
        }
        // A bulk answer hands every flag to the client: each counts as evaluated once.
        usage.record_counters(key.environment_id, &pieces.counters, counted);
        usage.record(key.environment_id, served);
        body.extend_from_slice(b"],\"metadata\":");
        let metadata =
            serde_json::json!({"version": view.version.to_string(), "environment": view.environment});
        let _ = serde_json::to_writer(&mut body, &metadata);
        if let Some(stream) = ofrep_event_stream(&auth, &settings, &key, view.version, period, &headers) {
            body.extend_from_slice(b",\"eventStreams\":[");
            let _ = serde_json::to_writer(&mut body, &stream);
            body.push(b']');
        }
        body.push(b'}');
        match gzip.then(|| gzip_fast(&body)).flatten() {
            Some(compressed) => {
                let mut r = json_response(StatusCode::OK, compressed);
                r.headers_mut().insert(header::CONTENT_ENCODING, const { HeaderValue::from_static("gzip") });
                r
            }
            None => json_response(StatusCode::OK, body),
        }
    };
    r.headers_mut().insert(header::VARY, const { HeaderValue::from_static("accept-encoding") });
    if let Ok(v) = HeaderValue::from_str(&etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, const { HeaderValue::from_static("no-cache") });
    Ok(r)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use vexil_core::{CompiledSnapshot, Context, Snapshot};

    use super::*;

    fn flag(key: &str, kind: &str, variants: Value, config: Value) -> Value {
        json!({"key": key, "kind": kind, "salt": key, "variants": variants, "config": config})
    }

    /// Every answer written from the pre-rendered pieces is byte for byte the general
    /// path's, for every reason, value type and kind of key.
    #[test]
    fn rendered_answers_equal_the_general_ones() {
        let on_off = json!([{"key": "on", "value": true}, {"key": "off", "value": false}]);
        let snapshot: Snapshot = serde_json::from_value(json!({
            "environment": "production", "version": 7,
            "flags": [
                flag("a-plain", "boolean", on_off.clone(), json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}})),
                flag("b-disabled", "boolean", on_off.clone(), json!({"enabled": false, "off_variant": "off", "default": {"variant": "on"}})),
                flag("c-rollout", "boolean", on_off.clone(), json!({"enabled": true, "off_variant": "off",
                    "default": {"rollout": {"weights": [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]}}})),
                flag("d-rule", "string",
                    json!([{"key": "quote", "value": "say \"hi\" \u{e9}\n"}, {"key": "plain", "value": "x"}]),
                    json!({"enabled": true, "off_variant": "plain", "default": {"variant": "plain"},
                        "targets": [{"variant": "quote", "keys": ["u-target"]}],
                        "rules": [{"id": "eu-region", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]}],
                                   "serve": {"variant": "quote"}},
                                  {"id": "fr-region", "conditions": [{"attribute": "country", "op": "in", "values": ["FR"]}],
                                   "serve": {"variant": "plain"}}]})),
                flag("e-json", "json",
                    json!([{"key": "obj", "value": {"a": [1, 2.5, null], "b": "\u{2028}"}}, {"key": "nothing", "value": null},
                           {"key": "list", "value": [1, 2]}]),
                    json!({"enabled": true, "off_variant": "nothing", "default": {"variant": "obj"},
                        "rules": [{"id": "none", "conditions": [{"attribute": "country", "op": "in", "values": ["FR"]}],
                                   "serve": {"variant": "nothing"}},
                                  {"id": "list", "conditions": [{"attribute": "country", "op": "in", "values": ["IT"]}],
                                   "serve": {"variant": "list"}}]})),
                flag("f-prereq", "boolean", on_off.clone(), json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                    "prerequisites": [{"flag": "b-disabled", "variant": "on"}]})),
                flag("g-number", "number", json!([{"key": "one", "value": 1}, {"key": "big", "value": 1e300}]),
                    json!({"enabled": true, "off_variant": "one", "default": {"variant": "big"}})),
            ]
        }))
        .expect("snapshot");
        let lenient = CompiledSnapshot::compile_lenient(&snapshot);
        assert!(lenient.failures.is_empty(), "{:?}", lenient.failures);
        let compiled = lenient.compiled;
        let pieces = crate::stream::pieces::render(&compiled);
        let mut rendered_count = 0;
        for country in ["DE", "FR", "IT", "US"] {
            for user in ["u-target", "u-1", "u-2", "u-3", "u-4"] {
                let mut ctx = Context::new(user);
                ctx.set("country", country);
                for kind in [SdkKeyKind::Server, SdkKeyKind::Client] {
                    for (((flag, e), _), piece) in
                        compiled.evaluate_all(&ctx).zip(compiled.flags()).zip(&pieces.flags[..])
                    {
                        let mut general = Vec::new();
                        let answer = answer(flag, &e, kind);
                        answer.write(&mut general);
                        // The general path writes what serde would.
                        let by_serde = match &answer {
                            Answer::Success(s) => serde_json::to_vec(s),
                            Answer::Failure(_, f) => serde_json::to_vec(f),
                        }
                        .expect("JSON");
                        assert_eq!(
                            String::from_utf8_lossy(&general),
                            String::from_utf8_lossy(&by_serde),
                            "{flag} for {user} in {country}"
                        );
                        let mut fast = Vec::new();
                        match write_rendered(&mut fast, piece, &e, kind) {
                            Some(variant) => {
                                rendered_count += 1;
                                assert_eq!(
                                    String::from_utf8_lossy(&fast),
                                    String::from_utf8_lossy(&general),
                                    "{flag} for {user} in {country}"
                                );
                                assert_eq!(answer.served(), Some((flag, variant)));
                                // The usage counter a bulk answer adds to names this
                                // flag and variant.
                                let counter = piece.first_counter as usize
                                    + e.variant_index().expect("a rendered answer has a variant");
                                assert_eq!(pieces.counters.iter().nth(counter), Some((flag, variant)));
                            }
                            None => {
                                assert!(fast.is_empty(), "nothing written on the general path");
                                assert!(
                                    matches!(answer, Answer::Failure(..)),
                                    "{flag}: only failures take the general path"
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(rendered_count > 200, "most answers are rendered ({rendered_count})");
    }
}
