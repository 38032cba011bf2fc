//! Request extractors that turn every malformed input into an [`ApiError`]: strict JSON
//! bodies (content type, size, unknown fields, each problem with its JSON pointer),
//! `If-Match`, and query strings.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use vexil_core::Problem;
use vexil_core::validate::escape_pointer_token;

use super::error::ApiError;
use super::shared::field_error;

/// A JSON body that must be `application/json`, within the size limit, and contain no
/// field the target type does not know.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

/// Whether a content type is JSON (`application/json`, or `+json` types).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Renders serde_path_to_error's path as a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&escape_pointer_token(key)),
            Segment::Enum { variant } => out.push_str(&escape_pointer_token(variant)),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// A serde_json data error (wrong type, unknown enum value, missing field) for people:
/// its message without the line and column (the pointer says where), reworded.
fn shape_message(e: &serde_json::Error, pointer: &str) -> String {
    let text = e.to_string();
    // serde_json appends " at line L column C" to the message of data errors.
    let message = match text.rfind(" at line ") {
        Some(i)
            if text[i + 9..].split_once(" column ").is_some_and(|(l, c)| is_digits(l) && is_digits(c)) =>
        {
            &text[..i]
        }
        _ => text.as_str(),
    };
    let field = pointer.rsplit('/').find(|s| !s.is_empty() && !is_digits(s)).unwrap_or("");
    humanize_serde_message(message, field)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// What a user calls the value of an enum-typed field, by the field's name.
fn enum_noun(field: &str) -> String {
    match field {
        "op" => "operator".to_owned(),
        "kind" => "kind".to_owned(),
        "lifecycle" => "lifecycle".to_owned(),
        "role" => "role".to_owned(),
        // Externally tagged: the unknown name is the key inside `serve` or `default`.
        "serve" | "default" => "kind of serve".to_owned(),
        "" => "value".to_owned(),
        other => format!("value of {other:?}"),
    }
}

/// Rewords serde's messages, which speak of Rust (`unknown variant `equals`, expected
/// one of `in`, ...`), in the API's terms: `unknown operator "equals"; expected one of
/// "in", ...`. `field` is the name of the field the message is about. Messages of
/// other shapes come back unchanged.
pub(crate) fn humanize_serde_message(message: &str, field: &str) -> String {
    /// The `a`, `b` or `a`, `b`, `c` list serde writes after "expected".
    fn names(list: &str) -> Vec<&str> {
        list.split('`').skip(1).step_by(2).collect()
    }
    fn one_of(expected: &str) -> String {
        let list = expected.strip_prefix("one of ").unwrap_or(expected);
        let names: Vec<String> = names(list).iter().map(|n| format!("{n:?}")).collect();
        match names.as_slice() {
            [] => "no value is accepted here".to_owned(),
            [one] => format!("expected {one}"),
            _ => format!("expected one of {}", names.join(", ")),
        }
    }
    for (prefix, noun) in [("unknown variant `", enum_noun(field)), ("unknown field `", "field".to_owned())] {
        let Some(rest) = message.strip_prefix(prefix) else { continue };
        if let Some(i) = rest.rfind("`, expected ") {
            return format!("unknown {noun} {:?}; {}", &rest[..i], one_of(&rest[i + 12..]));
        }
        if let Some(i) = rest.rfind("`, there are no ") {
            return format!("unknown {noun} {:?}; none is accepted here", &rest[..i]);
        }
    }
    if let Some(name) = message.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
        return format!("missing field {name:?}");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((got, expected)) = rest.rsplit_once(", expected ") {
            return format!("expected {expected}, got {}", got.replace('`', ""));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((got, expected)) = rest.rsplit_once(", expected ") {
            return format!("invalid value {}: expected {expected}", got.replace('`', ""));
        }
    }
    message.to_owned()
}

/// Parses JSON strictly: unknown fields are errors, and the error names where.
pub fn parse_strict<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    super::text::check_json(bytes)?;
    match parse_strict_once(bytes) {
        Err(e) => match integral_floats_as_integers(bytes) {
            // JSON does not tell `3` from `3.0`: an integer written with a fraction of
            // zero is still the integer (as JSON Schema says). Tried only when the body
            // as written does not fit, so that floats elsewhere stay as they were sent.
            Some(rewritten) => parse_strict_once(&rewritten).map_err(|_| e),
            None => Err(e),
        },
        ok => ok,
    }
}

