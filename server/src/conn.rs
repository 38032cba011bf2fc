//! Connections: the accept loop and what keeps slow or idle clients from holding sockets
//! and tasks. Three limits, checked per connection by one watchdog:
//!
//! - **header read**: once the first byte of a request arrives, its head (request line
//!   and headers) must be complete within this time;
//! - **body read**: a request's body must be complete within this time of its head;
//! - **idle**: a connection on which no byte moved either way for this long is closed,
//!   unless a handler is still working out its response. An event stream's keep-alive
//!   comments are traffic, so a stream stays open; a client that stops reading one stops
//!   the traffic and is closed.
//!
//! It must not look into requests beyond counting them: everything else is the router's.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use crate::http::App;
use axum::body::Body;
use bytes::Bytes;
use http::{Request, Version};
use http_body::{Body as _, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt as _;

/// How long clients may take; see the module documentation.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From a request's first byte to the end of its headers.
    pub header_read: Duration,
    /// From a request's head to the end of its body.
    pub body_read: Duration,
    /// Without a byte moving either way (and no handler working).
    pub idle: Duration,
}

/// Accepts connections until `shutdown`, then lets each finish its current exchange
/// (graceful shutdown) and returns when all have closed.
pub async fn serve(listener: TcpListener, router: App, limits: Limits, shutdown: CancellationToken) {
    let tracker = TaskTracker::new();
    loop {
        let (stream, remote) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        tracker.spawn(connection(stream, remote, router.for_client(remote), limits, shutdown.clone()));
    }
    drop(listener);
    tracker.close();
    tracker.wait().await;
}

/// Why the watchdog closed a connection (a metric label).
fn closed_by(reason: &'static str) {
    metrics::counter!("vexil_http_connections_timed_out_total", "reason" => reason).increment(1);
}

async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    router: App,
    limits: Limits,
    shutdown: CancellationToken,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched { inner: stream, activity: activity.clone() });
    let service = hyper::service::service_fn({
        let activity = activity.clone();
        move |req: Request<Incoming>| {
            let handling = activity.begin_request(req.version());
            let router = router.clone();
            async move {
                let req = req.map(|body| Deadline::new(body, limits.body_read));
                let Ok(response) = router.oneshot(req).await;
                let open = handling.responded();
                Ok::<_, Infallible>(response.map(|body| Tracked { inner: body, _open: open }))
            }
        }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(conn);
    let mut draining = false;
    // One timer for the connection's life, moved only to an earlier deadline: a later one
    // is found when the timer fires early and the check runs again. Each request head
    // wakes this loop with a deadline later than the last one's, so a busy connection
    // touches tokio's timer wheel when its timer fires, not on every request.
    let mut timer = std::pin::pin!(tokio::time::sleep(Duration::ZERO));
    let mut timer_set = false;
    loop {
        let now = Instant::now();
        let wake = match activity.check(limits, now) {
            Check::Expired(reason) => {
                tracing::debug!(client.address = %remote, reason, "closing a slow or idle connection");
                closed_by(reason);
                return;
            }
            Check::Until(at) => at,
        };
        if !timer_set || wake < timer.deadline() {
            timer.as_mut().reset(wake);
            timer_set = true;
        }
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::trace!(error = %e, "connection ended with an error");
                }
                return;
            }
            () = shutdown.cancelled(), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
            () = timer.as_mut() => timer_set = false,
            () = activity.head_started.notified() => {}
        }
    }
}

/// What the watchdog knows of one connection. Times are milliseconds since `start`.
#[derive(Debug)]
struct Activity {
    start: Instant,
    /// When a byte last moved either way.
    last_io: AtomicU64,
    /// When the first byte of the request head being read arrived (`NONE`: none).
    head_since: AtomicU64,
    /// Requests whose handler has not produced a response yet.
    handling: AtomicUsize,
    /// Requests whose response has not been sent completely.
    open: AtomicUsize,
    /// HTTP/2: frames between requests are not request heads.
    http2: AtomicBool,
    /// Wakes the watchdog when a request head starts (a nearer deadline).
    head_started: tokio::sync::Notify,
}

const NONE: u64 = u64::MAX;

