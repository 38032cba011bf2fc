//! Release plans: a treatment variant stepped up in one place of a flag's configuration
//! while guardrails compare it with the control (`crate::release`).
//!
//! Every change of a plan — by hand or by the runner's look — runs in one transaction
//! under the project lock: the plan is read again there, so of two replicas looking at
//! the same plan the second finds it moved on (another step, another state) and decides
//! from that; each decision is taken once. A step or a rollback is a semantic patch
//! through the one configuration write (`write_config_in`), committed with the plan's
//! new state or not at all. What this module must not do: decide anything itself (that
//! is `release::plan::decide`) or write a configuration another way.

use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use super::audit::Record;
use super::change_requests::{Caller, ChangeRequestState, is_stale_change};
use super::error::{Conflict, Constraint, Missing, UniqueIs};
use super::flag_rules::derive_patched;
use super::flag_writes::{Audited, Target, Via};
use super::pipeline::Write;
use super::{Actor, Error, Result, Store, Timestamp, environments, from_json_text, get, json_text};
use crate::release::plan::{
    self, Analysis, ArmCounts, Decision, GuardrailData, PlanSpec, PlanState, Position,
};
use crate::release::sketch::ValueSketch;
use crate::release::stats::{ArmSums, Measure};

/// A release plan as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReleasePlan {
    /// Id, unique across projects.
    pub id: i64,
    /// The flag's key.
    pub flag: String,
    /// The environment's key.
    pub environment: String,
    /// What was asked for.
    #[serde(flatten)]
    pub spec: PlanSpec,
    /// Where it stands.
    pub state: PlanState,
    /// The current step's index in `steps`.
    #[schema(value_type = i64)]
    pub step: usize,
    /// When it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub started_at: Option<Timestamp>,
    /// When the current step began.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub step_started_at: Option<Timestamp>,
    /// Why it is where it is (the last decision's reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub reason: Option<String>,
    /// The last look: per arm exposures, and per guardrail each arm's estimate and
    /// bounds and the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, value_type = Option<Object>)]
    pub analysis: Option<Value>,
    /// When the runner last looked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub looked_at: Option<Timestamp>,
    /// Who created it.
    pub author: String,
    /// Bumped on each change (ETag).
    pub version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// The change request whose approval starts the plan, in an environment that
    /// requires approval (`POST …/start` there opens it).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub change_request_id: Option<i64>,
    /// The arms' cumulative exposures at the step's first look (`None` before it).
    #[serde(skip)]
    step_base: Option<ArmCounts>,
    /// The place as the plan last wrote or accepted it (`None` before its first write).
    #[serde(skip)]
    place: Option<Place>,
    #[serde(skip)]
    environment_id: i64,
}

/// A manual action on a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    /// Draft → running, on the first step.
    Start,
    /// Running → paused.
    Pause,
    /// Paused → running; the current step starts again (time, sample and split check).
    Resume,
    /// Running or paused → the next step (or completed from the last one).
    Advance,
    /// Running or paused → rolled back: the control for the whole place.
    RollBack,
}

impl PlanAction {
    fn name(self) -> &'static str {
        match self {
            PlanAction::Start => "start",
            PlanAction::Pause => "pause",
            PlanAction::Resume => "resume",
            PlanAction::Advance => "advance",
            PlanAction::RollBack => "rollback",
        }
    }
}

const COLUMNS: &str = "r.id, r.spec, r.state, r.step, r.started_at, r.step_started_at, r.step_base, r.reason, \
    r.analysis, r.looked_at, r.author, r.version, r.created_at, r.updated_at, r.environment_id, \
    r.place, r.change_request_id, f.key as flag_key, e.key as env_key";

const FROM: &str =
    "release_plan r join flag f on f.id = r.flag_id join environment e on e.id = r.environment_id";

