import { MantineProvider } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessions } from '../api';
import type { Role, Webhook, WebhookDelivery } from '../api/types';
import { ProjectProvider } from '../app/project';
import WebhooksPage from './WebhooksPage';

const json = (body: unknown, status = 200) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const hook: Webhook = {
  id: 'w1',
  project: 'default',
  url: 'https://hooks.example.com/vexil',
  description: 'chat',
  event_types: ['flag_changes'],
  enabled: true,
  created_by: 'user:owner@example.com',
  created_at: '2026-11-30T06:00:00.000Z',
  updated_at: '2026-11-30T06:00:00.000Z',
};

const delivery: WebhookDelivery = {
  id: 7,
  webhook_id: 'w1',
  message_id: 'msg_1',
  category: 'flag_changes',
  event_type: 'flag_config.toggle',
  status: 'failed',
  attempts: 31,
  response_code: 503,
  latency_ms: 42,
  last_error: 'answered 503',
  response_excerpt: null,
  created_at: '2026-11-29T06:00:00.000Z',
  last_attempt_at: '2026-11-30T06:00:00.000Z',
  next_attempt_at: null,
  finished_at: '2026-11-30T06:00:00.000Z',
  redelivery_of: null,
};

type Call = { method: string; path: string; body: unknown };

function serve(): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      const path = String(url).split('?')[0];
      const method = init?.method ?? 'GET';
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      calls.push({ method, path, body });
      const base = '/api/v1/projects/default';
      if (path === `${base}/environments`) return json({ items: [] });
      if (path === `${base}/webhooks` && method === 'GET') return json({ items: [hook] });
      if (path === `${base}/webhooks` && method === 'POST')
        return json({ ...hook, id: 'w2', url: body.url, event_types: body.event_types, secret: 'whsec_c2VjcmV0' }, 201);
      if (path === `${base}/webhooks/w1` && method === 'PATCH') return json({ ...hook, ...body });
      if (path === `${base}/webhooks/w1/deliveries`) return json({ items: [delivery] });
      if (path === `${base}/webhooks/w1/deliveries/7/redeliver`)
        return json({ ...delivery, id: 8, status: 'pending', attempts: 0, redelivery_of: 7 }, 202);
      throw new Error(`unexpected request ${method} ${path}`);
    }),
  );
  return calls;
}

function login(role: Role) {
  sessions.set({
    token: 't',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u1', email: 'me@example.com', name: 'Me', role, disabled: false, version: 1, created_at: '', updated_at: '' },
  });
}

function renderPage() {
  return render(
    <MantineProvider env="test">
      <ProjectProvider project="default" projects={[]}>
        <WebhooksPage />
      </ProjectProvider>
    </MantineProvider>,
  );
}

beforeEach(() => localStorage.clear());
afterEach(() => {
  vi.unstubAllGlobals();
  sessions.set(null);
});

describe('the webhooks page', () => {
  it('creates a webhook and shows its secret once, with a copy button', async () => {
    const calls = serve();
    login('admin');
    renderPage();
    expect(await screen.findByText('https://hooks.example.com/vexil')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'New webhook' }));
    await userEvent.type(screen.getByLabelText(/^URL/), 'https://example.com/in');
    await userEvent.click(screen.getByLabelText('Break-glass'));
    await userEvent.click(screen.getByRole('button', { name: 'Create webhook' }));
    expect(await screen.findByTestId('secret')).toHaveTextContent('whsec_c2VjcmV0');
    expect(screen.getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    const created = calls.find((c) => c.method === 'POST');
    expect(created?.body).toEqual({ url: 'https://example.com/in', event_types: ['flag_changes', 'break_glass'], description: '' });
  });

  it('turns a webhook off, lists its deliveries and redelivers one', async () => {
    const calls = serve();
    login('owner');
    renderPage();
    const toggle = await screen.findByRole('switch', { name: 'Enabled: https://hooks.example.com/vexil' });
    await userEvent.click(toggle);
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ enabled: false });

    await userEvent.click(screen.getByRole('button', { name: 'Deliveries' }));
    const table = await screen.findByRole('table', { name: 'Deliveries' });
    const row = within(table).getByText('flag_config.toggle').closest('tr') as HTMLElement;
    expect(within(row).getByText('failed')).toBeInTheDocument();
    expect(within(row).getByText('503')).toBeInTheDocument();
    expect(within(row).getByText('42 ms')).toBeInTheDocument();
    expect(within(row).getByText('31')).toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Redeliver' }));
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/deliveries/7/redeliver'))).toBe(true);
  });

  it('tells others that only admins manage webhooks, without asking the server', async () => {
    const calls = serve();
    login('editor');
    renderPage();
    expect(await screen.findByText('Admins only')).toBeInTheDocument();
    expect(calls.some((c) => c.path.includes('/webhooks'))).toBe(false);
  });
});
