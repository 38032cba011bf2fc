//! Semantic patches: an edit of a flag's configuration in one environment as a list of
//! instructions ("turn on", "set the default's rollout", "add a rule", ...), applied in
//! order to whatever configuration is current.
//!
//! Unlike a whole-document replacement, a patch says what its author meant, so it can
//! be validated now and applied later on top of other people's changes (an automated
//! rollout step, a scheduled change, an approved change request) without undoing
//! them. Applying is pure and atomic: either every instruction applies and the result
//! is returned, or the first one that cannot apply is reported and nothing changes.
//! The result still has to pass [`crate::validate::validate_config`]; rollout weights
//! given here are per-variant shares that the writer turns into a layout keeping
//! everyone it can ([`crate::rollout::plan_config`]).
//!
//! The wire form is JSON: `{"instructions": [{"kind": "turn_on"}, ...]}`, each
//! instruction tagged by `kind` (names in `snake_case`, as the rest of the model).

use serde::{Deserialize, Serialize};

use crate::model::{FlagConfig, Prerequisite, Rollout, Rule, Serve, Target, Weight};

/// Most instructions one patch may carry.
pub const MAX_INSTRUCTIONS: usize = 1_000;

/// A patch: instructions applied in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// What to do, in order.
    #[cfg_attr(feature = "utoipa", schema(min_items = 1, max_items = 1000))]
    pub instructions: Vec<Instruction>,
    /// Why, for the audit log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(nullable = false))]
    pub comment: Option<String>,
}

/// One semantic edit of a configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Instruction {
    /// Enable the flag (targets, rules and the default are evaluated).
    // Struct variants, not unit ones: serde lets unknown fields through unit variants
    // of a tagged enum, and a patch must refuse what it does not understand.
    TurnOn {},
    /// Disable the flag: it serves its off variant (the kill switch).
    TurnOff {},
    /// Set the variant served while the flag is off or a prerequisite fails.
    SetOffVariant {
        /// The variant key.
        variant: String,
    },
    /// Set what is served when no target or rule applies.
    SetDefault {
        /// A variant or a rollout.
        serve: Serve,
    },
    /// Set the rollout of the default (no `rule`) or of one rule. `weights` are
    /// per-variant shares out of 100 000 in any order; the stored layout moves only the
    /// contexts the new shares require. `bucket_by` absent keeps the current attribute.
    SetRollout {
        /// The rule's id; absent for the default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "utoipa", schema(nullable = false))]
        rule: Option<String>,
        /// Shares per variant.
        weights: Vec<Weight>,
        /// The attribute hashed; absent keeps the current one (the context key if none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "utoipa", schema(nullable = false))]
        bucket_by: Option<String>,
    },
    /// Set what one rule serves.
    SetRuleServe {
        /// The rule's id.
        rule: String,
        /// A variant or a rollout.
        serve: Serve,
    },
    /// Insert a rule (at `position`, by default last). A rule without an id gets one.
    AddRule {
        /// The rule.
        rule: Rule,
        /// 0-based position; absent appends.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "utoipa", schema(nullable = false))]
        position: Option<usize>,
    },
    /// Replace the rule with the same id.
    ReplaceRule {
        /// The new rule; its `id` names the rule replaced.
        rule: Rule,
    },
    /// Remove a rule.
    RemoveRule {
        /// The rule's id.
        rule: String,
    },
    /// Move a rule to a 0-based position (counted after taking it out).
    MoveRule {
        /// The rule's id.
        rule: String,
        /// Where it goes.
        position: usize,
    },
    /// Target context keys to a variant. A key targeted to another variant moves.
    AddTargets {
        /// The variant they get.
        variant: String,
        /// Context keys.
        keys: Vec<String>,
    },
    /// Stop targeting context keys (of one variant, or of any).
    RemoveTargets {
        /// Only this variant's; absent for any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "utoipa", schema(nullable = false))]
        variant: Option<String>,
        /// Context keys.
        keys: Vec<String>,
    },
    /// Require another flag to serve a variant (replacing an earlier requirement on
    /// the same flag).
    AddPrerequisite {
        /// The flag's key.
        flag: String,
        /// The variant it must serve.
        variant: String,
    },
    /// Drop the requirement on a flag.
    RemovePrerequisite {
        /// The flag's key.
        flag: String,
    },
    /// Replace every prerequisite.
    SetPrerequisites {
        /// The new list.
        prerequisites: Vec<Prerequisite>,
    },
}

impl Instruction {
    /// The `kind` as written on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Instruction::TurnOn {} => "turn_on",
            Instruction::TurnOff {} => "turn_off",
            Instruction::SetOffVariant { .. } => "set_off_variant",
            Instruction::SetDefault { .. } => "set_default",
            Instruction::SetRollout { .. } => "set_rollout",
            Instruction::SetRuleServe { .. } => "set_rule_serve",
            Instruction::AddRule { .. } => "add_rule",
            Instruction::ReplaceRule { .. } => "replace_rule",
            Instruction::RemoveRule { .. } => "remove_rule",
            Instruction::MoveRule { .. } => "move_rule",
            Instruction::AddTargets { .. } => "add_targets",
            Instruction::RemoveTargets { .. } => "remove_targets",
            Instruction::AddPrerequisite { .. } => "add_prerequisite",
            Instruction::RemovePrerequisite { .. } => "remove_prerequisite",
            Instruction::SetPrerequisites { .. } => "set_prerequisites",
        }
    }
}

