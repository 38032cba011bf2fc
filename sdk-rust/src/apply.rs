//! Stream change events applied to an owned snapshot, and the flags a new snapshot
//! changes (for change listeners). Pure functions: no I/O, no shared state.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use vexil_core::{Op, Segment, Snapshot, SnapshotFlag};

use crate::error::StreamError;

/// One change from the stream.
#[derive(Debug)]
pub(crate) enum Change {
    Flag(SnapshotFlag),
    FlagDeleted(String),
    Segment(Segment),
    SegmentDeleted(String),
}

#[derive(Deserialize)]
struct Deleted {
    key: String,
}

fn malformed(event: &str) -> impl FnOnce(serde_json::Error) -> StreamError + '_ {
    move |source| StreamError::Malformed { event: event.to_owned(), source }
}

/// Parses a change event; `None` for an event type this SDK does not know.
pub(crate) fn parse_change(event: &str, data: &str) -> Result<Option<Change>, StreamError> {
    Ok(Some(match event {
        "flag" => Change::Flag(serde_json::from_str(data).map_err(malformed(event))?),
        "segment" => Change::Segment(serde_json::from_str(data).map_err(malformed(event))?),
        "flag_deleted" => {
            Change::FlagDeleted(serde_json::from_str::<Deleted>(data).map_err(malformed(event))?.key)
        }
        "segment_deleted" => {
            Change::SegmentDeleted(serde_json::from_str::<Deleted>(data).map_err(malformed(event))?.key)
        }
        _ => return Ok(None),
    }))
}

/// Applies a change, keeping flags and segments sorted by key as the server does.
pub(crate) fn apply(snapshot: &mut Snapshot, change: Change) {
    match change {
        Change::Flag(f) => upsert(&mut snapshot.flags, f, |f| &f.key),
        Change::Segment(s) => upsert(&mut snapshot.segments, s, |s| &s.key),
        Change::FlagDeleted(key) => snapshot.flags.retain(|f| f.key != key),
        Change::SegmentDeleted(key) => snapshot.segments.retain(|s| s.key != key),
    }
}

fn upsert<T>(items: &mut Vec<T>, item: T, key: impl Fn(&T) -> &String) {
    match items.binary_search_by(|probe| key(probe).as_bytes().cmp(key(&item).as_bytes())) {
        Ok(i) => items[i] = item,
        Err(i) => items.insert(i, item),
    }
}

/// Sorts flags and segments by key (a bootstrap file may not be), so that changes can
/// be applied by binary search.
pub(crate) fn normalize(snapshot: &mut Snapshot) {
    snapshot.flags.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
    snapshot.segments.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
}

