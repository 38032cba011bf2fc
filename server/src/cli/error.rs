//! What can go wrong in a client command, each with a message that says what to do and
//! a stable exit status (documented in README.md and docs/pipeline.md).

use serde_json::Value;

/// Exit statuses of the client commands. Stable: scripts branch on them.
pub mod exit {
    /// The command did what it was asked (or its reader closed standard output early,
    /// as `vexil ... | head -1` does).
    pub const OK: u8 = 0;
    /// Any other failure: the server refused the request as invalid (400/422), a file or
    /// argument could not be read, or an answer was not understood.
    pub const FAILED: u8 = 1;
    /// The command line itself is wrong (clap's own status for usage errors).
    pub const USAGE: u8 = 2;
    /// A conflict: the object changed since it was read (412), a key is taken or a change
    /// would break something else (409), or the write needs `If-Match` (428). Also
    /// `apply` and `import`: what a flags-as-code file asks for cannot be done on this
    /// server whatever the order (another project, a flag's kind changed).
    pub const CONFLICT: u8 = 3;
    /// No token, a wrong or expired token (401), or a token whose role or project scope
    /// does not allow the operation (403).
    pub const AUTH: u8 = 4;
    /// The server could not be reached, timed out, or failed (5xx, 429); or standard
    /// output could not be written (other than closed by its reader).
    pub const UNAVAILABLE: u8 = 5;
    /// The project, flag, environment, segment, key or plan does not exist (404).
    pub const NOT_FOUND: u8 = 6;
    /// `rollout wait`: the release plan was rolled back (by a guardrail or by hand).
    pub const ROLLED_BACK: u8 = 7;
    /// `rollout wait`: `--timeout` passed before the plan finished.
    pub const TIMED_OUT: u8 = 8;
}

/// One problem the server found in a request (`errors[]` of a problem document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// JSON pointer into the request body.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

/// Why a client command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// A command-line value or local input the command cannot use.
    #[error("{0}")]
    Input(String),
    /// No API token was given.
    #[error(
        "no API token: set VEXIL_TOKEN (or pass --token) to an API token made on the dashboard's \
         \"API tokens\" page or with POST /api/v1/tokens"
    )]
    NoToken,
    /// 401: the token is no API token, or an unknown, expired or revoked one. The server's
    /// own explanation is left out: it may speak of dashboard logins, which the client
    /// commands never use.
    #[error(
        "the server at {url} refused the API token (VEXIL_TOKEN or --token): it is unknown, \
         revoked or expired, or not an API token (those start with vx_api_). Make one on the \
         dashboard's \"API tokens\" page or with POST /api/v1/tokens, and set VEXIL_TOKEN to it"
    )]
    Unauthorized {
        /// The server's address.
        url: String,
    },
    /// 403: the token's role or project scope does not allow this.
    #[error(
        "not allowed: {detail}; use an API token (VEXIL_TOKEN or --token) whose role and project allow it \
         (made on the dashboard's \"API tokens\" page)"
    )]
    Forbidden {
        /// The server's explanation.
        detail: String,
    },
    /// 404.
    #[error("{detail}{hint}")]
    NotFound {
        /// The server's explanation.
        detail: String,
        /// What to check, starting with "; " (may be empty).
        hint: String,
    },
    /// 409, 412 or 428.
    #[error("{detail}{}", conflict_hint(*.status, *.current_version, .dependents))]
    Conflict {
        /// 409, 412 or 428.
        status: u16,
        /// The server's explanation.
        detail: String,
        /// The current version, when the write named a stale one.
        current_version: Option<i64>,
        /// What depends on the object (409 on delete).
        dependents: Vec<String>,
    },
    /// 400 or 422, with the server's pointers into the request.
    #[error("the server refused the request: {detail}{}", list_problems(.problems))]
    Invalid {
        /// The server's explanation.
        detail: String,
        /// Pointer and message per problem.
        problems: Vec<FieldProblem>,
    },
    /// 5xx or 429.
    #[error("the server answered {status}: {detail}; try again later, or see the server's log")]
    Server {
        /// HTTP status.
        status: u16,
        /// The server's explanation.
        detail: String,
    },
    /// The server could not be reached, or the request timed out.
    #[error(
        "cannot reach the Vexil server at {url}: {source}; check VEXIL_URL (or --url) and that the server runs"
    )]
    Network {
        /// The address tried.
        url: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// An answer that is not what the API documents.
    #[error("unexpected answer from {url}: {what}")]
    Unexpected {
        /// The address asked.
        url: String,
        /// What was wrong with it.
        what: String,
    },
    /// `rollout wait`: the plan was rolled back.
    #[error("the rollout of {flag} in {env} was rolled back: {reason}")]
    RolledBack {
        /// The flag.
        flag: String,
        /// The environment.
        env: String,
        /// Why, as the plan records it.
        reason: String,
    },
    /// `apply`, `import`: the file asks for what this server's state rules out whatever
    /// the order (a flag's kind changed).
    #[error("{0}")]
    PlanConflict(String),
    /// What a command was doing when `source` happened (`apply: POST /projects/shop/flags`).
    #[error("{context}: {source}")]
    Context {
        /// What was being done.
        context: String,
        /// What went wrong; it decides the exit status.
        #[source]
        source: Box<CliError>,
    },
    /// Standard output was closed by its reader (`vexil ... | head -1`): the command ends
    /// quietly with status 0, as the reader wanted no more.
    #[error("standard output is closed")]
    OutputClosed,
    /// Standard output could not be written for another reason (a full disk, say).
    #[error("cannot write to standard output: {0}")]
    Output(#[source] std::io::Error),
    /// `rollout wait`: still running when the time was up.
    #[error(
        "the rollout of {flag} in {env} is still {state} after {seconds} s (--timeout); it keeps running on the server"
    )]
    TimedOut {
        /// The flag.
        flag: String,
        /// The environment.
        env: String,
        /// The plan's state when waiting stopped.
        state: String,
        /// How long was waited, in seconds.
        seconds: u64,
    },
}

