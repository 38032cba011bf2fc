//! What every request passes through around the routes, written as two services instead
//! of a stack of general-purpose layers (decision 0048):
//! - [`Edge`], outside the router, once per request: the request id (kept from the
//!   request, or made), a panic turned into a 500 problem, and on the answer the security
//!   headers ([`super::headers::secure`]) and the request id. It answers the two
//!   evaluation routes SDKs call most without the router ([`super::direct`], decision
//!   0051);
//! - [`Observe`], on each route (only a route knows its matched path): the request span
//!   that log lines inside the handler carry, and the request counter and latency
//!   histogram by method, route and status.
//!
//! Each layer of a stack adds a future that moves the request and the answer through it,
//! and each layer given to `Router::layer` a boxed service cloned for every request: for a
//! cached answer that was more than the answer's own work.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, MatchedPath};
use axum::http::{HeaderName, HeaderValue, Method, Request};
use axum::response::{IntoResponse, Response};
use futures_util::future::Either;
use tower::{Layer, Service};

use super::direct::{Direct, DirectFuture, Route};
use super::error::ApiError;

/// The header that carries a request's id, both ways.
pub(super) static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How many headers the edge adds to an answer at most (four security headers and the
/// request id). A route that answers often reserves room for these with its own, so that
/// its header map is allocated once instead of grown (a header map holds 6 before its
/// first growth).
pub(super) const EDGE_HEADERS: usize = 5;

/// Request ids in the UUID v4 format without a system call each: 128 random bits
/// drawn once per process, the last 64 of them advanced by a counter per request
/// (`Uuid::new_v4` asks the kernel for randomness every time). Unique within a
/// process, and across processes as random UUIDs are.
#[derive(Clone, Debug)]
pub(super) struct RequestIds {
    base: u128,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds { base: rand::random(), next: Default::default() }
    }
}

impl RequestIds {
    /// The next id, as the header value it is sent in.
    fn next(&self) -> HeaderValue {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let bits = self.base.wrapping_add(u128::from(n));
        let id = uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        // Lower-case hex and hyphens: always a valid header value.
        HeaderValue::from_str(id.hyphenated().encode_lower(&mut text))
            .unwrap_or(const { HeaderValue::from_static("") })
    }
}

/// The outermost service (see the module documentation). Cloned per request: two `Arc`s
/// and the inner service's own clone.
#[derive(Clone)]
pub struct Edge<S> {
    inner: S,
    ids: RequestIds,
    /// The routes answered without the router ([`super::direct`]).
    direct: Option<Arc<Direct>>,
    /// The peer of the connection this clone serves ([`Edge::for_client`]).
    client: Option<SocketAddr>,
}

impl<S: std::fmt::Debug> std::fmt::Debug for Edge<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Edge")
            .field("inner", &self.inner)
            .field("ids", &self.ids)
            .field("direct", &self.direct.is_some())
            .field("client", &self.client)
            .finish()
    }
}

impl<S> Edge<S> {
    pub(super) fn new(inner: S, ids: RequestIds) -> Edge<S> {
        Edge { inner, ids, direct: None, client: None }
    }

    /// The service for one connection from `client`: requests passed to the router carry
    /// its address as axum's `ConnectInfo` (the routes that limit by address read it).
    /// Only those: the direct routes never read it, and inserting it allocates the
    /// request's extension map.
    pub fn for_client(&self, client: SocketAddr) -> Edge<S>
    where
        S: Clone,
    {
        Edge { client: Some(client), ..self.clone() }
    }

    /// Answers the direct routes past `inner`.
    pub(super) fn with_direct(self, direct: Direct) -> Edge<S> {
        Edge { direct: Some(Arc::new(direct)), ..self }
    }
}

impl<S, B> Service<Request<B>> for Edge<S>
where
    S: Service<Request<B>, Response = Response, Error = Infallible>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = EdgeFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let id = match req.headers().get(&REQUEST_ID) {
            Some(id) => id.clone(),
            None => {
                let id = self.ids.next();
                req.headers_mut().insert(REQUEST_ID.clone(), id.clone());
                id
            }
        };
        // A panic while a route builds its future is answered like one while it runs.
        let inner = std::panic::catch_unwind(AssertUnwindSafe(|| {
            match self.direct.as_ref().and_then(|d| Some((d, Route::of(&req)?))) {
                Some((direct, route)) => Either::Right(direct.call(route, req)),
                None => {
                    if let Some(client) = self.client {
                        req.extensions_mut().insert(ConnectInfo(client));
                    }
                    Either::Left(self.inner.call(req))
                }
            }
        }))
        .ok();
        EdgeFuture { inner, id: Some(id) }
    }
}

