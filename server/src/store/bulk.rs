//! Writes to many configurations at once: turning every flag that matches a filter on
//! or off in one environment, copying a flag's configuration between environments, and
//! cloning a flag. Each is a list of semantic patches ([`vexil_core::patch`]) that go
//! through the one configuration write ([`Store::write_config_in`]), so validation, the
//! change feed, the audit log and the approval check of protected environments are the
//! same as for a single edit.

use serde::{Deserialize, Serialize};
use vexil_core::patch::{Instruction, Patch, diff};

use super::audit::escape_like;
use super::change_requests::{Caller, ChangeRequest, NewChangeRequest};
use super::filter::Where;
use super::flag_rules::derive_patched;
use super::flag_writes::{Audited, NewFlag, Target, Via};
use super::flags::{FlagConfigRecord, FlagRecord};
use super::{Error, Result, Store, environments, get};

/// Most flags one bulk toggle may change (422 above: narrow the filter).
pub const MAX_BULK_FLAGS: usize = 1_000;

/// Which flags a bulk toggle addresses: active (not archived) flags with the tag and
/// whose key starts with the prefix; at least one of the two.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagSelector {
    /// Only flags with this tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Only flags whose key starts with this.
    #[serde(default)]
    pub key_prefix: Option<String>,
}

/// What a bulk toggle did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulkToggleResult {
    /// The environment's key.
    pub environment: String,
    /// The state set.
    pub enabled: bool,
    /// Flags written (one audit entry each), by key.
    pub changed: Vec<String>,
    /// Flags that matched and were already in that state.
    pub unchanged: Vec<String>,
}

/// What a copy did: the configuration written, or the change request that waits for
/// approval in a protected target, or nothing when the two were already the same.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CopyOutcome {
    /// The target now has the source's configuration.
    Applied {
        /// The target's configuration as written.
        config: FlagConfigRecord,
    },
    /// The target requires approval: a change request holds the copy.
    ChangeRequested {
        /// The request opened.
        change_request: ChangeRequest,
    },
    /// The target already had the source's configuration; nothing was written.
    Unchanged {
        /// The target's configuration.
        config: FlagConfigRecord,
    },
}

/// A new flag made from another.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CloneResult {
    /// The new flag.
    pub flag: FlagRecord,
    /// Per environment key, what copying the source's configuration there did.
    pub environments: std::collections::BTreeMap<String, CopyOutcome>,
}

impl Store {
    /// Turns every active flag that `selector` matches on or off in one environment, in
    /// one transaction with one audit entry (`flag_config.toggle`, or
    /// `flag.break_glass_off`) per flag changed. A flag already in that state is left
    /// alone.
    ///
    /// Errors: [`Error::Invalid`] without a filter or when more than
    /// [`MAX_BULK_FLAGS`] flags match; [`Error::ApprovalRequired`] in an environment that
    /// requires approval unless `break_glass` turns flags off (the caller checks it
    /// carries a comment); and whatever a single write refuses, for the first flag that
    /// fails (nothing is written then).
    #[expect(clippy::too_many_arguments, reason = "one argument per part of the request")]
    pub async fn bulk_toggle(
        &self,
        caller: Caller<'_>,
        project: &str,
        env: &str,
        selector: &FlagSelector,
        enabled: bool,
        comment: Option<&str>,
        break_glass: bool,
    ) -> Result<BulkToggleResult> {
        let tag = selector.tag.as_deref().filter(|t| !t.is_empty());
        let prefix = selector.key_prefix.as_deref().filter(|p| !p.is_empty());
        if tag.is_none() && prefix.is_none() {
            return Err(Error::invalid("/filter", "name a tag or a key prefix (or both)"));
        }
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        // Fails with 404 for an unknown environment before anything else.
        environments::fetch(&mut tx, project_id, env).await?;
        // Only the filters given become conditions (decision 0035).
        let mut w = Where::new();
        let project_n = w.int(project_id);
        w.and(format!("f.project_id = {project_n} and f.archived_at is null"));
        if let Some(tag) = tag {
            let n = w.text(tag);
            w.and(format!("exists (select 1 from flag_tag t where t.flag_id = f.id and t.tag = {n})"));
        }
        if let Some(prefix) = prefix {
            let n = w.text(format!("{}%", escape_like(prefix)));
            w.and(format!("f.key like {n} escape '\\'"));
        }
        let limit = w.int(MAX_BULK_FLAGS as i64 + 1);
        let sql = format!("select f.key from flag f {} order by f.key limit {limit}", w.sql());
        let rows = w.bind(&sql)?.fetch_all(&mut **tx).await?;
        if rows.len() > MAX_BULK_FLAGS {
            return Err(Error::invalid(
                "/filter",
                format!("more than {MAX_BULK_FLAGS} flags match; narrow the filter"),
            ));
        }
        let keys = rows.iter().map(|r| get::<String>(r, "key")).collect::<Result<Vec<_>>>()?;
        let audited = |_: ()| {
            if break_glass && !enabled {
                Audited { action: "flag.break_glass_off", comment, via: Via::BreakGlass }
            } else {
                Audited { action: "flag_config.toggle", comment, via: Via::Direct }
            }
        };
        let patch = Patch {
            instructions: vec![if enabled { Instruction::TurnOn {} } else { Instruction::TurnOff {} }],
            comment: comment.map(str::to_owned),
        };
        let (mut changed, mut unchanged) = (Vec::new(), Vec::new());
        for key in keys {
            let target = Target { project, project_id, flag: &key, env };
            let (_, written) = self
                .write_config_in(&mut tx, caller.actor, &target, audited(()), |current| {
                    derive_patched(current, &patch)
                })
                .await?;
            if written {
                changed.push(key);
            } else {
                unchanged.push(key);
            }
        }
        tx.commit().await?;
        Ok(BulkToggleResult { environment: env.to_owned(), enabled, changed, unchanged })
    }

