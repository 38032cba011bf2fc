import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessions } from '../api';
import { ProjectProvider } from '../app/project';
import TokensPage from './TokensPage';

vi.mock('../app/live', () => ({ useLiveEvents: () => {} }));

const revoked = {
  id: 'tok1',
  name: 'old ci',
  role: 'editor',
  effective_role: 'editor',
  prefix: 'vx_api_ab',
  created_by: 'user:ada@example.com',
  created_at: '2026-01-01T00:00:00Z',
  revoked_at: '2026-02-01T00:00:00Z',
};

beforeEach(() => {
  sessions.set({
    token: 't',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u', email: 'ada@example.com', name: 'A', role: 'admin', disabled: false, version: 1, created_at: '', updated_at: '' },
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL | Request) => {
      const path = String(url);
      if (path.startsWith('/api/v1/projects/default/environments')) return new Response(JSON.stringify({ items: [] }), { status: 200, headers: { 'Content-Type': 'application/json' } });
      if (path.startsWith('/api/v1/tokens')) return new Response(JSON.stringify({ items: [revoked] }), { status: 200, headers: { 'Content-Type': 'application/json' } });
      throw new Error(`unexpected request ${path}`);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  sessions.set(null);
});

describe('the API tokens list', () => {
  it('says the tokens are revoked and hidden rather than that there are none', async () => {
    render(
      <MantineProvider env="test">
        <MemoryRouter>
          <ProjectProvider project="default" projects={[]}>
            <TokensPage />
          </ProjectProvider>
        </MemoryRouter>
      </MantineProvider>,
    );
    expect(await screen.findByText('No live API tokens')).toBeInTheDocument();
    expect(screen.getByText(/1 revoked token is hidden/)).toBeInTheDocument();
    expect(screen.queryByText('No API tokens')).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Show revoked'));
    expect(await screen.findByText('old ci')).toBeInTheDocument();
  });
});
