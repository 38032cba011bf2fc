//! Validation reports every problem at once, each with a JSON pointer.

use serde_json::{Value, json};
use vexil_core::validate::{References, validate_config, validate_flag, validate_segment, validate_snapshot};
use vexil_core::{CompiledSnapshot, Error, Flag, FlagConfig, Segment, Snapshot, limits};

fn snapshot(value: Value) -> Snapshot {
    serde_json::from_value(value).expect("well-shaped snapshot")
}

fn problems(s: &Snapshot) -> Vec<(String, String)> {
    match validate_snapshot(s) {
        Ok(()) => Vec::new(),
        Err(e) => e.problems.into_iter().map(|p| (p.pointer, p.message)).collect(),
    }
}

fn has(problems: &[(String, String)], pointer: &str, fragment: &str) -> bool {
    problems.iter().any(|(p, m)| p == pointer && m.contains(fragment))
}

fn bool_flag(key: &str, config: Value) -> Value {
    json!({"key": key, "kind": "boolean", "salt": "s",
           "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
           "config": config})
}

#[test]
fn every_problem_is_reported_at_once_with_its_pointer() {
    let s = snapshot(json!({
        "environment": "Prod!",
        "version": 1,
        "segments": [{"key": "beta"}, {"key": "beta"}],
        "flags": [
            {"key": "Bad Key", "kind": "boolean", "salt": "s",
             "variants": [{"key": "on", "value": "yes"}, {"key": "on", "value": false}],
             "config": {"enabled": true, "off_variant": "nope",
                        "rules": [
                          {"id": "r1", "conditions": [
                              {"attribute": "email", "op": "matches", "values": ["(unclosed"]},
                              {"attribute": "v", "op": "semver_gte", "values": ["2.0"]},
                              {"attribute": "t", "op": "before", "values": ["yesterday"]},
                              {"attribute": "x", "op": "in_segment", "values": ["ghosts"]},
                              {"attribute": "", "op": "lt", "values": ["ten"]}
                          ], "serve": {"variant": "maybe"}},
                          {"id": "r1", "conditions": [], "serve": {"rollout": {"weights": [
                              {"variant": "on", "weight": 60000}, {"variant": "off", "weight": 30000}]}}}
                        ],
                        "default": {"variant": "on"},
                        "prerequisites": [{"flag": "missing-flag", "variant": "on"}]}}
        ]
    }));
    let p = problems(&s);
    let expected = [
        ("/environment", "not a valid key"),
        ("/segments/1/key", "duplicate segment key"),
        ("/flags/0/key", "not a valid key"),
        ("/flags/0/variants/0/value", "not a boolean value"),
        ("/flags/0/variants/1/key", "duplicate variant key"),
        ("/flags/0/config/off_variant", "unknown variant \"nope\""),
        ("/flags/0/config/rules/0/conditions/0/values/0", "invalid regular expression"),
        ("/flags/0/config/rules/0/conditions/1/values/0", "semantic version"),
        ("/flags/0/config/rules/0/conditions/2/values/0", "RFC 3339"),
        ("/flags/0/config/rules/0/conditions/3/values/0", "unknown segment \"ghosts\""),
        ("/flags/0/config/rules/0/conditions/4/attribute", "must not be empty"),
        ("/flags/0/config/rules/0/conditions/4/values/0", "takes a number"),
        ("/flags/0/config/rules/0/serve/variant", "unknown variant \"maybe\""),
        ("/flags/0/config/rules/1/id", "duplicate rule id"),
        ("/flags/0/config/rules/1/serve/rollout/weights/1/variant", "unknown variant \"off\""),
        ("/flags/0/config/rules/1/serve/rollout/weights", "sum to 90000"),
        ("/flags/0/config/prerequisites/0/flag", "unknown prerequisite flag"),
    ];
    for (pointer, fragment) in expected {
        assert!(has(&p, pointer, fragment), "missing {pointer}: {fragment}\nall problems: {p:#?}");
    }
    assert_eq!(p.len(), expected.len(), "no unexpected problems: {p:#?}");
}

