//! Compilation: a validated snapshot becomes a structure that evaluates without
//! parsing, looking anything up by string more than once, or allocating.
//!
//! Regular expressions, semantic versions and times are parsed here, once; variant,
//! segment and prerequisite references become indices.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::context::{Attr, AttrRef, Context, KEY_ATTRIBUTE, attr_hash, eq_bytes, eq_str};
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
    /// Shared by the flags of a snapshot whose variants are the same (most flags are
    /// boolean with the same two variants): see [`VariantLists`].
    pub(crate) variants: Arc<[CompiledVariant]>,
    pub(crate) enabled: bool,
    /// Variant indices are `u32` throughout: a flag has at most
    /// [`crate::limits::MAX_VARIANTS`] variants, and the narrower fields keep a compiled
    /// flag smaller.
    pub(crate) off_variant: u32,
    pub(crate) version: u64,
    /// Context key -> variant index.
    pub(crate) targets: KeySet<u32>,
    pub(crate) rules: Box<[CompiledRule]>,
    pub(crate) default: CompiledServe,
    /// (flag index, variant index) pairs.
    pub(crate) prerequisites: Box<[(usize, usize)]>,
    /// Hasher state after `salt ":"`.
    pub(crate) salted: Murmur3,
    /// Set when the result cannot depend on the context (disabled, or nothing but a
    /// default variant): evaluation returns it straight away.
    pub(crate) constant: Option<(u32, ConstantReason)>,
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
    Variant(u32),
    Rollout(CompiledRollout),
}

#[derive(Debug)]
pub(crate) struct CompiledRollout {
    pub(crate) bucket_by: AttrName,
    /// Exclusive upper bucket bound and variant index, in listed order; variants with
    /// weight 0 are left out.
    pub(crate) ranges: Box<[(u32, u32)]>,
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
    Time(Cmp, UnixTime),
    InSegment(Box<[usize]>),
    Exists,
}

/// An instant as Unix seconds and the nanoseconds into that second (`0..1_000_000_000`),
/// so that the derived order is the order in time. Two 8-byte words: an `i128` of
/// nanoseconds would align every condition to 16 bytes (16 more bytes each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct UnixTime {
    pub(crate) seconds: i64,
    pub(crate) nanos: u32,
}

impl UnixTime {
    /// From Unix nanoseconds, saturating far outside any real instant (±2.9e11 years).
    pub(crate) fn from_nanos(nanos: i128) -> UnixTime {
        const NS: i128 = 1_000_000_000;
        let seconds = nanos.div_euclid(NS);
        UnixTime {
            seconds: i64::try_from(seconds).unwrap_or(if seconds < 0 { i64::MIN } else { i64::MAX }),
            nanos: u32::try_from(nanos.rem_euclid(NS)).unwrap_or(0),
        }
    }
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
/// a packed hash table beyond that.
#[derive(Debug)]
pub(crate) enum KeySet<V> {
    Small(Box<[(Box<str>, V)]>),
    Large(Box<PackedKeys<V>>),
}

const SMALL_SET: usize = 8;

/// The keys of a large [`KeySet`] in one allocation, each as its length (LEB128) then
/// its bytes, found through an open-addressing table (linear probing, at most half
/// full) of their offsets. For 10 two-letter keys that is 190 bytes held where a map of
/// boxed keys held 308 (each key its own allocation, 16 bytes a slot). The table is
/// ours rather than a general hash map's so that a lookup inlines into the evaluation:
/// as a call into one, a rule of three conditions cost about 4 % more instructions
/// (1,068.9 against 1,025.1).
#[derive(Debug)]
pub(crate) struct PackedKeys<V> {
    text: Box<[u8]>,
    /// A power of two long; each slot the offset in `text` of a key's length plus one
    /// (0: empty), with the key's value.
    slots: Box<[(u32, V)]>,
}

impl<V: Copy + Default> PackedKeys<V> {
    /// `None` when the keys do not fit offsets of 32 bits. The first of repeated keys
    /// wins; the count of distinct keys is returned alongside.
    fn build(entries: &[(&str, V)]) -> Option<(PackedKeys<V>, usize)> {
        let mut text = Vec::with_capacity(entries.iter().map(|(k, _)| k.len() + 1).sum());
        let mut slots = vec![(0u32, V::default()); (entries.len() * 2).next_power_of_two()];
        let mask = slots.len() - 1;
        let mut distinct = 0;
        'entries: for (key, value) in entries {
            // Repeats are found by the probe that places a key, so no other table is
            // built to drop them.
            let mut i = key_hash(key.as_bytes()) as usize & mask;
            while slots[i].0 != 0 {
                if key_at(&text, slots[i].0 as usize - 1) == key.as_bytes() {
                    continue 'entries;
                }
                i = (i + 1) & mask;
            }
            let at = u32::try_from(text.len()).ok()?.checked_add(1)?;
            let mut len = key.len();
            while len >= 0x80 {
                text.push((len & 0x7f) as u8 | 0x80);
                len >>= 7;
            }
            text.push(len as u8);
            text.extend_from_slice(key.as_bytes());
            slots[i] = (at, *value);
            distinct += 1;
        }
        Some((PackedKeys { text: text.into_boxed_slice(), slots: slots.into_boxed_slice() }, distinct))
    }

