//! Validation: every problem of a flag, configuration, segment or snapshot at once,
//! each with a JSON pointer (RFC 6901) into the checked document.
//!
//! Validation is the only gate before compilation: anything it accepts compiles and
//! evaluates without error.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::limits::*;
use crate::model::{
    Condition, Flag, FlagConfig, FlagKind, Op, Rollout, Segment, Serve, Snapshot, SnapshotFlag, Variant,
};

/// One thing wrong with a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON pointer (RFC 6901) to the offending value, relative to the checked document.
    pub pointer: String,
    /// What is wrong, for people.
    pub message: String,
}

/// Every problem found in a document; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors {
    /// The problems, in document order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "{n} validation problem{}", if n == 1 { "" } else { "s" })?;
        for p in self.problems.iter().take(5) {
            write!(f, "; {}: {}", if p.pointer.is_empty() { "/" } else { &p.pointer }, p.message)?;
        }
        if n > 5 {
            write!(f, "; and {} more", n - 5)?;
        }
        Ok(())
    }
}

/// Escapes one reference token of a JSON pointer.
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Whether `key` is a valid key: 1 to 64 bytes of `a-z 0-9 _ . -`, starting with a
/// letter or digit.
pub fn is_valid_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_KEY_LEN
        && bytes[0].is_ascii_lowercase() | bytes[0].is_ascii_digit()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-'))
}

/// A JSON pointer built on the stack while walking a document; it is rendered only
/// when a problem is reported, so validating valid data allocates no pointers.
#[derive(Debug, Clone, Copy)]
struct Ptr<'a> {
    parent: Option<&'a Ptr<'a>>,
    seg: Seg,
}

#[derive(Debug, Clone, Copy)]
enum Seg {
    Root,
    Field(&'static str),
    Index(usize),
}

impl<'a> Ptr<'a> {
    const ROOT: Ptr<'static> = Ptr { parent: None, seg: Seg::Root };

    fn field(&'a self, name: &'static str) -> Ptr<'a> {
        Ptr { parent: Some(self), seg: Seg::Field(name) }
    }

    fn index(&'a self, i: usize) -> Ptr<'a> {
        Ptr { parent: Some(self), seg: Seg::Index(i) }
    }

    fn render(&self) -> String {
        let mut segs = Vec::new();
        let mut cur = Some(self);
        while let Some(p) = cur {
            segs.push(p.seg);
            cur = p.parent;
        }
        let mut out = String::new();
        for seg in segs.iter().rev() {
            match seg {
                Seg::Root => {}
                Seg::Field(name) => {
                    out.push('/');
                    out.push_str(&escape_pointer_token(name));
                }
                Seg::Index(i) => {
                    out.push('/');
                    out.push_str(&i.to_string());
                }
            }
        }
        out
    }
}

/// Collects problems.
#[derive(Debug, Default)]
struct Report {
    problems: Vec<Problem>,
    /// Compiled size of the regular expressions seen in the current document.
    regex_bytes: usize,
}

impl Report {
    fn push(&mut self, pointer: Ptr<'_>, message: impl Into<String>) {
        self.problems.push(Problem { pointer: pointer.render(), message: message.into() });
    }

    fn check_key(&mut self, pointer: Ptr<'_>, what: &str, key: &str) {
        if !is_valid_key(key) {
            self.push(
                pointer,
                format!(
                    "{what} {key:?} is not a valid key: use 1 to {MAX_KEY_LEN} characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit"
                ),
            );
        }
    }

    fn check_len(&mut self, pointer: Ptr<'_>, what: &str, value: &str, max: usize) {
        if value.len() > max {
            self.push(pointer, format!("{what} is {} bytes long; the limit is {max}", value.len()));
        }
    }

    fn check_count(&mut self, pointer: Ptr<'_>, what: &str, count: usize, max: usize) -> bool {
        if count > max {
            self.push(pointer, format!("{count} {what}; the limit is {max}"));
            false
        } else {
            true
        }
    }

    fn finish(self) -> Result<(), ValidationErrors> {
        if self.problems.is_empty() { Ok(()) } else { Err(ValidationErrors { problems: self.problems }) }
    }
}

/// What a configuration may refer to outside itself: the segments of its project and
/// the other flags (with their variant keys) of its environment.
#[derive(Debug, Default, Clone)]
pub struct References<'a> {
    segments: HashSet<&'a str>,
    flags: HashMap<&'a str, VariantKeys<'a>>,
}

