#!/usr/bin/env node
// Regenerates docs/screenshots/*.png: starts a server with a fresh database, adds a few
// realistic flags, a segment and some history through the API, and captures the main
// pages in Chromium at 1280 px (and the flags list at 800 px).
//
//   npm run build && npm run screenshots        (SCREENSHOTS_DIR overrides ../docs/screenshots)

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { apiClient, checkServesDashboard, createFlag, launchBrowser, login, newContext, preflight, putConfig, REPO, startServer } from './harness.mjs';

const OUT = path.resolve(process.env.SCREENSHOTS_DIR ?? path.join(REPO, 'docs', 'screenshots'));
const P = 'default';

async function seed(api) {
  await api.must('POST', `/api/v1/projects/${P}/segments`, {
    key: 'beta-testers',
    name: 'Beta testers',
    description: 'People who opted into early features',
    included: ['user-1', 'user-2'],
    excluded: [],
    rules: [{ conditions: [{ attribute: 'email', op: 'ends_with', values: ['@example.com'], negate: false }] }],
  });
  await createFlag(api, P, { key: 'new-checkout', name: 'New checkout', description: 'The one-page checkout flow', tags: ['checkout', 'web'] });
  await createFlag(api, P, {
    key: 'search-ranking',
    name: 'Search ranking model',
    kind: 'string',
    variants: [
      { key: 'bm25', value: 'bm25', name: 'Classic' },
      { key: 'hybrid', value: 'hybrid', name: 'Hybrid' },
      { key: 'neural', value: 'neural', name: 'Neural' },
    ],
    tags: ['search', 'experiment'],
  });
  await createFlag(api, P, {
    key: 'max-upload-mb',
    name: 'Maximum upload size',
    kind: 'number',
    variants: [
      { key: 'small', value: 25 },
      { key: 'large', value: 250 },
    ],
    tags: ['limits'],
    lifecycle: 'permanent',
  });
  await createFlag(api, P, { key: 'dark-mode', name: 'Dark mode', tags: ['web', 'ui'], client_visible: true });
  await createFlag(api, P, { key: 'maintenance-banner', name: 'Maintenance banner', tags: ['ops'], lifecycle: 'permanent' });
  await createFlag(api, P, { key: 'legacy-export', name: 'Legacy CSV export', tags: ['reports'] });
  await api.must('POST', `/api/v1/projects/${P}/flags/legacy-export/archive`);

  await putConfig(api, P, 'new-checkout', 'production', (c) => ({
    ...c,
    enabled: true,
    targets: [{ variant: 'on', keys: ['qa-bot'] }],
    rules: [
      {
        id: 'beta',
        description: 'Beta testers get it first',
        conditions: [{ attribute: '', op: 'in_segment', values: ['beta-testers'], negate: false }],
        serve: { variant: 'on' },
      },
      {
        id: 'eu-mobile',
        description: 'Germany and France on app 2.0 or later',
        conditions: [
          { attribute: 'country', op: 'in', values: ['DE', 'FR'], negate: false },
          { attribute: 'app_version', op: 'semver_gte', values: ['2.0.0'], negate: false },
        ],
        serve: {
          rollout: {
            weights: [
              { variant: 'on', weight: 30000 },
              { variant: 'off', weight: 70000 },
            ],
          },
        },
      },
    ],
    default: { variant: 'off' },
  }));
  await putConfig(api, P, 'search-ranking', 'production', (c) => ({
    ...c,
    enabled: true,
    default: {
      rollout: {
        bucket_by: 'account_id',
        weights: [
          { variant: 'bm25', weight: 50000 },
          { variant: 'hybrid', weight: 33333 },
          { variant: 'neural', weight: 16667 },
        ],
      },
    },
  }));
  for (const [flag, env] of [
    ['new-checkout', 'development'],
    ['new-checkout', 'staging'],
    ['dark-mode', 'development'],
    ['dark-mode', 'staging'],
    ['dark-mode', 'production'],
    ['max-upload-mb', 'production'],
    ['search-ranking', 'staging'],
  ]) {
    await api.must('POST', `/api/v1/projects/${P}/flags/${flag}/environments/${env}/toggle`, { enabled: true });
  }
}

