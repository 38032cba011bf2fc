import { Group, SegmentedControl, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { api } from '../../api';
import { ApiError } from '../../api/client';
import type { Environment, Flag } from '../../api/types';
import { Empty, ErrorAlert, Loading, Time } from '../../components/common';
import { usageRows } from '../../lib/usage';
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
  const usage = useLoad(() => api.flags.usage(project, flag.key, env, Number(hours)), [project, flag.key, env, hours]);
  const allVariants = flag.variants.map((v) => v.key);

  let body;
  if (usage.error) {
    body =
      usage.error instanceof ApiError && usage.error.status === 404 && /route/i.test(usage.error.problem.detail) ? (
        <Empty title="Usage is not available" description="This server does not record flag evaluations." />
      ) : (
        <ErrorAlert error={usage.error} title="Could not load usage" onRetry={() => void usage.reload()} />
      );
  } else if (!usage.data) {
    body = <Loading label="Loading usage…" />;
  } else {
    const { rows, variants, total } = usageRows(usage.data);
    body =
      total === 0 ? (
        <Empty title="No evaluations in this period" description={`No SDK evaluated ${flag.key} in ${env} during the last ${RANGES.find((r) => r.value === hours)?.label}.`} />
      ) : (
        <Stack gap="xs">
          <Text size="sm">
            {total.toLocaleString()} evaluations, per {usage.data.step_seconds >= 3600 ? `${usage.data.step_seconds / 3600} h` : `${usage.data.step_seconds / 60} min`}
          </Text>
          <Suspense fallback={<Loading label="Loading chart…" />}>
            <UsageChart rows={rows} variants={variants} allVariants={allVariants} stepSeconds={usage.data.step_seconds} />
          </Suspense>
          <VisuallyHidden>
            <Table>
              <caption>Evaluations per variant</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Variant</Table.Th>
                  <Table.Th>Evaluations</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {usage.data.series.map((s) => (
                  <Table.Tr key={s.variant}>
                    <Table.Td>{s.variant}</Table.Td>
                    <Table.Td>{s.points.reduce((a, p) => a + p.count, 0)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </VisuallyHidden>
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
    </Stack>
  );
}
