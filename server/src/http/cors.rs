//! Cross-origin policies (tower-http's `CorsLayer`), applied only to requests that can
//! be cross-origin ones.
//!
//! A request without an `Origin` header is not a CORS request (Fetch standard, "CORS
//! protocol": browsers send `Origin` on every cross-origin request and every preflight),
//! so its answer needs no `access-control-*` header. Server-side SDKs and OpenFeature
//! providers never send one, and for them the layer's work (a header map built and
//! merged per answer) was a tenth of the instructions of a one-flag evaluation. [`ForOrigins`] sends such
//! requests past the layer and gives their answers the `vary` header the layer writes,
//! so that a cache keeps answers to the two kinds of request apart. Every `OPTIONS`
//! request still goes through the layer, which answers it as a preflight whatever it
//! carries.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use axum::response::Response;
use tower::{Layer, Service};
use tower_http::cors::{AllowOrigin, Cors, CorsLayer};

use super::edge::REQUEST_ID;

/// The `vary` header `CorsLayer` writes on every answer by default (the test
/// `answers_without_an_origin_vary_as_the_layers_do` holds the two the same).
const VARY: &str = "origin, access-control-request-method, access-control-request-headers";

fn allow_origin(origins: &[String]) -> AllowOrigin {
    if origins.iter().any(|o| o.trim() == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o.trim()).ok()))
    }
}

/// The admin API's policy: the configured origins (`VEXIL_CORS_ORIGINS`), none by default.
pub(super) fn admin(origins: &[String]) -> CorsLayer {
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
pub(super) fn client(origins: &[String]) -> CorsLayer {
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

/// What a CORS policy adds to the answer to a request that is not a CORS request (no
/// `Origin`, not `OPTIONS`): the `vary` header the policy writes on its own answers, so
/// that a cache keeps the two kinds of answer apart.
pub(super) fn not_cross_origin(response: &mut Response) {
    response.headers_mut().append(header::VARY, const { HeaderValue::from_static(VARY) });
}

/// A CORS policy for the requests that carry an `Origin` or are `OPTIONS` (see the
/// module documentation).
#[derive(Clone)]
pub(super) struct ForOrigins(CorsLayer);

impl ForOrigins {
    pub(super) fn new(policy: CorsLayer) -> ForOrigins {
        ForOrigins(policy)
    }
}

impl<S> Layer<S> for ForOrigins {
    type Service = CorsForOrigins<S>;

    fn layer(&self, inner: S) -> CorsForOrigins<S> {
        CorsForOrigins(self.0.layer(inner))
    }
}

/// The service of [`ForOrigins`]: the route behind its CORS layer, called through the
/// layer or, for requests that skip it, directly (`Cors::get_mut`).
#[derive(Clone)]
pub(super) struct CorsForOrigins<S>(Cors<S>);

impl<S, B> Service<Request<B>> for CorsForOrigins<S>
where
    S: Service<Request<B>, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = CorsForOriginsFuture<<Cors<S> as Service<Request<B>>>::Future, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The layer's readiness is its route's, so either path may take the request.
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        if req.method() == Method::OPTIONS || req.headers().contains_key(header::ORIGIN) {
            CorsForOriginsFuture::Cors { future: self.0.call(req) }
        } else {
            CorsForOriginsFuture::Plain { future: self.0.get_mut().call(req) }
        }
    }
}

pin_project_lite::pin_project! {
    /// The answer of a [`CorsForOrigins`].
    #[project = Projected]
    pub(super) enum CorsForOriginsFuture<C, P> {
        Cors { #[pin] future: C },
        Plain { #[pin] future: P },
    }
}

impl<C, P> Future for CorsForOriginsFuture<C, P>
where
    C: Future<Output = Result<Response, Infallible>>,
    P: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            Projected::Cors { future } => future.poll(cx),
            Projected::Plain { future } => {
                let Ok(mut response) = ready!(future.poll(cx));
                not_cross_origin(&mut response);
                Poll::Ready(Ok(response))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use tower::ServiceExt;

    use super::*;

    async fn ask(origin: Option<&str>, method: Method) -> Response {
        let route = tower::service_fn(|_: Request<Body>| async {
            Ok::<_, Infallible>(StatusCode::OK.into_response())
        });
        let mut req = Request::builder().method(method);
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o).header("access-control-request-method", "POST");
        }
        let Ok(r) = ForOrigins::new(client(&["*".to_owned()]))
            .layer(route)
            .oneshot(req.body(Body::empty()).expect("request"))
            .await;
        r
    }

    #[tokio::test]
    async fn answers_without_an_origin_vary_as_the_layers_do() {
        let with = ask(Some("https://shop.example"), Method::POST).await;
        let without = ask(None, Method::POST).await;
        assert_eq!(with.headers()["access-control-allow-origin"], "*");
        assert!(with.headers().contains_key("access-control-expose-headers"));
        let vary = |r: &Response| r.headers().get_all(header::VARY).iter().cloned().collect::<Vec<_>>();
        assert_eq!(vary(&without), vary(&with));
        assert!(!without.headers().contains_key("access-control-allow-origin"), "not a CORS request");
        // A preflight is answered by the layer, with or without an origin.
        for origin in [Some("https://shop.example"), None] {
            let preflight = ask(origin, Method::OPTIONS).await;
            assert_eq!(preflight.headers()["access-control-allow-methods"], "GET,POST", "{origin:?}");
        }
    }
}
