//! The one place where errors become HTTP responses: `application/problem+json`
//! (RFC 9457). 5xx bodies stay generic; their cause is logged here, inside the request
//! span. The OFREP routes answer the same errors in that protocol's shape instead
//! (`http/ofrep.rs`), through [`ApiError::public_detail`] and [`ApiError::add_headers`].

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use vexil_core::{Problem, ValidationErrors};

use crate::auth::AuthError;
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
    /// Too many failed logins (or set-up attempts) for the account or from the address.
    #[error(
        "too many failed attempts for this account or from this address (they count for 15 minutes); retry in {retry_after_seconds} s"
    )]
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
                headers.insert(header::WWW_AUTHENTICATE, const { HeaderValue::from_static("Bearer") });
            }
            // Worth repeating soon: a busy or restarting database.
            ApiError::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(1));
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
        headers.insert(header::CONTENT_TYPE, const { HeaderValue::from_static("application/problem+json") });
        self.add_headers(headers);
        response
    }
}

impl From<store::Error> for ApiError {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::NotFound(what) => ApiError::NotFound(not_found(&what)),
            store::Error::Conflict(reason) => {
                ApiError::Conflict { detail: conflict(&reason), dependents: reason.dependents().to_vec() }
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
            store::Error::ApprovalRequired { project, environment } => ApiError::ApprovalRequired(format!(
                "environment {environment:?} requires approval: propose the change with POST /api/v1/projects/{project}/change-requests (turning a flag off stays possible with a toggle with \"break_glass\": true and a comment)"
            )),
            store::Error::Forbidden(why) => ApiError::Forbidden(refusal(why).to_owned()),
            store::Error::VersionMismatch { current } => ApiError::PreconditionFailed(current),
            store::Error::Invalid(v) => ApiError::Validation(v),
            store::Error::Database(e) if is_unavailable(&e) => {
                ApiError::Unavailable(format!("database unavailable: {e}"))
            }
            store::Error::Database(e) if is_contention(&e) => ApiError::Unavailable(
                "database busy: other writes held it longer than this request could wait; try again"
                    .to_owned(),
            ),
            other => ApiError::Internal(cause_chain(&other)),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let unauthorized = |detail: &str| ApiError::Unauthorized(detail.to_owned());
        match e {
            AuthError::NoCredentials => unauthorized("log in first: send Authorization: Bearer <token>"),
            AuthError::UnknownApiToken => unauthorized("the API token is unknown, revoked or expired"),
            AuthError::InvalidLoginToken => {
                unauthorized("the login token is invalid or expired; log in again")
            }
            AuthError::SessionEnded => unauthorized("the session has ended; log in again"),
            AuthError::NoSdkKey => {
                unauthorized("send an SDK key: Authorization: Bearer <key> or X-API-Key: <key>")
            }
            AuthError::UnknownSdkKey => unauthorized("the SDK key is unknown, revoked or expired"),
            AuthError::ClientKeyOnServerRoute => ApiError::Forbidden(
                "client SDK keys can only evaluate flags (OFREP); this needs a server SDK key".to_owned(),
            ),
            AuthError::ScopedToken => {
                ApiError::Forbidden("a project-scoped API token cannot use this route".to_owned())
            }
            AuthError::OtherProject { project } => {
                ApiError::Forbidden(format!("this API token is scoped to another project than {project:?}"))
            }
            AuthError::RoleTooLow { needs, has } => ApiError::Forbidden(format!(
                "this needs the {} role; you have {}",
                needs.as_str(),
                has.as_str()
            )),
            AuthError::TooManyAttempts { retry_after_seconds } => {
                ApiError::TooManyRequests { retry_after_seconds }
            }
            AuthError::Store(e) => e.into(),
        }
    }
}

/// The authentication extractors (`crate::auth`) reject with an [`AuthError`]; it is
/// answered as the problem document of the same [`ApiError`].
impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

/// The stored `reason` of a change request, scheduled change or release plan step
/// that no longer applies, in the words of the problem document of the same error
/// (the store renders it through `StoreOptions::describe`, set by the application).
pub fn stored_reason(e: &store::Error) -> String {
    match e {
        store::Error::Invalid(v) => v
            .problems
            .iter()
            .map(|p| {
                if p.pointer.is_empty() { p.message.clone() } else { format!("{}: {}", p.pointer, p.message) }
            })
            .collect::<Vec<_>>()
            .join("; "),
        store::Error::NotFound(what) => not_found(what),
        store::Error::Conflict(reason) => conflict(reason),
        store::Error::VersionMismatch { current } => {
            format!("version mismatch: the current version is {current}")
        }
        // Not a stale change's error (`is_stale_change`): the log's technical words.
        other => other.to_string(),
    }
}

