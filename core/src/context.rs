//! The evaluation context: who or what a flag is evaluated for.

use std::fmt;

use hashbrown::HashTable;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The attribute name that always means the context key.
pub const KEY_ATTRIBUTE: &str = "key";

/// A typed attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// A string.
    String(String),
    /// A number (JSON numbers are read as `f64`).
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A list of strings, e.g. groups or roles.
    List(Vec<String>),
}

impl AttrValue {
    /// The JSON-ish type name, for messages and traces.
    pub fn type_name(&self) -> &'static str {
        match self {
            AttrValue::String(_) => "string",
            AttrValue::Number(_) => "number",
            AttrValue::Bool(_) => "boolean",
            AttrValue::List(_) => "list",
        }
    }

    /// Converts to a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            AttrValue::String(s) => serde_json::Value::from(s.as_str()),
            AttrValue::Number(n) => serde_json::Number::from_f64(*n)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            AttrValue::Bool(b) => serde_json::Value::Bool(*b),
            AttrValue::List(l) => serde_json::Value::from(l.clone()),
        }
    }

    /// Converts a JSON value; `None` for null, objects and lists holding anything
    /// but strings.
    pub fn from_json(value: &serde_json::Value) -> Option<AttrValue> {
        match value {
            serde_json::Value::String(s) => Some(AttrValue::String(s.clone())),
            serde_json::Value::Number(n) => n.as_f64().map(AttrValue::Number),
            serde_json::Value::Bool(b) => Some(AttrValue::Bool(*b)),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(AttrValue::List),
            serde_json::Value::Null | serde_json::Value::Object(_) => None,
        }
    }
}

impl From<&str> for AttrValue {
    fn from(v: &str) -> Self {
        AttrValue::String(v.to_owned())
    }
}
impl From<String> for AttrValue {
    fn from(v: String) -> Self {
        AttrValue::String(v)
    }
}
impl From<f64> for AttrValue {
    fn from(v: f64) -> Self {
        AttrValue::Number(v)
    }
}
impl From<i64> for AttrValue {
    fn from(v: i64) -> Self {
        AttrValue::Number(v as f64)
    }
}
impl From<i32> for AttrValue {
    fn from(v: i32) -> Self {
        AttrValue::Number(f64::from(v))
    }
}
impl From<bool> for AttrValue {
    fn from(v: bool) -> Self {
        AttrValue::Bool(v)
    }
}
impl From<Vec<String>> for AttrValue {
    fn from(v: Vec<String>) -> Self {
        AttrValue::List(v)
    }
}
impl From<Vec<&str>> for AttrValue {
    fn from(v: Vec<&str>) -> Self {
        AttrValue::List(v.into_iter().map(str::to_owned).collect())
    }
}

