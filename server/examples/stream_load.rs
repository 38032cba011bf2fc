//! Stream load tool: opens N SSE streams against one or more Vexil servers on
//! 127.0.0.1, makes M changes through the admin API, and reports propagation latency
//! (from the API's 2xx to each client's receipt), lost events, connection errors and the
//! servers' resident memory.
//!
//! cargo run --release -p vexil-server --example stream_load -- \
//!     --servers http://127.0.0.1:8080 --streams 10000 --changes 50 \
//!     --email admin@example.com --password ... --pids <server pid>
//!
//! Connections are raw HTTP/1.1 over TCP (one small task each) so that the tool itself
//! stays light next to the server under test. Bounded: the run stops after the last
//! change has propagated or `--deadline-seconds` passed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

struct Args {
    servers: Vec<String>,
    streams: usize,
    changes: u64,
    interval: Duration,
    email: String,
    password: String,
    pids: Vec<u32>,
    deadline: Duration,
    connect_concurrency: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        servers: vec!["http://127.0.0.1:8080".to_owned()],
        streams: 1000,
        changes: 20,
        interval: Duration::from_millis(200),
        email: "admin@example.com".to_owned(),
        password: String::new(),
        pids: Vec::new(),
        deadline: Duration::from_secs(120),
        connect_concurrency: 256,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--servers" => a.servers = value()?.split(',').map(str::to_owned).collect(),
            "--streams" => a.streams = value()?.parse().map_err(|e| format!("--streams: {e}"))?,
            "--changes" => a.changes = value()?.parse().map_err(|e| format!("--changes: {e}"))?,
            "--interval-ms" => {
                a.interval =
                    Duration::from_millis(value()?.parse().map_err(|e| format!("--interval-ms: {e}"))?);
            }
            "--email" => a.email = value()?,
            "--password" => a.password = value()?,
            "--pids" => {
                a.pids = value()?
                    .split(',')
                    .map(|p| p.parse().map_err(|e| format!("--pids: {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--deadline-seconds" => {
                a.deadline = Duration::from_secs(value()?.parse().map_err(|e| format!("{e}"))?);
            }
            "--connect-concurrency" => {
                a.connect_concurrency = value()?.parse().map_err(|e| format!("{e}"))?;
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    if a.servers.iter().any(|s| !s.starts_with("http://127.0.0.1:")) {
        return Err("load runs target 127.0.0.1 only".to_owned());
    }
    Ok(a)
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// Per-stream results.
#[derive(Default)]
struct Received {
    /// Version -> receipt time (since the run's epoch), for change events.
    at: HashMap<u64, Duration>,
    /// Highest snapshot version received after the initial one (a resync).
    resynced_to: u64,
    error: Option<String>,
}

async fn open_stream(addr: String, key: String) -> Result<(TcpStream, Vec<u8>), String> {
    let mut sock = TcpStream::connect(&addr).await.map_err(|e| format!("connect: {e}"))?;
    sock.set_nodelay(true).ok();
    let req = format!(
        "GET /sdk/v1/stream HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {key}\r\naccept: text/event-stream\r\n\r\n"
    );
    sock.write_all(req.as_bytes()).await.map_err(|e| format!("write: {e}"))?;
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        let n = sock.read(&mut chunk).await.map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("closed before the response".to_owned());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            if !head.starts_with("HTTP/1.1 200") {
                return Err(head.lines().next().unwrap_or("").to_owned());
            }
            return Ok((sock, buf[end + 4..].to_vec()));
        }
    }
}

/// Reads events until `stop` is reached, recording receipt times. Lines of the chunked
/// encoding (sizes) never look like SSE fields, so a line-based scan is enough.
async fn follow(
    mut sock: TcpStream,
    mut pending: Vec<u8>,
    epoch: Instant,
    stop: u64,
    ready: Arc<AtomicU64>,
) -> Received {
    let mut r = Received::default();
    let mut id: Option<u64> = None;
    let mut event = String::new();
    let mut first_snapshot = true;
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=pos).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(v) = line.strip_prefix("id: ") {
                // `<history epoch>-<version>`: the version is after the last dash.
                id = v.rsplit('-').next().and_then(|n| n.parse().ok());
            } else if let Some(v) = line.strip_prefix("event: ") {
                event = v.to_owned();
            } else if line.starts_with("data: ") {
                let v = id.take().unwrap_or(0);
                if event == "snapshot" {
                    if first_snapshot {
                        first_snapshot = false;
                        ready.fetch_add(1, Ordering::Relaxed);
                    } else {
                        r.resynced_to = r.resynced_to.max(v);
                    }
                } else {
                    r.at.insert(v, epoch.elapsed());
                }
                if v >= stop && !first_snapshot {
                    return r;
                }
            }
        }
        match sock.read(&mut chunk).await {
            Ok(0) => {
                r.error = Some("stream closed".to_owned());
                return r;
            }
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
            Err(e) => {
                r.error = Some(format!("read: {e}"));
                return r;
            }
        }
    }
}

async fn admin_call(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let mut req = client.request(method, format!("{base}{path}")).bearer_auth(token).header("if-match", "*");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let text = r.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{path}: {status} {text}"));
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = parse_args()?;
    let client = reqwest::Client::new();
    let admin = &args.servers[0];
    let login = client
        .post(format!("{admin}/api/v1/auth/login"))
        .json(&json!({"email": args.email, "password": args.password}))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json::<Value>()
        .await
        .map_err(|e| e.to_string())?;
    let token = login["token"].as_str().ok_or(format!("login failed: {login}"))?.to_owned();
    let flag = "load-flag";
    if admin_call(
        &client,
        admin,
        &token,
        reqwest::Method::GET,
        &format!("/api/v1/projects/default/flags/{flag}"),
        None,
    )
    .await
    .is_err()
    {
        admin_call(
            &client,
            admin,
            &token,
            reqwest::Method::POST,
            "/api/v1/projects/default/flags",
            Some(json!({"key": flag, "kind": "boolean"})),
        )
        .await?;
    }
    let key = admin_call(
        &client,
        admin,
        &token,
        reqwest::Method::POST,
        "/api/v1/projects/default/environments/production/sdk-keys",
        Some(json!({"kind": "server", "name": "load tool"})),
    )
    .await?["key"]
        .as_str()
        .ok_or("no key")?
        .to_owned();
    let env = admin_call(
        &client,
        admin,
        &token,
        reqwest::Method::GET,
        "/api/v1/projects/default/environments/production",
        None,
    )
    .await?;
    let v0 = env["snapshot_version"].as_u64().ok_or("no snapshot_version")?;
    let stop = v0 + args.changes;
    let epoch = Instant::now();

    println!("opening {} streams on {} server(s)...", args.streams, args.servers.len());
    let ready = Arc::new(AtomicU64::new(0));
    let gate = Arc::new(Semaphore::new(args.connect_concurrency));
    let mut tasks = Vec::with_capacity(args.streams);
    let mut connect_errors = 0usize;
    let mut errors: Vec<String> = Vec::new();
    let opened = Instant::now();
    let mut connects = Vec::with_capacity(args.streams);
    for i in 0..args.streams {
        let addr = args.servers[i % args.servers.len()].trim_start_matches("http://").to_owned();
        let key = key.clone();
        let gate = gate.clone();
        connects.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            open_stream(addr, key).await
        }));
    }
    for c in connects {
        match c.await {
            Ok(Ok((sock, pending))) => {
                let ready = ready.clone();
                tasks.push(tokio::spawn(follow(sock, pending, epoch, stop, ready)));
            }
            Ok(Err(e)) => {
                connect_errors += 1;
                if errors.len() < 5 {
                    errors.push(e);
                }
            }
            Err(e) => {
                connect_errors += 1;
                errors.push(e.to_string());
            }
        }
    }
    let deadline = Instant::now() + args.deadline;
    while (ready.load(Ordering::Relaxed) as usize) < tasks.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "{} streams open and holding a snapshot in {:.1} s ({} connection errors)",
        ready.load(Ordering::Relaxed),
        opened.elapsed().as_secs_f64(),
        connect_errors
    );
    // Let the servers settle, then read memory with every stream idle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_rss: Vec<(u32, Option<u64>)> = args.pids.iter().map(|&p| (p, rss_kib(p))).collect();

    println!("making {} changes, one every {:?}...", args.changes, args.interval);
    let mut committed: HashMap<u64, Duration> = HashMap::new();
    for i in 0..args.changes {
        admin_call(
            &client,
            admin,
            &token,
            reqwest::Method::POST,
            &format!("/api/v1/projects/default/flags/{flag}/environments/production/toggle"),
            Some(json!({"enabled": i % 2 == 0})),
        )
        .await?;
        committed.insert(v0 + i + 1, epoch.elapsed());
        tokio::time::sleep(args.interval).await;
    }
    let peak_rss: Vec<(u32, Option<u64>)> = args.pids.iter().map(|&p| (p, rss_kib(p))).collect();

    let mut latencies = Vec::new();
    let mut lost = 0u64;
    let mut resynced = 0usize;
    let mut stream_errors = 0usize;
    for t in tasks {
        // Past the deadline a stream still waiting has lost what it did not get: a
        // second's wait for each would take hours at 10 000 streams.
        let remaining = deadline.saturating_duration_since(Instant::now());
        let r = match tokio::time::timeout(remaining.max(Duration::from_millis(1)), t).await {
            Ok(Ok(r)) => r,
            _ => {
                stream_errors += 1;
                lost += args.changes;
                continue;
            }
        };
        if let Some(e) = &r.error {
            stream_errors += 1;
            if errors.len() < 10 {
                errors.push(e.clone());
            }
        }
        if r.resynced_to > 0 {
            resynced += 1;
        }
        for v in v0 + 1..=stop {
            match (r.at.get(&v), committed.get(&v)) {
                (Some(&got), Some(&sent)) => latencies.push(got.saturating_sub(sent)),
                // Covered by a resynchronising snapshot: not lost, but no latency either.
                _ if r.resynced_to >= v => {}
                _ => lost += 1,
            }
        }
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!();
    println!(
        "streams: {} requested, {} connection errors, {} stream errors, {} resynchronised",
        args.streams, connect_errors, stream_errors, resynced
    );
    println!("changes: {} ({} deliveries measured)", args.changes, latencies.len());
    println!(
        "propagation latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default())
    );
    println!("events lost: {lost}");
    for ((pid, idle), (_, peak)) in idle_rss.iter().zip(&peak_rss) {
        println!(
            "server pid {pid}: RSS {:.1} MiB with the streams idle, {:.1} MiB after the changes",
            idle.unwrap_or(0) as f64 / 1024.0,
            peak.unwrap_or(0) as f64 / 1024.0
        );
    }
    for e in errors.iter().take(10) {
        println!("error: {e}");
    }
    if lost > 0 || connect_errors > 0 {
        return Err(format!("{lost} events lost, {connect_errors} connection errors"));
    }
    Ok(())
}
