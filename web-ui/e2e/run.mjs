#!/usr/bin/env node
// End-to-end scenarios: a real Vexil server (fresh SQLite database, known owner) and the
// built dashboard in headless Chromium. Each scenario makes its own data through the API
// so that one failure does not cascade; conditions are awaited with generous deadlines,
// never with fixed sleeps. Exits non-zero if any scenario fails.
//
//   scripts/build, then npm run e2e         (VEXIL_BIN overrides ../target/release/vexil)
//   E2E_ONLY="log in,create a flag" npm run e2e

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  apiClient,
  cspViolations,
  createFlag,
  freePort,
  getConfig,
  launchBrowser,
  login,
  newContext,
  OUTPUT,
  OWNER,
  checkServesDashboard,
  preflight,
  putConfig,
  startOidcProvider,
  startServer,
  waitFor,
} from './harness.mjs';

const T = 30_000; // default deadline for one UI condition
const P = 'default';

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

/** Fills a Mantine TagsInput: one Enter per value. */
async function addTags(input, values) {
  for (const v of values) {
    await input.fill(v);
    await input.press('Enter');
  }
}

/** Picks an option of a Mantine Select by typing into it (searchable) or opening it. */
async function pick(page, input, optionName) {
  await input.click();
  const option = page.getByRole('option', { name: optionName }).first();
  await option.waitFor({ timeout: T });
  await option.click();
}

/**
 * The one-time set-up password from the server's output: the token on a line that
 * mentions a password, or on the first non-empty line after it.
 */
function findSetupPassword(output) {
  const lines = output.split('\n').map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!/password/i.test(lines[i]) || lines[i].startsWith('{')) continue;
    const same = /password[^:]*:\s*(\S{8,})\s*$/i.exec(lines[i]);
    if (same) return same[1];
    const next = lines.slice(i + 1).find((l) => l !== '');
    if (next && /^\S{8,}$/.test(next)) return next;
  }
  return null;
}

