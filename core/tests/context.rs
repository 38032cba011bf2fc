//! Reading contexts from JSON: the one conversion OFREP, the SDK's OpenFeature provider
//! and the debugger share.

use serde_json::{Value, json};
use vexil_core::limits::{MAX_CONTEXT_ATTRIBUTES, MAX_JSON_DEPTH};
use vexil_core::{AttrRef, Context, ContextError};

fn of(v: Value) -> Result<Context, ContextError> {
    Context::from_openfeature(v.as_object().expect("an object"))
}

#[test]
fn scalars_and_string_lists_are_attributes_and_objects_flatten_with_dots() {
    let ctx = of(json!({
        "targetingKey": "u1", "plan": "pro", "seats": 12, "beta": true, "groups": ["a", "b"],
        "user": {"country": "DE", "org": {"tier": 2}}, "gone": null, "mixed": [1, "x"], "empty": {}
    }))
    .unwrap();
    assert_eq!(ctx.key(), Some("u1"));
    assert_eq!(ctx.get("plan"), Some(AttrRef::Str("pro")));
    assert_eq!(ctx.get("seats"), Some(AttrRef::Number(12.0)));
    assert_eq!(ctx.get("beta"), Some(AttrRef::Bool(true)));
    assert_eq!(ctx.get("groups"), Some(AttrRef::List(&["a".to_owned(), "b".to_owned()])));
    assert_eq!(ctx.get("user.country"), Some(AttrRef::Str("DE")));
    assert_eq!(ctx.get("user.org.tier"), Some(AttrRef::Number(2.0)));
    for absent in ["gone", "mixed", "empty", "user", "targetingKey"] {
        assert_eq!(ctx.get(absent), None, "{absent}");
    }
    assert_eq!(ctx.attribute_count(), 6);
}

#[test]
fn the_targeting_key_may_be_absent_or_null_but_nothing_else() {
    assert_eq!(of(json!({})).unwrap().key(), None);
    assert_eq!(of(json!({"targetingKey": null})).unwrap().key(), None);
    assert_eq!(of(json!({"targetingKey": 5})).unwrap_err(), ContextError::TargetingKeyNotString);
    // Only at the top: a nested member of that name is an attribute.
    let ctx = of(json!({"user": {"targetingKey": "x"}})).unwrap();
    assert_eq!(ctx.get("user.targetingKey"), Some(AttrRef::Str("x")));
}

#[test]
fn a_name_given_twice_resolves_the_same_whatever_order_the_members_come_in() {
    let dotted = ("user.plan".to_owned(), json!("flat"));
    let nested = ("user".to_owned(), json!({"plan": "nested"}));
    let forward = [dotted.clone(), nested.clone()];
    let backward = [nested, dotted];
    let a = Context::from_json_attributes(None, forward.iter().map(|(k, v)| (k, v))).unwrap();
    let b = Context::from_json_attributes(None, backward.iter().map(|(k, v)| (k, v))).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.get("user.plan"), Some(AttrRef::Str("flat")), "the name that sorts last wins");
}

#[test]
fn contexts_over_the_limits_are_refused() {
    let many: serde_json::Map<String, Value> =
        (0..=MAX_CONTEXT_ATTRIBUTES).map(|i| (format!("a{i}"), json!(i))).collect();
    assert_eq!(
        Context::from_openfeature(&many).unwrap_err(),
        ContextError::TooManyAttributes { max: MAX_CONTEXT_ATTRIBUTES }
    );
    let mut deep = json!("x");
    for _ in 0..MAX_JSON_DEPTH {
        deep = json!({ "a": deep });
    }
    assert_eq!(of(json!({ "d": deep })).unwrap_err(), ContextError::TooDeep { max: MAX_JSON_DEPTH });
    // One level less is fine.
    let ok = of(deep.as_object().unwrap().clone().into()).unwrap();
    assert_eq!(ok.attribute_count(), 1);
}

#[test]
fn a_context_is_read_from_an_object_only() {
    let ctx: Context =
        serde_json::from_str(r#"{"key": "u1", "attributes": {"plan": "pro"}}"#).expect("object");
    assert_eq!(ctx.key(), Some("u1"));
    assert_eq!(ctx.attribute_count(), 1);
    for not_an_object in ["[null, null]", r#"["u1", {"plan": "pro"}]"#, "[]", "7", r#""u1""#] {
        assert!(
            serde_json::from_str::<Context>(not_an_object).is_err(),
            "{not_an_object} was read as a context"
        );
    }
}
