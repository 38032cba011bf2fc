//! The SDK's error types. Evaluation never fails (it returns the caller's default with
//! a reason); these describe bad options, failed background work and misuse of `track`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::status::Status;

/// Why [`crate::ClientBuilder::build`] refused the options.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse.
    #[error("the base URL {url:?} is not a valid URL")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// The parser's complaint.
        #[source]
        source: url::ParseError,
    },
    /// The base URL is not `http` or `https`, or carries a query or fragment.
    #[error("the base URL {url:?} must be an http or https URL without query or fragment")]
    UnsupportedUrl {
        /// The URL given.
        url: String,
    },
    /// The key is not a server SDK key (`vx_srv_...`). The key itself is never shown.
    #[error("the SDK key is not a server key: server keys start with `vx_srv_`{hint}")]
    InvalidServerKey {
        /// A hint when the key is recognisably of another kind.
        hint: &'static str,
    },
    /// A duration option is zero.
    #[error("the option `{option}` must be greater than zero")]
    ZeroDuration {
        /// The option's builder method.
        option: &'static str,
    },
    /// A capacity option is zero.
    #[error("the option `{option}` must be at least 1")]
    ZeroCapacity {
        /// The option's builder method.
        option: &'static str,
    },
    /// Two options contradict each other.
    #[error("the option `{option}` must not exceed `{limit}` ({value:?} > {limit_value:?})")]
    OutOfOrder {
        /// The option that is too large.
        option: &'static str,
        /// Its value.
        value: Duration,
        /// The option that bounds it.
        limit: &'static str,
        /// That option's value.
        limit_value: Duration,
    },
    /// The application given to [`crate::ClientBuilder::application`] cannot be sent.
    #[error("the application's {field} is invalid: {reason}")]
    InvalidApplication {
        /// `/name` or `/version`.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// More flags to watch than a metric event may carry.
    #[error("at most {max} flags can be watched, {found} were given")]
    TooManyWatchedFlags {
        /// The limit.
        max: usize,
        /// How many were given.
        found: usize,
    },
    /// The bootstrap file cannot be read.
    #[error("the bootstrap file {path} cannot be read")]
    BootstrapUnreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The bootstrap snapshot is not a valid snapshot.
    #[error("the bootstrap snapshot is invalid")]
    BootstrapInvalid(#[source] vexil_core::Error),
    /// Offline mode needs a bootstrap snapshot to serve.
    #[error("offline mode needs a bootstrap snapshot")]
    OfflineWithoutBootstrap,
    /// The HTTP client could not be created.
    #[error("the HTTP client could not be created")]
    Http(#[source] reqwest::Error),
    /// A certificate (an extra CA, or the client identity's chain and key) does not
    /// parse as PEM, or holds no certificate.
    #[error("the {what} is not valid PEM")]
    InvalidCertificate {
        /// `CA certificate` or `client identity`.
        what: &'static str,
        /// The parser's complaint, if it had one.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The proxy URL is not usable.
    #[error("the proxy URL {url:?} is not valid")]
    InvalidProxy {
        /// The URL given (without credentials it may hold).
        url: String,
        /// The complaint.
        #[source]
        source: reqwest::Error,
    },
    /// An extra header has an invalid name or value, or is one the SDK sets itself
    /// (`authorization`).
    #[error("the header {name:?} cannot be sent: {reason}")]
    InvalidHeader {
        /// The header name given.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// Two options cannot be used together.
    #[error("the option `{option}` cannot be combined with `{with}`")]
    Conflict {
        /// The option.
        option: &'static str,
        /// The option it conflicts with.
        with: &'static str,
    },
    /// A variable [`crate::ClientBuilder::from_env`] needs is unset or not Unicode.
    #[error("the environment variable {variable} is not set")]
    MissingEnv {
        /// The variable.
        variable: &'static str,
    },
    /// The background thread or its runtime could not be started.
    #[error("the background thread could not be started")]
    Thread(#[source] std::io::Error),
}

/// Something that went wrong in the background: the latest one is kept by
/// [`crate::Client::last_error`] and every one is logged with `tracing`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request did not get an answer (connection refused, timeout, broken body...).
    #[error("{endpoint}: request failed")]
    Transport {
        /// The endpoint, e.g. `/sdk/v1/config`.
        endpoint: &'static str,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The server did not answer in time.
    #[error("{endpoint}: no answer within {after:?}")]
    Timeout {
        /// The endpoint.
        endpoint: &'static str,
        /// The request timeout.
        after: Duration,
    },
    /// The server refused the key (401: unknown or revoked; 403: not a server key).
    #[error("{endpoint}: the server refused the SDK key (HTTP {status})")]
    Unauthorized {
        /// The endpoint.
        endpoint: &'static str,
        /// 401 or 403.
        status: u16,
    },
    /// The server answered with an unexpected status.
    #[error("{endpoint}: unexpected HTTP status {status}")]
    Status {
        /// The endpoint.
        endpoint: &'static str,
        /// The status code.
        status: u16,
    },
    /// A snapshot from the server was rejected; the previous one is still served.
    #[error("a snapshot from {endpoint} was rejected")]
    InvalidSnapshot {
        /// The endpoint.
        endpoint: &'static str,
        /// Why.
        #[source]
        source: vexil_core::Error,
    },
    /// The event stream sent something unusable; the previous snapshot is still served
    /// and the client reloads.
    #[error("the event stream sent unusable data")]
    Stream(#[from] StreamError),
    /// The persisted snapshot could not be read or written (also kept by
    /// [`crate::Client::persistence_error`]).
    #[error(transparent)]
    Persistence(Arc<PersistError>),
    /// The server refused a batch of usage and metric events, which were dropped.
    #[error("/sdk/v1/events refused a batch (HTTP {status}); {dropped} entries dropped")]
    EventsRejected {
        /// The status code.
        status: u16,
        /// Usage and metric entries dropped.
        dropped: usize,
    },
}

/// What kind of transport failure an [`Error`] is, for start-up diagnostics and
/// alerting: see [`Error::transport_failure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportFailure {
    /// Nothing listens at the address (TCP connection refused).
    ConnectionRefused,
    /// The TLS handshake failed: an untrusted or invalid server certificate, a client
    /// certificate the server refused, or no common protocol.
    Tls,
    /// No answer in time (connecting, or the whole request).
    Timeout,
    /// The connection failed for another reason (name resolution, network
    /// unreachable, proxy refused).
    Connect,
    /// The connection broke after it was made.
    Other,
}

impl std::fmt::Display for TransportFailure {
    /// A few words for a log line: `connection refused`, `TLS handshake failed`,
    /// `timed out`, `could not connect`, `connection broken`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportFailure::ConnectionRefused => "connection refused",
            TransportFailure::Tls => "TLS handshake failed",
            TransportFailure::Timeout => "timed out",
            TransportFailure::Connect => "could not connect",
            TransportFailure::Other => "connection broken",
        })
    }
}

impl Error {
    /// For errors of the connection itself ([`Error::Transport`], [`Error::Timeout`]),
    /// what kind of failure it was; `None` for answers from the server (a refused key,
    /// an unexpected status) and for bad data.
    pub fn transport_failure(&self) -> Option<TransportFailure> {
        match self {
            Error::Timeout { .. } => Some(TransportFailure::Timeout),
            Error::Transport { source, .. } => Some(classify(source)),
            _ => None,
        }
    }
}

/// Walks the error's causes for the first that says what happened. An `io::Error`
/// wrapping another error reports that error's own causes as its source, skipping the
/// error itself (a rustls error, typically): the walk looks inside with `get_ref`.
fn classify(e: &reqwest::Error) -> TransportFailure {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        #[cfg(feature = "rustls-tls")]
        if c.downcast_ref::<rustls::Error>().is_some() {
            return TransportFailure::Tls;
        }
        cause = c.source();
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return TransportFailure::ConnectionRefused;
            }
            if let Some(inner) = io.get_ref() {
                cause = Some(inner);
            }
        }
    }
    if e.is_timeout() {
        TransportFailure::Timeout
    } else if e.is_connect() {
        TransportFailure::Connect
    } else {
        TransportFailure::Other
    }
}

