//! Stream change events applied to an owned snapshot, and the flags a new snapshot
//! changes (for change listeners). Pure functions: no I/O, no shared state.
//!
//! A flag or segment whose data does not parse is kept aside by key ([`Source`]), so
//! that it evaluates to an error rather than failing everything else.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use vexil_core::wire::WireError;
use vexil_core::{CompiledSnapshot, LenientCompile, Object, Segment, Snapshot, SnapshotFlag, Unparsed};

use crate::error::StreamError;

/// The data behind the snapshot served, as received: what parsed, and what did not.
/// Stream changes are applied to it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Source {
    pub(crate) snapshot: Snapshot,
    /// Flags and segments that did not parse, sorted by object.
    pub(crate) unparsed: Vec<Unparsed>,
}

impl Source {
    pub(crate) fn new(mut snapshot: Snapshot, mut unparsed: Vec<Unparsed>) -> Source {
        normalize(&mut snapshot);
        unparsed.sort_by(|a, b| a.object.cmp(&b.object));
        unparsed.dedup_by(|a, b| a.object == b.object);
        Source { snapshot, unparsed }
    }

    /// Parses a `/sdk/v1/config` body or a `snapshot` event, object by object.
    pub(crate) fn from_json(bytes: &[u8]) -> Result<Source, vexil_core::Error> {
        let parsed = Snapshot::from_json_lenient(bytes)?;
        for p in &parsed.keyless {
            tracing::warn!(pointer = %p.pointer, "vexil: an object without a key was ignored");
        }
        Ok(Source::new(parsed.snapshot, parsed.unparsed))
    }

    pub(crate) fn compile(&self) -> LenientCompile {
        CompiledSnapshot::compile_lenient_with(&self.snapshot, &self.unparsed)
    }

    fn set_unparsed(&mut self, u: Unparsed) {
        match self.unparsed.binary_search_by(|p| p.object.cmp(&u.object)) {
            Ok(i) => self.unparsed[i] = u,
            Err(i) => self.unparsed.insert(i, u),
        }
    }

    /// The unparsed data of `object`, if it did not parse.
    fn unparsed_of(&self, object: &Object) -> Option<&Unparsed> {
        self.unparsed.binary_search_by(|u| u.object.cmp(object)).ok().map(|i| &self.unparsed[i])
    }

    fn clear_unparsed(&mut self, object: &Object) {
        self.unparsed.retain(|u| &u.object != object);
    }
}

/// One change from the stream, as the wire protocol defines it.
pub(crate) use vexil_core::wire::Change;

/// Parses a change event with the wire protocol's reader (the one the server's hubs
/// use); `None` for an event type this SDK does not know.
pub(crate) fn parse_change(event: &str, data: &str) -> Result<Option<Change>, StreamError> {
    vexil_core::wire::parse_change(event, data).map_err(|e| match e {
        WireError::Malformed { event, source } => StreamError::Malformed { event: event.to_owned(), source },
        WireError::MissingKey { event } => StreamError::MissingKey { event: event.to_owned() },
        // A newer kind of wire error this SDK does not know about.
        other => StreamError::Malformed {
            event: event.to_owned(),
            source: serde::de::Error::custom(other.to_string()),
        },
    })
}

