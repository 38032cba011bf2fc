#!/usr/bin/env node
// Sizes of the production build (web-ui/dist), gzip level 9: everything, and what the
// first page load fetches (index.html, its scripts, styles and module preloads).
//
//   npm run build && npm run size

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const all = files(dist).map((p) => {
  const raw = readFileSync(p);
  return { file: path.relative(dist, p), raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
});
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const initialNames = new Set(['index.html', ...[...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1])]);
const initial = all.filter((f) => initialNames.has(f.file));
const sum = (xs, k) => xs.reduce((s, x) => s + x[k], 0);

for (const f of all.filter((f) => /\.(js|css)$/.test(f.file)).sort((a, b) => b.gzip - a.gzip).slice(0, 8)) {
  console.log(`${f.file.padEnd(40)} ${kb(f.raw).padStart(10)}  gzip ${kb(f.gzip).padStart(9)}${initialNames.has(f.file) ? '  (first load)' : ''}`);
}
console.log(`\nFirst load (${initial.length} files): ${kb(sum(initial, 'raw'))}, gzip ${kb(sum(initial, 'gzip'))}`);
console.log(`Whole build (${all.length} files):   ${kb(sum(all, 'raw'))}, gzip ${kb(sum(all, 'gzip'))}`);
