//! `vexil-sdk`: the Rust client of Vexil. It keeps an environment's flags in memory,
//! current through the server's event stream, and evaluates them locally with
//! `vexil-core`, the engine the server itself uses.
//!
//! ```no_run
//! use std::time::Duration;
//! use vexil_sdk::{Client, Context};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::builder("https://flags.example.com", std::env::var("VEXIL_SERVER_KEY")?)
//!         .persistence_path("/var/cache/myapp/flags.snapshot")
//!         .build()?;
//!     client.wait_until_ready_blocking(Duration::from_secs(5))?;
//!
//!     let user = Context::new("user-42").with("country", "DE").with("plan", "pro");
//!     if client.bool_value("new-checkout", &user, false) {
//!         client.track("checkout-completed", &user, 129.90);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! - **Evaluation** ([`Client::bool_value`] and friends) is local, lock-free and never
//!   fails: an unknown flag, a type mismatch or a client without data returns the
//!   default, and the `*_details` calls say why ([`Details`]). A [`FlagHandle`]
//!   ([`Client::flag`]) makes the same calls for one flag without the look-up by key.
//! - **Data flow**: a full load from `/sdk/v1/config`, then the `/sdk/v1/stream` event
//!   stream, resumed with `Last-Event-ID` after a disconnection; polling while the
//!   stream keeps failing. Work runs on a thread of the client's own, so the client
//!   needs no async runtime from its caller.
//! - **Resilience**: a bootstrap snapshot, an offline mode, a persistence file used when
//!   the server is unreachable at start, and a [`Status`] that says where the values
//!   come from ([`Status::Persisted`], [`Status::Bootstrap`]) and turns stale without
//!   contact. A flag the SDK cannot use evaluates to `ERROR` and the rest is served
//!   ([`Client::failures`]).
//! - **Start-up errors with their cause**: a refused key ends
//!   [`Client::wait_until_ready`] at once ([`WaitError::Unauthorized`]); a timeout
//!   carries the last failure ([`Error::transport_failure`]: refused connection, TLS...).
//! - **Networks**: the platform's trust store and Mozilla's roots plus extra CAs,
//!   client certificates, a proxy (or `HTTPS_PROXY`), extra headers, timeouts, or a
//!   ready-made `reqwest::Client` ([`ClientBuilder`]).
//! - **Events**: usage counts and custom metrics ([`Client::track`], which never fails,
//!   and [`Client::flush_blocking`]) are sent in the background, metrics with the
//!   variants of rollouts the context is in.
//! - **Hooks and listeners**: evaluation [`Hook`]s in OpenFeature's model, and
//!   [`Client::on_change`] for one flag's value for one context.
//! - **Tests of application code**: [`TestData`] builds a client with no server.
//! - **OpenFeature**: with the `openfeature` feature, `openfeature::VexilProvider`.
//!
//! Offline, from a bootstrap snapshot (no server needed):
//!
//! ```
//! use vexil_sdk::{Client, Context, Status};
//!
//! let snapshot = r#"{"environment": "production", "version": 7, "flags": [{
//!     "key": "theme", "kind": "string", "salt": "t1",
//!     "variants": [{"key": "light", "value": "light"}, {"key": "dark", "value": "dark"}],
//!     "config": {"enabled": true, "off_variant": "light", "default": {"variant": "dark"}}}]}"#;
//! let client = Client::builder("http://localhost:8080", "vx_srv_unused")
//!     .offline(true)
//!     .bootstrap_json(snapshot)
//!     .build()?;
//! assert_eq!(client.status(), Status::Offline);
//! assert_eq!(client.string_value("theme", &Context::new("user-1"), "light"), "dark");
//! # Ok::<(), vexil_sdk::BuildError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

/// The README's example is compiled as a documentation test, so it cannot go stale.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExample;

mod apply;
mod backoff;
mod builder;
mod client;
mod details;
mod error;
mod events;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod handle;
mod hooks;
mod listen;
mod loaded;
#[cfg(feature = "openfeature")]
pub mod openfeature;
mod persist;
mod shared;
mod sse;
mod status;
pub mod testdata;
mod transport;
mod usage;
mod worker;

pub use builder::{ClientBuilder, MAX_WATCHED_FLAGS};
pub use client::Client;
pub use details::{AllFlags, Details};
pub use error::{
    BuildError, Corruption, Error, FlushError, Foreign, PersistError, StreamError, TrackError,
    TransportFailure, WaitError,
};
pub use handle::FlagHandle;
pub use hooks::{EvaluationError, Hook, HookContext, HookError};
pub use listen::{ChangeListener, FlagValueChange};
pub use shared::FlagsChanged;
pub use status::{Stats, Status};
pub use testdata::TestData;
pub use vexil_core::wire::Application;

/// The calling crate's name and version (its `CARGO_PKG_NAME` and `CARGO_PKG_VERSION`),
/// for [`ClientBuilder::application`]:
///
/// ```
/// let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example")
///     .application(vexil_sdk::application!())
///     .offline(true)
///     .bootstrap_json(r#"{"environment": "production", "version": 1, "flags": []}"#)
///     .build()?;
/// # drop(client);
/// # Ok::<(), vexil_sdk::BuildError>(())
/// ```
#[macro_export]
macro_rules! application {
    () => {
        $crate::Application::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
    };
}
pub use vexil_core::{
    AttrValue, Context, ErrorCode, EvaluationRecord, Failure, FailureCause, FlagKind, Object, Op, ReasonKind,
    Segment, Snapshot, SnapshotFlag,
};
