// Rules and conditions: operator metadata, typed operand parsing, client-side checks
// and list edits. Pure, so the rule editor's logic is testable without a browser.

import type { Condition, JsonValue, Op, Rule, Serve } from '../api/types';
import { variantShares } from './rollout';

export type Arity = 'none' | 'one' | 'many';
/** What the operands of an operator are. */
export type OperandKind = 'scalar' | 'string' | 'regex' | 'number' | 'semver' | 'time' | 'segment' | 'none';

export interface OperatorInfo {
  op: Op;
  label: string;
  group: string;
  arity: Arity;
  operand: OperandKind;
  /** False only for in_segment. */
  usesAttribute: boolean;
  hint: string;
}

export const OPERATORS: OperatorInfo[] = [
  { op: 'in', label: 'is one of', group: 'Equality', arity: 'many', operand: 'scalar', usesAttribute: true, hint: 'Equal to any value' },
  { op: 'contains', label: 'contains', group: 'Text', arity: 'many', operand: 'string', usesAttribute: true, hint: 'Contains any value as a substring' },
  { op: 'starts_with', label: 'starts with', group: 'Text', arity: 'many', operand: 'string', usesAttribute: true, hint: 'Begins with any value' },
  { op: 'ends_with', label: 'ends with', group: 'Text', arity: 'many', operand: 'string', usesAttribute: true, hint: 'Ends with any value' },
  { op: 'matches', label: 'matches regex', group: 'Text', arity: 'many', operand: 'regex', usesAttribute: true, hint: 'Unanchored regular expressions (RE2 syntax)' },
  { op: 'lt', label: '<', group: 'Number', arity: 'one', operand: 'number', usesAttribute: true, hint: 'Less than' },
  { op: 'lte', label: '≤', group: 'Number', arity: 'one', operand: 'number', usesAttribute: true, hint: 'Less than or equal' },
  { op: 'gt', label: '>', group: 'Number', arity: 'one', operand: 'number', usesAttribute: true, hint: 'Greater than' },
  { op: 'gte', label: '≥', group: 'Number', arity: 'one', operand: 'number', usesAttribute: true, hint: 'Greater than or equal' },
  { op: 'semver_eq', label: 'version =', group: 'Semantic version', arity: 'one', operand: 'semver', usesAttribute: true, hint: 'SemVer equal, e.g. 2.0.0' },
  { op: 'semver_lt', label: 'version <', group: 'Semantic version', arity: 'one', operand: 'semver', usesAttribute: true, hint: 'SemVer lower' },
  { op: 'semver_lte', label: 'version ≤', group: 'Semantic version', arity: 'one', operand: 'semver', usesAttribute: true, hint: 'SemVer lower or equal' },
  { op: 'semver_gt', label: 'version >', group: 'Semantic version', arity: 'one', operand: 'semver', usesAttribute: true, hint: 'SemVer higher' },
  { op: 'semver_gte', label: 'version ≥', group: 'Semantic version', arity: 'one', operand: 'semver', usesAttribute: true, hint: 'SemVer higher or equal' },
  { op: 'before', label: 'before', group: 'Time', arity: 'one', operand: 'time', usesAttribute: true, hint: 'Strictly before an RFC 3339 time' },
  { op: 'after', label: 'after', group: 'Time', arity: 'one', operand: 'time', usesAttribute: true, hint: 'Strictly after an RFC 3339 time' },
  { op: 'in_segment', label: 'is in segment', group: 'Segment', arity: 'many', operand: 'segment', usesAttribute: false, hint: 'The context is in any of the segments' },
  { op: 'exists', label: 'exists', group: 'Presence', arity: 'none', operand: 'none', usesAttribute: true, hint: 'The attribute is present' },
];

const BY_OP = new Map(OPERATORS.map((o) => [o.op, o]));

export function operatorInfo(op: Op): OperatorInfo {
  const info = BY_OP.get(op);
  if (!info) throw new Error(`unknown operator ${op}`);
  return info;
}

/** The operators allowed in a place (segments have no in_segment). */
export function operatorsFor(place: 'flag' | 'segment'): OperatorInfo[] {
  return place === 'segment' ? OPERATORS.filter((o) => o.op !== 'in_segment') : OPERATORS;
}

/** Type of the operands of an `in` condition, chosen by the editor. */
export type ScalarType = 'string' | 'number' | 'boolean';

/** The operand type `in` values currently have (string when empty or mixed). */
export function inferScalarType(values: JsonValue[]): ScalarType {
  if (values.length > 0 && values.every((v) => typeof v === 'number')) return 'number';
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return 'boolean';
  return 'string';
}

/** How an operand shows in a text field. */
export function valueToText(v: JsonValue): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export interface ParsedValue {
  value: JsonValue;
  error?: string;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Turns the text of one operand into its JSON value for an operator (numbers for the
 * number operators, typed scalars for `in`), with a message when it will not be accepted.
 */
export function parseOperand(op: Op, text: string, scalar: ScalarType = 'string'): ParsedValue {
  const info = operatorInfo(op);
  const t = text.trim();
  switch (info.operand) {
    case 'number': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { value: text, error: `"${text}" is not a number` };
      return { value: n };
    }
    case 'scalar': {
      if (scalar === 'number') {
        const n = Number(t);
        if (t === '' || !Number.isFinite(n)) return { value: text, error: `"${text}" is not a number` };
        return { value: n };
      }
      if (scalar === 'boolean') {
        if (t === 'true' || t === 'false') return { value: t === 'true' };
        return { value: text, error: `"${text}" is not true or false` };
      }
      return { value: text };
    }
    case 'semver':
      return SEMVER.test(t) ? { value: t } : { value: text, error: `"${text}" is not a semantic version such as 2.0.0` };
    case 'time':
      return RFC3339.test(t) && !Number.isNaN(Date.parse(t))
        ? { value: t }
        : { value: text, error: `"${text}" is not an RFC 3339 time such as 2026-01-31T12:00:00Z` };
    case 'regex':
      try {
        new RegExp(text, 'u');
        return { value: text };
      } catch {
        // JavaScript and RE2 differ slightly: let the server decide, but warn.
        return { value: text, error: `"${text}" may not be a valid regular expression` };
      }
    default:
      return { value: text };
  }
}