/// A referenced flag's variant keys: borrowed from the model where there is one, so that
/// building the references of a snapshot allocates one table, not a list per flag.
#[derive(Debug, Clone)]
enum VariantKeys<'a> {
    Model(&'a [Variant]),
    Listed(Vec<&'a str>),
}

impl VariantKeys<'_> {
    fn contains(&self, key: &str) -> bool {
        match self {
            VariantKeys::Model(variants) => variants.iter().any(|v| v.key == key),
            VariantKeys::Listed(keys) => keys.contains(&key),
        }
    }
}

/// Lists up to this long (a flag's variants, a configuration's rules) are checked for
/// repeats and looked up by a scan, without allocating a table; longer ones through a
/// hash set.
const SCAN_UP_TO: usize = 16;

/// The variant keys of one flag, looked up by key: a scan for the usual handful, a hash
/// set past [`SCAN_UP_TO`].
enum KnownVariants<'a> {
    Scan(&'a [Variant]),
    Set(HashSet<&'a str>),
}

impl<'a> KnownVariants<'a> {
    fn of(variants: &'a [Variant]) -> Self {
        if variants.len() <= SCAN_UP_TO {
            KnownVariants::Scan(variants)
        } else {
            KnownVariants::Set(variants.iter().map(|v| v.key.as_str()).collect())
        }
    }

    fn contains(&self, key: &str) -> bool {
        match self {
            KnownVariants::Scan(variants) => variants.iter().any(|v| v.key == key),
            KnownVariants::Set(set) => set.contains(key),
        }
    }
}

impl<'a> References<'a> {
    /// No segments, no flags.
    pub fn new() -> Self {
        References::default()
    }

    /// Declares a segment key.
    pub fn add_segment(&mut self, key: &'a str) {
        self.segments.insert(key);
    }

    /// Declares a flag and its variant keys.
    pub fn add_flag(&mut self, key: &'a str, variants: impl IntoIterator<Item = &'a str>) {
        self.flags.insert(key, VariantKeys::Listed(variants.into_iter().collect()));
    }

    /// Builds references from a snapshot.
    pub fn of_snapshot(snapshot: &'a Snapshot) -> Self {
        let mut refs = References::new();
        refs.segments.reserve(snapshot.segments.len());
        for s in &snapshot.segments {
            refs.add_segment(&s.key);
        }
        refs.flags.reserve(snapshot.flags.len());
        for f in &snapshot.flags {
            refs.flags.insert(&f.key, VariantKeys::Model(&f.variants));
        }
        refs
    }
}

/// Validates a flag definition (key, variants, tags and texts).
pub fn validate_flag(flag: &Flag) -> Result<(), ValidationErrors> {
    let mut r = Report::default();
    let root = Ptr::ROOT;
    r.check_key(root.field("key"), "flag key", &flag.key);
    r.check_len(root.field("name"), "name", &flag.name, MAX_NAME_LEN);
    r.check_len(root.field("description"), "description", &flag.description, MAX_DESCRIPTION_LEN);
    check_salt(&mut r, root.field("salt"), &flag.salt);
    check_variants(&mut r, root.field("variants"), flag.kind, &flag.variants);
    let tags = root.field("tags");
    if r.check_count(tags, "tags", flag.tags.len(), MAX_TAGS) {
        let mut seen = HashSet::default();
        for (i, tag) in flag.tags.iter().enumerate() {
            r.check_key(tags.index(i), "tag", tag);
            if !seen.insert(tag.as_str()) {
                r.push(tags.index(i), format!("duplicate tag {tag:?}"));
            }
        }
    }
    r.finish()
}

fn check_salt(r: &mut Report, p: Ptr<'_>, salt: &str) {
    if salt.is_empty() {
        r.push(p, "salt must not be empty");
    }
    r.check_len(p, "salt", salt, MAX_STRING_LEN);
}

fn check_variants(r: &mut Report, p: Ptr<'_>, kind: FlagKind, variants: &[Variant]) {
    if variants.is_empty() {
        r.push(p, "a flag needs at least one variant");
        return;
    }
    if !r.check_count(p, "variants", variants.len(), MAX_VARIANTS) {
        return;
    }
    // A scan of the earlier keys for the usual handful: no table to allocate.
    let mut seen = HashSet::default();
    let scan = variants.len() <= SCAN_UP_TO;
    for (i, v) in variants.iter().enumerate() {
        let pv = p.index(i);
        r.check_key(pv.field("key"), "variant key", &v.key);
        let repeated =
            if scan { variants[..i].iter().any(|e| e.key == v.key) } else { !seen.insert(v.key.as_str()) };
        if repeated {
            r.push(pv.field("key"), format!("duplicate variant key {:?}", v.key));
        }
        if !kind.admits(&v.value) {
            r.push(
                pv.field("value"),
                format!("value {} is not a {} value", short_json(&v.value), kind.as_str()),
            );
        }
        if let Value::String(s) = &v.value {
            r.check_len(pv.field("value"), "value", s, MAX_STRING_LEN);
        }
        if kind == FlagKind::Json && !matches!(v.value, Value::Bool(_) | Value::Number(_) | Value::Null) {
            let size = serde_json::to_vec(&v.value).map_or(0, |b| b.len());
            if size > MAX_VARIANT_VALUE_BYTES {
                r.push(
                    pv.field("value"),
                    format!("value is {size} bytes of JSON; the limit is {MAX_VARIANT_VALUE_BYTES}"),
                );
            }
        }
        if kind == FlagKind::Json {
            let depth = crate::limits::json_depth(&v.value);
            if depth > MAX_JSON_DEPTH {
                r.push(
                    pv.field("value"),
                    format!("value is nested {depth} levels deep; the limit is {MAX_JSON_DEPTH}"),
                );
            }
        }
        r.check_len(pv.field("name"), "name", &v.name, MAX_NAME_LEN);
        r.check_len(pv.field("description"), "description", &v.description, MAX_DESCRIPTION_LEN);
    }
}

fn short_json(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 {
        let cut = (0..=37).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        format!("{}...", &s[..cut])
    } else {
        s
    }
}

/// Validates one environment's configuration of a flag whose variants are `variants`.
/// `flag_key` is the flag's own key (a flag cannot be its own prerequisite).
pub fn validate_config(
    flag_key: &str,
    variants: &[Variant],
    config: &FlagConfig,
    refs: &References<'_>,
) -> Result<(), ValidationErrors> {
    let mut r = Report::default();
    check_config(&mut r, Ptr::ROOT, flag_key, variants, config, refs);
    r.finish()
}

fn check_config(
    r: &mut Report,
    p: Ptr<'_>,
    flag_key: &str,
    variants: &[Variant],
    config: &FlagConfig,
    refs: &References<'_>,
) {
    let known = KnownVariants::of(variants);
    let check_variant = |r: &mut Report, p: Ptr<'_>, key: &str| {
        if !known.contains(key) {
            r.push(p, format!("unknown variant {key:?}"));
        }
    };
    check_variant(r, p.field("off_variant"), &config.off_variant);

    let targets = p.field("targets");
    let mut target_variants = HashSet::default();
    let mut target_keys = HashSet::default();
    let total: usize = config.targets.iter().map(|t| t.keys.len()).sum();
    if r.check_count(targets, "target keys", total, MAX_TARGET_KEYS) {
        for (i, t) in config.targets.iter().enumerate() {
            let pt = targets.index(i);
            check_variant(r, pt.field("variant"), &t.variant);
            if !target_variants.insert(t.variant.as_str()) {
                r.push(pt.field("variant"), format!("variant {:?} has two target lists", t.variant));
            }
            let keys = pt.field("keys");
            for (j, key) in t.keys.iter().enumerate() {
                if key.is_empty() {
                    r.push(keys.index(j), "target key must not be empty");
                }
                r.check_len(keys.index(j), "target key", key, MAX_STRING_LEN);
                if !target_keys.insert(key.as_str()) {
                    r.push(keys.index(j), format!("context key {key:?} is targeted more than once"));
                }
            }
        }
    }

    let rules = p.field("rules");
    if r.check_count(rules, "rules", config.rules.len(), MAX_RULES) {
        let mut ids = HashSet::default();
        let scan = config.rules.len() <= SCAN_UP_TO;
        for (i, rule) in config.rules.iter().enumerate() {
            let pr = rules.index(i);
            r.check_key(pr.field("id"), "rule id", &rule.id);
            let repeated = if scan {
                config.rules[..i].iter().any(|e| e.id == rule.id)
            } else {
                !ids.insert(rule.id.as_str())
            };
            if !rule.id.is_empty() && repeated {
                r.push(pr.field("id"), format!("duplicate rule id {:?}", rule.id));
            }
            r.check_len(pr.field("description"), "description", &rule.description, MAX_DESCRIPTION_LEN);
            check_conditions(r, pr.field("conditions"), &rule.conditions, Some(refs));
            check_serve(r, pr.field("serve"), &rule.serve, &known);
        }
    }
    check_regex_budget(r, rules);
    check_serve(r, p.field("default"), &config.default, &known);

    let pres = p.field("prerequisites");
    if r.check_count(pres, "prerequisites", config.prerequisites.len(), MAX_PREREQUISITES) {
        let mut seen = HashSet::default();
        for (i, pre) in config.prerequisites.iter().enumerate() {
            let pp = pres.index(i);
            if pre.flag == flag_key {
                r.push(pp.field("flag"), "a flag cannot be its own prerequisite");
                continue;
            }
            if !seen.insert(pre.flag.as_str()) {
                r.push(pp.field("flag"), format!("flag {:?} is listed twice", pre.flag));
            }
            match refs.flags.get(pre.flag.as_str()) {
                None => r.push(pp.field("flag"), format!("unknown prerequisite flag {:?}", pre.flag)),
                Some(vs) if !vs.contains(&pre.variant) => r.push(
                    pp.field("variant"),
                    format!("flag {:?} has no variant {:?}", pre.flag, pre.variant),
                ),
                Some(_) => {}
            }
        }
    }
}

