import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, sessions } from '../api';
import { ApiError, errorMessage } from '../api/client';
import type { SetupState } from '../api/types';
import { forgetSetupState, setupState } from '../app/setup';
import { ErrorAlert, Loading } from '../components/common';
import { AuthFrame } from './AuthFrame';
import { useAction } from '../lib/useAction';

/** First run: the server printed a one-time password; use it to create the owner. */
export function SetupPage() {
  const navigate = useNavigate();
  const [state, setState] = useState<SetupState>();
  const [loadError, setLoadError] = useState<unknown>();
  const [setupPassword, setSetupPassword] = useState('');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, fields, run } = useAction();

  useEffect(() => {
    setupState(true)
      .then((s) => {
        setState(s);
        if (s.email) setEmail(s.email);
      })
      .catch(setLoadError);
  }, []);

  if (loadError) return <AuthFrame title="Set up Vexil"><ErrorAlert error={loadError} /></AuthFrame>;
  if (!state) return <AuthFrame title="Set up Vexil"><Loading /></AuthFrame>;
  if (!state.pending) {
    return (
      <AuthFrame title="Vexil is set up">
        <Text>This server already has an owner.</Text>
        <Anchor component={Link} to="/login">
          Go to the log-in page
        </Anchor>
      </AuthFrame>
    );
  }

  const wrongSetupPassword = error instanceof ApiError && (error.status === 401 || error.status === 403);
  const mismatch = confirm.length > 0 && confirm !== password;

  return (
    <AuthFrame title="Set up Vexil" subtitle="Create the owner account. The one-time set-up password was printed by the server when it started.">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (mismatch) return;
          await run(async () => {
            const session = await api.setup.complete({ setup_password: setupPassword.trim(), email: email.trim(), name: name.trim(), password });
            forgetSetupState();
            sessions.set(session);
            navigate('/', { replace: true });
          });
        }}
      >
        <Stack>
          <PasswordInput
            label="One-time set-up password"
            description="From the server's output"
            required
            autoFocus
            autoComplete="off"
            value={setupPassword}
            onChange={(e) => setSetupPassword(e.currentTarget.value)}
            error={wrongSetupPassword ? errorMessage(error) : fields['/setup_password']?.join('; ')}
          />
          <TextInput label="Your email" type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fields['/email']?.join('; ')} />
          <TextInput label="Your name" required autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields['/name']?.join('; ')} />
          <PasswordInput
            label="New password"
            description="At least 10 characters"
            required
            minLength={10}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fields['/password']?.join('; ')}
          />
          <PasswordInput
            label="Repeat the password"
            required
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={mismatch ? 'The passwords differ' : undefined}
          />
          {error && !wrongSetupPassword && Object.keys(fields).length === 0 ? (
            <Alert color="red" role="alert" title="Could not finish set-up">
              {errorMessage(error)}
            </Alert>
          ) : null}
          <Button type="submit" loading={busy} fullWidth>
            Create owner and log in
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
