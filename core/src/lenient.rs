//! Lenient loading: one flag or segment that cannot be used never stops the rest of an
//! environment from being served.
//!
//! [`CompiledSnapshot::compile`] refuses a snapshot with any problem, which is right at
//! write time. A reader of data that was already accepted (the server's hubs, SDKs)
//! needs the opposite: serve every flag it can, and turn each one it cannot into an
//! error that evaluation reports (reason `ERROR`, code `PARSE_ERROR` or `GENERAL`), so a
//! kill switch on another flag still reaches everyone.
//!
//! - [`Snapshot::from_json_lenient`] parses each flag and segment on its own; one that
//!   does not have the model's shape (or nests deeper than the JSON parser takes) is set
//!   aside as [`Unparsed`].
//! - [`CompiledSnapshot::compile_lenient`] validates each flag and segment on its own and
//!   compiles the rest; [`CompiledSnapshot::compile_lenient_with`] also takes the
//!   unparsed ones. Flags using a failed segment or prerequisite fail too, transitively.
//!
//! Envelope problems (an invalid environment key, more flags or segments than the
//! limits) are reported in [`LenientCompile::snapshot_problems`] and do not stop the
//! compilation: the limits guard writes, and each object here is bounded on its own.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::compile::{CompiledSnapshot, Entry};
use crate::eval::ErrorCode;
use crate::limits::{MAX_FLAGS, MAX_SEGMENTS};
use crate::model::{Flag, FlagKind, Lifecycle, Segment, Snapshot, SnapshotFlag};
use crate::validate::{self, Problem, References};

/// A flag or a segment, by key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", content = "key", rename_all = "snake_case")]
pub enum Object {
    /// A flag.
    Flag(String),
    /// A segment.
    Segment(String),
}

impl Object {
    /// The key.
    pub fn key(&self) -> &str {
        match self {
            Object::Flag(k) | Object::Segment(k) => k,
        }
    }
}

impl std::fmt::Display for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Object::Flag(k) => write!(f, "flag {k:?}"),
            Object::Segment(k) => write!(f, "segment {k:?}"),
        }
    }
}

/// A flag or segment whose JSON did not parse into the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unparsed {
    /// What it is.
    pub object: Object,
    /// The parser's complaint.
    pub message: String,
}

impl Unparsed {
    /// Parses one flag as sent in a snapshot or a `flag` stream event. `Err(None)` when
    /// the JSON has not even a string `key` (nothing can be said about which flag).
    pub fn parse_flag(json: &str) -> Result<SnapshotFlag, Option<Unparsed>> {
        parse_object(json, Object::Flag)
    }

    /// Parses one segment as sent in a snapshot or a `segment` stream event; like
    /// [`Unparsed::parse_flag`].
    pub fn parse_segment(json: &str) -> Result<Segment, Option<Unparsed>> {
        parse_object(json, Object::Segment)
    }
}

/// Only the key of an object; everything else is skipped without recursion, so this
/// succeeds whatever the nesting of the rest.
#[derive(Deserialize)]
struct KeyOnly {
    key: String,
}

fn parse_object<T: serde::de::DeserializeOwned>(
    json: &str,
    object: fn(String) -> Object,
) -> Result<T, Option<Unparsed>> {
    serde_json::from_str(json).map_err(|e| {
        let key = serde_json::from_str::<KeyOnly>(json).ok()?.key;
        Some(Unparsed { object: object(key), message: e.to_string() })
    })
}

/// Why a flag or segment is not served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FailureCause {
    /// Its JSON does not have the model's shape.
    Unparsed {
        /// The parser's complaint.
        message: String,
    },
    /// It breaks validation rules; pointers are relative to the snapshot.
    Invalid {
        /// The problems.
        problems: Vec<Problem>,
    },
    /// An earlier flag or segment has the same key (the first one is served).
    DuplicateKey,
    /// It uses a segment or a prerequisite flag that failed.
    Dependency {
        /// The failed object it uses.
        on: Object,
    },
}

