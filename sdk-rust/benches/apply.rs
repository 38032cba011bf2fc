//! Applying one stream change to a client holding the 1 000-flag mixed snapshot of the
//! other benches (plus 20 segments, one of them used by 5 flags): the event goes
//! through the worker's path (parse, apply, compile, install, usage counters, change
//! notification) until the new snapshot is the one evaluations load.
//!
//! Scenarios: `flag` (rule flag `rule-2` turned off and on again, one change per
//! iteration), `segment` (segment `beta`, used by 5 flags, edited); each on a client
//! without change subscribers and on one with a subscriber (`_subscribed`: the changed
//! flags are worked out too).
//!
//! Run: `cargo bench -p vexil-sdk --features fuzzing --bench apply`. With
//! `VEXIL_ICOUNT=<scenario>:<n>` the binary applies n changes and exits instead, for
//! instruction counts (run it under callgrind with n = 0 and n = N and divide the
//! difference by N, as `scripts/bench-icount` does for the core).

use std::hint::black_box;

use criterion::Criterion;
use serde_json::{Value, json};
use vexil_sdk::fuzzing::Follower;

#[path = "../../core/benches/support/mod.rs"]
mod support;

const SCENARIOS: [&str; 4] = ["flag", "segment", "flag_subscribed", "segment_subscribed"];

/// The mixed snapshot with 20 segments; 5 plain flags test membership of `beta`.
fn config() -> String {
    let mut snapshot: Value = serde_json::from_str(&support::mixed_snapshot_json()).expect("valid");
    let mut segments: Vec<Value> = (0..19).map(|i| json!({"key": format!("segment-{i:02}")})).collect();
    segments.push(segment(false));
    segments.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    snapshot["segments"] = Value::Array(segments);
    let flags = snapshot["flags"].as_array_mut().expect("flags");
    for f in flags.iter_mut().filter(|f| f["key"].as_str().is_some_and(|k| k.starts_with("plain-"))).take(5) {
        f["config"]["rules"] = json!([{"id": "beta", "serve": {"variant": "off"},
            "conditions": [{"op": "in_segment", "values": ["beta"]}]}]);
    }
    snapshot.to_string()
}

fn segment(edited: bool) -> Value {
    let included: Vec<String> = (0..if edited { 11 } else { 10 }).map(|i| format!("user-{i:05}")).collect();
    json!({"key": "beta", "included": included, "excluded": [],
           "rules": [{"conditions": [{"attribute": "plan", "op": "in", "values": ["pro"]}]}]})
}

/// The two alternating event bodies of a scenario.
fn bodies(scenario: &str) -> (&'static str, [String; 2]) {
    if scenario.starts_with("segment") {
        return ("segment", [segment(true).to_string(), segment(false).to_string()]);
    }
    let on = support::rule_flag("rule-2");
    let mut off = on.clone();
    off["config"]["enabled"] = json!(false);
    ("flag", [off.to_string(), on.to_string()])
}

/// A client in the state of the scenario, and a function applying the next change.
fn scenario(name: &str) -> impl FnMut() -> bool {
    let mut follower = Follower::new(config().as_bytes(), name.ends_with("_subscribed"));
    let mut version = follower.version();
    let (event, bodies) = bodies(name);
    move || {
        version += 1;
        let body = &bodies[(version % 2) as usize];
        let frame = format!("event: {event}\nid: {version}\ndata: {body}\n\n");
        follower.push(black_box(frame.as_bytes()))
    }
}

fn main() {
    if let Ok(spec) = std::env::var("VEXIL_ICOUNT") {
        let (name, n) = spec.split_once(':').expect("VEXIL_ICOUNT=<scenario>:<n>");
        let n: usize = n.parse().expect("a number of changes");
        let mut apply = scenario(name);
        for _ in 0..n {
            assert!(apply());
        }
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("sdk_apply_one_change_1000_flags");
    for name in SCENARIOS {
        let mut apply = scenario(name);
        group.bench_function(name, |b| b.iter(&mut apply));
    }
    group.finish();
    c.final_summary();
}
