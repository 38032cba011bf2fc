use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(bad_inputs_get_the_documented_problem_responses);

async fn bad_inputs_get_the_documented_problem_responses(app: TestApp) {
    let flags = "/api/v1/projects/default/flags";
    let cases: Vec<(&str, crate::harness::Resp, StatusCode)> = vec![
        (
            "oversized body",
            app.req(Method::POST, flags)
                .raw("application/json", vec![b' '; vexil_core::limits::MAX_DOCUMENT_BYTES + 1])
                .send()
                .await,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "unknown field",
            app.req(Method::POST, flags)
                .json(json!({"key": "a", "kind": "boolean", "colour": 1}))
                .send()
                .await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong content type",
            app.req(Method::POST, flags).raw("text/plain", "{}").send().await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "no content type",
            app.req(Method::POST, flags).raw("", "{}").send().await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "malformed JSON",
            app.req(Method::POST, flags).raw("application/json", "{\"key\": ").send().await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "not JSON at all",
            app.req(Method::POST, flags).raw("application/json", "\u{0}\u{ff}garbage").send().await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "trailing data",
            app.req(Method::POST, flags)
                .raw("application/json", "{\"key\":\"a\",\"kind\":\"boolean\"} x")
                .send()
                .await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong type",
            app.req(Method::POST, flags).json(json!({"key": 5, "kind": "boolean"})).send().await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "deeply nested",
            app.req(Method::POST, flags).raw("application/json", "[".repeat(5000)).send().await,
            StatusCode::BAD_REQUEST,
        ),
        ("unknown route", app.req(Method::GET, "/api/v1/nothing/here").send().await, StatusCode::NOT_FOUND),
        ("unknown SDK route", app.call(Method::GET, "/sdk/v1/nothing").send().await, StatusCode::NOT_FOUND),
        (
            "wrong method",
            app.req(Method::PUT, flags).json(json!({})).send().await,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "unknown project",
            app.req(Method::GET, "/api/v1/projects/ghost/flags/x").send().await,
            StatusCode::NOT_FOUND,
        ),
        ("no credentials", app.call(Method::GET, flags).send().await, StatusCode::UNAUTHORIZED),
        (
            "garbage credentials",
            app.call(Method::GET, flags).token("not-a-token").send().await,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "unknown API token",
            app.call(Method::GET, flags).token("vx_api_0000").send().await,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "non-UTF-8 path",
            app.req(Method::GET, "/api/v1/projects/%FF%FE/flags").send().await,
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (name, r, expected) in cases {
        assert_eq!(r.status, expected, "{name}: {}", r.text);
        assert_eq!(r.content_type(), "application/problem+json", "{name}");
        assert_eq!(r.body["status"], expected.as_u16(), "{name}");
        assert!(r.body["type"].as_str().unwrap().starts_with("urn:vexil:problem:"), "{name}");
        assert!(!r.body["title"].as_str().unwrap().is_empty(), "{name}");
        assert!(!r.body["detail"].as_str().unwrap().is_empty(), "{name}");
    }
    let unknown =
        app.req(Method::POST, flags).json(json!({"key": "a", "kind": "boolean", "colour": 1})).send().await;
    assert_eq!(unknown.body["errors"][0]["pointer"], "/colour");
    let nested_unknown = app
        .req(Method::POST, flags)
        .json(json!({"key": "a", "kind": "boolean", "variants": [{"key": "on", "value": true, "weight": 1}]}))
        .send()
        .await;
    assert_eq!(nested_unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(nested_unknown.body["errors"][0]["pointer"], "/variants/0/weight", "{}", nested_unknown.body);
}
