//! Secrets handed out once (API tokens, SDK keys): 192 random bits behind a readable
//! prefix, stored only as a SHA-256 hash; and [`Secret`], a string that never prints
//! (passwords and tokens given on the command line).

use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Prefix of API tokens.
pub const API_TOKEN_PREFIX: &str = "vx_api_";
/// Prefix of server SDK keys.
pub const SERVER_KEY_PREFIX: &str = "vx_srv_";
/// Prefix of client SDK keys.
pub const CLIENT_KEY_PREFIX: &str = "vx_cli_";

/// A freshly generated secret.
#[derive(Clone)]
pub struct NewSecret {
    /// The full secret: shown to the user once, never stored or logged.
    pub secret: String,
    /// Hex SHA-256 of the secret: what is stored.
    pub hash: String,
    /// The readable prefix and the first characters, shown in listings.
    pub display_prefix: String,
}

impl std::fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSecret").field("display_prefix", &self.display_prefix).finish_non_exhaustive()
    }
}

/// Generates a secret with a prefix such as [`API_TOKEN_PREFIX`].
pub fn generate(prefix: &str) -> NewSecret {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!("{prefix}{}", hex::encode(bytes));
    let display_prefix = secret[..prefix.len() + 6].to_owned();
    NewSecret { hash: hash(&secret), secret, display_prefix }
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time equality of two stored hashes.
pub fn hashes_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_carry_their_prefix_and_enough_entropy() {
        let s = generate(SERVER_KEY_PREFIX);
        assert!(s.secret.starts_with("vx_srv_"));
        assert_eq!(s.secret.len(), "vx_srv_".len() + 48, "24 random bytes in hex");
        assert_eq!(s.hash, hash(&s.secret));
        assert!(s.secret.starts_with(&s.display_prefix));
        assert_ne!(generate(SERVER_KEY_PREFIX).secret, s.secret);
        assert!(!format!("{s:?}").contains(&s.secret), "Debug must not show the secret");
    }
}

/// A string that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}
