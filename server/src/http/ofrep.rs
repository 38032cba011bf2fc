//! The OpenFeature Remote Evaluation Protocol (OFREP): single and bulk evaluation for
//! OpenFeature providers in any language, authenticated by SDK keys.
//!
//! Reasons map onto the protocol's enumeration: Vexil's `DEFAULT` becomes `STATIC` and
//! `PREREQUISITE_FAILED` becomes `DISABLED` (the off variant is served); the Vexil reason
//! is kept in `metadata.vexilReason`. Client keys see only client-visible flags, and a
//! hidden flag answers exactly as an unknown one.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use vexil_core::{AttrValue, CompiledSnapshot, Context, ErrorCode, Evaluation, Reason};

use super::error::ApiError;
use super::extract::Path;
use super::sdk::{hub_for, none_match};
use crate::app::AppState;
use crate::auth::sdk_key::SdkClient;
use crate::store::{SdkKeyKind, SdkKeyOwner};

/// Largest accepted OFREP request body.
pub(crate) const MAX_CONTEXT_BYTES: usize = 64 * 1024;
/// Most attributes a context may carry (after flattening nested objects).
const MAX_ATTRIBUTES: usize = 1_000;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/ofrep/v1/evaluate/flags/{key}", post(evaluate_flag))
        .route("/ofrep/v1/evaluate/flags", post(evaluate_flags))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_CONTEXT_BYTES))
}

/// An OFREP error: a status and a body in the protocol's shape.
struct OfrepError {
    status: StatusCode,
    key: Option<String>,
    code: &'static str,
    details: String,
}

impl IntoResponse for OfrepError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            key: Option<&'a str>,
            error_code: &'a str,
            error_details: &'a str,
        }
        let body = Body { key: self.key.as_deref(), error_code: self.code, error_details: &self.details };
        (self.status, axum::Json(body)).into_response()
    }
}

fn invalid(key: Option<&str>, code: &'static str, details: impl Into<String>) -> OfrepError {
    OfrepError { status: StatusCode::BAD_REQUEST, key: key.map(str::to_owned), code, details: details.into() }
}

/// Reads the request: `{"context": {...}}`, the context turned into a Vexil context.
fn read_request(
    key: Option<&str>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(Context, Value), OfrepError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            invalid(key, "INVALID_CONTEXT", format!("the request is larger than {MAX_CONTEXT_BYTES} bytes"))
        } else {
            invalid(key, "PARSE_ERROR", format!("could not read the request: {e}"))
        }
    })?;
    let request: Value = serde_json::from_slice(&bytes)
        .map_err(|e| invalid(key, "PARSE_ERROR", format!("the request is not valid JSON: {e}")))?;
    let Some(context) = request.get("context") else {
        return Err(invalid(key, "INVALID_CONTEXT", "the request has no context"));
    };
    let Some(map) = context.as_object() else {
        return Err(invalid(key, "INVALID_CONTEXT", "context must be a JSON object"));
    };
    let ctx = to_context(map).map_err(|e| invalid(key, "INVALID_CONTEXT", e))?;
    Ok((ctx, context.clone()))
}

/// An OpenFeature context as a Vexil context: `targetingKey` is the key; strings,
/// numbers, booleans and lists of strings become attributes; nested objects are
/// flattened with dots (`{"user": {"plan": "pro"}}` gives `user.plan`); nulls and other
/// lists are left out, since no operator can use them.
pub(crate) fn to_context(map: &Map<String, Value>) -> Result<Context, String> {
    let mut ctx = Context::anonymous();
    match map.get("targetingKey") {
        None | Some(Value::Null) => {}
        Some(Value::String(k)) => ctx.set_key(Some(k.clone())),
        Some(_) => return Err("targetingKey must be a string".to_owned()),
    }
    let mut count = 0;
    flatten(&mut ctx, "", map, &mut count)?;
    Ok(ctx)
}

