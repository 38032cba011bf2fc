//! What a release plan is (its specification and states), how it is checked, and the
//! decision a look at its data takes. Pure: the store reads the data, calls [`decide`]
//! inside the transaction that holds the project lock, and writes what it says.

use serde::{Deserialize, Serialize};
use vexil_core::patch::{Instruction, Patch};
use vexil_core::{FlagConfig, Serve, Weight};

use super::sketch::ValueSketch;
use super::stats::{self, ArmSums, Comparison, Direction, Measure, SampleRatio, TestConfig, Verdict};

/// Shares are in thousandths of a percent, as rollouts store them.
const FULL: u32 = 100_000;
/// Most steps in a plan.
pub const MAX_STEPS: usize = 20;
/// Most guardrails in a plan.
pub const MAX_GUARDRAILS: usize = 10;
/// Longest minimum duration of a step, in seconds (30 days).
pub const MAX_MIN_DURATION_SECONDS: u64 = 30 * 24 * 3600;
/// Most exposures a step may require per arm.
pub const MAX_MIN_EXPOSURES: u64 = 100_000_000;
/// Most planned exposures per arm.
pub const MAX_PLANNED_EXPOSURES: u64 = 1_000_000_000;
/// Largest relative tolerance (10: ten times worse passes).
pub const MAX_TOLERANCE: f64 = 10.0;
/// Largest absolute tolerance, in the event's unit.
pub const MAX_ABSOLUTE_TOLERANCE: f64 = 1e12;
/// Exposures a step needs (both arms together) before its split is checked for a
/// sample-ratio mismatch.
pub const SRM_MIN_EXPOSURES: u64 = 1_000;

/// One step: the treatment's share, and what must hold before the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReleasePlanStep)]
pub struct Step {
    /// The treatment's share of the place, in percent (0.001 to 100, in steps of 0.001).
    pub percent: f64,
    /// Shortest time on this step, in seconds (0 to 2,592,000: 30 days).
    #[serde(default = "default_min_duration_seconds")]
    #[schema(default = 600, minimum = 0, maximum = 2592000)]
    pub min_duration_seconds: u64,
    /// Fewest exposures each arm must get on this step (the treatment only, at 100 %;
    /// 0 to 100,000,000).
    #[serde(default = "default_min_exposures")]
    #[schema(default = 100, minimum = 0, maximum = 100000000)]
    pub min_exposures: u64,
}

fn default_min_duration_seconds() -> u64 {
    600
}

fn default_min_exposures() -> u64 {
    stats::DEFAULT_MIN_PER_ARM
}

/// The steps a plan takes when it names none: 1 → 5 → 25 → 50 → 100 %.
pub fn default_steps() -> Vec<Step> {
    [1.0, 5.0, 25.0, 50.0, 100.0]
        .into_iter()
        .map(|percent| Step {
            percent,
            min_duration_seconds: default_min_duration_seconds(),
            min_exposures: default_min_exposures(),
        })
        .collect()
}

/// A metric the treatment must not make worse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReleasePlanGuardrail)]
pub struct Guardrail {
    /// The tracked event key (`http_5xx`, `latency_ms`).
    pub event: String,
    /// `rate`: events per exposure (an error rate); `mean`: the mean of the event's
    /// values.
    #[schema(inline)]
    pub measure: Measure,
    /// Which way is worse; by default higher.
    #[serde(default = "higher_is_worse")]
    #[schema(inline, default = "higher_is_worse")]
    pub direction: Direction,
    /// Tolerated relative degradation (0.1: up to 10 % worse passes), 0 to 10; default 0.
    #[serde(default)]
    #[schema(default = 0, minimum = 0, maximum = 10)]
    pub tolerance: f64,
    /// `p95` and `prometheus` only: tolerated absolute degradation, in the event's unit
    /// (50 with `latency_ms`: a p95 up to 50 ms worse passes), on top of `tolerance`,
    /// 0 to 10^12; default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schema(default = 0, minimum = 0, maximum = 1000000000000.0)]
    pub absolute_tolerance: f64,
    /// `prometheus` only: a PromQL instant query giving one number, with `{{variant}}`
    /// where the arm's variant key goes (`event` then names the guardrail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 4096)]
    pub query: Option<String>,
}