/// Why an instruction cannot apply to the configuration it meets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatchProblem {
    /// The patch has no instruction.
    #[error("a patch needs at least one instruction")]
    Empty,
    /// The patch has more instructions than [`MAX_INSTRUCTIONS`].
    #[error("a patch has at most {max} instructions; this one has {count}")]
    TooMany {
        /// Instructions sent.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// No rule has this id.
    #[error("there is no rule {id:?}")]
    RuleNotFound {
        /// The id asked for.
        id: String,
    },
    /// A rule with this id exists already.
    #[error("a rule {id:?} exists already")]
    RuleIdTaken {
        /// The id.
        id: String,
    },
    /// A position past the end of the rule list.
    #[error("position {position} is past the end of the {len} rule(s)")]
    PositionOutOfRange {
        /// The position asked for.
        position: usize,
        /// Rules there are (after taking out the one moved).
        len: usize,
    },
    /// A rule given to `replace_rule` without an id.
    #[error("replace_rule needs the rule's id")]
    RuleWithoutId,
    /// No prerequisite names this flag.
    #[error("there is no prerequisite on flag {flag:?}")]
    PrerequisiteNotFound {
        /// The flag asked for.
        flag: String,
    },
}

/// A patch that cannot apply: which instruction, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("instruction {index} ({kind}): {problem}")]
pub struct PatchError {
    /// 0-based index of the instruction (0 for problems of the whole patch).
    pub index: usize,
    /// Its `kind`, or `patch` for problems of the whole patch.
    pub kind: &'static str,
    /// Why.
    pub problem: PatchProblem,
}

impl PatchError {
    /// A JSON pointer into the patch document: `/instructions/{index}`, or
    /// `/instructions` for the whole list.
    pub fn pointer(&self) -> String {
        match self.problem {
            PatchProblem::Empty | PatchProblem::TooMany { .. } => "/instructions".to_owned(),
            _ => format!("/instructions/{}", self.index),
        }
    }
}

/// Applies `patch` to `current` and returns the new configuration (its `version`
/// unchanged: the writer assigns the next one). Rules added without an id get one from
/// `new_rule_id`, which is called once per such rule.
///
/// Errors: the first instruction that cannot apply (an unknown rule id, a position
/// past the end, ...), and empty or oversized patches. References (variants,
/// segments, flags) are not checked here: validation of the result does that.
pub fn apply(
    current: &FlagConfig,
    patch: &Patch,
    mut new_rule_id: impl FnMut() -> String,
) -> Result<FlagConfig, PatchError> {
    let whole = |problem| PatchError { index: 0, kind: "patch", problem };
    if patch.instructions.is_empty() {
        return Err(whole(PatchProblem::Empty));
    }
    if patch.instructions.len() > MAX_INSTRUCTIONS {
        return Err(whole(PatchProblem::TooMany { count: patch.instructions.len(), max: MAX_INSTRUCTIONS }));
    }
    let mut config = current.clone();
    for (index, instruction) in patch.instructions.iter().enumerate() {
        apply_one(&mut config, instruction, &mut new_rule_id).map_err(|problem| PatchError {
            index,
            kind: instruction.kind(),
            problem,
        })?;
    }
    Ok(config)
}

/// The instructions that turn `current` into `desired` (every field but `version`):
/// empty when they are equal. Used to copy a configuration between environments as a
/// patch, so that a protected target can receive it as a change request and a copy
/// goes through the same write as any edit.
///
/// The patch rewrites only what differs, each part wholesale: targets (every current
/// key removed, then `desired`'s added), rules (every current rule removed, then
/// `desired`'s added in order, with their ids), the default, the off variant and the
/// prerequisites; `turn_on`/`turn_off` come last. Applying it with [`apply`] gives
/// `desired`, except that a rollout's stored layout is the writer's to plan.
pub fn diff(current: &FlagConfig, desired: &FlagConfig) -> Vec<Instruction> {
    let mut out = Vec::new();
    if current.off_variant != desired.off_variant {
        out.push(Instruction::SetOffVariant { variant: desired.off_variant.clone() });
    }
    if current.targets != desired.targets {
        let keys: Vec<String> = current.targets.iter().flat_map(|t| t.keys.iter().cloned()).collect();
        if !keys.is_empty() {
            out.push(Instruction::RemoveTargets { variant: None, keys });
        }
        for t in desired.targets.iter().filter(|t| !t.keys.is_empty()) {
            out.push(Instruction::AddTargets { variant: t.variant.clone(), keys: t.keys.clone() });
        }
    }
    if current.rules != desired.rules {
        for r in &current.rules {
            out.push(Instruction::RemoveRule { rule: r.id.clone() });
        }
        for r in &desired.rules {
            out.push(Instruction::AddRule { rule: r.clone(), position: None });
        }
    }
    if current.default != desired.default {
        out.push(Instruction::SetDefault { serve: desired.default.clone() });
    }
    if current.prerequisites != desired.prerequisites {
        out.push(Instruction::SetPrerequisites { prerequisites: desired.prerequisites.clone() });
    }
    if current.enabled != desired.enabled {
        out.push(if desired.enabled { Instruction::TurnOn {} } else { Instruction::TurnOff {} });
    }
    out
}

