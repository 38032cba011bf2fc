//! The HTTP surface: one module per resource, each with its own `router()`, composed
//! here with the cross-cutting layers (request ids, tracing, metrics, CORS, limits).

pub mod error;
pub mod extract;
pub mod openapi;

mod audit;
mod bulk;
mod change_requests;
mod code_refs;
mod environments;
mod evaluate;
mod flags;
mod headers;
mod health;
mod idempotency;
pub use headers::{API_CSP, DASHBOARD_CSP};
pub use health::OPENAPI_YAML;
mod live;
mod login;
mod ofrep;
mod ofrep_error;
mod pages;
mod projects;
mod release_plans;
mod scheduled_changes;
mod sdk;
mod sdk_keys;
mod segments;
mod setup;
mod shared;
mod sso;
mod stream;
mod text;
mod tokens;
mod ui;
mod usage;
mod users;
mod webhooks;

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

use crate::config::ServeArgs;
use crate::state::AppState;
use error::ApiError;

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids in the UUID v4 format without a system call each: 128 random bits
/// drawn once per process, the last 64 of them advanced by a counter per request
/// (`Uuid::new_v4` asks the kernel for randomness every time). Unique within a
/// process, and across processes as random UUIDs are.
#[derive(Clone)]
struct FastRequestId {
    base: u128,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for FastRequestId {
    fn default() -> Self {
        FastRequestId { base: rand::random(), next: Default::default() }
    }
}

impl MakeRequestId for FastRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let bits = self.base.wrapping_add(u128::from(n));
        let id = uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        HeaderValue::from_bytes(id.hyphenated().encode_lower(&mut text).as_bytes()).ok().map(RequestId::new)
    }
}

/// The whole application router.
pub fn router(state: AppState, args: &ServeArgs) -> Router {
    let api = Router::new()
        .merge(login::router())
        .merge(sso::router())
        .merge(live::router())
        .merge(setup::router())
        .merge(projects::router())
        .merge(environments::router())
        .merge(flags::router())
        .merge(bulk::router())
        .merge(change_requests::router())
        .merge(scheduled_changes::router())
        .merge(release_plans::router())
        .merge(segments::router())
        .merge(audit::router())
        .merge(users::router())
        .merge(tokens::router())
        .merge(sdk_keys::router())
        .merge(evaluate::router())
        .merge(usage::router())
        .merge(code_refs::router())
        .merge(webhooks::router());
    let ui = match &args.ui_dir {
        Some(dir) => ui::Ui::Dir(dir.clone()),
        None => ui::Ui::Embedded,
    };
    // Client keys are public by design (every page that uses one ships it), so the routes
    // that take them answer any origin by default; the admin API answers only the origins
    // configured for it, none by default; routes for server keys, which never belong in a
    // browser, answer none.
    let client_routes = Router::new()
        .merge(ofrep::router())
        .merge(stream::ofrep_router())
        .merge(sdk::client_router())
        .method_not_allowed_fallback(method_not_allowed)
        .layer(client_cors(&args.client_cors_origins));
    // Each part gets its 405 answer before its CORS layer, so that preflight requests
    // (OPTIONS, which no route takes) reach the layer.
    let api = api.method_not_allowed_fallback(method_not_allowed).layer(admin_cors(&args.cors_origins));
    let health = health::router()
        .method_not_allowed_fallback(method_not_allowed)
        .layer(admin_cors(&args.cors_origins));
    let metrics = RouteMetrics::default();
    let routes = Router::new()
        .nest("/api/v1", api)
        .merge(health)
        .merge(sdk::router())
        .merge(stream::router())
        .merge(client_routes)
        .fallback(move |req: Request| ui.clone().serve(req))
        .method_not_allowed_fallback(method_not_allowed)
        // The two layers that name the matched route (known only once the router has
        // routed) wrap each route; the rest wrap the router once, below.
        .layer(middleware::from_fn(move |req, next| track_metrics(metrics.clone(), req, next)))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // The path only: query strings may carry stream tokens, which never
            // belong in logs.
            let route = req.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
            let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", http.method = %req.method(), http.route = route, request.id = id)
        })
        // A 5xx the server means (503 from /readyz, a release plan's gate) is an answer,
        // not a failure, and an internal error logs its cause where it is answered
        // (`ApiError::public_detail`): at ERROR here every such response would be noise.
        .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)))
        .with_state(state);
    // A layer given to `Router::layer` wraps every route in a boxed service that is
    // cloned and dropped with the route on each request; these do not depend on the
    // route, so they wrap the router once, outermost first.
    let [nosniff, no_referrer, no_framing] = headers::fixed();
    let stack = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, headers::PolicyFor))
        .layer(nosniff)
        .layer(no_referrer)
        .layer(no_framing)
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("a handler panicked".to_owned()).into_response()
        }))
        .layer(DefaultBodyLimit::max(args.max_body_bytes))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), FastRequestId::default()))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .service(routes);
    Router::new().fallback_service(stack)
}

fn allow_origin(origins: &[String]) -> AllowOrigin {
    if origins.iter().any(|o| o.trim() == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o.trim()).ok()))
    }
}

/// The admin API's policy: the configured origins (`VEXIL_CORS_ORIGINS`), none by default.
fn admin_cors(origins: &[String]) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(allow_origin(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::ETAG, header::LOCATION, REQUEST_ID.clone()])
        .max_age(Duration::from_secs(3600))
}

/// The policy of the routes that take client keys (`VEXIL_CLIENT_CORS_ORIGINS`, any by
/// default). Keys travel in headers, never cookies, so no credentials are allowed.
fn client_cors(origins: &[String]) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(allow_origin(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::ETAG, header::RETRY_AFTER, REQUEST_ID.clone()])
        .max_age(Duration::from_secs(3600))
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// The request counter and latency histogram of each method, route and status, made
/// once: building a metric's key from its labels and finding it in the registry costs
/// more than the rest of a cached answer. Found by a hash of the labels; the entry keeps
/// the labels and is used only when they are the same.
#[derive(Clone, Default)]
struct RouteMetrics(
    std::sync::Arc<dashmap::DashMap<u64, std::sync::Arc<RouteMetric>, rustc_hash::FxBuildHasher>>,
);

struct RouteMetric {
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
                let m = std::sync::Arc::new(RouteMetric {
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

/// Counts requests and their latency by route and status.
async fn track_metrics(metrics: RouteMetrics, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let response = next.run(req).await;
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    metrics.record(&method, route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}
