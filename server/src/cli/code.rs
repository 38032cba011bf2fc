//! `vexil export`, `vexil apply` and `vexil import`: flags as code (decision 0028) as
//! client commands like the others: the same options ([`GlobalArgs`]), the same
//! [`Client`] and [`CliError`], the same exit statuses (docs/pipeline.md). The file
//! format, the plan and the importers live in `crate::ascode`; this module reads files,
//! calls them, and says what happened.

use serde_json::{Value, json};

use super::output::write_part;
use super::{CliError, Client, GlobalArgs, Output, Shown};
use crate::ascode::import::{self, Source};
use crate::ascode::plan::{self, Action, PlanError};
use crate::ascode::{self, Document, Format};
use crate::cli::remote::Remote;

/// `vexil export`
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Server, token, project, output (`--output json` prints the document as JSON).
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The file format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    /// Print the JSON Schema of the file format instead (no server needed).
    #[arg(long)]
    pub schema: bool,
}

/// `vexil apply`
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// Server, token, project (the file's project when absent), output.
    #[command(flatten)]
    pub global: GlobalArgs,
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
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Server, token, project (where the converted flags go), output.
    #[command(flatten)]
    pub global: GlobalArgs,
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

fn read(file: &str) -> Result<String, CliError> {
    if file == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| CliError::Input(format!("standard input: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| CliError::Input(format!("{file}: {e}")))
    }
}

/// `vexil export`: the project as a file, or the file format's JSON Schema.
pub async fn export(a: ExportArgs) -> Result<Shown, CliError> {
    if a.schema {
        let schema = ascode::json_schema();
        let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        return Ok(Shown::new(schema, text));
    }
    let client = Client::new(&a.global)?;
    let project = client.project.clone();
    let doc = Remote::new(client).export(&project).await?.ok_or_else(|| CliError::NotFound {
        detail: format!("project {project:?} does not exist on {}", a.global.url),
        hint: "; check --project (VEXIL_PROJECT)".to_owned(),
    })?;
    let mut sorted = doc.clone();
    sorted.sort();
    let json = serde_json::to_value(&sorted).unwrap_or(Value::Null);
    Ok(Shown::new(json, ascode::render(&doc, a.format)))
}

/// `vexil apply -f FILE`.
pub async fn apply(a: ApplyArgs) -> Result<Shown, CliError> {
    let text = read(&a.file)?;
    let mut doc = ascode::parse(&a.file, &text).map_err(|e| CliError::Input(e.to_string()))?;
    if let Some(p) = &a.global.project {
        if doc.project.key != *p {
            return Err(plan_error(PlanError::OtherProject { file: doc.project.key, server: p.clone() }));
        }
    }
    doc.project.key = a.global.project.clone().unwrap_or(doc.project.key);
    apply_document(&a.global, doc, a.dry_run, a.prune, None).await
}

/// `vexil import --from SOURCE FILE`: converts, reports what did not map (before
/// anything is written, so that it is seen even when applying fails), and applies.
pub async fn import(a: ImportArgs) -> Result<Shown, CliError> {
    let text = read(&a.file)?;
    let project = a.global.project().to_owned();
    let options = import::Options { project, environment: a.environment.clone() };
    let imported =
        import::import(a.from, &a.file, &text, &options).map_err(|e| CliError::Input(e.to_string()))?;
    if let Some(path) = &a.write {
        std::fs::write(path, ascode::render(&imported.document, Format::Yaml))
            .map_err(|e| CliError::Input(format!("{path}: {e}")))?;
    }
    if a.global.output == Output::Table {
        let mut report = if imported.unmapped.is_empty() {
            format!("everything in {} mapped onto Vexil\n", a.file)
        } else {
            format!("not mapped or mapped differently ({}):\n", imported.unmapped.len())
        };
        for u in &imported.unmapped {
            report.push_str(&format!("  {}:{u}\n", a.file));
        }
        write_part(&report)?;
    }
    apply_document(&a.global, imported.document, a.dry_run, false, Some(&imported.unmapped)).await
}

/// A plan the server's state rules out (a kind change) is a conflict (3); a file that
/// contradicts itself or the command line is invalid input (1).
fn plan_error(e: PlanError) -> CliError {
    match e {
        PlanError::KindChange { .. } => CliError::PlanConflict(e.to_string()),
        other => CliError::Input(other.to_string()),
    }
}

async fn apply_document(
    global: &GlobalArgs,
    doc: Document,
    dry_run: bool,
    prune: bool,
    unmapped: Option<&[import::Unmapped]>,
) -> Result<Shown, CliError> {
    let remote = Remote::new(Client::new(global)?);
    let project = doc.project.key.clone();
    let current = remote.export(&project).await?;
    let actions = plan::plan(current.as_ref(), &doc, prune).map_err(plan_error)?;
    let requests =
        actions.iter().filter(|a| matches!(a, Action::SetConfig { change_request: true, .. })).count();
    if dry_run || actions.is_empty() {
        let json = json!({"dry_run": dry_run, "changes": actions, "unmapped": unmapped});
        let human = if actions.is_empty() {
            format!("no changes: project {project} already matches the file")
        } else {
            format!(
                "{}dry run: {} change(s) planned{}, nothing written",
                plan::human(&actions),
                actions.len(),
                if requests > 0 { format!(", {requests} as change request(s)") } else { String::new() }
            )
        };
        return Ok(Shown::new(json, human));
    }
    match remote.run(&project, &actions).await {
        Ok(done) => {
            let mut human = plan::human(&actions);
            let written = done.iter().filter(|o| o.result == "done").count();
            human.push_str(&format!("applied: {written} change(s) written\n"));
            let filed: Vec<String> = done
                .iter()
                .filter(|o| o.result == "change_request" || o.result == "already_requested")
                .filter_map(|o| match (&o.action, o.change_request) {
                    (Action::SetConfig { flag, environment, .. }, Some(id)) => Some(format!(
                        "  {flag} in {environment}: change request {id} ({})\n",
                        o.result.replace('_', " ")
                    )),
                    _ => None,
                })
                .collect();
            if !filed.is_empty() {
                human.push_str("waiting for approval (the environment requires it):\n");
                human.extend(filed);
            }
            Ok(Shown::new(json!({"dry_run": false, "changes": done, "unmapped": unmapped}), human))
        }
        Err((done, e)) => {
            if global.output == Output::Json {
                // What was written before the refusal, for the script to see; the error
                // itself goes to standard error as for every command.
                let partial = json!({"dry_run": false, "changes": done, "error": e.to_string()});
                let text = serde_json::to_string_pretty(&partial).unwrap_or_default();
                write_part(&format!("{text}\n"))?;
            }
            Err(e.context(format!(
                "apply stopped after {} change(s) (run it again once fixed; it goes on from there)",
                done.len()
            )))
        }
    }
}