/** Evaluation counts for the last day, as an SDK would report them. */
async function seedUsage(api, base) {
  const key = await api.must('POST', `/api/v1/projects/${P}/environments/production/sdk-keys`, { kind: 'server', name: 'screenshots' });
  const now = Date.now();
  for (let h = 23; h >= 0; h--) {
    const end = new Date(now - h * 3_600_000);
    const start = new Date(end.getTime() - 60_000);
    const wave = Math.round(400 + 300 * Math.sin((h / 24) * Math.PI * 2));
    const r = await fetch(`${base}/sdk/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key.key}` },
      body: JSON.stringify({
        window: { start: start.toISOString(), end: end.toISOString() },
        usage: [
          { flag: 'new-checkout', variant: 'on', count: Math.round(wave * 0.3) + 20 },
          { flag: 'new-checkout', variant: 'off', count: wave },
        ],
      }),
    });
    if (!r.ok) throw new Error(`POST /sdk/v1/events → ${r.status} ${await r.text()}`);
  }
}

/**
 * A running release plan on dark-mode in production with two guardrails, fed SDK
 * exposures and metric events until the runner (looking every second) has stepped up
 * once and looked a few times more, so that the plan page has a log and charts. Returns
 * the function that feeds it (the page is opened on the plan in between).
 */
async function seedReleasePlan(api, base) {
  const flag = 'dark-mode';
  await putConfig(api, P, flag, 'production', (c) => ({ ...c, enabled: true, default: { variant: 'off' } }));
  const path = `/api/v1/projects/${P}/flags/${flag}/environments/production/release-plan`;
  await api.must('POST', path, {
    treatment: 'on',
    control: 'off',
    steps: [1, 5, 25, 50, 100].map((percent) => ({ percent, min_duration_seconds: 5, min_exposures: 100 })),
    guardrails: [
      { event: 'http_5xx', measure: 'rate', tolerance: 0.1 },
      { event: 'latency_ms', measure: 'mean', tolerance: 0.2 },
    ],
  });
  await api.must('POST', `${path}/start`);
  return () => feedReleasePlan(api, base, flag, path);
}

async function feedReleasePlan(api, base, flag, path) {
  const key = await api.must('POST', `/api/v1/projects/${P}/environments/production/sdk-keys`, { kind: 'server', name: 'screenshots plan' });
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const deadline = Date.now() + 90_000;
  for (let round = 0; Date.now() < deadline; round++) {
    const plan = await api.must('GET', path);
    if (plan.step >= 1 && round >= 8) break;
    // Exposures in the step's split (a sample-ratio mismatch would pause the plan); a
    // sample of latencies per arm, and errors at about 2 % in both.
    const share = plan.steps[plan.step].percent / 100;
    const on = Math.round(4000 * share);
    const off = 4000 - on;
    const metrics = [];
    for (const [variant, n, errorRate, latency] of [
      ['on', on, 0.02, 118],
      ['off', off, 0.021, 121],
    ]) {
      const errors = Math.round(n * errorRate * (0.8 + 0.4 * random()));
      for (let i = 0; i < errors; i++) metrics.push({ event: 'http_5xx', variants: { [flag]: variant } });
      for (let i = 0; i < Math.min(n, 150); i++) {
        metrics.push({ event: 'latency_ms', value: Math.round(latency * (0.6 + 0.8 * random())), variants: { [flag]: variant } });
      }
    }
    const r = await fetch(`${base}/sdk/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key.key}` },
      body: JSON.stringify({ usage: [{ flag, variant: 'on', count: on }, { flag, variant: 'off', count: off }], metrics }),
    });
    if (!r.ok) throw new Error(`POST /sdk/v1/events → ${r.status} ${await r.text()}`);
    await new Promise((done) => setTimeout(done, 1500));
  }
}

