import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessions } from '../api';
import type { ScheduledChange } from '../api/types';
import ScheduledChangesPage from './ScheduledChangesPage';

vi.mock('../app/live', () => ({ useLiveEvents: () => {} }));

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

const change = (state: ScheduledChange['state'], extra: Partial<ScheduledChange> = {}): ScheduledChange => ({
  id: 3,
  flag: 'checkout',
  environment: 'production',
  patch: { instructions: [{ kind: 'turn_on' }] },
  run_at: '2030-01-01T09:00:00Z',
  state,
  author: 'user:ada@example.com',
  ran_late: false,
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  ...extra,
});

let cancelled = false;
const calls: string[] = [];

beforeEach(() => {
  cancelled = false;
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
      calls.push(`${init?.method ?? 'GET'} ${path}`);
      if (path === '/api/v1/projects/default/scheduled-changes?state=pending') return json({ items: cancelled ? [] : [change('pending')] });
      if (path === '/api/v1/projects/default/scheduled-changes/3/cancel') {
        cancelled = true;
        return json(change('cancelled'));
      }
      if (path === '/api/v1/projects/default/scheduled-changes') {
        return json({ items: [change('done', { ran_late: true, late_by_ms: 3_600_000, ran_at: '2030-01-01T10:00:00Z' })] });
      }
      throw new Error(`unexpected request ${path}`);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  sessions.set(null);
});

function renderPage() {
  const router = createMemoryRouter([{ path: '/p/:project/scheduled-changes', element: <ScheduledChangesPage /> }], {
    initialEntries: ['/p/default/scheduled-changes'],
  });
  return render(
    <MantineProvider env="test">
      <Notifications />
      <RouterProvider router={router} />
    </MantineProvider>,
  );
}

describe('the scheduled changes list', () => {
  it('cancels a pending change after asking', async () => {
    renderPage();
    const row = await screen.findByTestId('scheduled-3');
    expect(within(row).getByText('turn_on')).toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel it' }));
    expect(await screen.findByText('Nothing is scheduled')).toBeInTheDocument();
    expect(calls).toContain('POST /api/v1/projects/default/scheduled-changes/3/cancel');
  });

  it('marks a change that ran late', async () => {
    renderPage();
    await screen.findByTestId('scheduled-3');
    await userEvent.click(screen.getByText('all'));
    const row = await screen.findByTestId('scheduled-3');
    expect(await within(row).findByText('late')).toBeInTheDocument();
    expect(within(row).getByText('done')).toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
  });

  it('says the project has nothing scheduled under "all", not "No all scheduled changes"', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json({ items: [] })),
    );
    renderPage();
    expect(await screen.findByText('Nothing is scheduled')).toBeInTheDocument();
    await userEvent.click(screen.getByText('all'));
    expect(await screen.findByText('No scheduled changes yet')).toBeInTheDocument();
    expect(screen.queryByText(/No all/)).not.toBeInTheDocument();
  });
});
