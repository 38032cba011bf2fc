// Rollout weights: the API stores integer shares out of 100 000 (1 = 0.001 %); people
// edit percentages with up to three decimals. All conversions are exact (no floats).
//
// A rollout's `weights` is a layout: entries cover consecutive bucket ranges in list order,
// and a variant may have several entries (its share is their sum). People edit shares; the
// server keeps the stored layout and moves only the users the new shares require
// (docs/evaluation.md section 4), so nothing here re-lays a rollout.

import type { FlagConfig, Rollout, Serve, Weight } from '../api/types';

export const TOTAL_WEIGHT = 100_000;
/** Entries (ranges) one rollout may have. */
export const MAX_RANGES = 200;
/** Decimal places of a percentage that a weight can express. */
export const PERCENT_DECIMALS = 3;

/** 30000 → "30", 33333 → "33.333", 1 → "0.001", 12500 → "12.5". */
export function weightToPercent(weight: number): string {
  const w = Math.round(weight);
  const sign = w < 0 ? '-' : '';
  const abs = Math.abs(w);
  const whole = Math.floor(abs / 1000);
  const frac = String(abs % 1000).padStart(3, '0').replace(/0+$/, '');
  return sign + (frac ? `${whole}.${frac}` : String(whole));
}

export type ParsedPercent = { ok: true; weight: number } | { ok: false; error: string };

/**
 * "30" → 30000, "0.001" → 1, "33,333" → 33333. Refuses more than three decimals,
 * negative numbers, values over 100 and anything that is not a number.
 */
export function parsePercent(text: string): ParsedPercent {
  const s = text.trim().replace(/\s*%$/, '').replace(',', '.');
  if (s === '') return { ok: false, error: 'Enter a percentage' };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return { ok: false, error: 'Not a number' };
  const frac = m[2] ?? '';
  if (frac.length > PERCENT_DECIMALS) {
    return { ok: false, error: `At most ${PERCENT_DECIMALS} decimals (0.001 % steps)` };
  }
  const whole = m[1] === '' ? 0 : Number(m[1]);
  const weight = whole * 1000 + Number(frac.padEnd(PERCENT_DECIMALS, '0'));
  if (weight > TOTAL_WEIGHT) return { ok: false, error: 'At most 100 %' };
  return { ok: true, weight };
}

export function sumWeights(weights: Weight[]): number {
  return weights.reduce((s, w) => s + w.weight, 0);
}

/** What is left to allocate (negative when over 100 %). */
export function remainder(weights: Weight[]): number {
  return TOTAL_WEIGHT - sumWeights(weights);
}

export function isCompleteSplit(weights: Weight[]): boolean {
  return weights.length > 0 && weights.every((w) => Number.isInteger(w.weight) && w.weight >= 0) && sumWeights(weights) === TOTAL_WEIGHT;
}

/** Problems with a rollout, for people; empty when it can be saved. */
export function rolloutProblems(r: Rollout, variants: string[]): string[] {
  const out: string[] = [];
  if (r.weights.length === 0) out.push('A rollout needs at least one variant.');
  const reported = new Set<string>();
  for (const w of r.weights) {
    if (!variants.includes(w.variant) && !reported.has(w.variant)) out.push(`Unknown variant "${w.variant}".`);
    reported.add(w.variant);
    if (!Number.isInteger(w.weight) || w.weight < 0) out.push(`The weight of "${w.variant}" must be a whole, non-negative number.`);
  }
  if (r.weights.length > MAX_RANGES) out.push(`The rollout has ${r.weights.length} ranges; at most ${MAX_RANGES} are allowed.`);
  const rest = remainder(r.weights);
  if (rest > 0) out.push(`The split adds up to ${weightToPercent(sumWeights(r.weights))} %: ${weightToPercent(rest)} % is not allocated.`);
  if (rest < 0) out.push(`The split adds up to ${weightToPercent(sumWeights(r.weights))} %: ${weightToPercent(-rest)} % too much.`);
  return out;
}

