//! The SDK wire protocol, defined once for the server that speaks it and the SDKs that
//! read it: the stream's event names and payloads, and the usage and metric batches
//! SDKs send back, with their limits.
//!
//! - `GET /sdk/v1/config` answers a [`crate::Snapshot`] as JSON.
//! - `GET /sdk/v1/stream` (Server-Sent Events) sends [`SNAPSHOT_EVENT`] first (a
//!   snapshot), then one event per change, named by [`ChangeKind::event_name`]: `flag`
//!   and `segment` carry the object as in a snapshot, `flag_deleted` and
//!   `segment_deleted` carry [`DeletedKey`]. The SSE `id` of every event is the
//!   environment version it brings the client to.
//! - `POST /sdk/v1/events` takes an [`EventBatch`].
//!
//! [`parse_change`] is the one reader of change events: the server's hubs apply the
//! change feed with it, and the Rust SDK reads its stream with it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lenient::Unparsed;
use crate::model::{Segment, SnapshotFlag};

/// The SSE event carrying a whole snapshot.
pub const SNAPSHOT_EVENT: &str = "snapshot";
/// Response header of the stream: `resumed` (only what the client missed follows) or
/// `snapshot` (a snapshot comes first).
pub const STREAM_START_HEADER: &str = "x-vexil-stream-start";
/// Most usage entries, and most metric events, in one batch.
pub const MAX_BATCH_ENTRIES: usize = 10_000;
/// Most flags a metric event may name the served variant of.
pub const MAX_WATCHED_FLAGS: usize = 50;
/// How far ahead of the server's clock an event time may be, in milliseconds.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60_000;
/// Longest metric event key, in bytes.
pub const MAX_EVENT_KEY_LEN: usize = 128;
/// Longest application name, in bytes.
pub const MAX_APPLICATION_NAME_LEN: usize = 100;
/// Longest application version, in bytes.
pub const MAX_APPLICATION_VERSION_LEN: usize = 64;

/// What a change event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A flag was created or changed; the payload is its snapshot form.
    Flag,
    /// A flag left the snapshot (deleted or archived); the payload is [`DeletedKey`].
    FlagDeleted,
    /// A segment was created or changed; the payload is the segment.
    Segment,
    /// A segment was deleted; the payload is [`DeletedKey`].
    SegmentDeleted,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [ChangeKind; 4] =
        [ChangeKind::Flag, ChangeKind::FlagDeleted, ChangeKind::Segment, ChangeKind::SegmentDeleted];

    /// The SSE event name (also how the server stores the kind).
    pub fn event_name(self) -> &'static str {
        match self {
            ChangeKind::Flag => "flag",
            ChangeKind::FlagDeleted => "flag_deleted",
            ChangeKind::Segment => "segment",
            ChangeKind::SegmentDeleted => "segment_deleted",
        }
    }

    /// The kind an SSE event name stands for; `None` for other events (the snapshot,
    /// or events a newer server sends that this reader does not know).
    pub fn from_event_name(name: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.event_name() == name)
    }
}

/// The payload of `flag_deleted` and `segment_deleted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedKey {
    /// The key of the flag or segment gone.
    pub key: String,
}

/// One change event, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A flag, new or changed.
    Flag(SnapshotFlag),
    /// A flag gone from the snapshot.
    FlagDeleted(String),
    /// A segment, new or changed.
    Segment(Segment),
    /// A segment gone.
    SegmentDeleted(String),
    /// A flag or segment whose payload does not have the model's shape, set aside by
    /// key: a lenient reader serves it as an error (see [`crate::LenientCompile`]).
    Unparsed(Unparsed),
}

/// Why a change event cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The payload is not JSON of the expected shape.
    #[error("malformed {event} event: {source}")]
    Malformed {
        /// The event name.
        event: &'static str,
        /// The parser's complaint.
        #[source]
        source: serde_json::Error,
    },
    /// A `flag` or `segment` payload without a string `key`: nothing can be said about
    /// which object it is.
    #[error("{event} event without a key")]
    MissingKey {
        /// The event name.
        event: &'static str,
    },
}