/// The body with every number like `3.0` written as `3`; `None` when there is none.
fn integral_floats_as_integers(bytes: &[u8]) -> Option<Vec<u8>> {
    fn walk(v: &mut serde_json::Value, changed: &mut bool) {
        match v {
            serde_json::Value::Number(n) => {
                if let Some(f) = n
                    .as_f64()
                    .filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() <= 9.007_199_254_740_991e15)
                {
                    #[expect(clippy::cast_possible_truncation, reason = "integral and within 2^53")]
                    let i = f as i64;
                    *v = serde_json::Value::from(i);
                    *changed = true;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, changed)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|i| walk(i, changed)),
            _ => {}
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let mut changed = false;
    walk(&mut value, &mut changed);
    if changed { serde_json::to_vec(&value).ok() } else { None }
}

fn parse_strict_once<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Every request body is an object; a derived struct would also take an array of
    // its fields in order (`[null, null]`).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ApiError::BadRequest {
            detail: "the body must be a JSON object".to_owned(),
            errors: vec![Problem {
                pointer: String::new(),
                message: "expected an object, found an array".to_owned(),
            }],
        });
    }
    let mut unknown = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut track_unknown = |path: serde_ignored::Path<'_>| {
        let mut segments = Vec::new();
        ignored_segments(&path, &mut segments);
        unknown.push(segments);
    };
    let result: Result<T, _> =
        serde_path_to_error::deserialize(serde_ignored::Deserializer::new(&mut de, &mut track_unknown));
    let value = match result {
        Ok(v) => v,
        Err(e) => {
            let pointer = pointer_of(e.path());
            let inner = e.into_inner();
            let detail = if inner.is_eof() {
                "the JSON body ends too early".to_owned()
            } else if inner.is_syntax() {
                format!("the body is not valid JSON: {inner}")
            } else {
                let at = if pointer.is_empty() { String::new() } else { format!(" at {pointer}") };
                format!("the body does not have the expected shape{at}: {}", shape_message(&inner, &pointer))
            };
            let message = if inner.is_data() { shape_message(&inner, &pointer) } else { inner.to_string() };
            return Err(ApiError::BadRequest { errors: vec![Problem { pointer, message }], detail });
        }
    };
    if let Err(e) = de.end() {
        return Err(ApiError::bad_request(format!("unexpected data after the JSON value: {e}")));
    }
    if !unknown.is_empty() {
        let errors: Vec<Problem> = unknown
            .iter()
            .map(|segs| Problem {
                pointer: segs.iter().map(|s| format!("/{}", escape_pointer_token(s))).collect(),
                message: format!("unknown field {:?}", segs.last().map_or("", String::as_str)),
            })
            .collect();
        let names: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        let detail = format!("unknown field(s) at {}", names.join(", "));
        return Err(ApiError::BadRequest { detail, errors });
    }
    Ok(value)
}

/// The JSON pointer segments of a path `serde_ignored` reports (options and newtypes
/// leave no segment).
fn ignored_segments(path: &serde_ignored::Path<'_>, out: &mut Vec<String>) {
    use serde_ignored::Path as P;
    match path {
        P::Root => {}
        P::Seq { parent, index } => {
            ignored_segments(parent, out);
            out.push(index.to_string());
        }
        P::Map { parent, key } => {
            ignored_segments(parent, out);
            out.push(key.clone());
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            ignored_segments(parent, out);
        }
    }
}

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "the body must be JSON (Content-Type: application/json)".to_owned(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e: BytesRejection| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::bad_request(format!("could not read the body: {e}"))
            }
        })?;
        parse_strict(&bytes).map(Json)
    }
}

/// A JSON body for ingestion endpoints: like [`Json`], but fields it does not know are
/// ignored, so that a newer SDK sending more keeps working against an older server.
#[derive(Debug, Clone)]
pub struct LenientJson<T>(pub T);

