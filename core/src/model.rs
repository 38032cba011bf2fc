//! The flag model as it travels in JSON: flags, per-environment configurations,
//! segments and the snapshot an SDK receives.
//!
//! These types only describe data. They accept anything serde can read; whether the
//! data makes sense is decided by [`crate::validate`], and only validated data is
//! compiled for evaluation. Unknown fields are ignored here so that an older SDK keeps
//! reading a newer server's snapshot; the server rejects unknown fields at its own
//! boundary.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The type of every variant value of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// `true` or `false`.
    Boolean,
    /// A UTF-8 string.
    String,
    /// A finite JSON number.
    Number,
    /// Any JSON value.
    Json,
}

impl FlagKind {
    /// The name used in JSON and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::Boolean => "boolean",
            FlagKind::String => "string",
            FlagKind::Number => "number",
            FlagKind::Json => "json",
        }
    }

    /// Whether `value` is a value of this kind.
    pub fn admits(self, value: &Value) -> bool {
        match self {
            FlagKind::Boolean => value.is_boolean(),
            FlagKind::String => value.is_string(),
            FlagKind::Number => value.is_number(),
            FlagKind::Json => true,
        }
    }
}

/// Whether a flag is meant to be removed once released.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// A release flag: it should be cleaned up after rollout.
    #[default]
    Temporary,
    /// An operational or permission flag that stays.
    Permanent,
}

/// One possible value of a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Variant {
    /// Unique within the flag; rules and rollouts refer to it.
    pub key: String,
    /// The value served; must be of the flag's kind.
    pub value: Value,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// What this variant means.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A flag's definition, shared by every environment of its project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Flag {
    /// Lower-case slug, unique in its project.
    pub key: String,
    // The fields read with a default are always written: required in the API's answers,
    // the only place the document shows a `Flag` (requests are `NewFlag` and `FlagPatch`).
    /// Human-readable name.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub name: String,
    /// What the flag controls.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub description: String,
    /// The type of every variant value.
    pub kind: FlagKind,
    /// Ordered list of the values the flag can serve.
    pub variants: Vec<Variant>,
    /// Free labels used for search.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub tags: Vec<String>,
    /// Temporary or permanent.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub lifecycle: Lifecycle,
    /// Random string mixed into bucketing so that flags bucket independently.
    pub salt: String,
    /// Whether client (browser) SDK keys may evaluate this flag.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub client_visible: bool,
}

/// How a flag behaves in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct FlagConfig {
    /// When false the flag serves `off_variant` and nothing else is looked at.
    pub enabled: bool,
    /// Served when the flag is disabled or a prerequisite fails.
    pub off_variant: String,
    /// Individual context keys pinned to a variant; checked before rules.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Checked in order; the first rule whose conditions all hold decides.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Served when no target or rule applies.
    pub default: Serve,
    /// Other flags that must serve a given variant for this flag to be evaluated.
    #[serde(default)]
    pub prerequisites: Vec<Prerequisite>,
    /// Bumped on every change of this configuration.
    #[serde(default)]
    pub version: u64,
}

impl FlagConfig {
    /// The segment keys this configuration's rules test membership of (the string
    /// operands of `in_segment` conditions), in rule order, repeats included. With
    /// [`FlagConfig::prerequisite_flags`], everything the configuration names outside
    /// itself: what a write has to look up to validate it, and what makes it a dependent
    /// of a segment.
    pub fn segments_used(&self) -> impl Iterator<Item = &str> {
        self.rules
            .iter()
            .flat_map(|r| &r.conditions)
            .filter(|c| c.op == Op::InSegment)
            .flat_map(|c| c.values.iter().filter_map(Value::as_str))
    }

    /// The keys of this configuration's prerequisite flags, in order.
    pub fn prerequisite_flags(&self) -> impl Iterator<Item = &str> {
        self.prerequisites.iter().map(|p| p.flag.as_str())
    }
}

