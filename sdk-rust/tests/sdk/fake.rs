//! A tiny HTTP/1.1 server speaking just enough of `/sdk/v1` to feed the client data
//! the real server never sends: malformed events, gaps in versions, invalid flags.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::broadcast;

/// One request seen: path and `Last-Event-ID`, and every header (names in lower
/// case) and the request target as sent (absolute through a proxy).
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) path: String,
    pub(crate) last_event_id: Option<String>,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
}

/// What one stream connection does.
#[derive(Debug, Clone)]
pub(crate) enum Script {
    /// Sends these bytes, then whatever is pushed.
    Frames(Vec<Vec<u8>>),
    /// Answers with this status and no stream.
    Status(u16),
}

#[derive(Default)]
struct State {
    config: Value,
    /// What successive stream connections do; once played, connections send only
    /// what is pushed.
    streams: VecDeque<Script>,
    /// While set, stream requests get 503.
    stream_down: bool,
    /// The change history the server names in its `ETag` (`"<history>-<version>"`),
    /// if any.
    history: Option<String>,
    seen: Vec<Seen>,
}

pub(crate) struct FakeServer {
    pub(crate) base: String,
    state: Arc<Mutex<State>>,
    push: broadcast::Sender<Vec<u8>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An SSE frame.
pub(crate) fn frame(event: &str, id: u64, data: &str) -> Vec<u8> {
    frame_with_id(event, &id.to_string(), data)
}

/// An SSE frame with any id (e.g. `<history>-<version>`).
pub(crate) fn frame_with_id(event: &str, id: &str, data: &str) -> Vec<u8> {
    format!("event: {event}\nid: {id}\ndata: {data}\n\n").into_bytes()
}

impl FakeServer {
    pub(crate) async fn start(config: Value, streams: Vec<Script>) -> FakeServer {
        Self::start_with(config, streams, None).await
    }

    /// The same over TLS: `https://127.0.0.1:port`.
    pub(crate) async fn start_tls(config: Value, tls: tokio_rustls::TlsAcceptor) -> FakeServer {
        Self::start_with(config, Vec::new(), Some(tls)).await
    }

    async fn start_with(
        config: Value,
        streams: Vec<Script>,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base = format!("{scheme}://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            config,
            streams: streams.into(),
            stream_down: false,
            history: None,
            seen: Vec::new(),
        }));
        let (push, _) = broadcast::channel(16);
        let task = {
            let (state, push) = (state.clone(), push.clone());
            tokio::spawn(async move {
                while let Ok((socket, _)) = listener.accept().await {
                    let (state, push) = (state.clone(), push.subscribe());
                    match &tls {
                        None => drop(tokio::spawn(serve(socket, state, push))),
                        Some(acceptor) => {
                            let acceptor = acceptor.clone();
                            tokio::spawn(async move {
                                // A failed handshake is the client's business: it sees the error.
                                if let Ok(stream) = acceptor.accept(socket).await {
                                    serve(stream, state, push).await;
                                }
                            });
                        }
                    }
                }
            })
        };
        FakeServer { base, state, push, task }
    }

    /// Sends a frame on every open stream that has played its script.
    pub(crate) fn push(&self, frame: Vec<u8>) {
        let _ = self.push.send(frame);
    }

    pub(crate) fn set_config(&self, config: Value) {
        self.state.lock().unwrap().config = config;
    }

    /// Names a change history in the configuration's `ETag`.
    pub(crate) fn set_history(&self, history: &str) {
        self.state.lock().unwrap().history = Some(history.to_owned());
    }

    pub(crate) fn set_stream_down(&self, down: bool) {
        self.state.lock().unwrap().stream_down = down;
    }

    pub(crate) fn seen(&self, path: &str) -> Vec<Seen> {
        self.state.lock().unwrap().seen.iter().filter(|s| s.path == path).cloned().collect()
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut socket: S,
    state: Arc<Mutex<State>>,
    mut push: broadcast::Receiver<Vec<u8>>,
) {
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.lines();
    let target = lines.next().unwrap_or("").split(' ').nth(1).unwrap_or("").to_owned();
    // Through a proxy the target is absolute: `http://host:port/path`.
    let path = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]).to_owned(),
        None => target.clone(),
    };
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    };
    let (last_event_id, if_none_match, length) =
        (header("last-event-id"), header("if-none-match"), header("content-length"));
    let script = {
        let mut s = state.lock().unwrap();
        s.seen.push(Seen { path: path.clone(), last_event_id, target, headers });
        match path.as_str() {
            "/sdk/v1/stream" if s.stream_down => Some(Script::Status(503)),
            "/sdk/v1/stream" => Some(s.streams.pop_front().unwrap_or(Script::Frames(Vec::new()))),
            _ => None,
        }
    };
    match path.as_str() {
        "/sdk/v1/config" => {
            let (config, history) = {
                let s = state.lock().unwrap();
                (s.config.clone(), s.history.clone())
            };
            let etag = match history {
                Some(h) => format!("\"{h}-{}\"", config["version"]),
                None => format!("\"{}\"", config["version"]),
            };
            let response = if if_none_match.as_deref() == Some(etag.as_str()) {
                format!("HTTP/1.1 304 Not Modified\r\netag: {etag}\r\nconnection: close\r\n\r\n")
            } else {
                let body = config.to_string();
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\netag: {etag}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
        "/sdk/v1/stream" => {
            let frames = match script {
                Some(Script::Status(code)) => {
                    let r = format!(
                        "HTTP/1.1 {code} Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = socket.write_all(r.as_bytes()).await;
                    let _ = socket.shutdown().await;
                    return;
                }
                Some(Script::Frames(f)) => f,
                None => Vec::new(),
            };
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\nretry: 2000\n\n";
            if socket.write_all(head.as_bytes()).await.is_err() || socket.flush().await.is_err() {
                return;
            }
            for f in frames {
                if socket.write_all(&f).await.is_err() || socket.flush().await.is_err() {
                    return;
                }
            }
            while let Ok(f) = push.recv().await {
                if socket.write_all(&f).await.is_err() || socket.flush().await.is_err() {
                    return;
                }
            }
        }
        _ => {
            // Events: read the body, accept it.
            let want = length.and_then(|l| l.parse::<usize>().ok()).unwrap_or(0);
            let mut have = buf.len() - head_end - 4;
            while have < want {
                let mut chunk = [0u8; 4096];
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => have += n,
                }
            }
            let _ = socket
                .write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                .await;
            let _ = socket.shutdown().await;
        }
    }
}
