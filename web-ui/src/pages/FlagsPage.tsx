import { Anchor, Button, Group, Loader, ScrollArea, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { type CSSProperties, memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api';
import { errorMessage } from '../api/client';
import type { Environment, Flag, Page } from '../api/types';
import { useLiveEvents } from '../app/live';
import { liveplans, planHref, type PlanBadge } from '../lib/releasePlan';
import { useLoad } from '../lib/useLoad';
import { useProject } from '../app/project';
import { useCan } from '../app/session';
import { Empty, ErrorAlert, Loading } from '../components/common';
import { ConfirmToggle, type PendingToggle } from '../components/ConfirmToggle';
import { IconPlus, IconSearch } from '../components/icons';
import { cleanupVerdict, placesByKey, placesLabel } from '../lib/codeRefs';
import { formatTime, relativeTime } from '../lib/format';
import { flagsEmpty } from '../lib/empty';
import { isProtected } from '../lib/protect';

const PAGE_SIZE = 100;

/** At most this many environments are columns of the list (each a switch per flag). */
export const MAX_ENVIRONMENT_COLUMNS = 8;

/**
 * The environments shown as columns: all of them up to {@link MAX_ENVIRONMENT_COLUMNS},
 * else the first ones in the project's order with the current one always among them.
 * The list asks for these environments' states only: a project with a thousand
 * environments would otherwise send every flag's state in each (megabytes a page).
 */
export function environmentColumns(all: Environment[], current: string): Environment[] {
  if (all.length <= MAX_ENVIRONMENT_COLUMNS) return all;
  const first = all.slice(0, MAX_ENVIRONMENT_COLUMNS);
  if (first.some((e) => e.key === current)) return first;
  const chosen = all.find((e) => e.key === current);
  return chosen ? [...all.slice(0, MAX_ENVIRONMENT_COLUMNS - 1), chosen] : first;
}

/**
 * Free text in the table (names, keys, tags, owners) is cut to one line with an ellipsis,
 * the whole text in a tooltip: an unbroken 200-character owner would otherwise widen the
 * table until the environment toggles scroll out of sight.
 */
function truncated(maxWidth: string): CSSProperties {
  return { display: 'inline-block', maxWidth, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', verticalAlign: 'bottom' };
}

interface ListState {
  items: Flag[];
  next?: string;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
}

export const FlagRow = memo(function FlagRow({
  flag,
  project,
  environments,
  current,
  canEdit,
  archived,
  busyEnvs,
  onToggle,
  onRestore,
  plans,
  places,
}: {
  flag: Flag;
  project: string;
  environments: Environment[];
  current: string;
  canEdit: boolean;
  archived: boolean;
  /** Environments where a toggle of this flag is in flight, joined by spaces. */
  busyEnvs: string;
  onToggle: (flag: string, env: string, enabled: boolean) => void;
  onRestore: (flag: string) => void;
  /** Live release plans of the flag, by environment (running or paused). */
  plans?: PlanBadge[];
  /** Places in scanned code; undefined when no repository was scanned. */
  places?: number;
}) {
  const verdict = cleanupVerdict(flag, places);
  const href = `/p/${encodeURIComponent(project)}/flags/${encodeURIComponent(flag.key)}`;
  const busy = busyEnvs ? busyEnvs.split(' ') : [];
  return (
    <tr data-testid="flag-row" data-flag={flag.key}>
      <td>
        <Link to={href} className="vx-flag-name" title={flag.name || flag.key} style={truncated('24rem')}>
          {flag.name || flag.key}
        </Link>
        <div className="vx-meta">
          <span className="vx-key" title={flag.key} style={truncated('24rem')}>
            {flag.key}
          </span>
          {flag.stale && (
            <span className="vx-chip" data-color="orange" data-testid="stale-badge" title={`Not evaluated recently (last evaluation: ${relativeTime(flag.last_evaluated_at)}); ${verdict.text}`}>
              stale
            </span>
          )}
          {plans?.map((p) => (
            <Link
              key={p.environment}
              to={planHref(project, flag.key, p.environment)}
              className="vx-chip"
              data-color={p.state === 'running' ? 'blue' : 'yellow'}
              data-testid="plan-badge"
              title={`A release plan is ${p.state} in ${p.environment}${p.percent !== undefined ? `: the treatment at ${p.percent} %` : ''}`}
            >
              {p.state === 'running' ? 'releasing' : 'release paused'} in {p.environment}
              {p.percent !== undefined ? ` · ${p.percent} %` : ''}
            </Link>
          ))}
          {places !== undefined && (
            <span
              className="vx-chip"
              data-color={places === 0 ? (verdict.removable ? 'red' : 'grape') : 'teal'}
              data-testid="code-refs-badge"
              title={flag.stale ? verdict.text : placesLabel(places)}
            >
              {verdict.removable ? 'not in code: removable' : places === 0 ? 'not in code' : `${places} in code`}
            </span>
          )}
          {flag.lifecycle === 'permanent' && (
            <span className="vx-chip" data-color="gray">
              permanent
            </span>
          )}
          {flag.tags.map((t) => (
            <span key={t} className="vx-chip" title={t} style={truncated('12rem')}>
              {t}
            </span>
          ))}
        </div>
      </td>
      <td className="vx-hide-md">{flag.kind}</td>
      <td className="vx-hide-md" data-testid="flag-owner">
        {flag.owner ? (
          <Anchor component={Link} to={{ search: `?owner=${encodeURIComponent(flag.owner)}` }} size="sm" title={flag.owner} style={truncated('14rem')}>
            {flag.owner}
          </Anchor>
        ) : (
          <Text span size="sm" c="dimmed">
            —
          </Text>
        )}
      </td>
      {archived ? (
        <td style={{ textAlign: 'right' }}>
          <span className="vx-dimmed">archived {relativeTime(flag.archived_at)}</span>{' '}
          {canEdit && (
            <Button size="compact-sm" variant="light" onClick={() => onRestore(flag.key)} aria-label={`Restore ${flag.key}`}>
              Restore
            </Button>
          )}
        </td>
      ) : (
        environments.map((e) => {
          const state = flag.environments[e.key];
          return (
            <td key={e.key} className={e.key === current ? 'vx-center vx-current' : 'vx-center'}>
              {state ? (
                <input
                  type="checkbox"
                  role="switch"
                  className="vx-switch"
                  checked={state.enabled}
                  disabled={!canEdit || busy.includes(e.key)}
                  onChange={(ev) => onToggle(flag.key, e.key, ev.currentTarget.checked)}
                  aria-label={`${flag.key} in ${e.name || e.key}`}
                  data-testid={`toggle-${e.key}`}
                />
              ) : (
                <span className="vx-dimmed">—</span>
              )}
            </td>
          );
        })
      )}
      <td className="vx-hide-lg">
        <time className="vx-dimmed" dateTime={flag.updated_at} title={formatTime(flag.updated_at)}>
          {relativeTime(flag.updated_at)}
        </time>
      </td>
    </tr>
  );
});

export function FlagsPage() {
  const { project, environments: allEnvironments, env, environmentsLoading, environmentsError } = useProject();
  const environments = useMemo(() => environmentColumns(allEnvironments, env), [allEnvironments, env]);
  // Undefined (every environment's states) only when the environments could not be
  // loaded, so that the rows still show what they can.
  const columnKeys = environmentsError ? undefined : environments.map((e) => e.key).join(',');
  const canEdit = useCan('editor');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const owner = params.get('owner') ?? '';
  const archived = params.get('archived') === 'true';
  const stale = !archived && params.get('stale') === 'true';
  // Code references are extra information: without them the list shows no code badges.
  const codeRefs = useLoad(() => api.projects.codeReferences(project).catch(() => undefined), [project]);
  const places = useMemo(() => placesByKey(codeRefs.data), [codeRefs.data]);
  const [search, setSearch] = useState(q);
  const [debounced] = useDebouncedValue(search, 250);
  const [state, setState] = useState<ListState>({ items: [], loading: true, loadingMore: false, error: undefined });
  const [busy, setBusy] = useState<Set<string>>(new Set());
  const [knownTags, setKnownTags] = useState<string[]>([]);
  const seq = useRef(0);
  const marked = useRef(false);
  // A state, not a ref: the effect below must run again when the element mounts.
  const [sentinel, setSentinel] = useState<HTMLDivElement | null>(null);

  const setParam = useCallback(
    (key: string, value: string) =>
      setParams(
        (p) => {
          const n = new URLSearchParams(p);
          if (value) n.set(key, value);
          else n.delete(key);
          return n;
        },
        { replace: true },
      ),
    [setParams],
  );

  useEffect(() => {
    if (debounced !== q) setParam('q', debounced);
  }, [debounced, q, setParam]);

  const load = useCallback(
    async (opts: { more?: boolean; quiet?: boolean; count?: number } = {}) => {
      const id = ++seq.current;
      setState((s) => ({ ...s, loading: !opts.more && !opts.quiet, loadingMore: !!opts.more, error: opts.quiet ? s.error : undefined }));
      try {
        let cursor: string | undefined;
        let limit = PAGE_SIZE;
        if (opts.more) {
          cursor = stateRef.current.next;
        } else if (opts.count) {
          limit = Math.min(1000, Math.max(PAGE_SIZE, opts.count));
        }
        const page: Page<Flag> = await api.flags.list(project, {
          q: q || undefined,
          tag: tag || undefined,
          owner: owner || undefined,
          archived,
          stale: stale || undefined,
          environments: columnKeys,
          limit,
          cursor,
        });
        if (id !== seq.current) return;
        setState((s) => ({
          items: opts.more ? [...s.items, ...page.items] : page.items,
          next: page.next_cursor,
          loading: false,
          loadingMore: false,
          error: undefined,
        }));
        setKnownTags((old) => {
          const all = new Set(old);
          page.items.forEach((f) => f.tags.forEach((t) => all.add(t)));
          return all.size === old.length ? old : [...all].sort();
        });
      } catch (error) {
        if (id !== seq.current) return;
        setState((s) => ({ ...s, loading: false, loadingMore: false, error }));
      }
    },
    [project, q, tag, owner, archived, stale, columnKeys],
  );
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => {
    // Waits for the environments: they decide which states the list asks for.
    if (!environmentsLoading) void load();
  }, [load, environmentsLoading]);

  // Time to first render of the list, for performance measurements.
  useLayoutEffect(() => {
    if (!marked.current && !state.loading && !environmentsLoading && state.items.length > 0) {
      marked.current = true;
      performance.mark('vexil:flags-list-rendered');
    }
  }, [state.loading, state.items.length, environmentsLoading]);

  // Load the next page when the end of the list scrolls into view.
  useEffect(() => {
    const el = sentinel;
    if (!el || !state.next || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !stateRef.current.loadingMore) void load({ more: true });
    });
    io.observe(el);
    return () => io.disconnect();
  }, [sentinel, state.next, load]);

  // Flags under a live release plan: the plans' newest audit entries hold their states.
  const planEntries = useLoad(
    (signal) => api.audit.list({ project, resource_type: 'release_plan', resource_key: `${project}/`, limit: 500 }, signal).then((r) => r.items),
    [project],
  );
  const plans = useMemo(() => liveplans(planEntries.data ?? []), [planEntries.data]);

  // Follow changes made elsewhere.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLiveEvents((e) => {
    if (e.project !== project) return;
    if (e.resource_type === 'release_plan') void planEntries.reload(true);
    if (e.resource_type === 'flag_config') {
      const flagKey = e.resource_key.split('/')[1];
      if (!flagKey || !stateRef.current.items.some((f) => f.key === flagKey)) return;
      api.flags
        .get(project, flagKey)
        .then(({ data }) => setState((s) => ({ ...s, items: s.items.map((f) => (f.key === data.key ? data : f)) })))
        .catch(() => {});
    } else if (e.resource_type === 'flag' || e.resource_type === 'environment') {
      if (pending.current) clearTimeout(pending.current);
      pending.current = setTimeout(() => void load({ quiet: true, count: stateRef.current.items.length }), 300);
    }
  });

  const toggle = useCallback(
    async (flagKey: string, envKey: string, enabled: boolean, comment?: string) => {
      const id = `${flagKey}/${envKey}`;
      setBusy((b) => new Set(b).add(id));
      const set = (value: boolean, version?: number) =>
        setState((s) => ({
          ...s,
          items: s.items.map((f) =>
            f.key === flagKey
              ? { ...f, environments: { ...f.environments, [envKey]: { enabled: value, version: version ?? f.environments[envKey]?.version ?? 0 } } }
              : f,
          ),
        }));
      const guarded = !!envsRef.current.find((e) => e.key === envKey)?.requires_approval;
      if (guarded && enabled) {
        // Turning on needs approval there: it becomes a change request.
        try {
          const cr = await api.changeRequests.create(project, {
            flag: flagKey,
            environment: envKey,
            title: comment?.trim() || `Turn ${flagKey} on in ${envKey}`,
            patch: { instructions: [{ kind: 'turn_on' }] },
          });
          notifications.show({ color: 'teal', message: `Change request ${cr.id} asks to turn ${flagKey} on: it applies once approved` });
        } finally {
          setBusy((b) => {
            const n = new Set(b);
            n.delete(id);
            return n;
          });
        }
        return;
      }
      set(enabled);
      try {
        // Off where approval is required: break-glass, with the comment as the reason.
        const r = await api.flags.toggle(project, flagKey, envKey, enabled, comment, guarded && !enabled);
        set(r.enabled, r.version);
        notifications.show({ color: enabled ? 'teal' : 'gray', message: `${flagKey} turned ${enabled ? 'on' : 'off'} in ${envKey}` });
      } catch (e) {
        set(!enabled);
        // A confirmed toggle shows its error in the dialog.
        if (comment !== undefined) throw e;
        notifications.show({ color: 'red', title: `Could not turn ${flagKey} ${enabled ? 'on' : 'off'}`, message: errorMessage(e) });
      } finally {
        setBusy((b) => {
          const n = new Set(b);
          n.delete(id);
          return n;
        });
      }
    },
    [project],
  );

  // Protected environments (production, or requiring approval) ask first.
  const [confirming, setConfirming] = useState<PendingToggle>();
  const envsRef = useRef(environments);
  envsRef.current = environments;
  const onToggle = useCallback(
    (flagKey: string, envKey: string, enabled: boolean) => {
      const env = envsRef.current.find((e) => e.key === envKey);
      if (env && isProtected(env)) setConfirming({ flag: flagKey, env, enabled });
      else void toggle(flagKey, envKey, enabled);
    },
    [toggle],
  );

  const onRestore = useCallback(
    async (flagKey: string) => {
      try {
        await api.flags.restore(project, flagKey);
        notifications.show({ color: 'teal', message: `${flagKey} restored` });
        setState((s) => ({ ...s, items: s.items.filter((f) => f.key !== flagKey) }));
      } catch (e) {
        notifications.show({ color: 'red', title: `Could not restore ${flagKey}`, message: errorMessage(e) });
      }
    },
    [project],
  );

  const busyByFlag = useMemo(() => {
    const m = new Map<string, string>();
    for (const id of busy) {
      const [f, e] = id.split('/');
      m.set(f, m.has(f) ? `${m.get(f)} ${e}` : e);
    }
    return m;
  }, [busy]);

  const tagData = useMemo(() => [...new Set([...knownTags, ...(tag ? [tag] : [])])].sort(), [knownTags, tag]);
  const empty = flagsEmpty({ q, tag, owner, view: archived ? 'archived' : stale ? 'stale' : 'active' });

  return (
    <Stack gap="md">
      <ConfirmToggle
        pending={confirming}
        onCancel={() => setConfirming(undefined)}
        onConfirm={async (comment) => {
          if (!confirming) return;
          await toggle(confirming.flag, confirming.env.key, confirming.enabled, comment);
          setConfirming(undefined);
        }}
      />
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          Flags
        </Title>
        {canEdit && (
          <Button component={Link} to={`/p/${encodeURIComponent(project)}/flags/new`} leftSection={<IconPlus size={16} />}>
            New flag
          </Button>
        )}
      </Group>
      <Group gap="sm" wrap="wrap" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Key, name, tag, owner, link"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={260}
          type="search"
        />
        <Select
          label="Tag"
          placeholder="Any tag"
          data={tagData}
          value={tag || null}
          onChange={(v) => setParam('tag', v ?? '')}
          clearable
          searchable
          w={180}
          nothingFoundMessage="No such tag"
        />
        <TextInput
          label="Owner"
          placeholder="Any owner"
          value={owner}
          onChange={(e) => setParam('owner', e.currentTarget.value)}
          w={180}
        />
        <SegmentedControl
          aria-label="Which flags"
          value={archived ? 'archived' : stale ? 'stale' : 'active'}
          onChange={(v) =>
            setParams(
              (p) => {
                const n = new URLSearchParams(p);
                n.delete('archived');
                n.delete('stale');
                if (v === 'archived') n.set('archived', 'true');
                if (v === 'stale') n.set('stale', 'true');
                return n;
              },
              { replace: true },
            )
          }
          data={[
            { value: 'active', label: 'Active' },
            { value: 'stale', label: 'Stale' },
            { value: 'archived', label: 'Archived' },
          ]}
        />
      </Group>
      {environmentsError ? <ErrorAlert error={environmentsError} title="Could not load the environments" /> : null}
      {state.error ? <ErrorAlert error={state.error} title="Could not load the flags" onRetry={() => void load()} /> : null}
      {state.loading || environmentsLoading ? (
        <Loading label="Loading flags…" />
      ) : state.items.length === 0 && !state.error ? (
        <Empty
          title={empty.title}
          description={empty.description}
          action={
            empty.create &&
            canEdit && (
              <Button component={Link} to={`/p/${encodeURIComponent(project)}/flags/new`}>
                Create a flag
              </Button>
            )
          }
        />
      ) : (
        <>
          {!archived && allEnvironments.length > environments.length ? (
            <Text size="sm" c="dimmed" data-testid="environment-columns-note">
              Showing {environments.length} of {allEnvironments.length} environments: the first in the project&apos;s order and the
              current one. Pick another environment at the top to show it here.
            </Text>
          ) : null}
          <ScrollArea type="auto">
            <table className="vx-flags" data-testid="flags-table" style={{ minWidth: 480 }}>
              <thead>
                <tr>
                  <th>Flag</th>
                  <th className="vx-hide-md">Kind</th>
                  <th className="vx-hide-md">Owner</th>
                  {archived ? (
                    <th />
                  ) : (
                    environments.map((e) => (
                      <th key={e.key} className={e.key === env ? 'vx-center vx-current' : 'vx-center'} scope="col">
                        {e.name || e.key}
                      </th>
                    ))
                  )}
                  <th className="vx-hide-lg">Updated</th>
                </tr>
              </thead>
              <tbody>
                {state.items.map((f) => (
                  <FlagRow
                    key={f.key}
                    flag={f}
                    project={project}
                    environments={environments}
                    current={env}
                    canEdit={canEdit}
                    archived={archived}
                    busyEnvs={busyByFlag.get(f.key) ?? ''}
                    onToggle={onToggle}
                    onRestore={onRestore}
                    plans={plans.get(f.key)}
                    places={places ? (places.get(f.key) ?? 0) : undefined}
                  />
                ))}
              </tbody>
            </table>
          </ScrollArea>
          <div ref={setSentinel} />
          <Group justify="center" gap="sm">
            <Text size="sm" c="dimmed" role="status">
              {state.items.length} flag{state.items.length === 1 ? '' : 's'}
              {state.next ? ' shown' : ''}
            </Text>
            {state.next && (
              <Button variant="default" size="xs" onClick={() => void load({ more: true })} loading={state.loadingMore}>
                Load more
              </Button>
            )}
            {state.loadingMore && !state.next && <Loader size="xs" />}
          </Group>
        </>
      )}
    </Stack>
  );
}