    /// Copies a flag's configuration in environment `from` to environment `to` (promote
    /// staging to production): the patch that turns the target's configuration into
    /// the source's ([`vexil_core::patch::diff`]), written and audited as
    /// `flag_config.copy` — or, when `to` requires approval, proposed as a change
    /// request (the approval check of 0016 is not bypassed). Rollouts in the target keep
    /// their assignments where the source's shares allow.
    ///
    /// Errors: [`Error::NotFound`] for an unknown flag or environment,
    /// [`Error::Invalid`] when `from` and `to` are the same, and whatever the write or
    /// the change request refuses.
    pub async fn copy_flag_config(
        &self,
        caller: Caller<'_>,
        project: &str,
        flag: &str,
        (from, to): (&str, &str),
        comment: Option<&str>,
    ) -> Result<CopyOutcome> {
        if from == to {
            return Err(Error::invalid("/to", "the source and target environments are the same"));
        }
        let note = match comment {
            Some(c) => format!("copied from {from}: {c}"),
            None => format!("copied from {from}"),
        };
        let title = format!("Copy {flag} from {from} to {to}");
        self.copy_config(caller, project, (flag, from), (flag, to), title, note).await
    }

    /// Creates flag `new_key` with `source`'s definition and metadata (a fresh salt, so the two
    /// bucket independently) and copies `source`'s configuration in every environment
    /// to it with [`Store::copy_flag_config`]: protected environments get a change
    /// request each. The creation and each copy are separate transactions: a copy that
    /// fails leaves the new flag with its default (off) configuration there, and the
    /// error names it.
    pub async fn clone_flag(
        &self,
        caller: Caller<'_>,
        project: &str,
        source: &str,
        new_key: &str,
        name: Option<String>,
    ) -> Result<CloneResult> {
        let original = self.get_flag(project, source).await?;
        let new = NewFlag {
            key: new_key.to_owned(),
            name,
            description: original.flag.description.clone(),
            kind: original.flag.kind,
            variants: Some(original.flag.variants.clone()),
            tags: original.flag.tags.clone(),
            lifecycle: original.flag.lifecycle,
            client_visible: original.flag.client_visible,
            owner: original.metadata.owner.clone(),
            links: original.metadata.links.clone(),
            properties: original.metadata.properties.clone(),
        };
        self.create_flag(caller.actor, project, new).await?;
        let mut environments = std::collections::BTreeMap::new();
        for env in original.environments.keys() {
            let title = format!("Configure {new_key} in {env} as {source}");
            let note = format!("cloned from {source}");
            let outcome =
                self.copy_config(caller, project, (source, env), (new_key, env), title, note).await?;
            environments.insert(env.clone(), outcome);
        }
        let flag = self.get_flag(project, new_key).await?;
        Ok(CloneResult { flag, environments })
    }

    /// Proposes or writes the patch that turns configuration `target` (flag,
    /// environment) into `source`: the common part of a copy and a clone.
    async fn copy_config(
        &self,
        caller: Caller<'_>,
        project: &str,
        (source_flag, source_env): (&str, &str),
        (flag, env): (&str, &str),
        title: String,
        note: String,
    ) -> Result<CopyOutcome> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let from_flag = super::flags::fetch(&mut tx, project_id, source_flag, self.stale_after_ms).await?;
        let to_flag = super::flags::fetch(&mut tx, project_id, flag, self.stale_after_ms).await?;
        let from_env = environments::fetch(&mut tx, project_id, source_env).await?;
        let to_env = environments::fetch(&mut tx, project_id, env).await?;
        let source = self.config_in_tx(&mut tx, from_flag.id, from_env.id).await?;
        let current = self.config_in_tx(&mut tx, to_flag.id, to_env.id).await?;
        let instructions = diff(&current, &source);
        if instructions.is_empty() {
            drop(tx);
            return Ok(CopyOutcome::Unchanged { config: self.get_flag_config(project, flag, env).await? });
        }
        let patch = Patch { instructions, comment: Some(note) };
        if to_env.requires_approval {
            // Proposed in its own transaction against the configuration as it is then
            // (a change request must apply when made); approval writes it.
            drop(tx);
            let new = NewChangeRequest {
                flag: flag.to_owned(),
                environment: env.to_owned(),
                // Keys are up to 64 characters each: keep within a title's 200.
                title: title.chars().take(200).collect(),
                patch,
                scheduled_at: None,
            };
            let change_request = self.create_change_request(caller, project, new).await?;
            return Ok(CopyOutcome::ChangeRequested { change_request });
        }
        let target = Target { project, project_id, flag, env };
        let audited =
            Audited { action: "flag_config.copy", comment: patch.comment.as_deref(), via: Via::Direct };
        let (config, _written) = self
            .write_config_in(&mut tx, caller.actor, &target, audited, |c| derive_patched(c, &patch))
            .await?;
        tx.commit().await?;
        Ok(CopyOutcome::Applied { config })
    }
}