/// One flag or segment that is not served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The flag or segment.
    pub object: Object,
    /// The error code a failed flag's evaluations return: `PARSE_ERROR` for its own
    /// data, `GENERAL` for a duplicate key or a failed dependency. For segments, the
    /// code of the problem itself (the flags using it fail with `GENERAL`).
    pub code: ErrorCode,
    /// Why.
    pub cause: FailureCause,
}

/// The result of a lenient compilation.
#[derive(Debug)]
#[non_exhaustive]
pub struct LenientCompile {
    /// Every usable flag compiled, and every failed flag present as an error: its
    /// evaluations return reason `ERROR` with the failure's code, and
    /// [`crate::FlagInfo::error`] says so.
    pub compiled: CompiledSnapshot,
    /// What failed: flags first, then segments, each sorted by key. Empty for a
    /// snapshot that [`CompiledSnapshot::compile`] accepts.
    pub failures: Vec<Failure>,
    /// Problems of the snapshot as a whole (environment key, counts) and of objects
    /// without a usable key; the compilation went ahead regardless.
    pub snapshot_problems: Vec<Problem>,
}

impl LenientCompile {
    /// The failed flags (not segments), sorted by key.
    pub fn failed_flags(&self) -> impl Iterator<Item = &Failure> {
        self.failures.iter().filter(|f| matches!(f.object, Object::Flag(_)))
    }
}

/// A snapshot parsed object by object.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LenientSnapshot {
    /// The flags and segments that parsed.
    pub snapshot: Snapshot,
    /// Those that did not, by key.
    pub unparsed: Vec<Unparsed>,
    /// Objects that did not parse and have no key, by pointer (`/flags/3`).
    pub keyless: Vec<Problem>,
}

/// The envelope, with each object left as raw JSON to be parsed on its own.
#[derive(Deserialize)]
struct RawSnapshot<'a> {
    environment: String,
    version: u64,
    #[serde(default, borrow)]
    flags: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    segments: Vec<&'a RawValue>,
}

impl Snapshot {
    /// Parses a snapshot one flag and one segment at a time: an object that does not
    /// parse is set aside rather than failing the whole document. Fails only when the
    /// envelope (`environment`, `version`, the `flags` and `segments` arrays) is not
    /// JSON of the snapshot's shape.
    pub fn from_json_lenient(bytes: &[u8]) -> Result<LenientSnapshot, crate::Error> {
        // UTF-8 throughout, as [`Snapshot::from_json`] requires.
        let text = crate::json_text(bytes, "the snapshot").map_err(crate::Error::Parse)?;
        // The usual case, a snapshot whose every object parses, is the strict parse: one
        // pass, where object by object scans the text twice. Any failure falls back.
        if let Ok(snapshot) = serde_json::from_str::<Snapshot>(text) {
            return Ok(LenientSnapshot { snapshot, ..LenientSnapshot::default() });
        }
        let raw: RawSnapshot<'_> = serde_json::from_str(text).map_err(crate::Error::Parse)?;
        let mut out = LenientSnapshot {
            snapshot: Snapshot { environment: raw.environment, version: raw.version, ..Snapshot::default() },
            ..LenientSnapshot::default()
        };
        for (i, flag) in raw.flags.iter().enumerate() {
            match Unparsed::parse_flag(flag.get()) {
                Ok(f) => out.snapshot.flags.push(Arc::new(f)),
                Err(Some(u)) => out.unparsed.push(u),
                Err(None) => out.keyless.push(keyless("flags", i)),
            }
        }
        for (i, segment) in raw.segments.iter().enumerate() {
            match Unparsed::parse_segment(segment.get()) {
                Ok(s) => out.snapshot.segments.push(Arc::new(s)),
                Err(Some(u)) => out.unparsed.push(u),
                Err(None) => out.keyless.push(keyless("segments", i)),
            }
        }
        Ok(out)
    }
}

fn keyless(list: &str, i: usize) -> Problem {
    Problem {
        pointer: format!("/{list}/{i}"),
        message: "an object without a string `key` was ignored".to_owned(),
    }
}

