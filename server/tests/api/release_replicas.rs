//! Release plans over real `vexil` processes: two replicas on one PostgreSQL, both
//! running the release-plan runner every second, take each step of a plan once.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use vexil_testkit::{Admin, Db, Server, TestDb};

const PLAN: &str = "/api/v1/projects/default/flags/f/environments/production/release-plan";

/// Audit entries of the default project with `action`, newest first.
async fn audited(admin: &Admin, action: &str) -> Vec<Value> {
    let (status, body) = admin.call(Method::GET, "/api/v1/audit?project=default&limit=500", None).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().expect("items").iter().filter(|e| e["action"] == action).cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_take_each_step_of_a_release_plan_once() {
    let db = TestDb::new(Db::Postgres).await;
    let fast = [("VEXIL_RELEASE_PLAN_CHECK_SECONDS", "1")];
    let first = Server::builder(env!("CARGO_BIN_EXE_vexil"), &db.url).env(&fast).start().await;
    let second = Server::builder(env!("CARGO_BIN_EXE_vexil"), &db.url).env(&fast).start().await;
    let one = Admin::login(&first).await;
    let two = Admin::login(&second).await;
    one.create_flag("f").await;
    one.toggle("f", true).await;
    let step = |percent: f64| json!({"percent": percent, "min_duration_seconds": 0, "min_exposures": 300});
    let spec = json!({"treatment": "on", "control": "off", "steps": [step(10.0), step(50.0), step(100.0)]});
    let (status, plan) = one.call(Method::POST, PLAN, Some(spec)).await;
    assert_eq!(status, 201, "{plan}");
    let (status, plan) = two.call(Method::POST, &format!("{PLAN}/start"), Some(json!({}))).await;
    assert_eq!(status, 200, "{plan}");
    let id = plan["id"].as_i64().expect("id");
    let (sdk_key, _) = one.sdk_key("server").await;
    let http = reqwest::Client::new();
    // Usage as SDKs on both replicas report it, split as the current step asks, until
    // the plan completes (bounded).
    let mut round = 0;
    let plan = loop {
        let (_, plan) = one.call(Method::GET, PLAN, None).await;
        if plan["state"] != "running" {
            break plan;
        }
        assert!(round < 300, "the plan did not complete: {plan}");
        let percent = plan["steps"][plan["step"].as_u64().expect("step") as usize]["percent"]
            .as_f64()
            .expect("percent");
        let treatment = (2_000.0 * percent / 100.0).round() as u64;
        let usage: Vec<Value> = [("on", treatment), ("off", 2_000 - treatment)]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(variant, count)| json!({"flag": "f", "variant": variant, "count": count}))
            .collect();
        let batch = json!({"usage": usage});
        let base = if round % 2 == 0 { &first.base } else { &second.base };
        let r = http
            .post(format!("{base}/sdk/v1/events"))
            .bearer_auth(&sdk_key)
            .json(&batch)
            .send()
            .await
            .expect("events");
        assert_eq!(r.status().as_u16(), 202);
        round += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(plan["state"], "completed", "{plan}");
    let actor = format!("release-plan:{id}");
    let by_plan = |entries: Vec<Value>| entries.into_iter().filter(|e| e["actor"] == actor.as_str()).count();
    assert_eq!(by_plan(audited(&one, "release_plan.advance").await), 2);
    assert_eq!(by_plan(audited(&one, "release_plan.complete").await), 1);
    // Two steps written by the plan, one (the start) by the owner: no step twice.
    assert_eq!(by_plan(audited(&one, "flag_config.patch").await), 2);
    let (_, config) =
        one.call(Method::GET, "/api/v1/projects/default/flags/f/environments/production", None).await;
    assert_eq!(config["version"], 5, "created, toggled, started, two steps: {config}");
    assert_eq!(config["default"], json!({"rollout": {"weights": [{"variant": "on", "weight": 100_000}]}}));
}
