import type { Usage, VariantMetric } from '../api/types';

/**
 * The label of a step (a time bucket) on the usage and metric charts: the bucket's start,
 * as the server sends it (`at`, UTC, the start of the minute or hour), in the viewer's
 * time zone, to the minute. Both charts label a bucket with this one function, so the
 * same hour reads the same on both.
 */
export function stepLabel(at: string): string {
  return new Date(at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export interface UsageRow {
  at: string;
  [variant: string]: number | string;
}

export interface UsageTotal {
  variant: string;
  count: number;
  /** Share of all evaluations in the period, in percent. */
  share: number;
}

/**
 * Rows for a chart: one per time step over the whole period (the last `hours` up to
 * `now`, in Unix milliseconds), a column per variant, 0 where no SDK evaluated, so that
 * the time axis spans the period even without data. Also the totals per variant.
 */
export function usageRows(u: Usage, period?: { hours: number; now: number }): { rows: UsageRow[]; variants: string[]; total: number; totals: UsageTotal[] } {
  const variants = u.series.map((s) => s.variant);
  const step = Math.max(1, u.step_seconds) * 1000;
  const byTime = new Map<number, UsageRow>();
  const row = (t: number) => {
    let r = byTime.get(t);
    if (!r) {
      r = { at: new Date(t).toISOString() };
      for (const v of variants) r[v] = 0;
      byTime.set(t, r);
    }
    return r;
  };
  if (period) {
    const last = Math.floor(period.now / step) * step;
    const first = Math.floor((period.now - period.hours * 3_600_000) / step) * step;
    for (let t = first; t <= last; t += step) row(t);
  }
  let total = 0;
  const counts = new Map<string, number>();
  for (const s of u.series) {
    for (const p of s.points) {
      const r = row(Date.parse(p.at));
      r[s.variant] = ((r[s.variant] as number) ?? 0) + p.count;
      counts.set(s.variant, (counts.get(s.variant) ?? 0) + p.count);
      total += p.count;
    }
  }
  const rows = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  const totals = variants.map((variant) => {
    const count = counts.get(variant) ?? 0;
    return { variant, count, share: total ? (100 * count) / total : 0 };
  });
  return { rows, variants, total, totals };
}

/**
 * Whether a metric event is a plain count (`track` without a value: every value is 1), so
 * that its read-out is a rate per exposure rather than the mean of its values, which is
 * always 1. `rateGuardrail`: a release plan watches the event as an error rate.
 */
export function isCountEvent(variants: Pick<VariantMetric, 'count' | 'mean' | 'std_dev'>[], rateGuardrail = false): boolean {
  if (rateGuardrail) return true;
  return variants.length > 0 && variants.every((v) => v.count === 0 || (v.mean === 1 && (v.std_dev === null || v.std_dev === 0)));
}

/** Exposures per variant and step (Unix ms) from the usage series. */
function exposureIndex(u: Usage): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const s of u.series) {
    const m = out.get(s.variant) ?? new Map<number, number>();
    for (const p of s.points) {
      const t = Date.parse(p.at);
      m.set(t, (m.get(t) ?? 0) + p.count);
    }
    out.set(s.variant, m);
  }
  return out;
}

/** One line of the metric chart: a value per step that had events. */
export interface MetricLine {
  variant: string;
  points: { at: string; value: number | null; count: number }[];
}

/**
 * The metric chart's lines. A count event: events per exposure of the same variant in the
 * same step (the usage and metric series share their steps: a minute up to 6 hours, an
 * hour beyond), null where the variant had no exposure reported in the step. Any other
 * event: the step's mean.
 */
export function metricLines(variants: VariantMetric[], usage: Usage | undefined, count: boolean): MetricLine[] {
  const exposures = usage ? exposureIndex(usage) : new Map<string, Map<number, number>>();
  return variants.map((v) => ({
    variant: v.variant,
    points: v.points.map((p) => {
      if (!count) return { at: p.at, value: p.mean, count: p.count };
      const n = exposures.get(v.variant)?.get(Date.parse(p.at)) ?? 0;
      return { at: p.at, value: n > 0 ? p.count / n : null, count: p.count };
    }),
  }));
}

/**
 * Events per exposure of a variant over the period; null without exposures. `since` (Unix
 * ms): count exposures from then only, where the metric events are kept for less time
 * than the usage period reaches back.
 */
export function ratePerExposure(variant: VariantMetric, usage: Usage | undefined, since = -Infinity): number | null {
  const n =
    usage?.series
      .filter((s) => s.variant === variant.variant)
      .reduce((a, s) => a + s.points.reduce((b, p) => b + (Date.parse(p.at) >= since ? p.count : 0), 0), 0) ?? 0;
  return n > 0 ? variant.count / n : null;
}
