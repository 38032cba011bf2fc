//! What readers load: a compiled snapshot together with the usage counters allocated
//! for it. Immutable once built; a change builds a new one that is swapped in whole.
//!
//! Counters are laid out by flag position and variant. A version with the same flags
//! in the same order, each with the same variant keys (any change but a create, a
//! delete or an edit of variants), shares the counters and lookups of the version it
//! replaces: counts recorded before the swap stay where they are, under the same
//! names, and building the next version costs a pointer comparison per flag plus what
//! the change touched. Any other version gets new counters, and the replaced ones are
//! harvested (see `events`).

use std::sync::Arc;

use vexil_core::{CompiledSnapshot, Failure, LenientCompile};

use crate::usage::UsageCounters;

/// Per-flag lookup for counting: the flag's first usage slot and, for a watched flag,
/// its position in the watch list.
#[derive(Debug, Clone, Copy)]
struct FlagSlots {
    offset: u32,
    watch: u32,
}

const NOT_WATCHED: u32 = u32::MAX;

/// A watched flag's variant keys, in order.
type VariantKeys = Box<[Arc<str>]>;

/// A compiled snapshot, its usage counters and what is needed to report them.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) compiled: CompiledSnapshot,
    /// By flag index. This and `watched_variants` go with `usage`: versions that share
    /// the counters share them too.
    slots: Arc<[FlagSlots]>,
    usage: UsageCounters,
    /// Variant keys of watched flags, by flag index, shared with the served-variant
    /// memory so that recording one clones an `Arc` rather than a string.
    watched_variants: Arc<[Option<VariantKeys>]>,
    /// Flags (indices) whose variant depends on bucketing: metric events are
    /// attributed to their variants without configuration. Sorted.
    pub(crate) rollout_flags: Arc<[usize]>,
    /// What could not be compiled (flags first), from the lenient compilation.
    pub(crate) failures: Arc<[Failure]>,
    pub(crate) failed_flags: usize,
}

/// One watched flag's served variant, as recorded on the evaluation path.
#[derive(Debug, Clone)]
pub(crate) struct Served {
    pub(crate) watch: u32,
    pub(crate) variant: Arc<str>,
}

impl Loaded {
    /// Counters and lookups for a compilation (its failures are kept for reporting),
    /// shared with `previous`, the version it replaces, when the flags' layout is the
    /// same.
    pub(crate) fn next(previous: Option<&Loaded>, compiled: LenientCompile, watch: &[String]) -> Loaded {
        let failed_flags = compiled.failed_flags().count();
        let failures = compiled.failures.into();
        let compiled = compiled.compiled;
        let kept = previous.and_then(|p| Some((p, p.rollouts_if_same_layout(&compiled)?)));
        let mut loaded = match kept {
            Some((p, rollout_flags)) => Loaded {
                compiled,
                slots: p.slots.clone(),
                usage: p.usage.clone(),
                watched_variants: p.watched_variants.clone(),
                rollout_flags,
                failures: Arc::new([]),
                failed_flags: 0,
            },
            None => Loaded::from_compiled(compiled, watch),
        };
        loaded.failures = failures;
        loaded.failed_flags = failed_flags;
        loaded
    }

    pub(crate) fn from_compiled(compiled: CompiledSnapshot, watch: &[String]) -> Loaded {
        let mut offset = 0usize;
        let mut slots = Vec::with_capacity(compiled.len());
        let mut watched_variants = Vec::with_capacity(compiled.len());
        for flag in compiled.flags() {
            let position = watch.iter().position(|w| w == flag.key());
            slots.push(FlagSlots {
                offset: u32::try_from(offset).unwrap_or(u32::MAX),
                watch: position.and_then(|p| u32::try_from(p).ok()).unwrap_or(NOT_WATCHED),
            });
            watched_variants.push(position.map(|_| flag.variants().map(|(k, _)| Arc::from(k)).collect()));
            offset += flag.variants().len();
        }
        let rollout_flags =
            compiled.flags().enumerate().filter(|(_, f)| f.has_rollout()).map(|(i, _)| i).collect();
        Loaded {
            usage: UsageCounters::new(offset),
            compiled,
            slots: slots.into(),
            watched_variants: watched_variants.into(),
            rollout_flags,
            failures: Arc::new([]),
            failed_flags: 0,
        }
    }