enum Check {
    Expired(&'static str),
    /// Nothing expired; check again then.
    Until(Instant),
}

impl Activity {
    fn new() -> Activity {
        Activity {
            start: Instant::now(),
            last_io: AtomicU64::new(0),
            head_since: AtomicU64::new(NONE),
            handling: AtomicUsize::new(0),
            open: AtomicUsize::new(0),
            http2: AtomicBool::new(false),
            head_started: tokio::sync::Notify::new(),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(NONE - 1)
    }

    fn at(&self, ms: u64) -> Instant {
        self.start + Duration::from_millis(ms)
    }

    fn read(&self) {
        let now = self.now();
        self.last_io.store(now, Ordering::Relaxed);
        // Bytes arriving while no request is open begin the next request's head.
        if self.open.load(Ordering::Acquire) == 0
            && !self.http2.load(Ordering::Relaxed)
            && self.head_since.compare_exchange(NONE, now, Ordering::AcqRel, Ordering::Relaxed).is_ok()
        {
            self.head_started.notify_one();
        }
    }

    fn wrote(&self) {
        self.last_io.store(self.now(), Ordering::Relaxed);
    }

    fn begin_request(self: &Arc<Self>, version: Version) -> Handling {
        if version == Version::HTTP_2 {
            self.http2.store(true, Ordering::Relaxed);
        }
        self.open.fetch_add(1, Ordering::AcqRel);
        self.handling.fetch_add(1, Ordering::AcqRel);
        self.head_since.store(NONE, Ordering::Release);
        Handling { activity: Some(self.clone()) }
    }

    fn check(&self, limits: Limits, now: Instant) -> Check {
        let head_since = self.head_since.load(Ordering::Acquire);
        let head_deadline = (head_since != NONE).then(|| self.at(head_since) + limits.header_read);
        if head_deadline.is_some_and(|d| d <= now) {
            return Check::Expired("header_read");
        }
        let idle_deadline = self.at(self.last_io.load(Ordering::Relaxed)) + limits.idle;
        let idle_deadline = if idle_deadline > now {
            idle_deadline
        } else if self.handling.load(Ordering::Acquire) == 0 {
            return Check::Expired("idle");
        } else {
            // A handler is working: look again later.
            now + (limits.idle / 4).max(Duration::from_millis(100))
        };
        Check::Until(head_deadline.map_or(idle_deadline, |h| h.min(idle_deadline)))
    }
}

/// A request being handled; dropped (or turned into [`Open`]) when its handler is done.
struct Handling {
    activity: Option<Arc<Activity>>,
}

impl Handling {
    fn responded(mut self) -> Open {
        let activity = self.activity.take();
        if let Some(a) = &activity {
            a.handling.fetch_sub(1, Ordering::AcqRel);
        }
        Open { activity }
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        if let Some(a) = self.activity.take() {
            a.handling.fetch_sub(1, Ordering::AcqRel);
            a.open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// A response not yet sent completely.
struct Open {
    activity: Option<Arc<Activity>>,
}

impl Drop for Open {
    fn drop(&mut self) {
        if let Some(a) = self.activity.take() {
            a.open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// The socket, noting when bytes move.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body that must be complete by a deadline.
///
/// The timer is armed only when the body is not all there yet: most bodies arrive with
/// their request head, and a timer registered and cancelled for each of them cost about
/// 1,500 instructions per request (tokio's timer wheel, a boxed `Sleep`).
struct Deadline {
    inner: Incoming,
    /// When the body must be complete: `limit` after the request was handed over.
    /// `None` for a body that was complete from the start.
    by: Option<tokio::time::Instant>,
    /// Armed at the first poll that finds the body still on its way.
    sleep: Option<Pin<Box<Sleep>>>,
    limit: Duration,
}

impl Deadline {
    fn new(inner: Incoming, limit: Duration) -> Deadline {
        let by = (!inner.is_end_stream()).then(|| tokio::time::Instant::now() + limit);
        Deadline { inner, by, sleep: None, limit }
    }
}

/// The request body did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error(
    "the request body did not arrive within {} s (VEXIL_BODY_READ_TIMEOUT_SECONDS)",
    .0.as_secs()
)]
pub struct BodyTimeout(Duration);

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if polled.is_pending()
            && let Some(by) = this.by
            && this
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(by)))
                .as_mut()
                .poll(cx)
                .is_ready()
        {
            return Poll::Ready(Some(Err(Box::new(BodyTimeout(this.limit)))));
        }
        polled.map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that keeps its request counted as open until it is sent or dropped.
struct Tracked {
    inner: Body,
    _open: Open,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
