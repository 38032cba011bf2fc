//! HTTP calls to the server's `/sdk/v1` endpoints. Maps answers to SDK errors; knows
//! nothing about caching or retries.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{self, HeaderValue};
use reqwest::{Response, StatusCode};
use url::Url;

use crate::builder::Options;
use crate::error::{BuildError, Error};
use crate::events::Batch;

pub(crate) const CONFIG: &str = "/sdk/v1/config";
pub(crate) const STREAM: &str = "/sdk/v1/stream";
pub(crate) const EVENTS: &str = "/sdk/v1/events";

/// The server's endpoints, with the key.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    config: Url,
    stream: Url,
    events: Url,
    auth: HeaderValue,
    request_timeout: Duration,
    application: Option<vexil_core::wire::Application>,
}

/// The answer to a configuration request.
#[derive(Debug)]
pub(crate) enum Fetched {
    NotModified,
    /// The snapshot, and where it stands (from its `ETag`).
    Body(Bytes, Option<Position>),
}

/// Where data from the server stands: the server's change history (which older servers
/// do not name) and the environment version in it. The server writes it
/// `<history>-<version>` in event ids and `ETag`s; sent back as `Last-Event-ID` and
/// `If-None-Match`, it lets the server tell a resume in its own history from one in
/// another (a database restored from a backup reuses version numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    /// The history, if the server names one.
    pub(crate) history: Option<String>,
    /// The environment version.
    pub(crate) version: u64,
}

impl Position {
    /// Reads an event id or an `ETag` (quoted or not, weak or not): `<history>-<version>`
    /// or a bare version.
    pub(crate) fn parse(text: &str) -> Option<Position> {
        let text = text.trim();
        let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
        let (history, version) = match text.rsplit_once('-') {
            Some((h, v)) if !h.is_empty() => (Some(h.to_owned()), v),
            Some(_) => return None,
            None => (None, text),
        };
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Position { history, version: version.parse().ok()? })
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.history {
            Some(h) => write!(f, "{h}-{}", self.version),
            None => write!(f, "{}", self.version),
        }
    }
}

/// What the server did with an events batch.
#[derive(Debug)]
pub(crate) enum Posted {
    Accepted,
    /// The batch will never be accepted (malformed, refused key): drop it.
    Refused(u16),
}

impl Transport {
    pub(crate) fn new(options: &Options) -> Result<Transport, BuildError> {
        let http = match &options.network.http_client {
            Some(client) => client.clone(),
            None => http_client(options)?,
        };
        let join = |path: &str| {
            options
                .base_url
                .join(path)
                .map_err(|source| BuildError::InvalidUrl { url: options.base_url.to_string(), source })
        };
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", options.key.0))
            .map_err(|_| BuildError::InvalidServerKey { hint: "" })?;
        auth.set_sensitive(true);
        Ok(Transport {
            http,
            config: join("sdk/v1/config")?,
            stream: join("sdk/v1/stream")?,
            events: join("sdk/v1/events")?,
            auth,
            request_timeout: options.request_timeout,
            application: options.application.clone(),
        })
    }

    fn status_error(endpoint: &'static str, status: StatusCode) -> Error {
        match status.as_u16() {
            s @ (401 | 403) => Error::Unauthorized { endpoint, status: s },
            s => Error::Status { endpoint, status: s },
        }
    }

    /// `GET /sdk/v1/config`, conditional on `position` when given.
    pub(crate) async fn fetch_config(&self, position: Option<&Position>) -> Result<Fetched, Error> {
        let transport = |source| Error::Transport { endpoint: CONFIG, source };
        let mut req = self
            .http
            .get(self.config.clone())
            .header(header::AUTHORIZATION, self.auth.clone())
            .timeout(self.request_timeout);
        if let Some(p) = position {
            req = req.header(header::IF_NONE_MATCH, format!("\"{p}\""));
        }
        let resp = req.send().await.map_err(transport)?;
        match resp.status() {
            StatusCode::NOT_MODIFIED => Ok(Fetched::NotModified),
            StatusCode::OK => {
                let etag =
                    resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).and_then(Position::parse);
                Ok(Fetched::Body(resp.bytes().await.map_err(transport)?, etag))
            }
            s => Err(Self::status_error(CONFIG, s)),
        }
    }

    /// Opens `GET /sdk/v1/stream`; the body is read by the caller. Only the response
    /// headers are bounded by the request timeout.
    pub(crate) async fn open_stream(&self, last_event_id: Option<&Position>) -> Result<Response, Error> {
        let mut req = self
            .http
            .get(self.stream.clone())
            .header(header::AUTHORIZATION, self.auth.clone())
            .header(header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let resp = match tokio::time::timeout(self.request_timeout, req.send()).await {
            Ok(r) => r.map_err(|source| Error::Transport { endpoint: STREAM, source })?,
            Err(_) => return Err(Error::Timeout { endpoint: STREAM, after: self.request_timeout }),
        };
        if resp.status() != StatusCode::OK {
            return Err(Self::status_error(STREAM, resp.status()));
        }
        Ok(resp)
    }

    /// `POST /sdk/v1/events`. `Err` means "try again later".
    pub(crate) async fn post_events(&self, batch: &Batch) -> Result<Posted, Error> {
        let resp = self
            .http
            .post(self.events.clone())
            .header(header::AUTHORIZATION, self.auth.clone())
            .timeout(self.request_timeout)
            .json(&batch.to_wire(self.application.clone()))
            .send()
            .await
            .map_err(|source| Error::Transport { endpoint: EVENTS, source })?;
        let status = resp.status();
        match status.as_u16() {
            200..=299 => Ok(Posted::Accepted),
            408 | 429 | 500..=599 => Err(Self::status_error(EVENTS, status)),
            s => Ok(Posted::Refused(s)),
        }
    }
}

