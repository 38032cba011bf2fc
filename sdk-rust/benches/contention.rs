//! Throughput and latency of 8 threads evaluating one flag continuously through one
//! `Client` holding 1 000 flags, first idle, then while the snapshot is replaced 10
//! times per second through the real stream path (a local fake server pushes `flag`
//! events for another flag; each one is applied, the 1 000 flags compiled and swapped
//! in).
//!
//! Latency is measured per batch of 8 evaluations (timing each one would cost more
//! than the evaluation) and reported as percentiles of the batch time.
//! Run: cargo bench -p vexil-sdk --bench contention [-- --seconds 5]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use vexil_sdk::Client;

#[path = "../../core/benches/support/mod.rs"]
mod support;

mod common;

const THREADS: usize = 8;
const BATCH: usize = 8;
/// Batch times are histogrammed in 1 ns buckets up to this; longer ones go in the last.
const BUCKETS: usize = 1 << 16;

fn seconds_arg() -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
}

struct PhaseResult {
    evaluations: u64,
    histogram: Vec<u64>,
    max_ns: u64,
}

impl PhaseResult {
    fn percentile(&self, p: f64) -> u64 {
        let total: u64 = self.histogram.iter().sum();
        let target = ((total as f64) * p).ceil() as u64;
        let mut seen = 0;
        for (ns, n) in self.histogram.iter().enumerate() {
            seen += n;
            if seen >= target.max(1) {
                return ns as u64;
            }
        }
        self.max_ns
    }
}

fn run_phase(
    client: &Client,
    threads: usize,
    seconds: u64,
    swap: Option<&dyn Fn(u64)>,
) -> (PhaseResult, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let contexts = Arc::new(support::contexts());
    let version_before = client.version().unwrap_or(0);
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (client, stop, contexts) = (client.clone(), stop.clone(), contexts.clone());
            std::thread::spawn(move || {
                let mut histogram = vec![0u64; BUCKETS];
                let (mut evaluations, mut max_ns, mut i) = (0u64, 0u64, t * 1000);
                while !stop.load(Relaxed) {
                    let started = Instant::now();
                    for _ in 0..BATCH {
                        i += 1;
                        if i == contexts.len() {
                            i = 0;
                        }
                        black_box(client.bool_value(black_box("plain-0"), &contexts[i], false));
                    }
                    let ns = started.elapsed().as_nanos() as u64;
                    histogram[(ns as usize).min(BUCKETS - 1)] += 1;
                    max_ns = max_ns.max(ns);
                    evaluations += BATCH as u64;
                }
                PhaseResult { evaluations, histogram, max_ns }
            })
        })
        .collect();
    let started = Instant::now();
    let mut next_swap = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        match swap {
            Some(swap) => {
                swap(next_swap);
                next_swap += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    stop.store(true, Relaxed);
    let mut total = PhaseResult { evaluations: 0, histogram: vec![0; BUCKETS], max_ns: 0 };
    for w in workers {
        let r = w.join().expect("worker");
        total.evaluations += r.evaluations;
        total.max_ns = total.max_ns.max(r.max_ns);
        for (a, b) in total.histogram.iter_mut().zip(&r.histogram) {
            *a += b;
        }
    }
    let swaps = client.version().unwrap_or(0) - version_before;
    (total, swaps)
}

fn main() {
    let seconds = seconds_arg();
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let fake = common::start(&rt, support::mixed_snapshot_json());
    let client = Client::builder(&fake.base, "vx_srv_bench").send_events(false).build().expect("client");
    client.wait_until_ready_blocking(Duration::from_secs(30)).expect("ready");
    let version = Arc::new(AtomicU64::new(client.version().expect("version")));
    // The changes go to another flag of the snapshot, so that the evaluated flag costs
    // the same in both phases and the difference is the swapping alone.
    let push = |n: u64| {
        let mut flag = support::plain_flag("plain-3");
        flag["config"]["rules"] = serde_json::json!([{"id": format!("r{n}"), "conditions": [
            {"attribute": "plan", "op": "in", "values": ["enterprise"]}], "serve": {"variant": "off"}}]);
        let id = version.fetch_add(1, Relaxed) + 1;
        let _ = fake.push.send(common::flag_frame(id, &flag));
    };
    // Wait for the stream: a first change must come through.
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.version() == Some(version.load(Relaxed)) {
        push(u64::MAX);
        std::thread::sleep(Duration::from_millis(200));
        assert!(Instant::now() < deadline, "the stream never delivered");
    }
    // Let the pushes sent while connecting settle.
    std::thread::sleep(Duration::from_millis(500));
    version.store(client.version().expect("version"), Relaxed);

    println!(
        "{THREADS} threads, one flag of a 1 000-flag snapshot, {seconds} s per phase; latency per batch of {BATCH} evaluations"
    );
    println!(
        "{:<16} {:>14} {:>12} {:>10} {:>10} {:>10} {:>10} {:>7}",
        "phase", "evals/s", "ns/eval", "p50 ns", "p99 ns", "p99.9 ns", "max ns", "swaps"
    );
    // One and two threads first, to show how throughput scales with the two cores.
    for (name, threads, swaps) in [
        ("1 thread idle", 1, false),
        ("2 threads idle", 2, false),
        ("idle", THREADS, false),
        ("swaps 10/s", THREADS, true),
    ] {
        let swap_fn: &dyn Fn(u64) = &push;
        let (r, applied) = run_phase(&client, threads, seconds, swaps.then_some(swap_fn));
        let per_second = r.evaluations as f64 / seconds as f64;
        println!(
            "{:<16} {:>14.0} {:>12.2} {:>10} {:>10} {:>10} {:>10} {:>7}",
            name,
            per_second,
            1e9 * threads as f64 / per_second,
            r.percentile(0.50),
            r.percentile(0.99),
            r.percentile(0.999),
            r.max_ns,
            applied
        );
    }
    drop(client);
    drop(rt);
}
