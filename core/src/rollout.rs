//! Rollout layouts: which buckets each entry of a rollout's `weights` covers, how many
//! buckets change variant between two layouts, and how to change per-variant weights
//! while moving only the buckets the new weights require.
//!
//! A rollout's `weights` list is a *layout*: walked in list order, each entry covers
//! the next `weight` buckets of [0, 100 000) (`docs/evaluation.md`, section 4). A
//! variant may appear in several entries; its *share* is the sum of its entries.
//! Evaluation never calls this module: it only decides what a write stores.
//!
//! Why layouts and not one range per variant: with a fixed order of one range each,
//! most edits of three or more variants cannot keep everyone whose variant did not
//! lose weight (A 30 / B 40 / C 30 to A 20 / B 40 / C 40 moves 20 % instead of 10 %),
//! and an editor that rewrites the order reshuffles everyone. `docs/decisions/` has the
//! reasoning.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::hash::BUCKETS;
use crate::limits::MAX_ROLLOUT_RANGES;
use crate::model::{FlagConfig, Rollout, Serve, Weight};

/// Why two layouts cannot be compared or rebased.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// A layout's weights do not sum to 100 000, so it does not cover every bucket
    /// exactly once.
    #[error("the {which} weights sum to {sum}, not 100000")]
    NotAFullSplit {
        /// `current` or `target`.
        which: &'static str,
        /// Their sum.
        sum: u64,
    },
}

/// Sum of a layout's weights, without overflow.
pub fn total(weights: &[Weight]) -> u64 {
    weights.iter().map(|w| u64::from(w.weight)).sum()
}

/// Per-variant shares of a layout: each variant's weights summed, in the order of the
/// variant's first non-zero entry. Variants with no weight are left out.
///
/// `[on 20000, off 50000, on 30000]` gives `[on 50000, off 50000]`.
pub fn shares(weights: &[Weight]) -> Vec<Weight> {
    let mut out: Vec<Weight> = Vec::new();
    for w in weights.iter().filter(|w| w.weight > 0) {
        match out.iter_mut().find(|o| o.variant == w.variant) {
            Some(o) => o.weight = o.weight.saturating_add(w.weight),
            None => out.push(w.clone()),
        }
    }
    out
}

/// Whether two layouts give every variant the same share (their order aside).
pub fn same_shares(a: &[Weight], b: &[Weight]) -> bool {
    let (a, b) = (share_map(a), share_map(b));
    a == b
}

fn share_map(weights: &[Weight]) -> HashMap<&str, u64> {
    let mut map = HashMap::new();
    for w in weights.iter().filter(|w| w.weight > 0) {
        *map.entry(w.variant.as_str()).or_insert(0u64) += u64::from(w.weight);
    }
    map
}

/// The number of buckets (out of 100 000) whose variant differs between two layouts,
/// walking both exactly as evaluation does. Buckets a layout does not cover (its
/// weights sum to less than 100 000) count as differing from any variant.
pub fn moved(before: &[Weight], after: &[Weight]) -> u32 {
    let (a, b) = (ranges(before), ranges(after));
    let (mut i, mut j) = (0, 0);
    let mut start = 0u64;
    let mut differing = 0u64;
    let end_of = |r: &[(u64, &str)], k: usize| r.get(k).map_or(u64::from(BUCKETS), |&(end, _)| end);
    while start < u64::from(BUCKETS) {
        let end = end_of(&a, i).min(end_of(&b, j)).min(u64::from(BUCKETS));
        let va = a.get(i).map(|&(_, v)| v);
        let vb = b.get(j).map(|&(_, v)| v);
        if va.is_none() || va != vb {
            differing += end - start;
        }
        start = end;
        if a.get(i).is_some_and(|&(e, _)| e <= start) {
            i += 1;
        }
        if b.get(j).is_some_and(|&(e, _)| e <= start) {
            j += 1;
        }
    }
    differing as u32
}

/// Exclusive end bucket and variant of each non-zero entry, in list order.
fn ranges(weights: &[Weight]) -> Vec<(u64, &str)> {
    let mut end = 0u64;
    weights
        .iter()
        .filter(|w| w.weight > 0)
        .map(|w| {
            end += u64::from(w.weight);
            (end, w.variant.as_str())
        })
        .collect()
}

