//! Real `vexil` processes (from `vexil-testkit`), a real SSE client, and helpers to drive
//! them.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use vexil_testkit::{Server, ServerBuilder, TestDb};

/// A server built from this crate, on `db`, with the owner set and `env` added. `env`
/// holds only documented `VEXIL_*` settings (docs/operations.md) that a user can set too,
/// at values that reach a condition with little data or time: a small ring or queue to
/// overflow, an hour-long version check to show that notifications alone deliver.
pub(crate) async fn serve(db: &TestDb, env: &[(&str, &str)]) -> Server {
    server(db).env(env).start().await
}

/// How this crate's `vexil` binary starts on `db`.
pub(crate) fn server(db: &TestDb) -> ServerBuilder {
    Server::builder(env!("CARGO_BIN_EXE_vexil"), &db.url)
}

/// One Server-Sent Event.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Event {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

impl Event {
    /// The environment version of the event's id (`<history>-<version>`).
    pub(crate) fn version(&self) -> u64 {
        self.id.as_deref().and_then(|i| i.rsplit('-').next()?.parse().ok()).unwrap_or(0)
    }

    /// The history of the event's id.
    pub(crate) fn history(&self) -> &str {
        self.id.as_deref().and_then(|i| i.rsplit_once('-')).map_or("", |(h, _)| h)
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
