//! Server-Sent Events bodies. Frames are rendered once per change and shared by every
//! connection; a connection's state is a small struct polled by the response body, with
//! no task or queue of its own beyond the environment's bounded broadcast.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_util::sync::CancellationToken;

use super::{HubMessage, LiveHub};

/// Suggested reconnection delay for clients, in milliseconds.
pub const RETRY_MS: u64 = 2_000;

/// Renders one SSE event. `id` and `data` must hold no newline (compact JSON never
/// does).
pub fn frame(id: Option<&str>, event: Option<&str>, data: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(data.len() + 64);
    put_head(&mut b, id, event);
    b.put_slice(data);
    b.put_slice(END);
    b.freeze()
}

/// What ends an event: the data line's newline and the blank line.
pub const END: &[u8] = b"\n\n";

/// The part of an event before its data ([`frame`] without `data` and [`END`]), for an
/// event whose data is sent from a buffer of its own.
pub fn head(id: Option<&str>, event: Option<&str>) -> Bytes {
    let mut b = BytesMut::with_capacity(64);
    put_head(&mut b, id, event);
    b.freeze()
}

fn put_head(b: &mut BytesMut, id: Option<&str>, event: Option<&str>) {
    if let Some(id) = id {
        b.put_slice(b"id: ");
        b.put_slice(id.as_bytes());
        b.put_u8(b'\n');
    }
    if let Some(event) = event {
        b.put_slice(b"event: ");
        b.put_slice(event.as_bytes());
        b.put_u8(b'\n');
    }
    b.put_slice(b"data: ");
}

fn retry_frame() -> Bytes {
    Bytes::from(format!("retry: {RETRY_MS}\n\n"))
}

const KEEPALIVE: &[u8] = b": keep-alive\n\n";

/// The response for an event-stream body.
pub fn response(body: Body) -> Response {
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, const { HeaderValue::from_static("text/event-stream") });
    h.insert(header::CACHE_CONTROL, const { HeaderValue::from_static("no-cache, no-transform") });
    // Proxies such as nginx must not buffer the stream.
    h.insert("x-accel-buffering", const { HeaderValue::from_static("no") });
    r
}

/// What ends a stream besides the client going away.
#[derive(Debug, Clone)]
pub struct Ends {
    /// Server shutdown.
    pub shutdown: CancellationToken,
    /// SDK keys revoked (ids), from this and other replicas.
    pub revoked: broadcast::Sender<String>,
}

/// The per-connection state of an SDK or OFREP stream.
struct HubStream {
    live: Arc<LiveHub>,
    rx: broadcast::Receiver<HubMessage>,
    revoked: broadcast::Receiver<String>,
    revoked_open: bool,
    key_id: String,
    shutdown: CancellationToken,
    keepalive: tokio::time::Interval,
    queue: VecDeque<Bytes>,
    last: u64,
    ended: bool,
    kind: StreamKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StreamKind {
    /// Snapshot, then every change (`/sdk/v1/stream`).
    Changes,
    /// A `refetchEvaluation` notice per change (OFREP).
    Refetch,
}

fn refetch_frame(position: super::Position<'_>) -> Bytes {
    let etag = position.version.to_string();
    let data = serde_json::json!({"type": "refetchEvaluation", "etag": etag}).to_string();
    frame(Some(&position.to_string()), None, data.as_bytes())
}

impl HubStream {
    fn snapshot_now(&mut self) {
        let view = self.live.hub.view();
        self.last = view.version;
        match self.kind {
            // Without a snapshot to send the stream ends; the client reconnects.
            StreamKind::Changes => match view.snapshot_event() {
                Some(pieces) => self.queue.extend(pieces),
                None => self.ended = true,
            },
            StreamKind::Refetch => self.queue.push_back(refetch_frame(view.position())),
        }
    }

    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(f) = self.queue.pop_front() {
                return Some(f);
            }
            if self.ended {
                return None;
            }
            tokio::select! {
                biased;
                () = self.shutdown.cancelled() => self.ended = true,
                () = self.live.closed.cancelled() => self.ended = true,
                r = self.revoked.recv(), if self.revoked_open => match r {
                    Ok(id) if id == self.key_id => self.ended = true,
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => self.revoked_open = false,
                },
                m = self.rx.recv() => match m {
                    Ok(HubMessage::Change(e)) => {
                        if e.version > self.last {
                            self.last = e.version;
                            self.queue.push_back(match self.kind {
                                StreamKind::Changes => e.frame.clone(),
                                StreamKind::Refetch => refetch_frame(super::Position {
                                    epoch: &self.live.hub.view().epoch,
                                    version: e.version,
                                }),
                            });
                        }
                    }
                    // Fell behind or the hub lost changes: start over from a snapshot
                    // rather than skip anything silently.
                    Ok(HubMessage::Resync) | Err(RecvError::Lagged(_)) => {
                        metrics::counter!("vexil_stream_resyncs_total").increment(1);
                        self.snapshot_now();
                    }
                    Err(RecvError::Closed) => self.ended = true,
                },
                _ = self.keepalive.tick() => self.queue.push_back(Bytes::from_static(KEEPALIVE)),
            }
        }
    }
}

