//! Single sign-on through an OpenID Connect provider: discovery, the authorization
//! request (code flow with PKCE, `state` and `nonce`), the code exchange, the ID token
//! check (signature against the provider's keys, issuer, audience, expiry, nonce), the
//! userinfo claims, and the role a user's claims map to.
//!
//! It talks only to the provider. Pending logins, accounts and sessions are the store's
//! and the HTTP module's business.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, AdditionalClaims, AuthenticationFlow, AuthorizationCode, ClaimsVerificationError, Client,
    ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    Scope, SignatureVerificationError, StandardErrorResponse, StandardTokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Role;
use crate::config::OidcArgs;

/// How long a started login may take before its `state` is forgotten.
pub const LOGIN_TTL: Duration = Duration::from_secs(10 * 60);
/// Every request to the provider ends within this.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Claims beyond the standard ones (groups, roles, whatever the provider adds), kept as
/// JSON for the role mapping.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraClaims {
    #[serde(flatten)]
    claims: Map<String, Value>,
}

impl AdditionalClaims for ExtraClaims {}

type Fields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type TokenResponse = StandardTokenResponse<Fields, CoreTokenType>;
type OidcClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What is wrong with a single sign-on configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A URL does not parse.
    #[error("{variable} is not a valid URL: {source}")]
    Url {
        /// The variable.
        variable: &'static str,
        /// Why.
        #[source]
        source: openidconnect::url::ParseError,
    },
    /// A required variable is missing.
    #[error("{0} is required when VEXIL_OIDC_ISSUER is set")]
    Missing(&'static str),
    /// A role map entry is not `value=role`.
    #[error(
        "VEXIL_OIDC_ROLE_MAP entry {0:?} is not `claim-value=role` with a role of viewer, editor, admin or owner"
    )]
    RoleMap(String),
    /// The default role is unknown.
    #[error("VEXIL_OIDC_DEFAULT_ROLE {0:?} is not viewer, editor, admin, owner or none")]
    DefaultRole(String),
    /// A role map without a claim to read.
    #[error("VEXIL_OIDC_ROLE_MAP needs VEXIL_OIDC_ROLE_CLAIM (the claim whose values it maps)")]
    MapWithoutClaim,
}

/// Why a single sign-on failed at the provider's end or in its answer. Each has a
/// stable [`slug`](OidcError::slug) the dashboard shows a message for.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OidcError {
    /// The discovery document or the keys could not be read.
    #[error("reading the identity provider's configuration failed: {0}")]
    Discovery(String),
    /// The code exchange failed.
    #[error("exchanging the authorization code failed: {0}")]
    Exchange(String),
    /// The token response carries no ID token.
    #[error("the identity provider's token response has no ID token")]
    NoIdToken,
    /// The ID token failed a check.
    #[error("the ID token was refused ({problem:?}): {detail}")]
    IdToken {
        /// Which check failed.
        problem: IdTokenProblem,
        /// The verifier's words.
        detail: String,
    },
    /// The userinfo request failed.
    #[error("reading the userinfo claims failed: {0}")]
    UserInfo(String),
    /// The provider did not say who the user is by email.
    #[error("the identity provider gave no email address for this user (ask for the `email` scope)")]
    NoEmail,
}

/// Which check an ID token failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdTokenProblem {
    /// No key of the provider signed it.
    Signature,
    /// `exp` has passed (or `iat` is unacceptable).
    Expired,
    /// `aud` does not name this client.
    Audience,
    /// `iss` is not the configured issuer.
    Issuer,
    /// `nonce` is not the one this login sent.
    Nonce,
    /// Anything else (unsupported algorithm, malformed claims).
    Other,
}

impl OidcError {
    /// A stable name for the dashboard and the logs.
    pub fn slug(&self) -> &'static str {
        match self {
            OidcError::Discovery(_) => "unavailable",
            OidcError::Exchange(_) => "exchange",
            OidcError::NoIdToken => "id_token",
            OidcError::IdToken { problem, .. } => match problem {
                IdTokenProblem::Signature => "id_token_signature",
                IdTokenProblem::Expired => "id_token_expired",
                IdTokenProblem::Audience => "id_token_audience",
                IdTokenProblem::Issuer => "id_token_issuer",
                IdTokenProblem::Nonce => "id_token_nonce",
                IdTokenProblem::Other => "id_token",
            },
            OidcError::UserInfo(_) => "userinfo",
            OidcError::NoEmail => "no_email",
        }
    }
}

