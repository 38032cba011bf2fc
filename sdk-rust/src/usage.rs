//! Usage counters: one flat array of atomic counters per compiled snapshot, a slot per
//! (flag, variant), repeated in stripes so that threads evaluating the same flag do not
//! bounce one cache line between cores.
//!
//! Each of the first `STRIPES - 1` stripes belongs to one thread at a time, which counts
//! with a plain load and store (no locked instruction on the evaluation path); the
//! flusher reads those counters without resetting them and reports the difference from
//! what it saw last. Threads beyond that share the last stripe with `fetch_add`, which
//! the flusher empties with `swap(0)`. Either way an increment is counted exactly once
//! whichever side of a flush it lands on. A thread's stripe is returned when it exits.
//!
//! Clones share the counters: the next version of a snapshot with the same layout keeps
//! counting into them (see `loaded`).

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

/// Number of stripes. A power of two; 16 lets 8 busy threads each have their own.
pub(crate) const STRIPES: usize = 16;

/// Counters per cache line.
const PER_LINE: usize = 8;

/// One cache line of counters: stripes never share a line.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Line([AtomicU64; PER_LINE]);

/// Stripes owned by one thread each; stripe `OWNED` is shared by all other threads.
const OWNED: usize = STRIPES - 1;

/// Striped counters for `slots` (flag, variant) pairs. Clones share them.
#[derive(Debug, Clone)]
pub(crate) struct UsageCounters {
    lines: Arc<[Line]>,
    /// What the flusher last read from each owned counter (same layout as `lines`).
    seen: Arc<[AtomicU64]>,
    lines_per_stripe: usize,
}

/// A thread's stripe; an owned one goes back to the pool when the thread exits.
struct StripeSlot(Cell<usize>);

impl Drop for StripeSlot {
    fn drop(&mut self) {
        let s = self.0.get();
        if s < OWNED {
            FREE_STRIPES.lock().unwrap_or_else(|e| e.into_inner()).push(s);
        }
    }
}

thread_local! {
    static STRIPE: StripeSlot = const { StripeSlot(Cell::new(usize::MAX)) };
}

static NEXT_STRIPE: AtomicUsize = AtomicUsize::new(0);
static FREE_STRIPES: Mutex<Vec<usize>> = Mutex::new(Vec::new());

fn claim_stripe() -> usize {
    if let Some(s) = FREE_STRIPES.lock().unwrap_or_else(|e| e.into_inner()).pop() {
        return s;
    }
    NEXT_STRIPE.fetch_add(1, Relaxed).min(OWNED)
}

/// The calling thread's stripe.
#[inline]
pub(crate) fn stripe() -> usize {
    STRIPE
        .try_with(|s| {
            let v = s.0.get();
            if v != usize::MAX {
                return v;
            }
            let v = claim_stripe();
            s.0.set(v);
            v
        })
        // Only during thread teardown: the shared stripe is always safe.
        .unwrap_or(OWNED)
}

impl UsageCounters {
    pub(crate) fn new(slots: usize) -> UsageCounters {
        let lines_per_stripe = slots.div_ceil(PER_LINE);
        let lines: Arc<[Line]> = (0..lines_per_stripe * STRIPES).map(|_| Line::default()).collect();
        let seen = (0..lines.len() * PER_LINE).map(|_| AtomicU64::new(0)).collect();
        UsageCounters { lines, seen, lines_per_stripe }
    }

    /// Whether `other` counts into the same counters.
    pub(crate) fn is_shared_with(&self, other: &UsageCounters) -> bool {
        Arc::ptr_eq(&self.lines, &other.lines)
    }

    /// Number of slots.
    #[cfg(test)]
    pub(crate) fn slots(&self) -> usize {
        self.lines_per_stripe * PER_LINE
    }

    /// Counts one use of `slot` on the calling thread's stripe.
    #[inline]
    pub(crate) fn add(&self, slot: usize) {
        let stripe = stripe();
        let line = stripe * self.lines_per_stripe + slot / PER_LINE;
        if let Some(l) = self.lines.get(line) {
            let c = &l.0[slot % PER_LINE];
            if stripe < OWNED {
                // This thread is the only writer of its stripe.
                c.store(c.load(Relaxed).wrapping_add(1), Relaxed);
            } else {
                c.fetch_add(1, Relaxed);
            }
        }
    }

    /// The uses of `slot` since the last `take`, over every stripe.
    pub(crate) fn take(&self, slot: usize) -> u64 {
        let mut total = 0u64;
        for s in 0..STRIPES {
            let line = s * self.lines_per_stripe + slot / PER_LINE;
            let Some(l) = self.lines.get(line) else { continue };
            let c = &l.0[slot % PER_LINE];
            let n = if s < OWNED {
                // Owned counters only grow, so `fetch_max` keeps two overlapping takes
                // from reporting the same increments twice.
                let now = c.load(Relaxed);
                let before = self
                    .seen
                    .get(line * PER_LINE + slot % PER_LINE)
                    .map_or(0, |seen| seen.fetch_max(now, Relaxed));
                now.saturating_sub(before)
            } else {
                c.swap(0, Relaxed)
            };
            total = total.saturating_add(n);
        }
        total
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lines.len() * std::mem::size_of::<Line>() + self.seen.len() * std::mem::size_of::<AtomicU64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(c.heap_bytes(), 2 * STRIPES * 64 + 2 * STRIPES * PER_LINE * 8);
    }

    #[test]
    fn a_slot_out_of_range_is_ignored_rather_than_panicking() {
        let c = UsageCounters::new(1);
        c.add(10_000);
        assert_eq!(c.take(10_000), 0);
    }

    #[test]
    fn more_threads_than_stripes_still_count_exactly_and_stripes_are_reused() {
        let c = Arc::new(UsageCounters::new(2));
        for round in 0..3 {
            // 40 threads: the first ones own stripes, the rest share the last one.
            let threads: Vec<_> = (0..40)
                .map(|_| {
                    let c = c.clone();
                    std::thread::spawn(move || {
                        for _ in 0..1_000 {
                            c.add(0);
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            assert_eq!(c.take(0), 40_000, "round {round}");
        }
        assert!(NEXT_STRIPE.load(Relaxed) < 40 * 3, "exited threads give their stripes back");
    }

    #[test]
    fn taking_while_counting_loses_and_repeats_nothing() {
        let c = Arc::new(UsageCounters::new(1));
        let writer = {
            let c = c.clone();
            std::thread::spawn(move || {
                for _ in 0..200_000 {
                    c.add(0);
                }
            })
        };
        let mut taken = 0;
        while !writer.is_finished() {
            taken += c.take(0);
        }
        writer.join().unwrap();
        taken += c.take(0);
        assert_eq!(taken, 200_000);
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
        let takers: Vec<_> = (0..2)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || {
                    let takes = (0..50_000).map(|_| c.take(0));
                    takes.inspect(|&n| assert!(n <= 200_000, "a take reported {n}")).sum::<u64>()
                })
            })
            .collect();
        writer.join().unwrap();
        let mut total: u64 = takers.into_iter().map(|t| t.join().unwrap()).sum();
        total += c.take(0);
        assert_eq!(total, 200_000);
    }
}
