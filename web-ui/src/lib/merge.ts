// Three-way merge of documents (flag configurations, segments, flag settings): re-applies
// only what I changed since the version I loaded (`base` → `mine`) on top of a newer
// version (`theirs`), part by part, so that a teammate's edit of another part survives.
// Lists with identities (rules by id, targets by variant, prerequisites by flag) merge
// item by item and keep the order changes of whoever made one; lists of plain values
// (context keys, tags) merge as sets. A part both sides changed differently is a
// conflict: mine is kept unless the caller asks for theirs, and it is reported.

import type { FlagConfig, JsonValue, SegmentBody } from '../api/types';
import { clone, deepEqual } from './config';

type Doc = JsonValue | undefined;
type Obj = { [k: string]: JsonValue };

/** How one part of a document merges. */
export type MergeSpec =
  /** As one value: whoever changed it wins; both changed it differently is a conflict. */
  | { kind: 'value' }
  /** An array of plain values without order that matters: my additions and removals apply to theirs. */
  | { kind: 'set' }
  /** An object, field by field (fields not listed merge as values). */
  | { kind: 'fields'; fields: Record<string, MergeSpec>; labels?: Record<string, string> }
  /**
   * An ordered list of items with an identity. Items without one in `mine` are my new
   * items; if an item of `base` or `theirs` has none, the list merges as one value.
   */
  | {
      kind: 'list';
      key: (item: JsonValue) => string | undefined;
      item: MergeSpec;
      /** "Rule r1", "Targets of on". */
      label: (item: JsonValue, key: string) => string;
      /** "Order of the rules". */
      orderLabel: string;
      /**
       * What an absent item is, if absence is just an empty item (a target without keys):
       * then deleting it merges like emptying it, and merged items equal to it are dropped.
       */
      absent?: (key: string) => JsonValue;
      /** The order carries no meaning (targets): theirs is kept, my new items go last. */
      unordered?: boolean;
    };

export type Side = 'added' | 'changed' | 'deleted';

export interface MergeConflict {
  /** Stable within one merge: the part's path, e.g. `rules/id:r1/serve`. */
  id: string;
  /** For people: "Rule r1: serve". */
  label: string;
  /** What each side did to the part. */
  mine: Side;
  theirs: Side;
  /** The part as each side has it (absent when deleted). */
  mineValue?: JsonValue;
  theirsValue?: JsonValue;
  /** Whose version the merged document holds. */
  kept: 'mine' | 'theirs';
}

export interface MergeResult<T> {
  merged: T;
  conflicts: MergeConflict[];
  /** Labels of the parts where my change was re-applied. */
  applied: string[];
}

export interface MergeOptions {
  /** Conflict ids to resolve with their version instead of mine. */
  takeTheirs?: ReadonlySet<string>;
}

interface Ctx {
  takeTheirs: ReadonlySet<string>;
  conflicts: MergeConflict[];
  applied: string[];
}

function side(base: Doc, v: Doc): Side {
  if (base === undefined) return 'added';
  if (v === undefined) return 'deleted';
  return 'changed';
}

/** Whole-value three-way merge of one part. */
function mergeValue(b: Doc, m: Doc, t: Doc, id: string, label: string, ctx: Ctx): Doc {
  if (deepEqual(m, b)) return clone(t);
  if (deepEqual(t, b) || deepEqual(m, t)) {
    ctx.applied.push(label);
    return clone(m);
  }
  const kept = ctx.takeTheirs.has(id) ? 'theirs' : 'mine';
  ctx.conflicts.push({ id, label, mine: side(b, m), theirs: side(b, t), mineValue: clone(m), theirsValue: clone(t), kept });
  if (kept === 'mine') ctx.applied.push(label);
  return clone(kept === 'mine' ? m : t);
}

function asArray(v: Doc): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

function isObj(v: Doc): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeSet(b: Doc, m: Doc, t: Doc, label: string, ctx: Ctx): Doc {
  if (deepEqual(m, b)) return clone(t);
  const has = (list: JsonValue[], x: JsonValue) => list.some((y) => deepEqual(x, y));
  const bs = asArray(b);
  const ms = asArray(m);
  const removed = bs.filter((x) => !has(ms, x));
  const added = ms.filter((x) => !has(bs, x));
  const out = asArray(t).filter((x) => !has(removed, x));
  for (const x of added) if (!has(out, x)) out.push(x);
  if (added.length || removed.length) ctx.applied.push(label);
  return clone(out);
}

