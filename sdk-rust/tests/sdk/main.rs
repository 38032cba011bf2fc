//! Integration tests of the SDK: a real `vexil` server on PostgreSQL (build it first:
//! `cargo build -p vexil-server`; PostgreSQL from `DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`), a fake server for data the real one
//! never sends, and offline mode.

mod axum_handler;
mod fake;
mod faults;
mod handles;
mod live;
mod network;
mod offline;
#[cfg(feature = "openfeature")]
mod one_context;
#[cfg(feature = "openfeature")]
mod openfeature;
mod release_plan;
mod resilience;
mod support;
mod testing;
