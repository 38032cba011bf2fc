import { Box, Group, SegmentedControl, Select, Stack, Table, Text } from '@mantine/core';
import { lazy, Suspense, useMemo, useState } from 'react';
import { api } from '../../api';
import { ApiError } from '../../api/client';
import type { ApplicationSeen, Environment, Flag } from '../../api/types';
import { Empty, ErrorAlert, Loading, Time } from '../../components/common';
import { usageRows } from '../../lib/usage';
import { variantColor } from '../../lib/colors';
import { useLoad } from '../../lib/useLoad';

const UsageChart = lazy(() => import('./UsageChart'));

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
      <Applications project={project} flag={flag.key} env={env} />
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
