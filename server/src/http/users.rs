//! `/users`: dashboard accounts and roles.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{IfMatch, Json, Path, Query, ReadOnlyFields, Update, with_etag};
use super::openapi::responses::*;
use super::pages::{Order, PageQuery, page_of};
use super::shared::{field_error, hash_password};
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthState;
use crate::auth::{Admin, Authorized, Principal, Role, SelfOrAdmin, password};
use crate::store::Store;
use crate::store::{NewUser, Page, User, UserPatch};

pub(super) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    Router::new()
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(get_user).patch(update_user).delete(delete_user))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct CreateUser {
    /// An address with an `@` (at most 254 characters); trimmed and lower-cased.
    #[schema(max_length = 254, pattern = r"^\s*[^\s@][^@]*@[\s\S]*\S\s*$")]
    email: String,
    /// Display name; defaults to the email.
    #[serde(default)]
    name: String,
    /// 10 to 256 characters.
    #[schema(min_length = 10, max_length = 256)]
    password: String,
    role: Role,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct UpdateUser {
    name: Option<String>,
    role: Option<Role>,
    /// 10 to 256 characters.
    #[schema(min_length = 10, max_length = 256)]
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

#[utoipa::path(get, path = "/api/v1/users", operation_id = "list_users", tag = "users",
    summary = "List users",
    description = "Lists every user by email (one page, no cursor).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "Page size (1 to 1000, else 400). Without it the whole list comes in one page, as before pagination existed; with it, follow `next_cursor`."), ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page: a position in the list's order (segments by key, users by email, API tokens and SDK keys newest first), and the page continues after it, so an item deleted meanwhile never makes it fail.")),
    responses(
        (status = 200, description = "The users.", body = Page<User>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ))]
pub(super) async fn list_users(
    State(store): State<Store>,
    Authorized { principal: _, .. }: Admin,
    Query(q): Query<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(axum::Json(page_of(store.list_users().await?, &q, Order::Ascending, |u| u.email.clone())?))
}

#[utoipa::path(post, path = "/api/v1/users", operation_id = "create_user", tag = "users",
    summary = "Create a user",
    description = "Creates a dashboard account (the email is trimmed and lower-cased; the name defaults to the email). Only owners may create owners.",
    extensions(("x-vexil-role" = json!("admin"))),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created.", body = User, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
pub(super) async fn create_user(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Json(body): Json<CreateUser>,
) -> Result<Response, ApiError> {
    may_manage(&principal, body.role)?;
    // The length bound is on what was sent, as the contract states it, and on what is kept.
    check_email(&body.email)?;
    let email = body.email.trim().to_lowercase();
    check_email(&email)?;
    let password_hash = hash_password(body.password).await?;
    let name = if body.name.is_empty() { email.clone() } else { body.name };
    let user = store
        .create_user(&principal.actor(), NewUser { email, name, password_hash, role: body.role })
        .await?;
    Ok(with_etag(StatusCode::CREATED, user.version, &user))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", operation_id = "get_user", tag = "users",
    summary = "Get a user",
    description = "Reads one user; any logged-in user may read their own account.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("id" = String, Path, description = "The user id.")),
    responses(
        (status = 200, description = "The user.", body = User, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn get_user(
    State(store): State<Store>,
    _: SelfOrAdmin,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = store.get_user(&id).await?;
    Ok(with_etag(StatusCode::OK, user.version, &user))
}

/// Changes a user. The body may be the user as `GET` returns it: `id` and `email` must
/// then be this user's, and a `role` or `disabled` equal to the current value is no
/// change (so users can send their own record back). Who may change what is decided on
/// the user as locked for the write.
#[utoipa::path(patch, path = "/api/v1/users/{id}", operation_id = "update_user", tag = "users",
    summary = "Update a user",
    description = "Changes a user; absent fields stay as they are. A logged-in user may change their own `name` and `password` without the admin role (a new own password needs `current_password`); changing `role` or `disabled` always needs admin. Only owners may change an owner or make someone an owner, and the last active owner cannot be demoted or disabled (409). Disabling a user ends their sessions and revokes the API tokens that act for them. The body of a `GET` of the same user is accepted unchanged: `version`, `created_at` and `updated_at` are ignored, `id` and `email` must be this user's (422 otherwise), and a `role` or `disabled` equal to the current value is no change.",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("id" = String, Path, description = "The user id."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "The updated user.", body = User, headers(("ETag" = String, description = "The resource version, as a quoted string (`\"7\"`)."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn update_user(
    State(store): State<Store>,
    SelfOrAdmin { principal, is_self }: SelfOrAdmin,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    update: Update<UpdateUser>,
) -> Result<Response, ApiError> {
    let target = store.get_user(&id).await?;
    update.check_same("id", &target.id, "the body is another user")?;
    update.check_same("email", &target.email, "an email cannot be changed here")?;
    let body = update.body;
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
    let password_hash = match body.password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let (role, disabled) = (body.role, body.disabled);
    let may_change = |locked: &User| -> Result<(), ApiError> {
        let changes_role = role.is_some_and(|r| r != locked.role);
        let changes_disabled = disabled.is_some_and(|d| d != locked.disabled);
        if !is_self || changes_role || changes_disabled {
            may_manage(&principal, locked.role)?;
            if changes_role && role == Some(Role::Owner) {
                may_manage(&principal, Role::Owner)?;
            }
        }
        Ok(())
    };
    let patch = UserPatch { name: body.name, role, password_hash, disabled };
    let password_changed = patch.password_hash.is_some();
    let user: User = store.update_user(&principal.actor(), &id, version, patch, may_change).await?;
    if password_changed && store.setting(crate::store::SETUP_PENDING).await?.as_deref() == Some(id.as_str()) {
        // The generated password is gone: the account is claimed.
        store.delete_setting(crate::store::SETUP_PENDING).await?;
    }
    Ok(with_etag(StatusCode::OK, user.version, &user))
}

#[utoipa::path(delete, path = "/api/v1/users/{id}", operation_id = "delete_user", tag = "users",
    summary = "Delete a user",
    description = "Deletes a user and revokes the API tokens that act for them; only owners may delete owners, nobody may delete their own account, and the last owner cannot be deleted (409).",
    extensions(("x-vexil-role" = json!("admin"))),
    params(("id" = String, Path, description = "The user id."), ("If-Match" = String, Header, pattern = "^(\\*|(W/)?\"[0-9]{1,18}\"|[0-9]{1,18})$", description = "The version the change is based on, as its ETag (`\"7\"`; `W/\"7\"` and a bare `7` are accepted too), or `*` to apply the change whatever the current version. One ETag, as this server issued it: a list or another server's tag is refused with 400. Without the header the answer is 428 (Precondition Required).")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 428, response = PreconditionRequired),
    ))]
pub(super) async fn delete_user(
    State(store): State<Store>,
    Authorized { principal, .. }: Admin,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
) -> Result<StatusCode, ApiError> {
    if self_id(&principal) == Some(id.as_str()) {
        return Err(ApiError::Conflict {
            detail: "you cannot delete your own account".to_owned(),
            dependents: vec![],
        });
    }
    let may_delete = |locked: &User| may_manage(&principal, locked.role);
    store.delete_user(&principal.actor(), &id, version, may_delete).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl ReadOnlyFields for UpdateUser {
    const READ_ONLY: &'static [&'static str] = &["id", "email", "version", "created_at", "updated_at"];
}