    /// When `next` has this version's flags in the same order, each with the same
    /// variant keys, the rollout flags of `next`: counters laid out for this version
    /// count `next`'s evaluations under the right names. Flags that `next` shares
    /// with this version are not looked into.
    fn rollouts_if_same_layout(&self, next: &CompiledSnapshot) -> Option<Arc<[usize]>> {
        if self.compiled.len() != next.len() {
            return None;
        }
        let mut flipped = Vec::new();
        for (i, (a, b)) in self.compiled.flags().zip(next.flags()).enumerate() {
            if a.is_same(&b) {
                continue;
            }
            if a.key() != b.key() || !a.variants().map(|(k, _)| k).eq(b.variants().map(|(k, _)| k)) {
                return None;
            }
            if a.has_rollout() != b.has_rollout() {
                flipped.push(i);
            }
        }
        if flipped.is_empty() {
            return Some(self.rollout_flags.clone());
        }
        let mut rollouts = self.rollout_flags.to_vec();
        for i in flipped {
            match rollouts.binary_search(&i) {
                Ok(at) => {
                    rollouts.remove(at);
                }
                Err(at) => rollouts.insert(at, i),
            }
        }
        Some(rollouts.into())
    }

    /// Whether evaluations of `self` and `other` are counted in the same counters.
    pub(crate) fn shares_counters(&self, other: &Loaded) -> bool {
        self.usage.is_shared_with(&other.usage)
    }

    /// Counts one evaluation of flag `flag` serving variant `variant`; for a watched
    /// flag, returns what to remember for the context.
    #[inline]
    pub(crate) fn count(&self, flag: usize, variant: usize) -> Option<Served> {
        let s = self.slots.get(flag)?;
        self.usage.add(s.offset as usize + variant);
        if s.watch == NOT_WATCHED {
            return None;
        }
        self.watched(flag, s.watch, variant)
    }

    #[cold]
    fn watched(&self, flag: usize, watch: u32, variant: usize) -> Option<Served> {
        let keys = self.watched_variants.get(flag)?.as_ref()?;
        Some(Served { watch, variant: keys.get(variant)?.clone() })
    }

    /// Empties the counters, calling `sink(flag, variant, count)` for each non-zero one.
    pub(crate) fn drain_usage(&self, mut sink: impl FnMut(&str, &str, u64)) {
        for (flag, s) in self.compiled.flags().zip(self.slots.iter()) {
            for (i, (variant, _)) in flag.variants().enumerate() {
                let n = self.usage.take(s.offset as usize + i);
                if n > 0 {
                    sink(flag.key(), variant, n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled() -> CompiledSnapshot {
        let json = serde_json::json!({"environment": "production", "version": 3, "flags": [
            {"key": "a", "kind": "boolean", "salt": "s",
             "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
             "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}}},
            {"key": "b", "kind": "string", "salt": "s",
             "variants": [{"key": "x", "value": "x"}, {"key": "y", "value": "y"}, {"key": "z", "value": "z"}],
             "config": {"enabled": true, "off_variant": "x", "default": {"variant": "z"}}}
        ]});
        CompiledSnapshot::from_json(json.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn counts_land_in_the_slot_of_their_flag_and_variant() {
        let l = Loaded::from_compiled(compiled(), &[]);
        let b = l.compiled.flag_index("b").unwrap();
        let a = l.compiled.flag_index("a").unwrap();
        assert!(l.count(b, 2).is_none());
        l.count(b, 2);
        l.count(a, 1);
        let mut seen = Vec::new();
        l.drain_usage(|f, v, n| seen.push((f.to_owned(), v.to_owned(), n)));
        seen.sort();
        assert_eq!(seen, [("a".into(), "off".into(), 1), ("b".into(), "z".into(), 2)]);
        let mut again = 0;
        l.drain_usage(|_, _, _| again += 1);
        assert_eq!(again, 0, "draining empties the counters");
    }

    #[test]
    fn a_watched_flag_reports_the_served_variant() {
        let l = Loaded::from_compiled(compiled(), &["zzz".to_owned(), "b".to_owned()]);
        let b = l.compiled.flag_index("b").unwrap();
        let served = l.count(b, 1).unwrap();
        assert_eq!((served.watch, &*served.variant), (1, "y"));
        assert!(l.count(l.compiled.flag_index("a").unwrap(), 0).is_none());
        assert!(l.count(99, 0).is_none(), "an unknown index is ignored");
    }
}
