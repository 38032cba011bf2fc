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
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("vexil-sdk-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(BuildError::Http)?;
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
            .json(batch)
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
