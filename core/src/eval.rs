//! Evaluation of compiled flags for a context.
//!
//! One engine serves both the fast path and the debugger: it is generic over a
//! [`Tracer`], and the fast path's tracer does nothing, so it compiles away. The fast
//! path must not allocate: results borrow from the compiled snapshot.

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::compile::{
    AttrName, CompiledCondition, CompiledFlag, CompiledServe, CompiledSnapshot, ConstantReason, Test,
    UnixTime,
};
use crate::context::{Attr, AttrRef, Context, Typed};
use crate::hash::bucket_of_hash;
use crate::model::FlagKind;

/// Why an evaluation produced its value. Maps one to one onto OpenFeature's reasons
/// (`PREREQUISITE_FAILED` is a Vexil-specific reason string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason<'a> {
    /// The flag is disabled in this environment; the off variant is served.
    Disabled,
    /// A prerequisite flag did not serve the required variant; the off variant is served.
    PrerequisiteFailed {
        /// The prerequisite flag that failed.
        flag: &'a str,
    },
    /// An individual target (`rule: None`) or a rule matched.
    TargetingMatch {
        /// The matching rule; `None` for an individual target.
        rule: Option<MatchedRule<'a>>,
    },
    /// The default rollout assigned the variant.
    Split,
    /// The default variant was served.
    Default,
    /// No value: the caller's default applies.
    Error(ErrorCode),
}

/// The rule that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchedRule<'a> {
    /// Position of the rule in the configuration.
    pub index: usize,
    /// The rule's id.
    pub id: &'a str,
}

impl Reason<'_> {
    /// The reason as an OpenFeature reason string.
    pub fn kind(&self) -> ReasonKind {
        match self {
            Reason::Disabled => ReasonKind::Disabled,
            Reason::PrerequisiteFailed { .. } => ReasonKind::PrerequisiteFailed,
            Reason::TargetingMatch { .. } => ReasonKind::TargetingMatch,
            Reason::Split => ReasonKind::Split,
            Reason::Default => ReasonKind::Default,
            Reason::Error(_) => ReasonKind::Error,
        }
    }
}

/// The reason without its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonKind {
    /// See [`Reason::Disabled`].
    Disabled,
    /// See [`Reason::PrerequisiteFailed`].
    PrerequisiteFailed,
    /// See [`Reason::TargetingMatch`].
    TargetingMatch,
    /// See [`Reason::Split`].
    Split,
    /// See [`Reason::Default`].
    Default,
    /// See [`Reason::Error`].
    Error,
}

impl ReasonKind {
    /// The OpenFeature reason string.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Disabled => "DISABLED",
            ReasonKind::PrerequisiteFailed => "PREREQUISITE_FAILED",
            ReasonKind::TargetingMatch => "TARGETING_MATCH",
            ReasonKind::Split => "SPLIT",
            ReasonKind::Default => "DEFAULT",
            ReasonKind::Error => "ERROR",
        }
    }
}

/// OpenFeature error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ErrorCode {
    /// No configuration has been loaded yet.
    ProviderNotReady,
    /// No flag with that key.
    FlagNotFound,
    /// The flag data could not be parsed.
    ParseError,
    /// The flag's kind is not the one asked for.
    TypeMismatch,
    /// A rollout needs the context key and the context has none.
    TargetingKeyMissing,
    /// The context is not usable.
    InvalidContext,
    /// Anything else.
    General,
}

impl ErrorCode {
    /// The OpenFeature error code string.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ProviderNotReady => "PROVIDER_NOT_READY",
            ErrorCode::FlagNotFound => "FLAG_NOT_FOUND",
            ErrorCode::ParseError => "PARSE_ERROR",
            ErrorCode::TypeMismatch => "TYPE_MISMATCH",
            ErrorCode::TargetingKeyMissing => "TARGETING_KEY_MISSING",
            ErrorCode::InvalidContext => "INVALID_CONTEXT",
            ErrorCode::General => "GENERAL",
        }
    }
}

