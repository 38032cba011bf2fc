//! Compilation: a validated snapshot becomes a structure that evaluates without
//! parsing, looking anything up by string more than once, or allocating.
//!
//! Regular expressions, semantic versions and times are parsed here, once; variant,
//! segment and prerequisite references become indices.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

use crate::context::{Attr, AttrRef, Context, KEY_ATTRIBUTE, attr_hash, eq_str};
use crate::eval::ErrorCode;
use crate::hash::{self, Murmur3};
use crate::model::{Condition, FlagKind, Op, Segment, Serve, Snapshot, SnapshotFlag, Variant};
use crate::validate::{self, ValidationErrors};

/// Evaluation-ready snapshot of one environment. Immutable: to apply a change, compile
/// a new one ([`CompiledSnapshot::with_changes`] recompiles only what the change
/// touches and shares every other compiled flag and segment) and swap it in.
#[derive(Debug)]
pub struct CompiledSnapshot {
    pub(crate) environment: Box<str>,
    pub(crate) version: u64,
    /// Each flag shared between versions: a new version built by
    /// [`CompiledSnapshot::with_changes`] points at the same compiled flag for every
    /// flag the change does not touch.
    pub(crate) flags: Vec<Arc<CompiledFlag>>,
    pub(crate) index: Arc<FlagIndex>,
    pub(crate) segments: Vec<Arc<CompiledSegment>>,
    /// Slot of each attribute name read by a condition or a rollout ([`AttrName`]).
    /// Only grows between versions built from one another, so a shared flag's slots
    /// stay valid.
    pub(crate) slots: FxHashMap<Box<str>, u32>,
    /// Compiled from data with nothing failed, no problem of the whole snapshot and no
    /// unparsed object: the state [`CompiledSnapshot::with_changes`] can start from.
    pub(crate) clean: bool,
}

#[derive(Debug)]
pub(crate) struct CompiledFlag {
    pub(crate) key: Box<str>,
    pub(crate) kind: FlagKind,
    pub(crate) client_visible: bool,
    pub(crate) variants: Box<[CompiledVariant]>,
    pub(crate) enabled: bool,
    pub(crate) off_variant: usize,
    pub(crate) version: u64,
    /// Context key -> variant index.
    pub(crate) targets: KeySet<usize>,
    pub(crate) rules: Box<[CompiledRule]>,
    pub(crate) default: CompiledServe,
    /// (flag index, variant index) pairs.
    pub(crate) prerequisites: Box<[(usize, usize)]>,
    /// Hasher state after `salt ":"`.
    pub(crate) salted: Murmur3,
    /// Set when the result cannot depend on the context (disabled, or nothing but a
    /// default variant): evaluation returns it straight away.
    pub(crate) constant: Option<(usize, ConstantReason)>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum ConstantReason {
    Disabled,
    Default,
    /// The flag could not be compiled (see [`crate::lenient`]): every evaluation is
    /// this error.
    Failed(ErrorCode),
}

#[derive(Debug)]
pub(crate) struct CompiledVariant {
    pub(crate) key: Box<str>,
    pub(crate) value: Value,
}

#[derive(Debug)]
pub(crate) struct CompiledRule {
    pub(crate) id: Box<str>,
    pub(crate) conditions: Box<[CompiledCondition]>,
    pub(crate) serve: CompiledServe,
}

#[derive(Debug)]
pub(crate) enum CompiledServe {
    Variant(usize),
    Rollout(CompiledRollout),
}

#[derive(Debug)]
pub(crate) struct CompiledRollout {
    pub(crate) bucket_by: AttrName,
    /// Exclusive upper bucket bound and variant index, in listed order; variants with
    /// weight 0 are left out.
    pub(crate) ranges: Box<[(u32, usize)]>,
}

#[derive(Debug)]
pub(crate) struct CompiledSegment {
    pub(crate) key: Box<str>,
    pub(crate) included: KeySet<()>,
    pub(crate) excluded: KeySet<()>,
    pub(crate) rules: Box<[Box<[CompiledCondition]>]>,
}

/// An attribute reference resolved at compile time.
#[derive(Debug)]
pub(crate) enum AttrName {
    /// The context key.
    Key,
    /// A named attribute, its precomputed lookup hash and its slot: the position of the
    /// name among the snapshot's distinct attribute names, where evaluating many flags
    /// for one context keeps what it read (see [`crate::eval::Bound`]).
    Named { name: Box<str>, hash: u64, slot: u32 },
}

impl AttrName {
    fn new(name: &str) -> AttrName {
        if name == KEY_ATTRIBUTE {
            AttrName::Key
        } else {
            AttrName::Named { name: name.into(), hash: attr_hash(name), slot: u32::MAX }
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            AttrName::Key => KEY_ATTRIBUTE,
            AttrName::Named { name, .. } => name,
        }
    }

