//! Importers: another flag service's own export, converted into a flags-as-code
//! [`Document`] (applied like any file, `vexil import`), with a line per thing that
//! did not map and why.
//!
//! The converters are pure and lenient: they walk the source as JSON values so that a
//! field they do not know is reported or ignored, never a reason to refuse the whole
//! file. Only a file that is not JSON/YAML at all is an error.
//!
//! Percentage rollouts keep their shares exactly, but never their assignments: each
//! peer hashes a different input (or reduces the hash differently) than Vexil's
//! `murmur3(salt + ":" + value)` scaled to 100 000 buckets, so users are re-bucketed.
//! Each converter says so once per rollout it converts (`docs/flags-as-code.md`
//! explains per format why).

pub mod flagd;
pub mod flipt;
pub mod launchdarkly;
pub mod unleash;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::document::{Document, EnvironmentDoc};

/// The formats `vexil import --from` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Unleash's feature export JSON (`features`, `featureStrategies`, ...).
    Unleash,
    /// LaunchDarkly flag JSON as its REST API returns it (one flag or `{items: [...]}`).
    Launchdarkly,
    /// Flipt's `features.yml` (YAML or JSON).
    Flipt,
    /// flagd's flag definition JSON.
    Flagd,
}

/// What the import asks of the converters.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Vexil project the document is for.
    pub project: String,
    /// Where configurations of formats without environments (Flipt, flagd) go, and
    /// Unleash strategies that name no environment.
    pub environment: String,
}

/// The converted document and what did not map.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// What maps onto Vexil's model.
    pub document: Document,
    /// One entry per thing that did not map (or mapped only approximately).
    pub unmapped: Vec<Unmapped>,
}

/// Something of the source that Vexil does not carry, or carries differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmapped {
    /// Where in the source (a JSON-pointer-like path: `/flags/0/rules/2`).
    pub at: String,
    /// What it is.
    pub what: String,
    /// Why it did not map and what was done instead.
    pub why: String,
}

impl std::fmt::Display for Unmapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.at, self.what, self.why)
    }
}

/// A source file that is not JSON or YAML at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Not parseable.
    #[error("{file}:{line}:{column}: not valid {format}: {message}")]
    Parse {
        /// File name as given.
        file: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's message.
        message: String,
    },
    /// Parseable, but not this format (e.g. no `flags` in a flagd file).
    #[error("{file}: {message}")]
    NotThisFormat {
        /// File name as given.
        file: String,
        /// What is missing.
        message: String,
    },
}

/// Reads `text` (the file `file`) as `source`'s format and converts it.
///
/// Errors: [`ImportError`] when the file is not JSON/YAML or not of that format at all;
/// everything finer is an [`Unmapped`] entry.
pub fn import(source: Source, file: &str, text: &str, options: &Options) -> Result<Imported, ImportError> {
    let value = match source {
        Source::Flipt => parse_yaml(file, text)?,
        _ => parse_json(file, text)?,
    };
    let mut cx = Cx::new(options);
    match source {
        Source::Unleash => unleash::convert(&value, &mut cx),
        Source::Launchdarkly => launchdarkly::convert(&value, &mut cx),
        Source::Flipt => flipt::convert(&value, &mut cx),
        Source::Flagd => flagd::convert(&value, &mut cx),
    }
    .map_err(|message| ImportError::NotThisFormat { file: file.to_owned(), message })?;
    Ok(cx.finish())
}

fn parse_json(file: &str, text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| ImportError::Parse {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        format: "JSON",
        message: super::strip_location(&e.to_string()),
    })
}

fn parse_yaml(file: &str, text: &str) -> Result<Value, ImportError> {
    // Flipt may write several documents (one per namespace); the first is read.
    let first = serde_yaml::Deserializer::from_str(text).next();
    let Some(de) = first else {
        return Err(ImportError::NotThisFormat {
            file: file.to_owned(),
            message: "the file is empty".to_owned(),
        });
    };
    serde::Deserialize::deserialize(de).map_err(|e: serde_yaml::Error| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
        ImportError::Parse {
            file: file.to_owned(),
            line,
            column,
            format: "YAML",
            message: super::strip_location(&e.to_string()),
        }
    })
}

