// Shared by the end-to-end tests, the screenshots and the performance measurement:
// starts a Vexil server on a free loopback port with a fresh SQLite database, waits for
// it, talks to its API and drives Chromium through playwright-core.

import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, accessSync, constants, writeFileSync } from 'node:fs';
import http from 'node:http';
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
  const bin = path.resolve(WEB_UI, process.env.VEXIL_BIN ?? '../target/debug/vexil');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    problems.push(`The Vexil server binary is missing or not executable: ${bin}\n    Build it with \`cargo build -p vexil-server\` in the repository root, or set VEXIL_BIN.`);
  }
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    problems.push(`Chromium is missing: ${CHROMIUM}\n    Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  if (!existsSync(path.join(DIST, 'index.html'))) {
    problems.push(`The dashboard is not built: ${path.join(DIST, 'index.html')} is missing.\n    Run \`npm run build\` first.`);
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
 * one or waits for set-up), `env` (extra variables; null removes one).
 */
export async function startServer(bin, { adminPassword = OWNER.password, env = {} } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vexil-e2e-'));
  const port = await freePort();
  const logPath = path.join(dir, 'server.log');
  const vars = {
    ...process.env,
    VEXIL_LISTEN: `127.0.0.1:${port}`,
    VEXIL_DATABASE_URL: `sqlite://${path.join(dir, 'vexil.db')}`,
    VEXIL_ADMIN_EMAIL: OWNER.email,
    VEXIL_UI_DIR: DIST,
    VEXIL_LOG_FORMAT: 'json',
    // Many logins from one address in a test run.
    VEXIL_LOGIN_MAX_FAILURES: '100',
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

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Serves web-ui/dist and forwards the API to the Vexil server, for servers that do not
 * serve the dashboard themselves (no VEXIL_UI_DIR support yet).
 */
export async function startUiProxy(apiBase) {
  const target = new URL(apiBase);
  const port = await freePort();
  const indexHtml = readFileSync(path.join(DIST, 'index.html'));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    if (p.startsWith('/api/') || p === '/healthz' || p === '/readyz' || p === '/metrics') {
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
      return;
    }
    const file = path.join(DIST, path.normalize(decodeURIComponent(p)).replace(/^([/\\])+/, ''));
    if (file.startsWith(DIST) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME['.html'] });
    res.end(indexHtml);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Whether the Vexil server itself serves the dashboard (index.html at / and as the fallback). */
export async function serverServesUi(base) {
  const check = async (p) => {
    const r = await fetch(base + p).catch(() => null);
    if (!r || !r.ok) return false;
    const t = await r.text();
    return t.includes('<div id="root">');
  };
  return (await check('/')) && (await check('/p/default/flags'));
}

/** Where the browser should go: the server, or a proxy in front of it when needed. */
export async function uiBase(server, log = console.log) {
  if (await serverServesUi(server.base)) return { base: server.base, proxy: null };
  log(`NOTE: the server at ${server.base} does not serve the dashboard (no VEXIL_UI_DIR support?); serving web-ui/dist through a local proxy instead.`);
  const proxy = await startUiProxy(server.base);
  return { base: proxy.base, proxy };
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