    #[inline]
    pub(crate) fn lookup<'c>(&self, ctx: &'c Context) -> Option<Attr<'c>> {
        match self {
            AttrName::Key => ctx.key().map(|k| Attr::plain(AttrRef::Str(k))),
            AttrName::Named { name, hash, .. } => ctx.get_hashed(name, *hash),
        }
    }
}

#[derive(Debug)]
pub(crate) struct CompiledCondition {
    pub(crate) attribute: AttrName,
    pub(crate) op: Op,
    pub(crate) negate: bool,
    pub(crate) test: Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Lt,
    Lte,
    Gt,
    Gte,
    Eq,
}

impl Cmp {
    #[inline]
    pub(crate) fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Cmp::Lt => ord == Less,
            Cmp::Lte => ord != Greater,
            Cmp::Gt => ord == Greater,
            Cmp::Gte => ord != Less,
            Cmp::Eq => ord == Equal,
        }
    }
}

#[derive(Debug)]
pub(crate) enum Test {
    In(ValueSet),
    Contains(Box<[Box<str>]>),
    StartsWith(Box<[Box<str>]>),
    EndsWith(Box<[Box<str>]>),
    Matches(Box<[regex::Regex]>),
    Number(Cmp, f64),
    Semver(Cmp, crate::semver::Version),
    /// Unix nanoseconds.
    Time(Cmp, i128),
    InSegment(Box<[usize]>),
    Exists,
}

/// The operands of `in`, split by type.
#[derive(Debug, Default)]
pub(crate) struct ValueSet {
    pub(crate) strings: KeySet<()>,
    pub(crate) numbers: Box<[f64]>,
    pub(crate) has_true: bool,
    pub(crate) has_false: bool,
}

/// A string-keyed lookup: a linear scan while small (faster and smaller than hashing),
/// a hash map beyond that.
#[derive(Debug)]
pub(crate) enum KeySet<V> {
    Small(Box<[(Box<str>, V)]>),
    Large(FxHashMap<Box<str>, V>),
}

const SMALL_SET: usize = 8;

impl<V: Copy> KeySet<V> {
    fn build(entries: impl IntoIterator<Item = (Box<str>, V)>) -> Self {
        let mut seen = FxHashSet::default();
        let entries: Vec<(Box<str>, V)> =
            entries.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect();
        if entries.len() <= SMALL_SET {
            KeySet::Small(entries.into_boxed_slice())
        } else {
            KeySet::Large(entries.into_iter().collect())
        }
    }

    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<V> {
        match self {
            KeySet::Small(entries) => entries.iter().find(|(k, _)| eq_str(k, key)).map(|(_, v)| *v),
            KeySet::Large(map) => map.get(key).copied(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            KeySet::Small(entries) => entries.is_empty(),
            KeySet::Large(map) => map.is_empty(),
        }
    }
}

impl<V> Default for KeySet<V> {
    fn default() -> Self {
        KeySet::Small(Box::new([]))
    }
}

impl CompiledSnapshot {
    /// Validates and compiles a snapshot.
    pub fn compile(snapshot: &Snapshot) -> Result<CompiledSnapshot, ValidationErrors> {
        validate::validate_snapshot(snapshot)?;
        Ok(Self::compile_validated(snapshot))
    }

    /// Parses, validates and compiles a snapshot from JSON.
    pub fn from_json(bytes: &[u8]) -> Result<CompiledSnapshot, crate::Error> {
        let snapshot = Snapshot::from_json(bytes)?;
        Ok(Self::compile(&snapshot)?)
    }

