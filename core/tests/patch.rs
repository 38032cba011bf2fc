//! Semantic patches: each instruction, atomicity, and the wire form.

use serde_json::{Value, json};
use vexil_core::FlagConfig;
use vexil_core::patch::{Instruction, Patch, PatchProblem, apply};

fn config(v: Value) -> FlagConfig {
    serde_json::from_value(v).expect("a configuration")
}

fn base() -> FlagConfig {
    config(json!({
        "enabled": false, "off_variant": "off", "default": {"variant": "off"},
        "targets": [{"variant": "on", "keys": ["alice"]}],
        "rules": [
            {"id": "beta", "conditions": [{"attribute": "plan", "op": "in", "values": ["beta"]}], "serve": {"variant": "on"}},
            {"id": "de", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]}], "serve": {"variant": "off"}}
        ],
        "prerequisites": [{"flag": "base", "variant": "on"}]
    }))
}

fn patch(instructions: Value) -> Patch {
    serde_json::from_value(json!({"instructions": instructions})).expect("a patch")
}

fn run(instructions: Value) -> Result<FlagConfig, vexil_core::patch::PatchError> {
    let mut n = 0;
    apply(&base(), &patch(instructions), || {
        n += 1;
        format!("new-{n}")
    })
}

fn as_json(c: &FlagConfig) -> Value {
    serde_json::to_value(c).unwrap()
}

#[test]
fn turn_on_and_turn_off_set_enabled() {
    assert!(run(json!([{"kind": "turn_on"}])).unwrap().enabled);
    assert!(!run(json!([{"kind": "turn_on"}, {"kind": "turn_off"}])).unwrap().enabled);
}

#[test]
fn set_off_variant_and_set_default() {
    let c = run(json!([{"kind": "set_off_variant", "variant": "on"},
                       {"kind": "set_default", "serve": {"variant": "on"}}]))
    .unwrap();
    assert_eq!(c.off_variant, "on");
    assert_eq!(as_json(&c)["default"], json!({"variant": "on"}));
}

#[test]
fn set_rollout_on_the_default_and_on_a_rule_keeps_bucket_by() {
    let c = run(json!([
        {"kind": "set_rollout", "weights": [{"variant": "on", "weight": 10000}, {"variant": "off", "weight": 90000}], "bucket_by": "company"},
        {"kind": "set_rollout", "weights": [{"variant": "on", "weight": 20000}, {"variant": "off", "weight": 80000}]},
        {"kind": "set_rollout", "rule": "beta", "weights": [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]}
    ]))
    .unwrap();
    let j = as_json(&c);
    assert_eq!(j["default"]["rollout"]["bucket_by"], "company", "kept from the earlier instruction");
    assert_eq!(j["default"]["rollout"]["weights"][0]["weight"], 20000);
    assert_eq!(j["rules"][0]["serve"]["rollout"]["weights"][1]["weight"], 50000);
    assert!(j["rules"][0]["serve"]["rollout"].get("bucket_by").is_none());
}

#[test]
fn rules_are_added_replaced_served_moved_and_removed_by_id() {
    let c = run(json!([
        {"kind": "add_rule", "rule": {"conditions": [], "serve": {"variant": "on"}}},
        {"kind": "add_rule", "rule": {"id": "first", "conditions": [], "serve": {"variant": "off"}}, "position": 0},
        {"kind": "replace_rule", "rule": {"id": "de", "conditions": [{"attribute": "country", "op": "in", "values": ["AT"]}], "serve": {"variant": "on"}}},
        {"kind": "set_rule_serve", "rule": "beta", "serve": {"variant": "off"}},
        {"kind": "move_rule", "rule": "first", "position": 3},
        {"kind": "remove_rule", "rule": "new-1"}
    ]))
    .unwrap();
    let ids: Vec<&str> = c.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["beta", "de", "first"]);
    let j = as_json(&c);
    assert_eq!(j["rules"][1]["conditions"][0]["values"], json!(["AT"]));
    assert_eq!(j["rules"][0]["serve"], json!({"variant": "off"}));
}

#[test]
fn targets_move_between_variants_and_are_removed() {
    let c = run(json!([{"kind": "add_targets", "variant": "off", "keys": ["alice", "bob", "bob"]}])).unwrap();
    assert_eq!(
        as_json(&c)["targets"],
        json!([{"variant": "off", "keys": ["alice", "bob"]}]),
        "alice moved; no empty target left"
    );
    let c = run(json!([{"kind": "add_targets", "variant": "on", "keys": ["carol"]},
                       {"kind": "remove_targets", "keys": ["alice"]}]))
    .unwrap();
    assert_eq!(as_json(&c)["targets"], json!([{"variant": "on", "keys": ["carol"]}]));
    let c = run(json!([{"kind": "remove_targets", "variant": "off", "keys": ["alice"]}])).unwrap();
    assert_eq!(as_json(&c)["targets"], as_json(&base())["targets"], "only the named variant's keys");
}

