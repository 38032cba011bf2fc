use clap::Parser;
use vexil_server::config::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve(args) => vexil_server::app::serve(*args).await,
        Command::Migrate(args) => vexil_server::migrate(&args).await,
    }
}
