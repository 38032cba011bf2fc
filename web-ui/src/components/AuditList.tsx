import { Badge, Blockquote, Button, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import type { AuditEntry, JsonValue } from '../api/types';
import { actionLabel, resourceLabel } from '../lib/audit';
import { diffJson } from '../lib/diff';
import { formatTime } from '../lib/format';
import { actorName } from '../lib/stream';
import { Time } from './common';
import { DiffView } from './DiffView';

function versionOf(doc: JsonValue | null): number | undefined {
  return doc && typeof doc === 'object' && !Array.isArray(doc) && typeof doc.version === 'number' ? doc.version : undefined;
}

const ACTION_COLORS: Record<string, string> = {
  create: 'teal',
  update: 'blue',
  toggle: 'grape',
  delete: 'red',
  revoke: 'red',
  archive: 'gray',
  restore: 'teal',
};

export function AuditEntryView({
  entry,
  showResource = true,
  defaultOpen = false,
  actions,
}: {
  entry: AuditEntry;
  showResource?: boolean;
  defaultOpen?: boolean;
  /** Extra controls for this entry (e.g. restoring the version it wrote). */
  actions?: (entry: AuditEntry) => ReactNode;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const verb = entry.action.split('.').pop() ?? entry.action;
  const toggledOff = entry.action === 'flag_config.toggle' && (entry.after as { enabled?: boolean } | null)?.enabled === false;
  const from = versionOf(entry.before);
  const to = versionOf(entry.after);
  const changes = open ? diffJson((entry.before ?? {}) as JsonValue, (entry.after ?? {}) as JsonValue, { ignore: ['version', 'updated_at'] }) : [];
  return (
    <Paper withBorder p="sm" radius="sm" data-testid="audit-entry" data-action={entry.action} data-resource={entry.resource_key}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="wrap">
          <Tooltip label={entry.action} openDelay={300}>
            <Badge color={toggledOff ? 'gray' : (ACTION_COLORS[verb] ?? 'blue')} variant="light" tt="none" data-testid="audit-action">
              {actionLabel(entry)}
            </Badge>
          </Tooltip>
          {showResource && (
            <Tooltip label={entry.resource_key} openDelay={300}>
              <Text size="sm" fw={500} data-testid="audit-resource">
                {resourceLabel(entry)}
              </Text>
            </Tooltip>
          )}
          {entry.environment && entry.resource_type !== 'flag_config' && entry.resource_type !== 'sdk_key' && (
            <Badge variant="outline" color="gray" tt="none">
              {entry.environment}
            </Badge>
          )}
          <Text size="sm">by {actorName(entry.actor)}</Text>
          <Text size="sm" c="dimmed" title={formatTime(entry.at)}>
            <Time at={entry.at} />
          </Text>
          {from !== undefined && to !== undefined && from !== to && (
            <Text size="xs" c="dimmed">
              v{from} → v{to}
            </Text>
          )}
        </Group>
        <Group gap="xs">
          {actions?.(entry)}
          {(entry.before || entry.after) && (
            <Button size="compact-xs" variant="subtle" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
              {open ? 'Hide changes' : 'Show changes'}
            </Button>
          )}
        </Group>
      </Group>
      {entry.comment && (
        <Blockquote p="xs" mt="xs" fz="sm" data-testid="audit-comment" cite={`— ${actorName(entry.actor)}`}>
          {entry.comment}
        </Blockquote>
      )}
      {open && (
        <Stack mt="xs" gap={4}>
          <DiffView changes={changes} empty="Nothing but the version changed." />
        </Stack>
      )}
    </Paper>
  );
}

export function AuditList({
  entries,
  showResource = true,
  actions,
}: {
  entries: AuditEntry[];
  showResource?: boolean;
  actions?: (entry: AuditEntry) => ReactNode;
}) {
  return (
    <Stack gap="xs" data-testid="audit-list">
      {entries.map((e) => (
        <AuditEntryView key={e.id} entry={e} showResource={showResource} actions={actions} />
      ))}
    </Stack>
  );
}
