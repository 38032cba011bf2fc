//! Scheduled changes over real `vexil` processes: two replicas on one PostgreSQL apply
//! each change exactly once, and a change that came due while every replica was down
//! runs at the next start and says it ran late.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use vexil_testkit::{Admin, Db, Server, TestDb};

const SCHEDULES: &str = "/api/v1/projects/default/scheduled-changes";

fn server(db: &TestDb) -> vexil_testkit::ServerBuilder {
    Server::builder(env!("CARGO_BIN_EXE_vexil"), &db.url)
}

fn in_ms(ms: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::milliseconds(ms);
    t.format(&time::format_description::well_known::Rfc3339).expect("format")
}

/// Polls the project's scheduled changes until none is pending (bounded); returns them.
async fn all_settled(admin: &Admin) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = admin.call(Method::GET, SCHEDULES, None).await;
        assert_eq!(status, 200, "{body}");
        let items = body["items"].as_array().expect("items").clone();
        if items.iter().all(|i| i["state"] != "pending") {
            return items;
        }
        assert!(tokio::time::Instant::now() < deadline, "scheduled changes still pending: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Audit entries of the default project with `action`.
async fn audited(admin: &Admin, action: &str) -> Vec<Value> {
    let (status, body) = admin.call(Method::GET, "/api/v1/audit?project=default&limit=500", None).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().expect("items").iter().filter(|e| e["action"] == action).cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_apply_each_scheduled_change_exactly_once() {
    let db = TestDb::new(Db::Postgres).await;
    let first = server(&db).start().await;
    let second = server(&db).start().await;
    let one = Admin::login(&first).await;
    let two = Admin::login(&second).await;
    one.create_flag("f").await;
    const N: usize = 8;
    // All due at the same moment, created on both replicas, so both schedulers go for
    // every one of them.
    let due = in_ms(1500);
    for i in 0..N {
        let admin = if i % 2 == 0 { &one } else { &two };
        let body = json!({
            "flag": "f",
            "environment": "production",
            "patch": {"instructions": [{"kind": "add_targets", "variant": "on", "keys": [format!("u{i}")]}]},
            "run_at": due,
        });
        let (status, b) = admin.call(Method::POST, SCHEDULES, Some(body)).await;
        assert_eq!(status, 201, "{b}");
    }
    let items = all_settled(&two).await;
    assert_eq!(items.len(), N);
    assert!(items.iter().all(|i| i["state"] == "done"), "{items:?}");
    let mut versions: Vec<i64> =
        items.iter().map(|i| i["result_version"].as_i64().expect("version")).collect();
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(versions.len(), N, "each wrote its own version: {items:?}");
    let (_, config) =
        one.call(Method::GET, "/api/v1/projects/default/flags/f/environments/production", None).await;
    assert_eq!(config["version"], 1 + N as i64, "{config}");
    assert_eq!(config["targets"][0]["keys"].as_array().expect("keys").len(), N, "{config}");
    assert_eq!(audited(&one, "scheduled_change.run").await.len(), N);
    assert_eq!(audited(&one, "flag_config.patch").await.len(), N);
}

/// Stops the server with a change pending, moves its due time into the past while no
/// replica runs (what the clock does over a long outage), starts it again.
async fn a_change_due_while_the_server_was_down_runs_at_start_marked_late(db: Db) {
    let db = TestDb::new(db).await;
    let mut vexil = server(&db).start().await;
    let admin = Admin::login(&vexil).await;
    admin.create_flag("f").await;
    let body = json!({
        "flag": "f",
        "environment": "production",
        "patch": {"instructions": [{"kind": "turn_on"}]},
        "run_at": in_ms(3_600_000),
    });
    let (status, created) = admin.call(Method::POST, SCHEDULES, Some(body)).await;
    assert_eq!(status, 201, "{created}");
    vexil.terminate();

    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.expect("database");
    let an_hour_ago = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 - 3_600_000;
    sqlx::query("update scheduled_change set run_at = $1 where id = $2")
        .bind(an_hour_ago)
        .bind(created["id"].as_i64().expect("id"))
        .execute(&pool)
        .await
        .expect("move the due time");
    pool.close().await;

    vexil.restart().await;
    let admin = Admin::login(&vexil).await;
    let items = all_settled(&admin).await;
    assert_eq!(items[0]["state"], "done", "{items:?}");
    assert_eq!(items[0]["ran_late"], true, "{items:?}");
    assert!(items[0]["late_by_ms"].as_i64().expect("late_by_ms") >= 3_600_000, "{items:?}");
    let (_, config) =
        admin.call(Method::GET, "/api/v1/projects/default/flags/f/environments/production", None).await;
    assert_eq!(config["enabled"], true);
    assert_eq!(audited(&admin, "scheduled_change.run").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_due_while_the_server_was_down_runs_at_start_marked_late_on_postgres() {
    a_change_due_while_the_server_was_down_runs_at_start_marked_late(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_due_while_the_server_was_down_runs_at_start_marked_late_on_sqlite() {
    a_change_due_while_the_server_was_down_runs_at_start_marked_late(Db::Sqlite).await;
}
