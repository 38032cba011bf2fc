// Release plans (guarded progressive rollouts, docs/release-safety.md) as the dashboard
// shows and edits them: the creation form's draft and the specification it sends, the
// runner's analysis read from a plan or an audit entry, the decision log and the
// guardrails' series over time.

import type { AuditEntry, JsonValue, PlanState, ReleasePlan, ReleasePlanGuardrail, ReleasePlanSpec } from '../api/types';

/** The steps a plan takes when it names none, in percent (the server's default too). */
export const DEFAULT_PERCENTS = [1, 5, 25, 50, 100];
/** The server's defaults for a step's minimum duration (seconds) and exposures per arm. */
export const DEFAULT_MIN_DURATION_SECONDS = 600;
export const DEFAULT_MIN_EXPOSURES = 100;

export type Measure = ReleasePlanGuardrail['measure'];
export type Direction = ReleasePlanGuardrail['direction'];

export interface StepDraft {
  percent: number | '';
  /** Minimum time on the step, in minutes (the server takes seconds). */
  minutes: number | '';
  minExposures: number | '';
}

export interface GuardrailDraft {
  event: string;
  measure: Measure;
  direction: Direction;
  /** Tolerated relative degradation, in percent (the server takes a fraction). */
  tolerancePercent: number | '';
  /** `p95` and `prometheus`: tolerated absolute degradation in the metric's unit. */
  absolute: number | '';
  /** `prometheus`: the PromQL query with `{{variant}}`. */
  query: string;
}

export interface PlanDraft {
  treatment: string;
  control: string;
  /** A rule id, or '' for the default serve. */
  rule: string;
  steps: StepDraft[];
  guardrails: GuardrailDraft[];
}

export function defaultSteps(): StepDraft[] {
  return DEFAULT_PERCENTS.map((percent) => ({ percent, minutes: DEFAULT_MIN_DURATION_SECONDS / 60, minExposures: DEFAULT_MIN_EXPOSURES }));
}

export function newGuardrail(measure: Measure = 'rate'): GuardrailDraft {
  return { event: '', measure, direction: 'higher_is_worse', tolerancePercent: measure === 'rate' ? 10 : 0, absolute: '', query: '' };
}

/**
 * A first draft: the control is what the place serves now (`serving`, when it serves one
 * variant), else the first variant; the treatment is the first other variant.
 */
export function newPlanDraft(variants: string[], serving?: string): PlanDraft {
  const control = serving && variants.includes(serving) ? serving : (variants[0] ?? '');
  return {
    treatment: variants.find((v) => v !== control) ?? '',
    control,
    rule: '',
    steps: defaultSteps(),
    guardrails: [newGuardrail('rate')],
  };
}

/**
 * The specification the server takes. Empty number fields are sent as `null`, so that the
 * server's check (rather than a silent default here) names the field; the JSON pointers of
 * its problems then point into the same places of the form.
 */
export function specOfDraft(d: PlanDraft): ReleasePlanSpec {
  const num = (v: number | '') => (v === '' ? null : v) as number;
  const spec: ReleasePlanSpec = {
    treatment: d.treatment,
    control: d.control,
    steps: d.steps.map((s) => ({
      percent: num(s.percent),
      min_duration_seconds: s.minutes === '' ? (null as unknown as number) : Math.round(s.minutes * 60),
      min_exposures: num(s.minExposures),
    })),
    guardrails: d.guardrails.map((g) => {
      const out: ReleasePlanGuardrail = {
        event: g.event.trim(),
        measure: g.measure,
        direction: g.direction,
        tolerance: g.tolerancePercent === '' ? 0 : g.tolerancePercent / 100,
        absolute_tolerance: g.absolute === '' ? 0 : g.absolute,
      };
      if (g.measure === 'prometheus') out.query = g.query;
      return out;
    }),
    alpha: 0.05,
    planned_exposures: 10_000,
  };
  if (d.rule) spec.rule = d.rule;
  return spec;
}

