//! Runs the conformance vectors in `tests/vectors/`: the contract every SDK must meet.

use std::io::Cursor;

use serde::Deserialize;
use vexil_core::{CompiledSnapshot, Context, EvaluationRecord, FlagKind, Snapshot, hash};

#[derive(Deserialize)]
struct BucketCase {
    salt: String,
    value: String,
    hash: u32,
    bucket: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluationVectors {
    spec_version: u32,
    #[expect(dead_code, reason = "documentation for readers of the file")]
    description: String,
    snapshot: Snapshot,
    cases: Vec<EvaluationCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluationCase {
    name: String,
    flag: String,
    context: Context,
    #[serde(default)]
    expect_kind: Option<FlagKind>,
    expected: EvaluationRecord,
}

fn read(name: &str) -> String {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

#[test]
fn bucketing_vectors_match_the_engine_and_an_independent_murmur3() {
    let cases: Vec<BucketCase> =
        serde_json::from_str(&read("bucketing.json")).expect("bucketing.json parses");
    assert!(cases.len() >= 60, "at least 60 bucketing cases, found {}", cases.len());
    for wanted in [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff] {
        assert!(cases.iter().any(|c| c.hash == wanted), "a case with hash {wanted:#x}");
    }
    assert!(cases.iter().any(|c| !c.value.is_ascii()), "non-ASCII values are covered");
    for c in &cases {
        let input = format!("{}:{}", c.salt, c.value);
        let independent = murmur3::murmur3_32(&mut Cursor::new(input.as_bytes()), 0).expect("in-memory read");
        assert_eq!(independent, c.hash, "murmur3 crate disagrees with the vector for {input:?}");
        assert_eq!(hash::hash(&c.salt, &c.value), c.hash, "hash of {input:?}");
        assert_eq!(hash::bucket(&c.salt, &c.value), c.bucket, "bucket of {input:?}");
        assert_eq!(hash::bucket_of_hash(c.hash), c.bucket, "bucket formula for {input:?}");
    }
}

#[test]
fn evaluation_vectors_all_pass() {
    let vectors: EvaluationVectors =
        serde_json::from_str(&read("evaluation.json")).expect("evaluation.json parses");
    assert_eq!(vectors.spec_version, 2);
    assert!(vectors.cases.len() >= 250, "at least 250 cases, found {}", vectors.cases.len());
    let compiled = CompiledSnapshot::compile(&vectors.snapshot).expect("the vector snapshot is valid");
    let mut failures = Vec::new();
    for case in &vectors.cases {
        let result = match case.expect_kind {
            Some(kind) => compiled.evaluate_as(&case.flag, &case.context, kind),
            None => compiled.evaluate(&case.flag, &case.context),
        };
        let got = result.record();
        if got != case.expected {
            failures.push(format!(
                "{}\n    expected {}\n    got      {}",
                case.name,
                serde_json::to_string(&case.expected).unwrap_or_default(),
                serde_json::to_string(&got).unwrap_or_default()
            ));
        }
        // The debugger must tell the same story as the fast path.
        if case.expect_kind.is_none() {
            assert_eq!(
                compiled.explain(&case.flag, &case.context).result,
                got,
                "explain differs: {}",
                case.name
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        vectors.cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_operator_is_covered_with_and_without_negate() {
    let vectors: EvaluationVectors =
        serde_json::from_str(&read("evaluation.json")).expect("evaluation.json parses");
    for op in vexil_core::Op::ALL {
        for negate in [false, true] {
            let used = vectors.snapshot.flags.iter().any(|f| {
                f.config.rules.iter().flat_map(|r| &r.conditions).any(|c| c.op == op && c.negate == negate)
            });
            assert!(used, "operator {} with negate={negate} has no vector", op.as_str());
        }
    }
}
