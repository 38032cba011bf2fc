//! Incremental recompilation: a change recompiles the flags and segments it touches and
//! shares every other compiled flag and segment with the version it starts from.
//!
//! Touched are the changed flags and segments, the flags using a changed segment, and,
//! transitively, the flags having a touched flag as a prerequisite. Their validation
//! and the lenient compiler's failure propagation run again for them alone; the result
//! evaluates exactly as [`CompiledSnapshot::compile_lenient_with`] on the same data
//! and lists the same failures (a property test in `tests/incremental.rs` compares
//! both over random change sequences).
//!
//! Positions are what compiled flags refer to each other by (prerequisites, segments,
//! the index by key), so the incremental path needs the keys, in order, to be those of
//! the version it starts from: an upsert of an existing flag or segment. It also needs
//! that version to be clean (nothing failed, nothing unparsed, no envelope problem),
//! because then nothing outside the touched set can be failed or change its failure.
//! Anything else (a flag or segment created or deleted, unparsed data, a failure in
//! the base) compiles the whole snapshot, as before.

use std::collections::HashSet;
use std::sync::Arc;

use crate::compile::{self, CompiledFlag, CompiledSegment, CompiledSnapshot};
use crate::eval::ErrorCode;
use crate::lenient::{
    self, Failure, FailureCause, LenientCompile, Object, State, Unparsed, failed_dependency,
};
use crate::model::{Snapshot, SnapshotFlag};
use crate::validate::{self, References};

