//! `vexil refs scan PATH`: finds where a source tree mentions flag keys.
//!
//! The scanner walks the tree with the `ignore` crate's parallel walker (so `.gitignore`,
//! `.ignore` and git's exclude files are honoured, and hidden files are skipped), reads
//! each file once, skips binary files (a NUL byte in the first 8 KiB), files that are not
//! UTF-8 and files larger than a bound, and finds every flag key in one pass with an
//! Aho-Corasick automaton over all keys. A match counts only on word boundaries: the
//! bytes on either side must not be key characters (`[a-z0-9_.-]`, plus upper-case
//! letters), so `new-checkout` does not match inside `new-checkout-v2`.
//!
//! Keys that are *not* flags cannot be found by matching known keys. For those the
//! scanner runs candidate patterns: regular expressions for the calls that read a flag
//! (`bool_value("…")`, `getBooleanValue("…")`, …) whose first capture group is the key.
//! A captured key that is no flag of the project is reported as unknown, with its
//! locations. The defaults cover the Vexil SDK and the OpenFeature SDKs; `--pattern`
//! adds more, `--no-default-patterns` drops the defaults.
//!
//! What this module must not do: talk to the server or print. The caller gives it the
//! keys and decides what to do with the report (`super::run` does both for the command
//! line). It depends on no other part of the server, so that it can be measured alone.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde::{Deserialize, Serialize};

/// Files larger than this many bytes are skipped unless `--max-file-bytes` says otherwise:
/// generated bundles and data files, not code.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// How many bytes at the start of a file are looked at for a NUL byte, as git does.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// The default candidate patterns: calls of the Vexil SDK (`bool_value`, `string_value`,
/// `number_value`, `json_value` and their `_details`) and of the OpenFeature SDKs
/// (`getBooleanValue`, `get_boolean_value`, `GetBooleanValue`, `getStringDetails`, …),
/// with the key as the first argument in double, single or back quotes.
pub const DEFAULT_PATTERNS: [&str; 2] = [
    r#"\b(?:bool|string|number|json)_value(?:_details)?\s*\(\s*["'`]([^"'`\s]{1,200})["'`]"#,
    r#"(?i:\bget_?(?:boolean|string|integer|number|float|double|object)_?(?:value|details))\s*\(\s*["'`]([^"'`\s]{1,200})["'`]"#,
];

/// Everything a scan went wrong on before it started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The root is not a readable directory.
    #[error("{path}: not a directory that can be read")]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// A candidate pattern is not a regular expression with a capture group.
    #[error("pattern {pattern:?}: {reason}")]
    BadPattern {
        /// The pattern as given.
        pattern: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The multi-pattern matcher could not be built (too many or too long keys).
    #[error("cannot build the key matcher: {0}")]
    Matcher(#[from] aho_corasick::BuildError),
}

/// A flag key the scan looks for, and whether the flag is archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownKey {
    /// The flag key (`[a-z0-9][a-z0-9_.-]*`).
    pub key: String,
    /// Whether the flag is archived: code that still reads it is reported.
    #[serde(default)]
    pub archived: bool,
}

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The root of the tree.
    pub root: PathBuf,
    /// The project's flag keys.
    pub keys: Vec<KnownKey>,
    /// Candidate patterns (regular expressions with one capture group: the key).
    pub patterns: Vec<String>,
    /// Files larger than this many bytes are skipped.
    pub max_file_bytes: u64,
    /// Worker threads for the walk; 0 picks one per core.
    pub threads: usize,
}

/// One place a key appears: a path relative to the root with `/` separators, and a
/// 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scanned root, `/`-separated.
    pub path: String,
    /// Line number, from 1.
    pub line: u32,
}

/// How many files were read and why others were not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCounts {
    /// Files read and matched.
    pub scanned: u64,
    /// Files with a NUL byte in their first 8 KiB.
    pub binary: u64,
    /// Files that are not valid UTF-8.
    pub non_utf8: u64,
    /// Files larger than the size bound.
    pub too_large: u64,
    /// Files or directories that could not be read (permissions, races with deletion).
    pub unreadable: u64,
}

/// The references of one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyReferences {
    /// The flag key.
    pub key: String,
    /// Whether the flag is archived.
    pub archived: bool,
    /// How many places mention the key.
    pub count: u64,
    /// Every place, sorted by path and line.
    pub locations: Vec<Location>,
}