/// The fewest buckets any layout with `after`'s shares must move from `before`: the
/// total variation distance, the sum over variants of what each one gains. Both
/// layouts are expected to sum to 100 000.
pub fn required(before: &[Weight], after: &[Weight]) -> u32 {
    let (b, a) = (share_map(before), share_map(after));
    let gained: u64 = a.iter().map(|(v, &w)| w.saturating_sub(b.get(v).copied().unwrap_or(0))).sum();
    gained.min(u64::from(BUCKETS)) as u32
}

/// A layout made by [`rebase`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebased {
    /// The new layout: the target's shares, adjacent entries of one variant merged, no
    /// zero weights.
    pub weights: Vec<Weight>,
    /// True when keeping the current layout would have needed more than
    /// [`MAX_ROLLOUT_RANGES`] entries, so the layout was first collapsed to one entry per
    /// variant. Then more buckets move than [`required`] says.
    pub compacted: bool,
}

/// Gives a layout new per-variant shares while moving as few buckets as possible.
///
/// `current` is the stored layout and `target` any list whose per-variant sums are the
/// new shares (its order does not matter). Buckets of a variant whose share does not
/// shrink keep their variant; each shrinking variant gives up exactly what it loses,
/// and those buckets go to the growing variants. So exactly [`required`] buckets change
/// variant, unless the result would exceed [`MAX_ROLLOUT_RANGES`] entries (see
/// [`Rebased::compacted`]). The result is deterministic.
///
/// Errors: either list does not sum to exactly 100 000.
pub fn rebase(current: &[Weight], target: &[Weight]) -> Result<Rebased, LayoutError> {
    for (which, list) in [("current", current), ("target", target)] {
        let sum = total(list);
        if sum != u64::from(BUCKETS) {
            return Err(LayoutError::NotAFullSplit { which, sum });
        }
    }
    let target = shares(target);
    let mut names: Vec<&str> = Vec::new();
    let layout: Vec<(usize, u64)> =
        merge(current.iter().map(|w| (intern(&mut names, &w.variant), u64::from(w.weight))));
    let goal: Vec<(usize, u64)> =
        target.iter().map(|w| (intern(&mut names, &w.variant), u64::from(w.weight))).collect();
    let n = names.len();
    let mut result = minimal(&layout, &goal, n);
    let mut compacted = false;
    if result.len() > MAX_ROLLOUT_RANGES {
        let mut collapsed: Vec<(usize, u64)> = Vec::new();
        for &(v, w) in &layout {
            match collapsed.iter_mut().find(|(c, _)| *c == v) {
                Some((_, cw)) => *cw += w,
                None => collapsed.push((v, w)),
            }
        }
        result = minimal(&collapsed, &goal, n);
        compacted = true;
    }
    let weights =
        result.into_iter().map(|(v, w)| Weight { variant: names[v].to_owned(), weight: w as u32 }).collect();
    Ok(Rebased { weights, compacted })
}

fn intern<'a>(names: &mut Vec<&'a str>, v: &'a str) -> usize {
    names.iter().position(|n| *n == v).unwrap_or_else(|| {
        names.push(v);
        names.len() - 1
    })
}

/// Drops zero weights and merges adjacent entries of one variant.
fn merge(entries: impl IntoIterator<Item = (usize, u64)>) -> Vec<(usize, u64)> {
    let mut out: Vec<(usize, u64)> = Vec::new();
    for (v, w) in entries {
        if w == 0 {
            continue;
        }
        match out.last_mut() {
            Some((last, lw)) if *last == v => *lw += w,
            _ => out.push((v, w)),
        }
    }
    out
}

/// One stretch of buckets while rebasing: kept by a variant, or given up (`None`).
#[derive(Debug, Clone, Copy)]
struct Slot {
    variant: Option<usize>,
    len: u64,
}

