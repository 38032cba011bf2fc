//! Lenient loading: one flag or segment that cannot be used fails alone, as an error
//! for evaluation, and everything else is served.

use serde_json::{Value, json};
use vexil_core::{
    CompiledSnapshot, Context, ErrorCode, FailureCause, FlagKind, Object, ReasonKind, Snapshot, limits,
};

fn snapshot(value: Value) -> Snapshot {
    serde_json::from_value(value).expect("well-shaped snapshot")
}

fn bool_flag(key: &str, config: Value) -> Value {
    json!({"key": key, "kind": "boolean", "salt": key,
           "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
           "config": config})
}

fn on() -> Value {
    json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}})
}

fn with_segment_rule(segment: &str) -> Value {
    json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
           "rules": [{"id": "r", "conditions": [{"op": "in_segment", "values": [segment]}],
                      "serve": {"variant": "on"}}]})
}

fn with_prerequisite(flag: &str) -> Value {
    json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
           "prerequisites": [{"flag": flag, "variant": "on"}]})
}

/// Nested arrays: `[[[...0...]]]`, `depth` deep.
fn nested(depth: usize) -> Value {
    let mut v = json!(0);
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

fn failures(l: &vexil_core::LenientCompile) -> Vec<(Object, ErrorCode)> {
    l.failures.iter().map(|f| (f.object.clone(), f.code)).collect()
}

fn flag(k: &str) -> Object {
    Object::Flag(k.to_owned())
}

fn segment(k: &str) -> Object {
    Object::Segment(k.to_owned())
}

#[test]
fn a_valid_snapshot_compiles_leniently_to_the_same_answers_with_no_failure() {
    let path = format!("{}/tests/vectors/evaluation.json", env!("CARGO_MANIFEST_DIR"));
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let s: Snapshot = serde_json::from_value(vectors["snapshot"].clone()).unwrap();
    let strict = CompiledSnapshot::compile(&s).unwrap();
    let lenient = CompiledSnapshot::compile_lenient(&s);
    assert!(lenient.failures.is_empty(), "{:?}", lenient.failures);
    assert!(lenient.snapshot_problems.is_empty(), "{:?}", lenient.snapshot_problems);
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() > 200);
    for case in cases {
        let ctx: Context = serde_json::from_value(case["context"].clone()).unwrap();
        let key = case["flag"].as_str().unwrap();
        assert_eq!(
            lenient.compiled.evaluate(key, &ctx).record(),
            strict.evaluate(key, &ctx).record(),
            "{}",
            case["name"]
        );
    }
    assert!(lenient.compiled.flags().all(|f| f.error().is_none()));
}

#[test]
fn a_flag_using_a_missing_segment_fails_alone_and_a_kill_switch_elsewhere_still_applies() {
    let s = snapshot(json!({"environment": "production", "version": 9, "flags": [
        bool_flag("checkout", with_segment_rule("beta")),
        bool_flag("kill-switch", json!({"enabled": false, "off_variant": "off", "default": {"variant": "on"}})),
        bool_flag("plain", on()),
    ]}));
    assert!(CompiledSnapshot::compile(&s).is_err());
    let l = CompiledSnapshot::compile_lenient(&s);
    assert_eq!(failures(&l), [(flag("checkout"), ErrorCode::ParseError)]);
    let FailureCause::Invalid { problems } = &l.failures[0].cause else { panic!("{:?}", l.failures[0]) };
    assert_eq!(
        problems[0].pointer, "/flags/0/config/rules/0/conditions/0/values/0",
        "relative to the snapshot"
    );
    assert!(problems[0].message.contains("unknown segment"), "{problems:?}");

    let user = Context::new("user-1");
    let e = l.compiled.evaluate("checkout", &user);
    assert_eq!(
        (e.reason.kind(), e.error_code(), e.value),
        (ReasonKind::Error, Some(ErrorCode::ParseError), None)
    );
    assert_eq!(l.compiled.flag("checkout").unwrap().error(), Some(ErrorCode::ParseError));
    // Asked for as a boolean or a string, a failed flag answers its own error, not a
    // type mismatch.
    let e = l.compiled.evaluate_as("checkout", &user, FlagKind::String);
    assert_eq!(e.error_code(), Some(ErrorCode::ParseError));
    assert_eq!(l.compiled.evaluate("kill-switch", &user).variant, Some("off"));
    assert_eq!(l.compiled.evaluate("plain", &user).variant, Some("on"));
    assert_eq!((l.compiled.len(), l.compiled.version()), (3, 9));
}