/// A scan's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    /// Files read and skipped.
    pub files: FileCounts,
    /// Every known key that the code mentions, by key.
    pub referenced: Vec<KeyReferences>,
    /// Known, active flags that no file mentions, by key.
    pub unreferenced: Vec<String>,
    /// Archived flags that the code still mentions, by key.
    pub archived_referenced: Vec<String>,
    /// Keys that candidate patterns found in flag-reading calls but that are no flag of
    /// the project, by key.
    pub unknown: Vec<KeyReferences>,
}

/// Characters a flag key is made of; a match is a reference only if the bytes around it
/// are none of these (upper-case letters included, so `XNEW-checkout` is no match).
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Whether `key` is a flag key's shape ([`vexil_core::validate::is_valid_key`]): only
/// such keys can be matched on word boundaries.
pub fn is_flag_key(key: &str) -> bool {
    vexil_core::validate::is_valid_key(key)
}

/// Compiles candidate patterns; each needs at least one capture group (the first is the key).
pub fn compile_patterns(patterns: &[String]) -> Result<Vec<Regex>, ScanError> {
    patterns
        .iter()
        .map(|p| {
            let re = Regex::new(p)
                .map_err(|e| ScanError::BadPattern { pattern: p.clone(), reason: e.to_string() })?;
            if re.captures_len() < 2 {
                return Err(ScanError::BadPattern {
                    pattern: p.clone(),
                    reason: "it needs a capture group around the key, e.g. isOn\\(\"([^\"]+)\"".to_owned(),
                });
            }
            Ok(re)
        })
        .collect()
}

/// What one worker found, merged at the end (one lock per file, not per match).
#[derive(Default)]
struct Found {
    files: FileCounts,
    /// By index into the key list.
    known: BTreeMap<usize, Vec<Location>>,
    unknown: BTreeMap<String, BTreeSet<Location>>,
}

struct Matcher {
    keys: Vec<KnownKey>,
    index: BTreeMap<String, usize>,
    ac: Option<AhoCorasick>,
    patterns: Vec<Regex>,
    max_file_bytes: u64,
}

impl Matcher {
    /// Scans one file's bytes into `found`.
    fn scan(&self, rel: &str, bytes: &[u8], found: &mut Found) {
        if memchr_nul(&bytes[..bytes.len().min(BINARY_SNIFF_BYTES)]) {
            found.files.binary += 1;
            return;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            found.files.non_utf8 += 1;
            return;
        };
        found.files.scanned += 1;
        let mut lines = LineCounter::default();
        if let Some(ac) = &self.ac {
            // Leftmost-longest without overlaps is exact here: every key is made of key
            // bytes only, so a rejected match can never hide an accepted one (an accepted
            // match is bounded by non-key bytes, which no other match can span).
            for m in ac.find_iter(bytes) {
                let before_ok = m.start() == 0 || !is_key_byte(bytes[m.start() - 1]);
                let after_ok = m.end() == bytes.len() || !is_key_byte(bytes[m.end()]);
                if before_ok && after_ok {
                    let line = lines.line_at(bytes, m.start());
                    found
                        .known
                        .entry(m.pattern().as_usize())
                        .or_default()
                        .push(Location { path: rel.to_owned(), line });
                }
            }
        }
        if !self.patterns.is_empty() {
            let mut lines = LineCounter::default();
            for re in &self.patterns {
                for caps in re.captures_iter(text) {
                    let Some(key) = caps.get(1) else { continue };
                    if self.index.contains_key(key.as_str()) {
                        // A known key: the automaton counted it already.
                        continue;
                    }
                    let line = lines.line_at_any(bytes, key.start());
                    found
                        .unknown
                        .entry(key.as_str().to_owned())
                        .or_default()
                        .insert(Location { path: rel.to_owned(), line });
                }
            }
        }
    }
}

/// Whether a slice holds a NUL byte.
fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

