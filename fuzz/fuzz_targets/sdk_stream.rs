//! Raw event-stream bytes through the SDK's SSE parser and change application, cut into
//! chunks at arbitrary places, on top of a base snapshot. Invariants (checked inside
//! `vexil_sdk::fuzzing::stream`): nothing panics, flags and segments stay in key order,
//! every flag of the result compiles or is present as an error. Cutting the same bytes
//! differently gives the same result.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BASE: &[u8] = br#"{"environment": "production", "version": 3, "flags": [
  {"key": "a", "kind": "boolean", "salt": "s",
   "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
   "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"},
              "rules": [{"id": "r", "conditions": [{"op": "in_segment", "values": ["beta"]}], "serve": {"variant": "off"}}]}},
  {"key": "b", "kind": "boolean", "salt": "t",
   "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
   "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"},
              "prerequisites": [{"flag": "a", "variant": "on"}]}}],
  "segments": [{"key": "beta", "included": ["u1"]}]}"#;

fuzz_target!(|data: &[u8]| {
    // The first byte chooses the chunk size (1 to 256 bytes); the rest is the stream.
    let Some((&size, stream)) = data.split_first() else { return };
    let size = usize::from(size) + 1;
    let chunks: Vec<&[u8]> = stream.chunks(size).collect();
    let cut = vexil_sdk::fuzzing::stream(BASE, &chunks);
    let whole = vexil_sdk::fuzzing::stream(BASE, &[stream]);
    assert_eq!(
        (cut.applied, cut.rejected, &cut.flags, &cut.changed),
        (whole.applied, whole.rejected, &whole.flags, &whole.changed),
        "the result depends on where the stream was cut"
    );
});
