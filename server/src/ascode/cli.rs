//! `vexil export`, `vexil apply` and `vexil import`: the flags-as-code commands. They
//! read and write a server only through its REST API (`remote`), print for people by
//! default and JSON with `--output json`, and return the exit status.
//!
//! Exit status: 0 done (or nothing to do), 1 the server refused or could not be
//! reached, 3 the file is invalid (with its line and column), 2 a usage error (clap).

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::import::{self, Source};
use super::plan::{self, Action};
use super::remote::Remote;
use super::{Document, Format};

/// Where the server is and who calls it.
#[derive(Debug, Clone, Args)]
pub struct Connection {
    /// The Vexil server's address (`https://flags.example.com`).
    #[arg(long, env = "VEXIL_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// An API token; prefer the variable, which other users of the host cannot see.
    #[arg(long, env = "VEXIL_TOKEN", hide_env_values = true, default_value = "")]
    pub token: String,
    /// The project's key (for `apply` and `import`, the file's project when absent).
    #[arg(long, env = "VEXIL_PROJECT")]
    pub project: Option<String>,
    /// `table` for people, `json` for scripts.
    #[arg(long, short = 'o', env = "VEXIL_OUTPUT", value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Lines for people.
    Table,
    /// One JSON document on standard output.
    Json,
}

/// The flags-as-code subcommands.
#[derive(Debug, Subcommand)]
pub enum CodeCommand {
    /// Write a project (flags, variants, configurations per environment, segments,
    /// environments; no secrets) as a flags-as-code file on standard output.
    Export(ExportArgs),
    /// Make the server match a flags-as-code file (docs/flags-as-code.md).
    Apply(ApplyArgs),
    /// Convert another flag service's export into a flags-as-code document and apply it.
    Import(ImportArgs),
}

/// `vexil export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Server and project.
    #[command(flatten)]
    pub connection: Connection,
    /// The file format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    /// Print the JSON Schema of the file format instead (no server needed).
    #[arg(long)]
    pub schema: bool,
}

/// `vexil apply`
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Server and project.
    #[command(flatten)]
    pub connection: Connection,
    /// The flags-as-code file (YAML or JSON; `-` for standard input).
    #[arg(long, short = 'f')]
    pub file: String,
    /// Print what would change and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove what the file no longer has: archive its flags, delete its segments.
    #[arg(long)]
    pub prune: bool,
}

/// `vexil import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Server and project.
    #[command(flatten)]
    pub connection: Connection,
    /// The format of FILE.
    #[arg(long, value_enum)]
    pub from: Source,
    /// The other service's export file (`-` for standard input).
    pub file: String,
    /// For formats without environments (Flipt, flagd): where the configurations go.
    #[arg(long, default_value = "production")]
    pub environment: String,
    /// Print the converted plan and the report, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the converted flags-as-code document to this file as well (YAML).
    #[arg(long)]
    pub write: Option<String>,
}

/// Runs a flags-as-code command and returns the exit status (0 done, 1 refused or
/// unreachable, 3 invalid file).
pub async fn run(command: CodeCommand) -> u8 {
    match command {
        CodeCommand::Export(a) => export(a).await,
        CodeCommand::Apply(a) => apply(a).await,
        CodeCommand::Import(a) => import_cmd(a).await,
    }
}

fn fail(code: u8, message: &str) -> u8 {
    eprintln!("error: {message}");
    code
}

fn read(file: &str) -> Result<String, String> {
    if file == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("standard input: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))
    }
}

async fn export(a: ExportArgs) -> u8 {
    if a.schema {
        println!("{}", serde_json::to_string_pretty(&super::json_schema()).unwrap_or_default());
        return 0;
    }
    let project = a.connection.project.clone().unwrap_or_else(|| "default".to_owned());
    let remote = Remote::new(&a.connection.url, &a.connection.token);
    match remote.export(&project).await {
        Ok(Some(doc)) => {
            print!("{}", super::render(&doc, a.format));
            0
        }
        Ok(None) => fail(1, &format!("project {project:?} does not exist on {}", a.connection.url)),
        Err(e) => fail(1, &e.to_string()),
    }
}

