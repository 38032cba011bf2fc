import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Code,
  Group,
  List,
  Modal,
  Paper,
  Select,
  Stack,
  Switch,
  TagsInput,
  TextInput,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api';
import { ApiError, errorMessage } from '../../api/client';
import type { ConfigPreview, Environment, Flag, FlagConfig, FlagConfigRecord, Prerequisite, Target } from '../../api/types';
import { useLiveEvents } from '../../app/live';
import { ChangedBanner } from '../../components/ChangedBanner';
import { ErrorAlert, Loading, Time } from '../../components/common';
import { ConfirmToggle, type PendingToggle } from '../../components/ConfirmToggle';
import { DiffView } from '../../components/DiffView';
import { MergeReport } from '../../components/MergeReport';
import { IconPlus, IconTrash } from '../../components/icons';
import { RolloutMovement } from '../../components/RolloutMovement';
import { RulesEditor } from '../../components/RuleEditor';
import { ServeEditor } from '../../components/ServeEditor';
import { deepEqual, normalizeConfig, toConfigBody } from '../../lib/config';
import { diffJson } from '../../lib/diff';
import { keepLayouts } from '../../lib/rollout';
import { mergeConfig, type MergeResult } from '../../lib/merge';
import { localInputToIso } from '../../lib/format';
import { configPatch } from '../../lib/patch';
import { isProtected } from '../../lib/protect';
import { errorAt, errorsUnder, removeAt, replaceAt } from '../../lib/rules';
import { ReleasePlanSection } from './ReleasePlanSection';
import { actorName, configEnvironment } from '../../lib/stream';
import { configWarnings, describePointer } from '../../lib/validate';

interface Loaded {
  config: FlagConfig;
  version: number;
  updated_at: string;
}

function fromRecord(r: FlagConfigRecord, version?: number): Loaded {
  return { config: normalizeConfig(r), version: version ?? r.version, updated_at: r.updated_at };
}

/** A three-way merge in progress: its inputs, the parts resolved with theirs, and its result. */
interface Merging {
  base: FlagConfig;
  mine: FlagConfig;
  theirs: FlagConfig;
  takeTheirs: Set<string>;
  result: MergeResult<FlagConfig>;
}

function startMerge(base: FlagConfig, mine: FlagConfig, theirs: FlagConfig): Merging {
  const [b, m, t] = [toConfigBody(base), toConfigBody(mine), toConfigBody(theirs)];
  return { base: b, mine: m, theirs: t, takeTheirs: new Set(), result: mergeConfig(b, m, t) };
}

/** Who last changed a flag's configuration in an environment, from the audit log. */
async function lastActor(project: string, flag: string, env: string): Promise<string | undefined> {
  try {
    const page = await api.audit.list({ resource_key: `${project}/${flag}/${env}`, limit: 1 });
    return page.items[0]?.actor;
  } catch {
    return undefined;
  }
}

