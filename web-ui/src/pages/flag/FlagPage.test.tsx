import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessions } from '../../api';
import { renderRoute } from '../../test/render';
import FlagPage from './FlagPage';

vi.mock('../../app/live', () => ({ useLiveEvents: () => {} }));

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json', ...headers } });

// Issue 18's acceptance: the flag page shows the owner, the links, the applications that
// evaluate the flag and the metric chart.
const flag = {
  key: 'checkout',
  name: 'New checkout',
  description: '',
  kind: 'boolean',
  variants: [
    { key: 'on', value: true },
    { key: 'off', value: false },
  ],
  tags: [],
  lifecycle: 'temporary',
  salt: 's',
  client_visible: false,
  version: 1,
  archived: false,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  environments: { production: { enabled: true, version: 1 } },
  last_evaluated_at: '2026-11-30T10:00:00Z',
  stale: false,
  owner: 'team-payments',
  links: [{ url: 'https://issues.example.com/PAY-1', title: 'PAY-1', kind: 'issue' }],
  properties: {},
};
const at = new Date(Date.now() - 5 * 60_000).toISOString();

beforeEach(() => {
  sessions.set({
    token: 't',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u', email: 'ada@example.com', name: 'A', role: 'viewer', disabled: false, version: 1, created_at: '', updated_at: '' },
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL | Request) => {
      const path = String(url);
      const F = '/api/v1/projects/default/flags/checkout';
      if (path.startsWith('/api/v1/projects/default/environments')) return json({ items: [{ key: 'production', name: 'Production', position: 0 }] });
      if (path.startsWith('/api/v1/projects/default/segments')) return json({ items: [] });
      if (path === F) return json(flag, 200, { ETag: '"1"' });
      if (path === `${F}/code-references`) return json({ flag: 'checkout', total: 0, repositories: [] });
      if (path.startsWith(`${F}/environments/production/usage?`)) return json({ flag: 'checkout', environment: 'production', step_seconds: 3600, series: [{ variant: 'on', points: [{ at, count: 3 }] }] });
      if (path.startsWith(`${F}/environments/production/metrics?`))
        return json({
          flag: 'checkout',
          environment: 'production',
          step_seconds: 3600,
          events: [{ event: 'latency_ms', variants: [{ variant: 'on', count: 2, mean: 15, std_dev: 1, points: [{ at, count: 2, mean: 15 }] }] }],
        });
      if (path.startsWith(`${F}/applications?`)) return json({ applications: [{ name: 'checkout-api', version: '2.3.1', last_seen_at: at }] });
      if (path.endsWith('/release-plan')) return json({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no release plan' }, 404);
      return json({ type: 'about:blank', title: 'Not Found', status: 404, detail: `not served in this test: ${path}` }, 404);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  sessions.set(null);
});

describe('the flag page', () => {
  it('shows the owner, the links, the applications that evaluate the flag and the metric chart', async () => {
    renderRoute('/p/:project/flags/:flag/:tab', '/p/default/flags/checkout/usage', <FlagPage />, 'default');
    const metadata = await screen.findByLabelText('Flag metadata');
    expect(metadata).toHaveTextContent('Owner team-payments');
    expect(within(metadata).getByRole('link', { name: 'PAY-1' })).toHaveAttribute('href', 'https://issues.example.com/PAY-1');
    const apps = await screen.findByTestId('applications');
    expect(within(apps).getByText('checkout-api')).toBeInTheDocument();
    expect(within(apps).getByText('2.3.1')).toBeInTheDocument();
    expect(await screen.findByTestId('metric-chart')).toBeInTheDocument();
  });
});
