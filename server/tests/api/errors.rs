use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    bad_inputs_get_the_documented_problem_responses,
    unknown_enum_values_are_named_in_the_api_terms_at_their_pointer,
    a_taken_key_or_email_is_a_conflict_naming_the_resource,
    length_bounds_apply_to_what_was_sent_blanks_included,
);

/// The document bounds what is sent (`maxLength`), so blanks the server trims count too
/// (schemathesis found an email padded past 254 characters accepted), and a break-glass
/// toggle without a comment is the 422 the document's `if`/`then` states.
async fn length_bounds_apply_to_what_was_sent_blanks_included(app: TestApp) {
    let padded_email = format!("{}ada@example.com", " ".repeat(250));
    let user = json!({"email": padded_email, "password": "a-long-enough-password", "role": "viewer"});
    let r = app.req(Method::POST, "/api/v1/users").json(user).send().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/email", "{}", r.body);

    app.req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "f", "kind": "boolean"}))
        .send()
        .await;
    let toggle = "/api/v1/projects/default/flags/f/environments/production/toggle";
    let padded_comment = format!("{}why", " ".repeat(1000));
    let r =
        app.req(Method::POST, toggle).json(json!({"enabled": true, "comment": padded_comment})).send().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/comment", "{}", r.body);
    let r = app.req(Method::POST, toggle).json(json!({"enabled": false, "break_glass": true})).send().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/comment", "{}", r.body);
    let r = app
        .req(Method::POST, toggle)
        .json(json!({"enabled": true, "comment": "  short, blanks around  "}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Unique constraints are recognised by name (PostgreSQL) or by their exact column list
/// (SQLite), and each answers 409 naming the kind of resource whose key is taken.
async fn a_taken_key_or_email_is_a_conflict_naming_the_resource(app: TestApp) {
    let p = "/api/v1/projects/default";
    let user = json!({"email": "ada@example.com", "password": "a-long-enough-password", "role": "viewer"});
    let cases = [
        ("/api/v1/projects".to_owned(), json!({"key": "shop"}), "a project with this key"),
        (format!("{p}/environments"), json!({"key": "qa"}), "an environment with this key"),
        (format!("{p}/flags"), json!({"key": "f", "kind": "boolean"}), "a flag with this key"),
        (format!("{p}/segments"), json!({"key": "beta", "included": ["u1"]}), "a segment with this key"),
        ("/api/v1/users".to_owned(), user, "a user with this email"),
    ];
    for (path, body, detail) in cases {
        let first = app.req(Method::POST, &path).json(body.clone()).send().await;
        assert_eq!(first.status, StatusCode::CREATED, "{path}: {}", first.body);
        let again = app.req(Method::POST, &path).json(body).send().await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{path}: {}", again.body);
        let said = again.body["detail"].as_str().unwrap_or_default();
        assert!(said.starts_with(detail), "{path}: {said}");
    }
}

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

async fn unknown_enum_values_are_named_in_the_api_terms_at_their_pointer(app: TestApp) {
    app.create_flag("f").await;
    let config = "/api/v1/projects/default/flags/f/environments/production";
    let version = app.req(Method::GET, config).send().await.etag();
    let cases = [
        (
            app.req(Method::PUT, config)
                .if_match(version)
                .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                    "rules": [{"conditions": [{"attribute": "plan", "op": "equals", "values": ["pro"]}],
                               "serve": {"variant": "on"}}]}))
                .send()
                .await,
            "/rules/0/conditions/0/op",
            r#"unknown operator "equals"; expected one of "in", "contains", "starts_with""#,
        ),
        (
            app.req(Method::PUT, config)
                .if_match(version)
                .json(json!({"enabled": true, "off_variant": "off", "default": {"percent": 50}}))
                .send()
                .await,
            "/default",
            r#"unknown kind of serve "percent"; expected one of "variant", "rollout""#,
        ),
        (
            app.req(Method::POST, "/api/v1/projects/default/flags")
                .json(json!({"key": "g", "kind": "bool"}))
                .send()
                .await,
            "/kind",
            r#"unknown kind "bool"; expected one of "boolean", "string", "number", "json""#,
        ),
        (
            app.req(Method::POST, "/api/v1/projects/default/flags")
                .json(json!({"key": "g", "kind": "boolean", "lifecycle": "forever"}))
                .send()
                .await,
            "/lifecycle",
            r#"unknown lifecycle "forever"; expected one of "temporary", "permanent""#,
        ),
        (
            app.req(Method::POST, "/api/v1/tokens").json(json!({"name": "t", "role": "root"})).send().await,
            "/role",
            r#"unknown role "root"; expected one of "viewer", "editor", "admin", "owner""#,
        ),
        (
            app.req(Method::POST, "/api/v1/projects/default/environments/production/sdk-keys")
                .json(json!({"kind": "mobile"}))
                .send()
                .await,
            "/kind",
            r#"unknown kind "mobile"; expected one of "server", "client""#,
        ),
        (
            app.req(Method::POST, "/api/v1/projects/default/segments")
                .json(json!({"key": "s", "name": "S",
                    "rules": [{"conditions": [{"attribute": "a", "op": "is", "values": ["x"]}]}]}))
                .send()
                .await,
            "/rules/0/conditions/0/op",
            r#"unknown operator "is"; expected one of "in""#,
        ),
    ];
    for (r, pointer, message) in cases {
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.body["errors"][0]["pointer"], pointer, "{}", r.text);
        let got = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(got.starts_with(message), "{got}");
        assert!(!got.contains('`') && !got.contains("variant `"), "no Rust quoting: {got}");
        assert!(r.body["detail"].as_str().unwrap().contains(message), "{}", r.body["detail"]);
    }
}
