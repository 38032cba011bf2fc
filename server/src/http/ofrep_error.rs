//! The error shape of the OFREP routes (evaluation in `ofrep.rs`, the event stream in
//! `stream.rs`): `{"errorCode", "errorDetails"}`, with `key` when the route names a
//! flag. Every error of the server becomes this shape, keeping its status and headers.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;
use crate::auth::AuthError;

/// An OFREP answer other than a success: a status and a body in the protocol's shape.
pub(crate) struct OfrepError {
    status: StatusCode,
    key: Option<String>,
    pub(crate) code: &'static str,
    details: String,
    /// Headers that go with the status (`WWW-Authenticate`, `Retry-After`), if any.
    headers: Option<Box<HeaderMap>>,
}

impl OfrepError {
    pub(crate) fn new(status: StatusCode, code: &'static str, details: impl Into<String>) -> OfrepError {
        OfrepError { status, key: None, code, details: details.into(), headers: None }
    }

    /// The same error about one flag (the single-flag route names it).
    pub(crate) fn for_flag(mut self, key: &str) -> OfrepError {
        self.key = Some(key.to_owned());
        self
    }
}

/// Any error of the server, told in the protocol's shape: the status and headers stay,
/// the body becomes `GENERAL` with the same public detail (5xx causes are logged, not
/// sent).
impl From<ApiError> for OfrepError {
    fn from(e: ApiError) -> OfrepError {
        let mut headers = HeaderMap::new();
        e.add_headers(&mut headers);
        let headers = (!headers.is_empty()).then(|| Box::new(headers));
        OfrepError { status: e.status(), key: None, code: "GENERAL", details: e.public_detail(), headers }
    }
}

/// An SDK key the route refuses, in the protocol's shape (401 with `WWW-Authenticate`).
impl From<AuthError> for OfrepError {
    fn from(e: AuthError) -> OfrepError {
        ApiError::from(e).into()
    }
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
        let mut r = (self.status, axum::Json(body)).into_response();
        if let Some(headers) = self.headers {
            r.headers_mut().extend(*headers);
        }
        r
    }
}

/// A method an OFREP route does not take: 405, in the protocol's shape.
pub(crate) async fn method_not_allowed() -> OfrepError {
    ApiError::MethodNotAllowed.into()
}
