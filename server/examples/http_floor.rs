//! The floor under the server's CPU per request: the same HTTP stack as the server
//! (hyper-util's auto connection builder on tokio's multi-threaded runtime, `TCP_NODELAY`)
//! answering every request with a constant `304 Not Modified`, without routing, state,
//! authentication or logging; `--axum` adds one axum route in front, as the server has.
//!
//! `scripts/bench-http --floor target/release/examples/http_floor` runs wrk against it
//! with the same settings as the server's scenarios, so the server's figures can be read
//! against what the machine charges for an exchange on loopback at all.
//!
//! Usage: `http_floor <port> [--axum]`; prints `ready` once it listens on 127.0.0.1.

use std::convert::Infallible;

use axum::Router;
use axum::routing::get;
use http::{Response, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

const ETAG: &str = "\"1-0123456789abcdef\"";

fn not_modified<B: Default>() -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    response.headers_mut().insert(header::ETAG, header::HeaderValue::from_static(ETAG));
    response
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = match args.next().map(|p| p.parse()) {
        Some(Ok(port)) => port,
        _ => {
            eprintln!("usage: http_floor <port> [--axum]");
            std::process::exit(2);
        }
    };
    let axum = args.next().as_deref() == Some("--axum");
    let router = Router::new().route("/sdk/v1/config", get(|| async { not_modified::<axum::body::Body>() }));
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("ready");
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        tokio::spawn(async move {
            let io = TokioIo::new(stream);
            let builder = auto::Builder::new(TokioExecutor::new());
            let result = if axum {
                let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
                    let router = router.clone();
                    async move {
                        let Ok(response) = router.oneshot(req).await;
                        Ok::<_, Infallible>(response)
                    }
                });
                builder.serve_connection(io, service).await
            } else {
                let service = hyper::service::service_fn(|_req: http::Request<Incoming>| async {
                    Ok::<_, Infallible>(not_modified::<http_body_util::Empty<bytes::Bytes>>())
                });
                builder.serve_connection(io, service).await
            };
            drop(result);
        });
    }
}
