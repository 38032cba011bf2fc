// Published OpenFeature SDKs with the published OFREP providers, pointed at a real Vexil
// on 127.0.0.1: @openfeature/server-sdk + @openfeature/ofrep-provider, and
// @openfeature/web-sdk + @openfeature/ofrep-web-provider (with live updates over SSE).
// Every value they resolve must equal what vexil-core gives for the same context (read
// from Vexil's evaluation debugger), and every raw OFREP response must validate against
// the schemas of openapi/generated.yaml. The web provider also runs behind a reverse proxy
// that serves Vexil under a path prefix and can hold or cut its event streams, to show
// that no change is missed: one made before the stream first connects, one made while it
// reconnects, and one made after its URL expired.
//
// Usage: VEXIL_BIN=target/debug/vexil node run.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { EventSource } from 'eventsource';
import YAML from 'yaml';

import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature as WebOpenFeature, ClientProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const bin = resolve(root, process.env.VEXIL_BIN ?? 'target/debug/vexil');
// Node 20 has no global EventSource; the web provider expects the browser's.
globalThis.EventSource = EventSource;

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ok   ${name}`);
  } catch (e) {
    results.push({ name, ok: false, error: e });
    console.log(`  FAIL ${name}\n       ${e.stack ?? e}`);
  }
}
function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}
function assert(cond, what) {
  if (!cond) throw new Error(what);
}
async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function startVexil(extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vexil-of-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve'], {
    env: {
      ...process.env,
      VEXIL_LISTEN: `127.0.0.1:${port}`,
      VEXIL_DATABASE_URL: `sqlite://${dir}/vexil.db`,
      VEXIL_ADMIN_EMAIL: 'of@example.com',
      VEXIL_ADMIN_PASSWORD: 'openfeature-password',
      VEXIL_LOG_FORMAT: 'json',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((r) => child.on('exit', r));
  await until('vexil /readyz', async () => {
    if (child.exitCode !== null) throw new Error(`vexil exited:\n${log}`);
    try {
      return (await fetch(`${base}/readyz`)).ok;
    } catch {
      return false;
    }
  });
  return {
    base,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A reverse proxy in front of Vexil that can hold new event-stream requests and cut open
 * ones. With a `prefix` it serves Vexil under that path (it strips the prefix and says so
 * in `X-Forwarded-Prefix`) and answers 404 elsewhere.
 */
async function startProxy(target, prefix = '') {
  const upstream = new URL(target);
  const held = [];
  const open = new Set();
  const eventRequests = [];
  let holding = false;
  const server = http.createServer((req, res) => {
    if (!req.url.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not under ${prefix}`);
      return;
    }
    const path = req.url.slice(prefix.length);
    const forwarded = prefix ? { 'x-forwarded-prefix': prefix } : {};
    const isEvents = path.startsWith('/ofrep/v1/events');
    const forward = () => {
      const up = http.request(
        { host: upstream.hostname, port: upstream.port, path, method: req.method, headers: { ...req.headers, host: upstream.host, ...forwarded } },
        (upRes) => {
          res.writeHead(upRes.statusCode, upRes.headers);
          upRes.pipe(res);
          if (isEvents) {
            const conn = { res, upRes };
            open.add(conn);
            res.on('close', () => open.delete(conn));
          }
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (isEvents) eventRequests.push({ headers: req.headers, url: req.url });
    if (isEvents && holding) held.push(forward);
    else forward();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}${prefix}`,
    prefix,
    eventRequests,
    openStreams: () => open.size,
    heldStreams: () => held.length,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      held.splice(0).forEach((f) => f());
    },
    cut: () => {
      for (const c of open) {
        c.upRes.destroy();
        c.res.destroy();
      }
      open.clear();
    },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

/** Waits until the served snapshot has every change made so far. */
async function caughtUp(base, keys) {
  const env = await api(base, keys.token, 'GET', '/api/v1/projects/default/environments/production');
  await until('the snapshot to catch up', async () => {
    const r = await fetch(`${base}/sdk/v1/config`, { headers: { authorization: `Bearer ${keys.serverKey}` } });
    return (await r.json()).version >= env.snapshot_version;
  });
}

async function toggle(base, keys, flag, enabled) {
  await api(base, keys.token, 'POST', `/api/v1/projects/default/flags/${flag}/environments/production/toggle`, { enabled });
}

async function api(base, token, method, path, body, headers = {}) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// The flags: every kind, a rule, a rollout; all client-visible except `secret-rollout`.
const FLAGS = [
  { key: 'new-checkout', kind: 'boolean', client_visible: true },
  { key: 'secret-rollout', kind: 'boolean' },
  { key: 'banner', kind: 'string', client_visible: true, variants: [{ key: 'short', value: 'Hi' }, { key: 'long', value: 'Hello there' }] },
  { key: 'max-items', kind: 'number', client_visible: true, variants: [{ key: 'few', value: 10 }, { key: 'many', value: 250 }] },
  { key: 'theme', kind: 'json', client_visible: true, variants: [{ key: 'dark', value: { bg: '#000', accent: 'teal' } }, { key: 'light', value: { bg: '#fff', accent: 'navy' } }] },
  { key: 'half', kind: 'boolean', client_visible: true },
  { key: 'nested-rule', kind: 'boolean', client_visible: true },
];
const CONFIGS = {
  'new-checkout': { enabled: true, off_variant: 'off', default: { variant: 'off' }, rules: [{ id: 'germany', conditions: [{ attribute: 'country', op: 'in', values: ['DE'] }], serve: { variant: 'on' } }] },
  'secret-rollout': { enabled: true, off_variant: 'off', default: { variant: 'on' } },
  banner: { enabled: true, off_variant: 'short', default: { variant: 'long' }, rules: [{ id: 'pro', conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'short' } }] },
  'max-items': { enabled: true, off_variant: 'few', default: { variant: 'many' } },
  theme: { enabled: true, off_variant: 'light', default: { variant: 'dark' } },
  half: { enabled: true, off_variant: 'off', default: { rollout: { weights: [{ variant: 'on', weight: 50000 }, { variant: 'off', weight: 50000 }] } } },
  'nested-rule': { enabled: true, off_variant: 'off', default: { variant: 'off' }, rules: [{ id: 'pro', conditions: [{ attribute: 'user.plan', op: 'in', values: ['pro'] }], serve: { variant: 'on' } }] },
};

async function seed(base, { flags = FLAGS, configs = CONFIGS } = {}) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'of@example.com', password: 'openfeature-password' }),
  });
  const { token } = await login.json();
  for (const f of flags) await api(base, token, 'POST', '/api/v1/projects/default/flags', f);
  for (const [key, config] of Object.entries(configs)) {
    await api(base, token, 'PUT', `/api/v1/projects/default/flags/${key}/environments/production`, config, { 'if-match': '*' });
  }
  const server = await api(base, token, 'POST', '/api/v1/projects/default/environments/production/sdk-keys', { kind: 'server' });
  const client = await api(base, token, 'POST', '/api/v1/projects/default/environments/production/sdk-keys', { kind: 'client' });
  // Wait until the served snapshot includes every change.
  const env = await api(base, token, 'GET', '/api/v1/projects/default/environments/production');
  await until('the snapshot to catch up', async () => {
    const r = await fetch(`${base}/sdk/v1/config`, { headers: { authorization: `Bearer ${server.key}` } });
    return (await r.json()).version >= env.snapshot_version;
  });
  return { token, serverKey: server.key, clientKey: client.key };
}