impl Serialize for AttrValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AttrValue::String(v) => s.serialize_str(v),
            AttrValue::Number(v) => s.serialize_f64(*v),
            AttrValue::Bool(v) => s.serialize_bool(*v),
            AttrValue::List(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AttrVisitor;
        impl<'de> Visitor<'de> for AttrVisitor {
            type Value = AttrValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or list of strings")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttrValue, E> {
                Ok(AttrValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttrValue, E> {
                Ok(AttrValue::from(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttrValue, E> {
                Ok(AttrValue::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttrValue, E> {
                Ok(AttrValue::Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttrValue, E> {
                Ok(AttrValue::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AttrValue, E> {
                Ok(AttrValue::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttrValue, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(AttrValue::List(items))
            }
        }
        d.deserialize_any(AttrVisitor)
    }
}

/// A position in a context's attribute list as its index stores it: a context holds at
/// most [`crate::limits::MAX_CONTEXT_ATTRIBUTES`] attributes when it comes from JSON,
/// and far fewer than 2^32 in any case.
fn position_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The hash of an attribute name. Compiled conditions keep it so that a lookup at
/// evaluation time hashes nothing.
#[inline]
pub(crate) fn attr_hash(name: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(name.as_bytes());
    h.finish()
}

/// String equality without a call into `memcmp`: attribute names and values are short.
/// Up to 16 bytes it compares two overlapping words (the first and the last 8, or 4,
/// bytes of each), a handful of instructions with no loop.
#[inline]
pub(crate) fn eq_str(a: &str, b: &str) -> bool {
    eq_bytes(a.as_bytes(), b.as_bytes())
}

/// [`eq_str`] on bytes.
#[inline]
pub(crate) fn eq_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

#[inline(always)]
fn word8(s: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_ne_bytes(w)
}

#[inline(always)]
fn word4(s: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&s[at..at + 4]);
    u32::from_ne_bytes(w)
}

/// What a flag is evaluated for: an optional key (the targeting key) and typed
/// attributes.
///
/// The attribute named `key` always means the context key, whatever the attribute map
/// holds.
#[derive(Clone, Default)]
pub struct Context {
    key: Option<String>,
    /// In insertion order (until a removal swaps the last one into the gap).
    attributes: Vec<Attribute>,
    /// Positions in `attributes` by name hash, kept only above [`INDEXED_ABOVE`]
    /// attributes: below that, comparing stored hashes one after the other finds an
    /// attribute in fewer instructions than probing a table.
    index: Option<HashTable<u32>>,
}

/// How many attributes a context holds before it keeps a hash index.
const INDEXED_ABOVE: usize = 16;

/// One attribute, with its name's hash and what evaluation would otherwise parse out of
/// its value again for every condition that reads it.
#[derive(Clone)]
pub(crate) struct Attribute {
    hash: u64,
    name: String,
    value: AttrValue,
    typed: Typed,
}

/// A string attribute's value read once, when it is set: a plain `MAJOR.MINOR.PATCH`
/// version for the `semver_*` operators, or an RFC 3339 time for `before`/`after`. Only
/// strings that look like one are tried (a digit first; a `-` at byte 4 for times), so
/// setting other strings costs a byte or two of checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Typed {
    /// Nothing read in advance: evaluation parses the value if an operator needs it.
    Unknown,
    /// A plain semantic version (no pre-release or build part) whose parts fit 32 bits.
    Semver(u32, u32, u32),
    /// An RFC 3339 time, as Unix seconds and nanoseconds within the second.
    Time { seconds: i64, nanos: u32 },
}

impl Typed {
    fn of(value: &AttrValue) -> Typed {
        let AttrValue::String(s) = value else { return Typed::Unknown };
        if !s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return Typed::Unknown;
        }
        if let Some((major, minor, patch)) = crate::semver::parse_plain(s) {
            // Versions with a part beyond 32 bits (never seen in practice) are left to
            // evaluation, which keeps this entry, and so the attribute, small.
            if let (Ok(major), Ok(minor), Ok(patch)) =
                (u32::try_from(major), u32::try_from(minor), u32::try_from(patch))
            {
                return Typed::Semver(major, minor, patch);
            }
            return Typed::Unknown;
        }
        if s.len() >= 20 && s.as_bytes()[4] == b'-' {
            if let Ok(t) = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
                return Typed::Time { seconds: t.unix_timestamp(), nanos: t.nanosecond() };
            }
        }
        Typed::Unknown
    }
}

/// An attribute as evaluation sees it: the value and what was read from it in advance.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr<'a> {
    pub(crate) value: AttrRef<'a>,
    pub(crate) typed: Typed,
}

impl<'a> Attr<'a> {
    /// A value with nothing read in advance (the context key).
    #[inline]
    pub(crate) fn plain(value: AttrRef<'a>) -> Attr<'a> {
        Attr { value, typed: Typed::Unknown }
    }
}

impl Context {
    /// A context with a targeting key and no attributes.
    pub fn new(key: impl Into<String>) -> Self {
        Context { key: Some(key.into()), attributes: Vec::new(), index: None }
    }

    /// A context without a targeting key. Rollouts on the key cannot bucket it.
    pub fn anonymous() -> Self {
        Context::default()
    }

    /// Adds or replaces an attribute (builder style).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<AttrValue>) -> Self {
        self.set(name, value);
        self
    }

    /// Adds or replaces an attribute.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<AttrValue>) {
        let name = name.into();
        let value = value.into();
        let hash = attr_hash(&name);
        let typed = Typed::of(&value);
        if let Some(i) = self.position(&name, hash) {
            let a = &mut self.attributes[i];
            a.value = value;
            a.typed = typed;
            return;
        }
        self.attributes.push(Attribute { hash, name, value, typed });
        let last = self.attributes.len() - 1;
        match &mut self.index {
            Some(index) => {
                let attributes = &self.attributes;
                index.insert_unique(hash, position_u32(last), |&i| attributes[i as usize].hash);
            }
            None if self.attributes.len() > INDEXED_ABOVE => self.rebuild_index(),
            None => {}
        }
    }

    /// Removes an attribute.
    pub fn remove(&mut self, name: &str) -> Option<AttrValue> {
        let i = self.position(name, attr_hash(name))?;
        let removed = self.attributes.swap_remove(i);
        if self.index.is_some() {
            self.rebuild_index();
        }
        Some(removed.value)
    }

    fn rebuild_index(&mut self) {
        let mut index = HashTable::with_capacity(self.attributes.len());
        for (i, a) in self.attributes.iter().enumerate() {
            let attributes = &self.attributes;
            index.insert_unique(a.hash, position_u32(i), |&j| attributes[j as usize].hash);
        }
        self.index = Some(index);
    }

    #[inline]
    fn position(&self, name: &str, hash: u64) -> Option<usize> {
        match &self.index {
            None => self.attributes.iter().position(|a| a.hash == hash && eq_str(&a.name, name)),
            Some(index) => {
                index.find(hash, |&i| eq_str(&self.attributes[i as usize].name, name)).map(|&i| i as usize)
            }
        }
    }

    /// Sets or clears the targeting key.
    pub fn set_key(&mut self, key: Option<String>) {
        self.key = key;
    }

    /// The targeting key.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// Looks an attribute up; `key` resolves to the context key.
    pub fn get(&self, name: &str) -> Option<AttrRef<'_>> {
        if name == KEY_ATTRIBUTE {
            return self.key.as_deref().map(AttrRef::Str);
        }
        self.get_hashed(name, attr_hash(name)).map(|a| a.value)
    }

    /// Looks a non-`key` attribute up by a precomputed [`attr_hash`].
    #[inline]
    pub(crate) fn get_hashed(&self, name: &str, hash: u64) -> Option<Attr<'_>> {
        let a = &self.attributes[self.position(name, hash)?];
        Some(Attr { value: AttrRef::from(&a.value), typed: a.typed })
    }

    /// The attributes, excluding the key, in no particular order.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &AttrValue)> {
        self.attributes.iter().map(|a| (a.name.as_str(), &a.value))
    }

    /// Number of attributes, excluding the key.
    pub fn attribute_count(&self) -> usize {
        self.attributes.len()
    }
}

/// The member of an OpenFeature context that holds the targeting key.
pub const TARGETING_KEY: &str = "targetingKey";

/// Why a JSON context could not become a [`Context`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContextError {
    /// `targetingKey` is present and neither a string nor null.
    #[error("targetingKey must be a string")]
    TargetingKeyNotString,
    /// More attributes than [`crate::limits::MAX_CONTEXT_ATTRIBUTES`] after flattening.
    #[error("a context may carry at most {max} attributes")]
    TooManyAttributes {
        /// The limit.
        max: usize,
    },
    /// Objects nested deeper than [`crate::limits::MAX_JSON_DEPTH`].
    #[error("a context may nest objects at most {max} levels deep")]
    TooDeep {
        /// The limit.
        max: usize,
    },
}

