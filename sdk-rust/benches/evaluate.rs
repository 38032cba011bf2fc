//! Evaluation through `Client` against raw `vexil-core`, for the scenarios of
//! `core/benches/evaluate.rs` (same fixtures): (a) boolean flag without rules, (b) 50 %
//! rollout, (c) rule with three conditions then a 25 % rollout. The client adds the
//! snapshot load and the usage count; `client_handle` is the same call through a
//! [`vexil_sdk::FlagHandle`] (no look-up by key).
//! Run: cargo bench -p vexil-sdk --bench evaluate

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vexil_core::CompiledSnapshot;
use vexil_sdk::{Client, Hook};

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
    let mut next = || {
        i += 1;
        if i == contexts.len() {
            i = 0;
        }
        &contexts[i]
    };
    group.bench_function("core", |b| b.iter(|| black_box(raw.evaluate(black_box("f"), next()))));
    group
        .bench_function("client", |b| b.iter(|| black_box(client.bool_value(black_box("f"), next(), false))));
    let handle = client.flag("f");
    group.bench_function("client_handle", |b| {
        b.iter(|| black_box(black_box(&handle).bool_value(next(), false)));
    });
    group.finish();
}

/// A hook with every stage left at its default: the cost of running hooks at all.
struct Nothing;
impl Hook for Nothing {}

fn typed(c: &mut Criterion) {
    let number = serde_json::json!({"key": "n", "kind": "number", "salt": "salt-n",
        "variants": [{"key": "low", "value": 10}, {"key": "high", "value": 1000}],
        "config": {"enabled": true, "off_variant": "low", "default": {"variant": "high"}, "version": 1}});
    let json = support::snapshot_json(vec![support::plain_flag("f"), number]);
    let build = |hooked: bool| {
        let b =
            Client::builder("http://127.0.0.1:9", "vx_srv_bench").offline(true).bootstrap_json(json.clone());
        let b = if hooked { b.hook(std::sync::Arc::new(Nothing)) } else { b };
        b.build().expect("client")
    };
    let (client, hooked) = (build(false), build(true));
    let contexts = &support::contexts();
    let mut group = c.benchmark_group("d_typed_calls");
    let mut i = 0;
    let mut next = move || {
        i = (i + 1) % contexts.len();
        &contexts[i]
    };
    group.bench_function("number_value", |b| {
        b.iter(|| black_box(client.number_value(black_box("n"), next(), 0.0)));
    });
    group.bench_function("int_value", |b| {
        b.iter(|| black_box(client.int_value(black_box("n"), next(), 0)));
    });
    group.bench_function("int_details", |b| {
        b.iter(|| black_box(client.int_details(black_box("n"), next(), 0)));
    });
    group.bench_function("bool_value", |b| {
        b.iter(|| black_box(client.bool_value(black_box("f"), next(), false)));
    });
    group.bench_function("bool_value_one_hook", |b| {
        b.iter(|| black_box(hooked.bool_value(black_box("f"), next(), false)));
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    scenario(c, "a_boolean_no_rules", support::plain_flag("f"));
    scenario(c, "b_rollout_50_percent", support::rollout_flag("f"));
    scenario(c, "c_rule_3_conditions_then_rollout", support::rule_flag("f"));
    typed(c);
}

criterion_group!(evaluate, benches);
criterion_main!(evaluate);
