//! Authorisation as an extractor, so that it runs before the body is read: a caller
//! without the right role learns nothing about what a valid request would be.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use super::{AuthError, AuthState, Principal, Role};
use crate::store::Store;

/// A minimum role, as a type.
pub trait MinRole {
    /// The role.
    const ROLE: Role;
}

/// Marker for [`Role::Viewer`].
#[derive(Debug)]
pub struct ViewerRole;
/// Marker for [`Role::Editor`].
#[derive(Debug)]
pub struct EditorRole;
/// Marker for [`Role::Admin`].
#[derive(Debug)]
pub struct AdminRole;

impl MinRole for ViewerRole {
    const ROLE: Role = Role::Viewer;
}
impl MinRole for EditorRole {
    const ROLE: Role = Role::Editor;
}
impl MinRole for AdminRole {
    const ROLE: Role = Role::Admin;
}

/// A caller with at least role `R`; on routes under `/projects/{project}`, also
/// allowed in that project (project-scoped API tokens).
#[derive(Debug)]
pub struct Authorized<R> {
    /// The caller.
    pub principal: Principal,
    role: PhantomData<R>,
}

/// At least a viewer.
pub type Viewer = Authorized<ViewerRole>;
/// At least an editor.
pub type Editor = Authorized<EditorRole>;
/// At least an admin.
pub type Admin = Authorized<AdminRole>;

impl<S, R> FromRequestParts<S> for Authorized<R>
where
    S: Send + Sync,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
    R: MinRole + Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state).await.ok();
        let project =
            params.as_ref().and_then(|p| p.iter().find(|(k, _)| *k == "project").map(|(_, v)| v.to_owned()));
        match project {
            Some(project) => principal.require_in(&project, R::ROLE)?,
            None => principal.require(R::ROLE)?,
        }
        Ok(Authorized { principal, role: PhantomData })
    }
}

/// The user named by the `{id}` path parameter acting on themselves, or an admin.
#[derive(Debug)]
pub struct SelfOrAdmin {
    /// The caller.
    pub principal: Principal,
    /// Whether the caller is the user the path names.
    pub is_self: bool,
}

impl<S> FromRequestParts<S> for SelfOrAdmin
where
    S: Send + Sync,
    Store: FromRef<S>,
    Arc<AuthState>: FromRef<S>,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state).await.ok();
        let id = params.as_ref().and_then(|p| p.iter().find(|(k, _)| *k == "id").map(|(_, v)| v.to_owned()));
        let is_self = matches!((&principal, &id), (Principal::User { user, .. }, Some(id)) if user.id == *id);
        if !is_self {
            principal.require(Role::Admin)?;
        }
        Ok(SelfOrAdmin { principal, is_self })
    }
}
