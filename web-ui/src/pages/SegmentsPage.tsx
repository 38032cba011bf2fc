import { Anchor, Button, Group, Modal, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api';
import { useLiveEvents } from '../app/live';
import { useProject } from '../app/project';
import { useCan } from '../app/session';
import { Empty, ErrorAlert, Loading, Time } from '../components/common';
import { IconPlus } from '../components/icons';
import { errorAt } from '../lib/rules';
import { useLoad } from '../lib/useLoad';
import { slugify } from '../lib/variants';
import { useAction } from '../lib/useAction';

function CreateSegment({ project, opened, onClose }: { project: string; opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [key, setKey] = useState('');
  const [touched, setTouched] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, fields, run } = useAction();
  return (
    <Modal opened={opened} onClose={onClose} title="New segment">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          await run(async () => {
            const s = await api.segments.create(project, { key: key.trim(), name: name.trim(), description, included: [], excluded: [], rules: [] });
            notifications.show({ color: 'teal', message: `Segment ${s.key} created` });
            navigate(`/p/${encodeURIComponent(project)}/segments/${encodeURIComponent(s.key)}`);
          });
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            required
            data-autofocus
            value={name}
            error={errorAt(fields, '/name')}
            onChange={(e) => {
              setName(e.currentTarget.value);
              if (!touched) setKey(slugify(e.currentTarget.value));
            }}
          />
          <TextInput
            label="Key"
            required
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            value={key}
            error={errorAt(fields, '/key')}
            onChange={(e) => {
              setTouched(true);
              setKey(e.currentTarget.value);
            }}
          />
          <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errorAt(fields, '/description')} />
          {error && !Object.keys(fields).length ? <ErrorAlert error={error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create and edit
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export default function SegmentsPage() {
  const { project } = useProject();
  const canEdit = useCan('editor');
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => api.segments.list(project).then((p) => p.items), [project]);
  useLiveEvents((e) => {
    if (e.project === project && e.resource_type === 'segment') void list.reload(true);
  });
  const base = `/p/${encodeURIComponent(project)}/segments`;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Segments
        </Title>
        {canEdit && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New segment
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Reusable audiences: rules use them with the "is in segment" operator.
      </Text>
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.reload()} /> : null}
      {list.loading && !list.data ? (
        <Loading label="Loading segments…" />
      ) : list.data && list.data.length === 0 ? (
        <Empty
          title="No segments yet"
          description="Group contexts by key or by rules, then target them from any flag."
          action={canEdit && <Button onClick={() => setCreating(true)}>Create a segment</Button>}
        />
      ) : list.data ? (
        <Table.ScrollContainer minWidth={500}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Segment</Table.Th>
                <Table.Th>Included</Table.Th>
                <Table.Th>Excluded</Table.Th>
                <Table.Th>Rules</Table.Th>
                <Table.Th visibleFrom="md">Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((s) => (
                <Table.Tr key={s.key} data-testid="segment-row">
                  <Table.Td>
                    <Anchor component={Link} to={`${base}/${encodeURIComponent(s.key)}`} fw={600} size="sm">
                      {s.name || s.key}
                    </Anchor>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {s.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>{s.included_count}</Table.Td>
                  <Table.Td>{s.excluded_count}</Table.Td>
                  <Table.Td>{s.rules.length}</Table.Td>
                  <Table.Td visibleFrom="md">
                    <Time at={s.updated_at} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <CreateSegment project={project} opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