impl<S, T> FromRequest<S> for LenientJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "the body must be JSON (Content-Type: application/json)".to_owned(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e: BytesRejection| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::bad_request(format!("could not read the body: {e}"))
            }
        })?;
        super::text::check_json(&bytes)?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let pointer = pointer_of(e.path());
            let inner = e.into_inner();
            let message = if inner.is_data() { shape_message(&inner, &pointer) } else { inner.to_string() };
            ApiError::BadRequest {
                detail: format!("the body is not valid JSON of the expected shape: {message}"),
                errors: vec![Problem { pointer, message }],
            }
        })?;
        de.end().map_err(|e| ApiError::bad_request(format!("unexpected data after the JSON value: {e}")))?;
        Ok(LenientJson(value))
    }
}

/// The version an `If-Match` header names; `None` for `*` (unconditional).
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

/// Parses an ETag as this server writes it: `"7"`, also `W/"7"` or a bare `7`.
pub fn parse_etag(value: &str) -> Option<i64> {
    let v = value.trim();
    let v = v.strip_prefix("W/").unwrap_or(v);
    let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
    v.parse().ok()
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Err(ApiError::PreconditionRequired);
        };
        let text = value.to_str().map_err(|_| ApiError::bad_request("If-Match is not valid text"))?;
        if text.trim() == "*" {
            return Ok(IfMatch(None));
        }
        parse_etag(text).map(|v| IfMatch(Some(v))).ok_or_else(|| {
            ApiError::bad_request(format!("If-Match {text:?} is not a version this server issued"))
        })
    }
}

/// An optional `If-Match`: absent means "apply to whatever is current" (semantic
/// patches); present, it is checked like [`IfMatch`].
#[derive(Debug, Clone, Copy)]
pub struct MaybeIfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeIfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.headers.get(header::IF_MATCH).is_none() {
            return Ok(MaybeIfMatch(None));
        }
        IfMatch::from_request_parts(parts, state).await.map(|IfMatch(v)| MaybeIfMatch(v))
    }
}

/// A query string parsed into `T`, with a problem response when it does not fit.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        super::text::check_query(query)?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let name = e.path().to_string();
            let message = humanize_serde_message(&e.inner().to_string(), &name);
            ApiError::bad_request(format!("invalid query parameter {name}: {message}"))
        })
    }
}

/// A JSON response with an `ETag` naming the resource version.
pub fn with_etag<T: Serialize>(status: StatusCode, version: i64, body: &T) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// Path parameters, with a problem response when they cannot be read (e.g. bad
/// percent-encoding).
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Ok(params) = axum::extract::RawPathParams::from_request_parts(parts, state).await {
            for (_, value) in &params {
                super::text::check_path_param(value)?;
            }
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|e| ApiError::bad_request(format!("invalid path: {}", e.body_text())))
    }
}

/// The client address, when the server knows it (it does not in in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::ConnectInfo;
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0)))
    }
}

/// Fields of a resource that its `GET` returns but a client cannot set: versions,
/// times, derived state, and the fields that name the resource.
pub trait ReadOnlyFields {
    /// Top-level field names, as the `GET` body spells them.
    const READ_ONLY: &'static [&'static str];
}

/// A JSON body that replaces (`PUT`) or updates (`PATCH`) a resource. Besides what `T`
/// accepts, it may carry the resource's read-only fields ([`ReadOnlyFields`]), so that
/// the body of a `GET` can be sent back unchanged (the round trip every REST client and
/// infrastructure-as-code tool makes). Those fields are taken out before `T` is parsed
/// as strictly as [`Json`] parses; handlers check the ones that name the resource with
/// [`Update::check_same`] and ignore the rest.
#[derive(Debug, Clone)]
pub struct Update<T> {
    /// The writable part.
    pub body: T,
    /// The read-only fields that were present.
    pub read_only: serde_json::Map<String, serde_json::Value>,
}