/** Shares 100 % as evenly as weights allow; the first variants get the leftover units. */
export function evenSplit(variants: string[]): Weight[] {
  if (variants.length === 0) return [];
  const base = Math.floor(TOTAL_WEIGHT / variants.length);
  let extra = TOTAL_WEIGHT - base * variants.length;
  return variants.map((variant) => {
    const weight = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra -= 1;
    return { variant, weight };
  });
}

/** A rollout that serves everything to one variant, listing every variant. */
export function rolloutAllTo(variant: string, variants: string[]): Rollout {
  return { weights: variants.map((v) => ({ variant: v, weight: v === variant ? TOTAL_WEIGHT : 0 })) };
}

/** A two-way split: `percentWeight` to `first`, the rest to `second`. */
export function twoWaySplit(first: string, second: string, firstWeight: number): Weight[] {
  const w = Math.max(0, Math.min(TOTAL_WEIGHT, Math.round(firstWeight)));
  return [
    { variant: first, weight: w },
    { variant: second, weight: TOTAL_WEIGHT - w },
  ];
}

/** Sets one weight, leaving the others alone. */
export function setWeight(weights: Weight[], index: number, weight: number): Weight[] {
  return weights.map((w, i) => (i === index ? { ...w, weight } : w));
}

/**
 * Makes the split add up to 100 % by changing only `index`'s weight (clamped at 0; if
 * even that is not enough, later and then earlier weights are reduced).
 */
export function balance(weights: Weight[], index: number): Weight[] {
  const out = weights.map((w) => ({ ...w }));
  if (out.length === 0) return out;
  let rest = remainder(out);
  const target = out[index];
  const next = target.weight + rest;
  if (next >= 0) {
    target.weight = next;
    return out;
  }
  rest = next;
  target.weight = 0;
  const order = [...out.keys()].filter((i) => i !== index);
  order.sort((a, b) => (a > index ? 0 : 1) - (b > index ? 0 : 1) || a - b);
  for (const i of order) {
    if (rest === 0) break;
    const take = Math.min(out[i].weight, -rest);
    out[i].weight -= take;
    rest += take;
  }
  return out;
}

/**
 * Each variant's share of a layout: its entries summed, in the order of first appearance
 * (variants named only with weight 0 are kept, with 0).
 */
export function variantShares(weights: Weight[]): Weight[] {
  const out: Weight[] = [];
  for (const w of weights) {
    const seen = out.find((o) => o.variant === w.variant);
    if (seen) seen.weight += w.weight;
    else out.push({ variant: w.variant, weight: w.weight });
  }
  return out;
}

/** Whether two layouts give every variant the same share, whatever their order. */
export function sameShares(a: Weight[], b: Weight[]): boolean {
  const share = (ws: Weight[]) => new Map(variantShares(ws).filter((w) => w.weight !== 0).map((w) => [w.variant, w.weight]));
  const sa = share(a);
  const sb = share(b);
  return sa.size === sb.size && [...sa].every(([v, w]) => sb.get(v) === w);
}

/**
 * One row per variant with its share (summing a variant's ranges; 0 for variants the
 * rollout does not name), in variant order, then unknown variants.
 */
export function withAllVariants(weights: Weight[], variants: string[]): Weight[] {
  const shares = variantShares(weights);
  const byVariant = new Map(shares.map((w) => [w.variant, w.weight]));
  const known = variants.map((v) => ({ variant: v, weight: byVariant.get(v) ?? 0 }));
  const unknown = shares.filter((w) => !variants.includes(w.variant));
  return [...known, ...unknown];
}

function sameBucketBy(a: Rollout, b: Rollout): boolean {
  return (a.bucket_by || 'key') === (b.bucket_by || 'key');
}

