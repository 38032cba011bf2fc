// What the dashboard says about a flag's code references (`vexil refs scan --upload`),
// alone and together with staleness: a flag that no SDK evaluated for a while *and* that
// no scanned code mentions is the one a clean-up can remove.

import type { ProjectCodeReferences } from '../api/types';

/**
 * Places in code per key, from a project's summary; `undefined` when no repository was
 * scanned, so that "not in code" is never said of a project nobody scanned.
 */
export function placesByKey(summary: ProjectCodeReferences | undefined): Map<string, number> | undefined {
  if (!summary || !summary.last_scanned) return undefined;
  return new Map(summary.keys.map((k) => [k.key, k.count]));
}

/** "referenced in 3 places", "referenced in 1 place", "not in code". */
export function placesLabel(count: number): string {
  if (count === 0) return 'not in code';
  return `referenced in ${count} ${count === 1 ? 'place' : 'places'}`;
}

/** Whole days since `iso` (never evaluated: `undefined`). */
export function daysSince(iso: string | null | undefined, now = Date.now()): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.floor((now - t) / 86_400_000));
}

/**
 * The stale-flag view's verdict: how long since the last evaluation and whether code
 * mentions the flag. `removable` when both say it is unused.
 */
export function cleanupVerdict(
  flag: { stale: boolean; last_evaluated_at?: string | null },
  places: number | undefined,
  now = Date.now(),
): { text: string; removable: boolean } {
  const days = daysSince(flag.last_evaluated_at, now);
  const evaluated = days === undefined ? 'never evaluated' : `not evaluated for ${days} ${days === 1 ? 'day' : 'days'}`;
  if (places === undefined) return { text: `${evaluated}; no code scan uploaded`, removable: false };
  if (places === 0) return { text: `${evaluated} and not in code: safe to remove`, removable: flag.stale };
  return { text: `${evaluated}, but ${placesLabel(places)}: remove those first`, removable: false };
}
