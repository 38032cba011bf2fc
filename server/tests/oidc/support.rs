//! A real OpenID Connect provider (`provider.mjs`, the `oidc-provider` package on
//! Node.js) in its own process, a real `vexil` configured to use it, and a
//! cookie-keeping HTTP client that walks the redirects a browser would.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use reqwest::header::LOCATION;
use serde_json::{Value, json};
use vexil_testkit::{Server, TestDb, free_port};

/// The client Vexil is registered as at the test provider.
pub(crate) const CLIENT_ID: &str = "vexil-dashboard";
pub(crate) const CLIENT_SECRET: &str = "vexil-client-secret-for-tests";

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Installs the provider's npm packages once per test run (from its lockfile).
fn install_provider() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let dir = provider_dir();
        if dir.join("node_modules/oidc-provider/package.json").exists() {
            return;
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .unwrap_or_else(|e| {
                panic!("these tests need Node.js 20+ with npm (to run {}): {e}", dir.display())
            });
        assert!(status.success(), "npm ci in {} failed", dir.display());
    });
}

/// A user of the test provider.
#[derive(Debug, Clone)]
pub(crate) struct IdpUser {
    pub sub: &'static str,
    pub password: &'static str,
    pub email: &'static str,
    pub email_verified: bool,
    pub groups: &'static [&'static str],
}

impl IdpUser {
    pub(crate) const fn new(
        sub: &'static str,
        email: &'static str,
        groups: &'static [&'static str],
    ) -> IdpUser {
        IdpUser { sub, password: "idp-password", email, email_verified: true, groups }
    }

    pub(crate) const fn unverified(mut self) -> IdpUser {
        self.email_verified = false;
        self
    }
}

/// The provider process; killed when dropped.
pub(crate) struct Provider {
    pub issuer: String,
    child: Child,
    dir: tempfile::TempDir,
}

