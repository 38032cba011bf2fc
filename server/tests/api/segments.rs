use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    segments_can_be_created_read_replaced_and_deleted,
    deleting_a_segment_used_by_a_rule_returns_409_naming_the_rule,
);

async fn segments_can_be_created_read_replaced_and_deleted(app: TestApp) {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/segments")
        .json(json!({"key": "beta-testers", "name": "Beta testers", "included": ["u1"], "excluded": ["u9"],
                     "rules": [{"conditions": [{"attribute": "email", "op": "ends_with", "values": ["@acme.com"]}]}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.etag(), 1);
    let dup = app
        .req(Method::POST, "/api/v1/projects/default/segments")
        .json(json!({"key": "beta-testers"}))
        .send()
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    let nested = app
        .req(Method::POST, "/api/v1/projects/default/segments")
        .json(json!({"key": "nested", "rules": [{"conditions": [{"op": "in_segment", "values": ["beta-testers"]}]}]}))
        .send()
        .await;
    assert_eq!(nested.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", nested.body);
    let r = app
        .req(Method::PUT, "/api/v1/projects/default/segments/beta-testers")
        .if_match(1)
        .json(json!({"name": "Beta", "included": ["u1", "u2"]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["included"], json!(["u1", "u2"]));
    assert_eq!(r.body["rules"], json!([]));
    let renamed = app
        .req(Method::PUT, "/api/v1/projects/default/segments/beta-testers")
        .if_match(2)
        .json(json!({"key": "other"}))
        .send()
        .await;
    assert_eq!(renamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = app.req(Method::GET, "/api/v1/projects/default/segments").send().await;
    assert_eq!(list.body["items"][0]["key"], "beta-testers");
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let snapshot = app.state.store.environment_snapshot(env.id).await.unwrap();
    assert_eq!(snapshot.segments[0].included, ["u1", "u2"]);
    let r =
        app.req(Method::DELETE, "/api/v1/projects/default/segments/beta-testers").if_match(2).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.req(Method::GET, "/api/v1/projects/default/segments/beta-testers").send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn deleting_a_segment_used_by_a_rule_returns_409_naming_the_rule(app: TestApp) {
    app.req(Method::POST, "/api/v1/projects/default/segments").json(json!({"key": "vip"})).send().await;
    app.create_flag("perks").await;
    let r = app
        .req(Method::PUT, "/api/v1/projects/default/flags/perks/environments/staging")
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
                     "rules": [{"id": "vips", "conditions": [{"op": "in_segment", "values": ["vip"]}], "serve": {"variant": "on"}}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.req(Method::DELETE, "/api/v1/projects/default/segments/vip").if_match(1).send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let d = r.body["dependents"][0].as_str().unwrap();
    assert!(d.contains("perks") && d.contains("staging") && d.contains("vips"), "{d}");
}
