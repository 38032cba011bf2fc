//! The admin API of a running server, as the owner.

use reqwest::Method;
use serde_json::{Value, json};

use crate::process::{OWNER_EMAIL, OWNER_PASSWORD, Server};

/// An owner's session on the admin API. Writes send `If-Match: *`.
#[derive(Debug)]
pub struct Admin {
    pub base: String,
    pub token: String,
    http: reqwest::Client,
}

impl Admin {
    pub async fn login(server: &Server) -> Admin {
        Admin::login_with(server, OWNER_EMAIL, OWNER_PASSWORD).await
    }

    /// Logs in as another user.
    pub async fn login_with(server: &Server, email: &str, password: &str) -> Admin {
        let http = reqwest::Client::new();
        let r: Value = http
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("login body");
        let token = r["token"].as_str().unwrap_or_else(|| panic!("no token in {r}")).to_owned();
        Admin { base: server.base.clone(), token, http }
    }

    /// Sends `body` to `path` (from the server root); returns the status and the JSON
    /// body (null when there is none).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("if-match", "*");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Sends a request that must answer `expected`; returns the body.
    async fn expect(&self, expected: u16, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, b) = self.call(method.clone(), path, body).await;
        assert_eq!(status, expected, "{method} {path}: {b}");
        b
    }

    /// Creates boolean flag `key` in the default project.
    pub async fn create_flag(&self, key: &str) {
        let body = json!({"key": key, "kind": "boolean"});
        self.expect(201, Method::POST, "/api/v1/projects/default/flags", Some(body)).await;
    }

    /// Turns `flag` on or off in production.
    pub async fn toggle(&self, flag: &str, enabled: bool) {
        let path = format!("/api/v1/projects/default/flags/{flag}/environments/production/toggle");
        self.expect(200, Method::POST, &path, Some(json!({"enabled": enabled}))).await;
    }

    /// Replaces `flag`'s production configuration.
    pub async fn put_config(&self, flag: &str, config: Value) {
        let path = format!("/api/v1/projects/default/flags/{flag}/environments/production");
        self.expect(200, Method::PUT, &path, Some(config)).await;
    }

    /// Creates a production SDK key of `kind`; returns its secret and id.
    pub async fn sdk_key(&self, kind: &str) -> (String, String) {
        let path = "/api/v1/projects/default/environments/production/sdk-keys";
        let b = self.expect(201, Method::POST, path, Some(json!({"kind": kind}))).await;
        let field = |name: &str| b[name].as_str().unwrap_or_else(|| panic!("no {name} in {b}")).to_owned();
        (field("key"), field("id"))
    }

    /// Production's snapshot version.
    pub async fn env_version(&self) -> u64 {
        let path = "/api/v1/projects/default/environments/production";
        let b = self.expect(200, Method::GET, path, None).await;
        b["snapshot_version"].as_u64().unwrap_or_else(|| panic!("no snapshot_version in {b}"))
    }
}
