//! Release plans: created and driven by hand through the API, and driven by the runner
//! from the usage and metric batches SDKs send — rolled back by itself when the
//! treatment's error rate is worse, completed when it is not.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use vexil_core::{CompiledSnapshot, Context, Snapshot};

use crate::harness::{Db, TestApp};
use crate::sdk::sdk_key;

crate::on_both_databases!(
    a_release_plan_is_checked_and_driven_by_hand,
    a_draft_plan_rolled_back_is_discarded_and_changes_nothing,
    every_number_of_a_plan_is_bounded_and_named,
    manual_actions_take_an_optional_comment,
    the_gate_takes_a_viewer_token_in_the_webhook_metadata
);

const PLAN: &str = "/api/v1/projects/default/flags/f/environments/production/release-plan";

async fn boolean_flag_on(app: &TestApp) {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "f", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags/f/environments/production/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn config(app: &TestApp) -> Value {
    let r = app.req(Method::GET, "/api/v1/projects/default/flags/f/environments/production").send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn act(app: &TestApp, action: &str) -> (StatusCode, Value) {
    let r = app.req(Method::POST, &format!("{PLAN}/{action}")).send().await;
    (r.status, r.body)
}

/// The gate's status (as a webhook sees it) and the verdict's body (as a web metric
/// reads it), which must agree.
async fn verdict(app: &TestApp) -> (StatusCode, Value) {
    let gate = app
        .req(Method::POST, &format!("{PLAN}/gate"))
        .json(json!({"name": "podinfo", "phase": "Progressing"}))
        .send()
        .await;
    let metric = app.req(Method::GET, &format!("{PLAN}/verdict")).send().await;
    assert_eq!(metric.status, StatusCode::OK, "{}", metric.body);
    assert_eq!(gate.body, metric.body);
    (gate.status, metric.body)
}

async fn a_release_plan_is_checked_and_driven_by_hand(app: TestApp) {
    boolean_flag_on(&app).await;
    assert_eq!(app.req(Method::GET, PLAN).send().await.status, StatusCode::NOT_FOUND);
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "nope", "steps": [{"percent": 50}, {"percent": 20}],
                     "guardrails": [{"event": "http_5xx", "measure": "rate", "tolerance": -1}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let pointers: Vec<&str> =
        r.body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/control", "/steps/1/percent", "/steps/1/percent", "/guardrails/0/tolerance"]);

    let spec = json!({"treatment": "on", "control": "off",
                      "guardrails": [{"event": "http_5xx", "measure": "rate"}]});
    let r = app.req(Method::POST, PLAN).json(spec.clone()).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["state"], "draft");
    let percents: Vec<f64> =
        r.body["steps"].as_array().unwrap().iter().map(|s| s["percent"].as_f64().unwrap()).collect();
    assert_eq!(percents, [1.0, 5.0, 25.0, 50.0, 100.0]);
    // One unfinished plan per flag and environment.
    let r = app.req(Method::POST, PLAN).json(spec.clone()).send().await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(act(&app, "pause").await.0, StatusCode::CONFLICT);

    let (status, found) = verdict(&app).await;
    assert_eq!(
        (status, found["healthy"].clone(), found["percent"].clone()),
        (StatusCode::OK, json!(true), json!(0.0))
    );
    let (status, plan) = act(&app, "start").await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["state"], "running");
    assert_eq!(
        config(&app).await["default"],
        json!({"rollout": {"weights": [{"variant": "on", "weight": 1000}, {"variant": "off", "weight": 99000}]}})
    );
    assert_eq!(act(&app, "pause").await.1["state"], "paused");
    assert_eq!(act(&app, "resume").await.1["state"], "running");
    let (_, plan) = act(&app, "advance").await;
    assert_eq!(plan["step"], 1);
    assert_eq!(
        config(&app).await["default"],
        json!({"rollout": {"weights": [{"variant": "on", "weight": 5000}, {"variant": "off", "weight": 95000}]}})
    );
    // A stale If-Match is refused.
    let r = app.req(Method::POST, &format!("{PLAN}/rollback")).header("if-match", "\"1\"").send().await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    let (status, plan) = act(&app, "rollback").await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["state"], "rolled_back");
    assert!(plan["reason"].as_str().unwrap().starts_with("rollback by user:"), "{plan}");
    assert_eq!(config(&app).await["default"], json!({"variant": "off"}));
    let (status, found) = verdict(&app).await;
    assert_eq!(
        (status, found["healthy"].clone(), found["state"].clone()),
        (StatusCode::SERVICE_UNAVAILABLE, json!(false), json!("rolled_back"))
    );
    assert_eq!(act(&app, "start").await.0, StatusCode::CONFLICT);
    // The finished plan stays readable, and a new one may be made.
    assert_eq!(app.req(Method::GET, PLAN).send().await.body["state"], "rolled_back");
    assert_eq!(app.req(Method::POST, PLAN).json(spec).send().await.status, StatusCode::CREATED);

    let audit = app.req(Method::GET, "/api/v1/audit?project=default&resource_type=release_plan").send().await;
    let mut actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.reverse();
    assert_eq!(
        actions,
        [
            "release_plan.create",
            "release_plan.start",
            "release_plan.pause",
            "release_plan.resume",
            "release_plan.advance",
            "release_plan.rollback",
            "release_plan.create"
        ]
    );
}

