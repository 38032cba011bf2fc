//! The `vexil` client commands: talk to a Vexil server's admin REST API (`/api/v1`) with
//! an API token, for people at a terminal and for CI pipelines (docs/pipeline.md).
//!
//! Layout: [`client`] sends requests and turns problem documents into [`CliError`]s,
//! [`output`] prints tables or JSON, and each command group is a module with an `Args`
//! struct (flattening [`GlobalArgs`]) and an async `run` that returns what to print.
//! Adding a group is one variant in [`ClientCommand`] and one arm in [`run`].

pub mod audit;
pub mod client;
pub mod code;
pub mod error;
pub mod evaluate;
pub mod flags;
pub mod keys;
pub mod output;
pub mod refs;
pub mod remote;
pub mod rollout;
pub mod segments;

use std::process::ExitCode;

use clap::{Args, Subcommand};

pub use client::{Client, Reply, Write};
pub use error::{CliError, exit};
pub use output::{Output, Shown};

use crate::secret::Secret;

/// Where the server is, who calls it, in which project, and how to print. Every client
/// command takes these, before or after its own arguments.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The Vexil server's address (`https://flags.example.com`).
    #[arg(long, env = "VEXIL_URL", global = true, default_value = "http://127.0.0.1:8080")]
    pub url: String,

    /// An API token (made in the dashboard or with `POST /api/v1/tokens`). Never printed;
    /// prefer the variable over the option, which other users of the host can see.
    #[arg(long, env = "VEXIL_TOKEN", global = true, hide_env_values = true)]
    pub token: Option<Secret>,

    /// The project's key (`default` when absent; for `apply`, the file's project).
    #[arg(long, env = "VEXIL_PROJECT", global = true)]
    pub project: Option<String>,

    /// `table` for people, `json` for scripts (the API's documents on standard output).
    #[arg(long, short = 'o', env = "VEXIL_OUTPUT", global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,

    /// How long one request may take, in seconds.
    #[arg(long, env = "VEXIL_TIMEOUT_SECONDS", global = true, default_value_t = 30)]
    pub timeout_seconds: u64,
}

/// The project a command acts in when `--project` (`VEXIL_PROJECT`) is absent.
pub const DEFAULT_PROJECT: &str = "default";

impl GlobalArgs {
    /// `--project`, or [`DEFAULT_PROJECT`].
    pub fn project(&self) -> &str {
        self.project.as_deref().unwrap_or(DEFAULT_PROJECT)
    }
}

/// The client subcommands (flattened into `vexil`'s own).
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Flags: list, show, create, archive; turn on or off, roll out or serve a variant in
    /// one environment.
    Flags(flags::FlagsArgs),
    /// Segments (reusable audiences): list, show, create, add or remove keys, delete.
    Segments(segments::SegmentsArgs),
    /// SDK keys of an environment: list, create (the secret is shown once), revoke.
    Keys(keys::KeysArgs),
    /// The audit log: who changed what, newest first.
    Audit(audit::AuditArgs),
    /// Guarded progressive rollouts: start, status, wait, pause, resume, advance, rollback.
    Rollout(rollout::RolloutArgs),
    /// What a flag serves a context in an environment, and why.
    Evaluate(evaluate::EvaluateArgs),
    /// Code references: where flag keys appear in source code (`vexil refs scan PATH`).
    Refs(refs::RefsArgs),
    /// Write a project (flags, variants, configurations per environment, segments,
    /// environments; no secrets) as a flags-as-code file on standard output.
    Export(code::ExportArgs),
    /// Make the server match a flags-as-code file (docs/flags-as-code.md).
    Apply(code::ApplyArgs),
    /// Convert another flag service's export into a flags-as-code document and apply it.
    Import(code::ImportArgs),
    /// Print a shell completion script (`vexil completions bash > /etc/bash_completion.d/vexil`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Runs a client command; prints its result (standard output) or its error (standard
/// error) and returns the exit status ([`exit`]). `root` builds the binary's whole
/// command tree, which shell completions describe (the binary owns it, so that this
/// module does not depend on the server's configuration).
pub async fn run(command: ClientCommand, root: fn() -> clap::Command) -> ExitCode {
    let (output, result) = match command {
        ClientCommand::Flags(a) => (a.global.output, flags::run(a).await),
        ClientCommand::Segments(a) => (a.global.output, segments::run(a).await),
        ClientCommand::Keys(a) => (a.global.output, keys::run(a).await),
        ClientCommand::Audit(a) => (a.global.output, audit::run(a).await),
        ClientCommand::Rollout(a) => (a.global.output, rollout::run(a).await),
        ClientCommand::Evaluate(a) => (a.global.output, evaluate::run(a).await),
        ClientCommand::Export(a) => (a.global.output, code::export(a).await),
        ClientCommand::Apply(a) => (a.global.output, code::apply(a).await),
        ClientCommand::Import(a) => (a.global.output, code::import(a).await),
        ClientCommand::Refs(a) => return refs::run(a).await,
        ClientCommand::Completions { shell } => return completions(shell, root),
    };
    finish(output, result)
}

/// `vexil completions SHELL`. The script is made in memory and written like every
/// other output: clap_complete panics when it cannot write.
fn completions(shell: clap_complete::Shell, root: fn() -> clap::Command) -> ExitCode {
    let mut cmd = root();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "vexil", &mut script);
    let written = output::write_out(&String::from_utf8_lossy(&script));
    ExitCode::from(written.map_or_else(|e| report(&e), |()| exit::OK))
}

/// Prints a command's result or error; the exit status.
pub fn finish(output: Output, result: Result<Shown, CliError>) -> ExitCode {
    let code = match result.and_then(|shown| shown.print(output)) {
        Ok(()) => exit::OK,
        Err(e) => report(&e),
    };
    ExitCode::from(code)
}

/// Says what went wrong on standard error (nothing when standard output was closed by
/// its reader: that is a quiet end); the exit status.
pub fn report(e: &CliError) -> u8 {
    if !matches!(e, CliError::OutputClosed) {
        output::say(&format!("error: {e}"));
    }
    e.exit_code()
}

/// The exit status of a host command (`serve`, `migrate`, `users`, `healthcheck`) that
/// failed, after saying why as `fn main() -> anyhow::Result<()>` would. A failure to
/// write standard output keeps the client commands' meaning (0 when closed, 5 else).
pub fn host_command_failed(e: &anyhow::Error) -> ExitCode {
    match e.downcast_ref::<CliError>() {
        Some(cli) => ExitCode::from(report(cli)),
        None => {
            output::say(&format!("Error: {e:?}"));
            ExitCode::FAILURE
        }
    }
}
