//! `vexil refs scan PATH`: the command line around the scanner ([`scan`]): flag keys
//! from the server (`GET …/flags`, active and archived) or from `--keys FILE`, human or
//! JSON output, stable exit statuses, and `--upload` of the result
//! (`POST …/code-references`). The approach is in docs/decisions/0030-code-references.md.

pub mod scan;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::error::exit;
use super::output::write_part;
use super::{CliError, Client, GlobalArgs, Output, Write};

pub use scan::{
    DEFAULT_MAX_FILE_BYTES, DEFAULT_PATTERNS, KeyReferences, KnownKey, ScanOptions, ScanReport, is_flag_key,
    parse_keys_file, scan,
};

/// `vexil refs`.
#[derive(Debug, clap::Args)]
pub struct RefsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: RefsCommand,
}

/// `vexil refs …`.
#[derive(Debug, clap::Subcommand)]
pub enum RefsCommand {
    /// Find flag keys in a source tree: per flag the files and lines, flags in no code,
    /// code that reads archived or unknown flags. Exit status: 0 done, 1 a `--fail-on`
    /// condition met, 2 usage or input error, 4/5/6 the server refused the token, could
    /// not be reached, or has no such project (as every client command).
    Scan(ScanArgs),
}

/// What a `--fail-on` condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A flag-reading call names a key that is no flag.
    Unknown,
    /// Code mentions an archived flag.
    Archived,
    /// An active flag is in no code.
    Unreferenced,
}

/// Options of `vexil refs scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Server, token, project, output (the server is only asked without `--keys`, and
    /// with `--upload`).
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The root of the source tree.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Read flag keys from this file instead of the server: one key per line (a trailing
    /// `archived` marks an archived flag), or JSON (an array of keys or of
    /// `{"key", "archived"}`, or the flags list's `{"items": [...]}`).
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// A candidate pattern: a regular expression whose first capture group is a flag key
    /// in a flag-reading call (repeatable), e.g. `isEnabled\("([^"]+)"`.
    #[arg(long = "pattern", value_name = "REGEX")]
    pub patterns: Vec<String>,
    /// Do not use the built-in candidate patterns (Vexil SDK and OpenFeature calls).
    #[arg(long)]
    pub no_default_patterns: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_BYTES)]
    pub max_file_bytes: u64,
    /// Worker threads; 0 picks one per core.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Exit with status 1 when this is found (repeatable or comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub fail_on: Vec<FailOn>,
    /// Record the result on the server for the project (needs an editor token).
    #[arg(long)]
    pub upload: bool,
    /// The repository's name for `--upload`; the directory's name when absent.
    #[arg(long)]
    pub repository: Option<String>,
    /// The commit scanned, for `--upload`; `git rev-parse HEAD` in PATH when absent.
    #[arg(long)]
    pub commit: Option<String>,
    /// The branch scanned, for `--upload`; git's current branch when absent.
    #[arg(long)]
    pub branch: Option<String>,
}

/// Runs `vexil refs …`: prints the report (standard output) or the problem (standard
/// error) and returns the exit status.
pub async fn run(args: RefsArgs) -> ExitCode {
    let RefsCommand::Scan(args) = args.command;
    match scan_command(args).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let code = super::report(&e);
            // A file or option this command cannot use is a usage error here, as clap's
            // own are, so that CI can tell it from findings (1).
            ExitCode::from(if matches!(e, CliError::Input(_)) { exit::USAGE } else { code })
        }
    }
}

async fn scan_command(args: ScanArgs) -> Result<u8, CliError> {
    let keys = match &args.keys {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?;
            parse_keys_file(&text).map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?
        }
        None => fetch_keys(&Client::new(&args.global)?).await?,
    };
    let mut patterns: Vec<String> = if args.no_default_patterns {
        Vec::new()
    } else {
        DEFAULT_PATTERNS.iter().map(|p| (*p).to_owned()).collect()
    };
    patterns.extend(args.patterns.iter().cloned());
    let options = ScanOptions {
        root: args.path.clone(),
        keys,
        patterns,
        max_file_bytes: args.max_file_bytes,
        threads: args.threads,
    };
    let started = std::time::Instant::now();
    let report = tokio::task::spawn_blocking(move || scan(&options))
        .await
        .map_err(|e| CliError::Input(format!("the scan stopped: {e}")))?
        .map_err(|e| CliError::Input(e.to_string()))?;
    let elapsed = started.elapsed();
    let mut uploaded = None;
    if args.upload {
        let client = Client::new(&args.global)?;
        let body = serde_json::to_value(upload_of(&args, &report))
            .map_err(|e| CliError::Input(format!("cannot encode the upload: {e}")))?;
        let reply = client.post(&client.project_path(&["code-references"]), &body, &Write::default()).await?;
        uploaded = Some(reply.body);
    }
    let text = match args.global.output {
        Output::Json => {
            let mut doc = serde_json::to_value(&report).map_err(|e| CliError::Input(e.to_string()))?;
            if let (Some(obj), Some(up)) = (doc.as_object_mut(), uploaded) {
                obj.insert("uploaded".to_owned(), up);
            }
            format!("{doc:#}\n")
        }
        Output::Table => human(&report, elapsed, uploaded.as_ref()),
    };
    // A reader that stops early (`| head`) ends the output quietly, but the findings
    // still decide the status: a `--fail-on` gate must not pass because of a pipe.
    write_part(&text)?;
    let failed = args.fail_on.iter().any(|f| match f {
        FailOn::Unknown => !report.unknown.is_empty(),
        FailOn::Archived => !report.archived_referenced.is_empty(),
        FailOn::Unreferenced => !report.unreferenced.is_empty(),
    });
    Ok(if failed { exit::FAILED } else { exit::OK })
}

