//! `/users`: dashboard accounts and roles.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, with_etag};
use crate::app::AppState;
use crate::auth::{Admin, Authorized, Principal, Role, SelfOrAdmin, password};
use crate::store::{NewUser, Page, User, UserPatch};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(get_user).patch(update_user).delete(delete_user))
}

#[derive(Deserialize)]
struct CreateUser {
    email: String,
    #[serde(default)]
    name: String,
    password: String,
    role: Role,
}

#[derive(Deserialize)]
struct UpdateUser {
    name: Option<String>,
    role: Option<Role>,
    password: Option<String>,
    /// Required when changing one's own password.
    current_password: Option<String>,
    disabled: Option<bool>,
}

fn check_email(email: &str) -> Result<(), ApiError> {
    let ok = email.chars().count() <= 254
        && email.split_once('@').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty());
    if ok { Ok(()) } else { Err(field_error("/email", "not an email address")) }
}

pub(super) fn field_error(pointer: &str, message: &str) -> ApiError {
    ApiError::Validation(vexil_core::ValidationErrors {
        problems: vec![vexil_core::Problem { pointer: pointer.to_owned(), message: message.to_owned() }],
    })
}

pub(super) async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing task: {e}")))?
        .map_err(|e| match e {
            password::PasswordError::Length => field_error("/password", &e.to_string()),
            other => ApiError::Internal(other.to_string()),
        })
}

fn self_id(principal: &Principal) -> Option<&str> {
    match principal {
        Principal::User { user, .. } => Some(&user.id),
        Principal::Token { .. } => None,
    }
}

/// Admins manage everyone but owners; only owners manage owners.
fn may_manage(principal: &Principal, target_role: Role) -> Result<(), ApiError> {
    principal.require(Role::Admin)?;
    if target_role == Role::Owner && principal.role() < Role::Owner {
        return Err(ApiError::Forbidden("only owners can manage owners".to_owned()));
    }
    Ok(())
}

async fn owners(state: &AppState) -> Result<usize, ApiError> {
    Ok(state.store.list_users().await?.iter().filter(|u| u.role == Role::Owner && !u.disabled).count())
}

async fn list_users(
    State(state): State<AppState>,
    Authorized { principal: _, .. }: Admin,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(Page { items: state.store.list_users().await?, next_cursor: None }))
}

async fn create_user(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Json(body): Json<CreateUser>,
) -> Result<Response, ApiError> {
    may_manage(&principal, body.role)?;
    let email = body.email.trim().to_lowercase();
    check_email(&email)?;
    let password_hash = hash_password(body.password).await?;
    let name = if body.name.is_empty() { email.clone() } else { body.name };
    let user = state
        .store
        .create_user(&principal.actor(), NewUser { email, name, password_hash, role: body.role })
        .await?;
    Ok(with_etag(StatusCode::CREATED, user.version, &user))
}

async fn get_user(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = state.store.get_user(&id).await?;
    Ok(with_etag(StatusCode::OK, user.version, &user))
}

async fn update_user(
    State(state): State<AppState>,
    SelfOrAdmin { principal, is_self }: SelfOrAdmin,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<UpdateUser>,
) -> Result<Response, ApiError> {
    let target = state.store.get_user(&id).await?;
    let admin_fields = body.role.is_some() || body.disabled.is_some();
    if !is_self || admin_fields {
        may_manage(&principal, target.role)?;
        if body.role == Some(Role::Owner) {
            may_manage(&principal, Role::Owner)?;
        }
    }
    if is_self && body.password.is_some() {
        let current = body.current_password.clone().unwrap_or_default();
        let phc = target.password_hash.clone();
        let ok = tokio::task::spawn_blocking(move || password::verify(&current, &phc))
            .await
            .map_err(|e| ApiError::Internal(format!("password check task: {e}")))?;
        if !ok {
            return Err(field_error("/current_password", "the current password is wrong"));
        }
    }
    let losing_owner = target.role == Role::Owner
        && !target.disabled
        && (body.role.is_some_and(|r| r != Role::Owner) || body.disabled == Some(true));
    if losing_owner && owners(&state).await? <= 1 {
        return Err(ApiError::Conflict {
            detail: "the last owner cannot be demoted or disabled".to_owned(),
            dependents: vec![],
        });
    }
    let password_hash = match body.password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let patch = UserPatch { name: body.name, role: body.role, password_hash, disabled: body.disabled };
    let password_changed = patch.password_hash.is_some();
    let user: User = state.store.update_user(&principal.actor(), &id, version, patch).await?;
    if password_changed
        && state.store.setting(crate::app::SETUP_PENDING).await?.as_deref() == Some(id.as_str())
    {
        // The generated password is gone: the account is claimed.
        state.store.delete_setting(crate::app::SETUP_PENDING).await?;
    }
    Ok(with_etag(StatusCode::OK, user.version, &user))
}

async fn delete_user(
    State(state): State<AppState>,
    Authorized { principal, .. }: Admin,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    let target = state.store.get_user(&id).await?;
    may_manage(&principal, target.role)?;
    if self_id(&principal) == Some(id.as_str()) {
        return Err(ApiError::Conflict {
            detail: "you cannot delete your own account".to_owned(),
            dependents: vec![],
        });
    }
    if target.role == Role::Owner && owners(&state).await? <= 1 {
        return Err(ApiError::Conflict {
            detail: "the last owner cannot be deleted".to_owned(),
            dependents: vec![],
        });
    }
    state.store.delete_user(&principal.actor(), &id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}
