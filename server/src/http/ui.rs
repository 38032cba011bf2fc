//! The dashboard: the build in `web-ui/dist`, or a folder given with `--ui-dir`.
//! Unknown non-API paths get `index.html` so that the dashboard's own routes survive a
//! reload.
//!
//! A release binary carries `web-ui/dist` inside it; `build.rs` refuses to build one
//! without it. A debug build reads the same folder from disk on each request (rust-embed
//! embeds only without debug assertions), so it builds and runs without Node.js and
//! says how to build the dashboard until it exists.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::error::ApiError;

/// `web-ui/dist`, by the absolute path `build.rs` found (which also checks that a release
/// build has something to embed).
#[derive(rust_embed::Embed)]
#[folder = "$VEXIL_UI_DIST"]
#[cfg_attr(debug_assertions, allow_missing = true)]
struct Assets;

/// Prefixes that belong to the API, never to the dashboard.
const API_PREFIXES: [&str; 3] = ["/api/", "/sdk/", "/ofrep/"];

/// Where the dashboard comes from.
#[derive(Debug, Clone)]
pub(crate) enum Ui {
    /// A folder on disk.
    Dir(PathBuf),
    /// The assets compiled into the binary.
    Embedded,
}

impl Ui {
    pub(crate) async fn serve(self, req: Request) -> Response {
        let path = req.uri().path().to_owned();
        if API_PREFIXES.iter().any(|p| path.starts_with(p)) || path == "/api" {
            return ApiError::NotFound("no such route".to_owned()).into_response();
        }
        match self {
            Ui::Dir(dir) => {
                let index = dir.join("index.html");
                match ServeDir::new(&dir).fallback(ServeFile::new(index)).oneshot(req).await {
                    Ok(r) => with_cache_headers(&path, r.map(Body::new)),
                    Err(e) => ApiError::Internal(format!("serving the dashboard: {e}")).into_response(),
                }
            }
            Ui::Embedded => serve_embedded(&path),
        }
    }
}

fn serve_embedded(path: &str) -> Response {
    let file = path.trim_start_matches('/');
    let (asset, name) = match Assets::get(file) {
        Some(a) if !file.is_empty() => (a, file),
        _ => match Assets::get("index.html") {
            Some(a) => (a, "index.html"),
            None => return not_built(),
        },
    };
    let mut response = (StatusCode::OK, asset.data.into_owned()).into_response();
    if let Ok(v) = HeaderValue::from_str(asset.metadata.mimetype()) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    with_cache_headers(&format!("/{name}"), response)
}

/// Hashed build assets never change; everything else is revalidated.
fn with_cache_headers(path: &str, mut response: Response) -> Response {
    let value = if path.starts_with("/assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Only a debug build can get here: a release build without the dashboard does not
/// compile.
fn not_built() -> Response {
    Html(
        "<!doctype html><title>Vexil</title><h1>Vexil is running</h1>\
         <p>This is a development build, which reads the dashboard from <code>web-ui/dist</code>, \
         and that folder has no build yet. Run <code>npm ci &amp;&amp; npm run build</code> in \
         <code>web-ui/</code> and reload this page, or use <code>scripts/run</code>, which builds \
         and starts a release server with the dashboard inside. \
         The API is at <code>/api/v1</code>; its contract at <a href=\"/openapi.yaml\">/openapi.yaml</a>.</p>",
    )
    .into_response()
}
