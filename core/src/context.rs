//! The evaluation context: who or what a flag is evaluated for.

use std::fmt;

use rustc_hash::FxHashMap;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
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

/// What a flag is evaluated for: an optional key (the targeting key) and typed
/// attributes.
///
/// The attribute named `key` always means the context key, whatever the attribute map
/// holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default)]
    attributes: FxHashMap<String, AttrValue>,
}

impl Context {
    /// A context with a targeting key and no attributes.
    pub fn new(key: impl Into<String>) -> Self {
        Context { key: Some(key.into()), attributes: FxHashMap::default() }
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
        self.attributes.insert(name.into(), value.into());
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
        self.attributes.get(name).map(AttrRef::from)
    }

    /// The attributes, excluding the key.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &AttrValue)> {
        self.attributes.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of attributes, excluding the key.
    pub fn attribute_count(&self) -> usize {
        self.attributes.len()
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
