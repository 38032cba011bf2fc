// Evaluation contexts for the debugger: editable rows, JSON, and the recent list.

import type { AttributeValue, EvalContext } from '../api/types';
import { deepEqual } from './config';

export type AttrType = 'string' | 'number' | 'boolean' | 'list';

export interface AttrRow {
  name: string;
  type: AttrType;
  /** Text for string/number/boolean. */
  value: string;
  /** Items for list. */
  items: string[];
}

export function emptyRow(): AttrRow {
  return { name: '', type: 'string', value: '', items: [] };
}

export function rowsFromContext(c: EvalContext): AttrRow[] {
  return Object.entries(c.attributes ?? {}).map(([name, v]) => {
    if (Array.isArray(v)) return { name, type: 'list', value: '', items: v.map(String) };
    if (typeof v === 'number') return { name, type: 'number', value: String(v), items: [] };
    if (typeof v === 'boolean') return { name, type: 'boolean', value: String(v), items: [] };
    return { name, type: 'string', value: String(v), items: [] };
  });
}

export interface BuiltContext {
  context: EvalContext;
  /** Problems by row index. */
  errors: Record<number, string>;
}

export function contextFromRows(key: string, rows: AttrRow[]): BuiltContext {
  const attributes: Record<string, AttributeValue> = {};
  const errors: Record<number, string> = {};
  rows.forEach((r, i) => {
    const name = r.name.trim();
    if (!name) {
      if (r.value || r.items.length) errors[i] = 'Name the attribute';
      return;
    }
    if (name === 'key') {
      errors[i] = '"key" is the context key: use the field above';
      return;
    }
    if (name in attributes) {
      errors[i] = `"${name}" appears twice`;
      return;
    }
    switch (r.type) {
      case 'string':
        attributes[name] = r.value;
        break;
      case 'number': {
        const n = Number(r.value.trim());
        if (r.value.trim() === '' || !Number.isFinite(n)) errors[i] = 'Not a number';
        else attributes[name] = n;
        break;
      }
      case 'boolean':
        attributes[name] = r.value === 'true';
        break;
      case 'list':
        attributes[name] = [...r.items];
        break;
    }
  });
  const context: EvalContext = { attributes };
  if (key.trim()) context.key = key.trim();
  return { context, errors };
}

/** Parses a context typed as JSON: `{"key": "...", "attributes": {...}}`. */
export function parseContextJson(text: string): { context?: EvalContext; error?: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'The context must be a JSON object' };
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== 'key' && k !== 'attributes');
  if (unknown.length) return { error: `Unknown field(s): ${unknown.join(', ')} (use "key" and "attributes")` };
  if (o.key !== undefined && typeof o.key !== 'string') return { error: '"key" must be a string' };
  const attrs = o.attributes ?? {};
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return { error: '"attributes" must be an object' };
  for (const [k, a] of Object.entries(attrs)) {
    const ok =
      typeof a === 'string' || typeof a === 'boolean' || (typeof a === 'number' && Number.isFinite(a)) || (Array.isArray(a) && a.every((x) => typeof x === 'string'));
    if (!ok) return { error: `Attribute "${k}" must be a string, number, boolean or list of strings` };
  }
  const context: EvalContext = { attributes: attrs as Record<string, AttributeValue> };
  if (typeof o.key === 'string' && o.key) context.key = o.key;
  return { context };
}

export function describeContext(c: EvalContext): string {
  const attrs = Object.entries(c.attributes)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(' ');
  return [c.key ? `key=${c.key}` : '(no key)', attrs].filter(Boolean).join(' ');
}

export const RECENT_KEY = 'vexil.debugger.recent';
export const RECENT_MAX = 10;

export function loadRecent(storage: Storage = localStorage): EvalContext[] {
  try {
    const v = JSON.parse(storage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v.filter((c) => c && typeof c === 'object' && typeof (c as EvalContext).attributes === 'object') as EvalContext[]) : [];
  } catch {
    return [];
  }
}

/** Puts a context first in the recent list (without duplicates, at most RECENT_MAX). */
export function rememberContext(c: EvalContext, storage: Storage = localStorage): EvalContext[] {
  const list = [c, ...loadRecent(storage).filter((x) => !deepEqual(x, c))].slice(0, RECENT_MAX);
  try {
    storage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // storage full: keep the list in memory only
  }
  return list;
}

export function forgetRecent(storage: Storage = localStorage) {
  storage.removeItem(RECENT_KEY);
}
