//! Reading OpenFeature Remote Evaluation Protocol (OFREP) evaluation requests: the body
//! of `POST /ofrep/v1/evaluate/flags/{key}` and `POST /ofrep/v1/evaluate/flags`, which is
//! `{"context": {...}}` with the OpenFeature evaluation context as a JSON object.
//!
//! Only the reading lives here (the server answers; the fuzz targets read arbitrary
//! bytes through the same function). Which protocol error code a failure maps to is
//! [`RequestError::code`].

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::context::{AttrValue, Context, ContextError, Flattener, TARGETING_KEY};

/// A failure to read an evaluation request, with the OFREP error code it answers.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The body is not JSON.
    #[error("the request is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The body has no `context` member.
    #[error("the request has no context")]
    NoContext,
    /// `context` is not a JSON object.
    #[error("context must be a JSON object")]
    ContextNotObject,
    /// The context is an object Vexil cannot use (too many attributes, a non-string
    /// targeting key, …).
    #[error(transparent)]
    Context(#[from] ContextError),
}

impl RequestError {
    /// The OFREP `errorCode`: `PARSE_ERROR` for a body that is not JSON,
    /// `INVALID_CONTEXT` otherwise.
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::Json(_) => "PARSE_ERROR",
            RequestError::NoContext | RequestError::ContextNotObject | RequestError::Context(_) => {
                "INVALID_CONTEXT"
            }
        }
    }
}

/// Reads an evaluation request body: the context as a Vexil [`Context`] (the one
/// conversion every path shares, [`Context::from_openfeature`]) and the request's
/// `context` member as sent.
///
/// # Errors
/// [`RequestError`] when the body is not JSON, has no `context`, its `context` is not an
/// object, or the context is refused by [`Context::from_openfeature`].
///
/// ```
/// let (ctx, raw) = vexil_core::ofrep::read_request(br#"{"context": {"targetingKey": "u1"}}"#).unwrap();
/// assert_eq!(ctx.key(), Some("u1"));
/// assert_eq!(raw["targetingKey"], "u1");
/// let err = vexil_core::ofrep::read_request(b"{}").unwrap_err();
/// assert_eq!(err.code(), "INVALID_CONTEXT");
/// ```
pub fn read_request(body: &[u8]) -> Result<(Context, Value), RequestError> {
    let mut request: Value = serde_json::from_str(crate::json_text(body, "the body")?)?;
    let Some(context) = request.get_mut("context").map(Value::take) else {
        return Err(RequestError::NoContext);
    };
    let Some(map) = context.as_object() else {
        return Err(RequestError::ContextNotObject);
    };
    let ctx = Context::from_openfeature(map)?;
    Ok((ctx, context))
}

/// Reads an evaluation request body's context, as [`read_request`] does, without keeping
/// the body as a `serde_json::Value` on the way: the members are read straight into
/// what the context keeps (for the one-flag route, which needs nothing else; a
/// `serde_json::Value` costs a map node per object and is dropped again).
///
/// The result is always [`read_request`]'s: the same context, or an error with the same
/// [`RequestError::code`] (the `ofrep_request` fuzz target checks this). Like a JSON
/// object read into a map, a member named twice counts once, with its last value.
///
/// # Errors
/// As [`read_request`].
///
/// ```
/// let ctx = vexil_core::ofrep::read_context(br#"{"context": {"targetingKey": "u1", "user": {"plan": "pro"}}}"#).unwrap();
/// assert_eq!(ctx.key(), Some("u1"));
/// assert!(ctx.get("user.plan").is_some());
/// assert_eq!(vexil_core::ofrep::read_context(b"[]").unwrap_err().code(), "INVALID_CONTEXT");
/// ```
pub fn read_context(body: &[u8]) -> Result<Context, RequestError> {
    let Request(context) = match serde_json::from_str(crate::json_text(body, "the body")?) {
        Ok(request) => request,
        // An object named by serde_json's raw-value token means something else to
        // `serde_json::Value` (its member is JSON text, parsed in its place); such a
        // body takes the general reader, whose answer is the definition.
        Err(e) if e.to_string().starts_with(RAW_VALUE_SEEN) => return read_request(body).map(|(ctx, _)| ctx),
        Err(e) => return Err(e.into()),
    };
    let members = match context {
        None => return Err(RequestError::NoContext),
        Some(Member::Object(members)) => members,
        Some(_) => return Err(RequestError::ContextNotObject),
    };
    let mut key = None;
    let mut attributes = Vec::with_capacity(members.len());
    for (name, value) in members {
        if name == TARGETING_KEY {
            // The last one counts, whatever came before.
            key = Some(value);
        } else {
            attributes.push((name, value));
        }
    }
    let key = match key {
        None | Some(Member::Null) => None,
        Some(Member::Attr(AttrValue::String(k))) => Some(k),
        Some(_) => return Err(ContextError::TargetingKeyNotString.into()),
    };
    let mut out = Flattener::new(key);
    flatten(&mut out, "", attributes, 0)?;
    Ok(out.ctx)
}

