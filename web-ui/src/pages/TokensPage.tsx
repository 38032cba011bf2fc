import { Badge, Button, Group, Modal, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api } from '../api';
import { type CreatedApiToken, type Role, ROLES } from '../api/types';
import { useLiveEvents } from '../app/live';
import { useProject } from '../app/project';
import { roleRank, useCan, useSession } from '../app/session';
import { ConfirmButton, Empty, ErrorAlert, Loading, SecretOnce, Time } from '../components/common';
import { IconPlus } from '../components/icons';
import { tokensEmpty } from '../lib/empty';
import { localInputToIso } from '../lib/format';
import { errorAt } from '../lib/rules';
import { usePaged } from '../lib/usePaged';
import { MoreItems } from '../components/MoreItems';
import { useAction } from '../lib/useAction';

function NewTokenModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: () => void }) {
  const session = useSession();
  const { projects } = useProject();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [project, setProject] = useState<string | null>(null);
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<CreatedApiToken>();
  const { busy, error, setError, fields, run } = useAction();
  const myRank = session ? roleRank[session.user.role] : 0;
  const close = () => {
    setCreated(undefined);
    setName('');
    setExpires('');
    setError(undefined);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={created ? 'API token created' : 'New API token'} size="lg">
      {created ? (
        <Stack>
          <Text size="sm">
            Token <b>{created.name}</b> ({created.role}
            {created.project ? `, project ${created.project}` : ', all projects'}). Send it as <code>Authorization: Bearer …</code>.
          </Text>
          <SecretOnce value={created.token} label="API token" />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            await run(async () => {
              setCreated(await api.tokens.create({ name: name.trim(), role, project: project ?? undefined, expires_at: localInputToIso(expires) }));
              onCreated();
            });
          }}
        >
          <Stack>
            <TextInput label="Name" required placeholder="ci-deploy" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorAt(fields, '/name')} data-autofocus />
            <Select
              label="Role"
              description="At most your own role"
              data={ROLES.filter((r) => roleRank[r] <= myRank)}
              value={role}
              allowDeselect={false}
              onChange={(v) => v && setRole(v as Role)}
              error={errorAt(fields, '/role')}
            />
            <Select
              label="Project"
              placeholder="All projects"
              clearable
              data={projects.map((p) => ({ value: p.key, label: p.name || p.key }))}
              value={project}
              onChange={setProject}
              error={errorAt(fields, '/project')}
            />
            <TextInput label="Expires" description="Optional" type="datetime-local" w={260} value={expires} onChange={(e) => setExpires(e.currentTarget.value)} error={errorAt(fields, '/expires_at')} />
            {error && !Object.keys(fields).length ? <ErrorAlert error={error} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export default function TokensPage() {
  const isAdmin = useCan('admin');
  const tokens = usePaged((q, signal) => api.tokens.list(q, signal), []);
  const [creating, setCreating] = useState(false);
  const [showRevoked, setShowRevoked] = useState(false);
  useLiveEvents((e) => {
    if (e.resource_type === 'api_token') void tokens.reload(true);
  });
  if (!isAdmin) return <Empty title="Admins only" description="Ask an admin to manage API tokens." />;
  const shown = (tokens.items ?? []).filter((t) => showRevoked || !t.revoked_at);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          API tokens
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Tokens let scripts and CI use the admin API with a role, optionally limited to one project. A token never
        does more than the person who made it may do now; deleting or disabling that person revokes it.
      </Text>
      <Switch label="Show revoked" checked={showRevoked} onChange={(e) => setShowRevoked(e.currentTarget.checked)} />
      {tokens.error ? <ErrorAlert error={tokens.error} onRetry={() => void tokens.reload()} /> : null}
      {tokens.loading && !tokens.items ? (
        <Loading label="Loading tokens…" />
      ) : shown.length === 0 ? (
        <Empty {...tokensEmpty((tokens.items ?? []).length - shown.length)} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Project</Table.Th>
                <Table.Th>Token</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    {t.name}
                    <Text size="xs" c="dimmed">
                      by {t.created_by}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {t.role}
                    {t.effective_role !== t.role ? (
                      <Text size="xs" c="orange">
                        acts as {t.effective_role}, its maker’s role now
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{t.project ?? 'all'}</Table.Td>
                  <Table.Td>
                    <Text span ff="monospace" size="xs">
                      {t.prefix}…
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Time at={t.last_used_at} />
                  </Table.Td>
                  <Table.Td>{t.expires_at ? <Time at={t.expires_at} /> : 'never'}</Table.Td>
                  <Table.Td>
                    {t.revoked_at ? (
                      <Badge color="red" variant="light">
                        revoked
                      </Badge>
                    ) : (
                      <ConfirmButton
                        size="compact-xs"
                        title={`Revoke ${t.name}?`}
                        message={<Text size="sm">Requests with this token fail from now on.</Text>}
                        confirmLabel="Revoke"
                        onConfirm={async () => {
                          await api.tokens.revoke(t.id);
                          notifications.show({ message: `Token ${t.name} revoked` });
                          await tokens.reload(true);
                        }}
                      >
                        Revoke
                      </ConfirmButton>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreItems list={tokens} what="tokens" />
      <NewTokenModal opened={creating} onClose={() => setCreating(false)} onCreated={() => void tokens.reload(true)} />
    </Stack>
  );
}