pin_project_lite::pin_project! {
    /// The answer of an [`Edge`].
    pub struct EdgeFuture<F> {
        // `None` when the route panicked before it had a future.
        #[pin]
        inner: Option<Either<F, DirectFuture>>,
        id: Option<HeaderValue>,
    }
}

impl<F> Future for EdgeFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answered = match this.inner.as_pin_mut() {
            Some(inner) => match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
                Ok(Poll::Pending) => return Poll::Pending,
                Ok(Poll::Ready(Ok(response))) => Some(response),
                Err(_) => None,
            },
            None => None,
        };
        // A panicking handler leaves the server up and the client with a problem answer;
        // `ApiError::Internal` logs it.
        let mut response =
            answered.unwrap_or_else(|| ApiError::Internal("a handler panicked".to_owned()).into_response());
        let headers = response.headers_mut();
        // One growth at most, and none when the route reserved room.
        headers.reserve(EDGE_HEADERS);
        super::headers::secure(headers);
        if let Some(id) = this.id.take() {
            headers.entry(&REQUEST_ID).or_insert(id);
        }
        Poll::Ready(Ok(response))
    }
}

/// Wraps each route in an [`Observe`].
#[derive(Clone, Default)]
pub(super) struct ObserveLayer {
    metrics: RouteMetrics,
}

impl ObserveLayer {
    /// The metrics the layer records into.
    pub(super) fn metrics(&self) -> &RouteMetrics {
        &self.metrics
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe { inner, metrics: self.metrics.clone() }
    }
}

/// A route's span and request metrics (see the module documentation).
#[derive(Clone)]
pub(super) struct Observe<S> {
    inner: S,
    metrics: RouteMetrics,
}

impl<S, B> Service<Request<B>> for Observe<S>
where
    S: Service<Request<B>, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = ObserveFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let route = match req.extensions().get::<MatchedPath>() {
            Some(matched) => RouteName::Matched(matched.clone()),
            None => RouteName::Unmatched,
        };
        let inner = &mut self.inner;
        observe(req, route, &self.metrics, move |req| inner.call(req))
    }
}

/// The route a request is recorded under: the router's matched path, a route the edge
/// answers itself ([`super::direct`]), or none.
pub(super) enum RouteName {
    Matched(MatchedPath),
    Fixed(&'static str),
    Unmatched,
}

impl RouteName {
    fn as_str(&self) -> &str {
        match self {
            RouteName::Matched(m) => m.as_str(),
            RouteName::Fixed(route) => route,
            RouteName::Unmatched => "unmatched",
        }
    }
}

/// Calls `handle` with `req` inside the request span, and records the answer under
/// `route`: what [`Observe`] does around each of the router's routes, and what the edge
/// does around the routes it answers itself ([`super::direct`]).
pub(super) fn observe<B, F>(
    req: Request<B>,
    route: RouteName,
    metrics: &RouteMetrics,
    handle: impl FnOnce(Request<B>) -> F,
) -> ObserveFuture<F> {
    let started = Instant::now();
    let method = req.method().clone();
    // The path only: query strings may carry stream tokens, which never belong in logs.
    let span = {
        let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
        tracing::info_span!("request", http.method = %method, http.route = route.as_str(), request.id = id)
    };
    let inner = {
        let _entered = span.enter();
        tracing::debug!("started processing request");
        handle(req)
    };
    ObserveFuture { inner, span, started, method, route, metrics: metrics.clone() }
}

pin_project_lite::pin_project! {
    /// The answer of an [`Observe`].
    pub(super) struct ObserveFuture<F> {
        #[pin]
        inner: F,
        span: tracing::Span,
        started: Instant,
        method: Method,
        route: RouteName,
        metrics: RouteMetrics,
    }
}

impl<F> Future for ObserveFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let Ok(response) = ready!(this.inner.poll(cx));
        let elapsed = this.started.elapsed();
        let status = response.status();
        this.metrics.record(this.method, this.route.as_str(), status.as_u16(), elapsed.as_secs_f64());
        // A 5xx the server means (503 from /readyz, a release plan's gate) is an answer,
        // not a failure, and an internal error logs its cause where it is answered
        // (`ApiError::public_detail`): so every answer is logged alike, at DEBUG.
        tracing::debug!(
            latency.ms = elapsed.as_secs_f64() * 1e3,
            status = status.as_u16(),
            "finished processing request"
        );
        Poll::Ready(Ok(response))
    }
}

/// The request counter and latency histogram of each method, route and status, made
/// once: building a metric's key from its labels and finding it in the registry costs
/// more than the rest of a cached answer. Found by a hash of the labels; the entry keeps
/// the labels and is used only when they are the same.
#[derive(Clone, Default)]
pub(super) struct RouteMetrics(Arc<dashmap::DashMap<u64, Arc<RouteMetric>, rustc_hash::FxBuildHasher>>);

