//! Login attempts per rate-limit key, counted in the database so that the limit holds
//! across parallel requests and across replicas.

use super::{Result, Store, Timestamp, get};

/// Where a key stands after an attempt was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptCount {
    /// Attempts in the current window, this one included.
    pub attempts: i64,
    /// When the current window ends.
    pub window_ends: Timestamp,
}

impl Store {
    /// Counts one attempt against `key` in a fixed window of `window_ms` that starts at
    /// the first attempt. One statement: concurrent attempts each get their own count.
    pub async fn count_login_attempt(&self, key: &str, window_ms: i64) -> Result<AttemptCount> {
        let now = Timestamp::now().0;
        let row = sqlx::query(
            "insert into login_attempt (key, window_start, attempts) values ($1, $2, 1)
             on conflict (key) do update set
               attempts = case when login_attempt.window_start <= $3 then 1 else login_attempt.attempts + 1 end,
               window_start = case when login_attempt.window_start <= $3 then $2 else login_attempt.window_start end
             returning attempts, window_start",
        )
        .bind(key)
        .bind(now)
        .bind(now - window_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(AttemptCount {
            attempts: get(&row, "attempts")?,
            window_ends: Timestamp(get::<i64>(&row, "window_start")? + window_ms),
        })
    }

    /// Takes one attempt back (it succeeded and should not count).
    pub async fn uncount_login_attempt(&self, key: &str) -> Result<()> {
        sqlx::query("update login_attempt set attempts = attempts - 1 where key = $1 and attempts > 0")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets a key's attempts (the account logged in).
    pub async fn clear_login_attempts(&self, key: &str) -> Result<()> {
        sqlx::query("delete from login_attempt where key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }

    /// Forgets windows that started before `before`.
    pub async fn prune_login_attempts(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("delete from login_attempt where window_start < $1")
            .bind(before.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
