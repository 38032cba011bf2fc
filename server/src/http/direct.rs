//! The evaluation routes that SDKs and OpenFeature providers call most, answered by the
//! [`super::edge::Edge`] without the router (decision 0051): one-flag OFREP
//! (`POST /ofrep/v1/evaluate/flags/{key}`) and the SDK configuration
//! (`GET /sdk/v1/config`, mostly a 304).
//!
//! For these answers the router's own work (matching the path, the matched-path and
//! path-parameter extensions, the boxed route services cloned and dropped per request,
//! the handler's extractor futures) cost about as much as the handlers' work besides
//! evaluation. The edge takes a request here only when the router would send it to the
//! same handler with nothing else to do on the way:
//! - the exact method and path (no `HEAD`, no trailing slash, no other spelling);
//! - a flag key without `%`, so that percent-decoding would leave it as it is (a raw NUL
//!   never gets past the HTTP parser);
//! - no `Origin` header and not `OPTIONS`: a CORS request goes through the router's CORS
//!   policy. Without `Origin` that policy only adds its `vary` header, added here too
//!   ([`super::cors::not_cross_origin`]).
//!
//! Everything else goes to the router, which answers as before. The handlers are the
//! routes' own, called with what their extractors would have given them; the span and the
//! metrics are [`super::edge::observe`]'s, under the route's name as the router matches
//! it.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::{HeaderValue, Method, Request, header};
use axum::response::{IntoResponse, Response};

use super::edge::{ObserveFuture, RouteMetrics, RouteName, observe};
use super::extract::Path;
use crate::auth::sdk_key::{SdkClient, SdkKeys, ServerSdk};
use crate::stream::Hubs;
use crate::usage::UsageBuffer;

/// One-flag OFREP, as the router names the route.
const OFREP_FLAG: &str = "/ofrep/v1/evaluate/flags/{key}";
const OFREP_FLAG_PREFIX: &str = "/ofrep/v1/evaluate/flags/";
/// The SDK configuration.
const SDK_CONFIG: &str = "/sdk/v1/config";

/// A handler's answer, boxed as the router boxes it.
type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// The answer of a route taken past the router.
pub(super) type DirectFuture = ObserveFuture<Answer>;

/// What the edge needs to answer the direct routes: the parts of the state their
/// handlers take, and the routes' metrics (shared with the router's
/// [`super::edge::Observe`] layers).
#[derive(Clone)]
pub(super) struct Direct {
    hubs: Arc<Hubs>,
    usage: Arc<UsageBuffer>,
    sdk_keys: Arc<SdkKeys>,
    metrics: RouteMetrics,
}

/// A route taken past the router.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Route {
    /// One-flag OFREP, for this flag key.
    OfrepFlag(String),
    /// The SDK configuration.
    SdkConfig,
}

impl Route {
    /// The direct route `req` takes, if it takes one (see the module documentation).
    pub(super) fn of<B>(req: &Request<B>) -> Option<Route> {
        if req.headers().contains_key(header::ORIGIN) {
            return None;
        }
        let path = req.uri().path();
        match *req.method() {
            Method::POST => {
                let key = path.strip_prefix(OFREP_FLAG_PREFIX)?;
                let plain = !key.is_empty() && !key.bytes().any(|b| b == b'/' || b == b'%');
                plain.then(|| Route::OfrepFlag(key.to_owned()))
            }
            Method::GET if path == SDK_CONFIG => Some(Route::SdkConfig),
            _ => None,
        }
    }
}

/// The answer with a `content-length` when its body's size is known and the handler set
/// none, as the router's routes give every answer.
fn with_length(mut response: Response) -> Response {
    if let Some(size) = response.body().size_hint().exact()
        && !response.headers().contains_key(header::CONTENT_LENGTH)
    {
        response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    }
    response
}

impl Direct {
    pub(super) fn new<S>(state: &S, metrics: RouteMetrics) -> Direct
    where
        Arc<Hubs>: FromRef<S>,
        Arc<UsageBuffer>: FromRef<S>,
        Arc<SdkKeys>: FromRef<S>,
    {
        Direct {
            hubs: FromRef::from_ref(state),
            usage: FromRef::from_ref(state),
            sdk_keys: FromRef::from_ref(state),
            metrics,
        }
    }