/// Longest Prometheus query, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn higher_is_worse() -> Direction {
    Direction::HigherIsWorse
}

/// A plan as created: what is released where, in which steps, watched by what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReleasePlanSpec)]
pub struct PlanSpec {
    /// The variant being released.
    pub treatment: String,
    /// The variant it replaces, served to the rest of the place.
    pub control: String,
    /// The rule (by id) whose serve the plan steps; absent: the default serve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub rule: Option<String>,
    /// The steps; by default [`default_steps`].
    #[serde(default = "default_steps")]
    #[schema(max_items = 20)]
    pub steps: Vec<Step>,
    /// The guardrails.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub guardrails: Vec<Guardrail>,
    /// False-alarm rate over the whole plan (all guardrails together), in (0, 0.5].
    #[serde(default = "default_alpha")]
    #[schema(default = 0.05, exclusive_minimum = 0, maximum = 0.5)]
    pub alpha: f64,
    /// Exposures per arm at which the analysis is tightest (1 to 1,000,000,000).
    #[serde(default = "default_planned")]
    #[schema(default = 10000, minimum = 1, maximum = 1000000000)]
    pub planned_exposures: u64,
}

fn default_alpha() -> f64 {
    stats::DEFAULT_ALPHA
}

fn default_planned() -> u64 {
    stats::DEFAULT_PLANNED_PER_ARM
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// Created, nothing applied yet.
    Draft,
    /// Stepping; the runner looks at it.
    Running,
    /// Held by hand or by a sample-ratio mismatch; the runner leaves it alone.
    Paused,
    /// The control is served to the whole place again.
    RolledBack,
    /// The treatment reached 100 %.
    Completed,
}

impl PlanState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Running => "running",
            PlanState::Paused => "paused",
            PlanState::RolledBack => "rolled_back",
            PlanState::Completed => "completed",
        }
    }

    /// The state a stored name stands for.
    pub fn parse(s: &str) -> Option<PlanState> {
        serde_json::from_value(serde_json::Value::from(s)).ok()
    }
}

/// A problem of a plan's specification: a JSON pointer into it and a message.
pub type SpecProblem = (String, String);

