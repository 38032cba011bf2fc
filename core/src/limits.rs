//! Documented size limits. Validation enforces them so that a configuration can never
//! make evaluation slow or a snapshot unreasonably large. `docs/evaluation.md` lists
//! the same numbers.

/// Flags in one snapshot (one project, one environment).
pub const MAX_FLAGS: usize = 50_000;
/// Segments in one snapshot.
pub const MAX_SEGMENTS: usize = 1_000;
/// Variants of one flag.
pub const MAX_VARIANTS: usize = 100;
/// Entries (ranges) in one rollout's `weights`. A variant may have several ranges so
/// that weight changes move only the users they must (`crate::rollout`); twice the
/// variant limit leaves room for that, and a rebase never needs more after compacting.
pub const MAX_ROLLOUT_RANGES: usize = 2 * MAX_VARIANTS;
/// Rules of one flag or one segment.
pub const MAX_RULES: usize = 200;
/// Conditions in one rule.
pub const MAX_CONDITIONS: usize = 50;
/// Values in one condition.
pub const MAX_VALUES: usize = 1_000;
/// Individual target keys of one flag, over all variants.
pub const MAX_TARGET_KEYS: usize = 10_000;
/// Included plus excluded keys of one segment.
pub const MAX_SEGMENT_KEYS: usize = 100_000;
/// Prerequisites of one flag.
pub const MAX_PREREQUISITES: usize = 20;
/// Longest chain of prerequisites (a needs b needs c ... counts the flags after a).
pub const MAX_PREREQUISITE_DEPTH: usize = 10;
/// Tags of one flag.
pub const MAX_TAGS: usize = 50;
/// Length of keys (flags, variants, segments, rule ids, environments, tags), in bytes.
pub const MAX_KEY_LEN: usize = 64;
/// Length of an attribute name, in bytes.
pub const MAX_ATTRIBUTE_LEN: usize = 256;
/// Attributes one context built from JSON may carry, after nested objects are
/// flattened (OFREP requests, the OpenFeature provider, the debugger).
pub const MAX_CONTEXT_ATTRIBUTES: usize = 1_000;
/// Length of a string operand, a context key, a salt or a string variant, in bytes.
pub const MAX_STRING_LEN: usize = 4_096;
/// Length of a name, in bytes.
pub const MAX_NAME_LEN: usize = 256;
/// Length of a description, in bytes.
pub const MAX_DESCRIPTION_LEN: usize = 4_096;
/// Serialised size of one variant value, in bytes.
pub const MAX_VARIANT_VALUE_BYTES: usize = 65_536;
/// The largest document one write may carry (a flag definition, a configuration, a
/// segment), as JSON bytes: the server's default request body limit. The largest flag
/// definition the limits above allow ([`MAX_VARIANTS`] values of
/// [`MAX_VARIANT_VALUE_BYTES`] with their names and descriptions) fits in it.
pub const MAX_DOCUMENT_BYTES: usize = 8 << 20;
/// Compiled size of the regular expressions of one flag configuration or one segment,
/// in bytes: bounds what one write can make every evaluator compile.
pub const MAX_REGEX_BYTES_PER_DOCUMENT: usize = 4 << 20;
/// Compiled size of the regular expressions of everything one environment serves (its
/// active flags' configurations and the project's segments), in bytes. Checked by the
/// server when a configuration or segment is written or a flag restored.
pub const MAX_REGEX_BYTES_PER_ENVIRONMENT: usize = 32 << 20;
/// Compiled size limit of one regular expression, in bytes (the `regex` crate's
/// `size_limit`).
pub const MAX_REGEX_SIZE: usize = 1 << 20;
/// Nesting depth of one JSON variant value: arrays and objects inside each other (a
/// scalar is depth 0, `{"a": [1]}` is depth 2).
///
/// Every document that carries a value wraps it in a few levels of its own: the SDK
/// snapshot (`/sdk/v1/config`, the `snapshot` stream event, the persistence file) in
/// [`SNAPSHOT_VALUE_NESTING`], OFREP's bulk answer in 3, the admin API's flag in 3. The
/// limit keeps the deepest of them well below what common JSON parsers accept by
/// default: [`MIN_PARSER_DEPTH`] (.NET's `System.Text.Json`, used by OpenFeature's .NET
/// providers), Ruby's `JSON.parse` (100), serde_json (128), and parsers without a fixed
/// limit (Go, Java's Jackson at 1 000, Python, JavaScript).
pub const MAX_JSON_DEPTH: usize = 32;
/// Levels the SDK snapshot adds around a variant value: the snapshot object, its
/// `flags` array, the flag object, its `variants` array and the variant object.
pub const SNAPSHOT_VALUE_NESTING: usize = 5;
/// The lowest default nesting limit among the JSON parsers Vexil's documents must
/// satisfy (`System.Text.Json`'s `MaxDepth`).
pub const MIN_PARSER_DEPTH: usize = 64;

/// Nesting depth of a JSON value as [`MAX_JSON_DEPTH`] counts it: arrays and objects
/// inside each other (a scalar is 0, `[]` is 1, `{"a": [1]}` is 2). Iterative, so a
/// value built in code deeper than any parser allows cannot overflow the stack.
pub fn json_depth(value: &serde_json::Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &serde_json::Value>> = match v {
            serde_json::Value::Array(items) => Box::new(items.iter()),
            serde_json::Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        deepest = deepest.max(depth + 1);
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    deepest
}

// The deepest document Vexil sends must parse everywhere.
const _: () = assert!(MAX_JSON_DEPTH + SNAPSHOT_VALUE_NESTING < MIN_PARSER_DEPTH);
