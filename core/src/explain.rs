//! The evaluation debugger's view: the same evaluation as the fast path, recorded step
//! by step.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::compile::{CompiledCondition, CompiledSnapshot, Test};
use crate::context::{AttrRef, Context};
use crate::eval::{BucketInput, ErrorCode, Evaluation, EvaluationRecord, Outcome, Tracer};
use crate::model::Op;

/// Everything evaluation looked at for one flag and context, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Explanation {
    /// The flag key.
    pub flag: String,
    /// The result, identical to [`CompiledSnapshot::evaluate`]'s.
    pub result: EvaluationRecord,
    /// Whether the flag is enabled in this environment (`None` if it does not exist).
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub enabled: Option<bool>,
    /// Prerequisites checked, in order.
    pub prerequisites: Vec<PrerequisiteTrace>,
    /// Whether the individual targets were checked, and whether the key was among them.
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub target_matched: Option<bool>,
    /// Rules checked, in order; rules after the matching one are not checked.
    pub rules: Vec<RuleTrace>,
    /// The bucketing step, if a rollout decided.
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub bucket: Option<BucketTrace>,
}

/// One prerequisite check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct PrerequisiteTrace {
    /// The prerequisite flag.
    pub flag: String,
    /// The variant it had to serve.
    pub required_variant: String,
    /// What it served (`None` on error).
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub served_variant: Option<String>,
    /// Whether the prerequisite held.
    pub holds: bool,
}

/// One rule check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct RuleTrace {
    /// Position in the configuration.
    pub index: usize,
    /// The rule id.
    pub id: String,
    /// Whether every condition held.
    pub matched: bool,
    /// Conditions checked, in order; checking stops at the first that fails.
    pub conditions: Vec<ConditionTrace>,
}

/// One condition check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct ConditionTrace {
    /// Position in the rule.
    pub index: usize,
    /// The attribute tested.
    pub attribute: String,
    /// The operator.
    pub op: Op,
    /// Whether the outcome was inverted.
    pub negate: bool,
    /// The context's value of the attribute, if any.
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub actual: Option<Value>,
    /// The test's outcome before `negate`.
    pub outcome: Outcome,
    /// The condition's truth.
    pub holds: bool,
    /// With `type_mismatch`: why the context's value cannot be compared, for people,
    /// e.g. `"v3.1.0" is not a semantic version: it starts with "v"...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub mismatch: Option<String>,
}

/// The bucketing step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct BucketTrace {
    /// The attribute the rollout buckets by (`key` for the context key).
    pub bucket_by: String,
    /// The string that was hashed after `salt ":"`.
    pub hashed_value: String,
    /// True when the `bucket_by` attribute was unusable and the context key was used.
    pub fell_back_to_key: bool,
    /// The bucket, in [0, 100 000).
    #[cfg_attr(feature = "utoipa", schema(maximum = 99999))]
    pub bucket: u32,
}

#[derive(Default)]
struct Recorder {
    prerequisites: Vec<PrerequisiteTrace>,
    target_matched: Option<bool>,
    rules: Vec<RuleTrace>,
    bucket: Option<BucketTrace>,
}

impl Tracer for Recorder {
    fn prerequisite(&mut self, flag: &str, required: &str, served: Option<&str>, holds: bool) {
        self.prerequisites.push(PrerequisiteTrace {
            flag: flag.to_owned(),
            required_variant: required.to_owned(),
            served_variant: served.map(str::to_owned),
            holds,
        });
    }

    fn target(&mut self, matched: bool) {
        self.target_matched = Some(matched);
    }

    fn rule(&mut self, index: usize, id: &str) {
        self.rules.push(RuleTrace { index, id: id.to_owned(), matched: false, conditions: Vec::new() });
    }

    fn condition(
        &mut self,
        c: &CompiledCondition,
        actual: Option<AttrRef<'_>>,
        outcome: Outcome,
        holds: bool,
    ) {
        if let Some(rule) = self.rules.last_mut() {
            rule.conditions.push(ConditionTrace {
                index: rule.conditions.len(),
                attribute: c.attribute.as_str().to_owned(),
                op: c.op,
                negate: c.negate,
                actual: actual.map(|a| a.to_json()),
                outcome,
                holds,
                mismatch: match (outcome, actual) {
                    (Outcome::TypeMismatch, Some(a)) => Some(mismatch(c, a)),
                    _ => None,
                },
            });
        }
    }

    fn rule_end(&mut self, matched: bool) {
        if let Some(rule) = self.rules.last_mut() {
            rule.matched = matched;
        }
    }

