// Shared by the end-to-end tests, the screenshots and the performance measurement:
// starts a Vexil server on a free loopback port with a fresh SQLite database, waits for
// it, checks that it serves its built-in dashboard, talks to its API and drives Chromium
// through playwright-core. The server is the release binary `scripts/build` makes (the
// one scripts/run starts), configured only with settings a user has too.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, accessSync, constants, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_UI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(WEB_UI, '..');
export const DIST = path.join(WEB_UI, 'dist');
export const OUTPUT = path.join(WEB_UI, 'e2e', 'output');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export const OWNER = { email: 'owner@example.com', password: 'correct-horse-battery' };

/** Checks what the run needs, with a message that says how to fix each problem. */
export function preflight() {
  const problems = [];
  const bin = path.resolve(WEB_UI, process.env.VEXIL_BIN ?? '../target/release/vexil');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    problems.push(
      `The Vexil server binary is missing or not executable: ${bin}\n    Build it with \`scripts/build\` in the repository root (the dashboard, then the release server with the dashboard inside), or set VEXIL_BIN.`,
    );
  }
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    problems.push(`Chromium is missing: ${CHROMIUM}\n    Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  if (problems.length) {
    console.error('Cannot run:\n  - ' + problems.join('\n  - '));
    process.exit(2);
  }
  return { bin };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function waitFor(what, fn, { timeout = 30_000, interval = 200 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(interval);
  }
  throw new Error(`Timed out after ${timeout / 1000} s waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * Starts `vexil serve`. Options: `adminPassword` (null: none, so the server generates
 * one or waits for set-up), `env` (extra variables; null removes one), `port`.
 */
export async function startServer(bin, { adminPassword = OWNER.password, env = {}, port: wanted } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vexil-e2e-'));
  const port = wanted ?? (await freePort());
  const logPath = path.join(dir, 'server.log');
  const vars = {
    ...process.env,
    VEXIL_LISTEN: `127.0.0.1:${port}`,
    VEXIL_DATABASE_URL: `sqlite://${path.join(dir, 'vexil.db')}`,
    VEXIL_ADMIN_EMAIL: OWNER.email,
    // JSON lines, so that the set-up scenario can tell log lines from the printed
    // set-up password; the format is a user setting (docker-compose.yml uses it too).
    VEXIL_LOG_FORMAT: 'json',
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
    ...env,
  };
  if (adminPassword) vars.VEXIL_ADMIN_PASSWORD = adminPassword;
  else delete vars.VEXIL_ADMIN_PASSWORD;
  for (const [k, v] of Object.entries(vars)) if (v === null || v === undefined) delete vars[k];
  const child = spawn(bin, ['serve'], { env: vars, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d) => {
    output += d.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `${base}/readyz`,
      async () => {
        if (exited) throw new Error(`the server exited (${JSON.stringify(exited)}):\n${output.slice(-2000)}`);
        const r = await fetch(`${base}/readyz`).catch(() => null);
        return r && r.ok;
      },
      { timeout: 60_000 },
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const server = {
    base,
    port,
    dir,
    child,
    output: () => output,
    async stop({ keepLogAs } = {}) {
      if (!exited) {
        child.kill('SIGTERM');
        const end = Date.now() + 15_000;
        while (!exited && Date.now() < end) await sleep(100);
        if (!exited) child.kill('SIGKILL');
      }
      if (keepLogAs) {
        mkdirSync(OUTPUT, { recursive: true });
        writeFileSync(path.join(OUTPUT, keepLogAs), output);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  writeFileSync(logPath, '');
  return server;
}

/** A small JSON client for the admin API. */
export function apiClient(base, token) {
  const call = async (method, p, body, { ifMatch, headers = {} } = {}) => {
    const h = { Accept: 'application/json', ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (ifMatch !== undefined) h['If-Match'] = `"${ifMatch}"`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const r = await fetch(base + p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: r.status, headers: r.headers, json, text };
  };
  const must = async (method, p, body, opts) => {
    const r = await call(method, p, body, opts);
    if (r.status >= 400) throw new Error(`${method} ${p} → ${r.status}: ${r.text.slice(0, 500)}`);
    return r.json;
  };
  return { call, must, token, base };
}

export async function login(base, email = OWNER.email, password = OWNER.password) {
  const r = await apiClient(base).call('POST', '/api/v1/auth/login', { email, password });
  if (r.status !== 200) throw new Error(`login as ${email} failed: ${r.status} ${r.text}`);
  return r.json;
}

/**
 * Checks that the server serves its dashboard as a browser loads it: the page at `/`
 * and at a dashboard route, every script and stylesheet it links with a content type
 * the browser accepts, and, when web-ui/dist exists, the same page as that build (a
 * binary built before the last dashboard build would test old code). Throws a message
 * that says what is wrong; returns the list of checked assets.
 */
export async function checkServesDashboard(base) {
  const get = async (p) => {
    const r = await fetch(base + p).catch((e) => {
      throw new Error(`GET ${base}${p} failed: ${e.message}`);
    });
    return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
  };
  const page = await get('/');
  if (page.status !== 200 || !page.type.startsWith('text/html') || !page.text.includes('<div id="root">') || page.text.includes('not built')) {
    throw new Error(
      `GET ${base}/ is not the dashboard (${page.status}, ${page.type}): ${page.text.slice(0, 300)}\n` +
        '    The server must serve the dashboard built into it: build it with `scripts/build`.',
    );
  }
  const route = await get('/p/default/flags');
  if (route.status !== 200 || route.text !== page.text) throw new Error(`GET ${base}/p/default/flags does not answer with the dashboard's page (${route.status})`);
  const built = path.join(DIST, 'index.html');
  if (existsSync(built) && readFileSync(built, 'utf8') !== page.text) {
    throw new Error(`${base}/ serves another dashboard build than ${built}: the binary is older than the dashboard build; run \`scripts/build\``);
  }
  const assets = [...new Set([...page.text.matchAll(/"(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]))];
  const expected = { js: /^(text|application)\/javascript/, css: /^text\/css/ };
  for (const kind of Object.keys(expected)) {
    if (!assets.some((a) => a.endsWith(`.${kind}`))) throw new Error(`the dashboard's page links no .${kind} file: ${page.text}`);
  }
  for (const a of assets) {
    const r = await get(a);
    const kind = a.endsWith('.js') ? 'js' : 'css';
    if (r.status !== 200 || !r.text || !expected[kind].test(r.type)) throw new Error(`GET ${a} → ${r.status} with content type "${r.type}" (${r.text.length} bytes)`);
  }
  return assets;
}

/** The test OpenID Connect provider of the server's single sign-on tests. */
export const OIDC_PROVIDER_DIR = path.join(REPO, 'server', 'tests', 'oidc');

/**
 * Starts the test OpenID Connect provider (`server/tests/oidc/provider.mjs`, the
 * `oidc-provider` package) with its own keys and `users`; resolves once it listens.
 */
export async function startOidcProvider({ clientId, clientSecret, redirectUri, users }) {
  if (!existsSync(path.join(OIDC_PROVIDER_DIR, 'node_modules', 'oidc-provider'))) {
    throw new Error(`The test identity provider is not installed: run \`npm ci\` in ${OIDC_PROVIDER_DIR}`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vexil-idp-'));
  const usersFile = path.join(dir, 'users.json');
  writeFileSync(usersFile, JSON.stringify(users));
  const child = spawn(
    process.execPath,
    [path.join(OIDC_PROVIDER_DIR, 'provider.mjs'), '--client-id', clientId, '--client-secret', clientSecret, '--redirect-uri', redirectUri, '--users', usersFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const issuer = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      output += d.toString();
      const m = /^ready (\S+)$/m.exec(output);
      if (m) resolve(m[1]);
    });
    child.stderr.on('data', (d) => {
      output += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`the identity provider exited (${code}):\n${output}`)));
  });
  return {
    issuer,
    async control(p, body = {}) {
      const r = await fetch(issuer + p, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`provider control ${p} → ${r.status}`);
      return r.json();
    },
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Content-Security-Policy violations seen in any page of any context made by
 * `newContext`, as `{ directive, blocked, source }`: the run fails a scenario during
 * which one happened (the dashboard must satisfy the policy the server sends).
 */
export const cspViolations = [];

/** A browser context, logged in with `session` (shared through localStorage, like tabs). */
export async function newContext(browser, base, { session, viewport = { width: 1280, height: 900 } } = {}) {
  const storageState = {
    cookies: [],
    origins: session ? [{ origin: base, localStorage: [{ name: 'vexil.session', value: JSON.stringify(session) }] }] : [],
  };
  const ctx = await browser.newContext({ viewport, storageState, baseURL: base });
  await recordCspViolations(ctx);
  return ctx;
}

/** Records CSP violations of every page of `ctx`: the DOM event and Chromium's console report. */
async function recordCspViolations(ctx) {
  await ctx.exposeBinding('__vexilCspViolation', (_source, v) => cspViolations.push(v));
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__vexilCspViolation({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        source: `${e.sourceFile}:${e.lineNumber}`,
      });
    });
  });
  const watch = (page) =>
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push({ directive: 'console', blocked: m.text(), source: page.url() });
    });
  ctx.pages().forEach(watch);
  ctx.on('page', watch);
}

/** Creates a flag through the API and returns it. */
export async function createFlag(api, project, body) {
  return api.must('POST', `/api/v1/projects/${project}/flags`, { kind: 'boolean', ...body });
}

export async function getConfig(api, project, flag, env) {
  const r = await api.call('GET', `/api/v1/projects/${project}/flags/${flag}/environments/${env}`);
  if (r.status !== 200) throw new Error(`GET config ${flag}/${env} → ${r.status}`);
  return r.json;
}

export async function putConfig(api, project, flag, env, mutate) {
  const current = await getConfig(api, project, flag, env);
  const { flag: _f, environment: _e, updated_at: _u, version, ...config } = current;
  const next = mutate(config) ?? config;
  return api.must('PUT', `/api/v1/projects/${project}/flags/${flag}/environments/${env}`, next, { ifMatch: version });
}
