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
}

/// The answer to a configuration request.
#[derive(Debug)]
pub(crate) enum Fetched {
    NotModified,
    Body(Bytes),
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
        })
    }

    fn status_error(endpoint: &'static str, status: StatusCode) -> Error {
        match status.as_u16() {
            s @ (401 | 403) => Error::Unauthorized { endpoint, status: s },
            s => Error::Status { endpoint, status: s },
        }
    }

    /// `GET /sdk/v1/config`, conditional on `version` when given.
    pub(crate) async fn fetch_config(&self, version: Option<u64>) -> Result<Fetched, Error> {
        let transport = |source| Error::Transport { endpoint: CONFIG, source };
        let mut req = self
            .http
            .get(self.config.clone())
            .header(header::AUTHORIZATION, self.auth.clone())
            .timeout(self.request_timeout);
        if let Some(v) = version {
            req = req.header(header::IF_NONE_MATCH, format!("\"{v}\""));
        }
        let resp = req.send().await.map_err(transport)?;
        match resp.status() {
            StatusCode::NOT_MODIFIED => Ok(Fetched::NotModified),
            StatusCode::OK => Ok(Fetched::Body(resp.bytes().await.map_err(transport)?)),
            s => Err(Self::status_error(CONFIG, s)),
        }
    }

    /// Opens `GET /sdk/v1/stream`; the body is read by the caller. Only the response
    /// headers are bounded by the request timeout.
    pub(crate) async fn open_stream(&self, last_event_id: Option<u64>) -> Result<Response, Error> {
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
            .json(&batch.to_wire())
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
