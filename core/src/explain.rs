//! The evaluation debugger's view: the same evaluation as the fast path, recorded step
//! by step.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::compile::{CompiledCondition, CompiledSnapshot};
use crate::context::{AttrRef, Context};
use crate::eval::{BucketInput, ErrorCode, Evaluation, EvaluationRecord, Outcome, Tracer};
use crate::model::Op;

/// Everything evaluation looked at for one flag and context, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The flag key.
    pub flag: String,
    /// The result, identical to [`CompiledSnapshot::evaluate`]'s.
    pub result: EvaluationRecord,
    /// Whether the flag is enabled in this environment (`None` if it does not exist).
    pub enabled: Option<bool>,
    /// Prerequisites checked, in order.
    pub prerequisites: Vec<PrerequisiteTrace>,
    /// Whether the individual targets were checked, and whether the key was among them.
    pub target_matched: Option<bool>,
    /// Rules checked, in order; rules after the matching one are not checked.
    pub rules: Vec<RuleTrace>,
    /// The bucketing step, if a rollout decided.
    pub bucket: Option<BucketTrace>,
}

/// One prerequisite check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrerequisiteTrace {
    /// The prerequisite flag.
    pub flag: String,
    /// The variant it had to serve.
    pub required_variant: String,
    /// What it served (`None` on error).
    pub served_variant: Option<String>,
    /// Whether the prerequisite held.
    pub holds: bool,
}

/// One rule check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub actual: Option<Value>,
    /// The test's outcome before `negate`.
    pub outcome: Outcome,
    /// The condition's truth.
    pub holds: bool,
}

/// The bucketing step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketTrace {
    /// The attribute the rollout buckets by (`key` for the context key).
    pub bucket_by: String,
    /// The string that was hashed after `salt ":"`.
    pub hashed_value: String,
    /// True when the `bucket_by` attribute was unusable and the context key was used.
    pub fell_back_to_key: bool,
    /// The bucket, in [0, 100 000).
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
        let (result, enabled) = match self.index.get(flag_key) {
            Some(&i) => (self.eval_flag(i, ctx, &mut rec, 0), Some(self.flags[i].enabled)),
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
