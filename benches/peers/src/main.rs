//! Vexil's evaluation core next to `unleash-yggdrasil` and
//! `launchdarkly-server-sdk-evaluation` on one generated workload, in one process,
//! interleaved (each round runs every engine once, in a rotating order), printing
//! medians, ranges and ratios. Results and the machine go in docs/benchmarks.md.
//!
//! Run: `cd benches/peers && cargo run --release -- [rounds]`.
//!
//! The workload is docs/benchmarks.md's: (a) a boolean flag with no rules, (b) a 50 %
//! rollout on the context key, (c) a rule of three conditions (country in 10 values,
//! plan in 1, version at least 2.0.0) then a 25 % rollout, (d) 1 000 flags (a third of
//! each) by key and in bulk, (e) loading the 1 000-flag configuration from its JSON,
//! (f) heap held by the loaded configuration, (g) allocations per evaluation. Each engine
//! gets the same flags written in its own format. Where an engine lacks an operator the
//! nearest one stands in: "version >= 2.0.0" is "greater than 1.99.99" for the two peers
//! (the same answer for every context generated here, all of which are 2.x.y).
#![allow(unsafe_code, reason = "a counting GlobalAlloc is unsafe by definition")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use serde_json::{Value, json};

struct Counting;
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator and only counts on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(layout.size(), Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(new_size, Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const COUNTRIES: [&str; 10] = ["DE", "FR", "IT", "ES", "PL", "NL", "BE", "AT", "CH", "SE"];
const CONTEXTS: usize = 10_000;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Plain,
    Rollout,
    Rule,
}

fn kind_of(i: usize) -> Kind {
    [Kind::Plain, Kind::Rollout, Kind::Rule][i % 3]
}

fn key_of(kind: Kind, i: usize) -> String {
    match kind {
        Kind::Plain => format!("plain-{i}"),
        Kind::Rollout => format!("rollout-{i}"),
        Kind::Rule => format!("rule-{i}"),
    }
}

// ---- the same flags in each engine's format ----

fn vexil_flag(kind: Kind, key: &str) -> Value {
    let variants = json!([{"key": "on", "value": true}, {"key": "off", "value": false}]);
    let split = |on: u32| json!({"rollout": {"weights": [{"variant": "on", "weight": on}, {"variant": "off", "weight": 100_000 - on}]}});
    let config = match kind {
        Kind::Plain => {
            json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}, "version": 1})
        }
        Kind::Rollout => {
            json!({"enabled": true, "off_variant": "off", "default": split(50_000), "version": 1})
        }
        Kind::Rule => {
            json!({"enabled": true, "off_variant": "off", "version": 1, "default": {"variant": "off"},
            "rules": [{"id": "eu-pro-v2", "serve": split(25_000), "conditions": [
                {"attribute": "country", "op": "in", "values": COUNTRIES},
                {"attribute": "plan", "op": "in", "values": ["pro"]},
                {"attribute": "version", "op": "semver_gte", "values": ["2.0.0"]}]}]})
        }
    };
    json!({"key": key, "kind": "boolean", "salt": format!("salt-{key}"), "variants": variants, "config": config})
}

fn vexil_json(flags: &[(Kind, String)]) -> String {
    let flags: Vec<Value> = flags.iter().map(|(k, key)| vexil_flag(*k, key)).collect();
    json!({"environment": "production", "version": 1, "flags": flags, "segments": []}).to_string()
}

fn unleash_feature(kind: Kind, key: &str) -> Value {
    let rollout = |percent: u32, constraints: Value| {
        json!({"name": "flexibleRollout", "constraints": constraints,
               "parameters": {"rollout": percent.to_string(), "stickiness": "default", "groupId": format!("salt-{key}")}})
    };
    let strategy = match kind {
        Kind::Plain => json!({"name": "default", "parameters": {}}),
        Kind::Rollout => rollout(50, json!([])),
        Kind::Rule => rollout(
            25,
            json!([
            {"contextName": "country", "operator": "IN", "values": COUNTRIES},
            {"contextName": "plan", "operator": "IN", "values": ["pro"]},
            {"contextName": "version", "operator": "SEMVER_GT", "value": "1.99.99"}]),
        ),
    };
    json!({"name": key, "type": "release", "enabled": true, "strategies": [strategy]})
}