impl Context {
    /// The context an OpenFeature evaluation context in JSON form stands for (OFREP's
    /// `context`): `targetingKey` (a string, or null or absent for none) is the key,
    /// every other member an attribute as [`Context::from_json_attributes`] reads it.
    ///
    /// ```
    /// use vexil_core::{AttrRef, Context};
    ///
    /// let json = serde_json::json!({"targetingKey": "u1", "user": {"plan": "pro"}});
    /// let ctx = Context::from_openfeature(json.as_object().unwrap()).unwrap();
    /// assert_eq!(ctx.key(), Some("u1"));
    /// assert_eq!(ctx.get("user.plan"), Some(AttrRef::Str("pro")));
    /// ```
    pub fn from_openfeature(
        context: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Context, ContextError> {
        let key = match context.get(TARGETING_KEY) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(k)) => Some(k.clone()),
            Some(_) => return Err(ContextError::TargetingKeyNotString),
        };
        Context::from_json_attributes(key, context.iter().filter(|(name, _)| *name != TARGETING_KEY))
    }

    /// A context from a key and JSON attributes: the one reading of JSON attributes that
    /// every path shares (OFREP, the Rust SDK's OpenFeature provider, the debugger), so
    /// that the same context gets the same answer whichever way it arrives.
    ///
    /// Strings, numbers, booleans and arrays of strings are attributes as they are;
    /// objects are flattened with dots (`{"user": {"plan": "pro"}}` gives `user.plan`);
    /// nulls and arrays holding anything but strings are left out, since no operator can
    /// use them. When two members give the same name (`"user.plan"` and `"user":
    /// {"plan"}`), the one whose own name sorts last at its level wins, whatever order
    /// the members came in.
    pub fn from_json_attributes<'a>(
        key: Option<String>,
        attributes: impl IntoIterator<Item = (&'a String, &'a serde_json::Value)>,
    ) -> Result<Context, ContextError> {
        let mut out = Flattener::new(key);
        flatten(&mut out, "", attributes, 0)?;
        Ok(out.ctx)
    }
}

