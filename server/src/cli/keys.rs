//! `vexil keys ...`: SDK keys of one environment. The secret of a new key is shown once
//! (standard output); the server keeps only its hash.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::output::{at, table};
use super::{CliError, Client, GlobalArgs, Shown, Write};

/// `vexil keys`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    /// Server, token, project, output.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// Which SDKs a key serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyKind {
    /// Server-side SDKs: the whole configuration.
    Server,
    /// Browsers and apps: evaluations of client-visible flags only.
    Client,
}

/// `vexil keys ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List an environment's SDK keys (without secrets).
    List {
        /// The environment's key.
        #[arg(long, short = 'e', env = "VEXIL_ENV")]
        env: String,
    },
    /// Create an SDK key and print its secret, once.
    Create {
        /// The environment's key.
        #[arg(long, short = 'e', env = "VEXIL_ENV")]
        env: String,
        /// Server or client.
        #[arg(long, value_enum, default_value_t = KeyKind::Server)]
        kind: KeyKind,
        /// What it is for.
        #[arg(long)]
        name: Option<String>,
        /// When it stops working (RFC 3339), e.g. for the old key during a rotation.
        #[arg(long)]
        expires_at: Option<String>,
        /// Sent as `Idempotency-Key`: a retried creation answers the first key again.
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// Revoke an SDK key at once.
    Revoke {
        /// The key's id (from `vexil keys list`).
        id: String,
        /// The environment's key.
        #[arg(long, short = 'e', env = "VEXIL_ENV")]
        env: String,
    },
}

/// Runs `vexil keys ...`.
pub async fn run(args: KeysArgs) -> Result<Shown, CliError> {
    let client = Client::new(&args.global)?;
    let c = &client;
    let hint =
        |e: CliError| e.with_not_found_hint("`vexil keys list --env ENV` shows the environment's keys");
    match args.command {
        KeysCommand::List { env } => {
            let page =
                c.get(&c.project_path(&["environments", &env, "sdk-keys"]), &[]).await.map_err(hint)?.body;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            let rows = items.iter().map(|k| {
                vec![
                    at(k, "id"),
                    at(k, "name"),
                    at(k, "kind"),
                    at(k, "prefix"),
                    at(k, "expires_at"),
                    at(k, "revoked_at"),
                ]
            });
            let human = table(&["ID", "NAME", "KIND", "PREFIX", "EXPIRES", "REVOKED"], rows);
            Ok(Shown::new(Value::Array(items), human))
        }
        KeysCommand::Create { env, kind, name, expires_at, idempotency_key } => {
            let kind = match kind {
                KeyKind::Server => "server",
                KeyKind::Client => "client",
            };
            let body = json!({"kind": kind, "name": name, "expires_at": expires_at});
            let write = Write { if_match: None, idempotency_key };
            let path = c.project_path(&["environments", &env, "sdk-keys"]);
            let k = c.post(&path, &body, &write).await.map_err(hint)?.body;
            let human = format!(
                "{}\n(a {kind} key of {env}, id {}: keep it now, it cannot be shown again)",
                at(&k, "key"),
                at(&k, "id")
            );
            Ok(Shown::new(k, human))
        }
        KeysCommand::Revoke { id, env } => {
            let path = c.project_path(&["environments", &env, "sdk-keys", &id]);
            let r = c.delete(&path, &Write::default()).await.map_err(hint)?;
            let json = if r.body.is_null() { json!({"revoked": id}) } else { r.body };
            Ok(Shown::new(json, format!("revoked SDK key {id}")))
        }
    }
}
