import { Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api';
import type { AuditEntry, AuditQuery } from '../api/types';
import { useLiveEvents } from '../app/live';
import { useProject } from '../app/project';
import { AuditList } from '../components/AuditList';
import { RESOURCE_TYPES } from '../lib/audit';
import { Empty, ErrorAlert, Loading } from '../components/common';
import { auditEmpty } from '../lib/empty';
import { localInputToIso } from '../lib/format';

const TYPES = Object.entries(RESOURCE_TYPES).map(([value, label]) => ({ value, label }));
const PAGE = 50;

export default function AuditPage() {
  const { projects } = useProject();
  const [params, setParams] = useSearchParams();
  const get = (k: string) => params.get(k) ?? '';
  const [keyText, setKeyText] = useState(get('resource_key'));
  const [actorText, setActorText] = useState(get('actor'));
  const [debouncedKey] = useDebouncedValue(keyText, 300);
  const [debouncedActor] = useDebouncedValue(actorText, 300);
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [fresh, setFresh] = useState(0);
  const seq = useRef(0);

  const set = useCallback(
    (k: string, v: string) =>
      setParams(
        (p) => {
          const n = new URLSearchParams(p);
          if (v) n.set(k, v);
          else n.delete(k);
          return n;
        },
        { replace: true },
      ),
    [setParams],
  );
  useEffect(() => {
    if (debouncedKey !== (params.get('resource_key') ?? '')) set('resource_key', debouncedKey);
    if (debouncedActor !== (params.get('actor') ?? '')) set('actor', debouncedActor);
  }, [debouncedKey, debouncedActor, params, set]);

  const query: AuditQuery = {
    project: get('project') || undefined,
    resource_type: get('resource_type') || undefined,
    resource_key: get('resource_key') || undefined,
    actor: get('actor') || undefined,
    since: localInputToIso(get('since')),
    until: localInputToIso(get('until')),
  };
  const queryKey = JSON.stringify(query);

  const load = useCallback(async () => {
    const id = ++seq.current;
    setError(undefined);
    setFresh(0);
    try {
      const page = await api.audit.list({ ...(JSON.parse(queryKey) as AuditQuery), limit: PAGE });
      if (id !== seq.current) return;
      setEntries(page.items);
      setCursor(page.next_cursor);
    } catch (e) {
      if (id === seq.current) setError(e);
    }
  }, [queryKey]);

  useEffect(() => {
    setEntries(undefined);
    void load();
  }, [load]);

  useLiveEvents((e) => {
    if (query.project && e.project !== query.project) return;
    if (query.resource_type && e.resource_type !== query.resource_type) return;
    // Only the first page is shown: refresh it; with more loaded, offer to.
    if ((entries?.length ?? 0) <= PAGE) void load();
    else setFresh((n) => n + 1);
  });

  const more = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await api.audit.list({ ...query, limit: PAGE, cursor });
      setEntries((old) => [...(old ?? []), ...page.items]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  const filtered = Object.values(query).some(Boolean);

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Audit log
      </Title>
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
          <Select
            label="Project"
            placeholder="All projects"
            clearable
            data={projects.map((p) => ({ value: p.key, label: p.name || p.key }))}
            value={get('project') || null}
            onChange={(v) => set('project', v ?? '')}
          />
          <Select label="Resource type" placeholder="Any" clearable data={TYPES} value={get('resource_type') || null} onChange={(v) => set('resource_type', v ?? '')} />
          <TextInput
            label="Resource key"
            description="Exact, or ending in / for everything under it"
            placeholder="default/new-checkout/"
            value={keyText}
            onChange={(e) => setKeyText(e.currentTarget.value)}
          />
          <TextInput label="Actor" placeholder="user:ada@example.com" value={actorText} onChange={(e) => setActorText(e.currentTarget.value)} />
          <TextInput label="Since" type="datetime-local" value={get('since')} onChange={(e) => set('since', e.currentTarget.value)} />
          <TextInput label="Until" type="datetime-local" value={get('until')} onChange={(e) => set('until', e.currentTarget.value)} />
        </SimpleGrid>
        {filtered && (
          <Group mt="sm">
            <Button
              size="xs"
              variant="subtle"
              onClick={() => {
                setKeyText('');
                setActorText('');
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              Clear filters
            </Button>
          </Group>
        )}
      </Paper>
      {fresh > 0 && (
        <Group>
          <Button size="xs" variant="light" onClick={() => void load()}>
            {fresh} new entr{fresh === 1 ? 'y' : 'ies'}: show
          </Button>
        </Group>
      )}
      {error ? <ErrorAlert error={error} title="Could not load the audit log" onRetry={() => void load()} /> : null}
      {!entries && !error ? (
        <Loading label="Loading the audit log…" />
      ) : entries && entries.length === 0 ? (
        <Empty {...auditEmpty(query, (t) => RESOURCE_TYPES[t] ?? t)} />
      ) : entries ? (
        <>
          <AuditList entries={entries} />
          <Group justify="center">
            <Text size="sm" c="dimmed">
              {entries.length} entr{entries.length === 1 ? 'y' : 'ies'}
            </Text>
            {cursor && (
              <Button variant="default" size="xs" onClick={() => void more()} loading={loadingMore}>
                Load older
              </Button>
            )}
          </Group>
        </>
      ) : null}
    </Stack>
  );
}