#[test]
fn prerequisite_cycles_are_refused_and_named() {
    let s = snapshot(json!({
        "environment": "prod", "version": 1,
        "flags": [
            bool_flag("a", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                                  "prerequisites": [{"flag": "b", "variant": "on"}]})),
            bool_flag("b", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                                  "prerequisites": [{"flag": "c", "variant": "on"}]})),
            bool_flag("c", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                                  "prerequisites": [{"flag": "a", "variant": "on"}]})),
            bool_flag("d", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                                  "prerequisites": [{"flag": "d", "variant": "on"}]})),
        ]
    }));
    let p = problems(&s);
    assert!(p.iter().any(|(_, m)| m == "prerequisite cycle: a -> b -> c -> a"), "{p:#?}");
    assert!(has(&p, "/flags/3/config/prerequisites/0/flag", "its own prerequisite"), "{p:#?}");
}

#[test]
fn deep_prerequisite_chains_are_refused() {
    let n = limits::MAX_PREREQUISITE_DEPTH + 2;
    let flags: Vec<Value> = (0..n)
        .map(|i| {
            let pre = if i + 1 < n { json!([{"flag": format!("f{}", i + 1), "variant": "on"}]) } else { json!([]) };
            bool_flag(
                &format!("f{i}"),
                json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}, "prerequisites": pre}),
            )
        })
        .collect();
    let p = problems(&snapshot(json!({"environment": "prod", "version": 1, "flags": flags})));
    assert!(has(&p, "/flags/0/config/prerequisites", "deep"), "{p:#?}");
}

#[test]
fn size_limits_are_enforced() {
    let values: Vec<Value> = (0..=limits::MAX_VALUES).map(|i| json!(format!("v{i}"))).collect();
    let rules: Vec<Value> = (0..=limits::MAX_RULES)
        .map(|i| json!({"id": format!("r{i}"), "conditions": [], "serve": {"variant": "on"}}))
        .collect();
    let long = "x".repeat(limits::MAX_KEY_LEN + 1);
    let s = snapshot(json!({
        "environment": "prod", "version": 1,
        "flags": [
            bool_flag("many-values", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                "rules": [{"id": "r", "conditions": [{"attribute": "a", "op": "in", "values": values}],
                           "serve": {"variant": "on"}}]})),
            bool_flag("many-rules", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                "rules": rules})),
            bool_flag(&long, json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}})),
        ]
    }));
    let p = problems(&s);
    assert!(has(&p, "/flags/0/config/rules/0/conditions/0/values", "1 to 1000 values"), "{p:#?}");
    assert!(has(&p, "/flags/1/config/rules", "the limit is 200"), "{p:#?}");
    assert!(has(&p, "/flags/2/key", "not a valid key"), "{p:#?}");
}

#[test]
fn operator_arity_and_operand_types_are_checked() {
    let s = snapshot(json!({
        "environment": "prod", "version": 1,
        "flags": [bool_flag("f", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
            "rules": [{"id": "r", "serve": {"variant": "on"}, "conditions": [
                {"attribute": "a", "op": "exists", "values": ["x"]},
                {"attribute": "a", "op": "gt", "values": [1, 2]},
                {"attribute": "a", "op": "in", "values": []},
                {"attribute": "a", "op": "in", "values": [{"nested": true}]},
                {"attribute": "a", "op": "contains", "values": [3]}
            ]}]}))]
    }));
    let p = problems(&s);
    let base = "/flags/0/config/rules/0/conditions";
    assert!(has(&p, &format!("{base}/0/values"), "no values"), "{p:#?}");
    assert!(has(&p, &format!("{base}/1/values"), "exactly one value"), "{p:#?}");
    assert!(has(&p, &format!("{base}/2/values"), "1 to 1000"), "{p:#?}");
    assert!(has(&p, &format!("{base}/3/values/0"), "strings, numbers or booleans"), "{p:#?}");
    assert!(has(&p, &format!("{base}/4/values/0"), "takes strings"), "{p:#?}");
}

