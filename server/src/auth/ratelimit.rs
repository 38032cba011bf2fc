//! Limits login attempts per account and per client address. Attempts are counted in
//! the database before the password is checked: parallel guesses each take a place in
//! the count, so no more than the limit are ever checked, on one replica or several.

use std::time::Duration;

use super::AuthError;
use crate::store::Store;

/// The window attempts are counted in.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// How many attempts each key may make per window.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Failed logins per account.
    pub per_account: i64,
    /// Failed logins per client address.
    pub per_address: i64,
}

/// The rate-limit keys of one login attempt: the account and the client address.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    account: String,
    address: String,
}

impl LoginLimits {
    /// Counts an attempt for `email` from `addr`; refused (429 with how long to wait)
    /// when either key is over its limit. Call [`LoginLimits::succeeded`] when the
    /// password matched; a failure needs nothing more, it is already counted.
    pub async fn attempt(
        &self,
        store: &Store,
        email: &str,
        addr: Option<std::net::SocketAddr>,
    ) -> Result<LoginAttempt, AuthError> {
        let attempt = LoginAttempt {
            account: format!("account:{}", email.trim().to_lowercase()),
            address: format!("address:{}", addr.map(|a| a.ip().to_string()).unwrap_or_default()),
        };
        let window_ms = LOGIN_WINDOW.as_millis() as i64;
        let account = store.count_login_attempt(&attempt.account, window_ms).await?;
        let address = store.count_login_attempt(&attempt.address, window_ms).await?;
        let over = [(account, self.per_account), (address, self.per_address)]
            .into_iter()
            .filter(|(count, max)| count.attempts > *max)
            .map(|(count, _)| count.window_ends)
            .max();
        match over {
            Some(ends) => {
                let wait_ms = (ends.0 - crate::store::Timestamp::now().0).max(1000);
                Err(AuthError::TooManyAttempts { retry_after_seconds: (wait_ms as u64).div_ceil(1000) })
            }
            None => Ok(attempt),
        }
    }

    /// The password matched: the account's count starts over, and the address's does
    /// not keep this attempt.
    pub async fn succeeded(&self, store: &Store, attempt: &LoginAttempt) -> Result<(), AuthError> {
        store.clear_login_attempts(&attempt.account).await?;
        store.uncount_login_attempt(&attempt.address).await?;
        Ok(())
    }
}
