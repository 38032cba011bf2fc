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
        Command::Code(command) => {
            let code = vexil_server::ascode::cli::run(command).await;
            // The documented exit statuses (docs/flags-as-code.md), not anyhow's 1.
            #[expect(clippy::exit, reason = "the command's documented exit status")]
            std::process::exit(i32::from(code));
        }
    }
}
