//! All SQL lives here. One `Store` serves PostgreSQL and SQLite through sqlx's `Any`
//! driver: the queries are written once in the subset both understand (`$n`
//! placeholders, `returning`, bigint times and 0/1 booleans, JSON as text), and the
//! few places where the two differ switch on [`Backend`]. See
//! `docs/decisions/0002-one-store-two-databases.md`.
//!
//! Every write runs in one transaction with its audit entry, its change-feed rows and
//! the environment version bumps; callers never see a half-applied change. The
//! sequence (lock, check, feed, audit, commit, announce) is owned by [`pipeline`].

mod audit;
mod bulk;
mod change_requests;
mod changes;
mod code_refs;
mod environments;
mod error;
mod filter;
mod flag_metadata;
mod flag_rules;
mod flag_writes;
mod flags;
mod history;
mod idempotency;
mod login_attempts;
mod metrics;
mod pipeline;
mod projects;
mod release_plans;
mod scheduled;
mod sdk_keys;
mod segments;
mod servable;
mod settings;
mod snapshot;
mod sso;
mod tokens;
mod usage;
mod users;
mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Row, Transaction};
use tokio::sync::broadcast;

pub use audit::{ADMIN_ONLY_AUDIT_TYPES, AUDIT_CHANNEL, AuditEntry, AuditFilter, AuditNotice};
pub use bulk::{BulkToggleResult, CloneResult, CopyOutcome, FlagSelector, MAX_BULK_FLAGS};
pub use change_requests::{
    Approval, Caller, ChangeRequest, ChangeRequestDiff, ChangeRequestState, Comment, NewChangeRequest,
};
pub use changes::{Change, ChangeKind, Committed, NOTIFY_CHANNEL};
pub use code_refs::{
    CodeLocation, CodeRefsScan, CodeRefsUpload, FlagCodeReferences, KeyTotal, MAX_CODE_REF_KEYS,
    MAX_CODE_REF_LOCATIONS, MAX_CODE_REF_NAME_CHARS, MAX_CODE_REF_PATH_BYTES, ProjectCodeReferences,
    RepositoryReferences, UploadedKey,
};
pub use environments::{Environment, EnvironmentPatch, MAX_REQUIRED_APPROVALS, NewEnvironment};
pub use error::{Conflict, Constraint, Error, Missing, Refusal, Result};
pub use flag_metadata::{
    FlagLink, FlagMetadata, LinkKind, MAX_LINK_TITLE_CHARS, MAX_LINK_URL_BYTES, MAX_LINKS, MAX_OWNER_CHARS,
    MAX_PROPERTIES, MAX_PROPERTY_NAME_CHARS, MAX_PROPERTY_VALUE_CHARS,
};
pub use flag_writes::{FlagPatch, NewFlag};
pub use flags::{FlagConfigRecord, FlagFilter, FlagRecord, FlagSort, FlagState};
pub use idempotency::{IDEMPOTENCY_TTL_MS, IdempotentAnswer};
pub use login_attempts::AttemptCount;
pub use metrics::{EventReadout, MAX_METRIC_HOURS, MetricPoint, MetricReadout, VariantMetric};
pub use projects::{DEFAULT_ENVIRONMENTS, NewProject, Project, ProjectPatch};
pub use release_plans::{PlanAction, ReleasePlan};
pub use scheduled::{
    LATE_AFTER_MS, NewScheduledChange, ScheduledChange, ScheduledChangePatch, ScheduledState,
};
pub use sdk_keys::{NewSdkKey, SdkKey, SdkKeyKind, SdkKeyOwner, SdkKeySpec};
pub use segments::{SegmentBody, SegmentRecord};
pub use settings::SETUP_PENDING;
pub use sso::SsoLogin;
pub use tokens::{ApiToken, ApiTokenSpec, NewApiToken, TokenOwner};
pub use usage::{
    APPLICATION_RETENTION_DAYS, ApplicationSeen, HOUR_RETENTION_DAYS, MAX_APPLICATIONS_LISTED,
    METRIC_RETENTION_DAYS, MINUTE_RETENTION_HOURS, MetricKey, MetricSums, UsageKey, UsageSeries,
};
pub use users::{NewUser, User, UserPatch};
pub use webhooks::{
    AttemptOutcome, ClaimedDelivery, Delivery, DeliveryStatus, Event, EventCategory, NewWebhook, Webhook,
    WebhookPatch, check_url,
};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// PostgreSQL: production, several replicas.
    Postgres,
    /// SQLite: the embedded default, one replica.
    Sqlite,
}