#[test]
fn unknown_operators_fail_to_parse() {
    let text = json!({"environment": "prod", "version": 1, "flags": [bool_flag("f", json!({
        "enabled": true, "off_variant": "off", "default": {"variant": "on"},
        "rules": [{"id": "r", "serve": {"variant": "on"},
                   "conditions": [{"attribute": "a", "op": "sounds_like", "values": ["x"]}]}]}))]})
    .to_string();
    match CompiledSnapshot::from_json(text.as_bytes()) {
        Err(Error::Parse(e)) => assert!(e.to_string().contains("sounds_like"), "{e}"),
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn malformed_json_is_a_typed_error() {
    for bad in [&b""[..], b"{", b"[]", b"null", b"{\"environment\": 5}", b"\xff\xfe"] {
        assert!(matches!(CompiledSnapshot::from_json(bad), Err(Error::Parse(_))), "{bad:?}");
    }
    let deep = "[".repeat(100_000);
    assert!(matches!(CompiledSnapshot::from_json(deep.as_bytes()), Err(Error::Parse(_))));
}

#[test]
fn flag_definitions_validate_on_their_own() {
    let flag: Flag = serde_json::from_value(json!({
        "key": "checkout", "kind": "number", "salt": "",
        "variants": [{"key": "a", "value": 1}, {"key": "b", "value": "two"}],
        "tags": ["ok", "Not OK", "ok"]
    }))
    .expect("well-shaped flag");
    let p: Vec<_> = validate_flag(&flag).expect_err("invalid").problems;
    let pointers: Vec<&str> = p.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(pointers, ["/salt", "/variants/1/value", "/tags/1", "/tags/2"], "{p:#?}");
}

#[test]
fn configurations_validate_against_their_references() {
    let flag: Flag = serde_json::from_value(json!({"key": "f", "kind": "boolean", "salt": "s",
        "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}]}))
    .expect("flag");
    let config: FlagConfig = serde_json::from_value(json!({"enabled": true, "off_variant": "off",
        "default": {"variant": "on"},
        "targets": [{"variant": "on", "keys": ["a", "b"]}, {"variant": "off", "keys": ["b", ""]}],
        "rules": [{"id": "r", "conditions": [{"op": "in_segment", "values": ["known"]}], "serve": {"variant": "on"}}],
        "prerequisites": [{"flag": "other", "variant": "blue"}]}))
    .expect("config");
    let mut refs = References::new();
    refs.add_segment("known");
    refs.add_flag("other", ["red", "green"]);
    let p = validate_config(&flag.key, &flag.variants, &config, &refs).expect_err("invalid").problems;
    let pointers: Vec<&str> = p.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(pointers, ["/targets/1/keys/0", "/targets/1/keys/1", "/prerequisites/0/variant"], "{p:#?}");
}

#[test]
fn segments_cannot_nest_segments() {
    let seg: Segment = serde_json::from_value(json!({"key": "s",
        "rules": [{"conditions": [{"op": "in_segment", "values": ["other"]}]}]}))
    .expect("segment");
    let p = validate_segment(&seg).expect_err("invalid").problems;
    assert_eq!(p[0].pointer, "/rules/0/conditions/0/op");
}

#[test]
fn pointer_tokens_are_escaped() {
    assert_eq!(vexil_core::validate::escape_pointer_token("a/b~c"), "a~1b~0c");
}

#[test]
fn regular_expressions_are_bounded_per_configuration_and_segment() {
    // Each `\w{20}` compiles to several hundred KiB (a large Unicode class, 20 times):
    // a thousand of them must be refused, naming the limit, without compiling them all.
    let expensive: Vec<Value> = (0..1000)
        .map(|i| json!({"attribute": "name", "op": "matches", "values": [format!("\\w{{20}}x{i}")]}))
        .collect();
    let config: FlagConfig = serde_json::from_value(json!({
        "enabled": true, "off_variant": "off", "default": {"variant": "off"},
        "rules": [{"id": "r", "conditions": expensive[..50], "serve": {"variant": "on"}}]
    }))
    .unwrap();
    let flag: Flag = serde_json::from_value(json!({"key": "f", "kind": "boolean", "salt": "s",
        "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}]}))
    .unwrap();
    let e = validate_config("f", &flag.variants, &config, &References::new()).unwrap_err();
    assert!(
        e.problems
            .iter()
            .any(|p| p.pointer == "/rules" && p.message.contains("MAX_REGEX_BYTES_PER_DOCUMENT")),
        "{e:?}"
    );
    let segment: Segment = serde_json::from_value(json!({"key": "s", "rules": [
        {"conditions": expensive[..50]}]}))
    .unwrap();
    let e = validate_segment(&segment).unwrap_err();
    assert!(e.problems.iter().any(|p| p.message.contains("MAX_REGEX_BYTES_PER_DOCUMENT")), "{e:?}");

    // Ordinary patterns are far below it.
    let cheap: FlagConfig = serde_json::from_value(json!({
        "enabled": true, "off_variant": "off", "default": {"variant": "off"},
        "rules": [{"id": "r", "conditions": (0..50).map(|i| json!({"attribute": "email", "op": "matches",
            "values": [format!("^[a-z0-9.]+@example{i}\\.com$")]})).collect::<Vec<_>>(),
                   "serve": {"variant": "on"}}]
    }))
    .unwrap();
    assert!(validate_config("f", &flag.variants, &cheap, &References::new()).is_ok());
    let bytes = vexil_core::validate::regex_bytes_of_config(&cheap);
    assert!(bytes > 0 && bytes < limits::MAX_REGEX_BYTES_PER_DOCUMENT / 10, "{bytes}");
}

#[test]
fn a_rollout_may_name_a_variant_in_several_ranges_up_to_the_range_limit() {
    let layout = |n: usize| -> Value {
        let weights: Vec<Value> = (0..n)
            .map(|i| {
                let w = 100_000 / n as u32 + u32::from(i < 100_000 % n);
                json!({"variant": if i % 2 == 0 { "on" } else { "off" }, "weight": w})
            })
            .collect();
        json!({"enabled": true, "off_variant": "off", "default": {"rollout": {"weights": weights}}})
    };
    let ok = snapshot(json!({"environment": "prod", "version": 1,
                             "flags": [bool_flag("f", layout(limits::MAX_ROLLOUT_RANGES))]}));
    assert_eq!(problems(&ok), Vec::new());
    let s = CompiledSnapshot::compile(&ok).expect("compiles");
    assert!(s.evaluate("f", &vexil_core::Context::new("u")).variant.is_some());

    let too_many = snapshot(json!({"environment": "prod", "version": 1,
                                   "flags": [bool_flag("f", layout(limits::MAX_ROLLOUT_RANGES + 1))]}));
    let p = problems(&too_many);
    assert!(
        has(&p, "/flags/0/config/default/rollout/weights", "201 weights (ranges); the limit is 200"),
        "{p:#?}"
    );
}

/// Repeated keys and unknown references are found whether a list is a handful (checked
/// by a scan) or long (checked through a table): both sides of the switch.
#[test]
fn repeats_and_unknown_references_are_found_in_short_and_long_lists() {
    for n in [3usize, 16, 17, 40] {
        let mut variants: Vec<Value> = (0..n).map(|i| json!({"key": format!("v{i}"), "value": i})).collect();
        variants.push(json!({"key": format!("v{}", n - 1), "value": 0}));
        let mut rules: Vec<Value> =
            (0..n).map(|i| json!({"id": format!("r{i}"), "serve": {"variant": "v0"}})).collect();
        rules.push(json!({"id": format!("r{}", n - 1), "serve": {"variant": "nope"}}));
        let s = snapshot(json!({"environment": "prod", "version": 1, "flags": [
            {"key": "many", "kind": "number", "salt": "s", "variants": variants,
             "config": {"enabled": true, "off_variant": format!("v{}", n - 1), "rules": rules,
                        "default": {"rollout": {"weights": [{"variant": "v1", "weight": 50000},
                                                            {"variant": "ghost", "weight": 50000}]}},
                        "prerequisites": [{"flag": "other", "variant": "on"}, {"flag": "other", "variant": "up"}]}},
            bool_flag("other", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}})),
        ]}));
        let p = problems(&s);
        let expected = [
            (format!("/flags/0/variants/{n}/key"), "duplicate variant key"),
            (format!("/flags/0/config/rules/{n}/id"), "duplicate rule id"),
            (format!("/flags/0/config/rules/{n}/serve/variant"), "unknown variant \"nope\""),
            ("/flags/0/config/default/rollout/weights/1/variant".to_owned(), "unknown variant \"ghost\""),
            ("/flags/0/config/prerequisites/1/flag".to_owned(), "listed twice"),
            ("/flags/0/config/prerequisites/1/variant".to_owned(), "has no variant \"up\""),
        ];
        for (pointer, fragment) in &expected {
            assert!(has(&p, pointer, fragment), "{n} variants: missing {pointer}: {fragment}\n{p:#?}");
        }
        assert_eq!(p.len(), expected.len(), "{n} variants, no other problem: {p:#?}");
    }
}