function keepLayout(base: Serve | undefined, draft: Serve): Serve {
  if (!base || !('rollout' in base) || !('rollout' in draft)) return draft;
  if (!sameBucketBy(base.rollout, draft.rollout) || !sameShares(base.rollout.weights, draft.rollout.weights)) return draft;
  return { rollout: { ...draft.rollout, weights: base.rollout.weights } };
}

/**
 * The draft with every rollout whose shares are unchanged given back its stored layout
 * (same place: the default, or the rule with the same id; same bucket-by), as the server
 * does on save. So an edit that is undone leaves nothing to save.
 */
export function keepLayouts(base: FlagConfig, draft: FlagConfig): FlagConfig {
  const rules = draft.rules.map((r) => {
    const before = r.id ? base.rules.find((b) => b.id === r.id) : undefined;
    const serve = keepLayout(before?.serve, r.serve);
    return serve === r.serve ? r : { ...r, serve };
  });
  return { ...draft, rules, default: keepLayout(base.default, draft.default) };
}

export interface SplitSegment {
  variant: string | null; // null: unallocated
  weight: number;
  /** Left edge, in percent of the bar (0..100). */
  start: number;
  /** Width, in percent of the bar (0..100). */
  width: number;
  label: string;
}

/**
 * The segments of the split bar. Non-zero weights in order, then the unallocated part
 * if the split is under 100 %. Over 100 %, segments are scaled to fit and `over` is set.
 */
export function splitSegments(weights: Weight[]): { segments: SplitSegment[]; over: boolean; unallocated: number } {
  const total = sumWeights(weights);
  const over = total > TOTAL_WEIGHT;
  const scale = over ? TOTAL_WEIGHT / total : 1;
  const segments: SplitSegment[] = [];
  let start = 0;
  for (const w of weights) {
    if (w.weight <= 0) continue;
    const width = (w.weight * scale) / 1000;
    segments.push({ variant: w.variant, weight: w.weight, start, width, label: `${w.variant} ${weightToPercent(w.weight)} %` });
    start += width;
  }
  const unallocated = Math.max(0, TOTAL_WEIGHT - total);
  if (unallocated > 0) {
    segments.push({
      variant: null,
      weight: unallocated,
      start,
      width: unallocated / 1000,
      label: `unallocated ${weightToPercent(unallocated)} %`,
    });
  }
  return { segments, over, unallocated };
}

/** "on 30 %, off 70 %": each variant's share, its ranges summed. */
export function describeSplit(weights: Weight[]): string {
  const parts = variantShares(weights)
    .filter((w) => w.weight > 0)
    .map((w) => `${w.variant} ${weightToPercent(w.weight)} %`);
  return parts.length ? parts.join(', ') : 'nothing allocated';
}

/** Non-zero entries of a layout (its ranges), merged where neighbours share a variant. */
export function rangeCount(weights: Weight[]): number {
  let n = 0;
  let last: string | undefined;
  for (const w of weights) {
    if (w.weight <= 0) continue;
    if (w.variant !== last) n++;
    last = w.variant;
  }
  return n;
}

export interface BucketRange {
  variant: string;
  /** First bucket of the range. */
  start: number;
  /** First bucket after it. */
  end: number;
}

/** The range of a layout a bucket falls into, walking it as the evaluator does. */
export function rangeOfBucket(weights: Weight[], bucket: number): BucketRange | null {
  let start = 0;
  for (const w of weights) {
    const end = start + w.weight;
    if (bucket < end) return { variant: w.variant, start, end };
    start = end;
  }
  return null;
}

/** A bucket (0..99 999) as a percentage: 29999 → "29.999". */
export function bucketToPercent(bucket: number): string {
  return weightToPercent(bucket);
}

/** Which variant a bucket falls into for the given weights (as the evaluator does). */
export function variantForBucket(weights: Weight[], bucket: number): string | null {
  let acc = 0;
  for (const w of weights) {
    acc += w.weight;
    if (bucket < acc) return w.variant;
  }
  return null;
}