    fn bucket(&mut self, attribute: &str, input: BucketInput<'_>, fallback: bool, bucket: u32) {
        self.bucket = Some(BucketTrace {
            bucket_by: attribute.to_owned(),
            hashed_value: match input {
                BucketInput::Str(s) => s.to_owned(),
                BucketInput::Int(n) => n.to_string(),
            },
            fell_back_to_key: fallback,
            bucket,
        });
    }
}

impl CompiledSnapshot {
    /// Evaluates one flag and records every step, for the evaluation debugger.
    pub fn explain(&self, flag_key: &str, ctx: &Context) -> Explanation {
        let mut rec = Recorder::default();
        let (result, enabled) = match self.index.get(&self.flags, flag_key) {
            Some(i) => (self.eval_flag(i, ctx, &mut rec, 0), Some(self.flags[i].enabled)),
            None => (Evaluation::error(ErrorCode::FlagNotFound), None),
        };
        Explanation {
            flag: flag_key.to_owned(),
            result: result.record(),
            enabled,
            prerequisites: rec.prerequisites,
            target_matched: rec.target_matched,
            rules: rec.rules,
            bucket: rec.bucket,
        }
    }
}

/// How people call an attribute value's type.
fn type_of(a: AttrRef<'_>) -> &'static str {
    match a {
        AttrRef::Str(_) => "a string",
        AttrRef::Number(_) => "a number",
        AttrRef::Bool(_) => "a boolean",
        AttrRef::List(_) => "a list of strings",
    }
}

/// A value as JSON shows it.
fn shown(a: AttrRef<'_>) -> String {
    a.to_json().to_string()
}

/// Why a condition's test could not compare the context's value: the value's type and,
/// for strings meant as versions or times, what is wrong with them.
fn mismatch(c: &CompiledCondition, a: AttrRef<'_>) -> String {
    let op = c.op.as_str();
    match (&c.test, a) {
        (Test::In(set), _) => {
            let mut kinds = Vec::new();
            if !set.strings.is_empty() {
                kinds.push("strings");
            }
            if !set.numbers.is_empty() {
                kinds.push("numbers");
            }
            if set.has_true || set.has_false {
                kinds.push("booleans");
            }
            format!(
                "{} is {}, and the condition's values are {}: a value only equals one of its own type",
                shown(a),
                type_of(a),
                if kinds.is_empty() { "none".to_owned() } else { kinds.join(" and ") }
            )
        }
        (Test::Number(..), AttrRef::Str(s)) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => format!(
            "{} is a string that looks like a number; {op} compares numbers, so send it as a JSON number ({})",
            shown(a),
            s.trim()
        ),
        (Test::Number(..), _) => {
            format!("{} is {}, not a number; {op} compares numbers", shown(a), type_of(a))
        }
        (Test::Semver(..), AttrRef::Str(s)) => format!(
            "{} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 3.1.0): {}",
            shown(a),
            semver_problem(s)
        ),
        (Test::Semver(..), _) => format!(
            "{} is {}; {op} compares semantic versions, which are strings such as \"3.1.0\"",
            shown(a),
            type_of(a)
        ),
        (Test::Time(..), AttrRef::Str(s)) => {
            format!("{} is not an RFC 3339 time (e.g. 2026-01-31T12:00:00Z): {}", shown(a), time_problem(s))
        }
        (Test::Time(..), AttrRef::Number(_)) => {
            format!("{} is not a plausible Unix time in seconds (a number below 10^12 is expected)", shown(a))
        }
        (Test::Time(..), _) => {
            format!("{} is {}; {op} compares times: an RFC 3339 string or Unix seconds", shown(a), type_of(a))
        }
        (Test::Contains(_) | Test::StartsWith(_) | Test::EndsWith(_) | Test::Matches(_), _) => {
            format!("{} is {}; {op} tests text: send the attribute as a string", shown(a), type_of(a))
        }
        (Test::InSegment(_) | Test::Exists, _) => format!("{op} does not compare values"),
    }
}

/// What keeps a string from being a SemVer 2.0.0 version, in a few words.
fn semver_problem(s: &str) -> String {
    if s.trim() != s {
        return format!("it has white space around it; {:?} would be one", s.trim());
    }
    if let Some(rest) = s.strip_prefix(['v', 'V']) {
        if crate::semver::Version::parse(rest).is_some() {
            return format!(
                "it starts with {:?}, which is not part of a version; {rest:?} would be one",
                &s[..1]
            );
        }
    }
    let core = s.split(['-', '+']).next().unwrap_or(s);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        if parts.len() != 3 {
            return format!(
                "it has {} number{}, a version has three (MAJOR.MINOR.PATCH)",
                parts.len(),
                if parts.len() == 1 { "" } else { "s" }
            );
        }
        if parts.iter().any(|p| p.len() > 1 && p.starts_with('0')) {
            return "a number in it has a leading zero, which versions do not allow".to_owned();
        }
    }
    match semver::Version::parse(s) {
        Err(e) => e.to_string(),
        Ok(_) => "it is not in the form this server compares".to_owned(),
    }
}

