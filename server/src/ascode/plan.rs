//! The difference between what a server has and what a file asks for, as an ordered
//! list of actions. Pure: `remote` reads the server into a [`Document`] and runs the
//! actions; `--dry-run` only prints them.
//!
//! Order matters and is fixed: project, environments, segments (created or replaced),
//! flag definitions, configurations (which may name the segments and flags above),
//! then archiving and deleting (after nothing refers to what goes).
//!
//! What `--prune` removes: flags the file does not name are *archived* (reversible,
//! history kept; `vexil flags restore` brings them back); segments it does not name
//! are deleted (segments have no archive); environments and the project are never
//! removed (decision 0028).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::document::{
    ConfigDoc, Document, EnvironmentDoc, FlagDoc, SegmentDoc, ServeDoc, adopt_rule_ids, same_config, shares,
};

/// One step of making the server match the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Create the project.
    CreateProject {
        /// Project key.
        key: String,
        /// Display name.
        name: String,
        /// Free text.
        description: String,
    },
    /// Create an environment.
    CreateEnvironment {
        /// The environment.
        environment: EnvironmentDoc,
    },
    /// Change an environment's name or approval policy.
    UpdateEnvironment {
        /// The environment as the file has it.
        environment: EnvironmentDoc,
        /// Which fields change.
        changes: Vec<String>,
    },
    /// Create a segment.
    CreateSegment {
        /// The segment.
        segment: SegmentDoc,
    },
    /// Replace a segment.
    ReplaceSegment {
        /// The segment as the file has it.
        segment: SegmentDoc,
        /// Which fields change.
        changes: Vec<String>,
    },
    /// Delete a segment (`--prune`).
    DeleteSegment {
        /// Segment key.
        key: String,
    },
    /// Create a flag (off in every environment until its configurations are set).
    CreateFlag {
        /// The flag (its `environments` are set by `set_config` actions).
        flag: FlagDoc,
    },
    /// Change a flag's definition.
    UpdateFlag {
        /// The flag as the file has it.
        flag: FlagDoc,
        /// Which fields change.
        changes: Vec<String>,
    },
    /// Bring an archived flag back.
    RestoreFlag {
        /// Flag key.
        key: String,
    },
    /// Archive a flag (the file says `archived: true`, or `--prune`).
    ArchiveFlag {
        /// Flag key.
        key: String,
        /// Why: `archived in file` or `not in file (--prune)`.
        reason: String,
    },
    /// Make a flag's configuration in an environment the file's: a direct write, or
    /// a change request where the environment requires approval.
    SetConfig {
        /// Flag key.
        flag: String,
        /// Environment key.
        environment: String,
        /// The configuration as the file has it.
        config: ConfigDoc,
        /// What changes, for people (`enabled: false -> true`, ...).
        changes: Vec<String>,
        /// The environment requires approval: this becomes a change request.
        change_request: bool,
    },
}

/// A file that cannot be applied to this server whatever the order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The file names another project than the one addressed.
    #[error("the file is for project {file:?}, not {server:?}: pass --project {file} or edit the file")]
    OtherProject {
        /// In the file.
        file: String,
        /// Addressed.
        server: String,
    },
    /// A flag's kind cannot change.
    #[error(
        "flag {flag}: kind is {server} on the server and {file} in the file; a kind never changes (create a new flag)"
    )]
    KindChange {
        /// Flag key.
        flag: String,
        /// On the server.
        server: String,
        /// In the file.
        file: String,
    },
    /// A configuration names an environment that neither the server nor the file has.
    #[error("flag {flag}: environment {environment:?} is not in the project; add it under `environments`")]
    UnknownEnvironment {
        /// Flag key.
        flag: String,
        /// Environment key.
        environment: String,
    },
    /// The same key twice.
    #[error("{what} {key:?} appears twice in the file")]
    Duplicate {
        /// `flag`, `segment` or `environment`.
        what: &'static str,
        /// The key.
        key: String,
    },
}

