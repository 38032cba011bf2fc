//! The context's JSON form.

use vexil_core::Context;

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
