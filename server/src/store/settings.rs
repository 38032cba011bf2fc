//! Server-wide settings generated once and shared by every replica.

use super::{Result, Store, get};

/// Setting naming the generated owner account not yet claimed (first-run set-up).
pub const SETUP_PENDING: &str = "setup_pending_user";

impl Store {
    /// Returns the value of `key`, storing `generate()` first if there is none. Two
    /// replicas starting at once agree on one value: the insert ignores conflicts and
    /// both read back what won.
    pub async fn setting_or_insert(&self, key: &str, generate: impl FnOnce() -> String) -> Result<String> {
        sqlx::query("insert into setting (key, value) values ($1, $2) on conflict (key) do nothing")
            .bind(key)
            .bind(generate())
            .execute(&self.pool)
            .await?;
        let row =
            sqlx::query("select value from setting where key = $1").bind(key).fetch_one(&self.pool).await?;
        get(&row, "value")
    }
}

impl Store {
    /// The value of a setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("select value from setting where key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| get(&r, "value")).transpose()
    }

    /// Sets a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query("insert into setting (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes a setting; true if it was there.
    pub async fn delete_setting(&self, key: &str) -> Result<bool> {
        let done = sqlx::query("delete from setting where key = $1").bind(key).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }
}