/// Computes the actions that make `current` (read from the server; `None` when the
/// project does not exist) match `desired`. Prune removes what `desired` leaves out.
/// An empty list means the server already matches.
///
/// Errors: [`PlanError`] for a file that cannot apply whatever the order.
pub fn plan(current: Option<&Document>, desired: &Document, prune: bool) -> Result<Vec<Action>, PlanError> {
    check_duplicates(desired)?;
    let empty = Document::new(&desired.project.key);
    let mut out = Vec::new();
    let cur = match current {
        Some(c) => {
            if c.project.key != desired.project.key {
                return Err(PlanError::OtherProject {
                    file: desired.project.key.clone(),
                    server: c.project.key.clone(),
                });
            }
            c
        }
        None => {
            out.push(Action::CreateProject {
                key: desired.project.key.clone(),
                name: desired.project.name.clone(),
                description: desired.project.description.clone(),
            });
            &empty
        }
    };

    // Environments: the ones a new project gets by default are in `current` only once
    // it exists, so a new project's defaults are created by the server, not twice here.
    let mut protected: BTreeMap<&str, bool> =
        cur.environments.iter().map(|e| (e.key.as_str(), e.requires_approval)).collect();
    let new_project = current.is_none();
    for e in &desired.environments {
        match cur.environments.iter().find(|c| c.key == e.key) {
            None if new_project && DEFAULT_ENVIRONMENTS.contains(&e.key.as_str()) => {
                let changes = env_changes(&default_env(&e.key), e);
                if !changes.is_empty() {
                    out.push(Action::UpdateEnvironment { environment: e.clone(), changes });
                }
            }
            None => out.push(Action::CreateEnvironment { environment: e.clone() }),
            Some(c) => {
                let changes = env_changes(c, e);
                if !changes.is_empty() {
                    out.push(Action::UpdateEnvironment { environment: e.clone(), changes });
                }
            }
        }
        protected.insert(e.key.as_str(), e.requires_approval);
    }
    if new_project {
        for d in DEFAULT_ENVIRONMENTS {
            protected.entry(d).or_insert(false);
        }
    }

    for s in &desired.segments {
        match cur.segments.iter().find(|c| c.key == s.key) {
            None => out.push(Action::CreateSegment { segment: s.clone() }),
            Some(c) => {
                // By the fields that differ, so that what the server fills in (a
                // default name) is no change.
                let changes = segment_changes(c, s);
                if !changes.is_empty() {
                    out.push(Action::ReplaceSegment { segment: s.clone(), changes });
                }
            }
        }
    }

    let mut configs = Vec::new();
    let mut archives = Vec::new();
    for f in &desired.flags {
        let existing = cur.flags.iter().find(|c| c.key == f.key);
        match existing {
            None => {
                out.push(Action::CreateFlag { flag: FlagDoc { environments: BTreeMap::new(), ..f.clone() } });
            }
            Some(c) => {
                if c.kind != f.kind {
                    return Err(PlanError::KindChange {
                        flag: f.key.clone(),
                        server: format!("{:?}", c.kind).to_lowercase(),
                        file: format!("{:?}", f.kind).to_lowercase(),
                    });
                }
                let changes = flag_changes(c, f);
                if !changes.is_empty() {
                    out.push(Action::UpdateFlag {
                        flag: FlagDoc { environments: BTreeMap::new(), ..f.clone() },
                        changes,
                    });
                }
                if c.archived && !f.archived {
                    out.push(Action::RestoreFlag { key: f.key.clone() });
                }
            }
        }
        for (env, config) in &f.environments {
            let Some(&is_protected) = protected.get(env.as_str()) else {
                return Err(PlanError::UnknownEnvironment { flag: f.key.clone(), environment: env.clone() });
            };
            let now = existing.and_then(|c| c.environments.get(env));
            let mut config = config.clone();
            if let Some(now) = now {
                adopt_rule_ids(now, &mut config);
                if same_config(now, &config) {
                    continue;
                }
            }
            configs.push(Action::SetConfig {
                flag: f.key.clone(),
                environment: env.clone(),
                changes: config_changes(now, &config),
                config,
                change_request: is_protected,
            });
        }
        if f.archived && !existing.is_some_and(|c| c.archived) {
            archives.push(Action::ArchiveFlag { key: f.key.clone(), reason: "archived in file".to_owned() });
        }
    }
    out.extend(configs);
    out.extend(archives);
    if prune {
        let named: BTreeSet<&str> = desired.flags.iter().map(|f| f.key.as_str()).collect();
        for c in cur.flags.iter().filter(|c| !c.archived && !named.contains(c.key.as_str())) {
            out.push(Action::ArchiveFlag { key: c.key.clone(), reason: "not in file (--prune)".to_owned() });
        }
        let named: BTreeSet<&str> = desired.segments.iter().map(|s| s.key.as_str()).collect();
        for c in cur.segments.iter().filter(|c| !named.contains(c.key.as_str())) {
            out.push(Action::DeleteSegment { key: c.key.clone() });
        }
    }
    Ok(out)
}

