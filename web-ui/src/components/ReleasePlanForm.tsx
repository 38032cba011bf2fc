import { ActionIcon, Alert, Button, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { ReleasePlan, ReleasePlanSpec, Rule } from '../api/types';
import { errorAt } from '../lib/rules';
import { defaultSteps, type GuardrailDraft, type Measure, newGuardrail, newPlanDraft, type PlanDraft, specOfDraft, type StepDraft } from '../lib/releasePlan';
import { ErrorAlert } from './common';
import { IconPlus, IconTrash } from './icons';

const MEASURES: { value: Measure; label: string }[] = [
  { value: 'rate', label: 'Error rate (events per exposure)' },
  { value: 'mean', label: 'Mean of a numeric event' },
  { value: 'p95', label: 'p95 of a numeric event' },
  { value: 'prometheus', label: 'Prometheus query' },
];

/** Problems the form finds itself before sending: empty required fields, by pointer. */
export function localProblems(d: PlanDraft): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (p: string, m: string) => (out[p] ??= []).push(m);
  if (!d.treatment) add('/treatment', 'Pick the variant to release');
  if (!d.control) add('/control', 'Pick the variant it replaces');
  if (d.steps.length === 0) add('/steps', 'A plan has at least one step');
  d.steps.forEach((s, i) => {
    if (s.percent === '') add(`/steps/${i}/percent`, 'Required');
    if (s.minutes === '') add(`/steps/${i}/min_duration_seconds`, 'Required');
    if (s.minExposures === '') add(`/steps/${i}/min_exposures`, 'Required');
  });
  d.guardrails.forEach((g, i) => {
    if (!g.event.trim()) add(`/guardrails/${i}/event`, g.measure === 'prometheus' ? 'Name the guardrail' : 'Required: the tracked event key');
    if (g.measure === 'prometheus' && !g.query.trim()) add(`/guardrails/${i}/query`, 'Required: a PromQL query with {{variant}}');
  });
  return out;
}

/**
 * The form that creates a draft release plan for a flag in one environment: what is
 * released against what, where (the default serve or a rule), the steps and the
 * guardrails. The server checks it; its problems show next to the fields they point at.
 */
