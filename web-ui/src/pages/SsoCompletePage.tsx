import { Alert, Anchor, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, sessions } from '../api';
import { errorMessage } from '../api/client';
import { AuthFrame } from './AuthFrame';
import { safeNext } from './LoginPage';

/**
 * Where single sign-on lands (`/login/sso?handoff=...&next=...`): swaps the one-time
 * hand-off code for a session, then goes on to `next`.
 */
export function SsoCompletePage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const handoff = params.get('handoff');
  const next = safeNext(params.get('next'));
  const [failure, setFailure] = useState<string | null>(handoff ? null : 'This page needs a sign-in code.');
  // The code works once: collect it once, even if the effect runs twice.
  const collected = useRef(false);

  useEffect(() => {
    if (!handoff || collected.current) return;
    collected.current = true;
    api.auth
      .ssoSession(handoff)
      .then((session) => {
        sessions.set(session);
        navigate(next, { replace: true });
      })
      .catch((e: unknown) => setFailure(errorMessage(e)));
  }, [handoff, next, navigate]);

  return (
    <AuthFrame title="Logging in">
      {failure ? (
        <Stack>
          <Alert color="red" role="alert" title="Could not log in">
            {failure}
          </Alert>
          <Anchor component={Link} to={`/login?next=${encodeURIComponent(next)}`}>
            Back to the login page
          </Anchor>
        </Stack>
      ) : (
        <Stack align="center">
          <Loader />
          <Text c="dimmed" size="sm">
            Finishing single sign-on…
          </Text>
        </Stack>
      )}
    </AuthFrame>
  );
}