/// Context keys that always get one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Target {
    /// The variant served.
    pub variant: String,
    /// Context keys (targeting keys) that get it.
    pub keys: Vec<String>,
}

/// A targeting rule: when every condition holds, `serve` decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Rule {
    /// Stable identifier reported with `TARGETING_MATCH`; unique within the flag.
    #[serde(default)]
    pub id: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// All must hold. An empty list always holds.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// What a matching context gets.
    pub serve: Serve,
}

/// One test on a context attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Condition {
    /// The attribute tested; `key` means the context key. Unused by `in_segment`.
    #[serde(default)]
    pub attribute: String,
    /// The operator.
    pub op: Op,
    /// Operands; their types depend on the operator.
    #[serde(default)]
    pub values: Vec<Value>,
    /// Inverts the outcome when the attribute is present and of a usable type.
    #[serde(default)]
    pub negate: bool,
}

/// Condition operators. Unknown operators fail deserialisation, so they are rejected
/// when a configuration is saved, never at evaluation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal to one of the values (string, number or boolean).
    In,
    /// Contains one of the values as a substring.
    Contains,
    /// Starts with one of the values.
    StartsWith,
    /// Ends with one of the values.
    EndsWith,
    /// Matches one of the regular expressions (unanchored).
    Matches,
    /// Number less than the value.
    Lt,
    /// Number less than or equal to the value.
    Lte,
    /// Number greater than the value.
    Gt,
    /// Number greater than or equal to the value.
    Gte,
    /// Semantic version equal to the value.
    SemverEq,
    /// Semantic version lower than the value.
    SemverLt,
    /// Semantic version lower than or equal to the value.
    SemverLte,
    /// Semantic version greater than the value.
    SemverGt,
    /// Semantic version greater than or equal to the value.
    SemverGte,
    /// Time strictly before the value (RFC 3339).
    Before,
    /// Time strictly after the value (RFC 3339).
    After,
    /// The context is in one of the named segments.
    InSegment,
    /// The attribute is present, whatever its value.
    Exists,
}

impl Op {
    /// Every operator, in documentation order.
    pub const ALL: [Op; 18] = [
        Op::In,
        Op::Contains,
        Op::StartsWith,
        Op::EndsWith,
        Op::Matches,
        Op::Lt,
        Op::Lte,
        Op::Gt,
        Op::Gte,
        Op::SemverEq,
        Op::SemverLt,
        Op::SemverLte,
        Op::SemverGt,
        Op::SemverGte,
        Op::Before,
        Op::After,
        Op::InSegment,
        Op::Exists,
    ];

    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::In => "in",
            Op::Contains => "contains",
            Op::StartsWith => "starts_with",
            Op::EndsWith => "ends_with",
            Op::Matches => "matches",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::SemverEq => "semver_eq",
            Op::SemverLt => "semver_lt",
            Op::SemverLte => "semver_lte",
            Op::SemverGt => "semver_gt",
            Op::SemverGte => "semver_gte",
            Op::Before => "before",
            Op::After => "after",
            Op::InSegment => "in_segment",
            Op::Exists => "exists",
        }
    }
}

/// What a rule or the default serves: one variant, or a percentage split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Serve {
    /// Always this variant.
    Variant(String),
    /// A split by consistent hashing.
    Rollout(Rollout),
}

/// A percentage split over variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Rollout {
    /// The attribute hashed; absent or `key` means the context key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false, min_length = 1))]
    pub bucket_by: Option<String>,
    /// Variant shares in thousandths of a percent; they sum to 100 000.
    #[cfg_attr(feature = "utoipa", schema(max_items = 200))]
    pub weights: Vec<Weight>,
}

/// One variant's share of a rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Weight {
    /// The variant.
    pub variant: String,
    /// Share out of 100 000 (so 1 is 0.001 %).
    #[cfg_attr(feature = "utoipa", schema(minimum = 0, maximum = 100_000))]
    pub weight: u32,
}

