import { describe, expect, it } from 'vitest';
import type { FlagConfig, Rule } from '../api/types';
import { configPatch } from './patch';

const rule = (id: string | undefined, variant = 'on'): Rule => ({ ...(id ? { id } : {}), conditions: [], serve: { variant } });
const base: FlagConfig = {
  enabled: false,
  off_variant: 'off',
  targets: [{ variant: 'on', keys: ['a', 'b'] }],
  rules: [rule('r1'), rule('r2'), rule('r3')],
  default: { variant: 'off' },
  prerequisites: [],
};

describe('configPatch', () => {
  it('says nothing when nothing changed', () => {
    expect(configPatch(base, structuredClone(base))).toEqual([]);
  });

  it('turns on, changes the off variant and the default', () => {
    const after = { ...base, enabled: true, off_variant: 'on', default: { variant: 'on' } };
    expect(configPatch(base, after)).toEqual([
      { kind: 'turn_on' },
      { kind: 'set_off_variant', variant: 'on' },
      { kind: 'set_default', serve: { variant: 'on' } },
    ]);
  });

  it('removes targets before adding them, so a key can move between variants', () => {
    const after = { ...base, targets: [{ variant: 'on', keys: ['a'] }, { variant: 'off', keys: ['b', 'c'] }] };
    expect(configPatch(base, after)).toEqual([
      { kind: 'remove_targets', variant: 'on', keys: ['b'] },
      { kind: 'add_targets', variant: 'off', keys: ['b', 'c'] },
    ]);
  });

  it('addresses rules by id: removes, replaces, reorders, then adds at the final position', () => {
    const after = { ...base, rules: [rule('r3'), rule(undefined, 'off'), rule('r1', 'off')] };
    expect(configPatch(base, after)).toEqual([
      { kind: 'remove_rule', rule: 'r2' },
      { kind: 'replace_rule', rule: rule('r1', 'off') },
      { kind: 'move_rule', rule: 'r3', position: 0 },
      { kind: 'add_rule', rule: rule(undefined, 'off'), position: 1 },
    ]);
  });

  it('sets the prerequisites as a whole', () => {
    const after = { ...base, prerequisites: [{ flag: 'other', variant: 'on' }] };
    expect(configPatch(base, after)).toEqual([{ kind: 'set_prerequisites', prerequisites: [{ flag: 'other', variant: 'on' }] }]);
  });
});
