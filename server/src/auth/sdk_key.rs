//! SDK key authentication for `/sdk` and `/ofrep`: keys arrive on every evaluation
//! request, so lookups are cached briefly. A revocation drops the cached lookup at once
//! on every replica (the revoking one directly, the others when the audit notification
//! arrives; within the TTL if that notification is lost).
//!
//! The cache is found by a keyed 64-bit hash of the presented secret (SipHash with a
//! key drawn at start, so nobody outside can aim keys at one entry), not by the
//! SHA-256 stored in the database: a cached request costs one short SipHash instead of
//! a SHA-256 and its hex encoding. The entry keeps the secret it was made for and
//! compares it with the presented one in constant time, so a hash collision is only a
//! cache miss and the comparison leaks nothing about the secret.

use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::http::header;
use dashmap::DashMap;

use super::secret;
use crate::store::{self, SdkKeyOwner, Store};

/// How long a lookup (found or not) is trusted.
pub const SDK_KEY_CACHE_TTL: Duration = Duration::from_secs(10);

/// Cached SDK key lookups, by keyed hash of the presented secret.
#[derive(Debug)]
pub struct SdkKeys {
    store: Store,
    /// Keys the cache's hash (random per process). foldhash rather than the standard
    /// library's SipHash: a lookup on every SDK request hashed a 40-byte secret in about
    /// 320 instructions. Nobody outside sees the hash, and a collision costs a database
    /// lookup, never a wrong answer (the secret itself is compared).
    hasher: foldhash::quality::RandomState,
    /// By that hash, itself random, so the map's own hash of it is a multiply.
    cache: DashMap<u64, Cached, rustc_hash::FxBuildHasher>,
    /// Counts forgets, so that a lookup that read the database before a revocation
    /// and finishes after it does not cache the revoked key again.
    forgets: std::sync::atomic::AtomicU64,
}

/// One cached lookup.
struct Cached {
    /// The secret this entry is for (compared in constant time on every hit).
    secret: Box<[u8]>,
    /// The key, or `None` for a secret that matched no live key.
    owner: Option<Arc<SdkKeyOwner>>,
    at: Instant,
}

impl std::fmt::Debug for Cached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("Cached").field("owner", &self.owner).field("at", &self.at).finish_non_exhaustive()
    }
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
        SdkKeys {
            store,
            hasher: foldhash::quality::RandomState::default(),
            cache: DashMap::with_hasher(rustc_hash::FxBuildHasher),
            forgets: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The live key with this secret, if any. Shared, not copied: a cached request
    /// allocates nothing.
    ///
    /// # Errors
    /// The database failed while looking up a secret not in the cache.
    pub async fn authenticate(&self, key: &str) -> Result<Option<Arc<SdkKeyOwner>>, store::Error> {
        if !(key.starts_with(secret::SERVER_KEY_PREFIX) || key.starts_with(secret::CLIENT_KEY_PREFIX))
            || key.len() > 128
        {
            return Ok(None);
        }
        let slot = self.hasher.hash_one(key.as_bytes());
        if let Some(entry) = self.cache.get(&slot) {
            let same = bool::from(subtle::ConstantTimeEq::ct_eq(&entry.secret[..], key.as_bytes()));
            if same && entry.at.elapsed() < SDK_KEY_CACHE_TTL && still_valid(entry.owner.as_deref()) {
                return Ok(entry.owner.clone());
            }
        }
        let forgets = self.forgets.load(std::sync::atomic::Ordering::Acquire);
        let owner = self.store.sdk_key_by_hash(&secret::hash(key)).await?.map(Arc::new);
        if self.forgets.load(std::sync::atomic::Ordering::Acquire) != forgets {
            // A key was revoked while this looked: the answer may predate it; use it
            // for this request only (as if it had come a moment earlier).
            return Ok(owner);
        }
        if self.cache.len() > 100_000 {
            // Unknown keys from a scanner must not grow the cache without bound.
            self.cache.retain(|_, c| c.at.elapsed() < SDK_KEY_CACHE_TTL);
        }
        self.cache
            .insert(slot, Cached { secret: key.as_bytes().into(), owner: owner.clone(), at: Instant::now() });
        Ok(owner)
    }

    /// Forgets every key of an environment at once (after its deletion on this replica).
    pub fn forget_environment(&self, environment_id: i64) {
        self.forgets.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.cache.retain(|_, c| c.owner.as_ref().is_none_or(|o| o.environment_id != environment_id));
    }

    /// Forgets a key at once (after a revocation on this replica, or when the change
    /// feed tells of one on another).
    pub fn forget(&self, key_id: &str) {
        self.forgets.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.cache.retain(|_, c| c.owner.as_ref().is_none_or(|o| o.key_id != key_id));
    }
}

fn still_valid(owner: Option<&SdkKeyOwner>) -> bool {
    owner.and_then(|o| o.expires_at).is_none_or(|t| t > store::Timestamp::now())
}

/// A request authenticated by a live SDK key (server or client).
#[derive(Debug, Clone)]
pub struct SdkClient(pub Arc<SdkKeyOwner>);

/// A request authenticated by a live server SDK key.
#[derive(Debug, Clone)]
pub struct ServerSdk(pub Arc<SdkKeyOwner>);

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
