//! Reading OpenFeature Remote Evaluation Protocol (OFREP) evaluation requests: the body
//! of `POST /ofrep/v1/evaluate/flags/{key}` and `POST /ofrep/v1/evaluate/flags`, which is
//! `{"context": {...}}` with the OpenFeature evaluation context as a JSON object.
//!
//! Only the reading lives here (the server answers; the fuzz targets read arbitrary
//! bytes through the same function). Which protocol error code a failure maps to is
//! [`RequestError::code`].

use serde_json::Value;

use crate::context::{Context, ContextError};

/// A failure to read an evaluation request, with the OFREP error code it answers.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The body is not JSON.
    #[error("the request is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The body has no `context` member.
    #[error("the request has no context")]
    NoContext,
    /// `context` is not a JSON object.
    #[error("context must be a JSON object")]
    ContextNotObject,
    /// The context is an object Vexil cannot use (too many attributes, a non-string
    /// targeting key, …).
    #[error(transparent)]
    Context(#[from] ContextError),
}

impl RequestError {
    /// The OFREP `errorCode`: `PARSE_ERROR` for a body that is not JSON,
    /// `INVALID_CONTEXT` otherwise.
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::Json(_) => "PARSE_ERROR",
            RequestError::NoContext | RequestError::ContextNotObject | RequestError::Context(_) => {
                "INVALID_CONTEXT"
            }
        }
    }
}

/// Reads an evaluation request body: the context as a Vexil [`Context`] (the one
/// conversion every path shares, [`Context::from_openfeature`]) and the request's
/// `context` member as sent.
///
/// # Errors
/// [`RequestError`] when the body is not JSON, has no `context`, its `context` is not an
/// object, or the context is refused by [`Context::from_openfeature`].
///
/// ```
/// let (ctx, raw) = vexil_core::ofrep::read_request(br#"{"context": {"targetingKey": "u1"}}"#).unwrap();
/// assert_eq!(ctx.key(), Some("u1"));
/// assert_eq!(raw["targetingKey"], "u1");
/// let err = vexil_core::ofrep::read_request(b"{}").unwrap_err();
/// assert_eq!(err.code(), "INVALID_CONTEXT");
/// ```
pub fn read_request(body: &[u8]) -> Result<(Context, Value), RequestError> {
    let mut request: Value = serde_json::from_slice(body)?;
    let Some(context) = request.get_mut("context").map(Value::take) else {
        return Err(RequestError::NoContext);
    };
    let Some(map) = context.as_object() else {
        return Err(RequestError::ContextNotObject);
    };
    let ctx = Context::from_openfeature(map)?;
    Ok((ctx, context))
}
