import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, sessions } from '../api';
import { ApiError, errorMessage } from '../api/client';
import { setupState } from '../app/setup';
import { useSession } from '../app/session';
import { AuthFrame } from './AuthFrame';
import { useAction } from '../lib/useAction';

/** Only same-site paths: never send people elsewhere after logging in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  useEffect(() => {
    setupState()
      .then((s) => {
        if (s.pending) navigate('/setup', { replace: true });
      })
      .catch(() => {});
  }, [navigate]);

  if (session) return <Navigate to={next} replace />;

  return (
    <AuthFrame title="Log in">
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
            autoFocus
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
          <Button type="submit" loading={busy} fullWidth>
            Log in
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
