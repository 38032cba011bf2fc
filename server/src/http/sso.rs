//! Single sign-on for the dashboard: the public login settings, the trip to the
//! identity provider and back, and the hand-off of the finished login to the dashboard.
//!
//! The browser-facing steps answer with redirects, never problem documents: a failure
//! sends the browser to `/login?sso_error=<slug>`, and the reason is logged. Nothing here
//! depends on which replica served the previous step: the login in flight lives in the
//! database and is consumed once.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{Json, Query};
use super::openapi::responses::*;
use super::shared::{LoginResponse, start_session};
use crate::auth::oidc::{self, Identity, Oidc, OidcError};
use crate::auth::{AuthState, Role, secret};
use crate::store::{self, Actor, NewUser, SsoLogin, Store, Timestamp, User, UserPatch};

/// The cookie that binds a login in flight to the browser that started it.
const STATE_COOKIE: &str = "vexil_sso_state";
/// Where the state cookie is sent: the callback only.
const COOKIE_PATH: &str = "/api/v1/auth/oidc";
/// How long the dashboard has to collect a finished login.
const HANDOFF_TTL_MS: i64 = 60_000;

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
    Option<Arc<Oidc>>: FromRef<S>,
{
    Router::new()
        .route("/auth/config", get(get_auth_config))
        .route("/auth/oidc/login", get(start_sso_login))
        .route("/auth/oidc/callback", get(finish_sso_login))
        .route("/auth/oidc/session", post(create_sso_session))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct AuthConfig {
    /// Whether the password form is for everyone (false: the break-glass owner only).
    password_login: bool,
    /// The identity provider, when single sign-on is configured.
    #[schema(required = true)]
    sso: Option<SsoConfig>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct SsoConfig {
    /// The provider's name for the button (`VEXIL_OIDC_PROVIDER_NAME`).
    name: String,
    /// Where the browser goes to log in (add `?next=<path>`).
    #[schema(value_type = String)]
    login_url: &'static str,
}

#[utoipa::path(get, path = "/api/v1/auth/config", operation_id = "get_auth_config", tag = "auth",
    summary = "How to log in",
    description = "What the login page offers: the password form (for everyone, or only for the break-glass owner in SSO-only mode) and, when single sign-on is configured (`VEXIL_OIDC_*`), the identity provider's button.",
    extensions(("x-vexil-role" = json!("public"))),
    responses(
        (status = 200, description = "The login options.", body = AuthConfig),
    ))]
pub(super) async fn get_auth_config(State(oidc): State<Option<Arc<Oidc>>>) -> axum::Json<AuthConfig> {
    let sso = oidc
        .as_ref()
        .map(|o| SsoConfig { name: o.settings.provider_name.clone(), login_url: "/api/v1/auth/oidc/login" });
    let password_login = oidc.as_ref().is_none_or(|o| !o.settings.sso_only);
    axum::Json(AuthConfig { password_login, sso })
}

