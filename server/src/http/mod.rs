//! The HTTP surface: one module per resource, each with its own `router()`, composed
//! here with what crosses them: CORS per route group, a span and request metrics per
//! route, the body limit, and around it all the edge (request ids, panics, security
//! headers; `edge`, decision 0048).

pub mod error;
pub mod extract;
pub mod openapi;

mod audit;
mod bulk;
mod change_requests;
mod code_refs;
mod cors;
mod direct;
mod edge;
mod environments;
mod evaluate;
mod flags;
mod headers;
mod health;
mod idempotency;
pub use edge::{Edge, EdgeFuture};
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

use std::convert::Infallible;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use tower::{Layer, ServiceBuilder};

use crate::config::ServeArgs;
use crate::state::AppState;
use edge::{ObserveLayer, RequestIds};
use error::ApiError;

/// Every route, each in its span and counted by [`ObserveLayer`].
///
/// Each part of the router gets one `layer` call: every call wraps each route of the
/// part in one more boxed service, cloned and dropped per request, so the span and
/// metrics (which need the matched route, known only once the router has routed) go on
/// together with the part's CORS policy. What does not need the route wraps the router
/// once, outside ([`router`]).
fn routes(state: AppState, args: &ServeArgs, observe: &ObserveLayer) -> Router {
    let observed_with =
        |cors| ServiceBuilder::new().layer(observe.clone()).layer(cors::ForOrigins::new(cors));
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
    let ui = observe.layer(tower::service_fn(move |req: Request| {
        let ui = ui.clone();
        async move { Ok::<_, Infallible>(ui.serve(req).await) }
    }));
    // Client keys are public by design (every page that uses one ships it), so the routes
    // that take them answer any origin by default; the admin API answers only the origins
    // configured for it, none by default; routes for server keys, which never belong in a
    // browser, answer none. Each part gets its 405 answer before its CORS layer, so that
    // preflight requests (OPTIONS, which no route takes) reach the layer.
    let client_routes = Router::new()
        .merge(ofrep::router())
        .merge(stream::ofrep_router())
        .merge(sdk::client_router())
        .method_not_allowed_fallback(method_not_allowed)
        .layer(observed_with(cors::client(&args.client_cors_origins)));
    let server_routes = Router::new()
        .merge(sdk::router())
        .merge(stream::router())
        .method_not_allowed_fallback(method_not_allowed)
        .layer(observe.clone());
    let api = api
        .method_not_allowed_fallback(method_not_allowed)
        .layer(observed_with(cors::admin(&args.cors_origins)));
    let health = health::router()
        .method_not_allowed_fallback(method_not_allowed)
        .layer(observed_with(cors::admin(&args.cors_origins)));
    Router::new()
        .nest("/api/v1", api)
        .merge(health)
        .merge(server_routes)
        .merge(client_routes)
        .fallback_service(ui)
        .with_state(state)
}

/// The whole application: [`routes`] under the default body limit, behind an [`Edge`]
/// (request ids, panics, security headers, and the routes it answers itself,
/// [`direct`]). A service for any request body; clone it per
/// connection or request (reference counts).
pub type App = Edge<<DefaultBodyLimit as Layer<Router>>::Service>;

/// The whole application router and what every request passes through.
pub fn router(state: AppState, args: &ServeArgs) -> App {
    // Outside the router, so that it is not one more boxed layer around each route.
    let observe = ObserveLayer::default();
    let direct = direct::Direct::new(&state, observe.metrics().clone());
    let limited = DefaultBodyLimit::max(args.max_body_bytes).layer(routes(state, args, &observe));
    Edge::new(limited, RequestIds::default()).with_direct(direct)
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
