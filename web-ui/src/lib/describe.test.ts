import { describe, expect, it } from 'vitest';
import { describeValue } from './describe';

describe('readable configuration parts', () => {
  it('shows a whole rule: description, every condition and its serve', () => {
    const rule = {
      description: 'Germany and France on pro',
      conditions: [
        { attribute: 'country', op: 'in', values: ['DE', 'FR'], negate: false },
        { attribute: 'plan', op: 'starts_with', values: ['pro'], negate: true },
      ],
      serve: { rollout: { bucket_by: 'account', weights: [{ variant: 'on', weight: 33333 }, { variant: 'off', weight: 66667 }] } },
    };
    expect(describeValue(rule)).toEqual([
      '“Germany and France on pro”',
      'if country is one of DE, FR',
      'and NOT plan starts with pro',
      'serve a rollout: on 33.333 %, off 66.667 % (by account)',
    ]);
    expect(describeValue({ id: 'r1', conditions: [], serve: { variant: 'on' } })).toEqual(['always (no conditions)', 'serve on']);
  });

  it('shows serves, targets, prerequisites, weights and segment rules', () => {
    expect(describeValue({ variant: 'off' })).toEqual(['serve off']);
    expect(describeValue({ variant: 'on', keys: ['u1', 'u2'] })).toEqual(['u1, u2 → on']);
    expect(describeValue({ flag: 'login', variant: 'on' })).toEqual(['login must serve on']);
    expect(describeValue({ variant: 'on', weight: 12500 })).toEqual(['on 12.5 %']);
    expect(describeValue({ conditions: [{ attribute: 'email', op: 'ends_with', values: ['@acme.com'], negate: false }] })).toEqual(['if email ends with @acme.com']);
    expect(describeValue([{ flag: 'a', variant: 'on' }, { flag: 'b', variant: 'off' }])).toEqual(['a must serve on', 'b must serve off']);
  });

  it('leaves what it does not know to JSON', () => {
    expect(describeValue('x')).toBeUndefined();
    expect(describeValue({ op: 'equals', attribute: 'a', values: [] })).toBeUndefined();
    expect(describeValue({ key: 'on', value: true })).toBeUndefined();
    expect(describeValue([])).toBeUndefined();
  });
});