/// Checks a specification against the flag's variants and its configuration in the
/// environment (the rule must exist). Returns every problem found.
pub fn check(spec: &PlanSpec, variants: &[String], config: &FlagConfig) -> Vec<SpecProblem> {
    let mut problems = Vec::new();
    let mut problem = |pointer: &str, message: String| problems.push((pointer.to_owned(), message));
    for (field, v) in [("/treatment", &spec.treatment), ("/control", &spec.control)] {
        if !variants.contains(v) {
            problem(field, format!("the flag has no variant {v:?}"));
        }
    }
    if spec.treatment == spec.control {
        problem("/control", "the control must be another variant than the treatment".to_owned());
    }
    if let Some(rule) = &spec.rule {
        if !config.rules.iter().any(|r| &r.id == rule) {
            problem("/rule", format!("the configuration has no rule {rule:?}"));
        }
    }
    if spec.steps.is_empty() || spec.steps.len() > MAX_STEPS {
        problem("/steps", format!("a plan has 1 to {MAX_STEPS} steps"));
    }
    let mut previous = 0;
    for (i, step) in spec.steps.iter().enumerate() {
        if step.min_duration_seconds > MAX_MIN_DURATION_SECONDS {
            problem(
                &format!("/steps/{i}/min_duration_seconds"),
                format!("min_duration_seconds is at most {MAX_MIN_DURATION_SECONDS} (30 days)"),
            );
        }
        if step.min_exposures > MAX_MIN_EXPOSURES {
            problem(
                &format!("/steps/{i}/min_exposures"),
                format!("min_exposures is at most {MAX_MIN_EXPOSURES}"),
            );
        }
        match share(step.percent) {
            Some(w) if w > previous => previous = w,
            _ => problem(
                &format!("/steps/{i}/percent"),
                "a step's percent is above the previous step's, at most 100, in steps of 0.001".to_owned(),
            ),
        }
    }
    if spec.steps.last().is_some_and(|s| s.percent != 100.0) {
        problem(&format!("/steps/{}/percent", spec.steps.len() - 1), "the last step is 100".to_owned());
    }
    if spec.guardrails.len() > MAX_GUARDRAILS {
        problem("/guardrails", format!("a plan has at most {MAX_GUARDRAILS} guardrails"));
    }
    for (i, g) in spec.guardrails.iter().enumerate() {
        if !vexil_core::wire::event_key_ok(&g.event) {
            problem(&format!("/guardrails/{i}/event"), "not a valid event key".to_owned());
        }
        if !(g.tolerance.is_finite() && (0.0..=MAX_TOLERANCE).contains(&g.tolerance)) {
            problem(
                &format!("/guardrails/{i}/tolerance"),
                format!("the tolerance is between 0 and {MAX_TOLERANCE}"),
            );
        }
        if !(g.absolute_tolerance.is_finite()
            && (0.0..=MAX_ABSOLUTE_TOLERANCE).contains(&g.absolute_tolerance))
        {
            problem(
                &format!("/guardrails/{i}/absolute_tolerance"),
                "the absolute tolerance is between 0 and 10^12".to_owned(),
            );
        } else if g.absolute_tolerance != 0.0 && !matches!(g.measure, Measure::P95 | Measure::Prometheus) {
            problem(
                &format!("/guardrails/{i}/absolute_tolerance"),
                "an absolute tolerance applies to p95 and prometheus guardrails only".to_owned(),
            );
        }
        match (&g.query, g.measure) {
            (Some(q), Measure::Prometheus) => {
                if !q.contains(super::prometheus::PLACEHOLDER) || q.len() > MAX_QUERY_BYTES {
                    problem(
                        &format!("/guardrails/{i}/query"),
                        format!("the query contains {{{{variant}}}} and is at most {MAX_QUERY_BYTES} bytes"),
                    );
                }
            }
            (None, Measure::Prometheus) => {
                problem(&format!("/guardrails/{i}/query"), "a prometheus guardrail needs a query".to_owned());
            }
            (Some(_), _) => problem(
                &format!("/guardrails/{i}/query"),
                "a query applies to prometheus guardrails only".to_owned(),
            ),
            (None, _) => {}
        }
    }
    if !(spec.alpha > 0.0 && spec.alpha <= 0.5) {
        problem("/alpha", "alpha is above 0 and at most 0.5".to_owned());
    }
    if spec.planned_exposures == 0 || spec.planned_exposures > MAX_PLANNED_EXPOSURES {
        problem("/planned_exposures", format!("planned_exposures is between 1 and {MAX_PLANNED_EXPOSURES}"));
    }
    problems
}

/// A percent as a share out of [`FULL`], if it is one (0.001 to 100 in steps of 0.001).
fn share(percent: f64) -> Option<u32> {
    let w = (percent * 1000.0).round();
    ((percent * 1000.0 - w).abs() < 1e-6 && w >= 1.0 && w <= f64::from(FULL)).then_some(w as u32)
}

/// The patch that puts the plan on step `step`: the place serves the treatment to
/// `percent` and the control to the rest. Raising a step keeps everyone already on the
/// treatment there (the store rebases rollout layouts).
pub fn step_patch(spec: &PlanSpec, step: usize, comment: String) -> Patch {
    let treatment = spec.steps.get(step).and_then(|s| share(s.percent)).unwrap_or(FULL);
    let weights = [(&spec.treatment, treatment), (&spec.control, FULL - treatment)]
        .into_iter()
        .filter(|(_, w)| *w > 0)
        .map(|(v, weight)| Weight { variant: v.clone(), weight })
        .collect();
    Patch {
        instructions: vec![Instruction::SetRollout { rule: spec.rule.clone(), weights, bucket_by: None }],
        comment: Some(comment),
    }
}

/// The patch that rolls the plan back: the control for the whole place.
pub fn rollback_patch(spec: &PlanSpec, comment: String) -> Patch {
    let serve = Serve::Variant(spec.control.clone());
    let instruction = match &spec.rule {
        Some(rule) => Instruction::SetRuleServe { rule: rule.clone(), serve },
        None => Instruction::SetDefault { serve },
    };
    Patch { instructions: vec![instruction], comment: Some(comment) }
}

