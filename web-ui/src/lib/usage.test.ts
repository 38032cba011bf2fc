import { describe, expect, it } from 'vitest';
import { usageRows } from './usage';

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