/// [`Context::from_json_attributes`]'s walk over members as read by [`Member`].
fn flatten(
    out: &mut Flattener,
    prefix: &str,
    mut members: Vec<(String, Member)>,
    depth: usize,
) -> Result<(), ContextError> {
    Flattener::enter(depth)?;
    // Name order, stable, so that of a name given twice the last comes last and is the
    // one kept, as a map keeps it.
    members.sort_by(|a, b| a.0.cmp(&b.0));
    let mut members = members.into_iter().peekable();
    while let Some((name, value)) = members.next() {
        if members.peek().is_some_and(|(next, _)| *next == name) {
            continue;
        }
        match value {
            Member::Object(inner) => flatten(out, &Flattener::name(prefix, &name), inner, depth + 1)?,
            Member::Attr(v) => {
                let full = if prefix.is_empty() { name } else { Flattener::name(prefix, &name) };
                out.push(full, v)?;
            }
            Member::Null | Member::Unusable => {}
        }
    }
    Ok(())
}

/// A request body as far as evaluation reads it: its `context` member (the last one, if
/// named twice), `None` when there is none or the body is not an object.
struct Request(Option<Member>);

/// A JSON value inside a context, as [`AttrValue::from_json`] would take it.
enum Member {
    Attr(AttrValue),
    Object(Vec<(String, Member)>),
    Null,
    /// An array holding anything but strings: no attribute, but not a null either (a
    /// `targetingKey` like this is refused).
    Unusable,
}

