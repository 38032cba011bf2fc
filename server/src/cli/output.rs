//! What a command prints: a human table by default, the server's JSON with
//! `--output json` (one document on standard output, for `jq` and scripts).
//!
//! Everything a client command writes to standard output goes through [`write_out`],
//! and every message to standard error through [`say`]: `println!` panics when the
//! reader has gone (`vexil flags list | head -1`), and a command must end quietly then.

use std::io::Write as _;

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::Value;

use super::error::CliError;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Tables and sentences for people.
    Table,
    /// The JSON document, as the API returns it (or as the command documents it).
    Json,
}

/// A command's result, in both forms; [`Shown::print`] picks one.
#[derive(Debug, Clone)]
pub struct Shown {
    /// For `--output json`.
    pub json: Value,
    /// For people (printed with a trailing newline).
    pub human: String,
}

impl Shown {
    /// A result shown to people as `human`.
    pub fn new(json: Value, human: impl Into<String>) -> Shown {
        Shown { json, human: human.into() }
    }

    /// Prints on standard output in the chosen form ([`write_out`]).
    ///
    /// Errors: [`CliError::OutputClosed`] or [`CliError::Output`].
    pub fn print(&self, output: Output) -> Result<(), CliError> {
        match output {
            Output::Json => {
                let text = serde_json::to_string_pretty(&self.json).unwrap_or_else(|_| "null".to_owned());
                write_out(&format!("{text}\n"))
            }
            Output::Table if self.human.is_empty() => Ok(()),
            Output::Table => write_out(&format!("{}\n", self.human.trim_end_matches('\n'))),
        }
    }
}

/// Writes `text` to standard output, as it is (no newline added), and flushes it.
///
/// Errors: [`CliError::OutputClosed`] when the reader closed the pipe (the caller ends
/// quietly with status 0: [`super::finish`] does); [`CliError::Output`] for any other
/// write error (status 5, with a message).
pub fn write_out(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::OutputClosed),
        Err(e) => Err(CliError::Output(e)),
    }
}

/// Writes part of a command's output before the command is done (a report ahead of
/// the writes it makes). A closed standard output does not stop the command: what it
/// does and its exit status never depend on whether anyone still reads.
///
/// Errors: [`CliError::Output`] for a write error other than a closed pipe.
pub fn write_part(text: &str) -> Result<(), CliError> {
    match write_out(text) {
        Ok(()) | Err(CliError::OutputClosed) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Writes one line to standard error (progress and error messages). A standard error
/// that cannot be written is ignored: there is nowhere left to say so.
pub fn say(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// A table with `header` and `rows`, in columns without borders, so that it pastes
/// into tickets and logs and `grep`/`awk` read it line by line.
pub fn table<R, C>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = Vec<C>>,
    C: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(header.to_vec());
    for row in rows {
        t.add_row(row);
    }
    t.to_string()
}

/// `key: value` lines, keys aligned.
pub fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    pairs.iter().map(|(k, v)| format!("{k:<width$}  {v}\n")).collect()
}

/// A JSON value as a table cell: strings without quotes, null as empty, the rest as JSON.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `v[key]` as a table cell.
pub fn at(v: &Value, key: &str) -> String {
    cell(v.get(key).unwrap_or(&Value::Null))
}
