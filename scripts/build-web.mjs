#!/usr/bin/env node
// Builds the browser app (web/ → web/dist) when its sources changed since the last build, and only
// then: a SHA-256 over web/src, web/index.html, web/public and the web configs is kept in
// web/.dist-hash and compared before building.
//   node scripts/build-web.mjs           prestart: a failed build is a warning (the API still starts)
//   node scripts/build-web.mjs --strict  the test command: a failed build fails
//   node scripts/build-web.mjs --force   build even when nothing changed
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const hashFile = path.join(web, '.dist-hash');
const strict = process.argv.includes('--strict');
const force = process.argv.includes('--force');
const log = (msg) => process.stderr.write(`[web] ${msg}\n`);

const INPUTS = ['src', 'public', 'index.html', 'package.json', 'package-lock.json', 'vite.config.ts', 'tsconfig.json'];

function files(entry) {
  const full = path.join(web, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((d) => files(path.posix.join(entry, d.name)));
}

export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files)) {
    hash.update(file).update('\0').update(readFileSync(path.join(web, file))).update('\0');
  }
  return hash.digest('hex');
}

function fail(msg) {
  if (strict) {
    log(`${msg}`);
    process.exit(1);
  }
  log(`WARNING: ${msg}; the API starts without the browser app`);
  process.exit(0);
}

const hash = sourceHash();
const built = existsSync(path.join(web, 'dist', 'index.html'));
const previous = existsSync(hashFile) ? readFileSync(hashFile, 'utf8').trim() : null;
if (!force && built && previous === hash) {
  log('browser app up to date (sources unchanged)');
  process.exit(0);
}
if (!existsSync(path.join(web, 'node_modules', 'vite'))) {
  log('installing the browser app\'s dependencies (web/)…');
  const install = spawnSync('npm', ['--prefix', web, 'install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (install.status !== 0) fail('npm install in web/ failed');
}
log(built ? 'sources changed: building the browser app…' : 'building the browser app…');
const started = Date.now();
const build = spawnSync('npm', ['--prefix', web, 'run', '--silent', 'build', '--', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail('the browser app did not build');
writeFileSync(hashFile, `${hash}\n`);
log(`built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
