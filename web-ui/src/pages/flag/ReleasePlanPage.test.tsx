import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReleasePlan } from '../../api/types';
import { decisionLog } from '../../lib/releasePlan';
import { renderWithMantine } from '../../test/render';
import { DecisionLog, PlanActions, StartRequestNotice, StepTimeline } from './ReleasePlanPage';

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json', ...headers } });

const plan = {
  id: 7,
  flag: 'checkout',
  environment: 'production',
  treatment: 'on',
  control: 'off',
  steps: [1, 5, 100].map((percent) => ({ percent, min_duration_seconds: 600, min_exposures: 100 })),
  guardrails: [],
  alpha: 0.05,
  planned_exposures: 10000,
  state: 'running',
  step: 1,
  author: 'user:ada@example.com',
  version: 4,
  created_at: '2026-11-30T10:00:00Z',
  updated_at: '2026-11-30T10:00:00Z',
} as unknown as ReleasePlan;

afterEach(() => vi.unstubAllGlobals());

describe('the release plan page', () => {
  it('highlights the current step', () => {
    renderWithMantine(<StepTimeline plan={plan} analysis={undefined} />);
    expect(screen.getByTestId('current-step')).toHaveTextContent('5 % — now');
  });

  it('sends an action with the plan’s version and explains a 412 instead of swallowing it', async () => {
    const calls: { url: string; ifMatch: string | null }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url: String(url), ifMatch: new Headers(init.headers).get('If-Match') });
        return json({ type: 'about:blank', title: 'Precondition Failed', status: 412, detail: 'version mismatch', current_version: 5 }, 412);
      }),
    );
    const onStale = vi.fn();
    renderWithMantine(<PlanActions project="default" flag="checkout" env="production" plan={plan} version={4} onDone={() => {}} onStale={onStale} />);
    expect(screen.queryByTestId('plan-start')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('plan-rollback'));
    fireEvent.click(await screen.findByTestId('plan-confirm'));
    const alert = await screen.findByTestId('plan-action-error');
    expect(alert).toHaveTextContent('The plan moved meanwhile');
    expect(alert).toHaveTextContent('version 5');
    expect(calls).toEqual([{ url: '/api/v1/projects/default/flags/checkout/environments/production/release-plan/rollback', ifMatch: '"4"' }]);
    await waitFor(() => expect(onStale).toHaveBeenCalled());
  });

  it('lists the decisions newest first, with who took them, why and the numbers per arm', () => {
    const log = decisionLog([
      {
        id: 1,
        at: '2026-11-30T10:00:00Z',
        actor: 'user:ada@example.com',
        action: 'release_plan.start',
        resource_type: 'release_plan',
        resource_key: 'default/checkout/production/7',
        project: 'default',
        environment: 'production',
        resource_name: null,
        comment: null,
        before: null,
        after: { state: 'running', step: 0, reason: 'start by user:ada@example.com' },
      },
      {
        id: 2,
        at: '2026-11-30T10:10:00Z',
        actor: 'release-plan:7',
        action: 'release_plan.rollback',
        resource_type: 'release_plan',
        resource_key: 'default/checkout/production/7',
        project: 'default',
        environment: 'production',
        resource_name: null,
        comment: null,
        before: null,
        after: {
          state: 'rolled_back',
          step: 1,
          reason: 'http_5xx is worse',
          analysis: {
            step: 1,
            percent: 5,
            exposures: { control: 950, treatment: 50 },
            step_exposures: { control: 0, treatment: 0 },
            guardrails: [
              { event: 'http_5xx', measure: 'rate', tolerance: 0, verdict: 'worse', relative_difference: 2, control: { n: 950, estimate: 0.01, lower: 0.005, upper: 0.02 }, treatment: { n: 50, estimate: 0.03, lower: 0.021, upper: 0.05 } },
            ],
          },
        },
      },
    ]);
    renderWithMantine(<DecisionLog log={log} plan={plan} />);
    const rows = within(screen.getByTestId('decision-log')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-action'))).toEqual(['release_plan.rollback', 'release_plan.start']);
    expect(rows[0]).toHaveTextContent('runner');
    expect(rows[0]).toHaveTextContent('http_5xx is worse');
    expect(within(rows[0]).getByTestId('decision-numbers')).toHaveTextContent('exposures: control 950, treatment 50 · http_5xx: control 1 % [0.5 %, 2 %], treatment 3 % [2.1 %, 5 %] (worse)');
    expect(rows[1]).toHaveTextContent('ada@example.com');
  });

  // A start in an environment that requires approval: the server answered 202, the plan
  // is still a draft and names the change request its start waits for.
  const waiting = { ...plan, state: 'draft', step: 0, change_request_id: 12, reason: 'start requested by user:ada@example.com; waiting for change request 12' } as ReleasePlan;

  it('disables Start while the start waits for approval, and says why', () => {
    renderWithMantine(<PlanActions project="default" flag="checkout" env="production" plan={waiting} version={5} onDone={() => {}} onStale={() => {}} />);
    expect(screen.getByTestId('plan-start')).toBeDisabled();
    expect(screen.getByTestId('plan-start-reason')).toHaveTextContent('waiting for approval of change request #12');
    expect(screen.getByTestId('plan-start')).toHaveAttribute('aria-describedby', 'plan-start-reason');
    // The draft can still be discarded (its request's approval then writes nothing).
    expect(screen.getByTestId('plan-rollback')).toBeEnabled();
  });

  it('enables Start again once the request was rejected, and a draft without a request starts', () => {
    const { unmount } = renderWithMantine(<PlanActions project="default" flag="checkout" env="production" plan={waiting} version={5} requestState="rejected" onDone={() => {}} onStale={() => {}} />);
    expect(screen.getByTestId('plan-start')).toBeEnabled();
    expect(screen.queryByTestId('plan-start-reason')).not.toBeInTheDocument();
    unmount();
    renderWithMantine(<PlanActions project="default" flag="checkout" env="production" plan={{ ...plan, state: 'draft', step: 0 } as ReleasePlan} version={5} onDone={() => {}} onStale={() => {}} />);
    expect(screen.getByTestId('plan-start')).toBeEnabled();
  });

  it('links the change request the start waits for', () => {
    renderWithMantine(
      <MemoryRouter>
        <StartRequestNotice project="my project" plan={waiting} requestState="open" />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('plan-start-request')).toHaveTextContent('Waiting for approval');
    expect(screen.getByTestId('plan-change-request')).toHaveAttribute('href', '/p/my%20project/change-requests?state=all&id=12');
  });

  it('says nothing of a change request for a plan that started', () => {
    renderWithMantine(
      <MemoryRouter>
        <StartRequestNotice project="default" plan={{ ...plan, change_request_id: 12 } as ReleasePlan} />
      </MemoryRouter>,
    );
    expect(screen.queryByTestId('plan-start-request')).not.toBeInTheDocument();
  });

  it('words every action of the plan for people, the requested start too', () => {
    const actions = ['create', 'request_start', 'start', 'pause', 'resume', 'advance', 'complete', 'rollback'];
    const log = decisionLog(
      actions.map((a, i) => ({
        id: i + 1,
        at: '2026-11-30T10:00:00Z',
        actor: 'user:ada@example.com',
        action: `release_plan.${a}`,
        resource_type: 'release_plan',
        resource_key: 'default/checkout/production/7',
        project: 'default',
        environment: 'production',
        resource_name: null,
        comment: null,
        before: null,
        after: { state: 'draft', step: 0 },
      })),
    );
    renderWithMantine(<DecisionLog log={log} plan={plan} />);
    const rows = within(screen.getByTestId('decision-log')).getAllByRole('row').slice(1);
    const what = rows.map((r) => within(r).getAllByRole('cell')[1].textContent);
    expect(what).toEqual(['Rolled back', 'Completed', 'Stepped up', 'Resumed', 'Paused', 'Started', 'Start requested, waiting for approval', 'Created']);
    for (const w of what) expect(w).not.toMatch(/release_plan|_/);
  });

  it('says before a start where approval is required that it opens a change request', async () => {
    renderWithMantine(<PlanActions project="default" flag="checkout" env="production" plan={{ ...plan, state: 'draft', step: 0 } as ReleasePlan} version={5} requiresApproval onDone={() => {}} onStale={() => {}} />);
    fireEvent.click(screen.getByTestId('plan-start'));
    expect(await screen.findByTestId('plan-confirm-message')).toHaveTextContent('production requires approval: starting opens a change request');
  });
});
