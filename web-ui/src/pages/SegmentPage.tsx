import { ActionIcon, Alert, Anchor, Badge, Box, Breadcrumbs, Button, Group, Modal, Paper, Stack, TagsInput, Text, Textarea, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api';
import { ApiError } from '../api/client';
import type { SegmentBody } from '../api/types';
import { useLiveEvents } from '../app/live';
import { useProject } from '../app/project';
import { useCan } from '../app/session';
import { ChangedBanner } from '../components/ChangedBanner';
import { ConfirmButton, Empty, ErrorAlert, Loading, Time } from '../components/common';
import { DiffView } from '../components/DiffView';
import { MergeReport } from '../components/MergeReport';
import { IconPlus, IconTrash } from '../components/icons';
import { ConditionsEditor } from '../components/RuleEditor';
import { deepEqual, toSegmentBody } from '../lib/config';
import { diffJson } from '../lib/diff';
import { mergeSegment, type MergeResult } from '../lib/merge';
import { errorAt, errorsUnder, removeAt, replaceAt } from '../lib/rules';
import { actorName } from '../lib/stream';

interface Loaded {
  body: SegmentBody;
  version: number;
  updated_at: string;
}

export default function SegmentPage() {
  const { project } = useProject();
  const { segment: key = '' } = useParams();
  const navigate = useNavigate();
  const canEdit = useCan('editor');
  const [loaded, setLoaded] = useState<Loaded>();
  const [draft, setDraft] = useState<SegmentBody>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [reviewing, setReviewing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [changed, setChanged] = useState<{ latest: Loaded; actor: string; conflict: boolean }>();
  const [merging, setMerging] = useState<{ base: SegmentBody; mine: SegmentBody; theirs: SegmentBody; takeTheirs: Set<string>; result: MergeResult<SegmentBody> }>();
  const [segments, setSegments] = useState<string[]>([]);
  const base = `/p/${encodeURIComponent(project)}/segments`;

  const fetchLatest = useCallback(async (): Promise<Loaded> => {
    const r = await api.segments.get(project, key);
    return { body: toSegmentBody(r.data), version: r.version, updated_at: r.data.updated_at };
  }, [project, key]);

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      const l = await fetchLatest();
      setLoaded(l);
      setDraft(l.body);
    } catch (e) {
      setLoadError(e);
    }
  }, [fetchLatest]);

  useEffect(() => {
    void load();
    api.segments
      .list(project)
      .then((p) => setSegments(p.items.map((s) => s.key)))
      .catch(() => {});
  }, [load, project]);

  const dirty = !!loaded && !!draft && !deepEqual(loaded.body, toSegmentBody(draft));
  const changes = useMemo(() => (loaded && draft ? diffJson(loaded.body as never, toSegmentBody(draft) as never) : []), [loaded, draft]);
  const ref = useRef({ loaded, dirty });
  ref.current = { loaded, dirty };
  const writing = useRef(0);

  const missed = useRef<string | null>(null);
  const checkLatest = (actor: string) => {
    void fetchLatest()
      .then((latest) => {
        const cur = ref.current;
        if (writing.current > 0) {
          missed.current = actor;
          return;
        }
        if (cur.loaded && latest.version <= cur.loaded.version) return;
        // A 412 banner stays one, now on the newest version.
        if (cur.dirty) setChanged((c) => ({ latest, actor, conflict: c?.conflict ?? false }));
        else {
          setLoaded(latest);
          setDraft(latest.body);
        }
      })
      .catch(() => {});
  };

  useLiveEvents((e) => {
    if (e.resource_type !== 'segment' || e.resource_key !== `${project}/${key}`) return;
    if (e.action === 'segment.delete') {
      notifications.show({ color: 'red', message: `${key} was deleted by ${actorName(e.actor)}` });
      navigate(base);
      return;
    }
    if (writing.current > 0) missed.current = e.actor;
    else checkLatest(e.actor);
  });

  const discardTo = (l: Loaded) => {
    setLoaded(l);
    setDraft(l.body);
    setChanged(undefined);
    setMerging(undefined);
    setError(undefined);
  };
  /** Re-applies only what I changed since `loaded` on top of `l` (a three-way merge). */
  const reapplyOn = (l: Loaded) => {
    if (!loaded || !draft) return;
    const mine = toSegmentBody(draft);
    const result = mergeSegment(loaded.body, mine, l.body);
    setMerging({ base: loaded.body, mine, theirs: l.body, takeTheirs: new Set(), result });
    setDraft(result.merged);
    setLoaded(l);
    setChanged(undefined);
    setError(undefined);
    setReviewing(true);
  };
  const choose = (id: string, keep: 'mine' | 'theirs') => {
    if (!merging) return;
    const takeTheirs = new Set(merging.takeTheirs);
    if (keep === 'theirs') takeTheirs.add(id);
    else takeTheirs.delete(id);
    const result = mergeSegment(merging.base, merging.mine, merging.theirs, { takeTheirs });
    setMerging({ ...merging, takeTheirs, result });
    setDraft(result.merged);
  };

  const save = async () => {
    if (!loaded || !draft) return;
    setSaving(true);
    setError(undefined);
    writing.current++;
    try {
      const r = await api.segments.replace(project, key, draft, loaded.version);
      discardTo({ body: toSegmentBody(r.data), version: r.version, updated_at: r.data.updated_at });
      setReviewing(false);
      notifications.show({ color: 'teal', message: `Saved segment ${key}` });
    } catch (e) {
      setReviewing(false);
      if (e instanceof ApiError && e.isVersionConflict) {
        const latest = await fetchLatest().catch(() => undefined);
        let actor = 'someone';
        try {
          actor = (await api.audit.list({ resource_key: `${project}/${key}`, resource_type: 'segment', limit: 1 })).items[0]?.actor ?? actor;
        } catch {
          // keep "someone"
        }
        if (latest) setChanged({ latest, actor, conflict: true });
        else setError(e);
      } else setError(e);
    } finally {
      writing.current--;
      setSaving(false);
      const actor = missed.current;
      if (actor && writing.current === 0) {
        missed.current = null;
        setTimeout(() => checkLatest(actor), 0);
      }
    }
  };

  if (loadError)
    return loadError instanceof ApiError && loadError.status === 404 ? (
      <Empty title="No such segment" action={<Anchor component={Link} to={base}>Back to the segments</Anchor>} />
    ) : (
      <ErrorAlert error={loadError} onRetry={() => void load()} />
    );
  if (!loaded || !draft) return <Loading label="Loading segment…" />;
  const fields = error instanceof ApiError ? error.fieldErrors : {};
  const disabled = !canEdit;
  const set = (patch: Partial<SegmentBody>) => setDraft({ ...draft, ...patch });

  return (
    <Stack gap="md" maw={1000}>
      <Breadcrumbs>
        <Anchor component={Link} to={base}>
          Segments
        </Anchor>
        <Text>{key}</Text>
      </Breadcrumbs>
      <Group justify="space-between" wrap="wrap">
        <Stack gap={2}>
          <Title order={1} size="h2">
            {loaded.body.name || key}
          </Title>
          <Text size="sm" c="dimmed">
            <Text span ff="monospace">{key}</Text> · version {loaded.version} · updated <Time at={loaded.updated_at} />
          </Text>
        </Stack>
        {canEdit && (
          <ConfirmButton
            title={`Delete segment ${key}?`}
            message={<Text size="sm">Flags whose rules use this segment keep the server from deleting it; it then lists them.</Text>}
            confirmLabel="Delete"
            onConfirm={async () => {
              await api.segments.remove(project, key, loaded.version);
              notifications.show({ message: `Segment ${key} deleted` });
              navigate(base);
            }}
          >
            Delete
          </ConfirmButton>
        )}
      </Group>
      {changed && (
        changed.conflict ? (
          <Alert color="orange" title={`Version ${changed.latest.version} was saved by ${actorName(changed.actor)} while you were editing`} role="alert">
            <Text size="sm">Your changes were not saved.</Text>
            <Group mt="xs" gap="xs">
              <Button size="xs" onClick={() => reapplyOn(changed.latest)}>
                Re-apply my edits on top of version {changed.latest.version}
              </Button>
              <Button size="xs" variant="default" onClick={() => discardTo(changed.latest)}>
                Discard my edits
              </Button>
            </Group>
          </Alert>
        ) : (
          <ChangedBanner actor={changed.actor} what="This segment" onLoadLatest={() => discardTo(changed.latest)} onReapply={() => reapplyOn(changed.latest)} onDismiss={() => setChanged(undefined)} />
        )
      )}
      {error ? <ErrorAlert error={error} title="Could not save the segment" /> : null}
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <TextInput label="Name" value={draft.name} disabled={disabled} error={errorAt(fields, '/name')} onChange={(e) => set({ name: e.currentTarget.value })} />
          <Textarea label="Description" value={draft.description} disabled={disabled} autosize minRows={2} error={errorAt(fields, '/description')} onChange={(e) => set({ description: e.currentTarget.value })} />
          <TagsInput label="Always included (context keys)" description="Included wins over excluded." value={draft.included} disabled={disabled} error={errorAt(fields, '/included', true)} onChange={(included) => set({ included })} clearable />
          <TagsInput label="Always excluded (context keys)" value={draft.excluded} disabled={disabled} error={errorAt(fields, '/excluded', true)} onChange={(excluded) => set({ excluded })} clearable />
        </Stack>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="xs">
          Rules
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          A context matching any rule is in the segment (unless excluded by key).
        </Text>
        <Stack gap="sm">
          {draft.rules.map((r, i) => (
            <Paper key={i} withBorder p="sm" radius="sm" role="group" aria-label={`Segment rule ${i + 1}`}>
              <Group justify="space-between" mb="xs">
                <Text fw={600} size="sm">
                  {i > 0 ? 'OR ' : ''}Rule {i + 1}
                </Text>
                <Tooltip label="Delete rule">
                  <ActionIcon variant="subtle" color="red" aria-label={`Delete segment rule ${i + 1}`} disabled={disabled} onClick={() => set({ rules: removeAt(draft.rules, i) })}>
                    <IconTrash />
                  </ActionIcon>
                </Tooltip>
              </Group>
              <ConditionsEditor
                conditions={r.conditions}
                place="segment"
                segments={segments}
                owner={`segment rule ${i + 1}`}
                disabled={disabled}
                errors={errorsUnder(fields, `/rules/${i}/conditions`)}
                onChange={(conditions) => set({ rules: replaceAt(draft.rules, i, { ...r, conditions }) })}
              />
            </Paper>
          ))}
          <Group>
            <Button variant="light" leftSection={<IconPlus size={16} />} disabled={disabled} onClick={() => set({ rules: [...draft.rules, { conditions: [{ attribute: '', op: 'in', values: [], negate: false }] }] })}>
              Add rule
            </Button>
          </Group>
        </Stack>
      </Paper>
      {dirty && (
        <Box className="sticky-footer" py="sm" px="md" mx="-md">
          <Group justify="space-between">
            <Group gap="xs">
              <Badge color="yellow" variant="light">
                Unsaved
              </Badge>
              <Text size="sm">{changes.length} change{changes.length === 1 ? '' : 's'}</Text>
            </Group>
            <Group gap="xs">
              <Button variant="default" onClick={() => setDraft(loaded.body)}>
                Discard
              </Button>
              <Button onClick={() => setReviewing(true)}>Review and save</Button>
            </Group>
          </Group>
        </Box>
      )}
      <Modal opened={reviewing} onClose={() => setReviewing(false)} title={`Save segment ${key}?`} size="xl">
        <Stack>
          {merging && loaded && (
            <MergeReport version={loaded.version} result={merging.result} onChoose={draft && deepEqual(toSegmentBody(draft), merging.result.merged) ? choose : undefined} />
          )}
          <DiffView changes={changes} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setReviewing(false)}>
              Keep editing
            </Button>
            <Button loading={saving} onClick={() => void save()} data-autofocus>
              Save version {loaded.version + 1}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
