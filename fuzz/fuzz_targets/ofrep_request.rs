//! OFREP request bodies through the reader the server's OFREP routes use. Invariants: nothing panics; an
//! accepted request's context carries at most the documented number of attributes, and
//! its targeting key is the request's `targetingKey` string.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((ctx, original)) = vexil_core::ofrep::read_request(data) else { return };
    assert!(ctx.attribute_count() <= 1_000, "{} attributes", ctx.attribute_count());
    assert_eq!(ctx.key(), original.get("targetingKey").and_then(|k| k.as_str()));
});