/// The conversion in progress: the document, the report and the key renames.
#[derive(Debug)]
pub(crate) struct Cx {
    pub(crate) doc: Document,
    pub(crate) unmapped: Vec<Unmapped>,
    pub(crate) default_env: String,
    envs: BTreeSet<String>,
    taken_flags: BTreeMap<String, String>,
}

impl Cx {
    fn new(o: &Options) -> Cx {
        Cx {
            doc: Document::new(&o.project),
            unmapped: Vec::new(),
            default_env: o.environment.clone(),
            envs: BTreeSet::new(),
            taken_flags: BTreeMap::new(),
        }
    }

    /// Records what did not map.
    pub(crate) fn skip(&mut self, at: impl Into<String>, what: impl Into<String>, why: impl Into<String>) {
        self.unmapped.push(Unmapped { at: at.into(), what: what.into(), why: why.into() });
    }

    /// Declares an environment the document uses (created by apply when missing).
    pub(crate) fn env(&mut self, source_name: &str, at: &str) -> String {
        let key = slug(source_name);
        if key != source_name {
            self.skip(
                at,
                format!("environment {source_name:?}"),
                format!("renamed to {key:?}: Vexil keys are lower-case slugs"),
            );
        }
        self.envs.insert(key.clone());
        key
    }

    /// The Vexil key for a source flag key, reported when it had to change.
    pub(crate) fn flag_key(&mut self, source: &str, at: &str) -> String {
        if let Some(k) = self.taken_flags.get(source) {
            return k.clone();
        }
        let mut key = slug(source);
        let mut n = 2;
        while self.taken_flags.values().any(|v| *v == key) {
            key = format!("{}-{n}", slug(source));
            n += 1;
        }
        if key != source {
            self.skip(
                at,
                format!("flag key {source:?}"),
                format!("renamed to {key:?}: Vexil keys are lower-case slugs; code must ask for the new key"),
            );
        }
        self.taken_flags.insert(source.to_owned(), key.clone());
        key
    }

    /// Notes once per rollout that assignments move.
    pub(crate) fn rebucketed(&mut self, at: &str, why: &str) {
        self.skip(
            at,
            "percentage rollout",
            format!("shares kept exactly, assignments not: {why}; users are re-bucketed"),
        );
    }

    fn finish(mut self) -> Imported {
        for e in &self.envs {
            if !self.doc.environments.iter().any(|d| &d.key == e) {
                self.doc.environments.push(EnvironmentDoc {
                    key: e.clone(),
                    name: String::new(),
                    requires_approval: false,
                    required_approvals: 1,
                });
            }
        }
        self.doc.sort();
        Imported { document: self.doc, unmapped: self.unmapped }
    }
}

/// A Vexil key for any name: lower-case, other characters as `-`, at most 64.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_start_matches(['-', '_', '.']).chars().take(64).collect();
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Distinct slugs for a list of names, in order (`a`, `a-2`, ...).
pub(crate) fn slugs<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .map(|n| {
            let base = slug(n);
            let mut k = base.clone();
            let mut i = 2;
            while !seen.insert(k.clone()) {
                k = format!("{base}-{i}");
                i += 1;
            }
            k
        })
        .collect()
}

/// Weights in thousandths of a percent from any scale (`parts` of `total`), summing to
/// exactly 100 000: the remainder of rounding goes to the last non-zero share.
pub(crate) fn scale(parts: &[(String, f64)], total: f64) -> Vec<super::document::WeightDoc> {
    let mut out: Vec<super::document::WeightDoc> = parts
        .iter()
        .map(|(v, p)| super::document::WeightDoc {
            variant: v.clone(),
            weight: if total > 0.0 {
                ((p / total) * 100_000.0).round().clamp(0.0, 100_000.0) as u32
            } else {
                0
            },
        })
        .collect();
    let sum: i64 = out.iter().map(|w| i64::from(w.weight)).sum();
    if let Some(last) = out.iter_mut().rev().find(|w| w.weight > 0) {
        last.weight = (i64::from(last.weight) + 100_000 - sum).clamp(0, 100_000) as u32;
    }
    out
}

/// A string field, or "".
pub(crate) fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// An array field, or empty.
pub(crate) fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}
