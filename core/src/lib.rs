//! `vexil-core`: the Vexil flag model, its validation, and the one evaluation engine
//! that the server and every Rust SDK share.
//!
//! No I/O, no clock, no global state: evaluation is a pure function of a compiled
//! snapshot and a context, so the same context gets the same answer everywhere.
//!
//! ```
//! use vexil_core::{CompiledSnapshot, Context};
//!
//! let json = br#"{
//!   "environment": "production", "version": 1,
//!   "flags": [{
//!     "key": "new-checkout", "kind": "boolean", "salt": "k3j9",
//!     "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
//!     "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}}
//!   }]
//! }"#;
//! let snapshot = CompiledSnapshot::from_json(json).expect("valid snapshot");
//! let result = snapshot.evaluate("new-checkout", &Context::new("user-1"));
//! assert_eq!(result.value, Some(&serde_json::Value::Bool(true)));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod compile;
pub mod context;
mod eval;
mod explain;
pub mod hash;
mod incremental;
mod lenient;
pub mod limits;
pub mod model;
pub mod ofrep;
pub mod patch;
mod regexes;
pub mod rollout;
mod semver;
pub mod validate;
pub mod wire;

pub use compile::{CompiledSnapshot, FlagInfo};
pub use context::{AttrRef, AttrValue, Context, ContextError};
pub use eval::{
    ErrorCode, Evaluation, EvaluationRecord, FlagHandle, MatchedRule, Outcome, Reason, ReasonKind,
};
pub use explain::{BucketTrace, ConditionTrace, Explanation, PrerequisiteTrace, RuleTrace};
pub use lenient::{Failure, FailureCause, LenientCompile, LenientSnapshot, Object, Unparsed};
pub use model::*;
pub use validate::{Problem, ValidationErrors};

/// Why a snapshot could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not JSON of the snapshot's shape.
    #[error("malformed snapshot JSON: {0}")]
    Parse(#[source] serde_json::Error),
    /// The snapshot is well-formed but its content is invalid.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

/// `bytes` as the text of a JSON document. JSON is UTF-8 throughout (RFC 8259, section
/// 8.1), and `serde_json` reading bytes does not check the strings it skips, so every
/// reader checks the whole document once here and then parses text. `what` names the
/// document in the error ("the snapshot is not UTF-8: …").
pub(crate) fn json_text<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, serde_json::Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        <serde_json::Error as serde::de::Error>::custom(format_args!("{what} is not UTF-8: {e}"))
    })
}
