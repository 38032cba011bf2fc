//! First-run set-up: when the server generated the owner's password (no
//! `VEXIL_ADMIN_PASSWORD`), the dashboard lets whoever has that one-time password choose
//! the owner's email, name and real password.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::response::IntoResponse;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{ClientAddr, Json};
use super::openapi::responses::*;
use super::shared::{field_error, hash_password, start_session};
use crate::auth::{AuthState, password};
use crate::store::SETUP_PENDING;
use crate::store::{Actor, Store, UserPatch};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new().route("/setup", get(get_setup).post(complete_setup))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct SetupState {
    pending: bool,
    /// The generated owner's email while set-up is pending.
    #[schema(required = true)]
    email: Option<String>,
}

async fn pending_user(store: &Store) -> Result<Option<crate::store::User>, ApiError> {
    let Some(id) = store.setting(SETUP_PENDING).await? else { return Ok(None) };
    match store.get_user(&id).await {
        Ok(u) => Ok(Some(u)),
        Err(crate::store::Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[utoipa::path(get, path = "/api/v1/setup", operation_id = "get_setup", tag = "auth",
    summary = "Whether first-run set-up is pending",
    description = "Pending when the server created the owner account with a generated password (printed once at first start) that nobody has replaced yet.",
    extensions(("x-vexil-role" = json!("public"))),
    responses(
        (status = 200, description = "The set-up state.", body = SetupState),
    ))]
pub(super) async fn get_setup(State(store): State<Store>) -> Result<impl IntoResponse, ApiError> {
    let user = pending_user(&store).await?;
    Ok(axum::Json(SetupState { pending: user.is_some(), email: user.map(|u| u.email) }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct SetupRequest {
    /// The password the server printed at first start.
    setup_password: String,
    email: String,
    #[serde(default)]
    name: String,
    #[schema(min_length = 10, max_length = 256)]
    password: String,
}

#[utoipa::path(post, path = "/api/v1/setup", operation_id = "complete_setup", tag = "auth",
    summary = "Claim the generated owner account",
    description = "With the one-time password the server printed, sets the owner's email, name and password, ends set-up and logs in. Wrong one-time passwords count as failed logins.",
    extensions(("x-vexil-role" = json!("public"))),
    request_body = SetupRequest,
    responses(
        (status = 200, description = "Set up and logged in.", body = super::shared::LoginResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
pub(super) async fn complete_setup(
    State(store): State<Store>,
    State(auth): State<Arc<AuthState>>,
    ClientAddr(addr): ClientAddr,
    Json(body): Json<SetupRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let Some(user) = pending_user(&store).await? else {
        return Err(ApiError::Conflict {
            detail: "set-up is already done; log in instead".to_owned(),
            dependents: vec![],
        });
    };
    // Guessing the one-time password counts as failed logins.
    let limits = &auth.login_limits;
    let attempt = limits.attempt(&store, &user.email, addr).await?;
    let (given, phc) = (body.setup_password.clone(), user.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || password::verify(&given, &phc))
        .await
        .map_err(|e| ApiError::Internal(format!("password check task: {e}")))?;
    if !ok {
        return Err(ApiError::Unauthorized("the set-up password is wrong".to_owned()));
    }
    limits.succeeded(&store, &attempt).await?;
    let email = body.email.trim().to_lowercase();
    // The length bound is on what was sent, as the contract states it, and on what is kept.
    if body.email.chars().count() > 254
        || email.chars().count() > 254
        || !email.split_once('@').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
    {
        return Err(field_error("/email", "not an email address"));
    }
    let password_hash = hash_password(body.password).await?;
    let name = if body.name.trim().is_empty() { email.clone() } else { body.name.trim().to_owned() };
    let patch =
        UserPatch { name: Some(name), role: None, password_hash: Some(password_hash), disabled: None };
    let actor = Actor(format!("user:{}", user.email));
    let updated = store.update_user(&actor, &user.id, None, patch, |_| Ok::<_, ApiError>(())).await?;
    let updated =
        if updated.email == email { updated } else { store.change_email(&updated.id, &email).await? };
    store.delete_setting(SETUP_PENDING).await?;
    let (token, expires_at) = start_session(&store, &auth, &updated.id).await?;
    Ok(axum::Json(super::shared::LoginResponse { token, expires_at, user: updated }))
}
