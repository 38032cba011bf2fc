//! The admin REST API (`/api/v1`) as the client commands use it: JSON in and out, an API
//! token as bearer, `If-Match`/`ETag` for versions, `Idempotency-Key` for creations, and
//! every non-2xx answer turned into a [`CliError`] that says what to do.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::GlobalArgs;
use super::error::CliError;
use crate::secret::Secret;

/// A client of one Vexil server, acting with one API token in one project.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    /// The server's root URL without a trailing slash (`https://flags.example.com`).
    base: String,
    token: Option<Secret>,
    /// The project key commands act in (`--project`).
    pub project: String,
}

/// Options of one write.
#[derive(Debug, Clone, Default)]
pub struct Write {
    /// `If-Match`: a version number (sent as `"<n>"`), `*`, or none.
    pub if_match: Option<String>,
    /// `Idempotency-Key`: a retried creation with the same key answers the first result.
    pub idempotency_key: Option<String>,
}

impl Write {
    /// A write that replaces whatever is current (`If-Match: *`).
    pub fn unconditional() -> Write {
        Write { if_match: Some("*".to_owned()), idempotency_key: None }
    }
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `ETag` without quotes (the object's version), if any.
    pub etag: Option<String>,
    /// The JSON body; `Value::Null` when there is none (204).
    pub body: Value,
}

impl Client {
    /// A client for the server and token in `args`. Fails when the URL is not http(s).
    pub fn new(args: &GlobalArgs) -> Result<Client, CliError> {
        let base = args.url.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) || url::Url::parse(&base).is_err() {
            return Err(CliError::Input(format!(
                "--url (VEXIL_URL) must be the server's http:// or https:// address, not {base:?}"
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(args.timeout_seconds.max(1)))
            .user_agent(concat!("vexil-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| CliError::Network { url: base.clone(), source })?;
        Ok(Client { http, base, token: args.token.clone(), project: args.project().to_owned() })
    }

    /// The server's root URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The path `/api/v1/<segments...>` with each segment percent-encoded (so a key with
    /// `/` or `?` still names one path segment).
    pub fn api_path(segments: &[&str]) -> String {
        let mut url = url::Url::parse("http://x/api/v1").unwrap_or_else(|_| unreachable!("constant URL"));
        if let Ok(mut p) = url.path_segments_mut() {
            p.extend(segments);
        }
        url.path().to_owned()
    }

    /// `/api/v1/projects/<project>/<segments...>`.
    pub fn project_path(&self, segments: &[&str]) -> String {
        let mut all = vec!["projects", self.project.as_str()];
        all.extend_from_slice(segments);
        Client::api_path(&all)
    }

    /// `GET path` (from the server root, e.g. [`Client::project_path`]), with `query`.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Reply, CliError> {
        self.send(Method::GET, path, query, None, &Write::default()).await
    }

    /// `GET` and read the body as `T`.
    pub async fn get_as<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, CliError> {
        let reply = self.get(path, query).await?;
        serde_json::from_value(reply.body)
            .map_err(|e| CliError::Unexpected { url: format!("{}{path}", self.base), what: e.to_string() })
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value, write: &Write) -> Result<Reply, CliError> {
        self.send(Method::POST, path, &[], Some(body), write).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: &Value, write: &Write) -> Result<Reply, CliError> {
        self.send(Method::PUT, path, &[], Some(body), write).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, body: &Value, write: &Write) -> Result<Reply, CliError> {
        self.send(Method::PATCH, path, &[], Some(body), write).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str, write: &Write) -> Result<Reply, CliError> {
        self.send(Method::DELETE, path, &[], None, write).await
    }

    /// Sends one request. Needs a token (every admin route does); a non-2xx answer is a
    /// [`CliError`] built from its problem document.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        write: &Write,
    ) -> Result<Reply, CliError> {
        let token = self.token.as_ref().filter(|t| !t.expose().trim().is_empty()).ok_or(CliError::NoToken)?;
        let url = format!("{}{path}", self.base);
        let mut req = self.http.request(method, &url).bearer_auth(token.expose().trim());
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(m) = &write.if_match {
            let v = if m == "*" || m.starts_with('"') { m.clone() } else { format!("\"{m}\"") };
            req = req.header("if-match", v);
        }
        if let Some(k) = &write.idempotency_key {
            req = req.header("idempotency-key", k);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let network = |source| CliError::Network { url: self.base.clone(), source };
        let resp = req.send().await.map_err(network)?;
        let status = resp.status();
        let etag = resp
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim_start_matches("W/").trim_matches('"').to_owned());
        let text = resp.text().await.map_err(network)?;
        if !status.is_success() {
            return Err(CliError::from_answer(status.as_u16(), &text, &url, &self.base));
        }
        let body = if status == StatusCode::NO_CONTENT || text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .map_err(|e| CliError::Unexpected { url: url.clone(), what: format!("not JSON: {e}") })?
        };
        Ok(Reply { status: status.as_u16(), etag, body })
    }
}
