//! Command line and environment configuration. Every option is a `--flag` and a
//! `VEXIL_*` variable; secrets never show in `Debug` output or logs.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Vexil: a self-hosted feature flag service.
#[derive(Debug, Parser)]
#[command(name = "vexil", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (applies pending migrations first).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit. Also starts a new change history when
    /// the database is another copy than last time (restored from a backup), or when
    /// `--new-history` asks for it.
    Migrate(MigrateArgs),
    /// Manage dashboard users from the server's host.
    #[command(subcommand)]
    Users(UsersCommand),
}

/// `vexil users ...`
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Give a user a new generated password, printed once, and end their sessions: the
    /// way back in when an owner's password is forgotten. Audited as `user.password_reset`.
    ResetPassword {
        /// The user's email.
        email: String,
        /// Where the data lives.
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Options of `vexil migrate`.
#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// Where the data lives.
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Start a new change history: every SDK and stream client gets a fresh snapshot
    /// instead of resuming. Use it after restoring a backup in a way Vexil cannot notice
    /// (e.g. a SQLite file copied over the old one in place).
    #[arg(long)]
    pub new_history: bool,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://path` (created if missing) or `postgres://...`.
    #[arg(long, env = "VEXIL_DATABASE_URL", default_value = "sqlite://vexil.db")]
    pub database_url: Secret,

    /// Maximum database connections in the pool.
    #[arg(long, env = "VEXIL_DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,
}

/// Options of `vexil serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "VEXIL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Database options.
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Email of the owner created on first start (when there are no users).
    #[arg(long, env = "VEXIL_ADMIN_EMAIL")]
    pub admin_email: Option<String>,

    /// Password of that owner; if unset, one is generated and printed once.
    #[arg(long, env = "VEXIL_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,

    /// Secret that signs login tokens; if unset, one is generated once and stored in
    /// the database (so all replicas share it).
    #[arg(long, env = "VEXIL_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// Log format.
    #[arg(long, env = "VEXIL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,

    /// Origins allowed to call the API from browsers (comma-separated; `*` for any).
    #[arg(long, env = "VEXIL_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Lifetime of a login token, in minutes.
    #[arg(long, env = "VEXIL_SESSION_TTL_MINUTES", default_value_t = 60)]
    pub session_ttl_minutes: u64,

    /// Largest accepted request body, in bytes. The default fits the largest flag the
    /// documented limits allow (docs/evaluation.md).
    #[arg(long, env = "VEXIL_MAX_BODY_BYTES", default_value_t = vexil_core::limits::MAX_DOCUMENT_BYTES)]
    pub max_body_bytes: usize,

    /// How long shutdown waits for requests and streams to finish, in seconds.
    #[arg(long, env = "VEXIL_SHUTDOWN_GRACE_SECONDS", default_value_t = 10)]
    pub shutdown_grace_seconds: u64,

    /// Failed logins allowed per account (and, times four, per client address) in 15
    /// minutes before further attempts are refused.
    #[arg(long, env = "VEXIL_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: usize,

    /// Flags not evaluated for this many days are marked stale in listings.
    #[arg(long, env = "VEXIL_STALE_AFTER_DAYS", default_value_t = 7)]
    pub stale_after_days: u64,

    /// How often each replica compares its environments' versions with the database,
    /// to catch changes a notification missed, in seconds.
    #[arg(long, env = "VEXIL_VERSION_CHECK_SECONDS", default_value_t = 10)]
    pub version_check_seconds: u64,

    /// Interval of keep-alive comments on event streams, in seconds.
    #[arg(long, env = "VEXIL_KEEPALIVE_SECONDS", default_value_t = 15)]
    pub keepalive_seconds: u64,

    /// Changes each environment keeps in memory for streams resuming with
    /// `Last-Event-ID`; older gaps get a fresh snapshot.
    #[arg(long, env = "VEXIL_STREAM_RING_SIZE", default_value_t = 1024)]
    pub stream_ring_size: usize,

    /// Events a stream client may fall behind before it is resynchronised with a
    /// fresh snapshot.
    #[arg(long, env = "VEXIL_STREAM_QUEUE_SIZE", default_value_t = 256)]
    pub stream_queue_size: usize,

    /// Serve the dashboard from this folder instead of the assets built into the binary.
    #[arg(long, env = "VEXIL_UI_DIR")]
    pub ui_dir: Option<PathBuf>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// A string that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}
