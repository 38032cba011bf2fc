import { Alert, Anchor, Badge, Breadcrumbs, Button, Group, Modal, Paper, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api';
import { ApiError } from '../../api/client';
import type { PlanAction, ReleasePlan } from '../../api/types';
import { useLiveEvents } from '../../app/live';
import { useMaybeProject } from '../../app/project';
import { useCan } from '../../app/session';
import { Empty, ErrorAlert, Loading, Time } from '../../components/common';
import {
  actionsFor,
  changeRequestHref,
  type Analysis,
  type Decision,
  decisionLog,
  formatEstimate,
  type GuardrailLook,
  guardrailSeries,
  pendingStart,
  planActionLabel,
  planAuditKey,
  readAnalysis,
  STATE_COLOR,
  STATE_LABEL,
} from '../../lib/releasePlan';
import { useLoad } from '../../lib/useLoad';

const GuardrailChart = lazy(() => import('./GuardrailChart'));

/** How often the page reads the plan again while the runner may move it, in ms. */
const POLL_MS = 3000;

const ACTION_TEXT: Record<PlanAction, { label: string; title: string; message: string; color: string }> = {
  start: { label: 'Start', title: 'Start the plan?', message: 'The place serves the treatment to the first step’s share at once.', color: 'blue' },
  pause: { label: 'Pause', title: 'Pause the plan?', message: 'What is served stays; the runner stops looking until you resume.', color: 'yellow' },
  resume: { label: 'Resume', title: 'Resume the plan?', message: 'The current step starts again: its time, sample and split check count from now.', color: 'blue' },
  advance: { label: 'Advance', title: 'Step up now?', message: 'The treatment gets the next step’s share at once, without waiting for the step’s time and sample (at the last step: the plan completes).', color: 'blue' },
  rollback: { label: 'Roll back', title: 'Roll back the plan?', message: 'Everyone in the place is served the control again, at once. The plan ends.', color: 'red' },
};

/** What a failed action means, in words: a 409 or a 412 is explained, never swallowed. */
export function explainActionError(e: unknown, action: PlanAction): { title: string; detail: string } | undefined {
  if (!(e instanceof ApiError)) return undefined;
  if (e.status === 412) {
    return {
      title: 'The plan moved meanwhile',
      detail: `The plan changed since this page read it${e.currentVersion !== undefined ? ` (it is at version ${e.currentVersion} now)` : ''}, perhaps a step or a rollback by the runner or someone else. Nothing was done; the page now shows the plan as it is, so check it and ${ACTION_TEXT[action].label.toLowerCase()} again if it still applies.`,
    };
  }
  if (e.status === 409) {
    return {
      title: `Cannot ${ACTION_TEXT[action].label.toLowerCase()} now`,
      detail: `${e.problem.detail || e.problem.title} Nothing was done; the page now shows the plan as it is.`,
    };
  }
  return undefined;
}

export default function ReleasePlanPage() {
  const { project = '', flag = '', env = '' } = useParams();
  const canEdit = useCan('editor');
  const requiresApproval = !!useMaybeProject()?.environments.find((e) => e.key === env)?.requires_approval;
  const plan = useLoad((signal) => api.releasePlans.get(project, flag, env, signal), [project, flag, env]);
  const p = plan.data?.data;
  const auditKey = p ? planAuditKey(project, p) : undefined;
  const audit = useLoad(
    (signal) => (auditKey ? api.audit.list({ resource_type: 'release_plan', resource_key: auditKey, limit: 500 }, signal).then((r) => r.items) : Promise.resolve([])),
    [auditKey, p?.version],
  );
  // Looks this page saw while open (the server keeps only the latest and the decisions').
  const [seen, setSeen] = useState<{ at: string; analysis: Analysis }[]>([]);
  const lastSeen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!p?.looked_at || p.looked_at === lastSeen.current) return;
    const a = readAnalysis(p.analysis);
    lastSeen.current = p.looked_at;
    if (a) setSeen((s) => [...s.slice(-500), { at: p.looked_at as string, analysis: a }]);
  }, [p?.looked_at, p?.analysis]);
  const live = p && (p.state === 'draft' || p.state === 'running' || p.state === 'paused');
  useEffect(() => {
    if (!live) return;
    const t = window.setInterval(() => void plan.reload(true), POLL_MS);
    return () => window.clearInterval(t);
  }, [live, plan.reload]);
  // A start waiting for approval: the state of its change request (rejected or cancelled,
  // a new start may be asked for).
  const requestId = p?.state === 'draft' ? p.change_request_id : undefined;
  const request = useLoad(
    () => (requestId !== undefined ? api.changeRequests.get(project, requestId).then((r) => r.state) : Promise.resolve(undefined)),
    [project, requestId],
  );
  useLiveEvents((e) => {
    if (e.resource_type === 'release_plan' && auditKey && e.resource_key === auditKey) void plan.reload(true);
    if (e.resource_type === 'change_request' && requestId !== undefined && e.resource_key === `${project}/${requestId}`) void request.reload(true);
  });
  const log = useMemo(() => decisionLog(audit.data ?? []), [audit.data]);
  const series = useMemo(() => guardrailSeries(log, p, seen), [log, p, seen]);

  const flagHref = `/p/${encodeURIComponent(project)}/flags/${encodeURIComponent(flag)}`;
  const crumbs = (
    <Breadcrumbs>
      <Anchor component={Link} to={`/p/${encodeURIComponent(project)}/flags`}>
        Flags
      </Anchor>
      <Anchor component={Link} to={`${flagHref}/${encodeURIComponent(env)}`}>
        {flag}
      </Anchor>
      <Text size="sm">Release plan in {env}</Text>
    </Breadcrumbs>
  );
  if (plan.error) {
    if (plan.error instanceof ApiError && plan.error.status === 404) {
      return (
        <Stack>
          {crumbs}
          <Empty title="No release plan" description={`${flag} never had a release plan in ${env}. Create one from the flag's ${env} tab.`} action={<Anchor component={Link} to={`${flagHref}/${encodeURIComponent(env)}`}>Open the {env} tab</Anchor>} />
        </Stack>
      );
    }
    return (
      <Stack>
        {crumbs}
        <ErrorAlert error={plan.error} title="Could not load the release plan" onRetry={() => void plan.reload()} />
      </Stack>
    );
  }
  if (!p || !plan.data) return <Loading label="Loading the release plan…" />;
  const analysis = readAnalysis(p.analysis);

  return (
    <Stack gap="md" data-testid="release-plan-page">
      {crumbs}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2">
              Release plan {p.id}
            </Title>
            <Badge size="lg" color={STATE_COLOR[p.state]} data-testid="plan-state">
              {STATE_LABEL[p.state]}
            </Badge>
          </Group>
          <Text size="sm">
            Releases <b>{p.treatment}</b> against <b>{p.control}</b> in {p.rule ? <>rule <code>{p.rule}</code></> : 'the default serve'} of {flag} in {env}. Created by {p.author}{' '}
            <Time at={p.created_at} />; version {p.version}.
          </Text>
        </Stack>
        {canEdit && (
          <PlanActions
            project={project}
            flag={flag}
            env={env}
            plan={p}
            version={plan.data.version}
            requestState={request.data}
            requiresApproval={requiresApproval}
            onDone={(next) => plan.setData({ data: next, version: next.version })}
            onStale={() => void plan.reload(true)}
          />
        )}
      </Group>
      <StartRequestNotice project={project} plan={p} requestState={request.data} />
      {p.reason && (
        <Alert color={p.state === 'rolled_back' ? 'red' : p.state === 'paused' ? 'yellow' : p.state === 'completed' ? 'green' : 'blue'} variant="light" title="Why it is where it is" data-testid="plan-reason">
          {p.reason}
        </Alert>
      )}

      <Group align="flex-start" gap="xl" wrap="wrap">
        <Paper withBorder p="md" radius="md" miw={300}>
          <Title order={2} size="h4" mb="sm">
            Steps
          </Title>
          <StepTimeline plan={p} analysis={analysis} />
        </Paper>
        <Stack gap="sm" style={{ flex: 1, minWidth: 320 }}>
          <Title order={2} size="h4">
            Guardrails
          </Title>
          {p.guardrails.length === 0 && <Text size="sm" c="dimmed">No guardrails: the plan steps up on time and exposures alone.</Text>}
          {analysis?.sample_ratio && (
            <Text size="sm" c={analysis.sample_ratio.mismatch ? 'red' : 'dimmed'} data-testid="sample-ratio">
              Split check: the treatment got {(analysis.sample_ratio.observed_share * 100).toFixed(2)} % of this step’s exposures where {(analysis.sample_ratio.expected_share * 100).toFixed(2)} % was expected
              (p = {analysis.sample_ratio.p_value.toPrecision(2)}){analysis.sample_ratio.mismatch ? ': a sample-ratio mismatch, the data cannot be trusted' : ''}.
            </Text>
          )}
          {p.guardrails.map((g) => {
            const look = analysis?.guardrails.find((x) => x.event === g.event);
            const points = series.get(g.event) ?? [];
            return (
              <Paper key={g.event} withBorder p="sm" radius="md" data-testid={`guardrail-${g.event}`}>
                <Group justify="space-between" mb={4}>
                  <Text fw={600} size="sm">
                    <code>{g.event}</code> · {g.measure === 'rate' ? 'rate per exposure' : g.measure} · {g.direction === 'higher_is_worse' ? 'higher' : 'lower'} is worse, tolerated {(g.tolerance * 100).toLocaleString()} %
                    {g.absolute_tolerance ? ` + ${g.absolute_tolerance}` : ''}
                  </Text>
                  <VerdictBadge look={look} />
                </Group>
                {look && <LookTable look={look} />}
                {points.length > 0 ? (
                  <Suspense fallback={<Loading label="Loading chart…" />}>
                    <GuardrailChart event={g.event} measure={g.measure} points={points} />
                  </Suspense>
                ) : (
                  <Text size="xs" c="dimmed">
                    No look yet: the runner looks every few seconds once the plan runs.
                  </Text>
                )}
              </Paper>
            );
          })}
        </Stack>
      </Group>

      <Stack gap="xs">
        <Title order={2} size="h4">
          Decision log
        </Title>
        {audit.error ? <ErrorAlert error={audit.error} title="Could not load the decision log" onRetry={() => void audit.reload()} /> : null}
        <DecisionLog log={log} plan={p} project={project} />
      </Stack>
    </Stack>
  );
}