fn from_row(row: &AnyRow) -> Result<ReleasePlan> {
    let state: String = get(row, "state")?;
    let analysis: Option<String> = get(row, "analysis")?;
    let step_base: Option<String> = get(row, "step_base")?;
    let place: Option<String> = get(row, "place")?;
    Ok(ReleasePlan {
        id: get(row, "id")?,
        flag: get(row, "flag_key")?,
        environment: get(row, "env_key")?,
        spec: from_json_text(&get::<String>(row, "spec")?, "release plan")?,
        state: PlanState::parse(&state)
            .ok_or_else(|| Error::Internal(format!("stored release plan state {state:?}")))?,
        step: usize::try_from(get::<i64>(row, "step")?).unwrap_or_default(),
        started_at: get::<Option<i64>>(row, "started_at")?.map(Timestamp),
        step_started_at: get::<Option<i64>>(row, "step_started_at")?.map(Timestamp),
        reason: get(row, "reason")?,
        analysis: analysis.map(|a| from_json_text(&a, "release plan analysis")).transpose()?,
        looked_at: get::<Option<i64>>(row, "looked_at")?.map(Timestamp),
        author: get(row, "author")?,
        version: get(row, "version")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
        step_base: step_base
            .map(|b| from_json_text(&b, "release plan step base"))
            .transpose()?
            .unwrap_or_default(),
        environment_id: get(row, "environment_id")?,
        place: place.map(|p| from_json_text(&p, "release plan place")).transpose()?,
        change_request_id: get(row, "change_request_id")?,
    })
}

/// What a plan controls and watches of the configuration: whether the flag is on, its
/// place (the rule, whole, or the default serve; `None` when the rule is gone) and the
/// definitions of its two variants. The plan writes only the place's serve; anything
/// else that differs from what it last saw was changed by someone else.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
struct Place {
    enabled: bool,
    at: Option<Value>,
    variants: Vec<Value>,
}

/// The place of a plan in the configuration as it is in `tx` now, with whether the
/// flag is archived.
async fn place_now(
    store: &Store,
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    p: &ReleasePlan,
) -> Result<(Place, bool)> {
    let flag = super::flags::fetch(tx, project_id, &p.flag, store.stale_after_ms).await?;
    let config = store.config_in_tx(tx, flag.id, p.environment_id).await?;
    let at = match &p.spec.rule {
        Some(rule) => config.rules.iter().find(|r| &r.id == rule).map(serde_json::to_value),
        None => Some(serde_json::to_value(&config.default)),
    }
    .transpose()
    .map_err(|e| Error::Internal(format!("release plan {}: place as JSON: {e}", p.id)))?;
    let variants = [&p.spec.control, &p.spec.treatment]
        .into_iter()
        .map(|key| {
            flag.flag.variants.iter().find(|v| &v.key == key).map_or(Ok(Value::Null), serde_json::to_value)
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Internal(format!("release plan {}: variants as JSON: {e}", p.id)))?;
    Ok((Place { enabled: config.enabled, at, variants }, flag.archived))
}

/// Why a place differs from what the plan last saw, in words (`None`: it does not).
fn manual_change(p: &ReleasePlan, seen: &Place, now: &Place, archived: bool) -> Option<String> {
    let place = match &p.spec.rule {
        Some(rule) => format!("rule {rule:?}"),
        None => "the default serve".to_owned(),
    };
    let what = if archived {
        "the flag was archived".to_owned()
    } else if now.at.is_none() {
        format!("{place} was removed")
    } else if now.at != seen.at {
        format!("{place} was changed by someone else")
    } else if now.enabled != seen.enabled {
        format!("the flag was turned {}", if now.enabled { "on" } else { "off" })
    } else if now.variants != seen.variants {
        let gone = [&p.spec.control, &p.spec.treatment]
            .into_iter()
            .zip(&now.variants)
            .find(|(_, v)| v.is_null())
            .map(|(k, _)| k);
        match gone {
            Some(k) => format!("variant {k:?} was removed"),
            None => format!("variant {:?} or {:?} was changed", p.spec.control, p.spec.treatment),
        }
    } else {
        return None;
    };
    Some(format!(
        "paused: {what} since the plan's last step; the plan does not overwrite a change made by hand \
         (resume to continue from the configuration as it is now)"
    ))
}

/// The plan of a flag in an environment: the unfinished one, or else the latest.
async fn fetch_current(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    flag: &str,
    env: &str,
) -> Result<ReleasePlan> {
    let row = sqlx::query(&format!(
        "select {COLUMNS} from {FROM} where r.project_id = $1 and f.key = $2 and e.key = $3 order by r.id desc limit 1"
    ))
    .bind(project_id)
    .bind(flag)
    .bind(env)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| release_plan_missing(flag, env))?;
    from_row(&row)
}

