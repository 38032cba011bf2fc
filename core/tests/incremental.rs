//! Incremental recompilation ([`CompiledSnapshot::with_changes`]) against a full lenient
//! compilation of the same data: random change sequences (flags and segments created,
//! replaced and deleted, prerequisite edges that may form cycles or point nowhere,
//! invalid objects) must give the same failures and the same answer for every flag and
//! context.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};
use vexil_core::{CompiledSnapshot, Context, Object, Segment, Snapshot, SnapshotFlag};

const FLAGS: usize = 8;
const SEGMENTS: usize = 3;

fn flag_key(i: usize) -> String {
    format!("f{i}")
}

fn segment_key(i: usize) -> String {
    format!("s{i}")
}

/// A condition a flag's rule may hold; some refer to segments that may not exist.
fn arb_condition() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0..SEGMENTS + 1).prop_map(|s| json!({"op": "in_segment", "values": [segment_key(s)]})),
        prop::sample::subsequence(vec!["DE", "FR", "IT"], 1..3)
            .prop_map(|v| json!({"attribute": "country", "op": "in", "values": v})),
        (0i64..100).prop_map(|n| json!({"attribute": "age", "op": "gt", "values": [n]})),
        any::<bool>()
            .prop_map(|negate| json!({"attribute": "beta", "op": "exists", "values": [], "negate": negate})),
    ]
}

fn arb_serve() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec!["on", "off"]).prop_map(|v| json!({"variant": v})),
        (0u32..=100_000).prop_map(|w| json!({"rollout": {"bucket_by": "country", "weights": [
            {"variant": "on", "weight": w}, {"variant": "off", "weight": 100_000 - w}]}})),
    ]
}

fn arb_flag(key: String) -> impl Strategy<Value = SnapshotFlag> {
    (
        any::<bool>(),
        prop::collection::vec((prop::collection::vec(arb_condition(), 1..3), arb_serve()), 0..3),
        arb_serve(),
        // Prerequisites: any flag of the universe (itself, missing ones and cycles included).
        prop::collection::vec((0..FLAGS, prop::sample::select(vec!["on", "off", "nope"])), 0..3),
        prop::collection::vec(prop::sample::select(vec!["u0", "u1", "u2"]), 0..2),
        // Now and then an off variant that does not exist: the flag is invalid.
        prop::sample::select(vec!["off", "off", "off", "off", "off", "off", "off", "missing"]),
        0u64..5,
    )
        .prop_map(move |(enabled, rules, default, prerequisites, targets, off, version)| {
            let rules: Vec<Value> = rules
                .into_iter()
                .enumerate()
                .map(|(i, (conditions, serve))| json!({"id": format!("r{i}"), "conditions": conditions, "serve": serve}))
                .collect();
            let mut seen = Vec::new();
            let prerequisites: Vec<Value> = prerequisites
                .into_iter()
                .filter(|(f, _)| {
                    let fresh = !seen.contains(f);
                    seen.push(*f);
                    fresh
                })
                .map(|(f, v)| json!({"flag": flag_key(f), "variant": v}))
                .collect();
            let targets: Vec<Value> =
                if targets.is_empty() { vec![] } else { vec![json!({"variant": "on", "keys": targets})] };
            serde_json::from_value(json!({
                "key": key, "kind": "boolean", "salt": key,
                "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                "config": {"enabled": enabled, "off_variant": off, "default": default, "rules": rules,
                           "prerequisites": prerequisites, "targets": targets, "version": version}
            }))
            .expect("a flag of the model's shape")
        })
}

fn arb_segment(key: String) -> impl Strategy<Value = Segment> {
    (
        prop::collection::vec(prop::sample::select(vec!["u0", "u1", "u2", "u3"]), 0..3),
        prop::collection::vec(prop::sample::select(vec!["u3", "u4"]), 0..2),
        prop::collection::vec(prop::sample::subsequence(vec!["DE", "FR", "IT"], 1..3), 0..2),
        // Now and then a rule segments may not have: the segment is invalid.
        prop::sample::select(vec![false, false, false, false, false, true]),
    )
        .prop_map(move |(included, excluded, rules, invalid)| {
            let mut rules: Vec<Value> = rules
                .into_iter()
                .map(|v| json!({"conditions": [{"attribute": "country", "op": "in", "values": v}]}))
                .collect();
            if invalid {
                rules.push(json!({"conditions": [{"op": "in_segment", "values": ["s0"]}]}));
            }
            serde_json::from_value(
                json!({"key": key, "included": included, "excluded": excluded, "rules": rules}),
            )
            .expect("a segment of the model's shape")
        })
}

#[derive(Debug, Clone)]
enum Step {
    Flag(SnapshotFlag),
    FlagDeleted(usize),
    Segment(Segment),
    SegmentDeleted(usize),
    Toggle(usize),
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..FLAGS).prop_flat_map(|i| arb_flag(flag_key(i))).prop_map(Step::Flag),
        3 => (0..FLAGS).prop_map(Step::Toggle),
        1 => (0..FLAGS).prop_map(Step::FlagDeleted),
        2 => (0..SEGMENTS).prop_flat_map(|i| arb_segment(segment_key(i))).prop_map(Step::Segment),
        1 => (0..SEGMENTS).prop_map(Step::SegmentDeleted),
    ]
}

