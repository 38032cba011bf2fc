import { Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { ApiError } from '../../api/client';
import type { Environment, Flag, Rule } from '../../api/types';
import { ErrorAlert } from '../../components/common';
import { ReleasePlanForm } from '../../components/ReleasePlanForm';
import { changeRequestHref, planHref, STATE_COLOR, STATE_LABEL } from '../../lib/releasePlan';
import { useLoad } from '../../lib/useLoad';

/**
 * The environment tab's release plan box: the plan's state with a link to its page, or
 * (with no unfinished plan) the button that opens the creation form.
 */
export function ReleasePlanSection({
  project,
  flag,
  env,
  rules,
  serving,
  canEdit,
}: {
  project: string;
  flag: Flag;
  env: Environment;
  rules: Rule[];
  /** The variant the default serve gives now, if one. */
  serving?: string;
  canEdit: boolean;
}) {
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  // 404: the flag never had a plan here.
  const plan = useLoad(
    (signal) =>
      api.releasePlans.get(project, flag.key, env.key, signal).then(
        (r) => r.data,
        (e) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        },
      ),
    [project, flag.key, env.key],
  );
  const p = plan.data;
  const unfinished = p && (p.state === 'draft' || p.state === 'running' || p.state === 'paused');
  const envName = env.name || env.key;
  if (creating) {
    return (
      <ReleasePlanForm
        variants={flag.variants.map((v) => v.key)}
        rules={rules}
        serving={serving}
        envName={envName}
        onCancel={() => setCreating(false)}
        onSubmit={async (spec) => {
          const created = await api.releasePlans.create(project, flag.key, env.key, spec);
          navigate(planHref(project, flag.key, env.key));
          return created;
        }}
      />
    );
  }
  return (
    <Paper withBorder p="md" radius="md" data-testid="release-plan-section">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={2} size="h4">
            Release plan
          </Title>
          {plan.error ? (
            <ErrorAlert error={plan.error} title="Could not load the release plan" onRetry={() => void plan.reload()} />
          ) : p === undefined ? (
            <Text size="sm" c="dimmed">
              Loading…
            </Text>
          ) : p === null ? (
            <Text size="sm" c="dimmed">
              Release a variant step by step, watched by guardrails that roll it back by themselves when it does worse than the variant it replaces.
            </Text>
          ) : (
            <Group gap="xs">
              <Badge color={STATE_COLOR[p.state]} data-testid="release-plan-state">
                {STATE_LABEL[p.state]}
              </Badge>
              <Text size="sm">
                {p.treatment} against {p.control}
                {p.state === 'running' || p.state === 'paused' ? `, step ${p.step + 1} of ${p.steps.length} (${p.steps[p.step]?.percent ?? 100} %)` : ''}
                {p.state === 'draft' && p.change_request_id !== undefined && p.change_request_id !== null ? (
                  <>
                    ; start asked for in{' '}
                    <Anchor component={Link} to={changeRequestHref(project, p.change_request_id)} data-testid="release-plan-change-request">
                      change request #{p.change_request_id}
                    </Anchor>
                  </>
                ) : null}
              </Text>
            </Group>
          )}
        </Stack>
        <Group gap="xs">
          {p && (
            <Button variant="light" component={Link} to={planHref(project, flag.key, env.key)}>
              Open the plan
            </Button>
          )}
          {canEdit && p !== undefined && !unfinished && !flag.archived && (
            <Button variant="default" onClick={() => setCreating(true)} disabled={flag.variants.length < 2}>
              Create a release plan
            </Button>
          )}
        </Group>
      </Group>
    </Paper>
  );
}
