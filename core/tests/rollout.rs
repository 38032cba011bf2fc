//! Property tests of rollout layouts: a weight change moves exactly the share of users
//! the new weights require, checked bucket by bucket with the published bucketing walk
//! and with the evaluator itself.

use std::collections::HashMap;

use proptest::prelude::*;
use serde_json::json;
use vexil_core::limits::MAX_ROLLOUT_RANGES;
use vexil_core::rollout::{
    LayoutMode, LayoutOutcome, moved, plan_config, rebase, required, same_shares, shares,
};
use vexil_core::{CompiledSnapshot, Context, FlagConfig, Rollout, Serve, Weight, hash};

const VARIANTS: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

/// The variant of `bucket` by the pseudo-code of docs/evaluation.md section 4.
fn spec_variant(weights: &[Weight], bucket: u32) -> Option<&str> {
    let mut end = 0u64;
    for w in weights {
        end += u64::from(w.weight);
        if u64::from(bucket) < end {
            return Some(&w.variant);
        }
    }
    None
}

/// 0, every range end of both layouts, and 100 000, sorted and distinct.
fn boundaries(a: &[Weight], b: &[Weight]) -> Vec<u32> {
    let mut cuts = vec![0, hash::BUCKETS];
    for layout in [a, b] {
        let mut end = 0;
        for w in layout {
            end += w.weight;
            cuts.push(end.min(hash::BUCKETS));
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// Cut points turned into weights summing to 100 000.
fn split(cuts: &mut [u32]) -> Vec<u32> {
    cuts.sort_unstable();
    let mut prev = 0;
    let mut out = Vec::with_capacity(cuts.len() + 1);
    for &c in cuts.iter() {
        out.push(c - prev);
        prev = c;
    }
    out.push(hash::BUCKETS - prev);
    out
}

/// A layout over the first `n` variants: up to 24 entries, variants repeated and some
/// weights zero, summing to 100 000.
fn arb_layout() -> impl Strategy<Value = Vec<Weight>> {
    (1usize..=6, prop::collection::vec(0u32..=hash::BUCKETS, 0..24)).prop_flat_map(|(n, cuts)| {
        let len = cuts.len() + 1;
        (Just(cuts), prop::collection::vec(0..n, len)).prop_map(|(mut cuts, picks)| {
            split(&mut cuts)
                .into_iter()
                .zip(picks)
                .map(|(weight, v)| Weight { variant: VARIANTS[v].to_owned(), weight })
                .collect()
        })
    })
}

/// New shares over up to 8 variants (some old ones dropped, some new ones added), given
/// as a list in any order, sometimes with repeated variants and zero weights.
fn arb_target() -> impl Strategy<Value = Vec<Weight>> {
    (prop::collection::vec(0u32..=hash::BUCKETS, 0..8), prop::collection::vec(0usize..8, 8)).prop_map(
        |(mut cuts, picks)| {
            split(&mut cuts)
                .into_iter()
                .zip(picks)
                .map(|(weight, v)| Weight { variant: VARIANTS[v].to_owned(), weight })
                .collect()
        },
    )
}

fn share_of(weights: &[Weight]) -> HashMap<String, u64> {
    let mut m = HashMap::new();
    for w in weights {
        *m.entry(w.variant.clone()).or_insert(0) += u64::from(w.weight);
    }
    m
}

fn merged_len(weights: &[Weight]) -> usize {
    let mut n = 0;
    let mut last: Option<&str> = None;
    for w in weights.iter().filter(|w| w.weight > 0) {
        if last != Some(w.variant.as_str()) {
            n += 1;
            last = Some(&w.variant);
        }
    }
    n
}

/// Checks one rebase against the spec walk over every bucket.
fn check_rebase(current: &[Weight], target: &[Weight]) -> Result<Vec<Weight>, TestCaseError> {
    let r = rebase(current, target).expect("both sum to 100000");
    let after = &r.weights;
    prop_assert_eq!(after.iter().map(|w| u64::from(w.weight)).sum::<u64>(), u64::from(hash::BUCKETS));
    prop_assert!(same_shares(after, target), "shares {:?} != {:?}", shares(after), shares(target));
    prop_assert!(after.iter().all(|w| w.weight > 0), "no zero entries: {:?}", after);
    prop_assert!(after.windows(2).all(|p| p[0].variant != p[1].variant), "merged: {:?}", after);
    prop_assert!(after.len() <= MAX_ROLLOUT_RANGES);

    let (before_share, after_share) = (share_of(current), share_of(target));
    let lost = |v: &str| after_share.get(v).copied().unwrap_or(0) < before_share.get(v).copied().unwrap_or(0);
    // Every bucket, grouped into the stretches between the two layouts' boundaries
    // (within one stretch both walks give the same answer for every bucket).
    let mut differing = 0u32;
    let cuts = boundaries(current, after);
    for pair in cuts.windows(2) {
        let (bucket, len) = (pair[0], pair[1] - pair[0]);
        let (was, now) = (spec_variant(current, bucket), spec_variant(after, bucket));
        prop_assert!(was.is_some() && now.is_some(), "bucket {} uncovered", bucket);
        if was != now {
            differing += len;
            if !r.compacted {
                prop_assert!(
                    lost(was.unwrap()),
                    "bucket {} left {:?}, which did not lose weight",
                    bucket,
                    was
                );
            }
        }
    }
    prop_assert_eq!(moved(current, after), differing, "moved() agrees with the bucket walk");
    if !r.compacted {
        prop_assert_eq!(differing, required(current, target), "exactly the required buckets move");
        let losers = before_share.keys().filter(|v| lost(v)).count();
        let gainers =
            after_share.iter().filter(|(v, w)| **w > before_share.get(*v).copied().unwrap_or(0)).count();
        prop_assert!(
            after.len()
                <= (merged_len(current) + losers + gainers).saturating_sub(1).max(merged_len(current)),
            "{} entries from {} with {} losers and {} gainers",
            after.len(),
            merged_len(current),
            losers,
            gainers
        );
    }
    Ok(r.weights)
}

fn snapshot(salt: &str, weights: &[Weight]) -> CompiledSnapshot {
    let variants: Vec<_> = VARIANTS.iter().map(|v| json!({"key": v, "value": v})).collect();
    let s = json!({
        "environment": "test", "version": 1,
        "flags": [{"key": "f", "kind": "string", "salt": salt, "variants": variants,
                   "config": {"enabled": true, "off_variant": "a",
                              "default": {"rollout": {"weights": weights}}}}]
    });
    CompiledSnapshot::from_json(s.to_string().as_bytes()).expect("a valid layout")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_rebase_moves_exactly_the_share_the_new_weights_require(
        current in arb_layout(),
        target in arb_target(),
    ) {
        check_rebase(&current, &target)?;
    }

    #[test]
    fn successive_edits_each_move_the_minimum_and_stay_compact(
        start in arb_target(),
        edits in prop::collection::vec(arb_target(), 1..40),
    ) {
        let mut layout = start;
        for target in &edits {
            let n = share_of(&layout).len().max(share_of(target).len());
            layout = check_rebase(&layout, target)?;
            prop_assert!(rebase(&layout, target).is_ok());
            // Never close to the limit with a handful of variants.
            prop_assert!(layout.len() <= 8 * n.max(1), "{} entries: {:?}", layout.len(), layout);
        }
    }

    #[test]
    fn two_variants_never_need_more_than_two_ranges(
        edits in prop::collection::vec((0u32..=hash::BUCKETS, any::<bool>()), 1..40),
    ) {
        let mut layout = vec![Weight { variant: "off".into(), weight: hash::BUCKETS }];
        for &(on, order) in &edits {
            let mut target = vec![
                Weight { variant: "on".into(), weight: on },
                Weight { variant: "off".into(), weight: hash::BUCKETS - on },
            ];
            if order {
                target.reverse();
            }
            layout = check_rebase(&layout, &target)?;
            prop_assert!(layout.len() <= 2, "{:?}", layout);
        }
    }

    #[test]
    fn the_evaluator_serves_everyone_on_a_variant_that_did_not_lose_weight_the_same(
        salt in "[a-z0-9]{1,12}",
        current in arb_layout(),
        target in arb_target(),
        keys in prop::collection::vec("[ -~]{0,16}", 64),
    ) {
        let after = rebase(&current, &target).expect("full splits").weights;
        let (before_s, after_s) = (snapshot(&salt, &current), snapshot(&salt, &after));
        let (b, a) = (share_of(&current), share_of(&target));
        for key in &keys {
            let ctx = Context::new(key.as_str());
            let was = before_s.evaluate("f", &ctx).variant.expect("served").to_owned();
            let now = after_s.evaluate("f", &ctx).variant.expect("served").to_owned();
            let bucket = hash::bucket(&salt, key);
            prop_assert_eq!(Some(was.as_str()), spec_variant(&current, bucket));
            prop_assert_eq!(Some(now.as_str()), spec_variant(&after, bucket));
            if a.get(&was).copied().unwrap_or(0) >= b.get(&was).copied().unwrap_or(0) {
                prop_assert_eq!(&now, &was, "key {:?} moved off {}", key, was);
            }
        }
    }

    #[test]
    fn a_configuration_read_and_written_back_keeps_every_layout(
        default in arb_layout(),
        rule in arb_layout(),
        reorder in any::<bool>(),
    ) {
        let config = FlagConfig {
            enabled: true,
            off_variant: "a".into(),
            targets: vec![],
            rules: vec![vexil_core::Rule {
                id: "r".into(),
                description: String::new(),
                conditions: vec![],
                serve: Serve::Rollout(Rollout { bucket_by: Some("company".into()), weights: rule.clone() }),
            }],
            default: Serve::Rollout(Rollout { bucket_by: None, weights: default.clone() }),
            prerequisites: vec![],
            version: 3,
        };
        let mut incoming = config.clone();
        if reorder {
            // An editor that lists per-variant shares in its own order.
            let mut s = shares(&default);
            s.reverse();
            incoming.default = Serve::Rollout(Rollout { bucket_by: Some("key".into()), weights: s });
        }
        let plan = plan_config(&config, incoming, LayoutMode::Rebase);
        let Serve::Rollout(d) = &plan.config.default else { panic!("a rollout") };
        prop_assert_eq!(&d.weights, &default);
        prop_assert_eq!(&plan.config.rules, &config.rules);
        prop_assert!(plan.rollouts.iter().all(|c| c.moved == Some(0)), "{:?}", plan.rollouts);
    }

    #[test]
    fn a_planned_write_reports_what_it_stores(
        current in arb_layout(),
        target in arb_target(),
        exact in any::<bool>(),
    ) {
        let serve = |weights: Vec<Weight>| Serve::Rollout(Rollout { bucket_by: None, weights });
        let config = |weights: Vec<Weight>| FlagConfig {
            enabled: true, off_variant: "a".into(), targets: vec![], rules: vec![],
            default: serve(weights), prerequisites: vec![], version: 1,
        };
        let mode = if exact { LayoutMode::Exact } else { LayoutMode::Rebase };
        let plan = plan_config(&config(current.clone()), config(target.clone()), mode);
        let Serve::Rollout(stored) = &plan.config.default else { panic!("a rollout") };
        prop_assert!(same_shares(&stored.weights, &target));
        if exact {
            prop_assert_eq!(&stored.weights, &target);
        }
        match plan.rollouts.as_slice() {
            [] => prop_assert_eq!(&stored.weights, &current),
            [c] => {
                prop_assert_eq!(c.pointer.as_str(), "/default");
                prop_assert_eq!(c.moved, Some(moved(&current, &stored.weights)));
                prop_assert_eq!(c.required, required(&current, &target));
                if c.layout == LayoutOutcome::Rebased {
                    prop_assert_eq!(c.moved, Some(c.required));
                }
                prop_assert_eq!(c.layout == LayoutOutcome::AsSent, exact);
            }
            more => prop_assert!(false, "one place changed, {} reported", more.len()),
        }
    }
}

#[test]
fn a_layout_too_fragmented_to_keep_is_compacted_and_says_so() {
    // 200 alternating ranges (the limit); growing `c` would add entries beyond it.
    let current: Vec<Weight> = (0..200)
        .map(|i| Weight { variant: if i % 2 == 0 { "a" } else { "b" }.into(), weight: 500 })
        .collect();
    let target = vec![
        Weight { variant: "a".into(), weight: 49_000 },
        Weight { variant: "b".into(), weight: 49_000 },
        Weight { variant: "c".into(), weight: 2_000 },
    ];
    let r = rebase(&current, &target).unwrap();
    assert!(r.weights.len() <= MAX_ROLLOUT_RANGES);
    assert!(same_shares(&r.weights, &target));
    // Whole ranges freed and refilled: no compaction needed here.
    assert!(!r.compacted, "{:?}", r.weights);

    // 100 variants, each in two ranges: every variant loses a little to a new order.
    let names: Vec<String> = (0..100).map(|i| format!("v{i}")).collect();
    let current: Vec<Weight> =
        (0..200).map(|i| Weight { variant: names[i % 100].clone(), weight: 500 }).collect();
    let mut target: Vec<Weight> = names.iter().map(|v| Weight { variant: v.clone(), weight: 999 }).collect();
    target[0].weight += 100;
    let r = rebase(&current, &target).unwrap();
    assert!(r.weights.len() <= MAX_ROLLOUT_RANGES, "{} entries", r.weights.len());
    assert!(same_shares(&r.weights, &target));
    assert_eq!(r.compacted, moved(&current, &r.weights) > required(&current, &target));
}
