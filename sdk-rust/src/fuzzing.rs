//! Entry points for the fuzz targets in `fuzz/` and the benchmarks in `benches/`
//! (cargo feature `fuzzing`): the event stream's parser and the application of its
//! events, driven from raw bytes exactly as the background worker drives them. Not part
//! of the SDK's API.

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::apply::{Source, changed_flags};
use crate::shared::{FlagsChanged, Shared};
use crate::sse::{SseItem, SseParser};
use crate::status::Origin;
use crate::worker::{MAX_EVENT_BYTES, apply_event, apply_stream};

/// A client's state following a stream, without a network or a background thread:
/// bytes pushed go through the worker's path from a received event to the swapped
/// snapshot (parse, apply, compile, install, usage counters, change notification).
#[derive(Debug)]
pub struct Follower {
    shared: Arc<Shared>,
    source: Option<Source>,
    history: Option<String>,
    parser: SseParser,
    _changes: Option<broadcast::Receiver<FlagsChanged>>,
}

impl Follower {
    /// Serves `config` (a `/sdk/v1/config` body) as if loaded from the server, with
    /// usage events on (the builder's default limits). With `subscribed`, a change
    /// subscriber is kept, so every install also works out the changed flags.
    ///
    /// # Panics
    /// When `config` does not parse.
    #[expect(clippy::expect_used, reason = "a benchmark's fixture that does not parse is a bug")]
    pub fn new(config: &[u8], subscribed: bool) -> Follower {
        let shared = Arc::new(Shared::without_worker(10_000));
        let source = Source::from_json(config).expect("the configuration parses");
        shared.install(None, &source, None, source.compile(), Origin::Server);
        let changes = subscribed.then(|| shared.changes.subscribe());
        Follower {
            shared,
            source: Some(source),
            history: None,
            parser: SseParser::new(MAX_EVENT_BYTES),
            _changes: changes,
        }
    }

    /// Pushes stream bytes; every complete event is applied and the result installed.
    /// Returns whether a snapshot was installed.
    ///
    /// # Panics
    /// When the stream is rejected (bad data, or an id that does not follow).
    #[expect(clippy::expect_used, reason = "a benchmark's stream that is rejected is a bug")]
    pub fn push(&mut self, bytes: &[u8]) -> bool {
        self.parser.push(bytes);
        let installed = apply_stream(&self.shared, self.source.as_ref(), &mut self.history, &mut self.parser)
            .expect("the stream applies");
        let applied = installed.is_some();
        if let Some(source) = installed {
            self.source = Some(source);
        }
        applied
    }

    /// The environment version served.
    pub fn version(&self) -> u64 {
        self.shared.load_guard().as_deref().map_or(0, |l| l.compiled.version())
    }
}

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
    let named = (!full).then_some(changed.as_slice());
    let changed = changed_flags(base.as_ref(), &result, None, None);
    if let (Some(base), Some(named)) = (&base, named) {
        let before = base.compile().compiled;
        let incremental = before.with_changes(snapshot, &result.unparsed, named);
        assert_eq!(incremental.failures, compiled.failures, "incremental and full compilations differ");
        let keys: Vec<&str> = incremental.compiled.flags().map(|f| f.key()).collect();
        let full_keys: Vec<&str> = compiled.compiled.flags().map(|f| f.key()).collect();
        assert_eq!(keys, full_keys, "incremental and full compilations differ");
        assert_eq!(
            changed_flags(Some(base), &result, Some(named), None),
            changed,
            "the changed flags worked out from the named objects differ from a full comparison"
        );
        if let Some(recompiled) = crate::apply::recompiled_keys(&before, &incremental.compiled) {
            assert_eq!(
                changed_flags(Some(base), &result, Some(named), Some(&recompiled)),
                changed,
                "the changed flags found among the recompiled ones differ from a full comparison"
            );
        }
    }
    StreamOutcome { applied, rejected, flags, changed }
}
