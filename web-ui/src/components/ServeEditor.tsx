import { Select, SegmentedControl, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import type { Serve } from '../api/types';
import { rolloutAllTo, variantShares } from '../lib/rollout';
import { errorAt, errorsUnder } from '../lib/rules';
import { RolloutEditor } from './RolloutEditor';

/** Edits what a rule or the default serves: one variant, or a percentage rollout. */
export function ServeEditor({
  label,
  value,
  variants,
  onChange,
  errors,
  disabled,
}: {
  label: string;
  value: Serve;
  variants: string[];
  onChange: (s: Serve) => void;
  /** Server problems relative to this serve. */
  errors?: Record<string, string[]>;
  disabled?: boolean;
}) {
  const id = useId();
  const mode = 'rollout' in value ? 'rollout' : 'variant';
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500} id={`${id}-label`}>
        {label}
      </Text>
      <SegmentedControl
        aria-labelledby={`${id}-label`}
        value={mode}
        disabled={disabled}
        w="fit-content"
        data={[
          { value: 'variant', label: 'A variant' },
          { value: 'rollout', label: 'A percentage rollout' },
        ]}
        onChange={(m) => {
          if (m === mode) return;
          if (m === 'rollout') {
            const current = 'variant' in value ? value.variant : variants[0];
            onChange({ rollout: rolloutAllTo(current, variants) });
          } else if ('rollout' in value) {
            const top = variantShares(value.rollout.weights).sort((a, b) => b.weight - a.weight)[0];
            onChange({ variant: top?.variant ?? variants[0] });
          }
        }}
      />
      {'variant' in value ? (
        <Select
          label="Variant"
          data={variants}
          value={value.variant}
          allowDeselect={false}
          maw={320}
          disabled={disabled}
          error={errorAt(errors, '/variant')}
          onChange={(v) => v && onChange({ variant: v })}
        />
      ) : (
        <RolloutEditor
          value={value.rollout}
          variants={variants}
          disabled={disabled}
          errors={errorsUnder(errors, '/rollout')}
          onChange={(r) => onChange({ rollout: r })}
        />
      )}
    </Stack>
  );
}