pub(super) struct RouteMetric {
    method: Method,
    route: Box<str>,
    status: u16,
    requests: metrics::Counter,
    duration: metrics::Histogram,
}

impl RouteMetrics {
    /// More label sets than this (unmatched paths are one route, so only methods and
    /// statuses multiply) are recorded without caching.
    const MAX: usize = 10_000;

    fn record(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h = rustc_hash::FxBuildHasher.build_hasher();
        method.hash(&mut h);
        route.hash(&mut h);
        status.hash(&mut h);
        let slot = h.finish();
        let cached = self.0.get(&slot).map(|m| m.clone());
        let metric = match cached {
            Some(m) if m.method == method && *m.route == *route && m.status == status => m,
            _ => {
                let labels = [
                    ("method", method.as_str().to_owned()),
                    ("route", route.to_owned()),
                    ("status", status.to_string()),
                ];
                let m = Arc::new(RouteMetric {
                    method: method.clone(),
                    route: route.into(),
                    status,
                    requests: metrics::counter!("vexil_http_requests_total", &labels),
                    duration: metrics::histogram!("vexil_http_request_duration_seconds", &labels),
                });
                if self.0.len() < Self::MAX {
                    self.0.insert(slot, m.clone());
                }
                m
            }
        };
        metric.requests.increment(1);
        metric.duration.record(seconds);
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{StatusCode, header};
    use tower::ServiceExt;

    use super::*;

    fn answer(status: StatusCode, content_type: &'static str) -> Response {
        let mut r = status.into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    }

    async fn call<S>(service: S, req: Request<Body>) -> Response
    where
        S: Service<Request<Body>, Response = Response, Error = Infallible>,
    {
        let Ok(r) = Edge::new(service, RequestIds::default()).oneshot(req).await;
        r
    }

    #[tokio::test]
    async fn every_answer_gets_an_id_and_the_security_headers_and_keeps_its_own() {
        let service = tower::service_fn(|req: Request<Body>| async move {
            let mut r = answer(StatusCode::OK, "text/html; charset=utf-8");
            // The handler sees the id it will be answered with.
            let id = req.headers().get(&REQUEST_ID).cloned().expect("an id on the request");
            r.headers_mut().insert("x-seen-id", id);
            r.headers_mut().insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
            Ok::<_, Infallible>(r)
        });
        let r = call(service, Request::new(Body::empty())).await;
        let id = r.headers()[&REQUEST_ID].to_str().expect("text").to_owned();
        assert_eq!(uuid::Uuid::parse_str(&id).expect("a UUID").get_version_num(), 4);
        assert_eq!(r.headers()["x-seen-id"], id);
        assert_eq!(r.headers()[header::CONTENT_SECURITY_POLICY], super::super::DASHBOARD_CSP);
        assert_eq!(r.headers()[header::X_FRAME_OPTIONS], "SAMEORIGIN", "the handler's own value stays");
        assert_eq!(r.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(r.headers()[header::REFERRER_POLICY], "no-referrer");

        let second = call(service, Request::new(Body::empty())).await;
        assert_ne!(second.headers()[&REQUEST_ID], id, "ids differ");

        let mut req = Request::new(Body::empty());
        req.headers_mut().insert(&REQUEST_ID, HeaderValue::from_static("from-the-client"));
        let kept = call(service, req).await;
        assert_eq!(kept.headers()[&REQUEST_ID], "from-the-client");
        assert_eq!(kept.headers()["x-seen-id"], "from-the-client");
    }

    #[tokio::test]
    async fn a_panic_in_the_handler_or_its_future_is_a_problem_answer() {
        #[derive(Clone)]
        struct PanicsInCall;
        impl Service<Request<Body>> for PanicsInCall {
            type Response = Response;
            type Error = Infallible;
            type Future = std::future::Ready<Result<Response, Infallible>>;
            fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
                Poll::Ready(Ok(()))
            }
            fn call(&mut self, _: Request<Body>) -> Self::Future {
                panic!("in call")
            }
        }
        let in_future = tower::service_fn(|_: Request<Body>| async move {
            if std::hint::black_box(true) {
                panic!("in the future");
            }
            Ok::<_, Infallible>(answer(StatusCode::OK, "application/json"))
        });
        for r in [
            call(PanicsInCall, Request::new(Body::empty())).await,
            call(in_future, Request::new(Body::empty())).await,
        ] {
            assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(r.headers()[header::CONTENT_TYPE], "application/problem+json");
            assert_eq!(r.headers()[header::CONTENT_SECURITY_POLICY], super::super::API_CSP);
            assert!(r.headers().contains_key(&REQUEST_ID));
        }
    }
}
