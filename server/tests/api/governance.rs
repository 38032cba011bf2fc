//! Change requests in environments that require approval (N approvals from people
//! other than the author, applied exactly once, conflicts, break-glass) and scheduled
//! changes run by the in-process scheduler.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Resp, TestApp};

crate::on_both_databases!(
    direct_edits_to_a_protected_environment_answer_409_naming_the_change_request_route,
    the_author_cannot_approve_their_own_request,
    n_approvals_apply_a_request_exactly_once,
    concurrent_approvals_apply_a_request_exactly_once,
    a_request_whose_instructions_no_longer_apply_is_marked_conflicted_not_applied,
    a_request_over_a_moved_configuration_still_applies_when_it_validates,
    break_glass_off_works_without_approval_and_is_audited,
    a_viewer_can_do_none_of_it,
    only_others_reject_and_only_the_author_cancels,
    a_change_request_shows_its_diff_and_comments,
    a_scheduled_change_runs_once_and_is_audited,
    a_scheduled_change_that_no_longer_validates_fails_once_with_its_reason,
    scheduled_changes_can_be_edited_and_cancelled_while_pending,
    a_protected_environment_schedules_only_through_an_approved_request,
    required_approvals_is_between_1_and_10,
);

const PROJECT: &str = "/api/v1/projects/default";
const CONFIG: &str = "/api/v1/projects/default/flags/checkout/environments/production";
const REQUESTS: &str = "/api/v1/projects/default/change-requests";
const SCHEDULES: &str = "/api/v1/projects/default/scheduled-changes";

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

