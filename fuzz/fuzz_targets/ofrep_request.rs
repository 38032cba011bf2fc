//! OFREP request bodies through the readers the server's OFREP routes use. Invariants:
//! nothing panics; an accepted request's context carries at most the documented number
//! of attributes, and its targeting key is the request's `targetingKey` string; the
//! one-flag route's direct reader (`read_context`) gives the same context, or fails with
//! the same code, as the reader through `serde_json::Value` (`read_request`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let through_value = vexil_core::ofrep::read_request(data);
    let direct = vexil_core::ofrep::read_context(data);
    match (&through_value, &direct) {
        (Ok((ctx, _)), Ok(d)) => assert_eq!(ctx, d),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{a} / {b}"),
        _ => panic!("the readers disagree: {:?} / {direct:?}", through_value.as_ref().map(|(c, _)| c)),
    }
    let Ok((ctx, original)) = through_value else { return };
    assert!(ctx.attribute_count() <= 1_000, "{} attributes", ctx.attribute_count());
    assert_eq!(ctx.key(), original.get("targetingKey").and_then(|k| k.as_str()));
});