/// Reads a change event from its SSE event name and data. `Ok(None)` for an event
/// name that is not a change (see [`ChangeKind::from_event_name`]).
///
/// A `flag` or `segment` payload that has a key but not the model's shape is
/// [`Change::Unparsed`], so that one bad object never stops a reader; a payload with
/// no key, or a delete that does not parse, is a [`WireError`].
pub fn parse_change(event: &str, data: &str) -> Result<Option<Change>, WireError> {
    let Some(kind) = ChangeKind::from_event_name(event) else {
        return Ok(None);
    };
    let event = kind.event_name();
    let missing = |found: Option<Unparsed>| match found {
        Some(u) => Ok(Change::Unparsed(u)),
        // Not even keyed: either not JSON at all, or JSON without a string key.
        None => Err(match serde_json::from_str::<serde_json::Value>(data) {
            Err(source) => WireError::Malformed { event, source },
            Ok(_) => WireError::MissingKey { event },
        }),
    };
    let deleted = || {
        serde_json::from_str::<DeletedKey>(data)
            .map(|d| d.key)
            .map_err(|source| WireError::Malformed { event, source })
    };
    Ok(Some(match kind {
        ChangeKind::Flag => match Unparsed::parse_flag(data) {
            Ok(f) => Change::Flag(f),
            Err(found) => missing(found)?,
        },
        ChangeKind::Segment => match Unparsed::parse_segment(data) {
            Ok(s) => Change::Segment(s),
            Err(found) => missing(found)?,
        },
        ChangeKind::FlagDeleted => Change::FlagDeleted(deleted()?),
        ChangeKind::SegmentDeleted => Change::SegmentDeleted(deleted()?),
    }))
}

/// A batch of events an SDK sends to `POST /sdk/v1/events`. Every field is optional;
/// a server ignores fields it does not know, so newer SDKs keep working.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct EventBatch {
    /// The period the usage counts cover; the server books them at its end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// Evaluation counts per (flag, variant); at most [`MAX_BATCH_ENTRIES`].
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(default = json!([]), max_items = 10000))]
    pub usage: Vec<UsageEntry>,
    /// Custom metric events; at most [`MAX_BATCH_ENTRIES`].
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(default = json!([]), max_items = 10000))]
    pub metrics: Vec<MetricEntry>,
    /// The application the SDK runs in; the server records which applications
    /// evaluated each flag, and when last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Application>,
}

/// An application that evaluates flags: a name and, where known, a version
/// (`checkout-api`, `2.3.1`). Both are checked by [`Application::problem`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Application {
    /// 1 to [`MAX_APPLICATION_NAME_LEN`] bytes of printable text.
    #[cfg_attr(feature = "utoipa", schema(min_length = 1, max_length = 100, example = "checkout-api"))]
    pub name: String,
    /// Up to [`MAX_APPLICATION_VERSION_LEN`] bytes of printable text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(max_length = 64, example = "2.3.1"))]
    pub version: Option<String>,
}

impl Application {
    /// An application named `name` at `version` (an empty version is none).
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Application {
        let version = version.into();
        Application { name: name.into(), version: (!version.is_empty()).then_some(version) }
    }

    /// What is wrong with it, as a JSON pointer below the application and a message;
    /// `None` when it is acceptable. Control characters are refused because names are
    /// shown in the dashboard and written to logs.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let printable = |s: &str| !s.chars().any(char::is_control);
        let name = &self.name;
        if name.trim().is_empty() || name.len() > MAX_APPLICATION_NAME_LEN || !printable(name) {
            return Some((
                "/name",
                format!("an application name is 1 to {MAX_APPLICATION_NAME_LEN} bytes of printable text"),
            ));
        }
        match &self.version {
            Some(v) if v.len() > MAX_APPLICATION_VERSION_LEN || !printable(v) => Some((
                "/version",
                format!(
                    "an application version is at most {MAX_APPLICATION_VERSION_LEN} bytes of printable text"
                ),
            )),
            _ => None,
        }
    }
}

/// A period, as two RFC 3339 times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema), schema(as = EventWindow))]
pub struct Window {
    /// Start (inclusive).
    #[cfg_attr(feature = "utoipa", schema(format = DateTime))]
    pub start: String,
    /// End (exclusive).
    #[cfg_attr(feature = "utoipa", schema(format = DateTime))]
    pub end: String,
}