fn flatten(
    ctx: &mut Context,
    prefix: &str,
    map: &Map<String, Value>,
    count: &mut usize,
) -> Result<(), String> {
    for (name, value) in map {
        if prefix.is_empty() && name == "targetingKey" {
            continue;
        }
        let full = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        match value {
            Value::Object(inner) => flatten(ctx, &full, inner, count)?,
            other => {
                if let Some(v) = AttrValue::from_json(other) {
                    *count += 1;
                    if *count > MAX_ATTRIBUTES {
                        return Err(format!("a context may carry at most {MAX_ATTRIBUTES} attributes"));
                    }
                    ctx.set(full, v);
                }
            }
        }
    }
    Ok(())
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

/// Writes a success or a per-flag failure, in the protocol's shape, straight into the
/// response buffer (bulk answers carry a thousand of these: no intermediate values).
fn write_evaluation(
    out: &mut Vec<u8>,
    flag: &str,
    e: &Evaluation<'_>,
    kind: SdkKeyKind,
    version: u64,
) -> StatusCode {
    use std::io::Write as _;
    let string = |out: &mut Vec<u8>, s: &str| {
        let _ = serde_json::to_writer(&mut *out, s);
    };
    match e.reason {
        Reason::Error(code) => {
            let (status, code, details) = match code {
                ErrorCode::FlagNotFound => {
                    (StatusCode::NOT_FOUND, "FLAG_NOT_FOUND", format!("flag {flag:?} was not found"))
                }
                ErrorCode::TargetingKeyMissing => (
                    StatusCode::BAD_REQUEST,
                    "TARGETING_KEY_MISSING",
                    "this flag splits traffic by the targeting key; the context has none".to_owned(),
                ),
                ErrorCode::InvalidContext => {
                    (StatusCode::BAD_REQUEST, "INVALID_CONTEXT", "invalid context".to_owned())
                }
                ErrorCode::ParseError => (StatusCode::BAD_REQUEST, "PARSE_ERROR", "parse error".to_owned()),
                _ => (StatusCode::BAD_REQUEST, "GENERAL", "the flag could not be evaluated".to_owned()),
            };
            out.extend_from_slice(b"{\"key\":");
            string(out, flag);
            out.extend_from_slice(b",\"errorCode\":\"");
            out.extend_from_slice(code.as_bytes());
            out.extend_from_slice(b"\",\"errorDetails\":");
            string(out, &details);
            out.push(b'}');
            status
        }
        ref reason => {
            out.extend_from_slice(b"{\"key\":");
            string(out, flag);
            out.extend_from_slice(b",\"value\":");
            let _ = serde_json::to_writer(&mut *out, e.value.unwrap_or(&Value::Null));
            if let Some(v) = e.variant {
                out.extend_from_slice(b",\"variant\":");
                string(out, v);
            }
            out.extend_from_slice(b",\"reason\":\"");
            out.extend_from_slice(ofrep_reason(reason).as_bytes());
            out.extend_from_slice(b"\",\"metadata\":{\"vexilReason\":\"");
            out.extend_from_slice(reason_name(reason).as_bytes());
            out.extend_from_slice(b"\"");
            // Client keys ship to browsers: they never learn about the rules.
            if kind == SdkKeyKind::Server {
                if let Reason::TargetingMatch { rule: Some(r) } = reason {
                    out.extend_from_slice(b",\"ruleId\":");
                    string(out, r.id);
                    let _ = write!(out, ",\"ruleIndex\":{}", r.index);
                }
            }
            let _ = write!(out, ",\"environmentVersion\":{version}}}}}");
            StatusCode::OK
        }
    }
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

fn reason_name(reason: &Reason<'_>) -> &'static str {
    reason.kind().as_str()
}

async fn evaluate_flag(
    State(state): State<AppState>,
    SdkClient(key): SdkClient,
    Path(flag): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (ctx, _) = match read_request(Some(&flag), body) {
        Ok(r) => r,
        Err(e) => return Ok(e.into_response()),
    };
    let live = hub_for(&state, key.environment_id).await?;
    let view = live.hub.view();
    let result = if visible(&view.compiled, &key, &flag) {
        view.compiled.evaluate(&flag, &ctx)
    } else {
        Evaluation::error(ErrorCode::FlagNotFound)
    };
    let mut body = Vec::with_capacity(256);
    let status = write_evaluation(&mut body, &flag, &result, key.kind, view.version);
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

async fn evaluate_flags(
    State(state): State<AppState>,
    SdkClient(key): SdkClient,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (ctx, raw_context) = match read_request(None, body) {
        Ok(r) => r,
        Err(e) => return Ok(e.into_response()),
    };
    let live = hub_for(&state, key.environment_id).await?;
    let view = live.hub.view();
    // The results depend on the configuration, the context and the kind of key.
    let kind = match key.kind {
        SdkKeyKind::Server => 's',
        SdkKeyKind::Client => 'c',
    };
    let etag = format!("\"{}-{kind}{}\"", view.position(), canonical_hash(&raw_context));
    if none_match(&headers, &etag) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return Ok(r);
    }
    let mut body = Vec::with_capacity(128 * view.compiled.len() + 512);
    body.extend_from_slice(b"{\"flags\":[");
    let mut first = true;
    // Both iterate in snapshot order.
    for ((flag, e), info) in view.compiled.evaluate_all(&ctx).zip(view.compiled.flags()) {
        if key.kind == SdkKeyKind::Client && !info.client_visible() {
            continue;
        }
        if !first {
            body.push(b',');
        }
        first = false;
        write_evaluation(&mut body, flag, &e, key.kind, view.version);
    }
    body.extend_from_slice(b"],\"metadata\":");
    let metadata = serde_json::json!({"version": view.version.to_string(), "environment": view.environment});
    let _ = serde_json::to_writer(&mut body, &metadata);
    if let Some(stream) = super::stream::ofrep_event_stream(&state, &key) {
        body.extend_from_slice(b",\"eventStreams\":[");
        let _ = serde_json::to_writer(&mut body, &stream);
        body.push(b']');
    }
    body.push(b'}');
    let mut r = json_response(StatusCode::OK, body);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(r)
}
