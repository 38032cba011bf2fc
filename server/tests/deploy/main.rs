//! The production topology of `docker-compose.yml`, without containers: PostgreSQL, two
//! `vexil` processes, and Debian's nginx running the very configuration file the compose
//! set-up mounts (`deploy/nginx/vexil.conf`), with only the upstream addresses and the
//! listen port replaced. Needs `nginx` (Debian's package) and the built dashboard
//! (`npm run build` in `web-ui/`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use vexil_testkit::{Admin, OWNER_EMAIL, OWNER_PASSWORD, Server, TestDb, eventually, free_port};

/// A deadline for what should happen, never a speed requirement.
const WAIT: Duration = Duration::from_secs(30);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository").to_owned()
}

fn nginx_binary() -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("nginx")).collect::<Vec<_>>())
        .unwrap_or_default();
    candidates
        .into_iter()
        .chain([PathBuf::from("/usr/sbin/nginx")])
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("this test runs Debian's nginx: install it with `apt-get install nginx`"))
}

/// The compose file's proxy configuration with the compose host names and port replaced
/// by these loopback addresses; each replaced text must occur exactly once, so that the
/// file cannot drift away from what this test checks.
fn proxy_config(listen: u16, upstreams: [u16; 2]) -> String {
    let text =
        std::fs::read_to_string(repo().join("deploy/nginx/vexil.conf")).expect("deploy/nginx/vexil.conf");
    let mut config = text.clone();
    for (from, to) in [
        ("server vexil-1:8080 ", format!("server 127.0.0.1:{} ", upstreams[0])),
        ("server vexil-2:8080 ", format!("server 127.0.0.1:{} ", upstreams[1])),
        ("listen 80;", format!("listen 127.0.0.1:{listen};")),
    ] {
        assert_eq!(text.matches(from).count(), 1, "deploy/nginx/vexil.conf should contain {from:?} once");
        config = config.replace(from, &to);
    }
    config
}

/// Debian's nginx with the compose file's configuration, in a temporary prefix.
struct Nginx {
    base: String,
    child: Option<Child>,
    dir: tempfile::TempDir,
}

impl Nginx {
    async fn start(upstreams: [u16; 2]) -> Nginx {
        let dir = tempfile::tempdir().expect("temp dir");
        // Workers run as an unprivileged user when the test runs as root: let them in.
        let _ = Command::new("chmod").arg("755").arg(dir.path()).status();
        let port = free_port();
        let d = dir.path().display();
        std::fs::write(dir.path().join("vexil.conf"), proxy_config(port, upstreams)).expect("site config");
        // What the nginx image's own nginx.conf does around conf.d (plus temporary paths).
        let main = format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
             events {{ worker_connections 512; }}\n\
             http {{\n  default_type application/octet-stream;\n  sendfile on;\n  keepalive_timeout 65;\n\
               access_log {d}/access.log;\n  client_body_temp_path {d}/client_body;\n  proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
               include {d}/vexil.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), main).expect("nginx.conf");
        let check = Command::new(nginx_binary())
            .arg("-t")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .output()
            .expect("nginx -t");
        assert!(
            check.status.success(),
            "nginx refuses the configuration: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let child = Command::new(nginx_binary())
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let nginx = Nginx { base: format!("http://127.0.0.1:{port}"), child: Some(child), dir };
        let http = reqwest::Client::new();
        eventually("nginx to pass /readyz through", || async {
            let r = http.get(format!("{}/readyz", nginx.base)).send().await.ok()?;
            r.status().is_success().then_some(())
        })
        .await;
        nginx
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // TERM, not KILL: the master takes its workers with it.
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let _ = child.wait();
        }
    }
}

/// One Server-Sent Event.
#[derive(Debug)]
struct Event {
    name: String,
    data: String,
}

/// A streaming SSE client.
struct Sse {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buf: String,
}

impl Sse {
    async fn open(url: &str, key: &str) -> (Sse, reqwest::header::HeaderMap) {
        let r = reqwest::Client::new()
            .get(url)
            .bearer_auth(key)
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("stream request");
        assert_eq!(r.status(), 200, "stream through the proxy");
        let headers = r.headers().clone();
        (Sse { body: Box::pin(r.bytes_stream()), buf: String::new() }, headers)
    }