    /// Compiles a snapshot that passed validation. Anything validation would refuse is
    /// compiled leniently (unknown references never match) rather than panicking.
    fn compile_validated(snapshot: &Snapshot) -> CompiledSnapshot {
        let entries: Vec<Entry<'_>> = snapshot.flags.iter().map(|f| Entry::Flag(f)).collect();
        let segments: Vec<(&Segment, bool)> = snapshot.segments.iter().map(|s| (&**s, false)).collect();
        let mut compiled =
            Self::compile_entries(&snapshot.environment, snapshot.version, &entries, &segments);
        // Validation refused every problem the lenient compiler reports.
        compiled.clean = true;
        compiled
    }

    /// Compiles flags and segments, some of which may be failed stand-ins. Keys are
    /// looked up first-wins, so a duplicate can never shadow the flag it duplicates.
    /// A failed segment compiles to one that contains nobody.
    pub(crate) fn compile_entries(
        environment: &str,
        version: u64,
        entries: &[Entry<'_>],
        segments: &[(&Segment, bool)],
    ) -> CompiledSnapshot {
        let segment_index = segment_index(segments.iter().map(|(s, _)| s.key.as_str()));
        let mut flag_index: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, e) in entries.iter().enumerate() {
            flag_index.entry(e.key()).or_insert(i);
        }
        let no_variants: &[Variant] = &[];
        let variants_of = |i: usize| match entries.get(i) {
            Some(Entry::Flag(f)) => f.variants.as_slice(),
            _ => no_variants,
        };
        let mut slots = FxHashMap::default();
        let segments: Vec<CompiledSegment> =
            segments
                .iter()
                .map(|(s, failed)| {
                    if *failed { CompiledSegment::empty(&s.key) } else { compile_segment(s, &segment_index) }
                })
                .collect();
        let flag_pos = |key: &str| flag_index.get(key).copied();
        let flags: Vec<Arc<CompiledFlag>> = entries
            .iter()
            .map(|e| {
                let mut c = match e {
                    Entry::Flag(f) => compile_flag(f, &segment_index, &flag_pos, &variants_of),
                    Entry::Failed { key, kind, client_visible, version, code } => {
                        CompiledFlag::failed(key, *kind, *client_visible, *version, *code)
                    }
                };
                c.assign_slots(&mut slots);
                Arc::new(c)
            })
            .collect();
        // Flags first, then segments: names are numbered in order of first use.
        let segments = segments
            .into_iter()
            .map(|mut c| {
                c.assign_slots(&mut slots);
                Arc::new(c)
            })
            .collect();
        let index = Arc::new(FlagIndex::build(&flags));
        CompiledSnapshot {
            environment: environment.into(),
            version,
            flags,
            index,
            segments,
            slots,
            clean: false,
        }
    }

    /// The environment key.
    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// The environment version this snapshot was built from.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Number of flags.
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    /// Whether there are no flags.
    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Describes one flag, if it exists.
    pub fn flag(&self, key: &str) -> Option<FlagInfo<'_>> {
        self.index.get(&self.flags, key).map(|i| FlagInfo { flag: &self.flags[i] })
    }

    /// Every flag, in snapshot order.
    pub fn flags(&self) -> impl ExactSizeIterator<Item = FlagInfo<'_>> {
        self.flags.iter().map(|flag| FlagInfo { flag })
    }
}

/// Flag positions by key. The table holds only positions, hashed by key, and compares
/// against the flags' own keys: 4 bytes a slot instead of a copy of every key with a
/// pointer and a position (about 50 KB less for 1 000 flags). First wins on a duplicate
/// key, so a duplicate can never shadow the flag it duplicates.
#[derive(Debug)]
pub(crate) struct FlagIndex(hashbrown::HashTable<u32>);

impl FlagIndex {
    fn build(flags: &[Arc<CompiledFlag>]) -> FlagIndex {
        let mut table = hashbrown::HashTable::with_capacity(flags.len());
        for (i, f) in flags.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            let hash = attr_hash(&f.key);
            if table.find(hash, |&j| flag_key_is(flags, j, &f.key)).is_none() {
                table.insert_unique(hash, i, |&j| flags.get(j as usize).map_or(0, |f| attr_hash(&f.key)));
            }
        }
        FlagIndex(table)
    }

    /// The position of the flag with this key.
    #[inline]
    pub(crate) fn get(&self, flags: &[Arc<CompiledFlag>], key: &str) -> Option<usize> {
        self.0.find(attr_hash(key), |&j| flag_key_is(flags, j, key)).map(|&j| j as usize)
    }
}

