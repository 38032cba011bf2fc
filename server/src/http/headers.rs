//! Security headers on every response: no MIME sniffing, no referrer, no framing, and a
//! Content-Security-Policy — the dashboard's for HTML pages, "nothing at all" for the
//! rest. `docs/security.md` explains each; the browser suite checks that the dashboard
//! breaks none of the policy's rules.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The dashboard's policy: its own scripts, styles, images, fonts and API only. Inline
/// styles are allowed because the component library (Mantine) writes its CSS variables
/// into a `<style>` element at run time; inline scripts are not.
pub const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// The policy of everything that is not a page: JSON, event streams, assets.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Adds the headers (keeping any a handler set itself).
pub(super) async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("text/html"));
    let h = response.headers_mut();
    let csp = if is_page { DASHBOARD_CSP } else { API_CSP };
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}
