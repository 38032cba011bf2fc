use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;

crate::on_both_databases!(the_audit_log_records_every_change_and_filters_by_resource_actor_and_time);

async fn the_audit_log_records_every_change_and_filters_by_resource_actor_and_time(app: TestApp) {
    let start = vexil_server::store::Timestamp::now();
    app.create_flag("f").await;
    let editor = app.token_with_role("editor", None).await;
    let r = app
        .call(Method::POST, "/api/v1/projects/default/flags/f/environments/production/toggle")
        .token(&editor)
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let all = app.req(Method::GET, "/api/v1/audit?project=default").send().await;
    let actions: Vec<&str> =
        all.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["flag_config.toggle", "flag.create", "project.create"],
        "newest first, project filter"
    );

    let toggle = &all.body["items"][0];
    assert!(toggle["actor"].as_str().unwrap().starts_with("token:editor token"));
    assert_eq!(toggle["resource_key"], "default/f/production");
    assert_eq!(toggle["before"]["enabled"], false);
    assert_eq!(toggle["after"]["enabled"], true);

    let system = &all.body["items"][2];
    assert_eq!(system["actor"], "system", "start-up work is audited as the system");
    let by_actor =
        app.req(Method::GET, "/api/v1/audit?actor=user:owner@example.com&resource_type=flag").send().await;
    assert_eq!(by_actor.body["items"].as_array().unwrap().len(), 1);
    let by_resource = app.req(Method::GET, "/api/v1/audit?resource_key=default/f/").send().await;
    assert_eq!(
        by_resource.body["items"].as_array().unwrap().len(),
        1,
        "a trailing slash matches resources under it"
    );
    let by_exact = app.req(Method::GET, "/api/v1/audit?resource_key=default/f").send().await;
    assert_eq!(by_exact.body["items"][0]["action"], "flag.create");

    let since = start.to_rfc3339();
    let later =
        app.req(Method::GET, &format!("/api/v1/audit?since={}", since.replace('+', "%2B"))).send().await;
    assert!(later.body["items"].as_array().unwrap().len() >= 2);
    let future = app.req(Method::GET, "/api/v1/audit?since=2999-01-01T00:00:00Z").send().await;
    assert!(future.body["items"].as_array().unwrap().is_empty());
    let before = app.req(Method::GET, "/api/v1/audit?until=2000-01-01T00:00:00Z").send().await;
    assert!(before.body["items"].as_array().unwrap().is_empty());

    let page1 = app.req(Method::GET, "/api/v1/audit?limit=1").send().await;
    let cursor = page1.body["next_cursor"].as_str().expect("more pages");
    let page2 = app.req(Method::GET, &format!("/api/v1/audit?limit=1&cursor={cursor}")).send().await;
    assert!(page2.body["items"][0]["id"].as_i64().unwrap() < page1.body["items"][0]["id"].as_i64().unwrap());

    let bad = app.req(Method::GET, "/api/v1/audit?since=yesterday").send().await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = app.req(Method::GET, "/api/v1/audit?colour=red").send().await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "unknown query parameters are refused");
}
