//! `vexil segments ...`: reusable audiences. `add`/`remove` change the keys always in (or,
//! with `--excluded`, never in) a segment by reading it, editing the list and writing it
//! back with `If-Match` on the version read; when someone else wrote in between (412),
//! they read again and retry, so no concurrent edit is lost.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::output::{at, fields, table};
use super::{CliError, Client, GlobalArgs, Shown, Write};

/// How often `add`/`remove` re-read a segment that changed under them.
const RETRIES: usize = 5;

/// `vexil segments`.
#[derive(Debug, Args)]
pub struct SegmentsArgs {
    /// Server, token, project, output.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: SegmentsCommand,
}

/// `vexil segments ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum SegmentsCommand {
    /// List the project's segments.
    List,
    /// Show a segment.
    Get {
        /// The segment's key.
        segment: String,
    },
    /// Create a segment, optionally with context keys in it.
    Create {
        /// The segment's key (lower-case slug).
        segment: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Who the audience is.
        #[arg(long)]
        description: Option<String>,
        /// Context keys always in (comma-separated or repeated).
        #[arg(long, value_delimiter = ',')]
        include: Vec<String>,
        /// Context keys never in (comma-separated or repeated).
        #[arg(long, value_delimiter = ',')]
        exclude: Vec<String>,
    },
    /// Add context keys to a segment (to those always in, or with `--excluded` never in).
    Add(KeysEdit),
    /// Remove context keys from a segment's included (or `--excluded`) keys.
    Remove(KeysEdit),
    /// Delete a segment (refused while a flag rule uses it).
    Delete {
        /// The segment's key.
        segment: String,
    },
}

/// Keys to add to or remove from one list of a segment.
#[derive(Debug, Clone, Args)]
pub struct KeysEdit {
    /// The segment's key.
    pub segment: String,
    /// Context keys.
    #[arg(required = true)]
    pub keys: Vec<String>,
    /// Edit the keys never in the segment rather than those always in.
    #[arg(long)]
    pub excluded: bool,
}

/// Runs `vexil segments ...`.
pub async fn run(args: SegmentsArgs) -> Result<Shown, CliError> {
    let client = Client::new(&args.global)?;
    let c = &client;
    match args.command {
        SegmentsCommand::List => {
            let page = c.get(&c.project_path(&["segments"]), &[]).await?.body;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            let rows = items.iter().map(|s| {
                vec![
                    at(s, "key"),
                    at(s, "name"),
                    count(s, "included"),
                    count(s, "excluded"),
                    count(s, "rules"),
                ]
            });
            let human = table(&["KEY", "NAME", "INCLUDED", "EXCLUDED", "RULES"], rows);
            Ok(Shown::new(Value::Array(items), human))
        }
        SegmentsCommand::Get { segment } => {
            let s = c.get(&c.project_path(&["segments", &segment]), &[]).await.map_err(hint)?.body;
            Ok(Shown::new(s.clone(), show(&s)))
        }
        SegmentsCommand::Create { segment, name, description, include, exclude } => {
            let mut body = json!({"key": segment, "included": include, "excluded": exclude});
            if let Some(o) = body.as_object_mut() {
                if let Some(n) = name {
                    o.insert("name".to_owned(), json!(n));
                }
                if let Some(d) = description {
                    o.insert("description".to_owned(), json!(d));
                }
            }
            let s = c.post(&c.project_path(&["segments"]), &body, &Write::default()).await?.body;
            Ok(Shown::new(s, format!("created segment {segment}")))
        }
        SegmentsCommand::Add(edit) => edit_keys(c, &edit, true).await,
        SegmentsCommand::Remove(edit) => edit_keys(c, &edit, false).await,
        SegmentsCommand::Delete { segment } => {
            let path = c.project_path(&["segments", &segment]);
            c.delete(&path, &Write::unconditional()).await.map_err(hint)?;
            Ok(Shown::new(json!({"deleted": segment}), format!("deleted segment {segment}")))
        }
    }
}

async fn edit_keys(c: &Client, edit: &KeysEdit, add: bool) -> Result<Shown, CliError> {
    let path = c.project_path(&["segments", &edit.segment]);
    let list = if edit.excluded { "excluded" } else { "included" };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let read = c.get(&path, &[]).await.map_err(hint)?;
        let mut segment = read.body;
        let mut keys: Vec<String> = segment[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let before = keys.len();
        if add {
            for k in &edit.keys {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        } else {
            keys.retain(|k| !edit.keys.contains(k));
        }
        let changed = keys.len() != before;
        if !changed {
            let human = format!("segment {}: nothing to change", edit.segment);
            return Ok(Shown::new(segment, human));
        }
        segment[list] = json!(keys);
        let write = Write { if_match: read.etag.clone(), idempotency_key: None };
        match c.put(&path, &segment, &write).await {
            Ok(r) => {
                let verb = if add { "added to" } else { "removed from" };
                let human = format!(
                    "{} key(s) {verb} {list} of segment {} (now {})",
                    edit.keys.len(),
                    edit.segment,
                    keys.len()
                );
                return Ok(Shown::new(r.body, human));
            }
            Err(CliError::Conflict { status: 412, .. }) if attempt < RETRIES => {}
            Err(e) => return Err(e),
        }
    }
}

fn count(s: &Value, k: &str) -> String {
    s[k].as_array().map_or(0, Vec::len).to_string()
}

fn hint(e: CliError) -> CliError {
    e.with_not_found_hint("`vexil segments list` shows the project's segments")
}

fn show(s: &Value) -> String {
    let keys = |k: &str| {
        s[k].as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    fields(&[
        ("key", at(s, "key")),
        ("name", at(s, "name")),
        ("description", at(s, "description")),
        ("included", keys("included")),
        ("excluded", keys("excluded")),
        ("rules", count(s, "rules")),
        ("version", at(s, "version")),
    ])
}
