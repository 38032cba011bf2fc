//! Flag metadata teams use: an owner, links (issue tracker, documentation) and
//! free-form properties. Stored on the flag row, shown and searched by the API and the
//! dashboard, never sent to SDKs (it is not part of [`vexil_core::Flag`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{AdditionalProperties, SchemaType};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
use vexil_core::{Problem, ValidationErrors};

use super::{Error, Result};

/// Longest owner, in characters.
pub const MAX_OWNER_CHARS: usize = 200;
/// Most links per flag.
pub const MAX_LINKS: usize = 20;
/// Longest link URL, in bytes.
pub const MAX_LINK_URL_BYTES: usize = 2_000;
/// Longest link title, in characters.
pub const MAX_LINK_TITLE_CHARS: usize = 200;
/// Most custom properties per flag.
pub const MAX_PROPERTIES: usize = 50;
/// Longest property name, in characters.
pub const MAX_PROPERTY_NAME_CHARS: usize = 64;
/// Longest property value, in characters.
pub const MAX_PROPERTY_VALUE_CHARS: usize = 1_000;

/// `properties` as a schema: at most [`MAX_PROPERTIES`] names of 1 to
/// [`MAX_PROPERTY_NAME_CHARS`] characters, each with a string of at most
/// [`MAX_PROPERTY_VALUE_CHARS`] (a map's bounds, which utoipa's field attributes cannot say).
pub(crate) fn properties_schema() -> utoipa::openapi::Object {
    properties_object(Type::Object.into())
}

/// [`properties_schema`] that may also be `null` (an update that leaves them as they are).
pub(crate) fn optional_properties_schema() -> utoipa::openapi::Object {
    properties_object(SchemaType::from_iter([Type::Object, Type::Null]))
}

fn properties_object(ty: SchemaType) -> utoipa::openapi::Object {
    let value =
        ObjectBuilder::new().schema_type(Type::String).max_length(Some(MAX_PROPERTY_VALUE_CHARS)).build();
    ObjectBuilder::new()
        .schema_type(ty)
        .max_properties(Some(MAX_PROPERTIES))
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_PROPERTY_NAME_CHARS))
                .build(),
        ))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(Schema::Object(value)))))
        .build()
}

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// An issue or ticket.
    Issue,
    /// Documentation.
    Docs,
    /// Anything else.
    #[default]
    Other,
}

/// A link from a flag to elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagLink {
    /// What it points at (`other` when absent).
    #[serde(default)]
    #[schema(default = "other")]
    pub kind: LinkKind,
    /// An absolute `http` or `https` URL (at most 2 000 bytes) without user name or
    /// password, else 422.
    #[schema(max_length = 2000)]
    pub url: String,
    /// What to show instead of the URL (at most 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 200)]
    pub title: Option<String>,
}

/// A flag's metadata, as stored and shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlagMetadata {
    /// A user's email or a team name; empty for none.
    pub owner: String,
    /// Links, in the order given.
    pub links: Vec<FlagLink>,
    /// Free-form string properties by name.
    pub properties: BTreeMap<String, String>,
}

impl FlagMetadata {
    /// Checks the bounds: owner at most [`MAX_OWNER_CHARS`]; at most [`MAX_LINKS`]
    /// links, each an absolute `http(s)` URL without user information, of at most [`MAX_LINK_URL_BYTES`] with a
    /// title of at most [`MAX_LINK_TITLE_CHARS`]; at most [`MAX_PROPERTIES`] properties,
    /// names of 1 to [`MAX_PROPERTY_NAME_CHARS`] characters, values of at most
    /// [`MAX_PROPERTY_VALUE_CHARS`]. Every problem is reported, with a JSON pointer into
    /// the flag document.
    pub fn validate(&self) -> Result<()> {
        let mut problems = Vec::new();
        let mut problem = |pointer: String, message: String| problems.push(Problem { pointer, message });
        if self.owner.chars().count() > MAX_OWNER_CHARS {
            problem("/owner".to_owned(), format!("an owner has at most {MAX_OWNER_CHARS} characters"));
        }
        if self.links.len() > MAX_LINKS {
            problem("/links".to_owned(), format!("a flag has at most {MAX_LINKS} links"));
        }
        for (i, link) in self.links.iter().enumerate() {
            if let Err(message) = check_url(&link.url) {
                problem(format!("/links/{i}/url"), message);
            }
            if link.title.as_ref().is_some_and(|t| t.chars().count() > MAX_LINK_TITLE_CHARS) {
                problem(
                    format!("/links/{i}/title"),
                    format!("a link title has at most {MAX_LINK_TITLE_CHARS} characters"),
                );
            }
        }
        if self.properties.len() > MAX_PROPERTIES {
            problem("/properties".to_owned(), format!("a flag has at most {MAX_PROPERTIES} properties"));
        }
        for (name, value) in &self.properties {
            let pointer = format!("/properties/{}", name.replace('~', "~0").replace('/', "~1"));
            let chars = name.trim().chars().count();
            if chars == 0 || name.chars().count() > MAX_PROPERTY_NAME_CHARS {
                problem(
                    pointer.clone(),
                    format!("a property name has 1 to {MAX_PROPERTY_NAME_CHARS} characters, not only spaces"),
                );
            }
            if value.chars().count() > MAX_PROPERTY_VALUE_CHARS {
                problem(
                    pointer,
                    format!("a property value has at most {MAX_PROPERTY_VALUE_CHARS} characters"),
                );
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(Error::Invalid(ValidationErrors { problems })) }
    }
}

/// An absolute `http` or `https` URL with a host and no user information
/// (`user:pass@`), of at most [`MAX_LINK_URL_BYTES`].
fn check_url(url: &str) -> std::result::Result<(), String> {
    if url.len() > MAX_LINK_URL_BYTES {
        return Err(format!("a link URL has at most {MAX_LINK_URL_BYTES} bytes"));
    }
    let parsed = url::Url::parse(url).map_err(|e| format!("not an absolute URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err("a link is an http or https URL with a host".to_owned());
    }
    // Credentials in a link would be shown to everyone who reads the flag.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("a link URL carries no user name or password (user:pass@)".to_owned());
    }
    Ok(())
}
