// The change-request inbox of a project: requests by state, and one request with its
// diff, approvals and comment thread. Approve, reject, cancel and comment here; who may
// do which is the server's decision (never the author's own approval), so a refusal is
// shown as the server words it.

import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api';
import type { ChangeRequest, ChangeRequestState, ChangeRequestWithDiff } from '../api/types';
import { useLiveEvents } from '../app/live';
import { useCan } from '../app/session';
import { DiffView } from '../components/DiffView';
import { Empty, ErrorAlert, Loading, Time } from '../components/common';
import { diffJson } from '../lib/diff';
import { changeRequestsEmpty } from '../lib/empty';
import type { JsonValue } from '../api/types';
import { useAction } from '../lib/useAction';
import { useLoad } from '../lib/useLoad';

const STATE_COLORS: Record<ChangeRequestState, string> = {
  open: 'blue',
  applied: 'teal',
  scheduled: 'grape',
  rejected: 'red',
  cancelled: 'gray',
  conflicted: 'orange',
};

export function StateBadge({ state }: { state: ChangeRequestState }) {
  return (
    <Badge color={STATE_COLORS[state]} variant="light">
      {state}
    </Badge>
  );
}

/** One request: what it does to the configuration now, who approved, the thread, the actions. */
export function ChangeRequestDetail({ project, id, onChanged }: { project: string; id: number; onChanged: () => void }) {
  const canEdit = useCan('editor');
  const request = useLoad(() => api.changeRequests.get(project, id), [project, id]);
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  useLiveEvents((e) => {
    if (e.resource_type === 'change_request' && e.resource_key === `${project}/${id}`) void request.reload(true);
  });
  if (request.error) return <ErrorAlert error={request.error} onRetry={() => void request.reload()} />;
  const cr: ChangeRequestWithDiff | undefined = request.data;
  if (!cr) return <Loading label="Loading the change request…" />;
  const act = (what: string, call: () => Promise<ChangeRequest>) =>
    run(async () => {
      const after = await call();
      notifications.show({ color: 'teal', message: `Change request ${after.id} ${what}: now ${after.state}` });
      setComment('');
      await request.reload(true);
      onChanged();
    });
  const changes = cr.diff.after ? diffJson(cr.diff.before as unknown as JsonValue, cr.diff.after as unknown as JsonValue) : [];
  return (
    <Stack gap="sm" data-testid="change-request">
      <Group justify="space-between">
        <Title order={2} size="h3">
          #{cr.id} {cr.title}
        </Title>
        <StateBadge state={cr.state} />
      </Group>
      <Text size="sm">
        <Link to={`/p/${encodeURIComponent(project)}/flags/${encodeURIComponent(cr.flag)}`}>{cr.flag}</Link> in{' '}
        <b>{cr.environment}</b>, by {cr.author}, <Time at={cr.created_at} />. Approvals {cr.approvals.length} of{' '}
        {cr.required_approvals}
        {cr.approvals.length ? ` (${cr.approvals.map((a) => a.actor).join(', ')})` : ''}.
        {cr.scheduled_at ? ` Scheduled for ${new Date(cr.scheduled_at).toLocaleString()} once approved.` : ''}
      </Text>
      {cr.reason ? (
        <Text size="sm" c={cr.state === 'conflicted' ? 'orange' : 'dimmed'}>
          Reason: {cr.reason}
        </Text>
      ) : null}
      <Text size="sm" fw={500}>
        What it does to the current configuration (version {cr.diff.before.version ?? '?'}):
      </Text>
      {cr.diff.problem ? (
        <Text size="sm" c="orange" role="status">
          It no longer applies: {cr.diff.problem}
        </Text>
      ) : (
        <DiffView changes={changes} empty="It changes nothing any more." />
      )}
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Comments
        </Text>
        {cr.comments.length === 0 ? (
          <Text size="sm" c="dimmed">
            No comments yet.
          </Text>
        ) : (
          cr.comments.map((c) => (
            <Text key={c.id} size="sm">
              <b>{c.actor}</b> (<Time at={c.at} />): {c.body}
            </Text>
          ))
        )}
      </Stack>
      {canEdit && (
        <Stack gap="xs">
          <Textarea label="Comment" rows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
          <Group>
            <Button variant="default" disabled={!comment.trim()} loading={busy} onClick={() => void act('commented', () => api.changeRequests.comment(project, cr.id, comment))}>
              Comment
            </Button>
          </Group>
          {cr.state === 'open' && (
            <Group align="flex-end">
              <Button color="teal" loading={busy} onClick={() => void act('approved', () => api.changeRequests.approve(project, cr.id))}>
                Approve
              </Button>
              <TextInput label="Reason to reject" value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={260} />
              <Button color="red" variant="light" loading={busy} onClick={() => void act('rejected', () => api.changeRequests.reject(project, cr.id, reason.trim() || undefined))}>
                Reject
              </Button>
              <Button variant="subtle" color="gray" loading={busy} onClick={() => void act('cancelled', () => api.changeRequests.cancel(project, cr.id))}>
                Cancel request
              </Button>
            </Group>
          )}
          {error ? <ErrorAlert error={error} /> : null}
        </Stack>
      )}
    </Stack>
  );
}

export default function ChangeRequestsPage() {
  const { project = 'default' } = useParams();
  const [params, setParams] = useSearchParams();
  const state = (params.get('state') ?? 'open') as ChangeRequestState | 'all';
  const selected = Number(params.get('id')) || undefined;
  const list = useLoad(
    () => api.changeRequests.list(project, state === 'all' ? undefined : state).then((p) => p.items),
    [project, state],
  );
  useLiveEvents((e) => {
    if (e.resource_type === 'change_request') void list.reload(true);
  });
  const set = (next: Record<string, string | undefined>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v === undefined) p.delete(k);
      else p.set(k, v);
    }
    setParams(p, { replace: true });
  };
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Change requests
      </Title>
      <Text size="sm" c="dimmed">
        Environments that require approval take changes as requests: other editors approve them, and the last needed
        approval applies the change.
      </Text>
      <SegmentedControl
        aria-label="State"
        value={state}
        onChange={(v) => set({ state: v, id: undefined })}
        data={['open', 'applied', 'scheduled', 'conflicted', 'rejected', 'cancelled', 'all']}
        w="fit-content"
      />
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.reload()} /> : null}
      {list.loading && !list.data ? (
        <Loading label="Loading change requests…" />
      ) : (list.data ?? []).length === 0 ? (
        <Empty {...changeRequestsEmpty(state)} />
      ) : (
        <Table highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Title</Table.Th>
              <Table.Th>Flag</Table.Th>
              <Table.Th>Environment</Table.Th>
              <Table.Th>Author</Table.Th>
              <Table.Th>Approvals</Table.Th>
              <Table.Th>State</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data ?? []).map((cr) => (
              <Table.Tr key={cr.id} onClick={() => set({ id: String(cr.id) })} style={{ cursor: 'pointer' }} aria-selected={cr.id === selected}>
                <Table.Td>{cr.id}</Table.Td>
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" onClick={() => set({ id: String(cr.id) })}>
                    {cr.title}
                  </Button>
                </Table.Td>
                <Table.Td>{cr.flag}</Table.Td>
                <Table.Td>{cr.environment}</Table.Td>
                <Table.Td>{cr.author}</Table.Td>
                <Table.Td>
                  {cr.approvals.length} / {cr.required_approvals}
                </Table.Td>
                <Table.Td>
                  <StateBadge state={cr.state} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {selected ? <ChangeRequestDetail key={selected} project={project} id={selected} onChanged={() => void list.reload(true)} /> : null}
    </Stack>
  );
}
