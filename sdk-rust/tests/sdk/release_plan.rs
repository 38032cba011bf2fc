//! A release plan driven by the real SDK: a load evaluates the flag for many contexts
//! and `track`s errors per context, and the server's release-plan runner (looking every
//! second) rolls the treatment back by itself when its error rate is three times the
//! control's — after which the SDK serves the control — or completes the plan when the
//! rates are equal.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use vexil_sdk::Context;
use vexil_testkit::{Admin, Server, TestDb};

use crate::support::{eventually, fast, vexil_binary};

const PLAN: &str = "/api/v1/projects/default/flags/f/environments/production/release-plan";

/// Whether the `i`-th context of `round` errs, at `per_mille` errors in a thousand: a
/// fixed pseudo-random draw (SplitMix64), so that a run is repeatable.
fn errs(round: u64, i: u64, per_mille: u64) -> bool {
    let mut z = (round << 32 | i).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % 1000 < per_mille
}

/// Starts a plan on boolean flag `f` (10 → 50 → 100 %, no minimum time, 300 exposures
/// per arm, an `http_5xx` rate guardrail), then runs SDK load with the given error rates
/// until the plan is decided (bounded). Returns the plan and the client.
async fn run(control_per_mille: u64, treatment_per_mille: u64) -> (Value, vexil_sdk::Client, Server, TestDb) {
    let db = TestDb::postgres().await;
    let server = Server::builder(vexil_binary(), &db.url)
        .env(&[("VEXIL_RELEASE_PLAN_CHECK_SECONDS", "1")])
        .start()
        .await;
    let admin = Admin::login(&server).await;
    admin.create_flag("f").await;
    admin.toggle("f", true).await;
    let (key, _) = admin.sdk_key("server").await;
    let step = |percent: f64| json!({"percent": percent, "min_duration_seconds": 0, "min_exposures": 300});
    let spec = json!({"treatment": "on", "control": "off", "planned_exposures": 2000,
                      "steps": [step(10.0), step(50.0), step(100.0)],
                      "guardrails": [{"event": "http_5xx", "measure": "rate"}]});
    let (status, plan) = admin.call(Method::POST, PLAN, Some(spec)).await;
    assert_eq!(status, 201, "{plan}");
    let (status, plan) = admin.call(Method::POST, &format!("{PLAN}/start"), Some(json!({}))).await;
    assert_eq!(status, 200, "{plan}");
    let client = fast(vexil_sdk::Client::builder(&server.base, &key)).build().unwrap();
    client.wait_until_ready(Duration::from_secs(20)).await.unwrap();
    for round in 0..300u64 {
        let (_, plan) = admin.call(Method::GET, PLAN, None).await;
        if plan["state"] != "running" {
            return (plan, client, server, db);
        }
        for i in 0..2_000 {
            let user = Context::new(format!("user-{round}-{i}"));
            let on = client.bool_value("f", &user, false);
            if errs(round, i, if on { treatment_per_mille } else { control_per_mille }) {
                client.track("http_5xx", &user, 1.0);
            }
        }
        client.flush();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("the plan took no decision in 300 rounds of load");
}

/// Whether the client serves `value` to 500 fresh contexts.
fn serves_everyone(client: &vexil_sdk::Client, value: bool) -> bool {
    (0..500).all(|i| client.bool_value("f", &Context::new(format!("after-{i}")), !value) == value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_treatment_with_three_times_the_errors_is_rolled_back_and_the_sdk_serves_the_control() {
    let (plan, client, _server, _db) = run(20, 60).await;
    assert_eq!(plan["state"], "rolled_back", "{plan}");
    assert_eq!(plan["analysis"]["guardrails"][0]["verdict"], "worse", "{plan}");
    eventually("the rollback to reach the SDK", || async { serves_everyone(&client, false).then_some(()) })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn equal_error_rates_take_the_plan_to_everyone() {
    let (plan, client, _server, _db) = run(20, 20).await;
    assert_eq!(plan["state"], "completed", "{plan}");
    eventually("100 % to reach the SDK", || async { serves_everyone(&client, true).then_some(()) }).await;
}