/// The minimal-movement layout. `layout` is merged and sums to 100 000; `goal` holds
/// each target variant once with a non-zero share; variant ids are below `n`.
///
/// Entries of the result: at most (entries of `layout`) + (shrinking variants) +
/// (growing variants) - 1, because each shrinking variant cuts at most one of its
/// ranges (the others it keeps or gives up whole) and growing variants are poured into
/// the freed stretches in one pass.
fn minimal(layout: &[(usize, u64)], goal: &[(usize, u64)], n: usize) -> Vec<(usize, u64)> {
    let mut have = vec![0u64; n];
    for &(v, w) in layout {
        have[v] += w;
    }
    let mut want = vec![0u64; n];
    for &(v, w) in goal {
        want[v] += w;
    }
    let mut gains = vec![0u64; n];
    for v in 0..n {
        gains[v] = want[v].saturating_sub(have[v]);
    }
    let is_gainer = |v: usize| gains[v] > 0;
    let mut slots: Vec<Slot> = layout.iter().map(|&(v, len)| Slot { variant: Some(v), len }).collect();

    // 1. Shrinking variants give up buckets, in order of first appearance.
    let mut losers: Vec<usize> = Vec::new();
    for &(v, _) in layout {
        if have[v] > want[v] && !losers.contains(&v) {
            losers.push(v);
        }
    }
    for &v in &losers {
        let mut loss = have[v] - want[v];
        // Whole ranges first, smallest first: giving up a whole range never adds an entry.
        let mut own: Vec<usize> = (0..slots.len()).filter(|&i| slots[i].variant == Some(v)).collect();
        own.sort_by_key(|&i| (slots[i].len, i));
        for &i in &own {
            if slots[i].len > loss {
                break;
            }
            loss -= slots[i].len;
            slots[i].variant = None;
        }
        if loss == 0 {
            continue;
        }
        // Then one cut at the end of a range, where the freed part touches a growing
        // variant (which then just extends) or an already freed stretch.
        let score = |slots: &[Slot], neighbour: Option<usize>| match neighbour.map(|k| slots[k].variant) {
            Some(Some(g)) if is_gainer(g) => 2,
            Some(None) => 1,
            _ => 0,
        };
        let mut best: Option<(u8, usize, bool)> = None;
        for i in (0..slots.len()).rev().filter(|&i| slots[i].variant == Some(v)) {
            let right = score(&slots, (i + 1 < slots.len()).then_some(i + 1));
            let left = score(&slots, i.checked_sub(1));
            for (s, at_right) in [(right, true), (left, false)] {
                if best.is_none_or(|(b, _, _)| s > b) {
                    best = Some((s, i, at_right));
                }
            }
        }
        if let Some((_, i, at_right)) = best {
            slots[i].len -= loss;
            let freed = Slot { variant: None, len: loss };
            slots.insert(if at_right { i + 1 } else { i }, freed);
        }
    }

    // 2. Freed stretches become regions; growing variants fill them.
    let mut items: Vec<Item> = Vec::new();
    for s in slots {
        match (s.variant, items.last_mut()) {
            (None, Some(Item::Region(r))) => r.len += s.len,
            (None, _) => items.push(Item::Region(Region { len: s.len, ..Region::default() })),
            (Some(v), _) => items.push(Item::Kept(v, s.len)),
        }
    }
    let mut gain_order: Vec<usize> = Vec::new();
    for &(v, _) in goal {
        if gains[v] > 0 && !gain_order.contains(&v) {
            gain_order.push(v);
        }
    }
    // a. A growing variant next to a region extends into it: no new entry.
    for k in 0..items.len() {
        let left = k.checked_sub(1).and_then(|p| items[p].kept());
        let right = items.get(k + 1).and_then(Item::kept);
        if let Item::Region(r) = &mut items[k] {
            for (neighbour, at_left) in [(left, true), (right, false)] {
                if let Some(g) = neighbour {
                    let take = gains[g].min(r.space());
                    if take > 0 {
                        gains[g] -= take;
                        if at_left { r.head.push((g, take)) } else { r.tail.push((g, take)) }
                    }
                }
            }
        }
    }
    // b. A growing variant that fits a region's rest exactly takes it whole.
    for item in &mut items {
        if let Item::Region(r) = item {
            let space = r.space();
            if space == 0 {
                continue;
            }
            if let Some(&g) = gain_order.iter().find(|&&g| gains[g] == space) {
                gains[g] = 0;
                r.head.push((g, space));
            }
        }
    }
    // c. The rest is poured in order: each switch of variant or region adds one entry.
    let mut next = gain_order.iter().copied().peekable();
    for item in &mut items {
        if let Item::Region(r) = item {
            let mut space = r.space();
            while space > 0 {
                let Some(&g) = next.peek() else { break };
                let take = gains[g].min(space);
                if take > 0 {
                    r.head.push((g, take));
                    gains[g] -= take;
                    space -= take;
                }
                if gains[g] == 0 {
                    next.next();
                }
            }
        }
    }

    merge(items.into_iter().flat_map(|item| match item {
        Item::Kept(v, len) => vec![(v, len)],
        Item::Region(r) => r.head.into_iter().chain(r.tail.into_iter().rev()).collect(),
    }))
}

#[derive(Debug)]
enum Item {
    Kept(usize, u64),
    Region(Region),
}

