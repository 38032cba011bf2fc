//! Flags as code: the project file (`document`), reading it with located errors, the
//! plan that makes a server match it (`plan`), and importers from other flag services'
//! formats (`import`). The REST calls that read and write a project are the client
//! commands' (`cli::remote`).
//!
//! Everything here is pure: no I/O, so the formats and the diff are tested without a
//! server. Nothing here talks to the database; the server is only
//! reached through its public REST API, with the caller's token.

pub mod document;
pub mod import;
pub mod plan;

pub use document::{Document, FORMAT_VERSION, json_schema};

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// YAML (the default for files).
    Yaml,
    /// JSON.
    Json,
}

/// A file that could not be read as a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not valid YAML/JSON, or not of the document's shape.
    #[error("{file}:{line}:{column}: {message}{}", path_note(.path))]
    Invalid {
        /// The file name as given.
        file: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// Where in the document, as a dotted path (`flags[2].environments.production`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Nothing but blank lines or comments.
    #[error(
        "{file}: the file is empty: a project file starts with `version:` and `project:` (`vexil export` writes one)"
    )]
    Empty {
        /// The file name as given.
        file: String,
    },
    /// A format version this build does not read.
    #[error("{file}: format version {found} is not supported (this build reads version {supported})")]
    Version {
        /// The file name as given.
        file: String,
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
}

fn path_note(path: &str) -> String {
    if path.is_empty() || path == "." { String::new() } else { format!(" (at {path})") }
}

/// Reads a document from `text`; `file` names it in errors. JSON is recognised by a
/// leading `{`; anything else is read as YAML (of which JSON is a subset anyway).
///
/// Errors: [`ParseError::Empty`] for a file of blank lines and comments only;
/// [`ParseError::Invalid`] with the 1-based line and column and the path into the
/// document; [`ParseError::Version`] for another format version.
pub fn parse(file: &str, text: &str) -> Result<Document, ParseError> {
    let doc: Document = if text.trim_start().starts_with('{') {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            ParseError::Invalid {
                file: file.to_owned(),
                line: inner.line(),
                column: inner.column(),
                path,
                message: strip_location(&inner.to_string()),
            }
        })?
    } else {
        // Through a JSON value, so that enums are written as maps (`serve: {variant: on}`)
        // as in JSON, rather than as YAML tags (`!variant on`), which serde_yaml expects
        // of an enum read directly.
        let invalid = |e: &serde_yaml::Error, path: String| {
            let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
            ParseError::Invalid {
                file: file.to_owned(),
                line,
                column,
                path,
                message: strip_location(&e.to_string()),
            }
        };
        let value: serde_json::Value = serde_yaml::from_str(text).map_err(|e| invalid(&e, String::new()))?;
        if value.is_null() {
            // YAML reads an empty file, or one of comments, as null.
            return Err(ParseError::Empty { file: file.to_owned() });
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            // The value has no positions: a direct read finds the line when it fails
            // at the same place.
            let direct =
                serde_path_to_error::deserialize::<_, Document>(serde_yaml::Deserializer::from_str(text));
            let (line, column) = match direct {
                Err(d) if d.path().to_string() == path => {
                    d.inner().location().map(|l| (l.line(), l.column())).unwrap_or((0, 0))
                }
                _ => (0, 0),
            };
            ParseError::Invalid {
                file: file.to_owned(),
                line,
                column,
                path,
                message: strip_location(&e.into_inner().to_string()),
            }
        })?
    };
    if doc.version != FORMAT_VERSION {
        return Err(ParseError::Version {
            file: file.to_owned(),
            found: doc.version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(doc)
}

/// serde's messages end in " at line L column C"; the error prints its own.
pub(crate) fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Writes a document in `format` (flags and segments sorted by key).
pub fn render(doc: &Document, format: Format) -> String {
    let mut doc = doc.clone();
    doc.sort();
    match format {
        Format::Json => serde_json::to_string_pretty(&doc).map(|s| s + "\n").unwrap_or_default(),
        // Through a JSON value, for the map form of enums (see `parse`).
        Format::Yaml => serde_json::to_value(&doc)
            .map(|v| serde_yaml::to_string(&v).unwrap_or_default())
            .unwrap_or_default(),
    }
}