/// The result of evaluating one flag. Borrows from the compiled snapshot, so producing
/// it allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation<'a> {
    /// The value served; `None` only with [`Reason::Error`].
    pub value: Option<&'a Value>,
    /// The variant key served; `None` only with [`Reason::Error`].
    pub variant: Option<&'a str>,
    /// Why.
    pub reason: Reason<'a>,
    /// Position of the variant in the flag's variant list.
    variant_index: Option<usize>,
}

impl<'a> Evaluation<'a> {
    /// An error result.
    pub fn error(code: ErrorCode) -> Self {
        Evaluation { value: None, variant: None, reason: Reason::Error(code), variant_index: None }
    }

    /// Position of the served variant in the flag's variant list (e.g. to count usage
    /// in a flat array without hashing); `None` on error.
    pub fn variant_index(&self) -> Option<usize> {
        self.variant_index
    }

    /// The error code, if this is an error.
    pub fn error_code(&self) -> Option<ErrorCode> {
        match self.reason {
            Reason::Error(code) => Some(code),
            _ => None,
        }
    }

    /// An owned, serialisable copy.
    pub fn record(&self) -> EvaluationRecord {
        let (rule_index, rule_id) = match self.reason {
            Reason::TargetingMatch { rule: Some(r) } => (Some(r.index), Some(r.id.to_owned())),
            _ => (None, None),
        };
        EvaluationRecord {
            value: self.value.cloned(),
            variant: self.variant.map(str::to_owned),
            reason: self.reason.kind(),
            rule_index,
            rule_id,
            prerequisite: match self.reason {
                Reason::PrerequisiteFailed { flag } => Some(flag.to_owned()),
                _ => None,
            },
            error_code: self.error_code(),
        }
    }
}

/// An owned evaluation result, as the server sends it and the conformance vectors
/// record it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluationRecord {
    /// The value served; absent on error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub value: Option<Value>,
    /// The variant served; absent on error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub variant: Option<String>,
    /// The reason.
    pub reason: ReasonKind,
    /// With `TARGETING_MATCH` from a rule: its position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub rule_index: Option<usize>,
    /// With `TARGETING_MATCH` from a rule: its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub rule_id: Option<String>,
    /// With `PREREQUISITE_FAILED`: the prerequisite flag that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub prerequisite: Option<String>,
    /// With `ERROR`: the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub error_code: Option<ErrorCode>,
}

/// How one condition came out before `negate` was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The test held.
    Matched,
    /// The test did not hold.
    NotMatched,
    /// The attribute is absent: the condition is false, whatever `negate` says.
    Missing,
    /// The attribute has a type the operator cannot compare: the condition is false,
    /// whatever `negate` says.
    TypeMismatch,
}

impl Outcome {
    fn of(matched: bool) -> Outcome {
        if matched { Outcome::Matched } else { Outcome::NotMatched }
    }

    /// The condition's truth after `negate`.
    #[inline]
    pub fn holds(self, negate: bool) -> bool {
        match self {
            Outcome::Matched => !negate,
            Outcome::NotMatched => negate,
            Outcome::Missing | Outcome::TypeMismatch => false,
        }
    }
}

/// What the bucketing step hashed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BucketInput<'c> {
    Str(&'c str),
    Int(i64),
}

