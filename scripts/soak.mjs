#!/usr/bin/env node
// A soak test of one replica (not part of the test pipeline): many SDK streams, a steady
// write rate and OFREP load for a long time, sampling the server's resident memory, open
// file descriptors, threads and open streams. A leak shows as a trend: the script prints
// every sample and compares the last third of the run with the first third.
//
//   node scripts/soak.mjs [--minutes 30] [--streams 2000] [--writes-per-second 10]
//                         [--ofrep-per-second 200] [--bin target/release/vexil]
//
// Needs Node.js 20+ and a built server (scripts/build, or cargo build --release -p
// vexil-server). The server runs on SQLite in a temporary folder, on 127.0.0.1 only.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { readEvents } from './soak-streams.mjs';

const { values: opt } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    streams: { type: 'string', default: '2000' },
    'writes-per-second': { type: 'string', default: '10' },
    'ofrep-per-second': { type: 'string', default: '200' },
    bin: { type: 'string', default: 'target/release/vexil' },
    'sample-seconds': { type: 'string', default: '30' },
  },
});
const minutes = Number(opt.minutes);
const streams = Number(opt.streams);
const writesPerSecond = Number(opt['writes-per-second']);
const ofrepPerSecond = Number(opt['ofrep-per-second']);
const sampleMs = Number(opt['sample-seconds']) * 1000;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'vexil-soak-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const email = 'soak@example.com';
const password = 'soak-password-soak-password';
const server = spawn(opt.bin, ['serve'], {
  env: {
    ...process.env,
    VEXIL_DATABASE_URL: `sqlite://${join(dir, 'vexil.db')}`,
    VEXIL_LISTEN: `127.0.0.1:${port}`,
    VEXIL_ADMIN_EMAIL: email,
    VEXIL_ADMIN_PASSWORD: password,
    RUST_LOG: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stop = () => {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

async function call(method, path, body, token) {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', 'if-match': '*', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path} → ${r.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/readyz`)).ok) break;
  } catch {
    /* not up yet */
  }
  if (i > 600) throw new Error('the server did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const { token } = await call('POST', '/api/v1/auth/login', { email, password });
const P = '/api/v1/projects/default';
const FLAGS = 50;
for (let i = 0; i < FLAGS; i++) await call('POST', `${P}/flags`, { key: `soak-${i}`, kind: 'boolean' }, token);
const { key: serverKey } = await call('POST', `${P}/environments/production/sdk-keys`, { kind: 'server' }, token);

// The streams run in a worker thread (scripts/soak-streams.mjs) that reports its counts.
let events = 0;
let reconnects = 0;
const streamer = new Worker(new URL('./soak-streams.mjs', import.meta.url), { workerData: { base, serverKey, streams } });
streamer.on('message', (m) => ({ events, reconnects } = m));
const lastIdsOfStreams = () =>
  new Promise((resolve) => {
    const answer = (m) => {
      if (m.lastIds) {
        streamer.off('message', answer);
        resolve(m.lastIds);
      }
    };
    streamer.on('message', answer);
    streamer.postMessage('last-ids');
  });

// Requests are paced by the clock, not by timer ticks: a late tick sends what is due, so
// the rates hold on a busy machine.
function paced(perSecond, send) {
  const from = Date.now();
  let sent = 0;
  return setInterval(() => {
    const due = Math.floor(((Date.now() - from) / 1000) * perSecond);
    for (; sent < due; sent++) send();
  }, 10);
}

let writes = 0;
let writeErrors = 0;
const writer = paced(writesPerSecond, () => {
  // Each flag flips on one round and off the next: every write is a real change (a
  // toggle to the current state writes nothing and announces nothing).
  const flag = `soak-${writes % FLAGS}`;
  const enabled = Math.floor(writes / FLAGS) % 2 === 0;
  writes++;
  call('POST', `${P}/flags/${flag}/environments/production/toggle`, { enabled }, token).catch(() => writeErrors++);
});

let ofrep = 0;
let ofrepErrors = 0;
const ofreper = paced(ofrepPerSecond, () => {
  ofrep++;
  fetch(`${base}/ofrep/v1/evaluate/flags/soak-${ofrep % FLAGS}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serverKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: `user-${ofrep}` } }),
  })
    .then((r) => r.text().then(() => r.ok || ofrepErrors++))
    .catch(() => ofrepErrors++);
});

async function sample() {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fds = readdirSync(`/proc/${server.pid}/fd`).length;
  const metrics = await (await fetch(`${base}/metrics`)).text();
  // Summed over labels (open streams are counted per kind).
  const metric = (name) =>
    [...metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
  return {
    t: Math.round((Date.now() - started) / 1000),
    rssMiB: +(rssKiB / 1024).toFixed(1),
    fds,
    threads,
    tasks: metric('vexil_runtime_alive_tasks'),
    openStreams: metric('vexil_open_streams'),
    resyncs: metric('vexil_stream_resyncs_total'),
    writes,
    writeErrors,
    ofrep,
    ofrepErrors,
    events,
    reconnects,
  };
}

const started = Date.now();
const samples = [];
console.log(`soak: ${streams} streams, ${writesPerSecond} writes/s, ${ofrepPerSecond} OFREP/s for ${minutes} min against ${base}`);
while (Date.now() - started < minutes * 60_000) {
  await new Promise((r) => setTimeout(r, sampleMs));
  const s = await sample();
  samples.push(s);
  console.log(JSON.stringify(s));
}

const third = Math.max(1, Math.floor(samples.length / 3));
const mean = (xs, k) => xs.reduce((a, x) => a + x[k], 0) / xs.length;
const first = samples.slice(0, third);
const last = samples.slice(-third);
console.log('\nfirst third → last third (means):');
for (const k of ['rssMiB', 'fds', 'threads', 'tasks', 'openStreams']) {
  console.log(`  ${k}: ${mean(first, k).toFixed(1)} → ${mean(last, k).toFixed(1)}`);
}
const end = samples.at(-1);
console.log(`  writes ${end.writes} (${end.writeErrors} failed), OFREP ${end.ofrep} (${end.ofrepErrors} failed), stream events ${end.events}, reconnects ${end.reconnects}, resyncs ${end.resyncs}`);
console.log(`  achieved ${(end.writes / end.t).toFixed(1)} writes/s and ${(end.ofrep / end.t).toFixed(1)} OFREP evaluations/s`);

// Every stream must end at the server's current version: stop the load, read the
// current position from a fresh stream's snapshot, and give the streams time to drain.
clearInterval(writer);
clearInterval(ofreper);
await new Promise((r) => setTimeout(r, 2000));
const probe = new AbortController();
const current = await new Promise((resolve, reject) => {
  fetch(`${base}/sdk/v1/stream`, { headers: { authorization: `Bearer ${serverKey}` }, signal: probe.signal })
    .then((r) => readEvents(r, (id) => { resolve(id); probe.abort(); }))
    .catch((e) => (e.name === 'AbortError' ? undefined : reject(e)));
});
let atCurrent = 0;
for (let i = 0; i < 60; i++) {
  atCurrent = (await lastIdsOfStreams()).filter((id) => id === current).length;
  if (atCurrent === streams) break;
  await new Promise((r) => setTimeout(r, 1000));
}
console.log(`  streams at the final version ${current}: ${atCurrent} of ${streams}`);
stop();
process.exit(atCurrent === streams ? 0 : 1);