fn id_token_error(e: &ClaimsVerificationError) -> OidcError {
    let problem = match e {
        ClaimsVerificationError::SignatureVerification(_) => IdTokenProblem::Signature,
        ClaimsVerificationError::Expired(_) => IdTokenProblem::Expired,
        ClaimsVerificationError::InvalidAudience(_) => IdTokenProblem::Audience,
        ClaimsVerificationError::InvalidIssuer(_) => IdTokenProblem::Issuer,
        ClaimsVerificationError::InvalidNonce(_) => IdTokenProblem::Nonce,
        _ => IdTokenProblem::Other,
    };
    OidcError::IdToken { problem, detail: chain(e) }
}

/// An error and its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Which role a user's claims give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMapping {
    /// The claim's path (`groups`, or `realm_access.roles`), if roles come from claims.
    pub claim: Option<Vec<String>>,
    /// Claim value -> role.
    pub map: Vec<(String, Role)>,
    /// The role when no value maps (`None`: refuse the user).
    pub default: Option<Role>,
}

impl RoleMapping {
    /// Parses the role settings.
    pub fn parse(claim: Option<&str>, map: &[String], default: &str) -> Result<RoleMapping, ConfigError> {
        let claim =
            claim.map(str::trim).filter(|c| !c.is_empty()).map(|c| c.split('.').map(str::to_owned).collect());
        let mut pairs = Vec::new();
        for entry in map.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            let (value, role) =
                entry.rsplit_once('=').ok_or_else(|| ConfigError::RoleMap(entry.to_owned()))?;
            let role = Role::parse(role.trim()).ok_or_else(|| ConfigError::RoleMap(entry.to_owned()))?;
            pairs.push((value.trim().to_owned(), role));
        }
        if claim.is_none() && !pairs.is_empty() {
            return Err(ConfigError::MapWithoutClaim);
        }
        let default = match default.trim() {
            "none" => None,
            other => Some(Role::parse(other).ok_or_else(|| ConfigError::DefaultRole(other.to_owned()))?),
        };
        Ok(RoleMapping { claim, map: pairs, default })
    }

    /// Whether roles follow the provider's claims at every login.
    pub fn from_claims(&self) -> bool {
        self.claim.is_some()
    }

    /// The role `claims` give: the highest mapped role among the claim's values, else the
    /// default (`None`: the user gets no access).
    pub fn role_for(&self, claims: &Map<String, Value>) -> Option<Role> {
        let Some(path) = &self.claim else { return self.default };
        let mut value = None;
        for (i, part) in path.iter().enumerate() {
            value = if i == 0 { claims.get(part) } else { value.and_then(|v: &Value| v.get(part)) };
        }
        let values: Vec<&str> = match value {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        self.map
            .iter()
            .filter(|(v, _)| values.contains(&v.as_str()))
            .map(|(_, role)| *role)
            .max()
            .or(self.default)
    }
}

/// Settings from `VEXIL_OIDC_*`, checked.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    redirect_url: RedirectUrl,
    scopes: Vec<String>,
    /// The name on the login button.
    pub provider_name: String,
    /// How claims become roles.
    pub roles: RoleMapping,
    /// Password logins refused except for [`break_glass_email`](Self::break_glass_email).
    pub sso_only: bool,
    /// The owner who may log in with a password in SSO-only mode (lower case).
    pub break_glass_email: Option<String>,
}

impl OidcSettings {
    /// The settings, or `None` when single sign-on is off.
    pub fn from_args(args: &OidcArgs) -> Result<Option<OidcSettings>, ConfigError> {
        let Some(issuer) = args.issuer.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let issuer = IssuerUrl::new(issuer.trim_end_matches('/').to_owned())
            .map_err(|source| ConfigError::Url { variable: "VEXIL_OIDC_ISSUER", source })?;
        let client_id = args.client_id.clone().ok_or(ConfigError::Missing("VEXIL_OIDC_CLIENT_ID"))?;
        let redirect = args.redirect_url.clone().ok_or(ConfigError::Missing("VEXIL_OIDC_REDIRECT_URL"))?;
        let redirect_url = RedirectUrl::new(redirect)
            .map_err(|source| ConfigError::Url { variable: "VEXIL_OIDC_REDIRECT_URL", source })?;
        let roles = RoleMapping::parse(args.role_claim.as_deref(), &args.role_map, &args.default_role)?;
        Ok(Some(OidcSettings {
            issuer,
            client_id: ClientId::new(client_id),
            client_secret: args.client_secret.as_ref().map(|s| ClientSecret::new(s.expose().to_owned())),
            redirect_url,
            scopes: args
                .scopes
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty() && s != "openid")
                .collect(),
            provider_name: args.provider_name.clone(),
            roles,
            sso_only: args.sso_only,
            break_glass_email: args.break_glass_email.as_deref().map(|e| e.trim().to_lowercase()),
        }))
    }

    /// The issuer, as configured.
    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// Whether the redirect URL is HTTPS (the state cookie is then `Secure`).
    pub fn secure(&self) -> bool {
        self.redirect_url.url().scheme() == "https"
    }

    /// Whether `email` may log in with a password.
    pub fn allows_password_login(&self, email: &str) -> bool {
        !self.sso_only || self.break_glass_email.as_deref() == Some(email)
    }

    /// Whether `email` is the break-glass account (never linked to the provider).
    pub fn is_break_glass(&self, email: &str) -> bool {
        self.break_glass_email.as_deref() == Some(email)
    }
}

