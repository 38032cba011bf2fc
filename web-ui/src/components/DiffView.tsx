import { Badge, Code, Table, Text } from '@mantine/core';
import type { Change } from '../lib/diff';
import { preview } from '../lib/diff';

const COLORS = { added: 'green', removed: 'red', changed: 'blue', moved: 'grape' } as const;

/** A readable list of the differences between two documents. */
export function DiffView({ changes, empty = 'No differences.' }: { changes: Change[]; empty?: string }) {
  if (changes.length === 0) return <Text c="dimmed" size="sm">{empty}</Text>;
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table verticalSpacing={4} fz="sm" data-testid="diff">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={100}>Change</Table.Th>
            <Table.Th>Field</Table.Th>
            <Table.Th>Before</Table.Th>
            <Table.Th>After</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {changes.map((c, i) => (
            <Table.Tr key={i}>
              <Table.Td>
                <Badge size="sm" variant="light" color={COLORS[c.kind]} tt="none" style={{ overflow: 'visible' }}>
                  {c.kind}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Code>{c.path || '(document)'}</Code>
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-word' }}>
                {c.kind === 'moved' ? `position ${Number(c.before) + 1}` : c.before !== undefined && <Text span size="sm" c="red.8" ff="monospace">{preview(c.before, 200, c.path)}</Text>}
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-word' }}>
                {c.kind === 'moved' ? `position ${Number(c.after) + 1}` : c.after !== undefined && <Text span size="sm" c="green.9" ff="monospace">{preview(c.after, 200, c.path)}</Text>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
