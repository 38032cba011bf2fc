// Readable renderings of the parts of flag configurations and segments (rules,
// conditions, serves, targets, prerequisites) for diffs, reviews and merge reports,
// instead of raw JSON.

import type { Condition, JsonValue, Op } from '../api/types';
import { describeCondition, OPERATORS } from './rules';
import { weightToPercent } from './rollout';

type Obj = { [k: string]: JsonValue };

const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const KNOWN_OPS = new Set<string>(OPERATORS.map((o) => o.op));
const keysOf = (o: Obj) => Object.keys(o).filter((k) => o[k] !== undefined);
const only = (o: Obj, allowed: string[]) => keysOf(o).every((k) => allowed.includes(k));

function asCondition(v: JsonValue): Condition | undefined {
  if (!isObj(v) || typeof v.op !== 'string' || !KNOWN_OPS.has(v.op) || !only(v, ['attribute', 'op', 'values', 'negate'])) return undefined;
  return {
    attribute: typeof v.attribute === 'string' ? v.attribute : '',
    op: v.op as Op,
    values: Array.isArray(v.values) ? v.values : [],
    negate: v.negate === true,
  };
}

/** `serve on` or `serve a rollout: on 30 %, off 70 % (by account)`. */
export function describeServeValue(v: JsonValue): string | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v.variant === 'string' && only(v, ['variant'])) return `serve ${v.variant}`;
  const r = v.rollout;
  if (only(v, ['rollout']) && isObj(r) && Array.isArray(r.weights)) {
    const parts = r.weights.map((w) => (isObj(w) && typeof w.variant === 'string' && typeof w.weight === 'number' ? `${w.variant} ${weightToPercent(w.weight)} %` : '?'));
    const by = typeof r.bucket_by === 'string' && r.bucket_by && r.bucket_by !== 'key' ? ` (by ${r.bucket_by})` : '';
    return `serve a rollout: ${parts.join(', ') || 'nothing allocated'}${by}`;
  }
  return undefined;
}

function conditionLines(list: JsonValue[]): string[] | undefined {
  const conds = list.map(asCondition);
  if (conds.some((c) => !c)) return undefined;
  if (conds.length === 0) return ['always (no conditions)'];
  return conds.map((c, i) => `${i === 0 ? 'if' : 'and'} ${describeCondition(c as Condition)}`);
}

/**
 * Lines that say what a configuration part means, or `undefined` when `v` is not a
 * part this knows (the caller then shows JSON).
 */
export function describeValue(v: JsonValue | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0 || v.some((x) => !isObj(x))) return undefined;
    if (v.every((x) => asCondition(x))) return conditionLines(v);
    const parts = v.map(describeValue);
    if (parts.some((p) => !p)) return undefined;
    return parts.flatMap((p) => p as string[]);
  }
  if (!isObj(v)) return undefined;
  // A rule of a flag (conditions and serve) or of a segment (conditions only).
  if (Array.isArray(v.conditions) && only(v, ['id', 'description', 'conditions', 'serve'])) {
    const conds = conditionLines(v.conditions);
    if (!conds) return undefined;
    const lines = typeof v.description === 'string' && v.description ? [`“${v.description}”`, ...conds] : conds;
    if (v.serve === undefined) return lines;
    const serve = describeServeValue(v.serve);
    return serve ? [...lines, serve] : undefined;
  }
  const condition = asCondition(v);
  if (condition) return [describeCondition(condition)];
  const serve = describeServeValue(v);
  if (serve) return [serve];
  if (typeof v.variant === 'string' && Array.isArray(v.keys) && only(v, ['variant', 'keys'])) {
    return [`${v.keys.map((k) => (typeof k === 'string' ? k : JSON.stringify(k))).join(', ') || '(no keys)'} → ${v.variant}`];
  }
  if (typeof v.flag === 'string' && typeof v.variant === 'string' && only(v, ['flag', 'variant'])) return [`${v.flag} must serve ${v.variant}`];
  if (typeof v.variant === 'string' && typeof v.weight === 'number' && only(v, ['variant', 'weight'])) return [`${v.variant} ${weightToPercent(v.weight)} %`];
  return undefined;
}