    /// Answers `req`, which takes `route` ([`Route::of`]), past the router.
    pub(super) fn call<B>(&self, route: Route, req: Request<B>) -> DirectFuture
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        let name = match route {
            Route::OfrepFlag(_) => OFREP_FLAG,
            Route::SdkConfig => SDK_CONFIG,
        };
        // `observe` calls this at once, so each route clones only the parts it uses.
        observe(req.map(Body::new), RouteName::Fixed(name), &self.metrics, |req| {
            let (mut parts, body) = req.into_parts();
            let (hubs, sdk_keys) = (self.hubs.clone(), self.sdk_keys.clone());
            let answer: Answer = match route {
                Route::OfrepFlag(flag) => {
                    let usage = self.usage.clone();
                    Box::pin(async move {
                        // The key extractors take any state that gives them the keys.
                        let key = SdkClient::from_request_parts(&mut parts, &sdk_keys).await;
                        let answer =
                            super::ofrep::evaluate_flag(State(hubs), State(usage), key, Ok(Path(flag)), body)
                                .await;
                        let mut response = answer.into_response();
                        super::cors::not_cross_origin(&mut response);
                        Ok(with_length(response))
                    })
                }
                Route::SdkConfig => Box::pin(async move {
                    let answer = match ServerSdk::from_request_parts(&mut parts, &sdk_keys).await {
                        Ok(key) => {
                            super::sdk::get_config(State(hubs), key, parts.headers).await.into_response()
                        }
                        Err(rejection) => rejection.into_response(),
                    };
                    Ok(with_length(answer))
                }),
            };
            answer
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, uri: &str, origin: bool) -> Request<Body> {
        let mut b = Request::builder().method(method).uri(uri);
        if origin {
            b = b.header(header::ORIGIN, "https://app.example");
        }
        b.body(Body::empty()).expect("a request")
    }

    #[test]
    fn only_plain_requests_for_the_two_routes_go_past_the_router() {
        let taken = |method: Method, uri: &str| Route::of(&request(method, uri, false)).is_some();
        assert_eq!(
            Route::of(&request(Method::POST, "/ofrep/v1/evaluate/flags/new-checkout", false)),
            Some(Route::OfrepFlag("new-checkout".to_owned()))
        );
        assert_eq!(Route::of(&request(Method::GET, "/sdk/v1/config", false)), Some(Route::SdkConfig));
        // The query is not part of the route; neither handler reads it.
        assert!(taken(Method::GET, "/sdk/v1/config?x=1"));
        assert!(taken(Method::POST, "/ofrep/v1/evaluate/flags/a?x=1"));

        // Cross-origin requests meet the CORS policy in the router.
        assert!(Route::of(&request(Method::POST, "/ofrep/v1/evaluate/flags/a", true)).is_none());
        assert!(Route::of(&request(Method::GET, "/sdk/v1/config", true)).is_none());
        for (method, uri) in [
            // Keys that percent-decoding would change, an empty key, a longer path.
            (Method::POST, "/ofrep/v1/evaluate/flags/a%2Fb"),
            (Method::POST, "/ofrep/v1/evaluate/flags/"),
            (Method::POST, "/ofrep/v1/evaluate/flags/a/"),
            (Method::POST, "/ofrep/v1/evaluate/flags"),
            // Other methods: the router answers 405 (or HEAD like GET) as before.
            (Method::GET, "/ofrep/v1/evaluate/flags/a"),
            (Method::OPTIONS, "/ofrep/v1/evaluate/flags/a"),
            (Method::HEAD, "/sdk/v1/config"),
            (Method::POST, "/sdk/v1/config"),
            (Method::GET, "/sdk/v1/config/"),
            (Method::GET, "/sdk/v1/stream"),
        ] {
            assert!(!taken(method.clone(), uri), "{method} {uri} goes to the router");
        }
    }
}
