//! Login tokens: HS256 JWTs naming a user and a session. The session row makes logout
//! and password changes effective before the token expires.

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
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(***)")
    }
}

impl JwtKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8]) -> JwtKeys {
        JwtKeys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
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

    /// Signs a stream token.
    pub fn issue_stream(
        &self,
        sub: &str,
        scope: &str,
        expires_at: Timestamp,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = StreamClaims {
            sub: sub.to_owned(),
            scope: scope.to_owned(),
            aud: STREAM_AUDIENCE.to_owned(),
            exp: expires_at.0 / 1000,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
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
