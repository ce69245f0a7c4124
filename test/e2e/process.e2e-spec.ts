import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { spawnRegistry, type RegistryProcess } from '../support/process';

/** The README's start command as a newcomer runs it: the compiled registry in its own process. */
describe('the registry process', () => {
  const running: RegistryProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const r of running) if (r.proc.exitCode === null) r.proc.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const start = (env: Record<string, string>) => {
    const r = spawnRegistry(env);
    running.push(r);
    return r;
  };
  const stop = async (r: RegistryProcess) => {
    r.proc.kill('SIGTERM');
    return r.exited;
  };

  it('starts on the embedded database, prints a first secretariat login, and keeps its data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'asset-data-'));
    dirs.push(dataDir);
    const first = start({ DATA_DIR: dataDir });
    const url = await first.ready;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const doc = await fetch(`${url}/api/openapi.json`);
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    expect((await fetch(`${url}/api/docs/`)).status).toBe(200);

    const printed = /loginId:\s+(\S+)\n\s+password:\s+(\S+)/.exec(first.output());
    expect(printed).not.toBeNull();
    const [, loginId, password] = printed!;
    const file = join(dataDir, 'first-secretariat-login.txt');
    expect(readFileSync(file, 'utf8')).toContain(password);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);

    const login = async (base: string) =>
      fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginId, password }),
      });
    const firstLogin = await login(url);
    expect(firstLogin.status).toBe(200);
    const { accessToken } = (await firstLogin.json()) as { accessToken: string };
    expect((await stop(first)).code).toBe(0);

    const second = start({ DATA_DIR: dataDir });
    const url2 = await second.ready;
    expect((await fetch(`${url2}/health`)).status).toBe(200);
    expect(second.output()).not.toContain('First secretariat login');
    expect((await login(url2)).status).toBe(200);
    // the secret was kept too: a token from before the restart still works
    const me = await fetch(`${url2}/api/v1/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);

    // a second process on the same data folder is refused rather than corrupting it
    const intruder = start({ DATA_DIR: dataDir });
    const exit = await intruder.exited;
    expect(exit.code).not.toBe(0);
    expect(intruder.output()).toMatch(/in use by process/);

    expect((await stop(second)).code).toBe(0);
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'asset-data-'));
    dirs.push(dataDir);
    const r = start({ DATA_DIR: dataDir });
    const url = await r.ready;
    // a login spends ~50-100 ms in argon2: SIGTERM arrives while it is being served
    const inFlight = fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: 'secretariat', password: 'not-the-password' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 15));
    r.proc.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(401);
    // fetch keeps the connection alive: it is closed once idle, not after HTTP_KEEP_ALIVE_TIMEOUT_MS
    const answered = Date.now();
    expect((await r.exited).code).toBe(0);
    expect(Date.now() - answered).toBeLessThan(5000);
    expect(r.output()).toContain('"msg":"stopped"');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('refuses to start with invalid configuration, saying what is wrong', async () => {
    const r = start({ PORT: 'eighty', DATABASE_URL: 'postgres://x@127.0.0.1:1/x' });
    const exit = await r.exited;
    expect(exit.code).toBe(78);
    expect(r.output()).toMatch(/PORT: /);
    expect(r.output()).toMatch(/JWT_SECRET: required when DATABASE_URL is set/);
  });

  describe('on PostgreSQL (DATABASE_URL set)', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ migrate: false });
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('runs migrations at start when asked and bootstraps the operator-set secretariat', async () => {
      const r = start({
        DATABASE_URL: db.url,
        JWT_SECRET: 'p'.repeat(48),
        MIGRATIONS_RUN: 'true',
        BOOTSTRAP_SECRETARIAT_LOGIN_ID: 'moe-admin',
        BOOTSTRAP_SECRETARIAT_PASSWORD: 'Operator-Set-Passw0rd',
      });
      const url = await r.ready;
      const health = (await (await fetch(`${url}/health`)).json()) as { database: { mode: string } };
      expect(health.database.mode).toBe('postgresql');
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginId: 'moe-admin', password: 'Operator-Set-Passw0rd' }),
      });
      expect(res.status).toBe(200);
      expect(r.output()).not.toContain('First secretariat login');
      expect((await stop(r)).code).toBe(0);
    });
  });

  it('reads uploads in the compiled file workers (dist/src/workers/file-worker.js), as the started registry does', async () => {
    const dist = join(__dirname, '../../dist/src');
    // the compiled pool and tasks: the worker thread loads the built .js, nothing of Jest
    const { WorkerPool } = require(join(dist, 'core/workers/worker-pool.js')) as typeof import('../../src/core/workers/worker-pool');
    const { buildTemplate } = require(join(dist, 'modules/emissions/excel/template.js')) as typeof import('../../src/modules/emissions/excel/template');
    const pool = new WorkerPool({ entry: join(dist, 'workers/file-worker'), size: 1, timeoutMs: 20_000, maxOldGenerationSizeMb: 256 });
    try {
      const expected = { holderNumber: 'T00001', fiscalYear: 2013, kind: 'base_year' as const };
      const form = await buildTemplate(expected, [{ kind: '灯油 / Kerosene', quantity: 2 }]);
      await expect(pool.run('emissions.calculation-report', { file: form, expected })).resolves.toMatchObject({ total: '4.98', rows: [{ row: 8, quantity: '2', emissions: '4.98' }] });
      await expect(pool.run('emissions.inspect-file', { file: Buffer.from('%PDF-1.4\n<< /OpenAction 2 0 R >>\n') })).rejects.toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { name: '/OpenAction' } });
      await expect(pool.run('prtr.electronic-file', { file: Buffer.from('{"format": ') })).rejects.toMatchObject({ code: 'PRTR_FILE_INVALID' });
    } finally {
      await pool.close();
    }
  });
});
