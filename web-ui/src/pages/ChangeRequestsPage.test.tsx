import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessions } from '../api';
import type { ChangeRequestWithDiff } from '../api/types';
import ChangeRequestsPage from './ChangeRequestsPage';

vi.mock('../app/live', () => ({ useLiveEvents: () => {} }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const config = { enabled: false, off_variant: 'off', targets: [], rules: [], default: { variant: 'on' }, prerequisites: [], version: 4 };

function request(state: 'open' | 'applied'): ChangeRequestWithDiff {
  return {
    id: 7,
    flag: 'checkout',
    environment: 'production',
    title: 'Launch the new checkout',
    patch: { instructions: [{ kind: 'turn_on' }] },
    base_version: 4,
    author: 'user:ada@example.com',
    state,
    required_approvals: 1,
    approvals: state === 'applied' ? [{ actor: 'user:owner@example.com', at: '2026-01-01T00:00:00Z' }] : [],
    comments: [{ id: 1, actor: 'user:bob@example.com', body: 'why now?', at: '2026-01-01T00:00:00Z' }],
    version: 1,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    diff: { before: config, after: { ...config, enabled: true } },
  };
}

let approved = false;
const calls: string[] = [];

beforeEach(() => {
  approved = false;
  calls.length = 0;
  sessions.set({
    token: 't',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u', email: 'owner@example.com', name: 'O', role: 'owner', disabled: false, version: 1, created_at: '', updated_at: '' },
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      const path = String(url);
      calls.push(`${init?.method ?? 'GET'} ${path}`);
      const cr = request(approved ? 'applied' : 'open');
      if (path.startsWith('/api/v1/projects/default/change-requests?')) return json({ items: [cr] });
      if (path === '/api/v1/projects/default/change-requests/7') return json(cr);
      if (path === '/api/v1/projects/default/change-requests/7/approve') {
        approved = true;
        return json(request('applied'));
      }
      throw new Error(`unexpected request ${path}`);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  sessions.set(null);
});

function renderAt(entry: string) {
  const router = createMemoryRouter([{ path: '/p/:project/change-requests', element: <ChangeRequestsPage /> }], {
    initialEntries: [entry],
  });
  return render(
    <MantineProvider env="test">
      <Notifications />
      <RouterProvider router={router} />
    </MantineProvider>,
  );
}

describe('the change-request inbox', () => {
  it('lists open requests and shows one with its diff and comments', async () => {
    renderAt('/p/default/change-requests');
    await userEvent.click(await screen.findByRole('button', { name: 'Launch the new checkout' }));
    const detail = await screen.findByTestId('change-request');
    expect(within(detail).getByText(/why now\?/)).toBeInTheDocument();
    expect(within(detail).getByText(/Approvals 0 of 1/)).toBeInTheDocument();
    expect(within(detail).getByText('enabled', { exact: false })).toBeInTheDocument();
    expect(calls).toContain('GET /api/v1/projects/default/change-requests?state=open');
  });

  it('approves a request and shows it applied', async () => {
    renderAt('/p/default/change-requests?id=7');
    const detail = await screen.findByTestId('change-request');
    await userEvent.click(within(detail).getByRole('button', { name: 'Approve' }));
    expect(await within(detail).findByText('applied')).toBeInTheDocument();
    expect(calls).toContain('POST /api/v1/projects/default/change-requests/7/approve');
    expect(within(detail).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
  });

  it('opens the request a release plan links to (all states, that id)', async () => {
    renderAt('/p/default/change-requests?state=all&id=7');
    expect(await screen.findByTestId('change-request')).toBeInTheDocument();
    expect(calls).toContain('GET /api/v1/projects/default/change-requests');
  });

  it('says the project has no change requests under "all", not "No all change requests"', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json({ items: [] })),
    );
    renderAt('/p/default/change-requests?state=all');
    expect(await screen.findByText('No change requests yet')).toBeInTheDocument();
    expect(screen.queryByText(/No all/)).not.toBeInTheDocument();
  });
});
