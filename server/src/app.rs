//! The application: start-up (migrations, first owner, signing secret), the state
//! handlers share (`crate::state`), the router (`crate::http`) and serving with
//! graceful shutdown. Nothing else depends on this module.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use crate::auth::jwt::JwtKeys;
use crate::auth::oidc::{Oidc, OidcSettings};
use crate::auth::sdk_key::SdkKeys;
use crate::auth::{AuthState, LoginLimits, Role, password};
use crate::config::ServeArgs;
pub use crate::state::{AppParts, AppState, Settings};
use crate::store::{self, Actor, NewUser, SETUP_PENDING, Store, StoreOptions};
use crate::stream::sse::Ends;
use crate::stream::{AdminHub, HubSizes, Hubs, spawn_pg_listener};
use crate::telemetry;
use crate::usage::UsageBuffer;

/// Opens the database, applies migrations and prepares the first-start data.
pub async fn prepare(args: &ServeArgs, shutdown: CancellationToken) -> anyhow::Result<AppState> {
    let mut options = StoreOptions::new(args.database.database_url.expose());
    options.max_connections = args.database.database_max_connections;
    options.stale_after = Duration::from_secs(args.stale_after_days * 24 * 3600);
    options.audit_retention = args.audit_retention_days.map(|d| Duration::from_secs(d * 24 * 3600));
    options.describe = crate::http::error::stored_reason;
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
    let sso = single_sign_on(args)?;
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
    let sizes = HubSizes {
        ring: args.stream_ring_size.max(1),
        broadcast: args.stream_queue_size.max(1),
        idle: Duration::from_secs(args.hub_idle_seconds.max(1)),
    };
    let hubs = Hubs::new(store.clone(), sizes, shutdown.clone(), &epoch);
    let check_every = Duration::from_secs(args.version_check_seconds.max(1));
    hubs.follow_local_commits();
    hubs.check_versions_periodically(check_every);
    hubs.evict_idle_periodically();
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
    crate::webhooks::spawn(
        store.clone(),
        crate::webhooks::DeliverySettings {
            timeout: Duration::from_secs(args.webhook_timeout_seconds.max(1)),
            retry_base: Duration::from_millis(args.webhook_retry_base_ms.max(1)),
        },
        shutdown.clone(),
    )
    .context("building the webhook client")?;
    crate::scheduler::spawn(store.clone(), shutdown.clone());
    let prometheus = args
        .prometheus_url
        .as_deref()
        .map(crate::release::prometheus::Prometheus::new)
        .transpose()
        .context("building the Prometheus client")?;
    crate::release::runner::spawn(
        store.clone(),
        Duration::from_secs(args.release_plan_check_seconds.max(1)),
        prometheus,
        shutdown.clone(),
    );
    let usage = UsageBuffer::start(
        store.clone(),
        Duration::from_secs(args.usage_flush_seconds.max(1)),
        shutdown.clone(),
    );
    telemetry::spawn_metrics_upkeep(telemetry::metrics_handle(), shutdown.clone());
    crate::jobs::follow_ended_keys(
        store.clone(),
        sdk_keys.clone(),
        revoked.clone(),
        check_every,
        audit_written,
        shutdown.clone(),
    );
    Ok(AppState::new(AppParts {
        sdk_keys,
        store,
        auth,
        metrics: telemetry::metrics_handle(),
        shutdown: shutdown.clone(),
        hubs,
        settings: Arc::new(Settings {
            keepalive: Duration::from_secs(args.keepalive_seconds.max(1)),
            public_url: args.public_url.clone(),
            ofrep_stream_token_seconds: i64::try_from(args.ofrep_stream_token_seconds.clamp(1, 366 * 86_400))
                .unwrap_or(3600),
        }),
        usage,
        admin,
        ends: Ends { shutdown: shutdown.clone(), revoked },
        sso,
    }))
}

/// Single sign-on from `VEXIL_OIDC_*`, if configured. The provider's configuration is
/// read in the background: a provider that is down delays single sign-on, not the
/// flags (each login tries again).
fn single_sign_on(args: &ServeArgs) -> anyhow::Result<Option<Arc<Oidc>>> {
    let Some(settings) = OidcSettings::from_args(&args.oidc)? else {
        if args.oidc.sso_only {
            anyhow::bail!("VEXIL_OIDC_SSO_ONLY needs single sign-on: set VEXIL_OIDC_ISSUER");
        }
        return Ok(None);
    };
    if settings.sso_only && settings.break_glass_email.is_none() {
        tracing::warn!(
            "VEXIL_OIDC_SSO_ONLY is on without VEXIL_OIDC_BREAK_GLASS_EMAIL: nobody can log in with a password while the identity provider is down"
        );
    }
    let oidc = Arc::new(Oidc::new(settings).context("building the HTTP client for the identity provider")?);
    let first = oidc.clone();
    tokio::spawn(async move {
        if let Err(e) = first.metadata().await {
            tracing::warn!(oidc.issuer = %first.settings.issuer(), error = %e, "single sign-on is not ready yet; each login tries again");
        }
    });
    Ok(Some(oidc))
}

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
                    "\n  Vexil created the owner account {email} with the password:\n\n      {password}\n\n  It is shown only this once: open the dashboard and set up the owner account with it\n  (the set-up page asks for this password, then your email, name and a new password).\n"
                );
            }
            Ok(())
        }
        // Another replica created the first owner at the same time.
        Err(store::Error::Duplicate { constraint: store::Constraint::UserEmail }) => Ok(()),
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
    if args.idle_timeout_seconds <= args.keepalive_seconds {
        anyhow::bail!(
            "VEXIL_IDLE_TIMEOUT_SECONDS ({}) must be longer than VEXIL_KEEPALIVE_SECONDS ({}), or idle event streams would be closed",
            args.idle_timeout_seconds,
            args.keepalive_seconds
        );
    }
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
    let limits = crate::conn::Limits {
        header_read: Duration::from_secs(args.header_read_timeout_seconds.max(1)),
        body_read: Duration::from_secs(args.body_read_timeout_seconds.max(1)),
        idle: Duration::from_secs(args.idle_timeout_seconds.max(1)),
    };
    let server = tokio::spawn(crate::conn::serve(listener, app, limits, shutdown.clone()));
    shutdown.cancelled().await;
    if tokio::time::timeout(grace, server).await.is_err() {
        tracing::warn!(grace.seconds = grace.as_secs(), "drain time over; closing remaining connections");
    }
    // Counts of the last moments before the signal.
    state.usage.flush().await;
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
