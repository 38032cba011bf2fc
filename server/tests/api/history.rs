//! Restoring an earlier version of a configuration: roll back without a redeploy.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

crate::on_both_databases!(
    an_earlier_version_comes_back_as_a_new_version_with_its_exact_rollout,
    a_restore_is_validated_like_any_write_and_needs_an_editor,
);

const P: &str = "/api/v1/projects/default";
const CONFIG: &str = "/api/v1/projects/default/flags/theme/environments/production";

async fn setup(app: &TestApp) {
    let r = app
        .req(Method::POST, &format!("{P}/flags"))
        .json(json!({"key": "theme", "kind": "string", "variants": [
            {"key": "light", "value": "light"}, {"key": "dark", "value": "dark"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn restore(app: &TestApp, body: Value) -> crate::harness::Resp {
    app.req(Method::POST, &format!("{CONFIG}/restore")).json(body).send().await
}

fn without_version(mut config: Value) -> Value {
    for field in ["version", "updated_at"] {
        config.as_object_mut().expect("an object").remove(field);
    }
    config
}

async fn an_earlier_version_comes_back_as_a_new_version_with_its_exact_rollout(app: TestApp) {
    setup(&app).await;
    let v1 = app.req(Method::GET, CONFIG).send().await.body;
    // Version 2: a 30/70 rollout laid out dark first (as the API allows).
    let rollout = json!({"enabled": true, "off_variant": "light", "default": {"rollout": {"weights": [
        {"variant": "dark", "weight": 30000}, {"variant": "light", "weight": 70000}]}}, "rules": []});
    let r = app.req(Method::PUT, CONFIG).if_match(1).json(rollout).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v2 = r.body;
    // Version 3: someone changes the shares and turns it off.
    let r = app
        .req(Method::PATCH, CONFIG)
        .json(json!({"instructions": [{"kind": "set_rollout", "weights": [
            {"variant": "light", "weight": 50000}, {"variant": "dark", "weight": 50000}]}, {"kind": "turn_off"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["version"], 3);

    let r = restore(&app, json!({"version": 2, "comment": "the 50/50 split hurt conversion"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["version"], 4, "a restore is a new version");
    assert_eq!(r.etag(), 4);
    assert_eq!(without_version(r.body.clone()), without_version(v2.clone()), "the exact layout of version 2");

    // Restoring what is current writes nothing.
    let again = restore(&app, json!({"version": 2})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["version"], 4);

    // Version 1 is the configuration the flag was created with.
    let r = restore(&app, json!({"version": 1})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(without_version(r.body.clone()), without_version(v1));

    let audit = app.req(Method::GET, "/api/v1/audit?resource_key=default/theme/production").send().await;
    let entry = &audit.body["items"][1];
    assert_eq!(entry["action"], "flag_config.restore", "{}", audit.body);
    assert_eq!(entry["comment"], "restored version 2: the 50/50 split hurt conversion");
}

async fn a_restore_is_validated_like_any_write_and_needs_an_editor(app: TestApp) {
    setup(&app).await;
    let r = app
        .req(Method::POST, &format!("{P}/segments"))
        .json(json!({"key": "beta", "included": ["u1"]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rule = json!({"kind": "add_rule", "rule": {"id": "beta", "conditions": [
        {"attribute": "key", "op": "in_segment", "values": ["beta"]}], "serve": {"variant": "dark"}}});
    let r = app.req(Method::PATCH, CONFIG).json(json!({"instructions": [rule]})).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .req(Method::PATCH, CONFIG)
        .json(json!({"instructions": [{"kind": "remove_rule", "rule": "beta"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.req(Method::DELETE, &format!("{P}/segments/beta")).header("if-match", "*").send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

    // Version 2 names a segment that is gone.
    let r = restore(&app, json!({"version": 2})).await;
    assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY || r.status == StatusCode::CONFLICT, "{r:?}");
    assert!(r.text.contains("beta"), "{}", r.text);
    assert_eq!(app.req(Method::GET, CONFIG).send().await.body["version"], 3, "nothing was written");

    let r = restore(&app, json!({"version": 99})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app
        .req(Method::POST, &format!("{CONFIG}/restore"))
        .if_match(1)
        .json(json!({"version": 1}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    let viewer = app.token_with_role("viewer", None).await;
    let r = app
        .call(Method::POST, &format!("{CONFIG}/restore"))
        .token(&viewer)
        .json(json!({"version": 1}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}
