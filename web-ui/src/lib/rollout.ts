// Rollout weights: the API stores integer shares out of 100 000 (1 = 0.001 %); people
// edit percentages with up to three decimals. All conversions are exact (no floats).

import type { Rollout, Weight } from '../api/types';

export const TOTAL_WEIGHT = 100_000;
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
  const seen = new Set<string>();
  for (const w of r.weights) {
    if (!variants.includes(w.variant)) out.push(`Unknown variant "${w.variant}".`);
    if (seen.has(w.variant)) out.push(`Variant "${w.variant}" appears twice.`);
    seen.add(w.variant);
    if (!Number.isInteger(w.weight) || w.weight < 0) out.push(`The weight of "${w.variant}" must be a whole, non-negative number.`);
  }
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

/** Makes sure every variant has a row (weight 0 for new ones), in variant order. */
export function withAllVariants(weights: Weight[], variants: string[]): Weight[] {
  const byVariant = new Map(weights.map((w) => [w.variant, w.weight]));
  const known = variants.map((v) => ({ variant: v, weight: byVariant.get(v) ?? 0 }));
  const unknown = weights.filter((w) => !variants.includes(w.variant));
  return [...known, ...unknown];
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

/** "on 30 %, off 70 %". */
export function describeSplit(weights: Weight[]): string {
  const parts = weights.filter((w) => w.weight > 0).map((w) => `${w.variant} ${weightToPercent(w.weight)} %`);
  return parts.length ? parts.join(', ') : 'nothing allocated';
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
