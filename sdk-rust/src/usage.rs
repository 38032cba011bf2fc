//! Usage counters: one flat array of atomic counters per compiled snapshot, a slot per
//! (flag, variant), repeated in stripes so that threads evaluating the same flag do not
//! bounce one cache line between cores.
//!
//! Counting is one relaxed `fetch_add` on the evaluation path: no lock, no hashing, no
//! allocation. The flusher empties counters with `swap(0)`, so an increment is counted
//! exactly once whichever side of a flush it lands on.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

/// Number of stripes. A power of two; 16 lets 8 busy threads each have their own.
pub(crate) const STRIPES: usize = 16;

/// Counters per cache line.
const PER_LINE: usize = 8;

/// One cache line of counters: stripes never share a line.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Line([AtomicU64; PER_LINE]);

/// Striped counters for `slots` (flag, variant) pairs.
#[derive(Debug)]
pub(crate) struct UsageCounters {
    lines: Box<[Line]>,
    lines_per_stripe: usize,
}

thread_local! {
    /// This thread's stripe, assigned round-robin on first use.
    static STRIPE: Cell<usize> = const { Cell::new(usize::MAX) };
}

static NEXT_STRIPE: AtomicUsize = AtomicUsize::new(0);

/// The calling thread's stripe.
#[inline]
pub(crate) fn stripe() -> usize {
    STRIPE
        .try_with(|s| {
            let v = s.get();
            if v != usize::MAX {
                return v;
            }
            let v = NEXT_STRIPE.fetch_add(1, Relaxed) % STRIPES;
            s.set(v);
            v
        })
        // Only during thread teardown; any stripe is correct, just possibly shared.
        .unwrap_or(0)
}

impl UsageCounters {
    pub(crate) fn new(slots: usize) -> UsageCounters {
        let lines_per_stripe = slots.div_ceil(PER_LINE);
        let lines = (0..lines_per_stripe * STRIPES).map(|_| Line::default()).collect();
        UsageCounters { lines, lines_per_stripe }
    }

    /// Number of slots.
    #[cfg(test)]
    pub(crate) fn slots(&self) -> usize {
        self.lines_per_stripe * PER_LINE
    }

    /// Counts one use of `slot` on the calling thread's stripe.
    #[inline]
    pub(crate) fn add(&self, slot: usize) {
        let line = stripe() * self.lines_per_stripe + slot / PER_LINE;
        if let Some(l) = self.lines.get(line) {
            l.0[slot % PER_LINE].fetch_add(1, Relaxed);
        }
    }

    /// Empties `slot` in every stripe and returns its total.
    pub(crate) fn take(&self, slot: usize) -> u64 {
        (0..STRIPES)
            .filter_map(|s| self.lines.get(s * self.lines_per_stripe + slot / PER_LINE))
            .map(|l| l.0[slot % PER_LINE].swap(0, Relaxed))
            .fold(0u64, u64::saturating_add)
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lines.len() * std::mem::size_of::<Line>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn counts_from_many_threads_add_up_and_take_empties_them() {
        let c = Arc::new(UsageCounters::new(3));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for _ in 0..10_000 {
                        c.add(1);
                    }
                    c.add(2);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(c.take(1), 80_000);
        assert_eq!(c.take(2), 8);
        assert_eq!(c.take(0), 0);
        assert_eq!(c.take(1), 0, "take empties the slot");
    }

    #[test]
    fn stripes_are_cache_line_aligned_and_do_not_share_lines() {
        let c = UsageCounters::new(9);
        assert_eq!(c.slots(), 16);
        assert_eq!(std::mem::align_of::<Line>(), 64);
        assert_eq!(c.heap_bytes(), 2 * STRIPES * 64);
    }

    #[test]
    fn a_slot_out_of_range_is_ignored_rather_than_panicking() {
        let c = UsageCounters::new(1);
        c.add(10_000);
        assert_eq!(c.take(10_000), 0);
    }

    #[test]
    fn a_thread_keeps_its_stripe() {
        let a = stripe();
        assert_eq!(stripe(), a);
        assert!(a < STRIPES);
    }

    #[test]
    fn concurrent_takes_never_count_an_increment_twice() {
        let c = Arc::new(UsageCounters::new(1));
        let writer = {
            let c = c.clone();
            std::thread::spawn(move || {
                for _ in 0..200_000 {
                    c.add(0);
                }
            })
        };
        let mut total = 0;
        while !writer.is_finished() {
            total += c.take(0);
        }
        writer.join().unwrap();
        total += c.take(0);
        assert_eq!(total, 200_000);
    }
}
