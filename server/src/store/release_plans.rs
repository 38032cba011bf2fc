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
use super::change_requests::{is_stale_change, reason_of};
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
    /// The arms' cumulative exposures at the step's first look (`None` before it).
    #[serde(skip)]
    step_base: Option<ArmCounts>,
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
    f.key as flag_key, e.key as env_key";

const FROM: &str =
    "release_plan r join flag f on f.id = r.flag_id join environment e on e.id = r.environment_id";

fn from_row(row: &AnyRow) -> Result<ReleasePlan> {
    let state: String = get(row, "state")?;
    let analysis: Option<String> = get(row, "analysis")?;
    let step_base: Option<String> = get(row, "step_base")?;
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
    })
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
        actor: &Actor,
        project: &str,
        flag: &str,
        env: &str,
        action: PlanAction,
        expected_version: Option<i64>,
        comment: Option<&str>,
    ) -> Result<ReleasePlan> {
        let mut tx = self.begin().await?;
        let project_id = tx.lock_project(project).await?;
        let before = fetch_current(&mut tx, project_id, flag, env).await?;
        super::check_version(expected_version, before.version)?;
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
            (PlanAction::Resume, PlanState::Paused) => Move {
                state: PlanState::Running,
                step: before.step,
                new_step: true,
                reason: Some(by),
                analysis: None,
                patch: None,
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
        let after = self.move_plan(&mut tx, actor, project, project_id, &before, m).await?;
        tx.commit().await?;
        Ok(after)
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
        let now = Timestamp::now().0;
        let started_at = before.started_at.map_or(now, |t| t.0);
        sqlx::query(
            "update release_plan set state = $1, step = $2, started_at = $3,
             step_started_at = case when $4 = 1 then $5 else step_started_at end,
             step_base = case when $4 = 1 then null else step_base end,
             reason = $6, analysis = coalesce($7, analysis), looked_at = case when $7 is null then looked_at else $5 end,
             version = version + 1, updated_at = $5
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
        let actor = Actor(format!("release-plan:{id}"));
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
                let why = format!("paused: the plan's change no longer applies: {}", reason_of(&e));
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
