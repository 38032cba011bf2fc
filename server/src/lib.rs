//! `vexil-server`: the Vexil HTTP service. `main.rs` only parses the command line and
//! calls [`app::serve`], [`migrate`], [`reset_password`] or [`healthcheck`].
#![forbid(unsafe_code)]

pub mod app;
pub mod ascode;
pub mod auth;
pub mod cli;
pub mod config;
pub mod conn;
pub mod http;
pub mod jobs;
pub mod release;
pub mod role;
pub mod scheduler;
pub mod secret;
pub mod state;
pub mod store;
pub mod stream;
pub mod telemetry;
pub mod usage;
pub mod webhooks;

#[cfg(test)]
mod layers;

/// `vexil users reset-password EMAIL`: gives the user a generated password, prints it
/// once on standard output, and ends the user's sessions.
pub async fn reset_password(email: &str, args: &config::DatabaseArgs) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let mut options = store::StoreOptions::new(args.database_url.expose());
    options.max_connections = 1;
    let store = store::Store::connect(&options).await?;
    store.migrate().await?;
    let password = auth::secret::generate("").secret[..24].to_owned();
    let hash = tokio::task::spawn_blocking({
        let password = password.clone();
        move || auth::password::hash(&password)
    })
    .await?
    .context("hashing the new password")?;
    let actor = store::Actor("cli:users reset-password".to_owned());
    let user = match store.reset_password(&actor, email, hash).await {
        Ok(user) => user,
        Err(store::Error::NotFound(_)) => {
            anyhow::bail!(
                "no user has the email {email:?} in {}",
                store::redact_url(args.database_url.expose())
            )
        }
        Err(e) => return Err(e.into()),
    };
    let disabled = if user.disabled {
        "\n  The account is disabled: an admin must enable it before it can log in.\n"
    } else {
        ""
    };
    let shown = cli::output::write_out(&format!(
        "\n  New password for {}:\n\n      {password}\n\n  It is shown only this once. Log in and change it.{disabled}\n  Their open sessions have ended.\n\n",
        user.email
    ));
    // Unlike a listing, the password matters: a closed output is no quiet end here.
    shown.map_err(|e| anyhow::anyhow!("the new password could not be shown ({e}); run the command again"))
}

/// `vexil migrate`: applies pending migrations, starts a new change history if the
/// database is a restored copy (or `--new-history` asks), and exits.
pub async fn migrate(args: &config::MigrateArgs) -> anyhow::Result<()> {
    telemetry::init_tracing(config::LogFormat::Pretty);
    let mut options = store::StoreOptions::new(args.database.database_url.expose());
    options.max_connections = 1;
    let store = store::Store::connect(&options).await?;
    store.migrate().await?;
    tracing::info!(database.backend = ?store.backend(), "migrations applied");
    let restored = store.detect_restore().await?;
    if args.new_history {
        let actor = store::Actor("cli:migrate --new-history".to_owned());
        let epoch = store.renew_history(&actor, "asked for on the command line").await?;
        tracing::info!(history.epoch = %epoch, "a new change history starts: clients get fresh snapshots");
    } else if restored {
        tracing::warn!(
            history.epoch = %store.history_epoch().await?,
            "this database is another copy than the last time (restored from a backup?): a new change \
             history starts, and clients get fresh snapshots"
        );
    }
    Ok(())
}

/// `vexil healthcheck`: `GET /readyz` on the local server; `Ok` if it answers 200
/// (`ready` or `degraded`), otherwise an error that says what it got.
pub async fn healthcheck(args: &config::HealthcheckArgs) -> anyhow::Result<()> {
    let url = format!("http://{}/readyz", local_address(args.listen));
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(args.timeout_seconds.max(1)))
        .build()?;
    let response = client.get(&url).send().await.map_err(|e| anyhow::anyhow!("{url}: {e}"))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    anyhow::ensure!(status.is_success(), "{url} answered {status}: {body}");
    // Through the client commands' writer: `vexil healthcheck | head -c0` ends quietly.
    cli::output::write_out(&format!("{body}\n"))?;
    Ok(())
}

/// Where a client on this host reaches a server listening on `listen`: the loopback
/// address of the same family when the server listens on all addresses.
pub fn local_address(listen: std::net::SocketAddr) -> std::net::SocketAddr {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, listen.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, listen.port()).into(),
        _ => listen,
    }
}

#[cfg(test)]
mod tests {
    use super::local_address;

    #[test]
    fn a_server_on_every_address_is_checked_on_loopback_of_the_same_family() {
        let at = |s: &str| local_address(s.parse().unwrap()).to_string();
        assert_eq!(at("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(at("[::]:9000"), "[::1]:9000");
        assert_eq!(at("10.1.2.3:8080"), "10.1.2.3:8080");
        assert_eq!(at("[fe80::1]:8080"), "[fe80::1]:8080");
    }
}
