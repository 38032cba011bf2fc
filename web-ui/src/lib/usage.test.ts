import { describe, expect, it } from 'vitest';
import { isCountEvent, metricLines, ratePerExposure, usageRows } from './usage';

const hour = 3_600_000;
const now = Date.parse('2026-01-31T12:34:00Z');

describe('usage rows', () => {
  it('span the whole period with zeros where there is no data', () => {
    const u = {
      flag: 'f',
      environment: 'production',
      step_seconds: 3600,
      series: [
        { variant: 'on', points: [{ at: '2026-01-31T10:00:00.000Z', count: 3 }] },
        { variant: 'off', points: [{ at: '2026-01-31T12:00:00.000Z', count: 1 }] },
      ],
    };
    const r = usageRows(u, { hours: 24, now });
    expect(r.rows.length).toBe(25);
    expect(r.rows[0].at).toBe(new Date(Math.floor((now - 24 * hour) / hour) * hour).toISOString());
    expect(r.rows[r.rows.length - 1]).toEqual({ at: '2026-01-31T12:00:00.000Z', on: 0, off: 1 });
    expect(r.rows.find((x) => x.at === '2026-01-31T10:00:00.000Z')).toEqual({ at: '2026-01-31T10:00:00.000Z', on: 3, off: 0 });
    expect(r.total).toBe(4);
    expect(r.totals).toEqual([
      { variant: 'on', count: 3, share: 75 },
      { variant: 'off', count: 1, share: 25 },
    ]);
  });

  it('without a period, lists only the steps with data', () => {
    const u = { flag: 'f', environment: 'p', step_seconds: 60, series: [{ variant: 'on', points: [{ at: '2026-01-31T10:00:00.000Z', count: 2 }] }] };
    expect(usageRows(u).rows).toEqual([{ at: '2026-01-31T10:00:00.000Z', on: 2 }]);
  });
});

describe('metric read-out of count events', () => {
  const at1 = '2026-11-30T10:00:00.000Z';
  const at2 = '2026-11-30T10:01:00.000Z';
  const usage = {
    flag: 'checkout',
    environment: 'production',
    step_seconds: 60 as const,
    series: [
      { variant: 'on', points: [{ at: at1, count: 200 }, { at: at2, count: 100 }] },
      { variant: 'off', points: [{ at: at1, count: 1000 }] },
    ],
  };
  const errors = [
    { variant: 'on', count: 6, mean: 1, std_dev: 0, points: [{ at: at1, count: 4, mean: 1 }, { at: at2, count: 2, mean: 1 }] },
    { variant: 'off', count: 10, mean: 1, std_dev: 0, points: [{ at: at1, count: 10, mean: 1 }, { at: at2, count: 1, mean: 1 }] },
  ];

  it('tells a count (every value 1) from a numeric event', () => {
    expect(isCountEvent(errors)).toBe(true);
    expect(isCountEvent([{ count: 3, mean: 120, std_dev: 14 }])).toBe(false);
    // A single event of value 1 has no spread yet; a plan's rate guardrail settles it.
    expect(isCountEvent([{ count: 1, mean: 1, std_dev: null }])).toBe(true);
    expect(isCountEvent([{ count: 2, mean: 5, std_dev: 0 }], true)).toBe(true);
  });

  it('charts a count as events per exposure of the same variant and step, not the mean', () => {
    const lines = metricLines(errors, usage, true);
    expect(lines[0].points.map((p) => p.value)).toEqual([0.02, 0.02]);
    // No exposure of off reported in the second step: no rate, rather than an infinite one.
    expect(lines[1].points.map((p) => p.value)).toEqual([0.01, null]);
    expect(metricLines(errors, usage, false)[0].points.map((p) => p.value)).toEqual([1, 1]);
    expect(ratePerExposure(errors[0], usage)).toBe(6 / 300);
    expect(ratePerExposure(errors[0], usage, Date.parse(at2))).toBe(6 / 100);
    expect(ratePerExposure(errors[0], undefined)).toBeNull();
  });
});
