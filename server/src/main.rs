use clap::Parser;
use vexil_server::config::{Cli, Command, UsersCommand};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve(args) => vexil_server::app::serve(*args).await,
        Command::Migrate(args) => vexil_server::migrate(&args).await,
        Command::Users(UsersCommand::ResetPassword { email, database }) => {
            vexil_server::reset_password(&email, &database).await
        }
        Command::Healthcheck(args) => vexil_server::healthcheck(&args).await,
        Command::Refs(command) => std::process::exit(i32::from(vexil_server::cli::refs::run(command).await)),
    }
}