/// A login sent to the provider: what the browser must bring back, and what only the
/// server keeps.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// Where to send the browser.
    pub url: String,
    /// The `state` parameter (also in the browser's cookie).
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The issuer.
    pub issuer: String,
    /// The provider's stable id of the user.
    pub subject: String,
    /// The email address, lower case.
    pub email: String,
    /// Whether the provider vouches for the address.
    pub email_verified: bool,
    /// A display name.
    pub name: String,
    /// Every claim of the ID token, completed by the userinfo claims.
    pub claims: Map<String, Value>,
}

/// The provider and how to talk to it. One per server.
pub struct Oidc {
    /// The settings.
    pub settings: OidcSettings,
    http: reqwest::Client,
    metadata: ArcSwapOption<CoreProviderMetadata>,
    /// Held while fetching, so that one request fetches and the others use its result.
    fetching: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc").field("issuer", &self.settings.issuer()).finish_non_exhaustive()
    }
}

impl Oidc {
    /// A provider client; nothing is fetched yet.
    pub fn new(settings: OidcSettings) -> Result<Oidc, reqwest::Error> {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer point Vexil elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()?;
        Ok(Oidc { settings, http, metadata: ArcSwapOption::empty(), fetching: tokio::sync::Mutex::new(()) })
    }

    /// The provider's metadata and keys: cached, fetched on first use.
    pub async fn metadata(&self) -> Result<Arc<CoreProviderMetadata>, OidcError> {
        if let Some(m) = self.metadata.load_full() {
            return Ok(m);
        }
        let _fetching = self.fetching.lock().await;
        if let Some(m) = self.metadata.load_full() {
            return Ok(m);
        }
        self.fetch().await
    }

    /// Fetches the metadata again because `stale` lacked the key a token names, unless
    /// another request already replaced it (then that result is used). This runs at most
    /// once per ID token, and ID tokens only come from the provider's token endpoint in
    /// exchange for a code, so nobody can make Vexil fetch the keys in a loop.
    async fn refresh(
        &self,
        stale: &Arc<CoreProviderMetadata>,
    ) -> Result<Arc<CoreProviderMetadata>, OidcError> {
        let _fetching = self.fetching.lock().await;
        if let Some(current) = self.metadata.load_full().filter(|current| !Arc::ptr_eq(current, stale)) {
            return Ok(current);
        }
        self.fetch().await
    }

    async fn fetch(&self) -> Result<Arc<CoreProviderMetadata>, OidcError> {
        let m = CoreProviderMetadata::discover_async(self.settings.issuer.clone(), &self.http)
            .await
            .map_err(|e| OidcError::Discovery(chain(&e)))?;
        tracing::info!(
            oidc.issuer = %self.settings.issuer(),
            oidc.keys = m.jwks().keys().len(),
            "read the identity provider's configuration and keys"
        );
        let m = Arc::new(m);
        self.metadata.store(Some(m.clone()));
        Ok(m)
    }

    fn client(&self, metadata: &CoreProviderMetadata) -> OidcClient {
        OidcClient::from_provider_metadata(
            metadata.clone(),
            self.settings.client_id.clone(),
            self.settings.client_secret.clone(),
        )
        .set_redirect_uri(self.settings.redirect_url.clone())
    }

