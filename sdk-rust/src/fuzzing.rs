//! Entry points for the fuzz targets in `fuzz/` (cargo feature `fuzzing`): the event
//! stream's parser and the application of its events, driven from raw bytes exactly as
//! the background worker drives them. Not part of the SDK's API.

use crate::apply::{Source, changed_flags};
use crate::sse::{SseItem, SseParser};
use crate::worker::{MAX_EVENT_BYTES, apply_event};

/// What a stream did to the snapshot it started from.
#[derive(Debug)]
pub struct StreamOutcome {
    /// Events that applied (snapshots and changes).
    pub applied: usize,
    /// Whether the stream was rejected (as the worker rejects it, to reload).
    pub rejected: bool,
    /// Flags the final snapshot serves, sorted.
    pub flags: Vec<String>,
    /// Flags reported as changed from the base.
    pub changed: Vec<String>,
}

/// Feeds `chunks` to the parser one by one, applies every complete event to a copy of
/// `base` (a `/sdk/v1/config` body, ignored when it does not parse), compiles the
/// result and computes the changed flags, as a client following a stream would.
///
/// # Panics
/// When an invariant breaks: flags or segments out of key order after a change, a
/// flag of the snapshot missing from its lenient compilation, or the changes compiled
/// incrementally on top of the base failing other objects than a full compilation.
pub fn stream(base: &[u8], chunks: &[&[u8]]) -> StreamOutcome {
    let base = Source::from_json(base).ok();
    let mut parser = SseParser::new(MAX_EVENT_BYTES.min(1 << 20));
    let mut working: Option<Source> = None;
    let mut history: Option<String> = None;
    let (mut changes, mut full, mut applied, mut rejected) = (0u64, false, 0, false);
    let mut changed = Vec::new();
    'chunks: for chunk in chunks {
        parser.push(chunk);
        while let Some(item) = parser.next_item() {
            let event = match item {
                Ok(SseItem::Event(e)) => e,
                Ok(SseItem::Retry(_) | SseItem::Comment) => continue,
                Err(_) => {
                    rejected = true;
                    break 'chunks;
                }
            };
            if apply_event(
                event,
                base.as_ref(),
                &mut working,
                &mut history,
                &mut changes,
                &mut full,
                &mut changed,
            )
            .is_err()
            {
                rejected = true;
                break 'chunks;
            }
            applied += 1;
        }
    }
    let result = working.or(base.clone()).unwrap_or_default();
    let snapshot = &result.snapshot;
    assert!(
        snapshot.flags.windows(2).all(|w| w[0].key.as_bytes() <= w[1].key.as_bytes()),
        "flags out of order"
    );
    assert!(
        snapshot.segments.windows(2).all(|w| w[0].key.as_bytes() <= w[1].key.as_bytes()),
        "segments out of order"
    );
    let compiled = result.compile();
    let mut flags: Vec<String> = compiled.compiled.flags().map(|f| f.key().to_owned()).collect();
    flags.sort();
    for f in &snapshot.flags {
        assert!(
            flags.binary_search(&f.key).is_ok(),
            "flag {:?} is missing from the compiled snapshot",
            f.key
        );
    }
    if let (Some(base), false) = (&base, full) {
        let incremental = base.compile().compiled.with_changes(snapshot, &result.unparsed, &changed);
        assert_eq!(incremental.failures, compiled.failures, "incremental and full compilations differ");
        let keys: Vec<&str> = incremental.compiled.flags().map(|f| f.key()).collect();
        let full_keys: Vec<&str> = compiled.compiled.flags().map(|f| f.key()).collect();
        assert_eq!(keys, full_keys, "incremental and full compilations differ");
    }
    let changed = changed_flags(base.as_ref(), &result);
    StreamOutcome { applied, rejected, flags, changed }
}
