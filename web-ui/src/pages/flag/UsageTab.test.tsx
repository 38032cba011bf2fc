import { MantineProvider } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, Flag } from '../../api/types';
import { stubApi } from '../../test/api';
import { UsageTab } from './UsageTab';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const flag = { key: 'checkout', name: 'checkout', kind: 'boolean', variants: [{ key: 'on', value: true }, { key: 'off', value: false }] } as unknown as Flag;
const environments = [{ key: 'production', name: 'Production' }] as unknown as Environment[];

function serve(applications: Response, metrics: () => Response = () => json({ flag: 'checkout', environment: 'production', step_seconds: 60, events: [] })) {
  return stubApi((path) => {
    if (path.includes('/usage?')) return { flag: 'checkout', environment: 'production', step_seconds: 60, series: [] };
    if (path.includes('/applications?')) return applications;
    if (path.includes('/metrics?')) return metrics();
    if (path.endsWith('/release-plan')) return json({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no release plan' }, 404);
    return undefined;
  });
}

function renderTab() {
  return render(
    <MantineProvider env="test">
      <UsageTab project="default" flag={flag} environments={environments} initialEnv="production" />
    </MantineProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('the usage tab', () => {
  it('lists the applications that evaluate the flag in the environment, with versions', async () => {
    const recent = new Date(Date.now() - 4 * 60_000).toISOString();
    const seen = serve(
      json({
        applications: [
          { environment: 'production', name: 'checkout-api', version: '2.3.1', last_seen_at: recent },
          { environment: 'production', name: 'batch-job', last_seen_at: recent },
        ],
      }),
    );
    renderTab();
    const table = await screen.findByTestId('applications');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-application'))).toEqual(['checkout-api', 'batch-job']);
    expect(within(rows[0]).getByText('2.3.1')).toBeInTheDocument();
    expect(within(rows[1]).getByText('—')).toBeInTheDocument();
    expect(within(rows[0]).getByText(/4 minutes ago|4 min/)).toBeInTheDocument();
    expect(seen.some((p) => p.includes('/flags/checkout/applications?environment=production'))).toBe(true);
  });

  it('says when no application has reported the flag', async () => {
    serve(json({ applications: [] }));
    renderTab();
    expect(await screen.findByTestId('applications-none')).toHaveTextContent('No application has reported evaluating checkout in production');
  });

  it('stays quiet on a server without application tracking', async () => {
    serve(json({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no route' }, 404));
    renderTab();
    expect(await screen.findByText('No evaluations in this period')).toBeInTheDocument();
    expect(screen.queryByText('Evaluated by')).not.toBeInTheDocument();
  });

  it('reads out metric events per variant: count, mean and standard deviation', async () => {
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    const seen = serve(json({ applications: [] }), () =>
      json({
        flag: 'checkout',
        environment: 'production',
        step_seconds: 60,
        events: [
          {
            event: 'checkout.completed',
            variants: [
              { variant: 'off', count: 1, mean: 4, std_dev: null, points: [{ at, count: 1, mean: 4 }] },
              { variant: 'on', count: 2, mean: 15, std_dev: 7.0710678, points: [{ at, count: 2, mean: 15 }] },
            ],
          },
        ],
      }),
    );
    renderTab();
    const table = await screen.findByTestId('metric-totals');
    const rows = within(table).getAllByRole('row').slice(1);
    // In the flag's variant order, not the answer's.
    expect(rows.map((r) => r.getAttribute('data-variant'))).toEqual(['on', 'off']);
    expect(within(rows[0]).getAllByRole('cell').map((c) => c.textContent)).toEqual(['on', '2', '15', '7.071']);
    expect(within(rows[1]).getAllByRole('cell').map((c) => c.textContent)).toEqual(['off', '1', '4', '—']);
    expect(screen.getByText('checkout.completed')).toBeInTheDocument();
    expect(await screen.findByTestId('metric-chart')).toBeInTheDocument();
    expect(seen.some((p) => p.includes('/flags/checkout/environments/production/metrics?hours=24'))).toBe(true);
    expect(seen.some((p) => p.includes('/flags/checkout/environments/production/usage?hours=24'))).toBe(true);
  });

  it('says when no metric event is attributed to the flag', async () => {
    serve(json({ applications: [] }));
    renderTab();
    expect(await screen.findByTestId('metrics-none')).toHaveTextContent('No metric events attributed to checkout in production');
    expect(screen.getByTestId('metrics-attribution')).toHaveTextContent('only while the flag serves that user a percentage rollout');
  });
});