const scenarios = [
  {
    name: 'the server serves its built-in dashboard',
    async run({ server, page }) {
      const assets = await checkServesDashboard(server.base);
      // ... and the API stays apart from the dashboard's routes.
      const r = await fetch(`${server.base}/api/v1/no-such-route`);
      expect(r.status === 404 && r.headers.get('content-type') === 'application/problem+json', `an unknown API route → ${r.status} ${r.headers.get('content-type')}`);
      // Every asset the page loads comes from the server, none fails.
      const failed = [];
      page.on('response', (res) => {
        if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
      });
      const loaded = new Set();
      page.on('requestfinished', (req) => loaded.add(new URL(req.url()).pathname));
      await page.goto('/p/default/flags');
      await page.getByRole('heading', { name: 'Flags' }).waitFor({ timeout: T });
      expect(failed.length === 0, `requests failed: ${failed.join(', ')}`);
      const missed = assets.filter((a) => !loaded.has(a));
      expect(missed.length === 0, `the browser did not load ${missed.join(', ')} (it loaded ${[...loaded].join(', ')})`);
    },
  },
  {
    name: 'the dashboard is sent with security headers and breaks none of its policy',
    async run({ browser, base, session, server }) {
      const r = await fetch(`${server.base}/p/default/flags`);
      const csp = r.headers.get('content-security-policy') ?? '';
      for (const directive of ["script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) {
        expect(csp.includes(directive), `the dashboard's CSP lacks ${directive}: ${JSON.stringify(csp)}`);
      }
      expect(r.headers.get('x-frame-options') === 'DENY', `X-Frame-Options: ${r.headers.get('x-frame-options')}`);
      expect(r.headers.get('x-content-type-options') === 'nosniff', 'X-Content-Type-Options: nosniff is missing');
      expect(r.headers.get('referrer-policy') === 'no-referrer', `Referrer-Policy: ${r.headers.get('referrer-policy')}`);
      const ctx = await newContext(browser, base, { session });
      const page = await ctx.newPage();
      await page.goto('/p/default/flags');
      await page.getByRole('heading', { name: 'Flags' }).first().waitFor({ timeout: T });
      // The policy is enforced and the recorder hears of it: an inline script is refused.
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true';
        document.body.appendChild(s);
      });
      await waitFor('the refused inline script to be reported', () => cspViolations.some((v) => /script-src/.test(v.directive)));
      expect(!(await page.evaluate(() => window.__inlineRan)), 'an inline script ran despite the policy');
      cspViolations.length = 0;
      // Everything the dashboard itself does stays within the policy (checked after
      // every scenario).
      await page.goto('/p/default/segments');
      await page.getByRole('heading', { name: 'Segments' }).waitFor({ timeout: T });
      await ctx.close();
    },
  },
  {
    name: 'log in and log out',
    async run({ browser, base }) {
      const ctx = await newContext(browser, base);
      const page = await ctx.newPage();
      await page.goto('/p/default/flags');
      await page.waitForURL(/\/login/, { timeout: T });
      await page.getByLabel(/^Email/).fill(OWNER.email);
      await page.getByLabel(/^Password/).fill('wrong password!');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText('Wrong email or password').waitFor({ timeout: T });
      await page.getByLabel(/^Password/).fill(OWNER.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Flags' }).waitFor({ timeout: T });
      expect(page.url().endsWith('/p/default/flags'), `after logging in, expected to be back on /p/default/flags, got ${page.url()}`);
      const stored = await page.evaluate(() => localStorage.getItem('vexil.session'));
      expect(stored && JSON.parse(stored).token, 'the session token is not in localStorage');
      // A second tab shares the session.
      const second = await ctx.newPage();
      await second.goto('/audit');
      await second.getByRole('heading', { name: 'Audit log' }).waitFor({ timeout: T });
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: 'Log out' }).click();
      await page.waitForURL(/\/login/, { timeout: T });
      // ... and the logout: the other tab drops to the log-in page too.
      await second.waitForURL(/\/login/, { timeout: T });
      await ctx.close();
    },
  },
  {
    name: 'create a flag (with field errors from the API)',
    async run({ page, api }) {
      await page.goto('/p/default/flags/new');
      await page.getByLabel('Name', { exact: true }).first().fill('E2E checkout');
      await page.getByLabel(/^Key/).first().fill('Bad Key!');
      await page.getByRole('button', { name: 'Create flag' }).click();
      // The API's 422 pointer /key is shown next to the key field.
      await page.getByText(/is not a valid key/).waitFor({ timeout: T });
      await page.getByLabel(/^Key/).first().fill('e2e-checkout');
      await addTags(page.getByRole('combobox', { name: /^Tags/ }), ['checkout']);
      await page.getByRole('button', { name: 'Create flag' }).click();
      await page.waitForURL(/\/flags\/e2e-checkout/, { timeout: T });
      await page.getByRole('heading', { name: 'E2E checkout' }).waitFor({ timeout: T });
      const r = await api.call('GET', `/api/v1/projects/${P}/flags/e2e-checkout`);
      expect(r.status === 200, `the flag is not there: GET → ${r.status}`);
      expect(JSON.stringify(r.json.tags) === '["checkout"]', `tags: ${JSON.stringify(r.json.tags)}`);
    },
  },
  {
    name: 'add a rule with two conditions',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-rules' });
      await page.goto('/p/default/flags/e2e-rules?env=production');
      await page.getByTestId('env-tab-production').waitFor({ timeout: T });
      const tab = page.getByTestId('env-tab-production');
      await tab.getByRole('button', { name: 'Add rule' }).click();
      const rule = tab.getByTestId('rule').first();
      await rule.getByLabel('Description').fill('Germany and France on pro');
      const c1 = rule.getByTestId('condition').nth(0);
      await c1.getByLabel('Attribute').fill('country');
      await addTags(c1.getByRole('combobox', { name: /^Values/ }), ['DE', 'FR']);
      await rule.getByRole('button', { name: 'Add condition' }).click();
      const c2 = rule.getByTestId('condition').nth(1);
      await c2.getByLabel('Attribute').fill('plan');
      await pick(page, c2.getByLabel('Operator'), /starts with/);
      await addTags(c2.getByRole('combobox', { name: /^Values/ }), ['pro']);
      await tab.getByRole('button', { name: 'Review and save' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('diff').waitFor({ timeout: T });
      await dialog.getByRole('button', { name: /^Save version/ }).click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
      const cfg = await waitFor('the rule to be saved', async () => {
        const c = await getConfig(api, P, 'e2e-rules', 'production');
        return c.rules.length === 1 ? c : null;
      });
      const conds = cfg.rules[0].conditions;
      expect(conds.length === 2, `expected 2 conditions, got ${JSON.stringify(conds)}`);
      expect(conds[0].attribute === 'country' && conds[0].op === 'in' && JSON.stringify(conds[0].values) === '["DE","FR"]', `condition 1: ${JSON.stringify(conds[0])}`);
      expect(conds[1].attribute === 'plan' && conds[1].op === 'starts_with' && JSON.stringify(conds[1].values) === '["pro"]', `condition 2: ${JSON.stringify(conds[1])}`);
      expect(cfg.rules[0].id, 'the server did not assign a rule id');
      // The saved rule shows its id now.
      await tab.getByText(cfg.rules[0].id).waitFor({ timeout: T });
    },
  },
  {
    name: 'set a 30 % rollout',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-rollout' });
      await page.goto('/p/default/flags/e2e-rollout?env=production');
      const tab = page.getByTestId('env-tab-production');
      await tab.waitFor({ timeout: T });
      const def = tab.getByTestId('default-serve');
      await def.getByText('A percentage rollout').click();
      const editor = def.getByTestId('rollout-editor');
      await editor.getByLabel('on', { exact: true }).fill('30');
      await editor.getByTestId('rollout-total').filter({ hasText: 'unallocated' }).waitFor({ timeout: T });
      await editor.getByLabel('off', { exact: true }).fill('70');
      await editor.getByTestId('rollout-total').filter({ hasText: /^Total 100 %$/ }).waitFor({ timeout: T });
      const bar = await editor.getByTestId('split-bar').getAttribute('aria-label');
      expect(bar === 'Split: on 30 %, off 70 %', `split bar says ${bar}`);
      await tab.getByRole('button', { name: 'Review and save' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: /^Save version/ }).click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
      const cfg = await waitFor('the rollout to be saved', async () => {
        const c = await getConfig(api, P, 'e2e-rollout', 'production');
        return c.default.rollout ? c : null;
      });
      const w = cfg.default.rollout.weights;
      expect(JSON.stringify(w) === JSON.stringify([{ variant: 'on', weight: 30000 }, { variant: 'off', weight: 70000 }]), `weights: ${JSON.stringify(w)}`);
    },
  },
  {
    name: 'edit an API-made rollout: everyone who had on keeps it',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-rebase' });
      const made = [
        { variant: 'off', weight: 70000 },
        { variant: 'on', weight: 30000 },
      ];
      await putConfig(api, P, 'e2e-rebase', 'production', (c) => ({ ...c, enabled: true, default: { rollout: { weights: made } } }));
      await page.goto('/p/default/flags/e2e-rebase?env=production');
      const tab = page.getByTestId('env-tab-production');
      await tab.waitFor({ timeout: T });
      const editor = tab.getByTestId('default-serve').getByTestId('rollout-editor');
      await editor.getByLabel('on', { exact: true }).fill('35');
      await editor.getByRole('button', { name: 'Take the excess from off' }).click();
      await editor.getByTestId('rollout-total').filter({ hasText: /^Total 100 %$/ }).waitFor({ timeout: T });
      await tab.getByRole('button', { name: 'Review and save' }).click();
      const dialog = page.getByRole('dialog');
      // The dry run of this save says who changes variant: the 5 % the weights require.
      const movement = dialog.getByTestId('rollout-movement');
      await movement.waitFor({ timeout: T });
      const said = await movement.innerText();
      expect(said.includes('Default: 5 % of the contexts that reach it will get a different variant, the least the new weights allow.'), `the review says: ${said}`);
      expect((await dialog.getByRole('alert').count()) === 0, `the review warns: ${await dialog.getByRole('alert').allInnerTexts()}`);
      await dialog.getByRole('button', { name: /^Save version 3/ }).click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
      const cfg = await waitFor('version 3', async () => {
        const c = await getConfig(api, P, 'e2e-rebase', 'production');
        return c.version === 3 ? c : null;
      });
      const stored = cfg.default.rollout.weights;
      expect(
        JSON.stringify(stored) ===
          JSON.stringify([
            { variant: 'off', weight: 65000 },
            { variant: 'on', weight: 35000 },
          ]),
        `the stored order changed: ${JSON.stringify(stored)}`,
      );
      // Bucket by bucket, with the published walk: whoever had on keeps it, 5 % move.
      const variantAt = (weights, bucket) => {
        let end = 0;
        for (const w of weights) {
          end += w.weight;
          if (bucket < end) return w.variant;
        }
        return null;
      };
      let moved = 0;
      for (let b = 0; b < 100000; b++) {
        const was = variantAt(made, b);
        const now = variantAt(stored, b);
        if (was === 'on' && now !== 'on') throw new Error(`bucket ${b} had on and now gets ${now}`);
        if (was !== now) moved++;
      }
      expect(moved === 5000, `${moved} buckets changed variant, 5000 expected`);
      // Saved: the editor shows the new share and nothing is left to save.
      expect((await editor.getByLabel('on', { exact: true }).inputValue()) === '35', 'the editor does not show 35 %');
      expect((await tab.getByTestId('save-bar').count()) === 0, 'the page still has unsaved changes');
    },
  },
  {
    name: 'toggle a flag in production from the list (asks, with a comment for the audit log)',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-toggle' });
      await page.goto('/p/default/flags');
      const row = page.locator('[data-testid="flag-row"][data-flag="e2e-toggle"]');
      await row.waitFor({ timeout: T });
      const sw = row.getByRole('switch', { name: 'e2e-toggle in Production' });
      expect(!(await sw.isChecked()), 'the flag starts on?');
      // Cancelling changes nothing.
      await sw.click({ force: true });
      const dialog = page.getByTestId('confirm-toggle');
      await dialog.waitFor({ timeout: T });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached', timeout: T });
      expect(!(await sw.isChecked()), 'the switch moved although the change was cancelled');
      expect((await getConfig(api, P, 'e2e-toggle', 'production')).enabled === false, 'cancelling switched the flag');
      // Confirming with a comment switches it and audits the comment.
      await sw.click({ force: true });
      await dialog.waitFor({ timeout: T });
      await dialog.getByLabel(/^Comment/).fill('e2e: release to everyone');
      await dialog.getByRole('button', { name: 'Turn on in Production' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached', timeout: T });
      await waitFor('the flag to be on in production', async () => (await getConfig(api, P, 'e2e-toggle', 'production')).enabled === true);
      await waitFor('the switch to show on', () => sw.isChecked());
      const staging = await getConfig(api, P, 'e2e-toggle', 'staging');
      expect(staging.enabled === false, 'staging changed too');
      const audit = await api.must('GET', `/api/v1/audit?resource_key=${P}/e2e-toggle/production`);
      expect(audit.items[0]?.comment === 'e2e: release to everyone', `the audit entry has comment ${JSON.stringify(audit.items[0]?.comment)}`);
      // Staging is not protected: one click.
      await row.getByRole('switch', { name: 'e2e-toggle in Staging' }).click({ force: true });
      await waitFor('the flag to be on in staging', async () => (await getConfig(api, P, 'e2e-toggle', 'staging')).enabled === true);
      expect((await page.getByTestId('confirm-toggle').count()) === 0, 'staging asked for confirmation');
      // The flag page's kill switch asks too, and the history shows the comment.
      await page.goto('/p/default/flags/e2e-toggle?env=production');
      const kill = page.getByTestId('env-tab-production').getByTestId('kill-switch');
      await kill.waitFor({ timeout: T });
      await kill.click({ force: true });
      await dialog.waitFor({ timeout: T });
      await dialog.getByLabel(/^Comment/).fill('e2e: incident 7, checkout errors');
      await dialog.getByRole('button', { name: 'Turn off in Production' }).click();
      await waitFor('the flag to be off in production', async () => (await getConfig(api, P, 'e2e-toggle', 'production')).enabled === false);
      await page.goto('/p/default/flags/e2e-toggle/history');
      const entry = page.locator('[data-testid="audit-entry"][data-action="flag_config.toggle"]').filter({ hasText: 'incident 7' });
      await entry.waitFor({ timeout: T });
      const text = await entry.innerText();
      expect(/Turned off/.test(text) && /e2e-toggle in production/.test(text), `the history entry says: ${text}`);
    },
  },
  {
    name: 'request a change in a protected environment, approve it in a second session, see it applied',
    async run({ browser, base, page, api }) {
      // An environment of its own: the other scenarios edit production directly.
      await api.must('POST', `/api/v1/projects/${P}/environments`, { key: 'e2e-guarded', name: 'Guarded', requires_approval: true });
      await createFlag(api, P, { key: 'e2e-cr' });
      await api.must('POST', '/api/v1/users', { email: 'e2e-approver@example.com', password: 'approver-password-1', role: 'editor' });
      const approver = await login(base, 'e2e-approver@example.com', 'approver-password-1');

      await page.goto('/p/default/flags/e2e-cr?env=e2e-guarded');
      const tab = page.getByTestId('env-tab-e2e-guarded');
      await tab.waitFor({ timeout: T });
      await tab.getByRole('button', { name: 'Add rule' }).click();
      const rule = tab.getByTestId('rule').first();
      await rule.getByLabel('Description').fill('beta testers');
      const c1 = rule.getByTestId('condition').nth(0);
      await c1.getByLabel('Attribute').fill('plan');
      await addTags(c1.getByRole('combobox', { name: /^Values/ }), ['beta']);
      await tab.getByRole('button', { name: 'Review and request change' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('diff').waitFor({ timeout: T });
      await dialog.getByLabel('Title').fill('e2e: beta testers get on');
      await dialog.getByRole('button', { name: 'Request change' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
      const [cr] = await waitFor('the change request', async () => {
        const r = await api.must('GET', `/api/v1/projects/${P}/change-requests?state=open`);
        return r.items.filter((i) => i.flag === 'e2e-cr').length === 1 ? r.items.filter((i) => i.flag === 'e2e-cr') : null;
      });
      expect(cr.title === 'e2e: beta testers get on', `title ${cr.title}`);
      expect((await getConfig(api, P, 'e2e-cr', 'e2e-guarded')).rules.length === 0, 'the request was written before approval');

      // The approver, in a session of their own, sees it in the inbox and approves it.
      const ctx = await newContext(browser, base, { session: approver });
      try {
        const second = await ctx.newPage();
        await second.goto('/p/default/change-requests');
        await second.getByRole('button', { name: 'e2e: beta testers get on' }).click();
        const detail = second.getByTestId('change-request');
        await detail.waitFor({ timeout: T });
        await detail.getByRole('button', { name: 'Approve' }).click();
        await detail.getByText('applied', { exact: true }).waitFor({ timeout: T });
      } finally {
        await ctx.close().catch(() => {});
      }
      const cfg = await waitFor('the rule to be applied', async () => {
        const c = await getConfig(api, P, 'e2e-cr', 'e2e-guarded');
        return c.rules.length === 1 ? c : null;
      });
      expect(cfg.rules[0].conditions[0].attribute === 'plan', `rule ${JSON.stringify(cfg.rules[0])}`);
    },
  },
  {
    name: 'schedule a change on save and see it run',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-sched' });
      await page.goto('/p/default/flags/e2e-sched?env=staging');
      const tab = page.getByTestId('env-tab-staging');
      await tab.waitFor({ timeout: T });
      await tab.getByRole('button', { name: 'Add rule' }).click();
      const rule = tab.getByTestId('rule').first();
      const c1 = rule.getByTestId('condition').nth(0);
      await c1.getByLabel('Attribute').fill('plan');
      await addTags(c1.getByRole('combobox', { name: /^Values/ }), ['gold']);
      await tab.getByRole('button', { name: 'Review and save' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('diff').waitFor({ timeout: T });
      // Local time (the browser's and this process's), 15 s from now.
      const at = new Date(Date.now() + 15_000);
      const pad = (n) => String(n).padStart(2, '0');
      const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
      await dialog.getByTestId('apply-at').fill(local);
      await dialog.getByRole('button', { name: 'Schedule' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
      expect((await getConfig(api, P, 'e2e-sched', 'staging')).rules.length === 0, 'a scheduled change was written at once');
      await page.goto('/p/default/scheduled-changes');
      // Listed whether it is still pending or has already run (a slow machine can take
      // the 15 s before this page loads): "all", so that timing does not decide.
      await page.getByText('all', { exact: true }).click();
      await page.getByText('e2e-sched').first().waitFor({ timeout: T });
      const cfg = await waitFor(
        'the scheduled change to run',
        async () => {
          const c = await getConfig(api, P, 'e2e-sched', 'staging');
          return c.rules.length === 1 ? c : null;
        },
        { timeout: 90_000 },
      );
      expect(cfg.rules[0].conditions[0].values[0] === 'gold', `rule ${JSON.stringify(cfg.rules[0])}`);
      const done = await api.must('GET', `/api/v1/projects/${P}/scheduled-changes?state=done`);
      expect(done.items.some((i) => i.flag === 'e2e-sched'), `scheduled changes ${JSON.stringify(done.items)}`);
    },
  },
  {
    name: 'an earlier version is restored from the flag’s history in one click',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-restore' });
      const v2 = await putConfig(api, P, 'e2e-restore', 'staging', (x) => ({ ...x, enabled: true, default: { variant: 'on' } }));
      const v3 = await putConfig(api, P, 'e2e-restore', 'staging', (x) => ({ ...x, default: { variant: 'off' } }));
      expect(v2.version === 2 && v3.version === 3, `versions ${v2.version}, ${v3.version}`);
      await page.goto('/p/default/flags/e2e-restore/history');
      const entry = page.locator('[data-testid="audit-entry"][data-action="flag_config.update"]').filter({ hasText: 'v1 → v2' });
      await entry.waitFor({ timeout: T });
      await entry.getByTestId('restore-version').click();
      const dialog = page.getByTestId('confirm-restore');
      await dialog.waitFor({ timeout: T });
      await dialog.getByLabel(/^Comment/).fill('e2e: back to serving on');
      await dialog.getByRole('button', { name: 'Restore version 2' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached', timeout: T });
      const now = await waitFor('version 4', async () => {
        const c = await getConfig(api, P, 'e2e-restore', 'staging');
        return c.version === 4 ? c : null;
      });
      expect(now.default.variant === 'on' && now.enabled === true, `restored ${JSON.stringify(now)}`);
      const restored = page.locator('[data-testid="audit-entry"][data-action="flag_config.restore"]');
      await restored.waitFor({ timeout: T });
      const text = await restored.innerText();
      expect(/restored version 2: e2e: back to serving on/.test(text), `the history entry says: ${text}`);
    },
  },
  {
    name: 'the flags list shows a configuration save as the flag’s last update',
    async run({ page, api }) {
      const flag = await createFlag(api, P, { key: 'e2e-updated' });
      // Save until the clock has moved past the creation (usually the first save).
      const saved = await waitFor('a save later than the creation', async () => {
        const c = await putConfig(api, P, 'e2e-updated', 'staging', (x) => ({ ...x, off_variant: x.off_variant === 'on' ? 'off' : 'on' }));
        return Date.parse(c.updated_at) > Date.parse(flag.updated_at) ? c : null;
      });
      await page.goto('/p/default/flags');
      const time = page.locator('[data-testid="flag-row"][data-flag="e2e-updated"] time');
      await time.waitFor({ timeout: T });
      const shown = await time.getAttribute('datetime');
      expect(shown === saved.updated_at, `the list says the flag was updated at ${shown}; the configuration was saved at ${saved.updated_at}`);
    },
  },
  {
    name: 'the review dialog shows an added rule readably, serve included',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-readable' });
      await page.goto('/p/default/flags/e2e-readable?env=staging');
      const tab = page.getByTestId('env-tab-staging');
      await tab.waitFor({ timeout: T });
      await tab.getByRole('button', { name: 'Add rule' }).click();
      const rule = tab.getByTestId('rule').first();
      await rule.getByLabel('Description').fill('Large customers in the DACH region');
      const c1 = rule.getByTestId('condition').nth(0);
      await c1.getByLabel('Attribute').fill('country');
      await addTags(c1.getByRole('combobox', { name: /^Values/ }), ['DE', 'AT', 'CH']);
      await rule.getByRole('button', { name: 'Add condition' }).click();
      const c2 = rule.getByTestId('condition').nth(1);
      await c2.getByLabel('Attribute').fill('employees');
      await pick(page, c2.getByLabel('Operator'), /^≥/);
      await c2.getByLabel('Value', { exact: true }).fill('500');
      await rule.getByText('A percentage rollout').click();
      await tab.getByRole('button', { name: 'Review and save' }).click();
      const dialog = page.getByRole('dialog');
      const added = dialog.getByTestId('diff').getByTestId('readable-value').first();
      await added.waitFor({ timeout: T });
      const text = await added.innerText();
      for (const part of ['“Large customers in the DACH region”', 'if country is one of DE, AT, CH', 'and employees ≥ 500', 'serve a rollout: on 100 %']) {
        expect(text.includes(part), `the added rule reads "${text}", without "${part}"`);
      }
      expect(!text.includes('…') && !text.includes('{'), `the added rule is still raw or cut: ${text}`);
    },
  },
  {
    name: 'the audit log names keys and labels actions',
    async run({ page, api }) {
      const key = await api.must('POST', `/api/v1/projects/${P}/environments/staging/sdk-keys`, { kind: 'server', name: 'e2e billing service' });
      const r = await api.call('DELETE', `/api/v1/projects/${P}/environments/staging/sdk-keys/${key.id}`);
      expect(r.status < 300, `revoking → ${r.status}`);
      await page.goto(`/audit?resource_key=${encodeURIComponent(`${P}/staging/${key.id}`)}`);
      const revoked = page.locator('[data-testid="audit-entry"][data-action="sdk_key.revoke"]');
      await revoked.waitFor({ timeout: T });
      const text = await revoked.innerText();
      expect(text.includes('SDK key revoked'), `the action reads: ${text}`);
      expect(text.includes('server key “e2e billing service” in staging'), `the key is not named: ${text}`);
      expect(!text.includes(key.id) && !text.includes('sdk_key.revoke'), `raw ids or codes on the entry: ${text}`);
    },
  },
  {
    name: 'the usage chart spans the period and shows values',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-usage' });
      const key = await api.must('POST', `/api/v1/projects/${P}/environments/production/sdk-keys`, { kind: 'server', name: 'e2e usage' });
      const sent = await fetch(api.base + '/sdk/v1/events', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key.key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ usage: [{ flag: 'e2e-usage', variant: 'on', count: 30 }, { flag: 'e2e-usage', variant: 'off', count: 10 }] }),
      });
      expect(sent.status < 300, `POST /sdk/v1/events → ${sent.status}`);
      await page.goto('/p/default/flags/e2e-usage/usage?env=production');
      const totals = page.getByTestId('usage-totals');
      await totals.waitFor({ timeout: T });
      const rows = await totals.locator('tbody tr').allInnerTexts();
      expect(rows.some((t) => /on\s+30\s+75 %/.test(t)) && rows.some((t) => /off\s+10\s+25 %/.test(t)), `totals: ${JSON.stringify(rows)}`);
      // The time axis runs from 24 hours ago to now, though only the last hour has data.
      const ticks = page.locator('.recharts-xAxis-tick-labels text');
      await ticks.first().waitFor({ timeout: T });
      const labels = await ticks.allTextContents();
      const expected = await page.evaluate(() => {
        const hour = 3_600_000;
        const fmt = (t) => new Date(t).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
        const now = Date.now();
        return { first: [fmt(Math.floor((now - 24 * hour) / hour) * hour), fmt(Math.floor((now - 24 * hour) / hour) * hour + hour)], last: [fmt(Math.floor(now / hour) * hour), fmt(Math.floor(now / hour) * hour - hour)] };
      });
      expect(expected.first.includes(labels[0]) && expected.last.includes(labels[labels.length - 1]), `the axis runs from ${labels[0]} to ${labels[labels.length - 1]}, expected ${expected.first[0]} to ${expected.last[0]}`);
      // Not stacked: each variant's area is its own, and hovering shows the values.
      const plot = await page.locator('.recharts-cartesian-grid').first().boundingBox();
      // The last step is at the right edge of the plot.
      await page.mouse.move(plot.x + plot.width - 2, plot.y + plot.height / 2);
      const tip = page.locator('.mantine-ChartTooltip-tooltip');
      await waitFor('the tooltip to show the values of the last hour', async () => {
        const t = await tip.innerText();
        return /on\s*30/.test(t) && /off\s*10/.test(t);
      });
    },
  },
  {
    name: 'a release plan: create it (with field errors), watch it advance, roll it back by hand',
    async run({ page, api }) {
      const flag = 'e2e-plan';
      await createFlag(api, P, { key: flag });
      // On, serving off to everyone: the plan releases on against off.
      await putConfig(api, P, flag, 'production', (c) => ({ ...c, enabled: true, default: { variant: 'off' } }));
      const key = await api.must('POST', `/api/v1/projects/${P}/environments/production/sdk-keys`, { kind: 'server', name: 'e2e plan' });
      const report = async (on, off) => {
        const r = await fetch(api.base + '/sdk/v1/events', {
          method: 'POST',
          headers: { Authorization: `Bearer ${key.key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ usage: [{ flag, variant: 'on', count: on }, { flag, variant: 'off', count: off }] }),
        });
        expect(r.status < 300, `POST /sdk/v1/events → ${r.status}`);
      };
      await page.goto(`/p/default/flags/${flag}?env=production`);
      const section = page.getByTestId('release-plan-section');
      await section.getByRole('button', { name: 'Create a release plan' }).click();
      const form = page.getByTestId('release-plan-form');
      // The control proposed is what the place serves now.
      expect((await form.getByLabel('Control (replaced)').inputValue()) === 'off', 'the control proposed is the variant served now');
      expect((await form.getByLabel('Treatment (released)').inputValue()) === 'on', 'the treatment proposed is the other variant');
      // Short steps: three of them, 3 s and 5 exposures per arm each.
      await form.getByRole('button', { name: 'Remove step 1' }).click();
      await form.getByRole('button', { name: 'Remove step 1' }).click();
      for (let i = 1; i <= 3; i++) {
        await form.getByLabel(`Step ${i} minimum minutes`).fill('0.05');
        await form.getByLabel(`Step ${i} minimum exposures`).fill('5');
      }
      // A step below the previous one: the server's problem shows at the field.
      await form.getByLabel('Step 2 percent').fill('10');
      await form.getByLabel('Event key').fill('e2e_errors');
      await form.getByRole('button', { name: 'Create plan' }).click();
      await form.getByTestId('plan-steps').getByText("a step's percent is above the previous step's", { exact: false }).waitFor({ timeout: T });
      await form.getByLabel('Step 2 percent').fill('50');
      await form.getByRole('button', { name: 'Create plan' }).click();

      const planPage = page.getByTestId('release-plan-page');
      await planPage.waitFor({ timeout: T });
      await planPage.getByTestId('plan-state').filter({ hasText: 'Draft' }).waitFor({ timeout: T });
      await planPage.getByTestId('plan-start').click();
      await page.getByRole('dialog').getByTestId('plan-confirm').click();
      await planPage.getByTestId('plan-state').filter({ hasText: 'Running' }).waitFor({ timeout: T });
      await planPage.getByTestId('current-step').filter({ hasText: '25 %' }).waitFor({ timeout: T });

      // The flag list marks the flag as under a running plan.
      const list = await page.context().newPage();
      await list.goto(`/p/default/flags?q=${flag}`);
      await list.locator(`[data-flag="${flag}"]`).getByTestId('plan-badge').filter({ hasText: 'releasing in production' }).waitFor({ timeout: T });
      await list.close();

      // SDK exposures until the runner (looking every second) steps up: the step's sample
      // counts from its first look, so reports keep coming until it moves.
      await waitFor(
        'the runner to step up to 50 %',
        async () => {
          await report(10, 30);
          return (await planPage.getByTestId('current-step').innerText().catch(() => '')).includes('50 %');
        },
        { timeout: 90_000, interval: 1000 },
      );
      const log = planPage.getByTestId('decision-log');
      await log.locator('tr[data-action="release_plan.advance"]').filter({ hasText: 'runner' }).first().waitFor({ timeout: T });
      const numbers = await log.locator('tr[data-action="release_plan.advance"]').getByTestId('decision-numbers').first().innerText();
      expect(/exposures: control \d+, treatment \d+/.test(numbers) && numbers.includes('e2e_errors'), `the decision's numbers: ${numbers}`);
      await planPage.getByTestId('guardrail-chart-e2e_errors').waitFor({ timeout: T });

      // Roll back by hand: asked first, then the control for everyone.
      await planPage.getByTestId('plan-rollback').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('Everyone in the place is served the control again').waitFor({ timeout: T });
      await dialog.getByTestId('plan-confirm').click();
      await planPage.getByTestId('plan-state').filter({ hasText: 'Rolled back' }).waitFor({ timeout: T });
      await log.locator('tr[data-action="release_plan.rollback"]').filter({ hasText: OWNER.email }).waitFor({ timeout: T });
      const cfg = await getConfig(api, P, flag, 'production');
      expect(JSON.stringify(cfg.default) === JSON.stringify({ variant: 'off' }), `the default serve after the rollback: ${JSON.stringify(cfg.default)}`);
      for (const k of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) {
        const r = await api.must('POST', `/api/v1/projects/${P}/environments/production/evaluate`, { context: { key: k }, flag });
        const served = r.results[0].result.variant;
        expect(served === 'off', `${k} is served ${served} after the rollback`);
      }
    },
  },
  {
    name: 'the debugger says why v3.1.0 is not a version',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-semver' });
      await putConfig(api, P, 'e2e-semver', 'development', (c) => ({
        ...c,
        enabled: true,
        rules: [{ id: 'new-app', conditions: [{ attribute: 'app_version', op: 'semver_gte', values: ['3.0.0'], negate: false }], serve: { variant: 'on' } }],
        default: { variant: 'off' },
      }));
      await page.goto('/p/default/debugger');
      await pick(page, page.locator('main').getByLabel('Environment', { exact: true }), 'Development');
      await page.getByLabel('Context key').fill('user-3');
      const row = page.getByTestId('attribute-row').first();
      await row.getByLabel(/^Attribute/).fill('app_version');
      await row.getByLabel(/^Value/).fill('v3.1.0');
      await page.getByRole('button', { name: 'Evaluate' }).click();
      const result = page.locator('[data-testid="debugger-row"][data-flag="e2e-semver"]');
      await result.waitFor({ timeout: T });
      const explain = result.getByRole('button', { name: 'Explain e2e-semver' });
      if ((await explain.getAttribute('aria-expanded')) !== 'true') await explain.click();
      const cond = page.locator('[data-testid="condition-trace"][data-holds="false"]').first();
      await cond.waitFor({ timeout: T });
      const text = await cond.innerText();
      expect(text.includes('"v3.1.0" is not a semantic version') && text.includes('starts with "v"'), `the condition says: ${text}`);
    },
  },
  {
    name: 'after a 412, re-applying keeps a teammate’s edit of another rule',
    needs: 'the admin live stream',
    async run({ browser, base, session, api }) {
      await createFlag(api, P, { key: 'e2e-merge' });
      const rules = [
        { id: 'germany', conditions: [{ attribute: 'country', op: 'in', values: ['DE'], negate: false }], serve: { variant: 'on' } },
        { id: 'france', conditions: [{ attribute: 'country', op: 'in', values: ['FR'], negate: false }], serve: { variant: 'on' } },
      ];
      await putConfig(api, P, 'e2e-merge', 'staging', (c) => ({ ...c, rules }));
      const open = async () => {
        const ctx = await newContext(browser, base, { session });
        const page = await ctx.newPage();
        await page.goto('/p/default/flags/e2e-merge?env=staging');
        const tab = page.getByTestId('env-tab-staging');
        await tab.getByTestId('rule').nth(1).waitFor({ timeout: T });
        return { ctx, page, tab };
      };
      const first = await open();
      const second = await open();
      // The first session edits rule 1, the second rule 2; the second saves first.
      await addTags(first.tab.getByTestId('rule').nth(0).getByTestId('condition').nth(0).getByRole('combobox', { name: /^Values/ }), ['AT']);
      await addTags(second.tab.getByTestId('rule').nth(1).getByTestId('condition').nth(0).getByRole('combobox', { name: /^Values/ }), ['BE']);
      await second.tab.getByRole('button', { name: 'Review and save' }).click();
      await second.page.getByRole('dialog').getByRole('button', { name: /^Save version/ }).click();
      await second.page.getByRole('dialog').waitFor({ state: 'hidden', timeout: T });
      await waitFor('the second save', async () => (await getConfig(api, P, 'e2e-merge', 'staging')).rules[1].conditions[0].values.includes('BE'));
      await first.tab.getByRole('button', { name: 'Review and save' }).click();
      await first.page.getByRole('dialog').getByRole('button', { name: /^Save version/ }).click();
      const conflict = first.tab.getByTestId('conflict');
      await conflict.waitFor({ timeout: T });
      // While the banner is up, the switch follows a toggle made elsewhere.
      await waitFor('the first page to follow the live stream', async () => (await first.page.getByTestId('stream-status').getAttribute('data-status')) === 'open', { timeout: 45_000 });
      await api.must('POST', `/api/v1/projects/${P}/flags/e2e-merge/environments/staging/toggle`, { enabled: true });
      const kill = first.tab.getByTestId('kill-switch');
      await waitFor('the switch to show the toggle made elsewhere', () => kill.isChecked(), { timeout: 45_000 });
      await conflict.waitFor({ timeout: T });
      await conflict.getByRole('button', { name: /Re-apply my edits on top of version/ }).click();
      const dialog = first.page.getByRole('dialog');
      const save = dialog.getByRole('button', { name: /^Save version/ });
      await save.waitFor({ timeout: T });
      const report = dialog.getByTestId('merge-report');
      const reportText = (await report.count()) ? await report.innerText() : '(no merge report)';
      const conflicts = await dialog.getByTestId('merge-conflict').count();
      await save.click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
      const cfg = await waitFor('the merged save', async () => {
        const c = await getConfig(api, P, 'e2e-merge', 'staging');
        return c.rules[0].conditions[0].values.includes('AT') ? c : null;
      });
      expect(JSON.stringify(cfg.rules[0].conditions[0].values) === '["DE","AT"]', `rule 1: ${JSON.stringify(cfg.rules[0])}`);
      expect(JSON.stringify(cfg.rules[1].conditions[0].values) === '["FR","BE"]', `the teammate's edit of rule 2 was reverted: ${JSON.stringify(cfg.rules[1])}`);
      expect(cfg.enabled === true, 'the toggle made meanwhile was reverted');
      expect(reportText.includes('Rule germany: conditions') && !reportText.includes('Rule france'), `the merge report says: ${reportText}`);
      expect(conflicts === 0, 'a conflict was reported although the edits touch different rules');
      await first.ctx.close();
      await second.ctx.close();
    },
  },
  {
    name: 'a change appears in a second open page without reload',
    needs: 'the admin live stream (POST /api/v1/auth/stream-token, GET /api/v1/stream)',
    async run({ browser, base, session, api }) {
      await createFlag(api, P, { key: 'e2e-live' });
      const ctx = await newContext(browser, base, { session });
      const a = await ctx.newPage();
      const b = await ctx.newPage();
      await a.goto('/p/default/flags');
      await b.goto('/p/default/flags/e2e-live?env=production');
      const killSwitch = b.getByTestId('env-tab-production').getByTestId('kill-switch');
      await killSwitch.waitFor({ timeout: T });
      await waitFor('page B to connect to the live stream', async () => (await b.getByTestId('stream-status').getAttribute('data-status')) === 'open', {
        timeout: 45_000,
      }).catch(async (e) => {
        const s = await b.getByTestId('stream-status').getAttribute('data-status');
        const probe = await api.call('POST', '/api/v1/auth/stream-token');
        throw new Error(`${e.message} (stream status "${s}"; POST /api/v1/auth/stream-token → ${probe.status})`);
      });
      const nav = await b.evaluate(() => performance.getEntriesByType('navigation').length);
      const row = a.locator('[data-testid="flag-row"][data-flag="e2e-live"]');
      await row.getByRole('switch', { name: 'e2e-live in Production' }).click({ force: true });
      await a.getByTestId('confirm-toggle').getByRole('button', { name: 'Turn on in Production' }).click();
      await waitFor('page B to show the flag on', () => killSwitch.isChecked(), { timeout: 45_000 });
      const navAfter = await b.evaluate(() => performance.getEntriesByType('navigation').length);
      expect(nav === navAfter, 'page B reloaded');
      // The list in page A follows changes made through the API, too.
      await api.must('POST', `/api/v1/projects/${P}/flags/e2e-live/environments/staging/toggle`, { enabled: true });
      await waitFor('page A to show staging on', () => row.getByRole('switch', { name: 'e2e-live in Staging' }).isChecked(), { timeout: 45_000 });
      await ctx.close();
    },
  },
  {
    name: 'unsaved edits are not clobbered by a change elsewhere',
    needs: 'the admin live stream',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-banner' });
      await page.goto('/p/default/flags/e2e-banner?env=production');
      const tab = page.getByTestId('env-tab-production');
      await tab.waitFor({ timeout: T });
      await waitFor('the live stream', async () => (await page.getByTestId('stream-status').getAttribute('data-status')) === 'open', { timeout: 45_000 });
      await tab.getByRole('button', { name: 'Add rule' }).click();
      await tab.getByTestId('rule').first().getByLabel('Attribute').fill('country');
      await putConfig(api, P, 'e2e-banner', 'production', (c) => ({ ...c, off_variant: 'on' }));
      const banner = tab.getByTestId('changed-banner');
      await banner.waitFor({ timeout: 45_000 });
      const text = await banner.innerText();
      expect(text.includes(`Changed by ${OWNER.email}`), `banner says: ${text}`);
      // My edit is still there.
      expect((await tab.getByTestId('rule').first().getByLabel('Attribute').inputValue()) === 'country', 'the unsaved edit was lost');
      await banner.getByRole('button', { name: 'Load latest and re-apply my edits' }).click();
      await page.getByRole('dialog').getByTestId('diff').waitFor({ timeout: T });
    },
  },
  {
    name: 'a 412 conflict offers to re-apply my edits',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-conflict', tags: ['x'] });
      await page.goto('/p/default/flags/e2e-conflict?env=staging');
      const tab = page.getByTestId('env-tab-staging');
      await tab.waitFor({ timeout: T });
      await addTags(tab.getByRole('combobox', { name: /^Serve on to/ }), ['user-42']);
      // Someone else saves first.
      await putConfig(api, P, 'e2e-conflict', 'staging', (c) => ({ ...c, off_variant: 'on' }));
      await tab.getByRole('button', { name: 'Review and save' }).click();
      await page.getByRole('dialog').getByRole('button', { name: /^Save version 2/ }).click();
      const conflict = tab.getByTestId('conflict');
      await conflict.waitFor({ timeout: T });
      await conflict.getByRole('button', { name: /Re-apply my edits on top of version 2/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: /^Save version 3/ }).click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
      const cfg = await waitFor('version 3', async () => {
        const c = await getConfig(api, P, 'e2e-conflict', 'staging');
        return c.version === 3 ? c : null;
      });
      expect(cfg.off_variant === 'on', `the other change was lost: ${JSON.stringify(cfg)}`);
      expect(JSON.stringify(cfg.targets) === JSON.stringify([{ variant: 'on', keys: ['user-42'] }]), `my change was lost: ${JSON.stringify(cfg.targets)}`);
    },
  },
  {
    name: 'evaluate a context in the debugger and see the matching rule',
    needs: 'POST /api/v1/projects/{p}/environments/{env}/evaluate',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-debug' });
      await putConfig(api, P, 'e2e-debug', 'production', (c) => ({
        ...c,
        enabled: true,
        rules: [
          { id: 'germany', conditions: [{ attribute: 'country', op: 'in', values: ['DE'], negate: false }], serve: { variant: 'on' } },
        ],
        default: { variant: 'off' },
      }));
      await page.goto('/p/default/debugger');
      await pick(page, page.locator('main').getByLabel('Environment', { exact: true }), 'Production');
      await page.getByLabel('Context key').fill('user-1');
      const row = page.getByTestId('attribute-row').first();
      await row.getByLabel(/^Attribute/).fill('country');
      await row.getByLabel(/^Value/).fill('DE');
      await page.getByRole('button', { name: 'Evaluate' }).click();
      const result = page.locator('[data-testid="debugger-row"][data-flag="e2e-debug"]');
      await result.waitFor({ timeout: T }).catch(async (e) => {
        const alert = await page.getByRole('alert').allInnerTexts();
        throw new Error(`${e.message.split('\n')[0]}; the page says: ${alert.join(' | ') || '(nothing)'}`);
      });
      const reason = await result.getByTestId('reason').innerText();
      expect(reason === 'TARGETING_MATCH', `reason ${reason}`);
      const explain = result.getByRole('button', { name: 'Explain e2e-debug' });
      if ((await explain.getAttribute('aria-expanded')) !== 'true') await explain.click();
      const trace = page.locator('[data-testid="rule-trace"][data-matched="true"]').first();
      await trace.waitFor({ timeout: T });
      expect((await trace.innerText()).includes('germany'), 'the matching rule is not named');
      // The context is remembered.
      const recent = await page.evaluate(() => localStorage.getItem('vexil.debugger.recent'));
      expect(recent && recent.includes('user-1'), 'the context was not remembered');
    },
  },
  {
    name: 'find the audit entry of a change',
    async run({ page, api }) {
      await createFlag(api, P, { key: 'e2e-audit' });
      await api.must('POST', `/api/v1/projects/${P}/flags/e2e-audit/environments/production/toggle`, { enabled: true });
      await page.goto('/audit');
      await page.getByLabel('Resource key').fill('default/e2e-audit/production');
      const entry = page.locator('[data-testid="audit-entry"][data-action="flag_config.toggle"][data-resource="default/e2e-audit/production"]');
      await entry.waitFor({ timeout: T });
      await waitFor('the filter to leave only that entry', async () => (await page.getByTestId('audit-entry').count()) === 1);
      await entry.getByRole('button', { name: 'Show changes' }).click();
      const diff = entry.getByTestId('diff');
      await diff.waitFor({ timeout: T });
      const text = await diff.innerText();
      expect(/enabled/.test(text) && /false/.test(text) && /true/.test(text), `the diff does not show enabled false → true: ${text}`);
      // The flag's own history tab shows it too.
      await page.goto('/p/default/flags/e2e-audit/history');
      await page.locator('[data-testid="audit-entry"][data-action="flag_config.toggle"]').waitFor({ timeout: T });
      await page.locator('[data-testid="audit-entry"][data-action="flag.create"]').waitFor({ timeout: T });
    },
  },
  {
    name: 'create an SDK key (secret shown once) and revoke it',
    async run({ page, api }) {
      await page.goto('/p/default/environments');
      const card = page.getByRole('region', { name: 'Environment Staging' });
      await card.waitFor({ timeout: T });
      await card.getByRole('button', { name: 'New SDK key' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/^Name/).fill('e2e backend');
      await dialog.getByRole('button', { name: 'Create key' }).click();
      const secret = (await dialog.getByTestId('secret').innerText()).trim();
      expect(secret.length > 20, `the secret looks wrong: ${secret}`);
      await dialog.getByRole('button', { name: 'Copy' }).waitFor({ timeout: T });
      // The key works against the SDK API.
      const r = await fetch(api.base + '/sdk/v1/config', { headers: { Authorization: `Bearer ${secret}` } });
      expect(r.status === 200, `GET /sdk/v1/config with the new key → ${r.status}`);
      await dialog.getByRole('button', { name: 'Done' }).click();
      const row = card.getByTestId('sdk-key-row').filter({ hasText: 'e2e backend' });
      await row.waitFor({ timeout: T });
      expect(!(await page.content()).includes(secret), 'the secret is still on the page after closing the dialog');
      await row.getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await row.waitFor({ state: 'detached', timeout: T });
      await waitFor('the key to stop working', async () => (await fetch(api.base + '/sdk/v1/config', { headers: { Authorization: `Bearer ${secret}` } })).status === 401);
    },
  },
  {
    name: 'first-run set-up creates the owner and logs in',
    needs: 'GET/POST /api/v1/setup and a set-up password printed at start',
    async run({ browser, bin }) {
      // A second server with no owner configured: it waits for set-up.
      const fresh = await startServer(bin, { adminPassword: null, env: { VEXIL_ADMIN_EMAIL: null } });
      try {
        const probe = await apiClient(fresh.base).call('GET', '/api/v1/setup');
        expect(probe.status === 200, `GET /api/v1/setup → ${probe.status} ${probe.text.slice(0, 200)}`);
        expect(probe.json?.pending === true, `set-up is not pending on a server without users: ${probe.text}`);
        const setupPassword = await waitFor('the set-up password in the server output', () => findSetupPassword(fresh.output()), { timeout: 10_000 });
        await checkServesDashboard(fresh.base);
        const ctx = await newContext(browser, fresh.base);
        const page = await ctx.newPage();
        await page.goto('/');
        await page.waitForURL(/\/setup$/, { timeout: T });
        await page.getByLabel(/^One-time set-up password/).fill(setupPassword);
        await page.getByLabel(/^Your email/).fill('first@example.com');
        await page.getByLabel(/^Your name/).fill('First Owner');
        await page.getByLabel(/^New password/).fill('a-long-enough-password');
        await page.getByLabel(/^Repeat the password/).fill('a-long-enough-password');
        await page.getByRole('button', { name: 'Create owner and log in' }).click();
        await page.getByRole('heading', { name: 'Flags' }).waitFor({ timeout: T });
        const after = await apiClient(fresh.base).call('GET', '/api/v1/setup');
        expect(after.json?.pending === false, `set-up still pending after completing it: ${after.text}`);
        await login(fresh.base, 'first@example.com', 'a-long-enough-password');
        await ctx.close();
      } finally {
        await fresh.stop();
      }
    },
  },
  {
    name: 'log in with single sign-on through a real identity provider',
    needs: 'VEXIL_OIDC_* support and the test identity provider (npm ci in server/tests/oidc)',
    async run({ browser, bin }) {
      const port = await freePort();
      const redirectUri = `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`;
      const idp = await startOidcProvider({
        clientId: 'vexil-e2e',
        clientSecret: 'vexil-e2e-secret',
        redirectUri,
        users: [{ sub: 'sam', password: 'sam-idp-password', email: 'sam@example.com', email_verified: true, name: 'Sam Single', groups: ['flag-editors'] }],
      });
      let server;
      try {
        server = await startServer(bin, {
          port,
          env: {
            VEXIL_OIDC_ISSUER: idp.issuer,
            VEXIL_OIDC_CLIENT_ID: 'vexil-e2e',
            VEXIL_OIDC_CLIENT_SECRET: 'vexil-e2e-secret',
            VEXIL_OIDC_REDIRECT_URL: redirectUri,
            VEXIL_OIDC_SCOPES: 'email,profile,groups',
            VEXIL_OIDC_PROVIDER_NAME: 'Test IdP',
            VEXIL_OIDC_ROLE_CLAIM: 'groups',
            VEXIL_OIDC_ROLE_MAP: 'flag-editors=editor',
          },
        });
        const ctx = await newContext(browser, server.base);
        const page = await ctx.newPage();
        await page.goto('/audit');
        await page.waitForURL(/\/login/, { timeout: T });
        await page.getByRole('link', { name: 'Log in with Test IdP' }).click();
        await page.waitForURL((u) => u.href.startsWith(idp.issuer), { timeout: T });
        await page.getByLabel('Username').fill('sam');
        await page.getByLabel('Password').fill('sam-idp-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Audit log' }).waitFor({ timeout: T });
        expect(new URL(page.url()).pathname === '/audit', `after single sign-on, expected /audit, got ${page.url()}`);
        const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('vexil.session'))) ?? 'null');
        expect(stored?.user?.email === 'sam@example.com', `session user: ${JSON.stringify(stored?.user)}`);
        expect(stored?.user?.role === 'editor', `the groups claim maps to editor, got ${stored?.user?.role}`);
        // The provider hands out an expired ID token: the login page says why it failed.
        await page.getByTestId('user-menu').click();
        await page.getByRole('menuitem', { name: 'Log out' }).click();
        await page.waitForURL(/\/login/, { timeout: T });
        await idp.control('/test/next-id-token', { mode: 'expired' });
        await page.getByRole('link', { name: 'Log in with Test IdP' }).click();
        // The provider remembers sam's session: it sends the browser straight back.
        const alert = page.getByRole('alert');
        await alert.waitFor({ timeout: T });
        const text = await alert.innerText();
        expect(text.includes('id_token_expired'), `the failure message names the check: ${text}`);
        await ctx.close();
      } finally {
        if (server) await server.stop();
        idp.stop();
      }
    },
  },
  {
    name: 'the flags list works at 800 px',
    async run({ browser, base, session, api }) {
      await createFlag(api, P, { key: 'e2e-narrow' });
      const ctx = await newContext(browser, base, { session, viewport: { width: 800, height: 900 } });
      const page = await ctx.newPage();
      await page.goto('/p/default/flags');
      const row = page.locator('[data-testid="flag-row"][data-flag="e2e-narrow"]');
      await row.waitFor({ timeout: T });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow <= 0, `the page scrolls sideways by ${overflow} px at 800 px`);
      expect(await row.getByRole('switch', { name: 'e2e-narrow in Production' }).isVisible(), 'the production switch is hidden');
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await page.getByRole('link', { name: 'Segments' }).click();
      await page.getByRole('heading', { name: 'Segments' }).waitFor({ timeout: T });
      await ctx.close();
    },
  },
];

