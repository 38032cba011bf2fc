import { describe, expect, it } from 'vitest';
import type { FlagConfig, Rule, SegmentBody } from '../api/types';
import { mergeConfig, mergeSegment, merge3, SETTINGS_MERGE } from './merge';

const rule = (id: string, country: string, variant = 'on'): Rule => ({
  id,
  conditions: [{ attribute: 'country', op: 'in', values: [country], negate: false }],
  serve: { variant },
});

const base: FlagConfig = {
  enabled: false,
  off_variant: 'off',
  targets: [{ variant: 'on', keys: ['u1'] }],
  rules: [rule('r1', 'DE'), rule('r2', 'FR'), rule('r3', 'IT')],
  default: { variant: 'off' },
  prerequisites: [],
};

const withRules = (c: FlagConfig, rules: Rule[]): FlagConfig => ({ ...c, rules });

describe('three-way merge of a flag configuration', () => {
  it('keeps a teammate’s edit of another rule when re-applying mine', () => {
    const mine = withRules(base, [rule('r1', 'AT'), base.rules[1], base.rules[2]]);
    const theirs = withRules(base, [base.rules[0], base.rules[1], rule('r3', 'IT', 'off')]);
    const r = mergeConfig(base, mine, theirs);
    expect(r.merged.rules).toEqual([rule('r1', 'AT'), base.rules[1], rule('r3', 'IT', 'off')]);
    expect(r.conflicts).toEqual([]);
    expect(r.applied).toEqual(['Rule r1: conditions']);
  });

  it('merges one rule field by field: their serve and my conditions', () => {
    const mine = withRules(base, [rule('r1', 'AT'), ...base.rules.slice(1)]);
    const theirs = withRules(base, [rule('r1', 'DE', 'off'), ...base.rules.slice(1)]);
    expect(mergeConfig(base, mine, theirs).merged.rules[0]).toEqual(rule('r1', 'AT', 'off'));
  });

  it('reports a part both changed differently, keeps mine, and takes theirs on request', () => {
    const mine = withRules(base, [rule('r1', 'AT'), ...base.rules.slice(1)]);
    const theirs = withRules(base, [rule('r1', 'CH'), ...base.rules.slice(1)]);
    const r = mergeConfig(base, mine, theirs);
    expect(r.conflicts).toEqual([
      {
        id: '/rules/id:r1/conditions',
        label: 'Rule r1: conditions',
        mine: 'changed',
        theirs: 'changed',
        mineValue: rule('r1', 'AT').conditions,
        theirsValue: rule('r1', 'CH').conditions,
        kept: 'mine',
      },
    ]);
    expect(r.merged.rules[0]).toEqual(rule('r1', 'AT'));
    const t = mergeConfig(base, mine, theirs, { takeTheirs: new Set(['/rules/id:r1/conditions']) });
    expect(t.merged.rules[0]).toEqual(rule('r1', 'CH'));
    expect(t.conflicts[0].kept).toBe('theirs');
  });

  it('is not a conflict when both made the same change', () => {
    const same = withRules(base, [rule('r1', 'AT'), ...base.rules.slice(1)]);
    expect(mergeConfig(base, same, same).conflicts).toEqual([]);
  });

  it('adds my new rules where I put them and keeps rules they added', () => {
    const mine = withRules(base, [{ conditions: [], serve: { variant: 'on' } }, ...base.rules]);
    const theirs = withRules(base, [...base.rules, rule('r4', 'ES')]);
    const r = mergeConfig(base, mine, theirs);
    expect(r.merged.rules.map((x) => x.id ?? 'new')).toEqual(['new', 'r1', 'r2', 'r3', 'r4']);
    expect(r.applied).toEqual(['New rule']);
  });

  it('inserts their new rule after the rule that precedes it', () => {
    const mine = withRules(base, [base.rules[0], rule('r2', 'BE'), base.rules[2]]);
    const theirs = withRules(base, [base.rules[0], rule('r9', 'NL'), base.rules[1], base.rules[2]]);
    expect(mergeConfig(base, mine, theirs).merged.rules.map((x) => x.id)).toEqual(['r1', 'r9', 'r2', 'r3']);
  });

  it('deletes: mine applies when they did not touch the rule; their edit of a rule I deleted is a conflict', () => {
    const mine = withRules(base, [base.rules[0], base.rules[2]]);
    expect(mergeConfig(base, mine, base).merged.rules.map((x) => x.id)).toEqual(['r1', 'r3']);
    const theirs = withRules(base, [base.rules[0], rule('r2', 'FR', 'off'), base.rules[2]]);
    const r = mergeConfig(base, mine, theirs);
    expect(r.merged.rules.map((x) => x.id)).toEqual(['r1', 'r3']);
    expect(r.conflicts.map((c) => [c.label, c.mine, c.theirs])).toEqual([['Rule r2', 'deleted', 'changed']]);
    const kept = mergeConfig(base, mine, theirs, { takeTheirs: new Set([r.conflicts[0].id]) });
    expect(kept.merged.rules.map((x) => x.id)).toEqual(['r1', 'r2', 'r3']);
  });

  it('keeps a rule they deleted deleted unless I changed it', () => {
    const theirs = withRules(base, [base.rules[0], base.rules[2]]);
    const mine = { ...base, off_variant: 'on' };
    expect(mergeConfig(base, mine, theirs).merged.rules.map((x) => x.id)).toEqual(['r1', 'r3']);
  });

  it('takes my reordering and theirs, and reports two different reorderings', () => {
    const [r1, r2, r3] = base.rules;
    const mine = withRules(base, [r3, r1, r2]);
    const theirs = withRules(base, [r1, r2, rule('r3', 'IT', 'off')]);
    expect(mergeConfig(base, mine, theirs).merged.rules).toEqual([rule('r3', 'IT', 'off'), r1, r2]);
    expect(mergeConfig(base, base, withRules(base, [r2, r1, r3])).merged.rules.map((x) => x.id)).toEqual(['r2', 'r1', 'r3']);
    const r = mergeConfig(base, mine, withRules(base, [r2, r1, r3]));
    expect(r.conflicts.map((c) => c.label)).toEqual(['Order of the rules']);
    expect(r.merged.rules.map((x) => x.id)).toEqual(['r3', 'r1', 'r2']);
    const t = mergeConfig(base, mine, withRules(base, [r2, r1, r3]), { takeTheirs: new Set([r.conflicts[0].id]) });
    expect(t.merged.rules.map((x) => x.id)).toEqual(['r2', 'r1', 'r3']);
  });

  it('merges the keys of a target as a set and targets by variant', () => {
    const mine = { ...base, targets: [{ variant: 'on', keys: ['u1', 'u2'] }] };
    const theirs = { ...base, targets: [{ variant: 'on', keys: ['u0', 'u1'] }, { variant: 'off', keys: ['u9'] }] };
    const r = mergeConfig(base, mine, theirs);
    expect(r.merged.targets).toEqual([{ variant: 'on', keys: ['u0', 'u1', 'u2'] }, { variant: 'off', keys: ['u9'] }]);
    expect(r.conflicts).toEqual([]);
    const removed = mergeConfig(base, { ...base, targets: [] }, theirs);
    expect(removed.merged.targets).toEqual([{ variant: 'on', keys: ['u0'] }, { variant: 'off', keys: ['u9'] }]);
  });

  it('merges scalar fields and prerequisites independently', () => {
    const mine = { ...base, off_variant: 'on', prerequisites: [{ flag: 'a', variant: 'on' }] };
    const theirs = { ...base, enabled: true, default: { variant: 'on' }, prerequisites: [{ flag: 'b', variant: 'off' }] };
    const r = mergeConfig(base, mine, theirs);
    expect(r.merged).toEqual({ ...base, enabled: true, off_variant: 'on', default: { variant: 'on' }, prerequisites: [{ flag: 'a', variant: 'on' }, { flag: 'b', variant: 'off' }] });
    expect(r.conflicts).toEqual([]);
    const c = mergeConfig(base, { ...base, default: { variant: 'on' } }, { ...base, default: { rollout: { weights: [{ variant: 'on', weight: 100000 }] } } });
    expect(c.conflicts.map((x) => x.label)).toEqual(['Default serve']);
  });

  it('changes nothing of theirs when I changed nothing', () => {
    const theirs = withRules({ ...base, enabled: true }, [rule('r9', 'NL')]);
    const r = mergeConfig(base, base, theirs);
    expect(r.merged).toEqual(theirs);
    expect(r.applied).toEqual([]);
  });
});