/// Every flag of the project, active and archived, page by page.
async fn fetch_keys(client: &Client) -> Result<Vec<KnownKey>, CliError> {
    let path = client.project_path(&["flags"]);
    let mut keys = Vec::new();
    for archived in [false, true] {
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("limit", "1000".to_owned()), ("archived", archived.to_string())];
            if let Some(c) = cursor.take() {
                query.push(("cursor", c));
            }
            let page = client.get(&path, &query).await?.body;
            let items = page.get("items").and_then(|i| i.as_array()).ok_or_else(|| CliError::Unexpected {
                url: format!("{}{path}", client.base()),
                what: "the answer has no \"items\" list; is this a Vexil server?".to_owned(),
            })?;
            for item in items {
                if let Some(key) = item.get("key").and_then(|k| k.as_str()) {
                    keys.push(KnownKey { key: key.to_owned(), archived });
                }
            }
            cursor = page.get("next_cursor").and_then(|c| c.as_str()).map(str::to_owned);
            if cursor.is_none() {
                break;
            }
        }
    }
    Ok(keys)
}

/// The upload body: every key found, known or unknown, with the first
/// [`crate::store::MAX_CODE_REF_LOCATIONS`] places.
fn upload_of(args: &ScanArgs, report: &ScanReport) -> crate::store::CodeRefsUpload {
    let max = crate::store::MAX_CODE_REF_LOCATIONS;
    let keys = report
        .referenced
        .iter()
        .chain(&report.unknown)
        .map(|r| crate::store::UploadedKey {
            key: r.key.clone(),
            count: r.count,
            locations: r
                .locations
                .iter()
                .filter(|l| !l.path.is_empty() && l.path.len() <= crate::store::MAX_CODE_REF_PATH_BYTES)
                .take(max)
                .map(|l| crate::store::CodeLocation { path: l.path.clone(), line: l.line })
                .collect(),
        })
        .collect();
    let root = std::fs::canonicalize(&args.path).unwrap_or_else(|_| args.path.clone());
    let repository = args.repository.clone().unwrap_or_else(|| {
        root.file_name().map_or_else(|| "repository".to_owned(), |n| n.to_string_lossy().into_owned())
    });
    let commit = args.commit.clone().or_else(|| git(&root, &["rev-parse", "HEAD"]));
    let branch = args
        .branch
        .clone()
        .or_else(|| git(&root, &["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD"));
    let scanned_at = crate::store::Timestamp::now().to_rfc3339();
    crate::store::CodeRefsUpload { repository, commit, branch, scanned_at: Some(scanned_at), keys }
}

/// One line of git's output, or `None` when git is missing or the tree is no repository.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    let line = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !line.is_empty()).then_some(line)
}

fn human(report: &ScanReport, elapsed: std::time::Duration, uploaded: Option<&serde_json::Value>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let f = &report.files;
    let _ = writeln!(
        out,
        "Scanned {} files in {:.2} s (skipped: {} binary, {} not UTF-8, {} too large, {} unreadable)",
        f.scanned,
        elapsed.as_secs_f64(),
        f.binary,
        f.non_utf8,
        f.too_large,
        f.unreadable
    );
    const SHOWN: usize = 5;
    let places = |r: &KeyReferences| {
        let mut lines: Vec<String> =
            r.locations.iter().take(SHOWN).map(|l| format!("    {}:{}", l.path, l.line)).collect();
        if r.locations.len() > SHOWN {
            lines.push(format!("    … and {} more", r.locations.len() - SHOWN));
        }
        lines.join("\n")
    };
    let _ = writeln!(out, "\nFlags in code ({}):", report.referenced.len());
    for r in &report.referenced {
        let archived = if r.archived { " (archived)" } else { "" };
        let _ = writeln!(
            out,
            "  {}{archived}: {} place{}\n{}",
            r.key,
            r.count,
            if r.count == 1 { "" } else { "s" },
            places(r)
        );
    }
    let _ = writeln!(out, "\nFlags in no code ({}):", report.unreferenced.len());
    for k in &report.unreferenced {
        let _ = writeln!(out, "  {k}");
    }
    let _ = writeln!(out, "\nArchived flags still in code ({}):", report.archived_referenced.len());
    for k in &report.archived_referenced {
        let _ = writeln!(out, "  {k}");
    }
    let _ = writeln!(out, "\nUnknown keys in flag calls ({}):", report.unknown.len());
    for r in &report.unknown {
        let _ = writeln!(
            out,
            "  {}: {} place{}\n{}",
            r.key,
            r.count,
            if r.count == 1 { "" } else { "s" },
            places(r)
        );
    }
    if let Some(up) = uploaded {
        let repo = up.get("repository").and_then(|r| r.as_str()).unwrap_or("");
        let _ = writeln!(out, "\nUploaded as repository {repo:?}.");
    }
    out
}