fn check_serve(r: &mut Report, p: Ptr<'_>, serve: &Serve, known: &KnownVariants<'_>) {
    match serve {
        Serve::Variant(v) => {
            if !known.contains(v.as_str()) {
                r.push(p.field("variant"), format!("unknown variant {v:?}"));
            }
        }
        Serve::Rollout(rollout) => check_rollout(r, p.field("rollout"), rollout, known),
    }
}

fn check_rollout(r: &mut Report, p: Ptr<'_>, rollout: &Rollout, known: &KnownVariants<'_>) {
    if let Some(b) = &rollout.bucket_by {
        if b.is_empty() {
            r.push(p.field("bucket_by"), "bucket_by must not be empty; leave it out to use the context key");
        }
        r.check_len(p.field("bucket_by"), "bucket_by", b, MAX_ATTRIBUTE_LEN);
    }
    let weights = p.field("weights");
    if rollout.weights.is_empty() {
        r.push(weights, "a rollout needs at least one weight");
        return;
    }
    // A variant may have several ranges (docs/evaluation.md section 4); only their number
    // is bounded.
    if !r.check_count(weights, "weights (ranges)", rollout.weights.len(), MAX_ROLLOUT_RANGES) {
        return;
    }
    let mut sum: u64 = 0;
    for (i, w) in rollout.weights.iter().enumerate() {
        if !known.contains(w.variant.as_str()) {
            r.push(weights.index(i).field("variant"), format!("unknown variant {:?}", w.variant));
        }
        sum += u64::from(w.weight);
    }
    if sum != u64::from(crate::hash::BUCKETS) {
        r.push(weights, format!("weights sum to {sum}; they must sum to 100000 (100 %)"));
    }
}

