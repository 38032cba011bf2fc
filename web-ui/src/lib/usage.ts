import type { Usage } from '../api/types';

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
