//! Server-wide settings generated once and shared by every replica.

use super::{Result, Store, get};

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
