//! Login tokens: HS256 JWTs naming a user and a session. The session row makes logout
//! and password changes effective before the token expires.

use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::store::Timestamp;

/// What a login token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session id.
    pub jti: String,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expiry (seconds).
    pub exp: i64,
}

/// What a stream token says: who may open which stream, until when. Browsers' event
/// streams cannot send headers, so they carry this in the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamClaims {
    /// `user:<id>` (admin stream) or `sdk:<key id>` (OFREP notifications).
    pub sub: String,
    /// The login session (admin stream) or the environment id (OFREP), as text.
    pub scope: String,
    /// Always [`STREAM_AUDIENCE`].
    pub aud: String,
    /// Expiry (seconds).
    pub exp: i64,
}

/// The audience of stream tokens, so that they are never accepted as login tokens and
/// the other way round.
pub const STREAM_AUDIENCE: &str = "vexil-stream";

/// Signs and checks login tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The last stream token signed for each subject, with its scope and expiry. A token
    /// depends only on these and the key, and a bulk OFREP answer hands one out on every
    /// request, so it is signed once per period instead (HMAC-SHA-256 and the JSON
    /// around it were 3 % of a 1 000-flag answer).
    stream_tokens: Arc<Mutex<StreamTokens>>,
}

type StreamTokens = rustc_hash::FxHashMap<Box<str>, (Box<str>, i64, String)>;

/// How many signed stream tokens are kept; past this the cache starts again empty.
const STREAM_TOKENS_KEPT: usize = 10_000;

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(***)")
    }
}

impl JwtKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8]) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            stream_tokens: Arc::default(),
        }
    }

    /// Signs a token for `user` and `session` valid until `expires_at`.
    pub fn issue(
        &self,
        user: &str,
        session: &str,
        expires_at: Timestamp,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user.to_owned(),
            jti: session.to_owned(),
            iat: Timestamp::now().0 / 1000,
            exp: expires_at.0 / 1000,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks signature and expiry (no leeway) of a login token.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub", "jti"]);
        // Stream tokens carry an audience; login tokens never do.
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<serde_json::Value>(token, &self.decoding, &validation).ok()?;
        if data.claims.get("aud").is_some() {
            return None;
        }
        serde_json::from_value(data.claims).ok()
    }

    /// Signs a stream token; the same subject, scope and expiry (seconds) give the same
    /// token, signed once.
    pub fn issue_stream(
        &self,
        sub: &str,
        scope: &str,
        expires_at: Timestamp,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let exp = expires_at.0 / 1000;
        {
            let tokens = self.stream_tokens.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, _, token)) = tokens.get(sub).filter(|(s, e, _)| **s == *scope && *e == exp) {
                return Ok(token.clone());
            }
        }
        let claims = StreamClaims {
            sub: sub.to_owned(),
            scope: scope.to_owned(),
            aud: STREAM_AUDIENCE.to_owned(),
            exp,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        let mut tokens = self.stream_tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= STREAM_TOKENS_KEPT {
            tokens.clear();
        }
        tokens.insert(Box::from(sub), (Box::from(scope), exp, token.clone()));
        Ok(token)
    }

    /// Checks a stream token.
    pub fn verify_stream(&self, token: &str) -> Option<StreamClaims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_audience(&[STREAM_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        jsonwebtoken::decode::<StreamClaims>(token, &self.decoding, &validation).ok().map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_token_is_signed_once_per_subject_scope_and_expiry() {
        let keys = JwtKeys::new(b"a test secret of some length");
        // Expiries far ahead, so that the tokens verify.
        let at = |s: i64| Timestamp((4_000_000_000 + s) * 1000);
        let first = keys.issue_stream("sdk:1", "7", at(1_000)).unwrap();
        assert_eq!(keys.issue_stream("sdk:1", "7", at(1_000)).unwrap(), first, "kept");
        let later = keys.issue_stream("sdk:1", "7", at(2_000)).unwrap();
        let other_scope = keys.issue_stream("sdk:1", "8", at(2_000)).unwrap();
        let other_subject = keys.issue_stream("sdk:2", "7", at(2_000)).unwrap();
        assert_ne!(later, first);
        assert_ne!(other_scope, later);
        assert_ne!(other_subject, later);
        // Every token the cache hands out says what was asked for.
        for (token, sub, scope, exp) in [
            (&first, "sdk:1", "7", 1_000),
            (&later, "sdk:1", "7", 2_000),
            (&other_scope, "sdk:1", "8", 2_000),
        ] {
            let claims = keys.verify_stream(token).expect("a valid token");
            assert_eq!(
                (claims.sub.as_str(), claims.scope.as_str(), claims.exp),
                (sub, scope, 4_000_000_000 + exp)
            );
        }
        // A cloned key set shares what was signed.
        assert_eq!(keys.clone().issue_stream("sdk:2", "7", at(2_000)).unwrap(), other_subject);
    }
}
