#!/usr/bin/env node
// Time to first render of the flags list with many flags: seeds FLAGS flags (default
// 1 000) through the API, then, in a fresh Chromium context each run (empty cache),
// measures from navigation start to the list being rendered (the page's own
// `vexil:flags-list-rendered` mark, taken when the first rows are in the DOM), and the
// time until every flag is in the list (the list loads 100 at a time as it scrolls).
//
//   npm run build && npm run perf            (FLAGS=1000 RUNS=7)

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiClient, checkServesDashboard, launchBrowser, login, newContext, OUTPUT, preflight, startServer } from './harness.mjs';

const FLAGS = Number(process.env.FLAGS ?? 1000);
const RUNS = Number(process.env.RUNS ?? 7);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

async function seed(api) {
  const t0 = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < FLAGS) {
      const i = next++;
      const key = `flag-${String(i).padStart(4, '0')}`;
      await api.must('POST', '/api/v1/projects/default/flags', {
        key,
        name: `Flag ${i}`,
        description: `Seeded flag number ${i}`,
        kind: i % 3 === 0 ? 'string' : 'boolean',
        variants: i % 3 === 0 ? [{ key: 'a', value: 'a' }, { key: 'b', value: 'b' }] : undefined,
        tags: [`team-${i % 7}`, i % 2 ? 'web' : 'mobile'],
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return Date.now() - t0;
}

async function main() {
  const { bin } = preflight();
  const server = await startServer(bin);
  await checkServesDashboard(server.base);
  const ui = { base: server.base };
  const browser = await launchBrowser();
  const first = [];
  const all = [];
  const api1 = [];
  let seedMs;
  try {
    const session = await login(server.base);
    const api = apiClient(server.base, session.token);
    console.log(`Seeding ${FLAGS} flags…`);
    seedMs = await seed(api);
    console.log(`Seeded in ${(seedMs / 1000).toFixed(1)} s`);
    for (let run = 0; run < RUNS; run++) {
      const ctx = await newContext(browser, ui.base, { session });
      await ctx.addInitScript(() => localStorage.setItem('vexil.env.default', 'production'));
      const page = await ctx.newPage();
      await page.goto('/p/default/flags');
      await page.locator('[data-testid="flag-row"]').first().waitFor({ timeout: 60_000 });
      const m = await page.evaluate(() => {
        const mark = performance.getEntriesByName('vexil:flags-list-rendered')[0];
        const req = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/v1/projects/default/flags'));
        return { rendered: mark?.startTime, rows: document.querySelectorAll('[data-testid="flag-row"]').length, api: req ? req.responseEnd - req.startTime : undefined };
      });
      if (m.rendered === undefined) throw new Error('the page did not set the vexil:flags-list-rendered mark');
      // Scroll until every flag is listed.
      const t = await page.evaluate(async (total) => {
        const start = performance.now();
        const count = () => document.querySelectorAll('[data-testid="flag-row"]').length;
        while (count() < total) {
          window.scrollTo(0, document.body.scrollHeight);
          await new Promise((r) => setTimeout(r, 16));
          if (performance.now() - start > 60_000) break;
        }
        return { ms: performance.now() - start, at: performance.now(), rows: count() };
      }, FLAGS);
      if (t.rows < FLAGS) {
        const alerts = await page.getByRole('alert').allInnerTexts();
        throw new Error(`only ${t.rows} of ${FLAGS} flags listed after scrolling for 60 s${alerts.length ? `; the page says: ${alerts.join(' | ')}` : ''}`);
      }
      first.push(m.rendered);
      all.push(t.at);
      if (m.api !== undefined) api1.push(m.api);
      console.log(`run ${run + 1}: first ${m.rows} rows rendered at ${m.rendered.toFixed(0)} ms (API ${m.api?.toFixed(0)} ms); all ${t.rows} at ${t.at.toFixed(0)} ms`);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const result = {
    flags: FLAGS,
    runs: RUNS,
    first_render_ms: { median: median(first), min: Math.min(...first), max: Math.max(...first), samples: first },
    first_page_api_ms: api1.length ? { median: median(api1), min: Math.min(...api1), max: Math.max(...api1) } : null,
    all_rows_ms: { median: median(all), min: Math.min(...all), max: Math.max(...all) },
    seed_ms: seedMs,
  };
  mkdirSync(OUTPUT, { recursive: true });
  writeFileSync(path.join(OUTPUT, 'perf.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`\n${FLAGS} flags, ${RUNS} runs, fresh browser context (empty cache) each:`);
  console.log(`  navigation start → list rendered (first 100 rows): ${fmt(first)}`);
  if (api1.length) console.log(`  first page of the list API:                        ${fmt(api1)}`);
  console.log(`  navigation start → all ${FLAGS} rows (scrolling):      ${fmt(all)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
