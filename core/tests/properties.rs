//! Property tests: bucketing stability, uniformity and independence, and that nothing a
//! user can send makes parsing, validation or evaluation panic.

use proptest::prelude::*;
use serde_json::{Value, json};
use vexil_core::{CompiledSnapshot, Context, ReasonKind, Snapshot, hash};

fn rollout_snapshot(salt: &str, weights: &[(&str, u32)]) -> CompiledSnapshot {
    let variants: Vec<Value> = weights.iter().map(|(k, _)| json!({"key": k, "value": k})).collect();
    let weights: Vec<Value> = weights.iter().map(|(k, w)| json!({"variant": k, "weight": w})).collect();
    let snapshot = json!({
        "environment": "test", "version": 1,
        "flags": [{"key": "f", "kind": "string", "salt": salt, "variants": variants,
                   "config": {"enabled": true, "off_variant": "a",
                              "default": {"rollout": {"weights": weights}}}}]
    });
    CompiledSnapshot::from_json(snapshot.to_string().as_bytes()).expect("valid rollout snapshot")
}

fn served(s: &CompiledSnapshot, key: &str) -> String {
    s.evaluate("f", &Context::new(key)).variant.expect("a rollout always serves").to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn raising_the_first_variant_keeps_everyone_it_had(
        salt in "[a-z0-9]{1,12}",
        w0 in 0u32..=100_000,
        raise in 0u32..=100_000,
        split in 0u32..=100,
        keys in prop::collection::vec("[ -~]{0,16}", 50),
    ) {
        let raise = raise.min(100_000 - w0);
        let rest = 100_000 - w0;
        let w1 = rest * split / 100;
        let before = rollout_snapshot(&salt, &[("a", w0), ("b", w1), ("c", rest - w1)]);
        // The extra share comes out of the last variants, as the dashboard's slider does.
        let w1_after = w1.min(100_000 - w0 - raise);
        let after = rollout_snapshot(&salt, &[("a", w0 + raise), ("b", w1_after), ("c", 100_000 - w0 - raise - w1_after)]);
        for key in &keys {
            if served(&before, key) == "a" {
                prop_assert_eq!(served(&after, key), "a", "key {:?} left variant a", key);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = CompiledSnapshot::from_json(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics_the_parser_or_validator(value in arb_json()) {
        let bytes = serde_json::to_vec(&value).expect("serialising a Value");
        let _ = CompiledSnapshot::from_json(&bytes);
        let _ = serde_json::from_slice::<Context>(&bytes);
    }

    #[test]
    fn mangled_snapshots_never_panic(snapshot in arb_snapshot(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = serde_json::to_vec(&snapshot).expect("serialising a snapshot");
        let i = cut.index(bytes.len());
        bytes[i] = byte;
        let _ = CompiledSnapshot::from_json(&bytes);
        bytes.truncate(i);
        let _ = CompiledSnapshot::from_json(&bytes);
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "[a-z_]{0,10}".prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("environment".to_owned()),
                    Just("version".to_owned()),
                    Just("flags".to_owned()),
                    Just("segments".to_owned()),
                    Just("key".to_owned()),
                    Just("config".to_owned()),
                    "[a-z_]{1,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const ATTRS: [&str; 5] = ["key", "country", "age", "version", "tags"];

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "DE",
            "FR",
            "2.0.0",
            "1.0.0-rc.1",
            "2026-01-01T00:00:00Z",
            "a.*b",
            "(",
            "x"
        ])
        .prop_map(Value::from),
        (-5i64..200).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        prop::sample::select(vec!["seg-a", "seg-b"]).prop_map(Value::from),
    ]
}

/// Mostly well-typed conditions (so that many snapshots validate), sometimes not.
fn arb_condition(segments_allowed: bool) -> impl Strategy<Value = Value> {
    let ops: Vec<vexil_core::Op> = vexil_core::Op::ALL
        .into_iter()
        .filter(|op| segments_allowed || *op != vexil_core::Op::InSegment)
        .collect();
    (
        prop::sample::select(ATTRS.to_vec()),
        prop::sample::select(ops),
        prop::collection::vec(arb_value(), 0..4),
        any::<bool>(),
        0u8..10,
    )
        .prop_map(|(attribute, op, random_values, negate, dice)| {
            use vexil_core::Op::*;
            let typed: Vec<Value> = match op {
                In => vec![json!("DE"), json!(5), json!(true)],
                Contains | StartsWith | EndsWith => vec![json!("D"), json!("x")],
                Matches => vec![json!("^[A-Z]+$")],
                Lt | Lte | Gt | Gte => vec![json!(18)],
                SemverEq | SemverLt | SemverLte | SemverGt | SemverGte => vec![json!("2.0.0")],
                Before | After => vec![json!("2026-01-01T00:00:00Z")],
                InSegment => vec![json!("seg-a")],
                Exists => vec![],
            };
            let values = if dice == 0 { random_values } else { typed };
            json!({"attribute": attribute, "op": op, "values": values, "negate": negate})
        })
}

fn arb_serve(variants: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(variants.to_vec()).prop_map(|v| json!({"variant": v})),
        (0u32..=100_000, prop::option::of(prop::sample::select(ATTRS.to_vec()))).prop_map(|(w, by)| {
            json!({"rollout": {"bucket_by": by, "weights": [
                {"variant": "on", "weight": w}, {"variant": "off", "weight": 100_000 - w}]}})
        }),
    ]
}

fn arb_snapshot() -> impl Strategy<Value = Snapshot> {
    const VARIANTS: &[&str] = &["on", "off"];
    let flag = (
        prop::collection::vec((prop::collection::vec(arb_condition(true), 0..4), arb_serve(VARIANTS)), 0..4),
        arb_serve(VARIANTS),
        any::<bool>(),
        prop::collection::vec(0usize..6, 0..3),
        prop::collection::btree_set("[a-z]{1,3}", 0..3),
    );
    let segment =
        (prop::collection::btree_set("[a-z]{1,3}", 0..3), prop::collection::vec(arb_condition(false), 0..3));
    (prop::collection::vec(flag, 1..6), prop::collection::vec(segment, 0..3)).prop_map(|(flags, segments)| {
        let n = flags.len();
        let flags: Vec<Value> = flags
            .into_iter()
            .enumerate()
            .map(|(i, (rules, default, enabled, prereqs, targets))| {
                let rules: Vec<Value> = rules
                    .into_iter()
                    .enumerate()
                    .map(|(r, (conditions, serve))| json!({"id": format!("r{r}"), "conditions": conditions, "serve": serve}))
                    .collect();
                let prerequisites: Vec<Value> = prereqs
                    .into_iter()
                    .filter(|&p| p % n != i)
                    .map(|p| p % n)
                    // Mostly pointing at earlier flags keeps most graphs acyclic.
                    .filter(|&p| p < i || p == n - 1)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .map(|p| json!({"flag": format!("f{p}"), "variant": "on"}))
                    .collect();
                json!({"key": format!("f{i}"), "kind": "boolean", "salt": format!("salt{i}"),
                       "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                       "config": {"enabled": enabled, "off_variant": "off", "rules": rules, "default": default,
                                  "prerequisites": prerequisites,
                                  "targets": [{"variant": "on", "keys": targets}]}})
            })
            .collect();
        let segments: Vec<Value> = segments
            .into_iter()
            .enumerate()
            .map(|(i, (included, conditions))| {
                json!({"key": format!("seg-{}", ["a", "b", "c"][i]), "included": included,
                       "rules": [{"conditions": conditions}]})
            })
            .collect();
        serde_json::from_value(json!({"environment": "prop", "version": 1, "flags": flags, "segments": segments}))
            .expect("the generator builds well-shaped snapshots")
    })
}

fn arb_context() -> impl Strategy<Value = Context> {
    (
        prop::option::of("[a-z]{1,3}"),
        prop::collection::vec((prop::sample::select(ATTRS[1..].to_vec()), arb_value()), 0..4),
    )
        .prop_map(|(key, attrs)| {
            let mut ctx = Context::anonymous();
            ctx.set_key(key);
            for (name, value) in attrs {
                if let Some(v) = vexil_core::AttrValue::from_json(&value) {
                    ctx.set(name, v);
                }
            }
            ctx
        })
}

#[test]
fn evaluation_never_panics_on_a_valid_snapshot() {
    use proptest::test_runner::{Config, TestRunner};
    let valid = std::cell::Cell::new(0u32);
    let mut runner = TestRunner::new(Config { cases: 256, ..Config::default() });
    let strategy = (arb_snapshot(), prop::collection::vec(arb_context(), 8));
    runner
        .run(&strategy, |(snapshot, contexts)| {
            let Ok(compiled) = CompiledSnapshot::compile(&snapshot) else { return Ok(()) };
            valid.set(valid.get() + 1);
            for ctx in &contexts {
                for flag in &snapshot.flags {
                    let result = compiled.evaluate(&flag.key, ctx);
                    if let Some(code) = result.error_code() {
                        // The only error a valid snapshot can produce is a rollout without a key.
                        prop_assert_eq!(code, vexil_core::ErrorCode::TargetingKeyMissing);
                    } else {
                        prop_assert!(result.value.is_some());
                    }
                    prop_assert_eq!(compiled.explain(&flag.key, ctx).result, result.record());
                }
                // Bulk evaluation reads the context once for all flags; a handle skips the
                // key lookup: both must give what evaluating by key gives.
                prop_assert_eq!(compiled.evaluate_all(ctx).count(), snapshot.flags.len());
                for (key, result) in compiled.evaluate_all(ctx) {
                    prop_assert_eq!(result, compiled.evaluate(key, ctx));
                    let handle = compiled.handle(key).expect("every listed flag has a handle");
                    prop_assert_eq!(handle.evaluate(ctx), compiled.evaluate(key, ctx));
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // The property is only worth something if the generator reaches valid snapshots.
    assert!(valid.get() >= 25, "only {} of 256 generated snapshots were valid", valid.get());
}

/// Pearson's chi-square statistic of observed counts against a uniform expectation.
fn chi_square(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let expected = total as f64 / counts.len() as f64;
    counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum()
}

/// The 99.9th percentile of the chi-square distribution with 9 degrees of freedom.
const CHI2_DF9_P999: f64 = 27.877;

#[test]
fn buckets_are_uniform_over_100000_keys() {
    for salt in ["a1", "new-checkout", "8f14e45f", "über-salt", "x"] {
        let mut bins = [0u64; 10];
        for i in 0..100_000 {
            let b = hash::bucket(salt, &format!("user-{i}"));
            bins[(b / 10_000) as usize] += 1;
        }
        let chi2 = chi_square(&bins);
        assert!(chi2 < CHI2_DF9_P999, "salt {salt}: chi-square {chi2:.2} over bins {bins:?}");
    }
}

#[test]
fn two_salts_bucket_independently() {
    // A 4 x 4 contingency table of quartiles under two salts: under independence every
    // cell expects 1/16 of the keys. (4 - 1) * (4 - 1) = 9 degrees of freedom.
    for (s1, s2) in [("flag-a", "flag-b"), ("salt1", "salt2"), ("x", "y")] {
        let mut cells = [0u64; 16];
        for i in 0..100_000 {
            let key = format!("user-{i}");
            let q1 = hash::bucket(s1, &key) / 25_000;
            let q2 = hash::bucket(s2, &key) / 25_000;
            cells[(q1 * 4 + q2) as usize] += 1;
        }
        let total = 100_000f64;
        let mut rows = [0u64; 4];
        let mut cols = [0u64; 4];
        for (i, &c) in cells.iter().enumerate() {
            rows[i / 4] += c;
            cols[i % 4] += c;
        }
        let chi2: f64 = cells
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let expected = rows[i / 4] as f64 * cols[i % 4] as f64 / total;
                (c as f64 - expected).powi(2) / expected
            })
            .sum();
        assert!(chi2 < CHI2_DF9_P999, "{s1}/{s2}: chi-square {chi2:.2}, cells {cells:?}");
    }
}

#[test]
fn a_split_lands_near_its_weights() {
    let s = rollout_snapshot("near", &[("a", 10_000), ("b", 30_000), ("c", 60_000)]);
    let mut counts = std::collections::HashMap::new();
    for i in 0..20_000 {
        *counts.entry(served(&s, &format!("k{i}"))).or_insert(0u32) += 1;
    }
    for (v, share) in [("a", 0.1), ("b", 0.3), ("c", 0.6)] {
        let got = f64::from(counts[v]) / 20_000.0;
        assert!((got - share).abs() < 0.02, "variant {v}: {got}");
    }
}

#[test]
fn a_default_rollout_without_a_key_is_an_error_not_a_panic() {
    let s = rollout_snapshot("k", &[("a", 100_000)]);
    let r = s.evaluate("f", &Context::anonymous());
    assert_eq!(r.reason.kind(), ReasonKind::Error);
}

/// Strings a context may carry where a version or a time is expected, well-formed or not.
fn arb_version_or_time() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..4, 0u64..4, 0u64..4).prop_map(|(a, b, c)| format!("{a}.{b}.{c}")),
        "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,2}(-(rc|beta)\\.[0-9])?(\\+b[0-9])?",
        "0[0-9]\\.1\\.2|1\\.2|1\\.2\\.3\\.4|18446744073709551616\\.0\\.0|9",
        (2020i32..2030, 1u8..13, 1u8..29, 0u8..24)
            .prop_map(|(y, m, d, h)| format!("{y}-{m:02}-{d:02}T{h:02}:00:00Z")),
        "20[0-9]{2}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})",
    ]
}