fn rule_index(config: &FlagConfig, id: &str) -> Result<usize, PatchProblem> {
    config
        .rules
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| PatchProblem::RuleNotFound { id: id.to_owned() })
}

/// The serve at a place: the default (`None`) or a rule.
fn serve_at<'a>(config: &'a mut FlagConfig, rule: Option<&str>) -> Result<&'a mut Serve, PatchProblem> {
    match rule {
        None => Ok(&mut config.default),
        Some(id) => {
            let i = rule_index(config, id)?;
            Ok(&mut config.rules[i].serve)
        }
    }
}

fn apply_one(
    config: &mut FlagConfig,
    instruction: &Instruction,
    new_rule_id: &mut impl FnMut() -> String,
) -> Result<(), PatchProblem> {
    match instruction {
        Instruction::TurnOn {} => config.enabled = true,
        Instruction::TurnOff {} => config.enabled = false,
        Instruction::SetOffVariant { variant } => config.off_variant.clone_from(variant),
        Instruction::SetDefault { serve } => config.default = serve.clone(),
        Instruction::SetRuleServe { rule, serve } => *serve_at(config, Some(rule))? = serve.clone(),
        Instruction::SetRollout { rule, weights, bucket_by } => {
            let place = serve_at(config, rule.as_deref())?;
            let bucket_by = match (bucket_by, &*place) {
                (Some(b), _) => Some(b.clone()),
                (None, Serve::Rollout(r)) => r.bucket_by.clone(),
                (None, Serve::Variant(_)) => None,
            };
            *place = Serve::Rollout(Rollout { bucket_by, weights: weights.clone() });
        }
        Instruction::AddRule { rule, position } => {
            let mut rule = rule.clone();
            if rule.id.is_empty() {
                rule.id = new_rule_id();
            }
            if config.rules.iter().any(|r| r.id == rule.id) {
                return Err(PatchProblem::RuleIdTaken { id: rule.id });
            }
            let at = position.unwrap_or(config.rules.len());
            if at > config.rules.len() {
                return Err(PatchProblem::PositionOutOfRange { position: at, len: config.rules.len() });
            }
            config.rules.insert(at, rule);
        }
        Instruction::ReplaceRule { rule } => {
            if rule.id.is_empty() {
                return Err(PatchProblem::RuleWithoutId);
            }
            let i = rule_index(config, &rule.id)?;
            config.rules[i] = rule.clone();
        }
        Instruction::RemoveRule { rule } => {
            let i = rule_index(config, rule)?;
            config.rules.remove(i);
        }
        Instruction::MoveRule { rule, position } => {
            let i = rule_index(config, rule)?;
            let moved = config.rules.remove(i);
            if *position > config.rules.len() {
                let len = config.rules.len();
                config.rules.insert(i, moved);
                return Err(PatchProblem::PositionOutOfRange { position: *position, len });
            }
            config.rules.insert(*position, moved);
        }
        Instruction::AddTargets { variant, keys } => {
            for target in &mut config.targets {
                if &target.variant != variant {
                    target.keys.retain(|k| !keys.contains(k));
                }
            }
            match config.targets.iter_mut().find(|t| &t.variant == variant) {
                Some(target) => {
                    for key in keys {
                        if !target.keys.contains(key) {
                            target.keys.push(key.clone());
                        }
                    }
                }
                None => {
                    let mut unique: Vec<String> = Vec::with_capacity(keys.len());
                    for key in keys {
                        if !unique.contains(key) {
                            unique.push(key.clone());
                        }
                    }
                    config.targets.push(Target { variant: variant.clone(), keys: unique });
                }
            }
            config.targets.retain(|t| !t.keys.is_empty());
        }
        Instruction::RemoveTargets { variant, keys } => {
            for target in &mut config.targets {
                if variant.as_ref().is_none_or(|v| v == &target.variant) {
                    target.keys.retain(|k| !keys.contains(k));
                }
            }
            config.targets.retain(|t| !t.keys.is_empty());
        }
        Instruction::AddPrerequisite { flag, variant } => {
            match config.prerequisites.iter_mut().find(|p| &p.flag == flag) {
                Some(p) => p.variant.clone_from(variant),
                None => {
                    config.prerequisites.push(Prerequisite { flag: flag.clone(), variant: variant.clone() });
                }
            }
        }
        Instruction::RemovePrerequisite { flag } => {
            let before = config.prerequisites.len();
            config.prerequisites.retain(|p| &p.flag != flag);
            if config.prerequisites.len() == before {
                return Err(PatchProblem::PrerequisiteNotFound { flag: flag.clone() });
            }
        }
        Instruction::SetPrerequisites { prerequisites } => config.prerequisites.clone_from(prerequisites),
    }
    Ok(())
}
