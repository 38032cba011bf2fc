//! Fixtures shared by the benchmarks: the scenarios of docs/benchmarks.md.
#![allow(dead_code, reason = "each benchmark binary uses a different part")]

use serde_json::{Value, json};
use vexil_core::{CompiledSnapshot, Context, Object, Snapshot};

pub(crate) const COUNTRIES: [&str; 10] = ["DE", "FR", "IT", "ES", "PL", "NL", "BE", "AT", "CH", "SE"];

fn bool_variants() -> Value {
    json!([{"key": "on", "value": true}, {"key": "off", "value": false}])
}

/// (a) a boolean flag with no rules.
pub(crate) fn plain_flag(key: &str) -> Value {
    json!({"key": key, "kind": "boolean", "salt": format!("salt-{key}"), "variants": bool_variants(),
           "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}, "version": 1}})
}

/// (b) a 50 % rollout on the context key.
pub(crate) fn rollout_flag(key: &str) -> Value {
    json!({"key": key, "kind": "boolean", "salt": format!("salt-{key}"), "variants": bool_variants(),
           "config": {"enabled": true, "off_variant": "off", "version": 1,
                      "default": {"rollout": {"weights": [{"variant": "on", "weight": 50000},
                                                           {"variant": "off", "weight": 50000}]}}}})
}

/// (c) a rule with three conditions (in a list of 10, equality, semver >= 2.0.0), then a
/// 25 % rollout.
pub(crate) fn rule_flag(key: &str) -> Value {
    json!({"key": key, "kind": "boolean", "salt": format!("salt-{key}"), "variants": bool_variants(),
           "config": {"enabled": true, "off_variant": "off", "version": 1,
                      "rules": [{"id": "eu-pro-v2", "conditions": [
                          {"attribute": "country", "op": "in", "values": COUNTRIES},
                          {"attribute": "plan", "op": "in", "values": ["pro"]},
                          {"attribute": "version", "op": "semver_gte", "values": ["2.0.0"]}],
                        "serve": {"rollout": {"weights": [{"variant": "on", "weight": 25000},
                                                          {"variant": "off", "weight": 75000}]}}}],
                      "default": {"variant": "off"}}})
}

pub(crate) fn snapshot_json(flags: Vec<Value>) -> String {
    json!({"environment": "production", "version": 1, "flags": flags, "segments": []}).to_string()
}

/// (d)/(e)/(f): 1 000 flags, a third of each scenario.
pub(crate) fn mixed_snapshot_json() -> String {
    let flags = (0..1000)
        .map(|i| match i % 3 {
            0 => plain_flag(&format!("plain-{i}")),
            1 => rollout_flag(&format!("rollout-{i}")),
            _ => rule_flag(&format!("rule-{i}")),
        })
        .collect();
    snapshot_json(flags)
}

/// 10 000 distinct contexts that all match scenario (c)'s rule.
pub(crate) fn contexts() -> Vec<Context> {
    (0..10_000)
        .map(|i| {
            Context::new(format!("user-{i:05}"))
                .with("country", COUNTRIES[i % COUNTRIES.len()])
                .with("plan", "pro")
                .with("version", format!("2.{}.{}", i % 7, i % 13))
        })
        .collect()
}

/// (g)/(h): the 1 000-flag snapshot compiled, and the same data with one change: the
/// first rule flag (`rule-2`, three conditions and a rollout) turned off. Returns the
/// compiled base, the changed data and the changed object.
pub(crate) fn one_change() -> (CompiledSnapshot, Snapshot, [Object; 1]) {
    let mut model: Snapshot = serde_json::from_str(&mixed_snapshot_json()).expect("valid snapshot");
    let base = CompiledSnapshot::compile_lenient(&model).compiled;
    model.version += 1;
    let flag = std::sync::Arc::make_mut(&mut model.flags[2]);
    flag.config.enabled = false;
    flag.config.version += 1;
    let changed = [Object::Flag(flag.key.clone())];
    (base, model, changed)
}
