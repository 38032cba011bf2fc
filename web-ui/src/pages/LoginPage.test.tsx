import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { forgetSetupState } from '../app/setup';
import { LoginPage, safeNext, ssoErrorMessage } from './LoginPage';

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

function serve(config: unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL | Request) => {
      const path = String(url);
      if (path.startsWith('/api/v1/setup')) return json({ pending: false, email: null });
      if (path.startsWith('/api/v1/auth/config')) return json(config);
      throw new Error(`unexpected request ${path}`);
    }),
  );
}

function renderAt(entry: string) {
  const router = createMemoryRouter([{ path: '/login', element: <LoginPage /> }], { initialEntries: [entry] });
  return render(
    <MantineProvider env="test">
      <RouterProvider router={router} />
    </MantineProvider>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  forgetSetupState();
});

describe('the login page', () => {
  it('shows the identity provider’s button, which keeps the page to return to', async () => {
    serve({ password_login: true, sso: { name: 'Acme SSO', login_url: '/api/v1/auth/oidc/login' } });
    renderAt('/login?next=%2Faudit');
    const button = await screen.findByRole('link', { name: 'Log in with Acme SSO' });
    expect(button).toHaveAttribute('href', '/api/v1/auth/oidc/login?next=%2Faudit');
    expect(screen.getByLabelText(/^Password/)).toBeInTheDocument();
  });

  it('hides the password form behind the break-glass link in SSO-only mode', async () => {
    serve({ password_login: false, sso: { name: 'Acme SSO', login_url: '/api/v1/auth/oidc/login' } });
    renderAt('/login');
    const breakGlass = await screen.findByRole('button', { name: /Break-glass owner/ });
    expect(screen.queryByLabelText(/^Password/)).not.toBeInTheDocument();
    await userEvent.click(breakGlass);
    expect(screen.getByLabelText(/^Password/)).toBeInTheDocument();
  });

  it('shows only the password form without single sign-on', async () => {
    serve({ password_login: true, sso: null });
    renderAt('/login');
    expect(await screen.findByLabelText(/^Password/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Log in with/ })).not.toBeInTheDocument();
  });

  it('explains why single sign-on failed', async () => {
    serve({ password_login: true, sso: { name: 'Acme SSO', login_url: '/api/v1/auth/oidc/login' } });
    renderAt('/login?sso_error=no_role');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Single sign-on failed');
    expect(alert).toHaveTextContent('no role in Vexil');
  });
});

describe('single sign-on messages', () => {
  it('name the failed check of an ID token and fall back to the slug', () => {
    expect(ssoErrorMessage('id_token_expired')).toContain('id_token_expired');
    expect(ssoErrorMessage('state')).toContain('Start again');
    expect(ssoErrorMessage('something_new')).toContain('something_new');
  });

  it('never send people to another site', () => {
    expect(safeNext('/p/default/flags')).toBe('/p/default/flags');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