function VerdictBadge({ look }: { look: GuardrailLook | undefined }) {
  if (!look) return <Badge color="gray" variant="light">no look yet</Badge>;
  const [color, label] = look.verdict === 'worse' ? ['red', 'worse'] : look.verdict === 'not_worse' ? ['green', 'not worse'] : ['gray', 'not enough data'];
  return (
    <Badge color={color} variant="light" data-testid="guardrail-verdict">
      {label}
    </Badge>
  );
}

function LookTable({ look }: { look: GuardrailLook }) {
  const row = (name: string, a: GuardrailLook['control']) => (
    <Table.Tr>
      <Table.Td>{name}</Table.Td>
      <Table.Td ta="right">{a.n.toLocaleString()}</Table.Td>
      <Table.Td ta="right">{formatEstimate(look.measure, a.estimate)}</Table.Td>
      <Table.Td ta="right">
        {formatEstimate(look.measure, a.lower)} – {formatEstimate(look.measure, a.upper)}
      </Table.Td>
    </Table.Tr>
  );
  return (
    <Table fz="xs" maw={560} withRowBorders={false}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Arm</Table.Th>
          <Table.Th ta="right">{look.measure === 'rate' ? 'Exposures' : 'Events'}</Table.Th>
          <Table.Th ta="right">Estimate</Table.Th>
          <Table.Th ta="right">Interval</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {row('control', look.control)}
        {row('treatment', look.treatment)}
      </Table.Tbody>
      {look.relative_difference !== null && (
        <Table.Caption>
          Treatment vs control: {look.relative_difference >= 0 ? '+' : ''}
          {(look.relative_difference * 100).toFixed(1)} %
        </Table.Caption>
      )}
    </Table>
  );
}