    #[inline(always)]
    fn get(&self, key: &str) -> Option<V> {
        let key = key.as_bytes();
        let text = &*self.text;
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = key_hash(key) as usize & mask;
        // At most half full, so an empty slot ends every probe.
        while let Some(&(at, value)) = self.slots.get(i) {
            let at = (at as usize).checked_sub(1)?;
            let found = match text.get(at) {
                // A length below 128 is its one byte: checked before the bytes.
                Some(&n) if n < 0x80 => {
                    usize::from(n) == key.len()
                        && text.get(at + 1..at + 1 + key.len()).is_some_and(|k| eq_bytes(k, key))
                }
                _ => eq_bytes(key_at(text, at), key),
            };
            if found {
                return Some(value);
            }
            i = (i + 1) & mask;
        }
        None
    }
}

/// The hash of a key of a packed set: as `str` hashes (its bytes, then 0xff).
#[inline(always)]
fn key_hash(key: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(key);
    h.write_u8(0xff);
    h.finish()
}

/// The key stored at `at` (an offset [`PackedKeys::build`] wrote); empty if `at` is not
/// one, which a table built there never holds.
#[inline(always)]
fn key_at(text: &[u8], at: usize) -> &[u8] {
    let mut i = at;
    let mut len = 0usize;
    let mut shift = 0;
    while let Some(&b) = text.get(i) {
        i += 1;
        len |= usize::from(b & 0x7f) << shift;
        shift += 7;
        if b < 0x80 || shift >= usize::BITS {
            break;
        }
    }
    text.get(i..i.saturating_add(len)).unwrap_or_default()
}

