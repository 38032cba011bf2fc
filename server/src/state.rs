//! The state handlers share, and the parts of it each router takes (axum substates,
//! through [`FromRef`]). Its own module so that the HTTP layer depends on it and not on
//! the application that builds it (`crate::app`).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio_util::sync::CancellationToken;

use crate::auth::AuthState;
use crate::auth::oidc::Oidc;
use crate::auth::sdk_key::SdkKeys;
use crate::config::PublicUrl;
use crate::store::Store;
use crate::stream::sse::Ends;
use crate::stream::{AdminHub, Hubs};
use crate::usage::UsageBuffer;

/// Everything handlers share. Cheap to clone: one reference count, as the router clones
/// it for every request.
#[derive(Debug, Clone)]
pub struct AppState(Arc<AppParts>);

impl AppState {
    /// Shares the parts.
    pub fn new(parts: AppParts) -> AppState {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// What an [`AppState`] shares.
#[derive(Debug)]
pub struct AppParts {
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
    /// Single sign-on, when configured.
    pub sso: Option<Arc<Oidc>>,
    /// Usage counted by the server itself (OFREP evaluations), written in batches.
    pub usage: Arc<UsageBuffer>,
}

/// Runtime settings read by handlers.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Keep-alive comment interval on event streams.
    pub keepalive: Duration,
    /// The address clients reach this server at, if configured.
    pub public_url: Option<PublicUrl>,
    /// Lifetime unit of OFREP event-stream URLs, in seconds.
    pub ofrep_stream_token_seconds: i64,
}

/// `FromRef<AppState>` for parts that are fields of it, so that a router generic over
/// its state names only the parts its handlers take.
macro_rules! parts {
    ($($field:ident: $part:ty),* $(,)?) => {
        $(impl FromRef<AppState> for $part {
            fn from_ref(s: &AppState) -> $part {
                s.$field.clone()
            }
        })*
    };
}

parts! {
    store: Store,
    auth: Arc<AuthState>,
    metrics: PrometheusHandle,
    shutdown: CancellationToken,
    hubs: Arc<Hubs>,
    sdk_keys: Arc<SdkKeys>,
    settings: Arc<Settings>,
    admin: Arc<AdminHub>,
    ends: Ends,
    sso: Option<Arc<Oidc>>,
    usage: Arc<UsageBuffer>,
}