/// `refs` is `None` inside segments, where `in_segment` is not allowed.
fn check_conditions(r: &mut Report, p: Ptr<'_>, conditions: &[Condition], refs: Option<&References<'_>>) {
    if !r.check_count(p, "conditions", conditions.len(), MAX_CONDITIONS) {
        return;
    }
    for (i, c) in conditions.iter().enumerate() {
        check_condition(r, p.index(i), c, refs);
    }
}

fn check_condition(r: &mut Report, p: Ptr<'_>, c: &Condition, refs: Option<&References<'_>>) {
    let op = c.op.as_str();
    if c.op == Op::InSegment {
        if refs.is_none() {
            r.push(p.field("op"), "in_segment cannot be used inside a segment");
            return;
        }
    } else if c.attribute.is_empty() {
        r.push(p.field("attribute"), "attribute must not be empty");
    }
    r.check_len(p.field("attribute"), "attribute", &c.attribute, MAX_ATTRIBUTE_LEN);

    let vp = p.field("values");
    let n = c.values.len();
    let (min, max) = match c.op {
        Op::Exists => (0, 0),
        Op::Lt | Op::Lte | Op::Gt | Op::Gte | Op::Before | Op::After => (1, 1),
        Op::SemverEq | Op::SemverLt | Op::SemverLte | Op::SemverGt | Op::SemverGte => (1, 1),
        _ => (1, MAX_VALUES),
    };
    if n < min || n > max {
        let expected = match (min, max) {
            (0, 0) => "no values".to_owned(),
            (1, 1) => "exactly one value".to_owned(),
            _ => format!("1 to {max} values"),
        };
        r.push(vp, format!("{op} takes {expected}; got {n}"));
        if n > MAX_VALUES {
            return;
        }
    }
    for (i, v) in c.values.iter().enumerate() {
        let pv = vp.index(i);
        if let Value::String(s) = v {
            r.check_len(pv, "value", s, MAX_STRING_LEN);
        }
        match c.op {
            Op::In => {
                if !(v.is_string() || v.is_number() || v.is_boolean()) {
                    r.push(pv, format!("in compares strings, numbers or booleans; got {}", short_json(v)));
                }
            }
            Op::Contains | Op::StartsWith | Op::EndsWith => {
                if !v.is_string() {
                    r.push(pv, format!("{op} takes strings; got {}", short_json(v)));
                }
            }
            Op::Matches => match v.as_str() {
                None => {
                    r.push(
                        pv,
                        format!("matches takes regular expressions as strings; got {}", short_json(v)),
                    );
                }
                // Past the document's budget nothing more is compiled: the problem is
                // reported once, and the cost of refusing stays bounded.
                Some(_) if r.regex_bytes > MAX_REGEX_BYTES_PER_DOCUMENT => {}
                Some(s) => match crate::regexes::compile(s) {
                    Ok(c) => r.regex_bytes += c.bytes,
                    Err(e) => r.push(pv, format!("invalid regular expression: {e}")),
                },
            },
            Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
                if v.as_f64().is_none() {
                    r.push(pv, format!("{op} takes a number; got {}", short_json(v)));
                }
            }
            Op::SemverEq | Op::SemverLt | Op::SemverLte | Op::SemverGt | Op::SemverGte => match v.as_str() {
                Some(s) if semver::Version::parse(s).is_ok() => {}
                _ => r.push(
                    pv,
                    format!("{op} takes a semantic version such as \"2.0.0\"; got {}", short_json(v)),
                ),
            },
            Op::Before | Op::After => {
                if parse_time_operand(v).is_none() {
                    r.push(
                        pv,
                        format!(
                            "{op} takes an RFC 3339 time such as \"2026-01-31T12:00:00Z\"; got {}",
                            short_json(v)
                        ),
                    );
                }
            }
            Op::InSegment => match (v.as_str(), refs) {
                (Some(key), Some(refs)) => {
                    if !refs.segments.contains(key) {
                        r.push(pv, format!("unknown segment {key:?}"));
                    }
                }
                _ => r.push(pv, format!("in_segment takes segment keys; got {}", short_json(v))),
            },
            Op::Exists => {}
        }
    }
}