/// Observes the evaluation of one flag. Every method defaults to nothing so that the
/// fast path's tracer costs nothing.
pub(crate) trait Tracer {
    fn prerequisite(&mut self, _flag: &str, _required: &str, _served: Option<&str>, _holds: bool) {}
    fn target(&mut self, _matched: bool) {}
    fn rule(&mut self, _index: usize, _id: &str) {}
    fn condition(
        &mut self,
        _c: &CompiledCondition,
        _actual: Option<AttrRef<'_>>,
        _outcome: Outcome,
        _holds: bool,
    ) {
    }
    fn rule_end(&mut self, _matched: bool) {}
    fn bucket(&mut self, _attribute: &str, _input: BucketInput<'_>, _fallback: bool, _bucket: u32) {}
}

/// The fast path's tracer.
pub(crate) struct NoTrace;
impl Tracer for NoTrace {}

/// Where evaluation reads a context's key and attributes from: the context itself, or a
/// [`Bound`] context that remembers what it has read.
pub(crate) trait Attrs {
    fn key(&self) -> Option<&str>;
    fn lookup(&self, name: &AttrName) -> Option<Attr<'_>>;
}

impl Attrs for Context {
    #[inline]
    fn key(&self) -> Option<&str> {
        Context::key(self)
    }
    #[inline]
    fn lookup(&self, name: &AttrName) -> Option<Attr<'_>> {
        name.lookup(self)
    }
}

/// How many attribute slots a [`Bound`] context keeps; names in later slots (a snapshot
/// reading more distinct attributes than this) are looked up every time.
const BOUND_SLOTS: usize = 32;

/// A context bound to one snapshot for evaluating many of its flags (`evaluate_all`):
/// each attribute is looked up once, the first time a condition or rollout needs it, and
/// kept in the slot the compiler gave its name. Lives on the stack: allocates nothing.
pub(crate) struct Bound<'c> {
    ctx: &'c Context,
    slots: [Cell<Slot<'c>>; BOUND_SLOTS],
}

#[derive(Debug, Clone, Copy)]
enum Slot<'c> {
    Unread,
    Absent,
    Present(Attr<'c>),
}

impl<'c> Bound<'c> {
    pub(crate) fn new(ctx: &'c Context) -> Bound<'c> {
        Bound { ctx, slots: std::array::from_fn(|_| Cell::new(Slot::Unread)) }
    }
}

impl Attrs for Bound<'_> {
    #[inline]
    fn key(&self) -> Option<&str> {
        self.ctx.key()
    }
    #[inline]
    fn lookup(&self, name: &AttrName) -> Option<Attr<'_>> {
        let AttrName::Named { slot, .. } = name else { return name.lookup(self.ctx) };
        let Some(cell) = self.slots.get(*slot as usize) else { return name.lookup(self.ctx) };
        match cell.get() {
            Slot::Present(a) => Some(a),
            Slot::Absent => None,
            Slot::Unread => {
                let a = name.lookup(self.ctx);
                cell.set(a.map_or(Slot::Absent, Slot::Present));
                a
            }
        }
    }
}