/** vexil-core's answer for an OpenFeature context, through the evaluation debugger. */
async function reference(base, token, flag, ofContext) {
  const { targetingKey, ...attributes } = ofContext;
  const context = targetingKey === undefined ? { attributes } : { key: targetingKey, attributes };
  const r = await api(base, token, 'POST', '/api/v1/projects/default/environments/production/evaluate', { flag, context });
  return r.results[0].result;
}

/** Validators for the OFREP responses, from our own OpenAPI document. */
function ofrepValidators() {
  const doc = YAML.parse(readFileSync(join(root, 'openapi/generated.yaml'), 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'vexil', components: doc.components });
  const responseSchema = (path, status) => {
    let resp = doc.paths[path].post.responses[status];
    if (resp.$ref) resp = resp.$ref.split('/').slice(1).reduce((o, k) => o[k], doc);
    const content = resp.content['application/json'] ?? Object.values(resp.content)[0];
    return content.schema;
  };
  // Refs inside our document are "#/components/..."; resolve them against the added schema.
  const rewrite = (s) => JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"vexil#/components/'));
  return {
    single: ajv.compile(rewrite(responseSchema('/ofrep/v1/evaluate/flags/{key}', '200'))),
    notFound: ajv.compile(rewrite(responseSchema('/ofrep/v1/evaluate/flags/{key}', '404'))),
    failure: ajv.compile(rewrite(responseSchema('/ofrep/v1/evaluate/flags/{key}', '400'))),
    bulk: ajv.compile(rewrite(responseSchema('/ofrep/v1/evaluate/flags', '200'))),
    unauthorized: ajv.compile(rewrite(responseSchema('/ofrep/v1/evaluate/flags', '401'))),
  };
}