/// Refuses a document whose regular expressions compile to more than
/// [`MAX_REGEX_BYTES_PER_DOCUMENT`], then starts counting for the next document.
fn check_regex_budget(r: &mut Report, p: Ptr<'_>) {
    if r.regex_bytes > MAX_REGEX_BYTES_PER_DOCUMENT {
        r.push(
            p,
            format!(
                "the regular expressions compile to more than {} MiB; the limit per configuration or segment is {} MiB (MAX_REGEX_BYTES_PER_DOCUMENT): use fewer or simpler patterns (a large Unicode class such as \\w repeated many times is expensive)",
                MAX_REGEX_BYTES_PER_DOCUMENT >> 20,
                MAX_REGEX_BYTES_PER_DOCUMENT >> 20
            ),
        );
    }
    r.regex_bytes = 0;
}

/// Compiled size, in bytes, of the regular expressions of a flag configuration (what
/// [`MAX_REGEX_BYTES_PER_DOCUMENT`] bounds). Patterns that do not compile count 0.
/// Cheap after validation: compiled patterns are shared.
pub fn regex_bytes_of_config(config: &FlagConfig) -> usize {
    regex_bytes_of(config.rules.iter().flat_map(|r| r.conditions.iter()))
}

/// Compiled size, in bytes, of the regular expressions of a segment.
pub fn regex_bytes_of_segment(segment: &Segment) -> usize {
    regex_bytes_of(segment.rules.iter().flat_map(|r| r.conditions.iter()))
}

