//! SDK key authentication for `/sdk` and `/ofrep`: keys arrive on every evaluation
//! request, so lookups are cached briefly. A revocation drops the cached lookup at once
//! on every replica (the revoking one directly, the others when the audit notification
//! arrives; within the TTL if that notification is lost).

use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::http::header;
use dashmap::DashMap;

use super::secret;
use crate::store::{self, SdkKeyOwner, Store};

/// How long a lookup (found or not) is trusted.
pub const SDK_KEY_CACHE_TTL: Duration = Duration::from_secs(10);

/// Cached SDK key lookups, by secret hash.
#[derive(Debug)]
pub struct SdkKeys {
    store: Store,
    cache: DashMap<String, (Option<SdkKeyOwner>, Instant)>,
}

/// The SDK key a request carries: `Authorization: Bearer <key>` or `X-API-Key: <key>`.
pub fn presented_key(headers: &HeaderMap) -> Option<&str> {
    if let Some(v) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        let v = v.trim();
        if !v.is_empty() {
            return Some(v);
        }
    }
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl SdkKeys {
    /// An empty cache.
    pub fn new(store: Store) -> SdkKeys {
        SdkKeys { store, cache: DashMap::new() }
    }

    /// The live key with this secret, if any.
    pub async fn authenticate(&self, key: &str) -> Result<Option<SdkKeyOwner>, store::Error> {
        if !(key.starts_with(secret::SERVER_KEY_PREFIX) || key.starts_with(secret::CLIENT_KEY_PREFIX))
            || key.len() > 128
        {
            return Ok(None);
        }
        let hash = secret::hash(key);
        if let Some(entry) = self.cache.get(&hash) {
            let (owner, at) = entry.value();
            if at.elapsed() < SDK_KEY_CACHE_TTL && still_valid(owner.as_ref()) {
                return Ok(owner.clone());
            }
        }
        let owner = self.store.sdk_key_by_hash(&hash).await?;
        if self.cache.len() > 100_000 {
            // Unknown keys from a scanner must not grow the cache without bound.
            self.cache.retain(|_, (_, at)| at.elapsed() < SDK_KEY_CACHE_TTL);
        }
        self.cache.insert(hash, (owner.clone(), Instant::now()));
        Ok(owner)
    }

    /// Forgets every key of an environment at once (after its deletion on this replica).
    pub fn forget_environment(&self, environment_id: i64) {
        self.cache.retain(|_, (owner, _)| owner.as_ref().is_none_or(|o| o.environment_id != environment_id));
    }

    /// Forgets a key at once (after a revocation on this replica).
    pub fn forget(&self, key_id: &str) {
        self.cache.retain(|_, (owner, _)| owner.as_ref().is_none_or(|o| o.key_id != key_id));
    }
}

fn still_valid(owner: Option<&SdkKeyOwner>) -> bool {
    owner.and_then(|o| o.expires_at).is_none_or(|t| t > store::Timestamp::now())
}

/// A request authenticated by a live SDK key (server or client).
#[derive(Debug, Clone)]
pub struct SdkClient(pub SdkKeyOwner);

/// A request authenticated by a live server SDK key.
#[derive(Debug, Clone)]
pub struct ServerSdk(pub SdkKeyOwner);

impl<S> axum::extract::FromRequestParts<S> for SdkClient
where
    S: Send + Sync,
    std::sync::Arc<SdkKeys>: axum::extract::FromRef<S>,
{
    type Rejection = super::AuthError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRef;
        let Some(key) = presented_key(&parts.headers) else {
            return Err(super::AuthError::NoSdkKey);
        };
        let keys = std::sync::Arc::<SdkKeys>::from_ref(state);
        match keys.authenticate(key).await? {
            Some(owner) => Ok(SdkClient(owner)),
            None => Err(super::AuthError::UnknownSdkKey),
        }
    }
}

impl<S> axum::extract::FromRequestParts<S> for ServerSdk
where
    S: Send + Sync,
    std::sync::Arc<SdkKeys>: axum::extract::FromRef<S>,
{
    type Rejection = super::AuthError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let SdkClient(owner) = SdkClient::from_request_parts(parts, state).await?;
        if owner.kind != store::SdkKeyKind::Server {
            return Err(super::AuthError::ClientKeyOnServerRoute);
        }
        Ok(ServerSdk(owner))
    }
}