/// What was wrong with the event stream.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The stream is not valid UTF-8.
    #[error("the stream is not valid UTF-8")]
    NotUtf8,
    /// One event is larger than the SDK accepts.
    #[error("an event exceeds {max_bytes} bytes")]
    TooLarge {
        /// The limit.
        max_bytes: usize,
    },
    /// A change event carries no usable `id`.
    #[error("a `{event}` event has no usable id")]
    MissingId {
        /// The event type.
        event: String,
    },
    /// A flag or segment event whose data does not parse and names no key.
    #[error("a `{event}` event without a key")]
    MissingKey {
        /// The event type.
        event: String,
    },
    /// A change event does not follow the previous version.
    #[error("a change for version {found} arrived while at version {current}")]
    NotConsecutive {
        /// The version of the cache.
        current: u64,
        /// The event's id.
        found: u64,
    },
    /// A change event of another history than the data it would apply to (the
    /// server's database was restored): the client reloads.
    #[error("a change of another history ({found}) arrived")]
    OtherHistory {
        /// The event's id.
        found: String,
    },
    /// A `snapshot` event's id differs from the snapshot's version.
    #[error("a snapshot event with id {id} holds version {version}")]
    SnapshotIdMismatch {
        /// The event id.
        id: u64,
        /// The snapshot's version.
        version: u64,
    },
    /// An event's data does not parse.
    #[error("a `{event}` event holds malformed data")]
    Malformed {
        /// The event type.
        event: String,
        /// The parser's complaint.
        #[source]
        source: serde_json::Error,
    },
    /// A change arrived before any snapshot to apply it to.
    #[error("a change arrived before any snapshot")]
    NoBase,
    /// A `snapshot` event cannot be used.
    #[error("a snapshot event is unusable")]
    Snapshot(#[source] vexil_core::Error),
    /// Applying the received changes gave an invalid snapshot.
    #[error("the changes give an invalid snapshot")]
    Invalid(#[source] vexil_core::ValidationErrors),
    /// Nothing (not even a keep-alive) arrived for too long.
    #[error("nothing arrived for {0:?}")]
    Idle(Duration),
}

/// Why a persisted snapshot file was not used (or not written). Such a file is ignored
/// whole, never trusted in part.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PersistError {
    /// Reading or writing failed.
    #[error("persisted snapshot {path}: I/O error")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file does not start with the Vexil snapshot header.
    #[error("{path} is not a Vexil SDK snapshot file")]
    NotASnapshotFile {
        /// The file.
        path: PathBuf,
    },
    /// The file was written by a newer format.
    #[error("{path} uses snapshot file format {found}; this SDK reads format {supported}")]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
        /// The file's format version.
        found: u32,
        /// The version this SDK reads.
        supported: u32,
    },
    /// The body is shorter or longer than the header says, or its checksum differs.
    #[error("{path} is corrupt ({what})")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What does not match.
        what: Corruption,
    },
    /// The file was written for another SDK key or environment.
    #[error("{path} belongs to another {what}")]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What differs.
        what: Foreign,
    },
    /// The body is not a valid snapshot.
    #[error("{path} holds an invalid snapshot")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: vexil_core::Error,
    },
    /// The snapshot could not be serialised.
    #[error("the snapshot could not be serialised")]
    Serialize(#[source] serde_json::Error),
}

