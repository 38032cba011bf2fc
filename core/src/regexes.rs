//! Regular expressions of `matches` conditions, compiled once per process: validation,
//! snapshot compilation and every rebuild after a change share one compiled form per
//! pattern, so that saving a configuration or swapping in a new snapshot never pays
//! for a pattern twice.
//!
//! Each entry also knows its cost: the size of its compiled automaton (a Thompson NFA,
//! as the `regex` crate builds it), which [`crate::limits`] bounds per pattern, per
//! document and (in the server) per environment. The cache is bounded by entries and
//! by total cost, and simply starts over when full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::limits::MAX_REGEX_SIZE;

/// A compiled pattern and what it costs.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) regex: regex::Regex,
    /// Size of the compiled automaton, in bytes.
    pub(crate) bytes: usize,
}

type Entry = Result<Arc<Compiled>, Arc<str>>;

/// Patterns kept at most.
const MAX_ENTRIES: usize = 8_192;
/// Total cost of the patterns kept at most, in bytes.
const MAX_CACHED_BYTES: usize = 256 << 20;

#[derive(Default)]
struct Cache {
    entries: HashMap<Box<str>, Entry>,
    bytes: usize,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// Compiles `pattern` (or finds it compiled) with the documented size limit. The error
/// is the engine's message, reduced to its useful last line.
pub(crate) fn compile(pattern: &str) -> Entry {
    if let Some(found) = cache().lock().unwrap_or_else(|e| e.into_inner()).entries.get(pattern) {
        return found.clone();
    }
    // Compiled outside the lock: a slow pattern must not hold up the others.
    let entry = build(pattern);
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    let cost = entry.as_ref().map_or(0, |c| c.bytes);
    if cache.entries.len() >= MAX_ENTRIES || cache.bytes + cost > MAX_CACHED_BYTES {
        *cache = Cache::default();
    }
    cache.bytes += cost;
    cache.entries.insert(pattern.into(), entry.clone());
    entry
}

fn build(pattern: &str) -> Entry {
    let regex = regex::RegexBuilder::new(pattern)
        .size_limit(MAX_REGEX_SIZE)
        .dfa_size_limit(MAX_REGEX_SIZE)
        .build()
        .map_err(|e| Arc::<str>::from(last_line(&e.to_string())))?;
    // The `regex` crate does not report its size; the NFA it is built from does, and is
    // what its size limit measures.
    let nfa = regex_automata::nfa::thompson::NFA::compiler()
        .configure(regex_automata::nfa::thompson::Config::new().nfa_size_limit(Some(MAX_REGEX_SIZE)))
        .build(pattern)
        .map_err(|e| Arc::<str>::from(last_line(&e.to_string())))?;
    Ok(Arc::new(Compiled { regex, bytes: nfa.memory_usage() }))
}

/// The regex crate puts the useful part of its message on the last line.
fn last_line(s: &str) -> &str {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_is_compiled_once_and_knows_its_cost() {
        let a = compile(r"^[a-z]+@example\.com$").unwrap();
        let b = compile(r"^[a-z]+@example\.com$").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(a.bytes > 0);
        // A large Unicode class repeated costs far more than a short literal pattern.
        let big = compile(r"\w{20}").unwrap();
        assert!(big.bytes > 50 * a.bytes, "{} vs {}", big.bytes, a.bytes);
    }

    #[test]
    fn errors_are_cached_with_their_message() {
        let e = compile("(unclosed").unwrap_err();
        assert!(e.contains("unclosed"), "{e}");
        assert!(compile(r"\w{1000}").is_err(), "over the size limit");
    }
}