/// The flags whose evaluation may differ between `old` and `new`: flags added, removed
/// or changed, flags using a changed segment, and, transitively, flags having one of
/// those as a prerequisite. Sorted.
pub(crate) fn changed_flags(old: Option<&Snapshot>, new: &Snapshot) -> Vec<String> {
    let Some(old) = old else {
        return new.flags.iter().map(|f| f.key.clone()).collect();
    };
    let old_flags: HashMap<&str, &SnapshotFlag> = old.flags.iter().map(|f| (f.key.as_str(), f)).collect();
    let new_flags: HashMap<&str, &SnapshotFlag> = new.flags.iter().map(|f| (f.key.as_str(), f)).collect();
    let old_segments: HashMap<&str, &Segment> = old.segments.iter().map(|s| (s.key.as_str(), s)).collect();
    let new_segments: HashMap<&str, &Segment> = new.segments.iter().map(|s| (s.key.as_str(), s)).collect();

    let changed_segments: BTreeSet<&str> = old_segments
        .keys()
        .chain(new_segments.keys())
        .filter(|k| old_segments.get(*k) != new_segments.get(*k))
        .copied()
        .collect();
    let uses_changed_segment = |f: &SnapshotFlag| {
        f.config.rules.iter().flat_map(|r| &r.conditions).any(|c| {
            c.op == Op::InSegment
                && c.values.iter().filter_map(|v| v.as_str()).any(|s| changed_segments.contains(s))
        })
    };
    let mut changed: BTreeSet<&str> = old_flags
        .keys()
        .chain(new_flags.keys())
        .filter(|k| match (old_flags.get(*k), new_flags.get(*k)) {
            (Some(a), Some(b)) => a != b || uses_changed_segment(b),
            _ => true,
        })
        .copied()
        .collect();
    // Dependents of changed prerequisites, until nothing is added.
    loop {
        let more: Vec<&str> = new
            .flags
            .iter()
            .filter(|f| !changed.contains(f.key.as_str()))
            .filter(|f| f.config.prerequisites.iter().any(|p| changed.contains(p.flag.as_str())))
            .map(|f| f.key.as_str())
            .collect();
        if more.is_empty() {
            break;
        }
        changed.extend(more);
    }
    changed.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flag(key: &str, enabled: bool) -> serde_json::Value {
        json!({"key": key, "kind": "boolean", "salt": "s",
               "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
               "config": {"enabled": enabled, "off_variant": "off", "default": {"variant": "on"}}})
    }

    fn snapshot(flags: Vec<serde_json::Value>, segments: Vec<serde_json::Value>) -> Snapshot {
        serde_json::from_value(
            json!({"environment": "production", "version": 1, "flags": flags, "segments": segments}),
        )
        .unwrap()
    }

    #[test]
    fn changes_keep_the_lists_sorted_and_replace_by_key() {
        let mut s = snapshot(vec![flag("b", true), flag("d", true)], vec![]);
        for (event, data) in [
            ("flag", flag("c", true).to_string()),
            ("flag", flag("a", true).to_string()),
            ("flag", flag("d", false).to_string()),
            ("flag_deleted", json!({"key": "b"}).to_string()),
            ("segment", json!({"key": "beta", "included": ["u1"]}).to_string()),
            ("segment", json!({"key": "alpha"}).to_string()),
            ("segment_deleted", json!({"key": "beta"}).to_string()),
        ] {
            apply(&mut s, parse_change(event, &data).unwrap().unwrap());
        }
        let keys: Vec<&str> = s.flags.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["a", "c", "d"]);
        assert!(!s.flags[2].config.enabled);
        assert_eq!(s.segments.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["alpha"]);
    }

    #[test]
    fn malformed_data_is_an_error_and_unknown_events_are_not() {
        assert!(matches!(parse_change("flag", "{not json"), Err(StreamError::Malformed { .. })));
        assert!(matches!(parse_change("flag_deleted", "{}"), Err(StreamError::Malformed { .. })));
        assert!(parse_change("something_new", "{}").unwrap().is_none());
    }

    #[test]
    fn changed_flags_include_segment_users_and_prerequisite_dependents() {
        let mut user = flag("uses-beta", true);
        user["config"]["rules"] = json!([{"id": "r", "conditions": [{"op": "in_segment", "values": ["beta"]}], "serve": {"variant": "on"}}]);
        let mut dependent = flag("dependent", true);
        dependent["config"]["prerequisites"] = json!([{"flag": "uses-beta", "variant": "on"}]);
        let old = snapshot(
            vec![user.clone(), dependent.clone(), flag("other", true), flag("gone", true)],
            vec![json!({"key": "beta", "included": ["u1"]})],
        );
        let new = snapshot(
            vec![user, dependent, flag("other", true), flag("added", true)],
            vec![json!({"key": "beta", "included": ["u2"]})],
        );
        assert_eq!(changed_flags(Some(&old), &new), ["added", "dependent", "gone", "uses-beta"]);
        assert_eq!(changed_flags(None, &new).len(), 4);
        assert!(changed_flags(Some(&new), &new).is_empty());
    }
}