#[test]
fn an_invalid_segment_fails_the_flags_using_it_and_their_dependents_transitively() {
    let s = snapshot(json!({"environment": "production", "version": 1,
    "segments": [
        {"key": "beta", "rules": [{"conditions": [{"attribute": "email", "op": "matches", "values": ["(unclosed"]}]}]},
        {"key": "staff", "included": ["user-1"]}
    ],
    "flags": [
        bool_flag("uses-beta", with_segment_rule("beta")),
        bool_flag("needs-uses-beta", with_prerequisite("uses-beta")),
        bool_flag("needs-needs", with_prerequisite("needs-uses-beta")),
        bool_flag("uses-staff", with_segment_rule("staff")),
    ]}));
    let l = CompiledSnapshot::compile_lenient(&s);
    assert_eq!(
        failures(&l),
        [
            (flag("needs-needs"), ErrorCode::General),
            (flag("needs-uses-beta"), ErrorCode::General),
            (flag("uses-beta"), ErrorCode::General),
            (segment("beta"), ErrorCode::ParseError),
        ]
    );
    let cause = |k: &str| l.failures.iter().find(|f| f.object == flag(k)).map(|f| f.cause.clone()).unwrap();
    assert_eq!(cause("uses-beta"), FailureCause::Dependency { on: segment("beta") });
    assert_eq!(cause("needs-needs"), FailureCause::Dependency { on: flag("needs-uses-beta") });
    let user = Context::new("user-1");
    for key in ["uses-beta", "needs-uses-beta", "needs-needs"] {
        assert_eq!(l.compiled.evaluate(key, &user).error_code(), Some(ErrorCode::General), "{key}");
    }
    let e = l.compiled.evaluate("uses-staff", &user);
    assert_eq!((e.variant, e.reason.kind()), (Some("on"), ReasonKind::TargetingMatch));
}

#[test]
fn a_prerequisite_cycle_fails_the_flags_in_it_and_nothing_else() {
    let s = snapshot(json!({"environment": "production", "version": 1, "flags": [
        bool_flag("a", with_prerequisite("b")),
        bool_flag("b", with_prerequisite("a")),
        bool_flag("c", on()),
        bool_flag("d", with_prerequisite("c")),
    ]}));
    let l = CompiledSnapshot::compile_lenient(&s);
    let failed: Vec<Object> = l.failures.iter().map(|f| f.object.clone()).collect();
    assert_eq!(failed, [flag("a"), flag("b")]);
    let user = Context::new("u");
    assert!(l.compiled.evaluate("a", &user).error_code().is_some());
    assert_eq!(l.compiled.evaluate("d", &user).variant, Some("on"));
}

#[test]
fn a_duplicate_key_is_reported_and_the_first_of_that_key_is_served() {
    let mut second = bool_flag("f", on());
    second["config"]["default"] = json!({"variant": "off"});
    let s = snapshot(json!({"environment": "production", "version": 1, "flags": [
        bool_flag("f", on()), second, bool_flag("g", with_prerequisite("f")),
    ]}));
    let l = CompiledSnapshot::compile_lenient(&s);
    assert_eq!(l.failures.len(), 1);
    assert_eq!((&l.failures[0].object, &l.failures[0].cause), (&flag("f"), &FailureCause::DuplicateKey));
    let user = Context::new("u");
    assert_eq!(l.compiled.evaluate("f", &user).variant, Some("on"), "the first one");
    assert_eq!(l.compiled.evaluate("g", &user).variant, Some("on"), "its dependents are unaffected");
}

#[test]
fn objects_that_do_not_parse_are_set_aside_and_fail_alone() {
    // Deeper than serde_json's recursion limit once inside the snapshot.
    let too_deep = json!({"key": "deep", "kind": "json", "salt": "s",
        "variants": [{"key": "v", "value": nested(200)}],
        "config": {"enabled": true, "off_variant": "v", "default": {"variant": "v"}}});
    let wrong_shape = json!({"key": "shape", "kind": "boolean", "salt": "s", "variants": "not a list"});
    let body = json!({"environment": "production", "version": 4,
        "flags": [too_deep, wrong_shape, {"no": "key"}, bool_flag("uses-gone", with_segment_rule("gone")),
                  bool_flag("ok", on()), bool_flag("needs-deep", with_prerequisite("deep"))],
        "segments": [{"key": "gone", "included": "not a list"}]});
    // serde_json refuses the whole document; the lenient reader does not.
    let text = serde_json::to_string(&body).unwrap();
    assert!(Snapshot::from_json(text.as_bytes()).is_err());
    let parsed = Snapshot::from_json_lenient(text.as_bytes()).unwrap();
    let unparsed: Vec<Object> = parsed.unparsed.iter().map(|u| u.object.clone()).collect();
    assert_eq!(unparsed, [flag("deep"), flag("shape"), segment("gone")]);
    assert!(parsed.unparsed[0].message.contains("recursion limit"), "{:?}", parsed.unparsed[0]);
    assert_eq!(parsed.keyless.len(), 1);
    assert_eq!(parsed.keyless[0].pointer, "/flags/2");

    let l = CompiledSnapshot::compile_lenient_with(&parsed.snapshot, &parsed.unparsed);
    assert_eq!(
        failures(&l),
        [
            (flag("deep"), ErrorCode::ParseError),
            (flag("needs-deep"), ErrorCode::General),
            (flag("shape"), ErrorCode::ParseError),
            (flag("uses-gone"), ErrorCode::General),
            (segment("gone"), ErrorCode::ParseError),
        ]
    );
    let user = Context::new("u");
    assert_eq!(l.compiled.evaluate("ok", &user).variant, Some("on"));
    for (key, code) in [
        ("deep", ErrorCode::ParseError),
        ("shape", ErrorCode::ParseError),
        ("needs-deep", ErrorCode::General),
    ] {
        assert_eq!(l.compiled.evaluate_as(key, &user, FlagKind::Boolean).error_code(), Some(code), "{key}");
    }
    assert!(l.compiled.flag("deep").is_some(), "a failed flag is known, not missing");
    assert_eq!(l.compiled.evaluate("no-such-flag", &user).error_code(), Some(ErrorCode::FlagNotFound));
}