/** Converts existing operands when the `in` type changes (unconvertible ones stay text). */
export function convertScalars(values: JsonValue[], to: ScalarType): JsonValue[] {
  return values.map((v) => parseOperand('in', valueToText(v), to).value);
}

/** Problems of a condition, for people, keyed like the server's pointers (relative). */
export function conditionProblems(c: Condition, segments?: string[]): { pointer: string; message: string }[] {
  const info = operatorInfo(c.op);
  const out: { pointer: string; message: string }[] = [];
  if (info.usesAttribute && c.attribute.trim() === '') out.push({ pointer: '/attribute', message: 'Enter an attribute' });
  const n = c.values.length;
  if (info.arity === 'none' && n > 0) out.push({ pointer: '/values', message: `${c.op} takes no values` });
  if (info.arity === 'one' && n !== 1) out.push({ pointer: '/values', message: `${c.op} takes exactly one value` });
  if (info.arity === 'many' && n === 0) out.push({ pointer: '/values', message: 'Add at least one value' });
  c.values.forEach((v, i) => {
    if (info.operand === 'segment') {
      if (segments && typeof v === 'string' && !segments.includes(v)) out.push({ pointer: `/values/${i}`, message: `Unknown segment "${v}"` });
      return;
    }
    if (info.operand === 'none') return;
    const scalar = info.operand === 'scalar' ? (typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string') : 'string';
    if (info.operand === 'number' && typeof v !== 'number') {
      out.push({ pointer: `/values/${i}`, message: `"${valueToText(v)}" is not a number` });
      return;
    }
    const parsed = parseOperand(c.op, valueToText(v), scalar);
    if (parsed.error && info.operand !== 'regex') out.push({ pointer: `/values/${i}`, message: parsed.error });
  });
  return out;
}

/** The condition after switching operator: operands kept where they still make sense. */
export function changeOperator(c: Condition, op: Op): Condition {
  const from = operatorInfo(c.op);
  const to = operatorInfo(op);
  let values: JsonValue[] = c.values;
  if (to.arity === 'none') values = [];
  else if (from.operand !== to.operand) {
    values = to.operand === 'segment' || from.operand === 'segment' ? [] : c.values.map((v) => parseOperand(op, valueToText(v)).value);
  }
  if (to.arity === 'one') values = values.slice(0, 1);
  return { attribute: to.usesAttribute ? c.attribute : '', op, values, negate: c.negate };
}

export function newCondition(): Condition {
  return { attribute: '', op: 'in', values: [], negate: false };
}

export function newRule(serve: Serve): Rule {
  return { conditions: [newCondition()], serve };
}

/** Moves item `index` by `delta` places (-1 up, +1 down); unchanged at the ends. */
export function move<T>(items: T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= items.length || to < 0 || to >= items.length) return items;
  const out = [...items];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item);
  return out;
}

export function replaceAt<T>(items: T[], index: number, item: T): T[] {
  return items.map((x, i) => (i === index ? item : x));
}

export function removeAt<T>(items: T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

/** A one-line summary: `country is one of DE, FR and not plan exists`. */
export function describeCondition(c: Condition): string {
  const info = operatorInfo(c.op);
  const values = c.values.map(valueToText).join(', ');
  const subject = info.usesAttribute ? `${c.attribute || '?'} ` : '';
  const neg = c.negate ? 'NOT ' : '';
  if (info.arity === 'none') return `${neg}${subject}${info.label}`;
  return `${neg}${subject}${info.label} ${values || '?'}`.trim();
}

export function describeServe(s: Serve): string {
  if ('variant' in s) return s.variant;
  return variantShares(s.rollout.weights)
    .filter((w) => w.weight > 0)
    .map((w) => `${w.variant} ${(w.weight / 1000).toString()} %`)
    .join(' / ');
}

/** Keeps only the server problems under `prefix`, with the prefix removed. */
export function errorsUnder(errors: Record<string, string[]> | undefined, prefix: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!errors) return out;
  for (const [pointer, messages] of Object.entries(errors)) {
    if (pointer === prefix || pointer.startsWith(prefix + '/')) out[pointer.slice(prefix.length)] = messages;
  }
  return out;
}

/** The messages at `pointer` and, if `deep`, below it, joined for a field's error slot. */
export function errorAt(errors: Record<string, string[]> | undefined, pointer: string, deep = false): string | undefined {
  if (!errors) return undefined;
  const msgs: string[] = [];
  for (const [p, m] of Object.entries(errors)) {
    if (p === pointer || (deep && p.startsWith(pointer + '/'))) msgs.push(...m);
  }
  return msgs.length ? msgs.join('; ') : undefined;
}
