//! Places where the OpenAPI document and the server once disagreed (found by
//! scripts/schemathesis); each test pins the side they now agree on.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    a_body_that_is_an_array_is_refused_even_where_every_field_is_optional,
    a_context_must_be_an_object,
    an_integer_written_with_a_zero_fraction_is_that_integer,
    if_match_takes_one_etag_that_the_server_issued,
);

async fn a_body_that_is_an_array_is_refused_even_where_every_field_is_optional(app: TestApp) {
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default")
        .header("if-match", "*")
        .raw("application/json", "[null, null]")
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["detail"], "the body must be a JSON object");
}

async fn a_context_must_be_an_object(app: TestApp) {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/environments/production/evaluate")
        .json(json!({"context": [null, null], "flag": null}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .req(Method::POST, "/api/v1/projects/default/environments/production/evaluate")
        .json(json!({"context": {"key": "u1"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn an_integer_written_with_a_zero_fraction_is_that_integer(app: TestApp) {
    app.create_flag("split").await;
    let config = "/api/v1/projects/default/flags/split/environments/production";
    let body = r#"{"enabled": true, "off_variant": "off", "default": {"rollout": {"weights": [
        {"variant": "on", "weight": 41180.0}, {"variant": "off", "weight": 58820.0}]}}}"#;
    let r = app.req(Method::PUT, config).header("if-match", "*").raw("application/json", body).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["default"]["rollout"]["weights"][0]["weight"], 41180);
    // A fraction that is not zero is still no integer.
    let body = body.replace("41180.0", "41180.5").replace("58820.0", "58819.5");
    let r = app.req(Method::PUT, config).header("if-match", "*").raw("application/json", body).send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/default/rollout/weights/0/weight", "{}", r.body);
}

async fn if_match_takes_one_etag_that_the_server_issued(app: TestApp) {
    app.create_flag("f").await;
    let path = "/api/v1/projects/default/flags/f";
    let version = app.req(Method::GET, path).send().await.etag();
    let patch = |if_match: String| {
        app.req(Method::PATCH, path).header("if-match", &if_match).json(json!({"description": "x"})).send()
    };
    // Another server's tag, or a list: refused as the document says (400), not guessed at.
    assert_eq!(patch(r#""ms""#.to_owned()).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(patch(format!(r#""{version}", "{}""#, version + 1)).await.status, StatusCode::BAD_REQUEST);
    // A version that is not the current one: 412, also in the weak and bare forms.
    assert_eq!(patch(format!("W/\"{}\"", version + 5)).await.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(patch(format!("{version}")).await.status, StatusCode::OK);
    let pattern = crate::harness::openapi()["components"]["schemas"]["IfMatchValue"]["pattern"]
        .as_str()
        .expect("the document states the If-Match syntax")
        .to_owned();
    assert_eq!(pattern, r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#);
}
