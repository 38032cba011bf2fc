//! What a `GET` returns can be sent back with `PUT` or `PATCH` unchanged: the round trip
//! every REST client, script and infrastructure-as-code tool makes. Read-only fields are
//! accepted; those that name the resource must name this one.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

crate::on_both_databases!(
    every_resource_read_with_get_can_be_written_back_unchanged,
    a_body_naming_another_resource_is_refused_with_422,
    unknown_fields_are_still_refused_next_to_read_only_ones,
);

const P: &str = "/api/v1/projects/default";

/// GETs `path`, optionally edits the body, writes it back with `method` and If-Match
/// of what was read, and returns the answer.
async fn round_trip(app: &TestApp, method: Method, path: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let read = app.req(Method::GET, path).send().await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let mut body = read.body.clone();
    edit(&mut body);
    let r = app.req(method.clone(), path).if_match(read.etag()).json(body).send().await;
    assert_eq!(r.status, StatusCode::OK, "{method} {path} with the GET body: {}", r.body);
    r.body
}

async fn every_resource_read_with_get_can_be_written_back_unchanged(app: TestApp) {
    app.create_flag("checkout").await;
    let r = app
        .req(Method::POST, &format!("{P}/segments"))
        .json(json!({"key": "beta", "included": ["u1"]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let config = format!("{P}/flags/checkout/environments/production");
    let before = app.req(Method::GET, &config).send().await.body;
    let after = round_trip(&app, Method::PUT, &config, |_| {}).await;
    assert_eq!(after["rules"], before["rules"]);
    let edited = round_trip(&app, Method::PUT, &config, |b| b["enabled"] = json!(true)).await;
    assert_eq!(edited["enabled"], true);

    let segment = format!("{P}/segments/beta");
    let after = round_trip(&app, Method::PUT, &segment, |b| b["included"] = json!(["u1", "u2"])).await;
    assert_eq!(after["included"], json!(["u1", "u2"]));

    let flag = format!("{P}/flags/checkout");
    let after = round_trip(&app, Method::PATCH, &flag, |b| b["name"] = json!("Checkout")).await;
    assert_eq!(after["name"], "Checkout");

    let env = format!("{P}/environments/staging");
    let after = round_trip(&app, Method::PATCH, &env, |b| b["name"] = json!("Stage")).await;
    assert_eq!(after["name"], "Stage");

    let after = round_trip(&app, Method::PATCH, P, |b| b["description"] = json!("the shop")).await;
    assert_eq!(after["description"], "the shop");

    let r = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": "vi@example.com", "password": "a-long-password", "role": "viewer"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let user = format!("/api/v1/users/{}", r.body["id"].as_str().expect("id"));
    let after = round_trip(&app, Method::PATCH, &user, |b| b["name"] = json!("Vi")).await;
    assert_eq!(after["name"], "Vi");
    // A user sends their own record back: role and disabled unchanged are no change.
    let vi = app.login("vi@example.com", "a-long-password").await;
    let read = app.call(Method::GET, &user).token(&vi).send().await;
    let mut body = read.body.clone();
    body["name"] = json!("Vi V.");
    let r = app.call(Method::PATCH, &user).token(&vi).if_match(read.etag()).json(body).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["name"].as_str(), r.body["role"].as_str()), (Some("Vi V."), Some("viewer")));
    let mut body = r.body.clone();
    body["role"] = json!("admin");
    let r = app.call(Method::PATCH, &user).token(&vi).if_match(r.etag()).json(body).send().await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a changed role is still a promotion: {}", r.body);
}

async fn a_body_naming_another_resource_is_refused_with_422(app: TestApp) {
    app.create_flag("checkout").await;
    let config = format!("{P}/flags/checkout/environments/production");
    let read = app.req(Method::GET, &config).send().await;
    for (field, value) in [("flag", "other"), ("environment", "staging")] {
        let mut body = read.body.clone();
        body[field] = json!(value);
        let r = app.req(Method::PUT, &config).if_match(read.etag()).json(body).send().await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
        assert_eq!(r.body["errors"][0]["pointer"], format!("/{field}"));
    }
    let flag = format!("{P}/flags/checkout");
    let read = app.req(Method::GET, &flag).send().await;
    for (field, value) in [("key", json!("other")), ("kind", json!("string")), ("salt", json!("0000"))] {
        let mut body = read.body.clone();
        body[field] = value;
        let r = app.req(Method::PATCH, &flag).if_match(read.etag()).json(body).send().await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
        assert_eq!(r.body["errors"][0]["pointer"], format!("/{field}"));
    }
    let me = app.req(Method::GET, "/api/v1/auth/me").send().await;
    let user = format!("/api/v1/users/{}", me.body["user"]["id"].as_str().expect("id"));
    let read = app.req(Method::GET, &user).send().await;
    for (field, value) in [("id", "someone-else"), ("email", "other@example.com")] {
        let mut body = read.body.clone();
        body[field] = json!(value);
        let r = app.req(Method::PATCH, &user).if_match(read.etag()).json(body).send().await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
        assert_eq!(r.body["errors"][0]["pointer"], format!("/{field}"));
    }
}

async fn unknown_fields_are_still_refused_next_to_read_only_ones(app: TestApp) {
    app.create_flag("checkout").await;
    let config = format!("{P}/flags/checkout/environments/production");
    let read = app.req(Method::GET, &config).send().await;
    let mut body = read.body.clone();
    body["enabeld"] = json!(true);
    let r = app.req(Method::PUT, &config).if_match(read.etag()).json(body).send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/enabeld");
}