const CONTEXTS = [
  { targetingKey: 'user-1', country: 'DE', plan: 'pro' },
  { targetingKey: 'user-2', country: 'FR', plan: 'free' },
  { targetingKey: 'user-3', country: 'US' },
  ...Array.from({ length: 20 }, (_, i) => ({ targetingKey: `rollout-${i}`, country: i % 2 ? 'DE' : 'SE' })),
];

async function serverSdkChecks(base, keys) {
  console.log('server SDK (@openfeature/server-sdk + @openfeature/ofrep-provider)');
  await ServerOpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: base, headers: [['Authorization', `Bearer ${keys.serverKey}`]] }));
  const client = ServerOpenFeature.getClient();
  await check('boolean, string, number and object flags resolve to vexil-core values for every context', async () => {
    for (const ctx of CONTEXTS) {
      const cases = [
        ['new-checkout', () => client.getBooleanDetails('new-checkout', false, ctx)],
        ['banner', () => client.getStringDetails('banner', 'default', ctx)],
        ['max-items', () => client.getNumberDetails('max-items', -1, ctx)],
        ['theme', () => client.getObjectDetails('theme', {}, ctx)],
        ['half', () => client.getBooleanDetails('half', false, ctx)],
        ['secret-rollout', () => client.getBooleanDetails('secret-rollout', false, ctx)],
      ];
      for (const [flag, get] of cases) {
        const details = await get();
        const expected = await reference(base, keys.token, flag, ctx);
        assertEqual(details.value, expected.value, `${flag} value for ${ctx.targetingKey}`);
        assertEqual(details.variant, expected.variant, `${flag} variant for ${ctx.targetingKey}`);
        assert(details.errorCode === undefined, `${flag}: unexpected error ${details.errorCode}`);
      }
    }
  });
  await check('nested context objects are targeted by dotted names, as the debugger evaluates them', async () => {
    for (const ctx of [
      { targetingKey: 'n1', user: { plan: 'pro' } },
      { targetingKey: 'n2', user: { plan: 'free', org: { tier: 2 } } },
      { targetingKey: 'n3', 'user.plan': 'pro', user: { plan: 'free' } },
    ]) {
      const d = await client.getBooleanDetails('nested-rule', false, ctx);
      const expected = await reference(base, keys.token, 'nested-rule', ctx);
      assertEqual([d.value, d.variant], [expected.value, expected.variant], JSON.stringify(ctx));
    }
    const on = await client.getBooleanDetails('nested-rule', false, { targetingKey: 'n1', user: { plan: 'pro' } });
    assertEqual([on.value, on.reason], [true, 'TARGETING_MATCH'], 'user.plan = pro');
  });
  await check('targeting: a rule matches with TARGETING_MATCH, the default is STATIC', async () => {
    const de = await client.getBooleanDetails('new-checkout', false, { targetingKey: 'u', country: 'DE' });
    assertEqual([de.value, de.reason, de.variant], [true, 'TARGETING_MATCH', 'on'], 'DE');
    const fr = await client.getBooleanDetails('new-checkout', true, { targetingKey: 'u', country: 'FR' });
    assertEqual([fr.value, fr.reason], [false, 'STATIC'], 'FR');
  });
  await check('a 50 % rollout splits about half and half, with reason SPLIT', async () => {
    let on = 0;
    for (let i = 0; i < 200; i++) {
      const d = await client.getBooleanDetails('half', false, { targetingKey: `u-${i}` });
      assertEqual(d.reason, 'SPLIT', 'reason');
      if (d.value) on++;
    }
    assert(on > 70 && on < 130, `${on} of 200 on`);
  });
  await check('an unknown flag returns the default with FLAG_NOT_FOUND', async () => {
    const d = await client.getBooleanDetails('does-not-exist', true, { targetingKey: 'u' });
    assertEqual([d.value, d.errorCode, d.reason], [true, 'FLAG_NOT_FOUND', 'ERROR'], 'details');
  });
  await check('a rollout without a targeting key returns the default with TARGETING_KEY_MISSING', async () => {
    const d = await client.getBooleanDetails('half', true, { country: 'DE' });
    assertEqual([d.value, d.errorCode], [true, 'TARGETING_KEY_MISSING'], 'details');
  });
  await check('asking a string flag for a boolean is a TYPE_MISMATCH', async () => {
    const d = await client.getBooleanDetails('banner', false, { targetingKey: 'u' });
    assertEqual([d.value, d.errorCode], [false, 'TYPE_MISMATCH'], 'details');
  });
}

