import { Anchor, Box, Group, SegmentedControl, Select, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { lazy, Suspense, useMemo, useState } from 'react';
import { api } from '../../api';
import { ApiError } from '../../api/client';
import type { ApplicationSeen, Environment, Flag, ReleasePlan, Usage } from '../../api/types';
import { Empty, ErrorAlert, Loading, Time } from '../../components/common';
import { isCountEvent, metricLines, ratePerExposure, usageRows } from '../../lib/usage';
import { formatEstimate, planHref, readAnalysis, STATE_LABEL } from '../../lib/releasePlan';
import { variantColor } from '../../lib/colors';
import { useLoad } from '../../lib/useLoad';

const UsageChart = lazy(() => import('./UsageChart'));
const MetricChart = lazy(() => import('./MetricChart'));

const RANGES = [
  { value: '24', label: '24 hours' },
  { value: '168', label: '7 days' },
  { value: '720', label: '30 days' },
];

export function UsageTab({ project, flag, environments, initialEnv }: { project: string; flag: Flag; environments: Environment[]; initialEnv: string }) {
  const [env, setEnv] = useState(initialEnv);
  const [hours, setHours] = useState('24');
  // The period ends when the answer was asked for.
  const usage = useLoad(() => api.flags.usage(project, flag.key, env, Number(hours)).then((data) => ({ data, now: Date.now() })), [project, flag.key, env, hours]);
  const allVariants = useMemo(() => flag.variants.map((v) => v.key), [flag.variants]);
  const shaped = useMemo(() => {
    if (!usage.data) return undefined;
    // Variants in the flag's order, as everywhere else.
    const rank = (v: string) => (allVariants.includes(v) ? allVariants.indexOf(v) : allVariants.length);
    const series = [...usage.data.data.series].sort((a, b) => rank(a.variant) - rank(b.variant));
    return usageRows({ ...usage.data.data, series }, { hours: Number(hours), now: usage.data.now });
  }, [usage.data, hours, allVariants]);

  let body;
  if (usage.error) {
    body =
      usage.error instanceof ApiError && usage.error.status === 404 && /route/i.test(usage.error.problem.detail) ? (
        <Empty title="Usage is not available" description="This server does not record flag evaluations." />
      ) : (
        <ErrorAlert error={usage.error} title="Could not load usage" onRetry={() => void usage.reload()} />
      );
  } else if (!usage.data || !shaped) {
    body = <Loading label="Loading usage…" />;
  } else {
    const { rows, variants, total, totals } = shaped;
    const step = usage.data.data.step_seconds;
    body =
      total === 0 ? (
        <Empty title="No evaluations in this period" description={`No SDK evaluated ${flag.key} in ${env} during the last ${RANGES.find((r) => r.value === hours)?.label}.`} />
      ) : (
        <Stack gap="xs">
          <Text size="sm">
            {total.toLocaleString()} evaluations in the last {RANGES.find((r) => r.value === hours)?.label}, counted per {step >= 3600 ? `${step / 3600} h` : `${step / 60} min`}; hover the chart for the values of a step.
          </Text>
          <Suspense fallback={<Loading label="Loading chart…" />}>
            <UsageChart rows={rows} variants={variants} allVariants={allVariants} stepSeconds={step} />
          </Suspense>
          <Table maw={480} fz="sm" data-testid="usage-totals">
            <caption>Evaluations per variant over the period</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Variant</Table.Th>
                <Table.Th ta="right">Evaluations</Table.Th>
                <Table.Th ta="right">Share</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {totals.map((t) => (
                <Table.Tr key={t.variant} data-variant={t.variant}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Box w={10} h={10} style={{ borderRadius: 2, background: `var(--mantine-color-${variantColor(t.variant, allVariants)}-6)` }} />
                      {t.variant}
                    </Group>
                  </Table.Td>
                  <Table.Td ta="right">{t.count.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{t.share.toLocaleString(undefined, { maximumFractionDigits: 1 })} %</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      );
  }

  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select label="Environment" w={200} data={environments.map((e) => ({ value: e.key, label: e.name || e.key }))} value={env} allowDeselect={false} onChange={(v) => v && setEnv(v)} />
        <SegmentedControl aria-label="Period" value={hours} onChange={setHours} data={RANGES} />
        {flag.last_evaluated_at !== undefined && (
          <Text size="sm" c="dimmed">
            Last evaluated: <Time at={flag.last_evaluated_at} />
          </Text>
        )}
      </Group>
      {body}
      <Metrics project={project} flag={flag} env={env} hours={Number(hours)} allVariants={allVariants} usage={usage.data?.data} usageAt={usage.data?.now} />
      <Applications project={project} flag={flag.key} env={env} />
    </Stack>
  );
}

/** Why counts can be missing: the SDK's rule (`Client::track`, `ClientBuilder::watch_flags`). */
const ATTRIBUTION_HELP =
  "SDKs attribute a metric event to this flag's variant only while the flag serves that user a percentage rollout (or the SDK watches the flag with watch_flags); other events are not counted here, not lost.";

const fmt = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 3 });

/**
 * The custom metric events (`track`) the SDKs attributed to the flag's variants: per
 * event, the count, mean and standard deviation per variant, and the mean over time.
 */
function Metrics({
  project,
  flag,
  env,
  hours,
  allVariants,
  usage,
  usageAt,
}: {
  project: string;
  flag: Flag;
  env: string;
  hours: number;
  allVariants: string[];
  /** The exposures of the same period, for the rate of count events. */
  usage: Usage | undefined;
  usageAt: number | undefined;
}) {
  const metrics = useLoad(() => api.flags.metrics(project, flag.key, env, hours), [project, flag.key, env, hours]);
  // The environment's release plan, whose guardrails are shown with their events; none: null.
  const plan = useLoad(
    (signal) =>
      api.releasePlans.get(project, flag.key, env, signal).then(
        (r) => r.data,
        (e) => {
          if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
          throw e;
        },
      ),
    [project, flag.key, env],
  );
  const [picked, setPicked] = useState<string | null>(null);
  if (metrics.error) {
    // Servers without the read-out answer 404 for the route: say nothing.
    if (metrics.error instanceof ApiError && metrics.error.status === 404) return null;
    return <ErrorAlert error={metrics.error} title="Could not load the metrics" onRetry={() => void metrics.reload()} />;
  }
  if (!metrics.data) return <Loading label="Loading metrics…" />;
  const events = metrics.data.events;
  if (events.length === 0) {
    return (
      <Stack gap={4}>
        <Text size="sm" c="dimmed" data-testid="metrics-none">
          No metric events attributed to {flag.key} in {env} in this period{hours > 336 ? ' (metric events are kept 14 days)' : ''}.
        </Text>
        <Text size="xs" c="dimmed" data-testid="metrics-attribution">
          {ATTRIBUTION_HELP}
        </Text>
      </Stack>
    );
  }
  const current = events.find((e) => e.event === picked) ?? events[0];
  const rank = (v: string) => (allVariants.includes(v) ? allVariants.indexOf(v) : allVariants.length);
  const variants = [...current.variants].sort((a, b) => rank(a.variant) - rank(b.variant));
  const guardrail = plan.data?.guardrails.find((g) => g.event === current.event);
  const count = isCountEvent(variants, guardrail?.measure === 'rate');
  const lines = metricLines(variants, usage, count);
  // Metric events are kept for less time than usage: the rate counts exposures of the same span.
  const since = (usageAt ?? Date.now()) - Math.min(hours, 336) * 3_600_000;
  return (
    <Stack gap="xs" data-testid="metrics">
      <Group gap="sm" align="flex-end">
        <Text fw={600} size="sm">
          Metric events
        </Text>
        {events.length > 1 && (
          <Select aria-label="Metric event" size="xs" w={240} data={events.map((e) => e.event)} value={current.event} allowDeselect={false} onChange={setPicked} />
        )}
        {events.length === 1 && (
          <Text size="sm" ff="monospace">
            {current.event}
          </Text>
        )}
      </Group>
      <Text size="xs" c="dimmed" data-testid="metrics-attribution">
        {ATTRIBUTION_HELP}
      </Text>
      <Suspense fallback={<Loading label="Loading chart…" />}>
        <MetricChart lines={lines} allVariants={allVariants} rate={count} />
      </Suspense>
      <Table maw={560} fz="sm" data-testid="metric-totals">
        <caption>{current.event} per variant over the period</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Variant</Table.Th>
            <Table.Th ta="right">Events</Table.Th>
            {count ? (
              <Table.Th ta="right">Per exposure</Table.Th>
            ) : (
              <>
                <Table.Th ta="right">Mean</Table.Th>
                <Table.Th ta="right">Std. dev.</Table.Th>
              </>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {variants.map((v) => (
            <Table.Tr key={v.variant} data-variant={v.variant}>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Box w={10} h={10} style={{ borderRadius: 2, background: `var(--mantine-color-${variantColor(v.variant, allVariants)}-6)` }} />
                  {v.variant}
                </Group>
              </Table.Td>
              <Table.Td ta="right">{v.count.toLocaleString()}</Table.Td>
              {count ? (
                <Table.Td ta="right">{formatRate(ratePerExposure(v, usage, since))}</Table.Td>
              ) : (
                <>
                  <Table.Td ta="right">{fmt(v.mean)}</Table.Td>
                  <Table.Td ta="right">{v.std_dev === null ? '—' : fmt(v.std_dev)}</Table.Td>
                </>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {plan.data && <PlanGuardrails project={project} flag={flag.key} env={env} plan={plan.data} event={current.event} />}
    </Stack>
  );
}

const formatRate = (r: number | null) => (r === null ? '—' : `${(r * 100).toLocaleString(undefined, { maximumFractionDigits: 3 })} %`);

/**
 * The release plan's guardrail statistics of a metric event at the runner's last look, per
 * arm: what the plan decides on, beside the raw read-out above.
 */
function PlanGuardrails({ project, flag, env, plan, event }: { project: string; flag: string; env: string; plan: ReleasePlan; event: string }) {
  const look = readAnalysis(plan.analysis)?.guardrails.find((g) => g.event === event);
  const guardrail = plan.guardrails.find((g) => g.event === event);
  if (!guardrail) {
    return (
      <Text size="xs" c="dimmed" data-testid="metric-plan-none">
        The release plan in {env} does not watch {event}.{' '}
        <Anchor component={Link} to={planHref(project, flag, env)} size="xs">
          Open the plan
        </Anchor>
      </Text>
    );
  }
  return (
    <Stack gap={4} data-testid="metric-guardrail">
      <Group gap="xs">
        <Text fw={600} size="sm">
          Release plan guardrail ({guardrail.measure === 'rate' ? 'rate per exposure' : guardrail.measure}, {STATE_LABEL[plan.state].toLowerCase()})
        </Text>
        <Anchor component={Link} to={planHref(project, flag, env)} size="sm">
          Open the plan
        </Anchor>
      </Group>
      {!look ? (
        <Text size="xs" c="dimmed">
          No look yet: the runner reads the guardrails once the plan runs.
        </Text>
      ) : (
        <Table maw={560} fz="sm">
          <caption>
            At the last look ({look.verdict.replace(/_/g, ' ')}){plan.looked_at ? ', ' : ''}
            {plan.looked_at ? <Time at={plan.looked_at} /> : null}; the intervals stay valid however often they are looked at
          </caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Arm</Table.Th>
              <Table.Th ta="right">{guardrail.measure === 'rate' ? 'Exposures' : 'Events'}</Table.Th>
              <Table.Th ta="right">Estimate</Table.Th>
              <Table.Th ta="right">Interval</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(['control', 'treatment'] as const).map((arm) => (
              <Table.Tr key={arm} data-arm={arm}>
                <Table.Td>
                  {arm} ({arm === 'control' ? plan.control : plan.treatment})
                </Table.Td>
                <Table.Td ta="right">{look[arm].n.toLocaleString()}</Table.Td>
                <Table.Td ta="right">{formatEstimate(look.measure, look[arm].estimate)}</Table.Td>
                <Table.Td ta="right">
                  {formatEstimate(look.measure, look[arm].lower)} – {formatEstimate(look.measure, look[arm].upper)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Which applications evaluate the flag in the environment, and when each last did. */
function Applications({ project, flag, env }: { project: string; flag: string; env: string }) {
  const apps = useLoad(() => api.flags.applications(project, flag, env), [project, flag, env]);
  if (apps.error) {
    // Servers without application tracking answer 404 for the route: say nothing.
    if (apps.error instanceof ApiError && apps.error.status === 404) return null;
    return <ErrorAlert error={apps.error} title="Could not load the applications" onRetry={() => void apps.reload()} />;
  }
  if (!apps.data) return <Loading label="Loading applications…" />;
  return (
    <Stack gap={4}>
      <Text fw={600} size="sm">
        Evaluated by
      </Text>
      {apps.data.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="applications-none">
          No application has reported evaluating {flag} in {env} in the last 90 days. SDKs name their application in the events they send; OpenFeature clients over OFREP are counted above but name none.
        </Text>
      ) : (
        <Table maw={560} fz="sm" data-testid="applications">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Application</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Last evaluated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {apps.data.map((a: ApplicationSeen) => (
              <Table.Tr key={`${a.name}@${a.version ?? ''}`} data-application={a.name}>
                <Table.Td>{a.name}</Table.Td>
                <Table.Td>{a.version ?? <Text span c="dimmed">—</Text>}</Table.Td>
                <Table.Td>
                  <Time at={a.last_seen_at} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