/// Largest integer that converts exactly between f64 and i64.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl CompiledSnapshot {
    /// Evaluates one flag for a context. Never fails: problems come back as
    /// [`Reason::Error`]. Allocates nothing.
    #[inline]
    pub fn evaluate<'a>(&'a self, flag_key: &str, ctx: &Context) -> Evaluation<'a> {
        match self.index.get(&self.flags, flag_key) {
            Some(i) => self.eval_flag(i, ctx, &mut NoTrace, 0),
            None => Evaluation::error(ErrorCode::FlagNotFound),
        }
    }

    /// Like [`CompiledSnapshot::evaluate`], but answers `TYPE_MISMATCH` when the flag is
    /// not of the expected kind (a `Json` request accepts every kind).
    pub fn evaluate_as<'a>(&'a self, flag_key: &str, ctx: &Context, kind: FlagKind) -> Evaluation<'a> {
        match self.index.get(&self.flags, flag_key) {
            Some(i) if kind != FlagKind::Json && self.flags[i].kind_differs(kind) => {
                Evaluation::error(ErrorCode::TypeMismatch)
            }
            Some(i) => self.eval_flag(i, ctx, &mut NoTrace, 0),
            None => Evaluation::error(ErrorCode::FlagNotFound),
        }
    }

    /// The position of a flag in this snapshot, for [`CompiledSnapshot::evaluate_index`].
    #[inline]
    pub fn flag_index(&self, flag_key: &str) -> Option<usize> {
        self.index.get(&self.flags, flag_key)
    }

    /// The position of a flag, trying `hint` (a position the caller remembers from this
    /// or an earlier snapshot) first: one compare of the key there instead of a hash and
    /// a probe. Any `hint` is safe: a wrong one costs the look-up it would have saved.
    #[inline]
    pub fn flag_index_hinted(&self, flag_key: &str, hint: usize) -> Option<usize> {
        match self.flags.get(hint) {
            Some(f) if crate::context::eq_str(&f.key, flag_key) => Some(hint),
            _ => self.index.get(&self.flags, flag_key),
        }
    }

    /// Evaluates the flag at `index` (from [`CompiledSnapshot::flag_index`]) and, when
    /// `kind` is given, answers `TYPE_MISMATCH` for a flag of another kind (`Json`
    /// accepts every kind). An index out of range answers `FLAG_NOT_FOUND`.
    #[inline]
    pub fn evaluate_index<'a>(
        &'a self,
        index: usize,
        ctx: &Context,
        kind: Option<FlagKind>,
    ) -> Evaluation<'a> {
        match self.flags.get(index) {
            None => Evaluation::error(ErrorCode::FlagNotFound),
            Some(f) if kind.is_some_and(|k| k != FlagKind::Json && f.kind_differs(k)) => {
                Evaluation::error(ErrorCode::TypeMismatch)
            }
            Some(_) => self.eval_flag(index, ctx, &mut NoTrace, 0),
        }
    }

    /// A handle on one flag, for callers that evaluate the same flag again and again: the
    /// key is looked up once, here, and [`FlagHandle::evaluate`] goes straight to the
    /// flag. `None` when no flag has that key (keys are case-sensitive).
    ///
    /// ```
    /// use vexil_core::{CompiledSnapshot, Context};
    ///
    /// let json = br#"{"environment": "production", "version": 1, "segments": [], "flags": [
    ///   {"key": "dark-mode", "kind": "boolean", "salt": "s",
    ///    "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
    ///    "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}, "version": 1}}]}"#;
    /// let snapshot = CompiledSnapshot::from_json(json).unwrap();
    /// let dark_mode = snapshot.handle("dark-mode").unwrap();
    /// for user in ["u1", "u2"] {
    ///     assert_eq!(dark_mode.evaluate(&Context::new(user)).variant, Some("on"));
    /// }
    /// ```
    #[inline]
    pub fn handle(&self, flag_key: &str) -> Option<FlagHandle<'_>> {
        self.index.get(&self.flags, flag_key).map(|index| FlagHandle { snapshot: self, index })
    }

    /// Evaluates every flag, in snapshot order.
    ///
    /// The context is read once for all flags: each attribute the snapshot's conditions
    /// use is looked up the first time one needs it and kept for the rest.
    pub fn evaluate_all<'a>(
        &'a self,
        ctx: &'a Context,
    ) -> impl Iterator<Item = (&'a str, Evaluation<'a>)> + 'a {
        let bound = Bound::new(ctx);
        (0..self.flags.len()).map(move |i| (&*self.flags[i].key, self.eval_flag(i, &bound, &mut NoTrace, 0)))
    }

    #[inline(always)]
    pub(crate) fn eval_flag<'a, T: Tracer, A: Attrs + ?Sized>(
        &'a self,
        i: usize,
        ctx: &A,
        t: &mut T,
        depth: usize,
    ) -> Evaluation<'a> {
        // Inlined into every caller: a flag that serves one variant whatever the context
        // (disabled, or nothing but a default) is answered here, without the call into
        // the general path and the registers it saves.
        let f = &self.flags[i];
        match f.constant {
            Some((v, ConstantReason::Disabled)) => f.serve(v, Reason::Disabled),
            Some((v, ConstantReason::Default)) => f.serve(v, Reason::Default),
            Some((_, ConstantReason::Failed(code))) => Evaluation::error(code),
            None => self.eval_targeted(f, ctx, t, depth),
        }
    }

    /// [`CompiledSnapshot::eval_flag`] for a flag whose answer depends on the context.
    #[inline]
    fn eval_targeted<'a, T: Tracer, A: Attrs + ?Sized>(
        &'a self,
        f: &'a CompiledFlag,
        ctx: &A,
        t: &mut T,
        depth: usize,
    ) -> Evaluation<'a> {
        for &(pf, pv) in &*f.prerequisites {
            if depth >= crate::limits::MAX_PREREQUISITE_DEPTH {
                // Unreachable for validated snapshots; a guard, not a feature.
                return Evaluation::error(ErrorCode::General);
            }
            let pre = &self.flags[pf];
            let got = self.eval_flag(pf, ctx, &mut NoTrace, depth + 1);
            let required = &*pre.variants[pv].key;
            let holds = matches!(got.reason, Reason::TargetingMatch { .. } | Reason::Split | Reason::Default)
                && got.variant == Some(required);
            t.prerequisite(&pre.key, required, got.variant, holds);
            if !holds {
                return f.serve(f.off_variant, Reason::PrerequisiteFailed { flag: &pre.key });
            }
        }
        if !f.targets.is_empty() {
            let hit = ctx.key().and_then(|k| f.targets.get(k));
            t.target(hit.is_some());
            if let Some(v) = hit {
                return f.serve(v, Reason::TargetingMatch { rule: None });
            }
        }
        for (index, rule) in f.rules.iter().enumerate() {
            t.rule(index, &rule.id);
            let matched = rule.conditions.iter().all(|c| self.condition(c, ctx, t));
            t.rule_end(matched);
            if matched {
                let reason = Reason::TargetingMatch { rule: Some(MatchedRule { index, id: &rule.id }) };
                return self.serve(f, &rule.serve, ctx, reason, t);
            }
        }
        let reason = match f.default {
            CompiledServe::Variant(_) => Reason::Default,
            CompiledServe::Rollout(_) => Reason::Split,
        };
        self.serve(f, &f.default, ctx, reason, t)
    }

    // Always inlined into the general path, which calls it twice (a rule's serve and the
    // default): as a call it costs a tenth more instructions in a 50 % rollout.
    #[inline(always)]
    fn serve<'a, T: Tracer, A: Attrs + ?Sized>(
        &'a self,
        f: &'a CompiledFlag,
        serve: &CompiledServe,
        ctx: &A,
        reason: Reason<'a>,
        t: &mut T,
    ) -> Evaluation<'a> {
        match serve {
            CompiledServe::Variant(v) => f.serve(*v, reason),
            CompiledServe::Rollout(r) => {
                let (input, fallback) = match bucket_input(ctx.lookup(&r.bucket_by).map(|a| a.value)) {
                    Some(input) => (input, false),
                    None => match ctx.key() {
                        Some(k) => (BucketInput::Str(k), !matches!(r.bucket_by, AttrName::Key)),
                        None => return Evaluation::error(ErrorCode::TargetingKeyMissing),
                    },
                };
                let mut h = f.salted;
                match input {
                    BucketInput::Str(s) => h.write(s.as_bytes()),
                    BucketInput::Int(n) => h.write(itoa::Buffer::new().format(n).as_bytes()),
                }
                let bucket = bucket_of_hash(h.finish());
                t.bucket(r.bucket_by.as_str(), input, fallback, bucket);
                let v = r
                    .ranges
                    .iter()
                    .find(|&&(end, _)| bucket < end)
                    .or(r.ranges.last())
                    .map_or(f.off_variant, |&(_, v)| v);
                f.serve(v, reason)
            }
        }
    }

    // Always inlined: as a call it costs a third more instructions in a rule of three
    // conditions (the attribute passes through memory).
    #[inline(always)]
    fn condition<T: Tracer, A: Attrs + ?Sized>(&self, c: &CompiledCondition, ctx: &A, t: &mut T) -> bool {
        let (outcome, actual) = match &c.test {
            Test::InSegment(segments) => {
                (Outcome::of(segments.iter().any(|&s| self.in_segment(s, ctx))), None)
            }
            Test::Exists => {
                let a = ctx.lookup(&c.attribute).map(|a| a.value);
                (Outcome::of(a.is_some()), a)
            }
            test => match ctx.lookup(&c.attribute) {
                None => (Outcome::Missing, None),
                Some(a) => (test_attr(test, a), Some(a.value)),
            },
        };
        let holds = outcome.holds(c.negate);
        t.condition(c, actual, outcome, holds);
        holds
    }

    /// Included keys win over excluded ones; then any rule puts the context in.
    fn in_segment<A: Attrs + ?Sized>(&self, s: usize, ctx: &A) -> bool {
        let seg = &self.segments[s];
        if let Some(key) = ctx.key() {
            if seg.included.get(key).is_some() {
                return true;
            }
            if seg.excluded.get(key).is_some() {
                return false;
            }
        }
        seg.rules.iter().any(|rule| rule.iter().all(|c| self.condition(c, ctx, &mut NoTrace)))
    }
}