/// Implements the visitor methods of every JSON value that is not an object, for a
/// visitor that reads each as the given expression.
macro_rules! scalars {
    ($value:ty, $bool:expr, $number:expr, $string:expr, $null:expr) => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<$value, E> {
            Ok($bool(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<$value, E> {
            Ok($number(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<$value, E> {
            Ok($number(v as f64))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<$value, E> {
            Ok($number(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<$value, E> {
            Ok($string(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<$value, E> {
            Ok($string(v))
        }
        fn visit_unit<E: de::Error>(self) -> Result<$value, E> {
            Ok($null)
        }
    };
}

impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Request, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Request;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            scalars!(Request, |_| Request(None), |_| Request(None), |_| Request(None), Request(None));
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Request, A::Error> {
                while seq.next_element::<Item>()?.is_some() {}
                Ok(Request(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Request, A::Error> {
                let mut context = None;
                while let Some(name) = map.next_key::<Name>()? {
                    if name.0 {
                        context = Some(map.next_value::<Member>()?);
                    } else {
                        map.next_value::<Item>()?;
                    }
                }
                Ok(Request(context))
            }
        }
        d.deserialize_any(V)
    }
}

/// serde_json's private name for a raw JSON value (its `raw_value` feature, which this
/// crate enables): an object whose first member has this name is read by
/// `serde_json::Value` as the JSON text the member holds.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The message of the error [`read_context`]'s visitors stop with when they meet
/// [`RAW_VALUE_TOKEN`] as a member name (anywhere: the general reader then decides).
const RAW_VALUE_SEEN: &str = "vexil: serde_json's raw-value token";

fn raw_value_seen<E: de::Error>() -> E {
    E::custom(RAW_VALUE_SEEN)
}

/// Whether a top-level member name is `context`, without keeping the name.
struct Name(bool);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Name, E> {
                if v == RAW_VALUE_TOKEN {
                    return Err(raw_value_seen());
                }
                Ok(Name(v == "context"))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Member, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            scalars!(
                Member,
                |v| Member::Attr(AttrValue::Bool(v)),
                |v| Member::Attr(AttrValue::Number(v)),
                |v| Member::Attr(AttrValue::String(v)),
                Member::Null
            );
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Member, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
                let mut strings = true;
                while let Some(item) = seq.next_element::<Item>()? {
                    match item.0 {
                        Some(s) if strings => items.push(s),
                        _ => strings = false,
                    }
                }
                Ok(if strings { Member::Attr(AttrValue::List(items)) } else { Member::Unusable })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Member, A::Error> {
                let mut members = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    if name == RAW_VALUE_TOKEN {
                        return Err(raw_value_seen());
                    }
                    let value = map.next_value::<Member>()?;
                    members.push((name, value));
                }
                Ok(Member::Object(members))
            }
        }
        d.deserialize_any(V)
    }
}

/// An array item: its string, or `None` for any other value (read and dropped). Also
/// what skips the members evaluation does not read: through the parser's own checks
/// (nesting depth, numbers in range, UTF-8), which `serde::de::IgnoredAny` would pass
/// by, so that a body is refused exactly when `serde_json::Value` refuses it.
struct Item(Option<String>);

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Item, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            scalars!(Item, |_| Item(None), |_| Item(None), |v| Item(Some(v)), Item(None));
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
                while seq.next_element::<Item>()?.is_some() {}
                Ok(Item(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                while map.next_entry::<Name, Item>()?.is_some() {}
                Ok(Item(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `read_context` answers as `read_request`: the same context, or the same code.
    fn agree(body: &[u8]) {
        let direct = read_context(body);
        let through_value = read_request(body).map(|(ctx, _)| ctx);
        match (&direct, &through_value) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", String::from_utf8_lossy(body)),
            (Err(a), Err(b)) => assert_eq!(
                (a.code(), std::mem::discriminant(a)),
                (b.code(), std::mem::discriminant(b)),
                "{a} / {b}: {}",
                String::from_utf8_lossy(body)
            ),
            _ => panic!("{direct:?} / {through_value:?}: {}", String::from_utf8_lossy(body)),
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_wherever_they_are() {
        for body in [
            &b"{\"context\": {\"targetingKey\": \"u\xff\"}}"[..],
            b"{\"context\": {\"n\xc3\": 1}}",
            // In a member evaluation skips, and in one it never reads.
            b"{\"context\": {}, \"other\": \"\xed\xa0\x80\"}",
            b"{\"context\": {}, \"other\": [\"a\", {\"b\": \"\xf8\"}]}",
        ] {
            for refused in [read_context(body).err(), read_request(body).err()] {
                let e = refused.expect("refused");
                assert_eq!(e.code(), "PARSE_ERROR", "{}", String::from_utf8_lossy(body));
                assert!(e.to_string().contains("not UTF-8"), "{e}");
            }
        }
        // Text that is UTF-8 beyond ASCII is read as before.
        let ctx = read_context("{\"context\": {\"targetingKey\": \"Zoë\", \"city\": \"Kraków\"}}".as_bytes())
            .expect("valid");
        assert_eq!(ctx.key(), Some("Zoë"));
        assert_eq!(ctx.get("city"), Some(crate::context::AttrRef::Str("Kraków")));
    }

    #[test]
    fn the_direct_reader_agrees_with_the_value_reader_on_the_edges() {
        let deep_array = format!(r#"{{"context": {{}}, "x": {}{}}}"#, "[".repeat(200), "]".repeat(200));
        let deep_object = format!(r#"{{"context": {}1{}}}"#, r#"{"o": "#.repeat(40), "}".repeat(40));
        let many = format!(
            r#"{{"context": {{{}}}}}"#,
            (0..1_001).map(|i| format!(r#""a{i}": {i}"#)).collect::<Vec<_>>().join(",")
        );
        for body in [
            r#"{"context": {"targetingKey": "u1", "country": "DE", "age": 42, "beta": true}}"#,
            r#"{"context": {"targetingKey": null}}"#,
            r#"{"context": {"targetingKey": 7}}"#,
            r#"{"context": {"targetingKey": ["a"]}}"#,
            r#"{"context": {"targetingKey": [1]}}"#,
            r#"{"context": {"targetingKey": 7, "targetingKey": "u2"}}"#,
            r#"{"context": {"targetingKey": "u2", "targetingKey": 7}}"#,
            r#"{"context": {"user": {"plan": "pro"}, "user.plan": "free"}}"#,
            r#"{"context": {"user.plan": "free", "user": {"plan": "pro"}}}"#,
            r#"{"context": {"a": {"b": 1}, "a": "flat"}}"#,
            r#"{"context": {"a": "flat", "a": {"b": 1}}}"#,
            r#"{"context": {"groups": ["a", "b"], "mixed": ["a", 1], "nested": ["a", ["b"]], "empty": []}}"#,
            r#"{"context": {"n": null, "o": {}, "big": 18446744073709551615, "neg": -9223372036854775808, "f": 1.5e300}}"#,
            r#"{"context": {"x": 1e400}}"#,
            r#"{"context": {}, "other": 1e400}"#,
            r#"{"context": {}, "other": {"a": [1, {"b": "\ud800"}]}}"#,
            r#"{"context": 1}"#,
            r#"{"context": []}"#,
            r#"{"context": null}"#,
            r#"{"context": "x"}"#,
            r#"{"context": {"a": 1}, "context": 2}"#,
            r#"{"context": 2, "context": {"a": 1}}"#,
            r#"{"cont\u0065xt": {"a": 1}}"#,
            r#"{}"#,
            r#"[]"#,
            r#"[{"context": {}}]"#,
            r#""context""#,
            r#"null"#,
            r#"{"context": {}} x"#,
            r#"{"context": {"a": 1,}}"#,
            // serde_json's raw-value token, which `serde_json::Value` reads as JSON text.
            r#"{"context": {"$serde_json::private::RawValue": "{\"targetingKey\": \"u1\"}"}}"#,
            r#"{"context": {"$serde_json::private::RawValue": 5}}"#,
            r#"{"context": {"a": 1, "$serde_json::private::RawValue": "{}"}}"#,
            r#"{"context": {"\u0024serde_json::private::RawValue": "{\"a\": 1}"}}"#,
            r#"{"x": {"$serde_json::private::RawValue": "nope"}, "context": {}}"#,
            r#"{"x": [{"$serde_json::private::RawValue": "1"}], "context": {}}"#,
            r#"{"$serde_json::private::RawValue": "{\"context\": {}}"}"#,
            r#"{"context": {"u": {"$serde_json::private::RawValue": "\"pro\""}}}"#,
            "",
            &deep_array,
            &deep_object,
            &many,
        ] {
            agree(body.as_bytes());
        }
        // The edges are reached, not refused for something else first.
        assert!(matches!(
            read_context(deep_object.as_bytes()),
            Err(RequestError::Context(ContextError::TooDeep { .. }))
        ));
        assert!(matches!(
            read_context(many.as_bytes()),
            Err(RequestError::Context(ContextError::TooManyAttributes { .. }))
        ));
        assert!(matches!(read_context(deep_array.as_bytes()), Err(RequestError::Json(_))));
        let ctx = read_context(
            br#"{"context": {"targetingKey": 7, "targetingKey": "u2", "a": {"b": 1}, "a.b": 2}}"#,
        )
        .expect("a context");
        assert_eq!(ctx.key(), Some("u2"));
        assert_eq!(ctx.get("a.b"), Some(crate::context::AttrRef::Number(2.0)), "a.b sorts after a");
        agree(b"{\"context\": {\"a\": \"\xff\"}}");
        agree(b"{\"context\": {}, \"b\": \"\xff\"}");
        agree(b"{\"context\": {}, \"\xff\": 1}");
    }

    /// JSON text of a context-like value: objects whose names collide when flattened,
    /// lists, duplicates, nulls.
    fn json() -> impl Strategy<Value = String> {
        let name = prop_oneof![
            Just("a".to_owned()),
            Just("b".to_owned()),
            Just("a.b".to_owned()),
            Just("targetingKey".to_owned()),
            Just("context".to_owned()),
            Just(RAW_VALUE_TOKEN.to_owned()),
        ];
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
            "[a-z]{0,3}".prop_map(|s| format!("\"{s}\"")),
        ];
        leaf.prop_recursive(5, 40, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))),
                prop::collection::vec((name.clone(), inner), 0..5).prop_map(|members| {
                    let members: Vec<String> = members.iter().map(|(n, v)| format!("\"{n}\":{v}")).collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_direct_reader_agrees_with_the_value_reader(context in json(), rest in json()) {
            agree(format!(r#"{{"context": {context}}}"#).as_bytes());
            agree(format!(r#"{{"x": {rest}, "context": {context}}}"#).as_bytes());
            agree(context.as_bytes());
        }
    }
}