export function ReleasePlanForm({
  variants,
  rules,
  serving,
  envName,
  onSubmit,
  onCancel,
}: {
  variants: string[];
  rules: Rule[];
  /** The variant the default serve gives now, if one: the control to start from. */
  serving?: string;
  envName: string;
  /** Sends the specification; a rejection with field problems shows them. */
  onSubmit: (spec: ReleasePlanSpec) => Promise<ReleasePlan>;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<PlanDraft>(() => newPlanDraft(variants, serving));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<PlanDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setStep = (i: number, patch: Partial<StepDraft>) => set({ steps: draft.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const setGuard = (i: number, patch: Partial<GuardrailDraft>) => set({ guardrails: draft.guardrails.map((g, j) => (j === i ? { ...g, ...patch } : g)) });
  const variantData = variants.map((v) => ({ value: v, label: v }));
  const placeData = [
    { value: '', label: 'The default serve' },
    ...rules.filter((r) => r.id).map((r, i) => ({ value: r.id as string, label: `Rule ${i + 1}${r.description ? `: ${r.description}` : ''} (${r.id})` })),
  ];
  const num = (v: string | number): number | '' => (v === '' || typeof v === 'string' ? (v === '' || Number.isNaN(Number(v)) ? '' : Number(v)) : v);

  const submit = async () => {
    const local = localProblems(draft);
    setError(undefined);
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      await onSubmit(specOfDraft(draft));
      setErrors({});
    } catch (e) {
      setError(e);
      setErrors(e instanceof ApiError ? e.fieldErrors : {});
    } finally {
      setBusy(false);
    }
  };
  // Problems no field shows (a pointer the form has no place for) go in the alert.
  const placed = /^\/(treatment|control|rule|steps|guardrails)(\/|$)/;
  const unplaced = Object.entries(errors).filter(([p]) => !placed.test(p) || p === '/guardrails');

  return (
    <Paper withBorder p="md" radius="md" data-testid="release-plan-form">
      <Stack gap="sm">
        <Title order={3} size="h4">
          New release plan in {envName}
        </Title>
        <Text size="sm" c="dimmed">
          The plan serves the treatment to a growing share of the place, steps up when a step has had its time and its exposures with no guardrail worse, and
          serves the control to everyone again as soon as one is worse. It starts as a draft; start it from its page.
        </Text>
        {error ? <ErrorAlert error={error} title={Object.keys(errors).length ? 'The plan was not created: fix the highlighted fields' : 'Could not create the plan'} /> : null}
        {unplaced.length > 0 && (
          <Alert color="red" variant="light" data-testid="plan-unplaced-errors">
            {unplaced.map(([p, m]) => (
              <Text size="sm" key={p}>
                {p || 'The plan'}: {m.join('; ')}
              </Text>
            ))}
          </Alert>
        )}
        <Group gap="sm" align="flex-start" wrap="wrap">
          <Select label="Treatment (released)" w={200} data={variantData} value={draft.treatment} allowDeselect={false} error={errorAt(errors, '/treatment')} onChange={(v) => set({ treatment: v ?? '' })} />
          <Select label="Control (replaced)" w={200} data={variantData} value={draft.control} allowDeselect={false} error={errorAt(errors, '/control')} onChange={(v) => set({ control: v ?? '' })} />
          <Select label="Where" w={320} data={placeData} value={draft.rule} allowDeselect={false} error={errorAt(errors, '/rule')} onChange={(v) => set({ rule: v ?? '' })} />
        </Group>

        <Group justify="space-between" mt="xs">
          <Text fw={600} size="sm">
            Steps
          </Text>
          <Group gap="xs">
            <Button size="compact-xs" variant="subtle" onClick={() => set({ steps: defaultSteps() })}>
              Reset to 1 → 5 → 25 → 50 → 100 %
            </Button>
            <Button
              size="compact-xs"
              variant="default"
              leftSection={<IconPlus size={12} />}
              onClick={() => set({ steps: [...draft.steps, { percent: 100, minutes: draft.steps.at(-1)?.minutes ?? 10, minExposures: draft.steps.at(-1)?.minExposures ?? 100 }] })}
            >
              Add step
            </Button>
          </Group>
        </Group>
        {errorAt(errors, '/steps') && (
          <Text size="sm" c="red">
            {errorAt(errors, '/steps')}
          </Text>
        )}
        <Table fz="sm" maw={640} data-testid="plan-steps">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Treatment share (%)</Table.Th>
              <Table.Th>At least (minutes)</Table.Th>
              <Table.Th>Exposures per arm</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.steps.map((s, i) => (
              <Table.Tr key={i}>
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td>
                  <NumberInput aria-label={`Step ${i + 1} percent`} size="xs" min={0.001} max={100} decimalScale={3} value={s.percent} error={errorAt(errors, `/steps/${i}/percent`)} onChange={(v) => setStep(i, { percent: num(v) })} />
                </Table.Td>
                <Table.Td>
                  <NumberInput aria-label={`Step ${i + 1} minimum minutes`} size="xs" min={0} decimalScale={2} value={s.minutes} error={errorAt(errors, `/steps/${i}/min_duration_seconds`)} onChange={(v) => setStep(i, { minutes: num(v) })} />
                </Table.Td>
                <Table.Td>
                  <NumberInput aria-label={`Step ${i + 1} minimum exposures`} size="xs" min={0} allowDecimal={false} value={s.minExposures} error={errorAt(errors, `/steps/${i}/min_exposures`)} onChange={(v) => setStep(i, { minExposures: num(v) })} />
                </Table.Td>
                <Table.Td>
                  <ActionIcon variant="subtle" color="gray" aria-label={`Remove step ${i + 1}`} disabled={draft.steps.length <= 1} onClick={() => set({ steps: draft.steps.filter((_, j) => j !== i) })}>
                    <IconTrash size={14} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>

        <Group justify="space-between" mt="xs">
          <Text fw={600} size="sm">
            Guardrails
          </Text>
          <Button size="compact-xs" variant="default" leftSection={<IconPlus size={12} />} onClick={() => set({ guardrails: [...draft.guardrails, newGuardrail('mean')] })}>
            Add guardrail
          </Button>
        </Group>
        {errorAt(errors, '/guardrails') && (
          <Text size="sm" c="red">
            {errorAt(errors, '/guardrails')}
          </Text>
        )}
        {draft.guardrails.length === 0 && (
          <Text size="sm" c="dimmed">
            No guardrails: the plan steps up on time and exposures alone.
          </Text>
        )}
        {draft.guardrails.map((g, i) => (
          <Paper key={i} withBorder p="xs" radius="sm" data-testid={`guardrail-${i}`}>
            <Stack gap={6}>
              <Group gap="sm" align="flex-start" wrap="wrap">
                <Select label="Measure" w={260} size="xs" data={MEASURES} value={g.measure} allowDeselect={false} error={errorAt(errors, `/guardrails/${i}/measure`)} onChange={(v) => v && setGuard(i, { measure: v as Measure })} />
                <TextInput
                  label={g.measure === 'prometheus' ? 'Name' : 'Event key'}
                  placeholder={g.measure === 'rate' ? 'http_5xx' : g.measure === 'prometheus' ? 'p95_latency' : 'latency_ms'}
                  w={200}
                  size="xs"
                  value={g.event}
                  error={errorAt(errors, `/guardrails/${i}/event`)}
                  onChange={(e) => setGuard(i, { event: e.currentTarget.value })}
                />
                <div>
                  <Text size="xs" fw={500} mb={4}>
                    Worse when
                  </Text>
                  <SegmentedControl
                    size="xs"
                    value={g.direction}
                    onChange={(v) => setGuard(i, { direction: v as GuardrailDraft['direction'] })}
                    data={[
                      { value: 'higher_is_worse', label: 'higher' },
                      { value: 'lower_is_worse', label: 'lower' },
                    ]}
                  />
                </div>
                <NumberInput
                  label="Tolerated (% worse)"
                  w={150}
                  size="xs"
                  min={0}
                  decimalScale={2}
                  value={g.tolerancePercent}
                  error={errorAt(errors, `/guardrails/${i}/tolerance`)}
                  onChange={(v) => setGuard(i, { tolerancePercent: num(v) })}
                />
                {(g.measure === 'p95' || g.measure === 'prometheus') && (
                  <NumberInput
                    label="Tolerated (absolute)"
                    description="in the metric's unit"
                    w={150}
                    size="xs"
                    min={0}
                    value={g.absolute}
                    error={errorAt(errors, `/guardrails/${i}/absolute_tolerance`)}
                    onChange={(v) => setGuard(i, { absolute: num(v) })}
                  />
                )}
                <ActionIcon mt={22} variant="subtle" color="gray" aria-label={`Remove guardrail ${i + 1}`} onClick={() => set({ guardrails: draft.guardrails.filter((_, j) => j !== i) })}>
                  <IconTrash size={14} />
                </ActionIcon>
              </Group>
              {g.measure === 'prometheus' && (
                <Textarea
                  label="PromQL query"
                  description="One number per arm; {{variant}} is replaced by the arm's variant key"
                  size="xs"
                  autosize
                  minRows={1}
                  ff="monospace"
                  value={g.query}
                  error={errorAt(errors, `/guardrails/${i}/query`)}
                  onChange={(e) => setGuard(i, { query: e.currentTarget.value })}
                />
              )}
            </Stack>
          </Paper>
        ))}
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button loading={busy} onClick={() => void submit()}>
            Create plan
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