/// Exposures of the two arms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmCounts {
    /// The control's.
    pub control: u64,
    /// The treatment's.
    pub treatment: u64,
}

/// The data of one guardrail: each arm's sums (for a rate, `n` is the arm's exposures
/// and `sum` its events) and, for a quantile measure, each arm's sketch (empty
/// otherwise).
#[derive(Debug, Clone, Default)]
pub struct GuardrailData {
    /// The control's sums.
    pub control: ArmSums,
    /// The treatment's sums.
    pub treatment: ArmSums,
    /// The control's values (quantile measures).
    pub control_sketch: ValueSketch,
    /// The treatment's values (quantile measures).
    pub treatment_sketch: ValueSketch,
    /// The (control, treatment) values read from Prometheus (Prometheus measures), if
    /// they could be read.
    pub external: Option<(f64, f64)>,
}

/// One guardrail at one look.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuardrailLook {
    /// The event key.
    pub event: String,
    /// Rate or mean.
    pub measure: Measure,
    /// The tolerance.
    pub tolerance: f64,
    /// The absolute tolerance (p95), when not 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub absolute_tolerance: f64,
    /// The comparison, with each arm's numbers.
    #[serde(flatten)]
    pub comparison: Comparison,
}

/// What a look found: exposures since the start and on this step, the split check,
/// and each guardrail's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The step's index.
    pub step: usize,
    /// The treatment's share on this step, in percent.
    pub percent: f64,
    /// Exposures since the plan started.
    pub exposures: ArmCounts,
    /// Exposures since this step began.
    pub step_exposures: ArmCounts,
    /// The split check of this step's exposures; absent below [`SRM_MIN_EXPOSURES`] or
    /// at 100 %.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_ratio: Option<SampleRatio>,
    /// Each guardrail.
    pub guardrails: Vec<GuardrailLook>,
}

/// What to do after a look.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Nothing yet.
    Hold,
    /// Go to the next step.
    Advance,
    /// The last step's time and sample are met.
    Complete,
    /// A guardrail is worse: serve the control everywhere in the place.
    RollBack(String),
    /// The split does not match: the data cannot be trusted.
    Pause(String),
}

/// Where the plan is, as [`decide`] needs it.
#[derive(Debug, Clone, Copy)]
pub struct Position {
    /// The current step's index.
    pub step: usize,
    /// How long the step has run, in milliseconds.
    pub step_elapsed_ms: i64,
    /// Exposures since the plan started.
    pub exposures: ArmCounts,
    /// Exposures since the step began.
    pub step_exposures: ArmCounts,
}

