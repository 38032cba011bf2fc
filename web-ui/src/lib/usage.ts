import type { Usage } from '../api/types';

export interface UsageRow {
  at: string;
  [variant: string]: number | string;
}

/** Rows for a chart: one per time step, a column per variant (0 where missing). */
export function usageRows(u: Usage): { rows: UsageRow[]; variants: string[]; total: number } {
  const variants = u.series.map((s) => s.variant);
  const byTime = new Map<string, UsageRow>();
  let total = 0;
  for (const s of u.series) {
    for (const p of s.points) {
      let row = byTime.get(p.at);
      if (!row) {
        row = { at: p.at };
        for (const v of variants) row[v] = 0;
        byTime.set(p.at, row);
      }
      row[s.variant] = ((row[s.variant] as number) ?? 0) + p.count;
      total += p.count;
    }
  }
  const rows = [...byTime.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { rows, variants, total };
}