/// How often one variant of one flag was served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct UsageEntry {
    /// The flag key.
    pub flag: String,
    /// The variant key.
    pub variant: String,
    /// Evaluations.
    #[cfg_attr(feature = "utoipa", schema(minimum = 1, maximum = 1_000_000_000))]
    pub count: u64,
}

/// One custom metric event (`track`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct MetricEntry {
    /// The event key (see [`event_key_ok`]).
    #[cfg_attr(feature = "utoipa", schema(pattern = "^[A-Za-z0-9_.:/-]{1,128}$"))]
    pub event: String,
    /// The value (1 for a plain count).
    #[serde(default = "one")]
    #[cfg_attr(feature = "utoipa", schema(default = 1))]
    pub value: f64,
    /// When it happened (RFC 3339); absent means when the server receives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(format = DateTime))]
    pub at: Option<String>,
    /// The variant each flag served the context the event is about (at most
    /// [`MAX_WATCHED_FLAGS`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "utoipa", schema(schema_with = watched_variants_schema))]
    pub variants: BTreeMap<String, String>,
}

/// `variants` as a schema: flag keys to variant keys, at most [`MAX_WATCHED_FLAGS`]
/// (a map's bound, which utoipa's field attributes cannot say).
#[cfg(feature = "utoipa")]
fn watched_variants_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::AdditionalProperties;
    use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .max_properties(Some(MAX_WATCHED_FLAGS))
        .default(Some(serde_json::json!({})))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(Schema::Object(
            ObjectBuilder::new().schema_type(Type::String).build(),
        )))))
        .build()
}

fn one() -> f64 {
    1.0
}

/// Whether a metric event key is acceptable: 1 to [`MAX_EVENT_KEY_LEN`] bytes of ASCII
/// letters, digits and `_ - . : /`.
pub fn event_key_ok(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_EVENT_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_round_trip() {
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::from_event_name(kind.event_name()), Some(kind));
        }
        assert_eq!(ChangeKind::from_event_name(SNAPSHOT_EVENT), None);
    }

    #[test]
    fn applications_are_printable_and_bounded() {
        let app = |name: &str, version: Option<&str>| Application {
            name: name.to_owned(),
            version: version.map(str::to_owned),
        };
        assert_eq!(app("checkout-api", Some("2.3.1")).problem(), None);
        assert_eq!(app("checkout api", None).problem(), None);
        assert_eq!(app(" ", None).problem().map(|p| p.0), Some("/name"));
        assert_eq!(app("a\u{7}b", None).problem().map(|p| p.0), Some("/name"));
        assert_eq!(
            app(&"a".repeat(MAX_APPLICATION_NAME_LEN + 1), None).problem().map(|p| p.0),
            Some("/name")
        );
        assert_eq!(app("a", Some("1\n2")).problem().map(|p| p.0), Some("/version"));
        assert_eq!(
            app("a", Some(&"9".repeat(MAX_APPLICATION_VERSION_LEN + 1))).problem().map(|p| p.0),
            Some("/version")
        );
        // Older servers ignore the field; batches without it stay as they were.
        let batch: EventBatch = serde_json::from_str(r#"{"usage":[]}"#).unwrap();
        assert_eq!(batch.application, None);
    }

    #[test]
    fn deletes_bad_payloads_and_unknown_events() {
        assert_eq!(
            parse_change("flag_deleted", r#"{"key":"a"}"#).unwrap(),
            Some(Change::FlagDeleted("a".to_owned()))
        );
        assert!(matches!(parse_change("flag", "{not json"), Err(WireError::Malformed { .. })));
        assert!(matches!(parse_change("segment_deleted", "{}"), Err(WireError::Malformed { .. })));
        assert!(matches!(parse_change("flag", r#"{"kind":"boolean"}"#), Err(WireError::MissingKey { .. })));
        assert!(matches!(parse_change("flag", r#"{"key":"f","kind":7}"#), Ok(Some(Change::Unparsed(_)))));
        assert!(parse_change("something_new", "{}").unwrap().is_none());
    }
}