    /// The next event with data (comments and retry hints skipped).
    async fn next(&mut self) -> Event {
        tokio::time::timeout(WAIT, async {
            loop {
                if let Some(end) = self.buf.find("\n\n") {
                    let block: String = self.buf.drain(..end + 2).collect();
                    let mut event = Event { name: "message".to_owned(), data: String::new() };
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            v.trim().clone_into(&mut event.name);
                        } else if let Some(v) = line.strip_prefix("data:") {
                            event.data.push_str(v.trim_start());
                        }
                    }
                    if !event.data.is_empty() {
                        return event;
                    }
                    continue;
                }
                match self.body.next().await {
                    Some(Ok(chunk)) => self.buf.push_str(&String::from_utf8_lossy(&chunk)),
                    other => panic!("the stream ended: {other:?}"),
                }
            }
        })
        .await
        .expect("an event within the deadline")
    }

    /// Waits for the `flag` event of `key` and returns it with its configuration.
    async fn flag_event(&mut self, key: &str) -> Value {
        loop {
            let e = self.next().await;
            let data: Value = serde_json::from_str(&e.data).unwrap_or(Value::Null);
            if e.name == "flag" && data["key"] == key {
                return data;
            }
        }
    }
}

/// Open SDK streams on a replica, from its own metrics.
async fn open_streams(server: &Server) -> f64 {
    server.metric("vexil_open_streams").await
}

/// The replica (0 or 1) that holds the one stream opened since `before`.
async fn replica_with_new_stream(replicas: &[Server; 2], before: [f64; 2]) -> usize {
    eventually("the new stream to show in one replica's metrics", || async {
        let now = [open_streams(&replicas[0]).await, open_streams(&replicas[1]).await];
        let grew = [now[0] - before[0], now[1] - before[1]].map(|d| d.round() as i64);
        match grew {
            [1, 0] => Some(0),
            [0, 1] => Some(1),
            _ => None,
        }
    })
    .await
}

/// Writes through replica `writer` directly and waits for the change on `stream`;
/// returns how long the change took to arrive.
async fn toggle_and_wait(writer: &Server, stream: &mut Sse, flag: &str, enabled: bool) -> Duration {
    let admin = Admin::login(writer).await;
    let started = Instant::now();
    admin.toggle(flag, enabled).await;
    let event = stream.flag_event(flag).await;
    let took = started.elapsed();
    assert_eq!(event["config"]["enabled"], enabled, "{event}");
    took
}

/// The test command passes the release binary scripts/build made (`VEXIL_BIN`, the one
/// the image ships, dashboard inside); a bare `cargo test` runs the debug binary.
fn vexil_bin() -> String {
    std::env::var("VEXIL_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_vexil").to_owned())
}

#[tokio::test]
async fn a_change_through_one_replica_reaches_a_stream_through_the_proxy_on_the_other() {
    let db = TestDb::postgres().await;
    let bin = vexil_bin();
    let start =
        |db: &TestDb| Server::builder(&bin, &db.url).env(&[("VEXIL_VERSION_CHECK_SECONDS", "3600")]).start();
    // The periodic version check is pushed out of the way: only LISTEN/NOTIFY can carry
    // the change from one replica to the other within the test.
    let replicas = [start(&db).await, start(&db).await];
    let nginx = Nginx::start([replicas[0].port, replicas[1].port]).await;

    let admin = Admin::login(&replicas[0]).await;
    admin.create_flag("checkout").await;
    let (key, _) = admin.sdk_key("server").await;
    let stream_url = format!("{}/sdk/v1/stream", nginx.base);

    let before = [open_streams(&replicas[0]).await, open_streams(&replicas[1]).await];
    let (mut first, headers) = Sse::open(&stream_url, &key).await;
    assert_eq!(headers["content-type"], "text/event-stream");
    assert!(headers.get("content-encoding").is_none(), "the proxy does not compress streams");
    let snapshot = first.next().await;
    assert_eq!(snapshot.name, "snapshot");
    let home = replica_with_new_stream(&replicas, before).await;
    let other = 1 - home;

    let mut latencies = Vec::new();
    latencies.push(toggle_and_wait(&replicas[other], &mut first, "checkout", true).await);

    // A second stream goes to the replica with fewer (least_conn): the other one.
    let before = [open_streams(&replicas[0]).await, open_streams(&replicas[1]).await];
    let (mut second, _) = Sse::open(&stream_url, &key).await;
    assert_eq!(second.next().await.name, "snapshot");
    assert_eq!(replica_with_new_stream(&replicas, before).await, other, "least_conn balances the streams");
    // Now a write through the first stream's replica reaches the second stream too.
    latencies.push(toggle_and_wait(&replicas[home], &mut second, "checkout", false).await);
    let echoed = first.flag_event("checkout").await;
    assert_eq!(echoed["config"]["enabled"], false);
    for _ in 0..3 {
        latencies.push(toggle_and_wait(&replicas[other], &mut first, "checkout", true).await);
        latencies.push(toggle_and_wait(&replicas[home], &mut first, "checkout", false).await);
    }
    let ms: Vec<u128> = latencies.iter().map(Duration::as_millis).collect();
    eprintln!("change to a stream through the proxy on the other replica, in ms: {ms:?}");
    assert!(
        nginx.error_log().lines().all(|l| !l.contains("[error]")),
        "nginx errors:\n{}",
        nginx.error_log()
    );
}