async fn a_draft_plan_rolled_back_is_discarded_and_changes_nothing(app: TestApp) {
    boolean_flag_on(&app).await;
    let env = app.req(Method::GET, "/api/v1/projects/default/environments/production").send().await;
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/environments/production")
        .if_match(env.etag())
        .json(json!({"requires_approval": true, "required_approvals": 1}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let before = config(&app).await;
    let spec = json!({"treatment": "on", "control": "off"});
    assert_eq!(app.req(Method::POST, PLAN).json(spec.clone()).send().await.status, StatusCode::CREATED);
    // Starting asks for approval (a change request); a draft waiting for one does not
    // block the flag for good either: rolling it back discards it...
    let (status, plan) = act(&app, "start").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{plan}");
    let request = plan["change_request_id"].clone();
    let (status, plan) = act(&app, "rollback").await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["state"], "rolled_back");
    assert_eq!(config(&app).await, before);
    // ...and its request, approved later, no longer starts anything or writes.
    let bob = person(&app, "bob", "editor").await;
    let r = app
        .call(Method::POST, &format!("/api/v1/projects/default/change-requests/{request}/approve"))
        .token(&bob)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "conflicted", "{}", r.body);
    assert_eq!(config(&app).await, before);
    assert_eq!(app.req(Method::POST, PLAN).json(spec).send().await.status, StatusCode::CREATED);
}

/// Creates a user with `role` and returns a login token for them.
async fn person(app: &TestApp, name: &str, role: &str) -> String {
    let email = format!("{name}@example.com");
    let r = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": email, "password": "a-long-password", "role": role}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    app.login(&email, "a-long-password").await
}

