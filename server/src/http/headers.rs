//! Security headers on every response: no MIME sniffing, no referrer, no framing, and a
//! Content-Security-Policy — the dashboard's for HTML pages, "nothing at all" for the
//! rest. `docs/security.md` explains each; the browser suite checks that the dashboard
//! breaks none of the policy's rules.

use axum::http::{HeaderMap, HeaderValue, header};

/// The dashboard's policy: its own scripts, styles, images, fonts and API only. Inline
/// styles are allowed because the component library (Mantine) writes its CSS variables
/// into a `<style>` element at run time; inline scripts are not.
pub const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// The policy of everything that is not a page: JSON, event streams, assets.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Sets the security headers on an answer, keeping any a handler set itself: the
/// Content-Security-Policy ([`DASHBOARD_CSP`] for an HTML page, [`API_CSP`] for anything
/// else), then no MIME sniffing, no referrer and no framing, whatever the type.
pub(super) fn secure(headers: &mut HeaderMap) {
    let is_page = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.trim_start().get(..9))
        .is_some_and(|media| media.eq_ignore_ascii_case("text/html"));
    // One lookup each (`entry`), where "insert unless present" would take two. The
    // values are built at compile time: `from_static` checks every byte, which for the
    // policies cost about 450 instructions on every answer.
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(if is_page {
        const { HeaderValue::from_static(DASHBOARD_CSP) }
    } else {
        const { HeaderValue::from_static(API_CSP) }
    });
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, const { HeaderValue::from_static("nosniff") }),
        (header::REFERRER_POLICY, const { HeaderValue::from_static("no-referrer") }),
        (header::X_FRAME_OPTIONS, const { HeaderValue::from_static("DENY") }),
    ] {
        headers.entry(name).or_insert(value);
    }
}