#[tokio::test]
async fn the_dashboard_and_the_api_work_through_the_proxy() {
    let dist = repo().join("web-ui/dist");
    assert!(
        dist.join("index.html").is_file(),
        "the dashboard is not built: run scripts/build ({})",
        dist.display()
    );
    let db = TestDb::postgres().await;
    // The release binary serves its built-in dashboard; the debug one the built folder.
    let release = std::env::var("VEXIL_BIN").ok();
    let bin = vexil_bin();
    let ui = dist.display().to_string();
    let start = |db: &TestDb| {
        let builder = Server::builder(&bin, &db.url);
        match release {
            Some(_) => builder.start(),
            None => builder.env(&[("VEXIL_UI_DIR", ui.as_str())]).start(),
        }
    };
    let replicas = [start(&db).await, start(&db).await];
    let nginx = Nginx::start([replicas[0].port, replicas[1].port]).await;
    let http = reqwest::Client::new();

    // The dashboard: its page, a deep link, and its script, all through the proxy.
    let page = http.get(format!("{}/", nginx.base)).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("<div id=\"root\">"), "{html}");
    let deep = http.get(format!("{}/p/default/flags", nginx.base)).send().await.expect("deep link");
    assert_eq!(deep.status(), 200);
    assert!(deep.text().await.expect("html").contains("<div id=\"root\">"));
    let script = html
        .split("src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|s| s.starts_with("/assets/") && s.ends_with(".js"))
        .unwrap_or_else(|| panic!("no script in {html}"));
    let js = http.get(format!("{}{script}", nginx.base)).send().await.expect("script");
    assert_eq!(js.status(), 200);
    assert!(js.headers()["content-type"].to_str().unwrap_or_default().contains("javascript"));
    let on_disk = std::fs::metadata(dist.join(script.trim_start_matches('/'))).expect("asset").len();
    assert_eq!(js.bytes().await.expect("script body").len() as u64, on_disk, "the whole script arrives");

    // Logging in and reading through the proxy, whichever replica answers.
    let login: Value = http
        .post(format!("{}/api/v1/auth/login", nginx.base))
        .json(&json!({"email": OWNER_EMAIL, "password": OWNER_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    let token = login["token"].as_str().expect("token");
    for _ in 0..4 {
        let me =
            http.get(format!("{}/api/v1/auth/me", nginx.base)).bearer_auth(token).send().await.expect("me");
        assert_eq!(me.status(), 200, "a session works on both replicas");
    }
    // A write through the proxy, then its read back.
    let admin = Admin::login(&replicas[1]).await;
    let (status, _) = admin
        .call(
            Method::POST,
            "/api/v1/projects/default/flags",
            Some(json!({"key": "via-proxy", "kind": "boolean"})),
        )
        .await;
    assert_eq!(status, 201);
    let flag = http
        .get(format!("{}/api/v1/projects/default/flags/via-proxy", nginx.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("flag");
    assert_eq!(flag.status(), 200);
    // Metrics stay on the internal network.
    let metrics = http.get(format!("{}/metrics", nginx.base)).send().await.expect("metrics");
    assert_eq!(metrics.status(), 404, "the proxy does not publish /metrics");
}

#[test]
fn the_compose_file_describes_the_topology_this_test_runs() {
    let text = std::fs::read_to_string(repo().join("docker-compose.yml")).expect("docker-compose.yml");
    let compose: Value = serde_yaml::from_str(&text).expect("docker-compose.yml is YAML");
    let services = &compose["services"];
    let names: Vec<&str> = services.as_object().expect("services").keys().map(String::as_str).collect();
    assert_eq!(names, ["postgres", "proxy", "vexil-1", "vexil-2"], "by name");
    assert_eq!(
        services["proxy"]["volumes"],
        json!(["./deploy/nginx/vexil.conf:/etc/nginx/conf.d/default.conf:ro"]),
        "the proxy runs the configuration this test runs"
    );
    assert!(services["proxy"]["image"].as_str().unwrap_or_default().starts_with("nginx:"));
    let env = &services["vexil-1"]["environment"];
    assert_eq!(services["vexil-2"]["environment"], *env, "the replicas are configured alike");
    assert_eq!(env["VEXIL_LISTEN"], "0.0.0.0:8080", "the port the proxy's upstreams name");
    assert!(env["VEXIL_DATABASE_URL"].as_str().unwrap_or_default().contains("@postgres:5432/"));
    assert!(services["postgres"]["ports"].is_null(), "only the proxy is published");
    assert_eq!(services["proxy"]["ports"], json!(["8080:80"]));
}