impl CompiledSnapshot {
    /// Compiles `snapshot`, the data this snapshot was compiled from with `changed`
    /// applied, recompiling only what the change touches and falling back to
    /// [`CompiledSnapshot::compile_lenient_with`] where that cannot be done. `changed`
    /// must name every flag and segment whose data differs (created, replaced, deleted
    /// or unparsed); listing one that did not change only costs its recompilation.
    ///
    /// Touched are the changed flags and segments, the flags using a changed segment
    /// and, transitively, the flags having a touched flag as a prerequisite. The
    /// incremental path needs the same keys in the same order as this snapshot (an
    /// update of existing flags and segments) and this snapshot to be
    /// [clean](CompiledSnapshot::is_clean); otherwise everything is compiled. Either
    /// way the result evaluates as `compile_lenient_with(snapshot, unparsed)` does and
    /// lists the same failures.
    ///
    /// ```
    /// use vexil_core::{CompiledSnapshot, Context, Object, Snapshot};
    ///
    /// let mut snapshot: Snapshot = serde_json::from_value(serde_json::json!({
    ///     "environment": "production", "version": 1,
    ///     "flags": [{"key": "checkout", "kind": "boolean", "salt": "a",
    ///          "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
    ///          "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}}}]
    /// }))?;
    /// let v1 = CompiledSnapshot::compile_lenient(&snapshot).compiled;
    /// std::sync::Arc::make_mut(&mut snapshot.flags[0]).config.enabled = false;
    /// snapshot.version = 2;
    /// let v2 = v1.with_changes(&snapshot, &[], &[Object::Flag("checkout".into())]).compiled;
    /// assert_eq!(v2.evaluate("checkout", &Context::new("u")).variant, Some("off"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn with_changes(
        &self,
        snapshot: &Snapshot,
        unparsed: &[Unparsed],
        changed: &[Object],
    ) -> LenientCompile {
        self.incremental(snapshot, unparsed, changed)
            .unwrap_or_else(|| CompiledSnapshot::compile_lenient_with(snapshot, unparsed))
    }

    /// Whether [`CompiledSnapshot::with_changes`] can start from this snapshot without
    /// compiling everything (it was compiled from data with nothing failed).
    pub fn is_clean(&self) -> bool {
        self.clean
    }

    fn incremental(
        &self,
        snapshot: &Snapshot,
        unparsed: &[Unparsed],
        changed: &[Object],
    ) -> Option<LenientCompile> {
        if !self.clean || !unparsed.is_empty() {
            return None;
        }
        let same_keys = self.flags.len() == snapshot.flags.len()
            && self.segments.len() == snapshot.segments.len()
            && self.flags.iter().zip(&snapshot.flags).all(|(c, f)| *c.key == *f.key)
            && self.segments.iter().zip(&snapshot.segments).all(|(c, s)| *c.key == *s.key);
        if !same_keys {
            return None;
        }
        let snapshot_problems = lenient::envelope_problems(snapshot);
        if !snapshot_problems.is_empty() {
            return None;
        }
        let segment_index = compile::segment_index(snapshot.segments.iter().map(|s| s.key.as_str()));
        let flag_pos = |key: &str| self.index.get(&self.flags, key);

        // Touched segments, each validated on its own (segments use no other object).
        let mut segment_state: Vec<(usize, State)> = Vec::new();
        let mut flag_touched = vec![false; snapshot.flags.len()];
        for object in changed {
            match object {
                Object::Segment(k) => {
                    if let Some(&i) = segment_index.get(k.as_str()) {
                        if !segment_state.iter().any(|(j, _)| *j == i) {
                            let state = validate::validate_segment(&snapshot.segments[i]).err().map(|e| {
                                let problems = lenient::prefixed(&format!("/segments/{i}"), e.problems);
                                (ErrorCode::ParseError, FailureCause::Invalid { problems })
                            });
                            segment_state.push((i, state));
                        }
                    }
                }
                Object::Flag(k) => {
                    if let Some(i) = flag_pos(k) {
                        flag_touched[i] = true;
                    }
                }
            }
        }

        // Users of a touched segment, then dependents of touched flags until nothing is
        // added (each pass adds the next level of prerequisite chains).
        if !segment_state.is_empty() {
            let touched: HashSet<&str> =
                segment_state.iter().map(|(i, _)| snapshot.segments[*i].key.as_str()).collect();
            for (f, t) in snapshot.flags.iter().zip(flag_touched.iter_mut()) {
                if !*t && uses_segment(f, &touched) {
                    *t = true;
                }
            }
        }
        loop {
            let mut added = false;
            for i in 0..snapshot.flags.len() {
                if flag_touched[i] {
                    continue;
                }
                let f = &snapshot.flags[i];
                if f.config.prerequisites.iter().any(|p| flag_pos(&p.flag).is_some_and(|j| flag_touched[j])) {
                    flag_touched[i] = true;
                    added = true;
                }
            }
            if !added {
                break;
            }
        }
        let touched: Vec<usize> = (0..snapshot.flags.len()).filter(|&i| flag_touched[i]).collect();

        // The touched flags on their own, against the segments and the flags they use.
        let mut refs = References::new();
        for s in &snapshot.segments {
            refs.add_segment(&s.key);
        }
        for &i in &touched {
            for p in &snapshot.flags[i].config.prerequisites {
                if let Some(j) = flag_pos(&p.flag) {
                    let pre = &snapshot.flags[j];
                    refs.add_flag(&pre.key, pre.variants.iter().map(|v| v.key.as_str()));
                }
            }
        }
        let mut flag_state: Vec<(usize, State)> = touched
            .iter()
            .map(|&i| {
                let problems = lenient::flag_problems(i, &snapshot.flags[i], &refs);
                (
                    i,
                    (!problems.is_empty())
                        .then_some((ErrorCode::ParseError, FailureCause::Invalid { problems })),
                )
            })
            .collect();
        // A cycle or a too deep chain runs through a flag with prerequisites; every
        // flag whose chains it changes is touched.
        if touched.iter().any(|&i| !snapshot.flags[i].config.prerequisites.is_empty()) {
            for p in validate::prerequisite_graph_problems(&snapshot.flags) {
                let Some(i) = lenient::flag_of_pointer(&p.pointer) else { continue };
                if let Ok(at) = flag_state.binary_search_by_key(&i, |(j, _)| *j) {
                    match &mut flag_state[at].1 {
                        Some((_, FailureCause::Invalid { problems })) => problems.push(p),
                        state => {
                            *state =
                                Some((ErrorCode::ParseError, FailureCause::Invalid { problems: vec![p] }));
                        }
                    }
                }
            }
        }

        // Failure propagation among the touched flags, pass by pass as the full
        // compiler does (untouched flags were usable and use nothing touched).
        let failed_segments: HashSet<&str> = segment_state
            .iter()
            .filter(|(_, st)| st.is_some())
            .map(|(i, _)| snapshot.segments[*i].key.as_str())
            .collect();
        loop {
            let failed_flags: HashSet<&str> = flag_state
                .iter()
                .filter(|(_, st)| st.is_some())
                .map(|(i, _)| snapshot.flags[*i].key.as_str())
                .collect();
            let mut changed = false;
            for (i, st) in &mut flag_state {
                if st.is_some() {
                    continue;
                }
                if let Some(on) = failed_dependency(&snapshot.flags[*i], &failed_flags, &failed_segments) {
                    *st = Some((ErrorCode::General, FailureCause::Dependency { on }));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }

        // Compile the touched set; share the rest.
        let mut slots = self.slots.clone();
        let mut segments = self.segments.clone();
        for (i, st) in &segment_state {
            let s = &snapshot.segments[*i];
            let mut c = if st.is_some() {
                CompiledSegment::empty(&s.key)
            } else {
                compile::compile_segment(s, &segment_index)
            };
            c.assign_slots(&mut slots);
            segments[*i] = Arc::new(c);
        }
        let mut flags = self.flags.clone();
        let variants_of = |j: usize| snapshot.flags.get(j).map_or(&[][..], |f| f.variants.as_slice());
        let mut lists = compile::VariantLists::default();
        for (i, st) in &flag_state {
            let f = &snapshot.flags[*i];
            if let Some(old) = self.flags.get(*i) {
                lists.remember(&old.variants);
            }
            let mut c = match st {
                None => compile::compile_flag(f, &segment_index, &flag_pos, &variants_of, &mut lists),
                Some((code, _)) => {
                    CompiledFlag::failed(&f.key, f.kind, f.client_visible, f.config.version, *code)
                }
            };
            c.assign_slots(&mut slots);
            flags[*i] = Arc::new(c);
        }

        let mut failures: Vec<Failure> = flag_state
            .into_iter()
            .filter_map(|(i, st)| {
                st.map(|(code, cause)| (Object::Flag(snapshot.flags[i].key.clone()), code, cause))
            })
            .chain(segment_state.into_iter().filter_map(|(i, st)| {
                st.map(|(code, cause)| (Object::Segment(snapshot.segments[i].key.clone()), code, cause))
            }))
            .map(|(object, code, cause)| Failure { object, code, cause })
            .collect();
        lenient::sort_failures(&mut failures);
        let compiled = CompiledSnapshot {
            environment: snapshot.environment.as_str().into(),
            version: snapshot.version,
            flags,
            index: self.index.clone(),
            segments,
            slots,
            clean: failures.is_empty(),
        };
        Some(LenientCompile { compiled, failures, snapshot_problems })
    }
}

/// Whether a flag's rules test membership of one of `segments`.
fn uses_segment(f: &SnapshotFlag, segments: &HashSet<&str>) -> bool {
    f.config.segments_used().any(|k| segments.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Context;
    use serde_json::json;

    fn snapshot() -> Snapshot {
        let flag = |key: &str, config: serde_json::Value| {
            json!({"key": key, "kind": "boolean", "salt": key,
                   "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                   "config": config})
        };
        let on = json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"}});
        serde_json::from_value(json!({
            "environment": "test", "version": 1,
            "segments": [{"key": "beta", "included": ["u1"]}],
            "flags": [
                flag("a", on.clone()),
                flag("b", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                                 "prerequisites": [{"flag": "a", "variant": "on"}]})),
                flag("c", json!({"enabled": true, "off_variant": "off", "default": {"variant": "on"},
                                 "prerequisites": [{"flag": "b", "variant": "on"}]})),
                flag("d", on.clone()),
                flag("e", json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"},
                                 "rules": [{"id": "r", "serve": {"variant": "on"},
                                            "conditions": [{"op": "in_segment", "values": ["beta"]}]}]})),
            ]
        }))
        .unwrap()
    }

    fn shared(a: &CompiledSnapshot, b: &CompiledSnapshot) -> Vec<bool> {
        a.flags.iter().zip(&b.flags).map(|(x, y)| Arc::ptr_eq(x, y)).collect()
    }

    #[test]
    fn a_change_recompiles_the_flag_and_its_dependents_and_shares_the_rest() {
        let mut s = snapshot();
        let v1 = CompiledSnapshot::compile_lenient(&s).compiled;
        assert!(v1.is_clean());
        Arc::make_mut(&mut s.flags[0]).config.enabled = false;
        s.version = 2;
        let v2 = v1.with_changes(&s, &[], &[Object::Flag("a".into())]);
        assert!(v2.failures.is_empty());
        // a, its dependent b and b's dependent c are new; d and e are the same flags.
        assert_eq!(shared(&v1, &v2.compiled), [false, false, false, true, true]);
        assert_eq!(v2.compiled.evaluate("c", &Context::new("u1")).variant, Some("off"));
        assert_eq!(v2.compiled.version(), 2);
    }

    #[test]
    fn a_failing_segment_fails_its_users_incrementally_and_the_next_change_compiles_everything() {
        let mut s = snapshot();
        let v1 = CompiledSnapshot::compile_lenient(&s).compiled;
        Arc::make_mut(&mut s.segments[0]).rules =
            serde_json::from_value(json!([{"conditions": [{"op": "in_segment", "values": ["beta"]}]}]))
                .unwrap();
        let v2 = v1.with_changes(&s, &[], &[Object::Segment("beta".into())]);
        assert_eq!(shared(&v1, &v2.compiled), [true, true, true, true, false]);
        let failed: Vec<&Object> = v2.failures.iter().map(|f| &f.object).collect();
        assert_eq!(failed, [&Object::Flag("e".into()), &Object::Segment("beta".into())]);
        assert!(!v2.compiled.is_clean());
        // From a snapshot with failures, everything is compiled again.
        let v3 = v2.compiled.with_changes(&s, &[], &[Object::Flag("d".into())]);
        assert_eq!(shared(&v2.compiled, &v3.compiled), [false; 5]);
    }

    #[test]
    fn a_created_flag_compiles_everything() {
        let mut s = snapshot();
        let v1 = CompiledSnapshot::compile_lenient(&s).compiled;
        let mut f = (*s.flags[3]).clone();
        f.key = "z".into();
        s.flags.push(Arc::new(f));
        let v2 = v1.with_changes(&s, &[], &[Object::Flag("z".into())]);
        assert_eq!(v2.compiled.len(), 6);
        assert!(v2.compiled.flags.iter().take(5).zip(&v1.flags).all(|(x, y)| !Arc::ptr_eq(x, y)));
    }
}
