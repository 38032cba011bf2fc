//! A property test over random sequences of API operations: whatever a client sends,
//! after every step each environment's stored snapshot compiles, and what
//! `/sdk/v1/config` serves equals what the database holds. Refused operations are
//! fine (that is what the invariants are for); a server error never is.

use axum::http::{Method, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use vexil_core::{CompiledSnapshot, Snapshot};

use crate::harness::{Db, TestApp};
use crate::sdk::{config_at_least, sdk_key};

const P: &str = "/api/v1/projects/default";
const ENVIRONMENTS: [&str; 3] = ["development", "staging", "production"];
const VARIANTS: [&str; 3] = ["a", "b", "c"];

/// One operation a client may send. Indexes pick among a few flags (`f0`…), segments
/// (`s0`…), environments and variants, so that operations collide often.
#[derive(Debug, Clone)]
enum Op {
    CreateFlag(usize),
    Patch { flag: usize, env: usize, edit: Edit },
    PutConfig { flag: usize, env: usize, enabled: bool, default: usize, segment_rule: Option<usize> },
    Toggle { flag: usize, env: usize, on: bool },
    Archive(usize),
    Restore(usize),
    DeleteFlag(usize),
    ReverseVariants(usize),
    CreateSegment(usize),
    PutSegment { segment: usize, users: Vec<usize>, requires: Option<usize> },
    DeleteSegment(usize),
}

#[derive(Debug, Clone)]
enum Edit {
    TurnOn,
    TurnOff,
    Rollout([u32; 3]),
    AddSegmentRule(usize),
    RemoveSegmentRule(usize),
    AddPrerequisite { flag: usize, variant: usize },
    RemovePrerequisite(usize),
    Target { variant: usize, user: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        Just(Edit::TurnOn),
        Just(Edit::TurnOff),
        [0u32..10, 0u32..10, 0u32..10].prop_map(Edit::Rollout),
        (0usize..3).prop_map(Edit::AddSegmentRule),
        (0usize..3).prop_map(Edit::RemoveSegmentRule),
        (0usize..4, 0usize..3).prop_map(|(flag, variant)| Edit::AddPrerequisite { flag, variant }),
        (0usize..4).prop_map(Edit::RemovePrerequisite),
        (0usize..3, 0usize..5).prop_map(|(variant, user)| Edit::Target { variant, user }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..4).prop_map(Op::CreateFlag),
        6 => (0usize..4, 0usize..3, edit()).prop_map(|(flag, env, edit)| Op::Patch { flag, env, edit }),
        2 => (0usize..4, 0usize..3, any::<bool>(), 0usize..3, proptest::option::of(0usize..3))
            .prop_map(|(flag, env, enabled, default, segment_rule)| Op::PutConfig { flag, env, enabled, default, segment_rule }),
        2 => (0usize..4, 0usize..3, any::<bool>()).prop_map(|(flag, env, on)| Op::Toggle { flag, env, on }),
        2 => (0usize..4).prop_map(Op::Archive),
        2 => (0usize..4).prop_map(Op::Restore),
        1 => (0usize..4).prop_map(Op::DeleteFlag),
        1 => (0usize..4).prop_map(Op::ReverseVariants),
        2 => (0usize..3).prop_map(Op::CreateSegment),
        2 => (0usize..3, proptest::collection::vec(0usize..5, 0..3), proptest::option::of(0usize..3))
            .prop_map(|(segment, users, requires)| Op::PutSegment { segment, users, requires }),
        1 => (0usize..3).prop_map(Op::DeleteSegment),
    ]
}

fn in_segment(segment: usize) -> Value {
    json!({"attribute": "key", "op": "in_segment", "values": [format!("s{segment}")]})
}

/// Sends one operation; returns its status.
async fn apply(app: &TestApp, op: &Op) -> StatusCode {
    let config = |flag: usize, env: usize| format!("{P}/flags/f{flag}/environments/{}", ENVIRONMENTS[env]);
    let r = match op {
        Op::CreateFlag(f) => {
            let variants: Vec<Value> =
                VARIANTS.iter().map(|v| json!({"key": v, "value": v.to_uppercase()})).collect();
            app.req(Method::POST, &format!("{P}/flags"))
                .json(json!({"key": format!("f{f}"), "kind": "string", "variants": variants}))
                .send()
                .await
        }
        Op::Patch { flag, env, edit } => {
            let instruction = match edit {
                Edit::TurnOn => json!({"kind": "turn_on"}),
                Edit::TurnOff => json!({"kind": "turn_off"}),
                Edit::Rollout(shares) => {
                    let total: u32 = shares.iter().sum();
                    let mut weights: Vec<Value> = Vec::new();
                    let mut given = 0;
                    for (i, share) in shares.iter().enumerate() {
                        let weight = if i == 2 {
                            100_000 - given
                        } else {
                            (share * 100_000).checked_div(total).unwrap_or(0)
                        };
                        given += weight;
                        weights.push(json!({"variant": VARIANTS[i], "weight": weight}));
                    }
                    json!({"kind": "set_rollout", "weights": weights})
                }
                Edit::AddSegmentRule(s) => json!({"kind": "add_rule", "rule": {
                    "id": format!("in-s{s}"), "conditions": [in_segment(*s)], "serve": {"variant": "b"}}}),
                Edit::RemoveSegmentRule(s) => json!({"kind": "remove_rule", "rule": format!("in-s{s}")}),
                Edit::AddPrerequisite { flag, variant } => {
                    json!({"kind": "add_prerequisite", "flag": format!("f{flag}"), "variant": VARIANTS[*variant]})
                }
                Edit::RemovePrerequisite(f) => {
                    json!({"kind": "remove_prerequisite", "flag": format!("f{f}")})
                }
                Edit::Target { variant, user } => {
                    json!({"kind": "add_targets", "variant": VARIANTS[*variant], "keys": [format!("u{user}")]})
                }
            };
            app.req(Method::PATCH, &config(*flag, *env))
                .json(json!({"instructions": [instruction]}))
                .send()
                .await
        }
        Op::PutConfig { flag, env, enabled, default, segment_rule } => {
            let rules: Vec<Value> = segment_rule
                .iter()
                .map(|s| json!({"id": format!("in-s{s}"), "conditions": [in_segment(*s)], "serve": {"variant": "c"}}))
                .collect();
            app.req(Method::PUT, &config(*flag, *env))
                .header("if-match", "*")
                .json(json!({"enabled": enabled, "off_variant": "a",
                             "default": {"variant": VARIANTS[*default]}, "rules": rules}))
                .send()
                .await
        }
        Op::Toggle { flag, env, on } => {
            app.req(Method::POST, &format!("{}/toggle", config(*flag, *env)))
                .json(json!({"enabled": on}))
                .send()
                .await
        }
        Op::Archive(f) => app.req(Method::POST, &format!("{P}/flags/f{f}/archive")).send().await,
        Op::Restore(f) => app.req(Method::POST, &format!("{P}/flags/f{f}/restore")).send().await,
        Op::DeleteFlag(f) => {
            app.req(Method::DELETE, &format!("{P}/flags/f{f}")).header("if-match", "*").send().await
        }
        Op::ReverseVariants(f) => {
            let path = format!("{P}/flags/f{f}");
            let current = app.req(Method::GET, &path).send().await;
            if current.status != StatusCode::OK {
                return current.status;
            }
            let mut variants = current.body["variants"].as_array().cloned().unwrap_or_default();
            variants.reverse();
            app.req(Method::PATCH, &path)
                .header("if-match", "*")
                .json(json!({"variants": variants}))
                .send()
                .await
        }
        Op::CreateSegment(s) => {
            app.req(Method::POST, &format!("{P}/segments"))
                .json(json!({"key": format!("s{s}"), "included": ["u0"]}))
                .send()
                .await
        }
        Op::PutSegment { segment, users, requires } => {
            let included: Vec<String> = users.iter().map(|u| format!("u{u}")).collect();
            let rules: Vec<Value> =
                requires.iter().map(|s| json!({"conditions": [in_segment(*s)]})).collect();
            app.req(Method::PUT, &format!("{P}/segments/s{segment}"))
                .header("if-match", "*")
                .json(json!({"key": format!("s{segment}"), "included": included, "rules": rules}))
                .send()
                .await
        }
        Op::DeleteSegment(s) => {
            app.req(Method::DELETE, &format!("{P}/segments/s{s}")).header("if-match", "*").send().await
        }
    };
    r.status
}

/// After each step: every environment's stored snapshot compiles, and the served one
/// equals it.
async fn check(app: &TestApp, keys: &[String]) -> Result<(), String> {
    for (env, key) in ENVIRONMENTS.iter().zip(keys) {
        let id = app.state.store.get_environment("default", env).await.map_err(|e| e.to_string())?.id;
        let stored = app.state.store.environment_snapshot(id).await.map_err(|e| e.to_string())?;
        if let Err(e) = CompiledSnapshot::compile(&stored) {
            return Err(format!("the stored {env} snapshot does not compile: {e}"));
        }
        let served = config_at_least(app, key, stored.version).await;
        let served: Snapshot =
            serde_json::from_value(served).map_err(|e| format!("the served {env} snapshot: {e}"))?;
        if served != stored {
            return Err(format!(
                "{env} serves version {} but the database holds version {}:\nserved {}\nstored {}",
                served.version,
                stored.version,
                serde_json::to_string(&served).unwrap_or_default(),
                serde_json::to_string(&stored).unwrap_or_default(),
            ));
        }
    }
    Ok(())
}

async fn run_case(db: Db, ops: Vec<Op>) -> Result<(), String> {
    let app = TestApp::new(db).await;
    let mut keys = Vec::new();
    for env in ENVIRONMENTS {
        keys.push(sdk_key(&app, env, "server").await);
    }
    // A few objects to start from, so that most operations meet something.
    for setup in [Op::CreateFlag(0), Op::CreateFlag(1), Op::CreateSegment(0)] {
        let status = apply(&app, &setup).await;
        if status != StatusCode::CREATED {
            return Err(format!("setting up with {setup:?} answered {status}"));
        }
    }
    for (step, op) in ops.iter().enumerate() {
        let status = apply(&app, op).await;
        if status.is_server_error() {
            return Err(format!("step {step} {op:?} answered {status}"));
        }
        check(&app, &keys).await.map_err(|e| format!("after step {step} {op:?} ({status}): {e}"))?;
    }
    Ok(())
}

fn property(db: Db) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    // A fresh database per case makes each case cost a second or so: few cases, long
    // sequences, and a bounded shrink.
    let mut runner = TestRunner::new(Config {
        cases: 8,
        max_shrink_iters: 40,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&proptest::collection::vec(op(), 10..40), |ops| {
        runtime.block_on(run_case(db, ops)).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn random_operations_keep_every_environment_servable_and_served_as_stored_on_postgres() {
    property(Db::Postgres);
}

#[test]
fn random_operations_keep_every_environment_servable_and_served_as_stored_on_sqlite() {
    property(Db::Sqlite);
}