#[test]
fn prerequisites_are_added_replaced_removed_and_set() {
    let c = run(json!([{"kind": "add_prerequisite", "flag": "base", "variant": "off"},
                       {"kind": "add_prerequisite", "flag": "other", "variant": "on"}]))
    .unwrap();
    assert_eq!(
        as_json(&c)["prerequisites"],
        json!([{"flag": "base", "variant": "off"}, {"flag": "other", "variant": "on"}])
    );
    let c = run(json!([{"kind": "remove_prerequisite", "flag": "base"}])).unwrap();
    assert_eq!(as_json(&c)["prerequisites"], json!([]));
    let c = run(json!([{"kind": "set_prerequisites", "prerequisites": [{"flag": "x", "variant": "on"}]}]))
        .unwrap();
    assert_eq!(as_json(&c)["prerequisites"], json!([{"flag": "x", "variant": "on"}]));
}

#[test]
fn the_first_failing_instruction_is_reported_and_nothing_applies() {
    let before = base();
    let e = run(json!([{"kind": "turn_on"}, {"kind": "remove_rule", "rule": "ghost"}, {"kind": "turn_off"}]))
        .unwrap_err();
    assert_eq!((e.index, e.kind), (1, "remove_rule"));
    assert_eq!(e.problem, PatchProblem::RuleNotFound { id: "ghost".to_owned() });
    assert_eq!(e.pointer(), "/instructions/1");
    assert_eq!(base(), before, "apply is pure");
    for (instructions, problem) in [
        (json!([]), "at least one"),
        (json!([{"kind": "add_rule", "rule": {"id": "beta", "serve": {"variant": "on"}}}]), "exists already"),
        (json!([{"kind": "move_rule", "rule": "beta", "position": 2}]), "past the end"),
        (json!([{"kind": "add_rule", "rule": {"serve": {"variant": "on"}}, "position": 9}]), "past the end"),
        (json!([{"kind": "replace_rule", "rule": {"serve": {"variant": "on"}}}]), "needs the rule's id"),
        (json!([{"kind": "set_rollout", "rule": "ghost", "weights": []}]), "no rule"),
        (json!([{"kind": "remove_prerequisite", "flag": "ghost"}]), "no prerequisite"),
    ] {
        let e = run(instructions.clone()).unwrap_err();
        assert!(e.to_string().contains(problem), "{instructions}: {e}");
    }
    let too_many: Vec<Value> =
        (0..=vexil_core::patch::MAX_INSTRUCTIONS).map(|_| json!({"kind": "turn_on"})).collect();
    assert!(run(Value::Array(too_many)).unwrap_err().to_string().contains("at most"));
}

#[test]
fn the_wire_form_is_tagged_by_kind_and_strict() {
    let p = patch(json!([{"kind": "turn_on"}, {"kind": "set_off_variant", "variant": "off"}]));
    assert_eq!(p.instructions[0], Instruction::TurnOn {});
    let back = serde_json::to_value(&p).unwrap();
    assert_eq!(
        back,
        json!({"instructions": [{"kind": "turn_on"}, {"kind": "set_off_variant", "variant": "off"}]})
    );
    for bad in [
        json!({"instructions": [{"kind": "turnFlagOn"}]}),
        json!({"instructions": [{"kind": "turn_on", "extra": 1}]}),
        json!({"instructions": [{"kind": "set_off_variant"}]}),
        json!({"instructions": [], "colour": 1}),
    ] {
        assert!(serde_json::from_value::<Patch>(bad.clone()).is_err(), "{bad}");
    }
}

#[test]
fn diff_turns_one_configuration_into_another() {
    let target = config(json!({
        "enabled": true, "off_variant": "on",
        "default": {"rollout": {"weights": [{"variant": "on", "weight": 25000}, {"variant": "off", "weight": 75000}]}},
        "targets": [{"variant": "off", "keys": ["bob", "alice"]}],
        "rules": [
            {"id": "de", "conditions": [{"attribute": "country", "op": "in", "values": ["DE"]}], "serve": {"variant": "on"}},
            {"id": "fr", "conditions": [{"attribute": "country", "op": "in", "values": ["FR"]}], "serve": {"variant": "off"}}
        ],
        "prerequisites": []
    }));
    let instructions = vexil_core::patch::diff(&base(), &target);
    let kinds: Vec<&str> = instructions.iter().map(Instruction::kind).collect();
    assert_eq!(kinds.last(), Some(&"turn_on"), "enabling comes last: {kinds:?}");
    let got = apply(&base(), &Patch { instructions, comment: None }, || "unused".to_owned()).unwrap();
    assert_eq!(as_json(&got), as_json(&target));
}

#[test]
fn diff_of_equal_configurations_is_empty() {
    assert!(vexil_core::patch::diff(&base(), &base()).is_empty());
    // Only the version differs: still nothing to do.
    let mut later = base();
    later.version = 7;
    assert!(vexil_core::patch::diff(&base(), &later).is_empty());
}
