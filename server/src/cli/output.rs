//! What a command prints: a human table by default, the server's JSON with
//! `--output json` (one document on standard output, for `jq` and scripts).

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::Value;

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

    /// Prints on standard output in the chosen form.
    pub fn print(&self, output: Output) {
        match output {
            Output::Json => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&self.json).unwrap_or_else(|_| "null".to_owned())
                );
            }
            Output::Table => {
                if !self.human.is_empty() {
                    println!("{}", self.human.trim_end_matches('\n'));
                }
            }
        }
    }
}

/// A table with `header` and `rows`, borders kept to lines so that it pastes into
/// tickets and logs.
pub fn table<R, C>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = Vec<C>>,
    C: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_preset(presets::UTF8_HORIZONTAL_ONLY).set_content_arrangement(ContentArrangement::Disabled);
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