impl Item {
    fn kept(&self) -> Option<usize> {
        match self {
            Item::Kept(v, _) => Some(*v),
            Item::Region(_) => None,
        }
    }
}

/// Freed buckets, filled from the left (`head`) and from the right (`tail`).
#[derive(Debug, Default)]
struct Region {
    len: u64,
    head: Vec<(usize, u64)>,
    tail: Vec<(usize, u64)>,
}

impl Region {
    fn space(&self) -> u64 {
        let used: u64 = self.head.iter().chain(&self.tail).map(|&(_, w)| w).sum();
        self.len - used
    }
}

/// How a write treats the `weights` of a rollout that already exists at the same place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LayoutMode {
    /// The list gives per-variant shares; the stored layout is kept when they are the
    /// same and rebased (see [`rebase`]) when they differ.
    #[default]
    Rebase,
    /// The list is stored exactly as sent (to restore an earlier layout).
    Exact,
}

/// What a write did to the layout of one rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LayoutOutcome {
    /// Derived from the stored layout: exactly the required buckets move.
    Rebased,
    /// Rebased from a one-entry-per-variant form of the stored layout, because keeping it
    /// would exceed the entry limit: more buckets move than required.
    Compacted,
    /// Stored as sent: `layout=exact`, a serve that was not a rollout before, or a
    /// different `bucket_by`.
    AsSent,
}

/// The effect of a write on one place that serves a rollout before or after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct RolloutChange {
    /// JSON pointer to the serve in the written configuration: `/default` or
    /// `/rules/{index}/serve`.
    pub pointer: String,
    /// The rule's id, for a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub rule_id: Option<String>,
    /// What happened to the layout.
    pub layout: LayoutOutcome,
    /// Whether the attribute hashed changed (then `moved` cannot be known).
    pub bucket_by_changed: bool,
    /// The fewest buckets (out of 100 000) the new weights require to change variant.
    pub required: u32,
    /// Buckets (out of 100 000) whose variant changes; `None` when `bucket_by` changed.
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub moved: Option<u32>,
}

/// A configuration as a write would store it, and what that does to each rollout.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigPlan {
    /// The configuration to store.
    pub config: FlagConfig,
    /// One entry per place (the default, or a rule matched by id) whose serve changes
    /// and is a rollout before or after the write, in document order.
    pub rollouts: Vec<RolloutChange>,
}

/// Decides what a configuration write stores for its rollouts.
///
/// Each serve of `incoming` is matched with the one at the same place in `current`: the
/// default with the default, a rule with the rule of the same id (rules without an id,
/// or with a new one, are new). When both are rollouts with the same `bucket_by` and
/// `mode` is [`LayoutMode::Rebase`], the incoming weights are read as per-variant shares:
/// equal shares keep the stored layout, different ones [`rebase`] it. Everything else
/// is stored as sent. Lists that do not sum to 100 000 are left alone for validation to
/// report.
pub fn plan_config(current: &FlagConfig, mut incoming: FlagConfig, mode: LayoutMode) -> ConfigPlan {
    let mut rollouts = Vec::new();
    if let Some(change) =
        plan_serve(&current.default, &mut incoming.default, mode, "/default".to_owned(), None)
    {
        rollouts.push(change);
    }
    for (i, rule) in incoming.rules.iter_mut().enumerate() {
        let Some(before) = current.rules.iter().find(|r| !r.id.is_empty() && r.id == rule.id) else {
            continue;
        };
        let pointer = format!("/rules/{i}/serve");
        if let Some(change) = plan_serve(&before.serve, &mut rule.serve, mode, pointer, Some(rule.id.clone()))
        {
            rollouts.push(change);
        }
    }
    ConfigPlan { config: incoming, rollouts }
}

fn bucket_attribute(r: &Rollout) -> &str {
    r.bucket_by.as_deref().unwrap_or("key")
}

/// A serve as a layout: a single variant covers every bucket.
fn as_layout(serve: &Serve) -> Vec<Weight> {
    match serve {
        Serve::Variant(v) => vec![Weight { variant: v.clone(), weight: BUCKETS }],
        Serve::Rollout(r) => r.weights.clone(),
    }
}

