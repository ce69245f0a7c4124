#!/usr/bin/env node
// The test command: builds, finds or provides a PostgreSQL server, runs every Jest tier against it.
//   TEST_DATABASE_URL  a server to use (an admin URL: tests create and drop their own databases)
//   else 127.0.0.1:5432 as postgres, else a throwaway cluster from the installed binaries.
// Extra arguments go to Jest (e.g. `npm test -- --selectProjects unit`).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startCluster, canConnect } = require('./pg-cluster.cjs');
const { ensureBrowserDeps } = require('./browser-deps.cjs');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg) => process.stderr.write(`${msg}\n`);

const started = Date.now();
log('[test] building (the process tests start the compiled registry)…');
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
log('[test] type-checking the tests too (Jest transpiles without checking)…');
const typecheck = spawnSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' });
if (typecheck.status !== 0) process.exit(typecheck.status ?? 1);
// the browser app: type-checked, and built when its sources changed (the browser tests and the
// e2e tests of the web routes load web/dist)
const webTypecheck = spawnSync('npm', ['--prefix', 'web', 'run', '--silent', 'typecheck'], { cwd: root, stdio: 'inherit' });
if (webTypecheck.status !== 0) process.exit(webTypecheck.status ?? 1);
const webBuild = spawnSync(process.execPath, ['scripts/build-web.mjs', '--strict'], { cwd: root, stdio: 'inherit' });
if (webBuild.status !== 0) process.exit(webBuild.status ?? 1);
// the browser tier needs Chromium and a Japanese font (installed when missing, as PostgreSQL is)
const args = process.argv.slice(2);
const selected = [];
for (let i = args.indexOf('--selectProjects') + 1; i > 0 && i < args.length && !args[i].startsWith('-'); i++) selected.push(args[i]);
if (selected.length === 0 || selected.includes('browser')) {
  try {
    ensureBrowserDeps(log);
  } catch (error) {
    log(`[test] ${error.message}`);
    process.exit(1);
  }
}

let url = process.env.TEST_DATABASE_URL;
let cluster;
if (url) {
  if (!(await canConnect(url))) {
    log(`[test] TEST_DATABASE_URL is set but no server answers there`);
    process.exit(1);
  }
} else if (!process.env.TEST_FORCE_THROWAWAY && (await canConnect('postgres://postgres@127.0.0.1:5432/postgres'))) {
  url = 'postgres://postgres@127.0.0.1:5432/postgres';
} else {
  log('[test] no PostgreSQL reachable: starting a throwaway cluster');
  cluster = await startCluster({ log });
  url = cluster.url;
}
log(`[test] PostgreSQL: ${url.replace(/\/\/[^@]*@/, '//…@')}`);

const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const env = { ...process.env, TEST_DATABASE_URL: url, TEST_RUN_ID: runId, TZ: 'UTC', NODE_ENV: 'test' };
const jest = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings', 'node_modules/jest/bin/jest.js', '--config', 'config/jest.config.js', ...process.argv.slice(2)],
  { cwd: root, env, stdio: 'inherit' },
);
const forward = (signal) => jest.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
jest.on('exit', (code, signal) => {
  cluster?.destroy();
  log(`[test] finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(code ?? (signal ? 1 : 0));
});
