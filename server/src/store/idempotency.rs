//! Idempotency keys of secret-minting creations: the first answer to a request with a
//! key, sealed, so that a retry gets it back instead of a second secret. Sealing and
//! opening are the HTTP layer's (`http::idempotency`); this stores rows.

use super::{Result, Store, Timestamp, get};

/// How long an answer is kept, in milliseconds: 24 hours.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// A stored first answer.
#[derive(Debug, Clone)]
pub struct IdempotentAnswer {
    /// Hex SHA-256 of the first request's body.
    pub fingerprint: String,
    /// Its status code.
    pub status: u16,
    /// Its body, sealed (base64 of nonce and ciphertext).
    pub sealed_response: String,
}

impl Store {
    /// The answer stored for (`scope`, `key_hash`) in the last 24 hours, if any.
    pub async fn find_idempotent_answer(
        &self,
        scope: &str,
        key_hash: &str,
    ) -> Result<Option<IdempotentAnswer>> {
        let since = Timestamp::now().0 - IDEMPOTENCY_TTL_MS;
        let row = sqlx::query(
            "select fingerprint, status, sealed_response from idempotency_key
             where scope = $1 and key_hash = $2 and created_at > $3",
        )
        .bind(scope)
        .bind(key_hash)
        .bind(since)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(IdempotentAnswer {
                fingerprint: get(&row, "fingerprint")?,
                status: u16::try_from(get::<i64>(&row, "status")?).unwrap_or(500),
                sealed_response: get(&row, "sealed_response")?,
            })
        })
        .transpose()
    }

    /// Stores the first answer for (`scope`, `key_hash`); `false` when another request
    /// with the same key stored one first (the caller then undoes its own work and
    /// answers with that one). Expired rows are deleted on the way.
    pub async fn save_idempotent_answer(
        &self,
        scope: &str,
        key_hash: &str,
        answer: &IdempotentAnswer,
    ) -> Result<bool> {
        let now = Timestamp::now().0;
        let mut tx = self.begin().await?;
        sqlx::query("delete from idempotency_key where created_at <= $1")
            .bind(now - IDEMPOTENCY_TTL_MS)
            .execute(&mut **tx)
            .await?;
        let done = sqlx::query(
            "insert into idempotency_key (scope, key_hash, fingerprint, status, sealed_response, created_at)
             values ($1, $2, $3, $4, $5, $6) on conflict (scope, key_hash) do nothing",
        )
        .bind(scope)
        .bind(key_hash)
        .bind(&answer.fingerprint)
        .bind(i64::from(answer.status))
        .bind(&answer.sealed_response)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