function mergeFields(spec: Extract<MergeSpec, { kind: 'fields' }>, b: Doc, m: Doc, t: Doc, id: string, label: string, ctx: Ctx): Doc {
  // An object one side removed or replaced by another type: merge as a value.
  if (!isObj(b) || !isObj(m) || !isObj(t)) return mergeValue(b, m, t, id, label, ctx);
  const out: Obj = {};
  const keys = [...new Set([...Object.keys(t), ...Object.keys(m), ...Object.keys(b)])];
  for (const k of keys) {
    const fieldLabel = spec.labels?.[k] ?? k.replace(/_/g, ' ');
    const v = mergePart(spec.fields[k] ?? { kind: 'value' }, b[k], m[k], t[k], `${id}/${k}`, label ? `${label}: ${fieldLabel}` : fieldLabel, ctx);
    if (v !== undefined) out[k] = v as JsonValue;
  }
  return out;
}

/** The relative order of `keys` in `list`. */
function orderOf(list: string[], keys: Set<string>): string[] {
  return list.filter((k) => keys.has(k));
}

function mergeList(spec: Extract<MergeSpec, { kind: 'list' }>, b: Doc, m: Doc, t: Doc, id: string, label: string, ctx: Ctx): Doc {
  const bl = asArray(b);
  const ml = asArray(m);
  const tl = asArray(t);
  const bk = bl.map(spec.key);
  const tk = tl.map(spec.key);
  if (bk.some((k) => k === undefined) || tk.some((k) => k === undefined) || new Set(bk).size !== bk.length || new Set(tk).size !== tk.length) {
    return mergeValue(b, m, t, id, label, ctx);
  }
  // My new items have no identity yet: give them one that cannot clash.
  const mk = ml.map((item, i) => spec.key(item) ?? `\u0000new:${i}`);
  if (new Set(mk).size !== mk.length) return mergeValue(b, m, t, id, label, ctx);
  const byB = new Map(bl.map((x, i) => [bk[i] as string, x]));
  const byM = new Map(ml.map((x, i) => [mk[i], x]));
  const byT = new Map(tl.map((x, i) => [tk[i] as string, x]));
  const bKeys = bk as string[];
  const tKeys = tk as string[];

  // Each item, merged.
  const merged = new Map<string, JsonValue>();
  for (const k of new Set([...tKeys, ...mk, ...bKeys])) {
    const any = (byM.get(k) ?? byT.get(k) ?? byB.get(k)) as JsonValue;
    const itemLabel = spec.label(any, k.startsWith('\u0000') ? '' : k);
    const empty = spec.absent?.(k);
    const v = mergePart(
      spec.item,
      byB.get(k) ?? empty,
      byM.get(k) ?? empty,
      byT.get(k) ?? empty,
      `${id}/${k.startsWith('\u0000') ? k.slice(1) : `id:${k}`}`,
      itemLabel,
      ctx,
    );
    if (v !== undefined && (empty === undefined || !deepEqual(v, empty))) merged.set(k, v as JsonValue);
  }

  // The order: a side that reordered the items it shares with the base wins; both
  // reordering differently is a conflict.
  const shared = (list: string[]) => new Set(list.filter((k) => byB.has(k)));
  const mineMoved = !spec.unordered && !deepEqual(orderOf(mk, shared(mk)), orderOf(bKeys, shared(mk)));
  const theirsMoved = !deepEqual(orderOf(tKeys, shared(tKeys)), orderOf(bKeys, shared(tKeys)));
  let primary = tKeys;
  let secondary = mk;
  if (mineMoved) {
    const common = new Set(mk.filter((k) => byB.has(k) && byT.has(k)));
    if (theirsMoved && !deepEqual(orderOf(mk, common), orderOf(tKeys, common))) {
      const orderId = `${id}/order`;
      const kept = ctx.takeTheirs.has(orderId) ? 'theirs' : 'mine';
      const named = (keys: string[]) => keys.filter((k) => !k.startsWith('\u0000'));
      ctx.conflicts.push({ id: orderId, label: spec.orderLabel, mine: 'changed', theirs: 'changed', mineValue: named(mk), theirsValue: tKeys, kept });
      if (kept === 'mine') [primary, secondary] = [mk, tKeys];
    } else {
      [primary, secondary] = [mk, tKeys];
    }
    if (primary === mk) ctx.applied.push(spec.orderLabel);
  }
  const out = primary.filter((k) => merged.has(k));
  if (spec.unordered) {
    for (const k of secondary) if (merged.has(k) && !out.includes(k)) out.push(k);
  }
  // Items only the other side has: after the item that precedes them there.
  let lastInserted = -1;
  let previous: string | undefined;
  for (const k of secondary) {
    if (!merged.has(k)) continue;
    if (out.includes(k)) {
      previous = k;
      lastInserted = -1;
      continue;
    }
    let at: number;
    if (lastInserted >= 0) at = lastInserted + 1;
    else if (previous !== undefined) at = out.indexOf(previous) + 1;
    else at = 0;
    out.splice(at, 0, k);
    lastInserted = at;
  }
  // Items the merge kept but neither list orders (not possible today): at the end.
  for (const k of merged.keys()) if (!out.includes(k)) out.push(k);
  return out.map((k) => merged.get(k) as JsonValue);
}