/// Turns byte offsets into line numbers, counting newlines once for offsets that come
/// in ascending order (those of one automaton pass).
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u32,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> u32 {
        if offset < self.offset {
            return self.line_at_any(bytes, offset);
        }
        let newlines = bytes[self.offset..offset].iter().filter(|&&b| b == b'\n').count();
        self.line = self.line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.offset = offset;
        self.line + 1
    }

    /// For offsets in any order (several patterns' passes): restarts when going back.
    fn line_at_any(&mut self, bytes: &[u8], offset: usize) -> u32 {
        if offset < self.offset {
            self.offset = 0;
            self.line = 0;
        }
        self.line_at(bytes, offset)
    }
}

/// Scans a tree. Files that cannot be read are counted, not fatal: a scan in CI should
/// report what it could read.
///
/// # Errors
/// [`ScanError`] when the root is not a directory, a pattern is unusable, or the keys
/// cannot be compiled into a matcher.
pub fn scan(options: &ScanOptions) -> Result<ScanReport, ScanError> {
    if !options.root.is_dir() {
        return Err(ScanError::NotADirectory { path: options.root.clone() });
    }
    let mut keys: Vec<KnownKey> = options.keys.iter().filter(|k| is_flag_key(&k.key)).cloned().collect();
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    keys.dedup_by(|a, b| a.key == b.key);
    let index = keys.iter().enumerate().map(|(i, k)| (k.key.clone(), i)).collect();
    let ac = if keys.is_empty() {
        None
    } else {
        Some(
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(keys.iter().map(|k| k.key.as_bytes()))?,
        )
    };
    let matcher = Matcher {
        keys,
        index,
        ac,
        patterns: compile_patterns(&options.patterns)?,
        max_file_bytes: options.max_file_bytes,
    };
    let total = Mutex::new(Found::default());
    let root = options.root.clone();
    let walker = ignore::WalkBuilder::new(&root)
        .threads(options.threads)
        // Honour .gitignore even where the tree is not (yet) a git repository, as an
        // exported source archive or a CI checkout without .git would be.
        .require_git(false)
        .build_parallel();
    walker.run(|| {
        let matcher = &matcher;
        let total = &total;
        let root = &root;
        let mut buf = Vec::new();
        Box::new(move |entry| {
            let mut found = Found::default();
            match entry {
                Err(_) => found.files.unreadable += 1,
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    read_and_scan(matcher, root, entry.path(), &mut buf, &mut found);
                }
                Ok(_) => return ignore::WalkState::Continue,
            }
            merge(total, found);
            ignore::WalkState::Continue
        })
    });
    let found = total.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(report(&matcher, found))
}

