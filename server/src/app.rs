//! The application: shared state, start-up (migrations, first owner, signing secret)
//! and serving with graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::FromRef;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio_util::sync::CancellationToken;

use crate::auth::jwt::JwtKeys;
use crate::auth::sdk_key::SdkKeys;
use crate::auth::{AuthState, LoginLimits, Role, password};
use crate::config::ServeArgs;
use crate::store::{self, Actor, NewUser, Store, StoreOptions};
use crate::stream::sse::Ends;
use crate::stream::{AdminHub, HubSizes, Hubs, spawn_pg_listener};
use crate::telemetry;

/// Everything handlers share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Login tokens and limits.
    pub auth: Arc<AuthState>,
    /// Prometheus metrics.
    pub metrics: PrometheusHandle,
    /// Cancelled when the server shuts down; long-lived responses end on it.
    pub shutdown: CancellationToken,
    /// Live per-environment snapshots and change broadcasts.
    pub hubs: Arc<Hubs>,
    /// SDK key lookups.
    pub sdk_keys: Arc<SdkKeys>,
    /// Settings handlers need.
    pub settings: Arc<Settings>,
    /// The dashboard's live audit stream.
    pub admin: Arc<AdminHub>,
    /// What ends streams: shutdown and revoked SDK keys.
    pub ends: Ends,
}

/// Runtime settings read by handlers.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Keep-alive comment interval on event streams.
    pub keepalive: Duration,
}

impl FromRef<AppState> for Store {
    fn from_ref(s: &AppState) -> Store {
        s.store.clone()
    }
}

impl FromRef<AppState> for Arc<SdkKeys> {
    fn from_ref(s: &AppState) -> Arc<SdkKeys> {
        s.sdk_keys.clone()
    }
}

impl FromRef<AppState> for Arc<AuthState> {
    fn from_ref(s: &AppState) -> Arc<AuthState> {
        s.auth.clone()
    }
}

/// Opens the database, applies migrations and prepares the first-start data.
pub async fn prepare(args: &ServeArgs, shutdown: CancellationToken) -> anyhow::Result<AppState> {
    let mut options = StoreOptions::new(args.database.database_url.expose());
    options.max_connections = args.database.database_max_connections;
    options.stale_after = Duration::from_secs(args.stale_after_days * 24 * 3600);
    let store = Store::connect(&options).await?;
    store.migrate().await?;
    store.backfill_regex_bytes().await.context("recording the size of stored regular expressions")?;
    if store.backend() == store::Backend::Sqlite {
        tracing::info!(
            database.backend = "sqlite",
            "using embedded SQLite: a single replica; point VEXIL_DATABASE_URL at PostgreSQL to run several"
        );
    }
    store.ensure_default_project().await.context("creating the default project")?;
    ensure_owner(&store, args).await?;
    let secret = match &args.jwt_secret {
        Some(s) if s.expose().len() >= 32 => s.expose().to_owned(),
        Some(_) => anyhow::bail!("VEXIL_JWT_SECRET must be at least 32 characters"),
        None => store
            .setting_or_insert("jwt_secret", || crate::auth::secret::generate("").secret)
            .await
            .context("reading the token signing secret")?,
    };
    let max = args.login_max_failures.max(1) as i64;
    let auth = Arc::new(AuthState {
        keys: JwtKeys::new(secret.as_bytes()),
        session_ttl: Duration::from_secs(args.session_ttl_minutes.max(1) * 60),
        login_limits: LoginLimits { per_account: max, per_address: max * 4 },
    });
    if store.detect_restore().await.context("checking the database's history")? {
        tracing::warn!(
            "this database is another copy than the last time (restored from a backup?): a new history \
             starts, and every SDK and stream client gets a fresh snapshot"
        );
    }
    let epoch = store.history_epoch().await.context("reading the history epoch")?;
    let sizes = HubSizes { ring: args.stream_ring_size.max(1), broadcast: args.stream_queue_size.max(1) };
    let hubs = Hubs::new(store.clone(), sizes, shutdown.clone(), &epoch);
    let check_every = Duration::from_secs(args.version_check_seconds.max(1));
    hubs.follow_local_commits();
    hubs.check_versions_periodically(check_every);
    let admin = AdminHub::start(store.clone(), shutdown.clone()).await?;
    let audit_written = Arc::new(tokio::sync::Notify::new());
    if store.backend() == store::Backend::Postgres {
        spawn_pg_listener(
            args.database.database_url.expose().to_owned(),
            hubs.clone(),
            admin.clone(),
            audit_written.clone(),
            shutdown.clone(),
        );
    }
    let (revoked, _) = tokio::sync::broadcast::channel(1024);
    let sdk_keys = Arc::new(SdkKeys::new(store.clone()));
    crate::jobs::spawn(store.clone(), shutdown.clone());
    telemetry::spawn_metrics_upkeep(telemetry::metrics_handle(), shutdown.clone());
    crate::jobs::follow_ended_keys(
        store.clone(),
        sdk_keys.clone(),
        revoked.clone(),
        check_every,
        audit_written,
        shutdown.clone(),
    );
    Ok(AppState {
        sdk_keys,
        store,
        auth,
        metrics: telemetry::metrics_handle(),
        shutdown: shutdown.clone(),
        hubs,
        settings: Arc::new(Settings { keepalive: Duration::from_secs(args.keepalive_seconds.max(1)) }),
        admin,
        ends: Ends { shutdown: shutdown.clone(), revoked },
    })
}