/// One flag of a [`CompiledSnapshot`], found once by key (see
/// [`CompiledSnapshot::handle`]). Evaluating through it skips the key lookup, which is
/// most of the cost of a flag without rules. It borrows the snapshot, so it can never
/// point into another one: after a snapshot is replaced, take a new handle.
#[derive(Debug, Clone, Copy)]
pub struct FlagHandle<'a> {
    snapshot: &'a CompiledSnapshot,
    index: usize,
}

impl<'a> FlagHandle<'a> {
    /// The flag key.
    pub fn key(&self) -> &'a str {
        &self.snapshot.flags[self.index].key
    }

    /// The flag's position in its snapshot (as [`CompiledSnapshot::flag_index`] gives it).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Evaluates the flag for a context, as [`CompiledSnapshot::evaluate`] does. Never
    /// fails and allocates nothing.
    #[inline]
    pub fn evaluate(&self, ctx: &Context) -> Evaluation<'a> {
        self.snapshot.eval_flag(self.index, ctx, &mut NoTrace, 0)
    }

    /// Like [`FlagHandle::evaluate`], but answers `TYPE_MISMATCH` when the flag is not of
    /// the expected kind (a `Json` request accepts every kind), as
    /// [`CompiledSnapshot::evaluate_as`] does.
    #[inline]
    pub fn evaluate_as(&self, ctx: &Context, kind: FlagKind) -> Evaluation<'a> {
        self.snapshot.evaluate_index(self.index, ctx, Some(kind))
    }
}