/// "… not found", naming the object as the caller named it.
fn not_found(what: &store::Missing) -> String {
    use store::Missing as M;
    let what = match what {
        M::Project(key) => format!("project {key:?}"),
        M::Environment(key) => format!("environment {key:?}"),
        M::EnvironmentId(id) => format!("environment {id}"),
        M::Flag(key) => format!("flag {key:?}"),
        M::Config { flag, environment } => format!("configuration of {flag:?} in {environment:?}"),
        M::ConfigVersion { version, flag, environment } => {
            format!("version {version} of {flag:?} in {environment:?}")
        }
        M::Segment(key) => format!("segment {key:?}"),
        M::ChangeRequest(id) => format!("change request {id}"),
        M::ScheduledChange(id) => format!("scheduled change {id}"),
        M::SdkKey(id) => format!("SDK key {id:?}"),
        M::ApiToken(id) => format!("API token {id:?}"),
        M::User(id) => format!("user {id:?}"),
        M::Webhook { id, project } => format!("webhook {id:?} in project {project:?}"),
        M::Delivery { delivery, webhook } => format!("delivery {delivery} of webhook {webhook:?}"),
        M::ReleasePlan { flag, environment } => format!("release plan of {flag:?} in {environment:?}"),
        M::ReleasePlanId(id) => format!("release plan {id}"),
        M::Row => "row".to_owned(),
    };
    format!("{what} not found")
}

/// Why a write was refused with 409.
fn conflict(reason: &store::Conflict) -> String {
    use store::Conflict as C;
    match reason {
        C::FlagArchived { flag } => format!("flag {flag:?} is archived; restore it before changing it"),
        C::VariantsInUse { flag, dependents } => {
            format!("the new variants of {flag:?} would break {} place(s) that use them", dependents.len())
        }
        C::IsPrerequisite { flag, .. } => {
            format!("{flag:?} is a prerequisite of other flags; remove those prerequisites first")
        }
        C::PrerequisitesArchived { flag, .. } => {
            format!("{flag:?} requires archived flags; restore them first")
        }
        C::PrerequisiteCycle { cycle, .. } => cycle.join("; "),
        C::SegmentInUse { segment, dependents } => {
            format!("segment {segment:?} is used by {} rule(s); remove it from them first", dependents.len())
        }
        C::Unservable { dependents } => format!(
            "the change would leave {} problem(s) in what the project's environments serve",
            dependents.len()
        ),
        C::DanglingReference => "the change refers to something that no longer exists".to_owned(),
        C::ChangeRequestClosed { id, state } => format!("change request {id} is {}", state.as_str()),
        C::ChangeRequestChanged { id } => format!("change request {id} changed meanwhile; try again"),
        C::AlreadyApproved { id } => format!("you have already approved change request {id}"),
        C::ScheduledChangeClosed { id, state } => format!("scheduled change {id} is {}", state.as_str()),
        C::ScheduledByApproval { id, change_request } => format!(
            "scheduled change {id} was approved as change request {change_request}: cancel it and request the change again"
        ),
        C::ReleasePlanStartRequested { id, change_request } => {
            format!("release plan {id} already waits for change request {change_request} to start it")
        }
        C::ReleasePlanState { id, state, action } => {
            format!("release plan {id} is {state}: it cannot {action}")
        }
        C::LastOwnerDemoted => "the last owner cannot be demoted or disabled".to_owned(),
        C::LastOwnerDeleted => "the last owner cannot be deleted".to_owned(),
    }
}

/// Why the caller may not do this to this object.
fn refusal(why: store::Refusal) -> &'static str {
    match why {
        store::Refusal::ApproveOwnRequest => "the author of a change request cannot approve it",
        store::Refusal::RejectOwnRequest => "the author cancels their own request instead",
        store::Refusal::CancelOthersRequest => "only the author can cancel a change request",
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

/// A database that is up but could not take this request in time, so that the same
/// request can succeed when repeated: SQLite's lock held past the busy timeout
/// (`SQLITE_BUSY` 5 and its extended codes 261, 517, 773; `SQLITE_LOCKED` 6 and 262),
/// PostgreSQL's serialisation failure (40001), deadlock (40P01) or lock timeout
/// (55P03).
fn is_contention(e: &sqlx::Error) -> bool {
    const CODES: [&str; 9] = ["5", "261", "517", "773", "6", "262", "40001", "40P01", "55P03"];
    match e {
        sqlx::Error::Database(db) => db.code().is_some_and(|c| CODES.contains(&c.as_ref())),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    /// A database error with only a code, as a driver reports one.
    #[derive(Debug)]
    struct Coded(&'static str);

    impl std::fmt::Display for Coded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "error {}", self.0)
        }
    }

    impl std::error::Error for Coded {}

    impl sqlx::error::DatabaseError for Coded {
        fn message(&self) -> &str {
            "database is locked"
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn answer(code: &'static str) -> (StatusCode, HeaderMap) {
        let e = ApiError::from(store::Error::Database(sqlx::Error::Database(Box::new(Coded(code)))));
        let mut headers = HeaderMap::new();
        e.add_headers(&mut headers);
        (e.status(), headers)
    }

    /// The bench found SQLite's "database is locked" (a writer waiting past the busy
    /// timeout) answered 500; it is a 503 worth repeating, as are PostgreSQL's lock
    /// conflicts. Other database errors stay 500.
    #[test]
    fn contention_is_a_503_with_retry_after_and_other_database_errors_are_500() {
        for code in ["5", "517", "773", "6", "40001", "40P01", "55P03"] {
            let (status, headers) = answer(code);
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{code}");
            assert_eq!(headers.get(header::RETRY_AFTER).map(|v| v.as_bytes()), Some(&b"1"[..]), "{code}");
        }
        for code in ["1", "19", "23505", "42P01"] {
            assert_eq!(answer(code).0, StatusCode::INTERNAL_SERVER_ERROR, "{code}");
        }
    }
}