fn read_and_scan(matcher: &Matcher, root: &Path, path: &Path, buf: &mut Vec<u8>, found: &mut Found) {
    let Ok(file) = std::fs::File::open(path) else {
        found.files.unreadable += 1;
        return;
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > matcher.max_file_bytes {
        found.files.too_large += 1;
        return;
    }
    buf.clear();
    // `take` bounds a file that grows while it is read.
    if file.take(matcher.max_file_bytes + 1).read_to_end(buf).is_err() {
        found.files.unreadable += 1;
        return;
    }
    if buf.len() as u64 > matcher.max_file_bytes {
        found.files.too_large += 1;
        return;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = rel.to_string_lossy().replace('\\', "/");
    matcher.scan(&rel, buf, found);
}

fn merge(total: &Mutex<Found>, found: Found) {
    let mut t = total.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    t.files.scanned += found.files.scanned;
    t.files.binary += found.files.binary;
    t.files.non_utf8 += found.files.non_utf8;
    t.files.too_large += found.files.too_large;
    t.files.unreadable += found.files.unreadable;
    for (k, mut v) in found.known {
        t.known.entry(k).or_default().append(&mut v);
    }
    for (k, mut v) in found.unknown {
        t.unknown.entry(k).or_default().append(&mut v);
    }
}

fn report(matcher: &Matcher, found: Found) -> ScanReport {
    let mut referenced = Vec::new();
    let mut unreferenced = Vec::new();
    let mut archived_referenced = Vec::new();
    let mut known = found.known;
    for (i, k) in matcher.keys.iter().enumerate() {
        match known.remove(&i) {
            Some(mut locations) => {
                locations.sort();
                if k.archived {
                    archived_referenced.push(k.key.clone());
                }
                referenced.push(KeyReferences {
                    key: k.key.clone(),
                    archived: k.archived,
                    count: locations.len() as u64,
                    locations,
                });
            }
            None if !k.archived => unreferenced.push(k.key.clone()),
            None => {}
        }
    }
    let unknown = found
        .unknown
        .into_iter()
        .map(|(key, locations)| KeyReferences {
            key,
            archived: false,
            count: locations.len() as u64,
            locations: locations.into_iter().collect(),
        })
        .collect();
    ScanReport { files: found.files, referenced, unreferenced, archived_referenced, unknown }
}

/// Reads a `--keys` file: JSON (an array of keys or of `{"key", "archived"}` objects, or
/// an object with such an array under `items` or `flags`, as the flags list and
/// `vexil flags list --output json` give) or text (one key per line, `#` comments, a
/// trailing word `archived` marks an archived flag).
///
/// # Errors
/// A message naming the line or the JSON problem.
pub fn parse_keys_file(text: &str) -> Result<Vec<KnownKey>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let items = match &value {
            serde_json::Value::Array(a) => a,
            serde_json::Value::Object(o) => match o.get("items").or_else(|| o.get("flags")) {
                Some(serde_json::Value::Array(a)) => a,
                _ => return Err("a JSON object needs an array under \"items\" or \"flags\"".to_owned()),
            },
            _ => return Err("JSON keys are an array".to_owned()),
        };
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                serde_json::Value::String(key) => checked(key, false, &format!("item {i}")),
                serde_json::Value::Object(o) => {
                    let key = o
                        .get("key")
                        .and_then(|k| k.as_str())
                        .ok_or(format!("item {i}: no \"key\" string"))?;
                    let archived = o.get("archived").and_then(serde_json::Value::as_bool).unwrap_or(false);
                    checked(key, archived, &format!("item {i}"))
                }
                _ => Err(format!("item {i}: a key string or an object with \"key\"")),
            })
            .collect();
    }
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let key = words.next().unwrap_or("");
        let archived = match words.next() {
            None => false,
            Some("archived") => true,
            Some(other) => {
                return Err(format!(
                    "line {}: unexpected {other:?} after the key (only \"archived\")",
                    n + 1
                ));
            }
        };
        keys.push(checked(key, archived, &format!("line {}", n + 1))?);
    }
    Ok(keys)
}