#[inline]
fn flag_key_is(flags: &[Arc<CompiledFlag>], i: u32, key: &str) -> bool {
    flags.get(i as usize).is_some_and(|f| eq_str(&f.key, key))
}

/// One flag to compile: a valid flag, or a stand-in for one that cannot be used.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Entry<'a> {
    Flag(&'a SnapshotFlag),
    Failed { key: &'a str, kind: FlagKind, client_visible: bool, version: u64, code: ErrorCode },
}

impl Entry<'_> {
    fn key(&self) -> &str {
        match self {
            Entry::Flag(f) => &f.key,
            Entry::Failed { key, .. } => key,
        }
    }
}

impl CompiledFlag {
    /// A flag every evaluation of which is the error `code`.
    pub(crate) fn failed(
        key: &str,
        kind: FlagKind,
        client_visible: bool,
        version: u64,
        code: ErrorCode,
    ) -> CompiledFlag {
        CompiledFlag {
            key: key.into(),
            kind,
            client_visible,
            variants: Box::new([]),
            enabled: false,
            off_variant: 0,
            version,
            targets: KeySet::default(),
            rules: Box::new([]),
            default: CompiledServe::Variant(0),
            prerequisites: Box::new([]),
            salted: hash::salted(""),
            constant: Some((0, ConstantReason::Failed(code))),
        }
    }

    /// The error every evaluation returns, for a flag that could not be compiled.
    #[inline]
    pub(crate) fn failure(&self) -> Option<ErrorCode> {
        match self.constant {
            Some((_, ConstantReason::Failed(code))) => Some(code),
            _ => None,
        }
    }
}

impl CompiledSegment {
    pub(crate) fn empty(key: &str) -> CompiledSegment {
        CompiledSegment {
            key: key.into(),
            included: KeySet::default(),
            excluded: KeySet::default(),
            rules: Box::new([]),
        }
    }

    /// Gives each attribute name its slot, numbering new names after the known ones.
    pub(crate) fn assign_slots(&mut self, slots: &mut FxHashMap<Box<str>, u32>) {
        for rule in &mut self.rules {
            rule.iter_mut().for_each(|c| assign_slot(slots, &mut c.attribute));
        }
    }
}

/// Read-only facts about one compiled flag.
#[derive(Debug, Clone, Copy)]
pub struct FlagInfo<'a> {
    flag: &'a CompiledFlag,
}

impl<'a> FlagInfo<'a> {
    /// The flag key.
    pub fn key(&self) -> &'a str {
        &self.flag.key
    }
    /// The value type.
    pub fn kind(&self) -> FlagKind {
        self.flag.kind
    }
    /// Whether client SDK keys may see it.
    pub fn client_visible(&self) -> bool {
        self.flag.client_visible
    }
    /// Whether it is enabled in this environment (false for a failed flag).
    pub fn enabled(&self) -> bool {
        self.flag.enabled
    }
    /// For a flag that could not be compiled (see
    /// [`CompiledSnapshot::compile_lenient`]), the error code every evaluation of it
    /// returns (`PARSE_ERROR` or `GENERAL`); `None` for a usable flag.
    pub fn error(&self) -> Option<ErrorCode> {
        self.flag.failure()
    }
    /// Its configuration version.
    pub fn version(&self) -> u64 {
        self.flag.version
    }
    /// Whether it is enabled and serves a percentage rollout somewhere (in a rule or by
    /// default): the flags whose variant depends on bucketing, as in an experiment or a
    /// guarded rollout.
    pub fn has_rollout(&self) -> bool {
        self.flag.enabled
            && (matches!(self.flag.default, CompiledServe::Rollout(_))
                || self.flag.rules.iter().any(|r| matches!(r.serve, CompiledServe::Rollout(_))))
    }
    /// Whether `other` describes the very same compiled flag: a flag that
    /// [`CompiledSnapshot::with_changes`] did not touch is shared with the version it
    /// started from. A check of identity, not of equality.
    pub fn is_same(&self, other: &FlagInfo<'_>) -> bool {
        std::ptr::eq(self.flag, other.flag)
    }
    /// Variant keys and values, in order (none for a failed flag).
    pub fn variants(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a Value)> {
        self.flag.variants.iter().map(|v| (&*v.key, &v.value))
    }
    /// Rule ids, in order: position `i` is the rule a `MatchedRule` with index `i`
    /// names (none for a failed flag).
    pub fn rule_ids(&self) -> impl ExactSizeIterator<Item = &'a str> {
        self.flag.rules.iter().map(|r| &*r.id)
    }
}

