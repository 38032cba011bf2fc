//! The one place where errors become HTTP responses: `application/problem+json`
//! (RFC 9457). 5xx bodies stay generic; their cause is logged here, inside the request
//! span. The OFREP routes answer the same errors in that protocol's shape instead
//! (`http/ofrep.rs`), through [`ApiError::public_detail`] and [`ApiError::add_headers`].

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use vexil_core::{Problem, ValidationErrors};

use crate::store;

/// Every error a handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed request: bad JSON, unknown field, bad query or header.
    #[error("{detail}")]
    BadRequest {
        /// What is wrong.
        detail: String,
        /// Field-level problems, if known.
        errors: Vec<Problem>,
    },
    /// Well-formed but invalid content.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// No or bad credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Credentials without the right to do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such resource or route.
    #[error("{0}")]
    NotFound(String),
    /// The route exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The change would break something, or the key is taken.
    #[error("{detail}")]
    Conflict {
        /// What is wrong.
        detail: String,
        /// What depends on it.
        dependents: Vec<String>,
    },
    /// The environment requires approval: the change goes through a change request,
    /// whose route the detail names.
    #[error("{0}")]
    ApprovalRequired(String),
    /// `If-Match` names an older version.
    #[error("the resource has changed: it is now at version {0}; read it again and reapply your change")]
    PreconditionFailed(i64),
    /// A write without `If-Match`.
    #[error("If-Match is required")]
    PreconditionRequired,
    /// The body is over the limit.
    #[error(
        "the request body is over the server's limit (VEXIL_MAX_BODY_BYTES, by default 8 MiB: the largest document the flag limits allow)"
    )]
    PayloadTooLarge,
    /// The body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many attempts.
    #[error("too many attempts")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after_seconds: u64,
    },
    /// The server cannot serve right now (e.g. database down).
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an infrastructure failure; details are logged, not sent.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub(crate) fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::BadRequest { detail: detail.into(), errors: Vec::new() }
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } | ApiError::ApprovalRequired(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem type: a stable identifier clients can switch on.
    fn problem_type(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "urn:vexil:problem:bad-request",
            ApiError::Validation(_) => "urn:vexil:problem:validation",
            ApiError::Unauthorized(_) => "urn:vexil:problem:unauthorized",
            ApiError::Forbidden(_) => "urn:vexil:problem:forbidden",
            ApiError::NotFound(_) => "urn:vexil:problem:not-found",
            ApiError::MethodNotAllowed => "urn:vexil:problem:method-not-allowed",
            ApiError::Conflict { .. } => "urn:vexil:problem:conflict",
            ApiError::ApprovalRequired(_) => "urn:vexil:problem:approval-required",
            ApiError::PreconditionFailed(_) => "urn:vexil:problem:version-mismatch",
            ApiError::PreconditionRequired => "urn:vexil:problem:if-match-required",
            ApiError::PayloadTooLarge => "urn:vexil:problem:payload-too-large",
            ApiError::UnsupportedMediaType(_) => "urn:vexil:problem:unsupported-media-type",
            ApiError::TooManyRequests { .. } => "urn:vexil:problem:rate-limited",
            ApiError::Unavailable(_) => "urn:vexil:problem:unavailable",
            ApiError::Internal(_) => "urn:vexil:problem:internal",
        }
    }
}

/// The problem document.
#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [Problem],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    dependents: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    current_version: Option<i64>,
}

impl ApiError {
    /// What the client is told. A 5xx cause is logged here (inside the request span) and
    /// replaced by a generic sentence; 503 keeps its cause, which names no internals.
    pub(crate) fn public_detail(&self) -> String {
        match self {
            ApiError::Internal(cause) => {
                tracing::error!(error.cause = %cause, "request failed");
                "an internal error occurred; the server log has the details".to_owned()
            }
            ApiError::Unavailable(cause) => {
                tracing::warn!(error.cause = %cause, "service unavailable");
                cause.clone()
            }
            ApiError::Validation(e) => format!("{} problem(s) in the request", e.problems.len()),
            other => other.to_string(),
        }
    }

    /// Headers that go with the status whatever the body's shape.
    pub(crate) fn add_headers(&self, headers: &mut HeaderMap) {
        match self {
            ApiError::TooManyRequests { retry_after_seconds } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
            }
            ApiError::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = self.public_detail();
        let (errors, dependents, current_version) = match &self {
            ApiError::BadRequest { errors, .. } => (errors.as_slice(), &[][..], None),
            ApiError::Validation(e) => (e.problems.as_slice(), &[][..], None),
            ApiError::Conflict { dependents, .. } => (&[][..], dependents.as_slice(), None),
            ApiError::PreconditionFailed(v) => (&[][..], &[][..], Some(*v)),
            _ => (&[][..], &[][..], None),
        };
        let body = ProblemBody {
            kind: self.problem_type(),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail,
            errors,
            dependents,
            current_version,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (status, bytes).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        self.add_headers(headers);
        response
    }
}

impl From<store::Error> for ApiError {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            store::Error::Conflict(reason) => {
                ApiError::Conflict { detail: reason.to_string(), dependents: reason.dependents().to_vec() }
            }
            store::Error::Duplicate { constraint } => {
                use store::Constraint;
                let detail = match constraint {
                    Constraint::ProjectKey => "a project with this key already exists",
                    Constraint::EnvironmentKey => {
                        "an environment with this key already exists in the project"
                    }
                    Constraint::FlagKey => "a flag with this key already exists in the project",
                    Constraint::SegmentKey => "a segment with this key already exists in the project",
                    Constraint::UserEmail => "a user with this email already exists",
                    Constraint::ReleasePlanActive => {
                        "the flag already has a release plan in this environment that is not finished; roll it back or let it complete first"
                    }
                    // Secrets are random: a clash is a one-in-2^128 event; asking to
                    // retry is the honest answer.
                    Constraint::ApiTokenSecret | Constraint::SdkKeySecret => {
                        "a generated secret clashed with an existing one; retry the request"
                    }
                };
                ApiError::Conflict { detail: detail.to_owned(), dependents: Vec::new() }
            }
            e @ store::Error::ApprovalRequired { .. } => ApiError::ApprovalRequired(e.to_string()),
            store::Error::Forbidden(why) => ApiError::Forbidden(why.to_string()),
            store::Error::VersionMismatch { current } => ApiError::PreconditionFailed(current),
            store::Error::Invalid(v) => ApiError::Validation(v),
            store::Error::Database(e) if is_unavailable(&e) => {
                ApiError::Unavailable(format!("database unavailable: {e}"))
            }
            other => ApiError::Internal(cause_chain(&other)),
        }
    }
}

/// An error and its sources, outermost first, as one line for the log: the store's
/// errors say what failed and keep the database's error as their source.
fn cause_chain(e: &dyn std::error::Error) -> String {
    let mut line = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        line.push_str(": ");
        line.push_str(&s.to_string());
        source = s.source();
    }
    line
}

fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed)
}