fn conflict_hint(status: u16, current: Option<i64>, dependents: &[String]) -> String {
    let mut s = String::new();
    if !dependents.is_empty() {
        s.push_str(&format!(" (used by: {})", dependents.join(", ")));
    }
    match (status, current) {
        (412, Some(v)) => {
            s.push_str(&format!("; it changed since it was read (now version {v}): read it again and retry"));
        }
        (412, None) => s.push_str("; it changed since it was read: read it again and retry"),
        (428, _) => s.push_str("; the write needs the version it replaces (--if-match)"),
        _ => {}
    }
    s
}

fn list_problems(problems: &[FieldProblem]) -> String {
    problems.iter().map(|p| format!("\n  {}: {}", display_pointer(&p.pointer), p.message)).collect()
}

fn display_pointer(p: &str) -> &str {
    if p.is_empty() { "(body)" } else { p }
}

impl CliError {
    /// The process exit status for this error (see [`exit`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) | CliError::Invalid { .. } | CliError::Unexpected { .. } => exit::FAILED,
            CliError::NoToken | CliError::Unauthorized { .. } | CliError::Forbidden { .. } => exit::AUTH,
            CliError::NotFound { .. } => exit::NOT_FOUND,
            CliError::Conflict { .. } | CliError::PlanConflict(_) => exit::CONFLICT,
            CliError::Server { .. } | CliError::Network { .. } | CliError::Output(_) => exit::UNAVAILABLE,
            CliError::OutputClosed => exit::OK,
            CliError::Context { source, .. } => source.exit_code(),
            CliError::RolledBack { .. } => exit::ROLLED_BACK,
            CliError::TimedOut { .. } => exit::TIMED_OUT,
        }
    }

    /// The error for a non-success answer: `status` and its body (an RFC 9457 problem
    /// document when the server wrote it; anything else is shown as far as it is text).
    pub fn from_answer(status: u16, body: &str, url: &str, base: &str) -> CliError {
        let problem: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let text = |k: &str| problem.get(k).and_then(Value::as_str).map(str::to_owned);
        let detail = text("detail").or_else(|| text("title")).unwrap_or_else(|| {
            let t = body.trim();
            if t.is_empty() { format!("HTTP {status}") } else { t.chars().take(300).collect() }
        });
        let problems = problem
            .get("errors")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|e| FieldProblem {
                        pointer: e.get("pointer").and_then(Value::as_str).unwrap_or("").to_owned(),
                        message: e.get("message").and_then(Value::as_str).unwrap_or("").to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        match status {
            401 => CliError::Unauthorized { url: base.to_owned() },
            403 => CliError::Forbidden { detail },
            404 => CliError::NotFound { detail, hint: String::new() },
            409 | 412 | 428 => CliError::Conflict {
                status,
                detail,
                current_version: problem.get("current_version").and_then(Value::as_i64),
                dependents: problem
                    .get("dependents")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default(),
            },
            400 | 413 | 415 | 422 => CliError::Invalid { detail, problems },
            s if s >= 500 || s == 429 => CliError::Server { status, detail },
            _ => CliError::Unexpected { url: url.to_owned(), what: format!("HTTP {status}: {detail}") },
        }
    }

    /// Says what the command was doing (`context: error`); the exit status stays the
    /// error's own.
    pub fn context(self, context: impl Into<String>) -> CliError {
        match self {
            CliError::OutputClosed => CliError::OutputClosed,
            other => CliError::Context { context: context.into(), source: Box::new(other) },
        }
    }

    /// Adds what a 409 was about and what to do (`flag checkout: ...; hint`).
    pub fn with_conflict_context(self, subject: &str, hint: &str) -> CliError {
        match self {
            CliError::Conflict { status: 409, detail, current_version, dependents } => CliError::Conflict {
                status: 409,
                detail: format!("{subject}: {detail}; {hint}"),
                current_version,
                dependents,
            },
            other => other,
        }
    }

    /// Adds what to check to a 404 (e.g. "see `vexil flags list`").
    pub fn with_not_found_hint(self, hint: &str) -> CliError {
        match self {
            CliError::NotFound { detail, .. } => CliError::NotFound { detail, hint: format!("; {hint}") },
            other => other,
        }
    }
}