/// The HTTP client the builder's options describe.
fn http_client(options: &Options) -> Result<reqwest::Client, BuildError> {
    let n = &options.network;
    let mut b = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        // Below the server's idle timeout (75 s by default), so that an idle pooled
        // connection is dropped here before the server closes it under a request.
        .pool_idle_timeout(std::time::Duration::from_secs(50))
        .user_agent(concat!("vexil-sdk-rust/", env!("CARGO_PKG_VERSION")));
    if let Some(t) = n.read_timeout {
        b = b.read_timeout(t);
    }
    let mut headers = header::HeaderMap::new();
    for (name, value) in &n.headers {
        let invalid = |reason| BuildError::InvalidHeader { name: name.clone(), reason };
        let key = header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid("not a valid header name"))?;
        if key == header::AUTHORIZATION {
            return Err(invalid("the SDK sends its key in it"));
        }
        let value = HeaderValue::from_str(value).map_err(|_| invalid("the value is not visible ASCII"))?;
        headers.append(key, value);
    }
    b = b.default_headers(headers);
    if n.no_proxy {
        b = b.no_proxy();
    }
    if let Some(url) = &n.proxy {
        let proxy = reqwest::Proxy::all(url.as_str())
            .map_err(|source| BuildError::InvalidProxy { url: without_credentials(url), source })?;
        b = b.proxy(proxy);
    }
    #[cfg(feature = "rustls-tls")]
    {
        if let Some(enabled) = n.built_in_roots {
            b = b.tls_built_in_root_certs(enabled);
        }
        for pem in &n.ca_pems {
            let invalid = |source| BuildError::InvalidCertificate { what: "CA certificate", source };
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| invalid(Some(e)))?;
            if certs.is_empty() {
                return Err(invalid(None));
            }
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        if let Some(pem) = &n.identity_pem {
            let identity = reqwest::Identity::from_pem(pem)
                .map_err(|e| BuildError::InvalidCertificate { what: "client identity", source: Some(e) })?;
            b = b.identity(identity);
        }
    }
    b.build().map_err(BuildError::Http)
}

/// A proxy URL fit for an error message: any user information (a password) left out,
/// whether or not the URL parses.
fn without_credentials(raw: &str) -> String {
    if let Some((scheme, rest)) = raw.split_once("://") {
        let authority = rest.find('/').map_or(rest, |end| &rest[..end]);
        if let Some(at) = authority.rfind('@') {
            return format!("{scheme}://***@{}", &rest[at + 1..]);
        }
    }
    raw.to_owned()
}

#[cfg(test)]
mod tests {
    use super::Position;

    #[test]
    fn positions_read_ids_and_etags_of_new_and_old_servers() {
        let p = |history: Option<&str>, version| Position { history: history.map(str::to_owned), version };
        assert_eq!(Position::parse("5f0c2a9e13b4-42"), Some(p(Some("5f0c2a9e13b4"), 42)));
        assert_eq!(Position::parse("\"5f0c2a9e13b4-42\""), Some(p(Some("5f0c2a9e13b4"), 42)));
        assert_eq!(Position::parse("W/\"h-7\""), Some(p(Some("h"), 7)));
        assert_eq!(Position::parse("\"42\""), Some(p(None, 42)), "an older server's bare version");
        for junk in ["", "-4", "h-", "h-+4", "h-4x", "not-a-number", "\"\""] {
            assert_eq!(Position::parse(junk), None, "{junk:?}");
        }
        assert_eq!(p(Some("h"), 3).to_string(), "h-3");
        assert_eq!(p(None, 3).to_string(), "3");
    }
}
