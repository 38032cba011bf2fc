//! Command line and environment configuration. Every option is a `--flag` and a
//! `VEXIL_*` variable; secrets never show in `Debug` output or logs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::secret::Secret;

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
    /// Ask the server on this host whether it is ready (`GET /readyz`); exit status 0 if
    /// it is. For container health checks, which have no HTTP client of their own.
    Healthcheck(HealthcheckArgs),
    /// The client commands, which talk to a server's REST API (`crate::cli`), flags as
    /// code (`export`, `apply`, `import`) among them.
    #[command(flatten)]
    Client(Box<crate::cli::ClientCommand>),
}

/// Options of `vexil healthcheck`.
#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// The address the server listens on (its `VEXIL_LISTEN`); an unspecified address
    /// such as `0.0.0.0` is checked on loopback.
    #[arg(long, env = "VEXIL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// How long to wait for the answer, in seconds.
    #[arg(long, default_value_t = 5)]
    pub timeout_seconds: u64,
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

    /// Single sign-on through an OpenID Connect provider.
    #[command(flatten)]
    pub oidc: OidcArgs,

    /// Log format.
    #[arg(long, env = "VEXIL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,

    /// Origins allowed to call the admin API (`/api/v1`) from browsers (comma-separated;
    /// `*` for any). None by default: the dashboard is served from the same origin.
    #[arg(long, env = "VEXIL_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Origins allowed to call the routes that take client SDK keys (OFREP and
    /// `/sdk/v1/events`) from browsers (comma-separated). Any by default: client keys are
    /// public by design, shipped in every page that uses them.
    #[arg(long, env = "VEXIL_CLIENT_CORS_ORIGINS", value_delimiter = ',', default_value = "*")]
    pub client_cors_origins: Vec<String>,

    /// The address clients reach this server at, when it differs from what they send
    /// (behind a proxy that adds a path prefix, e.g. `https://example.com/flags`). Links
    /// the server hands out (the OFREP event stream) start with it. Without it, a
    /// `X-Forwarded-Prefix` header from the proxy is honoured.
    #[arg(long, env = "VEXIL_PUBLIC_URL")]
    pub public_url: Option<PublicUrl>,

    /// Lifetime unit of the signed OFREP event-stream URLs, in seconds: a URL handed out
    /// stays valid for one to two units (the bulk ETag changes with each unit, so a
    /// cached answer never carries an expired URL).
    #[arg(long, env = "VEXIL_OFREP_STREAM_TOKEN_SECONDS", default_value_t = 3600)]
    pub ofrep_stream_token_seconds: u64,

    /// How long a webhook delivery attempt may take (connect, send, answer), in
    /// seconds; a receiver slower than this counts as failed and is tried again.
    #[arg(long, env = "VEXIL_WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10)]
    pub webhook_timeout_seconds: u64,

    /// The first retry delay of a failed webhook delivery, in milliseconds; each further
    /// retry waits twice as long (at most an hour, with jitter), for at least 24 hours.
    #[arg(long, env = "VEXIL_WEBHOOK_RETRY_BASE_MS", default_value_t = 5000)]
    pub webhook_retry_base_ms: u64,

    /// How often usage counted by the server itself (OFREP evaluations) is written to the
    /// database, in seconds.
    #[arg(long, env = "VEXIL_USAGE_FLUSH_SECONDS", default_value_t = 10)]
    pub usage_flush_seconds: u64,

    /// How often running release plans are looked at (and advanced, rolled back or
    /// paused), in seconds.
    #[arg(long, env = "VEXIL_RELEASE_PLAN_CHECK_SECONDS", default_value_t = 30)]
    pub release_plan_check_seconds: u64,

    /// Root URL of the Prometheus server that Prometheus guardrails of release plans
    /// query (`http://prometheus:9090`); without it they give no verdict.
    #[arg(long, env = "VEXIL_PROMETHEUS_URL")]
    pub prometheus_url: Option<String>,

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

    /// Audit entries older than this many days are deleted by the hourly housekeeping;
    /// unset, the audit log is kept forever.
    #[arg(long, env = "VEXIL_AUDIT_RETENTION_DAYS", value_parser = clap::value_parser!(u64).range(1..))]
    pub audit_retention_days: Option<u64>,

    /// How often each replica compares its environments' versions with the database,
    /// to catch changes a notification missed, in seconds.
    #[arg(long, env = "VEXIL_VERSION_CHECK_SECONDS", default_value_t = 10)]
    pub version_check_seconds: u64,

    /// Interval of keep-alive comments on event streams, in seconds.
    #[arg(long, env = "VEXIL_KEEPALIVE_SECONDS", default_value_t = 15)]
    pub keepalive_seconds: u64,

    /// Time a client has, from the first byte of a request, to send the request line and
    /// headers, in seconds; slower connections are closed.
    #[arg(long, env = "VEXIL_HEADER_READ_TIMEOUT_SECONDS", default_value_t = 10)]
    pub header_read_timeout_seconds: u64,

    /// Time a client has, from the end of a request's headers, to send its body, in
    /// seconds; slower requests fail and their connections close.
    #[arg(long, env = "VEXIL_BODY_READ_TIMEOUT_SECONDS", default_value_t = 60)]
    pub body_read_timeout_seconds: u64,

    /// A connection on which nothing was sent or received for this long is closed, in
    /// seconds (event streams send keep-alives, so they stay open). Keep it above the
    /// keep-alive interval, and above the idle timeout of a load balancer in front.
    #[arg(long, env = "VEXIL_IDLE_TIMEOUT_SECONDS", default_value_t = 75)]
    pub idle_timeout_seconds: u64,

    /// Changes each environment keeps in memory for streams resuming with
    /// `Last-Event-ID`; older gaps get a fresh snapshot.
    #[arg(long, env = "VEXIL_STREAM_RING_SIZE", default_value_t = 1024)]
    pub stream_ring_size: usize,

    /// Events a stream client may fall behind before it is resynchronised with a
    /// fresh snapshot.
    #[arg(long, env = "VEXIL_STREAM_QUEUE_SIZE", default_value_t = 256)]
    pub stream_queue_size: usize,

    /// An environment without open streams that no request used for this long is
    /// dropped from memory, in seconds; the next request reloads it (resumes still
    /// work: recent changes reload from the database).
    #[arg(long, env = "VEXIL_HUB_IDLE_SECONDS", default_value_t = 600)]
    pub hub_idle_seconds: u64,

    /// Serve the dashboard from this folder instead of the assets built into the binary.
    #[arg(long, env = "VEXIL_UI_DIR")]
    pub ui_dir: Option<PathBuf>,
}

