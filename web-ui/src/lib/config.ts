// Pure helpers for flag configurations and segments: request bodies, normalisation and
// equality (re-applying one's edits on a newer version is in merge.ts).

import type { FlagConfig, Rule, Segment, SegmentBody, Serve } from '../api/types';

/** Deep equality of JSON-like values (object key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(ao[k], bo[k]));
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function normalizeServe(s: Serve): Serve {
  if ('rollout' in s) {
    const bucketBy = s.rollout.bucket_by?.trim();
    return {
      rollout: {
        ...(bucketBy && bucketBy !== 'key' ? { bucket_by: bucketBy } : {}),
        weights: s.rollout.weights.map((w) => ({ variant: w.variant, weight: w.weight })),
      },
    };
  }
  return { variant: s.variant };
}

function normalizeRule(r: Rule): Rule {
  const out: Rule = {
    conditions: (r.conditions ?? []).map((c) => ({
      attribute: c.op === 'in_segment' ? '' : c.attribute,
      op: c.op,
      values: c.values ?? [],
      negate: !!c.negate,
    })),
    serve: normalizeServe(r.serve),
  };
  if (r.id) out.id = r.id;
  if (r.description) out.description = r.description;
  return out;
}

/** The editable part of a configuration, in a canonical form (no record fields). */
export function normalizeConfig(c: FlagConfig): FlagConfig {
  return {
    enabled: !!c.enabled,
    off_variant: c.off_variant,
    targets: (c.targets ?? []).map((t) => ({ variant: t.variant, keys: [...t.keys] })),
    rules: (c.rules ?? []).map(normalizeRule),
    default: normalizeServe(c.default),
    prerequisites: (c.prerequisites ?? []).map((p) => ({ flag: p.flag, variant: p.variant })),
  };
}

/** The PUT body: the configuration without the record's own fields; empty targets dropped. */
export function toConfigBody(c: FlagConfig): FlagConfig {
  const n = normalizeConfig(c);
  n.targets = n.targets.filter((t) => t.keys.length > 0);
  return n;
}

/** The PUT body of a segment (without key, version and times). */
export function toSegmentBody(s: SegmentBody | Segment): SegmentBody {
  return {
    name: s.name,
    description: s.description ?? '',
    included: [...(s.included ?? [])],
    excluded: [...(s.excluded ?? [])],
    rules: (s.rules ?? []).map((r) => ({
      ...(r.id ? { id: r.id } : {}),
      conditions: r.conditions.map((c) => ({ attribute: c.attribute, op: c.op, values: c.values, negate: !!c.negate })),
    })),
  };
}

/** Variants a configuration refers to that the flag does not have (e.g. after a rename). */
export function unknownVariants(c: FlagConfig, variants: string[]): string[] {
  const known = new Set(variants);
  const used = new Set<string>();
  const serve = (s: Serve) => {
    if ('variant' in s) used.add(s.variant);
    else s.rollout.weights.forEach((w) => used.add(w.variant));
  };
  used.add(c.off_variant);
  c.targets.forEach((t) => used.add(t.variant));
  c.rules.forEach((r) => serve(r.serve));
  serve(c.default);
  return [...used].filter((v) => !known.has(v));
}
