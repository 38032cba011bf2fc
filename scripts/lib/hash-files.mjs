// Prints one SHA-256 over the relative paths and contents of files, to tell whether a
// build step's inputs changed. Node.js rather than find/sha256sum: the dashboard needs
// Node anyway, and it behaves the same on Linux and macOS.
//
//   node scripts/lib/hash-files.mjs DIR NAME...            the named entries of DIR
//   node scripts/lib/hash-files.mjs DIR --except NAME...   every entry of DIR but these
// Folders are hashed with everything in them; missing names are skipped.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const [dir, ...args] = process.argv.slice(2);
if (!dir) {
  console.error('usage: hash-files.mjs DIR (NAME... | --except NAME...)');
  process.exit(2);
}
const except = args[0] === '--except';
const names = except ? readdirSync(dir).filter((n) => !args.slice(1).includes(n)) : args;

const files = [];
const walk = (rel) => {
  const full = path.join(dir, rel);
  if (statSync(full).isDirectory()) for (const n of readdirSync(full)) walk(path.posix.join(rel, n));
  else files.push(rel);
};
for (const n of names) if (existsSync(path.join(dir, n))) walk(n);
files.sort();

const hash = createHash('sha256');
for (const f of files) {
  hash.update(`${f}\0`);
  hash.update(createHash('sha256').update(readFileSync(path.join(dir, f))).digest());
}
console.log(hash.digest('hex'));