/// Handle to the database. Cheap to clone: one reference count (handlers take it per
/// request).
#[derive(Debug, Clone)]
pub struct Store(std::sync::Arc<StoreInner>);

/// What a [`Store`] shares; its methods reach the fields through `Deref`.
#[derive(Debug)]
pub struct StoreInner {
    pool: AnyPool,
    backend: Backend,
    committed: broadcast::Sender<Committed>,
    /// Counts commits of this process: the admin stream wakes on it to read new audit rows.
    writes: tokio::sync::watch::Sender<u64>,
    stale_after_ms: i64,
    /// Audit entries older than this are deleted by housekeeping; `None` keeps them.
    audit_retention_ms: Option<i64>,
    /// The database file (SQLite), for the history fingerprint.
    sqlite_file: Option<std::path::PathBuf>,
    /// Wakes this process's scheduler when a scheduled change is created or edited.
    schedules: std::sync::Arc<tokio::sync::Notify>,
    /// Words a stale change's error for a stored `reason` (see [`StoreOptions::describe`]).
    describe: Describe,
}

impl std::ops::Deref for Store {
    type Target = StoreInner;

    fn deref(&self) -> &StoreInner {
        &self.0
    }
}

/// Words a store error as one sentence for a client to read.
pub type Describe = fn(&Error) -> String;

/// Who made a change, as recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    /// The server itself (start-up tasks).
    pub fn system() -> Actor {
        Actor("system".to_owned())
    }
}

/// Milliseconds since the Unix epoch, serialised as an RFC 3339 string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

/// An RFC 3339 string in the OpenAPI document.
impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .into()
    }
}

impl utoipa::ToSchema for Timestamp {}

impl Timestamp {
    /// Now.
    pub fn now() -> Timestamp {
        let now = time::OffsetDateTime::now_utc();
        Timestamp((now.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    /// As a date-time.
    pub fn to_datetime(self) -> time::OffsetDateTime {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }

    /// RFC 3339, millisecond precision.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| self.0.to_string())
    }

    /// Parses RFC 3339.
    pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(|t| Timestamp((t.unix_timestamp_nanos() / 1_000_000) as i64))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

/// How to open the database.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `postgres://...` or `sqlite://path` (created if missing).
    pub url: String,
    /// Maximum pooled connections.
    pub max_connections: u32,
    /// How long to wait for a connection.
    pub acquire_timeout: Duration,
    /// Flags not evaluated for this long are reported stale.
    pub stale_after: Duration,
    /// How long audit entries are kept (`None`: forever).
    pub audit_retention: Option<Duration>,
    /// Words the error that made a change request, a scheduled change or a release
    /// plan's step no longer apply, for its stored `reason`. The application sets the
    /// HTTP layer's wording, so that a stored reason reads as the problem document of
    /// the same error would; the default is the error's technical `Display`.
    pub describe: Describe,
}

impl StoreOptions {
    /// Defaults for a URL.
    pub fn new(url: impl Into<String>) -> StoreOptions {
        StoreOptions {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            stale_after: Duration::from_secs(7 * 24 * 3600),
            audit_retention: None,
            describe: |e| e.to_string(),
        }
    }
}

/// Which backend a URL selects, if any.
pub fn backend_of(url: &str) -> Option<Backend> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Backend::Postgres)
    } else if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else {
        None
    }
}

