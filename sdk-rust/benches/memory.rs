//! Heap held by a client with 1 000 flags (the mixed snapshot of the core benchmarks),
//! measured with a counting global allocator: a connected client (through a local fake
//! server: compiled snapshot, its model for applying changes, usage counters, HTTP
//! client, runtime and stream buffers) and an offline one. Target: < 8 MiB.
//! Run: cargo bench -p vexil-sdk --bench memory
#![expect(unsafe_code, reason = "a GlobalAlloc implementation is unsafe by definition")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::Duration;

use vexil_sdk::{Client, Context};

#[path = "../../core/benches/support/mod.rs"]
mod support;

mod common;

struct Counting;
static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: defers to the system allocator and only counts on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn report(name: &str, bytes: isize) {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    let verdict = if mib < 8.0 { "ok" } else { "OVER the 8 MiB target" };
    println!("{name}: {bytes} bytes ({mib:.3} MiB) {verdict}");
}

fn main() {
    let json = support::mixed_snapshot_json();
    let contexts = support::contexts();
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let fake = common::start(&rt, json.clone());
    std::thread::sleep(Duration::from_millis(100));

    let before = LIVE_BYTES.load(Relaxed);
    let client = Client::builder(&fake.base, "vx_srv_bench").build().expect("client");
    client.wait_until_ready_blocking(Duration::from_secs(30)).expect("ready");
    // Let the stream open and the first flush run, then touch every flag once.
    std::thread::sleep(Duration::from_millis(1500));
    let all = client.all_flags(&contexts[0]);
    assert_eq!(all.flags.len(), 1000);
    drop(all);
    for key in ["plain-0", "rollout-1", "rule-2"] {
        client.bool_value(key, &Context::new("user-1"), false);
    }
    report("heap_held_by_connected_client_1000_flags", LIVE_BYTES.load(Relaxed) - before);
    drop(client);
    drop(rt);

    let before = LIVE_BYTES.load(Relaxed);
    let offline = Client::builder("http://127.0.0.1:9", "vx_srv_bench")
        .offline(true)
        .bootstrap_json(json.as_bytes())
        .build()
        .expect("client");
    // On a thread of its own: the main thread's cached snapshot belongs to the first
    // client, and replacing it here would free that one's memory inside this window.
    std::thread::scope(|s| {
        s.spawn(|| offline.bool_value("plain-0", &contexts[0], false));
    });
    report("heap_held_by_offline_client_1000_flags", LIVE_BYTES.load(Relaxed) - before);
}
