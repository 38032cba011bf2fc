//! `Idempotency-Key` on the requests that mint a secret (`POST /tokens`, `POST
//! …/sdk-keys`), after the IETF httpapi draft "The Idempotency-Key HTTP Header Field"
//! (draft-ietf-httpapi-idempotency-key-header): a retry with the same key and the same
//! body gets the first answer again — the same id and the same secret — and no second
//! secret is minted; the same key with another body is 422; without the header nothing
//! changes.
//!
//! The first answer holds a secret that Vexil otherwise never stores, so it is sealed
//! (ChaCha20-Poly1305, RFC 8439, via `ring`) under a key derived from the idempotency
//! key, which is not stored: only its hash is, to find the row. Whoever sends the key
//! again can open the answer; a copy of the database alone cannot. Answers are kept 24
//! hours. Decision 0021 says why the secret is replayed rather than withheld or rotated, and
//! why a replay of a secret revoked or expired since is 409.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::shared::field_error;
use crate::store::{IdempotentAnswer, Store};

/// The request header.
const HEADER: &str = "idempotency-key";
/// Fewest characters a key has: short keys are guessable, and the key is what seals
/// the answer. A UUID (36) is what the draft suggests.
const MIN_KEY_CHARS: usize = 16;
/// Most characters a key has.
const MAX_KEY_CHARS: usize = 255;

/// What kind of secret a route mints: what a replay checks is still live.
#[derive(Clone, Copy)]
pub(super) enum Minted {
    /// An API token (`POST /tokens`).
    ApiToken,
    /// An SDK key (`POST …/sdk-keys`).
    SdkKey,
}

/// A request's idempotency key, bound to who sends it and where.
pub(super) struct Idempotency {
    /// What the route mints.
    minted: Minted,
    /// `"<person> <METHOD> <path>"`: keys of different people or routes never meet.
    scope: String,
    /// Hex SHA-256 of the scope and the key: how the row is found.
    key_hash: String,
    /// The sealing key, derived from the idempotency key.
    seal_key: [u8; 32],
    /// Hex SHA-256 of the body as parsed (so that formatting does not matter).
    fingerprint: String,
}

impl Idempotency {
    /// The request's key, or `None` without the header. The value is a structured-field
    /// string (`"…"`, RFC 8941) as the draft defines it; a bare token is taken too. 400
    /// for a key of fewer than 16 or more than 255 visible ASCII characters.
    pub(super) fn from_request(
        headers: &HeaderMap,
        person: &str,
        route: &str,
        minted: Minted,
        body: &impl Serialize,
    ) -> Result<Option<Idempotency>, ApiError> {
        let Some(value) = headers.get(HEADER) else { return Ok(None) };
        let bad = || {
            ApiError::bad_request(format!(
                "Idempotency-Key must be a quoted string of {MIN_KEY_CHARS} to {MAX_KEY_CHARS} visible ASCII characters, e.g. a UUID"
            ))
        };
        let raw = value.to_str().map_err(|_| bad())?.trim();
        let key = raw.strip_prefix('"').and_then(|k| k.strip_suffix('"')).unwrap_or(raw);
        let visible = key.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
        if !visible || !(MIN_KEY_CHARS..=MAX_KEY_CHARS).contains(&key.len()) {
            return Err(bad());
        }
        let scope = format!("{person} {route}");
        let key_hash = hex::encode(
            Sha256::new()
                .chain_update(b"vexil idempotency lookup v1\0")
                .chain_update(&scope)
                .chain_update(b"\0")
                .chain_update(key)
                .finalize(),
        );
        let seal_key: [u8; 32] =
            Sha256::new().chain_update(b"vexil idempotency seal v1\0").chain_update(key).finalize().into();
        let body =
            serde_json::to_vec(body).map_err(|e| ApiError::Internal(format!("body fingerprint: {e}")))?;
        let fingerprint = hex::encode(Sha256::digest(&body));
        Ok(Some(Idempotency { minted, scope, key_hash, seal_key, fingerprint }))
    }

