//! Owned evaluation results: the details of one typed call, and every flag's state for
//! bootstrapping a front end.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use vexil_core::{ErrorCode, Evaluation, EvaluationRecord, Reason, ReasonKind};

/// The result of a `*_details` call: the value (the caller's default on error) and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Details<T> {
    /// The flag's value, or the default given when `reason` is `ERROR`.
    pub value: T,
    /// The variant served; `None` on error.
    pub variant: Option<String>,
    /// Why this value.
    pub reason: ReasonKind,
    /// With `ERROR`: what went wrong.
    pub error_code: Option<ErrorCode>,
    /// With `TARGETING_MATCH` from a rule: its position.
    pub rule_index: Option<usize>,
    /// With `TARGETING_MATCH` from a rule: its id.
    pub rule_id: Option<String>,
    /// With `PREREQUISITE_FAILED`: the prerequisite that did not hold.
    pub prerequisite: Option<String>,
}

impl<T> Details<T> {
    /// The default, with reason `ERROR` and `code`.
    pub(crate) fn error(default: T, code: ErrorCode) -> Details<T> {
        Details {
            value: default,
            variant: None,
            reason: ReasonKind::Error,
            error_code: Some(code),
            rule_index: None,
            rule_id: None,
            prerequisite: None,
        }
    }

    /// Converts an evaluation, taking the value out with `extract` (which is given a
    /// value of the kind asked for; `None` only if the data disagrees with its kind).
    pub(crate) fn from_eval(
        e: &Evaluation<'_>,
        default: T,
        extract: impl FnOnce(&Value) -> Option<T>,
    ) -> Self {
        if let Some(code) = e.error_code() {
            return Details::error(default, code);
        }
        let Some(value) = e.value.and_then(extract) else {
            return Details::error(default, ErrorCode::TypeMismatch);
        };
        let (rule_index, rule_id) = match e.reason {
            Reason::TargetingMatch { rule: Some(r) } => (Some(r.index), Some(r.id.to_owned())),
            _ => (None, None),
        };
        Details {
            value,
            variant: e.variant.map(str::to_owned),
            reason: e.reason.kind(),
            error_code: None,
            rule_index,
            rule_id,
            prerequisite: match e.reason {
                Reason::PrerequisiteFailed { flag } => Some(flag.to_owned()),
                _ => None,
            },
        }
    }
}

impl<T> Details<T> {
    /// The details of a hooked evaluation: `value` when one was served, else `default`.
    pub(crate) fn from_record(record: EvaluationRecord, value: Option<T>, default: T) -> Details<T> {
        let Some(value) = value.filter(|_| record.error_code.is_none()) else {
            return Details::error(default, record.error_code.unwrap_or(ErrorCode::General));
        };
        Details {
            value,
            variant: record.variant,
            reason: record.reason,
            error_code: None,
            rule_index: record.rule_index,
            rule_id: record.rule_id,
            prerequisite: record.prerequisite,
        }
    }
}

/// The record of an evaluation that returned the default with `code`.
pub(crate) fn error_record(code: ErrorCode) -> EvaluationRecord {
    EvaluationRecord {
        value: None,
        variant: None,
        reason: ReasonKind::Error,
        rule_index: None,
        rule_id: None,
        prerequisite: None,
        error_code: Some(code),
    }
}

/// Every flag evaluated for one context, as JSON for a front end to start from:
/// `{"environment": ..., "version": ..., "flags": {"flag-key": {"value": ..., "variant":
/// ..., "reason": ...}}}`. Empty (no environment, no version) before any data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AllFlags {
    /// The environment of the snapshot evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// Each flag's result, by key.
    pub flags: BTreeMap<String, EvaluationRecord>,
}