fn regex_bytes_of<'a>(conditions: impl Iterator<Item = &'a Condition>) -> usize {
    conditions
        .filter(|c| c.op == Op::Matches)
        .flat_map(|c| c.values.iter().filter_map(Value::as_str))
        .filter_map(|p| crate::regexes::compile(p).ok())
        .map(|c| c.bytes)
        .sum()
}

/// Parses a `before`/`after` operand: an RFC 3339 string. Returns Unix nanoseconds.
pub(crate) fn parse_time_operand(v: &Value) -> Option<i128> {
    let s = v.as_str()?;
    OffsetDateTime::parse(s, &Rfc3339).ok().map(OffsetDateTime::unix_timestamp_nanos)
}

/// Validates a segment.
pub fn validate_segment(segment: &Segment) -> Result<(), ValidationErrors> {
    let mut r = Report::default();
    check_segment(&mut r, Ptr::ROOT, segment);
    r.finish()
}

fn check_segment(r: &mut Report, p: Ptr<'_>, s: &Segment) {
    r.check_key(p.field("key"), "segment key", &s.key);
    r.check_len(p.field("name"), "name", &s.name, MAX_NAME_LEN);
    r.check_len(p.field("description"), "description", &s.description, MAX_DESCRIPTION_LEN);
    let keys = s.included.len() + s.excluded.len();
    if r.check_count(p, "included and excluded keys", keys, MAX_SEGMENT_KEYS) {
        for (name, list) in [("included", &s.included), ("excluded", &s.excluded)] {
            let pl = p.field(name);
            for (i, key) in list.iter().enumerate() {
                if key.is_empty() {
                    r.push(pl.index(i), "key must not be empty");
                }
                r.check_len(pl.index(i), "key", key, MAX_STRING_LEN);
            }
        }
    }
    let rules = p.field("rules");
    if r.check_count(rules, "rules", s.rules.len(), MAX_RULES) {
        for (i, rule) in s.rules.iter().enumerate() {
            let pr = rules.index(i);
            if !rule.id.is_empty() {
                r.check_key(pr.field("id"), "rule id", &rule.id);
            }
            check_conditions(r, pr.field("conditions"), &rule.conditions, None);
        }
    }
    check_regex_budget(r, rules);
}

/// Validates a whole snapshot: every flag and segment, key uniqueness, references,
/// prerequisite cycles and depth, and the size limits.
pub fn validate_snapshot(snapshot: &Snapshot) -> Result<(), ValidationErrors> {
    let mut r = Report::default();
    let root = Ptr::ROOT;
    r.check_key(root.field("environment"), "environment key", &snapshot.environment);
    let flags_ok = r.check_count(root.field("flags"), "flags", snapshot.flags.len(), MAX_FLAGS);
    let segments_ok =
        r.check_count(root.field("segments"), "segments", snapshot.segments.len(), MAX_SEGMENTS);
    if !(flags_ok && segments_ok) {
        return r.finish();
    }
    let refs = References::of_snapshot(snapshot);

    let segments = root.field("segments");
    let mut seen = HashSet::default();
    for (i, s) in snapshot.segments.iter().enumerate() {
        if !seen.insert(s.key.as_str()) {
            r.push(segments.index(i).field("key"), format!("duplicate segment key {:?}", s.key));
        }
        check_segment(&mut r, segments.index(i), s);
    }

    let flags = root.field("flags");
    let mut seen = HashSet::with_capacity_and_hasher(snapshot.flags.len(), Default::default());
    for (i, f) in snapshot.flags.iter().enumerate() {
        let pf = flags.index(i);
        if !seen.insert(f.key.as_str()) {
            r.push(pf.field("key"), format!("duplicate flag key {:?}", f.key));
        }
        r.check_key(pf.field("key"), "flag key", &f.key);
        check_salt(&mut r, pf.field("salt"), &f.salt);
        check_variants(&mut r, pf.field("variants"), f.kind, &f.variants);
        check_config(&mut r, pf.field("config"), &f.key, &f.variants, &f.config, &refs);
    }
    r.problems.extend(prerequisite_graph_problems(&snapshot.flags));
    r.finish()
}

