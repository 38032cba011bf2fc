//! Real `vexil` processes on PostgreSQL, a fake SSE server for bad data, and helpers.

use std::future::Future;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

pub(crate) const EMAIL: &str = "sdk@example.com";
pub(crate) const PASSWORD: &str = "sdk-test-password";
pub(crate) const WAIT: Duration = Duration::from_secs(30);

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Polls `check` until it returns `Some`, panicking with `what` after `WAIT`.
pub(crate) async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn vexil_binary() -> PathBuf {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug/vexil"));
    assert!(
        path.exists(),
        "the Vexil server binary is missing at {}: build it first with `cargo build -p vexil-server`",
        path.display()
    );
    path
}

fn admin_database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh PostgreSQL database, dropped afterwards.
pub(crate) struct Database {
    pub(crate) url: String,
    name: String,
}

impl Database {
    pub(crate) async fn create() -> Database {
        use sqlx::Connection;
        let admin = admin_database_url();
        let name = format!("vexil_sdk_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} (set DATABASE_URL): {e}"));
        sqlx::query(&format!("create database {name}")).execute(&mut conn).await.unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Database { url: format!("{base}/{name}"), name }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let (admin, name) = (admin_database_url(), self.name.clone());
        // A runtime of its own: Drop may run inside or outside one.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
                        .execute(&mut c)
                        .await;
                }
            });
        })
        .join();
    }
}

/// A running `vexil serve`.
pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) port: u16,
    database_url: String,
    child: Option<Child>,
}

impl Server {
    pub(crate) async fn start(db: &Database) -> Server {
        Server::start_on(&db.url, free_port()).await
    }

    pub(crate) async fn start_on(database_url: &str, port: u16) -> Server {
        let child = Command::new(vexil_binary())
            .arg("serve")
            .env("VEXIL_LISTEN", format!("127.0.0.1:{port}"))
            .env("VEXIL_DATABASE_URL", database_url)
            .env("VEXIL_ADMIN_EMAIL", EMAIL)
            .env("VEXIL_ADMIN_PASSWORD", PASSWORD)
            .env("VEXIL_JWT_SECRET", "sdk-test-secret-sdk-test-secret-0123456789")
            .env("VEXIL_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("vexil starts");
        let server = Server {
            base: format!("http://127.0.0.1:{port}"),
            port,
            database_url: database_url.to_owned(),
            child: Some(child),
        };
        let http = reqwest::Client::new();
        eventually("vexil to become ready", || async {
            let r = http.get(format!("{}/readyz", server.base)).send().await.ok()?;
            r.status().is_success().then_some(())
        })
        .await;
        server
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub(crate) fn terminate(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
            let _ = c.wait();
        }
    }

    /// Terminates the server and starts it again on the same port and database.
    pub(crate) async fn restart(&mut self) {
        self.terminate();
        let next = Server::start_on(&self.database_url.clone(), self.port).await;
        *self = next;
    }

    /// A counter from `/metrics` (0 when absent).
    pub(crate) async fn metric(&self, name: &str) -> f64 {
        let text = reqwest::get(format!("{}/metrics", self.base)).await.unwrap().text().await.unwrap();
        text.lines()
            .filter(|l| l.starts_with(name))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The admin API, as the owner.
pub(crate) struct Admin {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Admin {
    pub(crate) async fn login(server: &Server) -> Admin {
        let http = reqwest::Client::new();
        let r: Value = http
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&json!({"email": EMAIL, "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Admin { base: server.base.clone(), token: r["token"].as_str().expect("a token").to_owned(), http }
    }

    pub(crate) async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .header("if-match", "*");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub(crate) async fn create_flag(&self, key: &str) {
        let (s, b) = self
            .call(
                reqwest::Method::POST,
                "/projects/default/flags",
                Some(json!({"key": key, "kind": "boolean"})),
            )
            .await;
        assert_eq!(s, 201, "{b}");
    }

    pub(crate) async fn toggle(&self, flag: &str, enabled: bool) {
        let path = format!("/projects/default/flags/{flag}/environments/production/toggle");
        let (s, b) = self.call(reqwest::Method::POST, &path, Some(json!({"enabled": enabled}))).await;
        assert_eq!(s, 200, "{b}");
    }

    pub(crate) async fn put_config(&self, flag: &str, config: Value) {
        let path = format!("/projects/default/flags/{flag}/environments/production");
        let (s, b) = self.call(reqwest::Method::PUT, &path, Some(config)).await;
        assert_eq!(s, 200, "{b}");
    }

    pub(crate) async fn server_key(&self) -> String {
        let (s, b) = self
            .call(
                reqwest::Method::POST,
                "/projects/default/environments/production/sdk-keys",
                Some(json!({"kind": "server"})),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        b["key"].as_str().unwrap().to_owned()
    }

    /// Usage counts of a flag over the last hour, by variant.
    pub(crate) async fn usage(&self, flag: &str) -> std::collections::BTreeMap<String, i64> {
        let path = format!("/projects/default/flags/{flag}/usage?environment=production&hours=1");
        let (s, b) = self.call(reqwest::Method::GET, &path, None).await;
        assert_eq!(s, 200, "{b}");
        b["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|series| {
                let total =
                    series["points"].as_array().unwrap().iter().filter_map(|p| p["count"].as_i64()).sum();
                (series["variant"].as_str().unwrap().to_owned(), total)
            })
            .collect()
    }
}

/// A server, its admin and a server key, with flag `f` created (disabled).
pub(crate) struct Setup {
    pub(crate) server: Server,
    pub(crate) admin: Admin,
    pub(crate) key: String,
    // Dropped last: the server must stop before its database goes.
    pub(crate) _db: Database,
}

impl Setup {
    pub(crate) async fn new() -> Setup {
        let db = Database::create().await;
        let server = Server::start(&db).await;
        let admin = Admin::login(&server).await;
        admin.create_flag("f").await;
        let key = admin.server_key().await;
        Setup { server, admin, key, _db: db }
    }

    pub(crate) fn client(&self) -> vexil_sdk::ClientBuilder {
        fast(vexil_sdk::Client::builder(&self.server.base, &self.key))
    }
}

/// Short delays, so that tests do not wait on production defaults.
pub(crate) fn fast(b: vexil_sdk::ClientBuilder) -> vexil_sdk::ClientBuilder {
    b.reconnect_delay(Duration::from_millis(50), Duration::from_millis(500))
        .poll_interval(Duration::from_millis(200))
        .flush_interval(Duration::from_millis(200))
        .request_timeout(Duration::from_secs(5))
}

/// A snapshot with boolean flag `f` serving `value`, at `version`.
pub(crate) fn snapshot(version: u64, value: bool) -> Value {
    json!({"environment": "production", "version": version, "flags": [flag_f(value)], "segments": []})
}

pub(crate) fn flag_f(value: bool) -> Value {
    json!({"key": "f", "kind": "boolean", "salt": "s",
           "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
           "config": {"enabled": true, "off_variant": "off",
                      "default": {"variant": if value { "on" } else { "off" }}}})
}
