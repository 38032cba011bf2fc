import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { ReleasePlan, ReleasePlanSpec } from '../api/types';
import { renderWithMantine } from '../test/render';
import { localProblems, ReleasePlanForm } from './ReleasePlanForm';
import { newPlanDraft } from '../lib/releasePlan';

const rules = [{ id: 'beta', description: 'beta testers', conditions: [], serve: { variant: 'on' } }] as never;

describe('ReleasePlanForm', () => {
  it('sends the default plan: 1 → 5 → 25 → 50 → 100 %, ten minutes and 100 exposures per arm each', async () => {
    const sent: ReleasePlanSpec[] = [];
    renderWithMantine(<ReleasePlanForm variants={['off', 'on']} rules={rules} envName="Production" onCancel={() => {}} onSubmit={async (s) => (sent.push(s), {} as ReleasePlan)} />);
    fireEvent.change(screen.getByLabelText('Event key'), { target: { value: 'http_5xx' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create plan' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ treatment: 'on', control: 'off', guardrails: [{ event: 'http_5xx', measure: 'rate', tolerance: 0.1 }] });
    expect(sent[0].steps?.map((s) => [s.percent, s.min_duration_seconds, s.min_exposures])).toEqual([
      [1, 600, 100],
      [5, 600, 100],
      [25, 600, 100],
      [50, 600, 100],
      [100, 600, 100],
    ]);
  });

  it('shows the server’s problems next to the fields they point at', async () => {
    const problem = new ApiError({
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'the plan is not valid',
      errors: [
        { pointer: '/steps/2/percent', message: "a step's percent is above the previous step's" },
        { pointer: '/guardrails/0/event', message: 'event keys are 1 to 128 characters' },
        { pointer: '/alpha', message: 'alpha is in (0, 0.5]' },
      ],
    });
    renderWithMantine(<ReleasePlanForm variants={['off', 'on']} rules={rules} envName="Production" onCancel={() => {}} onSubmit={() => Promise.reject(problem)} />);
    fireEvent.change(screen.getByLabelText('Event key'), { target: { value: 'bad key' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create plan' }));
    const field = await screen.findByLabelText('Step 3 percent');
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getAllByText("a step's percent is above the previous step's").length).toBeGreaterThan(0);
    expect(screen.getByLabelText('Event key')).toHaveAttribute('aria-invalid', 'true');
    // A pointer no field shows is not lost.
    expect(screen.getByTestId('plan-unplaced-errors')).toHaveTextContent('/alpha: alpha is in (0, 0.5]');
  });

  it('asks for what is missing before sending', () => {
    const onSubmit = vi.fn();
    renderWithMantine(<ReleasePlanForm variants={['off', 'on']} rules={rules} envName="Production" onCancel={() => {}} onSubmit={onSubmit} />);
    fireEvent.click(screen.getByRole('button', { name: 'Create plan' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText('Required: the tracked event key')).toBeInTheDocument();
    const d = newPlanDraft(['a', 'b']);
    d.steps[1].minutes = '';
    d.guardrails = [{ event: 'p95', measure: 'prometheus', direction: 'higher_is_worse', tolerancePercent: 0, absolute: '', query: ' ' }];
    expect(Object.keys(localProblems(d))).toEqual(['/steps/1/min_duration_seconds', '/guardrails/0/query']);
  });
});