function mergePart(spec: MergeSpec, b: Doc, m: Doc, t: Doc, id: string, label: string, ctx: Ctx): Doc {
  switch (spec.kind) {
    case 'value':
      return mergeValue(b, m, t, id, label, ctx);
    case 'set':
      return mergeSet(b, m, t, label, ctx);
    case 'fields':
      return mergeFields(spec, b, m, t, id, label, ctx);
    case 'list':
      // An item list one side removed as a whole: merge as a value.
      if ((b !== undefined && !Array.isArray(b)) || (m !== undefined && !Array.isArray(m)) || (t !== undefined && !Array.isArray(t))) {
        return mergeValue(b, m, t, id, label, ctx);
      }
      return mergeList(spec, b, m, t, id, label, ctx);
  }
}

/**
 * Re-applies my edits (`base` → `mine`) on top of `theirs`, part by part as `spec`
 * says. Conflicts keep mine unless their id is in `options.takeTheirs`.
 */
export function merge3<T>(spec: MergeSpec, base: T, mine: T, theirs: T, options: MergeOptions = {}): MergeResult<T> {
  const ctx: Ctx = { takeTheirs: options.takeTheirs ?? new Set(), conflicts: [], applied: [] };
  const merged = mergePart(spec, base as Doc, mine as Doc, theirs as Doc, '', '', ctx) as T;
  return { merged, conflicts: ctx.conflicts, applied: [...new Set(ctx.applied)] };
}

const str = (v: JsonValue, field: string): string | undefined => {
  const x = isObj(v) ? v[field] : undefined;
  return typeof x === 'string' && x !== '' ? x : undefined;
};

const RULES: MergeSpec = {
  kind: 'list',
  key: (r) => str(r, 'id'),
  label: (r, key) => (key ? `Rule ${key}` : `New rule${str(r, 'description') ? ` "${str(r, 'description')}"` : ''}`),
  orderLabel: 'Order of the rules',
  item: { kind: 'fields', fields: {}, labels: { serve: 'serve', conditions: 'conditions' } },
};

/** Flag configurations: rules by id (conditions, serve and description each), targets by variant (keys as a set), prerequisites by flag. */
export const CONFIG_MERGE: MergeSpec = {
  kind: 'fields',
  labels: { enabled: 'On/off', off_variant: 'When off, serve', default: 'Default serve' },
  fields: {
    rules: RULES,
    targets: {
      kind: 'list',
      key: (t) => str(t, 'variant'),
      label: (t) => `Individual targets of ${str(t, 'variant') ?? '?'}`,
      orderLabel: 'Order of the individual targets',
      absent: (variant) => ({ variant, keys: [] }),
      unordered: true,
      item: { kind: 'fields', fields: { keys: { kind: 'set' } }, labels: { keys: 'keys' } },
    },
    prerequisites: {
      kind: 'list',
      key: (p) => str(p, 'flag'),
      label: (p) => `Prerequisite ${str(p, 'flag') ?? '?'}`,
      orderLabel: 'Order of the prerequisites',
      item: { kind: 'value' },
    },
  },
};

/** Segments: included and excluded keys as sets, rules by id. */
export const SEGMENT_MERGE: MergeSpec = {
  kind: 'fields',
  labels: { included: 'Included keys', excluded: 'Excluded keys', name: 'Name', description: 'Description' },
  fields: { included: { kind: 'set' }, excluded: { kind: 'set' }, rules: RULES },
};

/** A flag's settings: tags as a set, variants by key. */
export const SETTINGS_MERGE: MergeSpec = {
  kind: 'fields',
  labels: { name: 'Name', description: 'Description', tags: 'Tags', lifecycle: 'Lifecycle', client_visible: 'Client visibility', owner: 'Owner', links: 'Links', properties: 'Properties' },
  fields: {
    tags: { kind: 'set' },
    variants: {
      kind: 'list',
      key: (v) => str(v, 'key'),
      label: (v) => `Variant ${str(v, 'key') ?? '?'}`,
      orderLabel: 'Order of the variants',
      item: { kind: 'value' },
    },
  },
};

export function mergeConfig(base: FlagConfig, mine: FlagConfig, theirs: FlagConfig, options?: MergeOptions): MergeResult<FlagConfig> {
  return merge3(CONFIG_MERGE, base, mine, theirs, options);
}

export function mergeSegment(base: SegmentBody, mine: SegmentBody, theirs: SegmentBody, options?: MergeOptions): MergeResult<SegmentBody> {
  return merge3(SEGMENT_MERGE, base, mine, theirs, options);
}