function PrerequisitesEditor({
  value,
  onChange,
  flags,
  self,
  errors,
  disabled,
}: {
  value: Prerequisite[];
  onChange: (p: Prerequisite[]) => void;
  flags: Flag[] | undefined;
  self: string;
  errors?: Record<string, string[]>;
  disabled?: boolean;
}) {
  const others = (flags ?? []).filter((f) => f.key !== self);
  return (
    <Stack gap="xs">
      {value.length === 0 && (
        <Text size="sm" c="dimmed">
          No prerequisites.
        </Text>
      )}
      {value.map((p, i) => {
        const target = others.find((f) => f.key === p.flag);
        const flagData = others.map((f) => ({ value: f.key, label: f.key }));
        if (p.flag && !target) flagData.push({ value: p.flag, label: p.flag });
        const variants = target?.variants.map((v) => v.key) ?? (p.variant ? [p.variant] : []);
        return (
          <Group key={i} gap="xs" align="flex-start" role="group" aria-label={`Prerequisite ${i + 1}`}>
            <Select
              label="Flag"
              searchable
              w={240}
              data={flagData}
              value={p.flag || null}
              disabled={disabled}
              placeholder={flags ? 'Pick a flag' : 'Loading flags…'}
              error={errorAt(errors, `/${i}/flag`)}
              nothingFoundMessage="No such flag"
              onChange={(f) => {
                const nt = others.find((x) => x.key === f);
                onChange(replaceAt(value, i, { flag: f ?? '', variant: nt?.variants[0]?.key ?? '' }));
              }}
            />
            <Select
              label="Must serve"
              w={180}
              data={variants}
              value={p.variant || null}
              disabled={disabled}
              allowDeselect={false}
              error={errorAt(errors, `/${i}/variant`)}
              onChange={(v) => onChange(replaceAt(value, i, { ...p, variant: v ?? '' }))}
            />
            <Tooltip label="Remove prerequisite">
              <ActionIcon mt={28} size="lg" variant="subtle" color="red" aria-label={`Remove prerequisite ${i + 1}`} disabled={disabled} onClick={() => onChange(removeAt(value, i))}>
                <IconTrash />
              </ActionIcon>
            </Tooltip>
          </Group>
        );
      })}
      <Group>
        <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} disabled={disabled || others.length === 0} onClick={() => onChange([...value, { flag: '', variant: '' }])}>
          Add prerequisite
        </Button>
      </Group>
    </Stack>
  );
}

function TargetsEditor({
  value,
  variants,
  onChange,
  error,
  disabled,
}: {
  value: Target[];
  variants: string[];
  onChange: (t: Target[]) => void;
  error?: string;
  disabled?: boolean;
}) {
  const keysOf = (variant: string) => value.filter((t) => t.variant === variant).flatMap((t) => t.keys);
  const unknown = value.filter((t) => !variants.includes(t.variant) && t.keys.length > 0);
  return (
    <Stack gap="xs">
      {variants.map((v) => (
        <TagsInput
          key={v}
          label={`Serve ${v} to`}
          placeholder="Context keys (Enter after each)"
          value={keysOf(v)}
          disabled={disabled}
          clearable
          onChange={(keys) => {
            const rest = value.filter((t) => t.variant !== v);
            const next = variants.flatMap((x) => (x === v ? (keys.length ? [{ variant: v, keys }] : []) : rest.filter((t) => t.variant === x)));
            onChange([...next, ...rest.filter((t) => !variants.includes(t.variant))]);
          }}
        />
      ))}
      {unknown.map((t) => (
        <Text key={t.variant} size="sm" c="red">
          Targets for unknown variant {t.variant}: {t.keys.join(', ')}
        </Text>
      ))}
      {error && (
        <Text size="sm" c="red">
          {error}
        </Text>
      )}
    </Stack>
  );
}