async function main() {
  const { bin } = preflight();
  mkdirSync(OUT, { recursive: true });
  const server = await startServer(bin, { env: { VEXIL_RELEASE_PLAN_CHECK_SECONDS: '1' } });
  await checkServesDashboard(server.base);
  const ui = { base: server.base };
  const browser = await launchBrowser();
  const shots = [];
  try {
    const session = await login(server.base);
    const api = apiClient(server.base, session.token);
    await seed(api);
    await seedUsage(api, server.base).catch((e) => console.warn(`No usage data (${e.message}); the usage screenshot shows the empty state.`));
    const ctx = await newContext(browser, ui.base, { session, viewport: { width: 1280, height: 800 } });
    // The production tab everywhere.
    await ctx.addInitScript(() => localStorage.setItem('vexil.env.default', 'production'));
    const page = await ctx.newPage();
    const shot = async (name, target = page, opts = {}) => {
      const file = path.join(OUT, `${name}.png`);
      await target.screenshot({ path: file, animations: 'disabled', ...opts });
      shots.push(file);
    };

    // Fed while the page watches, so that its charts also hold the looks between decisions.
    const feed = await seedReleasePlan(api, server.base);
    const planPage = await ctx.newPage();
    await planPage.goto('/p/default/flags/dark-mode/release-plan/production');
    await planPage.getByTestId('plan-state').waitFor({ timeout: 30_000 });
    await feed();
    await planPage.getByTestId('decision-log').locator('tr[data-action="release_plan.advance"]').first().waitFor({ timeout: 30_000 });
    await planPage.getByTestId('guardrail-chart-latency_ms').locator('.recharts-line').first().waitFor({ timeout: 30_000 });
    await planPage.evaluate(() => window.scrollTo(0, 0));
    await shot('release-plan', planPage, { fullPage: true });
    await planPage.close();

    await page.goto('/p/default/flags');
    await page.locator('[data-flag="new-checkout"]').waitFor();
    await shot('flags-list');

    await page.goto('/p/default/flags/new-checkout?env=production');
    const tab = page.getByTestId('env-tab-production');
    await tab.getByText('eu-mobile').waitFor();
    await shot('flag-rules', page, { fullPage: true });
    // The second rule (conditions and rollout), clear of the fixed header.
    await page.setViewportSize({ width: 1280, height: 1100 });
    const rule2 = tab.getByTestId('rule').nth(1);
    await rule2.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 72));
    const box = await rule2.boundingBox();
    await shot('flag-rollout', page, { clip: { x: box.x - 8, y: box.y - 8, width: box.width + 16, height: box.height + 16 } });
    await page.setViewportSize({ width: 1280, height: 800 });
    // Pending edits: the review dialog with the diff.
    await tab.getByTestId('rule').nth(1).getByLabel('on', { exact: true }).fill('45');
    await tab.getByTestId('rule').nth(1).getByRole('button', { name: 'Take the excess from off' }).click();
    await tab.getByRole('button', { name: 'Review and save' }).click();
    await page.getByRole('dialog').getByTestId('diff').waitFor();
    await shot('flag-review');
    await page.keyboard.press('Escape');

    await page.goto('/p/default/debugger');
    await page.getByLabel('Context key').fill('user-7');
    const rows = page.getByTestId('attribute-row');
    await rows.nth(0).getByLabel(/^Attribute/).fill('country');
    await rows.nth(0).getByLabel(/^Value/).fill('DE');
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await rows.nth(1).getByLabel(/^Attribute/).fill('app_version');
    await rows.nth(1).getByLabel(/^Value/).fill('2.1.0');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    const row = page.locator('[data-testid="debugger-row"][data-flag="new-checkout"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Explain new-checkout' }).click();
    await page.getByTestId('bucket').first().waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('debugger', page, { fullPage: true });

    await page.goto('/audit?resource_type=flag_config');
    const entry = page.locator('[data-testid="audit-entry"][data-action="flag_config.update"]').first();
    await entry.waitFor();
    await page.locator('[data-testid="audit-entry"]').first().getByRole('button', { name: 'Show changes' }).click();
    await entry.getByRole('button', { name: 'Show changes' }).click();
    await entry.getByTestId('diff').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('audit-log', page, { fullPage: true });

    await page.goto('/p/default/flags/new-checkout/usage');
    await page.locator('.recharts-surface, .mantine-EmptyState-root, [role=alert]').first().waitFor({ timeout: 30_000 });
    await shot('flag-usage');

    const narrow = await newContext(browser, ui.base, { session, viewport: { width: 800, height: 900 } });
    const np = await narrow.newPage();
    await np.goto('/p/default/flags');
    await np.locator('[data-flag="new-checkout"]').waitFor();
    await shot('flags-list-800', np);
    await narrow.close();
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(`Wrote ${shots.length} screenshots:\n${shots.map((s) => '  ' + path.relative(process.cwd(), s)).join('\n')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