/// What made a persisted file corrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Corruption {
    /// The body length differs from the header's.
    Length {
        /// Bytes the header announces.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// The body checksum differs from the header's.
    Checksum,
    /// The header and the body name different environments or versions.
    HeaderMismatch,
}

impl std::fmt::Display for Corruption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Corruption::Length { expected, found } => {
                write!(f, "body of {found} bytes, header says {expected}")
            }
            Corruption::Checksum => f.write_str("checksum mismatch"),
            Corruption::HeaderMismatch => f.write_str("header and body disagree"),
        }
    }
}

/// What makes a persisted file foreign.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Foreign {
    /// It was written by a client with another SDK key.
    Key,
    /// It holds another environment than the bootstrap snapshot.
    Environment {
        /// The environment expected.
        expected: String,
        /// The environment in the file.
        found: String,
    },
}

impl std::fmt::Display for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Foreign::Key => f.write_str("SDK key"),
            Foreign::Environment { expected, found } => {
                write!(f, "environment ({found:?}, expected {expected:?})")
            }
        }
    }
}

/// Why [`crate::Client::wait_until_ready`] returned without data.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The server refused the SDK key (HTTP 401: unknown or revoked; 403: not a server
    /// key). Returned as soon as the server says so, without waiting for the timeout:
    /// waiting will not help. The client keeps retrying at its longest reconnection
    /// delay, in case the key is restored.
    #[error("the server refused the SDK key (HTTP {status})")]
    Unauthorized {
        /// 401 or 403.
        status: u16,
    },
    /// No snapshot arrived in time; the client keeps trying. The message names the
    /// kind of the last connection failure (`no flag data within 5s (status:
    /// Initializing; last failure: connection refused)`), so that a log line of the
    /// error alone is not a bare timeout; the cause itself is the error's source.
    #[error("no flag data within {timeout:?} (status: {status:?}{})", last_failure(cause.as_deref()))]
    TimedOut {
        /// How long was waited.
        timeout: Duration,
        /// The status at the deadline.
        status: Status,
        /// The last failure of loading the configuration (a refused connection, a TLS
        /// error, an unexpected status...), if any; see [`Error::transport_failure`].
        #[source]
        cause: Option<Arc<Error>>,
    },
    /// The client was closed.
    #[error("the client is closed")]
    Closed,
}

