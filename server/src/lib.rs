//! `vexil-server`: the Vexil HTTP service. `main.rs` only parses the command line and
//! calls [`app::serve`] or [`migrate`].
#![forbid(unsafe_code)]

pub mod app;
pub mod auth;
pub mod config;
pub mod http;
pub mod jobs;
pub mod store;
pub mod stream;
pub mod telemetry;

/// `vexil migrate`: applies pending migrations and exits.
pub async fn migrate(args: &config::DatabaseArgs) -> anyhow::Result<()> {
    telemetry::init_tracing(config::LogFormat::Pretty);
    let mut options = store::StoreOptions::new(args.database_url.expose());
    options.max_connections = 1;
    let store = store::Store::connect(&options).await?;
    store.migrate().await?;
    tracing::info!(database.backend = ?store.backend(), "migrations applied");
    Ok(())
}
