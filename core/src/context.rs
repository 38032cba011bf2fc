//! The evaluation context: who or what a flag is evaluated for.

use std::fmt;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
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
#[inline]
pub(crate) fn eq_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() <= 16 { a.iter().zip(b).all(|(x, y)| x == y) } else { a == b }
}

/// What a flag is evaluated for: an optional key (the targeting key) and typed
/// attributes.
///
/// The attribute named `key` always means the context key, whatever the attribute map
/// holds.
#[derive(Clone, Default)]
pub struct Context {
    key: Option<String>,
    attributes: HashTable<(String, AttrValue)>,
}

impl Context {
    /// A context with a targeting key and no attributes.
    pub fn new(key: impl Into<String>) -> Self {
        Context { key: Some(key.into()), attributes: HashTable::new() }
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
        match self.attributes.entry(hash, |(n, _)| *n == name, |(n, _)| attr_hash(n)) {
            Entry::Occupied(mut o) => o.get_mut().1 = value,
            Entry::Vacant(v) => {
                v.insert((name, value));
            }
        }
    }

    /// Removes an attribute.
    pub fn remove(&mut self, name: &str) -> Option<AttrValue> {
        match self.attributes.find_entry(attr_hash(name), |(n, _)| n == name) {
            Ok(o) => Some(o.remove().0.1),
            Err(_) => None,
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
        self.get_hashed(name, attr_hash(name))
    }

    /// Looks a non-`key` attribute up by a precomputed [`attr_hash`].
    #[inline]
    pub(crate) fn get_hashed(&self, name: &str, hash: u64) -> Option<AttrRef<'_>> {
        self.attributes.find(hash, |(n, _)| eq_str(n, name)).map(|(_, v)| AttrRef::from(v))
    }

    /// The attributes, excluding the key, in no particular order.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &AttrValue)> {
        self.attributes.iter().map(|(k, v)| (k.as_str(), v))
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
        let mut ctx = Context::anonymous();
        ctx.key = key;
        let mut count = 0;
        flatten(&mut ctx, "", attributes, 0, &mut count)?;
        Ok(ctx)
    }
}

fn flatten<'a>(
    ctx: &mut Context,
    prefix: &str,
    members: impl IntoIterator<Item = (&'a String, &'a serde_json::Value)>,
    depth: usize,
    count: &mut usize,
) -> Result<(), ContextError> {
    use crate::limits::{MAX_CONTEXT_ATTRIBUTES, MAX_JSON_DEPTH};
    if depth >= MAX_JSON_DEPTH {
        return Err(ContextError::TooDeep { max: MAX_JSON_DEPTH });
    }
    let mut members: Vec<(&String, &serde_json::Value)> = members.into_iter().collect();
    // Name order, so that a clash resolves the same way whatever order a map keeps.
    members.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (name, value) in members {
        let full = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        match value {
            serde_json::Value::Object(inner) => flatten(ctx, &full, inner, depth + 1, count)?,
            other => {
                if let Some(v) = AttrValue::from_json(other) {
                    *count += 1;
                    if *count > MAX_CONTEXT_ATTRIBUTES {
                        return Err(ContextError::TooManyAttributes { max: MAX_CONTEXT_ATTRIBUTES });
                    }
                    ctx.set(full, v);
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
            && self.attributes.iter().all(|(n, v)| other.get(n).is_some_and(|o| o == AttrRef::from(v)))
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
