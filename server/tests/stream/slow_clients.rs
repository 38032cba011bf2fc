//! Slow and idle clients over raw sockets: a request head or body that trickles in is cut
//! off, a silent connection is closed, and an event stream, whose keep-alives are
//! traffic, stays open past the idle timeout. Each test configures short limits and
//! waits for the close with a generous ceiling, so the machine's speed decides nothing.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vexil_testkit::{Admin, Server, TestDb};

use crate::support::serve;

/// How long a close may take to be seen: far above every limit configured here.
const CEILING: Duration = Duration::from_secs(30);

/// Reads until the server closes the connection (end of file or reset); returns what it
/// sent. Panics if the connection is still open after [`CEILING`].
async fn until_closed(socket: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = tokio::time::timeout(CEILING, async {
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the connection was still open after {CEILING:?}; received {seen:?}");
    String::from_utf8_lossy(&seen).into_owned()
}

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(("127.0.0.1", server.port)).await.expect("connect")
}

/// Sends `head` then one byte every `every`, until the server closes the connection or
/// `bytes` run out; returns whether it was closed (a write failing or a read ending).
async fn trickle(mut socket: TcpStream, head: &[u8], bytes: &[u8], every: Duration) -> (bool, String) {
    socket.write_all(head).await.expect("write the start");
    let (mut read, mut write) = socket.into_split();
    let reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => return String::from_utf8_lossy(&seen).into_owned(),
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    });
    let writer = async {
        for b in bytes {
            tokio::time::sleep(every).await;
            if write.write_all(&[*b]).await.is_err() {
                return;
            }
        }
        // Out of bytes without being closed: keep the socket open and wait.
        std::future::pending::<()>().await;
    };
    let answered = tokio::time::timeout(CEILING, async {
        tokio::select! {
            () = writer => unreachable!("the writer never finishes"),
            seen = reader => seen.unwrap_or_default(),
        }
    })
    .await;
    match answered {
        Ok(seen) => (true, seen),
        Err(_) => (false, String::new()),
    }
}

#[tokio::test]
async fn two_hundred_clients_trickling_request_headers_are_all_disconnected() {
    let db = TestDb::sqlite();
    // The idle limit is far away: only the header limit can close these connections.
    let server =
        serve(&db, &[("VEXIL_HEADER_READ_TIMEOUT_SECONDS", "1"), ("VEXIL_IDLE_TIMEOUT_SECONDS", "600")])
            .await;
    let header = b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut clients = Vec::new();
    for _ in 0..200 {
        let socket = connect(&server).await;
        clients.push(tokio::spawn(async move {
            trickle(socket, b"GET /healthz HTTP/1.1\r\nHost: x\r\n", header, Duration::from_millis(200)).await
        }));
    }
    for c in clients {
        let (closed, seen) = c.await.expect("client task");
        assert!(closed, "a client trickling its headers was not disconnected");
        assert!(!seen.contains(" 200 "), "a request whose head never ended was answered: {seen}");
    }
    // The server is still there for everyone else.
    let r = reqwest::get(format!("{}/healthz", server.base)).await.expect("healthz");
    assert_eq!(r.status(), 200);
    assert!(server.metric("vexil_http_connections_timed_out_total").await >= 200.0);
}

#[tokio::test]
async fn a_request_body_that_trickles_in_is_refused_and_its_connection_closed() {
    let db = TestDb::sqlite();
    let server =
        serve(&db, &[("VEXIL_BODY_READ_TIMEOUT_SECONDS", "1"), ("VEXIL_IDLE_TIMEOUT_SECONDS", "600")]).await;
    let socket = connect(&server).await;
    let body = br#"{"email": "owner@example.com", "password": "owner-password-1"}"#;
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let (closed, seen) = trickle(socket, head.as_bytes(), body, Duration::from_millis(200)).await;
    assert!(closed, "a client trickling its body was not disconnected");
    assert!(seen.starts_with("HTTP/1.1 400"), "expected a 400 naming the body timeout, got {seen}");
    assert!(seen.contains("VEXIL_BODY_READ_TIMEOUT_SECONDS"), "{seen}");
}

#[tokio::test]
async fn silent_and_finished_connections_are_closed_after_the_idle_timeout() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[("VEXIL_IDLE_TIMEOUT_SECONDS", "2"), ("VEXIL_KEEPALIVE_SECONDS", "1")]).await;
    // Connected, never a byte.
    let mut silent = connect(&server).await;
    // One request answered, then the connection kept alive and unused.
    let mut used = connect(&server).await;
    used.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    assert_eq!(until_closed(&mut silent).await, "");
    let seen = until_closed(&mut used).await;
    assert!(seen.starts_with("HTTP/1.1 200"), "the request before the idle time was answered: {seen}");
    assert!(server.metric("vexil_http_connections_timed_out_total").await >= 2.0);
}

#[tokio::test]
async fn an_event_stream_outlives_the_idle_timeout() {
    let db = TestDb::sqlite();
    let server = serve(&db, &[("VEXIL_IDLE_TIMEOUT_SECONDS", "3"), ("VEXIL_KEEPALIVE_SECONDS", "1")]).await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    let (key, _) = admin.sdk_key("server").await;
    let auth = format!("Bearer {key}");
    let mut stream =
        crate::support::Sse::open(&format!("{}/sdk/v1/stream", server.base), &[("authorization", &auth)])
            .await;
    assert_eq!(stream.status, 200);
    let snapshot = stream.next(CEILING).await.expect("snapshot");
    assert_eq!(snapshot.event, "snapshot");
    // Well past the idle timeout, with nothing but keep-alives on the stream.
    tokio::time::sleep(Duration::from_secs(8)).await;
    admin.toggle("f", true).await;
    let change = stream.until(CEILING, |e| e.event == "flag").await;
    assert_eq!(change.last().map(|e| e.json()["config"]["enabled"].clone()), Some(serde_json::json!(true)));
}

#[tokio::test]
async fn an_idle_timeout_not_above_the_keep_alive_interval_is_refused_at_start() {
    let db = TestDb::sqlite();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vexil"))
        .arg("serve")
        .env("VEXIL_DATABASE_URL", &db.url)
        .env("VEXIL_LISTEN", "127.0.0.1:0")
        .env("VEXIL_IDLE_TIMEOUT_SECONDS", "15")
        .env("VEXIL_KEEPALIVE_SECONDS", "15")
        .output()
        .expect("run vexil");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("VEXIL_IDLE_TIMEOUT_SECONDS"), "{stderr}");
}
