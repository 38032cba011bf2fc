import { Badge, Button, Checkbox, Group, Modal, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api } from '../api';
import { type CreatedWebhook, type Webhook, type WebhookDelivery, type WebhookEventType, WEBHOOK_EVENT_TYPES } from '../api/types';
import { useLiveEvents } from '../app/live';
import { useProject } from '../app/project';
import { useCan } from '../app/session';
import { ConfirmButton, Empty, ErrorAlert, Loading, SecretOnce, Time } from '../components/common';
import { IconPlus, IconRefresh } from '../components/icons';
import { errorAt } from '../lib/rules';
import { useAction } from '../lib/useAction';
import { useLoad } from '../lib/useLoad';

const STATUS_COLOR: Record<WebhookDelivery['status'], string> = { pending: 'yellow', delivered: 'teal', failed: 'red' };

function NewWebhookModal({ project, opened, onClose, onCreated }: { project: string; opened: boolean; onClose: () => void; onCreated: () => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<WebhookEventType[]>(['flag_changes']);
  const [created, setCreated] = useState<CreatedWebhook>();
  const { busy, error, setError, fields, run } = useAction();
  const close = () => {
    setCreated(undefined);
    setUrl('');
    setDescription('');
    setTypes(['flag_changes']);
    setError(undefined);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={created ? 'Webhook created' : 'New webhook'} size="lg">
      {created ? (
        <Stack>
          <Text size="sm">
            Events go to <b>{created.url}</b>, signed per the Standard Webhooks specification with this secret. Your
            receiver verifies the <code>webhook-signature</code> header with it.
          </Text>
          <SecretOnce value={created.secret} label="signing secret" />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            await run(async () => {
              setCreated(await api.webhooks.create(project, { url: url.trim(), event_types: types, description: description.trim() }));
              onCreated();
            });
          }}
        >
          <Stack>
            <TextInput
              label="URL"
              required
              placeholder="https://example.com/hooks/vexil"
              description="http or https; redirects are not followed"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={errorAt(fields, '/url')}
              data-autofocus
            />
            <TextInput label="Description" placeholder="Chat notifications" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
            <Checkbox.Group
              label="Events"
              value={types}
              onChange={(v) => setTypes(v as WebhookEventType[])}
              error={errorAt(fields, '/event_types', true)}
            >
              <Stack gap={6} mt={6}>
                {WEBHOOK_EVENT_TYPES.map((t) => (
                  <Checkbox key={t.value} value={t.value} label={t.label} />
                ))}
              </Stack>
            </Checkbox.Group>
            {error && !Object.keys(fields).length ? <ErrorAlert error={error} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={types.length === 0}>
                Create webhook
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function Deliveries({ project, webhook }: { project: string; webhook: Webhook }) {
  const deliveries = useLoad(() => api.webhooks.deliveries(project, webhook.id).then((p) => p.items), [project, webhook.id]);
  const items = deliveries.data ?? [];
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={2} size="h4">
          Deliveries to {webhook.url}
        </Title>
        <Button variant="default" size="compact-sm" leftSection={<IconRefresh size={14} />} onClick={() => void deliveries.reload(true)}>
          Refresh
        </Button>
      </Group>
      {deliveries.error ? <ErrorAlert error={deliveries.error} onRetry={() => void deliveries.reload()} /> : null}
      {deliveries.loading && !deliveries.data ? (
        <Loading label="Loading deliveries…" />
      ) : items.length === 0 ? (
        <Empty title="No deliveries yet" description="Events of the chosen types appear here as they happen." />
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Event</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Code</Table.Th>
                <Table.Th>Latency</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Recorded</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Text span ff="monospace" size="xs">
                      {d.event_type}
                    </Text>
                    {d.last_error ? (
                      <Text size="xs" c="red">
                        {d.last_error}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[d.status]} variant="light">
                      {d.status}
                    </Badge>
                    {d.status === 'pending' && d.next_attempt_at ? (
                      <Text size="xs" c="dimmed">
                        next try <Time at={d.next_attempt_at} />
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{d.response_code ?? '—'}</Table.Td>
                  <Table.Td>{d.latency_ms === null ? '—' : `${d.latency_ms} ms`}</Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td>
                    <Time at={d.created_at} />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="light"
                      onClick={async () => {
                        try {
                          await api.webhooks.redeliver(project, webhook.id, d.id);
                          notifications.show({ message: `Delivery ${d.id} queued again` });
                          await deliveries.reload(true);
                        } catch (e) {
                          notifications.show({ color: 'red', message: e instanceof Error ? e.message : 'Redelivery failed' });
                        }
                      }}
                    >
                      Redeliver
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export default function WebhooksPage() {
  const { project } = useProject();
  const isAdmin = useCan('admin');
  const hooks = useLoad(() => (isAdmin ? api.webhooks.list(project).then((p) => p.items) : Promise.resolve([])), [project, isAdmin]);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string>();
  useLiveEvents((e) => {
    if (e.resource_type === 'webhook' && e.project === project) void hooks.reload(true);
  });
  if (!isAdmin) return <Empty title="Admins only" description="Ask an admin to manage webhooks." />;
  const items = hooks.data ?? [];
  const shown = items.find((h) => h.id === selected);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Webhooks
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New webhook
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Vexil POSTs this project’s events as signed JSON (Standard Webhooks) to each URL, retrying for at least a day
        until the receiver answers 2xx.
      </Text>
      {hooks.error ? <ErrorAlert error={hooks.error} onRetry={() => void hooks.reload()} /> : null}
      {hooks.loading && !hooks.data ? (
        <Loading label="Loading webhooks…" />
      ) : items.length === 0 ? (
        <Empty title="No webhooks" description="Create one to hear about flag changes elsewhere." />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Webhooks">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>URL</Table.Th>
                <Table.Th>Events</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((h) => (
                <Table.Tr key={h.id}>
                  <Table.Td>
                    <Text span ff="monospace" size="sm">
                      {h.url}
                    </Text>
                    {h.description ? (
                      <Text size="xs" c="dimmed">
                        {h.description}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {h.event_types.map((t) => (
                        <Badge key={t} variant="light" size="sm">
                          {t}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`Enabled: ${h.url}`}
                      checked={h.enabled}
                      onChange={async (e) => {
                        const enabled = e.currentTarget.checked;
                        try {
                          const updated = await api.webhooks.update(project, h.id, { enabled });
                          hooks.setData((old) => old?.map((x) => (x.id === h.id ? updated : x)));
                        } catch (err) {
                          notifications.show({ color: 'red', message: err instanceof Error ? err.message : 'Update failed' });
                        }
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="compact-xs" variant={selected === h.id ? 'filled' : 'light'} onClick={() => setSelected(h.id)}>
                        Deliveries
                      </Button>
                      <ConfirmButton
                        size="compact-xs"
                        title="Delete this webhook?"
                        message={<Text size="sm">Its deliveries are deleted with it; pending ones are not sent.</Text>}
                        confirmLabel="Delete"
                        onConfirm={async () => {
                          await api.webhooks.remove(project, h.id);
                          notifications.show({ message: 'Webhook deleted' });
                          if (selected === h.id) setSelected(undefined);
                          await hooks.reload(true);
                        }}
                      >
                        Delete
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {shown ? <Deliveries project={project} webhook={shown} /> : null}
      <NewWebhookModal project={project} opened={creating} onClose={() => setCreating(false)} onCreated={() => void hooks.reload(true)} />
    </Stack>
  );
}