impl Store {
    /// Connects (creating a SQLite file if needed). Does not migrate.
    pub async fn connect(options: &StoreOptions) -> anyhow::Result<Store> {
        use anyhow::Context as _;
        sqlx::any::install_default_drivers();
        let backend = backend_of(&options.url).with_context(|| {
            format!(
                "unsupported database URL {:?}: use postgres://... or sqlite://path",
                redact_url(&options.url)
            )
        })?;
        let mut sqlite_file = None;
        let pool = match backend {
            Backend::Sqlite => {
                // SQLite options go through the native type (create the file, WAL, a busy
                // timeout so that writers queue instead of failing) and then to `Any`.
                let native = sqlx::sqlite::SqliteConnectOptions::from_str(&options.url)
                    .with_context(|| format!("invalid SQLite URL {:?}", options.url))?
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                sqlite_file = Some(native.get_filename().to_owned());
                let any = AnyConnectOptions::from_url(&native.to_url_lossy())
                    .context("converting SQLite options")?;
                AnyPoolOptions::new()
                    // SQLite has one writer; more connections only hold more cache.
                    .max_connections(options.max_connections.min(4))
                    .acquire_timeout(options.acquire_timeout)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // Not carried by the URL: set on every connection.
                            sqlx::query("pragma foreign_keys = on").execute(&mut *conn).await?;
                            sqlx::query("pragma busy_timeout = 10000").execute(&mut *conn).await?;
                            sqlx::query("pragma journal_mode = wal").execute(&mut *conn).await?;
                            // 8 MiB of page cache per connection (at most four): the hot
                            // data lives in the hubs, but an admin search over 50,000 flags
                            // thrashed a 1 MiB cache (decision 0035). All of SQLite's memory
                            // together is held to about 16 MiB (the limit is the library's,
                            // for the process; the build recycles pages across connections):
                            // four full caches were up to 32 MiB of a server's resident
                            // memory, kept after any burst of writes (decision 0044).
                            sqlx::query("pragma cache_size = -8192").execute(&mut *conn).await?;
                            sqlx::query("pragma soft_heap_limit = 16777216").execute(&mut *conn).await?;
                            Ok(())
                        })
                    })
                    .connect_with(any)
                    .await
                    .with_context(|| format!("opening SQLite database {:?}", options.url))?
            }
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect(&options.url)
                .await
                .with_context(|| format!("connecting to PostgreSQL at {}", redact_url(&options.url)))?,
        };
        let (committed, _) = broadcast::channel(4096);
        let (writes, _) = tokio::sync::watch::channel(0);
        Ok(Store(std::sync::Arc::new(StoreInner {
            pool,
            backend,
            committed,
            writes,
            stale_after_ms: options.stale_after.as_millis() as i64,
            audit_retention_ms: options.audit_retention.map(|d| d.as_millis() as i64),
            sqlite_file,
            schedules: std::sync::Arc::new(tokio::sync::Notify::new()),
            describe: options.describe,
        })))
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        use anyhow::Context as _;
        match self.backend {
            Backend::Postgres => sqlx::migrate!("../migrations/postgres").run(&self.pool).await,
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").run(&self.pool).await,
        }
        .context("applying database migrations")
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How long audit entries are kept (`None`: forever).
    pub fn audit_retention(&self) -> Option<Duration> {
        self.audit_retention_ms.map(|ms| Duration::from_millis(ms as u64))
    }

    /// The pool, for the few callers outside this module that need raw access (health
    /// checks, tests).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Notified when a scheduled change was created or edited through this store, so
    /// that the scheduler looks again before its next tick.
    pub fn scheduler_wake(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.schedules.clone()
    }

    fn wake_scheduler(&self) {
        self.schedules.notify_one();
    }

    /// Subscribes to committed changes made through this store (this process only).
    pub fn subscribe(&self) -> broadcast::Receiver<Committed> {
        self.committed.subscribe()
    }

    /// A receiver that changes after every commit made through this store.
    pub fn watch_writes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.writes.subscribe()
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Pool size and idle connections, for metrics.
    pub fn pool_usage(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Begins a transaction that only reads (a consistent view, no write lock).
    async fn begin_read(&self) -> Result<Transaction<'static, Any>> {
        Ok(self.pool.begin().await?)
    }
}

/// Hides the password of a database URL, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &userinfo[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn to_bool(v: i64) -> bool {
    v != 0
}

fn from_bool(b: bool) -> i64 {
    i64::from(b)
}

fn json_text<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Internal(format!("serialising a document: {e}")))
}

fn from_json_text<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| Error::Internal(format!("stored {what} is not valid: {e}")))
}

fn get<T>(row: &sqlx::any::AnyRow, column: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get(column).map_err(Error::from)
}

/// Locks a project for writing and returns its id: [`pipeline::Write::lock_project`].
async fn lock_project(tx: &mut pipeline::Write, project: &str) -> Result<i64> {
    tx.lock_project(project).await
}

/// A cursor-paginated list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// This page's items.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub next_cursor: Option<String>,
}

/// Refuses a key that is not a valid slug, as a validation problem at `pointer`.
fn check_key(pointer: &str, key: &str) -> Result<()> {
    if vexil_core::validate::is_valid_key(key) {
        Ok(())
    } else {
        Err(Error::invalid(
            pointer,
            format!(
                "{key:?} is not a valid key: use 1 to 64 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit"
            ),
        ))
    }
}

/// Compares an `If-Match` version with the current one; `None` means unconditional.
fn check_version(expected: Option<i64>, current: i64) -> Result<()> {
    match expected {
        Some(v) if v != current => Err(Error::VersionMismatch { current }),
        _ => Ok(()),
    }
}
