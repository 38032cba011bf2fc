import { Box, Text } from '@mantine/core';
import type { Weight } from '../api/types';
import { cssColor, variantColor } from '../lib/colors';
import { describeSplit, splitSegments } from '../lib/rollout';

/** A horizontal bar showing how a rollout splits traffic. */
export function SplitBar({ weights, variants, height = 22 }: { weights: Weight[]; variants: string[]; height?: number }) {
  const { segments, over, unallocated } = splitSegments(weights);
  const description =
    describeSplit(weights) +
    (unallocated > 0 ? `; ${segments[segments.length - 1].label}` : '') +
    (over ? '; over 100 %' : '');
  return (
    <Box
      role="img"
      aria-label={`Split: ${description}`}
      data-testid="split-bar"
      style={{
        display: 'flex',
        width: '100%',
        height,
        borderRadius: 4,
        overflow: 'hidden',
        outline: over ? `2px solid ${cssColor('red')}` : `1px solid var(--mantine-color-default-border)`,
      }}
    >
      {segments.map((s, i) => (
        <Box
          key={i}
          data-variant={s.variant ?? ''}
          data-width={s.width.toFixed(3)}
          title={s.label}
          style={{
            width: `${s.width}%`,
            minWidth: s.width > 0 ? 2 : 0,
            background:
              s.variant === null
                ? 'repeating-linear-gradient(45deg, var(--mantine-color-gray-2), var(--mantine-color-gray-2) 6px, var(--mantine-color-gray-4) 6px, var(--mantine-color-gray-4) 12px)'
                : cssColor(variantColor(s.variant, variants)),
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            overflow: 'hidden',
          }}
        >
          {s.width >= 12 && (
            <Text size="xs" fw={600} c={s.variant === null ? 'dark' : 'white'} truncate aria-hidden="true">
              {s.label}
            </Text>
          )}
        </Box>
      ))}
    </Box>
  );
}
