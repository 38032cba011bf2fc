//! The flags-as-code file: one project's flags, variants, per-environment
//! configurations, segments and environments, as YAML or JSON (`docs/flags-as-code.md`).
//!
//! These types are the file's contract, separate from the wire model in `vexil_core`
//! on purpose: the file is versioned (`version: 1`) and validated by editors through
//! the JSON Schema generated from these types (`schemas/vexil-project.schema.json`),
//! while the wire model may grow fields the file does not carry. Nothing secret is in
//! it (no SDK keys, tokens or users), and neither is the bucketing salt: the server
//! owns it (see decision 0028).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use vexil_core::FlagConfig;

/// The only file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole project as code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Vexil project",
    description = "A Vexil project as code (flags-as-code format version 1)."
)]
pub struct Document {
    /// The file format version; always 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// The project.
    pub project: ProjectDoc,
    /// Environments, in display order.
    #[serde(default)]
    pub environments: Vec<EnvironmentDoc>,
    /// Segments, by key.
    #[serde(default)]
    pub segments: Vec<SegmentDoc>,
    /// Flags, by key.
    #[serde(default)]
    pub flags: Vec<FlagDoc>,
}

/// The project's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectDoc {
    /// Lower-case slug.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9_.-]{0,63}$"))]
    pub key: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// An environment and its approval policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentDoc {
    /// Lower-case slug.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9_.-]{0,63}$"))]
    pub key: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Whether configuration changes there need approval (apply then files change
    /// requests).
    #[serde(default, skip_serializing_if = "is_false")]
    pub requires_approval: bool,
    /// Approvals a change request needs there (1 to 10).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    #[schemars(range(min = 1, max = 10))]
    pub required_approvals: u32,
}

/// A reusable audience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentDoc {
    /// Lower-case slug.
    pub key: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Who the audience is.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Context keys always in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub included: Vec<String>,
    /// Context keys never in (unless included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<String>,
    /// A context matching any rule is in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<SegmentRuleDoc>,
}

/// A segment rule: every condition must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentRuleDoc {
    /// Optional identifier.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// All must hold (`in_segment` is not allowed here).
    #[serde(default)]
    pub conditions: Vec<ConditionDoc>,
}

/// The value type of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindDoc {
    /// `true`/`false`.
    Boolean,
    /// Strings.
    String,
    /// Finite numbers.
    Number,
    /// Any JSON.
    Json,
}

/// Temporary (release) or permanent (operational) flag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleDoc {
    /// Meant to be removed after rollout.
    #[default]
    Temporary,
    /// Stays.
    Permanent,
}

/// A flag: its definition and its configuration per environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagDoc {
    /// Lower-case slug; never changes.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9_.-]{0,63}$"))]
    pub key: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// What the flag controls.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The type of every variant value; never changes.
    pub kind: KindDoc,
    /// Ordered values; a boolean flag without them gets `on` (true) and `off` (false).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantDoc>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Temporary (default) or permanent.
    #[serde(default, skip_serializing_if = "is_default")]
    pub lifecycle: LifecycleDoc,
    /// Whether client (browser) SDK keys may evaluate it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub client_visible: bool,
    /// A user's email or a team name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    /// Links to issues, documentation, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkDoc>,
    /// Free-form string properties.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    /// An archived flag is kept but served nowhere.
    #[serde(default, skip_serializing_if = "is_false")]
    pub archived: bool,
    /// Configuration per environment key; an environment left out keeps the server's
    /// (a new flag is off there).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environments: BTreeMap<String, ConfigDoc>,
}

/// One value of a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantDoc {
    /// Unique within the flag.
    pub key: String,
    /// The value served, of the flag's kind.
    pub value: Value,
    /// Display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// What it means.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A link from a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkDoc {
    /// `issue`, `docs` or `other` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<LinkKindDoc>,
    /// Absolute http(s) URL.
    pub url: String,
    /// Shown instead of the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKindDoc {
    /// An issue or ticket.
    Issue,
    /// Documentation.
    Docs,
    /// Anything else.
    Other,
}

/// How a flag behaves in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigDoc {
    /// Off serves `off_variant` and nothing else is looked at.
    #[serde(default)]
    pub enabled: bool,
    /// Served when off or when a prerequisite fails.
    pub off_variant: String,
    /// Context keys pinned to a variant; checked before rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetDoc>,
    /// Checked in order; the first whose conditions all hold decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleDoc>,
    /// Served when no target or rule applies.
    pub default: ServeDoc,
    /// Flags that must serve a variant first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<PrerequisiteDoc>,
}

/// Context keys that get one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetDoc {
    /// The variant served.
    pub variant: String,
    /// Context keys.
    pub keys: Vec<String>,
}

/// A targeting rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    /// Stable id, unique in the flag; the server assigns one when absent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// All must hold; none always holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ConditionDoc>,
    /// What a matching context gets.
    pub serve: ServeDoc,
}

/// One test on a context attribute (operators as in `docs/evaluation.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionDoc {
    /// The attribute; `key` is the context key; unused by `in_segment`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub attribute: String,
    /// The operator.
    pub op: OpDoc,
    /// Operands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Value>,
    /// Inverts the outcome.
    #[serde(default, skip_serializing_if = "is_false")]
    pub negate: bool,
}

/// Condition operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpDoc {
    In,
    Contains,
    StartsWith,
    EndsWith,
    Matches,
    Lt,
    Lte,
    Gt,
    Gte,
    SemverEq,
    SemverLt,
    SemverLte,
    SemverGt,
    SemverGte,
    Before,
    After,
    InSegment,
    Exists,
}