/// Why [`crate::Client::try_track`] did not record an event. [`crate::Client::track`]
/// never fails: it counts these in [`crate::Stats`] instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// Event keys are 1 to 128 characters of ASCII letters, digits and `_ - . : /`.
    #[error("{0:?} is not a valid event key (1 to 128 of A-Z a-z 0-9 _ - . : /)")]
    InvalidEventKey(String),
    /// The value is NaN or infinite.
    #[error("the event value must be finite")]
    NotFinite,
    /// The event buffer is full (the server has been unreachable for a while); the
    /// event was dropped and counted.
    #[error("the event buffer is full")]
    BufferFull,
    /// Events are disabled for this client (offline mode, test data or
    /// `send_events(false)`).
    #[error("events are disabled for this client")]
    Disabled,
}

/// Why [`crate::Client::flush_blocking`] did not deliver every pending event.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FlushError {
    /// The flush did not finish in time; it goes on in the background.
    #[error("the flush did not finish within {0:?}")]
    TimedOut(Duration),
    /// The server could not be reached or refused a batch; undelivered events stay
    /// buffered for the next flush unless the server refused them for good.
    #[error("events were not delivered")]
    NotDelivered(#[source] Arc<Error>),
}

/// `; last failure: <kind>` for a connection failure, for [`WaitError::TimedOut`]'s
/// message; empty otherwise (an answer from the server is in the source chain, and
/// repeating its whole message would print it twice in a chain of causes).
fn last_failure(cause: Option<&Error>) -> String {
    match cause.and_then(Error::transport_failure) {
        Some(kind) => format!("; last failure: {kind}"),
        None => String::new(),
    }
}
