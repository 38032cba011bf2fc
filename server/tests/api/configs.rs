use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(
    replacing_a_configuration_validates_it_and_bumps_the_environment_version,
    every_change_is_recorded_in_the_change_feed_in_order,
    toggle_needs_no_if_match_and_setting_the_same_state_changes_nothing,
    a_prerequisite_cycle_is_refused_with_409_naming_the_cycle,
    a_refused_write_leaves_no_trace,
    rules_without_ids_get_stable_generated_ids,
);

const PROD: &str = "/api/v1/projects/default/flags/f/environments/production";

async fn replacing_a_configuration_validates_it_and_bumps_the_environment_version(app: TestApp) {
    app.create_flag("f").await;
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "off",
            "targets": [{"variant": "on", "keys": ["alice"]}],
            "rules": [{"id": "de", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]},
                                                   {"attribute": "version", "op": "semver_gte", "values": ["2.0.0"]}],
                       "serve": {"rollout": {"weights": [{"variant": "on", "weight": 30000}, {"variant": "off", "weight": 70000}]}}}],
            "default": {"variant": "off"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.etag(), 2);
    assert_eq!(r.body["rules"][0]["serve"]["rollout"]["weights"][0]["weight"], 30000);
    let after = app.state.store.get_environment("default", "production").await.unwrap();
    assert_eq!(after.snapshot_version, env.snapshot_version + 1);
    let got = app.req(Method::GET, PROD).send().await;
    assert_eq!(got.etag(), 2);
    assert_eq!(got.body["targets"], json!([{"variant": "on", "keys": ["alice"]}]));

    let bad = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({"enabled": true, "off_variant": "nope", "default": {"rollout": {"weights": [{"variant": "on", "weight": 5}]}},
                     "rules": [{"id": "r", "conditions": [{"attribute": "v", "op": "semver_gt", "values": ["x"]}], "serve": {"variant": "on"}}]}))
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let pointers: Vec<&str> =
        bad.body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(
        pointers,
        ["/off_variant", "/rules/0/conditions/0/values/0", "/default/rollout/weights"],
        "{}",
        bad.body
    );
    let unknown_op = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                     "rules": [{"id": "r", "conditions": [{"attribute": "v", "op": "sounds_like", "values": ["x"]}], "serve": {"variant": "on"}}]}))
        .send()
        .await;
    assert_eq!(unknown_op.status, StatusCode::BAD_REQUEST, "{}", unknown_op.body);
    assert_eq!(unknown_op.body["errors"][0]["pointer"], "/rules/0/conditions/0/op");
    let unknown_segment = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                     "rules": [{"id": "r", "conditions": [{"op": "in_segment", "values": ["ghosts"]}], "serve": {"variant": "on"}}]}))
        .send()
        .await;
    assert_eq!(unknown_segment.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown_segment.body["errors"][0]["pointer"], "/rules/0/conditions/0/values/0");
}

async fn every_change_is_recorded_in_the_change_feed_in_order(app: TestApp) {
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let start = env.snapshot_version;
    app.create_flag("f").await;
    app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": true})).send().await;
    app.req(Method::POST, "/api/v1/projects/default/segments")
        .json(json!({"key": "beta", "included": ["u1"]}))
        .send()
        .await;
    app.req(Method::POST, "/api/v1/projects/default/flags/f/archive").send().await;
    let changes = app.state.store.changes_since(env.id, start, 100).await.unwrap();
    let summary: Vec<(i64, &str, &str)> =
        changes.iter().map(|c| (c.version - start, c.kind.as_str(), c.key.as_str())).collect();
    assert_eq!(
        summary,
        [(1, "flag", "f"), (2, "flag", "f"), (3, "segment", "beta"), (4, "flag_deleted", "f")]
    );
    let payload: serde_json::Value = serde_json::from_str(changes[1].payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["config"]["enabled"], true, "the payload is the flag as SDKs see it");
    assert_eq!(payload["key"], "f");
    assert!(changes[3].payload.is_none());
    let snapshot = app.state.store.environment_snapshot(env.id).await.unwrap();
    assert_eq!(snapshot.version as i64, start + 4);
}

async fn toggle_needs_no_if_match_and_setting_the_same_state_changes_nothing(app: TestApp) {
    app.create_flag("f").await;
    let on = app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": true})).send().await;
    assert_eq!(on.status, StatusCode::OK);
    assert_eq!(on.etag(), 2);
    let again = app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": true})).send().await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.etag(), 2, "no new version for the same state");
    let off = app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": false})).send().await;
    assert_eq!(off.body["enabled"], false);
    assert_eq!(off.etag(), 3);
    let bad = app.req(Method::POST, &format!("{PROD}/toggle")).json(json!({"enabled": "yes"})).send().await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let missing = app
        .req(Method::POST, "/api/v1/projects/default/flags/nope/environments/production/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn a_prerequisite_cycle_is_refused_with_409_naming_the_cycle(app: TestApp) {
    app.create_flag("a").await;
    app.create_flag("b").await;
    let set = |flag: &str, pre: &str| {
        app.req(Method::PUT, &format!("/api/v1/projects/default/flags/{flag}/environments/production"))
            .header("if-match", "*")
            .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                         "prerequisites": [{"flag": pre, "variant": "on"}]}))
            .send()
    };
    assert_eq!(set("a", "b").await.status, StatusCode::OK);
    let r = set("b", "a").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("cycle") && detail.contains("a") && detail.contains("b"), "{detail}");
    // The same prerequisite in another environment is fine: cycles are per environment.
    let r = app
        .req(Method::PUT, "/api/v1/projects/default/flags/b/environments/staging")
        .header("if-match", "*")
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                     "prerequisites": [{"flag": "a", "variant": "on"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_refused_write_leaves_no_trace(app: TestApp) {
    app.create_flag("f").await;
    let audit_before =
        app.req(Method::GET, "/api/v1/audit?limit=500").send().await.body["items"].as_array().unwrap().len();
    let env = app.state.store.get_environment("default", "production").await.unwrap();
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "zzz", "default": {"variant": "on"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .req(Method::PUT, PROD)
        .if_match(7)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let audit_after =
        app.req(Method::GET, "/api/v1/audit?limit=500").send().await.body["items"].as_array().unwrap().len();
    assert_eq!(audit_before, audit_after);
    let env_after = app.state.store.get_environment("default", "production").await.unwrap();
    assert_eq!(env.snapshot_version, env_after.snapshot_version);
    assert_eq!(app.req(Method::GET, PROD).send().await.etag(), 1);
}

async fn rules_without_ids_get_stable_generated_ids(app: TestApp) {
    app.create_flag("f").await;
    let r = app
        .req(Method::PUT, PROD)
        .if_match(1)
        .json(json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
                     "rules": [{"conditions": [], "serve": {"variant": "on"}}, {"id": "mine", "conditions": [], "serve": {"variant": "off"}}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let generated = r.body["rules"][0]["id"].as_str().unwrap().to_owned();
    assert!(generated.starts_with("rule-"), "{generated}");
    assert_eq!(r.body["rules"][1]["id"], "mine");
    let again = app
        .req(Method::PUT, PROD)
        .if_match(2)
        .json(json!({
        "enabled": true, "off_variant": "off", "default": {"variant": "off"}, "rules": r.body["rules"]}))
        .send()
        .await;
    assert_eq!(again.body["rules"][0]["id"], generated.as_str(), "ids sent back are kept");
}