pub(crate) fn prefixed(prefix: &str, problems: Vec<Problem>) -> Vec<Problem> {
    problems.into_iter().map(|p| Problem { pointer: format!("{prefix}{}", p.pointer), ..p }).collect()
}

/// The flag index a snapshot-relative pointer (`/flags/3/...`) is about.
pub(crate) fn flag_of_pointer(pointer: &str) -> Option<usize> {
    pointer.strip_prefix("/flags/")?.split('/').next()?.parse().ok()
}

impl CompiledSnapshot {
    /// Compiles every flag and segment that can be used; the others are listed in
    /// [`LenientCompile::failures`] and each failed flag evaluates to an error. Never
    /// fails. For a snapshot [`CompiledSnapshot::compile`] accepts, the result
    /// evaluates identically and lists no failure.
    ///
    /// ```
    /// use vexil_core::{CompiledSnapshot, Context, ErrorCode, Snapshot};
    ///
    /// let snapshot: Snapshot = serde_json::from_value(serde_json::json!({
    ///     "environment": "production", "version": 3,
    ///     "flags": [
    ///         {"key": "checkout", "kind": "boolean", "salt": "a",
    ///          "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
    ///          "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"},
    ///                     "rules": [{"id": "beta", "serve": {"variant": "on"},
    ///                                "conditions": [{"op": "in_segment", "values": ["gone"]}]}]}},
    ///         {"key": "kill-switch", "kind": "boolean", "salt": "b",
    ///          "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
    ///          "config": {"enabled": false, "off_variant": "off", "default": {"variant": "on"}}}
    ///     ]
    /// }))?;
    /// assert!(CompiledSnapshot::compile(&snapshot).is_err(), "segment `gone` does not exist");
    ///
    /// let lenient = CompiledSnapshot::compile_lenient(&snapshot);
    /// let user = Context::new("user-1");
    /// assert_eq!(lenient.compiled.evaluate("checkout", &user).error_code(), Some(ErrorCode::ParseError));
    /// assert_eq!(lenient.compiled.evaluate("kill-switch", &user).variant, Some("off"));
    /// assert_eq!(lenient.failures.len(), 1);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn compile_lenient(snapshot: &Snapshot) -> LenientCompile {
        Self::compile_lenient_with(snapshot, &[])
    }

    /// Like [`CompiledSnapshot::compile_lenient`], with the flags and segments that did
    /// not parse (from [`Snapshot::from_json_lenient`] or stream events): each unparsed
    /// flag evaluates to `PARSE_ERROR`, and whatever uses an unparsed segment or flag
    /// fails too. An unparsed object whose key is also in `snapshot` takes precedence.
    pub fn compile_lenient_with(snapshot: &Snapshot, unparsed: &[Unparsed]) -> LenientCompile {
        // The usual case, nothing failed, is the strict compilation: the per-object
        // checks below validate each flag on its own and look dependencies up by name.
        if unparsed.is_empty() && validate::validate_snapshot(snapshot).is_ok() {
            return LenientCompile {
                compiled: CompiledSnapshot::compile_validated(snapshot),
                failures: Vec::new(),
                snapshot_problems: Vec::new(),
            };
        }
        let snapshot_problems = envelope_problems(snapshot);

        let unparsed_failure = |object: &Object| {
            unparsed
                .iter()
                .find(|u| &u.object == object)
                .map(|u| (ErrorCode::ParseError, FailureCause::Unparsed { message: u.message.clone() }))
        };

        // Segments on their own. The first of a key is the one served.
        let mut seen = HashSet::new();
        let segment_state: Vec<State> = snapshot
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if !seen.insert(s.key.as_str()) {
                    return Some((ErrorCode::General, FailureCause::DuplicateKey));
                }
                if let Some(f) = unparsed_failure(&Object::Segment(s.key.clone())) {
                    return Some(f);
                }
                validate::validate_segment(s).err().map(|e| {
                    let problems = prefixed(&format!("/segments/{i}"), e.problems);
                    (ErrorCode::ParseError, FailureCause::Invalid { problems })
                })
            })
            .collect();
        let failed_segments: HashSet<&str> = snapshot
            .segments
            .iter()
            .zip(&segment_state)
            .filter(|(_, st)| is_failed_first(st))
            .map(|(s, _)| s.key.as_str())
            .chain(unparsed.iter().filter_map(|u| match &u.object {
                Object::Segment(k) => Some(k.as_str()),
                Object::Flag(_) => None,
            }))
            .collect();

        // Flags on their own, against every key (unparsed ones included) so that a
        // reference to a failed object is reported as a dependency, not as unknown.
        let mut refs = References::of_snapshot(snapshot);
        let mut required: HashMap<&str, Vec<&str>> = HashMap::new();
        for f in &snapshot.flags {
            for p in &f.config.prerequisites {
                required.entry(p.flag.as_str()).or_default().push(p.variant.as_str());
            }
        }
        for u in unparsed {
            match &u.object {
                Object::Segment(k) => refs.add_segment(k),
                Object::Flag(k) => refs.add_flag(k, required.get(k.as_str()).cloned().unwrap_or_default()),
            }
        }
        let mut invalid: BTreeMap<usize, Vec<Problem>> = BTreeMap::new();
        for (i, f) in snapshot.flags.iter().enumerate() {
            let problems = flag_problems(i, f, &refs);
            if !problems.is_empty() {
                invalid.entry(i).or_default().extend(problems);
            }
        }
        for p in validate::prerequisite_graph_problems(&snapshot.flags) {
            if let Some(i) = flag_of_pointer(&p.pointer) {
                invalid.entry(i).or_default().push(p);
            }
        }
        let mut seen = HashSet::new();
        let mut flag_state: Vec<State> = snapshot
            .flags
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if !seen.insert(f.key.as_str()) {
                    return Some((ErrorCode::General, FailureCause::DuplicateKey));
                }
                if let Some(failure) = unparsed_failure(&Object::Flag(f.key.clone())) {
                    return Some(failure);
                }
                let problems = invalid.remove(&i)?;
                Some((ErrorCode::ParseError, FailureCause::Invalid { problems }))
            })
            .collect();

        // Dependents of failed segments and flags, until nothing changes (prerequisite
        // chains are bounded, and each pass fails at least one more flag).
        loop {
            let failed_flags: HashSet<&str> = snapshot
                .flags
                .iter()
                .zip(&flag_state)
                .filter(|(_, st)| is_failed_first(st))
                .map(|(f, _)| f.key.as_str())
                .chain(unparsed.iter().filter_map(|u| match &u.object {
                    Object::Flag(k) => Some(k.as_str()),
                    Object::Segment(_) => None,
                }))
                .collect();
            let mut changed = false;
            for (f, st) in snapshot.flags.iter().zip(flag_state.iter_mut()) {
                if st.is_some() {
                    continue;
                }
                if let Some(on) = failed_dependency(f, &failed_flags, &failed_segments) {
                    *st = Some((ErrorCode::General, FailureCause::Dependency { on }));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }

        // Compile: failed flags become stand-ins; unparsed ones are appended.
        let mut entries: Vec<Entry<'_>> = snapshot
            .flags
            .iter()
            .zip(&flag_state)
            .map(|(f, st)| match st {
                None => Entry::Flag(f),
                Some((code, _)) => Entry::Failed {
                    key: &f.key,
                    kind: f.kind,
                    client_visible: f.client_visible,
                    version: f.config.version,
                    code: *code,
                },
            })
            .collect();
        let present: HashSet<&str> = snapshot.flags.iter().map(|f| f.key.as_str()).collect();
        let mut absent_unparsed = Vec::new();
        for u in unparsed {
            let present = match &u.object {
                Object::Flag(k) => present.contains(k.as_str()),
                Object::Segment(k) => snapshot.segments.iter().any(|s| &s.key == k),
            };
            if present {
                continue;
            }
            if let Object::Flag(k) = &u.object {
                entries.push(Entry::Failed {
                    key: k,
                    kind: FlagKind::Json,
                    client_visible: false,
                    version: 0,
                    code: ErrorCode::ParseError,
                });
            }
            absent_unparsed.push(Failure {
                object: u.object.clone(),
                code: ErrorCode::ParseError,
                cause: FailureCause::Unparsed { message: u.message.clone() },
            });
        }
        let segments: Vec<(&Segment, bool)> =
            snapshot.segments.iter().zip(&segment_state).map(|(s, st)| (&**s, st.is_some())).collect();
        let mut compiled =
            CompiledSnapshot::compile_entries(&snapshot.environment, snapshot.version, &entries, &segments);

        let mut failures: Vec<Failure> = snapshot
            .flags
            .iter()
            .map(|f| Object::Flag(f.key.clone()))
            .zip(flag_state)
            .chain(snapshot.segments.iter().map(|s| Object::Segment(s.key.clone())).zip(segment_state))
            .filter_map(|(object, st)| st.map(|(code, cause)| Failure { object, code, cause }))
            .chain(absent_unparsed)
            .collect();
        sort_failures(&mut failures);
        compiled.clean = failures.is_empty() && snapshot_problems.is_empty() && unparsed.is_empty();
        LenientCompile { compiled, failures, snapshot_problems }
    }
}

