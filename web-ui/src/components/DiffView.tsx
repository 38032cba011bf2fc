import { Anchor, Badge, Code, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { JsonValue } from '../api/types';
import { describeValue } from '../lib/describe';
import type { Change } from '../lib/diff';
import { preview } from '../lib/diff';

const COLORS = { added: 'green', removed: 'red', changed: 'blue', moved: 'grape' } as const;
const SHORT = 200;

/**
 * A value of a diff or a merge report: configuration parts in words (a rule's
 * conditions and serve, a target's keys...), anything else as JSON, cut only with a way
 * to see the rest.
 */
export function ValueView({ value, path = '', color }: { value: JsonValue | undefined; path?: string; color?: string }) {
  const [full, setFull] = useState(false);
  if (value === undefined) return null;
  const lines = describeValue(value);
  if (lines) {
    return (
      <Stack gap={0} data-testid="readable-value">
        {lines.map((l, i) => (
          <Text key={i} span size="sm" c={color} style={{ display: 'block', paddingLeft: i > 0 && /^(and|serve) /.test(l) ? 12 : 0 }}>
            {l}
          </Text>
        ))}
      </Stack>
    );
  }
  const whole = preview(value, Number.MAX_SAFE_INTEGER, path);
  const long = whole.length > SHORT;
  return (
    <Text span size="sm" c={color} ff="monospace" style={{ wordBreak: 'break-word' }}>
      {long && !full ? preview(value, SHORT, path) : whole}
      {long && (
        <>
          {' '}
          <Anchor component="button" type="button" size="xs" onClick={() => setFull((f) => !f)}>
            {full ? 'show less' : `show all (${whole.length} characters)`}
          </Anchor>
        </>
      )}
    </Text>
  );
}

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
                {c.kind === 'moved' ? `position ${Number(c.before) + 1}` : <ValueView value={c.before} path={c.path} color="red.8" />}
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-word' }}>
                {c.kind === 'moved' ? `position ${Number(c.after) + 1}` : <ValueView value={c.after} path={c.path} color="green.9" />}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
