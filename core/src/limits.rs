//! Documented size limits. Validation enforces them so that a configuration can never
//! make evaluation slow or a snapshot unreasonably large. `docs/evaluation.md` lists
//! the same numbers.

/// Flags in one snapshot (one project, one environment).
pub const MAX_FLAGS: usize = 10_000;
/// Segments in one snapshot.
pub const MAX_SEGMENTS: usize = 1_000;
/// Variants of one flag.
pub const MAX_VARIANTS: usize = 100;
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
/// Compiled size limit of one regular expression, in bytes (the `regex` crate's
/// `size_limit`).
pub const MAX_REGEX_SIZE: usize = 1 << 20;