fn unleash_json(flags: &[(Kind, String)]) -> String {
    let features: Vec<Value> = flags.iter().map(|(k, key)| unleash_feature(*k, key)).collect();
    json!({"version": 2, "features": features}).to_string()
}

fn ld_flag(kind: Kind, key: &str) -> Value {
    let split = |on: u32| json!({"rollout": {"variations": [{"variation": 0, "weight": on}, {"variation": 1, "weight": 100_000 - on}]}});
    let (fallthrough, rules) = match kind {
        Kind::Plain => (json!({"variation": 0}), json!([])),
        Kind::Rollout => (split(50_000), json!([])),
        Kind::Rule => {
            let mut rule = json!({"id": "eu-pro-v2", "trackEvents": false, "clauses": [
                {"contextKind": "user", "attribute": "country", "op": "in", "values": COUNTRIES, "negate": false},
                {"contextKind": "user", "attribute": "plan", "op": "in", "values": ["pro"], "negate": false},
                {"contextKind": "user", "attribute": "version", "op": "semVerGreaterThan", "values": ["1.99.99"], "negate": false}]});
            rule["rollout"] = split(25_000)["rollout"].clone();
            (json!({"variation": 1}), json!([rule]))
        }
    };
    json!({"key": key, "version": 1, "on": true, "targets": [], "contextTargets": [], "rules": rules,
           "prerequisites": [], "fallthrough": fallthrough, "offVariation": 1, "variations": [true, false],
           "salt": format!("salt-{key}"), "clientSide": false, "trackEvents": false,
           "trackEventsFallthrough": false, "deleted": false})
}

fn ld_json(flags: &[(Kind, String)]) -> String {
    let map: serde_json::Map<String, Value> =
        flags.iter().map(|(k, key)| (key.clone(), ld_flag(*k, key))).collect();
    Value::Object(map).to_string()
}

// ---- engines ----

type LdFlags = HashMap<String, launchdarkly_server_sdk_evaluation::Flag>;

struct LdStore(LdFlags);
impl launchdarkly_server_sdk_evaluation::Store for LdStore {
    fn flag(&self, key: &str) -> Option<launchdarkly_server_sdk_evaluation::Flag> {
        self.0.get(key).cloned()
    }
    fn segment(&self, _: &str) -> Option<launchdarkly_server_sdk_evaluation::Segment> {
        None
    }
}

/// As the SDK loads a configuration: parsed and compiled leniently (one flag that cannot
/// be used never stops the rest).
fn load_vexil(json: &str) -> vexil_core::CompiledSnapshot {
    let parsed = vexil_core::Snapshot::from_json_lenient(json.as_bytes()).expect("a Vexil snapshot");
    let loaded = vexil_core::CompiledSnapshot::compile_lenient_with(&parsed.snapshot, &parsed.unparsed);
    assert!(loaded.failures.is_empty(), "Vexil refused part of the workload");
    loaded.compiled
}

fn load_unleash(json: &str) -> unleash_yggdrasil::EngineState {
    let features: unleash_yggdrasil::ClientFeatures =
        serde_json::from_str(json).expect("valid Unleash features");
    let engine = unleash_yggdrasil::EngineState::default();
    let warnings = engine.take_state(unleash_yggdrasil::UpdateMessage::FullResponse(features));
    assert!(warnings.is_none_or(|w| w.is_empty()), "Unleash warned about the workload");
    engine
}

fn load_ld(json: &str) -> LdStore {
    LdStore(serde_json::from_str(json).expect("valid LaunchDarkly flags"))
}

struct Contexts {
    vexil: Vec<vexil_core::Context>,
    unleash: Vec<unleash_yggdrasil::Context>,
    ld: Vec<launchdarkly_server_sdk_evaluation::Context>,
}