/** One arm at one look: exposures (or events) and the always-valid interval. */
export interface ArmLook {
  n: number;
  estimate: number;
  /** null: unbounded (no data yet). */
  lower: number | null;
  upper: number | null;
}

export type GuardrailVerdict = 'worse' | 'not_worse' | 'not_enough_data';

export interface GuardrailLook {
  event: string;
  measure: Measure;
  tolerance: number;
  absolute_tolerance?: number;
  verdict: GuardrailVerdict;
  relative_difference: number | null;
  control: ArmLook;
  treatment: ArmLook;
}

/** The runner's look at a plan (`ReleasePlan.analysis`). */
export interface Analysis {
  step: number;
  percent: number;
  exposures: { control: number; treatment: number };
  step_exposures: { control: number; treatment: number };
  sample_ratio?: { expected_share: number; observed_share: number; p_value: number; mismatch: boolean };
  guardrails: GuardrailLook[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const nOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function arm(v: unknown): ArmLook {
  const o = isObject(v) ? v : {};
  return { n: n(o.n), estimate: n(o.estimate), lower: nOrNull(o.lower), upper: nOrNull(o.upper) };
}

function counts(v: unknown) {
  const o = isObject(v) ? v : {};
  return { control: n(o.control), treatment: n(o.treatment) };
}

/**
 * Reads an analysis from what the server stored (a plan's `analysis`, or the plan inside
 * an audit entry); undefined when there is none. Tolerant: an older or newer server's
 * shape never breaks the page, missing numbers read as 0 and unbounded ones as null.
 */
export function readAnalysis(v: unknown): Analysis | undefined {
  if (!isObject(v)) return undefined;
  const sr = isObject(v.sample_ratio) ? v.sample_ratio : undefined;
  return {
    step: n(v.step),
    percent: n(v.percent),
    exposures: counts(v.exposures),
    step_exposures: counts(v.step_exposures),
    sample_ratio: sr
      ? { expected_share: n(sr.expected_share), observed_share: n(sr.observed_share), p_value: n(sr.p_value), mismatch: sr.mismatch === true }
      : undefined,
    guardrails: (Array.isArray(v.guardrails) ? v.guardrails : []).filter(isObject).map((g) => ({
      event: typeof g.event === 'string' ? g.event : '?',
      measure: (typeof g.measure === 'string' ? g.measure : 'rate') as Measure,
      tolerance: n(g.tolerance),
      absolute_tolerance: nOrNull(g.absolute_tolerance) ?? undefined,
      verdict: (g.verdict === 'worse' || g.verdict === 'not_worse' ? g.verdict : 'not_enough_data') as GuardrailVerdict,
      relative_difference: nOrNull(g.relative_difference),
      control: arm(g.control),
      treatment: arm(g.treatment),
    })),
  };
}

/**
 * The audit actions of a plan, as the decision log names them: every `release_plan.*`
 * action the server writes (server/src/store/release_plans.rs).
 */
export const ACTION_LABEL: Record<string, string> = {
  'release_plan.create': 'Created',
  'release_plan.request_start': 'Start requested, waiting for approval',
  'release_plan.start': 'Started',
  'release_plan.pause': 'Paused',
  'release_plan.resume': 'Resumed',
  'release_plan.advance': 'Stepped up',
  'release_plan.complete': 'Completed',
  'release_plan.rollback': 'Rolled back',
};

/** An action of the decision log in words; one this dashboard does not know, from its code. */
export function planActionLabel(action: string): string {
  const known = ACTION_LABEL[action];
  if (known) return known;
  const verb = action.slice(action.lastIndexOf('.') + 1).replace(/[_-]+/g, ' ');
  return verb.replace(/^./, (c) => c.toUpperCase());
}

export interface Decision {
  id: number;
  at: string;
  actor: string;
  action: string;
  /** Whether the runner took it (actor `release-plan:<id>`) rather than a person. */
  automatic: boolean;
  state?: PlanState;
  /** The step after the decision (index into the plan's steps). */
  step?: number;
  reason?: string;
  /** The numbers the decision was taken on (the runner's decisions carry them). */
  analysis?: Analysis;
  /** A requested start: the change request that holds it. */
  changeRequest?: number;
}

/** The audit key of a plan: `<project>/<flag>/<env>/<id>`. */
export function planAuditKey(project: string, plan: Pick<ReleasePlan, 'flag' | 'environment' | 'id'>): string {
  return `${project}/${plan.flag}/${plan.environment}/${plan.id}`;
}

/** The decision log of a plan from its audit entries, oldest first. */
export function decisionLog(entries: AuditEntry[]): Decision[] {
  return [...entries]
    .filter((e) => e.resource_type === 'release_plan')
    .sort((a, b) => a.id - b.id)
    .map((e) => {
      const after = isObject(e.after) ? (e.after as Record<string, JsonValue>) : {};
      return {
        id: e.id,
        at: e.at,
        actor: e.actor,
        action: e.action,
        automatic: e.actor.startsWith('release-plan:'),
        state: typeof after.state === 'string' ? (after.state as PlanState) : undefined,
        step: typeof after.step === 'number' ? after.step : undefined,
        reason: (typeof after.reason === 'string' ? after.reason : undefined) ?? e.comment ?? undefined,
        // Only a decision the runner took carries a look of its own; a hand action
        // keeps the previous look, which is already on the log.
        analysis: e.actor.startsWith('release-plan:') ? readAnalysis(after.analysis) : undefined,
        changeRequest: e.action === 'release_plan.request_start' && typeof after.change_request_id === 'number' ? after.change_request_id : undefined,
      };
    });
}

/** One point of a guardrail's series: each arm's estimate and interval at a look. */
export interface GuardrailPoint {
  at: string;
  step: number;
  verdict: GuardrailVerdict;
  control: ArmLook;
  treatment: ArmLook;
}

/**
 * Each guardrail's estimates over time, by event key: a point per look the server kept
 * (the runner's decisions, from the audit log, and the plan's latest look) plus the looks
 * this page saw while open (`seen`), in time order, one per time.
 */
export function guardrailSeries(log: Decision[], plan: ReleasePlan | undefined, seen: { at: string; analysis: Analysis }[] = []): Map<string, GuardrailPoint[]> {
  const looks: { at: string; analysis: Analysis }[] = [];
  for (const d of log) if (d.analysis) looks.push({ at: d.at, analysis: d.analysis });
  const latest = plan ? readAnalysis(plan.analysis) : undefined;
  if (plan && latest && plan.looked_at) looks.push({ at: plan.looked_at, analysis: latest });
  looks.push(...seen);
  const byTime = new Map<number, { at: string; analysis: Analysis }>();
  for (const l of looks) byTime.set(Date.parse(l.at), l);
  const out = new Map<string, GuardrailPoint[]>();
  for (const [, l] of [...byTime.entries()].sort((a, b) => a[0] - b[0])) {
    for (const g of l.analysis.guardrails) {
      const list = out.get(g.event) ?? [];
      list.push({ at: l.at, step: l.analysis.step, verdict: g.verdict, control: g.control, treatment: g.treatment });
      out.set(g.event, list);
    }
  }
  return out;
}

/** A plan that is live on a flag: running or paused. */
export interface PlanBadge {
  environment: string;
  state: 'running' | 'paused';
  step: number;
  percent?: number;
}

/**
 * Which flags are under a live plan, from the project's newest release-plan audit entries
 * (newest first, as the audit log answers): a plan's newest entry holds its state after
 * its last change. A plan whose newest entry is not among `entries` is not seen.
 */
export function liveplans(entries: AuditEntry[]): Map<string, PlanBadge[]> {
  const newest = new Map<string, AuditEntry>();
  for (const e of entries) {
    if (e.resource_type !== 'release_plan') continue;
    const known = newest.get(e.resource_key);
    if (!known || known.id < e.id) newest.set(e.resource_key, e);
  }
  const out = new Map<string, PlanBadge[]>();
  for (const e of newest.values()) {
    const after = isObject(e.after) ? (e.after as Record<string, JsonValue>) : undefined;
    if (!after || (after.state !== 'running' && after.state !== 'paused')) continue;
    const flag = typeof after.flag === 'string' ? after.flag : undefined;
    if (!flag) continue;
    const step = typeof after.step === 'number' ? after.step : 0;
    const steps = Array.isArray(after.steps) ? after.steps : [];
    const s = steps[step];
    const badge: PlanBadge = {
      environment: typeof after.environment === 'string' ? after.environment : (e.environment ?? '?'),
      state: after.state,
      step,
      percent: isObject(s) && typeof s.percent === 'number' ? s.percent : undefined,
    };
    out.set(flag, [...(out.get(flag) ?? []), badge]);
  }
  return out;
}

/** Whether a plan still acts on the flag (only these states take hand actions but start). */
export function isLive(state: PlanState): boolean {
  return state === 'running' || state === 'paused';
}

/** Which hand actions a state allows (as the server's `act_on_release_plan`). */
export function actionsFor(state: PlanState): ('start' | 'pause' | 'resume' | 'advance' | 'rollback')[] {
  switch (state) {
    case 'draft':
      return ['start', 'rollback'];
    case 'running':
      return ['pause', 'advance', 'rollback'];
    case 'paused':
      return ['resume', 'advance', 'rollback'];
    default:
      return [];
  }
}

export const STATE_LABEL: Record<PlanState, string> = {
  draft: 'Draft',
  running: 'Running',
  paused: 'Paused',
  rolled_back: 'Rolled back',
  completed: 'Completed',
};

export const STATE_COLOR: Record<PlanState, string> = {
  draft: 'gray',
  running: 'blue',
  paused: 'yellow',
  rolled_back: 'red',
  completed: 'green',
};

/** A number as the plan page shows it: a rate in percent, a mean as is. */
export function formatEstimate(measure: Measure, v: number | null): string {
  if (v === null) return '—';
  if (measure === 'rate') return `${(v * 100).toLocaleString(undefined, { maximumFractionDigits: 2 })} %`;
  return v.toLocaleString(undefined, { maximumFractionDigits: 3 });
}

/** The dashboard page of a flag's release plan in an environment. */
export function planHref(project: string, flag: string, env: string): string {
  return `/p/${encodeURIComponent(project)}/flags/${encodeURIComponent(flag)}/release-plan/${encodeURIComponent(env)}`;
}

/** The dashboard page of a change request (the project's change requests, that one open). */
export function changeRequestHref(project: string, id: number): string {
  return `/p/${encodeURIComponent(project)}/change-requests?state=all&id=${id}`;
}

/** Change request states after which a plan's start is no longer waiting (another start opens a new request). */
const CLOSED_REQUEST = ['rejected', 'cancelled', 'conflicted'];

/**
 * The change request a draft's start waits for, where approval is required (the server
 * answered 202 to start and the plan carries `change_request_id`); undefined when the
 * start waits for nothing. `requestState`: the request's state when known; a request
 * rejected, cancelled or conflicted no longer holds the start back (the server opens a
 * new one on the next start), while one not read yet is taken as open.
 */
export function pendingStart(plan: Pick<ReleasePlan, 'state' | 'change_request_id'>, requestState?: string): number | undefined {
  if (plan.state !== 'draft' || plan.change_request_id === undefined || plan.change_request_id === null) return undefined;
  if (requestState && CLOSED_REQUEST.includes(requestState)) return undefined;
  return plan.change_request_id;
}