async fn apply(a: ApplyArgs) -> u8 {
    let text = match read(&a.file) {
        Ok(t) => t,
        Err(e) => return fail(1, &e),
    };
    let doc = match super::parse(&a.file, &text) {
        Ok(d) => d,
        Err(e) => return fail(3, &e.to_string()),
    };
    apply_document(&a.connection, doc, a.dry_run, a.prune, None).await
}

async fn import_cmd(a: ImportArgs) -> u8 {
    let text = match read(&a.file) {
        Ok(t) => t,
        Err(e) => return fail(1, &e),
    };
    let project = a.connection.project.clone().unwrap_or_else(|| "default".to_owned());
    let options = import::Options { project, environment: a.environment.clone() };
    let imported = match import::import(a.from, &a.file, &text, &options) {
        Ok(i) => i,
        Err(e) => return fail(3, &e.to_string()),
    };
    if let Some(path) = &a.write {
        if let Err(e) = std::fs::write(path, super::render(&imported.document, Format::Yaml)) {
            return fail(1, &format!("{path}: {e}"));
        }
    }
    if a.connection.output == Output::Table {
        if imported.unmapped.is_empty() {
            println!("everything in {} mapped onto Vexil", a.file);
        } else {
            println!("not mapped or mapped differently ({}):", imported.unmapped.len());
            for u in &imported.unmapped {
                println!("  {}:{u}", a.file);
            }
        }
    }
    apply_document(&a.connection, imported.document, a.dry_run, false, Some(&imported.unmapped)).await
}

async fn apply_document(
    c: &Connection,
    doc: Document,
    dry_run: bool,
    prune: bool,
    unmapped: Option<&[import::Unmapped]>,
) -> u8 {
    let mut doc = doc;
    if let Some(p) = &c.project {
        if doc.project.key != *p && unmapped.is_none() {
            return fail(
                3,
                &format!(
                    "the file is for project {:?}, not {p:?}: pass --project {} or edit the file",
                    doc.project.key, doc.project.key
                ),
            );
        }
        doc.project.key.clone_from(p);
    }
    let remote = Remote::new(&c.url, &c.token);
    let current = match remote.export(&doc.project.key).await {
        Ok(d) => d,
        Err(e) => return fail(1, &e.to_string()),
    };
    let actions = match plan::plan(current.as_ref(), &doc, prune) {
        Ok(a) => a,
        Err(e) => return fail(3, &e.to_string()),
    };
    let requests =
        actions.iter().filter(|a| matches!(a, Action::SetConfig { change_request: true, .. })).count();
    if dry_run || actions.is_empty() {
        if c.output == Output::Json {
            let out = json!({"dry_run": dry_run, "changes": actions, "unmapped": unmapped});
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        } else if actions.is_empty() {
            println!("no changes: project {} already matches the file", doc.project.key);
        } else {
            print!("{}", plan::human(&actions));
            println!(
                "dry run: {} change(s) planned{}, nothing written",
                actions.len(),
                if requests > 0 { format!(", {requests} as change request(s)") } else { String::new() }
            );
        }
        return 0;
    }
    match remote.run(&doc.project.key, &actions).await {
        Ok(done) => {
            if c.output == Output::Json {
                let out = json!({"dry_run": false, "changes": done, "unmapped": unmapped});
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            } else {
                print!("{}", plan::human(&actions));
                let filed: Vec<String> = done
                    .iter()
                    .filter(|o| o.result == "change_request" || o.result == "already_requested")
                    .map(|o| match (&o.action, o.change_request) {
                        (Action::SetConfig { flag, environment, .. }, Some(id)) => {
                            format!(
                                "  {flag} in {environment}: change request {id} ({})",
                                o.result.replace('_', " ")
                            )
                        }
                        _ => String::new(),
                    })
                    .collect();
                let written = done.iter().filter(|o| o.result == "done").count();
                println!("applied: {written} change(s) written");
                if !filed.is_empty() {
                    println!("waiting for approval (the environment requires it):");
                    for f in filed {
                        println!("{f}");
                    }
                }
            }
            0
        }
        Err((done, e)) => {
            if c.output == Output::Json {
                let out = json!({"dry_run": false, "changes": done, "error": e.to_string()});
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            }
            fail(1, &format!("{e} (after {} change(s) were made; run apply again once fixed)", done.len()))
        }
    }
}
