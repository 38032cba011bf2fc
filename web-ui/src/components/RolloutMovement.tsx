import { Alert, List, Loader, Stack, Text } from '@mantine/core';
import type { ConfigPreview, RolloutChange } from '../api/types';
import { weightToPercent } from '../lib/rollout';

/** "Default" or "Rule 2 (beta)" for a change's pointer. */
export function placeOf(c: RolloutChange): string {
  const m = /^\/rules\/(\d+)\//.exec(c.pointer);
  if (!m) return 'Default';
  return `Rule ${Number(m[1]) + 1}${c.rule_id ? ` (${c.rule_id})` : ''}`;
}

/** Changes that move more users than the new weights require, or cannot say how many. */
export function excessiveMoves(changes: RolloutChange[]): RolloutChange[] {
  return changes.filter((c) => c.moved === null || c.moved > c.required);
}

function why(c: RolloutChange): string {
  if (c.bucket_by_changed) return 'The attribute the rollout hashes changes, so every context is assigned again from scratch.';
  if (c.layout === 'compacted') return 'The rollout is split into too many ranges to keep its layout, so it is laid out again.';
  return 'The weights are stored exactly as listed instead of being fitted into the current layout.';
}

/**
 * The review dialog's account of who changes variant, from the server's dry run of the
 * same save: per rollout, the share of contexts reaching it that get another variant,
 * and a loud warning where that is more than the new weights require.
 */
export function RolloutMovement({ preview, loading }: { preview?: ConfigPreview; loading: boolean }) {
  if (loading) {
    return (
      <Text size="sm" c="dimmed" data-testid="rollout-movement-loading">
        <Loader size="xs" mr={6} />
        Working out who changes variant…
      </Text>
    );
  }
  if (!preview || preview.rollouts.length === 0) return null;
  const loud = excessiveMoves(preview.rollouts);
  const fine = preview.rollouts.filter((c) => !loud.includes(c));
  return (
    <Stack gap="xs" data-testid="rollout-movement">
      {loud.map((c) => (
        <Alert key={c.pointer} color="red" variant="filled" role="alert" title={`${placeOf(c)}: more users change variant than the weights require`}>
          <Text size="sm">
            {c.moved === null
              ? `It is not known which users keep their variant; the new weights alone would require ${weightToPercent(c.required)} % to change.`
              : `${weightToPercent(c.moved)} % of the contexts that reach it will get a different variant, where the new weights require only ${weightToPercent(c.required)} %.`}{' '}
            {why(c)}
          </Text>
        </Alert>
      ))}
      {fine.length > 0 && (
        <Alert color="blue" title="Who changes variant" role="status">
          <List size="sm">
            {fine.map((c) => (
              <List.Item key={c.pointer}>
                {placeOf(c)}:{' '}
                {c.moved === 0
                  ? 'no context changes variant.'
                  : `${weightToPercent(c.moved ?? 0)} % of the contexts that reach it will get a different variant, the least the new weights allow.`}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}
