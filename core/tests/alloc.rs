//! Evaluating a flag must not touch the heap: a counting global allocator proves it.

use vexil_core::{CompiledSnapshot, Context};

/// Heap allocations (and reallocations) the calling thread makes while `f` runs.
fn allocations_during(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

const SNAPSHOT: &str = r#"{
  "environment": "production", "version": 3,
  "segments": [{"key": "beta", "included": ["u-1"], "excluded": ["u-9"],
                "rules": [{"conditions": [{"attribute": "email", "op": "ends_with", "values": ["@acme.com"]}]}]}],
  "flags": [
    {"key": "plain", "kind": "boolean", "salt": "s0",
     "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
     "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}}},
    {"key": "rollout", "kind": "boolean", "salt": "s1",
     "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
     "config": {"enabled": true, "off_variant": "off",
                "default": {"rollout": {"weights": [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]}}}},
    {"key": "everything", "kind": "boolean", "salt": "s2",
     "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
     "config": {"enabled": true, "off_variant": "off",
       "targets": [{"variant": "off", "keys": ["blocked-1", "blocked-2"]}],
       "prerequisites": [{"flag": "plain", "variant": "on"}],
       "rules": [
         {"id": "never", "conditions": [{"attribute": "country", "op": "in", "values": ["XX"]}], "serve": {"variant": "off"}},
         {"id": "ops", "conditions": [
            {"attribute": "country", "op": "in", "values": ["DE", "FR", "IT", "ES", "PL", "NL", "BE", "AT", "CH", "SE"]},
            {"attribute": "plan", "op": "in", "values": ["pro"]},
            {"attribute": "email", "op": "contains", "values": ["@"]},
            {"attribute": "email", "op": "starts_with", "values": ["a"]},
            {"attribute": "email", "op": "ends_with", "values": [".com"]},
            {"attribute": "email", "op": "matches", "values": ["^[a-z]+@"]},
            {"attribute": "age", "op": "gte", "values": [18]},
            {"attribute": "age", "op": "lt", "values": [99]},
            {"attribute": "version", "op": "semver_gte", "values": ["2.0.0"]},
            {"attribute": "version", "op": "semver_lt", "values": ["3.0.0-rc.1"]},
            {"attribute": "signup", "op": "after", "values": ["2020-01-01T00:00:00Z"]},
            {"attribute": "groups", "op": "in", "values": ["admins"]},
            {"attribute": "missing", "op": "exists", "values": [], "negate": true},
            {"op": "in_segment", "values": ["beta"]}
          ],
          "serve": {"rollout": {"bucket_by": "company", "weights": [{"variant": "on", "weight": 25000}, {"variant": "off", "weight": 75000}]}}}
       ],
       "default": {"variant": "off"}}}
  ]
}"#;

#[test]
fn evaluating_boolean_flags_allocates_nothing() {
    let snapshot = CompiledSnapshot::from_json(SNAPSHOT.as_bytes()).expect("valid snapshot");
    let ctx = Context::new("alice-42")
        .with("country", "DE")
        .with("plan", "pro")
        .with("email", "alice@acme.com")
        .with("age", 30)
        .with("version", "2.4.1")
        .with("signup", "2024-05-01T10:00:00Z")
        .with("groups", vec!["staff", "admins"])
        .with("company", 1234);
    let anonymous = Context::anonymous();

    // The regex engine builds its per-thread cache on first use; that is set-up, not
    // evaluation, so warm up once before counting.
    let everything = snapshot.evaluate("everything", &ctx);
    assert_eq!(everything.record().rule_id.as_deref(), Some("ops"), "the long rule must match");

    for flag in ["plain", "rollout", "everything", "missing-flag"] {
        let n = allocations_during(|| {
            for _ in 0..100 {
                std::hint::black_box(snapshot.evaluate(flag, &ctx));
                std::hint::black_box(snapshot.evaluate(flag, &anonymous));
            }
        });
        assert_eq!(n, 0, "evaluating {flag:?} allocated {n} times");
    }
    let n = allocations_during(|| {
        for (key, result) in snapshot.evaluate_all(&ctx) {
            std::hint::black_box((key, result));
        }
    });
    assert_eq!(n, 0, "evaluate_all allocated {n} times");
}

#[test]
fn the_counter_sees_allocations() {
    // Guards the test above against a counter that never counts.
    let n = allocations_during(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert!(n >= 1);
}