/// The environments a new project is created with (`store/projects.rs`).
pub const DEFAULT_ENVIRONMENTS: [&str; 3] = ["development", "staging", "production"];

fn default_env(key: &str) -> EnvironmentDoc {
    let mut name = key.to_owned();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    EnvironmentDoc { key: key.to_owned(), name, requires_approval: false, required_approvals: 1 }
}

fn check_duplicates(d: &Document) -> Result<(), PlanError> {
    fn dup<'a>(what: &'static str, keys: impl Iterator<Item = &'a str>) -> Result<(), PlanError> {
        let mut seen = BTreeSet::new();
        for k in keys {
            if !seen.insert(k) {
                return Err(PlanError::Duplicate { what, key: k.to_owned() });
            }
        }
        Ok(())
    }
    dup("flag", d.flags.iter().map(|f| f.key.as_str()))?;
    dup("segment", d.segments.iter().map(|s| s.key.as_str()))?;
    dup("environment", d.environments.iter().map(|e| e.key.as_str()))
}

fn env_changes(c: &EnvironmentDoc, e: &EnvironmentDoc) -> Vec<String> {
    let mut out = Vec::new();
    if !e.name.is_empty() && c.name != e.name {
        out.push(format!("name: {:?} -> {:?}", c.name, e.name));
    }
    if c.requires_approval != e.requires_approval {
        out.push(format!("requires_approval: {} -> {}", c.requires_approval, e.requires_approval));
    }
    if c.required_approvals != e.required_approvals {
        out.push(format!("required_approvals: {} -> {}", c.required_approvals, e.required_approvals));
    }
    out
}

fn segment_changes(c: &SegmentDoc, s: &SegmentDoc) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |name: &str, differs: bool| {
        if differs {
            out.push(name.to_owned());
        }
    };
    // A file without a name takes the server's default, as a flag's does below.
    field("name", !s.name.is_empty() && c.name != s.name);
    field("description", c.description != s.description);
    field("included", c.included != s.included);
    field("excluded", c.excluded != s.excluded);
    field("rules", c.rules != s.rules);
    out
}

/// Fields of the definition the file changes; a field the file leaves empty where the
/// server fills a default (name, a boolean flag's variants) is not a change.
fn flag_changes(c: &FlagDoc, f: &FlagDoc) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |name: &str, differs: bool| {
        if differs {
            out.push(name.to_owned());
        }
    };
    field("name", !f.name.is_empty() && c.name != f.name);
    field("description", c.description != f.description);
    field("variants", !f.variants.is_empty() && c.variants != f.variants);
    field("tags", c.tags != f.tags);
    field("lifecycle", c.lifecycle != f.lifecycle);
    field("client_visible", c.client_visible != f.client_visible);
    field("owner", c.owner != f.owner);
    field("links", super::document::norm_links(&c.links) != super::document::norm_links(&f.links));
    field("properties", c.properties != f.properties);
    out
}

