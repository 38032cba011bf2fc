use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use vexil_server::config::{Cli, Command, UsersCommand};

/// mimalloc, built without transparent huge pages, instead of the C library's
/// allocator (decision 0042): an answer allocates dozens of small blocks, and glibc's
/// malloc and free were a fifth of the server's instructions per request.
#[global_allocator]
static ALLOCATOR: allocator::MiMalloc = allocator::MiMalloc;

mod allocator;

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Serve(args) => vexil_server::app::serve(*args).await,
        Command::Migrate(args) => vexil_server::migrate(&args).await,
        Command::Users(UsersCommand::ResetPassword { email, database }) => {
            vexil_server::reset_password(&email, &database).await
        }
        Command::Healthcheck(args) => vexil_server::healthcheck(&args).await,
        // The documented exit statuses (docs/pipeline.md), not anyhow's 1.
        Command::Client(command) => return vexil_server::cli::run(*command, Cli::command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // As `fn main() -> anyhow::Result<()>` reports it.
        Err(e) => vexil_server::cli::host_command_failed(&e),
    }
}
