import { Anchor, Badge, Box, Breadcrumbs, Button, CopyButton, Group, Modal, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api';
import { ApiError, errorMessage } from '../../api/client';
import type { Flag } from '../../api/types';
import { useLiveEvents } from '../../app/live';
import { useProject } from '../../app/project';
import { useCan } from '../../app/session';
import { CodeReferencesView } from '../../components/CodeReferencesView';
import { FlagMetadataView } from '../../components/FlagMetadataView';
import { ConfirmButton, Empty, ErrorAlert, Loading } from '../../components/common';
import { IconCheck, IconCopy } from '../../components/icons';
import { actorName } from '../../lib/stream';
import { useLoad } from '../../lib/useLoad';
import { EnvironmentTab } from './EnvironmentTab';
import { HistoryTab } from './HistoryTab';
import { SettingsTab } from './SettingsTab';
import { UsageTab } from './UsageTab';

const OTHER_TABS = ['history', 'usage', 'settings'] as const;

export default function FlagPage() {
  const { project, environments, env: currentEnv, setEnv, environmentsLoading } = useProject();
  const { flag: flagKey = '', tab } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const canEdit = useCan('editor');
  const [flag, setFlag] = useState<{ data: Flag; version: number }>();
  const [loadError, setLoadError] = useState<unknown>();
  const [dirtyEnvs, setDirtyEnvs] = useState<Record<string, boolean>>({});
  const [settingsDirty, setSettingsDirty] = useState(false);
  const [pending, setPending] = useState<{ flag: Flag; version: number; actor: string }>();
  const segments = useLoad(() => api.segments.list(project).then((p) => p.items.map((s) => s.key)), [project]);
  const [flags, setFlags] = useState<Flag[]>();
  // Code references are extra information: a failure to load them hides the badge, never the page.
  const codeRefs = useLoad(() => api.flags.codeReferences(project, flagKey).catch(() => undefined), [project, flagKey]);

  const base = `/p/${encodeURIComponent(project)}/flags/${encodeURIComponent(flagKey)}`;
  const envParam = params.get('env');
  const activeEnv = envParam && environments.some((e) => e.key === envParam) ? envParam : currentEnv;
  const activeTab = tab && (OTHER_TABS as readonly string[]).includes(tab) ? tab : `env:${activeEnv}`;

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      setFlag(await api.flags.get(project, flagKey));
    } catch (e) {
      setLoadError(e);
    }
  }, [project, flagKey]);

  useEffect(() => {
    setFlag(undefined);
    void load();
  }, [load]);

  // Flags for the prerequisite pickers, loaded once per project.
  useEffect(() => {
    let live = true;
    api.flags
      .list(project, { limit: 1000 })
      .then((p) => live && setFlags(p.items))
      .catch(() => live && setFlags([]));
    return () => {
      live = false;
    };
  }, [project]);

  const stateRef = useRef({ settingsDirty, flag });
  stateRef.current = { settingsDirty, flag };
  useLiveEvents((e) => {
    if (e.project !== project) return;
    if (e.resource_type === 'segment') void segments.reload(true);
    if (e.resource_type !== 'flag' || e.resource_key !== `${project}/${flagKey}`) return;
    if (e.action === 'flag.delete') {
      notifications.show({ color: 'red', message: `${flagKey} was deleted by ${actorName(e.actor)}` });
      navigate(`/p/${encodeURIComponent(project)}/flags`);
      return;
    }
    api.flags
      .get(project, flagKey)
      .then((latest) => {
        const cur = stateRef.current;
        if (cur.flag && latest.version <= cur.flag.version) return;
        if (cur.settingsDirty) setPending({ flag: latest.data, version: latest.version, actor: e.actor });
        else setFlag(latest);
      })
      .catch(() => {});
  });

  const onDirtyChange = useCallback((env: string, dirty: boolean) => setDirtyEnvs((d) => (d[env] === dirty ? d : { ...d, [env]: dirty })), []);
  const onEnabledChange = useCallback(
    (env: string, enabled: boolean, version: number) =>
      setFlag((f) => (f ? { ...f, data: { ...f.data, environments: { ...f.data.environments, [env]: { enabled, version } } } } : f)),
    [],
  );
  const onSettingsDirty = useCallback((d: boolean) => setSettingsDirty(d), []);

  const selectTab = (value: string | null) => {
    if (!value) return;
    if (value.startsWith('env:')) {
      const env = value.slice(4);
      setEnv(env);
      navigate(`${base}?env=${encodeURIComponent(env)}`, { replace: true });
    } else {
      navigate(`${base}/${value}`, { replace: true });
    }
  };

  // Environment tabs stay mounted once visited, so that switching tabs keeps unsaved edits.
  const [visited, setVisited] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (activeTab.startsWith('env:') && !visited.has(activeTab.slice(4))) setVisited((v) => new Set(v).add(activeTab.slice(4)));
  }, [activeTab, visited]);
  useEffect(() => setVisited(new Set()), [project, flagKey]);

  const anyDirty = settingsDirty || Object.values(dirtyEnvs).some(Boolean);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => anyDirty && currentLocation.pathname.split('/').slice(0, 5).join('/') !== nextLocation.pathname.split('/').slice(0, 5).join('/'));

  const segmentKeys = useMemo(() => segments.data ?? [], [segments.data]);

  if (loadError) {
    if (loadError instanceof ApiError && loadError.status === 404)
      return (
        <Empty
          title="No such flag"
          description={`There is no flag ${flagKey} in ${project}.`}
          action={
            <Anchor component={Link} to={`/p/${encodeURIComponent(project)}/flags`}>
              Back to the flags
            </Anchor>
          }
        />
      );
    return <ErrorAlert error={loadError} title="Could not load the flag" onRetry={() => void load()} />;
  }
  if (!flag || environmentsLoading) return <Loading label="Loading flag…" />;
  const f = flag.data;

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to={`/p/${encodeURIComponent(project)}/flags`}>
          Flags
        </Anchor>
        <Text>{f.key}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="xs" wrap="wrap">
            <Title order={1} size="h2">
              {f.name || f.key}
            </Title>
            <Badge variant="light">{f.kind}</Badge>
            {f.archived && <Badge color="gray">archived</Badge>}
            {f.stale && <Badge color="orange" variant="light">stale</Badge>}
            <CodeReferencesView refs={codeRefs.data} />
          </Group>
          <Group gap={4}>
            <Text ff="monospace" size="sm" c="dimmed">
              {f.key}
            </Text>
            <CopyButton value={f.key}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy key'}>
                  <Button size="compact-xs" variant="subtle" onClick={copy} aria-label="Copy flag key">
                    {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                  </Button>
                </Tooltip>
              )}
            </CopyButton>
            {f.tags.map((t) => (
              <Badge key={t} size="sm" variant="outline" tt="none">
                {t}
              </Badge>
            ))}
          </Group>
          {f.description && (
            <Text size="sm" maw={700}>
              {f.description}
            </Text>
          )}
          <FlagMetadataView flag={f} />
        </Stack>
        {canEdit && (
          <Group gap="xs">
            {f.archived ? (
              <>
                <Button
                  variant="light"
                  onClick={async () => {
                    try {
                      const r = await api.flags.restore(project, f.key);
                      setFlag({ data: r, version: r.version });
                      notifications.show({ color: 'teal', message: `${f.key} restored` });
                    } catch (e) {
                      notifications.show({ color: 'red', title: 'Could not restore', message: errorMessage(e) });
                    }
                  }}
                >
                  Restore
                </Button>
                <ConfirmButton
                  title={`Delete ${f.key}?`}
                  message={<Text size="sm">The flag and its configurations in every environment are deleted for good. The audit log keeps its history.</Text>}
                  confirmLabel="Delete for good"
                  onConfirm={async () => {
                    await api.flags.remove(project, f.key, flag.version);
                    notifications.show({ message: `${f.key} deleted` });
                    navigate(`/p/${encodeURIComponent(project)}/flags?archived=true`);
                  }}
                >
                  Delete
                </ConfirmButton>
              </>
            ) : (
              <ConfirmButton
                title={`Archive ${f.key}?`}
                color="gray"
                message={<Text size="sm">Archived flags leave every SDK snapshot: code asking for them gets its fallback value. You can restore it later.</Text>}
                confirmLabel="Archive"
                onConfirm={async () => {
                  const r = await api.flags.archive(project, f.key);
                  setFlag({ data: r, version: r.version });
                  notifications.show({ message: `${f.key} archived` });
                }}
              >
                Archive
              </ConfirmButton>
            )}
          </Group>
        )}
      </Group>

      <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title="Leave without saving?">
        <Stack>
          <Text size="sm">You have unsaved edits on this flag. They are lost if you leave.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => blocker.reset?.()}>
              Stay
            </Button>
            <Button color="red" onClick={() => blocker.proceed?.()}>
              Leave and discard
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Tabs value={activeTab} onChange={selectTab}>
        <Tabs.List>
          {environments.map((e) => {
            const state = f.environments[e.key];
            return (
              <Tabs.Tab
                key={e.key}
                value={`env:${e.key}`}
                data-testid={`tab-env-${e.key}`}
                leftSection={
                  <Box
                    component="span"
                    aria-label={state?.enabled ? 'on' : 'off'}
                    style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 4, background: state?.enabled ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-gray-5)' }}
                  />
                }
                rightSection={dirtyEnvs[e.key] ? <Badge size="xs" color="yellow" variant="light">edited</Badge> : undefined}
              >
                {e.name || e.key}
              </Tabs.Tab>
            );
          })}
          <Tabs.Tab value="history">History</Tabs.Tab>
          <Tabs.Tab value="usage">Usage</Tabs.Tab>
          <Tabs.Tab value="settings" rightSection={settingsDirty ? <Badge size="xs" color="yellow" variant="light">edited</Badge> : undefined}>
            Settings
          </Tabs.Tab>
        </Tabs.List>
        <Box pt="md">
          {environments.length === 0 && activeTab.startsWith('env:') && <Empty title="No environment" description="This project has no environments yet." />}
          {environments
            .filter((e) => visited.has(e.key) || `env:${e.key}` === activeTab)
            .map((env) => (
              <div key={env.key} hidden={`env:${env.key}` !== activeTab}>
                <EnvironmentTab
                  project={project}
                  flag={f}
                  env={env}
                  segments={segmentKeys}
                  flags={flags}
                  canEdit={canEdit}
                  onDirtyChange={onDirtyChange}
                  onEnabledChange={onEnabledChange}
                />
              </div>
            ))}
          {activeTab === 'history' && <HistoryTab project={project} flag={f.key} />}
          {activeTab === 'usage' && <UsageTab project={project} flag={f} environments={environments} initialEnv={activeEnv} />}
          {activeTab === 'settings' && (
            <SettingsTab
              flag={f}
              version={flag.version}
              project={project}
              canEdit={canEdit}
              pending={pending}
              onDirtyChange={onSettingsDirty}
              onApplyPending={() => {
                if (pending) setFlag({ data: pending.flag, version: pending.version });
                setPending(undefined);
              }}
              onSaved={(data, version) => {
                setFlag({ data, version });
                setPending(undefined);
              }}
            />
          )}
        </Box>
      </Tabs>
    </Stack>
  );
}
