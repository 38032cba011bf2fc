import { Alert, Group, List, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import type { JsonValue } from '../api/types';
import type { MergeConflict, MergeResult, Side } from '../lib/merge';
import { ValueView } from './DiffView';

const DID: Record<Side, string> = { added: 'added', changed: 'changed', deleted: 'deleted' };

/**
 * What re-applying my edits on a newer version did: the parts re-applied and the
 * conflicts (both sides changed a part), each with both versions and, while the merge
 * is still what the form holds, a choice of which to keep.
 */
export function MergeReport({
  version,
  result,
  onChoose,
}: {
  version: number;
  result: MergeResult<unknown>;
  /** Absent once the form was edited after the merge: the choice is then made by editing. */
  onChoose?: (id: string, keep: 'mine' | 'theirs') => void;
}) {
  const { conflicts, applied } = result;
  return (
    <Alert color={conflicts.length ? 'orange' : 'blue'} title={`Your edits, re-applied on top of version ${version}`} data-testid="merge-report">
      <Stack gap="xs">
        {applied.length > 0 ? (
          <>
            <Text size="sm">Only what you changed was re-applied; everything else is as version {version} has it:</Text>
            <List size="sm">
              {applied.map((a) => (
                <List.Item key={a}>{a}</List.Item>
              ))}
            </List>
          </>
        ) : (
          <Text size="sm">None of your edits differed from version {version}.</Text>
        )}
        {conflicts.length > 0 && (
          <>
            <Text size="sm" fw={600}>
              {conflicts.length === 1 ? 'One part was' : `${conflicts.length} parts were`} changed on both sides. Choose which version to keep:
            </Text>
            {conflicts.map((c) => (
              <ConflictRow key={c.id} conflict={c} onChoose={onChoose} />
            ))}
          </>
        )}
      </Stack>
    </Alert>
  );
}

function ConflictRow({ conflict: c, onChoose }: { conflict: MergeConflict; onChoose?: (id: string, keep: 'mine' | 'theirs') => void }) {
  const cell = (side: Side, value: JsonValue | undefined) =>
    side === 'deleted' ? (
      <Text size="sm" c="dimmed">
        (deleted)
      </Text>
    ) : value === undefined ? (
      <Text size="sm" c="dimmed">
        (moved)
      </Text>
    ) : (
      <ValueView value={value} />
    );
  return (
    <Stack gap={4} data-testid="merge-conflict" data-conflict={c.label}>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" fw={500}>
          {c.label}: you {DID[c.mine]} it, they {DID[c.theirs]} it
        </Text>
        {onChoose ? (
          <SegmentedControl
            size="xs"
            aria-label={`Keep which version of ${c.label}`}
            value={c.kept}
            onChange={(v) => onChoose(c.id, v as 'mine' | 'theirs')}
            data={[
              { value: 'mine', label: 'Keep mine' },
              { value: 'theirs', label: 'Keep theirs' },
            ]}
          />
        ) : (
          <Text size="xs" c="dimmed">
            keeping {c.kept}
          </Text>
        )}
      </Group>
      <Table fz="sm" withTableBorder verticalSpacing={2}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="50%">Mine</Table.Th>
            <Table.Th>Theirs</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td style={{ verticalAlign: 'top' }}>{cell(c.mine, c.mineValue)}</Table.Td>
            <Table.Td style={{ verticalAlign: 'top' }}>{cell(c.theirs, c.theirsValue)}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
