//! Condition evaluation with arbitrary conditions and arbitrary contexts. A flag gets one
//! rule per generated condition (and one with all of them), a segment gets the generated
//! segment rules, a second flag depends on the first. Invariants: nothing panics;
//! `evaluate`, `explain`, `evaluate_all`, `evaluate_index` and the lenient compiler agree;
//! evaluation is deterministic; a served variant is one of the flag's.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use vexil_core::{AttrValue, CompiledSnapshot, Context, Op, Snapshot};

const NAMES: [&str; 8] = ["key", "country", "plan", "age", "version", "created", "groups", "email"];

#[derive(Debug, Arbitrary)]
enum Name {
    Known(u8),
    Other(String),
}

impl Name {
    fn get(&self) -> String {
        match self {
            Name::Known(i) => NAMES[usize::from(*i) % NAMES.len()].to_owned(),
            Name::Other(s) => s.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Operand {
    Text(String),
    Number(f64),
    Integer(i64),
    Bool(bool),
    Null,
    Semver(u8, u8, u8, Option<String>),
    Time(i32),
    Regex(String),
    Segment,
}

impl Operand {
    fn json(&self) -> Value {
        match self {
            Operand::Text(s) | Operand::Regex(s) => json!(s),
            Operand::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            Operand::Integer(i) => json!(i),
            Operand::Bool(b) => json!(b),
            Operand::Null => Value::Null,
            Operand::Semver(a, b, c, pre) => match pre {
                Some(p) => json!(format!("{a}.{b}.{c}-{p}")),
                None => json!(format!("{a}.{b}.{c}")),
            },
            Operand::Time(t) => json!(time_text(*t)),
            Operand::Segment => json!("beta"),
        }
    }
}

fn time_text(seconds: i32) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(i64::from(seconds))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[derive(Debug, Arbitrary)]
struct Condition {
    attribute: Name,
    op: u8,
    values: Vec<Operand>,
    negate: bool,
}

impl Condition {
    fn json(&self) -> Value {
        let op = Op::ALL[usize::from(self.op) % Op::ALL.len()];
        let values: Vec<Value> = self.values.iter().take(8).map(Operand::json).collect();
        json!({"attribute": self.attribute.get(), "op": op.as_str(), "values": values, "negate": self.negate})
    }
}

#[derive(Debug, Arbitrary)]
enum Attribute {
    Text(String),
    Number(f64),
    Bool(bool),
    List(Vec<String>),
    Semver(u8, u8, u8),
    Time(i32),
}

#[derive(Debug, Arbitrary)]
struct Input {
    conditions: Vec<Condition>,
    segment_conditions: Vec<Condition>,
    included: Vec<String>,
    key: Option<String>,
    attributes: Vec<(Name, Attribute)>,
    weight: u32,
}

fn snapshot(input: &Input) -> Value {
    let conditions: Vec<Value> = input.conditions.iter().take(8).map(Condition::json).collect();
    let mut rules: Vec<Value> = conditions
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"id": format!("r{i}"), "conditions": [c], "serve": {"variant": "b"}}))
        .collect();
    rules.push(json!({"id": "all", "conditions": conditions, "serve": {"variant": "c"}}));
    let first = input.weight % 100_001;
    let segment_rules: Vec<Value> =
        input.segment_conditions.iter().take(4).map(|c| json!({"conditions": [c.json()]})).collect();
    let variants =
        json!([{"key": "a", "value": "A"}, {"key": "b", "value": "B"}, {"key": "c", "value": "C"}]);
    json!({
        "environment": "production", "version": 1,
        "flags": [
            {"key": "f", "kind": "string", "salt": "salt-f", "variants": variants,
             "config": {"enabled": true, "off_variant": "a", "rules": rules,
                        "default": {"rollout": {"weights": [{"variant": "a", "weight": first}, {"variant": "b", "weight": 100_000 - first}]}}}},
            {"key": "g", "kind": "string", "salt": "salt-g", "variants": variants,
             "config": {"enabled": true, "off_variant": "a", "default": {"variant": "c"},
                        "prerequisites": [{"flag": "f", "variant": "b"}]}}
        ],
        "segments": [{"key": "beta", "included": input.included.iter().take(8).collect::<Vec<_>>(), "rules": segment_rules}]
    })
}

fn context(input: &Input) -> Context {
    let mut ctx = match &input.key {
        Some(k) => Context::new(k.clone()),
        None => Context::anonymous(),
    };
    for (name, value) in input.attributes.iter().take(16) {
        let value = match value {
            Attribute::Text(s) => AttrValue::String(s.clone()),
            Attribute::Number(n) => AttrValue::Number(*n),
            Attribute::Bool(b) => AttrValue::Bool(*b),
            Attribute::List(l) => AttrValue::List(l.iter().take(8).cloned().collect()),
            Attribute::Semver(a, b, c) => AttrValue::String(format!("{a}.{b}.{c}")),
            Attribute::Time(t) => AttrValue::String(time_text(*t)),
        };
        ctx.set(name.get(), value);
    }
    ctx
}

fuzz_target!(|input: Input| {
    let bytes = serde_json::to_vec(&snapshot(&input)).expect("JSON");
    let Ok(compiled) = CompiledSnapshot::from_json(&bytes) else { return };
    let parsed = Snapshot::from_json(&bytes).expect("parsed");
    let lenient = CompiledSnapshot::compile_lenient(&parsed);
    let ctx = context(&input);
    let all: Vec<_> = compiled.evaluate_all(&ctx).map(|(k, e)| (k.to_owned(), e.record())).collect();
    for (key, record) in &all {
        let e = compiled.evaluate(key, &ctx);
        assert_eq!(&e.record(), record, "evaluate_all differs on {key}");
        assert_eq!(compiled.evaluate(key, &ctx).record(), *record, "not deterministic on {key}");
        let index = compiled.flag_index(key).expect("index");
        assert_eq!(compiled.evaluate_index(index, &ctx, None).record(), *record);
        assert_eq!(compiled.explain(key, &ctx).result, *record, "explain differs on {key}");
        assert_eq!(lenient.compiled.evaluate(key, &ctx).record(), *record, "lenient differs on {key}");
        if let Some(v) = e.variant {
            assert!(["a", "b", "c"].contains(&v), "served {v}");
        }
    }
});