    /// Starts a login: the provider's authorization URL with fresh `state`, `nonce` and
    /// PKCE challenge.
    pub async fn authorize(&self) -> Result<Authorization, OidcError> {
        let metadata = self.metadata().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client(&metadata);
        let mut request = client.authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Finishes a login: exchanges `code`, checks the ID token against the provider's
    /// keys (fetching them again once if it names a key not yet known), and reads the
    /// userinfo claims.
    pub async fn complete(
        &self,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<Identity, OidcError> {
        let mut metadata = self.metadata().await?;
        let client = self.client(&metadata);
        let token: TokenResponse = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Exchange(chain(&e)))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(chain(&e)))?;
        let id_token = token.extra_fields().id_token().ok_or(OidcError::NoIdToken)?;
        let nonce = Nonce::new(nonce.to_owned());
        let mut refreshed = false;
        let claims = loop {
            let client = self.client(&metadata);
            let verifier = client.id_token_verifier();
            match id_token.claims(&verifier, &nonce) {
                Ok(claims) => break claims.clone(),
                Err(ClaimsVerificationError::SignatureVerification(
                    SignatureVerificationError::NoMatchingKey,
                )) if !refreshed => {
                    // The provider may have rotated its keys since they were read.
                    refreshed = true;
                    metadata = self.refresh(&metadata).await?;
                }
                Err(e) => return Err(id_token_error(&e)),
            }
        };
        let subject = claims.subject().clone();
        let mut all = match serde_json::to_value(&claims) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        if metadata.userinfo_endpoint().is_some() {
            let client = self.client(&metadata);
            let request = client
                .user_info(AccessToken::new(token.access_token().secret().clone()), Some(subject.clone()))
                .map_err(|e| OidcError::UserInfo(chain(&e)))?;
            let info: UserInfoClaims<ExtraClaims, CoreGenderClaim> =
                request.request_async(&self.http).await.map_err(|e| OidcError::UserInfo(chain(&e)))?;
            if let Ok(Value::Object(map)) = serde_json::to_value(&info) {
                for (k, v) in map {
                    all.entry(k).or_insert(v);
                }
            }
        }
        let email = all
            .get("email")
            .and_then(Value::as_str)
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty())
            .ok_or(OidcError::NoEmail)?;
        let email_verified = match all.get("email_verified") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
        let name = ["name", "preferred_username"]
            .iter()
            .find_map(|k| all.get(*k).and_then(Value::as_str))
            .map_or_else(|| email.clone(), str::to_owned);
        Ok(Identity {
            issuer: self.settings.issuer().to_owned(),
            subject: subject.to_string(),
            email,
            email_verified,
            name,
            claims: all,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_highest_mapped_role_wins_and_the_default_covers_the_rest() {
        let map = ["vexil-owners=owner".to_owned(), " vexil-editors = editor ".to_owned()];
        let m = RoleMapping::parse(Some("groups"), &map, "viewer").unwrap();
        assert_eq!(
            m.role_for(&claims(json!({"groups": ["vexil-editors", "vexil-owners"]}))),
            Some(Role::Owner)
        );
        assert_eq!(m.role_for(&claims(json!({"groups": ["vexil-editors", "x"]}))), Some(Role::Editor));
        assert_eq!(m.role_for(&claims(json!({"groups": "vexil-editors"}))), Some(Role::Editor));
        assert_eq!(m.role_for(&claims(json!({"groups": ["other"]}))), Some(Role::Viewer));
        assert_eq!(m.role_for(&claims(json!({}))), Some(Role::Viewer));
        let strict = RoleMapping::parse(Some("groups"), &map, "none").unwrap();
        assert_eq!(strict.role_for(&claims(json!({"groups": ["other"]}))), None);
    }

    #[test]
    fn a_dotted_claim_reaches_into_nested_objects() {
        let m = RoleMapping::parse(Some("realm_access.roles"), &["flags-admin=admin".to_owned()], "none")
            .unwrap();
        let c = claims(json!({"realm_access": {"roles": ["offline_access", "flags-admin"]}}));
        assert_eq!(m.role_for(&c), Some(Role::Admin));
        assert_eq!(m.role_for(&claims(json!({"realm_access": "flags-admin"}))), None);
    }

    #[test]
    fn bad_role_settings_are_refused_with_the_variable_named() {
        let e = RoleMapping::parse(Some("groups"), &["a=superuser".to_owned()], "viewer").unwrap_err();
        assert!(e.to_string().contains("VEXIL_OIDC_ROLE_MAP"), "{e}");
        assert!(RoleMapping::parse(Some("groups"), &["no-equals".to_owned()], "viewer").is_err());
        let e = RoleMapping::parse(None, &[], "root").unwrap_err();
        assert!(e.to_string().contains("VEXIL_OIDC_DEFAULT_ROLE"), "{e}");
        assert!(matches!(
            RoleMapping::parse(None, &["a=owner".to_owned()], "viewer"),
            Err(ConfigError::MapWithoutClaim)
        ));
    }

    #[test]
    fn without_a_role_claim_everyone_gets_the_default() {
        let m = RoleMapping::parse(None, &[], "editor").unwrap();
        assert!(!m.from_claims());
        assert_eq!(m.role_for(&claims(json!({"groups": ["vexil-owners"]}))), Some(Role::Editor));
    }
}
