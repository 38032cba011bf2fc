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
    /// With `TYPE_MISMATCH` from a value that did not fit the type asked for: why, for
    /// people (e.g. serde's `invalid type: string "dark", expected struct Banner` from
    /// [`crate::Client::json_details_as`], or a number that is not an integer from
    /// [`crate::Client::int_details`]). `None` otherwise.
    pub error_message: Option<String>,
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
            error_message: None,
            rule_index: None,
            rule_id: None,
            prerequisite: None,
        }
    }

    /// The default with `TYPE_MISMATCH` and why the value did not fit.
    pub(crate) fn mismatch(default: T, message: String) -> Details<T> {
        Details { error_message: Some(message), ..Details::error(default, ErrorCode::TypeMismatch) }
    }

    /// Converts an evaluation, taking the value out with `extract` (which is given a
    /// value of the kind asked for, and says why when it does not fit the type).
    pub(crate) fn from_eval(
        e: &Evaluation<'_>,
        default: T,
        extract: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Self {
        if let Some(code) = e.error_code() {
            return Details::error(default, code);
        }
        let value = match e.value.map(extract) {
            Some(Ok(value)) => value,
            Some(Err(message)) => return Details::mismatch(default, message),
            None => return Details::error(default, ErrorCode::TypeMismatch),
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
            error_message: None,
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
    /// The details of a hooked evaluation: `value` when one was served, else `default`
    /// (with `message`, why a value did not fit, if that was the failure).
    pub(crate) fn from_record(
        record: EvaluationRecord,
        value: Option<T>,
        default: T,
        message: Option<String>,
    ) -> Details<T> {
        let Some(value) = value.filter(|_| record.error_code.is_none()) else {
            let code = record.error_code.unwrap_or(ErrorCode::General);
            return Details { error_message: message, ..Details::error(default, code) };
        };
        Details {
            value,
            variant: record.variant,
            reason: record.reason,
            error_code: None,
            error_message: None,
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