/// What keeps a string from being an RFC 3339 time, in a few words.
fn time_problem(s: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let looks_like_date =
        s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-');
    if looks_like_date {
        return format!(
            "it is a date without a time and offset; {:?} would be one",
            format!("{s}T00:00:00Z")
        );
    }
    match time::OffsetDateTime::parse(s, &Rfc3339) {
        Err(time::error::Parse::TryFromParsed(e)) => e.to_string(),
        Err(e) => format!("{e} (a time needs a date, a time and an offset such as Z or +02:00)"),
        Ok(_) => "it is not in the form this server compares".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{CompiledSnapshot, Context};

    /// The condition trace of a one-condition rule for a context with `attr`.
    fn trace(op: &str, values: serde_json::Value, attr: serde_json::Value) -> super::ConditionTrace {
        let snapshot = json!({
            "environment": "production", "version": 1,
            "flags": [{
                "key": "f", "kind": "boolean", "salt": "s",
                "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                "config": {"enabled": true, "off_variant": "off", "default": {"variant": "off"},
                    "rules": [{"id": "r", "conditions": [{"attribute": "a", "op": op, "values": values}],
                               "serve": {"variant": "on"}}]}
            }]
        });
        let compiled = CompiledSnapshot::from_json(snapshot.to_string().as_bytes()).expect("valid snapshot");
        let ctx: Context =
            serde_json::from_value(json!({"key": "u", "attributes": {"a": attr}})).expect("valid context");
        let x = compiled.explain("f", &ctx);
        x.rules[0].conditions[0].clone()
    }

    fn why(op: &str, values: serde_json::Value, attr: serde_json::Value) -> String {
        let t = trace(op, values, attr);
        assert_eq!(t.outcome, crate::eval::Outcome::TypeMismatch);
        t.mismatch.expect("a mismatch says why")
    }

    #[test]
    fn a_leading_v_is_named_as_what_keeps_a_version_from_being_one() {
        let m = why("semver_gte", json!(["3.0.0"]), json!("v3.1.0"));
        assert!(m.starts_with(r#""v3.1.0" is not a semantic version"#), "{m}");
        assert!(m.contains(r#"it starts with "v""#) && m.contains(r#""3.1.0" would be one"#), "{m}");
    }

    #[test]
    fn other_non_versions_say_what_is_wrong() {
        assert!(why("semver_lt", json!(["3.0.0"]), json!("3.1")).contains("it has 2 numbers"));
        assert!(why("semver_lt", json!(["3.0.0"]), json!("03.1.0")).contains("leading zero"));
        assert!(why("semver_lt", json!(["3.0.0"]), json!(" 3.1.0")).contains("white space"));
        assert!(why("semver_lt", json!(["3.0.0"]), json!("3.1.x")).contains("unexpected character"));
        assert!(why("semver_eq", json!(["3.0.0"]), json!(3.1)).contains("is a number"));
    }

    #[test]
    fn every_kind_of_condition_that_can_mismatch_says_why() {
        assert!(why("gt", json!([5]), json!("7")).contains("looks like a number"));
        assert!(why("gt", json!([5]), json!("seven")).contains("not a number"));
        assert!(why("gt", json!([5]), json!(true)).contains("is a boolean"));
        assert!(
            why("before", json!(["2026-01-31T12:00:00Z"]), json!("2026-01-30"))
                .contains("a date without a time")
        );
        assert!(
            why("before", json!(["2026-01-31T12:00:00Z"]), json!("yesterday"))
                .starts_with(r#""yesterday" is not an RFC 3339 time"#)
        );
        assert!(why("after", json!(["2026-01-31T12:00:00Z"]), json!(1e15)).contains("Unix time"));
        assert!(why("contains", json!(["x"]), json!(5)).contains("tests text"));
        assert!(why("matches", json!(["x"]), json!(false)).contains("tests text"));
        assert!(why("in", json!(["42"]), json!(42)).contains("condition's values are strings"));
        assert!(why("in", json!([1, 2]), json!("1")).contains("values are numbers"));
    }

    #[test]
    fn only_mismatches_carry_an_explanation() {
        assert_eq!(trace("semver_gte", json!(["3.0.0"]), json!("3.1.0")).mismatch, None);
        assert_eq!(trace("in", json!(["x"]), json!("y")).mismatch, None);
    }
}
