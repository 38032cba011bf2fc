//! Faults a deployment lives through, with real processes: a network partition between
//! an SDK and the server, a replica killed with SIGKILL in the middle of writes, and
//! PostgreSQL crashing under writes and streams. In each, nothing acknowledged is lost,
//! the SDK keeps serving what it has, and it ends with the server's state.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vexil_sdk::{Client, Context};
use vexil_testkit::{Admin, Server, TestDb};

use crate::support::{eventually, fast, vexil_binary};

/// A TCP proxy the test controls. While cut, new connections are closed at once and
/// open ones go silent in both directions (bytes are dropped, sockets stay open), as
/// with a partition that drops packets.
struct Proxy {
    base: String,
    cut: Arc<AtomicBool>,
}

impl Proxy {
    async fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let cut = Arc::new(AtomicBool::new(false));
        let flag = cut.clone();
        tokio::spawn(async move {
            while let Ok((down, _)) = listener.accept().await {
                if flag.load(Ordering::SeqCst) {
                    drop(down);
                    continue;
                }
                let Ok(up) = TcpStream::connect(("127.0.0.1", upstream)).await else {
                    continue;
                };
                let (dr, dw) = down.into_split();
                let (ur, uw) = up.into_split();
                tokio::spawn(pipe(dr, uw, flag.clone()));
                tokio::spawn(pipe(ur, dw, flag.clone()));
            }
        });
        Proxy { base: format!("http://127.0.0.1:{port}"), cut }
    }

    fn set_cut(&self, cut: bool) {
        self.cut.store(cut, Ordering::SeqCst);
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    cut: Arc<AtomicBool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if cut.load(Ordering::SeqCst) {
            continue;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

fn user() -> Context {
    Context::new("user-1")
}

/// The production configuration of `flag` as the server holds it.
async fn enabled_on_server(admin: &Admin, flag: &str) -> bool {
    let path = format!("/api/v1/projects/default/flags/{flag}/environments/production");
    let (status, body) = admin.call(reqwest::Method::GET, &path, None).await;
    assert_eq!(status, 200, "{body}");
    body["enabled"].as_bool().unwrap_or_else(|| panic!("no enabled in {body}"))
}

/// Waits until the client holds exactly the server's environment version and every
/// listed flag serves what the server's configuration says.
async fn client_matches_server(client: &Client, admin: &Admin, flags: &[&str]) {
    let mut expected = Vec::new();
    for flag in flags {
        expected.push(enabled_on_server(admin, flag).await);
    }
    let version = admin.env_version().await;
    eventually("the client to end with the server's state", || async {
        let values: Vec<bool> = flags.iter().map(|f| client.bool_value(f, &user(), !expected[0])).collect();
        (client.version() == Some(version) && values == expected).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_partition_the_client_keeps_serving_then_recovers_the_servers_state() {
    let db = TestDb::postgres().await;
    let server =
        Server::builder(vexil_binary(), &db.url).env(&[("VEXIL_KEEPALIVE_SECONDS", "1")]).start().await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    let proxy = Proxy::start(server.port).await;
    let client =
        fast(Client::builder(&proxy.base, &key)).stream_idle_timeout(Duration::from_secs(3)).build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    let before = client.version();

    proxy.set_cut(true);
    admin.toggle("f", true).await;
    admin.create_flag("g").await;
    admin.toggle("g", true).await;
    // Past the stream's idle timeout and several polls: the client has noticed and
    // keeps serving what it had (the default `true` would show a cache gone empty).
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(!client.bool_value("f", &user(), true), "the client stopped serving its last values");
    assert_eq!(client.version(), before, "nothing crossed the partition");

    proxy.set_cut(false);
    client_matches_server(&client, &admin, &["f", "g"]).await;
    assert!(client.bool_value("g", &user(), false), "a flag created during the partition arrived");
}

/// A toggle sent with its own HTTP client: `None` when the request failed (the
/// server was killed), else the status and body.
async fn try_toggle(
    http: &reqwest::Client,
    token: &str,
    base: &str,
    flag: &str,
    on: bool,
) -> Option<(u16, Value)> {
    let r = http
        .post(format!("{base}/api/v1/projects/default/flags/{flag}/environments/production/toggle"))
        .bearer_auth(token)
        .json(&json!({"enabled": on}))
        .send()
        .await
        .ok()?;
    let status = r.status().as_u16();
    Some((status, r.json().await.unwrap_or(Value::Null)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_write_loses_nothing_it_acknowledged() {
    let db = TestDb::postgres().await;
    let mut a = Server::builder(vexil_binary(), &db.url).start().await;
    let b = Server::builder(vexil_binary(), &db.url).start().await;
    let admin = Admin::login(&a).await;
    let flags = ["k0", "k1", "k2", "k3"];
    for f in flags {
        admin.create_flag(f).await;
    }
    let (key, _) = admin.sdk_key("server").await;
    let client = fast(Client::builder(&b.base, &key)).build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();

    // Four writers toggle their own flag on replica A; A is killed while they write.
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<(String, bool, u64)>::new()));
    let mut writers = Vec::new();
    for flag in flags {
        let (http, acknowledged, base, token) =
            (http.clone(), acknowledged.clone(), a.base.clone(), admin.token.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..200u32 {
                let on = i % 2 == 0;
                match try_toggle(&http, &token, &base, flag, on).await {
                    Some((200, body)) => {
                        let version = body["version"].as_u64().expect("a version");
                        acknowledged.lock().unwrap().push((flag.to_owned(), on, version));
                    }
                    Some((status, body)) => panic!("toggle answered {status}: {body}"),
                    None => return,
                }
            }
        }));
    }
    eventually("a few writes to be acknowledged", || async {
        (acknowledged.lock().unwrap().len() >= 40).then_some(())
    })
    .await;
    let status = Command::new("kill").args(["-KILL", &a.pid().to_string()]).status().expect("kill");
    assert!(status.success());
    for w in writers {
        w.await.expect("a writer");
    }
    a.terminate();

    // Every acknowledged write is in the database, as seen from replica B: each flag's
    // configuration version is at least the last acknowledged one, and B's audit log
    // holds every acknowledged version.
    let admin_b = Admin::login(&b).await;
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() < 800, "the kill came after every write: nothing was tested");
    for flag in flags {
        let path = format!("/api/v1/projects/default/flags/{flag}/environments/production");
        let (_, now) = admin_b.call(reqwest::Method::GET, &path, None).await;
        let last = acknowledged.iter().filter(|(f, _, _)| f == flag).map(|(_, _, v)| *v).max().unwrap_or(1);
        assert!(
            now["version"].as_u64().unwrap() >= last,
            "{flag}: acknowledged version {last}, stored {now}"
        );
        let audit_path = format!("/api/v1/audit?resource_key=default/{flag}/production&limit=500");
        let (_, audit) = admin_b.call(reqwest::Method::GET, &audit_path, None).await;
        let audited: Vec<u64> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["after"]["version"].as_u64())
            .collect();
        for (_, _, v) in acknowledged.iter().filter(|(f, _, _)| f == flag) {
            assert!(audited.contains(v), "{flag}: acknowledged version {v} has no audit entry");
        }
    }
    client_matches_server(&client, &admin_b, &flags).await;
}

/// A PostgreSQL server of the test's own (initdb), so that it can be crashed.
struct OwnPostgres {
    dir: tempfile::TempDir,
    port: u16,
    bin: PathBuf,
}

impl OwnPostgres {
    fn start() -> OwnPostgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| versions.filter_map(Result::ok).map(|v| v.path().join("bin")).max())
            .filter(|b| b.join("initdb").exists())
            .expect("PostgreSQL's server programs (initdb, pg_ctl) under /usr/lib/postgresql: apt-get install postgresql");
        let dir = tempfile::tempdir().expect("temp dir");
        let port = vexil_testkit::free_port();
        let pg = OwnPostgres { dir, port, bin };
        pg.run(&["initdb", "-D", &pg.data(), "-U", "postgres", "--auth=trust"]);
        pg.ctl("start");
        pg
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Runs one of PostgreSQL's programs, as the postgres account when we are root
    /// (initdb and the server refuse to run as root).
    fn run(&self, args: &[&str]) {
        let program = self.bin.join(args[0]);
        let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
        let mut cmd = if root {
            let _ = Command::new("chown")
                .args(["-R", "postgres", &self.dir.path().display().to_string()])
                .status();
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = cmd.args(&args[1..]).output().expect("a PostgreSQL program");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn ctl(&self, what: &str) {
        let log = self.dir.path().join("log").display().to_string();
        let opts = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        match what {
            "crash" => self.run(&["pg_ctl", "-D", &self.data(), "-m", "immediate", "-w", "stop"]),
            "start" => self.run(&["pg_ctl", "-D", &self.data(), "-o", &opts, "-l", &log, "-w", "start"]),
            _ => self.run(&["pg_ctl", "-D", &self.data(), "-m", "fast", "-w", "stop"]),
        }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        if Path::new(&self.data()).join("postmaster.pid").exists() {
            self.ctl("stop");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_crashing_under_writes_and_streams_loses_nothing_acknowledged() {
    let pg = OwnPostgres::start();
    let server = Server::builder(vexil_binary(), &pg.url()).start().await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    let client = fast(Client::builder(&server.base, &key)).build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();

    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for i in 0..60u32 {
        if i == 20 {
            pg.ctl("crash");
        }
        if i == 23 {
            pg.ctl("start");
        }
        match try_toggle(&http, &admin.token, &server.base, "f", i % 2 == 0).await {
            Some((200, body)) => acknowledged.push(body["version"].as_u64().expect("a version")),
            Some((status, body)) => {
                assert!(status == 503 || status == 500, "an outage answered {status}: {body}");
                refused += 1;
            }
            None => panic!("the server itself went away"),
        }
        if (23..33).contains(&i) {
            // Give the pool a moment to reconnect; later writes must succeed.
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    assert!(refused > 0, "the outage was never seen: nothing was tested");
    assert!(acknowledged.len() > 20, "writes did not come back after the restart");
    // Every acknowledged version is stored (fsync'd before it was acknowledged).
    let (_, audit) = admin
        .call(reqwest::Method::GET, "/api/v1/audit?resource_key=default/f/production&limit=500", None)
        .await;
    let audited: Vec<u64> =
        audit["items"].as_array().unwrap().iter().filter_map(|e| e["after"]["version"].as_u64()).collect();
    for v in &acknowledged {
        assert!(audited.contains(v), "acknowledged version {v} was lost in the crash");
    }
    client_matches_server(&client, &admin, &["f"]).await;
}
