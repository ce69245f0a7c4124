import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as argon2 from 'argon2';
import { verifyAudit } from '../../src/modules/audit/verify';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { spawnRegistry, type RegistryProcess } from '../support/process';
import { ledgerFor, seedParticipant, seedSecretariat, seedVintage } from '../factories/ledger';

const PASSWORD = 'Storm-Passw0rd-1';
const SOURCES = 8;
const CLIENTS_PER_SOURCE = 3;

/**
 * The audit trail is as durable as what it records: the compiled registry, in its own process on
 * PostgreSQL, is killed with SIGKILL in the middle of a transfer storm. Every transfer it answered
 * 201 is in the journal once and has exactly one audit event naming its transaction (the posting
 * wrote it in its own transaction; before, events waited up to 100 ms in the process's buffer and
 * died with it).
 */
describe('kill -9 under a transfer storm', () => {
  let db: TestDatabase;
  let registry: RegistryProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (registry && registry.proc.exitCode === null && registry.proc.signalCode === null) registry.proc.kill('SIGKILL');
    await db?.drop();
  });

  it('loses no audit event of an acknowledged transfer', async () => {
    const q = db.dataSource;
    const ledger = ledgerFor(q, 'STORM');
    const sec = await seedSecretariat(q);
    await seedVintage(q, ledger, 'STORM', 1);
    const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const sources: { account: string; loginId: string }[] = [];
    for (let i = 0; i < SOURCES; i++) {
      const p = await seedParticipant(q);
      await q.query(`UPDATE logins SET password_hash = $2 WHERE id = $1`, [p.login.id, hash]);
      await ledger.correct(sec, { accountNumber: p.account, direction: 'credit', quantity: '1000000', reason: '試験用の付与', vintage: 'STORM' });
      sources.push({ account: p.account, loginId: p.login.loginId });
    }
    const destinations = await Promise.all(Array.from({ length: 4 }, () => seedParticipant(q)));

    registry = spawnRegistry({ DATABASE_URL: db.url, JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'log' });
    const url = await registry.ready;
    const tokens: string[] = [];
    for (const s of sources) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ loginId: s.loginId, password: PASSWORD }) });
      expect(res.status).toBe(200);
      tokens.push(((await res.json()) as { accessToken: string }).accessToken);
    }

    // the storm: several clients per source account, each sending one transfer after another
    // until the process is gone; SIGKILL once enough have been answered
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let failedInFlight = 0;
    let killed = false;
    const target = 400 + Math.floor(Math.random() * 200); // a kill at no fixed point of a batch
    const client = async (i: number) => {
      const source = sources[i % SOURCES];
      for (let n = 0; ; n++) {
        let res: Response;
        try {
          res = await fetch(`${url}/api/v1/transfers`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % SOURCES]}` },
            body: JSON.stringify({ fromAccount: source.account, toAccount: destinations[(i + n) % destinations.length].account, quantity: '1' }),
          });
        } catch {
          if (!killed) throw new Error('a transfer failed before the kill');
          failedInFlight++;
          return;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        let body: { transactionId?: string };
        try {
          body = (await res.json()) as { transactionId?: string };
        } catch {
          failedInFlight++; // the answer was cut off by the kill: not acknowledged
          return;
        }
        if (res.status === 201) {
          acknowledged.push(body.transactionId!);
          if (!killed && acknowledged.length >= target) {
            killed = true;
            registry!.proc.kill('SIGKILL');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: SOURCES * CLIENTS_PER_SOURCE }, (_, i) => client(i)));
    expect(await registry.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect([...statuses.keys()]).toEqual([201]); // nothing but acknowledged transfers before the kill
    expect(acknowledged.length).toBeGreaterThanOrEqual(target);
    expect(failedInFlight).toBeGreaterThan(0); // the kill came mid-storm: requests were in flight

    // every acknowledged transfer: one posting, one audit event naming it (written by the posting)
    const rows: { tx: string; postings: number; events: number; action: string | null; outcome: string | null }[] = await q.query(
      `SELECT x.tx,
              (SELECT count(*)::int FROM ledger_transactions t WHERE t.id = x.tx::uuid) AS postings,
              (SELECT count(*)::int FROM audit_events e WHERE e.summary->'after'->>'transactionId' = x.tx) AS events,
              (SELECT min(e.action) FROM audit_events e WHERE e.summary->'after'->>'transactionId' = x.tx) AS action,
              (SELECT min(e.outcome) FROM audit_events e WHERE e.summary->'after'->>'transactionId' = x.tx) AS outcome
         FROM unnest($1::text[]) AS x(tx)`,
      [acknowledged],
    );
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    expect(rows.filter((r) => r.postings !== 1 || r.events !== 1)).toEqual([]);
    expect(rows.filter((r) => r.action !== 'POST /api/v1/transfers' || r.outcome !== 'ok')).toEqual([]);

    // and the whole trail: sealed, the chain verifies, no committed posting without its event
    const cli = spawnSync(process.execPath, [join(__dirname, '../../dist/scripts/audit-verify.js'), '--seal'], {
      env: { PATH: process.env.PATH!, DATABASE_URL: db.url },
      encoding: 'utf8',
    });
    expect(cli.stdout).toMatch(/audit:verify sealed=\d+ unsealed=0 ok postings=\d+ unaudited=0/);
    expect(cli.status).toBe(0);
    const report = await verifyAudit(q);
    expect(report).toMatchObject({ firstBroken: null, unsealed: 0, unaudited: 0 });
    expect(report.postings).toBeGreaterThanOrEqual(acknowledged.length + SOURCES);
  });
});
