#!/usr/bin/env node
// Boot-time benchmark: spawn → first /health 200, for the embedded database (fresh data folder,
// then the same folder again) and for PostgreSQL (BENCH_DATABASE_URL, else 127.0.0.1:5432).
// Needs a build (npm run build). Prints one line per case and a summary line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const main = new URL('../dist/src/main.js', import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 3);

async function bootOnce(env) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [main], { env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'log', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${out}`)), 60000);
    const on = (c) => {
      out += c;
      const m = /"url":"(http:\/\/localhost:\d+)"/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    proc.stdout.on('data', on);
    proc.stderr.on('data', on);
    proc.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  for (;;) {
    const res = await fetch(`${url}/health`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - t0;
  const exited = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGTERM');
  await exited;
  return ms;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const fmt = (x) => (x / 1000).toFixed(2);

const results = {};
const fresh = [], existing = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'asset-bench-'));
  fresh.push(await bootOnce({ DATA_DIR: dir }));
  existing.push(await bootOnce({ DATA_DIR: dir }));
  rmSync(dir, { recursive: true, force: true });
}
results.embedded_fresh = stats(fresh);
results.embedded_existing = stats(existing);

const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `asset_bench_boot_${process.pid}`;
const admin = new Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
try {
  const u = new URL(server);
  u.pathname = `/${name}`;
  const pg = [];
  for (let i = 0; i < runs; i++) {
    pg.push(await bootOnce({ DATABASE_URL: u.toString(), JWT_SECRET: 'b'.repeat(40), MIGRATIONS_RUN: 'true', BOOTSTRAP_SECRETARIAT_LOGIN_ID: 'bench', BOOTSTRAP_SECRETARIAT_PASSWORD: 'Bench-Passw0rd-1' }));
  }
  results.postgresql = stats(pg);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

for (const [k, v] of Object.entries(results)) console.log(`${k}: min ${fmt(v.min)} s, median ${fmt(v.median)} s, max ${fmt(v.max)} s (${runs} runs, spawn -> /health 200)`);
console.log(`bench-boot embedded_fresh_s=${fmt(results.embedded_fresh.median)} embedded_existing_s=${fmt(results.embedded_existing.median)} postgresql_s=${fmt(results.postgresql.median)}`);
