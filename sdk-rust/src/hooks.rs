//! Evaluation hooks, in OpenFeature's model: code that runs around every typed
//! evaluation for logging, tracing or metrics.
//!
//! Stages, for each evaluation: `before` (in registration order), then either `after`
//! (when a value was served) or `error` (when the evaluation or a hook failed), then
//! `finally`; `after`, `error` and `finally` run in reverse registration order, as
//! OpenFeature specifies. A `before` or `after` hook that fails turns the result into
//! the caller's default with reason `ERROR` and code `GENERAL`. Hooks run on the
//! caller's thread, inside the evaluation call: keep them fast. A client without hooks
//! pays nothing for them.

use std::fmt;

use serde_json::Value;
use vexil_core::{Context, ErrorCode, EvaluationRecord, FlagKind};

/// What a hook knows about the evaluation it runs around.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct HookContext<'a> {
    /// The flag key asked for.
    pub flag_key: &'a str,
    /// The kind asked for (`Json` for [`crate::Client::json_value`] and
    /// [`crate::Client::json_value_as`]).
    pub kind: FlagKind,
    /// The evaluation context.
    pub context: &'a Context,
    /// The caller's default as JSON; `None` for [`crate::Client::json_value_as`], whose
    /// default need not be serialisable.
    pub default_value: Option<&'a Value>,
}

/// Why an evaluation failed, as the `error` stage sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EvaluationError {
    /// The OpenFeature error code.
    pub code: ErrorCode,
    /// What happened, for people.
    pub message: String,
}

/// The error type hooks return from `before` and `after`.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// An evaluation hook. Every method defaults to doing nothing.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use vexil_sdk::{Context, EvaluationError, EvaluationRecord, Hook, HookContext, TestData};
///
/// #[derive(Default)]
/// struct Log(Mutex<Vec<String>>);
///
/// impl Hook for Log {
///     fn after(&self, hook: &HookContext<'_>, details: &EvaluationRecord) -> Result<(), vexil_sdk::HookError> {
///         self.0.lock().unwrap().push(format!("{} -> {:?}", hook.flag_key, details.variant));
///         Ok(())
///     }
///     fn error(&self, hook: &HookContext<'_>, error: &EvaluationError) {
///         self.0.lock().unwrap().push(format!("{} failed: {}", hook.flag_key, error.code.as_str()));
///     }
/// }
///
/// let td = TestData::new();
/// td.update(td.flag("new-checkout").value_for_all(true));
/// let log = Arc::new(Log::default());
/// let client = td.builder().hook(log.clone()).build()?;
/// client.bool_value("new-checkout", &Context::new("user-1"), false);
/// client.bool_value("missing", &Context::new("user-1"), false);
/// assert_eq!(*log.0.lock().unwrap(), ["new-checkout -> Some(\"on\")", "missing failed: FLAG_NOT_FOUND"]);
/// # Ok::<(), vexil_sdk::BuildError>(())
/// ```
pub trait Hook: Send + Sync {
    /// Before the evaluation. An error skips the evaluation: the default is returned
    /// with reason `ERROR`, code `GENERAL`.
    fn before(&self, hook: &HookContext<'_>) -> Result<(), HookError> {
        let _ = hook;
        Ok(())
    }

    /// After an evaluation that served a value. An error turns the result into the
    /// default with reason `ERROR`, code `GENERAL` (and the `error` stage runs).
    fn after(&self, hook: &HookContext<'_>, details: &EvaluationRecord) -> Result<(), HookError> {
        let _ = (hook, details);
        Ok(())
    }

    /// When the evaluation returned an error, or a `before` or `after` hook failed.
    fn error(&self, hook: &HookContext<'_>, error: &EvaluationError) {
        let _ = (hook, error);
    }

    /// Always, last, with the final result (its value is absent when the default is
    /// returned).
    fn finally(&self, hook: &HookContext<'_>, details: &EvaluationRecord) {
        let _ = (hook, details);
    }
}

impl fmt::Debug for dyn Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hook")
    }
}

/// Runs `evaluate` inside the hooks. `evaluate` returns the typed value served (`None`
/// when the default applies), the record of the evaluation (its error code set when
/// the value did not fit the type asked for) and, then, why it did not fit. Returns
/// the same three after the hooks (the message only while the failure is the value's).
pub(crate) fn run<T>(
    hooks: &[std::sync::Arc<dyn Hook>],
    hook: &HookContext<'_>,
    evaluate: impl FnOnce() -> (Option<T>, EvaluationRecord, Option<String>),
) -> (Option<T>, EvaluationRecord, Option<String>) {
    let fail = |message: String| EvaluationError { code: ErrorCode::General, message };
    for h in hooks {
        if let Err(e) = h.before(hook) {
            let error = fail(format!("a before hook failed: {e}"));
            let record = crate::details::error_record(ErrorCode::General);
            for h in hooks.iter().rev() {
                h.error(hook, &error);
            }
            for h in hooks.iter().rev() {
                h.finally(hook, &record);
            }
            return (None, record, None);
        }
    }
    let (mut value, mut record, mut mismatch) = evaluate();
    let mut error = record.error_code.map(|code| EvaluationError {
        code,
        message: match &mismatch {
            Some(why) => format!("flag {:?}: {}: {why}", hook.flag_key, code.as_str()),
            None => format!("flag {:?}: {}", hook.flag_key, code.as_str()),
        },
    });
    if error.is_none() {
        for h in hooks.iter().rev() {
            if let Err(e) = h.after(hook, &record) {
                error = Some(fail(format!("an after hook failed: {e}")));
                value = None;
                mismatch = None;
                record = crate::details::error_record(ErrorCode::General);
                break;
            }
        }
    }
    if let Some(error) = &error {
        for h in hooks.iter().rev() {
            h.error(hook, error);
        }
    }
    for h in hooks.iter().rev() {
        h.finally(hook, &record);
    }
    (value, record, mismatch)
}
