import { Button, Group, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import type { AuditEntry } from '../../api/types';
import { useLiveEvents } from '../../app/live';
import { AuditList } from '../../components/AuditList';
import { Empty, ErrorAlert, Loading } from '../../components/common';
import { RestoreVersion } from '../../components/RestoreVersion';
import { isAboutFlag } from '../../lib/stream';

const PAGE = 50;

/** Merges two newest-first pages by id, without duplicates. */
export function mergeById(a: AuditEntry[], b: AuditEntry[]): AuditEntry[] {
  const seen = new Map<number, AuditEntry>();
  for (const e of [...a, ...b]) seen.set(e.id, e);
  return [...seen.values()].sort((x, y) => y.id - x.id);
}

/** The flag's history: its definition (`p/flag`) and its configurations (`p/flag/`). */
export function HistoryTab({ project, flag }: { project: string; flag: string }) {
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [cursors, setCursors] = useState<{ own?: string; configs?: string }>({});
  const [error, setError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  const key = `${project}/${flag}`;

  const load = useCallback(async () => {
    setError(undefined);
    try {
      const [own, configs] = await Promise.all([
        api.audit.list({ resource_key: key, limit: PAGE }),
        api.audit.list({ resource_key: `${key}/`, limit: PAGE }),
      ]);
      setEntries(mergeById(own.items, configs.items));
      setCursors({ own: own.next_cursor, configs: configs.next_cursor });
    } catch (e) {
      setError(e);
    }
  }, [key]);

  useEffect(() => {
    void load();
  }, [load]);

  useLiveEvents((e) => {
    if (isAboutFlag(e, project, flag)) void load();
  });

  const more = async () => {
    setLoadingMore(true);
    try {
      const [own, configs] = await Promise.all([
        cursors.own ? api.audit.list({ resource_key: key, limit: PAGE, cursor: cursors.own }) : undefined,
        cursors.configs ? api.audit.list({ resource_key: `${key}/`, limit: PAGE, cursor: cursors.configs }) : undefined,
      ]);
      setEntries((old) => mergeById(old ?? [], [...(own?.items ?? []), ...(configs?.items ?? [])]));
      setCursors({ own: own?.next_cursor, configs: configs?.next_cursor });
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  if (error && !entries) return <ErrorAlert error={error} title="Could not load the history" onRetry={() => void load()} />;
  if (!entries) return <Loading label="Loading history…" />;
  if (entries.length === 0) return <Empty title="No history yet" />;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Every change to this flag and its configurations, newest first. Any version a change wrote can be restored.
      </Text>
      {error ? <ErrorAlert error={error} /> : null}
      <AuditList entries={entries} showResource actions={(e) => <RestoreVersion project={project} flag={flag} entry={e} onRestored={() => void load()} />} />
      {(cursors.own || cursors.configs) && (
        <Group justify="center">
          <Button variant="default" onClick={() => void more()} loading={loadingMore}>
            Load older changes
          </Button>
        </Group>
      )}
    </Stack>
  );
}