impl CompiledFlag {
    /// Whether a request for `kind` is a type mismatch. A failed flag answers its own
    /// error whatever kind is asked for.
    #[inline]
    fn kind_differs(&self, kind: FlagKind) -> bool {
        self.kind != kind && self.failure().is_none()
    }

    #[inline]
    fn serve<'a>(&'a self, v: u32, reason: Reason<'a>) -> Evaluation<'a> {
        let v = v as usize;
        match self.variants.get(v) {
            Some(variant) => Evaluation {
                value: Some(&variant.value),
                variant: Some(&variant.key),
                reason,
                variant_index: Some(v),
            },
            None => Evaluation::error(ErrorCode::General),
        }
    }
}

/// The value a rollout hashes: a string attribute as is, an integral number in decimal;
/// `None` when the attribute is absent or of another type (the caller falls back to the
/// context key).
fn bucket_input(attr: Option<AttrRef<'_>>) -> Option<BucketInput<'_>> {
    match attr? {
        AttrRef::Str(s) => Some(BucketInput::Str(s)),
        AttrRef::Number(n) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER => {
            Some(BucketInput::Int(n as i64))
        }
        _ => None,
    }
}

#[inline(always)]
fn any_str(a: AttrRef<'_>, mut test: impl FnMut(&str) -> bool) -> Outcome {
    match a {
        AttrRef::Str(s) => Outcome::of(test(s)),
        AttrRef::List(items) => Outcome::of(items.iter().any(|s| test(s))),
        AttrRef::Number(_) | AttrRef::Bool(_) => Outcome::TypeMismatch,
    }
}

/// [`test_value`], using what the context read from the value in advance when the
/// operator can.
#[inline(always)]
fn test_attr(test: &Test, a: Attr<'_>) -> Outcome {
    match (test, a.typed) {
        (Test::Semver(cmp, v), Typed::Semver(major, minor, patch)) => {
            let actual = crate::semver::Version::plain(major.into(), minor.into(), patch.into());
            Outcome::of(cmp.holds(actual.precedence(v)))
        }
        (Test::Time(cmp, v), Typed::Time { seconds, nanos }) => {
            Outcome::of(cmp.holds(UnixTime { seconds, nanos }.cmp(v)))
        }
        _ => test_value(test, a.value),
    }
}

#[inline]
fn test_value(test: &Test, a: AttrRef<'_>) -> Outcome {
    match test {
        Test::In(set) => match a {
            AttrRef::Str(_) | AttrRef::List(_) if set.strings.is_empty() => Outcome::TypeMismatch,
            AttrRef::Str(_) | AttrRef::List(_) => any_str(a, |s| set.strings.get(s).is_some()),
            AttrRef::Number(_) if set.numbers.is_empty() => Outcome::TypeMismatch,
            AttrRef::Number(n) => Outcome::of(set.numbers.contains(&n)),
            AttrRef::Bool(_) if !(set.has_true || set.has_false) => Outcome::TypeMismatch,
            AttrRef::Bool(b) => Outcome::of(if b { set.has_true } else { set.has_false }),
        },
        Test::Contains(values) => any_str(a, |s| values.iter().any(|v| s.contains(&**v))),
        Test::StartsWith(values) => any_str(a, |s| values.iter().any(|v| s.starts_with(&**v))),
        Test::EndsWith(values) => any_str(a, |s| values.iter().any(|v| s.ends_with(&**v))),
        Test::Matches(regexes) => any_str(a, |s| regexes.iter().any(|r| r.is_match(s))),
        Test::Number(cmp, v) => match a {
            AttrRef::Number(n) => {
                n.partial_cmp(v).map_or(Outcome::TypeMismatch, |o| Outcome::of(cmp.holds(o)))
            }
            _ => Outcome::TypeMismatch,
        },
        Test::Semver(cmp, v) => match a {
            AttrRef::Str(s) => crate::semver::Version::parse(s)
                .map_or(Outcome::TypeMismatch, |actual| Outcome::of(cmp.holds(actual.precedence(v)))),
            _ => Outcome::TypeMismatch,
        },
        Test::Time(cmp, v) => match attr_time(a) {
            Some(t) => Outcome::of(cmp.holds(UnixTime::from_nanos(t).cmp(v))),
            None => Outcome::TypeMismatch,
        },
        Test::InSegment(_) | Test::Exists => Outcome::TypeMismatch,
    }
}

/// A time attribute: an RFC 3339 string, or a number of seconds since the Unix epoch.
/// Returns Unix nanoseconds.
fn attr_time(a: AttrRef<'_>) -> Option<i128> {
    match a {
        AttrRef::Str(s) => time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(time::OffsetDateTime::unix_timestamp_nanos),
        AttrRef::Number(n) if n.is_finite() && n.abs() < 1e12 => Some((n * 1e9) as i128),
        _ => None,
    }
}
