// Variant values as people type them, per flag kind.

import type { FlagKind, JsonValue, Variant } from '../api/types';

export interface VariantDraft {
  key: string;
  /** The value as typed: `true`, `42`, `blue`, `{"a": 1}`. */
  value: string;
  name: string;
  description: string;
}

export function draftFromVariant(v: Variant, kind: FlagKind): VariantDraft {
  const value = kind === 'string' && typeof v.value === 'string' ? v.value : kind === 'json' ? JSON.stringify(v.value, null, 2) : JSON.stringify(v.value);
  return { key: v.key, value, name: v.name ?? '', description: v.description ?? '' };
}

/** The typed value of a draft, or a message when it is not of the flag's kind. */
export function parseVariantValue(text: string, kind: FlagKind): { value: JsonValue; error?: string } {
  switch (kind) {
    case 'string':
      return { value: text };
    case 'boolean':
      if (text === 'true' || text === 'false') return { value: text === 'true' };
      return { value: text, error: 'Choose true or false' };
    case 'number': {
      const t = text.trim();
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { value: text, error: 'Enter a number' };
      return { value: n };
    }
    case 'json':
      try {
        return { value: JSON.parse(text) as JsonValue };
      } catch {
        return { value: text, error: 'Not valid JSON' };
      }
  }
}

export function variantFromDraft(d: VariantDraft, kind: FlagKind): { variant: Variant; error?: string } {
  const { value, error } = parseVariantValue(d.value, kind);
  const variant: Variant = { key: d.key.trim(), value };
  if (d.name.trim()) variant.name = d.name.trim();
  if (d.description.trim()) variant.description = d.description.trim();
  return { variant, error };
}

/** The variants a new flag of a kind starts with. */
export function defaultDrafts(kind: FlagKind): VariantDraft[] {
  const d = (key: string, value: string): VariantDraft => ({ key, value, name: '', description: '' });
  switch (kind) {
    case 'boolean':
      return [d('on', 'true'), d('off', 'false')];
    case 'string':
      return [d('control', 'control'), d('treatment', 'treatment')];
    case 'number':
      return [d('low', '0'), d('high', '1')];
    case 'json':
      return [d('default', '{}'), d('variant-b', '{"enabled": true}')];
  }
}

/** A key from a name: "New Checkout!" → "new-checkout". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64);
}