async function rawResponseChecks(base, keys) {
  console.log('raw OFREP responses against openapi/generated.yaml');
  // The OFREP specification's success schema puts the value types in an ambiguous
  // oneOf (a boolean or integer value matches two branches), so strict validators reject
  // valid responses. Our document carries a corrected schema; validate against it.
  const v = ofrepValidators();
  const post = (path, body, key = keys.serverKey) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await check('single evaluations, failures and not-found answers validate', async () => {
    for (const flag of Object.keys(CONFIGS)) {
      const r = await post(`/ofrep/v1/evaluate/flags/${flag}`, { context: { targetingKey: 'u1', country: 'DE' } });
      assertEqual(r.status, 200, flag);
      const body = await r.json();
      assert(v.single(body), `${flag}: ${JSON.stringify(v.single.errors)}`);
    }
    const nf = await post('/ofrep/v1/evaluate/flags/nope', { context: { targetingKey: 'u1' } });
    assertEqual(nf.status, 404, 'not found status');
    assert(v.notFound(await nf.json()), JSON.stringify(v.notFound.errors));
    const missing = await post('/ofrep/v1/evaluate/flags/half', { context: {} });
    assertEqual(missing.status, 400, 'missing key status');
    assert(v.failure(await missing.json()), JSON.stringify(v.failure.errors));
  });
  await check('bulk evaluation validates and honours If-None-Match', async () => {
    const r = await post('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'u1' } });
    assertEqual(r.status, 200, 'bulk status');
    const body = await r.json();
    assert(v.bulk(body), JSON.stringify(v.bulk.errors));
    const etag = r.headers.get('etag');
    const again = await fetch(`${base}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { 'x-api-key': keys.serverKey, 'content-type': 'application/json', 'if-none-match': etag },
      body: JSON.stringify({ context: { targetingKey: 'u1' } }),
    });
    assertEqual(again.status, 304, 'If-None-Match');
  });
  await check('errors are in the protocol\'s shape, and an event stream is advertised', async () => {
    const r = await post('/ofrep/v1/evaluate/flags', { context: {} }, 'vx_cli_unknown');
    assertEqual(r.status, 401, 'status');
    assert(r.headers.get('content-type') === 'application/json', r.headers.get('content-type'));
    assert(v.unauthorized(await r.json()), JSON.stringify(v.unauthorized.errors));
    const bulk = await (await post('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'u1' } }, keys.clientKey)).json();
    assertEqual(bulk.eventStreams?.[0]?.type, 'sse', 'eventStreams');
    for (const f of bulk.flags) assert(f.metadata?.environmentVersion === undefined, `${f.key} carries the environment version`);
  });
  await check('a client key cannot see a flag that is not client-visible', async () => {
    const r = await post('/ofrep/v1/evaluate/flags/secret-rollout', { context: { targetingKey: 'u1' } }, keys.clientKey);
    assertEqual(r.status, 404, 'hidden flag');
  });
}

async function webSdkChecks(base, keys) {
  console.log('web SDK (@openfeature/web-sdk + @openfeature/ofrep-web-provider)');
  const provider = new OFREPWebProvider({
    baseUrl: base,
    headers: [['Authorization', `Bearer ${keys.clientKey}`]],
    cacheMode: 'disabled',
    changeDetection: 'sse',
  });
  const ctx = { targetingKey: 'web-user', country: 'DE', plan: 'pro' };
  await WebOpenFeature.setContext(ctx);
  await WebOpenFeature.setProviderAndWait(provider);
  const client = WebOpenFeature.getClient();
  await check('client-visible flags resolve to vexil-core values', async () => {
    for (const [flag, get] of [
      ['new-checkout', () => client.getBooleanDetails('new-checkout', false)],
      ['banner', () => client.getStringDetails('banner', 'x')],
      ['max-items', () => client.getNumberDetails('max-items', -1)],
      ['theme', () => client.getObjectDetails('theme', {})],
      ['half', () => client.getBooleanDetails('half', false)],
    ]) {
      const d = get();
      const expected = await reference(base, keys.token, flag, ctx);
      assertEqual([d.value, d.variant], [expected.value, expected.variant], flag);
    }
  });
  await check('a flag that is not client-visible is not found', async () => {
    const d = client.getBooleanDetails('secret-rollout', true);
    assertEqual([d.value, d.errorCode], [true, 'FLAG_NOT_FOUND'], 'hidden flag');
  });
  await check('a change made through the API reaches the web provider, which is told only that flag changed', async () => {
    let changed;
    client.addHandler(ClientProviderEvents.ConfigurationChanged, (details) => (changed = details));
    assertEqual(client.getBooleanValue('new-checkout', false), true, 'before');
    await api(base, keys.token, 'POST', '/api/v1/projects/default/flags/new-checkout/environments/production/toggle', { enabled: false });
    await until('ConfigurationChanged', async () => changed);
    assertEqual(client.getBooleanValue('new-checkout', true), false, 'after the kill switch');
    assertEqual(changed.flagsChanged, ['new-checkout'], 'flagsChanged');
  });
  await WebOpenFeature.close();
}

/** A web provider behind the prefix proxy, in its own domain; returns its client. */
async function proxiedWebClient(proxy, keys, domain, ctx) {
  const provider = new OFREPWebProvider({
    baseUrl: proxy.base,
    headers: [['Authorization', `Bearer ${keys.clientKey}`]],
    cacheMode: 'disabled',
    changeDetection: 'sse',
  });
  await WebOpenFeature.setContext(domain, ctx);
  await WebOpenFeature.setProviderAndWait(domain, provider);
  const client = WebOpenFeature.getClient(domain);
  const seen = [];
  client.addHandler(ClientProviderEvents.ConfigurationChanged, (d) => seen.push(d));
  return { client, seen };
}

async function proxiedWebChecks(base, keys) {
  console.log('web provider behind reverse proxies (one adds a path prefix; both hold and cut streams)');
  const prefixed = await startProxy(base, '/flags');
  try {
    await check('behind a path prefix, the stream URL works and changes arrive', async () => {
      const { client, seen } = await proxiedWebClient(prefixed, keys, 'prefix', { targetingKey: 'p1' });
      await until('the event stream to open', async () => prefixed.openStreams() > 0);
      const before = client.getBooleanValue('nested-rule', true);
      await api(base, keys.token, 'PUT', '/api/v1/projects/default/flags/nested-rule/environments/production', { ...CONFIGS['nested-rule'], default: { variant: before ? 'off' : 'on' } }, { 'if-match': '*' });
      await until('ConfigurationChanged', async () => seen.length > 0);
      assertEqual(client.getBooleanValue('nested-rule', before), !before, 'after the change');
    });
  } finally {
    prefixed.cut();
    await prefixed.close();
  }
  const proxy = await startProxy(base);
  try {
    await check('a change made between the bulk fetch and the first stream connection reaches the provider', async () => {
      proxy.hold();
      const { client, seen } = await proxiedWebClient(proxy, keys, 'first-connect', { targetingKey: 'p2' });
      await until('the provider to open its stream', async () => proxy.heldStreams() > 0);
      const before = client.getBooleanValue('max-items', -1);
      await api(base, keys.token, 'PUT', '/api/v1/projects/default/flags/max-items/environments/production', { ...CONFIGS['max-items'], default: { variant: before === 250 ? 'few' : 'many' } }, { 'if-match': '*' });
      await caughtUp(base, keys);
      proxy.release();
      await until('ConfigurationChanged', async () => seen.length > 0);
      assert(client.getNumberValue('max-items', -1) !== before, 'the new value is served');
      proxy.cut();
    });
    await check('a change made while the stream reconnects reaches the provider (Last-Event-ID)', async () => {
      const { client, seen } = await proxiedWebClient(proxy, keys, 'reconnect', { targetingKey: 'p3' });
      await until('the event stream to open', async () => proxy.openStreams() > 0);
      // One notice first, so that the connection has an event id to resume from.
      await toggle(base, keys, 'half', false);
      await until('the first ConfigurationChanged', async () => seen.length > 0);
      const before = proxy.eventRequests.length;
      proxy.hold();
      proxy.cut();
      await until('the provider to reconnect', async () => proxy.heldStreams() > 0);
      await toggle(base, keys, 'half', true);
      await caughtUp(base, keys);
      const seenBefore = seen.length;
      proxy.release();
      await until('ConfigurationChanged after the reconnect', async () => seen.length > seenBefore);
      assertEqual(client.getBooleanDetails('half', false).reason, 'SPLIT', 'the rollout is back');
      const reconnect = proxy.eventRequests.slice(before).find((r) => r.headers['last-event-id']);
      assert(reconnect, 'the reconnect carried Last-Event-ID');
      proxy.cut();
    });
  } finally {
    proxy.cut();
    await proxy.close();
  }
}

async function expiredUrlChecks() {
  console.log('web provider with stream URLs that expire within seconds');
  const short = await startVexil({ VEXIL_OFREP_STREAM_TOKEN_SECONDS: '2' });
  const proxy = await startProxy(short.base);
  try {
    const keys = await seed(short.base, { flags: [FLAGS[0]], configs: { 'new-checkout': CONFIGS['new-checkout'] } });
    await check('after its stream URL expired, a reconnecting provider gets a new URL, not a 304', async () => {
      const { client, seen } = await proxiedWebClient(proxy, keys, 'expiry', { targetingKey: 'e1', country: 'DE' });
      await until('the event stream to open', async () => proxy.openStreams() > 0);
      const first = proxy.eventRequests[proxy.eventRequests.length - 1].url;
      await until('the stream URL to expire', async () => (await fetch(`${short.base}${first}`)).status === 401, 15000);
      proxy.cut();
      await until('a stream on a new URL', async () => proxy.openStreams() > 0 && proxy.eventRequests.some((r) => r.url !== first), 20000);
      await toggle(short.base, keys, 'new-checkout', false);
      await until('ConfigurationChanged', async () => seen.length > 0);
      assertEqual(client.getBooleanValue('new-checkout', true), false, 'after the kill switch');
    });
  } finally {
    proxy.cut();
    await proxy.close();
    await short.stop();
  }
}

const vexil = await startVexil();
let failed = true;
try {
  const keys = await seed(vexil.base);
  await serverSdkChecks(vexil.base, keys);
  await rawResponseChecks(vexil.base, keys);
  await webSdkChecks(vexil.base, keys);
  await proxiedWebChecks(vexil.base, keys);
  await expiredUrlChecks();
  await WebOpenFeature.close();
  failed = results.some((r) => !r.ok);
} catch (e) {
  console.log(`setup failed: ${e.stack ?? e}`);
} finally {
  await ServerOpenFeature.close().catch(() => {});
  await vexil.stop();
}
const passed = results.filter((r) => r.ok).length;
console.log(`\nOpenFeature: ${passed} of ${results.length} checks passed`);
if (failed) {
  console.log('--- vexil log (last 40 lines)');
  console.log(vexil.log().split('\n').slice(-40).join('\n'));
  process.exit(1);
}