/// Prerequisite cycles and chains deeper than [`MAX_PREREQUISITE_DEPTH`] among the
/// flags of one environment, with pointers relative to a snapshot. Unknown
/// prerequisite flags are ignored here (the per-flag check reports them).
pub fn prerequisite_graph_problems<F: std::borrow::Borrow<SnapshotFlag>>(flags: &[F]) -> Vec<Problem> {
    // Most environments have no prerequisite at all: nothing to build a graph of.
    if flags.iter().all(|f| f.borrow().config.prerequisites.is_empty()) {
        return Vec::new();
    }
    let mut r = Report::default();
    let flags: Vec<&SnapshotFlag> = flags.iter().map(F::borrow).collect();
    let index: HashMap<&str, usize> = flags.iter().enumerate().map(|(i, f)| (f.key.as_str(), i)).collect();
    let edges: Vec<Vec<(usize, usize)>> = flags
        .iter()
        .enumerate()
        .map(|(fi, f)| {
            f.config
                .prerequisites
                .iter()
                .enumerate()
                .filter_map(|(pi, p)| index.get(p.flag.as_str()).map(|&t| (pi, t)))
                .filter(|&(_, t)| t != fi)
                .collect()
        })
        .collect();
    let root = Ptr::ROOT;
    let pflags = root.field("flags");
    let cycles = prerequisite_cycles(&edges);
    for cycle in &cycles {
        let (from, pre) = cycle.closing_edge;
        let path: Vec<&str> = cycle.flags.iter().map(|&i| flags[i].key.as_str()).collect();
        let pf = pflags.index(from);
        let pc = pf.field("config");
        let pp = pc.field("prerequisites");
        r.push(pp.index(pre).field("flag"), format!("prerequisite cycle: {}", path.join(" -> ")));
    }
    if cycles.is_empty() {
        let mut depth: Vec<Option<usize>> = vec![None; flags.len()];
        for start in 0..flags.len() {
            let d = chain_depth(start, &edges, &mut depth);
            if d > MAX_PREREQUISITE_DEPTH {
                let pf = pflags.index(start);
                let pc = pf.field("config");
                r.push(
                    pc.field("prerequisites"),
                    format!("prerequisite chain is {d} flags deep; the limit is {MAX_PREREQUISITE_DEPTH}"),
                );
            }
        }
    }
    r.problems
}

/// Depth of the longest prerequisite chain below `node` (graph known to be acyclic).
/// Iterative so that a long chain cannot overflow the stack.
fn chain_depth(node: usize, edges: &[Vec<(usize, usize)>], memo: &mut [Option<usize>]) -> usize {
    let mut stack = vec![(node, 0usize)];
    while let Some(&mut (n, ref mut next)) = stack.last_mut() {
        if memo[n].is_some() {
            stack.pop();
            continue;
        }
        if let Some(&(_, child)) = edges[n].get(*next) {
            *next += 1;
            if memo[child].is_none() {
                stack.push((child, 0));
            }
        } else {
            let d = edges[n].iter().map(|&(_, c)| memo[c].map_or(0, |d| d + 1)).max().unwrap_or(0);
            memo[n] = Some(d);
            stack.pop();
        }
    }
    memo[node].unwrap_or(0)
}

struct Cycle {
    /// Flag indices along the cycle, the first repeated at the end.
    flags: Vec<usize>,
    /// (flag index, prerequisite index) of the edge that closes the cycle.
    closing_edge: (usize, usize),
}

/// Finds cycles with an iterative depth-first search; each back edge is one cycle.
fn prerequisite_cycles(edges: &[Vec<(usize, usize)>]) -> Vec<Cycle> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut mark = vec![Mark::New; edges.len()];
    let mut cycles = Vec::new();
    for start in 0..edges.len() {
        if mark[start] != Mark::New {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::OnPath;
        while let Some(&mut (n, ref mut next)) = path.last_mut() {
            if let Some(&(pre, child)) = edges[n].get(*next) {
                *next += 1;
                match mark[child] {
                    Mark::New => {
                        mark[child] = Mark::OnPath;
                        path.push((child, 0));
                    }
                    Mark::OnPath => {
                        let from = path.iter().position(|&(f, _)| f == child).unwrap_or(0);
                        let mut flags: Vec<usize> = path[from..].iter().map(|&(f, _)| f).collect();
                        flags.push(child);
                        cycles.push(Cycle { flags, closing_edge: (n, pre) });
                    }
                    Mark::Done => {}
                }
            } else {
                mark[n] = Mark::Done;
                path.pop();
            }
        }
    }
    cycles
}
