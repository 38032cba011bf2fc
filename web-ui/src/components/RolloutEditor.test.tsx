import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Rollout } from '../api/types';
import { renderWithMantine } from '../test/render';
import { RolloutEditor } from './RolloutEditor';
import { SplitBar } from './SplitBar';

function Harness({ initial, onChange }: { initial: Rollout; onChange?: (r: Rollout) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <RolloutEditor
      value={value}
      variants={['on', 'off']}
      onChange={(r) => {
        setValue(r);
        onChange?.(r);
      }}
    />
  );
}

const split = (on: number, off: number): Rollout => ({
  weights: [
    { variant: 'on', weight: on },
    { variant: 'off', weight: off },
  ],
});

describe('RolloutEditor', () => {
  it('shows weights as percentages, the total and the split bar', () => {
    renderWithMantine(<Harness initial={split(30_000, 70_000)} />);
    expect(screen.getByLabelText('on')).toHaveValue('30');
    expect(screen.getByLabelText('off')).toHaveValue('70');
    expect(screen.getByTestId('rollout-total')).toHaveTextContent(/^Total 100 %$/);
    const bar = screen.getByTestId('split-bar');
    expect(bar).toHaveAttribute('aria-label', 'Split: on 30 %, off 70 %');
    const widths = [...bar.children].map((c) => c.getAttribute('data-width'));
    expect(widths).toEqual(['30.000', '70.000']);
  });

  it('converts typed percentages to integer weights (0.001 % precision)', async () => {
    const onChange = vi.fn();
    renderWithMantine(<Harness initial={split(30_000, 70_000)} onChange={onChange} />);
    const on = screen.getByLabelText('on');
    await userEvent.clear(on);
    await userEvent.type(on, '33.333');
    expect(onChange).toHaveBeenLastCalledWith(split(33_333, 70_000));
    expect(screen.getByTestId('rollout-total')).toHaveTextContent('Total 103.333 % (3.333 % too much)');
    expect(screen.getByTestId('split-bar')).toHaveAttribute('aria-label', 'Split: on 33.333 %, off 70 %; over 100 %');
    await userEvent.click(screen.getByRole('button', { name: 'Take the excess from off' }));
    expect(onChange).toHaveBeenLastCalledWith(split(33_333, 66_667));
    expect(screen.getByLabelText('off')).toHaveValue('66.667');
    expect(screen.getByTestId('rollout-total')).toHaveTextContent(/^Total 100 %$/);
  });

  it('shows what is unallocated and can give it away', async () => {
    const onChange = vi.fn();
    renderWithMantine(<Harness initial={split(0, 0)} onChange={onChange} />);
    expect(screen.getByTestId('rollout-total')).toHaveTextContent('Total 0 % (100 % unallocated)');
    await userEvent.type(screen.getByLabelText('on'), '{selectall}0.001');
    expect(onChange).toHaveBeenLastCalledWith(split(1, 0));
    await userEvent.click(screen.getByRole('button', { name: 'Give the rest to off' }));
    expect(onChange).toHaveBeenLastCalledWith(split(1, 99_999));
    expect(screen.getByLabelText('off')).toHaveValue('99.999');
  });

  it('refuses more than three decimals without changing the weight', async () => {
    const onChange = vi.fn();
    renderWithMantine(<Harness initial={split(50_000, 50_000)} onChange={onChange} />);
    const on = screen.getByLabelText('on');
    await userEvent.clear(on);
    onChange.mockClear();
    await userEvent.type(on, '0.0001');
    expect(screen.getByText('At most 3 decimals (0.001 % steps)')).toBeInTheDocument();
    expect(onChange).not.toHaveBeenLastCalledWith(expect.objectContaining({ weights: expect.arrayContaining([{ variant: 'on', weight: 0.1 }]) }));
    expect(on).toHaveAttribute('aria-invalid', 'true');
  });

  it('splits evenly and sets the bucket-by attribute', async () => {
    const onChange = vi.fn();
    renderWithMantine(<Harness initial={split(100_000, 0)} onChange={onChange} />);
    await userEvent.click(screen.getByRole('button', { name: 'Split evenly' }));
    expect(onChange).toHaveBeenLastCalledWith(split(50_000, 50_000));
    await userEvent.type(screen.getByLabelText(/Bucket by/), 'company');
    expect(onChange).toHaveBeenLastCalledWith({ ...split(50_000, 50_000), bucket_by: 'company' });
  });

  it('shows a variant with several ranges as its share and edits shares only', async () => {
    const onChange = vi.fn();
    const layout: Rollout = {
      weights: [
        { variant: 'on', weight: 20_000 },
        { variant: 'off', weight: 65_000 },
        { variant: 'on', weight: 15_000 },
      ],
    };
    renderWithMantine(<Harness initial={layout} onChange={onChange} />);
    expect(screen.getByLabelText('on')).toHaveValue('35');
    expect(screen.getByLabelText('off')).toHaveValue('65');
    expect(screen.getByTestId('split-bar')).toHaveAttribute('aria-label', 'Split: on 35 %, off 65 %');
    expect(screen.getByTestId('rollout-ranges')).toHaveTextContent('laid out in 3 ranges');
    const on = screen.getByLabelText('on');
    await userEvent.clear(on);
    await userEvent.type(on, '40');
    await userEvent.click(screen.getByRole('button', { name: 'Take the excess from off' }));
    // One share per variant: the server fits it into the stored layout.
    expect(onChange).toHaveBeenLastCalledWith(split(40_000, 60_000));
  });

  it('adds rows for variants missing from the rollout', () => {
    renderWithMantine(<Harness initial={{ weights: [{ variant: 'off', weight: 100_000 }] }} />);
    expect(screen.getByLabelText('on')).toHaveValue('0');
    expect(screen.getByLabelText('off')).toHaveValue('100');
  });
});

describe('SplitBar', () => {
  it('draws the unallocated part and hides zero weights', () => {
    renderWithMantine(
      <SplitBar
        weights={[
          { variant: 'a', weight: 25_000 },
          { variant: 'b', weight: 0 },
        ]}
        variants={['a', 'b']}
      />,
    );
    const bar = screen.getByRole('img');
    expect(bar).toHaveAttribute('aria-label', 'Split: a 25 %; unallocated 75 %');
    const parts = [...bar.children];
    expect(parts.map((p) => p.getAttribute('data-variant'))).toEqual(['a', '']);
    expect(within(bar).getByText('a 25 %')).toBeInTheDocument();
  });
});