/// Single sign-on for the dashboard through an OpenID Connect provider (authorization
/// code flow with PKCE). Off unless `VEXIL_OIDC_ISSUER` is set. See docs/operations.md.
#[derive(Debug, Clone, Args)]
pub struct OidcArgs {
    /// The provider's issuer URL; its discovery document is read from
    /// `<issuer>/.well-known/openid-configuration`. Setting it turns single sign-on on.
    #[arg(long = "oidc-issuer", env = "VEXIL_OIDC_ISSUER", requires_all = ["client_id", "redirect_url"])]
    pub issuer: Option<String>,

    /// The client id Vexil is registered with at the provider.
    #[arg(long = "oidc-client-id", env = "VEXIL_OIDC_CLIENT_ID")]
    pub client_id: Option<String>,

    /// The client secret (confidential clients); without it Vexil is a public client and
    /// relies on PKCE alone.
    #[arg(long = "oidc-client-secret", env = "VEXIL_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<Secret>,

    /// Where the provider sends browsers back: this server's public URL followed by
    /// `/api/v1/auth/oidc/callback`, exactly as registered at the provider.
    #[arg(long = "oidc-redirect-url", env = "VEXIL_OIDC_REDIRECT_URL")]
    pub redirect_url: Option<String>,

    /// Scopes to ask for, besides `openid` (comma-separated).
    #[arg(
        long = "oidc-scopes",
        env = "VEXIL_OIDC_SCOPES",
        value_delimiter = ',',
        default_value = "email,profile"
    )]
    pub scopes: Vec<String>,

    /// The name on the login page's button ("Log in with ...").
    #[arg(long = "oidc-provider-name", env = "VEXIL_OIDC_PROVIDER_NAME", default_value = "single sign-on")]
    pub provider_name: String,

    /// The claim that carries a user's groups or roles (a string or a list of strings;
    /// a dotted path such as `realm_access.roles` reaches into nested objects). When set,
    /// every login sets the user's role from it through `VEXIL_OIDC_ROLE_MAP`.
    #[arg(long = "oidc-role-claim", env = "VEXIL_OIDC_ROLE_CLAIM")]
    pub role_claim: Option<String>,

    /// Which claim values give which role: `value=role` pairs, comma-separated, e.g.
    /// `vexil-owners=owner,vexil-editors=editor`. A user with several gets the highest.
    #[arg(long = "oidc-role-map", env = "VEXIL_OIDC_ROLE_MAP", value_delimiter = ',')]
    pub role_map: Vec<String>,

    /// The role of a user whom the mapping gives none (or of every new user when no role
    /// claim is set): `viewer`, `editor`, `admin`, `owner`, or `none` to refuse them.
    #[arg(long = "oidc-default-role", env = "VEXIL_OIDC_DEFAULT_ROLE", default_value = "viewer")]
    pub default_role: String,

    /// Refuse password logins, except for the break-glass owner.
    #[arg(long = "oidc-sso-only", env = "VEXIL_OIDC_SSO_ONLY", default_value_t = false)]
    pub sso_only: bool,

    /// The one owner account that may still log in with its password when
    /// `VEXIL_OIDC_SSO_ONLY` is on (for when the provider is down). Single sign-on never
    /// links to this account.
    #[arg(long = "oidc-break-glass-email", env = "VEXIL_OIDC_BREAK_GLASS_EMAIL")]
    pub break_glass_email: Option<String>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// An absolute `http` or `https` URL without query or fragment, kept without its
/// trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// The URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PublicUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().trim_end_matches('/');
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(|| format!("{s:?} is not an http or https URL"))?;
        let host = rest.split('/').next().unwrap_or("");
        if host.is_empty()
            || rest.contains(['?', '#'])
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(format!("{s:?} is not an absolute URL without query or fragment"));
        }
        Ok(PublicUrl(s.to_owned()))
    }
}