impl<T> Update<T> {
    /// Refuses (422, at `/field`) a read-only field whose value differs from what the
    /// target has: a body that names another resource, or asks to change what cannot
    /// change.
    pub fn check_same(&self, field: &str, current: &str, why: &str) -> Result<(), ApiError> {
        match self.read_only.get(field) {
            Some(v) if v.as_str() != Some(current) => Err(field_error(
                &format!("/{}", escape_pointer_token(field)),
                &format!("{field} is {v}, but this resource's is {current:?}: {why}"),
            )),
            _ => Ok(()),
        }
    }
}

impl<S, T> FromRequest<S> for Update<T>
where
    S: Send + Sync,
    T: DeserializeOwned + ReadOnlyFields,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<serde_json::Value>::from_request(req, state).await?;
        let mut read_only = serde_json::Map::new();
        let value = match value {
            serde_json::Value::Object(mut map) => {
                for field in T::READ_ONLY {
                    if let Some(v) = map.remove(*field) {
                        read_only.insert((*field).to_owned(), v);
                    }
                }
                serde_json::Value::Object(map)
            }
            other => other,
        };
        // Parsed again from text, so that `T` gets the strict treatment (unknown fields
        // and shape errors with their pointers) of every other body.
        let text = serde_json::to_vec(&value).map_err(|e| ApiError::Internal(e.to_string()))?;
        let body = parse_strict(&text)?;
        Ok(Update { body, read_only })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use vexil_core::{FlagConfig, FlagKind, Lifecycle};

    use super::*;

    fn problem<T: DeserializeOwned + std::fmt::Debug>(body: serde_json::Value) -> Problem {
        match parse_strict::<T>(body.to_string().as_bytes()) {
            Err(ApiError::BadRequest { mut errors, .. }) => errors.remove(0),
            other => panic!("expected a bad request, got {other:?}"),
        }
    }

    fn config_with_condition(op: &str) -> serde_json::Value {
        serde_json::json!({
            "enabled": true, "off_variant": "off", "default": {"variant": "off"},
            "rules": [{"conditions": [{"attribute": "plan", "op": op, "values": ["pro"]}], "serve": {"variant": "on"}}]
        })
    }

    #[test]
    fn an_unknown_operator_is_named_as_an_operator_at_its_pointer() {
        let p = problem::<FlagConfig>(config_with_condition("equals"));
        assert_eq!(p.pointer, "/rules/0/conditions/0/op");
        assert!(
            p.message.starts_with(r#"unknown operator "equals"; expected one of "in", "contains""#),
            "{}",
            p.message
        );
        assert!(!p.message.contains('`') && !p.message.contains("variant"), "{}", p.message);
    }

    #[test]
    fn every_enum_field_of_the_api_gets_the_same_wording() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code, reason = "only parsed")]
        struct Body {
            kind: Option<FlagKind>,
            lifecycle: Option<Lifecycle>,
            role: Option<crate::auth::Role>,
        }
        let p = problem::<Body>(serde_json::json!({"kind": "bool"}));
        assert_eq!(
            (p.pointer.as_str(), p.message.as_str()),
            ("/kind", r#"unknown kind "bool"; expected one of "boolean", "string", "number", "json""#)
        );
        let p = problem::<Body>(serde_json::json!({"lifecycle": "forever"}));
        assert_eq!(p.message, r#"unknown lifecycle "forever"; expected one of "temporary", "permanent""#);
        let p = problem::<Body>(serde_json::json!({"role": "root"}));
        assert_eq!(p.message, r#"unknown role "root"; expected one of "viewer", "editor", "admin", "owner""#);
        let mut serve = config_with_condition("in");
        serve["default"] = serde_json::json!({"percent": 5});
        let p = problem::<FlagConfig>(serve);
        assert_eq!(p.pointer, "/default");
        assert_eq!(p.message, r#"unknown kind of serve "percent"; expected one of "variant", "rollout""#);
    }

    #[test]
    fn other_shape_errors_drop_the_rust_quoting_and_the_line_numbers() {
        let p = problem::<FlagConfig>(serde_json::json!({"enabled": "yes"}));
        assert_eq!(
            (p.pointer.as_str(), p.message.as_str()),
            ("/enabled", r#"expected a boolean, got string "yes""#)
        );
        let p = problem::<FlagConfig>(serde_json::json!({"enabled": true}));
        assert_eq!(p.message, r#"missing field "off_variant""#);
    }
}
