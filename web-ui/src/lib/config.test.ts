import { describe, expect, it } from 'vitest';
import type { FlagConfig } from '../api/types';
import { deepEqual, normalizeConfig, toConfigBody, unknownVariants } from './config';
import { diffJson, preview } from './diff';

const base: FlagConfig = {
  enabled: false,
  off_variant: 'off',
  targets: [],
  rules: [{ id: 'r1', conditions: [{ attribute: 'country', op: 'in', values: ['DE'], negate: false }], serve: { variant: 'on' } }],
  default: { variant: 'off' },
  prerequisites: [],
};

describe('equality and bodies', () => {
  it('ignores key order and undefined fields', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: null }, { a: undefined })).toBe(false);
  });

  it('normalises serve and drops empty targets and record fields', () => {
    const record = {
      ...base,
      flag: 'f',
      environment: 'prod',
      version: 4,
      updated_at: 'x',
      targets: [{ variant: 'on', keys: [] }],
      default: { rollout: { bucket_by: 'key', weights: [{ variant: 'on', weight: 100000 }] } },
    } as FlagConfig;
    expect(toConfigBody(record)).toEqual({ ...base, default: { rollout: { weights: [{ variant: 'on', weight: 100000 }] } } });
    expect(normalizeConfig(record)).not.toHaveProperty('version');
  });

  it('drops the attribute of in_segment conditions', () => {
    const c = normalizeConfig({ ...base, rules: [{ conditions: [{ attribute: 'x', op: 'in_segment', values: ['beta'], negate: false }], serve: { variant: 'on' } }] });
    expect(c.rules[0].conditions[0].attribute).toBe('');
    expect(c.rules[0]).not.toHaveProperty('id');
  });

  it('finds variants a configuration uses that the flag lacks', () => {
    expect(unknownVariants(base, ['on', 'off'])).toEqual([]);
    expect(unknownVariants(base, ['on'])).toEqual(['off']);
  });
});

describe('diff', () => {
  it('lists changed leaves with readable paths', () => {
    const after = { ...base, enabled: true, rules: [{ ...base.rules[0], conditions: [{ ...base.rules[0].conditions[0], values: ['DE', 'FR'] }] }] };
    expect(diffJson(base as never, after as never)).toEqual([
      { path: 'enabled', kind: 'changed', before: false, after: true },
      { path: 'rules[0] (r1).conditions[0].values', kind: 'changed', before: ['DE'], after: ['DE', 'FR'] },
    ]);
  });

  it('matches rules by id: moves, additions and removals', () => {
    const r2 = { id: 'r2', conditions: [], serve: { variant: 'off' } };
    const r3 = { id: 'r3', conditions: [], serve: { variant: 'on' } };
    const before = { rules: [base.rules[0], r2] };
    const after = { rules: [r2, base.rules[0], r3] };
    const d = diffJson(before as never, after as never);
    expect(d.map((c) => [c.path, c.kind])).toEqual([
      ['rules[0] (r2)', 'moved'],
      ['rules[1] (r1)', 'moved'],
      ['rules[2] (r3)', 'added'],
    ]);
    expect(diffJson(after as never, before as never).find((c) => c.kind === 'removed')?.path).toBe('rules[2] (r3)');
  });

  it('shows a new rule among saved ones as one addition, not as every rule changed', () => {
    const r2 = { id: 'r2', conditions: [], serve: { variant: 'off' } };
    const fresh = { conditions: [], serve: { variant: 'on' } };
    const d = diffJson({ rules: [base.rules[0], r2] } as never, { rules: [fresh, base.rules[0], r2] } as never);
    expect(d).toEqual([{ path: 'rules[0]', kind: 'added', after: fresh }]);
  });

  it('lists new rules without ids by position', () => {
    const d = diffJson({ rules: [] } as never, { rules: [{ conditions: [], serve: { variant: 'on' } }] } as never);
    expect(d).toEqual([{ path: 'rules[0]', kind: 'added', after: { conditions: [], serve: { variant: 'on' } } }]);
  });

  it('labels rollout weights by variant and shows them as percentages', () => {
    const w = (on: number) => ({ default: { rollout: { weights: [{ variant: 'on', weight: on }, { variant: 'off', weight: 100000 - on }] } } });
    const d = diffJson(w(30000) as never, w(45000) as never);
    expect(d.map((c) => c.path)).toEqual(['default.rollout.weights[0] (on).weight', 'default.rollout.weights[1] (off).weight']);
    expect(preview(d[0].before, 120, d[0].path)).toBe('30 % (30000)');
    expect(preview(d[1].after, 120, d[1].path)).toBe('55 % (55000)');
    expect(preview(30000, 120, 'rules[0].id')).toBe('30000');
  });

  it('skips ignored top-level keys and handles creation', () => {
    expect(diffJson({ version: 1, updated_at: 'a', x: 1 }, { version: 2, updated_at: 'b', x: 1 }, { ignore: ['version', 'updated_at'] })).toEqual([]);
    expect(diffJson({}, { key: 'f', tags: ['a'] })).toEqual([
      { path: 'key', kind: 'added', after: 'f' },
      { path: 'tags', kind: 'added', after: ['a'] },
    ]);
  });
});
