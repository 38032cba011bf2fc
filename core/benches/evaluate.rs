//! Evaluation benchmarks; results and targets are in docs/benchmarks.md.
//! Run: cargo bench -p vexil-core --bench evaluate

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vexil_core::CompiledSnapshot;

mod support;

/// One flag evaluated by key (`name`), then through a [`vexil_core::FlagHandle`] as a
/// caller that evaluates one flag repeatedly holds it, with no key look-up
/// (`name_handle`).
fn single_flag(c: &mut Criterion, name: &str, flag: serde_json::Value, key: &str) {
    let snapshot = CompiledSnapshot::from_json(support::snapshot_json(vec![flag]).as_bytes()).expect("valid");
    let contexts = support::contexts();
    let mut i = 0;
    let mut next = || {
        // A compare, not `%`: a division would cost as much as a simple evaluation.
        i += 1;
        if i == contexts.len() {
            i = 0;
        }
        &contexts[i]
    };
    c.bench_function(name, |b| b.iter(|| black_box(snapshot.evaluate(black_box(key), next()))));
    let handle = snapshot.handle(key).expect("present");
    c.bench_function(&format!("{name}_handle"), |b| {
        b.iter(|| black_box(black_box(&handle).evaluate(next())));
    });
}

fn benches(c: &mut Criterion) {
    single_flag(c, "a_boolean_no_rules", support::plain_flag("f"), "f");
    single_flag(c, "b_rollout_50_percent", support::rollout_flag("f"), "f");
    single_flag(c, "c_rule_3_conditions_then_rollout", support::rule_flag("f"), "f");

    let json = support::mixed_snapshot_json();
    let snapshot = CompiledSnapshot::from_json(json.as_bytes()).expect("valid");
    let contexts = support::contexts();
    let mut i = 0;
    c.bench_function("d_all_1000_flags", |b| {
        b.iter(|| {
            i += 1;
            if i == contexts.len() {
                i = 0;
            }
            for result in snapshot.evaluate_all(&contexts[i]) {
                black_box(result);
            }
        });
    });
    c.bench_function("e_parse_validate_compile_1000_flags", |b| {
        b.iter(|| black_box(CompiledSnapshot::from_json(black_box(json.as_bytes())).expect("valid")));
    });
    let (base, changed, objects) = support::one_change();
    c.bench_function("g_apply_one_flag_change_1000_flags_incremental", |b| {
        b.iter(|| black_box(base.with_changes(black_box(&changed), &[], &objects)));
    });
    c.bench_function("h_apply_one_flag_change_1000_flags_full_recompile", |b| {
        b.iter(|| black_box(CompiledSnapshot::compile_lenient(black_box(&changed))));
    });
}

criterion_group!(evaluate, benches);
criterion_main!(evaluate);
