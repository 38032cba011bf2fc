//! Bulk toggles, copies between environments and clones: many configuration writes in
//! one call, each through the one write path (audit, approvals, validation).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

crate::on_both_databases!(
    a_bulk_toggle_changes_every_matching_flag_with_one_audit_entry_each,
    a_bulk_toggle_is_refused_in_a_protected_environment_unless_break_glass_turns_off,
    a_bulk_toggle_needs_a_filter_and_a_known_environment,
    copy_promotes_a_configuration_and_is_audited,
    copy_to_a_protected_environment_opens_a_change_request,
    clone_makes_a_new_flag_with_the_same_variants_and_configurations,
);

const PROJECT: &str = "/api/v1/projects/default";

async fn tagged_flag(app: &TestApp, key: &str, tags: &[&str]) {
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags"))
        .json(json!({"key": key, "kind": "boolean", "tags": tags}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn config(app: &TestApp, flag: &str, env: &str) -> Value {
    let r = app.req(Method::GET, &format!("{PROJECT}/flags/{flag}/environments/{env}")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn audited(app: &TestApp, action: &str) -> Vec<Value> {
    let r = app.req(Method::GET, "/api/v1/audit?project=default&limit=500").send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().expect("items").iter().filter(|e| e["action"] == action).cloned().collect()
}

async fn protect_production(app: &TestApp) {
    let env = app.req(Method::GET, &format!("{PROJECT}/environments/production")).send().await;
    let r = app
        .req(Method::PATCH, &format!("{PROJECT}/environments/production"))
        .if_match(env.etag())
        .json(json!({"requires_approval": true, "required_approvals": 1}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_bulk_toggle_changes_every_matching_flag_with_one_audit_entry_each(app: TestApp) {
    tagged_flag(&app, "checkout-a", &["checkout"]).await;
    tagged_flag(&app, "checkout-b", &["checkout"]).await;
    tagged_flag(&app, "search", &["checkout"]).await;
    tagged_flag(&app, "checkout-c", &[]).await;
    // Already on: matched, left alone.
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags/checkout-b/environments/staging/toggle"))
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let before = audited(&app, "flag_config.toggle").await.len();

    let r = app
        .req(Method::POST, &format!("{PROJECT}/environments/staging/flags/toggle"))
        .json(json!({"filter": {"tag": "checkout", "key_prefix": "checkout-"}, "enabled": true, "comment": "launch"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["changed"], json!(["checkout-a"]));
    assert_eq!(r.body["unchanged"], json!(["checkout-b"]));
    assert_eq!(config(&app, "checkout-a", "staging").await["enabled"], true);
    assert_eq!(config(&app, "search", "staging").await["enabled"], false, "no key prefix match");
    assert_eq!(config(&app, "checkout-c", "staging").await["enabled"], false, "no tag match");
    assert_eq!(
        config(&app, "checkout-a", "production").await["enabled"],
        false,
        "other environments untouched"
    );
    let entries = audited(&app, "flag_config.toggle").await;
    assert_eq!(entries.len(), before + 1);
    assert_eq!(entries[0]["resource_key"], "default/checkout-a/staging");
    assert_eq!(entries[0]["comment"], "launch");

    // A key prefix alone; `_` and `%` are literal.
    tagged_flag(&app, "checkout_x", &[]).await;
    let r = app
        .req(Method::POST, &format!("{PROJECT}/environments/staging/flags/toggle"))
        .json(json!({"filter": {"key_prefix": "checkout_"}, "enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["changed"], json!(["checkout_x"]));
}

async fn a_bulk_toggle_is_refused_in_a_protected_environment_unless_break_glass_turns_off(app: TestApp) {
    tagged_flag(&app, "a", &["t"]).await;
    tagged_flag(&app, "b", &["t"]).await;
    for f in ["a", "b"] {
        let r = app
            .req(Method::POST, &format!("{PROJECT}/flags/{f}/environments/production/toggle"))
            .json(json!({"enabled": true}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    protect_production(&app).await;
    let url = format!("{PROJECT}/environments/production/flags/toggle");
    let r = app.req(Method::POST, &url).json(json!({"filter": {"tag": "t"}, "enabled": false})).send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.body["type"], "urn:vexil:problem:approval-required");
    assert_eq!(config(&app, "a", "production").await["enabled"], true, "nothing written");
    // Break-glass needs a reason and only turns off.
    let r = app
        .req(Method::POST, &url)
        .json(json!({"filter": {"tag": "t"}, "enabled": false, "break_glass": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app
        .req(Method::POST, &url)
        .json(json!({"filter": {"tag": "t"}, "enabled": true, "break_glass": true, "comment": "x"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app
        .req(Method::POST, &url)
        .json(
            json!({"filter": {"tag": "t"}, "enabled": false, "break_glass": true, "comment": "incident 42"}),
        )
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["changed"], json!(["a", "b"]));
    assert_eq!(audited(&app, "flag.break_glass_off").await.len(), 2);
}

async fn a_bulk_toggle_needs_a_filter_and_a_known_environment(app: TestApp) {
    let url = format!("{PROJECT}/environments/staging/flags/toggle");
    let r = app.req(Method::POST, &url).json(json!({"filter": {}, "enabled": true})).send().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/filter");
    let r = app.req(Method::POST, &url).json(json!({"filter": {"owner": "x"}, "enabled": true})).send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "unknown filter fields are refused: {}", r.body);
    let r = app
        .req(Method::POST, &format!("{PROJECT}/environments/nowhere/flags/toggle"))
        .json(json!({"filter": {"tag": "t"}, "enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Archived flags are not addressed.
    tagged_flag(&app, "a", &["t"]).await;
    tagged_flag(&app, "z", &["t"]).await;
    let r = app.req(Method::POST, &format!("{PROJECT}/flags/z/archive")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.req(Method::POST, &url).json(json!({"filter": {"tag": "t"}, "enabled": true})).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["changed"], json!(["a"]));
}

async fn copy_promotes_a_configuration_and_is_audited(app: TestApp) {
    app.create_flag("checkout").await;
    let staging = format!("{PROJECT}/flags/checkout/environments/staging");
    let r = app
        .req(Method::PATCH, &staging)
        .json(json!({"instructions": [
            {"kind": "add_targets", "variant": "on", "keys": ["alice"]},
            {"kind": "add_rule", "rule": {"id": "beta", "conditions": [{"attribute": "plan", "op": "in", "values": ["beta"]}], "serve": {"variant": "on"}}},
            {"kind": "set_rollout", "weights": [{"variant": "on", "weight": 20000}, {"variant": "off", "weight": 80000}]},
            {"kind": "turn_on"}
        ]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let url = format!("{PROJECT}/flags/checkout/copy");
    let r = app
        .req(Method::POST, &url)
        .json(json!({"from": "staging", "to": "production", "comment": "promote"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["outcome"], "applied");
    let (source, target) =
        (config(&app, "checkout", "staging").await, config(&app, "checkout", "production").await);
    for field in ["enabled", "off_variant", "targets", "rules", "default", "prerequisites"] {
        assert_eq!(source[field], target[field], "{field}");
    }
    let entries = audited(&app, "flag_config.copy").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["resource_key"], "default/checkout/production");
    assert_eq!(entries[0]["comment"], "copied from staging: promote");
    // Again: nothing to do, nothing written.
    let r = app.req(Method::POST, &url).json(json!({"from": "staging", "to": "production"})).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["outcome"], "unchanged");
    assert_eq!(audited(&app, "flag_config.copy").await.len(), 1);
    // Refusals.
    let r = app.req(Method::POST, &url).json(json!({"from": "staging", "to": "staging"})).send().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app.req(Method::POST, &url).json(json!({"from": "staging", "to": "nowhere"})).send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags/none/copy"))
        .json(json!({"from": "staging", "to": "production"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

async fn copy_to_a_protected_environment_opens_a_change_request(app: TestApp) {
    app.create_flag("checkout").await;
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags/checkout/environments/staging/toggle"))
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    protect_production(&app).await;
    let before = config(&app, "checkout", "production").await;
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags/checkout/copy"))
        .json(json!({"from": "staging", "to": "production"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.body["outcome"], "change_requested");
    let cr = &r.body["change_request"];
    assert_eq!(cr["state"], "open");
    assert_eq!(cr["environment"], "production");
    assert_eq!(cr["patch"]["instructions"], json!([{"kind": "turn_on"}]));
    assert_eq!(config(&app, "checkout", "production").await, before, "nothing written before approval");
}

async fn clone_makes_a_new_flag_with_the_same_variants_and_configurations(app: TestApp) {
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags"))
        .json(json!({"key": "colour", "kind": "string", "tags": ["ui"], "variants": [
            {"key": "red", "value": "red"}, {"key": "blue", "value": "blue"}
        ], "owner": "team-ui", "links": [{"kind": "docs", "url": "https://docs.example.com/colour"}],
           "properties": {"jira": "UI-7"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let original_salt = r.body["salt"].clone();
    let r = app
        .req(Method::PATCH, &format!("{PROJECT}/flags/colour/environments/staging"))
        .json(json!({"instructions": [{"kind": "set_default", "serve": {"variant": "blue"}}, {"kind": "turn_on"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    protect_production(&app).await;
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags/colour/clone"))
        .json(json!({"key": "colour-2", "name": "Colour again"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        r.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/api/v1/projects/default/flags/colour-2")
    );
    assert_eq!(r.body["flag"]["key"], "colour-2");
    assert_eq!(r.body["flag"]["name"], "Colour again");
    assert_eq!(r.body["flag"]["tags"], json!(["ui"]));
    // The metadata is copied too, as openapi.yaml says.
    assert_eq!(r.body["flag"]["owner"], "team-ui");
    assert_eq!(r.body["flag"]["links"], json!([{"kind": "docs", "url": "https://docs.example.com/colour"}]));
    assert_eq!(r.body["flag"]["properties"], json!({"jira": "UI-7"}));
    assert_ne!(r.body["flag"]["salt"], original_salt, "a clone buckets independently");
    assert_eq!(r.body["environments"]["staging"]["outcome"], "applied");
    // Production's configuration is the default one, the same in both: nothing to ask.
    assert_eq!(r.body["environments"]["production"]["outcome"], "unchanged");
    let copy = config(&app, "colour-2", "staging").await;
    assert_eq!(copy["enabled"], true);
    assert_eq!(copy["default"], json!({"variant": "blue"}));
    // A taken key.
    let r = app
        .req(Method::POST, &format!("{PROJECT}/flags/colour/clone"))
        .json(json!({"key": "colour-2"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}
