import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessions } from '../../api';
import { renderRoute } from '../../test/render';
import ReleasePlanPage from './ReleasePlanPage';

vi.mock('../../app/live', () => ({ useLiveEvents: () => {} }));

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const draft = {
  id: 7,
  flag: 'checkout',
  environment: 'production',
  treatment: 'on',
  control: 'off',
  steps: [1, 5, 100].map((percent) => ({ percent, min_duration_seconds: 600, min_exposures: 100 })),
  guardrails: [],
  alpha: 0.05,
  planned_exposures: 10000,
  state: 'draft',
  step: 0,
  author: 'user:ada@example.com',
  version: 1,
  created_at: '2026-11-30T10:00:00Z',
  updated_at: '2026-11-30T10:00:00Z',
};
const requested = { ...draft, version: 2, change_request_id: 12, reason: 'start requested by user:ada@example.com; waiting for change request 12' };
const entry = (id: number, action: string, after: unknown) => ({
  id,
  at: '2026-11-30T10:00:00Z',
  actor: 'user:ada@example.com',
  action,
  resource_type: 'release_plan',
  resource_key: 'default/checkout/production/7',
  project: 'default',
  environment: 'production',
  before: null,
  after,
});

let current: typeof draft | typeof requested = draft;
const calls: string[] = [];

beforeEach(() => {
  current = draft;
  calls.length = 0;
  sessions.set({
    token: 't',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u', email: 'ada@example.com', name: 'A', role: 'editor', disabled: false, version: 1, created_at: '', updated_at: '' },
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      const path = String(url);
      const method = init?.method ?? 'GET';
      calls.push(`${method} ${path}`);
      const plan = '/api/v1/projects/default/flags/checkout/environments/production/release-plan';
      if (method === 'GET' && path === plan) return json(current, 200, { ETag: `"${current.version}"` });
      if (method === 'POST' && path === `${plan}/start`) {
        // The environment requires approval: a change request holds the start.
        current = requested;
        return json(requested, 202, { ETag: '"2"' });
      }
      if (path.startsWith('/api/v1/audit?')) {
        return json({ items: current === requested ? [entry(2, 'release_plan.request_start', requested), entry(1, 'release_plan.create', draft)] : [entry(1, 'release_plan.create', draft)] });
      }
      if (path === '/api/v1/projects/default/change-requests/12') return json({ id: 12, state: 'open', flag: 'checkout', environment: 'production' });
      throw new Error(`unexpected request ${method} ${path}`);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  sessions.set(null);
});

describe('starting a plan where approval is required', () => {
  it('after the 202, disables Start with the reason, links the change request and words the log', async () => {
    renderRoute('/p/:project/flags/:flag/release-plan/:env', '/p/default/flags/checkout/release-plan/production', <ReleasePlanPage />);
    await userEvent.click(await screen.findByTestId('plan-start'));
    await userEvent.click(await screen.findByTestId('plan-confirm'));
    await waitFor(() => expect(screen.getByTestId('plan-start')).toBeDisabled());
    expect(calls).toContain('POST /api/v1/projects/default/flags/checkout/environments/production/release-plan/start');
    expect(screen.getByTestId('plan-state')).toHaveTextContent('Draft');
    expect(screen.getByTestId('plan-start-reason')).toHaveTextContent('waiting for approval');
    expect(await screen.findByTestId('plan-start-request')).toHaveTextContent('Waiting for approval');
    expect(screen.getByTestId('plan-change-request')).toHaveAttribute('href', '/p/default/change-requests?state=all&id=12');
    const row = await screen.findByText('Start requested, waiting for approval');
    expect(within(screen.getByTestId('decision-log')).queryByText('release_plan.request_start')).not.toBeInTheDocument();
    expect(row).toBeInTheDocument();
    expect(screen.getByTestId('decision-change-request')).toHaveAttribute('href', '/p/default/change-requests?state=all&id=12');
  });
});
