import { describe, expect, it } from 'vitest';
import type { AuditEntry, ReleasePlan } from '../api/types';
import { actionsFor, decisionLog, guardrailSeries, liveplans, newPlanDraft, readAnalysis, specOfDraft } from './releasePlan';

const analysis = (step: number, controlRate: number, treatmentRate: number) => ({
  step,
  percent: [1, 5, 100][step],
  exposures: { control: 900, treatment: 100 },
  step_exposures: { control: 450, treatment: 50 },
  guardrails: [
    {
      event: 'http_5xx',
      measure: 'rate',
      tolerance: 0.1,
      verdict: 'not_worse',
      relative_difference: treatmentRate / controlRate - 1,
      control: { n: 900, estimate: controlRate, lower: controlRate / 2, upper: controlRate * 2 },
      // An unbounded side is serialized as null.
      treatment: { n: 100, estimate: treatmentRate, lower: null, upper: treatmentRate * 3 },
    },
  ],
});

const plan = (state: string, step: number, extra: Record<string, unknown> = {}) => ({
  id: 7,
  flag: 'checkout',
  environment: 'production',
  treatment: 'on',
  control: 'off',
  steps: [1, 5, 100].map((percent) => ({ percent, min_duration_seconds: 600, min_exposures: 100 })),
  guardrails: [{ event: 'http_5xx', measure: 'rate', direction: 'higher_is_worse', tolerance: 0.1, absolute_tolerance: 0 }],
  alpha: 0.05,
  planned_exposures: 10000,
  state,
  step,
  author: 'user:ada@example.com',
  version: 3,
  created_at: '2026-11-30T10:00:00Z',
  updated_at: '2026-11-30T10:00:00Z',
  ...extra,
});

const entry = (id: number, actor: string, action: string, after: unknown, key = 'default/checkout/production/7'): AuditEntry => ({
  id,
  at: new Date(Date.UTC(2026, 10, 30, 10, id)).toISOString(),
  actor,
  action,
  resource_type: 'release_plan',
  resource_key: key,
  project: 'default',
  environment: 'production',
  before: null,
  after: after as AuditEntry['after'],
  resource_name: null,
  comment: null,
});

describe('release plan specification', () => {
  it('sends the form in the server’s units: seconds, fractions, the rule only when one is picked', () => {
    const d = newPlanDraft(['off', 'on']);
    expect(d.treatment).toBe('on');
    expect(d.control).toBe('off');
    expect(d.steps.map((s) => s.percent)).toEqual([1, 5, 25, 50, 100]);
    d.guardrails = [{ event: ' latency_ms ', measure: 'p95', direction: 'higher_is_worse', tolerancePercent: 10, absolute: 50, query: 'ignored' }];
    const spec = specOfDraft(d);
    expect(spec.rule).toBeUndefined();
    expect(spec.steps?.[0]).toEqual({ percent: 1, min_duration_seconds: 600, min_exposures: 100 });
    expect(spec.guardrails).toEqual([{ event: 'latency_ms', measure: 'p95', direction: 'higher_is_worse', tolerance: 0.1, absolute_tolerance: 50 }]);
    expect(specOfDraft({ ...d, rule: 'r1' }).rule).toBe('r1');
  });
});

describe('the decision log and the guardrail series', () => {
  const entries = [
    entry(3, 'release-plan:7', 'release_plan.advance', plan('running', 1, { reason: 'step 1 (5 %): step 0 met its time and sample', analysis: analysis(0, 0.01, 0.012) })),
    entry(1, 'user:ada@example.com', 'release_plan.create', plan('draft', 0)),
    entry(2, 'user:ada@example.com', 'release_plan.start', plan('running', 0, { reason: 'start by user:ada@example.com' })),
  ];

  it('orders the plan’s entries and keeps the numbers of the runner’s decisions only', () => {
    const log = decisionLog(entries);
    expect(log.map((d) => d.action)).toEqual(['release_plan.create', 'release_plan.start', 'release_plan.advance']);
    expect(log[2].automatic).toBe(true);
    expect(log[2].step).toBe(1);
    expect(log[2].reason).toMatch(/met its time and sample/);
    expect(log[2].analysis?.guardrails[0].treatment.lower).toBeNull();
    expect(log[1].analysis).toBeUndefined();
  });

  it('puts each guardrail’s looks in time order: the decisions, the latest look, the looks seen', () => {
    const p = plan('running', 1, { analysis: analysis(1, 0.01, 0.011), looked_at: '2026-11-30T10:05:00Z' }) as unknown as ReleasePlan;
    const seen = [{ at: '2026-11-30T10:04:00Z', analysis: readAnalysis(analysis(1, 0.01, 0.02))! }];
    const series = guardrailSeries(decisionLog(entries), p, seen).get('http_5xx')!;
    expect(series.map((s) => [s.at.slice(11, 16), s.step, s.treatment.estimate])).toEqual([
      ['10:03', 0, 0.012],
      ['10:04', 1, 0.02],
      ['10:05', 1, 0.011],
    ]);
  });

  it('reads a malformed analysis without throwing', () => {
    expect(readAnalysis(null)).toBeUndefined();
    const a = readAnalysis({ guardrails: [{ event: 'x', control: 'bad' }, 3] })!;
    expect(a.guardrails).toHaveLength(1);
    expect(a.guardrails[0]).toMatchObject({ verdict: 'not_enough_data', control: { n: 0, estimate: 0, lower: null, upper: null } });
  });
});

describe('live plans for the flag list', () => {
  it('takes each plan’s newest entry and keeps running and paused plans', () => {
    const badges = liveplans([
      entry(9, 'release-plan:7', 'release_plan.advance', plan('running', 1)),
      entry(4, 'user:ada@example.com', 'release_plan.start', plan('running', 0)),
      entry(8, 'release-plan:8', 'release_plan.rollback', { ...plan('rolled_back', 0), id: 8, flag: 'search' }, 'default/search/production/8'),
      entry(6, 'user:ada@example.com', 'release_plan.pause', { ...plan('paused', 0), id: 5, flag: 'banner', environment: 'staging' }, 'default/banner/staging/5'),
    ]);
    expect(badges.get('checkout')).toEqual([{ environment: 'production', state: 'running', step: 1, percent: 5 }]);
    expect(badges.get('banner')).toEqual([{ environment: 'staging', state: 'paused', step: 0, percent: 1 }]);
    expect(badges.has('search')).toBe(false);
  });

  it('offers the actions the server allows in each state', () => {
    expect(actionsFor('draft')).toEqual(['start', 'rollback']);
    expect(actionsFor('running')).toEqual(['pause', 'advance', 'rollback']);
    expect(actionsFor('paused')).toEqual(['resume', 'advance', 'rollback']);
    expect(actionsFor('completed')).toEqual([]);
  });
});