/**
 * A draft whose start was turned into a change request (the environment requires
 * approval): a link to the request, and whether the start still waits for it.
 */
export function StartRequestNotice({ project, plan, requestState }: { project: string; plan: ReleasePlan; requestState?: string }) {
  const id = plan.state === 'draft' ? plan.change_request_id : undefined;
  if (id === undefined || id === null) return null;
  const link = (
    <Anchor component={Link} to={changeRequestHref(project, id)} data-testid="plan-change-request">
      change request #{id}
    </Anchor>
  );
  if (pendingStart(plan, requestState) === undefined) {
    return (
      <Alert color="orange" variant="light" title="The start was not approved" data-testid="plan-start-request">
        The start asked for in {link} was not approved (the request is {requestState}). The plan is still a draft: starting it again opens a new change request.
      </Alert>
    );
  }
  return (
    <Alert color="blue" variant="light" title="Waiting for approval" data-testid="plan-start-request">
      This environment requires approval: the start is {link}. The plan starts on its first step when the request is approved
      {requestState === 'scheduled' ? ' and its scheduled time comes' : ''}, and nothing is served until then.
    </Alert>
  );
}

/** The steps, the current one highlighted, with what it still needs. */
export function StepTimeline({ plan, analysis }: { plan: ReleasePlan; analysis: Analysis | undefined }) {
  // A draft has not begun; a completed plan has done every step.
  const active = plan.state === 'draft' ? -1 : plan.state === 'completed' ? plan.steps.length : plan.step;
  return (
    <Timeline active={active} bulletSize={18} lineWidth={2} data-testid="step-timeline">
      {plan.steps.map((s, i) => {
        const current = i === plan.step && (plan.state === 'running' || plan.state === 'paused');
        return (
          <Timeline.Item
            key={i}
            data-current={current || undefined}
            color={plan.state === 'rolled_back' && i === plan.step ? 'red' : undefined}
            title={
              <Text size="sm" fw={current ? 700 : 500} data-testid={current ? 'current-step' : undefined}>
                {s.percent} %{current ? ' — now' : ''}
                {plan.state === 'rolled_back' && i === plan.step ? ' — rolled back here' : ''}
              </Text>
            }
          >
            <Text size="xs" c="dimmed">
              at least {formatDuration(s.min_duration_seconds)} and {s.min_exposures.toLocaleString()} exposures per arm
            </Text>
            {current && analysis && (
              <Text size="xs">
                this step: {analysis.step_exposures.control.toLocaleString()} control, {analysis.step_exposures.treatment.toLocaleString()} treatment exposures
                {plan.step_started_at ? (
                  <>
                    ; since <Time at={plan.step_started_at} />
                  </>
                ) : null}
              </Text>
            )}
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toLocaleString(undefined, { maximumFractionDigits: 1 })} h`;
}

/** Every change of the plan, newest first, with its reason and the numbers it was taken on. */
export function DecisionLog({ log, plan, project }: { log: Decision[]; plan: ReleasePlan; project?: string }) {
  if (log.length === 0) return <Text size="sm" c="dimmed">No decisions yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table fz="sm" data-testid="decision-log" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Step</Table.Th>
            <Table.Th>Why, and the numbers</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...log].reverse().map((d) => (
            <Table.Tr key={d.id} data-action={d.action}>
              <Table.Td>
                <Time at={d.at} />
              </Table.Td>
              <Table.Td>{planActionLabel(d.action)}</Table.Td>
              <Table.Td>{d.automatic ? <Badge size="xs" variant="light">runner</Badge> : d.actor.replace(/^user:/, '')}</Table.Td>
              <Table.Td>{d.step !== undefined ? `${d.step + 1} (${plan.steps[d.step]?.percent ?? '?'} %)` : '—'}</Table.Td>
              <Table.Td>
                <Text size="sm">{d.reason ?? '—'}</Text>
                {d.changeRequest !== undefined && project !== undefined && (
                  <Anchor component={Link} to={changeRequestHref(project, d.changeRequest)} size="xs" data-testid="decision-change-request">
                    Open change request #{d.changeRequest}
                  </Anchor>
                )}
                {d.analysis && (
                  <Text size="xs" c="dimmed" data-testid="decision-numbers">
                    exposures: control {d.analysis.exposures.control.toLocaleString()}, treatment {d.analysis.exposures.treatment.toLocaleString()}
                    {d.analysis.guardrails.map((g) => (
                      <span key={g.event}>
                        {' · '}
                        {g.event}: control {formatEstimate(g.measure, g.control.estimate)} [{formatEstimate(g.measure, g.control.lower)}, {formatEstimate(g.measure, g.control.upper)}], treatment{' '}
                        {formatEstimate(g.measure, g.treatment.estimate)} [{formatEstimate(g.measure, g.treatment.lower)}, {formatEstimate(g.measure, g.treatment.upper)}] ({g.verdict.replace(/_/g, ' ')})
                      </span>
                    ))}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The hand actions the plan's state allows, each confirmed first and sent with the plan's
 * version (If-Match). A 412 or 409 is explained and the plan read again.
 */
export function PlanActions({
  project,
  flag,
  env,
  plan,
  version,
  requestState,
  requiresApproval = false,
  onDone,
  onStale,
}: {
  project: string;
  flag: string;
  env: string;
  plan: ReleasePlan;
  version: number;
  /** The state of the change request a start waits for, when read. */
  requestState?: string;
  /** The environment requires approval: a start opens a change request (202) instead. */
  requiresApproval?: boolean;
  onDone: (plan: ReleasePlan) => void;
  onStale: () => void;
}) {
  const [confirming, setConfirming] = useState<PlanAction>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ action: PlanAction; error: unknown }>();
  const actions = actionsFor(plan.state);
  // A start already asked for waits for its change request: starting again is refused (409).
  const waiting = pendingStart(plan, requestState);
  const run = async (action: PlanAction) => {
    setBusy(true);
    setFailure(undefined);
    try {
      onDone(await api.releasePlans.act(project, flag, env, action, version).then((r) => ({ ...r.data, version: r.version })));
      setConfirming(undefined);
    } catch (e) {
      setFailure({ action, error: e });
      setConfirming(undefined);
      if (e instanceof ApiError && (e.status === 409 || e.status === 412)) onStale();
    } finally {
      setBusy(false);
    }
  };
  const explained = failure && explainActionError(failure.error, failure.action);
  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="xs">
        {actions.map((a) => (
          <Button
            key={a}
            color={ACTION_TEXT[a].color}
            variant={a === 'rollback' ? 'filled' : 'light'}
            onClick={() => setConfirming(a)}
            disabled={a === 'start' && waiting !== undefined}
            aria-describedby={a === 'start' && waiting !== undefined ? 'plan-start-reason' : undefined}
            data-testid={`plan-${a}`}
          >
            {a === 'rollback' && plan.state === 'draft' ? 'Discard' : ACTION_TEXT[a].label}
          </Button>
        ))}
      </Group>
      {waiting !== undefined && (
        <Text size="xs" c="dimmed" id="plan-start-reason" data-testid="plan-start-reason">
          Start: waiting for approval of change request #{waiting}
        </Text>
      )}
      {failure && explained && (
        <Alert color="orange" title={explained.title} role="alert" maw={520} withCloseButton onClose={() => setFailure(undefined)} data-testid="plan-action-error">
          {explained.detail}
        </Alert>
      )}
      {failure && !explained && <ErrorAlert error={failure.error} title={`Could not ${ACTION_TEXT[failure.action].label.toLowerCase()}`} />}
      <Modal opened={confirming !== undefined} onClose={() => setConfirming(undefined)} title={confirming ? ACTION_TEXT[confirming].title : ''} centered>
        {confirming && (
          <Stack>
            <Text size="sm" data-testid="plan-confirm-message">
              {confirming === 'rollback' && plan.state === 'draft'
                ? 'The draft never served anything; discarding it lets you create another plan.'
                : confirming === 'start' && requiresApproval
                  ? `${env} requires approval: starting opens a change request holding the first step. The plan starts, and the treatment is served, only once the request is approved.`
                  : ACTION_TEXT[confirming].message}
            </Text>
            <Text size="xs" c="dimmed">
              Sent for version {version} of the plan: if it moved meanwhile, nothing is done and you are told.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(undefined)}>
                Cancel
              </Button>
              <Button color={ACTION_TEXT[confirming].color} loading={busy} onClick={() => void run(confirming)} data-testid="plan-confirm">
                {confirming === 'rollback' && plan.state === 'draft' ? 'Discard' : ACTION_TEXT[confirming].label}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