fn arb_start() -> impl Strategy<Value = Snapshot> {
    (
        prop::collection::vec(prop::option::weighted(0.8, Just(())), FLAGS),
        prop::collection::vec(prop::option::weighted(0.7, Just(())), SEGMENTS),
    )
        .prop_flat_map(|(flags, segments)| {
            let flags: Vec<_> = flags
                .iter()
                .enumerate()
                .filter(|(_, p)| p.is_some())
                .map(|(i, _)| arb_flag(flag_key(i)))
                .collect();
            let segments: Vec<_> = segments
                .iter()
                .enumerate()
                .filter(|(_, p)| p.is_some())
                .map(|(i, _)| arb_segment(segment_key(i)))
                .collect();
            (flags, segments)
        })
        .prop_map(|(flags, segments)| Snapshot {
            environment: "test".to_owned(),
            version: 1,
            flags: flags.into_iter().map(Arc::new).collect(),
            segments: segments.into_iter().map(Arc::new).collect(),
        })
}

/// Applies a step as the server and the SDK do (lists sorted by key, replaced by key)
/// and says which object changed.
fn apply(snapshot: &mut Snapshot, step: Step) -> Object {
    snapshot.version += 1;
    match step {
        Step::Flag(f) => {
            let object = Object::Flag(f.key.clone());
            match snapshot.flags.binary_search_by(|p| p.key.cmp(&f.key)) {
                Ok(i) => snapshot.flags[i] = f.into(),
                Err(i) => snapshot.flags.insert(i, f.into()),
            }
            object
        }
        Step::Toggle(i) => {
            let key = flag_key(i);
            if let Some(f) = snapshot.flags.iter_mut().find(|f| f.key == key) {
                let f = Arc::make_mut(f);
                f.config.enabled = !f.config.enabled;
                f.config.version += 1;
            }
            Object::Flag(key)
        }
        Step::FlagDeleted(i) => {
            let key = flag_key(i);
            snapshot.flags.retain(|f| f.key != key);
            Object::Flag(key)
        }
        Step::Segment(s) => {
            let object = Object::Segment(s.key.clone());
            match snapshot.segments.binary_search_by(|p| p.key.cmp(&s.key)) {
                Ok(i) => snapshot.segments[i] = s.into(),
                Err(i) => snapshot.segments.insert(i, s.into()),
            }
            object
        }
        Step::SegmentDeleted(i) => {
            let key = segment_key(i);
            snapshot.segments.retain(|s| s.key != key);
            Object::Segment(key)
        }
    }
}

fn contexts() -> Vec<Context> {
    let mut out = Vec::new();
    for (i, country) in ["DE", "FR", "IT", ""].iter().enumerate() {
        for age in [10, 50, 99] {
            let mut c = Context::new(format!("u{}", (i + age as usize) % 5));
            if !country.is_empty() {
                c.set("country", *country);
            }
            c.set("age", age);
            if age == 50 {
                c.set("beta", true);
            }
            out.push(c);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn changes_applied_incrementally_evaluate_as_a_full_recompile(
        start in arb_start(),
        steps in prop::collection::vec(arb_step(), 1..10),
    ) {
        let mut snapshot = start;
        snapshot.flags.sort_by(|a, b| a.key.cmp(&b.key));
        snapshot.segments.sort_by(|a, b| a.key.cmp(&b.key));
        let contexts = contexts();
        let mut current = CompiledSnapshot::compile_lenient(&snapshot);
        for step in steps {
            let changed = apply(&mut snapshot, step);
            let incremental = current.compiled.with_changes(&snapshot, &[], &[changed]);
            let full = CompiledSnapshot::compile_lenient(&snapshot);
            prop_assert_eq!(&incremental.failures, &full.failures);
            prop_assert_eq!(&incremental.snapshot_problems, &full.snapshot_problems);
            prop_assert_eq!(incremental.compiled.version(), full.compiled.version());
            prop_assert_eq!(incremental.compiled.is_clean(), full.compiled.is_clean());
            let keys: Vec<&str> = incremental.compiled.flags().map(|f| f.key()).collect();
            let full_keys: Vec<&str> = full.compiled.flags().map(|f| f.key()).collect();
            prop_assert_eq!(keys, full_keys);
            for ctx in &contexts {
                for i in 0..FLAGS {
                    let key = flag_key(i);
                    prop_assert_eq!(
                        incremental.compiled.evaluate(&key, ctx),
                        full.compiled.evaluate(&key, ctx),
                        "flag {} for {:?}", key, ctx
                    );
                }
                let all: Vec<_> = incremental.compiled.evaluate_all(ctx).collect();
                let all_full: Vec<_> = full.compiled.evaluate_all(ctx).collect();
                prop_assert_eq!(all, all_full);
            }
            current = incremental;
        }
    }
}
