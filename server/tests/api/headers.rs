//! Security headers: every answer forbids MIME sniffing, referrers and framing; the
//! dashboard's pages carry the Content-Security-Policy the browser suite checks, and
//! everything else a policy that allows nothing.

use axum::http::{Method, StatusCode};

use crate::harness::{Db, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>t</title><div id=\"root\"></div>")
        .expect("index.html");
    let ui = dir.path().to_str().expect("utf-8 path");
    for db in [Db::Postgres, Db::Sqlite] {
        let app = TestApp::with_args(db, &["--ui-dir", ui]).await;
        let page = app.call(Method::GET, "/p/default/flags").send().await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.content_type().starts_with("text/html"), "{}", page.content_type());
        let csp = page.headers["content-security-policy"].to_str().expect("text");
        assert_eq!(csp, vexil_server::http::DASHBOARD_CSP);
        for directive in
            ["script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"]
        {
            assert!(csp.contains(directive), "{directive} in {csp}");
        }
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "no inline scripts: {csp}");
        for (path, token) in
            [("/api/v1/projects", Some(app.owner_token.as_str())), ("/healthz", None), ("/api/v1/nope", None)]
        {
            let mut call = app.call(Method::GET, path);
            if let Some(t) = token {
                call = call.token(t);
            }
            let r = call.send().await;
            assert_eq!(
                r.headers["content-security-policy"].to_str().expect("text"),
                "default-src 'none'; frame-ancestors 'none'",
                "{path}"
            );
        }
        for r in [page, app.call(Method::GET, "/api/v1/projects").send().await] {
            assert_eq!(r.headers["x-content-type-options"], "nosniff");
            assert_eq!(r.headers["referrer-policy"], "no-referrer");
            assert_eq!(r.headers["x-frame-options"], "DENY");
        }
    }
}

/// The answers SDKs ask for most (the cached configuration, its 304, an OFREP
/// evaluation, a problem) carry the same headers as the dashboard's, and every answer an
/// id: the client's own when it sent one, otherwise a fresh one per request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_answers_carry_the_security_headers_and_a_request_id() {
    let app = TestApp::new(Db::Sqlite).await;
    app.create_flag("beta").await;
    let key = crate::sdk::sdk_key(&app, "production", "server").await;
    let config = app.call(Method::GET, "/sdk/v1/config").token(&key).send().await;
    assert_eq!(config.status, StatusCode::OK, "{}", config.text);
    let etag = config.headers["etag"].to_str().expect("text").to_owned();
    let answers = [
        config,
        app.call(Method::GET, "/sdk/v1/config").token(&key).header("if-none-match", &etag).send().await,
        app.call(Method::POST, "/ofrep/v1/evaluate/flags/beta")
            .header("x-api-key", &key)
            .json(serde_json::json!({"context": {"targetingKey": "u1"}}))
            .send()
            .await,
        app.call(Method::POST, "/ofrep/v1/evaluate/flags/beta").header("x-api-key", "nope").send().await,
    ];
    let statuses: Vec<_> = answers.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::NOT_MODIFIED, StatusCode::OK, StatusCode::UNAUTHORIZED]
    );
    let mut ids = std::collections::HashSet::new();
    for r in &answers {
        assert_eq!(r.headers["content-security-policy"], vexil_server::http::API_CSP, "{}", r.status);
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{}", r.status);
        assert_eq!(r.headers["referrer-policy"], "no-referrer", "{}", r.status);
        assert_eq!(r.headers["x-frame-options"], "DENY", "{}", r.status);
        let id = r.headers["x-request-id"].to_str().expect("text");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        assert!(ids.insert(id.to_owned()), "a fresh id per request: {id}");
    }
    let echoed =
        app.call(Method::GET, "/sdk/v1/config").token(&key).header("x-request-id", "trace-42").send().await;
    assert_eq!(echoed.headers["x-request-id"], "trace-42");
}

/// Every answer is counted under the route it matched, whichever part of the router
/// answered it (the admin API nested under `/api/v1`, the SDK and OFREP routes, the
/// health routes, and the dashboard's fallback as `unmatched`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_counted_under_its_route() {
    let app = TestApp::new(Db::Sqlite).await;
    app.create_flag("beta").await;
    let key = crate::sdk::sdk_key(&app, "production", "server").await;
    let asked = [
        app.call(Method::GET, "/api/v1/projects").token(&app.owner_token).send().await,
        app.call(Method::GET, "/sdk/v1/config").token(&key).send().await,
        app.call(Method::POST, "/ofrep/v1/evaluate/flags/beta")
            .header("x-api-key", &key)
            .json(serde_json::json!({"context": {"targetingKey": "u1"}}))
            .send()
            .await,
        app.call(Method::DELETE, "/sdk/v1/config").token(&key).send().await,
        app.call(Method::GET, "/healthz").send().await,
        app.call(Method::GET, "/no/such/page").send().await,
    ];
    let statuses: Vec<u16> = asked.iter().map(|r| r.status.as_u16()).collect();
    let metrics = app.call(Method::GET, "/metrics").send().await;
    assert_eq!(metrics.status, StatusCode::OK);
    for (method, route, status) in [
        ("GET", "/api/v1/projects", statuses[0]),
        ("GET", "/sdk/v1/config", statuses[1]),
        ("POST", "/ofrep/v1/evaluate/flags/{key}", statuses[2]),
        ("DELETE", "/sdk/v1/config", statuses[3]),
        ("GET", "/healthz", statuses[4]),
        ("GET", "unmatched", statuses[5]),
    ] {
        let series =
            format!(r#"vexil_http_requests_total{{method="{method}",route="{route}",status="{status}"}}"#);
        assert!(metrics.text.contains(&series), "{series} in\n{}", metrics.text);
    }
    assert_eq!(&statuses[..4], [200, 200, 200, 405]);
}