/// A variant, or a percentage split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ServeDoc {
    /// Always this variant.
    Variant(String),
    /// A split by consistent hashing.
    Rollout(RolloutDoc),
}

/// A percentage split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RolloutDoc {
    /// The attribute hashed; absent means the context key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_by: Option<String>,
    /// Shares in thousandths of a percent summing to 100 000, laid out in order.
    #[schemars(length(min = 1, max = 200))]
    pub weights: Vec<WeightDoc>,
}

/// One variant's share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightDoc {
    /// The variant.
    pub variant: String,
    /// Out of 100 000.
    #[schemars(range(max = 100_000))]
    pub weight: u32,
}

/// A flag that must serve a variant first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrerequisiteDoc {
    /// The other flag's key.
    pub flag: String,
    /// The variant it must serve.
    pub variant: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn one() -> u32 {
    1
}
fn is_one(n: &u32) -> bool {
    *n == 1
}
fn is_default<T: Default + PartialEq>(t: &T) -> bool {
    *t == T::default()
}

/// The JSON Schema of the file, as checked in at `schemas/vexil-project.schema.json`.
pub fn json_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(Document)).unwrap_or(Value::Null)
}

impl Document {
    /// An empty document for project `key` (format version 1).
    pub fn new(key: &str) -> Document {
        Document {
            version: FORMAT_VERSION,
            project: ProjectDoc { key: key.to_owned(), name: String::new(), description: String::new() },
            environments: Vec::new(),
            segments: Vec::new(),
            flags: Vec::new(),
        }
    }

    /// Sorts flags and segments by key, so two documents of the same project compare
    /// and print the same whatever order the server listed them in.
    pub fn sort(&mut self) {
        self.flags.sort_by(|a, b| a.key.cmp(&b.key));
        self.segments.sort_by(|a, b| a.key.cmp(&b.key));
    }
}

// Conversions to and from the wire model; serde does the work because the shapes
// are the same, and a failure here is a bug, reported rather than panicked on.

fn convert<A: Serialize, B: for<'de> Deserialize<'de>>(a: &A) -> Result<B, serde_json::Error> {
    serde_json::from_value(serde_json::to_value(a)?)
}

impl ConfigDoc {
    /// The configuration as the server reads it (version 0: the writer assigns one).
    pub fn to_core(&self) -> Result<FlagConfig, serde_json::Error> {
        convert(self)
    }

    /// The file's view of a stored configuration (its version dropped).
    pub fn from_core(config: &FlagConfig) -> Result<ConfigDoc, serde_json::Error> {
        let mut v = serde_json::to_value(config)?;
        if let Value::Object(m) = &mut v {
            m.remove("version");
        }
        let doc: ConfigDoc = serde_json::from_value(v)?;
        // Round-trip through the file's own serialisation so empty fields are dropped
        // the same way on both sides of a comparison.
        Ok(doc)
    }
}

/// Per-variant shares of a rollout, in variant-key order: what a rollout means,
/// whatever its stored layout (decision 0007).
pub fn shares(r: &RolloutDoc) -> (Option<&str>, BTreeMap<&str, u32>) {
    let mut out = BTreeMap::new();
    for w in &r.weights {
        *out.entry(w.variant.as_str()).or_insert(0) += w.weight;
    }
    out.retain(|_, v| *v > 0);
    let by = r.bucket_by.as_deref().filter(|b| *b != "key");
    (by, out)
}

/// Links with the default kind written out or not compare the same.
pub fn norm_links(links: &[LinkDoc]) -> Vec<LinkDoc> {
    links.iter().map(|l| LinkDoc { kind: l.kind.filter(|k| *k != LinkKindDoc::Other), ..l.clone() }).collect()
}

/// Whether two serves mean the same thing (rollouts compared by shares).
pub fn same_serve(a: &ServeDoc, b: &ServeDoc) -> bool {
    match (a, b) {
        (ServeDoc::Variant(x), ServeDoc::Variant(y)) => x == y,
        (ServeDoc::Rollout(x), ServeDoc::Rollout(y)) => shares(x) == shares(y),
        _ => false,
    }
}

/// Whether `desired` (from a file) asks for nothing that `current` (from the server)
/// does not already have: rollouts compare by shares, a rule without an id matches
/// the rule at its position, targets compare as sets per variant.
pub fn same_config(current: &ConfigDoc, desired: &ConfigDoc) -> bool {
    current.enabled == desired.enabled
        && current.off_variant == desired.off_variant
        && same_targets(&current.targets, &desired.targets)
        && current.rules.len() == desired.rules.len()
        && current.rules.iter().zip(&desired.rules).all(|(c, d)| {
            (d.id.is_empty() || c.id == d.id)
                && c.description == d.description
                && c.conditions == d.conditions
                && same_serve(&c.serve, &d.serve)
        })
        && same_serve(&current.default, &desired.default)
        && current.prerequisites == desired.prerequisites
}

fn same_targets(a: &[TargetDoc], b: &[TargetDoc]) -> bool {
    let sets = |ts: &[TargetDoc]| {
        let mut m: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
        for t in ts {
            m.entry(t.variant.clone()).or_default().extend(t.keys.iter().cloned());
        }
        m.retain(|_, v| !v.is_empty());
        m
    };
    sets(a) == sets(b)
}

/// Fills the ids of rules the file left without one from the current rule at the same
/// position, so that applying the file again finds nothing to change.
pub fn adopt_rule_ids(current: &ConfigDoc, desired: &mut ConfigDoc) {
    for (d, c) in desired.rules.iter_mut().zip(&current.rules) {
        if d.id.is_empty() {
            d.id.clone_from(&c.id);
        }
    }
}
