use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use vexil_server::config::{Cli, Command, UsersCommand};

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
