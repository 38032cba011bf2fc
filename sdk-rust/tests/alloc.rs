//! The typed calls that return no owned data (`bool_value`, `number_value`,
//! `int_value`), by key or through a flag handle, must not touch the heap on a client
//! without hooks, counting usage included: a counting global allocator (`allocation-counter`) proves it. A binary of
//! its own, because the allocator is global; it counts only the calling thread's
//! allocations, so the client's background thread does not disturb the count.

use vexil_sdk::{Client, Context, ReasonKind, TestData};

/// Heap allocations (and reallocations) the calling thread makes while `f` runs.
fn allocations_during(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

const SNAPSHOT: &str = r#"{"environment": "production", "version": 3, "flags": [
  {"key": "plain", "kind": "boolean", "salt": "s0",
   "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
   "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}}},
  {"key": "rollout", "kind": "boolean", "salt": "s1",
   "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
   "config": {"enabled": true, "off_variant": "off",
              "rules": [{"id": "de", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]}],
                         "serve": {"variant": "on"}}],
              "default": {"rollout": {"weights": [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]}}}},
  {"key": "limit", "kind": "number", "salt": "s2",
   "variants": [{"key": "low", "value": 10}, {"key": "high", "value": 1000}],
   "config": {"enabled": true, "off_variant": "low", "default": {"variant": "high"}}}
]}"#;

/// Every call, several times over, with contexts built beforehand; returns a checksum
/// so that nothing is optimised away.
fn evaluate_all(client: &Client, contexts: &[Context]) -> f64 {
    let mut sum = 0.0;
    for ctx in contexts {
        sum += f64::from(u8::from(client.bool_value("plain", ctx, false)));
        sum += f64::from(u8::from(client.bool_value("rollout", ctx, false)));
        sum += f64::from(u8::from(client.bool_value("missing", ctx, false)));
        sum += client.number_value("limit", ctx, 0.0);
        sum += client.number_value("plain", ctx, 0.0); // a type mismatch: the default
        sum += client.int_value("limit", ctx, 0) as f64;
        sum += client.int_value("rollout", ctx, 0) as f64;
    }
    sum
}

/// The calls of [`evaluate_all`] through [`vexil_sdk::FlagHandle`]s.
struct Handles {
    plain: vexil_sdk::FlagHandle,
    rollout: vexil_sdk::FlagHandle,
    missing: vexil_sdk::FlagHandle,
    limit: vexil_sdk::FlagHandle,
}

impl Handles {
    fn new(client: &Client) -> Handles {
        Handles {
            plain: client.flag("plain"),
            rollout: client.flag("rollout"),
            missing: client.flag("missing"),
            limit: client.flag("limit"),
        }
    }

    fn evaluate_all(&self, contexts: &[Context]) -> f64 {
        let mut sum = 0.0;
        for ctx in contexts {
            sum += f64::from(u8::from(self.plain.bool_value(ctx, false)));
            sum += f64::from(u8::from(self.rollout.bool_value(ctx, false)));
            sum += f64::from(u8::from(self.missing.bool_value(ctx, false)));
            sum += self.limit.number_value(ctx, 0.0);
            sum += self.plain.number_value(ctx, 0.0);
            sum += self.limit.int_value(ctx, 0) as f64;
            sum += self.rollout.int_value(ctx, 0) as f64;
        }
        sum
    }
}

fn contexts() -> Vec<Context> {
    (0..50)
        .map(|i| {
            let ctx = Context::new(format!("user-{i}"));
            if i % 2 == 0 { ctx.with("country", "DE") } else { ctx.with("country", "FR") }
        })
        .collect()
}

#[test]
fn typed_calls_without_hooks_do_not_allocate() {
    let contexts = contexts();

    // A client that counts usage for the server (its server is unreachable: the
    // bootstrap is served, and usage is counted all the same).
    let counting = Client::builder("http://127.0.0.1:9", "vx_srv_alloc")
        .bootstrap_json(SNAPSHOT)
        .streaming(false)
        .build()
        .unwrap();
    assert_eq!(counting.bool_details("rollout", &contexts[0], false).reason, ReasonKind::TargetingMatch);
    // The first calls on a thread take a usage stripe and cache the snapshot.
    let expected = evaluate_all(&counting, &contexts);
    let mut sum = 0.0;
    let n = allocations_during(|| sum = evaluate_all(&counting, &contexts));
    assert_eq!(n, 0, "allocations in {} evaluations", contexts.len() * 7);
    assert_eq!(sum, expected);
    // Through flag handles, made beforehand as callers keep them.
    let handles = Handles::new(&counting);
    assert_eq!(handles.evaluate_all(&contexts), expected);
    let n = allocations_during(|| sum = handles.evaluate_all(&contexts));
    assert_eq!((n, sum), (0, expected), "allocations through handles");

    // A test-data client, before and after a change (a new snapshot to pick up).
    let td = TestData::new();
    let flags: vexil_sdk::Snapshot = serde_json::from_str(SNAPSHOT).unwrap();
    for flag in flags.flags {
        td.update_flag(std::sync::Arc::unwrap_or_clone(flag));
    }
    let client = td.client();
    let expected = evaluate_all(&client, &contexts);
    let n = allocations_during(|| sum = evaluate_all(&client, &contexts));
    assert_eq!((n, sum), (0, expected));
    td.update(td.flag("limit").value_for_all(5));
    evaluate_all(&client, &contexts[..1]);
    let n = allocations_during(|| sum = evaluate_all(&client, &contexts));
    assert_eq!(n, 0);
    assert_ne!(sum, expected, "the change is served");
}

#[test]
fn the_counter_sees_allocations() {
    let n = allocations_during(|| drop(std::hint::black_box(vec![1_u8; 16])));
    assert!(n >= 1, "the counting allocator is not installed");
}
