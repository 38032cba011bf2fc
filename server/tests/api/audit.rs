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

crate::on_both_databases!(
    a_toggle_comment_is_stored_on_its_audit_entry,
    audit_entries_name_their_resource_even_after_it_is_deleted,
);

async fn a_toggle_comment_is_stored_on_its_audit_entry(app: TestApp) {
    app.create_flag("f").await;
    let toggle = "/api/v1/projects/default/flags/f/environments/production/toggle";
    let r = app
        .req(Method::POST, toggle)
        .json(json!({"enabled": true, "comment": "  incident 42: the new checkout is back  "}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.req(Method::POST, toggle).json(json!({"enabled": false})).send().await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.req(Method::POST, toggle).json(json!({"enabled": true, "comment": "   "})).send().await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.req(Method::POST, toggle).json(json!({"enabled": true, "comment": "no change"})).send().await;
    assert_eq!(r.status, StatusCode::OK, "toggling to the current state still answers 200");

    let long = app
        .req(Method::POST, toggle)
        .json(json!({"enabled": false, "comment": "x".repeat(1001)}))
        .send()
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", long.body);
    assert_eq!(long.body["errors"][0]["pointer"], "/comment");
    let still = app.req(Method::GET, "/api/v1/projects/default/flags/f/environments/production").send().await;
    assert_eq!(still.body["enabled"], true, "a refused comment switches nothing");

    let entries =
        app.req(Method::GET, "/api/v1/audit?resource_key=default/f/production").send().await.body["items"]
            .as_array()
            .unwrap()
            .clone();
    let comments: Vec<&serde_json::Value> = entries.iter().map(|e| &e["comment"]).collect();
    assert_eq!(
        comments,
        [&json!(null), &json!(null), &json!("incident 42: the new checkout is back")],
        "newest first: trimmed, blank is none, a toggle that changes nothing writes no entry"
    );
    // The flag's history reads the same entries with the resource prefix.
    let history = app.req(Method::GET, "/api/v1/audit?resource_key=default/f/").send().await;
    assert_eq!(history.body["items"][2]["comment"], "incident 42: the new checkout is back");
}

async fn audit_entries_name_their_resource_even_after_it_is_deleted(app: TestApp) {
    let keys = "/api/v1/projects/default/environments/production/sdk-keys";
    let key =
        app.req(Method::POST, keys).json(json!({"kind": "server", "name": "checkout service"})).send().await;
    assert_eq!(key.status, StatusCode::CREATED);
    let id = key.body["id"].as_str().unwrap();
    let r = app.req(Method::DELETE, &format!("{keys}/{id}")).send().await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = app.req(Method::GET, "/api/v1/audit?resource_type=sdk_key").send().await;
    let names: Vec<(&str, &str)> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["resource_name"].as_str().unwrap_or("(none)")))
        .collect();
    assert_eq!(names, [("sdk_key.revoke", "checkout service"), ("sdk_key.create", "checkout service")]);

    let user = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": "ada@example.com", "name": "Ada Lovelace", "password": "a-long-enough-password", "role": "viewer"}))
        .send()
        .await;
    assert_eq!(user.status, StatusCode::CREATED, "{}", user.body);
    let nameless = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": "bob@example.com", "password": "a-long-enough-password", "role": "viewer"}))
        .send()
        .await;
    assert_eq!(nameless.status, StatusCode::CREATED, "{}", nameless.body);
    let r = app
        .req(Method::DELETE, &format!("/api/v1/users/{}", user.body["id"].as_str().unwrap()))
        .if_match(user.etag())
        .send()
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = app.req(Method::GET, "/api/v1/audit?resource_type=user").send().await;
    let users: Vec<(&str, &str)> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["resource_name"].as_str().unwrap_or("(none)")))
        .collect();
    assert_eq!(
        &users[..3],
        [
            ("user.delete", "Ada Lovelace"),
            ("user.create", "bob@example.com"),
            ("user.create", "Ada Lovelace")
        ],
        "a deleted user keeps its name; a user without a name is named by email"
    );

    let token = app
        .req(Method::POST, "/api/v1/tokens")
        .json(json!({"name": "ci deploys", "role": "editor"}))
        .send()
        .await;
    assert_eq!(token.status, StatusCode::CREATED);
    let r = app.req(Method::GET, "/api/v1/audit?resource_type=api_token").send().await;
    assert_eq!(r.body["items"][0]["resource_name"], "ci deploys");

    app.create_flag("f").await;
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags/f/environments/production/toggle")
        .json(json!({"enabled": true}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.req(Method::GET, "/api/v1/audit?resource_key=default/f/production").send().await;
    assert_eq!(r.body["items"][0]["resource_name"], json!(null), "a configuration has no name of its own");
}

mod audit_retention {
    use crate::harness::{Db, TestApp};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::audit_retention_deletes_old_entries_and_keeps_new_ones(Db::Postgres).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::audit_retention_deletes_old_entries_and_keeps_new_ones(Db::Sqlite).await;
    }

    pub(super) async fn app(db: Db, retention: Option<&str>) -> TestApp {
        match retention {
            Some(days) => TestApp::with_args(db, &["--audit-retention-days", days]).await,
            None => TestApp::new(db).await,
        }
    }
}

/// Writes an audit entry dated `days_ago` days back, as an old log would hold.
async fn backdated_entry(app: &TestApp, key: &str, days_ago: i64) {
    let at = vexil_server::store::Timestamp::now().0 - days_ago * 86_400_000;
    sqlx::query(
        "insert into audit (at, actor, action, resource_type, resource_key, project_key)
         values ($1, 'system', 'flag.create', 'flag', $2, 'default')",
    )
    .bind(at)
    .bind(key)
    .execute(app.state.store.pool())
    .await
    .expect("backdated audit entry");
}

async fn audit_keys(app: &TestApp) -> Vec<String> {
    let r = app.req(Method::GET, "/api/v1/audit?project=default&resource_type=flag&limit=100").send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource_key"].as_str().unwrap().to_owned())
        .collect()
}

async fn audit_retention_deletes_old_entries_and_keeps_new_ones(db: crate::harness::Db) {
    // With a 30-day retention: an entry of 40 days ago goes, one of 20 days ago and
    // today's stay.
    let app = audit_retention::app(db, Some("30")).await;
    backdated_entry(&app, "default/ancient", 40).await;
    backdated_entry(&app, "default/recent", 20).await;
    app.create_flag("today").await;
    assert_eq!(audit_keys(&app).await, ["default/today", "default/recent", "default/ancient"]);
    vexil_server::jobs::run_once(&app.state.store).await.expect("housekeeping");
    assert_eq!(audit_keys(&app).await, ["default/today", "default/recent"], "only the old entry is deleted");

    // Without a retention setting the log is kept forever.
    let keep = audit_retention::app(db, None).await;
    backdated_entry(&keep, "default/ancient", 4000).await;
    vexil_server::jobs::run_once(&keep.state.store).await.expect("housekeeping");
    assert_eq!(audit_keys(&keep).await, ["default/ancient"]);
}
