// Turns an edited configuration into a semantic patch: the instructions that make the
// edited configuration of the one it was edited from. A change request or a scheduled
// change holds a patch rather than a whole document, so that it means the same thing
// when it is applied over a configuration that moved meanwhile (rules by id, variants by
// key; docs/decisions/0009-changes-as-data.md).

import type { FlagConfig, Instruction, JsonValue, Rule } from '../api/types';
import { deepEqual } from './config';

const same = deepEqual;
const json = (v: unknown) => v as JsonValue;

/** The instructions that turn `before` into `after`, in an order that applies cleanly. */
export function configPatch(before: FlagConfig, after: FlagConfig): Instruction[] {
  const out: Instruction[] = [];
  if (before.enabled !== after.enabled) out.push({ kind: after.enabled ? 'turn_on' : 'turn_off' });
  if (before.off_variant !== after.off_variant) out.push({ kind: 'set_off_variant', variant: after.off_variant });
  if (!same(before.default, after.default)) out.push({ kind: 'set_default', serve: json(after.default) });

  // Targets: removals first, so that a key moving to another variant is free to move.
  const keysOf = (c: FlagConfig, variant: string) => new Set(c.targets.find((t) => t.variant === variant)?.keys ?? []);
  const variants = [...new Set([...before.targets, ...after.targets].map((t) => t.variant))];
  for (const v of variants) {
    const [was, now] = [keysOf(before, v), keysOf(after, v)];
    const removed = [...was].filter((k) => !now.has(k));
    if (removed.length) out.push({ kind: 'remove_targets', variant: v, keys: removed });
  }
  for (const v of variants) {
    const [was, now] = [keysOf(before, v), keysOf(after, v)];
    const added = [...now].filter((k) => !was.has(k));
    if (added.length) out.push({ kind: 'add_targets', variant: v, keys: added });
  }

  // Rules by id: remove, replace, move the ones kept into the new order, then add the
  // new ones at their final positions (left to right, so each position exists).
  const beforeById = new Map(before.rules.filter((r) => r.id).map((r) => [r.id as string, r]));
  const kept = (r: Rule) => !!r.id && beforeById.has(r.id);
  const afterIds = new Set(after.rules.filter(kept).map((r) => r.id as string));
  for (const r of before.rules) {
    if (r.id && !afterIds.has(r.id)) out.push({ kind: 'remove_rule', rule: r.id });
  }
  for (const r of after.rules.filter(kept)) {
    if (!same(beforeById.get(r.id as string), r)) out.push({ kind: 'replace_rule', rule: json(r) });
  }
  const order = before.rules.filter((r) => r.id && afterIds.has(r.id)).map((r) => r.id as string);
  const target = after.rules.filter(kept).map((r) => r.id as string);
  target.forEach((id, i) => {
    if (order[i] !== id) {
      out.push({ kind: 'move_rule', rule: id, position: i });
      order.splice(order.indexOf(id), 1);
      order.splice(i, 0, id);
    }
  });
  after.rules.forEach((r, i) => {
    if (!kept(r)) out.push({ kind: 'add_rule', rule: json(r), position: i });
  });

  if (!same(before.prerequisites, after.prerequisites)) {
    out.push({ kind: 'set_prerequisites', prerequisites: json(after.prerequisites) });
  }
  return out;
}