/// Applies a change, keeping flags and segments sorted by key as the server does.
/// Returns the flag or segment it changed (for
/// [`vexil_core::CompiledSnapshot::with_changes`]).
pub(crate) fn apply(source: &mut Source, change: Change) -> Object {
    let snapshot = &mut source.snapshot;
    match change {
        Change::Flag(f) => {
            let object = Object::Flag(f.key.clone());
            source.unparsed.retain(|u| u.object != object);
            upsert(&mut snapshot.flags, Arc::new(f), |f| &f.key);
            object
        }
        Change::Segment(s) => {
            let object = Object::Segment(s.key.clone());
            source.unparsed.retain(|u| u.object != object);
            upsert(&mut snapshot.segments, Arc::new(s), |s| &s.key);
            object
        }
        Change::FlagDeleted(key) => {
            snapshot.flags.retain(|f| f.key != key);
            let object = Object::Flag(key);
            source.clear_unparsed(&object);
            object
        }
        Change::SegmentDeleted(key) => {
            snapshot.segments.retain(|s| s.key != key);
            let object = Object::Segment(key);
            source.clear_unparsed(&object);
            object
        }
        Change::Unparsed(u) => {
            match &u.object {
                Object::Flag(k) => snapshot.flags.retain(|f| &f.key != k),
                Object::Segment(k) => snapshot.segments.retain(|s| &s.key != k),
            }
            let object = u.object.clone();
            source.set_unparsed(u);
            object
        }
    }
}

fn upsert<T>(items: &mut Vec<T>, item: T, key: impl Fn(&T) -> &String) {
    match items.binary_search_by(|probe| key(probe).as_bytes().cmp(key(&item).as_bytes())) {
        Ok(i) => items[i] = item,
        Err(i) => items.insert(i, item),
    }
}

/// Whether two versions of a flag or segment are equal. Objects a change did not touch
/// are the same allocation: equal without a look inside.
fn same<T: PartialEq>(a: &Arc<T>, b: &Arc<T>) -> bool {
    Arc::ptr_eq(a, b) || a == b
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
///
/// `named`, when given, lists every flag and segment whose data may differ between
/// the two (the objects of the stream changes applied to `old` to make `new`): only
/// those are compared, and everything else is known to be the same. `recompiled`, when
/// given with it, lists the flags whose compiled form the incremental compilation did
/// not share with `old`'s ([`recompiled_keys`]): every user of a changed segment and
/// every dependent of a changed flag is among them, so they are looked for there
/// rather than in every flag.
pub(crate) fn changed_flags(
    old: Option<&Source>,
    new: &Source,
    named: Option<&[Object]>,
    recompiled: Option<&[&str]>,
) -> Vec<String> {
    match (old, named) {
        (Some(old), Some(named)) => changed_among(old, new, named, recompiled),
        _ => changed_by_comparison(old, new),
    }
}

/// The keys of the flags that `new`, compiled incrementally from `old`
/// ([`CompiledSnapshot::with_changes`]), does not share with it. `None` when the two
/// differ in layout (a full compilation) or when most flags were recompiled: looking
/// each of those up would cost more than going through every flag.
pub(crate) fn recompiled_keys<'a>(old: &CompiledSnapshot, new: &'a CompiledSnapshot) -> Option<Vec<&'a str>> {
    if old.len() != new.len() {
        return None;
    }
    let keys: Vec<&str> =
        old.flags().zip(new.flags()).filter(|(a, b)| !a.is_same(b)).map(|(_, b)| b.key()).collect();
    // Up to an eighth of the flags (any number up to 8 in a small snapshot).
    (keys.len() * 8 <= new.len().max(64)).then_some(keys)
}

/// [`changed_flags`] when the objects that may differ are known.
fn changed_among(old: &Source, new: &Source, named: &[Object], recompiled: Option<&[&str]>) -> Vec<String> {
    let differs = |object: &Object| match object {
        Object::Flag(k) => {
            !same_entry(find(&old.snapshot.flags, k, |f| &f.key), find(&new.snapshot.flags, k, |f| &f.key))
        }
        Object::Segment(k) => !same_entry(
            find(&old.snapshot.segments, k, |s| &s.key),
            find(&new.snapshot.segments, k, |s| &s.key),
        ),
    } || old.unparsed_of(object) != new.unparsed_of(object);
    let mut changed: BTreeSet<&str> = BTreeSet::new();
    let mut changed_segments: Vec<&str> = Vec::new();
    for object in named.iter().filter(|o| differs(o)) {
        match object {
            Object::Flag(k) => {
                changed.insert(k);
            }
            Object::Segment(k) => changed_segments.push(k),
        }
    }
    if changed.is_empty() && changed_segments.is_empty() {
        return Vec::new();
    }
    // Where segment users and dependents can be.
    let pool: Vec<&SnapshotFlag> = match recompiled {
        Some(keys) => {
            keys.iter().filter_map(|k| find(&new.snapshot.flags, k, |f| &f.key)).map(|f| &**f).collect()
        }
        None => new.snapshot.flags.iter().map(|f| &**f).collect(),
    };
    if !changed_segments.is_empty() {
        for f in &pool {
            if f.config.segments_used().any(|s| changed_segments.contains(&s)) {
                changed.insert(&f.key);
            }
        }
    }
    add_dependents(&pool, &mut changed);
    changed.into_iter().map(str::to_owned).collect()
}