/// A context being built from nested JSON members, with the checks every reading of
/// them makes ([`MAX_JSON_DEPTH`](crate::limits::MAX_JSON_DEPTH) levels,
/// [`MAX_CONTEXT_ATTRIBUTES`](crate::limits::MAX_CONTEXT_ATTRIBUTES) attributes), shared
/// by [`Context::from_json_attributes`] and the OFREP request reader.
pub(crate) struct Flattener {
    pub(crate) ctx: Context,
    count: usize,
}

impl Flattener {
    pub(crate) fn new(key: Option<String>) -> Flattener {
        let mut ctx = Context::anonymous();
        ctx.key = key;
        Flattener { ctx, count: 0 }
    }

    /// Checks that an object `depth` levels down may be read.
    pub(crate) fn enter(depth: usize) -> Result<(), ContextError> {
        use crate::limits::MAX_JSON_DEPTH;
        if depth >= MAX_JSON_DEPTH {
            return Err(ContextError::TooDeep { max: MAX_JSON_DEPTH });
        }
        Ok(())
    }

    /// The attribute name of member `name` of the object at `prefix` (`""` at the top).
    pub(crate) fn name(prefix: &str, name: &str) -> String {
        if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") }
    }

    pub(crate) fn push(&mut self, name: String, value: AttrValue) -> Result<(), ContextError> {
        use crate::limits::MAX_CONTEXT_ATTRIBUTES;
        self.count += 1;
        if self.count > MAX_CONTEXT_ATTRIBUTES {
            return Err(ContextError::TooManyAttributes { max: MAX_CONTEXT_ATTRIBUTES });
        }
        self.ctx.set(name, value);
        Ok(())
    }
}

fn flatten<'a>(
    out: &mut Flattener,
    prefix: &str,
    members: impl IntoIterator<Item = (&'a String, &'a serde_json::Value)>,
    depth: usize,
) -> Result<(), ContextError> {
    Flattener::enter(depth)?;
    let mut members: Vec<(&String, &serde_json::Value)> = members.into_iter().collect();
    // Name order, so that a clash resolves the same way whatever order a map keeps.
    members.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (name, value) in members {
        let full = Flattener::name(prefix, name);
        match value {
            serde_json::Value::Object(inner) => flatten(out, &full, inner, depth + 1)?,
            other => {
                if let Some(v) = AttrValue::from_json(other) {
                    out.push(full, v)?;
                }
            }
        }
    }
    Ok(())
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context").field("key", &self.key).field("attributes", &AttributesView(self)).finish()
    }
}

