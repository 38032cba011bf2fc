import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessions } from '../api';
import { renderRoute } from '../test/render';
import AuditPage from './AuditPage';

vi.mock('../app/live', () => ({ useLiveEvents: () => {} }));

const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

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
      if (path.startsWith('/api/v1/projects/default/environments')) return ok({ items: [] });
      if (path.startsWith('/api/v1/audit')) return ok({ items: [] });
      throw new Error(`unexpected request ${path}`);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  sessions.set(null);
});

describe('the audit log when nothing matches', () => {
  it('names the filters that left nothing', async () => {
    renderRoute('/audit', '/audit?resource_type=release_plan&actor=user:bob@example.com', <AuditPage />, 'default');
    expect(await screen.findByText('No entries match these filters')).toBeInTheDocument();
    expect(screen.getByText('No audit entry on release plan resources, by user:bob@example.com. Change or clear the filters.')).toBeInTheDocument();
  });
});