/// Counts open streams for `/metrics`.
struct OpenStream(&'static str);

impl OpenStream {
    fn new(kind: &'static str) -> OpenStream {
        metrics::gauge!("vexil_open_streams", "kind" => kind).increment(1.0);
        OpenStream(kind)
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        metrics::gauge!("vexil_open_streams", "kind" => self.0).decrement(1.0);
    }
}

fn body_of(s: HubStream, kind: &'static str) -> Body {
    let open = OpenStream::new(kind);
    Body::from_stream(futures_util::stream::unfold((s, open), |(mut s, open)| async move {
        s.next().await.map(|b| (Ok::<Bytes, Infallible>(b), (s, open)))
    }))
}

/// `/sdk/v1/stream`: a `snapshot` event (or, resuming with a `Last-Event-ID` of this
/// history, only the missed changes), then one event per change. An id of another
/// history (a restored database), a bare version, or one this server never issued
/// starts from a snapshot.
pub fn sdk_stream(
    live: Arc<LiveHub>,
    last_event_id: Option<&str>,
    key_id: String,
    ends: &Ends,
    keepalive: Duration,
) -> Response {
    let rx = live.hub.subscribe();
    let mut s = new_stream(live, rx, key_id, ends, keepalive, StreamKind::Changes);
    s.queue.push_back(retry_frame());
    let epoch = s.live.hub.view().epoch.clone();
    let resumed = last_event_id
        .and_then(super::Position::parse)
        .filter(|p| p.epoch == epoch.as_str())
        .and_then(|p| s.live.hub.changes_after(p.version).map(|c| (p.version, c)));
    let how = match resumed {
        Some((id, changes)) => {
            s.last = id;
            for c in changes {
                s.last = c.version;
                s.queue.push_back(c.frame.clone());
            }
            metrics::counter!("vexil_stream_resumes_total").increment(1);
            "resumed"
        }
        None => {
            s.snapshot_now();
            "snapshot"
        }
    };
    let mut r = response(body_of(s, "sdk"));
    // Tells a reconnecting SDK whether it kept its place (no snapshot follows).
    r.headers_mut().insert(vexil_core::wire::STREAM_START_HEADER, HeaderValue::from_static(how));
    r
}

/// The OFREP notification stream: `refetchEvaluation` with the new version on every
/// change. `held` is the version the client's results were computed at (from
/// `Last-Event-ID`, or the version in the URL its bulk answer gave); when the
/// environment has moved on since, or the client's version is unknown, the stream opens
/// with a notice at once, so that nothing committed while it was not listening is
/// missed.
pub fn refetch_stream(
    live: Arc<LiveHub>,
    held: Option<u64>,
    key_id: String,
    ends: &Ends,
    keepalive: Duration,
) -> Response {
    // Subscribed before the view is read: a change committed in between is either in
    // the view or comes through the subscription.
    let rx = live.hub.subscribe();
    let mut s = new_stream(live, rx, key_id, ends, keepalive, StreamKind::Refetch);
    s.queue.push_back(retry_frame());
    let view = s.live.hub.view();
    let current = view.version;
    match held {
        // Up to date, or ahead of this replica (which will catch up): only what comes.
        Some(held) if held >= current => s.last = held,
        _ => {
            s.last = current;
            s.queue.push_back(refetch_frame(view.position()));
        }
    }
    response(body_of(s, "ofrep"))
}

fn new_stream(
    live: Arc<LiveHub>,
    rx: broadcast::Receiver<HubMessage>,
    key_id: String,
    ends: &Ends,
    keepalive: Duration,
    kind: StreamKind,
) -> HubStream {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    HubStream {
        live,
        rx,
        revoked: ends.revoked.subscribe(),
        revoked_open: true,
        key_id,
        shutdown: ends.shutdown.clone(),
        keepalive: tick,
        queue: VecDeque::with_capacity(4),
        last: 0,
        ended: false,
        kind,
    }
}