    /// The first answer to this key, when there is one: the same status and body. 422
    /// when that first request had another body; 409 when the secret that answer holds
    /// was revoked or has expired since, because a replay never presents a dead secret
    /// as live (decision 0021).
    pub(super) async fn replay(&self, store: &Store) -> Result<Option<Response>, ApiError> {
        let Some(answer) = store.find_idempotent_answer(&self.scope, &self.key_hash).await? else {
            return Ok(None);
        };
        if answer.fingerprint != self.fingerprint {
            return Err(field_error(
                "",
                "this Idempotency-Key was used with another request body; use a new key for a new request",
            ));
        }
        let body = self.open(&answer.sealed_response)?;
        let id = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned))
            .ok_or_else(|| ApiError::Internal("a stored idempotent answer has no id".to_owned()))?;
        let live = match self.minted {
            Minted::ApiToken => store.live_api_token(&id).await?.is_some(),
            Minted::SdkKey => store.sdk_key_live(&id).await?,
        };
        if !live {
            return Err(ApiError::Conflict {
                detail: format!(
                    "the secret this Idempotency-Key created ({id}) was revoked or has expired since; use a new Idempotency-Key to create another"
                ),
                dependents: Vec::new(),
            });
        }
        let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
        Ok(Some((status, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()))
    }

    /// Stores the first answer. `Ok(None)`: stored. `Ok(Some(first))`: a concurrent
    /// request with the same key stored its answer first; the caller revokes what it
    /// minted and answers `first` (that answer, or the error replaying it gives), so only
    /// one secret stays live.
    pub(super) async fn remember(
        &self,
        store: &Store,
        status: StatusCode,
        body: &impl Serialize,
    ) -> Result<Option<Result<Response, ApiError>>, ApiError> {
        let json = serde_json::to_vec(body).map_err(|e| ApiError::Internal(format!("answer: {e}")))?;
        let answer = IdempotentAnswer {
            fingerprint: self.fingerprint.clone(),
            status: status.as_u16(),
            sealed_response: self.seal(json)?,
        };
        if store.save_idempotent_answer(&self.scope, &self.key_hash, &answer).await? {
            return Ok(None);
        }
        match self.replay(store).await {
            Ok(Some(first)) => Ok(Some(Ok(first))),
            // Stored and expired in between: ours stands.
            Ok(None) => Ok(None),
            Err(e) => Ok(Some(Err(e))),
        }
    }

    fn cipher(&self) -> Result<LessSafeKey, ApiError> {
        let key = UnboundKey::new(&CHACHA20_POLY1305, &self.seal_key)
            .map_err(|_| ApiError::Internal("idempotency seal key".to_owned()))?;
        Ok(LessSafeKey::new(key))
    }

    /// Base64 of a random nonce followed by the ciphertext and tag; the scope is the
    /// associated data, so a sealed answer opens only for the row it was made for.
    fn seal(&self, mut plain: Vec<u8>) -> Result<String, ApiError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        self.cipher()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(self.scope.as_bytes()),
                &mut plain,
            )
            .map_err(|_| ApiError::Internal("idempotency seal".to_owned()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&plain);
        Ok(STANDARD.encode(out))
    }

    fn open(&self, sealed: &str) -> Result<Vec<u8>, ApiError> {
        let broken = || ApiError::Internal("a stored idempotent answer does not open".to_owned());
        let bytes = STANDARD.decode(sealed).map_err(|_| broken())?;
        if bytes.len() < NONCE_LEN {
            return Err(broken());
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| broken())?;
        let mut rest = rest.to_vec();
        let plain = self
            .cipher()?
            .open_in_place(nonce, Aad::from(self.scope.as_bytes()), &mut rest)
            .map_err(|_| broken())?;
        Ok(plain.to_vec())
    }
}
