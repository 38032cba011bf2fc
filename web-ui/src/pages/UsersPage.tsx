import { Badge, Button, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api } from '../api';
import { ApiError, errorMessage } from '../api/client';
import { type Role, ROLES, type User } from '../api/types';
import { useLiveEvents } from '../app/live';
import { roleRank, useCan, useSession } from '../app/session';
import { ConfirmButton, Empty, ErrorAlert, Loading, Time } from '../components/common';
import { IconPlus } from '../components/icons';
import { errorAt } from '../lib/rules';
import { usePaged } from '../lib/usePaged';
import { MoreItems } from '../components/MoreItems';
import { useAction } from '../lib/useAction';

function UserModal({ user, opened, onClose, onDone }: { user?: User; opened: boolean; onClose: () => void; onDone: () => void }) {
  const session = useSession();
  const myRank = session ? roleRank[session.user.role] : 0;
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'editor');
  const [password, setPassword] = useState('');
  const { busy, error, fields, run } = useAction();
  return (
    <Modal opened={opened} onClose={onClose} title={user ? `Edit ${user.email}` : 'New user'}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          await run(async () => {
            if (user) {
              const patch: { name?: string; role?: Role; password?: string } = {};
              if (name !== user.name) patch.name = name;
              if (role !== user.role) patch.role = role;
              if (password) patch.password = password;
              await api.users.update(user.id, patch, user.version);
            } else {
              await api.users.create({ email: email.trim(), name: name.trim() || undefined, password, role });
            }
            onDone();
          });
        }}
      >
        <Stack>
          {!user && <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errorAt(fields, '/email')} data-autofocus />}
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorAt(fields, '/name')} />
          <Select
            label="Role"
            data={ROLES.filter((r) => roleRank[r] <= myRank).map((r) => ({ value: r, label: r }))}
            value={role}
            allowDeselect={false}
            onChange={(v) => v && setRole(v as Role)}
            error={errorAt(fields, '/role')}
          />
          <PasswordInput
            label={user ? 'New password' : 'Password'}
            description={user ? 'Leave empty to keep the current one' : 'At least 10 characters'}
            required={!user}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errorAt(fields, '/password')}
          />
          {error && !Object.keys(fields).length ? (
            <ErrorAlert error={error} title={error instanceof ApiError && error.isVersionConflict ? 'Changed elsewhere: close and try again' : undefined} />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {user ? 'Save' : 'Create user'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export default function UsersPage() {
  const isAdmin = useCan('admin');
  const session = useSession();
  const users = usePaged((q, signal) => api.users.list(q, signal), []);
  const [editing, setEditing] = useState<User | 'new'>();
  useLiveEvents((e) => {
    if (e.resource_type === 'user') void users.reload(true);
  });
  if (!isAdmin) return <Empty title="Admins only" description="Ask an admin to manage users." />;
  const myRank = session ? roleRank[session.user.role] : 0;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Users
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          New user
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Viewers read everything but secrets; editors also change flags and segments; admins also manage environments, keys, tokens and users; owners also manage
        owners.
      </Text>
      {users.error ? <ErrorAlert error={users.error} onRetry={() => void users.reload()} /> : null}
      {users.loading && !users.items ? (
        <Loading label="Loading users…" />
      ) : (
        <Table.ScrollContainer minWidth={620}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th visibleFrom="md">Created</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(users.items ?? []).map((u) => {
                const manageable = roleRank[u.role] <= myRank;
                const self = u.id === session?.user.id;
                return (
                  <Table.Tr key={u.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {u.name}
                        {self && ' (you)'}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {u.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={u.role === 'owner' ? 'grape' : u.role === 'admin' ? 'blue' : 'gray'}>
                        {u.role}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{u.disabled ? <Badge color="red" variant="light">disabled</Badge> : 'active'}</Table.Td>
                    <Table.Td visibleFrom="md">
                      <Time at={u.created_at} />
                    </Table.Td>
                    <Table.Td>
                      {manageable && (
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button size="compact-xs" variant="default" onClick={() => setEditing(u)}>
                            Edit
                          </Button>
                          {!self && (
                            <Button
                              size="compact-xs"
                              variant="light"
                              color={u.disabled ? 'teal' : 'orange'}
                              onClick={async () => {
                                try {
                                  await api.users.update(u.id, { disabled: !u.disabled }, u.version);
                                  await users.reload(true);
                                } catch (e) {
                                  notifications.show({ color: 'red', title: 'Could not change the account', message: errorMessage(e) });
                                }
                              }}
                            >
                              {u.disabled ? 'Enable' : 'Disable'}
                            </Button>
                          )}
                          {!self && (
                            <ConfirmButton
                              size="compact-xs"
                              title={`Delete ${u.email}?`}
                              message={<Text size="sm">The account is deleted; the audit log keeps its changes.</Text>}
                              confirmLabel="Delete"
                              onConfirm={async () => {
                                await api.users.remove(u.id, u.version);
                                await users.reload(true);
                              }}
                            >
                              Delete
                            </ConfirmButton>
                          )}
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreItems list={users} what="users" />
      {editing && (
        <UserModal
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? undefined : editing}
          opened
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            void users.reload(true);
          }}
        />
      )}
    </Stack>
  );
}