export function EnvironmentTab({
  project,
  flag,
  env,
  segments,
  flags,
  canEdit,
  onDirtyChange,
  onEnabledChange,
}: {
  project: string;
  flag: Flag;
  env: Environment;
  segments: string[];
  flags: Flag[] | undefined;
  canEdit: boolean;
  onDirtyChange: (env: string, dirty: boolean) => void;
  onEnabledChange: (env: string, enabled: boolean, version: number) => void;
}) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [draft, setDraft] = useState<FlagConfig>();
  const [loadError, setLoadError] = useState<unknown>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [saveError, setSaveError] = useState<unknown>();
  const [reviewing, setReviewing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [toggling, setToggling] = useState(false);
  const [conflict, setConflict] = useState<{ latest: Loaded; actor?: string }>();
  const [elsewhere, setElsewhere] = useState<{ latest: Loaded; actor: string }>();
  const [preview, setPreview] = useState<{ data?: ConfigPreview }>();
  const [merging, setMerging] = useState<Merging>();
  // The switch shows the newest state the server told us of, even while a banner keeps
  // an older version as the base of my edits.
  const [live, setLive] = useState<{ enabled: boolean; version: number }>();
  const [confirming, setConfirming] = useState<PendingToggle>();
  // The review dialog's extras: when to apply (empty: now) and a change request's title.
  const [applyAt, setApplyAt] = useState('');
  const [requestTitle, setRequestTitle] = useState('');
  const variants = useMemo(() => flag.variants.map((v) => v.key), [flag.variants]);

  const fetchLatest = useCallback(async () => {
    const r = await api.flags.getConfig(project, flag.key, env.key);
    return fromRecord(r.data, r.version);
  }, [project, flag.key, env.key]);

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      const l = await fetchLatest();
      setLoaded(l);
      setDraft(l.config);
      setLive({ enabled: l.config.enabled, version: l.version });
      setFieldErrors({});
    } catch (e) {
      setLoadError(e);
    }
  }, [fetchLatest]);

  useEffect(() => {
    setLoaded(undefined);
    setDraft(undefined);
    setConflict(undefined);
    setElsewhere(undefined);
    void load();
  }, [load]);

  const baseBody = useMemo(() => (loaded ? toConfigBody(loaded.config) : undefined), [loaded]);
  // A rollout whose shares are back to the stored ones keeps its stored layout, as on save.
  const draftBody = useMemo(() => (draft && baseBody ? keepLayouts(baseBody, toConfigBody(draft)) : undefined), [draft, baseBody]);
  const dirty = !!baseBody && !!draftBody && !deepEqual(baseBody, draftBody);
  const changes = useMemo(() => (baseBody && draftBody && dirty ? diffJson(baseBody as never, draftBody as never) : []), [baseBody, draftBody, dirty]);
  const warnings = useMemo(() => (draft ? configWarnings(toConfigBody(draft), variants, segments) : []), [draft, variants, segments]);

  useEffect(() => onDirtyChange(env.key, dirty), [dirty, env.key, onDirtyChange]);

  // The review dialog shows what the server would store, and who changes variant, from a
  // dry run of the same save.
  const previewVersion = loaded?.version;
  useEffect(() => {
    if (!reviewing || !draftBody || previewVersion === undefined) return;
    let current = true;
    setPreview({});
    api.flags
      .previewConfig(project, flag.key, env.key, draftBody, previewVersion)
      .then((data) => current && setPreview({ data }))
      .catch(() => current && setPreview(undefined)); // the save itself reports what is wrong
    return () => {
      current = false;
    };
  }, [reviewing, draftBody, previewVersion, project, flag.key, env.key]);
  const previewing = !!preview && !preview.data;
  const reviewChanges = useMemo(
    () => (baseBody && preview?.data ? diffJson(baseBody as never, toConfigBody(preview.data.config) as never) : changes),
    [baseBody, preview, changes],
  );

  // Warn before leaving the page with unsaved edits.
  useEffect(() => {
    if (!dirty) return;
    const h = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', h);
    return () => window.removeEventListener('beforeunload', h);
  }, [dirty]);

  const stateRef = useRef({ loaded, dirty, live, conflict });
  stateRef.current = { loaded, dirty, live, conflict };

  /** Shows a newer server state on the switch (and the tab's dot). */
  const showLive = useCallback(
    (l: Loaded) => {
      const cur = stateRef.current.live;
      if (cur && l.version < cur.version) return;
      setLive({ enabled: l.config.enabled, version: l.version });
      onEnabledChange(env.key, l.config.enabled, l.version);
    },
    [env.key, onEnabledChange],
  );
  // Writes of this page in flight: their own events must not look like someone else's.
  const writing = useRef(0);

  // An event that arrived during a write of this page: checked once the write is done.
  const missed = useRef<string | null>(null);

  const checkLatest = (actor: string) => {
    void fetchLatest()
      .then((latest) => {
        const { loaded: current, dirty: isDirty } = stateRef.current;
        if (writing.current > 0) {
          missed.current = actor;
          return;
        }
        if (current && latest.version <= current.version) return; // ours, or older
        showLive(latest);
        if (!isDirty) {
          setLoaded(latest);
          setDraft(latest.config);
          notifications.show({ message: `${flag.key} in ${env.key} was updated by ${actorName(actor)}`, color: 'blue' });
        } else {
          // A conflict banner already up re-applies on the newest version.
          const c = stateRef.current.conflict;
          if (!c) setElsewhere({ latest, actor });
          else if (latest.version > c.latest.version) setConflict({ latest, actor });
        }
      })
      .catch(() => {});
  };

  const writeDone = () => {
    writing.current--;
    const actor = missed.current;
    if (actor && writing.current === 0) {
      missed.current = null;
      // After React has applied the write's answer.
      setTimeout(() => checkLatest(actor), 0);
    }
  };

  useLiveEvents((e) => {
    if (configEnvironment(e, project, flag.key) !== env.key) return;
    if (writing.current > 0) {
      missed.current = e.actor; // the write's answer brings its version; re-check after
      return;
    }
    checkLatest(e.actor);
  });

  const discardTo = (latest: Loaded) => {
    setLoaded(latest);
    setDraft(latest.config);
    setFieldErrors({});
    setSaveError(undefined);
    setConflict(undefined);
    setElsewhere(undefined);
    setMerging(undefined);
    showLive(latest);
  };

  /** Re-applies only what I changed since `loaded` on top of `latest` (a three-way merge). */
  const reapplyOn = (latest: Loaded) => {
    if (!loaded || !draft) return;
    const m = startMerge(loaded.config, draft, latest.config);
    setLoaded(latest);
    setDraft(m.result.merged);
    setConflict(undefined);
    setElsewhere(undefined);
    setSaveError(undefined);
    setMerging(m);
    showLive(latest);
    setReviewing(true);
  };

  /** Keeps mine or theirs for one conflict of the merge (while the form holds the merge). */
  const choose = (id: string, keep: 'mine' | 'theirs') => {
    if (!merging) return;
    const takeTheirs = new Set(merging.takeTheirs);
    if (keep === 'theirs') takeTheirs.add(id);
    else takeTheirs.delete(id);
    const result = mergeConfig(merging.base, merging.mine, merging.theirs, { takeTheirs });
    setMerging({ ...merging, takeTheirs, result });
    setDraft(result.merged);
  };

  /**
   * Saving where it cannot be written now: a change request (environments that require
   * approval, with the time when set) or a scheduled change. Both hold the semantic patch
   * of my edits, so they keep what others change meanwhile.
   */
  const propose = async () => {
    if (!loaded || !draft) return;
    const instructions = configPatch(baseBody ?? loaded.config, draftBody ?? draft);
    const runAt = localInputToIso(applyAt);
    setSaving(true);
    setSaveError(undefined);
    try {
      if (env.requires_approval) {
        const title = requestTitle.trim() || `Change ${flag.key} in ${env.name || env.key}`;
        const cr = await api.changeRequests.create(project, {
          flag: flag.key,
          environment: env.key,
          title,
          patch: { instructions },
          ...(runAt ? { scheduled_at: runAt } : {}),
        });
        notifications.show({ color: 'teal', message: `Change request ${cr.id} created: it applies once approved` });
      } else if (runAt) {
        const sc = await api.scheduledChanges.create(project, { flag: flag.key, environment: env.key, patch: { instructions }, run_at: runAt });
        notifications.show({ color: 'teal', message: `Scheduled change ${sc.id} will apply ${new Date(sc.run_at).toLocaleString()}` });
      }
      setReviewing(false);
      setApplyAt('');
      setRequestTitle('');
      discardTo(loaded);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 422 || e.status === 400) && e.problem.errors?.length) setFieldErrors(e.fieldErrors);
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const save = async () => {
    if (!loaded || !draft) return;
    setSaving(true);
    setSaveError(undefined);
    writing.current++;
    try {
      const r = await api.flags.putConfig(project, flag.key, env.key, draftBody ?? draft, loaded.version);
      const l = fromRecord(r.data, r.version);
      setLoaded(l);
      setDraft(l.config);
      setFieldErrors({});
      setReviewing(false);
      setMerging(undefined);
      setElsewhere((e) => (e && e.latest.version <= l.version ? undefined : e));
      showLive(l);
      notifications.show({ color: 'teal', message: `Saved ${flag.key} in ${env.name || env.key} (version ${l.version})` });
    } catch (e) {
      if (e instanceof ApiError && e.isVersionConflict) {
        setReviewing(false);
        try {
          const [latest, actor] = await Promise.all([fetchLatest(), lastActor(project, flag.key, env.key)]);
          setConflict({ latest, actor });
          setElsewhere(undefined);
          showLive(latest);
        } catch (e2) {
          setSaveError(e2);
        }
      } else if (e instanceof ApiError && (e.status === 422 || e.status === 400) && e.problem.errors?.length) {
        setFieldErrors(e.fieldErrors);
        setSaveError(e);
        setReviewing(false);
      } else {
        setSaveError(e);
      }
    } finally {
      writeDone();
      setSaving(false);
    }
  };

  /** The kill switch; `comment` is set when the switch was confirmed (protected environments). */
  const toggle = async (enabled: boolean, comment?: string) => {
    if (!loaded) return;
    if (env.requires_approval && enabled) {
      // Turning on needs approval here: it becomes a change request.
      const cr = await api.changeRequests.create(project, {
        flag: flag.key,
        environment: env.key,
        title: comment?.trim() || `Turn ${flag.key} on in ${env.name || env.key}`,
        patch: { instructions: [{ kind: 'turn_on' }] },
      });
      notifications.show({ color: 'teal', message: `Change request ${cr.id} asks to turn ${flag.key} on: it applies once approved` });
      return;
    }
    setToggling(true);
    writing.current++;
    try {
      // Off in an environment that requires approval: break-glass, with the comment as the reason.
      const r = await api.flags.toggle(project, flag.key, env.key, enabled, comment, env.requires_approval && !enabled);
      const theirs = fromRecord(r);
      showLive(theirs);
      if (conflict || elsewhere) {
        // The banner's choice re-applies my edits on this newest version.
        if (conflict) setConflict({ ...conflict, latest: theirs });
        if (elsewhere) setElsewhere({ ...elsewhere, latest: theirs });
      } else if (dirty && draft) {
        const m = startMerge(loaded.config, draft, theirs.config);
        setDraft(m.result.merged);
        setLoaded(theirs);
        if (m.result.conflicts.length) setMerging(m);
      } else {
        setDraft(theirs.config);
        setLoaded(theirs);
      }
      notifications.show({ color: enabled ? 'teal' : 'gray', message: `${flag.key} is now ${enabled ? 'on' : 'off'} in ${env.name || env.key}` });
    } catch (e) {
      if (comment !== undefined) throw e; // shown in the confirmation dialog
      notifications.show({ color: 'red', title: 'Could not switch the flag', message: errorMessage(e) });
    } finally {
      writeDone();
      setToggling(false);
    }
  };

  const onSwitch = (enabled: boolean) => {
    if (isProtected(env)) setConfirming({ flag: flag.key, env, enabled });
    else void toggle(enabled);
  };

  if (loadError) return <ErrorAlert error={loadError} title="Could not load the configuration" onRetry={() => void load()} />;
  if (!loaded || !draft) return <Loading label="Loading configuration…" />;

  const set = (patch: Partial<FlagConfig>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const enabledNow = live && live.version >= loaded.version ? live.enabled : loaded.config.enabled;
  // Choices stay open while the form holds exactly what the merge made.
  const mergeEditable = !!merging && deepEqual(toConfigBody(draft), merging.result.merged);
  const disabled = !canEdit || flag.archived;
  const shownPointer = /^\/(off_variant|targets|rules|default|prerequisites)(\/|$)/;
  const unplaced = Object.entries(fieldErrors).filter(([p]) => !shownPointer.test(p));

  return (
    <Stack gap="md" pb={dirty ? 0 : 'md'} data-testid={`env-tab-${env.key}`}>
      <ConfirmToggle
        pending={confirming}
        onCancel={() => setConfirming(undefined)}
        onConfirm={async (comment) => {
          if (!confirming) return;
          await toggle(confirming.enabled, comment);
          setConfirming(undefined);
        }}
      />
      {flag.archived && (
        <Alert color="gray" title="Archived">
          This flag is archived: restore it to change its configuration.
        </Alert>
      )}
      {elsewhere && (
        <ChangedBanner
          actor={elsewhere.actor}
          what={`The configuration in ${env.name || env.key}`}
          onLoadLatest={() => discardTo(elsewhere.latest)}
          onReapply={() => reapplyOn(elsewhere.latest)}
          onDismiss={() => setElsewhere(undefined)}
        />
      )}
      {conflict && (
        <Alert color="orange" title={`Version ${conflict.latest.version} was saved while you were editing`} role="alert" data-testid="conflict">
          <Stack gap="xs">
            <Text size="sm">
              {conflict.actor ? `${actorName(conflict.actor)} saved` : 'Someone saved'} a newer version of this configuration, so yours was not saved. Their changes compared
              with the version you started from:
            </Text>
            <DiffView changes={diffJson(toConfigBody(loaded.config) as never, toConfigBody(conflict.latest.config) as never)} empty="Only the version changed." />
            <Group gap="xs">
              <Button size="xs" onClick={() => reapplyOn(conflict.latest)}>
                Re-apply my edits on top of version {conflict.latest.version}
              </Button>
              <Button size="xs" variant="default" onClick={() => discardTo(conflict.latest)}>
                Discard my edits and load it
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {saveError && !reviewing ? (
        <ErrorAlert error={saveError} title={Object.keys(fieldErrors).length ? 'The configuration was not saved: fix the highlighted fields' : 'Could not save'} />
      ) : null}
      {unplaced.length > 0 && (
        <List size="sm" c="red">
          {unplaced.map(([p, m]) => (
            <List.Item key={p}>
              {describePointer(p)}: {m.join('; ')}
            </List.Item>
          ))}
        </List>
      )}

      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
          <Stack gap={4}>
            <Switch
              size="lg"
              color="teal"
              checked={enabledNow}
              disabled={!canEdit || flag.archived || toggling}
              onChange={(e) => onSwitch(e.currentTarget.checked)}
              label={
                <Text fw={600} size="lg">
                  {enabledNow ? 'On' : 'Off'} in {env.name || env.key}
                </Text>
              }
              aria-label={`Kill switch: ${flag.key} in ${env.name || env.key}`}
              data-testid="kill-switch"
            />
            <Text size="xs" c="dimmed">
              Takes effect at once. Version {loaded.version}, updated <Time at={loaded.updated_at} />.
            </Text>
          </Stack>
          <Select
            label="When off, serve"
            w={220}
            data={variants}
            value={draft.off_variant}
            allowDeselect={false}
            disabled={disabled}
            error={errorAt(fieldErrors, '/off_variant')}
            onChange={(v) => v && set({ off_variant: v })}
          />
        </Group>
      </Paper>

      <ReleasePlanSection project={project} flag={flag} env={env} rules={loaded.config.rules} serving={'variant' in loaded.config.default ? loaded.config.default.variant : undefined} canEdit={canEdit} />

      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="xs">
          Prerequisites
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Other flags that must serve a variant first; otherwise this flag serves its off variant.
        </Text>
        <PrerequisitesEditor
          value={draft.prerequisites}
          flags={flags}
          self={flag.key}
          disabled={disabled}
          errors={errorsUnder(fieldErrors, '/prerequisites')}
          onChange={(prerequisites) => set({ prerequisites })}
        />
      </Paper>

      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="xs">
          Individual targets
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Context keys that always get a variant, before any rule.
        </Text>
        <TargetsEditor value={draft.targets} variants={variants} disabled={disabled} error={errorAt(fieldErrors, '/targets', true)} onChange={(targets) => set({ targets })} />
      </Paper>

      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="xs">
          Rules
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Checked in order; the first rule whose conditions all hold decides.
        </Text>
        <RulesEditor rules={draft.rules} variants={variants} segments={segments} disabled={disabled} errors={errorsUnder(fieldErrors, '/rules')} onChange={(rules) => set({ rules })} />
      </Paper>

      <Paper withBorder p="md" radius="md" data-testid="default-serve">
        <Title order={2} size="h4" mb="xs">
          Default
        </Title>
        <ServeEditor label="Serve everyone else" value={draft.default} variants={variants} disabled={disabled} errors={errorsUnder(fieldErrors, '/default')} onChange={(d) => set({ default: d })} />
      </Paper>

      {dirty && (
        <Box className="sticky-footer" py="sm" px="md" mx="-md" data-testid="save-bar">
          <Group justify="space-between" wrap="wrap">
            <Group gap="xs">
              <Badge color="yellow" variant="light">
                Unsaved
              </Badge>
              <Text size="sm">
                {changes.length} change{changes.length === 1 ? '' : 's'} in {env.name || env.key}
              </Text>
            </Group>
            <Group gap="xs">
              <Button variant="default" onClick={() => discardTo(loaded)}>
                Discard
              </Button>
              <Button onClick={() => setReviewing(true)} disabled={!canEdit}>
                {env.requires_approval ? 'Review and request change' : 'Review and save'}
              </Button>
            </Group>
          </Group>
        </Box>
      )}

      <Modal opened={reviewing} onClose={() => setReviewing(false)} title={`Save ${flag.key} in ${env.name || env.key}?`} size="xl">
        <Stack>
          {merging && <MergeReport version={loaded.version} result={merging.result} onChoose={mergeEditable ? choose : undefined} />}
          <Text size="sm">Changes compared with version {loaded.version}:</Text>
          <DiffView changes={reviewChanges} />
          <RolloutMovement preview={preview?.data} loading={previewing} />
          {warnings.length > 0 && (
            <Alert color="yellow" title="Check these before saving">
              <List size="sm">
                {warnings.map((w, i) => (
                  <List.Item key={i}>
                    {describePointer(w.pointer)}: {w.message} <Code fz="xs">{w.pointer}</Code>
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {env.requires_approval ? (
            <Alert color="blue" title={`${env.name || env.key} requires approval`}>
              Your changes become a change request; they apply once {env.required_approvals} other editor
              {env.required_approvals === 1 ? '' : 's'} approve{env.required_approvals === 1 ? 's' : ''}.
            </Alert>
          ) : null}
          <Group align="flex-end">
            {env.requires_approval ? (
              <TextInput label="Title" placeholder={`Change ${flag.key} in ${env.name || env.key}`} value={requestTitle} onChange={(e) => setRequestTitle(e.currentTarget.value)} w={320} />
            ) : null}
            <TextInput
              label="Apply at"
              description="Empty: now"
              type="datetime-local"
              w={240}
              value={applyAt}
              onChange={(e) => setApplyAt(e.currentTarget.value)}
              data-testid="apply-at"
            />
          </Group>
          {saveError ? <ErrorAlert error={saveError} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setReviewing(false)}>
              Keep editing
            </Button>
            {env.requires_approval ? (
              <Button onClick={() => void propose()} loading={saving} disabled={previewing} data-autofocus>
                Request change
              </Button>
            ) : applyAt ? (
              <Button onClick={() => void propose()} loading={saving} disabled={previewing} data-autofocus>
                Schedule
              </Button>
            ) : (
              <Button onClick={() => void save()} loading={saving} disabled={previewing} data-autofocus>
                Save version {loaded.version + 1}
              </Button>
            )}
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
