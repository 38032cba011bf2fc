import { Alert, Anchor, Button, Divider, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, sessions } from '../api';
import { ApiError, errorMessage } from '../api/client';
import type { AuthConfig } from '../api/types';
import { setupState } from '../app/setup';
import { useSession } from '../app/session';
import { AuthFrame } from './AuthFrame';
import { useAction } from '../lib/useAction';

/** Only same-site paths: never send people elsewhere after logging in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/';
}

/** What a failed single sign-on (`/login?sso_error=...`) means, in the user's terms. */
export function ssoErrorMessage(slug: string): string {
  if (slug.startsWith('id_token')) {
    return `The identity provider's answer failed Vexil's security checks (${slug}). Try again; if it keeps failing, tell your administrator.`;
  }
  switch (slug) {
    case 'state':
      return 'This sign-in expired, was already used, or was started in another browser. Start again.';
    case 'provider':
      return 'The identity provider did not let you in.';
    case 'unavailable':
      return 'The identity provider cannot be reached right now. Try again in a moment.';
    case 'no_role':
      return 'Your account at the identity provider gives you no role in Vexil. Ask an administrator for access.';
    case 'disabled':
      return 'Your Vexil account is disabled. Ask an administrator to enable it.';
    case 'email_unverified':
      return 'A Vexil account with your email address exists, but the identity provider does not confirm that the address is yours.';
    case 'no_email':
      return 'The identity provider did not share your email address with Vexil.';
    case 'break_glass':
      return 'This account logs in with its password only.';
    default:
      return `Single sign-on failed (${slug}). Try again; if it keeps failing, tell your administrator.`;
  }
}

export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const ssoError = params.get('sso_error');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [config, setConfig] = useState<AuthConfig | null>(null);
  const [breakGlass, setBreakGlass] = useState(false);
  const { busy, error, run } = useAction();

  useEffect(() => {
    setupState()
      .then((s) => {
        if (s.pending) navigate('/setup', { replace: true });
      })
      .catch(() => {});
    // Older servers have no login options: the password form alone is right for them.
    api.auth
      .config()
      .then(setConfig)
      .catch(() => {});
  }, [navigate]);

  if (session) return <Navigate to={next} replace />;

  const sso = config?.sso ?? null;
  const showPasswordForm = !config || config.password_login || breakGlass;

  return (
    <AuthFrame title="Log in">
      {ssoError ? (
        <Alert color="red" role="alert" title="Single sign-on failed">
          {ssoErrorMessage(ssoError)}
        </Alert>
      ) : null}
      {sso ? (
        <Button component="a" href={`${sso.login_url}?next=${encodeURIComponent(next)}`} size="md" fullWidth>
          Log in with {sso.name}
        </Button>
      ) : null}
      {sso && showPasswordForm ? <Divider label={breakGlass ? 'break-glass owner' : 'or with a password'} labelPosition="center" /> : null}
      {showPasswordForm ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            await run(async () => {
              sessions.set(await api.auth.login(email.trim(), password));
              navigate(next, { replace: true });
            });
          }}
        >
          <Stack>
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              autoFocus={!sso}
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {error ? (
              <Alert color="red" role="alert" title={error instanceof ApiError && error.status === 401 ? 'Wrong email or password' : 'Could not log in'}>
                {error instanceof ApiError && error.status === 401 ? 'Check both and try again.' : errorMessage(error)}
              </Alert>
            ) : null}
            <Button type="submit" loading={busy} fullWidth variant={sso ? 'default' : 'filled'}>
              Log in
            </Button>
          </Stack>
        </form>
      ) : (
        <Anchor component="button" type="button" size="sm" c="dimmed" onClick={() => setBreakGlass(true)}>
          Break-glass owner: log in with a password
        </Anchor>
      )}
    </AuthFrame>
  );
}