/// A flag that must serve a given variant before this flag is evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Prerequisite {
    /// The key of the prerequisite flag.
    pub flag: String,
    /// The variant it must serve.
    pub variant: String,
}

/// A reusable audience. Every member is always sent (the defaults read older documents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Segment {
    /// Lower-case slug, unique in its project.
    pub key: String,
    /// Human-readable name.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub name: String,
    /// Who this audience is.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub description: String,
    /// Context keys always in the segment.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub included: Vec<String>,
    /// Context keys never in the segment (unless also included).
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub excluded: Vec<String>,
    /// A context matching any rule is in the segment.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub rules: Vec<SegmentRule>,
    /// Bumped on every change.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub version: u64,
}

/// A segment rule: every condition must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct SegmentRule {
    /// Optional identifier for people and traces.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// All must hold. `in_segment` is not allowed inside segments.
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

/// What a flag needs for evaluation in one environment: its definition's evaluation
/// fields and its configuration there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct SnapshotFlag {
    /// The flag key.
    pub key: String,
    /// The type of every variant value.
    pub kind: FlagKind,
    /// Bucketing salt.
    pub salt: String,
    /// Ordered variants.
    pub variants: Vec<Variant>,
    /// Whether client SDK keys may evaluate it (always sent; absent in older snapshots).
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(required = true))]
    pub client_visible: bool,
    /// The configuration in this environment.
    pub config: FlagConfig,
}

impl SnapshotFlag {
    /// Joins a flag definition with its configuration in one environment.
    pub fn new(flag: &Flag, config: FlagConfig) -> Self {
        SnapshotFlag {
            key: flag.key.clone(),
            kind: flag.kind,
            salt: flag.salt.clone(),
            variants: flag.variants.clone(),
            client_visible: flag.client_visible,
            config,
        }
    }
}

/// Everything an SDK needs to evaluate every flag of one environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Snapshot {
    /// The environment key.
    pub environment: String,
    /// The environment version: bumped by every committed change.
    pub version: u64,
    /// Every flag of the project (archived flags are left out).
    // Shared (`Arc`), so that the next version of a snapshot, after a change, copies
    // pointers and replaces only what changed.
    #[serde(default, deserialize_with = "shared_list")]
    #[cfg_attr(feature = "utoipa", schema(required = true, value_type = Vec<SnapshotFlag>))]
    pub flags: Vec<Arc<SnapshotFlag>>,
    /// Every segment of the project.
    #[serde(default, deserialize_with = "shared_list")]
    #[cfg_attr(feature = "utoipa", schema(required = true, value_type = Vec<Segment>))]
    pub segments: Vec<Arc<Segment>>,
}

/// Reads a list of shared values with one allocation each: serde's own `Arc<T>` reads a
/// `Box<T>` and moves it into a new `Arc` (two allocations, a copy and a free).
fn shared_list<'de, D, T>(deserializer: D) -> Result<Vec<Arc<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Shared<T>(Arc<T>);
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::deserialize(deserializer).map(|t| Shared(Arc::new(t)))
        }
    }
    let list = Vec::<Shared<T>>::deserialize(deserializer)?;
    // Same layout: collected in place, no second list.
    Ok(list.into_iter().map(|s| s.0).collect())
}

impl Snapshot {
    /// Parses a snapshot from JSON bytes. This only checks the shape; call
    /// [`crate::validate::validate_snapshot`] or [`crate::CompiledSnapshot::compile`]
    /// to check the meaning.
    ///
    /// The bytes must be UTF-8 throughout, as JSON requires: `serde_json` does not check
    /// the strings it skips (unknown fields), and the lenient parser reads every string,
    /// so without this check the two parsers would disagree on what is a snapshot.
    pub fn from_json(bytes: &[u8]) -> Result<Snapshot, crate::Error> {
        let text = crate::json_text(bytes, "the snapshot").map_err(crate::Error::Parse)?;
        serde_json::from_str(text).map_err(crate::Error::Parse)
    }
}
