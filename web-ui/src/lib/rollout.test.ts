import { describe, expect, it } from 'vitest';
import {
  balance,
  bucketToPercent,
  describeSplit,
  evenSplit,
  isCompleteSplit,
  keepLayouts,
  MAX_RANGES,
  parsePercent,
  rangeCount,
  rangeOfBucket,
  remainder,
  rolloutAllTo,
  rolloutProblems,
  sameShares,
  splitSegments,
  sumWeights,
  TOTAL_WEIGHT,
  twoWaySplit,
  variantForBucket,
  variantShares,
  weightToPercent,
  withAllVariants,
} from './rollout';
import type { FlagConfig, Weight } from '../api/types';

describe('weightToPercent', () => {
  it.each([
    [0, '0'],
    [1, '0.001'],
    [10, '0.01'],
    [100, '0.1'],
    [12_500, '12.5'],
    [30_000, '30'],
    [33_333, '33.333'],
    [99_999, '99.999'],
    [100_000, '100'],
  ])('%i -> %s', (w, p) => expect(weightToPercent(w)).toBe(p));
});

describe('parsePercent', () => {
  it.each([
    ['30', 30_000],
    ['30.5', 30_500],
    ['0.001', 1],
    ['.5', 500],
    ['7.', 7_000],
    ['33,333', 33_333],
    ['100', 100_000],
    [' 12.25 % ', 12_250],
    ['0', 0],
  ])('%s -> %i', (text, w) => expect(parsePercent(text)).toEqual({ ok: true, weight: w }));

  it('round-trips every weight exactly (no float drift)', () => {
    for (let w = 0; w <= TOTAL_WEIGHT; w += 7) {
      const back = parsePercent(weightToPercent(w));
      expect(back).toEqual({ ok: true, weight: w });
    }
    // awkward float cases
    for (const text of ['0.1', '0.2', '0.3', '1.005', '4.35', '57.009', '99.999']) {
      const r = parsePercent(text);
      expect(r.ok && weightToPercent(r.weight)).toBe(text);
    }
  });

  it.each([
    ['', 'Enter a percentage'],
    ['abc', 'Not a number'],
    ['-5', 'Not a number'],
    ['1e3', 'Not a number'],
    ['.', 'Not a number'],
    ['0.0001', 'At most 3 decimals (0.001 % steps)'],
    ['100.001', 'At most 100 %'],
    ['250', 'At most 100 %'],
  ])('refuses %j', (text, error) => expect(parsePercent(text)).toEqual({ ok: false, error }));
});

describe('sums', () => {
  const w = [
    { variant: 'on', weight: 30_000 },
    { variant: 'off', weight: 60_000 },
  ];
  it('adds up and reports the remainder', () => {
    expect(sumWeights(w)).toBe(90_000);
    expect(remainder(w)).toBe(10_000);
    expect(isCompleteSplit(w)).toBe(false);
    expect(isCompleteSplit(twoWaySplit('on', 'off', 30_000))).toBe(true);
  });

  it('describes problems', () => {
    expect(rolloutProblems({ weights: w }, ['on', 'off'])).toEqual(['The split adds up to 90 %: 10 % is not allocated.']);
    expect(rolloutProblems({ weights: [{ variant: 'on', weight: 100_001 }] }, ['on'])).toEqual([
      'The split adds up to 100.001 %: 0.001 % too much.',
    ]);
    expect(rolloutProblems({ weights: [{ variant: 'x', weight: 100_000 }] }, ['on'])).toEqual(['Unknown variant "x".']);
    expect(rolloutProblems({ weights: twoWaySplit('on', 'off', 1) }, ['on', 'off'])).toEqual([]);
  });

  it('balances into one variant', () => {
    expect(balance(w, 1)).toEqual([
      { variant: 'on', weight: 30_000 },
      { variant: 'off', weight: 70_000 },
    ]);
    const over = [
      { variant: 'a', weight: 80_000 },
      { variant: 'b', weight: 50_000 },
    ];
    expect(balance(over, 1)).toEqual([
      { variant: 'a', weight: 80_000 },
      { variant: 'b', weight: 20_000 },
    ]);
    // not enough room in the chosen one: others give up the rest
    expect(sumWeights(balance(over, 1))).toBe(TOTAL_WEIGHT);
    const far = [
      { variant: 'a', weight: 90_000 },
      { variant: 'b', weight: 5_000 },
      { variant: 'c', weight: 30_000 },
    ];
    const fixed = balance(far, 1);
    expect(sumWeights(fixed)).toBe(TOTAL_WEIGHT);
    expect(fixed.every((x) => x.weight >= 0)).toBe(true);
    expect(fixed[1].weight).toBe(0);
  });

  it('splits evenly, exactly', () => {
    expect(evenSplit(['a', 'b', 'c'])).toEqual([
      { variant: 'a', weight: 33_334 },
      { variant: 'b', weight: 33_333 },
      { variant: 'c', weight: 33_333 },
    ]);
    for (let n = 1; n <= 13; n++) expect(sumWeights(evenSplit(Array.from({ length: n }, (_, i) => `v${i}`)))).toBe(TOTAL_WEIGHT);
  });

  it('keeps a row per variant', () => {
    expect(withAllVariants([{ variant: 'off', weight: 100_000 }], ['on', 'off'])).toEqual([
      { variant: 'on', weight: 0 },
      { variant: 'off', weight: 100_000 },
    ]);
    expect(rolloutAllTo('on', ['on', 'off']).weights).toEqual([
      { variant: 'on', weight: 100_000 },
      { variant: 'off', weight: 0 },
    ]);
  });
});

