import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConfigPreview, RolloutChange } from '../api/types';
import { renderWithMantine } from '../test/render';
import { excessiveMoves, placeOf, RolloutMovement } from './RolloutMovement';

const preview = (rollouts: RolloutChange[]): ConfigPreview => ({
  base_version: 2,
  config: { enabled: true, off_variant: 'off', targets: [], rules: [], prerequisites: [], default: { variant: 'off' } },
  rollouts,
});

const rebased: RolloutChange = { pointer: '/default', layout: 'rebased', bucket_by_changed: false, required: 5_000, moved: 5_000 };

describe('RolloutMovement', () => {
  it('states the share that changes variant when it is the least the weights allow', () => {
    renderWithMantine(<RolloutMovement preview={preview([rebased])} loading={false} />);
    expect(screen.getByTestId('rollout-movement')).toHaveTextContent(
      'Default: 5 % of the contexts that reach it will get a different variant, the least the new weights allow.',
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('warns loudly when more users move than the weights require', () => {
    const exact: RolloutChange = { pointer: '/rules/1/serve', rule_id: 'beta', layout: 'as_sent', bucket_by_changed: false, required: 5_000, moved: 65_000 };
    const rehashed: RolloutChange = { pointer: '/default', layout: 'as_sent', bucket_by_changed: true, required: 0, moved: null };
    renderWithMantine(<RolloutMovement preview={preview([rehashed, exact])} loading={false} />);
    const alerts = screen.getAllByRole('alert');
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toHaveTextContent('Rule 2 (beta): more users change variant than the weights require');
    expect(alerts[1]).toHaveTextContent('65 % of the contexts that reach it will get a different variant, where the new weights require only 5 %.');
    expect(alerts[0]).toHaveTextContent('every context is assigned again from scratch');
  });

  it('says nothing when no rollout changes, and that it is working while it waits', () => {
    const { container } = renderWithMantine(<RolloutMovement preview={preview([])} loading={false} />);
    expect(container.querySelector('[data-testid="rollout-movement"]')).toBeNull();
    renderWithMantine(<RolloutMovement loading />);
    expect(screen.getByTestId('rollout-movement-loading')).toHaveTextContent('Working out who changes variant');
  });

  it('names places and picks out the excessive moves', () => {
    expect(placeOf(rebased)).toBe('Default');
    expect(placeOf({ ...rebased, pointer: '/rules/0/serve' })).toBe('Rule 1');
    expect(excessiveMoves([rebased, { ...rebased, moved: 5_001 }])).toEqual([{ ...rebased, moved: 5_001 }]);
  });
});
