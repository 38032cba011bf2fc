//! The writes of flags and their configurations, each one sequence on the write
//! pipeline ([`super::pipeline`]): lock the project, load, decide with the pure rules
//! ([`super::flag_rules`], `vexil_core`), write through the SQL of [`super::flags`],
//! record the change and the audit entry, commit. The request types of those writes
//! live here too.

use std::collections::BTreeMap;

use serde::Deserialize;
use vexil_core::patch::{Instruction, Patch};
use vexil_core::rollout::{LayoutMode, plan_config};
use vexil_core::validate::{References, validate_config, validate_flag};
use vexil_core::{Flag, FlagConfig, FlagKind, Lifecycle, Rule, Variant};

use super::audit::Record;
use super::changes::ChangeKind;
use super::environments;
use super::error::Conflict;
use super::flag_metadata::{FlagLink, FlagMetadata};
use super::flag_rules::*;
use super::flags::*;
use super::pipeline::Write;
use super::servable::{self, Adding, Exclude};
use super::{Actor, Error, Result, Store, Timestamp, json_text};

/// Body of a flag creation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewFlag {
    /// Lower-case slug, unique in the project; cannot change later.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
    pub key: String,
    /// Display name (defaults to the key).
    #[serde(default)]
    pub name: Option<String>,
    /// What the flag controls.
    #[serde(default)]
    #[schema(default = "")]
    pub description: String,
    /// Value type; cannot change later.
    pub kind: FlagKind,
    /// Variants; a boolean flag without them gets `on` (true) and `off` (false).
    #[serde(default)]
    pub variants: Option<Vec<Variant>>,
    /// Labels.
    #[serde(default)]
    #[schema(default = json!([]))]
    pub tags: Vec<String>,
    /// Temporary (default) or permanent.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// Whether client SDK keys may evaluate it.
    #[serde(default)]
    #[schema(default = false)]
    pub client_visible: bool,
    /// A user's email or a team name (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub owner: String,
    /// Links to the issue tracker, documentation, ... (at most 20).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub links: Vec<FlagLink>,
    /// Free-form string properties: at most 50, names of 1 to 64 characters, values of at
    /// most 1 000.
    #[serde(default)]
    #[schema(schema_with = super::flag_metadata::properties_schema)]
    pub properties: BTreeMap<String, String>,
}

/// Body of a flag update; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FlagPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New variants (all of them, in order).
    pub variants: Option<Vec<Variant>>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// New lifecycle.
    pub lifecycle: Option<Lifecycle>,
    /// New client visibility.
    pub client_visible: Option<bool>,
    /// New owner (empty for none; at most 200 characters).
    #[schema(max_length = 200)]
    pub owner: Option<String>,
    /// New links (all of them; at most 20).
    #[schema(max_items = 20)]
    pub links: Option<Vec<FlagLink>>,
    /// New custom properties (all of them): at most 50, names of 1 to 64 characters,
    /// values of at most 1 000.
    #[schema(schema_with = super::flag_metadata::optional_properties_schema)]
    pub properties: Option<BTreeMap<String, String>>,
}

/// The configuration a write addresses, in a project whose lock the caller holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target<'a> {
    pub project: &'a str,
    pub project_id: i64,
    pub flag: &'a str,
    pub env: &'a str,
}

/// How a configuration write came about, which decides whether an environment that
/// requires approval takes it: only [`Via::Direct`] is refused there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// An editor's own `PUT`, `PATCH`, toggle or restore.
    Direct,
    /// Turning a flag off with a reason: the kill switch is never blocked.
    BreakGlass,
    /// The last approval of a change request.
    Approved,
    /// A scheduled change coming due (approved before it was scheduled, where needed).
    Scheduled,
    /// A release plan's own decision (a step, or a rollback, which like the kill switch
    /// only makes the place serve what it served before the plan).
    ReleasePlan,
}

/// How a configuration write is audited: its action, what the author said, and how
/// the write came about.
pub(super) struct Audited<'a> {
    pub action: &'a str,
    pub comment: Option<&'a str>,
    pub via: Via,
}

