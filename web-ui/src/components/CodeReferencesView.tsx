import { Badge, Group, List, Popover, Text, UnstyledButton } from '@mantine/core';
import type { FlagCodeReferences } from '../api/types';
import { formatTime, relativeTime } from '../lib/format';
import { placesLabel } from '../lib/codeRefs';

/**
 * A flag's code references on its page: "referenced in N places" with the repositories
 * and places on click, "not in code" after a scan that did not find it, nothing before
 * any scan was uploaded.
 */
export function CodeReferencesView({ refs }: { refs: FlagCodeReferences | undefined }) {
  if (!refs || !refs.last_scanned) return null;
  const scanned = `last scan ${relativeTime(refs.last_scanned)}`;
  if (refs.count === 0) {
    return (
      <Badge color="grape" variant="light" data-testid="code-refs" title={`No scanned repository mentions ${refs.key} (${scanned})`}>
        not in code
      </Badge>
    );
  }
  return (
    <Popover width={420} position="bottom-start" withArrow shadow="md">
      <Popover.Target>
        <UnstyledButton aria-label={`Code references of ${refs.key}`} data-testid="code-refs">
          <Badge color="teal" variant="light" style={{ cursor: 'pointer' }}>
            {placesLabel(refs.count)}
          </Badge>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        {refs.repositories.map((r) => (
          <div key={r.repository} data-testid="code-refs-repository">
            <Group gap="xs">
              <Text size="sm" fw={600}>
                {r.repository}
              </Text>
              <Text size="xs" c="dimmed" title={formatTime(r.scanned_at)}>
                {[r.branch, r.commit?.slice(0, 12)].filter(Boolean).join(' @ ')} · {r.count} · {relativeTime(r.scanned_at)}
              </Text>
            </Group>
            <List size="xs" ff="monospace" mb="xs">
              {r.locations.map((l) => (
                <List.Item key={`${l.path}:${l.line}`}>
                  {l.path}:{l.line}
                </List.Item>
              ))}
              {r.count > r.locations.length && <List.Item>… and {r.count - r.locations.length} more</List.Item>}
            </List>
          </div>
        ))}
      </Popover.Dropdown>
    </Popover>
  );
}