/// Looks at a running plan: compares every guardrail (the false-alarm budget `alpha` is
/// split evenly between them, so that the plan as a whole keeps it), checks the step's
/// split, and decides. A worse guardrail wins over a mismatch: a rollback only serves
/// the control, which is always safe.
///
/// # Errors
/// [`stats::StatsError`] when the specification's numbers cannot be used (a stored plan
/// that was checked on creation does not fail).
pub fn decide(
    spec: &PlanSpec,
    at: &Position,
    data: &[GuardrailData],
) -> Result<(Decision, Analysis), stats::StatsError> {
    let config = TestConfig {
        alpha: spec.alpha / spec.guardrails.len().max(1) as f64,
        planned_per_arm: spec.planned_exposures,
        min_per_arm: stats::DEFAULT_MIN_PER_ARM,
    };
    let step = spec.steps.get(at.step);
    let percent = step.map_or(100.0, |s| s.percent);
    let mut guardrails = Vec::with_capacity(spec.guardrails.len());
    for (g, d) in spec.guardrails.iter().zip(data) {
        let comparison = match g.measure.quantile() {
            Some(q) => stats::compare_quantile(
                q,
                g.direction,
                g.tolerance,
                g.absolute_tolerance,
                &d.control_sketch,
                &d.treatment_sketch,
                &config,
            )?,
            None if g.measure == Measure::Prometheus => {
                stats::compare_values(g.direction, g.tolerance, g.absolute_tolerance, d.external)?
            }
            None => stats::compare(g.measure, g.direction, g.tolerance, &d.control, &d.treatment, &config)?,
        };
        guardrails.push(GuardrailLook {
            event: g.event.clone(),
            measure: g.measure,
            tolerance: g.tolerance,
            absolute_tolerance: g.absolute_tolerance,
            comparison,
        });
    }
    let total = at.step_exposures.control + at.step_exposures.treatment;
    let sample_ratio = if total >= SRM_MIN_EXPOSURES && percent < 100.0 {
        Some(stats::sample_ratio(
            at.step_exposures.control,
            at.step_exposures.treatment,
            percent / 100.0,
            stats::DEFAULT_SRM_P_VALUE,
        )?)
    } else {
        None
    };
    let analysis = Analysis {
        step: at.step,
        percent,
        exposures: at.exposures,
        step_exposures: at.step_exposures,
        sample_ratio,
        guardrails,
    };
    if let Some(worse) = analysis.guardrails.iter().find(|g| g.comparison.verdict == Verdict::Worse) {
        let (t, c) = (&worse.comparison.treatment, &worse.comparison.control);
        let reason = format!(
            "guardrail {:?} ({}) is worse: treatment {:.6} [{:.6}, {:.6}] over {} vs control {:.6} [{:.6}, {:.6}] over {}, tolerance {}{}",
            worse.event,
            measure_name(worse.measure),
            t.estimate,
            t.lower,
            t.upper,
            t.n,
            c.estimate,
            c.lower,
            c.upper,
            c.n,
            worse.tolerance,
            if worse.absolute_tolerance != 0.0 {
                format!(" + {}", worse.absolute_tolerance)
            } else {
                String::new()
            }
        );
        return Ok((Decision::RollBack(reason), analysis));
    }
    if let Some(srm) = analysis.sample_ratio.filter(|s| s.mismatch) {
        let reason = format!(
            "sample-ratio mismatch on step {}: the treatment got {:.4} of {total} exposures where the split asks for {:.4} (p = {:.2e}); the data cannot be trusted until the cause is found",
            at.step, srm.observed_share, srm.expected_share, srm.p_value
        );
        return Ok((Decision::Pause(reason), analysis));
    }
    let Some(step) = step else { return Ok((Decision::Complete, analysis)) };
    let time_met = at.step_elapsed_ms
        >= i64::try_from(step.min_duration_seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
    let sample_met = at.step_exposures.treatment >= step.min_exposures
        && (percent >= 100.0 || at.step_exposures.control >= step.min_exposures);
    let decision = match (time_met && sample_met, at.step + 1 >= spec.steps.len()) {
        (false, _) => Decision::Hold,
        (true, true) => Decision::Complete,
        (true, false) => Decision::Advance,
    };
    Ok((decision, analysis))
}

fn measure_name(m: Measure) -> &'static str {
    match m {
        Measure::Rate => "rate",
        Measure::Mean => "mean",
        Measure::P95 => "p95",
        Measure::Prometheus => "prometheus",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> PlanSpec {
        serde_json::from_value(serde_json::json!({
            "treatment": "on", "control": "off",
            "steps": [{"percent": 10, "min_duration_seconds": 1, "min_exposures": 10}, {"percent": 100, "min_duration_seconds": 1, "min_exposures": 10}],
            "guardrails": [{"event": "http_5xx", "measure": "rate"}]
        }))
        .unwrap()
    }

    fn config() -> FlagConfig {
        serde_json::from_value(
            serde_json::json!({"enabled": true, "off_variant": "off", "default": {"variant": "off"}}),
        )
        .unwrap()
    }

    fn rate(control: (u64, u64), treatment: (u64, u64)) -> GuardrailData {
        let mut c = ArmSums::default();
        c.push_rate(control.0, control.1);
        let mut t = ArmSums::default();
        t.push_rate(treatment.0, treatment.1);
        GuardrailData { control: c, treatment: t, ..GuardrailData::default() }
    }

    #[test]
    fn defaults_and_problems() {
        let s: PlanSpec =
            serde_json::from_value(serde_json::json!({"treatment": "on", "control": "off"})).unwrap();
        assert_eq!(s.steps.iter().map(|s| s.percent).collect::<Vec<_>>(), [1.0, 5.0, 25.0, 50.0, 100.0]);
        let variants = ["on".to_owned(), "off".to_owned()];
        assert!(check(&s, &variants, &config()).is_empty());
        let bad: PlanSpec = serde_json::from_value(serde_json::json!({
            "treatment": "on", "control": "on", "rule": "nope",
            "steps": [{"percent": 50}, {"percent": 20}, {"percent": 0.0001}],
            "guardrails": [{"event": "bad key", "measure": "mean", "tolerance": -1}], "alpha": 0.9
        }))
        .unwrap();
        let pointers: Vec<String> = check(&bad, &variants, &config()).into_iter().map(|p| p.0).collect();
        assert_eq!(
            pointers,
            [
                "/control",
                "/rule",
                "/steps/1/percent",
                "/steps/2/percent",
                "/steps/2/percent",
                "/guardrails/0/event",
                "/guardrails/0/tolerance",
                "/alpha"
            ]
        );
    }

    #[test]
    fn steps_and_rollbacks_are_patches_of_the_place() {
        let s = spec();
        let p = step_patch(&s, 0, "step".to_owned());
        assert_eq!(
            serde_json::to_value(&p.instructions).unwrap(),
            serde_json::json!([{"kind": "set_rollout", "weights": [{"variant": "on", "weight": 10000}, {"variant": "off", "weight": 90000}]}])
        );
        let full = step_patch(&s, 1, "step".to_owned());
        assert_eq!(
            serde_json::to_value(&full.instructions).unwrap(),
            serde_json::json!([{"kind": "set_rollout", "weights": [{"variant": "on", "weight": 100000}]}])
        );
        let back = rollback_patch(&PlanSpec { rule: Some("r1".to_owned()), ..s }, "back".to_owned());
        assert_eq!(
            serde_json::to_value(&back.instructions).unwrap(),
            serde_json::json!([{"kind": "set_rule_serve", "rule": "r1", "serve": {"variant": "off"}}])
        );
    }

    #[test]
    fn a_look_rolls_back_pauses_advances_completes_or_holds() {
        let s = spec();
        let at = |step, elapsed, control, treatment| Position {
            step,
            step_elapsed_ms: elapsed,
            exposures: ArmCounts { control, treatment },
            step_exposures: ArmCounts { control, treatment },
        };
        let worse = rate((50_000, 500), (5_000, 150));
        let (d, a) = decide(&s, &at(0, 0, 50_000, 5_000), &[worse]).unwrap();
        assert!(matches!(d, Decision::RollBack(ref r) if r.contains("http_5xx")), "{d:?}");
        assert_eq!(a.guardrails[0].comparison.verdict, Verdict::Worse);
        let same = rate((45_000, 450), (5_000, 50));
        // 5,000 of 50,000 is 10 %: advance once the second is up.
        assert_eq!(
            decide(&s, &at(0, 999, 45_000, 5_000), std::slice::from_ref(&same)).unwrap().0,
            Decision::Hold
        );
        assert_eq!(
            decide(&s, &at(0, 1_000, 45_000, 5_000), std::slice::from_ref(&same)).unwrap().0,
            Decision::Advance
        );
        // 2,000 of 50,000 at a 10 % step is a mismatch.
        let (d, _) = decide(&s, &at(0, 1_000, 48_000, 2_000), &[rate((48_000, 480), (2_000, 20))]).unwrap();
        assert!(matches!(d, Decision::Pause(ref r) if r.contains("sample-ratio")), "{d:?}");
        // At 100 % the control gets nothing new; the treatment's sample is enough.
        assert_eq!(
            decide(&s, &at(1, 1_000, 0, 50), std::slice::from_ref(&same)).unwrap().0,
            Decision::Complete
        );
        assert_eq!(decide(&s, &at(1, 1_000, 0, 5), &[same]).unwrap().0, Decision::Hold);
    }
}
