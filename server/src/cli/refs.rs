//! `vexil refs scan PATH`: the command line around the scanner ([`scan`]): flag keys
//! from the server (`GET …/flags`, active and archived) or from `--keys FILE`, human or
//! JSON output, stable exit statuses, and `--upload` of the result
//! (`POST …/code-references`). The approach is in docs/decisions/0030-code-references.md.

pub mod scan;

use std::path::{Path, PathBuf};

pub use scan::{
    DEFAULT_MAX_FILE_BYTES, DEFAULT_PATTERNS, KeyReferences, KnownKey, ScanOptions, ScanReport, is_flag_key,
    parse_keys_file, scan,
};

/// Exit status of a scan that completed and met no `--fail-on` condition.
pub const EXIT_OK: u8 = 0;
/// Exit status when a `--fail-on` condition is met (the report is printed in full).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status for a usage or input problem: bad options, an unreadable `--keys` file, a
/// bad pattern, a root that is no directory.
pub const EXIT_USAGE: u8 = 2;
/// Exit status when the server could not be reached or refused (fetching keys, upload).
pub const EXIT_SERVER: u8 = 3;

/// `vexil refs …`.
#[derive(Debug, clap::Subcommand)]
pub enum RefsCommand {
    /// Find flag keys in a source tree: per flag the files and lines, flags in no code,
    /// code that reads archived or unknown flags. Exit status: 0 done, 1 a `--fail-on`
    /// condition met, 2 usage or input error, 3 server error.
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

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Output {
    /// Text for people.
    #[default]
    Human,
    /// One JSON document (the scan report) for scripts.
    Json,
}

/// Options of `vexil refs scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// The root of the source tree.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Read flag keys from this file instead of the server: one key per line (a trailing
    /// `archived` marks an archived flag), or JSON (an array of keys or of
    /// `{"key", "archived"}`, or the flags list's `{"items": [...]}`).
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// The server's base URL, for the keys (without `--keys`) and `--upload`.
    #[arg(long, env = "VEXIL_URL")]
    pub url: Option<String>,
    /// An API token (viewer to scan, editor to upload).
    #[arg(long, env = "VEXIL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// The project key.
    #[arg(long, env = "VEXIL_PROJECT")]
    pub project: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Human)]
    pub output: Output,
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

/// Why the command stopped; each maps onto an exit status.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Server(String),
}

/// Runs `vexil refs …` and returns the exit status. Problems are printed on standard
/// error with what to do.
pub async fn run(command: RefsCommand) -> u8 {
    let RefsCommand::Scan(args) = command;
    match scan_command(args).await {
        Ok(code) => code,
        Err(Failure::Usage(m)) => {
            eprintln!("error: {m}");
            EXIT_USAGE
        }
        Err(Failure::Server(m)) => {
            eprintln!("error: {m}");
            EXIT_SERVER
        }
    }
}

async fn scan_command(args: ScanArgs) -> Result<u8, Failure> {
    let keys = match &args.keys {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| Failure::Usage(format!("{}: {e}", file.display())))?;
            parse_keys_file(&text).map_err(|e| Failure::Usage(format!("{}: {e}", file.display())))?
        }
        None => {
            let server = Server::from_args(&args)?;
            server.fetch_keys().await?
        }
    };
    let mut patterns: Vec<String> =
        if args.no_default_patterns { Vec::new() } else { DEFAULT_PATTERNS.iter().map(|p| (*p).to_owned()).collect() };
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
        .map_err(|e| Failure::Usage(format!("the scan stopped: {e}")))?
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let elapsed = started.elapsed();
    let mut uploaded = None;
    if args.upload {
        let server = Server::from_args(&args)?;
        let upload = upload_of(&args, &report);
        uploaded = Some(server.upload(&upload).await?);
    }
    match args.output {
        Output::Json => {
            let mut doc = serde_json::to_value(&report).map_err(|e| Failure::Usage(e.to_string()))?;
            if let (Some(obj), Some(up)) = (doc.as_object_mut(), uploaded) {
                obj.insert("uploaded".to_owned(), up);
            }
            println!("{doc:#}");
        }
        Output::Human => print_human(&report, elapsed, uploaded.as_ref()),
    }
    let failed = args.fail_on.iter().any(|f| match f {
        FailOn::Unknown => !report.unknown.is_empty(),
        FailOn::Archived => !report.archived_referenced.is_empty(),
        FailOn::Unreferenced => !report.unreferenced.is_empty(),
    });
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
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