fn variant_index(variants: &[Variant], key: &str) -> usize {
    variants.iter().position(|v| v.key == key).unwrap_or(0)
}

/// Segment positions by key, first wins.
pub(crate) fn segment_index<'a>(keys: impl Iterator<Item = &'a str>) -> FxHashMap<&'a str, usize> {
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, k) in keys.enumerate() {
        index.entry(k).or_insert(i);
    }
    index
}

/// Compiles one valid flag; `flags` gives a prerequisite's position by key and
/// `variants_of` the variants of the flag at a position.
pub(crate) fn compile_flag<'v>(
    f: &SnapshotFlag,
    segments: &FxHashMap<&str, usize>,
    flags: &impl Fn(&str) -> Option<usize>,
    variants_of: &impl Fn(usize) -> &'v [Variant],
) -> CompiledFlag {
    let c = &f.config;
    let targets = KeySet::build(c.targets.iter().flat_map(|t| {
        let v = variant_index(&f.variants, &t.variant);
        t.keys.iter().map(move |k| (Box::from(k.as_str()), v))
    }));
    let rules = c
        .rules
        .iter()
        .map(|r| CompiledRule {
            id: r.id.as_str().into(),
            conditions: compile_conditions(&r.conditions, segments),
            serve: compile_serve(&r.serve, &f.variants),
        })
        .collect();
    let prerequisites = c
        .prerequisites
        .iter()
        .filter_map(|p| {
            let fi = flags(p.flag.as_str())?;
            Some((fi, variant_index(variants_of(fi), &p.variant)))
        })
        .collect();
    let default = compile_serve(&c.default, &f.variants);
    let off_variant = variant_index(&f.variants, &c.off_variant);
    let constant = match (&default, c.enabled) {
        (_, false) => Some((off_variant, ConstantReason::Disabled)),
        (CompiledServe::Variant(v), true)
            if c.targets.iter().all(|t| t.keys.is_empty())
                && c.rules.is_empty()
                && c.prerequisites.is_empty() =>
        {
            Some((*v, ConstantReason::Default))
        }
        _ => None,
    };
    CompiledFlag {
        key: f.key.as_str().into(),
        kind: f.kind,
        client_visible: f.client_visible,
        variants: f
            .variants
            .iter()
            .map(|v| CompiledVariant { key: v.key.as_str().into(), value: v.value.clone() })
            .collect(),
        enabled: c.enabled,
        off_variant,
        version: c.version,
        targets,
        rules,
        default,
        prerequisites,
        salted: hash::salted(&f.salt),
        constant,
    }
}

/// Numbers the distinct attribute names that conditions and rollouts read, in order of
/// first use, so that [`crate::eval::Bound`] can keep each one it has read in an array.
fn assign_slot(slots: &mut FxHashMap<Box<str>, u32>, a: &mut AttrName) {
    if let AttrName::Named { name, slot, .. } = a {
        if let Some(&known) = slots.get(&**name) {
            *slot = known;
        } else {
            let next = u32::try_from(slots.len()).unwrap_or(u32::MAX);
            slots.insert(name.clone(), next);
            *slot = next;
        }
    }
}

impl CompiledFlag {
    /// Gives each attribute name its slot, numbering new names after the known ones.
    pub(crate) fn assign_slots(&mut self, slots: &mut FxHashMap<Box<str>, u32>) {
        for rule in &mut self.rules {
            rule.conditions.iter_mut().for_each(|c| assign_slot(slots, &mut c.attribute));
            if let CompiledServe::Rollout(r) = &mut rule.serve {
                assign_slot(slots, &mut r.bucket_by);
            }
        }
        if let CompiledServe::Rollout(r) = &mut self.default {
            assign_slot(slots, &mut r.bucket_by);
        }
    }
}