#[derive(Deserialize)]
pub(super) struct StartQuery {
    next: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/auth/oidc/login", operation_id = "start_sso_login", tag = "auth",
    summary = "Start a single sign-on",
    description = "A browser navigation, not an API call. Records the login in flight (its `state`, `nonce` and PKCE verifier, for 10 minutes), sets the `vexil_sso_state` cookie that binds it to this browser, and redirects to the identity provider's authorization endpoint. When the provider cannot be reached, redirects to `/login?sso_error=unavailable`.",
    extensions(("x-vexil-role" = json!("public"))),
    params(("next" = Option<String>, Query, description = "A path on this site to return to after logging in (anything else means `/`).")),
    responses(
        (status = 303, description = "To the identity provider (or back to the login page with `sso_error`).", headers(("Location" = String))),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn start_sso_login(
    State(store): State<Store>,
    State(oidc): State<Option<Arc<Oidc>>>,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(oidc) = oidc else { return not_configured() };
    match start(&store, &oidc, q.next.as_deref()).await {
        Ok((url, state_value)) => redirect(&url, Some(state_cookie(&oidc, &state_value))),
        Err(e) => failed(&e),
    }
}

async fn start(store: &Store, oidc: &Oidc, next: Option<&str>) -> Result<(String, String), SsoFailure> {
    let auth = oidc.authorize().await?;
    let expires_at = Timestamp(Timestamp::now().0 + oidc::LOGIN_TTL.as_millis() as i64);
    let login = SsoLogin {
        state: auth.state.clone(),
        nonce: auth.nonce,
        pkce_verifier: auth.pkce_verifier,
        next_path: safe_next(next).to_owned(),
        expires_at,
    };
    store.insert_sso_login(&login).await?;
    Ok((auth.url, auth.state))
}

#[derive(Deserialize)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/auth/oidc/callback", operation_id = "finish_sso_login", tag = "auth",
    summary = "Return from the identity provider",
    description = "The redirect URL registered at the provider (`VEXIL_OIDC_REDIRECT_URL`). Consumes the login in flight named by `state` (once, and only from the browser holding its cookie), exchanges the code with the PKCE verifier, checks the ID token (signature against the provider's keys, fetched again when it names an unknown key; issuer; audience; expiry; nonce), reads the userinfo claims, and finds, links or creates the user, whose role follows `VEXIL_OIDC_ROLE_CLAIM` when set. Success redirects to `/login/sso?handoff=<one-time code>&next=<path>`; failure to `/login?sso_error=<reason>` with one of `state`, `provider`, `unavailable`, `exchange`, `id_token`, `id_token_signature`, `id_token_expired`, `id_token_audience`, `id_token_issuer`, `id_token_nonce`, `userinfo`, `no_email`, `disabled`, `no_role`, `email_unverified`, `email_taken`, `break_glass`, `internal`.",
    extensions(("x-vexil-role" = json!("public"))),
    params(("code" = Option<String>, Query), ("state" = Option<String>, Query), ("error" = Option<String>, Query, description = "The provider's error code, when it refused."), ("error_description" = Option<String>, Query)),
    responses(
        (status = 303, description = "To the dashboard, with a hand-off code or an `sso_error`.", headers(("Location" = String))),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn finish_sso_login(
    State(store): State<Store>,
    State(oidc): State<Option<Arc<Oidc>>>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(oidc) = oidc else { return not_configured() };
    let clear = clear_cookie(&oidc);
    match finish(&store, &oidc, &headers, q).await {
        Ok((user, handoff, next)) => {
            tracing::info!(user.email = %user.email, user.role = user.role.as_str(), "logged in through single sign-on");
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("handoff", &handoff)
                .append_pair("next", &next)
                .finish();
            redirect(&format!("/login/sso?{query}"), Some(clear))
        }
        Err(e) => {
            let mut r = failed(&e);
            if let Ok(v) = HeaderValue::from_str(&clear) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
    }
}

async fn finish(
    store: &Store,
    oidc: &Oidc,
    headers: &HeaderMap,
    q: CallbackQuery,
) -> Result<(User, String, String), SsoFailure> {
    let given = q.state.ok_or(SsoFailure::State("the callback has no state parameter"))?;
    let cookie =
        state_cookie_value(headers).ok_or(SsoFailure::State("the browser did not send the state cookie"))?;
    if !secret::hashes_equal(&given, &cookie) {
        return Err(SsoFailure::State("the state does not match this browser's login"));
    }
    let login = store
        .take_sso_login(&given)
        .await?
        .ok_or(SsoFailure::State("the state is unknown, expired or already used"))?;
    if let Some(error) = q.error {
        return Err(SsoFailure::Provider(format!("{error}: {}", q.error_description.unwrap_or_default())));
    }
    let code = q.code.ok_or_else(|| SsoFailure::Provider("the callback has no code".to_owned()))?;
    let identity = oidc.complete(&code, &login.nonce, &login.pkce_verifier).await?;
    let user = account(store, oidc, &identity).await?;
    let handoff = secret::generate("");
    let expires_at = Timestamp(Timestamp::now().0 + HANDOFF_TTL_MS);
    store.insert_sso_handoff(&handoff.hash, &user.id, expires_at).await?;
    Ok((user, handoff.secret, login.next_path))
}

/// The user behind a provider identity: linked before, or an existing account with the
/// same verified email (linked now), or a new account. With a role claim configured,
/// the user's role follows the provider's claims at every login.
async fn account(store: &Store, oidc: &Oidc, id: &Identity) -> Result<User, SsoFailure> {
    let settings = &oidc.settings;
    let role = settings.roles.role_for(&id.claims);
    let actor = Actor(format!("sso:{}", id.email));
    let user = match store.user_by_identity(&id.issuer, &id.subject).await? {
        Some(user) => user,
        None if settings.is_break_glass(&id.email) => return Err(SsoFailure::BreakGlass),
        None => match store.user_by_email(&id.email).await? {
            Some(user) if !id.email_verified => {
                tracing::warn!(user.email = %user.email, "single sign-on for an existing account with an email the provider does not vouch for");
                return Err(SsoFailure::EmailUnverified);
            }
            Some(user) => {
                store.link_identity(&actor, &user, &id.issuer, &id.subject).await?;
                user
            }
            None => {
                let role = role.ok_or(SsoFailure::NoRole)?;
                let new = NewUser {
                    email: id.email.clone(),
                    name: id.name.clone(),
                    password_hash: String::new(),
                    role,
                };
                match store.create_sso_user(&actor, new, &id.issuer, &id.subject).await {
                    Ok(user) => user,
                    // Two first logins at once: the other one created the account.
                    Err(store::Error::Conflict { .. }) => store
                        .user_by_identity(&id.issuer, &id.subject)
                        .await?
                        .ok_or(SsoFailure::EmailTaken)?,
                    Err(e) => return Err(e.into()),
                }
            }
        },
    };
    if user.disabled {
        return Err(SsoFailure::Disabled);
    }
    if !settings.roles.from_claims() {
        return Ok(user);
    }
    let role = role.ok_or(SsoFailure::NoRole)?;
    if role == user.role {
        return Ok(user);
    }
    if user.role == Role::Owner && enabled_owners(store).await? <= 1 {
        tracing::warn!(user.email = %user.email, user.role = role.as_str(), "the provider's claims would demote the last owner; the user stays owner");
        return Ok(user);
    }
    let patch = UserPatch { role: Some(role), ..UserPatch::default() };
    Ok(store.update_user(&actor, &user.id, None, patch, |_| Ok::<(), store::Error>(())).await?)
}

async fn enabled_owners(store: &Store) -> Result<usize, store::Error> {
    Ok(store.list_users().await?.iter().filter(|u| u.role == Role::Owner && !u.disabled).count())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct SessionRequest {
    handoff: String,
}

/// Swaps the one-time code of a finished single sign-on for a login token.
#[utoipa::path(post, path = "/api/v1/auth/oidc/session", operation_id = "create_sso_session", tag = "auth",
    summary = "Collect a single sign-on's login token",
    description = "Swaps the one-time hand-off code from `/login/sso?handoff=...` for a login token. Each code works once, for 60 seconds.",
    extensions(("x-vexil-role" = json!("public"))),
    request_body = SessionRequest,
    responses(
        (status = 200, description = "Logged in.", body = LoginResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub(super) async fn create_sso_session(
    State(store): State<Store>,
    State(auth): State<Arc<AuthState>>,
    Json(body): Json<SessionRequest>,
) -> Result<axum::Json<LoginResponse>, ApiError> {
    let refused =
        || ApiError::Unauthorized("this sign-in has expired or was already used; log in again".to_owned());
    let user_id = store.take_sso_handoff(&secret::hash(&body.handoff)).await?.ok_or_else(refused)?;
    let user = store.get_user(&user_id).await?;
    if user.disabled {
        return Err(refused());
    }
    let (token, expires_at) = start_session(&store, &auth, &user.id).await?;
    Ok(axum::Json(LoginResponse { token, expires_at, user }))
}

/// Why a single sign-on failed.
#[derive(Debug, thiserror::Error)]
enum SsoFailure {
    #[error(transparent)]
    Oidc(#[from] OidcError),
    #[error("{0}")]
    State(&'static str),
    #[error("the identity provider refused: {0}")]
    Provider(String),
    #[error("the account is disabled")]
    Disabled,
    #[error("the provider's claims give no role, and VEXIL_OIDC_DEFAULT_ROLE is none")]
    NoRole,
    #[error("an account with this email exists, and the provider does not say the email is verified")]
    EmailUnverified,
    #[error("an account with this email exists and could not be linked")]
    EmailTaken,
    #[error("the break-glass owner logs in with a password only")]
    BreakGlass,
    #[error(transparent)]
    Store(#[from] store::Error),
}

impl SsoFailure {
    fn slug(&self) -> &'static str {
        match self {
            SsoFailure::Oidc(e) => e.slug(),
            SsoFailure::State(_) => "state",
            SsoFailure::Provider(_) => "provider",
            SsoFailure::Disabled => "disabled",
            SsoFailure::NoRole => "no_role",
            SsoFailure::EmailUnverified => "email_unverified",
            SsoFailure::EmailTaken => "email_taken",
            SsoFailure::BreakGlass => "break_glass",
            SsoFailure::Store(_) => "internal",
        }
    }
}

/// Sends the browser back to the login page with the failure's slug.
fn failed(e: &SsoFailure) -> Response {
    match e {
        SsoFailure::Store(_) => tracing::error!(sso.error = e.slug(), error = %e, "single sign-on failed"),
        _ => tracing::warn!(sso.error = e.slug(), error = %e, "single sign-on failed"),
    }
    redirect(&format!("/login?sso_error={}", e.slug()), None)
}

fn not_configured() -> Response {
    ApiError::NotFound("single sign-on is not configured on this server (VEXIL_OIDC_ISSUER)".to_owned())
        .into_response()
}

fn redirect(location: &str, cookie: Option<String>) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    h.insert(header::CACHE_CONTROL, const { HeaderValue::from_static("no-store") });
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.append(header::SET_COOKIE, v);
    }
    r
}

fn state_cookie(oidc: &Oidc, value: &str) -> String {
    Cookie::build((STATE_COOKIE, value.to_owned()))
        .path(COOKIE_PATH)
        .http_only(true)
        // Lax: sent on the provider's top-level redirect back, not on cross-site requests.
        .same_site(SameSite::Lax)
        .secure(oidc.settings.secure())
        .max_age(cookie::time::Duration::seconds(oidc::LOGIN_TTL.as_secs() as i64))
        .build()
        .to_string()
}

fn clear_cookie(oidc: &Oidc) -> String {
    Cookie::build((STATE_COOKIE, ""))
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(oidc.settings.secure())
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

fn state_cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == STATE_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// Only paths on this site: never send people elsewhere after logging in.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() <= 2048 => n,
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/p/default/flags?x=1")), "/p/default/flags?x=1");
        for bad in ["//evil.example", "https://evil.example", "/\\evil.example", "flags"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_state_cookie_is_read_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; vexil_sso_state=abc; b=2"));
        assert_eq!(state_cookie_value(&h).as_deref(), Some("abc"));
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("vexil_sso_state="));
        assert_eq!(state_cookie_value(&h), None);
    }
}
