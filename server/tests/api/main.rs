//! The server's integration suite: every test runs against PostgreSQL and SQLite.

mod harness;

/// Declares each listed `async fn(TestApp)` as two tests, one per database.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_postgres() {
                    super::$name(crate::harness::TestApp::new(crate::harness::Db::Postgres).await).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_sqlite() {
                    super::$name(crate::harness::TestApp::new(crate::harness::Db::Sqlite).await).await;
                }
            }
        )*
    };
}
pub(crate) use on_both_databases;

mod audit;
mod auth;
mod bulk;
mod concurrency;
mod configs;
mod contract;
mod environments;
mod errors;
mod evaluate;
mod flag_search;
mod flags;
mod governance;
mod headers;
mod history;
mod idempotency;
mod listing;
mod metadata;
mod ofrep;
mod openapi;
mod operations;
mod patches;
mod races;
mod release_examples;
mod release_plans;
mod release_replicas;
mod rights;
mod roles;
mod round_trip;
mod schedule_replicas;
mod scopes;
mod sdk;
mod segments;
mod servable;
mod text;
mod ui;
mod webhooks;
