import { ActionIcon, Badge, Button, Group, Modal, NumberInput, Paper, Select, Stack, Switch, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api } from '../api';
import { ApiError, errorMessage } from '../api/client';
import type { CreatedSdkKey, Environment, SdkKey, SdkKeyKind } from '../api/types';
import { useLiveEvents } from '../app/live';
import { useProject } from '../app/project';
import { useCan } from '../app/session';
import { ConfirmButton, Empty, ErrorAlert, Loading, SecretOnce, Time } from '../components/common';
import { IconDown, IconPlus, IconUp } from '../components/icons';
import { localInputToIso } from '../lib/format';
import { errorAt } from '../lib/rules';
import { useLoad } from '../lib/useLoad';
import { useAction } from '../lib/useAction';

function keyStatus(k: SdkKey): { label: string; color: string } {
  if (k.revoked_at) return { label: 'revoked', color: 'red' };
  if (k.expires_at && Date.parse(k.expires_at) <= Date.now()) return { label: 'expired', color: 'gray' };
  return { label: 'active', color: 'teal' };
}

function NewKeyModal({ project, env, opened, onClose, onCreated }: { project: string; env: Environment; opened: boolean; onClose: () => void; onCreated: () => void }) {
  const [kind, setKind] = useState<SdkKeyKind>('server');
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<CreatedSdkKey>();
  const { busy, error, setError, fields, run } = useAction();
  const close = () => {
    setCreated(undefined);
    setName('');
    setExpires('');
    setError(undefined);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={created ? 'SDK key created' : `New SDK key for ${env.name || env.key}`} size="lg">
      {created ? (
        <Stack>
          <Text size="sm">
            {created.kind === 'server' ? 'Server' : 'Client'} key <b>{created.name}</b> for {env.name || env.key}:
          </Text>
          <SecretOnce value={created.key} label="SDK key" />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            await run(async () => {
              const k = await api.sdkKeys.create(project, env.key, { kind, name: name.trim() || undefined, expires_at: localInputToIso(expires) });
              setCreated(k);
              onCreated();
            });
          }}
        >
          <Stack>
            <Select
              label="Kind"
              data={[
                { value: 'server', label: 'Server: full configuration, for back ends (keep secret)' },
                { value: 'client', label: 'Client: evaluates client-visible flags, safe in browsers' },
              ]}
              value={kind}
              allowDeselect={false}
              onChange={(v) => v && setKind(v as SdkKeyKind)}
            />
            <TextInput label="Name" placeholder={`${kind} key`} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorAt(fields, '/name')} data-autofocus />
            <TextInput label="Expires" description="Optional; never expires when empty" type="datetime-local" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} error={errorAt(fields, '/expires_at')} w={260} />
            {error && !Object.keys(fields).length ? <ErrorAlert error={error} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function SdkKeys({ project, env, isAdmin }: { project: string; env: Environment; isAdmin: boolean }) {
  const keys = useLoad(() => api.sdkKeys.list(project, env.key).then((p) => p.items), [project, env.key]);
  const [creating, setCreating] = useState(false);
  const [showRevoked, setShowRevoked] = useState(false);
  useLiveEvents((e) => {
    if (e.resource_type === 'sdk_key' && e.resource_key.startsWith(`${project}/${env.key}/`)) void keys.reload(true);
  });
  const shown = (keys.data ?? []).filter((k) => showRevoked || !k.revoked_at);
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={600} size="sm">
          SDK keys
        </Text>
        <Group gap="xs">
          <Switch size="xs" label="Show revoked" checked={showRevoked} onChange={(e) => setShowRevoked(e.currentTarget.checked)} />
          {isAdmin && (
            <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
              New SDK key
            </Button>
          )}
        </Group>
      </Group>
      {keys.error ? <ErrorAlert error={keys.error} onRetry={() => void keys.reload()} /> : null}
      {keys.loading && !keys.data ? (
        <Loading label="Loading keys…" />
      ) : shown.length === 0 ? (
        <Text size="sm" c="dimmed">
          No {showRevoked ? '' : 'active '}keys. SDKs need one to fetch this environment's flags.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table fz="sm" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((k) => {
                const st = keyStatus(k);
                return (
                  <Table.Tr key={k.id} data-testid="sdk-key-row">
                    <Table.Td>{k.name}</Table.Td>
                    <Table.Td>{k.kind}</Table.Td>
                    <Table.Td>
                      <Text span ff="monospace" size="xs">
                        {k.prefix}…
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Time at={k.created_at} />
                    </Table.Td>
                    <Table.Td>{k.expires_at ? <Time at={k.expires_at} /> : 'never'}</Table.Td>
                    <Table.Td>
                      <Badge size="sm" color={st.color} variant="light">
                        {st.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {isAdmin && !k.revoked_at && (
                        <ConfirmButton
                          size="compact-xs"
                          title={`Revoke ${k.name}?`}
                          message={<Text size="sm">SDKs using this key lose access at once; open streams are closed.</Text>}
                          confirmLabel="Revoke"
                          onConfirm={async () => {
                            await api.sdkKeys.revoke(project, env.key, k.id);
                            notifications.show({ message: `Key ${k.name} revoked` });
                            await keys.reload(true);
                          }}
                        >
                          Revoke
                        </ConfirmButton>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NewKeyModal project={project} env={env} opened={creating} onClose={() => setCreating(false)} onCreated={() => void keys.reload(true)} />
    </Stack>
  );
}

function EnvModal({ project, env, opened, onClose, onDone }: { project: string; env?: Environment; opened: boolean; onClose: () => void; onDone: () => void }) {
  const [key, setKey] = useState('');
  const [name, setName] = useState(env?.name ?? '');
  const [approval, setApproval] = useState(env?.requires_approval ?? false);
  const [approvals, setApprovals] = useState<number>(env?.required_approvals ?? 1);
  const { busy, error, fields, run } = useAction();
  return (
    <Modal opened={opened} onClose={onClose} title={env ? `Edit ${env.key}` : 'New environment'}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          await run(async () => {
            if (env) await api.environments.update(project, env.key, { name: name.trim(), requires_approval: approval, required_approvals: approvals }, env.version);
            else await api.environments.create(project, { key: key.trim(), name: name.trim() || undefined, requires_approval: approval, required_approvals: approvals });
            onDone();
          });
        }}
      >
        <Stack>
          {!env && <TextInput label="Key" required styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} value={key} onChange={(e) => setKey(e.currentTarget.value)} error={errorAt(fields, '/key')} data-autofocus />}
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorAt(fields, '/name')} />
          <Switch label="Changes require approval" checked={approval} onChange={(e) => setApproval(e.currentTarget.checked)} />
          {approval && (
            <NumberInput
              label="Approvals needed"
              description="From editors other than the author of a change request"
              min={1}
              max={10}
              w={220}
              value={approvals}
              onChange={(v) => setApprovals(typeof v === 'number' ? v : 1)}
              error={errorAt(fields, '/required_approvals')}
            />
          )}
          {error && !Object.keys(fields).length ? (
            <ErrorAlert error={error} title={error instanceof ApiError && error.isVersionConflict ? 'Changed elsewhere: close and try again' : undefined} />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {env ? 'Save' : 'Create environment'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export default function EnvironmentsPage() {
  const { project, environments, environmentsLoading, environmentsError, reloadEnvironments } = useProject();
  const isAdmin = useCan('admin');
  const [editing, setEditing] = useState<Environment | 'new'>();

  const moveEnv = async (env: Environment, delta: number) => {
    try {
      await api.environments.update(project, env.key, { position: env.position + delta }, env.version);
      await reloadEnvironments();
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not reorder', message: errorMessage(e) });
      await reloadEnvironments();
    }
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Environments & SDK keys
        </Title>
        {isAdmin && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New environment
          </Button>
        )}
      </Group>
      {environmentsError ? <ErrorAlert error={environmentsError} onRetry={() => void reloadEnvironments()} /> : null}
      {environmentsLoading ? (
        <Loading label="Loading environments…" />
      ) : environments.length === 0 ? (
        <Empty title="No environments" description="Create one to configure flags and issue SDK keys." />
      ) : (
        environments.map((env, i) => (
          <Paper key={env.key} withBorder p="md" radius="md" data-testid="environment-card" role="region" aria-label={`Environment ${env.name || env.key}`}>
            <Stack gap="sm">
              <Group justify="space-between" wrap="wrap">
                <Group gap="xs">
                  <Title order={2} size="h4">
                    {env.name || env.key}
                  </Title>
                  <Text ff="monospace" size="sm" c="dimmed">
                    {env.key}
                  </Text>
                  {env.requires_approval && (
                    <Badge size="sm" variant="light" color="orange">
                      approval required
                    </Badge>
                  )}
                  <Text size="xs" c="dimmed">
                    snapshot v{env.snapshot_version}
                  </Text>
                </Group>
                {isAdmin && (
                  <Group gap={4}>
                    <Tooltip label="Move up">
                      <ActionIcon variant="subtle" aria-label={`Move ${env.key} up`} disabled={i === 0} onClick={() => void moveEnv(env, -1)}>
                        <IconUp />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label="Move down">
                      <ActionIcon variant="subtle" aria-label={`Move ${env.key} down`} disabled={i === environments.length - 1} onClick={() => void moveEnv(env, 1)}>
                        <IconDown />
                      </ActionIcon>
                    </Tooltip>
                    <Button size="compact-sm" variant="default" onClick={() => setEditing(env)}>
                      Edit
                    </Button>
                    <ConfirmButton
                      size="compact-sm"
                      title={`Delete ${env.key}?`}
                      message={<Text size="sm">Every flag configuration and SDK key of this environment is deleted. SDKs using it stop receiving flags.</Text>}
                      confirmLabel="Delete environment"
                      onConfirm={async () => {
                        await api.environments.remove(project, env.key, env.version);
                        await reloadEnvironments();
                      }}
                    >
                      Delete
                    </ConfirmButton>
                  </Group>
                )}
              </Group>
              <SdkKeys project={project} env={env} isAdmin={isAdmin} />
            </Stack>
          </Paper>
        ))
      )}
      {editing && (
        <EnvModal
          key={editing === 'new' ? 'new' : editing.key}
          project={project}
          env={editing === 'new' ? undefined : editing}
          opened
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            void reloadEnvironments();
          }}
        />
      )}
    </Stack>
  );
}
