//! Real `vexil` processes on real sockets, a real SSE client, and helpers to drive them.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};

pub(crate) const EMAIL: &str = "stream@example.com";
pub(crate) const PASSWORD: &str = "stream-password";

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A database for one test: a fresh PostgreSQL database or a SQLite file.
pub(crate) struct Database {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Database {
    pub(crate) fn sqlite() -> Database {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("vexil.db").display());
        Database { url, pg_name: None, _dir: Some(dir) }
    }

    pub(crate) async fn postgres() -> Database {
        use sqlx::Connection;
        let admin = std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("vexil_stream_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin}: {e}"));
        sqlx::query(&format!("create database {name}")).execute(&mut conn).await.expect("create database");
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Database { url: format!("{base}/{name}"), pg_name: Some(name), _dir: None }
    }

    pub(crate) fn admin_url() -> String {
        std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = Database::admin_url();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
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
}

/// A running `vexil serve`.
pub(crate) struct Server {
    pub base: String,
    child: Option<Child>,
}

impl Server {
    pub(crate) async fn start(db: &Database, extra: &[(&str, &str)]) -> Server {
        Self::start_with(db, extra, true, None).await
    }

    /// `credentials: false` leaves the owner's password to the server; `output` captures
    /// the server's standard output and error (logs and messages) into one file.
    pub(crate) async fn start_with(
        db: &Database,
        extra: &[(&str, &str)],
        credentials: bool,
        output: Option<&std::path::Path>,
    ) -> Server {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vexil"));
        cmd.arg("serve")
            .env("VEXIL_LISTEN", format!("127.0.0.1:{port}"))
            .env("VEXIL_DATABASE_URL", &db.url)
            .env("VEXIL_JWT_SECRET", "stream-test-secret-stream-test-secret-0")
            .env("VEXIL_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env_remove("VEXIL_ADMIN_EMAIL")
            .env_remove("VEXIL_ADMIN_PASSWORD");
        match output {
            Some(path) => {
                let file = std::fs::File::create(path).expect("output file");
                cmd.stdout(file.try_clone().expect("output file")).stderr(file)
            }
            None => cmd.stdout(Stdio::null()).stderr(Stdio::null()),
        };
        if credentials {
            cmd.env("VEXIL_ADMIN_EMAIL", EMAIL).env("VEXIL_ADMIN_PASSWORD", PASSWORD);
        }
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("vexil starts");
        let server = Server { base: format!("http://127.0.0.1:{port}"), child: Some(child) };
        let client = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "vexil never became ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends SIGTERM and waits for the process to exit; returns how long that took.
    pub(crate) fn terminate(&mut self) -> Duration {
        let started = std::time::Instant::now();
        let _ = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        if let Some(mut c) = self.child.take() {
            let _ = c.wait();
        }
        started.elapsed()
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

/// The admin API as the owner.
pub(crate) struct Admin {
    pub base: String,
    pub token: String,
    client: reqwest::Client,
}

impl Admin {
    pub(crate) async fn login(server: &Server) -> Admin {
        let client = reqwest::Client::new();
        let r: Value = client
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&json!({"email": EMAIL, "password": PASSWORD}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("login body");
        Admin { base: server.base.clone(), token: r["token"].as_str().expect("token").to_owned(), client }
    }

    pub(crate) async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
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

    pub(crate) async fn create_flag(&self, key: &str) {
        let (s, b) = self
            .call(
                reqwest::Method::POST,
                "/api/v1/projects/default/flags",
                Some(json!({"key": key, "kind": "boolean"})),
            )
            .await;
        assert_eq!(s, 201, "{b}");
    }

    pub(crate) async fn toggle(&self, flag: &str, enabled: bool) {
        let (s, b) = self
            .call(
                reqwest::Method::POST,
                &format!("/api/v1/projects/default/flags/{flag}/environments/production/toggle"),
                Some(json!({"enabled": enabled})),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }

    pub(crate) async fn put_config(&self, flag: &str, config: Value) {
        let (s, b) = self
            .call(
                reqwest::Method::PUT,
                &format!("/api/v1/projects/default/flags/{flag}/environments/production"),
                Some(config),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }

    pub(crate) async fn sdk_key(&self, kind: &str) -> (String, String) {
        let (s, b) = self
            .call(
                reqwest::Method::POST,
                "/api/v1/projects/default/environments/production/sdk-keys",
                Some(json!({"kind": kind})),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        (b["key"].as_str().unwrap().to_owned(), b["id"].as_str().unwrap().to_owned())
    }

    pub(crate) async fn env_version(&self) -> u64 {
        let (_, b) =
            self.call(reqwest::Method::GET, "/api/v1/projects/default/environments/production", None).await;
        b["snapshot_version"].as_u64().expect("snapshot_version")
    }
}

/// One Server-Sent Event.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Event {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

impl Event {
    pub(crate) fn version(&self) -> u64 {
        self.id.as_deref().and_then(|i| i.parse().ok()).unwrap_or(0)
    }
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or(Value::Null)
    }
}

/// A streaming SSE client over a real HTTP connection.
pub(crate) struct Sse {
    pub(crate) start: Option<String>,
    stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buf: String,
    pub retry: Option<u64>,
    pub status: u16,
}

impl Sse {
    pub(crate) async fn open(url: &str, headers: &[(&str, &str)]) -> Sse {
        let client = reqwest::Client::builder().build().expect("client");
        let mut req = client.get(url).header("accept", "text/event-stream");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req.send().await.expect("stream request");
        let status = r.status().as_u16();
        let start = r.headers().get("x-vexil-stream-start").and_then(|v| v.to_str().ok()).map(str::to_owned);
        Sse { start, stream: Box::pin(r.bytes_stream()), buf: String::new(), retry: None, status }
    }

    /// The next event, or `None` when the stream ends; panics after `wait`.
    pub(crate) async fn next(&mut self, wait: Duration) -> Option<Event> {
        tokio::time::timeout(wait, self.next_inner()).await.expect("an event within the deadline")
    }

    async fn next_inner(&mut self) -> Option<Event> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut ev = Event { event: "message".to_owned(), ..Event::default() };
                let mut data = Vec::new();
                let mut any = false;
                for line in block.lines() {
                    if line.starts_with(':') || line.is_empty() {
                        continue;
                    }
                    let (field, value) = line
                        .split_once(':')
                        .map_or((line, ""), |(f, v)| (f, v.strip_prefix(' ').unwrap_or(v)));
                    match field {
                        "id" => ev.id = Some(value.to_owned()),
                        "event" => ev.event = value.to_owned(),
                        "data" => {
                            data.push(value.to_owned());
                            any = true;
                        }
                        "retry" => self.retry = value.parse().ok(),
                        _ => {}
                    }
                }
                if any {
                    ev.data = data.join("\n");
                    return Some(ev);
                }
                continue;
            }
            match self.stream.next().await {
                Some(Ok(chunk)) => self.buf.push_str(&String::from_utf8_lossy(&chunk)),
                Some(Err(_)) | None => return None,
            }
        }
    }

    /// Events until one satisfies `done` (returned last).
    pub(crate) async fn until(&mut self, wait: Duration, mut done: impl FnMut(&Event) -> bool) -> Vec<Event> {
        let mut seen = Vec::new();
        loop {
            let e = self.next(wait).await.unwrap_or_else(|| panic!("the stream ended; saw {seen:?}"));
            let stop = done(&e);
            seen.push(e);
            if stop {
                return seen;
            }
        }
    }
}