async fn fetch_id(tx: &mut Transaction<'static, Any>, id: i64) -> Result<ReleasePlan> {
    let row = sqlx::query(&format!("select {COLUMNS} from {FROM} where r.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::NotFound(Missing::ReleasePlanId(id)))?;
    from_row(&row)
}

/// Exposures of the two arms since the plan's start minute (usage is kept per minute).
async fn exposures(tx: &mut Transaction<'static, Any>, p: &ReleasePlan) -> Result<ArmCounts> {
    exposures_since(tx, p, p.started_at.map_or(i64::MAX, |t| t.0 / 60_000)).await
}

/// Exposures of the two arms since Unix minute `since`.
async fn exposures_since(
    tx: &mut Transaction<'static, Any>,
    p: &ReleasePlan,
    since: i64,
) -> Result<ArmCounts> {
    let rows = sqlx::query(
        "select variant, cast(sum(count) as bigint) as n from usage_minute
         where environment_id = $1 and flag_key = $2 and minute >= $3 group by variant",
    )
    .bind(p.environment_id)
    .bind(&p.flag)
    .bind(since)
    .fetch_all(&mut **tx)
    .await?;
    let mut counts = ArmCounts::default();
    for row in &rows {
        let variant: String = get(row, "variant")?;
        let n = u64::try_from(get::<i64>(row, "n")?).unwrap_or_default();
        if variant == p.spec.treatment {
            counts.treatment = n;
        } else if variant == p.spec.control {
            counts.control = n;
        }
    }
    Ok(counts)
}

/// Each guardrail's per-arm sums since the plan's start minute, from the metric events
/// SDKs attribute to the variant the context was served.
async fn guardrail_data(
    tx: &mut Transaction<'static, Any>,
    p: &ReleasePlan,
    exposures: ArmCounts,
    external: &[Option<(f64, f64)>],
) -> Result<Vec<GuardrailData>> {
    let since = p.started_at.map_or(i64::MAX, |t| t.0 / 60_000);
    let mut data = Vec::with_capacity(p.spec.guardrails.len());
    for g in &p.spec.guardrails {
        let rows = sqlx::query(
            "select variant, cast(sum(count) as bigint) as n, cast(sum(sum) as double precision) as s,
             cast(sum(sum_sq) as double precision) as ss from metric_minute
             where environment_id = $1 and event_key = $2 and flag_key = $3 and minute >= $4 group by variant",
        )
        .bind(p.environment_id)
        .bind(&g.event)
        .bind(&p.flag)
        .bind(since)
        .fetch_all(&mut **tx)
        .await?;
        let (mut control, mut treatment) = (ArmSums::default(), ArmSums::default());
        for row in &rows {
            let variant: String = get(row, "variant")?;
            let n = u64::try_from(get::<i64>(row, "n")?).unwrap_or_default();
            let (arm, arm_exposures) = if variant == p.spec.treatment {
                (&mut treatment, exposures.treatment)
            } else if variant == p.spec.control {
                (&mut control, exposures.control)
            } else {
                continue;
            };
            *arm = match g.measure {
                // Events per exposure: the events are counted, not their values.
                Measure::Rate => ArmSums { n: arm_exposures, sum: n as f64, sum_sq: n as f64 },
                Measure::Mean | Measure::P95 | Measure::Prometheus => {
                    ArmSums { n, sum: get(row, "s")?, sum_sq: get(row, "ss")? }
                }
            };
        }
        if g.measure == Measure::Rate {
            control.n = exposures.control;
            treatment.n = exposures.treatment;
        }
        let (mut control_sketch, mut treatment_sketch) = (ValueSketch::default(), ValueSketch::default());
        if g.measure.quantile().is_some() {
            let rows = sqlx::query(
                "select variant, minute, sketch from metric_sketch_minute
                 where environment_id = $1 and event_key = $2 and flag_key = $3 and minute >= $4 and variant in ($5, $6)",
            )
            .bind(p.environment_id)
            .bind(&g.event)
            .bind(&p.flag)
            .bind(since)
            .bind(&p.spec.control)
            .bind(&p.spec.treatment)
            .fetch_all(&mut **tx)
            .await?;
            for row in &rows {
                let variant: String = get(row, "variant")?;
                let arm =
                    if variant == p.spec.treatment { &mut treatment_sketch } else { &mut control_sketch };
                // One unreadable minute must not stop the plan's looks: it is left out,
                // and said so.
                if let Err(e) =
                    ValueSketch::from_json(&get::<String>(row, "sketch")?).and_then(|s| arm.merge(&s))
                {
                    tracing::warn!(
                        release_plan.id = p.id,
                        event = %g.event,
                        minute = get::<i64>(row, "minute")?,
                        error = %e,
                        "a stored metric sketch is unreadable and left out of the guardrail"
                    );
                }
            }
        }
        let external = external.get(data.len()).copied().flatten();
        data.push(GuardrailData { control, treatment, control_sketch, treatment_sketch, external });
    }
    Ok(data)
}

/// What a transition writes besides the state.
struct Move<'a> {
    state: PlanState,
    step: usize,
    /// A new step begins now (its time and exposures count from here).
    new_step: bool,
    reason: Option<String>,
    analysis: Option<&'a Analysis>,
    /// The configuration change, with how it came about.
    patch: Option<(vexil_core::patch::Patch, Via)>,
    action: &'static str,
}

impl Store {
    /// Creates a draft plan for a flag in an environment. The specification is checked
    /// against the flag's variants and the configuration (a named rule must exist).
    /// Audited as `release_plan.create`.
    ///
    /// # Errors
    /// [`Error::Invalid`] with pointers into the specification;
    /// [`Error::Duplicate`] ([`super::Constraint::ReleasePlanActive`]) while another plan
    /// of the flag in the environment is unfinished; [`Error::NotFound`].
    pub async fn create_release_plan(
        &self,
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        spec: PlanSpec,
    ) -> Result<ReleasePlan> {
        let config = self.get_flag_config(project, flag, env).await?;
        let record = self.get_flag(project, flag).await?;
        let variants: Vec<String> = record.flag.variants.iter().map(|v| v.key.clone()).collect();
        let problems = plan::check(&spec, &variants, &config.config);
        if !problems.is_empty() {
            return Err(Error::Invalid(vexil_core::ValidationErrors {
                problems: problems
                    .into_iter()
                    .map(|(pointer, message)| vexil_core::Problem { pointer, message })
                    .collect(),
            }));
        }
        let mut tx = self.begin().await?;
        let project_id = tx.lock_project(project).await?;
        let environment = environments::fetch(&mut tx, project_id, env).await?;
        let now = Timestamp::now().0;
        let row = sqlx::query(
            "insert into release_plan (project_id, flag_id, environment_id, spec, state, step, author, version, created_at, updated_at)
             values ($1, (select id from flag where project_id = $1 and key = $2), $3, $4, 'draft', 0, $5, 1, $6, $6)
             returning id",
        )
        .bind(project_id)
        .bind(flag)
        .bind(environment.id)
        .bind(json_text(&spec)?)
        .bind(&actor.0)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .unique_is(Constraint::ReleasePlanActive)?;
        let after = fetch_id(&mut tx, get(&row, "id")?).await?;
        audit_plan(&mut tx, actor, "release_plan.create", project, None, &after, None).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The plan of a flag in an environment: the unfinished one, or else the latest.
    pub async fn get_release_plan(&self, project: &str, flag: &str, env: &str) -> Result<ReleasePlan> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from {FROM} join project p on p.id = r.project_id
             where p.key = $1 and f.key = $2 and e.key = $3 order by r.id desc limit 1"
        ))
        .bind(project)
        .bind(flag)
        .bind(env)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| release_plan_missing(flag, env))?;
        from_row(&row)
    }

    /// Starts, pauses, resumes, advances or rolls back the plan of a flag in an
    /// environment by hand, audited as `release_plan.<action>` with `actor`.
    /// `expected_version` (the plan's, from `If-Match`) guards against acting on a plan
    /// that moved meanwhile. Start and advance are configuration changes like any other
    /// (an environment that requires approval refuses them); a rollback is not refused
    /// there, as the kill switch is not.
    ///
    /// # Errors
    /// [`Error::Conflict`] when the plan's state does not allow the action;
    /// [`Error::VersionMismatch`]; whatever the configuration write refuses.
    #[expect(clippy::too_many_arguments, reason = "one argument per part of the request")]
    pub async fn act_on_release_plan(
        &self,
        caller: Caller<'_>,
        project: &str,
        flag: &str,
        env: &str,
        action: PlanAction,
        expected_version: Option<i64>,
        comment: Option<&str>,
    ) -> Result<ReleasePlan> {
        let actor = caller.actor;
        let mut tx = self.begin().await?;
        let project_id = tx.lock_project(project).await?;
        let before = fetch_current(&mut tx, project_id, flag, env).await?;
        super::check_version(expected_version, before.version)?;
        if (action, before.state) == (PlanAction::Start, PlanState::Draft)
            && environments::fetch(&mut tx, project_id, env).await?.requires_approval
        {
            let after = self.request_start(&mut tx, caller, project, project_id, &before, comment).await?;
            tx.commit().await?;
            return Ok(after);
        }
        let by = match comment {
            Some(c) => format!("{} by {}: {c}", action.name(), actor.0),
            None => format!("{} by {}", action.name(), actor.0),
        };
        let last = before.spec.steps.len().saturating_sub(1);
        let plan_comment = format!("release plan {}: {by}", before.id);
        let m = match (action, before.state) {
            (PlanAction::Start, PlanState::Draft) => Move {
                state: PlanState::Running,
                step: 0,
                new_step: true,
                reason: Some(by),
                analysis: None,
                patch: Some((plan::step_patch(&before.spec, 0, plan_comment), Via::Direct)),
                action: "release_plan.start",
            },
            (PlanAction::Pause, PlanState::Running) => Move {
                state: PlanState::Paused,
                step: before.step,
                new_step: false,
                reason: Some(by),
                analysis: None,
                patch: None,
                action: "release_plan.pause",
            },
            // The current step's split is written again on top of the configuration as it
            // is now: a change made by hand while the plan was paused (or the one that
            // paused it) is kept everywhere but in the place's serve, which the plan
            // controls. Like the runner's steps, this is covered by the plan's start.
            (PlanAction::Resume, PlanState::Paused) => Move {
                state: PlanState::Running,
                step: before.step,
                new_step: true,
                reason: Some(by),
                analysis: None,
                patch: Some((plan::step_patch(&before.spec, before.step, plan_comment), Via::ReleasePlan)),
                action: "release_plan.resume",
            },
            (PlanAction::Advance, PlanState::Running | PlanState::Paused) if before.step >= last => Move {
                state: PlanState::Completed,
                step: before.step,
                new_step: false,
                reason: Some(by),
                analysis: None,
                patch: None,
                action: "release_plan.complete",
            },
            (PlanAction::Advance, PlanState::Running | PlanState::Paused) => Move {
                state: before.state,
                step: before.step + 1,
                new_step: true,
                reason: Some(by),
                analysis: None,
                patch: Some((plan::step_patch(&before.spec, before.step + 1, plan_comment), Via::Direct)),
                action: "release_plan.advance",
            },
            // A draft never served anything: rolling it back discards it, so a plan made
            // by mistake (or one that cannot start, in an environment that requires
            // approval) never blocks the next one.
            (PlanAction::RollBack, PlanState::Draft) => Move {
                state: PlanState::RolledBack,
                step: before.step,
                new_step: false,
                reason: Some(by),
                analysis: None,
                patch: None,
                action: "release_plan.rollback",
            },
            (PlanAction::RollBack, PlanState::Running | PlanState::Paused) => Move {
                state: PlanState::RolledBack,
                step: before.step,
                new_step: false,
                reason: Some(by),
                analysis: None,
                patch: Some((plan::rollback_patch(&before.spec, plan_comment), Via::ReleasePlan)),
                action: "release_plan.rollback",
            },
            (action, state) => {
                return Err(Conflict::ReleasePlanState {
                    id: before.id,
                    state: state.as_str(),
                    action: action.name(),
                }
                .into());
            }
        };
        let rolling_back = m.action == "release_plan.rollback" && m.patch.is_some();
        let after = match self.move_plan(&mut tx, actor, project, project_id, &before, m).await {
            Ok(after) => after,
            // A rollback whose place is gone (rule removed, flag archived, variant gone)
            // has nothing left to restore: the plan ends without a write rather than
            // staying unfinished forever (it would block the next plan). The write failed
            // before writing anything, so the transaction is clean.
            Err(e) if rolling_back && is_stale_change(&e) => {
                let why = format!(
                    "rollback by {}: the place no longer applies ({}); nothing was written",
                    actor.0,
                    self.reason_of(&e)
                );
                let m = Move {
                    state: PlanState::RolledBack,
                    step: before.step,
                    new_step: false,
                    reason: Some(why),
                    analysis: None,
                    patch: None,
                    action: "release_plan.rollback",
                };
                self.move_plan(&mut tx, actor, project, project_id, &before, m).await?
            }
            Err(e) => return Err(e),
        };
        tx.commit().await?;
        Ok(after)
    }

    /// A start in an environment that requires approval: a change request holding the
    /// first step's patch, by the caller, linked to the plan (which stays a draft until
    /// its approval; see [`Store::start_approved_release_plan`]). Audited as
    /// `release_plan.request_start` and `change_request.create`.
    async fn request_start(
        &self,
        tx: &mut Write,
        caller: Caller<'_>,
        project: &str,
        project_id: i64,
        before: &ReleasePlan,
        comment: Option<&str>,
    ) -> Result<ReleasePlan> {
        if let Some(cr) = before.change_request_id {
            let row = sqlx::query("select state from change_request where id = $1")
                .bind(cr)
                .fetch_optional(&mut ***tx)
                .await?;
            if let Some(row) = row {
                if get::<String>(&row, "state")? == ChangeRequestState::Open.as_str() {
                    return Err(
                        Conflict::ReleasePlanStartRequested { id: before.id, change_request: cr }.into()
                    );
                }
            }
        }
        let percent = before.spec.steps.first().map_or(100.0, |s| s.percent);
        let mut title = format!(
            "Start release plan {}: {:?} at {percent} %{}",
            before.id,
            before.spec.treatment,
            before.spec.rule.as_ref().map_or(String::new(), |r| format!(" in rule {r:?}"))
        );
        if let Some((cut, _)) = title.char_indices().nth(200) {
            title.truncate(cut);
        }
        let patch = plan::step_patch(
            &before.spec,
            0,
            format!("release plan {}: step 1 ({percent} %), the plan's start", before.id),
        );
        let target = Target { project, project_id, flag: &before.flag, env: &before.environment };
        let cr = self.open_change_request_in(tx, caller, &target, &title, &patch).await?;
        let why = match comment {
            Some(c) => {
                format!("start requested by {}: {c}; waiting for change request {}", caller.actor.0, cr.id)
            }
            None => format!("start requested by {}; waiting for change request {}", caller.actor.0, cr.id),
        };
        sqlx::query(
            "update release_plan set change_request_id = $1, reason = $2, version = version + 1, updated_at = $3
             where id = $4 and version = $5",
        )
        .bind(cr.id)
        .bind(&why)
        .bind(Timestamp::now().0)
        .bind(before.id)
        .bind(before.version)
        .execute(&mut ***tx)
        .await?;
        let after = fetch_id(tx, before.id).await?;
        audit_plan(tx, caller.actor, "release_plan.request_start", project, Some(before), &after, Some(&why))
            .await?;
        Ok(after)
    }

    /// The release plan a change request was opened to start, if any.
    pub(super) async fn release_plan_of_request(
        &self,
        tx: &mut Transaction<'static, Any>,
        change_request: i64,
    ) -> Result<Option<ReleasePlan>> {
        let row = sqlx::query(&format!(
            "select {COLUMNS} from {FROM} where r.change_request_id = $1 order by r.id desc limit 1"
        ))
        .bind(change_request)
        .fetch_optional(&mut **tx)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Starts a plan whose start request was just approved and applied (the request's
    /// write put the place on the first step). The approval covers the plan's later
    /// steps, its resume and its rollback, which it writes as `release-plan:<id>`; the
    /// start is audited as `release_plan.start` by the request's author, naming the
    /// request and its approvers.
    #[expect(clippy::too_many_arguments, reason = "the approval's transaction and what it names")]
    pub(super) async fn start_approved_release_plan(
        &self,
        tx: &mut Write,
        author: &Actor,
        project: &str,
        project_id: i64,
        before: &ReleasePlan,
        change_request: i64,
        approvers: &str,
    ) -> Result<ReleasePlan> {
        let why = format!(
            "started through change request {change_request}, approved by {approvers}; the approval covers \
             the plan's later steps, resume and rollback, which it writes as release-plan:{}",
            before.id
        );
        let m = Move {
            state: PlanState::Running,
            step: 0,
            new_step: true,
            reason: Some(why),
            analysis: None,
            patch: None,
            action: "release_plan.start",
        };
        self.move_plan(tx, author, project, project_id, before, m).await
    }

    /// Writes a plan's transition (and its configuration change) in `tx`, audited.
    async fn move_plan(
        &self,
        tx: &mut Write,
        actor: &Actor,
        project: &str,
        project_id: i64,
        before: &ReleasePlan,
        m: Move<'_>,
    ) -> Result<ReleasePlan> {
        if let Some((patch, via)) = &m.patch {
            let target = Target { project, project_id, flag: &before.flag, env: &before.environment };
            let audited =
                Audited { action: "flag_config.patch", comment: patch.comment.as_deref(), via: *via };
            self.write_config_in(tx, actor, &target, audited, |c| derive_patched(c, patch)).await?;
        }
        // What the plan leaves its place as: the next look compares with it, so a change
        // made by anyone else afterwards is noticed instead of overwritten.
        let (place, _) = place_now(self, tx, project_id, before).await?;
        let now = Timestamp::now().0;
        let started_at = before.started_at.map_or(now, |t| t.0);
        sqlx::query(
            "update release_plan set state = $1, step = $2, started_at = $3,
             step_started_at = case when $4 = 1 then $5 else step_started_at end,
             step_base = case when $4 = 1 then null else step_base end,
             reason = $6, analysis = coalesce($7, analysis), looked_at = case when $7 is null then looked_at else $5 end,
             version = version + 1, updated_at = $5, place = $10
             where id = $8 and version = $9",
        )
        .bind(m.state.as_str())
        .bind(m.step as i64)
        .bind(started_at)
        .bind(i64::from(m.new_step))
        .bind(now)
        .bind(m.reason.as_deref())
        .bind(m.analysis.map(json_text).transpose()?)
        .bind(before.id)
        .bind(before.version)
        .bind(json_text(&place)?)
        .execute(&mut ***tx)
        .await?;
        let after = fetch_id(tx, before.id).await?;
        audit_plan(tx, actor, m.action, project, Some(before), &after, m.reason.as_deref()).await?;
        Ok(after)
    }

    /// A plan's specification, by id (what the runner reads before a look).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown plan.
    pub async fn release_plan_spec(&self, id: i64) -> Result<PlanSpec> {
        let mut tx = self.begin_read().await?;
        let plan = fetch_id(&mut tx, id).await?;
        tx.rollback().await?;
        Ok(plan.spec)
    }

    /// Running plans, as (id, project key): what the runner looks at.
    pub async fn running_release_plans(&self) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "select r.id, p.key from release_plan r join project p on p.id = r.project_id
             where r.state = 'running' order by r.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((get(r, "id")?, get(r, "key")?))).collect()
    }

    /// Looks at one running plan and takes the decision its data call for, in one
    /// transaction under the project lock: a step, a rollback or a pause writes the
    /// configuration (as `release-plan:<id>`) and the plan together and is audited with
    /// the numbers; "not yet" only records the analysis. Returns the decision taken, or
    /// `None` when the plan is no longer running (another replica moved it).
    ///
    /// `external` holds, by guardrail index, the (control, treatment) values the runner
    /// read from Prometheus for Prometheus guardrails (`None`: not read).
    pub async fn look_at_release_plan(
        &self,
        project: &str,
        id: i64,
        external: &[Option<(f64, f64)>],
    ) -> Result<Option<Decision>> {
        let mut tx = self.begin().await?;
        let project_id = tx.lock_project(project).await?;
        let before = fetch_id(&mut tx, id).await?;
        if before.state != PlanState::Running {
            return Ok(None);
        }
        let actor = Actor(format!("release-plan:{id}"));
        // A change made by hand to the place (or the flag) since the plan's last write
        // means the split is no longer the plan's: the plan pauses and says why rather
        // than overwrite it with its next step or its rollback.
        if let Some(seen) = &before.place {
            let (place, archived) = place_now(self, &mut tx, project_id, &before).await?;
            if let Some(why) = manual_change(&before, seen, &place, archived) {
                let pause = Move {
                    state: PlanState::Paused,
                    step: before.step,
                    new_step: false,
                    patch: None,
                    reason: Some(why.clone()),
                    analysis: None,
                    action: "release_plan.pause",
                };
                self.move_plan(&mut tx, &actor, project, project_id, &before, pause).await?;
                tx.commit().await?;
                return Ok(Some(Decision::Pause(why)));
            }
        }
        let now = Timestamp::now().0;
        let total = exposures(&mut tx, &before).await?;
        let data = guardrail_data(&mut tx, &before, total, external).await?;
        let at = Position {
            step: before.step,
            step_elapsed_ms: now - before.step_started_at.map_or(now, |t| t.0),
            exposures: total,
            // Until the step's first look there are none: SDKs report exposures with a
            // delay, so what arrives between the step's write and that look may still be
            // the previous split's, and counting it would fake a sample-ratio mismatch.
            step_exposures: before.step_base.map_or_else(ArmCounts::default, |base| ArmCounts {
                control: total.control.saturating_sub(base.control),
                treatment: total.treatment.saturating_sub(base.treatment),
            }),
        };
        let (decision, analysis) = plan::decide(&before.spec, &at, &data)
            .map_err(|e| Error::Internal(format!("release plan {id}: {e}")))?;
        let comment = |what: &str| format!("release plan {id}: {what}");
        let m = match &decision {
            Decision::Hold => {
                sqlx::query(
                    "update release_plan set analysis = $1, looked_at = $2, step_base = coalesce(step_base, $4)
                     where id = $3",
                )
                .bind(json_text(&analysis)?)
                .bind(now)
                .bind(id)
                .bind(json_text(&total)?)
                    .execute(&mut **tx)
                    .await?;
                tx.commit().await?;
                return Ok(Some(decision));
            }
            Decision::Advance => {
                let next = before.step + 1;
                let percent = before.spec.steps.get(next).map_or(100.0, |s| s.percent);
                let why = format!(
                    "step {next} ({percent} %): step {} met its time and sample with no guardrail worse",
                    before.step
                );
                Move {
                    state: PlanState::Running,
                    step: next,
                    new_step: true,
                    patch: Some((plan::step_patch(&before.spec, next, comment(&why)), Via::ReleasePlan)),
                    reason: Some(why),
                    analysis: Some(&analysis),
                    action: "release_plan.advance",
                }
            }
            Decision::Complete => Move {
                state: PlanState::Completed,
                step: before.step,
                new_step: false,
                patch: None,
                reason: Some(
                    "completed: the last step met its time and sample with no guardrail worse".to_owned(),
                ),
                analysis: Some(&analysis),
                action: "release_plan.complete",
            },
            Decision::RollBack(why) => Move {
                state: PlanState::RolledBack,
                step: before.step,
                new_step: false,
                patch: Some((plan::rollback_patch(&before.spec, comment(why)), Via::ReleasePlan)),
                reason: Some(why.clone()),
                analysis: Some(&analysis),
                action: "release_plan.rollback",
            },
            Decision::Pause(why) => Move {
                state: PlanState::Paused,
                step: before.step,
                new_step: false,
                patch: None,
                reason: Some(why.clone()),
                analysis: Some(&analysis),
                action: "release_plan.pause",
            },
        };
        let decision = match self.move_plan(&mut tx, &actor, project, project_id, &before, m).await {
            Ok(_) => decision,
            // The place changed under the plan (its rule removed, the flag archived, a
            // variant gone): retrying would fail forever, so the plan pauses and says
            // why. The configuration write failed before writing anything, so the
            // transaction is clean.
            Err(e) if is_stale_change(&e) => {
                let why = format!("paused: the plan's change no longer applies: {}", self.reason_of(&e));
                let pause = Move {
                    state: PlanState::Paused,
                    step: before.step,
                    new_step: false,
                    patch: None,
                    reason: Some(why.clone()),
                    analysis: Some(&analysis),
                    action: "release_plan.pause",
                };
                self.move_plan(&mut tx, &actor, project, project_id, &before, pause).await?;
                Decision::Pause(why)
            }
            Err(e) => return Err(e),
        };
        tx.commit().await?;
        Ok(Some(decision))
    }
}

async fn audit_plan(
    tx: &mut Write,
    actor: &Actor,
    action: &str,
    project: &str,
    before: Option<&ReleasePlan>,
    after: &ReleasePlan,
    comment: Option<&str>,
) -> Result<()> {
    tx.audit_with_comment(
        Record {
            actor,
            action,
            resource_type: "release_plan",
            resource_key: format!("{project}/{}/{}/{}", after.flag, after.environment, after.id),
            project: Some(project),
            environment: Some(&after.environment),
            before: before.map(json_text).transpose()?,
            after: Some(json_text(after)?),
        },
        comment,
    )
    .await
}

fn release_plan_missing(flag: &str, env: &str) -> Error {
    Error::NotFound(Missing::ReleasePlan { flag: flag.to_owned(), environment: env.to_owned() })
}