fn contexts() -> Contexts {
    let attrs = |i: usize| {
        (format!("user-{i:05}"), COUNTRIES[i % COUNTRIES.len()], format!("2.{}.{}", i % 7, i % 13))
    };
    Contexts {
        vexil: (0..CONTEXTS)
            .map(|i| {
                let (key, country, version) = attrs(i);
                vexil_core::Context::new(key).with("country", country).with("plan", "pro").with("version", version)
            })
            .collect(),
        unleash: (0..CONTEXTS)
            .map(|i| {
                let (key, country, version) = attrs(i);
                serde_json::from_value(json!({"userId": key, "properties": {"country": country, "plan": "pro", "version": version}}))
                    .expect("valid Unleash context")
            })
            .collect(),
        ld: (0..CONTEXTS)
            .map(|i| {
                let (key, country, version) = attrs(i);
                launchdarkly_server_sdk_evaluation::ContextBuilder::new(key)
                    .set_string("country", country)
                    .set_string("plan", "pro")
                    .set_string("version", version)
                    .build()
                    .expect("valid LaunchDarkly context")
            })
            .collect(),
    }
}

// ---- measurement ----

/// Runs `run(engine)` for each engine in each round, rotating the order, and returns
/// each engine's nanoseconds per operation per round.
fn interleave(rounds: usize, ops: usize, mut run: impl FnMut(usize)) -> [Vec<f64>; 3] {
    let mut out: [Vec<f64>; 3] = Default::default();
    for r in 0..rounds {
        for k in 0..3 {
            let e = (r + k) % 3;
            let t = Instant::now();
            run(e);
            out[e].push(t.elapsed().as_nanos() as f64 / ops as f64);
        }
    }
    out
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn show(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn row(name: &str, r: &[Vec<f64>; 3]) {
    let m: Vec<f64> = r.iter().map(|v| median(v)).collect();
    let cells: Vec<String> = r
        .iter()
        .zip(&m)
        .map(|(v, m)| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(0.0, f64::max);
            format!("{} ({}–{})", show(*m), show(lo), show(hi))
        })
        .collect();
    println!(
        "| {name} | {} | {} | {} | {:.1}x | {:.1}x |",
        cells[0],
        cells[1],
        cells[2],
        m[1] / m[0],
        m[2] / m[0]
    );
}

fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Relaxed);
    f();
    ALLOCATIONS.load(Relaxed) - before
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    let cx = contexts();
    println!(
        "| scenario | vexil-core | unleash-yggdrasil | launchdarkly-server-sdk-evaluation | unleash / vexil | launchdarkly / vexil |"
    );
    println!("|---|---|---|---|---|---|");

    // (a)-(c): one flag.
    for (kind, name) in [
        (Kind::Plain, "(a) boolean, no rules"),
        (Kind::Rollout, "(b) 50 % rollout"),
        (Kind::Rule, "(c) 3 conditions, then 25 %"),
    ] {
        let one = [(kind, "f".to_owned())];
        let (v, u, l) =
            (load_vexil(&vexil_json(&one)), load_unleash(&unleash_json(&one)), load_ld(&ld_json(&one)));
        let ld_flag = &l.0["f"];
        // The three engines agree on every context (each serves "on" exactly when the others do).
        for i in 0..CONTEXTS {
            let a = v.evaluate("f", &cx.vexil[i]).variant == Some("on");
            let b = u.is_enabled("f", &cx.unleash[i], &None);
            let c = launchdarkly_server_sdk_evaluation::evaluate(&l, ld_flag, &cx.ld[i], None)
                .variation_index
                == Some(0);
            if kind != Kind::Rollout && kind != Kind::Rule {
                assert!(a == b && b == c, "engines disagree on context {i}");
            }
        }
        let n = 200_000;
        let r = interleave(rounds, n, |e| match e {
            0 => (0..n).for_each(|i| {
                black_box(v.evaluate(black_box("f"), &cx.vexil[i % CONTEXTS]));
            }),
            1 => (0..n).for_each(|i| {
                black_box(u.is_enabled(black_box("f"), &cx.unleash[i % CONTEXTS], &None));
            }),
            _ => (0..n).for_each(|i| {
                let flag = l.0.get(black_box("f")).expect("present");
                black_box(launchdarkly_server_sdk_evaluation::evaluate(&l, flag, &cx.ld[i % CONTEXTS], None));
            }),
        });
        row(name, &r);
    }

    // (d) and (e): 1 000 flags.
    let flags: Vec<(Kind, String)> = (0..1000).map(|i| (kind_of(i), key_of(kind_of(i), i))).collect();
    let (vj, uj, lj) = (vexil_json(&flags), unleash_json(&flags), ld_json(&flags));
    let (v, u, l) = (load_vexil(&vj), load_unleash(&uj), load_ld(&lj));
    let n = 200;
    let r = interleave(rounds, n, |e| match e {
        0 => (0..n).for_each(|i| {
            for (_, key) in &flags {
                black_box(v.evaluate(key, &cx.vexil[i]));
            }
        }),
        1 => (0..n).for_each(|i| {
            for (_, key) in &flags {
                black_box(u.is_enabled(key, &cx.unleash[i], &None));
            }
        }),
        _ => (0..n).for_each(|i| {
            for (_, key) in &flags {
                let flag = l.0.get(key).expect("present");
                black_box(launchdarkly_server_sdk_evaluation::evaluate(&l, flag, &cx.ld[i], None));
            }
        }),
    });
    row("(d) 1 000 flags by key, one context", &r);
    let r = interleave(rounds, n, |e| match e {
        0 => (0..n).for_each(|i| {
            for result in v.evaluate_all(&cx.vexil[i]) {
                black_box(result);
            }
        }),
        1 => (0..n).for_each(|i| {
            black_box(u.resolve_all(&cx.unleash[i], &None));
        }),
        // No bulk call in this crate: every flag of the map, as a caller would.
        _ => (0..n).for_each(|i| {
            for flag in l.0.values() {
                black_box(launchdarkly_server_sdk_evaluation::evaluate(&l, flag, &cx.ld[i], None));
            }
        }),
    });
    row("(d) 1 000 flags in bulk, one context", &r);
    let n = 10;
    let r = interleave(rounds, n, |e| match e {
        0 => (0..n).for_each(|_| drop(black_box(load_vexil(black_box(&vj))))),
        1 => (0..n).for_each(|_| drop(black_box(load_unleash(black_box(&uj))))),
        _ => (0..n).for_each(|_| drop(black_box(load_ld(black_box(&lj))))),
    });
    row("(e) load 1 000 flags from JSON", &r);
    drop((v, u, l));

    // (f) heap held after loading, (g) allocations per evaluation.
    let held = |load: &dyn Fn() -> Box<dyn std::any::Any>| {
        let before = LIVE_BYTES.load(Relaxed);
        let x = load();
        let held = LIVE_BYTES.load(Relaxed) - before;
        drop(x);
        held
    };
    let hv = held(&|| Box::new(load_vexil(&vj)));
    let hu = held(&|| Box::new(load_unleash(&uj)));
    let hl = held(&|| Box::new(load_ld(&lj)));
    let kib = |b: usize| format!("{:.0} KiB", b as f64 / 1024.0);
    println!(
        "| (f) heap held by the loaded 1 000 flags | {} | {} | {} | {:.1}x | {:.1}x |",
        kib(hv),
        kib(hu),
        kib(hl),
        hu as f64 / hv as f64,
        hl as f64 / hv as f64
    );
    for (kind, name) in [
        (Kind::Plain, "(g) allocations per evaluation, (a)"),
        (Kind::Rollout, "(g) allocations per evaluation, (b)"),
        (Kind::Rule, "(g) allocations per evaluation, (c)"),
    ] {
        let one = [(kind, "f".to_owned())];
        let (v, u, l) =
            (load_vexil(&vexil_json(&one)), load_unleash(&unleash_json(&one)), load_ld(&ld_json(&one)));
        let flag = &l.0["f"];
        let n = 10_000;
        let av = allocations(|| {
            (0..n).for_each(|i| {
                black_box(v.evaluate("f", &cx.vexil[i]));
            })
        });
        let au = allocations(|| {
            (0..n).for_each(|i| {
                black_box(u.is_enabled("f", &cx.unleash[i], &None));
            })
        });
        let al = allocations(|| {
            (0..n).for_each(|i| {
                drop(black_box(launchdarkly_server_sdk_evaluation::evaluate(&l, flag, &cx.ld[i], None)))
            })
        });
        let per = |a: usize| a as f64 / n as f64;
        println!("| {name} | {:.2} | {:.2} | {:.2} | | |", per(av), per(au), per(al));
    }
}
