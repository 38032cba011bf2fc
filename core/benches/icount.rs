//! Instruction counts per evaluation, for runs on a shared machine where wall time is
//! noise: run the binary under `valgrind --tool=callgrind` twice, with N = 0 and with a
//! large N, and divide the difference in instructions by N (the set-up cancels out).
//! `scripts/bench-icount` does exactly that and prints a table.
//!
//! Usage: `icount <scenario> <n>`, scenario one of `a`, `b`, `c` (one flag, by key),
//! `a-handle`, `b-handle`, `c-handle` (the same through a flag handle), `d` (all 1 000
//! flags, one context per iteration), `e` (parse, validate and compile the 1 000-flag
//! snapshot), `e-sdk` (the same as the SDK loads it: lenient parse and compile), `g` (one flag change applied to the compiled 1 000-flag snapshot with
//! `with_changes`), `h` (the same change by a full lenient compile).

use std::hint::black_box;

use vexil_core::CompiledSnapshot;

mod support;

fn main() {
    let mut args = std::env::args().skip(1);
    let scenario = args.next().unwrap_or_default();
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let contexts = support::contexts();
    let single = |flag: serde_json::Value| {
        CompiledSnapshot::from_json(support::snapshot_json(vec![flag]).as_bytes()).expect("valid")
    };
    let mut i = 0;
    let mut next = || {
        i += 1;
        if i == contexts.len() {
            i = 0;
        }
        &contexts[i]
    };
    match scenario.as_str() {
        "a" | "b" | "c" | "a-handle" | "b-handle" | "c-handle" => {
            let snapshot = single(match &scenario[..1] {
                "a" => support::plain_flag("f"),
                "b" => support::rollout_flag("f"),
                _ => support::rule_flag("f"),
            });
            if scenario.ends_with("handle") {
                let flag = snapshot.handle("f").expect("present");
                for _ in 0..n {
                    black_box(flag.evaluate(next()));
                }
            } else {
                for _ in 0..n {
                    black_box(snapshot.evaluate(black_box("f"), next()));
                }
            }
        }
        "d" => {
            let snapshot =
                CompiledSnapshot::from_json(support::mixed_snapshot_json().as_bytes()).expect("valid");
            for _ in 0..n {
                for result in snapshot.evaluate_all(next()) {
                    black_box(result);
                }
            }
        }
        "e" => {
            let json = support::mixed_snapshot_json();
            for _ in 0..n {
                black_box(CompiledSnapshot::from_json(black_box(json.as_bytes())).expect("valid"));
            }
        }
        "e-sdk" => {
            let json = support::mixed_snapshot_json();
            for _ in 0..n {
                let parsed =
                    vexil_core::Snapshot::from_json_lenient(black_box(json.as_bytes())).expect("valid");
                black_box(CompiledSnapshot::compile_lenient_with(&parsed.snapshot, &parsed.unparsed));
            }
        }
        "g" => {
            let (base, changed, objects) = support::one_change();
            for _ in 0..n {
                black_box(base.with_changes(black_box(&changed), &[], &objects));
            }
        }
        "h" => {
            let (_, changed, _) = support::one_change();
            for _ in 0..n {
                black_box(CompiledSnapshot::compile_lenient(black_box(&changed)));
            }
        }
        other => panic!("unknown scenario {other:?}"),
    }
}