/// The entry of a list sorted by key, by binary search.
fn find<'a, T>(items: &'a [Arc<T>], key: &str, key_of: impl Fn(&T) -> &String) -> Option<&'a Arc<T>> {
    items.binary_search_by(|probe| key_of(probe).as_bytes().cmp(key.as_bytes())).ok().map(|i| &items[i])
}

fn same_entry<T: PartialEq>(a: Option<&Arc<T>>, b: Option<&Arc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Adds the dependents of changed prerequisites among `pool`, until nothing is added.
fn add_dependents<'a>(pool: &[&'a SnapshotFlag], changed: &mut BTreeSet<&'a str>) {
    if changed.is_empty() {
        return;
    }
    loop {
        let more: Vec<&str> = pool
            .iter()
            .filter(|f| !f.config.prerequisites.is_empty() && !changed.contains(f.key.as_str()))
            .filter(|f| f.config.prerequisites.iter().any(|p| changed.contains(p.flag.as_str())))
            .map(|f| f.key.as_str())
            .collect();
        if more.is_empty() {
            break;
        }
        changed.extend(more);
    }
}

/// [`changed_flags`] by comparing every flag and segment of `old` and `new`.
fn changed_by_comparison(old: Option<&Source>, new: &Source) -> Vec<String> {
    let unparsed_flags = |s: &'_ Source| -> Vec<String> {
        s.unparsed
            .iter()
            .filter_map(|u| match &u.object {
                Object::Flag(k) => Some(k.clone()),
                Object::Segment(_) => None,
            })
            .collect()
    };
    let Some(old) = old else {
        let mut all: Vec<String> = new.snapshot.flags.iter().map(|f| f.key.clone()).collect();
        all.extend(unparsed_flags(new));
        all.sort();
        all.dedup();
        return all;
    };
    // Objects whose unparsed state differs count as changed flags and segments.
    let differs = |object: &Object| {
        old.unparsed.iter().find(|u| &u.object == object) != new.unparsed.iter().find(|u| &u.object == object)
    };
    let unparsed_changed: BTreeSet<&Object> =
        old.unparsed.iter().chain(&new.unparsed).map(|u| &u.object).filter(|o| differs(o)).collect();
    let (old, new) = (&old.snapshot, &new.snapshot);
    let old_flags: HashMap<&str, &Arc<SnapshotFlag>> =
        old.flags.iter().map(|f| (f.key.as_str(), f)).collect();
    let new_flags: HashMap<&str, &Arc<SnapshotFlag>> =
        new.flags.iter().map(|f| (f.key.as_str(), f)).collect();
    let old_segments: HashMap<&str, &Arc<Segment>> =
        old.segments.iter().map(|s| (s.key.as_str(), s)).collect();
    let new_segments: HashMap<&str, &Arc<Segment>> =
        new.segments.iter().map(|s| (s.key.as_str(), s)).collect();

    let changed_segments: BTreeSet<&str> = old_segments
        .keys()
        .chain(new_segments.keys())
        .filter(|k| match (old_segments.get(*k), new_segments.get(*k)) {
            (Some(a), Some(b)) => !same(a, b),
            _ => true,
        })
        .copied()
        .chain(unparsed_changed.iter().filter_map(|o| match o {
            Object::Segment(k) => Some(k.as_str()),
            Object::Flag(_) => None,
        }))
        .collect();
    let uses_changed_segment =
        |f: &SnapshotFlag| f.config.segments_used().any(|s| changed_segments.contains(s));
    let mut changed: BTreeSet<&str> = old_flags
        .keys()
        .chain(new_flags.keys())
        .filter(|k| match (old_flags.get(*k), new_flags.get(*k)) {
            (Some(a), Some(b)) => !same(a, b) || uses_changed_segment(b),
            _ => true,
        })
        .copied()
        .chain(unparsed_changed.iter().filter_map(|o| match o {
            Object::Flag(k) => Some(k.as_str()),
            Object::Segment(_) => None,
        }))
        .collect();
    let pool: Vec<&SnapshotFlag> = new.flags.iter().map(|f| &**f).collect();
    add_dependents(&pool, &mut changed);
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

    fn snapshot(flags: Vec<serde_json::Value>, segments: Vec<serde_json::Value>) -> Source {
        Source::new(
            serde_json::from_value(
                json!({"environment": "production", "version": 1, "flags": flags, "segments": segments}),
            )
            .unwrap(),
            Vec::new(),
        )
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
        let keys: Vec<&str> = s.snapshot.flags.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["a", "c", "d"]);
        assert!(!s.snapshot.flags[2].config.enabled);
        assert_eq!(s.snapshot.segments.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["alpha"]);
    }

    #[test]
    fn malformed_data_is_an_error_and_unknown_events_are_not() {
        assert!(matches!(parse_change("flag", "{not json"), Err(StreamError::Malformed { .. })));
        // JSON, but not about any object: nothing can be set aside by key.
        assert!(matches!(
            parse_change("flag", r#"{"kind": "boolean"}"#),
            Err(StreamError::MissingKey { .. })
        ));
        assert!(matches!(parse_change("flag_deleted", "{}"), Err(StreamError::Malformed { .. })));
        assert!(parse_change("something_new", "{}").unwrap().is_none());
    }

    #[test]
    fn a_flag_that_does_not_parse_replaces_its_key_and_a_valid_one_restores_it() {
        let mut s = snapshot(vec![flag("a", true), flag("b", true)], vec![]);
        let bad = parse_change("flag", r#"{"key": "a", "kind": "boolean", "variants": 7}"#).unwrap().unwrap();
        let before = s.clone();
        apply(&mut s, bad);
        assert_eq!(s.snapshot.flags.len(), 1);
        assert_eq!(s.unparsed.len(), 1);
        assert_eq!(changed_flags(Some(&before), &s, None, None), ["a"]);
        let l = s.compile();
        let user = vexil_core::Context::new("u");
        assert_eq!(l.compiled.evaluate("a", &user).error_code(), Some(vexil_core::ErrorCode::ParseError));
        assert_eq!(l.compiled.evaluate("b", &user).variant, Some("on"));

        let broken = s.clone();
        apply(&mut s, parse_change("flag", &flag("a", false).to_string()).unwrap().unwrap());
        assert!(s.unparsed.is_empty());
        assert_eq!(changed_flags(Some(&broken), &s, None, None), ["a"]);
        apply(&mut s, parse_change("segment", r#"{"key": "seg", "rules": 3}"#).unwrap().unwrap());
        apply(&mut s, parse_change("segment_deleted", r#"{"key": "seg"}"#).unwrap().unwrap());
        assert!(s.unparsed.is_empty());
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
        assert_eq!(changed_flags(Some(&old), &new, None, None), ["added", "dependent", "gone", "uses-beta"]);
        assert_eq!(changed_flags(None, &new, None, None).len(), 4);
        assert!(changed_flags(Some(&new), &new, None, None).is_empty());
    }
}