describe('split bar segments', () => {
  it('lays out non-zero weights in order', () => {
    const { segments, over, unallocated } = splitSegments(twoWaySplit('on', 'off', 30_000));
    expect(over).toBe(false);
    expect(unallocated).toBe(0);
    expect(segments.map((s) => [s.variant, s.start, s.width, s.label])).toEqual([
      ['on', 0, 30, 'on 30 %'],
      ['off', 30, 70, 'off 70 %'],
    ]);
  });

  it('shows the unallocated part', () => {
    const { segments, unallocated } = splitSegments([
      { variant: 'a', weight: 25_000 },
      { variant: 'b', weight: 0 },
    ]);
    expect(unallocated).toBe(75_000);
    expect(segments).toHaveLength(2);
    expect(segments[1]).toMatchObject({ variant: null, start: 25, width: 75 });
  });

  it('scales down when over 100 %', () => {
    const { segments, over } = splitSegments([
      { variant: 'a', weight: 100_000 },
      { variant: 'b', weight: 100_000 },
    ]);
    expect(over).toBe(true);
    expect(segments.map((s) => s.width)).toEqual([50, 50]);
  });

  it('describes the split', () => {
    expect(describeSplit(twoWaySplit('on', 'off', 1))).toBe('on 0.001 %, off 99.999 %');
  });
});

describe('buckets', () => {
  const w = twoWaySplit('on', 'off', 30_000);
  it('maps buckets to variants like the evaluator', () => {
    expect(variantForBucket(w, 0)).toBe('on');
    expect(variantForBucket(w, 29_999)).toBe('on');
    expect(variantForBucket(w, 30_000)).toBe('off');
    expect(variantForBucket(w, 99_999)).toBe('off');
    expect(bucketToPercent(29_999)).toBe('29.999');
  });
});

describe('layouts that name a variant more than once', () => {
  const w = (...pairs: [string, number][]): Weight[] => pairs.map(([variant, weight]) => ({ variant, weight }));
  const layout = w(['a', 20_000], ['c', 10_000], ['b', 40_000], ['c', 30_000]);

  it('sums each variant into its share', () => {
    expect(variantShares(layout)).toEqual(w(['a', 20_000], ['c', 40_000], ['b', 40_000]));
    expect(withAllVariants(layout, ['a', 'b', 'c', 'd'])).toEqual(w(['a', 20_000], ['b', 40_000], ['c', 40_000], ['d', 0]));
    expect(describeSplit(layout)).toBe('a 20 %, c 40 %, b 40 %');
    expect(rangeCount(layout)).toBe(4);
    expect(rangeCount(w(['a', 10], ['a', 0], ['a', 99_990]))).toBe(1);
  });

  it('compares shares whatever the order', () => {
    expect(sameShares(layout, w(['b', 40_000], ['c', 40_000], ['a', 20_000], ['d', 0]))).toBe(true);
    expect(sameShares(layout, w(['a', 20_000], ['b', 40_000], ['c', 40_001]))).toBe(false);
    expect(sameShares(layout, w(['a', 20_000], ['b', 80_000]))).toBe(false);
  });

  it('accepts repeated variants but bounds the number of ranges', () => {
    expect(rolloutProblems({ weights: layout }, ['a', 'b', 'c'])).toEqual([]);
    const many = Array.from({ length: MAX_RANGES + 1 }, (_, i) => ({ variant: i % 2 ? 'a' : 'b', weight: i === 0 ? TOTAL_WEIGHT - MAX_RANGES * 400 : 400 }));
    expect(rolloutProblems({ weights: many }, ['a', 'b'])).toEqual([`The rollout has ${MAX_RANGES + 1} ranges; at most ${MAX_RANGES} are allowed.`]);
    expect(rolloutProblems({ weights: w(['x', 50_000], ['x', 50_000]) }, ['a'])).toEqual(['Unknown variant "x".']);
  });

  it('finds the range a bucket falls into, as the evaluator walks it', () => {
    expect(rangeOfBucket(layout, 0)).toEqual({ variant: 'a', start: 0, end: 20_000 });
    expect(rangeOfBucket(layout, 29_999)).toEqual({ variant: 'c', start: 20_000, end: 30_000 });
    expect(rangeOfBucket(layout, 70_000)).toEqual({ variant: 'c', start: 70_000, end: 100_000 });
    expect(variantForBucket(layout, 25_000)).toBe('c');
  });

  it('gives rollouts whose shares are unchanged their stored layout back', () => {
    const config = (d: Weight[], r: Weight[], bucketBy?: string): FlagConfig => ({
      enabled: true,
      off_variant: 'a',
      targets: [],
      prerequisites: [],
      rules: [{ id: 'beta', conditions: [], serve: { rollout: { ...(bucketBy ? { bucket_by: bucketBy } : {}), weights: r } } }],
      default: { rollout: { weights: d } },
    });
    const base = config(layout, layout, 'company');
    // An editor that lists shares in variant order: nothing changed.
    const same = config(withAllVariants(layout, ['a', 'b', 'c']), withAllVariants(layout, ['a', 'b', 'c']), 'company');
    expect(keepLayouts(base, same)).toEqual(base);
    // Changed shares, or a changed bucket-by, are left for the server to fit.
    const edited = config(w(['a', 10_000], ['b', 50_000], ['c', 40_000]), withAllVariants(layout, ['a', 'b', 'c']), 'org');
    expect(keepLayouts(base, edited)).toEqual(edited);
  });
});
