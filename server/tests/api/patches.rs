//! `PATCH .../flags/{flag}/environments/{env}`: semantic patches through the API.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;

crate::on_both_databases!(
    each_instruction_changes_what_it_names,
    a_failing_instruction_leaves_nothing_applied,
    a_patch_without_if_match_between_two_writes_keeps_both,
    a_stale_if_match_is_refused_and_a_current_one_applies,
    set_rollout_keeps_everyone_the_new_shares_allow,
    a_patch_whose_result_is_invalid_is_refused_with_422,
    a_patch_that_changes_nothing_writes_nothing,
);

/// What must hold of the configuration after an instruction.
type Check = Box<dyn Fn(&Value) -> bool>;

const CONFIG: &str = "/api/v1/projects/default/flags/checkout/environments/production";

async fn patch(app: &TestApp, instructions: Value) -> crate::harness::Resp {
    app.req(Method::PATCH, CONFIG).json(json!({"instructions": instructions})).send().await
}

async fn current(app: &TestApp) -> crate::harness::Resp {
    app.req(Method::GET, CONFIG).send().await
}

async fn setup(app: &TestApp) {
    app.create_flag("checkout").await;
    app.create_flag("base").await;
    let r = app
        .req(Method::POST, "/api/v1/projects/default/segments")
        .json(json!({"key": "beta", "included": ["u1"]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn each_instruction_changes_what_it_names(app: TestApp) {
    setup(&app).await;
    let in_beta = json!({"attribute": "key", "op": "in_segment", "values": ["beta"]});
    let steps: Vec<(Value, Check)> = vec![
        (json!({"kind": "turn_on"}), Box::new(|c: &Value| c["enabled"] == true)),
        (json!({"kind": "turn_off"}), Box::new(|c: &Value| c["enabled"] == false)),
        (json!({"kind": "set_off_variant", "variant": "on"}), Box::new(|c: &Value| c["off_variant"] == "on")),
        (
            json!({"kind": "set_default", "serve": {"variant": "off"}}),
            Box::new(|c: &Value| c["default"] == json!({"variant": "off"})),
        ),
        (
            json!({"kind": "add_rule", "rule": {"id": "beta", "conditions": [in_beta], "serve": {"variant": "on"}}}),
            Box::new(|c: &Value| c["rules"][0]["id"] == "beta"),
        ),
        (
            json!({"kind": "add_rule", "rule": {"conditions": [], "serve": {"variant": "off"}}, "position": 0}),
            Box::new(|c: &Value| {
                c["rules"].as_array().unwrap().len() == 2
                    && c["rules"][0]["id"].as_str().unwrap().starts_with("rule-")
            }),
        ),
        (
            json!({"kind": "move_rule", "rule": "beta", "position": 0}),
            Box::new(|c: &Value| c["rules"][0]["id"] == "beta"),
        ),
        (
            json!({"kind": "set_rule_serve", "rule": "beta", "serve": {"variant": "off"}}),
            Box::new(|c: &Value| c["rules"][0]["serve"] == json!({"variant": "off"})),
        ),
        (
            json!({"kind": "replace_rule", "rule": {"id": "beta", "conditions": [], "serve": {"variant": "on"}}}),
            Box::new(|c: &Value| c["rules"][0]["conditions"] == json!([])),
        ),
        (
            json!({"kind": "set_rollout", "rule": "beta", "weights": [{"variant": "on", "weight": 25000}, {"variant": "off", "weight": 75000}]}),
            Box::new(|c: &Value| c["rules"][0]["serve"]["rollout"]["weights"][0]["weight"] == 25000),
        ),
        (
            json!({"kind": "remove_rule", "rule": "beta"}),
            Box::new(|c: &Value| c["rules"].as_array().unwrap().len() == 1),
        ),
        (
            json!({"kind": "add_targets", "variant": "on", "keys": ["alice", "bob"]}),
            Box::new(|c: &Value| c["targets"] == json!([{"variant": "on", "keys": ["alice", "bob"]}])),
        ),
        (
            json!({"kind": "remove_targets", "keys": ["alice"]}),
            Box::new(|c: &Value| c["targets"] == json!([{"variant": "on", "keys": ["bob"]}])),
        ),
        (
            json!({"kind": "add_prerequisite", "flag": "base", "variant": "on"}),
            Box::new(|c: &Value| c["prerequisites"] == json!([{"flag": "base", "variant": "on"}])),
        ),
        (
            json!({"kind": "remove_prerequisite", "flag": "base"}),
            Box::new(|c: &Value| c["prerequisites"] == json!([])),
        ),
        (
            json!({"kind": "set_prerequisites", "prerequisites": [{"flag": "base", "variant": "off"}]}),
            Box::new(|c: &Value| c["prerequisites"] == json!([{"flag": "base", "variant": "off"}])),
        ),
    ];
    for (instruction, holds) in steps {
        let before = current(&app).await;
        let r = patch(&app, json!([instruction.clone()])).await;
        assert_eq!(r.status, StatusCode::OK, "{instruction}: {}", r.body);
        assert!(holds(&r.body), "{instruction}: {}", r.body);
        assert_eq!(r.etag(), before.etag() + 1, "{instruction}: one new version");
    }
}

async fn a_failing_instruction_leaves_nothing_applied(app: TestApp) {
    setup(&app).await;
    let before = current(&app).await;
    let r = patch(&app, json!([{"kind": "turn_on"}, {"kind": "remove_rule", "rule": "ghost"}])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/instructions/1");
    assert!(r.body["errors"][0]["message"].as_str().unwrap().contains("ghost"), "{}", r.body);
    let after = current(&app).await;
    assert_eq!(after.etag(), before.etag());
    assert_eq!(after.body["enabled"], false, "the first instruction did not apply either");
    // Unknown kinds and fields are refused before anything is looked at.
    let r = patch(&app, json!([{"kind": "turnFlagOn"}])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = patch(&app, json!([{"kind": "turn_on", "colour": "red"}])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

async fn a_patch_without_if_match_between_two_writes_keeps_both(app: TestApp) {
    setup(&app).await;
    let read = current(&app).await;
    // Someone adds a rule with a full-document write...
    let mut body = read.body.clone();
    body["rules"] = json!([{"id": "germany", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]}], "serve": {"variant": "on"}}]);
    let put = app.req(Method::PUT, CONFIG).if_match(read.etag()).json(body).send().await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    // ...an automated step turns the flag on without having read that version...
    let r = patch(&app, json!([{"kind": "turn_on"}])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // ...and a second write based on the latest version targets a user.
    let latest = current(&app).await;
    let r = app
        .req(Method::PATCH, CONFIG)
        .if_match(latest.etag())
        .json(json!({"instructions": [{"kind": "add_targets", "variant": "on", "keys": ["vip"]}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["rules"][0]["id"], "germany");
    assert_eq!(r.body["enabled"], true);
    assert_eq!(r.body["targets"][0]["keys"], json!(["vip"]));
}

async fn a_stale_if_match_is_refused_and_a_current_one_applies(app: TestApp) {
    setup(&app).await;
    let v = current(&app).await.etag();
    let ok = app
        .req(Method::PATCH, CONFIG)
        .if_match(v)
        .json(json!({"instructions": [{"kind": "turn_on"}]}))
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let stale = app
        .req(Method::PATCH, CONFIG)
        .if_match(v)
        .json(json!({"instructions": [{"kind": "turn_off"}]}))
        .send()
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.body);
    assert_eq!(stale.body["current_version"], v + 1);
    assert_eq!(current(&app).await.body["enabled"], true);
}

async fn set_rollout_keeps_everyone_the_new_shares_allow(app: TestApp) {
    setup(&app).await;
    let r = patch(
        &app,
        json!([{"kind": "set_rollout", "weights": [{"variant": "off", "weight": 70000}, {"variant": "on", "weight": 30000}]}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Shares in another order, 35 % on: only 5 % of contexts move, all from off to on.
    let r = patch(
        &app,
        json!([{"kind": "set_rollout", "weights": [{"variant": "on", "weight": 35000}, {"variant": "off", "weight": 65000}]}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["default"]["rollout"]["weights"],
        json!([{"variant": "off", "weight": 65000}, {"variant": "on", "weight": 35000}])
    );
}

async fn a_patch_whose_result_is_invalid_is_refused_with_422(app: TestApp) {
    setup(&app).await;
    let before = current(&app).await;
    for instructions in [
        json!([{"kind": "set_default", "serve": {"variant": "maybe"}}]),
        json!([{"kind": "add_rule", "rule": {"conditions": [{"attribute": "key", "op": "in_segment", "values": ["ghost"]}], "serve": {"variant": "on"}}}]),
        json!([{"kind": "set_rollout", "weights": [{"variant": "on", "weight": 10}]}]),
        json!([{"kind": "add_prerequisite", "flag": "checkout", "variant": "on"}]),
    ] {
        let r = patch(&app, instructions.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{instructions}: {}", r.body);
    }
    assert_eq!(current(&app).await.etag(), before.etag());
}

async fn a_patch_that_changes_nothing_writes_nothing(app: TestApp) {
    setup(&app).await;
    let before = current(&app).await;
    let r = patch(&app, json!([{"kind": "turn_off"}, {"kind": "remove_targets", "keys": ["nobody"]}])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.etag(), before.etag());
    let audit = app.req(Method::GET, "/api/v1/audit?resource_type=flag_config").send().await;
    assert!(
        !audit.body["items"].as_array().unwrap().iter().any(|e| e["action"] == "flag_config.patch"),
        "{}",
        audit.body
    );
}