impl Store {
    /// Creates a flag, disabled in every environment.
    pub async fn create_flag(&self, actor: &Actor, project: &str, new: NewFlag) -> Result<FlagRecord> {
        let variants = match (new.variants, new.kind) {
            (Some(v), _) => v,
            (None, FlagKind::Boolean) => boolean_variants(),
            (None, _) => Vec::new(),
        };
        let flag = Flag {
            name: new.name.filter(|n| !n.is_empty()).unwrap_or_else(|| new.key.clone()),
            key: new.key,
            description: new.description,
            kind: new.kind,
            variants,
            tags: new.tags,
            lifecycle: new.lifecycle,
            salt: random_hex(8),
            client_visible: new.client_visible,
        };
        validate_flag(&flag)?;
        let metadata =
            FlagMetadata { owner: new.owner.trim().to_owned(), links: new.links, properties: new.properties };
        metadata.validate()?;
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        servable::ensure_room_for_flag(&mut tx, project_id).await?;
        let flag_id = insert_flag(&mut tx, project_id, &flag, &metadata).await?;
        write_tags(&mut tx, flag_id, &flag.tags).await?;
        let config = default_config(&flag.variants);
        insert_config_everywhere(&mut tx, project_id, flag_id, &config).await?;
        let payload = Some(snapshot_text(&flag, &config)?);
        tx.record_everywhere(project_id, ChangeKind::Flag, &flag.key, payload).await?;
        tx.servable_by_construction("a new flag serves its default configuration, which refers to nothing");
        let record = fetch(&mut tx, project_id, &flag.key, self.stale_after_ms).await?;
        tx.audit(Record {
            actor,
            action: "flag.create",
            resource_type: "flag",
            resource_key: format!("{project}/{}", flag.key),
            project: Some(project),
            environment: None,
            before: None,
            after: Some(audit_json(&record)?),
        })
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Updates a flag's definition. Removing a variant that a configuration or another
    /// flag's prerequisite uses is refused with the list of what uses it.
    pub async fn update_flag(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        expected_version: Option<i64>,
        patch: FlagPatch,
    ) -> Result<FlagRecord> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, key, self.stale_after_ms).await?;
        super::check_version(expected_version, before.version)?;
        let mut flag = before.flag.clone();
        let variants_changed = patch.variants.as_ref().is_some_and(|v| *v != flag.variants);
        let visibility_changed = patch.client_visible.is_some_and(|c| c != flag.client_visible);
        if let Some(name) = patch.name {
            flag.name = name;
        }
        if let Some(d) = patch.description {
            flag.description = d;
        }
        if let Some(v) = patch.variants {
            flag.variants = v;
        }
        if let Some(t) = patch.tags {
            flag.tags = t;
        }
        if let Some(l) = patch.lifecycle {
            flag.lifecycle = l;
        }
        if let Some(c) = patch.client_visible {
            flag.client_visible = c;
        }
        validate_flag(&flag)?;
        let mut metadata = before.metadata.clone();
        if let Some(o) = patch.owner {
            metadata.owner = o.trim().to_owned();
        }
        if let Some(l) = patch.links {
            metadata.links = l;
        }
        if let Some(p) = patch.properties {
            metadata.properties = p;
        }
        metadata.validate()?;
        let configs = configs_of(&mut tx, project_id, before.id).await?;
        if variants_changed {
            let own = configs.iter().map(|c| &c.config);
            let refs = ProjectRefs::for_configs(&mut tx, project_id, own, before.archived)
                .await?
                .with_flag(key, &flag.variants);
            let references = refs.references();
            let mut dependents = Vec::new();
            for c in &configs {
                if let Err(e) = validate_config(key, &flag.variants, &c.config, &references) {
                    dependents.extend(
                        e.problems.iter().map(|p| {
                            format!("{:?} configuration {}: {}", c.environment, p.pointer, p.message)
                        }),
                    );
                }
            }
            // Archived flags count: they must stay restorable.
            let naming = configs_naming(&mut tx, project_id, key, true).await?;
            dependents.extend(prerequisite_dependents(&naming, key, Some(&flag.variants)));
            if !dependents.is_empty() {
                return Err(Error::Conflict(Conflict::VariantsInUse { flag: key.to_owned(), dependents }));
            }
        }
        let row = update_definition(&mut tx, before.id, &flag, &metadata).await?;
        write_tags(&mut tx, before.id, &flag.tags).await?;
        if (variants_changed || visibility_changed) && !before.archived {
            for c in &configs {
                tx.record_change(
                    c.environment_id,
                    ChangeKind::Flag,
                    key,
                    Some(snapshot_text(&flag, &c.config)?),
                )
                .await?;
            }
        }
        // What a definition can break was checked above, archived flags included (they
        // must stay restorable): its own configurations against the new variants, and
        // every prerequisite naming a variant it no longer has. Visibility, names and
        // tags break nothing.
        tx.servable_by_construction(
            "the flag's configurations and the prerequisites naming it were checked above",
        );
        let mut after = from_row(&row)?;
        complete(&mut tx, std::slice::from_mut(&mut after), self.stale_after_ms).await?;
        tx.audit(Record {
            actor,
            action: "flag.update",
            resource_type: "flag",
            resource_key: format!("{project}/{key}"),
            project: Some(project),
            environment: None,
            before: Some(audit_json(&before)?),
            after: Some(audit_json(&after)?),
        })
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives (removes from every snapshot) or restores a flag. Setting the state it
    /// already has changes nothing.
    pub async fn set_flag_archived(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        archived: bool,
    ) -> Result<FlagRecord> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, key, self.stale_after_ms).await?;
        if before.archived == archived {
            return Ok(before);
        }
        if archived {
            ensure_not_a_prerequisite(&configs_naming(&mut tx, project_id, key, false).await?, key)?;
            set_archived(&mut tx, before.id, true).await?;
            // A flag has a configuration in every environment of its project.
            tx.record_everywhere(project_id, ChangeKind::FlagDeleted, key, None).await?;
            tx.servable_by_construction("no active configuration names it as a prerequisite (checked above)");
        } else {
            servable::ensure_room_for_flag(&mut tx, project_id).await?;
            let own = configs_of(&mut tx, project_id, before.id).await?;
            let named: Vec<&str> = own.iter().flat_map(|c| c.config.prerequisite_flags()).collect();
            let archived_prerequisites = archived_among(&mut tx, project_id, &named).await?;
            ensure_prerequisites_active(&own, &archived_prerequisites, key)?;
            servable::ensure_regex_budget(
                &mut tx,
                project_id,
                None,
                Exclude::Nothing,
                Adding::FlagConfigs(before.id),
            )
            .await?;
            set_archived(&mut tx, before.id, false).await?;
            for c in &own {
                let payload = snapshot_text(&before.flag, &c.config)?;
                tx.record_change(c.environment_id, ChangeKind::Flag, key, Some(payload)).await?;
            }
            // The pipeline's commit checks the invariant over the project (this flag's
            // configurations against what is active now, and each environment's
            // prerequisite chains with it back in them).
        }
        let after = fetch(&mut tx, project_id, key, self.stale_after_ms).await?;
        tx.audit(Record {
            actor,
            action: if archived { "flag.archive" } else { "flag.restore" },
            resource_type: "flag",
            resource_key: format!("{project}/{key}"),
            project: Some(project),
            environment: None,
            before: Some(audit_json(&before)?),
            after: Some(audit_json(&after)?),
        })
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a flag and its configurations.
    pub async fn delete_flag(
        &self,
        actor: &Actor,
        project: &str,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let before = fetch(&mut tx, project_id, key, self.stale_after_ms).await?;
        super::check_version(expected_version, before.version)?;
        // Archived flags count: a flag that requires this one could never be restored.
        ensure_not_a_prerequisite(&configs_naming(&mut tx, project_id, key, true).await?, key)?;
        if !before.archived {
            tx.record_everywhere(project_id, ChangeKind::FlagDeleted, key, None).await?;
        }
        delete_flag_row(&mut tx, before.id).await?;
        tx.servable_by_construction(
            "a flag no configuration names as a prerequisite (checked above) breaks nothing when it goes",
        );
        delete_usage_of(&mut tx, project_id, key).await?;
        tx.audit(Record {
            actor,
            action: "flag.delete",
            resource_type: "flag",
            resource_key: format!("{project}/{key}"),
            project: Some(project),
            environment: None,
            before: Some(audit_json(&before)?),
            after: None,
        })
        .await?;
        tx.commit().await
    }

    /// Replaces a flag's configuration in one environment. Rollouts that exist before
    /// and after keep their stored layout where the new weights allow it, as `layout`
    /// says ([`vexil_core::rollout::plan_config`]).
    #[expect(clippy::too_many_arguments, reason = "one argument per part of the request")]
    pub async fn put_flag_config(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        expected_version: Option<i64>,
        mut config: FlagConfig,
        layout: LayoutMode,
    ) -> Result<FlagConfigRecord> {
        assign_rule_ids(&mut config);
        // The expensive part of validation (compiling regular expressions, bounded by
        // the document's budget) runs here, off the async threads and before the
        // transaction, so that it holds no lock; validation inside the transaction then
        // finds the patterns compiled.
        let key = flag.to_owned();
        let config = tokio::task::spawn_blocking(move || {
            let _ = validate_config(&key, &[], &config, &References::new());
            config
        })
        .await
        .map_err(|e| Error::Internal(format!("validation task: {e}")))?;
        let audit = Audited { action: "flag_config.update", comment: None, via: Via::Direct };
        self.write_config(actor, project, flag, env, audit, |current| {
            super::check_version(expected_version, current.version as i64)?;
            Ok(Some(plan_config(current, config, layout).config))
        })
        .await
    }

    /// Turns a flag on or off in one environment: the kill switch. Needs no version:
    /// setting a state is idempotent and must never lose a race. `comment` (why) goes
    /// into the audit entry; a toggle to the state the flag already has writes nothing.
    ///
    /// `break_glass` turns a flag off in an environment that requires approval, without
    /// one, audited as `flag.break_glass_off`; the caller makes sure it is an "off" with
    /// a reason. Without it such an environment answers [`Error::ApprovalRequired`].
    #[expect(clippy::too_many_arguments, reason = "one argument per part of the request")]
    pub async fn toggle_flag(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        enabled: bool,
        comment: Option<&str>,
        break_glass: bool,
    ) -> Result<FlagConfigRecord> {
        let audit = if break_glass && !enabled {
            Audited { action: "flag.break_glass_off", comment, via: Via::BreakGlass }
        } else {
            Audited { action: "flag_config.toggle", comment, via: Via::Direct }
        };
        self.write_config(actor, project, flag, env, audit, |current| {
            // Already in that state: nothing to write, nothing to tell.
            Ok((current.enabled != enabled).then(|| FlagConfig { enabled, ..current.clone() }))
        })
        .await
    }

    /// Applies a semantic patch to a flag's configuration in one environment: the
    /// instructions apply in order to whatever is current (or to `expected_version`,
    /// when the caller read one), rollouts keep their assignments where the new shares
    /// allow, and the result is validated like any write. A patch that changes nothing
    /// writes nothing. The comment goes into the audit entry.
    pub async fn patch_flag_config(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        expected_version: Option<i64>,
        patch: Patch,
    ) -> Result<FlagConfigRecord> {
        // Compile the patch's patterns off the async threads and outside the
        // transaction (see `put_flag_config`).
        let rules: Vec<Rule> = patch
            .instructions
            .iter()
            .filter_map(|i| match i {
                Instruction::AddRule { rule, .. } | Instruction::ReplaceRule { rule } => Some(rule.clone()),
                _ => None,
            })
            .collect();
        if !rules.is_empty() {
            let key = flag.to_owned();
            tokio::task::spawn_blocking(move || {
                let probe = FlagConfig { rules, ..default_config(&[]) };
                let _ = validate_config(&key, &[], &probe, &References::new());
            })
            .await
            .map_err(|e| Error::Internal(format!("validation task: {e}")))?;
        }
        let audit =
            Audited { action: "flag_config.patch", comment: patch.comment.as_deref(), via: Via::Direct };
        self.write_config(actor, project, flag, env, audit, |current| {
            super::check_version(expected_version, current.version as i64)?;
            derive_patched(current, &patch)
        })
        .await
    }

    /// Puts a flag's configuration in one environment back to an earlier `version` from
    /// its history, as a new version, validated like any write (a variant, segment or
    /// prerequisite the old version names must still exist). Rollouts keep the old
    /// version's exact layout, so users get the variants they had then. Audited as
    /// `flag_config.restore` with `comment` (the restored version is named in it).
    ///
    /// Errors: [`Error::NotFound`] when the history has no such version,
    /// [`Error::VersionMismatch`] on a stale `expected_version`, and whatever the write
    /// itself refuses.
    #[expect(clippy::too_many_arguments, reason = "one argument per part of the request")]
    pub async fn restore_flag_config(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        version: u64,
        expected_version: Option<i64>,
        comment: Option<&str>,
    ) -> Result<FlagConfigRecord> {
        let mut old = self.config_in_history(project, flag, env, version).await?;
        old.version = 0;
        let comment = match comment {
            Some(c) => format!("restored version {version}: {c}"),
            None => format!("restored version {version}"),
        };
        let audit = Audited { action: "flag_config.restore", comment: Some(&comment), via: Via::Direct };
        self.write_config(actor, project, flag, env, audit, |current| {
            super::check_version(expected_version, current.version as i64)?;
            let mut next = plan_config(current, old, LayoutMode::Exact).config;
            // Compared as content: the version is the write's to bump.
            next.version = current.version;
            Ok((next != *current).then_some(next))
        })
        .await
    }

    /// The one path for configuration writes: lock, read, derive the new config (`None`:
    /// no change), validate it against the project, write, record the change, audit.
    async fn write_config(
        &self,
        actor: &Actor,
        project: &str,
        flag_key: &str,
        env_key: &str,
        audited: Audited<'_>,
        derive: impl FnOnce(&FlagConfig) -> Result<Option<FlagConfig>>,
    ) -> Result<FlagConfigRecord> {
        let mut tx = self.begin().await?;
        let project_id = super::lock_project(&mut tx, project).await?;
        let target = Target { project, project_id, flag: flag_key, env: env_key };
        let (after, _changed) = self.write_config_in(&mut tx, actor, &target, audited, derive).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// [`Store::write_config`] inside a transaction that already holds the project lock,
    /// for writes that commit with more (a change request's or a scheduled change's own
    /// state). Errors before the configuration's `update` leave the transaction clean
    /// (no statement of it failed), so the caller may record the failure and commit.
    /// Returns the record and whether it changed (`false`: the derivation changed
    /// nothing); the change is announced when the caller commits `tx`.
    pub(super) async fn write_config_in(
        &self,
        tx: &mut Write,
        actor: &Actor,
        target: &Target<'_>,
        audited: Audited<'_>,
        derive: impl FnOnce(&FlagConfig) -> Result<Option<FlagConfig>>,
    ) -> Result<(FlagConfigRecord, bool)> {
        let Target { project, project_id, flag: flag_key, env: env_key } = *target;
        let flag = fetch(tx, project_id, flag_key, self.stale_after_ms).await?;
        let env = environments::fetch(tx, project_id, env_key).await?;
        if env.requires_approval && audited.via == Via::Direct {
            return Err(Error::ApprovalRequired {
                project: project.to_owned(),
                environment: env_key.to_owned(),
            });
        }
        let before = fetch_config(tx, flag.id, env.id, flag_key, env_key).await?;
        if flag.archived {
            return Err(Error::Conflict(Conflict::FlagArchived { flag: flag_key.to_owned() }));
        }
        let Some(mut config) = derive(&before.config)? else {
            return Ok((before, false));
        };
        let refs = ProjectRefs::for_configs(tx, project_id, [&config], false).await?;
        validate_config(flag_key, &flag.flag.variants, &config, &refs.references())?;
        // Cycles are per environment and only new prerequisites can make one.
        if config.prerequisites != before.config.prerequisites {
            let configs = prerequisite_neighbourhood(tx, project_id, env.id, flag_key, &config).await?;
            check_prerequisite_graph(&configs, env.id, flag_key, &config)?;
        }
        let regex_bytes = vexil_core::validate::regex_bytes_of_config(&config);
        // The environment's total can only grow if this configuration's share does: the
        // sum over every configuration is needed only then.
        if config.rules != before.config.rules
            && regex_bytes > vexil_core::validate::regex_bytes_of_config(&before.config)
        {
            servable::ensure_regex_budget(
                tx,
                project_id,
                Some(env.id),
                Exclude::Flag(flag.id),
                Adding::Bytes(regex_bytes),
            )
            .await?;
        }
        let now = Timestamp::now();
        config.version = update_config(tx, flag.id, env.id, &config, regex_bytes, now).await?;
        tx.record_change(env.id, ChangeKind::Flag, flag_key, Some(snapshot_text(&flag.flag, &config)?))
            .await?;
        // Validated above against the project's references, this environment's
        // prerequisite graph and regex budget: all a configuration can break.
        tx.validated_config();
        let after = FlagConfigRecord {
            flag: flag_key.to_owned(),
            environment: env_key.to_owned(),
            config,
            updated_at: now,
        };
        tx.audit_with_comment(
            Record {
                actor,
                action: audited.action,
                resource_type: "flag_config",
                resource_key: format!("{project}/{flag_key}/{env_key}"),
                project: Some(project),
                environment: Some(env_key),
                before: Some(json_text(&before)?),
                after: Some(json_text(&after)?),
            },
            audited.comment,
        )
        .await?;
        Ok((after, true))
    }
}
