import { describe, expect, it } from 'vitest';
import { isCountEvent, metricLines, ratePerExposure, stepLabel, usageRows } from './usage';

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

describe('step labels of the usage and metric charts', () => {
  it('label the same hour bucket with the same time: its start, in the viewer’s zone', () => {
    const hour = '2026-11-30T10:00:00Z';
    const usage = { flag: 'f', environment: 'production', step_seconds: 3600, series: [{ variant: 'on', points: [{ at: hour, count: 5 }] }] };
    const { rows } = usageRows(usage as never, { hours: 24, now: Date.parse('2026-11-30T12:30:00Z') });
    const usageRow = rows.find((r) => r[`on`] === 5);
    const [line] = metricLines([{ variant: 'on', count: 1, mean: 3, std_dev: null, points: [{ at: '2026-11-30T10:00:00.000Z', count: 1, mean: 3 }] }], usage as never, false);
    expect(usageRow && stepLabel(usageRow.at)).toBe(stepLabel(line.points[0].at));
    // The bucket's start (10:00 UTC) in local time, not its end.
    const start = new Date(hour);
    const expected = new Date(hour).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    expect(stepLabel(hour)).toBe(expected);
    expect(stepLabel(hour)).not.toBe(stepLabel(new Date(start.getTime() + 3_600_000).toISOString()));
  });
});