/// Sets the approval settings of production.
async fn protect(app: &TestApp, required_approvals: i64) {
    let env = app.req(Method::GET, &format!("{PROJECT}/environments/production")).send().await;
    let r = app
        .req(Method::PATCH, &format!("{PROJECT}/environments/production"))
        .if_match(env.etag())
        .json(json!({"requires_approval": true, "required_approvals": required_approvals}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["required_approvals"], required_approvals);
}

async fn config(app: &TestApp) -> Value {
    let r = app.req(Method::GET, CONFIG).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn request(app: &TestApp, token: &str, instructions: Value) -> Resp {
    app.call(Method::POST, REQUESTS)
        .token(token)
        .json(json!({
            "flag": "checkout",
            "environment": "production",
            "title": "a change",
            "patch": {"instructions": instructions},
        }))
        .send()
        .await
}

async fn act(app: &TestApp, token: &str, id: &Value, verb: &str) -> Resp {
    let call = app.call(Method::POST, &format!("{REQUESTS}/{id}/{verb}")).token(token);
    if verb == "reject" { call.json(json!({"reason": "not now"})).send().await } else { call.send().await }
}

/// Audit entries of the default project with `action`.
async fn audited(app: &TestApp, action: &str) -> Vec<Value> {
    let r = app.req(Method::GET, "/api/v1/audit?project=default&limit=500").send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().expect("items").iter().filter(|e| e["action"] == action).cloned().collect()
}

fn is_approval_required(r: &Resp) -> bool {
    r.status == StatusCode::CONFLICT
        && r.body["type"] == "urn:vexil:problem:approval-required"
        && r.body["detail"].as_str().is_some_and(|d| d.contains("/api/v1/projects/default/change-requests"))
}

async fn direct_edits_to_a_protected_environment_answer_409_naming_the_change_request_route(app: TestApp) {
    app.create_flag("checkout").await;
    protect(&app, 1).await;
    let before = config(&app).await;
    let mut put_body = before.clone();
    put_body["enabled"] = json!(true);
    let answers = [
        app.req(Method::PUT, CONFIG)
            .if_match(before["version"].as_i64().unwrap())
            .json(put_body)
            .send()
            .await,
        app.req(Method::PATCH, CONFIG).json(json!({"instructions": [{"kind": "turn_on"}]})).send().await,
        app.req(Method::POST, &format!("{CONFIG}/toggle")).json(json!({"enabled": true})).send().await,
        app.req(Method::POST, &format!("{CONFIG}/toggle"))
            .json(json!({"enabled": false, "comment": "x"}))
            .send()
            .await,
        app.req(Method::POST, &format!("{CONFIG}/restore")).json(json!({"version": 1})).send().await,
    ];
    for r in &answers {
        assert!(is_approval_required(r), "{} {}", r.status, r.text);
    }
    assert_eq!(config(&app).await, before, "nothing was written");
    // Other environments take direct edits as before.
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags/checkout/environments/development/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn the_author_cannot_approve_their_own_request(app: TestApp) {
    app.create_flag("checkout").await;
    protect(&app, 1).await;
    let ada = person(&app, "ada", "admin").await;
    let r = request(&app, &ada, json!([{"kind": "turn_on"}])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["state"], "open");
    let id = r.body["id"].clone();
    let r = act(&app, &ada, &id, "approve").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Nor through an API token acting for her.
    let t = app
        .call(Method::POST, "/api/v1/tokens")
        .token(&ada)
        .json(json!({"name": "ada's automation", "role": "editor"}))
        .send()
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
    let r = act(&app, t.body["token"].as_str().unwrap(), &id, "approve").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app.req(Method::GET, &format!("{REQUESTS}/{id}")).send().await;
    assert_eq!(r.body["state"], "open");
    assert_eq!(r.body["approvals"], json!([]));
    assert_eq!(config(&app).await["enabled"], false);
}

async fn n_approvals_apply_a_request_exactly_once(app: TestApp) {
    app.create_flag("checkout").await;
    protect(&app, 2).await;
    let ada = person(&app, "ada", "editor").await;
    let bob = person(&app, "bob", "editor").await;
    let cy = person(&app, "cy", "admin").await;
    let base = config(&app).await["version"].as_i64().unwrap();
    let r = request(&app, &ada, json!([{"kind": "turn_on"}])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["base_version"], base);
    assert_eq!(r.body["required_approvals"], 2);
    let id = r.body["id"].clone();

    let r = act(&app, &bob, &id, "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "open", "one of two approvals");
    assert_eq!(config(&app).await["enabled"], false);
    let r = act(&app, &bob, &id, "approve").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the same person twice: {}", r.body);

    let r = act(&app, &cy, &id, "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "applied");
    assert_eq!(r.body["applied_version"], base + 1);
    assert_eq!(r.body["approvals"].as_array().unwrap().len(), 2);
    let after = config(&app).await;
    assert_eq!(after["enabled"], true);
    assert_eq!(after["version"], base + 1);

    let r = act(&app, &app.owner_token, &id, "approve").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "an applied request takes no more approvals: {}", r.body);
    assert_eq!(config(&app).await["version"], base + 1, "applied once");
    assert_eq!(audited(&app, "change_request.apply").await.len(), 1);
    assert_eq!(audited(&app, "change_request.approve").await.len(), 2);
    assert_eq!(audited(&app, "change_request.create").await.len(), 1);
    // The write itself is audited as any configuration write, by the author.
    let writes = audited(&app, "flag_config.patch").await;
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0]["actor"], "user:ada@example.com");
}

async fn concurrent_approvals_apply_a_request_exactly_once(app: TestApp) {
    app.create_flag("checkout").await;
    protect(&app, 2).await;
    let ada = person(&app, "ada", "editor").await;
    let mut approvers = Vec::new();
    for name in ["b1", "b2", "b3", "b4", "b5"] {
        approvers.push(person(&app, name, "editor").await);
    }
    let base = config(&app).await["version"].as_i64().unwrap();
    let r = request(&app, &ada, json!([{"kind": "add_targets", "variant": "on", "keys": ["u1"]}])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].clone();
    let answers =
        futures_util::future::join_all(approvers.iter().map(|t| act(&app, t, &id, "approve"))).await;
    let ok: Vec<&Resp> = answers.iter().filter(|r| r.status == StatusCode::OK).collect();
    let refused = answers.iter().filter(|r| r.status == StatusCode::CONFLICT).count();
    assert_eq!(ok.len(), 2, "two approvals are taken: {answers:?}");
    assert_eq!(refused, 3, "the rest find the request closed: {answers:?}");
    assert_eq!(ok.iter().filter(|r| r.body["state"] == "applied").count(), 1);
    assert_eq!(config(&app).await["version"], base + 1, "written once");
    assert_eq!(audited(&app, "change_request.apply").await.len(), 1);
    assert_eq!(audited(&app, "flag_config.patch").await.len(), 1);
}

async fn a_request_whose_instructions_no_longer_apply_is_marked_conflicted_not_applied(app: TestApp) {
    app.create_flag("checkout").await;
    let r = app
        .req(Method::PATCH, CONFIG)
        .json(json!({"instructions": [{"kind": "add_rule", "rule": {"id": "beta", "conditions": [], "serve": {"variant": "on"}}}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    protect(&app, 1).await;
    let ada = person(&app, "ada", "editor").await;
    let bob = person(&app, "bob", "editor").await;
    let remove = request(&app, &ada, json!([{"kind": "remove_rule", "rule": "beta"}])).await;
    let reserve =
        request(&app, &ada, json!([{"kind": "set_rule_serve", "rule": "beta", "serve": {"variant": "off"}}]))
            .await;
    assert_eq!(remove.status, StatusCode::CREATED, "{}", remove.body);
    assert_eq!(reserve.status, StatusCode::CREATED, "{}", reserve.body);
    let r = act(&app, &bob, &remove.body["id"], "approve").await;
    assert_eq!(r.body["state"], "applied", "{}", r.body);
    let applied = config(&app).await;

    let got = app.req(Method::GET, &format!("{REQUESTS}/{}", reserve.body["id"])).send().await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    assert!(got.body["diff"]["after"].is_null(), "the preview shows it no longer applies: {}", got.body);
    assert!(got.body["diff"]["problem"].as_str().is_some_and(|p| p.contains("beta")), "{}", got.body);

    let r = act(&app, &bob, &reserve.body["id"], "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "conflicted");
    assert!(r.body["reason"].as_str().is_some_and(|p| p.contains("beta")), "{}", r.body);
    assert!(r.body.get("applied_version").is_none());
    assert_eq!(config(&app).await, applied, "nothing was written");
    assert_eq!(audited(&app, "change_request.conflict").await.len(), 1);
    let open = app.req(Method::GET, &format!("{REQUESTS}?state=conflicted")).send().await;
    assert_eq!(open.body["items"].as_array().unwrap().len(), 1);
}

async fn a_request_over_a_moved_configuration_still_applies_when_it_validates(app: TestApp) {
    app.create_flag("checkout").await;
    protect(&app, 1).await;
    let ada = person(&app, "ada", "editor").await;
    let bob = person(&app, "bob", "editor").await;
    let targets =
        request(&app, &ada, json!([{"kind": "add_targets", "variant": "on", "keys": ["u1"]}])).await;
    let on = request(&app, &ada, json!([{"kind": "turn_on"}])).await;
    assert_eq!(targets.body["base_version"], on.body["base_version"]);
    assert_eq!(act(&app, &bob, &targets.body["id"], "approve").await.body["state"], "applied");
    let r = act(&app, &bob, &on.body["id"], "approve").await;
    assert_eq!(r.body["state"], "applied", "{}", r.body);
    let c = config(&app).await;
    assert_eq!(c["enabled"], true);
    assert_eq!(c["targets"][0]["keys"], json!(["u1"]), "the earlier change is kept: {c}");
    assert_eq!(r.body["applied_version"], on.body["base_version"].as_i64().unwrap() + 2);
}

async fn break_glass_off_works_without_approval_and_is_audited(app: TestApp) {
    app.create_flag("checkout").await;
    let r = app.req(Method::POST, &format!("{CONFIG}/toggle")).json(json!({"enabled": true})).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    protect(&app, 3).await;
    let ada = person(&app, "ada", "editor").await;
    let toggle =
        |body: Value| app.call(Method::POST, &format!("{CONFIG}/toggle")).token(&ada).json(body).send();
    let r = toggle(json!({"enabled": false, "break_glass": true})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {}", r.body);
    assert_eq!(r.body["errors"][0]["pointer"], "/comment");
    let r = toggle(json!({"enabled": true, "break_glass": true, "comment": "back on"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "break-glass only turns off: {}", r.body);
    assert_eq!(config(&app).await["enabled"], true);

    let r = toggle(json!({"enabled": false, "break_glass": true, "comment": "errors spiking"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["enabled"], false);
    let entries = audited(&app, "flag.break_glass_off").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor"], "user:ada@example.com");
    assert_eq!(entries[0]["comment"], "errors spiking");
    assert_eq!(entries[0]["environment"], "production");
}

async fn a_viewer_can_do_none_of_it(app: TestApp) {
    app.create_flag("checkout").await;
    let r = app.req(Method::POST, &format!("{CONFIG}/toggle")).json(json!({"enabled": true})).send().await;
    assert_eq!(r.status, StatusCode::OK);
    protect(&app, 1).await;
    let ada = person(&app, "ada", "editor").await;
    let vic = person(&app, "vic", "viewer").await;
    let r = request(&app, &ada, json!([{"kind": "add_targets", "variant": "on", "keys": ["u1"]}])).await;
    let id = r.body["id"].clone();
    let forbidden = [
        request(&app, &vic, json!([{"kind": "turn_off"}])).await,
        act(&app, &vic, &id, "approve").await,
        act(&app, &vic, &id, "reject").await,
        act(&app, &vic, &id, "cancel").await,
        app.call(Method::POST, &format!("{REQUESTS}/{id}/comments")).token(&vic).json(json!({"body": "hi"})).send().await,
        app.call(Method::POST, &format!("{CONFIG}/toggle"))
            .token(&vic)
            .json(json!({"enabled": false, "break_glass": true, "comment": "x"}))
            .send()
            .await,
        app.call(Method::POST, SCHEDULES)
            .token(&vic)
            .json(json!({"flag": "checkout", "environment": "development", "patch": {"instructions": [{"kind": "turn_on"}]}, "run_at": "2999-01-01T00:00:00Z"}))
            .send()
            .await,
    ];
    for r in &forbidden {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    }
    // Reading is a viewer's right.
    let r = app.call(Method::GET, &format!("{REQUESTS}/{id}")).token(&vic).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "open");
    assert_eq!(config(&app).await["enabled"], true);
}

async fn only_others_reject_and_only_the_author_cancels(app: TestApp) {
    app.create_flag("checkout").await;
    protect(&app, 1).await;
    let ada = person(&app, "ada", "editor").await;
    let bob = person(&app, "bob", "editor").await;
    let first = request(&app, &ada, json!([{"kind": "turn_on"}])).await.body["id"].clone();
    let second = request(&app, &ada, json!([{"kind": "turn_on"}])).await.body["id"].clone();
    assert_eq!(act(&app, &ada, &first, "reject").await.status, StatusCode::FORBIDDEN);
    assert_eq!(act(&app, &bob, &second, "cancel").await.status, StatusCode::FORBIDDEN);
    let r = act(&app, &bob, &first, "reject").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((&r.body["state"], &r.body["reason"]), (&json!("rejected"), &json!("not now")));
    let r = act(&app, &ada, &second, "cancel").await;
    assert_eq!(r.body["state"], "cancelled");
    assert_eq!(act(&app, &bob, &second, "approve").await.status, StatusCode::CONFLICT);
    assert_eq!(config(&app).await["enabled"], false);
    let open = app.req(Method::GET, &format!("{REQUESTS}?state=open")).send().await;
    assert_eq!(open.body["items"], json!([]));
    assert_eq!(audited(&app, "change_request.reject").await.len(), 1);
    assert_eq!(audited(&app, "change_request.cancel").await.len(), 1);
}

async fn a_change_request_shows_its_diff_and_comments(app: TestApp) {
    app.create_flag("checkout").await;
    protect(&app, 1).await;
    let ada = person(&app, "ada", "editor").await;
    let bob = person(&app, "bob", "editor").await;
    let r = request(&app, &ada, json!([{"kind": "turn_on"}])).await;
    let id = r.body["id"].clone();
    let r = app
        .call(Method::POST, &format!("{REQUESTS}/{id}/comments"))
        .token(&bob)
        .json(json!({"body": "why now?"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call(Method::POST, &format!("{REQUESTS}/{id}/comments"))
        .token(&ada)
        .json(json!({"body": "launch day"}))
        .send()
        .await;
    assert_eq!(r.body["comments"].as_array().unwrap().len(), 2);
    let got = app.req(Method::GET, &format!("{REQUESTS}/{id}")).send().await;
    assert_eq!(got.body["comments"][0]["body"], "why now?");
    assert_eq!(got.body["comments"][0]["actor"], "user:bob@example.com");
    assert_eq!(got.body["diff"]["before"]["enabled"], false);
    assert_eq!(got.body["diff"]["after"]["enabled"], true);
    let r = app
        .call(Method::POST, &format!("{REQUESTS}/{id}/comments"))
        .token(&ada)
        .json(json!({"body": "  "}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A patch that does not apply now is refused when proposed.
    let r = request(&app, &ada, json!([{"kind": "remove_rule", "rule": "nope"}])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body["errors"][0]["pointer"].as_str().unwrap().starts_with("/patch/instructions/0"),
        "{}",
        r.body
    );
}

/// An RFC 3339 time `ms` milliseconds from now.
fn in_ms(ms: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::milliseconds(ms);
    t.format(&time::format_description::well_known::Rfc3339).unwrap()
}

/// Polls a scheduled change until it leaves `pending` (bounded).
async fn settled(app: &TestApp, id: &Value) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let r = app.req(Method::GET, &format!("{SCHEDULES}/{id}")).send().await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        if r.body["state"] != "pending" {
            return r.body;
        }
        assert!(tokio::time::Instant::now() < deadline, "scheduled change {id} never ran: {}", r.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn schedule(app: &TestApp, env: &str, instructions: Value, run_at: &str) -> Resp {
    app.req(Method::POST, SCHEDULES)
        .json(json!({"flag": "checkout", "environment": env, "patch": {"instructions": instructions, "comment": "launch"}, "run_at": run_at}))
        .send()
        .await
}

async fn a_scheduled_change_runs_once_and_is_audited(app: TestApp) {
    app.create_flag("checkout").await;
    let base = config(&app).await["version"].as_i64().unwrap();
    let r = schedule(&app, "production", json!([{"kind": "turn_on"}]), &in_ms(300)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["state"], "pending");
    let done = settled(&app, &r.body["id"]).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["result_version"], base + 1);
    assert!(done["ran_at"].is_string() && done["late_by_ms"].as_i64().unwrap() >= 0, "{done}");
    let c = config(&app).await;
    assert_eq!((c["enabled"].clone(), c["version"].clone()), (json!(true), json!(base + 1)));
    let runs = audited(&app, "scheduled_change.run").await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["actor"], "scheduler:user:owner@example.com");
    let writes = audited(&app, "flag_config.patch").await;
    assert_eq!(writes.len(), 1);
    assert!(writes[0]["comment"].as_str().unwrap().contains("launch"), "{}", writes[0]);
    let listed = app.req(Method::GET, &format!("{SCHEDULES}?state=done")).send().await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

async fn a_scheduled_change_that_no_longer_validates_fails_once_with_its_reason(app: TestApp) {
    app.create_flag("checkout").await;
    let before = config(&app).await;
    let r = schedule(&app, "production", json!([{"kind": "remove_rule", "rule": "gone"}]), &in_ms(200)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let failed = settled(&app, &r.body["id"]).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert!(failed["reason"].as_str().is_some_and(|p| p.contains("gone")), "{failed}");
    assert_eq!(config(&app).await, before);
    assert_eq!(audited(&app, "scheduled_change.fail").await.len(), 1);
    // Not retried: it stays failed, and a failed change cannot be cancelled.
    let r = app.req(Method::POST, &format!("{SCHEDULES}/{}/cancel", failed["id"])).send().await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

async fn scheduled_changes_can_be_edited_and_cancelled_while_pending(app: TestApp) {
    app.create_flag("checkout").await;
    let r = schedule(&app, "production", json!([{"kind": "turn_on"}]), "2999-01-01T00:00:00Z").await;
    let id = r.body["id"].clone();
    let r = app
        .req(Method::PATCH, &format!("{SCHEDULES}/{id}"))
        .if_match(r.etag())
        .json(json!({"run_at": "2998-06-01T12:00:00Z", "patch": {"instructions": [{"kind": "set_off_variant", "variant": "on"}]}}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["run_at"], "2998-06-01T12:00:00Z");
    assert_eq!(r.body["patch"]["instructions"][0]["kind"], "set_off_variant");
    let r = app
        .req(Method::PATCH, &format!("{SCHEDULES}/{id}"))
        .json(json!({"run_at": "2001-01-01T00:00:00Z"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "not in the past: {}", r.body);
    let r = app.req(Method::POST, &format!("{SCHEDULES}/{id}/cancel")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "cancelled");
    let r = app
        .req(Method::PATCH, &format!("{SCHEDULES}/{id}"))
        .json(json!({"run_at": "2999-01-01T00:00:00Z"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(audited(&app, "scheduled_change.update").await.len(), 1);
    assert_eq!(audited(&app, "scheduled_change.cancel").await.len(), 1);
}

async fn a_protected_environment_schedules_only_through_an_approved_request(app: TestApp) {
    app.create_flag("checkout").await;
    protect(&app, 1).await;
    let r = schedule(&app, "production", json!([{"kind": "turn_on"}]), &in_ms(60_000)).await;
    assert!(is_approval_required(&r), "{} {}", r.status, r.text);
    let ada = person(&app, "ada", "editor").await;
    let bob = person(&app, "bob", "editor").await;
    let r = app
        .call(Method::POST, REQUESTS)
        .token(&ada)
        .json(json!({"flag": "checkout", "environment": "production", "title": "launch", "patch": {"instructions": [{"kind": "turn_on"}]}, "scheduled_at": in_ms(500)}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = act(&app, &bob, &r.body["id"], "approve").await;
    assert_eq!(r.body["state"], "scheduled", "{}", r.body);
    let sc = r.body["scheduled_change_id"].clone();
    let done = settled(&app, &sc).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["author"], "user:ada@example.com");
    assert_eq!(config(&app).await["enabled"], true);
    // An approved schedule cannot be edited into something else.
    let r = app
        .req(Method::PATCH, &format!("{SCHEDULES}/{sc}"))
        .json(json!({"run_at": "2999-01-01T00:00:00Z"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

async fn required_approvals_is_between_1_and_10(app: TestApp) {
    let env = app.req(Method::GET, &format!("{PROJECT}/environments/production")).send().await;
    assert_eq!(env.body["required_approvals"], 1, "the default");
    for bad in [0, 11] {
        let r = app
            .req(Method::PATCH, &format!("{PROJECT}/environments/production"))
            .if_match(env.etag())
            .json(json!({"required_approvals": bad}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.body);
        assert_eq!(r.body["errors"][0]["pointer"], "/required_approvals");
    }
    let r = app
        .req(Method::POST, &format!("{PROJECT}/environments"))
        .json(json!({"key": "eu", "requires_approval": true, "required_approvals": 3}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!((&r.body["requires_approval"], &r.body["required_approvals"]), (&json!(true), &json!(3)));
}