impl<V: Copy + Default> KeySet<V> {
    /// First value wins on a duplicate key.
    fn build<'k>(entries: impl IntoIterator<Item = (&'k str, V)>) -> Self {
        // Sized from the upper bound: the usual sources (operands filtered by type) give
        // no lower one, and growing by doubling reallocated several times per list.
        let entries = entries.into_iter();
        let mut list = Vec::with_capacity(entries.size_hint().1.unwrap_or(0));
        list.extend(entries);
        let entries: Vec<(&str, V)> = list;
        if entries.len() > SMALL_SET
            && let Some((packed, distinct)) = PackedKeys::build(&entries)
            && distinct > SMALL_SET
        {
            return KeySet::Large(Box::new(packed));
        }
        // At most a few distinct keys: repeats are dropped by a scan of the kept ones.
        let mut kept: Vec<(Box<str>, V)> = Vec::with_capacity(entries.len().min(SMALL_SET));
        for (k, v) in entries {
            if !kept.iter().any(|(e, _)| **e == *k) {
                kept.push((Box::from(k), v));
            }
        }
        KeySet::Small(kept.into_boxed_slice())
    }

    #[inline(always)]
    pub(crate) fn get(&self, key: &str) -> Option<V> {
        match self {
            KeySet::Small(entries) => entries.iter().find(|(k, _)| eq_str(k, key)).map(|(_, v)| *v),
            KeySet::Large(packed) => packed.get(key),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            KeySet::Small(entries) => entries.is_empty(),
            // Built only for more than `SMALL_SET` keys.
            KeySet::Large(_) => false,
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
    pub(crate) fn compile_validated(snapshot: &Snapshot) -> CompiledSnapshot {
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
        let mut flag_index: FxHashMap<&str, usize> =
            FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
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
        let mut lists = VariantLists::default();
        let flags: Vec<Arc<CompiledFlag>> = entries
            .iter()
            .map(|e| {
                let mut c = match e {
                    Entry::Flag(f) => compile_flag(f, &segment_index, &flag_pos, &variants_of, &mut lists),
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
            variants: Arc::new([]),
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

fn variant_index(variants: &[Variant], key: &str) -> u32 {
    variants.iter().position(|v| v.key == key).and_then(|i| u32::try_from(i).ok()).unwrap_or(0)
}

/// The compiled variant lists of one compilation, so that flags whose variants are the
/// same (key for key and value for value) share one list: most flags are boolean with
/// the same two variants, and a list of two is about 100 bytes held per flag otherwise.
/// Lists are found by a hash of their keys; at most [`VariantLists::PER_KEYS`] lists
/// with the same keys are remembered, which bounds the comparisons per flag.
#[derive(Debug, Default)]
pub(crate) struct VariantLists(FxHashMap<u64, Vec<Arc<[CompiledVariant]>>>);

impl VariantLists {
    const PER_KEYS: usize = 8;

    /// Remembers a list built elsewhere (the version a flag replaces), so that a change
    /// that keeps the variants keeps sharing them.
    pub(crate) fn remember(&mut self, list: &Arc<[CompiledVariant]>) {
        let hash = keys_hash(list.iter().map(|v| &*v.key));
        let same = self.0.entry(hash).or_default();
        if same.len() < Self::PER_KEYS && !same.iter().any(|l| Arc::ptr_eq(l, list)) {
            same.push(Arc::clone(list));
        }
    }

    /// The compiled list for `variants`: a remembered one if equal, else a new one.
    pub(crate) fn get(&mut self, variants: &[Variant]) -> Arc<[CompiledVariant]> {
        let same = self.0.entry(keys_hash(variants.iter().map(|v| v.key.as_str()))).or_default();
        let equal = |list: &Arc<[CompiledVariant]>| {
            list.len() == variants.len()
                && list.iter().zip(variants).all(|(c, v)| *c.key == *v.key && c.value == v.value)
        };
        if let Some(list) = same.iter().find(|l| equal(l)) {
            return Arc::clone(list);
        }
        let list: Arc<[CompiledVariant]> = variants
            .iter()
            .map(|v| CompiledVariant { key: v.key.as_str().into(), value: v.value.clone() })
            .collect();
        if same.len() < Self::PER_KEYS {
            same.push(Arc::clone(&list));
        }
        list
    }
}

fn keys_hash<'k>(keys: impl Iterator<Item = &'k str>) -> u64 {
    keys.fold(0xcbf2_9ce4_8422_2325, |h, k| (h ^ attr_hash(k)).wrapping_mul(0x0100_0000_01b3))
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
    lists: &mut VariantLists,
) -> CompiledFlag {
    let c = &f.config;
    let targets = KeySet::build(c.targets.iter().flat_map(|t| {
        let v = variant_index(&f.variants, &t.variant);
        t.keys.iter().map(move |k| (k.as_str(), v))
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
            Some((fi, variant_index(variants_of(fi), &p.variant) as usize))
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
        variants: lists.get(&f.variants),
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
        included: KeySet::build(s.included.iter().map(|k| (k.as_str(), ()))),
        excluded: KeySet::build(s.excluded.iter().map(|k| (k.as_str(), ()))),
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
            strings: KeySet::build(c.values.iter().filter_map(Value::as_str).map(|s| (s, ()))),
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
            Some(t) => Test::Time(cmp(c.op), UnixTime::from_nanos(t)),
            None => never(),
        },
        Op::InSegment => Test::InSegment(
            c.values.iter().filter_map(Value::as_str).filter_map(|k| segments.get(k).copied()).collect(),
        ),
        Op::Exists => Test::Exists,
    };
    CompiledCondition { attribute: AttrName::new(&c.attribute), op: c.op, negate: c.negate, test }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn keys() -> impl Strategy<Value = Vec<String>> {
        // Lengths on both sides of the one-byte length prefix (127/128) and of the
        // word compares (3/4, 7/8, 16/17), and non-ASCII text.
        prop::collection::vec(
            prop_oneof![
                "[a-c]{0,20}",
                "[ä€x]{1,6}",
                (120usize..140).prop_map(|n| "k".repeat(n)),
                (16_380usize..16_390).prop_map(|n| "z".repeat(n)),
            ],
            0..40,
        )
    }

    proptest! {
        /// A key set answers as a map does, first value winning on a duplicate key,
        /// whether it is small (a list) or large (packed).
        #[test]
        fn a_key_set_answers_as_a_map(members in keys(), probes in keys()) {
            let mut expected: HashMap<&str, u32> = HashMap::new();
            for (i, k) in members.iter().enumerate() {
                expected.entry(k.as_str()).or_insert(i as u32);
            }
            let set = KeySet::build(members.iter().enumerate().map(|(i, k)| (k.as_str(), i as u32)));
            prop_assert_eq!(matches!(set, KeySet::Large(_)), expected.len() > SMALL_SET);
            prop_assert_eq!(set.is_empty(), expected.is_empty());
            for k in members.iter().chain(&probes) {
                prop_assert_eq!(set.get(k), expected.get(k.as_str()).copied(), "key {:?}", k);
            }
        }

        /// Seconds and nanoseconds order instants as their count of nanoseconds does.
        #[test]
        fn unix_time_orders_as_nanoseconds(a in -(1i128 << 90)..(1i128 << 90), b in -(1i128 << 90)..(1i128 << 90)) {
            prop_assert_eq!(UnixTime::from_nanos(a).cmp(&UnixTime::from_nanos(b)), a.cmp(&b));
            let t = UnixTime::from_nanos(a);
            prop_assert!(t.nanos < 1_000_000_000);
            prop_assert_eq!(i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos), a);
        }
    }

    #[test]
    fn a_packed_set_never_finds_a_prefix_or_an_extension_of_a_member() {
        let members: Vec<String> = (0..20).map(|i| format!("member-{i}")).collect();
        let set = KeySet::build(members.iter().map(|k| (k.as_str(), ())));
        assert!(matches!(set, KeySet::Large(_)));
        for probe in ["", "member-", "member-1x", "member-20", "ember-1", "member-19 "] {
            assert_eq!(set.get(probe), None, "{probe:?}");
        }
        assert_eq!(set.get("member-19"), Some(()));
    }

    fn flag(key: &str, variants: Value) -> Value {
        json!({"key": key, "kind": "boolean", "salt": key, "variants": variants,
               "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}, "version": 1}})
    }

    fn snapshot(flags: Vec<Value>) -> Snapshot {
        serde_json::from_value(
            json!({"environment": "production", "version": 1, "flags": flags, "segments": []}),
        )
        .expect("valid snapshot")
    }

    #[test]
    fn flags_with_equal_variants_share_one_list_and_others_keep_their_own() {
        let on_off = json!([{"key": "on", "value": true}, {"key": "off", "value": false}]);
        let swapped = json!([{"key": "on", "value": false}, {"key": "off", "value": true}]);
        let compiled = CompiledSnapshot::compile(&snapshot(vec![
            flag("a", on_off.clone()),
            flag("b", on_off.clone()),
            flag("c", swapped),
        ]))
        .expect("valid");
        let [a, b, c] = [0, 1, 2].map(|i| &compiled.flags[i].variants);
        assert!(Arc::ptr_eq(a, b));
        assert!(!Arc::ptr_eq(a, c));
        let ctx = Context::new("user-1");
        assert_eq!(compiled.evaluate("a", &ctx).value, Some(&json!(true)));
        assert_eq!(compiled.evaluate("c", &ctx).value, Some(&json!(false)));

        // A change that keeps a flag's variants keeps sharing them; one that edits a
        // value gets a list of its own.
        let mut model = snapshot(vec![
            flag("a", on_off.clone()),
            flag("b", on_off),
            flag(
                "c",
                json!([
            {"key": "on", "value": false}, {"key": "off", "value": true}]),
            ),
        ]);
        model.version = 2;
        let b = Arc::make_mut(&mut model.flags[1]);
        b.config.enabled = false;
        let a = Arc::make_mut(&mut model.flags[0]);
        a.variants[0].value = json!(false);
        let changed = [crate::Object::Flag("a".into()), crate::Object::Flag("b".into())];
        let next = compiled.with_changes(&model, &[], &changed).compiled;
        assert!(Arc::ptr_eq(&next.flags[1].variants, &compiled.flags[1].variants));
        assert!(!Arc::ptr_eq(&next.flags[0].variants, &compiled.flags[0].variants));
        assert_eq!(next.evaluate("a", &ctx).value, Some(&json!(false)));
        assert_eq!(next.evaluate("b", &ctx).value, Some(&json!(false)));
    }
}