impl PartialEq for Context {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
            && self.attributes.len() == other.attributes.len()
            // The stored attributes, not `get`, which answers the name `key` with the
            // targeting key.
            && self.attributes().all(|(n, v)| {
                other.get_hashed(n, attr_hash(n)).is_some_and(|o| o.value == AttrRef::from(v))
            })
    }
}

/// Serialises the attribute table as a JSON object.
struct AttributesView<'a>(&'a Context);

impl fmt::Debug for AttributesView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.attributes()).finish()
    }
}

impl Serialize for AttributesView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.attributes())
    }
}

impl Serialize for Context {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Context", 2)?;
        if let Some(key) = &self.key {
            st.serialize_field("key", key)?;
        }
        st.serialize_field("attributes", &AttributesView(self))?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Context {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// Builds the table straight from the JSON object; a repeated name keeps the
        /// last value, as JSON parsers usually do.
        struct Attributes(Context);
        impl<'de> Deserialize<'de> for Attributes {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Attributes;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an object of attributes")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
                        let mut ctx = Context::anonymous();
                        while let Some((name, value)) = map.next_entry::<String, AttrValue>()? {
                            ctx.set(name, value);
                        }
                        Ok(Attributes(ctx))
                    }
                }
                d.deserialize_map(V)
            }
        }

        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            #[serde(default)]
            key: Option<String>,
            #[serde(default)]
            attributes: Option<Attributes>,
        }
        // Only an object: a derived struct would also take `[key, attributes]`.
        struct ObjectOnly;
        impl<'de> Visitor<'de> for ObjectOnly {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a context object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Raw, A::Error> {
                Raw::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        let raw = d.deserialize_map(ObjectOnly)?;
        let mut ctx = raw.attributes.map_or_else(Context::anonymous, |a| a.0);
        ctx.key = raw.key;
        Ok(ctx)
    }
}

/// A borrowed attribute value, as seen by evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttrRef<'a> {
    /// A string (also the context key).
    Str(&'a str),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A list of strings.
    List(&'a [String]),
}

impl<'a> From<&'a AttrValue> for AttrRef<'a> {
    fn from(v: &'a AttrValue) -> Self {
        match v {
            AttrValue::String(s) => AttrRef::Str(s),
            AttrValue::Number(n) => AttrRef::Number(*n),
            AttrValue::Bool(b) => AttrRef::Bool(*b),
            AttrValue::List(l) => AttrRef::List(l),
        }
    }
}

impl AttrRef<'_> {
    /// The type name, for traces.
    pub fn type_name(&self) -> &'static str {
        match self {
            AttrRef::Str(_) => "string",
            AttrRef::Number(_) => "number",
            AttrRef::Bool(_) => "boolean",
            AttrRef::List(_) => "list",
        }
    }

    /// Converts to JSON, for traces.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            AttrRef::Str(s) => serde_json::Value::from(*s),
            AttrRef::Number(n) => serde_json::Number::from_f64(*n)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            AttrRef::Bool(b) => serde_json::Value::Bool(*b),
            AttrRef::List(l) => serde_json::Value::from(l.to_vec()),
        }
    }
}

#[cfg(test)]
mod equality_tests {
    use super::*;

    /// Found by the `ofrep_request` fuzz target: an attribute named `key` made a context
    /// unequal to itself.
    #[test]
    fn a_context_with_an_attribute_named_key_equals_itself() {
        let mut ctx = Context::anonymous();
        ctx.set("key", 42.0);
        assert_eq!(ctx, ctx.clone());
        let mut other = Context::anonymous();
        other.set("key", 43.0);
        assert_ne!(ctx, other);
    }
}
