//! Pure rules about flags that the write paths decide with: defaults of a new flag,
//! the dependency checks between flags (prerequisites), the payload the change feed
//! carries, and what a semantic patch makes of a configuration. No SQL and no I/O:
//! each function takes what the caller loaded and answers a value or a refusal.

use std::collections::BTreeSet;

use rand::Rng;
use serde_json::Value;
use vexil_core::patch::Patch;
use vexil_core::rollout::{LayoutMode, plan_config};
use vexil_core::validate::prerequisite_graph_problems;
use vexil_core::{Flag, FlagConfig, FlagKind, Serve, SnapshotFlag, Variant};

use super::error::Conflict;
use super::flags::{ConfigOf, FlagRecord};
use super::{Error, Result, json_text};

/// The configuration a flag gets in a new environment: off, serving the last variant
/// when off and the first one when turned on. For a boolean flag that is `off` / `on`,
/// so a toggle is all it takes to release it.
pub(super) fn default_config(variants: &[Variant]) -> FlagConfig {
    let first = variants.first().map(|v| v.key.clone()).unwrap_or_default();
    let last = variants.last().map(|v| v.key.clone()).unwrap_or_default();
    FlagConfig {
        enabled: false,
        off_variant: last,
        targets: Vec::new(),
        rules: Vec::new(),
        default: Serve::Variant(first),
        prerequisites: Vec::new(),
        version: 1,
    }
}

pub(super) fn boolean_variants() -> Vec<Variant> {
    vec![
        Variant {
            key: "on".to_owned(),
            value: Value::Bool(true),
            name: String::new(),
            description: String::new(),
        },
        Variant {
            key: "off".to_owned(),
            value: Value::Bool(false),
            name: String::new(),
            description: String::new(),
        },
    ]
}

pub(super) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill(&mut buf[..]);
    hex::encode(buf)
}

/// Problems of the prerequisite graph of one environment after replacing `flag`'s
/// configuration, as a 409 naming the cycle.
pub(super) fn check_prerequisite_graph(
    configs: &[ConfigOf],
    environment_id: i64,
    flag: &str,
    config: &FlagConfig,
) -> Result<()> {
    let flags: Vec<SnapshotFlag> = configs
        .iter()
        .filter(|c| c.environment_id == environment_id && c.flag != flag)
        .map(|c| (c.flag.as_str(), &c.config))
        .chain(std::iter::once((flag, config)))
        .map(|(key, config)| SnapshotFlag {
            key: key.to_owned(),
            kind: FlagKind::Json,
            salt: String::new(),
            variants: Vec::new(),
            client_visible: false,
            config: config.clone(),
        })
        .collect();
    let problems = prerequisite_graph_problems(&flags);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Conflict(Conflict::PrerequisiteCycle {
            cycle: problems.iter().map(|p| p.message.clone()).collect(),
            dependents: flags
                .iter()
                .filter(|f| !f.config.prerequisites.is_empty())
                .map(|f| f.key.clone())
                .collect(),
        }))
    }
}

/// The snapshot form of a flag in one environment, as the change feed carries it.
pub(super) fn snapshot_text(flag: &Flag, config: &FlagConfig) -> Result<String> {
    json_text(&SnapshotFlag::new(flag, config.clone()))
}

/// A flag as the audit log records it: without the fields that move with usage, so
/// that an entry shows only what the change changed.
pub(super) fn audit_json(flag: &FlagRecord) -> Result<String> {
    let mut value = serde_json::to_value(flag).map_err(|e| Error::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.remove("stale");
        map.remove("last_evaluated_at");
    }
    json_text(&value)
}

/// Gives every rule without an id a fresh one.
pub(super) fn assign_rule_ids(config: &mut FlagConfig) {
    for rule in &mut config.rules {
        if rule.id.is_empty() {
            rule.id = format!("rule-{}", random_hex(4));
        }
    }
}

/// Other active flags whose prerequisites name `flag` (in any environment), optionally
/// only those requiring a variant not in `keep_variants`.
pub(super) fn prerequisite_dependents(
    configs: &[ConfigOf],
    flag: &str,
    keep_variants: Option<&[Variant]>,
) -> Vec<String> {
    configs
        .iter()
        .filter(|c| c.flag != flag)
        .flat_map(|c| {
            c.config.prerequisites.iter().filter(|p| p.flag == flag).filter_map(move |p| {
                let kept = keep_variants.is_some_and(|vs| vs.iter().any(|v| v.key == p.variant));
                (!kept).then(|| format!("{} requires {flag:?} = {:?}", c.describe(), p.variant))
            })
        })
        .collect()
}

/// Refuses to restore `flag` (its configurations: `own`) while a flag it requires (in
/// any environment) is one of the `archived`, naming each: restoring in dependency order
/// works.
pub(super) fn ensure_prerequisites_active(
    own: &[ConfigOf],
    archived: &BTreeSet<String>,
    flag: &str,
) -> Result<()> {
    let missing: Vec<String> = own
        .iter()
        .flat_map(|c| {
            c.config.prerequisites.iter().filter(|p| archived.contains(p.flag.as_str())).map(move |p| {
                format!("{flag:?} in {:?} requires {:?}, which is archived", c.environment, p.flag)
            })
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Conflict(Conflict::PrerequisitesArchived { flag: flag.to_owned(), dependents: missing }))
}

/// Refuses to take `flag` away (archive or delete) while other flags in `configs`
/// require it.
pub(super) fn ensure_not_a_prerequisite(configs: &[ConfigOf], flag: &str) -> Result<()> {
    let dependents = prerequisite_dependents(configs, flag, None);
    if dependents.is_empty() {
        return Ok(());
    }
    Err(Error::Conflict(Conflict::IsPrerequisite { flag: flag.to_owned(), dependents }))
}

/// The configuration a patch makes of `current` (`None`: it changes nothing), with
/// rollouts rebased; a failing instruction is a validation problem pointing at it.
pub(super) fn derive_patched(current: &FlagConfig, patch: &Patch) -> Result<Option<FlagConfig>> {
    let next =
        vexil_core::patch::apply(current, patch, || format!("rule-{}", random_hex(4))).map_err(|e| {
            Error::Invalid(vexil_core::ValidationErrors {
                problems: vec![vexil_core::Problem { pointer: e.pointer(), message: e.to_string() }],
            })
        })?;
    let next = plan_config(current, next, LayoutMode::Rebase).config;
    Ok((next != *current).then_some(next))
}
