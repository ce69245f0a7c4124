#!/usr/bin/env node
// Ledger benchmark (a script, not a test): `npm run bench:ledger`.
// Against BENCH_DATABASE_URL (else 127.0.0.1:5432, user postgres), in databases it creates and drops:
//   (a) pgbench tpcb-like on the same server: P (scale = clients) and H (scale 1, one hot branch row),
//       each measured right before the phase it is compared with
//   (b) uncontended transfers/s over HTTP, CLIENTS concurrent clients, each from its own account
//   (c) transfers/s all from one hot account
//   (d) idempotent replays/s (same key, same body)
// with p50/p99 latency and CPU per request (registry, PostgreSQL, load generator), then
// `ledger:verify`. Seeds ≥ 10,000 accounts and a history of transfers. Needs a build (npm run build).
// BENCH_DIAG=1 also prints PostgreSQL's time per PL/pgSQL function and its sequential scans.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const argon2 = require('argon2');

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10000);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 10000);
const DIAG = process.env.BENCH_DIAG === '1';
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const PGBENCH = process.env.PGBENCH ?? 'pgbench';
const suffix = `${process.pid}_${randomBytes(2).toString('hex')}`;
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

const dbUrl = (name) => {
  const u = new URL(SERVER);
  u.pathname = `/${name}`;
  return u.toString();
};
async function admin(sql) {
  const c = new Client({ connectionString: SERVER });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const pgbenchDb = (scale) => `asset_bench_pgbench_${scale}_${suffix}`;
function pgbenchArgs(name) {
  const u = new URL(dbUrl(name));
  return ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
}
/** Creates and fills pgbench's tables at this scale (before anything is measured). */
async function pgbenchInit(scale) {
  const name = pgbenchDb(scale);
  await admin(`CREATE DATABASE ${name}`);
  execFileSync(PGBENCH, [...pgbenchArgs(name), '-i', '-q', '-s', String(scale), '--no-vacuum', name], { stdio: 'ignore', env: { ...process.env, PGDATABASE: name } });
}
/** pgbench tpcb-like TPS at this scale, CLIENTS clients, SECONDS s (after a 1 s warm-up). */
function pgbench(scale) {
  const name = pgbenchDb(scale);
  execFileSync(PGBENCH, [...pgbenchArgs(name), '-c', '1', '-T', '1', name], { stdio: 'ignore' }); // warm-up
  const out = execFileSync(PGBENCH, [...pgbenchArgs(name), '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS), '-b', 'tpcb-like', name], { encoding: 'utf8' });
  return Number(/tps = ([0-9.]+)/.exec(out)[1]);
}

// node:http with a keep-alive agent: much lighter than fetch, so the load generator (which shares
// the machine's two cores with the registry and PostgreSQL) takes as little CPU as it can.
// Each phase opens its own connections (load() below): a connection left idle between phases (a
// pgbench run lasts longer than a keep-alive timeout) may be closed by the server just as it is
// reused, and the request on it fails with ECONNRESET ('socket hang up'): a run died of that once.
let agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function post(base, path, headers, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, base);
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(
      { agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// CPU time (ms) used so far by the registry process, by the PostgreSQL backends serving the bench
// database (the bench's own connection excluded) and by this load generator: per-request CPU
// shows which of the three a phase spends its time in.
function procCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime + stime
  } catch {
    return 0; // gone (a backend that ended) or no /proc
  }
}
const CLOCK_TICKS = Number((() => { try { return execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }); } catch { return '100'; } })());
const seenBackends = new Map();
async function cpuSnapshot(db, appPid, dbName) {
  const { rows } = await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
  let pg = 0;
  for (const { pid } of rows) seenBackends.set(pid, procCpuMs(pid));
  for (const ms of seenBackends.values()) pg += ms;
  const own = process.cpuUsage();
  return { app: procCpuMs(appPid), pg, gen: (own.user + own.system) / 1000 };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** CLIENTS loops for SECONDS, each sending what next(i) builds; returns ok/s and latencies. */
async function load(base, next, seconds = SECONDS) {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies = [];
  let ok = 0;
  let failed = 0;
  const codes = new Map();
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      while (performance.now() < deadline) {
        const { token, body, key } = next(i);
        const t0 = performance.now();
        const res = await post(base, '/api/v1/transfers', { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, body);
        const text = res.text;
        latencies.push(performance.now() - t0);
        if (res.status === 201) ok++;
        else {
          failed++;
          const code = JSON.parse(text).code;
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const started = deadline - seconds * 1000;
  return {
    tps: ok / ((performance.now() - started) / 1000),
    ok,
    failed,
    codes: Object.fromEntries(codes),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function main() {
  // (a) the server's own yardstick. Its tables are made now; each figure is measured right before
  // the phase it is compared with (P before the uncontended run, H before the hot run): the
  // machine's speed drifts over a run (the load generator's own CPU per request moves by half on
  // this machine kind), and a ratio only means something for figures taken under the same conditions.
  let P, H;

  const name = `asset_bench_ledger_${suffix}`;
  await admin(`CREATE DATABASE ${name}`);
  if (DIAG) await admin(`ALTER DATABASE ${name} SET track_functions = 'pl'`); // PL/pgSQL time per function
  const url = dbUrl(name);
  // the registry's own files (the mail the dispatcher writes without SMTP_URL) go to a folder of the
  // bench's, removed at the end, not to the checkout's data folder
  const dataDir = mkdtempSync(join(tmpdir(), 'asset-bench-ledger-'));
  const app = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/src/main.js'], {
    env: {
      PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, MIGRATIONS_RUN: 'true', DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: process.env.BENCH_POOL ?? String(Math.min(CLIENTS, 40)),
      BOOTSTRAP_SECRETARIAT_LOGIN_ID: 'bench-sec', BOOTSTRAP_SECRETARIAT_PASSWORD: 'Bench-Secretariat-1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    log(`pgbench tpcb-like tables: scale ${CLIENTS} (P) and scale 1 (H)…`);
    await pgbenchInit(CLIENTS);
    await pgbenchInit(1);
    let out = '';
    // LOG_LEVEL=warn hides the start line, so find the port from the listening socket instead
    const base = await new Promise((resolve, reject) => {
      app.stdout.on('data', (c) => (out += c));
      app.on('exit', (code) => reject(new Error(`registry exited ${code}: ${out}`)));
      const started = Date.now();
      const poll = async () => {
        try {
          const ss = execFileSync('ss', ['-ltnp'], { encoding: 'utf8' });
          const line = ss.split('\n').find((l) => l.includes(`pid=${app.pid},`));
          const port = line && /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
          if (port && (await fetch(`http://127.0.0.1:${port}/health`)).ok) return resolve(`http://127.0.0.1:${port}`);
        } catch {
          /* not yet */
        }
        if (Date.now() - started > 60000) return reject(new Error('registry did not start'));
        setTimeout(poll, 200);
      };
      poll();
    });
    log(`registry at ${base}; seeding ${ACCOUNTS} accounts…`);

    const db = new Client({ connectionString: url });
    db.on('error', (e) => log(`bench connection: ${e.message}`));
    await db.connect();
    const sources = CLIENTS + 1; // one per client, plus the hot account
    const hash = await argon2.hash('Bench-Passw0rd-1', { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    await db.query(
      `INSERT INTO trading_participants (participant_number, name, name_kana, account_name, contact_department, contact_name,
          contact_name_kana, contact_postal_code, contact_address, contact_phone, contact_email, disclosure_consent)
       SELECT 'B' || lpad(g::text, 6, '0'), '参加者' || g, 'さんかしゃ', '口座' || g, '部', '担当', 'たんとう', '100-0001', '東京',
              '03-0000-0000', 'bench' || g || '@example.jp', false
         FROM generate_series(1, $1) g`,
      [ACCOUNTS],
    );
    await db.query(
      `INSERT INTO accounts (account_number, type, name, trading_participant_id)
       SELECT 'AST-' || (100000 + row_number() OVER (ORDER BY participant_number)), 'holding', account_name, id FROM trading_participants`,
    );
    await db.query(
      `INSERT INTO logins (login_id, role, display_name, password_hash, must_change_password, trading_participant_id)
       SELECT participant_number, 'trading_participant', name, $1, false, id FROM trading_participants
        WHERE participant_number <= 'B' || lpad($2::text, 6, '0')`,
      [hash, sources],
    );
    const [{ id: secId }] = (await db.query(`SELECT id FROM logins WHERE login_id = 'bench-sec'`)).rows;
    const funded = (await db.query(
      `SELECT a.account_number, p.participant_number FROM accounts a JOIN trading_participants p ON p.id = a.trading_participant_id
        WHERE p.participant_number <= 'B' || lpad($1::text, 6, '0') ORDER BY p.participant_number`,
      [sources],
    )).rows;
    // the sources' JAA: one vintage, a block of 10^9 serials each (a phase's issuance, in effect)
    await db.query(`INSERT INTO ledger_vintages (code, rank, reserve_ends_at) VALUES ('BENCH', 1, now())`);
    for (const f of funded) {
      const r = (await db.query(`SELECT ledger_post('correction', 'AST-1', $1, 1000000000, $2, NULL, NULL, true, NULL, NULL, NULL, 'bench funding', 'BENCH') AS r`, [f.account_number, secId])).rows[0].r;
      if (!r.ok) throw new Error(JSON.stringify(r));
    }
    // A registry in use has a history: without one the planner, having analysed near-empty
    // journal tables, would keep plans fit for empty tables while they grow during the run.
    log(`seeding a history of ${HISTORY} transfers…`);
    for (let done = 0; done < HISTORY; done += 500) {
      await db.query(
        `SELECT ledger_post_batch((SELECT jsonb_agg(jsonb_build_array('transfer', a.account_number, 'AST-' || (100001 + (g * 7919 + $2) % $3), '1',
                  l.id, NULL, p.id, false, NULL, NULL, NULL, NULL, NULL))
             FROM generate_series(1, 500) g
             JOIN trading_participants p ON p.participant_number = 'B' || lpad((1 + g % $1)::text, 6, '0')
             JOIN logins l ON l.trading_participant_id = p.id
             JOIN accounts a ON a.trading_participant_id = p.id))`,
        [sources, done, ACCOUNTS],
      );
    }
    const destinations = (await db.query(`SELECT account_number FROM accounts WHERE type = 'holding' ORDER BY account_number`)).rows.map((r) => r.account_number);
    await db.query('ANALYZE');
    const [{ n: accountCount }] = (await db.query(`SELECT count(*)::int n FROM accounts`)).rows;
    log(`${accountCount} accounts; logging in ${sources} sources…`);

    const tokens = [];
    for (const f of funded) {
      const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ loginId: f.participant_number, password: 'Bench-Passw0rd-1' }) });
      tokens.push((await res.json()).accessToken);
    }
    const hot = { account: funded[CLIENTS].account_number, token: tokens[CLIENTS] };
    const pick = (from) => {
      for (;;) {
        const d = destinations[Math.floor(Math.random() * destinations.length)];
        if (d !== from) return d;
      }
    };

    // warm-up, not measured: the first seconds of a Node process run unoptimised code and compile
    const uncontendedBody = (i) => ({
      token: tokens[i],
      body: { fromAccount: funded[i].account_number, toAccount: pick(funded[i].account_number), quantity: '1' },
    });
    log(`warm-up: ${WARMUP} s of transfers…`);
    await load(base, uncontendedBody, WARMUP);

    /** A measured phase: load() plus the CPU each request cost the registry, PostgreSQL and this generator. */
    const measured = async (next) => {
      const a = await cpuSnapshot(db, app.pid, name);
      const run = await load(base, next);
      const b = await cpuSnapshot(db, app.pid, name);
      const n = run.ok + run.failed;
      const per = (x) => (x / n).toFixed(2);
      run.cpu = `cpu/request: registry ${per(b.app - a.app)} ms, postgres ${per(b.pg - a.pg)} ms, load generator ${per(b.gen - a.gen)} ms`;
      return run;
    };

    log(`(a) pgbench tpcb-like, ${CLIENTS} clients, ${SECONDS} s, scale ${CLIENTS}…`);
    P = pgbench(CLIENTS);
    log(`pgbench P=${P.toFixed(0)}`);
    log('(b) uncontended transfers…');
    const uncontended = await measured(uncontendedBody);
    log(`uncontended ${uncontended.tps.toFixed(0)}/s p50 ${uncontended.p50.toFixed(1)} ms p99 ${uncontended.p99.toFixed(1)} ms ${JSON.stringify(uncontended.codes)}; ${uncontended.cpu}`);

    log(`(a) pgbench tpcb-like, ${CLIENTS} clients, ${SECONDS} s, scale 1…`);
    H = pgbench(1);
    log(`pgbench H=${H.toFixed(0)}`);
    log('(c) hot-account transfers…');
    const hotRun = await measured(() => ({ token: hot.token, body: { fromAccount: hot.account, toAccount: pick(hot.account), quantity: '1' } }));
    log(`hot ${hotRun.tps.toFixed(0)}/s p50 ${hotRun.p50.toFixed(1)} ms p99 ${hotRun.p99.toFixed(1)} ms ${JSON.stringify(hotRun.codes)}; ${hotRun.cpu}`);

    log('(d) idempotent replays…');
    const keyed = [];
    for (let i = 0; i < CLIENTS; i++) {
      const body = { fromAccount: funded[i].account_number, toAccount: pick(funded[i].account_number), quantity: '1' };
      const key = `bench-replay-${i}`;
      const res = await fetch(`${base}/api/v1/transfers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}`, 'idempotency-key': key }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`keyed transfer failed: ${res.status}`);
      keyed.push({ token: tokens[i], body, key });
    }
    const [{ n: txBefore }] = (await db.query(`SELECT count(*)::int n FROM ledger_transactions`)).rows;
    const replays = await measured((i) => keyed[i]);
    const [{ n: txAfter }] = (await db.query(`SELECT count(*)::int n FROM ledger_transactions`)).rows;
    if (txAfter !== txBefore) throw new Error(`replays wrote ${txAfter - txBefore} transactions`);
    log(`replays ${replays.tps.toFixed(0)}/s p50 ${replays.p50.toFixed(1)} ms p99 ${replays.p99.toFixed(1)} ms (no rows written); ${replays.cpu}`);
    if (DIAG) {
      // where PostgreSQL spent its time: per PL/pgSQL function, and the tables read by sequential scans
      for (const q of [
        `SELECT funcname, calls, round(total_time) AS total_ms, round(self_time) AS self_ms FROM pg_stat_user_functions ORDER BY total_time DESC`,
        `SELECT relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables
          WHERE seq_tup_read > 0 ORDER BY seq_tup_read DESC LIMIT 10`,
      ]) {
        for (const row of (await db.query(q)).rows) log(JSON.stringify(row));
      }
    }
    await db.end();

    app.kill('SIGTERM');
    await new Promise((r) => app.on('exit', r));
    log('ledger:verify…');
    let verify = 'failed';
    try {
      const out = execFileSync(process.execPath, ['dist/scripts/ledger-verify.js'], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
      process.stderr.write(out);
      if (/mismatches=0 ok/.test(out)) verify = 'ok';
    } catch (error) {
      process.stderr.write(String(error.stdout ?? error));
    }

    const f = (x, d = 1) => x.toFixed(d);
    console.log(`accounts=${accountCount} clients=${CLIENTS} seconds=${SECONDS}`);
    console.log(`uncontended: ${f(uncontended.tps)} transfers/s, p50 ${f(uncontended.p50)} ms, p99 ${f(uncontended.p99)} ms, ok ${uncontended.ok}, refused ${uncontended.failed}; ${uncontended.cpu}`);
    console.log(`hot account: ${f(hotRun.tps)} transfers/s, p50 ${f(hotRun.p50)} ms, p99 ${f(hotRun.p99)} ms, ok ${hotRun.ok}, refused ${hotRun.failed}; ${hotRun.cpu}`);
    console.log(`replays:     ${f(replays.tps)} replays/s, p50 ${f(replays.p50)} ms, p99 ${f(replays.p99)} ms; ${replays.cpu}`);
    console.log(`pgbench tpcb-like: P=${f(P)} tps (scale ${CLIENTS}), H=${f(H)} tps (scale 1)`);
    console.log(
      `bench-ledger uncontended_tps=${f(uncontended.tps)} hot_tps=${f(hotRun.tps)} pgbench_P=${f(P)} pgbench_H=${f(H)} ` +
        `ratio_uncontended=${(uncontended.tps / P).toFixed(2)} ratio_hot=${(hotRun.tps / H).toFixed(2)} p99_ms=${f(uncontended.p99)} verify=${verify}`,
    );
    if (verify !== 'ok') process.exitCode = 1;
  } finally {
    if (app.exitCode === null) app.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const scale of [CLIENTS, 1]) await admin(`DROP DATABASE IF EXISTS ${pgbenchDb(scale)} WITH (FORCE)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
