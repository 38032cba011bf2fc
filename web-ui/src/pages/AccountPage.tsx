import { Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api, sessions } from '../api';
import { useSession } from '../app/session';
import { ErrorAlert } from '../components/common';
import { errorAt } from '../lib/rules';
import { useAction } from '../lib/useAction';

export default function AccountPage() {
  const session = useSession();
  const [name, setName] = useState(session?.user.name ?? '');
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, fields, run } = useAction();
  if (!session) return null;
  return (
    <Stack gap="md" maw={520}>
      <Title order={1} size="h2">
        My account
      </Title>
      <Text size="sm" c="dimmed">
        {session.user.email} · {session.user.role}
      </Text>
      <Paper withBorder p="md" radius="md">
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            await run(async () => {
              const me = await api.users.get(session.user.id);
              const patch: { name?: string; password?: string; current_password?: string } = {};
              if (name !== me.data.name) patch.name = name;
              if (password) {
                patch.password = password;
                patch.current_password = current;
              }
              const r = await api.users.update(session.user.id, patch, me.version);
              sessions.set({ ...session, user: r.data });
              setCurrent('');
              setPassword('');
              notifications.show({ color: 'teal', message: 'Account saved' });
            });
          }}
        >
          <Stack>
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorAt(fields, '/name')} />
            <PasswordInput label="Current password" description="Needed to change the password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={errorAt(fields, '/current_password')} />
            <PasswordInput label="New password" description="At least 10 characters; leave empty to keep yours" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errorAt(fields, '/password')} />
            {error && !Object.keys(fields).length ? <ErrorAlert error={error} /> : null}
            <Button type="submit" loading={busy} w="fit-content">
              Save
            </Button>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