/// Setting naming the generated owner account not yet claimed.
pub const SETUP_PENDING: &str = "setup_pending_user";

/// Creates the first owner when there are no users: from `VEXIL_ADMIN_EMAIL` /
/// `VEXIL_ADMIN_PASSWORD`, or with a generated password printed once to standard error
/// (never to the log).
async fn ensure_owner(store: &Store, args: &ServeArgs) -> anyhow::Result<()> {
    if store.count_users().await? > 0 {
        return Ok(());
    }
    let email = args.admin_email.clone().unwrap_or_else(|| "admin@localhost".to_owned());
    let (password, generated) = match &args.admin_password {
        Some(p) => (p.expose().to_owned(), false),
        None => (crate::auth::secret::generate("").secret[..24].to_owned(), true),
    };
    let hash = tokio::task::spawn_blocking({
        let password = password.clone();
        move || password::hash(&password)
    })
    .await?
    .context("VEXIL_ADMIN_PASSWORD")?;
    let new =
        NewUser { email: email.clone(), name: "Owner".to_owned(), password_hash: hash, role: Role::Owner };
    match store.create_user(&Actor::system(), new).await {
        Ok(user) => {
            tracing::info!(user.email = %email, "created the first owner");
            if generated {
                // Until someone claims it (dashboard first-run set-up, or a password
                // change), the account counts as not set up.
                store.set_setting(SETUP_PENDING, &user.id).await?;
                eprintln!(
                    "\n  Vexil created the owner account {email} with the password:\n\n      {password}\n\n  It is shown only this once. Log in and change it.\n"
                );
            }
            Ok(())
        }
        // Another replica created the first owner at the same time.
        Err(store::Error::Conflict { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Waits for SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Runs the server until a signal, then drains within the grace period.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    telemetry::init_tracing(args.log_format);
    let shutdown = CancellationToken::new();
    let state = prepare(&args, shutdown.clone()).await?;
    let listener = bind(args.listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!(listen.address = %addr, "vexil is listening");
    let app = crate::http::router(state.clone(), &args);
    let grace = Duration::from_secs(args.shutdown_grace_seconds);
    let signal_token = shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: ending streams and draining requests");
        signal_token.cancel();
    });
    let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown.clone().cancelled_owned());
    let server = tokio::spawn(async move { server.await });
    shutdown.cancelled().await;
    match tokio::time::timeout(grace, server).await {
        Ok(result) => result??,
        Err(_) => {
            tracing::warn!(grace.seconds = grace.as_secs(), "drain time over; closing remaining connections");
        }
    }
    state.store.pool().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Binds with a large accept backlog: thousands of SDKs reconnect at once after a
/// restart, and the default backlog would drop their connections.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    let socket =
        if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr).with_context(|| format!("binding {addr}"))?;
    Ok(socket.listen(4096)?)
}
