//! Per-request flags in an axum service: a middleware turns the request's user into
//! an evaluation context, and handlers evaluate with it.
//!
//! `VEXIL_URL=http://localhost:8080 VEXIL_SERVER_KEY=vx_srv_... cargo run -p vexil-sdk
//! --example axum_middleware`, then `curl -H 'x-user-id: user-1' -H 'x-country: DE'
//! localhost:3000/checkout`. Without `VEXIL_URL` it serves `tests/data/bootstrap.json`.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use vexil_sdk::{Client, Context};

/// The request's user, as flags see it.
#[derive(Clone)]
struct User(Context);

/// Builds the context from the caller's identity. A real service would take it from
/// its authentication layer rather than trusting headers.
async fn user_context(mut request: Request, next: Next) -> Response {
    let user = user_of(&request);
    request.extensions_mut().insert(user);
    next.run(request).await
}

fn user_of(request: &Request) -> User {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let mut context = match header("x-user-id") {
        Some(id) => Context::new(id),
        None => Context::anonymous(),
    };
    if let Some(country) = header("x-country") {
        context.set("country", country);
    }
    User(context)
}

async fn checkout(State(flags): State<Client>, Extension(User(user)): Extension<User>) -> impl IntoResponse {
    // Local evaluation: no network call per request.
    if flags.bool_value("new-checkout", &user, false) { "new checkout" } else { "classic checkout" }
}

/// Everything the front end needs to start, for this user (client-visible flags only).
async fn bootstrap(State(flags): State<Client>, Extension(User(user)): Extension<User>) -> impl IntoResponse {
    Json(flags.client_visible_flags(&user))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = match std::env::var("VEXIL_URL") {
        Ok(url) => Client::builder(url, std::env::var("VEXIL_SERVER_KEY")?).build()?,
        Err(_) => Client::builder("http://localhost:8080", "vx_srv_offline")
            .offline(true)
            .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json"))
            .build()?,
    };
    flags.wait_until_ready(Duration::from_secs(5)).await?;
    let app = Router::new()
        .route("/checkout", get(checkout))
        .route("/flags", get(bootstrap))
        .layer(middleware::from_fn(user_context))
        .with_state(flags);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://127.0.0.1:3000");
    axum::serve(listener, app).await?;
    Ok(())
}
