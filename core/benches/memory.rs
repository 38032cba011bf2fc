//! Heap figures: bytes held by a compiled 1 000-flag snapshot, and allocations per
//! evaluation. Prints a table; docs/benchmarks.md records it.
//! Run: cargo bench -p vexil-core --bench memory
#![expect(unsafe_code, reason = "a GlobalAlloc implementation is unsafe by definition")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use vexil_core::CompiledSnapshot;

mod support;

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

fn main() {
    let json = support::mixed_snapshot_json();
    let before = LIVE_BYTES.load(Relaxed);
    let snapshot = CompiledSnapshot::from_json(json.as_bytes()).expect("valid");
    let held = LIVE_BYTES.load(Relaxed) - before;
    println!("f_heap_held_by_compiled_1000_flags: {held} bytes ({:.3} MiB)", held as f64 / 1048576.0);

    let contexts = support::contexts();
    for (name, flag) in [
        ("a_boolean_no_rules", "plain-0"),
        ("b_rollout_50_percent", "rollout-1"),
        ("c_rule_3_conditions_then_rollout", "rule-2"),
    ] {
        black_box(snapshot.evaluate(flag, &contexts[0]));
        let before = ALLOCATIONS.load(Relaxed);
        for ctx in &contexts {
            black_box(snapshot.evaluate(black_box(flag), ctx));
        }
        let n = ALLOCATIONS.load(Relaxed) - before;
        println!(
            "g_allocations_per_evaluation {name}: {} ({n} over {} evaluations)",
            n as f64 / contexts.len() as f64,
            contexts.len()
        );
    }
}
