//! Evaluation through `Client` against raw `vexil-core`, for the scenarios of
//! `core/benches/evaluate.rs` (same fixtures): (a) boolean flag without rules, (b) 50 %
//! rollout, (c) rule with three conditions then a 25 % rollout. The client adds the
//! snapshot load and the usage count.
//! Run: cargo bench -p vexil-sdk --bench evaluate

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vexil_core::CompiledSnapshot;
use vexil_sdk::Client;

#[path = "../../core/benches/support/mod.rs"]
mod support;

fn scenario(c: &mut Criterion, name: &str, flag: serde_json::Value) {
    let json = support::snapshot_json(vec![flag]);
    let raw = CompiledSnapshot::from_json(json.as_bytes()).expect("valid");
    // Offline: the same evaluation path as a connected client, without a server.
    let client = Client::builder("http://127.0.0.1:9", "vx_srv_bench")
        .offline(true)
        .bootstrap_json(json)
        .build()
        .expect("client");
    let contexts = support::contexts();
    let mut group = c.benchmark_group(name);
    let mut i = 0;
    group.bench_function("core", |b| {
        b.iter(|| {
            i += 1;
            if i == contexts.len() {
                i = 0;
            }
            black_box(raw.evaluate(black_box("f"), &contexts[i]))
        });
    });
    let mut i = 0;
    group.bench_function("client", |b| {
        b.iter(|| {
            i += 1;
            if i == contexts.len() {
                i = 0;
            }
            black_box(client.bool_value(black_box("f"), &contexts[i], false))
        });
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    scenario(c, "a_boolean_no_rules", support::plain_flag("f"));
    scenario(c, "b_rollout_50_percent", support::rollout_flag("f"));
    scenario(c, "c_rule_3_conditions_then_rollout", support::rule_flag("f"));
}

criterion_group!(evaluate, benches);
criterion_main!(evaluate);