fn compile_serve(serve: &Serve, variants: &[Variant]) -> CompiledServe {
    match serve {
        Serve::Variant(v) => CompiledServe::Variant(variant_index(variants, v)),
        Serve::Rollout(r) => {
            let mut end = 0u32;
            let ranges = r
                .weights
                .iter()
                .filter(|w| w.weight > 0)
                .map(|w| {
                    end = end.saturating_add(w.weight);
                    (end, variant_index(variants, &w.variant))
                })
                .collect();
            CompiledServe::Rollout(CompiledRollout {
                bucket_by: AttrName::new(r.bucket_by.as_deref().unwrap_or(KEY_ATTRIBUTE)),
                ranges,
            })
        }
    }
}

pub(crate) fn compile_segment(s: &Segment, segments: &FxHashMap<&str, usize>) -> CompiledSegment {
    CompiledSegment {
        key: s.key.as_str().into(),
        included: KeySet::build(s.included.iter().map(|k| (Box::from(k.as_str()), ()))),
        excluded: KeySet::build(s.excluded.iter().map(|k| (Box::from(k.as_str()), ()))),
        rules: s.rules.iter().map(|r| compile_conditions(&r.conditions, segments)).collect(),
    }
}

fn compile_conditions(
    conditions: &[Condition],
    segments: &FxHashMap<&str, usize>,
) -> Box<[CompiledCondition]> {
    conditions.iter().map(|c| compile_condition(c, segments)).collect()
}

fn strings(values: &[Value]) -> Box<[Box<str>]> {
    values.iter().filter_map(Value::as_str).map(Box::from).collect()
}

fn compile_condition(c: &Condition, segments: &FxHashMap<&str, usize>) -> CompiledCondition {
    let first = c.values.first();
    let cmp = |op: Op| match op {
        Op::Lt | Op::SemverLt | Op::Before => Cmp::Lt,
        Op::Lte | Op::SemverLte => Cmp::Lte,
        Op::Gt | Op::SemverGt | Op::After => Cmp::Gt,
        Op::Gte | Op::SemverGte => Cmp::Gte,
        _ => Cmp::Eq,
    };
    // Operands that validation would refuse compile to a test that never matches.
    let never = || Test::InSegment(Box::new([]));
    let test = match c.op {
        Op::In => Test::In(ValueSet {
            strings: KeySet::build(c.values.iter().filter_map(Value::as_str).map(|s| (Box::from(s), ()))),
            numbers: c.values.iter().filter_map(Value::as_f64).collect(),
            has_true: c.values.iter().any(|v| v.as_bool() == Some(true)),
            has_false: c.values.iter().any(|v| v.as_bool() == Some(false)),
        }),
        Op::Contains => Test::Contains(strings(&c.values)),
        Op::StartsWith => Test::StartsWith(strings(&c.values)),
        Op::EndsWith => Test::EndsWith(strings(&c.values)),
        Op::Matches => Test::Matches(
            c.values
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|p| crate::regexes::compile(p).ok().map(|c| c.regex.clone()))
                .collect(),
        ),
        Op::Lt | Op::Lte | Op::Gt | Op::Gte => match first.and_then(Value::as_f64) {
            Some(n) => Test::Number(cmp(c.op), n),
            None => never(),
        },
        Op::SemverEq | Op::SemverLt | Op::SemverLte | Op::SemverGt | Op::SemverGte => {
            match first.and_then(Value::as_str).and_then(crate::semver::Version::parse) {
                Some(v) => Test::Semver(cmp(c.op), v),
                None => never(),
            }
        }
        Op::Before | Op::After => match first.and_then(validate::parse_time_operand) {
            Some(t) => Test::Time(cmp(c.op), t),
            None => never(),
        },
        Op::InSegment => Test::InSegment(
            c.values.iter().filter_map(Value::as_str).filter_map(|k| segments.get(k).copied()).collect(),
        ),
        Op::Exists => Test::Exists,
    };
    CompiledCondition { attribute: AttrName::new(&c.attribute), op: c.op, negate: c.negate, test }
}