fn checked(key: &str, archived: bool, at: &str) -> Result<KnownKey, String> {
    if is_flag_key(key) {
        Ok(KnownKey { key: key.to_owned(), archived })
    } else {
        Err(format!("{at}: {key:?} is not a flag key (lower-case letters, digits, '_', '.', '-')"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<KnownKey> {
        list.iter().map(|k| KnownKey { key: (*k).to_owned(), archived: false }).collect()
    }

    fn options(root: &Path, keys: Vec<KnownKey>) -> ScanOptions {
        ScanOptions {
            root: root.to_owned(),
            keys,
            patterns: DEFAULT_PATTERNS.iter().map(|p| (*p).to_owned()).collect(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            threads: 2,
        }
    }

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }

    fn locations(report: &ScanReport, key: &str) -> Vec<(String, u32)> {
        report
            .referenced
            .iter()
            .find(|r| r.key == key)
            .map(|r| r.locations.iter().map(|l| (l.path.clone(), l.line)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_key_matches_on_word_boundaries_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "src/a.rs",
            b"let a = c.bool_value(\"new-checkout\", false);\n\
              let b = c.bool_value(\"new-checkout-v2\", false);\n\
              // xnew-checkout and new-checkout_x and new-checkout.x are other words\n\
              if flags[\"new-checkout\"] {}\n",
        );
        let report =
            scan(&options(dir.path(), keys(&["new-checkout", "new-checkout-v2", "checkout"]))).expect("scan");
        assert_eq!(
            locations(&report, "new-checkout"),
            [("src/a.rs".to_owned(), 1), ("src/a.rs".to_owned(), 4)]
        );
        assert_eq!(locations(&report, "new-checkout-v2"), [("src/a.rs".to_owned(), 2)]);
        assert_eq!(report.unreferenced, ["checkout"]);
        assert!(report.unknown.is_empty(), "{:?}", report.unknown);
    }

    #[test]
    fn gitignored_hidden_binary_and_non_utf8_files_are_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), ".gitignore", b"build/\n*.log\n");
        write(dir.path(), "build/out.js", b"isOn('dark-mode')\n");
        write(dir.path(), "debug.log", b"dark-mode\n");
        write(dir.path(), "src/nested/.gitignore", b"gen.ts\n");
        write(dir.path(), "src/nested/gen.ts", b"dark-mode\n");
        write(dir.path(), "src/nested/app.ts", b"\n\nconst on = dark-mode;\n");
        write(dir.path(), "logo.png", b"\x89PNG\r\n\x1a\n\0\0dark-mode\0");
        write(dir.path(), "latin1.txt", b"caf\xe9 dark-mode\n");
        let report = scan(&options(dir.path(), keys(&["dark-mode"]))).expect("scan");
        assert_eq!(locations(&report, "dark-mode"), [("src/nested/app.ts".to_owned(), 3)]);
        assert_eq!(report.files.binary, 1);
        assert_eq!(report.files.non_utf8, 1);
    }

    #[test]
    fn flag_reading_calls_with_keys_that_are_no_flags_are_unknown() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "app/Main.java",
            b"client.getBooleanValue(\"ghost-flag\", false);\nclient.getStringDetails('known', \"x\");\n",
        );
        write(dir.path(), "svc/main.rs", b"\nlet v = client.string_value(\"other_ghost\", &ctx, \"d\");\n");
        write(dir.path(), "py/app.py", b"client.get_boolean_value(\"ghost-flag\", False)\n");
        let report = scan(&options(dir.path(), keys(&["known"]))).expect("scan");
        let unknown: Vec<_> = report
            .unknown
            .iter()
            .map(|u| {
                (u.key.as_str(), u.locations.iter().map(|l| (l.path.as_str(), l.line)).collect::<Vec<_>>())
            })
            .collect();
        assert_eq!(
            unknown,
            [
                ("ghost-flag", vec![("app/Main.java", 1), ("py/app.py", 1)]),
                ("other_ghost", vec![("svc/main.rs", 2)]),
            ]
        );
        assert_eq!(locations(&report, "known"), [("app/Main.java".to_owned(), 2)]);
    }

    #[test]
    fn archived_flags_in_code_are_reported_and_never_unreferenced() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a.go", b"client.BooleanValue(ctx, \"old-banner\", false)\n");
        let mut k = keys(&["gone"]);
        k.push(KnownKey { key: "old-banner".to_owned(), archived: true });
        k.push(KnownKey { key: "gone-archived".to_owned(), archived: true });
        let report = scan(&options(dir.path(), k)).expect("scan");
        assert_eq!(report.archived_referenced, ["old-banner"]);
        assert_eq!(report.unreferenced, ["gone"]);
    }

    #[test]
    fn files_over_the_size_bound_are_skipped_and_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "big.js", &b"dark-mode\n".repeat(100));
        let mut o = options(dir.path(), keys(&["dark-mode"]));
        o.max_file_bytes = 100;
        let report = scan(&o).expect("scan");
        assert_eq!(report.files.too_large, 1);
        assert!(report.referenced.is_empty());
    }

    #[test]
    fn a_pattern_without_a_capture_group_is_refused() {
        let err = compile_patterns(&["isOn\\(".to_owned()]).expect_err("no group");
        assert!(err.to_string().contains("capture group"), "{err}");
        assert!(compile_patterns(&["(".to_owned()]).is_err());
    }

    #[test]
    fn a_missing_root_is_an_error() {
        let err = scan(&options(Path::new("/nonexistent/vexil/tree"), vec![])).expect_err("missing");
        assert!(matches!(err, ScanError::NotADirectory { .. }));
    }

    #[test]
    fn keys_files_are_read_as_text_or_json() {
        let text = "# flags\nnew-checkout\nold-banner archived\n\n";
        assert_eq!(
            parse_keys_file(text).expect("text"),
            [
                KnownKey { key: "new-checkout".to_owned(), archived: false },
                KnownKey { key: "old-banner".to_owned(), archived: true },
            ]
        );
        let json = r#"{"items": [{"key": "a", "archived": true}, {"key": "b"}]}"#;
        assert_eq!(parse_keys_file(json).expect("json").len(), 2);
        assert_eq!(parse_keys_file(r#"["a", "b"]"#).expect("array").len(), 2);
        assert!(parse_keys_file("Bad Key\n").expect_err("bad").contains("line 1"));
        assert!(parse_keys_file("[1]").is_err());
        assert!(parse_keys_file("{").is_err());
    }
}
