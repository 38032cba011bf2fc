import { Button, ColorSwatch, Group, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useId, useState } from 'react';
import type { Rollout } from '../api/types';
import { cssColor, variantColor } from '../lib/colors';
import { balance, evenSplit, parsePercent, rangeCount, remainder, sumWeights, TOTAL_WEIGHT, weightToPercent, withAllVariants } from '../lib/rollout';
import { errorAt } from '../lib/rules';
import { SplitBar } from './SplitBar';

function PercentInput({
  label,
  weight,
  onChange,
  error,
  disabled,
}: {
  label: string;
  weight: number;
  onChange: (weight: number) => void;
  error?: string;
  disabled?: boolean;
}) {
  const [text, setText] = useState(weightToPercent(weight));
  const [problem, setProblem] = useState<string>();
  // Follow changes made elsewhere (balance, even split, a reload).
  useEffect(() => {
    const parsed = parsePercent(text);
    if (!parsed.ok || parsed.weight !== weight) {
      setText(weightToPercent(weight));
      setProblem(undefined);
    }
  }, [weight]);
  return (
    <TextInput
      label={label}
      value={text}
      inputMode="decimal"
      w={130}
      disabled={disabled}
      rightSection={<Text size="sm" c="dimmed">%</Text>}
      error={problem ?? error}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setText(v);
        const parsed = parsePercent(v);
        if (parsed.ok) {
          setProblem(undefined);
          if (parsed.weight !== weight) onChange(parsed.weight);
        } else {
          setProblem(parsed.error);
        }
      }}
      onBlur={() => {
        const parsed = parsePercent(text);
        if (parsed.ok) setText(weightToPercent(parsed.weight));
      }}
    />
  );
}

/**
 * Edits a rollout: a percentage per variant (0.001 % steps, stored as integer weights
 * out of 100 000), the split bar, the total, and the attribute to bucket by.
 *
 * It edits shares only: a variant with several ranges shows their sum, and a change is
 * sent as one weight per variant for the server to fit into the stored layout, moving
 * only the users the new shares require. The review dialog shows who moves.
 */
export function RolloutEditor({
  value,
  variants,
  onChange,
  errors,
  disabled,
}: {
  value: Rollout;
  variants: string[];
  onChange: (r: Rollout) => void;
  /** Server problems relative to the rollout (`/weights/0/weight`, ...). */
  errors?: Record<string, string[]>;
  disabled?: boolean;
}) {
  const id = useId();
  const weights = withAllVariants(value.weights, variants);
  const total = sumWeights(weights);
  const rest = remainder(weights);
  const update = (w: typeof weights) => onChange({ ...value, weights: w });
  const largest = weights.reduce((best, w, i) => (w.weight > weights[best].weight ? i : best), 0);
  const ranges = rangeCount(value.weights);

  return (
    <Stack gap="sm" data-testid="rollout-editor">
      <SplitBar weights={weights} variants={variants} />
      <Group gap="md" align="flex-start" wrap="wrap">
        {weights.map((w, i) => (
          <Stack key={w.variant} gap={2}>
            <Group gap={6} wrap="nowrap" align="flex-end">
              <ColorSwatch color={cssColor(variantColor(w.variant, variants))} size={14} mb={12} aria-hidden="true" />
              <PercentInput
                label={w.variant}
                weight={w.weight}
                disabled={disabled}
                error={errorAt(errors, `/weights/${value.weights.findIndex((x) => x.variant === w.variant)}`, true)}
                onChange={(weight) => update(weights.map((x, j) => (j === i ? { ...x, weight } : x)))}
              />
            </Group>
            <Text size="xs" c="dimmed" pl={20}>
              weight {w.weight.toLocaleString('en-US')}
            </Text>
          </Stack>
        ))}
      </Group>
      <Group gap="sm" wrap="wrap">
        <Text size="sm" fw={500} c={rest === 0 ? 'teal.8' : 'red.8'} id={`${id}-total`} role="status" data-testid="rollout-total">
          Total {weightToPercent(total)} %{rest > 0 && ` (${weightToPercent(rest)} % unallocated)`}
          {rest < 0 && ` (${weightToPercent(-rest)} % too much)`}
        </Text>
        {rest !== 0 && weights.length > 0 && (
          <Button size="compact-sm" variant="light" disabled={disabled} onClick={() => update(balance(weights, rest > 0 ? weights.length - 1 : largest))}>
            {rest > 0 ? `Give the rest to ${weights[weights.length - 1].variant}` : `Take the excess from ${weights[largest].variant}`}
          </Button>
        )}
        <Button size="compact-sm" variant="subtle" disabled={disabled} onClick={() => update(evenSplit(variants))}>
          Split evenly
        </Button>
      </Group>
      {errorAt(errors, '/weights') && (
        <Text size="sm" c="red">
          {errorAt(errors, '/weights')}
        </Text>
      )}
      <TextInput
        label="Bucket by"
        description="Attribute hashed to assign variants; empty means the context key. Contexts without it fall back to the key."
        placeholder="key"
        maw={320}
        disabled={disabled}
        value={value.bucket_by ?? ''}
        error={errorAt(errors, '/bucket_by')}
        onChange={(e) => {
          const v = e.currentTarget.value;
          const next: Rollout = { weights: value.weights };
          if (v) next.bucket_by = v;
          onChange(next);
        }}
      />
      <Text size="xs" c="dimmed">
        Weights are stored out of {TOTAL_WEIGHT.toLocaleString('en-US')} (1 = 0.001 %) and must add up to exactly 100 %. Changing a percentage keeps every user
        whose variant does not lose share.
        {ranges > weights.filter((w) => w.weight > 0).length && (
          <span data-testid="rollout-ranges"> Users are laid out in {ranges} ranges so that earlier changes moved as few of them as possible.</span>
        )}
      </Text>
    </Stack>
  );
}