/// Problems of the snapshot as a whole: the environment key and the counts.
pub(crate) fn envelope_problems(snapshot: &Snapshot) -> Vec<Problem> {
    let mut problems = Vec::new();
    if !validate::is_valid_key(&snapshot.environment) {
        problems.push(Problem {
            pointer: "/environment".to_owned(),
            message: format!("environment key {:?} is not a valid key", snapshot.environment),
        });
    }
    for (list, n, max) in
        [("flags", snapshot.flags.len(), MAX_FLAGS), ("segments", snapshot.segments.len(), MAX_SEGMENTS)]
    {
        if n > max {
            problems.push(Problem {
                pointer: format!("/{list}"),
                message: format!("{n} {list}; the limit is {max}"),
            });
        }
    }
    problems
}

/// The problems of the flag at position `i` on its own (its definition and its
/// configuration against `refs`), with snapshot-relative pointers.
pub(crate) fn flag_problems(i: usize, f: &SnapshotFlag, refs: &References<'_>) -> Vec<Problem> {
    let definition = Flag {
        key: f.key.clone(),
        name: String::new(),
        description: String::new(),
        kind: f.kind,
        variants: f.variants.clone(),
        tags: Vec::new(),
        lifecycle: Lifecycle::default(),
        salt: f.salt.clone(),
        client_visible: f.client_visible,
    };
    let prefix = format!("/flags/{i}");
    let mut problems = Vec::new();
    if let Err(e) = validate::validate_flag(&definition) {
        problems.extend(prefixed(&prefix, e.problems));
    }
    if let Err(e) = validate::validate_config(&f.key, &f.variants, &f.config, refs) {
        problems.extend(prefixed(&format!("{prefix}/config"), e.problems));
    }
    problems
}

/// Flags first, then segments, each by key.
pub(crate) fn sort_failures(failures: &mut [Failure]) {
    failures.sort_by(|a, b| {
        let segment = |o: &Object| matches!(o, Object::Segment(_));
        (segment(&a.object), &a.object).cmp(&(segment(&b.object), &b.object))
    });
}

/// A flag's or segment's fate: `None` when usable.
pub(crate) type State = Option<(ErrorCode, FailureCause)>;

/// Whether a state makes its key fail (a failed duplicate leaves the first one served).
fn is_failed_first(state: &State) -> bool {
    state.as_ref().is_some_and(|(_, cause)| !matches!(cause, FailureCause::DuplicateKey))
}

/// The first failed prerequisite or segment a flag uses.
pub(crate) fn failed_dependency(
    f: &SnapshotFlag,
    flags: &HashSet<&str>,
    segments: &HashSet<&str>,
) -> Option<Object> {
    if let Some(p) = f.config.prerequisites.iter().find(|p| flags.contains(p.flag.as_str())) {
        return Some(Object::Flag(p.flag.clone()));
    }
    f.config.segments_used().find(|k| segments.contains(k)).map(|k| Object::Segment(k.to_owned()))
}