describe('three-way merge of segments and flag settings', () => {
  const seg: SegmentBody = { name: 'Beta', description: '', included: ['a', 'b'], excluded: [], rules: [{ id: 's1', conditions: [] }] };

  it('merges included keys as sets and rules by id', () => {
    const mine = { ...seg, included: ['a', 'b', 'c'] };
    const theirs = { ...seg, included: ['b'], rules: [...seg.rules, { id: 's2', conditions: [] }] };
    const r = mergeSegment(seg, mine, theirs);
    expect(r.merged).toEqual({ ...seg, included: ['b', 'c'], rules: [{ id: 's1', conditions: [] }, { id: 's2', conditions: [] }] });
  });

  it('merges tags as a set and variants by key', () => {
    const s = { name: 'F', tags: ['a'], variants: [{ key: 'on', value: 'true' }, { key: 'off', value: 'false' }] };
    const mine = { ...s, tags: ['a', 'mine'], variants: [{ key: 'on', value: 'true', name: 'On' }, s.variants[1]] };
    const theirs = { ...s, name: 'Feature', tags: ['a', 'theirs'] };
    const r = merge3(SETTINGS_MERGE, s, mine, theirs);
    expect(r.merged).toEqual({ name: 'Feature', tags: ['a', 'theirs', 'mine'], variants: mine.variants });
    expect(r.conflicts).toEqual([]);
  });
});