fn print_human(report: &ScanReport, elapsed: std::time::Duration, uploaded: Option<&serde_json::Value>) {
    let f = &report.files;
    println!(
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
    println!("\nFlags in code ({}):", report.referenced.len());
    for r in &report.referenced {
        let archived = if r.archived { " (archived)" } else { "" };
        println!("  {}{archived}: {} place{}\n{}", r.key, r.count, if r.count == 1 { "" } else { "s" }, places(r));
    }
    println!("\nFlags in no code ({}):", report.unreferenced.len());
    for k in &report.unreferenced {
        println!("  {k}");
    }
    println!("\nArchived flags still in code ({}):", report.archived_referenced.len());
    for k in &report.archived_referenced {
        println!("  {k}");
    }
    println!("\nUnknown keys in flag calls ({}):", report.unknown.len());
    for r in &report.unknown {
        println!("  {}: {} place{}\n{}", r.key, r.count, if r.count == 1 { "" } else { "s" }, places(r));
    }
    if let Some(up) = uploaded {
        let repo = up.get("repository").and_then(|r| r.as_str()).unwrap_or("");
        println!("\nUploaded as repository {repo:?}.");
    }
}

/// The server connection of a scan: base URL, token, project.
struct Server {
    url: String,
    token: String,
    project: String,
    http: reqwest::Client,
}

impl Server {
    fn from_args(args: &ScanArgs) -> Result<Server, Failure> {
        let missing = |what: &str, flag: &str, env: &str| {
            Failure::Usage(format!("{what} is needed: pass {flag} or set {env} (or scan offline with --keys FILE)"))
        };
        let url = args.url.clone().ok_or_else(|| missing("the server URL", "--url", "VEXIL_URL"))?;
        let token = args.token.clone().ok_or_else(|| missing("an API token", "--token", "VEXIL_TOKEN"))?;
        let project = args.project.clone().ok_or_else(|| missing("the project", "--project", "VEXIL_PROJECT"))?;
        let parsed = url::Url::parse(&url).map_err(|e| Failure::Usage(format!("--url {url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Failure::Usage(format!("--url {url:?}: an http or https URL")));
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| Failure::Server(format!("cannot build an HTTP client: {e}")))?;
        Ok(Server { url: url.trim_end_matches('/').to_owned(), token, project, http })
    }

    fn project_url(&self, rest: &str) -> String {
        let project: String = url::form_urlencoded::byte_serialize(self.project.as_bytes()).collect();
        format!("{}/api/v1/projects/{project}{rest}", self.url)
    }

    async fn get_json(&self, url: &str) -> Result<serde_json::Value, Failure> {
        let response = self
            .http
            .get(url)
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| Failure::Server(format!("{url}: {e}")))?;
        answer(url, response).await
    }

    /// Every flag of the project, active and archived, page by page.
    async fn fetch_keys(&self) -> Result<Vec<KnownKey>, Failure> {
        let mut keys = Vec::new();
        for archived in [false, true] {
            let mut cursor: Option<String> = None;
            loop {
                let mut url = self.project_url(&format!("/flags?limit=1000&archived={archived}"));
                if let Some(c) = &cursor {
                    let c: String = url::form_urlencoded::byte_serialize(c.as_bytes()).collect();
                    url.push_str(&format!("&cursor={c}"));
                }
                let page = self.get_json(&url).await?;
                let items = page.get("items").and_then(|i| i.as_array()).ok_or_else(|| {
                    Failure::Server(format!("{url}: the answer has no \"items\" list; is this a Vexil server?"))
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

    async fn upload(&self, upload: &crate::store::CodeRefsUpload) -> Result<serde_json::Value, Failure> {
        let url = self.project_url("/code-references");
        let response = self
            .http
            .post(&url)
            .bearer_auth(&self.token)
            .json(upload)
            .send()
            .await
            .map_err(|e| Failure::Server(format!("{url}: {e}")))?;
        answer(&url, response).await
    }
}

/// A 2xx answer's JSON, or an error with the server's problem `detail` and a hint.
async fn answer(url: &str, response: reqwest::Response) -> Result<serde_json::Value, Failure> {
    let status = response.status();
    let body = response.text().await.map_err(|e| Failure::Server(format!("{url}: {e}")))?;
    if !status.is_success() {
        let detail = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_owned))
            .unwrap_or_else(|| body.chars().take(200).collect());
        let hint = match status.as_u16() {
            401 => " (check --token / VEXIL_TOKEN)",
            403 => " (the token's role or project scope does not allow this; --upload needs an editor token)",
            404 => " (check --project / VEXIL_PROJECT and --url)",
            _ => "",
        };
        return Err(Failure::Server(format!("{url} answered {status}: {detail}{hint}")));
    }
    serde_json::from_str(&body).map_err(|e| Failure::Server(format!("{url}: the answer is not JSON: {e}")))
}