impl Provider {
    /// Starts a provider that knows `users` and accepts these redirect URIs.
    pub(crate) fn start(users: &[IdpUser], redirect_uris: &[String]) -> Provider {
        install_provider();
        let dir = tempfile::tempdir().expect("temp dir");
        let users_file = dir.path().join("users.json");
        let list: Vec<Value> = users
            .iter()
            .map(|u| {
                json!({"sub": u.sub, "password": u.password, "email": u.email,
                       "email_verified": u.email_verified, "name": u.sub, "groups": u.groups})
            })
            .collect();
        std::fs::write(&users_file, serde_json::to_vec(&list).expect("users")).expect("users file");
        let mut cmd = Command::new("node");
        cmd.arg(provider_dir().join("provider.mjs"))
            .args(["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET])
            .arg("--users")
            .arg(&users_file);
        for uri in redirect_uris {
            cmd.arg("--redirect-uri").arg(uri);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("provider.log")).expect("provider log"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start node (Node.js 20+ is needed): {e}"));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("provider output");
        // Keep reading, or the provider dies of a closed pipe when it prints again.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let issuer = line
            .trim()
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("the provider did not start: {line:?}"))
            .to_owned();
        Provider { issuer, child, dir }
    }

    /// What the provider printed on standard error.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("provider.log")).unwrap_or_default()
    }

    /// Posts to one of the provider's test controls.
    pub(crate) async fn control(&self, path: &str, body: Value) -> Value {
        let r = reqwest::Client::new()
            .post(format!("{}{path}", self.issuer))
            .json(&body)
            .send()
            .await
            .expect("provider control");
        assert!(r.status().is_success(), "provider control {path}: {}", r.status());
        r.json().await.expect("control answer")
    }

    /// How many ID tokens the provider has handed out.
    pub(crate) async fn token_responses(&self) -> u64 {
        let v: Value = reqwest::get(format!("{}/test/stats", self.issuer))
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats body");
        v["token_responses"].as_u64().expect("count")
    }

    /// The key ids the provider publishes.
    pub(crate) async fn key_ids(&self) -> Vec<String> {
        let v: Value = reqwest::get(format!("{}/jwks", self.issuer))
            .await
            .expect("jwks")
            .json()
            .await
            .expect("jwks body");
        v["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .filter_map(|k| k["kid"].as_str().map(str::to_owned))
            .collect()
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A provider and a Vexil that uses it, on a fresh database.
pub(crate) struct Sso {
    pub provider: Provider,
    pub server: Server,
    pub log: PathBuf,
    _db: TestDb,
    _dir: tempfile::TempDir,
}

impl Sso {
    /// Starts both; `env` adds or overrides `VEXIL_*` variables.
    pub(crate) async fn start(db: TestDb, users: &[IdpUser], env: &[(&str, &str)]) -> Sso {
        let port = free_port();
        let callback = format!("http://127.0.0.1:{port}/api/v1/auth/oidc/callback");
        let provider = Provider::start(users, std::slice::from_ref(&callback));
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("vexil.log");
        let mut vars = vec![
            ("VEXIL_OIDC_ISSUER", provider.issuer.as_str()),
            ("VEXIL_OIDC_CLIENT_ID", CLIENT_ID),
            ("VEXIL_OIDC_CLIENT_SECRET", CLIENT_SECRET),
            ("VEXIL_OIDC_REDIRECT_URL", callback.as_str()),
            ("VEXIL_OIDC_SCOPES", "email,profile,groups"),
            ("VEXIL_OIDC_PROVIDER_NAME", "Test IdP"),
            ("VEXIL_OIDC_ROLE_CLAIM", "groups"),
            ("VEXIL_OIDC_ROLE_MAP", "vexil-owners=owner,vexil-admins=admin,vexil-editors=editor"),
        ];
        for (k, v) in env {
            vars.retain(|(name, _)| name != k);
            vars.push((k, v));
        }
        let server = Server::builder(env!("CARGO_BIN_EXE_vexil"), &db.url)
            .port(port)
            .env(&vars)
            .output(&log)
            .start()
            .await;
        Sso { provider, server, log, _db: db, _dir: dir }
    }

    /// The server's and the provider's logs so far (for failure messages).
    pub(crate) fn log(&self) -> String {
        let server = std::fs::read_to_string(&self.log).unwrap_or_default();
        format!("vexil:\n{server}\nprovider:\n{}", self.provider.log())
    }

    /// A new browser: its own cookies.
    pub(crate) fn browser(&self) -> Browser {
        Browser::new(&self.server.base)
    }

    /// Logs `user` in from a new browser; panics unless it works.
    pub(crate) async fn login(&self, user: &IdpUser) -> Session {
        match self.browser().sso_login(user.sub, user.password).await {
            Outcome::Session(s) => s,
            other @ Outcome::Refused(_) => {
                panic!("single sign-on as {} failed: {other:?}\nserver log:\n{}", user.sub, self.log())
            }
        }
    }
}

/// What a single sign-on ended with.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Logged in: the dashboard's session.
    Session(Session),
    /// Sent back to the login page with this `sso_error`.
    Refused(String),
}

impl Outcome {
    pub(crate) fn refusal(&self) -> Option<&str> {
        match self {
            Outcome::Refused(slug) => Some(slug),
            Outcome::Session(_) => None,
        }
    }
}

/// A logged-in dashboard session, and the callback URL that led to it.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub token: String,
    pub user: Value,
    pub next: String,
    pub callback: String,
    pub handoff: String,
}

/// A cookie-keeping HTTP client that follows redirects one by one.
pub(crate) struct Browser {
    http: reqwest::Client,
    vexil: String,
}

impl Browser {
    pub(crate) fn new(vexil: &str) -> Browser {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser { http, vexil: vexil.to_owned() }
    }

    /// Follows redirects from `response` until a page that is not one, or until a URL
    /// that `stop` accepts, which is returned unfetched. Returns the final URL, the body
    /// (empty when stopped) and every URL visited.
    async fn follow(
        &self,
        mut response: reqwest::Response,
        stop: impl Fn(&str) -> bool,
    ) -> (String, String, Vec<String>) {
        let mut visited = vec![response.url().to_string()];
        for _ in 0..20 {
            if !response.status().is_redirection() {
                let url = response.url().to_string();
                let body = response.text().await.unwrap_or_default();
                return (url, body, visited);
            }
            let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).expect("Location");
            let next = response.url().join(location).expect("redirect URL").to_string();
            visited.push(next.clone());
            if stop(&next) {
                return (next, String::new(), visited);
            }
            response = self.http.get(&next).send().await.expect("redirect");
        }
        panic!("too many redirects: {visited:?}");
    }

    /// Whether `url` is the dashboard's login page (where every login ends).
    fn at_dashboard(&self, url: &str) -> bool {
        url.starts_with(&format!("{}/login", self.vexil))
    }

    /// Starts a login at Vexil and returns the provider's login page (URL and HTML).
    pub(crate) async fn start(&self, next: &str) -> (String, String) {
        let r = self
            .http
            .get(format!("{}/api/v1/auth/oidc/login", self.vexil))
            .query(&[("next", next)])
            .send()
            .await
            .expect("start");
        assert_eq!(r.status(), 303, "the login starts with a redirect to the provider");
        let (url, body, _) = self.follow(r, |_| false).await;
        (url, body)
    }

    /// Logs in at the provider with `login` and `password`, all the way back to Vexil.
    pub(crate) async fn sso_login(&self, login: &str, password: &str) -> Outcome {
        let callback = self.sso_until_callback(login, password).await;
        self.get_callback(&callback).await
    }

    /// Starts a login and signs in at the provider, but stops where the provider sends
    /// the browser back to Vexil: returns that callback URL, unvisited.
    pub(crate) async fn sso_until_callback(&self, login: &str, password: &str) -> String {
        let (page, html) = self.start("/p/default/flags").await;
        let action = html
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no login form at {page}: {html}"));
        let form_url = reqwest::Url::parse(&page).expect("page URL").join(action).expect("form URL");
        let r = self
            .http
            .post(form_url)
            .form(&[("login", login), ("password", password)])
            .send()
            .await
            .expect("login form");
        let (last, body, visited) = self.follow(r, |u| u.contains("/api/v1/auth/oidc/callback")).await;
        assert!(
            last.contains("/api/v1/auth/oidc/callback"),
            "the provider never sent the browser back: {visited:?} {body}"
        );
        last
    }

    /// Replays a callback URL (as a browser going back in history would).
    pub(crate) async fn get_callback(&self, callback: &str) -> Outcome {
        let r = self.http.get(callback).send().await.expect("callback");
        let (last, _, _) = self.follow(r, |u| self.at_dashboard(u)).await;
        self.land(&last, callback.to_owned()).await
    }

    /// Reads where the callback sent the browser, and collects the login if it worked.
    async fn land(&self, last: &str, callback: String) -> Outcome {
        let url = reqwest::Url::parse(last).expect("final URL");
        let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        if let Some(slug) = param("sso_error") {
            assert_eq!(url.path(), "/login");
            return Outcome::Refused(slug);
        }
        assert_eq!(url.path(), "/login/sso", "unexpected landing page {last}");
        let handoff = param("handoff").expect("handoff");
        let next = param("next").expect("next");
        let (status, body) = self.collect(&handoff).await;
        assert_eq!(status, 200, "collecting the login: {body}");
        let token = body["token"].as_str().expect("token").to_owned();
        Outcome::Session(Session { token, user: body["user"].clone(), next, callback, handoff })
    }

    /// Swaps a hand-off code for a login token.
    pub(crate) async fn collect(&self, handoff: &str) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}/api/v1/auth/oidc/session", self.vexil))
            .json(&json!({"handoff": handoff}))
            .send()
            .await
            .expect("session");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// GET as a logged-in user; returns status and JSON.
pub(crate) async fn get_as(base: &str, token: &str, path: &str) -> (u16, Value) {
    let r =
        reqwest::Client::new().get(format!("{base}{path}")).bearer_auth(token).send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}