fn plan_serve(
    before: &Serve,
    after: &mut Serve,
    mode: LayoutMode,
    pointer: String,
    rule_id: Option<String>,
) -> Option<RolloutChange> {
    let mut layout = LayoutOutcome::AsSent;
    let mut bucket_by_changed = false;
    match (before, &mut *after) {
        (Serve::Variant(_), Serve::Variant(_)) => return None,
        (Serve::Rollout(b), Serve::Rollout(a)) => {
            bucket_by_changed = bucket_attribute(b) != bucket_attribute(a);
            if !bucket_by_changed && mode == LayoutMode::Rebase {
                if same_shares(&b.weights, &a.weights) {
                    a.weights.clone_from(&b.weights);
                } else if let Ok(r) = rebase(&b.weights, &a.weights) {
                    a.weights = r.weights;
                    layout = if r.compacted { LayoutOutcome::Compacted } else { LayoutOutcome::Rebased };
                }
            }
        }
        _ => {}
    }
    if before == after {
        return None;
    }
    let (b, a) = (as_layout(before), as_layout(after));
    Some(RolloutChange {
        pointer,
        rule_id,
        layout,
        bucket_by_changed,
        required: required(&b, &a),
        moved: (!bucket_by_changed).then(|| moved(&b, &a)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(entries: &[(&str, u32)]) -> Vec<Weight> {
        entries.iter().map(|&(v, w)| Weight { variant: v.to_owned(), weight: w }).collect()
    }

    #[test]
    fn the_issue_example_keeps_everyone_who_had_on() {
        let current = l(&[("off", 70_000), ("on", 30_000)]);
        let r = rebase(&current, &l(&[("on", 35_000), ("off", 65_000)])).unwrap();
        assert_eq!(r.weights, l(&[("off", 65_000), ("on", 35_000)]));
        assert_eq!(moved(&current, &r.weights), 5_000);
        assert!(!r.compacted);
    }

    #[test]
    fn three_variants_move_only_the_difference() {
        let current = l(&[("a", 30_000), ("b", 40_000), ("c", 30_000)]);
        let target = l(&[("a", 20_000), ("b", 40_000), ("c", 40_000)]);
        let r = rebase(&current, &target).unwrap();
        assert_eq!(required(&current, &target), 10_000);
        assert_eq!(moved(&current, &r.weights), 10_000);
        assert_eq!(r.weights, l(&[("a", 20_000), ("c", 10_000), ("b", 40_000), ("c", 30_000)]));
        // One range per variant in a fixed order moves twice as many.
        assert_eq!(moved(&current, &target), 20_000);
    }

    #[test]
    fn moved_counts_buckets_by_the_evaluation_walk() {
        let a = l(&[("on", 50_000), ("off", 50_000)]);
        assert_eq!(moved(&a, &a), 0);
        assert_eq!(moved(&a, &l(&[("off", 50_000), ("on", 50_000)])), 100_000);
        assert_eq!(moved(&a, &l(&[("on", 0), ("on", 20_000), ("on", 30_000), ("off", 50_000)])), 0);
        assert_eq!(moved(&a, &l(&[("on", 40_000)])), 60_000);
    }

    #[test]
    fn rebase_refuses_incomplete_splits() {
        let full = l(&[("on", 100_000)]);
        assert_eq!(
            rebase(&full, &l(&[("on", 5)])),
            Err(LayoutError::NotAFullSplit { which: "target", sum: 5 })
        );
        assert!(rebase(&l(&[("on", u32::MAX), ("off", u32::MAX)]), &full).is_err());
    }

    #[test]
    fn equal_shares_keep_the_stored_layout_and_report_nothing() {
        let layout = l(&[("a", 20_000), ("c", 10_000), ("b", 40_000), ("c", 30_000)]);
        let config = |weights: Vec<Weight>| FlagConfig {
            enabled: true,
            off_variant: "a".into(),
            targets: vec![],
            rules: vec![],
            default: Serve::Rollout(Rollout { bucket_by: None, weights }),
            prerequisites: vec![],
            version: 0,
        };
        let current = config(layout.clone());
        let plan = plan_config(
            &current,
            config(l(&[("b", 40_000), ("a", 20_000), ("c", 40_000)])),
            LayoutMode::Rebase,
        );
        assert_eq!(plan.config, current);
        assert!(plan.rollouts.is_empty());
        let exact = l(&[("a", 20_000), ("b", 40_000), ("c", 40_000)]);
        let plan = plan_config(&current, config(exact.clone()), LayoutMode::Exact);
        assert_eq!(plan.config.default, Serve::Rollout(Rollout { bucket_by: None, weights: exact }));
        assert_eq!(plan.rollouts[0].layout, LayoutOutcome::AsSent);
        assert_eq!(plan.rollouts[0].moved, Some(20_000));
        assert_eq!(plan.rollouts[0].required, 0);
    }
}