fn serve_text(s: &ServeDoc) -> String {
    match s {
        ServeDoc::Variant(v) => v.clone(),
        ServeDoc::Rollout(r) => {
            let (by, shares) = shares(r);
            let parts: Vec<String> = shares.iter().map(|(v, w)| format!("{v} {}%", percent(*w))).collect();
            match by {
                Some(by) => format!("rollout by {by} ({})", parts.join(", ")),
                None => format!("rollout ({})", parts.join(", ")),
            }
        }
    }
}

fn percent(w: u32) -> String {
    let whole = w / 1000;
    let frac = w % 1000;
    if frac == 0 { whole.to_string() } else { format!("{whole}.{frac:03}").trim_end_matches('0').to_owned() }
}

fn config_changes(now: Option<&ConfigDoc>, d: &ConfigDoc) -> Vec<String> {
    let Some(c) = now else {
        return vec![format!(
            "new: enabled {}, off {}, default {}, {} rule(s), {} target list(s), {} prerequisite(s)",
            d.enabled,
            d.off_variant,
            serve_text(&d.default),
            d.rules.len(),
            d.targets.len(),
            d.prerequisites.len()
        )];
    };
    let mut out = Vec::new();
    if c.enabled != d.enabled {
        out.push(format!("enabled: {} -> {}", c.enabled, d.enabled));
    }
    if c.off_variant != d.off_variant {
        out.push(format!("off_variant: {} -> {}", c.off_variant, d.off_variant));
    }
    if !super::document::same_serve(&c.default, &d.default) {
        out.push(format!("default: {} -> {}", serve_text(&c.default), serve_text(&d.default)));
    }
    let mut r = c.clone();
    r.rules.clone_from(&d.rules);
    if !same_config(c, &r) {
        out.push(format!("rules: {} -> {}", c.rules.len(), d.rules.len()));
    }
    let mut t = c.clone();
    t.targets.clone_from(&d.targets);
    if !same_config(c, &t) {
        out.push("targets".to_owned());
    }
    if c.prerequisites != d.prerequisites {
        out.push("prerequisites".to_owned());
    }
    out
}

/// Prints actions for people, one line each (`+` create, `~` change, `-` remove).
pub fn human(actions: &[Action]) -> String {
    let mut s = String::new();
    for a in actions {
        let line = match a {
            Action::CreateProject { key, .. } => format!("+ project {key}"),
            Action::CreateEnvironment { environment } => format!(
                "+ environment {}{}",
                environment.key,
                if environment.requires_approval { " (requires approval)" } else { "" }
            ),
            Action::UpdateEnvironment { environment, changes } => {
                format!("~ environment {}: {}", environment.key, changes.join("; "))
            }
            Action::CreateSegment { segment } => format!("+ segment {}", segment.key),
            Action::ReplaceSegment { segment, changes } => {
                format!("~ segment {}: {}", segment.key, changes.join(", "))
            }
            Action::DeleteSegment { key } => format!("- segment {key} (delete: not in file, --prune)"),
            Action::CreateFlag { flag } => format!("+ flag {} ({:?})", flag.key, flag.kind).to_lowercase(),
            Action::UpdateFlag { flag, changes } => format!("~ flag {}: {}", flag.key, changes.join(", ")),
            Action::RestoreFlag { key } => format!("~ flag {key}: restore from archive"),
            Action::ArchiveFlag { key, reason } => format!("- flag {key} (archive: {reason})"),
            Action::SetConfig { flag, environment, changes, change_request, .. } => format!(
                "~ flag {flag} in {environment}: {}{}",
                changes.join("; "),
                if *change_request { " [change request: the environment requires approval]" } else { "" }
            ),
        };
        s.push_str(&line);
        s.push('\n');
    }
    s
}