async function main() {
  const { bin } = preflight();
  const only = process.env.E2E_ONLY?.split(',').map((s) => s.trim().toLowerCase());
  mkdirSync(OUTPUT, { recursive: true });
  const started = Date.now();
  console.log(`Starting ${bin} …`);
  // Release plans are looked at every second, so that the plan scenario's steps move in
  // seconds.
  const server = await startServer(bin, { env: { VEXIL_RELEASE_PLAN_CHECK_SECONDS: '1' } });
  console.log(`Server ready at ${server.base}`);
  await checkServesDashboard(server.base);
  const ui = { base: server.base };
  const browser = await launchBrowser();
  const results = [];
  try {
    const session = await login(server.base);
    const api = apiClient(server.base, session.token);
    for (const s of scenarios) {
      if (only && !only.some((o) => s.name.toLowerCase().includes(o))) continue;
      const t0 = Date.now();
      const ctx = await newContext(browser, ui.base, { session });
      const page = await ctx.newPage();
      const pageErrors = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      let error;
      cspViolations.length = 0;
      try {
        await Promise.race([
          s.run({ browser, base: ui.base, server, session, api, page, bin }),
          new Promise((_, reject) => setTimeout(() => reject(new Error('scenario took longer than 180 s')), 180_000)),
        ]);
        if (pageErrors.length) throw new Error(`uncaught errors in the page: ${pageErrors.join('; ')}`);
        if (cspViolations.length) {
          throw new Error(`Content-Security-Policy violations: ${JSON.stringify(cspViolations.slice(0, 5))}`);
        }
      } catch (e) {
        error = e;
        const file = path.join(OUTPUT, `${s.name.replace(/[^a-z0-9]+/gi, '-')}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      }
      await ctx.close().catch(() => {});
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      results.push({ name: s.name, ok: !error, seconds, error, needs: s.needs });
      console.log(error ? `✗ ${s.name} (${seconds} s)\n    ${String(error.message).split('\n').slice(0, 6).join('\n    ')}` : `✓ ${s.name} (${seconds} s)`);
      if (error && s.needs) console.log(`    (this scenario needs ${s.needs})`);
    }
  } finally {
    await browser.close().catch(() => {});
    const failed = results.some((r) => !r.ok);
    await server.stop({ keepLogAs: failed ? 'server.log' : undefined });
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const report = results.map((r) => `${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.ok ? '' : `\n      ${String(r.error?.message).split('\n')[0]}`}`).join('\n');
  writeFileSync(path.join(OUTPUT, 'report.txt'), report + '\n');
  console.log(`\n${report}\n`);
  if (failed) console.log(`Screenshots of failures and the server log are in ${OUTPUT}`);
  console.log(`Finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
