// The scheduled changes of a project: what will change when, and how past runs went
// (late, failed with the reason). Pending changes can be cancelled here.

import { Badge, Code, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../api';
import type { ScheduledState } from '../api/types';
import { useLiveEvents } from '../app/live';
import { useCan } from '../app/session';
import { ConfirmButton, Empty, ErrorAlert, Loading, Time } from '../components/common';
import { scheduledEmpty } from '../lib/empty';
import { useLoad } from '../lib/useLoad';

const COLORS: Record<ScheduledState, string> = { pending: 'blue', running: 'cyan', done: 'teal', failed: 'red', cancelled: 'gray' };

export default function ScheduledChangesPage() {
  const { project = 'default' } = useParams();
  const canEdit = useCan('editor');
  const [state, setState] = useState<ScheduledState | 'all'>('pending');
  const list = useLoad(
    () => api.scheduledChanges.list(project, state === 'all' ? undefined : state).then((p) => p.items),
    [project, state],
  );
  useLiveEvents((e) => {
    if (e.resource_type === 'scheduled_change') void list.reload(true);
  });
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Scheduled changes
      </Title>
      <Text size="sm" c="dimmed">
        Each runs once, at its time, on one replica; a change due while the server was down runs when it starts and is
        marked late. In an environment that requires approval, changes are scheduled by approving a change request.
      </Text>
      <SegmentedControl
        aria-label="State"
        value={state}
        onChange={(v) => setState(v as ScheduledState | 'all')}
        data={['pending', 'done', 'failed', 'cancelled', 'all']}
        w="fit-content"
      />
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.reload()} /> : null}
      {list.loading && !list.data ? (
        <Loading label="Loading scheduled changes…" />
      ) : (list.data ?? []).length === 0 ? (
        <Empty {...scheduledEmpty(state)} />
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Flag</Table.Th>
              <Table.Th>Environment</Table.Th>
              <Table.Th>Instructions</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data ?? []).map((s) => (
              <Table.Tr key={s.id} data-testid={`scheduled-${s.id}`}>
                <Table.Td>
                  <Time at={s.run_at} />
                </Table.Td>
                <Table.Td>{s.flag}</Table.Td>
                <Table.Td>{s.environment}</Table.Td>
                <Table.Td>
                  <Code fz="xs">{s.patch.instructions.map((i) => i.kind).join(', ')}</Code>
                </Table.Td>
                <Table.Td>{s.author}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge color={COLORS[s.state]} variant="light">
                      {s.state}
                    </Badge>
                    {s.ran_late ? (
                      <Badge color="orange" variant="outline" title={`${Math.round((s.late_by_ms ?? 0) / 1000)} s late`}>
                        late
                      </Badge>
                    ) : null}
                  </Group>
                  {s.reason ? (
                    <Text size="xs" c="red">
                      {s.reason}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {canEdit && s.state === 'pending' ? (
                    <ConfirmButton
                      size="xs"
                      title="Cancel this scheduled change?"
                      message={`${s.flag} in ${s.environment} will not change at that time.`}
                      confirmLabel="Cancel it"
                      onConfirm={async () => {
                        await api.scheduledChanges.cancel(project, s.id);
                        notifications.show({ message: `Scheduled change ${s.id} cancelled` });
                        await list.reload(true);
                      }}
                    >
                      Cancel
                    </ConfirmButton>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