/// Makes production require `n` approvals.
async fn protect(app: &TestApp, n: i64) {
    let env = app.req(Method::GET, "/api/v1/projects/default/environments/production").send().await;
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/environments/production")
        .if_match(env.etag())
        .json(json!({"requires_approval": true, "required_approvals": n}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Where approval is required, starting a plan opens a change request; its approval
/// starts the plan, and the steps the runner takes afterwards are covered by it.
async fn a_plan_starts_through_a_change_request_where_approval_is_required(app: TestApp) {
    boolean_flag_on(&app).await;
    protect(&app, 1).await;
    let before = config(&app).await;
    let step = |percent: f64| json!({"percent": percent, "min_duration_seconds": 0, "min_exposures": 0});
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off", "steps": [step(50.0), step(100.0)]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let r = app.req(Method::POST, &format!("{PLAN}/start")).json(json!({"comment": "ship it"})).send().await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.body["state"], "draft");
    let request = r.body["change_request_id"].as_i64().expect("a change request");
    assert_eq!(config(&app).await, before, "nothing is written before the approval");
    // One request at a time.
    assert_eq!(act(&app, "start").await.0, StatusCode::CONFLICT);
    let cr =
        app.req(Method::GET, &format!("/api/v1/projects/default/change-requests/{request}")).send().await;
    assert_eq!(cr.body["state"], "open", "{}", cr.body);
    assert_eq!(
        cr.body["diff"]["after"]["default"],
        json!({"rollout": {"weights": [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]}})
    );
    let bob = person(&app, "bob", "editor").await;
    let r = app
        .call(Method::POST, &format!("/api/v1/projects/default/change-requests/{request}/approve"))
        .token(&bob)
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "applied", "{}", r.body);
    // Started by the approval; the runner then steps to 100 % and completes by itself,
    // its writes covered by that approval.
    let plan = plan_when(&app, |p| p["state"] == "completed").await;
    assert_eq!(
        config(&app).await["default"],
        json!({"rollout": {"weights": [{"variant": "on", "weight": 100000}]}})
    );
    let audit = app.req(Method::GET, "/api/v1/audit?project=default&resource_type=release_plan").send().await;
    let entries = audit.body["items"].as_array().unwrap();
    let start = entries.iter().find(|e| e["action"] == "release_plan.start").expect("a start entry");
    let comment = start["comment"].as_str().unwrap();
    assert!(comment.contains(&format!("change request {request}")), "{comment}");
    assert!(comment.contains("covers the plan's later steps"), "{comment}");
    let asked =
        entries.iter().find(|e| e["action"] == "release_plan.request_start").expect("a request entry");
    assert!(asked["comment"].as_str().unwrap().contains("ship it"), "{asked}");
    let patches = app
        .req(
            Method::GET,
            &format!("/api/v1/audit?project=default&actor=release-plan:{id}&resource_type=flag_config"),
        )
        .send()
        .await;
    assert!(!patches.body["items"].as_array().unwrap().is_empty(), "{}", patches.body);
    assert_eq!(plan["state"], "completed");
}

mod a_plan_starts_through_a_change_request_where_approval_is_required {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::a_plan_starts_through_a_change_request_where_approval_is_required(
            super::fast_runner(super::Db::Postgres).await,
        )
        .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::a_plan_starts_through_a_change_request_where_approval_is_required(
            super::fast_runner(super::Db::Sqlite).await,
        )
        .await;
    }
}

/// A running plan whose place someone edits by hand pauses and says why, rather than
/// overwriting the change with its next step; resuming writes its split again on top
/// of the configuration as it is now. Turning the flag off pauses it too.
async fn a_manual_change_to_the_place_pauses_the_plan(app: TestApp) {
    boolean_flag_on(&app).await;
    // Long steps: the runner holds, and only the manual change can move the plan.
    let step = |percent: f64| json!({"percent": percent, "min_duration_seconds": 3600, "min_exposures": 0});
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off", "steps": [step(20.0), step(100.0)]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(act(&app, "start").await.0, StatusCode::OK);
    let split = json!({"rollout": {"weights": [{"variant": "on", "weight": 20000}, {"variant": "off", "weight": 80000}]}});
    assert_eq!(config(&app).await["default"], split);
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/f/environments/production")
        .json(json!({"instructions": [{"kind": "set_default", "serve": {"variant": "off"}}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let plan = plan_when(&app, |p| p["state"] != "running").await;
    assert_eq!(plan["state"], "paused", "{plan}");
    let reason = plan["reason"].as_str().unwrap();
    assert!(reason.contains("the default serve was changed by someone else"), "{reason}");
    assert!(reason.contains("does not overwrite"), "{reason}");
    assert_eq!(config(&app).await["default"], json!({"variant": "off"}), "the manual change stays");
    let audit = app
        .req(
            Method::GET,
            &format!("/api/v1/audit?project=default&actor=release-plan:{id}&resource_type=release_plan"),
        )
        .send()
        .await;
    assert_eq!(audit.body["items"][0]["action"], "release_plan.pause", "{}", audit.body);
    assert_eq!(audit.body["items"][0]["comment"], reason);
    // Resume: the step's split again, and the plan runs (holds) without pausing.
    let (status, plan) = act(&app, "resume").await;
    assert_eq!((status, plan["state"].clone()), (StatusCode::OK, json!("running")), "{plan}");
    assert_eq!(config(&app).await["default"], split);
    // The kill switch: the plan notices and pauses, and leaves the flag off.
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags/f/environments/production/toggle")
        .json(json!({"enabled": false}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let plan = plan_when(&app, |p| p["state"] != "running").await;
    assert!(plan["reason"].as_str().unwrap().contains("the flag was turned off"), "{plan}");
    assert_eq!(config(&app).await["enabled"], json!(false));
}

mod a_manual_change_to_the_place_pauses_the_plan {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::a_manual_change_to_the_place_pauses_the_plan(super::fast_runner(super::Db::Postgres).await)
            .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::a_manual_change_to_the_place_pauses_the_plan(super::fast_runner(super::Db::Sqlite).await)
            .await;
    }
}

async fn every_number_of_a_plan_is_bounded_and_named(app: TestApp) {
    boolean_flag_on(&app).await;
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off", "planned_exposures": 10_000_000_000_u64,
                     "steps": [{"percent": 100, "min_duration_seconds": 1_000_000_000_u64, "min_exposures": 1_000_000_000_000_u64}],
                     "guardrails": [{"event": "latency_ms", "measure": "p95", "tolerance": 11, "absolute_tolerance": 1e13}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let pointers: Vec<&str> =
        r.body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(
        pointers,
        [
            "/steps/0/min_duration_seconds",
            "/steps/0/min_exposures",
            "/guardrails/0/tolerance",
            "/guardrails/0/absolute_tolerance",
            "/planned_exposures"
        ],
        "{}",
        r.body
    );
    let messages = r.body["errors"].to_string();
    assert!(messages.contains("at most 2592000 (30 days)"), "{messages}");
    // At the bounds, taken.
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off", "planned_exposures": 1_000_000_000,
                     "steps": [{"percent": 100, "min_duration_seconds": 2_592_000, "min_exposures": 100_000_000}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Beyond what the field's type holds: a 400 naming the field.
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off", "steps": [{"percent": 100, "min_duration_seconds": -1}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/steps/0/min_duration_seconds", "{}", r.body);
}

async fn manual_actions_take_an_optional_comment(app: TestApp) {
    boolean_flag_on(&app).await;
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off", "steps": [{"percent": 10, "min_duration_seconds": 3600}, {"percent": 100}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // No body at all, as before.
    assert_eq!(act(&app, "start").await.0, StatusCode::OK);
    // An unknown field is refused (400, as every body's unknown field), nothing done.
    let r = app.req(Method::POST, &format!("{PLAN}/pause")).json(json!({"coment": "typo"})).send().await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/coment", "{}", r.body);
    let long = "x".repeat(1001);
    let r = app.req(Method::POST, &format!("{PLAN}/pause")).json(json!({"comment": long})).send().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/comment", "{}", r.body);
    assert_eq!(app.req(Method::GET, PLAN).send().await.body["state"], "running");
    for (action, comment) in [
        ("pause", "incident 42"),
        ("resume", "fixed"),
        ("advance", "looks fine"),
        ("rollback", "changed our mind"),
    ] {
        let r =
            app.req(Method::POST, &format!("{PLAN}/{action}")).json(json!({"comment": comment})).send().await;
        assert_eq!(r.status, StatusCode::OK, "{action}: {}", r.body);
        let audit =
            app.req(Method::GET, "/api/v1/audit?project=default&resource_type=release_plan").send().await;
        let latest = &audit.body["items"][0];
        assert!(latest["comment"].as_str().unwrap().ends_with(&format!(": {comment}")), "{action}: {latest}");
    }
    // An empty JSON object is no comment.
    let r = app.req(Method::POST, PLAN).json(json!({"treatment": "on", "control": "off"})).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.req(Method::POST, &format!("{PLAN}/rollback")).json(json!({})).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn the_gate_takes_a_viewer_token_in_the_webhook_metadata(app: TestApp) {
    boolean_flag_on(&app).await;
    let r = app.req(Method::POST, PLAN).json(json!({"treatment": "on", "control": "off"})).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let token = |role: &str, project: &str| {
        app.req(Method::POST, "/api/v1/tokens")
            .json(json!({"name": format!("gate {role} {project}"), "role": role, "project": project}))
            .send()
    };
    let viewer = token("viewer", "default").await;
    assert_eq!(viewer.status, StatusCode::CREATED, "{}", viewer.body);
    let viewer = viewer.body["token"].as_str().unwrap().to_owned();
    let gate = |metadata: Value| {
        app.call(Method::POST, &format!("{PLAN}/gate"))
            .json(json!({"name": "checkout", "namespace": "shop", "phase": "Progressing", "checksum": "85d557f47b", "metadata": metadata}))
            .send()
    };
    let r = gate(json!({"token": viewer})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["healthy"], true);
    for (metadata, why) in [
        (json!({}), "no token"),
        (json!({"token": "vx_api_not-a-token"}), "an unknown token"),
        (json!({"token": app.owner_token.clone()}), "a login token is not taken in a body"),
    ] {
        let r = gate(metadata).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{why}: {}", r.body);
        assert!(!r.text.contains("vx_api_not-a-token"), "the token is not echoed: {}", r.text);
    }
    // A token of another project is refused.
    let r =
        app.req(Method::POST, "/api/v1/projects").json(json!({"key": "other", "name": "Other"})).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let other = token("viewer", "other").await;
    let r = gate(json!({"token": other.body["token"]})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // The header still works, and wins over the body.
    let r = app
        .req(Method::POST, &format!("{PLAN}/gate"))
        .json(json!({"metadata": {"token": "vx_api_wrong"}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Evaluates the flag for `contexts` fresh contexts with the snapshot the SDK would
/// have, and sends what an SDK would: usage per variant and an `http_5xx` metric event
/// (attributed to the served variant) for each context that errs, with the error rate
/// of its variant, and a `latency_ms` event per context (exponential, with its variant's
/// mean) for the variants `latency` names. Returns the variants served.
async fn one_round_of_load(
    app: &TestApp,
    key: &str,
    round: usize,
    contexts: usize,
    error_rate: &BTreeMap<&str, f64>,
    latency: &BTreeMap<&str, f64>,
    rng: &mut StdRng,
) -> BTreeMap<String, u64> {
    let r = app.call(Method::GET, "/sdk/v1/config").token(key).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let snapshot = Snapshot::from_json(r.text.as_bytes()).unwrap();
    let compiled = CompiledSnapshot::compile(&snapshot).unwrap();
    let mut usage: BTreeMap<String, u64> = BTreeMap::new();
    let mut metrics = Vec::new();
    for i in 0..contexts {
        let ctx = Context::new(format!("user-{round}-{i}"));
        let variant = compiled.evaluate("f", &ctx).variant.unwrap().to_owned();
        if rng.r#gen::<f64>() < error_rate.get(variant.as_str()).copied().unwrap_or(0.0) {
            metrics.push(json!({"event": "http_5xx", "variants": {"f": variant}}));
        }
        if let Some(mean) = latency.get(variant.as_str()) {
            let value = -mean * (1.0 - rng.r#gen::<f64>()).ln();
            metrics.push(json!({"event": "latency_ms", "value": value, "variants": {"f": variant}}));
        }
        *usage.entry(variant).or_default() += 1;
    }
    let batch = json!({
        "usage": usage.iter().map(|(v, n)| json!({"flag": "f", "variant": v, "count": n})).collect::<Vec<_>>(),
        "metrics": metrics,
    });
    let r = app.call(Method::POST, "/sdk/v1/events").token(key).json(batch).send().await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    usage
}

/// Runs load until the plan leaves `running` (bounded, so a plan that never decides
/// fails the test rather than hanging it); returns the plan.
async fn load_until_decided(
    app: &TestApp,
    error_rate: &[(&str, f64)],
    latency: &[(&str, f64)],
    seed: u64,
) -> Value {
    let key = sdk_key(app, "production", "server").await;
    let rates: BTreeMap<&str, f64> = error_rate.iter().copied().collect();
    let latency: BTreeMap<&str, f64> = latency.iter().copied().collect();
    let mut rng = StdRng::seed_from_u64(seed);
    for round in 0..400 {
        one_round_of_load(app, &key, round, 2_000, &rates, &latency, &mut rng).await;
        let plan = app.req(Method::GET, PLAN).send().await.body;
        if plan["state"] != "running" {
            return plan;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the plan took no final decision in 400 rounds of load");
}

/// What the SDK's configuration serves 1,000 contexts now, and what OFREP serves 50.
async fn served(app: &TestApp) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let key = sdk_key(app, "production", "server").await;
    // The snapshot SDKs get follows commits; wait until it has the last one.
    crate::sdk::config_at_least(app, &key, crate::sdk::env_version(app, "production").await).await;
    let sdk = one_round_of_load(
        app,
        &key,
        9_999,
        1_000,
        &BTreeMap::new(),
        &BTreeMap::new(),
        &mut StdRng::seed_from_u64(0),
    )
    .await;
    let mut ofrep: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..50 {
        let r = app
            .call(Method::POST, "/ofrep/v1/evaluate/flags/f")
            .token(&key)
            .json(json!({"context": {"targetingKey": format!("ofrep-{i}")}}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        *ofrep.entry(r.body["variant"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    (sdk, ofrep)
}

async fn start_guarded_plan(app: &TestApp) -> i64 {
    boolean_flag_on(app).await;
    let step = |percent: f64| json!({"percent": percent, "min_duration_seconds": 0, "min_exposures": 300});
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off", "planned_exposures": 2000,
                     "steps": [step(10.0), step(50.0), step(100.0)],
                     "guardrails": [{"event": "http_5xx", "measure": "rate"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(act(app, "start").await.0, StatusCode::OK);
    r.body["id"].as_i64().unwrap()
}

async fn a_treatment_with_three_times_the_errors_rolls_back_by_itself(app: TestApp) {
    let id = start_guarded_plan(&app).await;
    let plan = load_until_decided(&app, &[("off", 0.02), ("on", 0.06)], &[], 3).await;
    assert_eq!(plan["state"], "rolled_back", "{plan}");
    let reason = plan["reason"].as_str().unwrap();
    assert!(reason.contains("guardrail \"http_5xx\" (rate) is worse"), "{reason}");
    assert_eq!(plan["analysis"]["guardrails"][0]["verdict"], "worse", "{plan}");
    let (status, found) = verdict(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!((found["healthy"].clone(), found["worse"].clone()), (json!(false), json!(["http_5xx"])));
    // Everyone in the place is back on the control.
    let everyone = |n| BTreeMap::from([("off".to_owned(), n)]);
    assert_eq!(served(&app).await, (everyone(1_000), everyone(50)));
    // The decision is audited once, by the plan, with its numbers.
    let audit =
        app.req(Method::GET, &format!("/api/v1/audit?project=default&actor=release-plan:{id}")).send().await;
    let entries = audit.body["items"].as_array().unwrap();
    let rollbacks: Vec<&Value> = entries.iter().filter(|e| e["action"] == "release_plan.rollback").collect();
    assert_eq!(rollbacks.len(), 1, "{entries:?}");
    assert_eq!(rollbacks[0]["comment"], reason);
    assert_eq!(rollbacks[0]["after"]["analysis"]["guardrails"][0]["verdict"], "worse");
    assert!(rollbacks[0]["after"]["analysis"]["guardrails"][0]["treatment"]["n"].as_u64().unwrap() >= 300);
    let patches = entries.iter().filter(|e| e["action"] == "flag_config.patch").count();
    assert!(patches >= 1, "the rollback's configuration write is the plan's: {entries:?}");
}

async fn equal_error_rates_complete_the_plan(app: TestApp) {
    let id = start_guarded_plan(&app).await;
    let plan = load_until_decided(&app, &[("off", 0.02), ("on", 0.02)], &[], 4).await;
    assert_eq!(plan["state"], "completed", "{plan}");
    let (status, found) = verdict(&app).await;
    assert_eq!(
        (status, found["healthy"].clone(), found["percent"].clone()),
        (StatusCode::OK, json!(true), json!(100.0))
    );
    let everyone = |n| BTreeMap::from([("on".to_owned(), n)]);
    assert_eq!(served(&app).await, (everyone(1_000), everyone(50)));
    let audit = app
        .req(
            Method::GET,
            &format!("/api/v1/audit?project=default&actor=release-plan:{id}&resource_type=release_plan"),
        )
        .send()
        .await;
    let mut actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.reverse();
    // Each step taken once: 10 → 50 → 100 %, then complete.
    assert_eq!(actions, ["release_plan.advance", "release_plan.advance", "release_plan.complete"]);
}

async fn a_treatment_with_a_much_worse_p95_rolls_back_by_itself(app: TestApp) {
    boolean_flag_on(&app).await;
    let step = |percent: f64| json!({"percent": percent, "min_duration_seconds": 0, "min_exposures": 300});
    // "p95 no more than 20 ms worse": the control's p95 is about 150 ms (exponential,
    // mean 50 ms), the treatment's about 450 ms (mean 150 ms).
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off", "planned_exposures": 2000,
                     "steps": [step(10.0), step(50.0), step(100.0)],
                     "guardrails": [{"event": "latency_ms", "measure": "p95", "absolute_tolerance": 20}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["guardrails"][0]["absolute_tolerance"], 20.0, "{}", r.body);
    assert_eq!(act(&app, "start").await.0, StatusCode::OK);
    let plan = load_until_decided(&app, &[], &[("off", 50.0), ("on", 150.0)], 5).await;
    assert_eq!(plan["state"], "rolled_back", "{plan}");
    let reason = plan["reason"].as_str().unwrap();
    assert!(reason.contains("guardrail \"latency_ms\" (p95) is worse"), "{reason}");
    assert!(reason.contains("+ 20"), "{reason}");
    let look = &plan["analysis"]["guardrails"][0];
    assert_eq!(look["verdict"], "worse", "{plan}");
    let (t, c) =
        (look["treatment"]["estimate"].as_f64().unwrap(), look["control"]["estimate"].as_f64().unwrap());
    assert!((300.0..700.0).contains(&t) && (100.0..220.0).contains(&c), "p95s {t} vs {c}: {plan}");
    assert!(look["treatment"]["n"].as_u64().unwrap() >= 400, "{plan}");
    let everyone = |n| BTreeMap::from([("off".to_owned(), n)]);
    assert_eq!(served(&app).await, (everyone(1_000), everyone(50)));
}

/// A p95 guardrail's tolerance applies to p95 only, and is a number ≥ 0.
async fn a_p95_guardrail_is_checked(app: TestApp) {
    boolean_flag_on(&app).await;
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off",
                     "guardrails": [{"event": "latency_ms", "measure": "mean", "absolute_tolerance": 20},
                                    {"event": "latency_ms", "measure": "p95", "absolute_tolerance": -1}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let text = r.body.to_string();
    assert!(
        text.contains("/guardrails/0/absolute_tolerance")
            && text.contains("/guardrails/1/absolute_tolerance"),
        "{text}"
    );
}

crate::on_both_databases!(a_p95_guardrail_is_checked);

mod a_treatment_with_a_much_worse_p95_rolls_back_by_itself {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::a_treatment_with_a_much_worse_p95_rolls_back_by_itself(
            super::fast_runner(super::Db::Postgres).await,
        )
        .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::a_treatment_with_a_much_worse_p95_rolls_back_by_itself(
            super::fast_runner(super::Db::Sqlite).await,
        )
        .await;
    }
}

/// The runner looks every second in these tests.
async fn fast_runner(db: Db) -> TestApp {
    TestApp::with_args(db, &["--release-plan-check-seconds", "1"]).await
}

mod a_treatment_with_three_times_the_errors_rolls_back_by_itself {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::a_treatment_with_three_times_the_errors_rolls_back_by_itself(
            super::fast_runner(super::Db::Postgres).await,
        )
        .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::a_treatment_with_three_times_the_errors_rolls_back_by_itself(
            super::fast_runner(super::Db::Sqlite).await,
        )
        .await;
    }
}

async fn a_plan_whose_rule_is_removed_pauses_and_says_why(app: TestApp) {
    boolean_flag_on(&app).await;
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/f/environments/production")
        .json(json!({"instructions": [{"kind": "add_rule", "rule": {"id": "beta", "conditions": [
            {"attribute": "beta", "op": "in", "values": ["yes"]}], "serve": {"variant": "off"}}}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Long steps: the runner holds until the rule goes.
    let step = |percent: f64| json!({"percent": percent, "min_duration_seconds": 3600, "min_exposures": 0});
    let r = app
        .req(Method::POST, PLAN)
        .json(
            json!({"treatment": "on", "control": "off", "rule": "beta", "steps": [step(50.0), step(100.0)]}),
        )
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(act(&app, "start").await.0, StatusCode::OK);
    let r = app
        .req(Method::PATCH, "/api/v1/projects/default/flags/f/environments/production")
        .json(json!({"instructions": [{"kind": "remove_rule", "rule": "beta"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The runner notices the rule is gone and pauses the plan instead of failing forever.
    let plan = plan_when(&app, |p| p["state"] != "running").await;
    assert_eq!(plan["state"], "paused", "{plan}");
    assert!(plan["reason"].as_str().unwrap().contains("rule \"beta\" was removed"), "{plan}");
    // It cannot resume (its place is gone), and rolling it back ends it without a write.
    let before = config(&app).await;
    let (status, body) = act(&app, "resume").await;
    assert!(status.is_client_error(), "{status} {body}");
    let (status, plan) = act(&app, "rollback").await;
    assert_eq!((status, plan["state"].clone()), (StatusCode::OK, json!("rolled_back")), "{plan}");
    assert!(plan["reason"].as_str().unwrap().contains("nothing was written"), "{plan}");
    assert_eq!(config(&app).await, before);
}

mod a_plan_whose_rule_is_removed_pauses_and_says_why {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::a_plan_whose_rule_is_removed_pauses_and_says_why(
            super::fast_runner(super::Db::Postgres).await,
        )
        .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::a_plan_whose_rule_is_removed_pauses_and_says_why(super::fast_runner(super::Db::Sqlite).await)
            .await;
    }
}

mod equal_error_rates_complete_the_plan {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::equal_error_rates_complete_the_plan(super::fast_runner(super::Db::Postgres).await).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::equal_error_rates_complete_the_plan(super::fast_runner(super::Db::Sqlite).await).await;
    }
}

/// A Prometheus server run for one test (Debian's `/usr/bin/prometheus`), killed when
/// dropped, with its data in a temporary directory.
struct PrometheusServer {
    child: std::process::Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for PrometheusServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Serves `/metrics` with one gauge per variant: the control's p95 at 150 ms, the
/// treatment's at 450 ms. Returns its address.
async fn exporter() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(|| async {
            "# TYPE checkout_latency_p95_ms gauge\n\
             checkout_latency_p95_ms{variant=\"off\"} 150\n\
             checkout_latency_p95_ms{variant=\"on\"} 450\n"
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// Starts Prometheus scraping the exporter every second, and waits (polling, with a
/// generous bound) until it has both series.
async fn prometheus_scraping(target: std::net::SocketAddr) -> PrometheusServer {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global: {{scrape_interval: 1s, evaluation_interval: 1s}}\n\
             scrape_configs:\n  - job_name: exporter\n    static_configs: [{{targets: [\"{target}\"]}}]\n"
        ),
    )
    .unwrap();
    let port = free_port();
    let child = std::process::Command::new("/usr/bin/prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("/usr/bin/prometheus (Debian's prometheus package) runs");
    let server = PrometheusServer { child, url: format!("http://127.0.0.1:{port}"), _dir: dir };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        let answer = client
            .get(format!("{}/api/v1/query", server.url))
            .query(&[("query", "count(checkout_latency_p95_ms)")])
            .send()
            .await;
        if let Ok(answer) = answer {
            let body: Value = answer.json().await.unwrap_or_default();
            if body["data"]["result"][0]["value"][1] == "2" {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("Prometheus did not scrape the exporter within two minutes");
}

/// Polls the plan until `done` holds (bounded).
async fn plan_when(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..300 {
        let plan = app.req(Method::GET, PLAN).send().await.body;
        if done(&plan) {
            return plan;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the plan did not get there in 300 looks");
}

async fn a_prometheus_guardrail_reads_each_arm_and_rolls_back_a_worse_treatment(db: Db) {
    let exporter = exporter().await;
    let prometheus = prometheus_scraping(exporter).await;
    let app =
        TestApp::with_args(db, &["--release-plan-check-seconds", "1", "--prometheus-url", &prometheus.url])
            .await;
    boolean_flag_on(&app).await;
    let plan = |absolute: f64| {
        json!({"treatment": "on", "control": "off",
               "steps": [{"percent": 10, "min_duration_seconds": 3600}, {"percent": 100, "min_duration_seconds": 3600}],
               "guardrails": [{"event": "checkout_p95", "measure": "prometheus", "absolute_tolerance": absolute,
                               "query": "max(checkout_latency_p95_ms{variant=\"{{variant}}\"})"}]})
    };
    // 450 ms against 150 ms passes "no more than 400 ms worse"...
    let r = app.req(Method::POST, PLAN).json(plan(400.0)).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(act(&app, "start").await.0, StatusCode::OK);
    let looked = plan_when(&app, |p| !p["analysis"]["guardrails"][0]["verdict"].is_null()).await;
    let look = &looked["analysis"]["guardrails"][0];
    assert_eq!(look["verdict"], "not_worse", "{looked}");
    assert_eq!(
        (look["control"]["estimate"].clone(), look["treatment"]["estimate"].clone()),
        (json!(150.0), json!(450.0))
    );
    assert_eq!(looked["state"], "running");
    assert_eq!(act(&app, "rollback").await.0, StatusCode::OK);
    // ...and rolls back by itself under "no more than 50 ms worse".
    let r = app.req(Method::POST, PLAN).json(plan(50.0)).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(act(&app, "start").await.0, StatusCode::OK);
    let decided = plan_when(&app, |p| p["state"] != "running").await;
    assert_eq!(decided["state"], "rolled_back", "{decided}");
    let reason = decided["reason"].as_str().unwrap();
    assert!(reason.contains("guardrail \"checkout_p95\" (prometheus) is worse"), "{reason}");
    let everyone = |n| BTreeMap::from([("off".to_owned(), n)]);
    assert_eq!(served(&app).await, (everyone(1_000), everyone(50)));
}

/// A Prometheus guardrail needs a query with the placeholder, and only it takes one.
async fn a_prometheus_guardrail_is_checked(app: TestApp) {
    boolean_flag_on(&app).await;
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off",
                     "guardrails": [{"event": "a", "measure": "prometheus"},
                                    {"event": "b", "measure": "prometheus", "query": "up"},
                                    {"event": "c", "measure": "rate", "query": "up{v=\"{{variant}}\"}"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let text = r.body.to_string();
    for i in 0..3 {
        assert!(text.contains(&format!("/guardrails/{i}/query")), "{text}");
    }
}

crate::on_both_databases!(a_prometheus_guardrail_is_checked);

mod a_prometheus_guardrail_reads_each_arm_and_rolls_back_a_worse_treatment {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::a_prometheus_guardrail_reads_each_arm_and_rolls_back_a_worse_treatment(super::Db::Postgres)
            .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::a_prometheus_guardrail_reads_each_arm_and_rolls_back_a_worse_treatment(super::Db::Sqlite)
            .await;
    }
}