proptest! {
    /// A context reads a version or time out of a string attribute once, when it is set;
    /// the context key is never read in advance. The same string as an attribute and as
    /// the key must give the same answer for every version and time operator.
    #[test]
    fn a_value_read_in_advance_compares_as_it_would_be_read_at_evaluation(
        actual in arb_version_or_time(),
        operand in prop::sample::select(vec!["2.0.0", "1.0.0-rc.1", "0.0.0", "3.3.3", "1.2.3+b1"]),
        time in prop::sample::select(vec!["2025-06-01T00:00:00Z", "2026-01-01T12:30:00.5+01:00"]),
    ) {
        let ops = ["semver_eq", "semver_lt", "semver_lte", "semver_gt", "semver_gte", "before", "after"];
        let flags: Vec<Value> = ops
            .iter()
            .flat_map(|op| ["key", "version"].map(|attribute| (op, attribute)))
            .map(|(op, attribute)| {
                let value = if op.starts_with("semver") { operand } else { time };
                json!({"key": format!("{op}-{attribute}"), "kind": "boolean", "salt": "s",
                       "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                       "config": {"enabled": true, "off_variant": "off", "version": 1,
                                  "rules": [{"id": "r", "conditions": [{"attribute": attribute, "op": op, "values": [value]}],
                                             "serve": {"variant": "on"}}],
                                  "default": {"variant": "off"}}})
            })
            .collect();
        let snapshot = json!({"environment": "p", "version": 1, "flags": flags, "segments": []});
        let compiled = CompiledSnapshot::from_json(snapshot.to_string().as_bytes()).expect("valid");
        let ctx = Context::new(actual.clone()).with("version", actual.as_str());
        for op in ops {
            let by_key = compiled.evaluate(&format!("{op}-key"), &ctx);
            let by_attribute = compiled.evaluate(&format!("{op}-version"), &ctx);
            prop_assert_eq!(by_key.variant, by_attribute.variant, "{} {} {}", op, actual, operand);
            prop_assert_eq!(by_key.reason.kind(), by_attribute.reason.kind());
        }
    }

    /// Contexts with many attributes keep an index; setting, replacing and removing must
    /// behave the same on either side of that threshold.
    #[test]
    fn attributes_set_replace_and_remove_alike_with_or_without_an_index(
        ops in prop::collection::vec((0usize..40, prop::option::of(0i64..5)), 0..120),
    ) {
        let mut ctx = Context::new("k");
        let mut model = std::collections::BTreeMap::new();
        for (name, value) in ops {
            let name = format!("a{name}");
            match value {
                Some(v) => {
                    ctx.set(name.clone(), v);
                    model.insert(name, v);
                }
                None => prop_assert_eq!(ctx.remove(&name).is_some(), model.remove(&name).is_some()),
            }
            prop_assert_eq!(ctx.attribute_count(), model.len());
        }
        for i in 0..40 {
            let name = format!("a{i}");
            let expected = model.get(&name).map(|v| vexil_core::AttrRef::Number(*v as f64));
            prop_assert_eq!(ctx.get(&name), expected);
        }
    }
}