#[test]
fn an_envelope_over_the_limits_is_reported_but_still_compiled() {
    let flags: Vec<Value> = (0..=limits::MAX_FLAGS).map(|i| bool_flag(&format!("f{i}"), on())).collect();
    let s = snapshot(json!({"environment": "Not A Key", "version": 1, "flags": flags}));
    let l = CompiledSnapshot::compile_lenient(&s);
    let pointers: Vec<&str> = l.snapshot_problems.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(pointers, ["/environment", "/flags"]);
    assert!(l.failures.is_empty());
    assert_eq!(l.compiled.evaluate("f10000", &Context::new("u")).variant, Some("on"));
}

#[test]
fn json_values_nest_at_most_the_documented_depth_and_the_deepest_snapshot_parses_everywhere() {
    let flag = |depth: usize| {
        json!({"key": "deep", "kind": "json", "salt": "s", "variants": [{"key": "v", "value": nested(depth)}],
               "config": {"enabled": true, "off_variant": "v", "default": {"variant": "v"}}})
    };
    let deepest = json!({"environment": "production", "version": 1, "flags": [flag(limits::MAX_JSON_DEPTH)]});
    assert_eq!(limits::json_depth(&deepest), limits::MAX_JSON_DEPTH + limits::SNAPSHOT_VALUE_NESTING);
    assert!(limits::json_depth(&deepest) < limits::MIN_PARSER_DEPTH);
    let compiled = CompiledSnapshot::from_json(deepest.to_string().as_bytes()).unwrap();
    assert_eq!(compiled.evaluate("deep", &Context::new("u")).value, Some(&nested(limits::MAX_JSON_DEPTH)));

    let too_deep = snapshot(
        json!({"environment": "production", "version": 1, "flags": [flag(limits::MAX_JSON_DEPTH + 1)]}),
    );
    let e = CompiledSnapshot::compile(&too_deep).unwrap_err();
    assert_eq!(e.problems[0].pointer, "/flags/0/variants/0/value");
    assert!(e.problems[0].message.contains("nested 33 levels deep; the limit is 32"), "{e}");
    // Objects count like arrays; scalars add nothing.
    assert_eq!(limits::json_depth(&json!({"a": [1, {"b": "c"}], "d": 2})), 3);
    assert_eq!(limits::json_depth(&json!("text")), 0);
}

/// Found by the `snapshot` fuzz target: a byte that is not UTF-8 inside an unknown field
/// (one a segment rule ignores) was skipped by the strict parser and refused by the
/// lenient one. JSON is UTF-8, so both refuse it now.
#[test]
fn both_parsers_refuse_a_snapshot_that_is_not_utf8_even_in_an_ignored_field() {
    let mut doc = br#"{"environment":"e","version":1,"flags":[],"segments":[{"key":"s","rules":[{"conditions":[],"note":"a"#.to_vec();
    doc.extend_from_slice(b"\xff");
    doc.extend_from_slice(br#"b"}]}]}"#);
    assert!(Snapshot::from_json(&doc).is_err(), "the strict parser took a document that is not UTF-8");
    assert!(CompiledSnapshot::from_json(&doc).is_err());
    assert!(
        Snapshot::from_json_lenient(&doc).is_err(),
        "the lenient parser took a document that is not UTF-8"
    );
    // The same document in UTF-8 loads both ways.
    let fixed: Vec<u8> = doc.iter().map(|&b| if b >= 0x80 { b'?' } else { b }).collect();
    assert!(CompiledSnapshot::from_json(&fixed).is_ok());
    assert!(Snapshot::from_json_lenient(&fixed).is_ok());
}
