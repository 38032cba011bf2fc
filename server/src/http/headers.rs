//! Security headers on every response: no MIME sniffing, no referrer, no framing, and a
//! Content-Security-Policy — the dashboard's for HTML pages, "nothing at all" for the
//! rest. `docs/security.md` explains each; the browser suite checks that the dashboard
//! breaks none of the policy's rules.

use axum::http::{HeaderValue, Response, header};
use tower_http::set_header::{MakeHeaderValue, SetResponseHeaderLayer};

/// The dashboard's policy: its own scripts, styles, images, fonts and API only. Inline
/// styles are allowed because the component library (Mantine) writes its CSS variables
/// into a `<style>` element at run time; inline scripts are not.
pub const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// The policy of everything that is not a page: JSON, event streams, assets.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The Content-Security-Policy of a response: [`DASHBOARD_CSP`] for an HTML page,
/// [`API_CSP`] for anything else. Like the headers of [`fixed`], it is set by a
/// `SetResponseHeaderLayer` that keeps any value a handler set itself.
#[derive(Clone, Copy, Debug)]
pub(super) struct PolicyFor;

impl<B> MakeHeaderValue<Response<B>> for PolicyFor {
    fn make_header_value(&mut self, response: &Response<B>) -> Option<HeaderValue> {
        let is_page = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|ct| ct.trim_start().get(..9))
            .is_some_and(|media| media.eq_ignore_ascii_case("text/html"));
        Some(HeaderValue::from_static(if is_page { DASHBOARD_CSP } else { API_CSP }))
    }
}

/// The layers that set the headers every response gets whatever its type: no MIME
/// sniffing, no referrer, no framing.
pub(super) fn fixed() -> [SetResponseHeaderLayer<HeaderValue>; 3] {
    [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ]
    .map(|(name, value)| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)))
}
