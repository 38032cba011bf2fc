//! Snapshot bytes through the parser, the validator and the compiler, strict and lenient.
//! Invariants: nothing panics; a snapshot the strict path accepts is accepted again after
//! a serialisation round trip, and the lenient compiler agrees with the strict one on
//! every flag for a handful of contexts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vexil_core::{CompiledSnapshot, Context, Snapshot};

fuzz_target!(|data: &[u8]| {
    let strict = CompiledSnapshot::from_json(data);
    let lenient = Snapshot::from_json_lenient(data);
    let Ok(strict) = strict else {
        if let Ok(parsed) = lenient {
            // Whatever parses leniently compiles leniently, whatever is wrong with it.
            let _ = CompiledSnapshot::compile_lenient_with(&parsed.snapshot, &parsed.unparsed);
        }
        return;
    };
    let parsed = lenient.expect("the lenient parser accepts what the strict one accepts");
    let compiled = CompiledSnapshot::compile_lenient_with(&parsed.snapshot, &parsed.unparsed);
    assert!(compiled.failures.is_empty(), "lenient failures on a valid snapshot: {:?}", compiled.failures);

    let snapshot = Snapshot::from_json(data).expect("parsed once already");
    let again = serde_json::to_vec(&snapshot).expect("a snapshot serialises");
    let round_trip =
        CompiledSnapshot::from_json(&again).expect("a valid snapshot stays valid after a round trip");

    let contexts = [
        Context::anonymous(),
        Context::new("user-1").with("country", "DE").with("age", 42.0).with("beta", true),
        Context::new("").with("version", "1.2.3").with("groups", vec!["admin".to_owned()]),
    ];
    for ctx in &contexts {
        for flag in strict.flags() {
            let a = strict.evaluate(flag.key(), ctx).record();
            assert_eq!(
                a,
                compiled.compiled.evaluate(flag.key(), ctx).record(),
                "lenient differs on {}",
                flag.key()
            );
            assert_eq!(
                a,
                round_trip.evaluate(flag.key(), ctx).record(),
                "round trip differs on {}",
                flag.key()
            );
            assert_eq!(a, strict.explain(flag.key(), ctx).result, "explain differs on {}", flag.key());
        }
    }
});
