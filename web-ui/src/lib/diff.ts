// A readable structural diff of two JSON documents, for pending edits and audit entries.

import type { JsonValue } from '../api/types';
import { deepEqual } from './config';
import { weightToPercent } from './rollout';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'moved';

export interface Change {
  /** `rules[1].conditions[0].values`. */
  path: string;
  kind: ChangeKind;
  before?: JsonValue;
  after?: JsonValue;
}

export interface DiffOptions {
  /** Top-level keys to leave out (e.g. `version`, `updated_at`). */
  ignore?: string[];
}

function isObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** The identity of an array element, if the array's elements have one (rules by id, variants by key). */
function identity(v: JsonValue): string | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.id === 'string' && v.id) return `id:${v.id}`;
  if (typeof v.key === 'string' && v.key) return `key:${v.key}`;
  // Prerequisites by flag; rollout weights and targets by variant.
  if (typeof v.flag === 'string' && v.flag) return `flag:${v.flag}`;
  if (typeof v.variant === 'string' && v.variant) return `variant:${v.variant}`;
  return undefined;
}

/**
 * The identities of a list's items; items without one (a rule not saved yet) get a
 * placeholder that matches nothing, so they show as added or removed. `undefined` when
 * the items are not objects, no item has an identity, or two share one.
 */
function identities(items: JsonValue[], side: string): string[] | undefined {
  if (!items.every(isObject)) return undefined;
  const ids = items.map(identity);
  const known = ids.filter((x) => x !== undefined);
  if (known.length === 0 || new Set(known).size !== known.length) return undefined;
  return ids.map((x, i) => x ?? `\u0000${side}${i}`);
}

function label(id: string): string {
  return id.slice(id.indexOf(':') + 1);
}

/** ` (r1)` after a list item's path, for items that have an identity. */
function suffix(id: string): string {
  return id.startsWith('\u0000') ? '' : ` (${label(id)})`;
}

function diffInto(out: Change[], path: string, a: JsonValue | undefined, b: JsonValue | undefined, ignore?: Set<string>) {
  if (deepEqual(a, b)) return;
  if (a === undefined) {
    out.push({ path, kind: 'added', after: b });
    return;
  }
  if (b === undefined) {
    out.push({ path, kind: 'removed', before: a });
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      if (ignore?.has(k)) continue;
      diffInto(out, join(path, k), a[k], b[k]);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const ia = a.length && b.length ? identities(a, 'a') : undefined;
    const ib = a.length && b.length ? identities(b, 'b') : undefined;
    if (ia && ib) {
      // Match elements by identity: report removals, additions, changes and moves.
      const common = ib.filter((id) => ia.includes(id));
      const orderA = ia.filter((id) => common.includes(id));
      for (let i = 0; i < ia.length; i++) {
        if (!ib.includes(ia[i])) out.push({ path: `${path}[${i}]${suffix(ia[i])}`, kind: 'removed', before: a[i] });
      }
      for (let j = 0; j < ib.length; j++) {
        const id = ib[j];
        const i = ia.indexOf(id);
        const p = `${path}[${j}]${suffix(id)}`;
        if (i < 0) {
          out.push({ path: p, kind: 'added', after: b[j] });
          continue;
        }
        if (orderA.indexOf(id) !== common.indexOf(id)) out.push({ path: p, kind: 'moved', before: i, after: j });
        diffInto(out, p, a[i], b[j]);
      }
      return;
    }
    // Lists of plain values (tags, keys, operands): one change with both lists.
    if (a.every((x) => !isObject(x) && !Array.isArray(x)) && b.every((x) => !isObject(x) && !Array.isArray(x))) {
      out.push({ path, kind: 'changed', before: a, after: b });
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) diffInto(out, `${path}[${i}]`, a[i], b[i]);
    return;
  }
  out.push({ path, kind: 'changed', before: a, after: b });
}

/** Every difference between two documents, in document order. */
export function diffJson(before: JsonValue | undefined | null, after: JsonValue | undefined | null, options: DiffOptions = {}): Change[] {
  const out: Change[] = [];
  diffInto(out, '', before ?? undefined, after ?? undefined, new Set(options.ignore ?? []));
  return out;
}

/** A short rendering of a value for a diff line; rollout weights also as percentages. */
export function preview(v: JsonValue | undefined, max = 120, path = ''): string {
  if (v === undefined) return '';
  if (typeof v === 'number' && /weights\[\d+\]( \([^)]*\))?\.weight$/.test(path)) {
    return `${weightToPercent(v)} % (${v})`;
  }
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
