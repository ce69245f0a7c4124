import fc from 'fast-check';
import type { Actor } from '../../src/core/auth/roles';
import { DomainError } from '../../src/core/errors/domain-error';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { verifyLedger } from '../../src/modules/ledger/verify';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { balanceOf, journalCounts, seedHolder, seedParticipant, seedSecretariat } from '../factories/ledger';

describe('the ledger on PostgreSQL', () => {
  let db: TestDatabase;
  let ledger: LedgerService;
  let sec: Actor;

  beforeAll(async () => {
    db = await createTestDatabase();
    // a pool large enough for real concurrency
    await db.dataSource.destroy();
    db.dataSource.setOptions({ extra: { ...(db.dataSource.options.extra as object), max: 30 } });
    await db.dataSource.initialize();
    ledger = new LedgerService(db.dataSource);
    sec = await seedSecretariat(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });
  afterEach(async () => {
    // the books balance after every test: Σ balances = 0, Σ legs = 0, chains intact
    const report = await verifyLedger(db.dataSource);
    expect(report.problems).toEqual([]);
  });

  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (error) {
      if (error instanceof DomainError) return { code: error.code, details: error.details };
      throw error;
    }
    return { code: 'NONE', details: {} };
  };

  /** A holder whose phase terms and issuance give it `issued` JAA with the given reduction target. */
  async function fundedHolder(issued: number, reductionTarget: number) {
    const h = await seedHolder(db.dataSource);
    await ledger.setComplianceTerms(h.holderId, { phase: '第2期', baseYearEmissions: String(issued + reductionTarget), reductionTarget: String(reductionTarget) });
    await ledger.issue(sec, h.holderId, '第2期');
    return h;
  }
  async function fundedParticipant(amount: number) {
    const p = await seedParticipant(db.dataSource);
    const h = await fundedHolder(amount, amount); // reserve max(0, issued − target) = 0: all available
    await ledger.transfer(h.a, { fromAccount: h.account, toAccount: p.account, quantity: String(amount) });
    return p;
  }

  it('issues floor(base − target) once per phase, from the issuance account', async () => {
    const h = await seedHolder(db.dataSource);
    await ledger.setComplianceTerms(h.holderId, { phase: '第2期', baseYearEmissions: '1500.9', reductionTarget: '300.5' });
    const issued = await ledger.issue(sec, h.holderId, '第2期');
    expect(issued).toMatchObject({ type: 'issuance', fromAccount: 'AST-1', toAccount: h.account, quantity: '1200' });
    expect(await balanceOf(db.dataSource, h.account)).toBe('1200');
    expect((await refusal(ledger.issue(sec, h.holderId, '第2期'))).code).toBe('ALREADY_ISSUED');
    expect((await refusal(ledger.issue(h.a, h.holderId, '第2期'))).code).toBe('NOT_PERMITTED');
    expect((await refusal(ledger.setComplianceTerms(h.holderId, { phase: '第2期', baseYearEmissions: '1', reductionTarget: '0' }))).code).toBe('ALREADY_ISSUED');
    const view = ledger.view(await ledger.visibleAccount(h.a, h.account));
    expect(view).toMatchObject({ balance: '1200', commitmentReserve: '900', available: '300' }); // 1200 − 300.5 → 899.5, rounded up
  });

  it("refuses a new phase's terms while the current phase still holds a reserve", async () => {
    const h = await fundedHolder(1000, 400); // reserve 600
    const next = await refusal(ledger.setComplianceTerms(h.holderId, { phase: '第3期', baseYearEmissions: '500', reductionTarget: '100' }));
    expect(next).toMatchObject({ code: 'PHASE_RESERVE_OPEN', details: { currentPhase: '第2期', commitmentReserve: '600' } });
    await ledger.transfer(h.a, { fromAccount: h.account, toAccount: 'AST-2', quantity: '600' }); // discharged by retirement
    const ok = await ledger.setComplianceTerms(h.holderId, { phase: '第3期', baseYearEmissions: '500', reductionTarget: '100' });
    expect(ok).toMatchObject({ phase: '第3期', issuable: '400' });
    expect(ledger.view(await ledger.visibleAccount(h.a, h.account))).toMatchObject({ balance: '400', commitmentReserve: '0' });
  });

  it('50 concurrent transfers from one account cannot overdraw it (final balance exact)', async () => {
    const p = await fundedParticipant(1000);
    const to = await seedParticipant(db.dataSource);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => ledger.transfer(p.login, { fromAccount: p.account, toAccount: to.account, quantity: '30' })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as DomainError).code);
    expect(ok).toBe(33);
    expect(new Set(refused)).toEqual(new Set(['INSUFFICIENT_BALANCE']));
    expect(await balanceOf(db.dataSource, p.account)).toBe('10');
    expect(await balanceOf(db.dataSource, to.account)).toBe('990');
  });

  it('50 concurrent transfers cannot breach the commitment reserve; retirement may go below it', async () => {
    const h = await fundedHolder(1000, 400); // reserve 600, available 400
    const to = await seedParticipant(db.dataSource);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => ledger.transfer(h.a, { fromAccount: h.account, toAccount: to.account, quantity: '7' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50); // 50 × 7 = 350 ≤ 400 available
    const more = await refusal(ledger.transfer(h.a, { fromAccount: h.account, toAccount: to.account, quantity: '51' }));
    expect(more).toMatchObject({ code: 'COMMITMENT_RESERVE_VIOLATION', details: { check: 'L-3002', commitmentReserve: '600', available: '50' } });
    await ledger.transfer(h.a, { fromAccount: h.account, toAccount: 'AST-2', quantity: '600' }); // retirement: always allowed
    expect(ledger.view(await ledger.visibleAccount(h.a, h.account))).toMatchObject({ balance: '50', commitmentReserve: '0', available: '50' });
    // the database refuses a write that breaks the reserve, whatever the code does
    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query(`SELECT set_config('ledger.posting', 'on', true)`);
        await m.query(`UPDATE accounts SET retired = 0 WHERE account_number = $1`, [h.account]);
      }),
    ).rejects.toThrow(/ck_accounts_commitment_reserve/);
  });

  it('crossing transfers A→B and B→A in parallel finish without deadlock errors', async () => {
    const a = await fundedParticipant(500);
    const b = await fundedParticipant(500);
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        i % 2
          ? ledger.transfer(a.login, { fromAccount: a.account, toAccount: b.account, quantity: '3' })
          : ledger.transfer(b.login, { fromAccount: b.account, toAccount: a.account, quantity: '2' }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await balanceOf(db.dataSource, a.account)).toBe(String(500 - 30 * 3 + 30 * 2));
    expect(await balanceOf(db.dataSource, b.account)).toBe(String(500 + 30 * 3 - 30 * 2));
  });

  it('two registry processes posting crossing batches at once neither deadlock nor lose a unit', async () => {
    // each LedgerService has its own group commit: two of them are two processes' batches racing
    const other = new LedgerService(db.dataSource);
    const accounts = await Promise.all(Array.from({ length: 6 }, () => fundedParticipant(1000)));
    const batches = jest.spyOn(db.dataSource, 'query');
    const warnings = [jest.spyOn(ledger['logger'], 'warn'), jest.spyOn(other['logger'], 'warn')];
    const before = await journalCounts(db.dataSource);
    const expected = new Map(accounts.map((a) => [a.account, 1000]));
    const results = await Promise.allSettled(
      Array.from({ length: 240 }, (_, i) => {
        const from = accounts[i % 6];
        const to = accounts[(i + 1 + (i % 5)) % 6]; // 1…5 further along: never the source
        const quantity = 1 + (i % 5);
        expected.set(from.account, expected.get(from.account)! - quantity);
        expected.set(to.account, expected.get(to.account)! + quantity);
        return (i % 2 ? ledger : other).transfer(from.login, { fromAccount: from.account, toAccount: to.account, quantity: String(quantity) });
      }),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const [account, balance] of expected) expect([account, await balanceOf(db.dataSource, account)]).toEqual([account, String(balance)]);
    expect((await journalCounts(db.dataSource)).transactions - before.transactions).toBe(240);
    // they really went in batches, and no batch had to be posted again one by one
    expect(batches.mock.calls.filter(([sql]) => String(sql).includes('ledger_post_batch')).length).toBeGreaterThan(1);
    for (const warn of warnings) expect(warn.mock.calls.map(([m]) => (m as { msg?: string }).msg)).not.toContain('ledger batch refused; posting each on its own');
    batches.mockRestore();
    warnings.forEach((w) => w.mockRestore());
  });

  it('a batch whose connection is lost is never posted again: its callers learn the outcome is unknown', async () => {
    const q = db.dataSource;
    const first = await fundedParticipant(10);
    const aside = await seedParticipant(q);
    const sources = await Promise.all(Array.from({ length: 8 }, () => fundedParticipant(10)));
    const target = await seedParticipant(q);
    // two lock holders: one on the account the first posting needs, one on the batch's target
    const [asideLock, targetLock] = [q.createQueryRunner(), q.createQueryRunner()];
    for (const [runner, account] of [[asideLock, aside.account], [targetLock, target.account]] as const) {
      await runner.connect();
      await runner.startTransaction();
      await runner.query(`SELECT 1 FROM accounts WHERE account_number = $1 FOR UPDATE`, [account]);
    }
    try {
      // the first posting goes alone and waits on its lock; the eight arriving meanwhile are
      // gathered into one batch, sent when the first is through, which waits on the target's lock
      // and then loses its connection
      const alone = ledger.transfer(first.login, { fromAccount: first.account, toAccount: aside.account, quantity: '1' });
      await new Promise((r) => setTimeout(r, 50));
      const batched = sources.map((s) => ledger.transfer(s.login, { fromAccount: s.account, toAccount: target.account, quantity: '1' }).then(() => 'posted', (e: DomainError) => e.code));
      await asideLock.commitTransaction();
      await alone;
      let pid: number | undefined;
      for (let i = 0; i < 100 && !pid; i++) {
        // (not on a lock holder's connection: inside a transaction pg_stat_activity stays as first read)
        [{ pid } = { pid: undefined }] = await q.query(`SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT ledger_post_batch%' AND wait_event_type = 'Lock'`);
        if (!pid) await new Promise((r) => setTimeout(r, 20));
      }
      expect(pid).toBeDefined();
      await q.query(`SELECT pg_terminate_backend($1)`, [pid]);
      expect(await Promise.all(batched)).toEqual(Array(8).fill('LEDGER_OUTCOME_UNKNOWN'));
      await targetLock.commitTransaction();
    } finally {
      for (const runner of [asideLock, targetLock]) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    }
    // nothing of the lost batch was written, and nothing was sent again
    expect(await balanceOf(q, target.account)).toBe('0');
    for (const s of sources) expect(await balanceOf(q, s.account)).toBe('10');
    expect(await balanceOf(q, aside.account)).toBe('1');
  });

  it('a batch with one broken posting still posts the others exactly once', async () => {
    const p = await fundedParticipant(100);
    const to = await seedParticipant(db.dataSource);
    const before = await journalCounts(db.dataSource);
    const warn = jest.spyOn(ledger['logger'], 'warn');
    // 'x' is no number: ledger_post() raises, which aborts the whole batch in the database; the
    // service then posts each on its own, and only the broken one fails
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => ledger.transfer(p.login, { fromAccount: p.account, toAccount: to.account, quantity: i === 5 ? 'x' : '2' })),
    );
    const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(rejected).toEqual([5]);
    expect((results[5] as PromiseRejectedResult).reason).not.toBeInstanceOf(DomainError);
    expect(await balanceOf(db.dataSource, p.account)).toBe(String(100 - 11 * 2));
    expect(await balanceOf(db.dataSource, to.account)).toBe(String(11 * 2));
    const after = await journalCounts(db.dataSource);
    expect(after.transactions - before.transactions).toBe(11);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ msg: 'ledger batch refused; posting each on its own', code: '22P02' }));
    warn.mockRestore();
  });

  it('ledger_post_batch returns one result per posting, in order, refusals and replays included', async () => {
    const p = await fundedParticipant(10);
    const to = await seedParticipant(db.dataSource);
    const args = (quantity: string, key: string | null, hash: string | null) =>
      ['transfer', p.account, to.account, quantity, p.login.id, null, p.login.tradingParticipantId, false, key, hash, null, null];
    const [{ r }] = await db.dataSource.query(`SELECT ledger_post_batch($1::jsonb) AS r`, [
      JSON.stringify([args('4', 'b-1', 'h1'), args('100', null, null), args('4', 'b-1', 'h1'), args('4', 'b-1', 'h2'), args('6', null, null)]),
    ]);
    expect(r.map((x: { ok: boolean; code?: string; replayed?: boolean }) => [x.ok, x.code ?? null, x.replayed ?? false])).toEqual([
      [true, null, false],
      [false, 'INSUFFICIENT_BALANCE', false],
      [true, null, true],
      [false, 'IDEMPOTENCY_KEY_REUSED', false],
      [true, null, false],
    ]);
    expect(r[2].transactionId).toBe(r[0].transactionId);
    expect(await balanceOf(db.dataSource, p.account)).toBe('0');
    await expect(db.dataSource.query(`SELECT ledger_post_batch('{"a": 1}'::jsonb)`)).rejects.toThrow(/expects a JSON array/);
    // quantities must be written as whole numbers within numeric(20,0); an unknown kind refuses the batch
    const [{ q }] = await db.dataSource.query(`SELECT ledger_post_batch($1::jsonb) AS q`, [
      JSON.stringify(['1.0', 'NaN', '100000000000000000000', '2.50', 'Infinity'].map((quantity) => args(quantity, null, null))),
    ]);
    expect(q.map((x: { code?: string }) => x.code)).toEqual(Array(5).fill('QUANTITY_NOT_WHOLE_POSITIVE'));
    for (const kind of ['foo', null]) {
      const bad = [kind, ...args('1', null, null).slice(1)];
      await expect(db.dataSource.query(`SELECT ledger_post_batch($1::jsonb)`, [JSON.stringify([args('1', null, null), bad])])).rejects.toThrow(/unknown kind/);
    }
    expect(await balanceOf(db.dataSource, p.account)).toBe('0');
  });

  it('replays an Idempotency-Key: same body → original result and nothing written; other body → 409', async () => {
    const p = await fundedParticipant(100);
    const to = await seedParticipant(db.dataSource);
    const body = { fromAccount: p.account, toAccount: to.account, quantity: '10' };
    const first = await ledger.transfer(p.login, body, 'key-1');
    const before = await journalCounts(db.dataSource);
    const replay = await ledger.transfer(p.login, body, 'key-1');
    expect(replay).toEqual({ ...first, replayed: true });
    expect(await journalCounts(db.dataSource)).toEqual(before);
    expect(await balanceOf(db.dataSource, p.account)).toBe('90');
    expect((await refusal(ledger.transfer(p.login, { ...body, quantity: '11' }, 'key-1'))).code).toBe('IDEMPOTENCY_KEY_REUSED');
    // keys are per login: another login may use the same key
    const other = await fundedParticipant(5);
    await ledger.transfer(other.login, { fromAccount: other.account, toAccount: to.account, quantity: '5' }, 'key-1');

    // a refusal is replayed as a refusal, even once it would succeed
    const refused = await refusal(ledger.transfer(p.login, { ...body, quantity: '500' }, 'key-2'));
    expect(refused.code).toBe('INSUFFICIENT_BALANCE');
    const richer = await fundedHolder(1000, 1000);
    await ledger.transfer(richer.a, { fromAccount: richer.account, toAccount: p.account, quantity: '1000' });
    const counts = await journalCounts(db.dataSource);
    const again = await refusal(ledger.transfer(p.login, { ...body, quantity: '500' }, 'key-2'));
    expect(again).toMatchObject({ code: 'INSUFFICIENT_BALANCE', details: { replayed: true } });
    expect(await journalCounts(db.dataSource)).toEqual(counts);
  });

  it('posts once when the same key arrives many times at once', async () => {
    const p = await fundedParticipant(100);
    const to = await seedParticipant(db.dataSource);
    const body = { fromAccount: p.account, toAccount: to.account, quantity: '1' };
    const results = await Promise.all(Array.from({ length: 20 }, () => ledger.transfer(p.login, body, 'burst')));
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await balanceOf(db.dataSource, p.account)).toBe('99');
  });

  it('leaves no row behind when a check fails', async () => {
    const p = await fundedParticipant(10);
    const h = await fundedHolder(10, 0);
    const before = await journalCounts(db.dataSource);
    const cases: [Actor, { fromAccount: string; toAccount: string; quantity: string }, string][] = [
      [p.login, { fromAccount: p.account, toAccount: 'AST-999999', quantity: '1' }, 'ACCOUNT_NOT_FOUND'],
      [p.login, { fromAccount: p.account, toAccount: p.account, quantity: '1' }, 'SAME_ACCOUNT'],
      [p.login, { fromAccount: p.account, toAccount: h.account, quantity: '11' }, 'INSUFFICIENT_BALANCE'],
      [p.login, { fromAccount: p.account, toAccount: h.account, quantity: '0' }, 'QUANTITY_NOT_WHOLE_POSITIVE'],
      [p.login, { fromAccount: p.account, toAccount: h.account, quantity: '1.5' }, 'QUANTITY_NOT_WHOLE_POSITIVE'],
      [p.login, { fromAccount: h.account, toAccount: p.account, quantity: '1' }, 'NOT_ACCOUNT_OWNER'],
      [p.login, { fromAccount: p.account, toAccount: 'AST-2', quantity: '1' }, 'RETIREMENT_ONLY_FROM_COMPLIANCE'],
      [p.login, { fromAccount: p.account, toAccount: 'AST-1', quantity: '1' }, 'DESTINATION_NOT_ALLOWED'],
      [sec, { fromAccount: p.account, toAccount: h.account, quantity: '1' }, 'NOT_ACCOUNT_OWNER'],
    ];
    for (const [actor, body, code] of cases) expect([body, (await refusal(ledger.transfer(actor, body))).code]).toEqual([body, code]);
    expect(await journalCounts(db.dataSource)).toEqual(before);
    expect(await balanceOf(db.dataSource, p.account)).toBe('10');
    // the secretariat may cancel or offset from any account
    await ledger.transfer(sec, { fromAccount: p.account, toAccount: 'AST-101', quantity: '1' });
    await ledger.transfer(sec, { fromAccount: p.account, toAccount: 'AST-201', quantity: '1' });
    expect(await balanceOf(db.dataSource, p.account)).toBe('8');
  });

  it('corrects with a compensating posting and a reason', async () => {
    const p = await fundedParticipant(10);
    const credit = await ledger.correct(sec, { accountNumber: p.account, direction: 'credit', quantity: '5', reason: '訂正' });
    expect(credit).toMatchObject({ type: 'correction', fromAccount: 'AST-1', toAccount: p.account });
    await ledger.correct(sec, { accountNumber: p.account, direction: 'debit', quantity: '3', reason: '訂正' });
    expect(await balanceOf(db.dataSource, p.account)).toBe('12');
    expect((await refusal(ledger.correct(p.login, { accountNumber: p.account, direction: 'credit', quantity: '5', reason: 'x' }))).code).toBe('NOT_PERMITTED');
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the journal and hand edits of balances', async () => {
    await fundedParticipant(10);
    const q = db.dataSource;
    await expect(q.query(`UPDATE ledger_entries SET amount = amount * 2`)).rejects.toThrow(/append-only/);
    await expect(q.query(`DELETE FROM ledger_entries`)).rejects.toThrow(/append-only/);
    await expect(q.query(`TRUNCATE ledger_entries CASCADE`)).rejects.toThrow(/append-only/);
    await expect(q.query(`UPDATE ledger_transactions SET quantity = 1`)).rejects.toThrow(/append-only/);
    await expect(q.query(`DELETE FROM ledger_transactions`)).rejects.toThrow(/append-only/);
    await expect(q.query(`UPDATE accounts SET balance = balance + 1000 WHERE type = 'holding'`)).rejects.toThrow(/only through ledger_post/);
    await expect(q.query(`DELETE FROM accounts`)).rejects.toThrow(/append-only/);
  });

  it('refuses an unbalanced journal entry at commit', async () => {
    const p = await fundedParticipant(10);
    await expect(
      db.dataSource.transaction(async (m) => {
        const [{ id: tx }] = await m.query(
          `INSERT INTO ledger_transactions (type, from_account_id, to_account_id, quantity, initiator_id)
           SELECT 'transfer', a.id, (SELECT id FROM accounts WHERE account_number = 'AST-2'), 1, $2 FROM accounts a WHERE account_number = $1 RETURNING id`,
          [p.account, p.login.id],
        );
        await m.query(
          `INSERT INTO ledger_entries (transaction_id, account_id, seq, amount, balance_after, hash)
           SELECT $1, id, 999, -1, 0, 'x' FROM accounts WHERE account_number = $2`,
          [tx, p.account],
        );
      }),
    ).rejects.toThrow(/unbalanced/);
  });

  it('verify catches a tampered entry', async () => {
    const p = await fundedParticipant(10);
    const q = db.dataSource;
    await q.query(`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only`);
    try {
      await q.query(`UPDATE ledger_entries SET balance_after = balance_after + 1 WHERE account_id = (SELECT id FROM accounts WHERE account_number = $1)`, [p.account]);
      const report = await verifyLedger(q);
      expect(report.problems.some((m) => m.includes(p.account) && /running balance|hash/.test(m))).toBe(true);
      await q.query(`UPDATE ledger_entries SET balance_after = balance_after - 1 WHERE account_id = (SELECT id FROM accounts WHERE account_number = $1)`, [p.account]);
    } finally {
      await q.query(`ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only`);
    }
  });

  /**
   * Random operations over two holders (with reserves) and a participant, checked against an
   * in-memory model: what each operation must answer and the balances afterwards. `post` sends a
   * whole sequence (one by one through the service, or as one ledger_post_batch() call) and returns
   * each operation's outcome: 'ok', 'replayed' or the refusal's code.
   */
  async function modelCheck(
    post: (ops: { from: string; to: string; quantity: string; key: string | null }[], owners: Record<string, Actor>) => Promise<string[]>,
    seed: number,
  ) {
    const h1 = await fundedHolder(300, 100); // reserve 200
    const h2 = await fundedHolder(200, 150); // reserve 50
    const p = await fundedParticipant(100);
    const owners: Record<string, Actor> = { [h1.account]: h1.a, [h2.account]: h2.a, [p.account]: p.login };
    const accounts = [h1.account, h2.account, p.account];
    const destinations = [...accounts, 'AST-2', 'AST-101', 'AST-201'];
    const model = new Map<string, { balance: bigint; issued: bigint; target: bigint; retired: bigint; compliance: boolean }>([
      [h1.account, { balance: 300n, issued: 300n, target: 100n, retired: 0n, compliance: true }],
      [h2.account, { balance: 200n, issued: 200n, target: 150n, retired: 0n, compliance: true }],
      [p.account, { balance: 100n, issued: 0n, target: 0n, retired: 0n, compliance: false }],
    ]);
    /** Idempotency keys used so far (per source, i.e. per login): the body sent and the outcome. */
    const keys = new Map<string, { body: string; outcome: string }>();
    let run = 0;
    const op = fc.record({
      from: fc.constantFrom(...accounts),
      to: fc.constantFrom(...destinations),
      quantity: fc.oneof(fc.integer({ min: 1, max: 120 }).map(String), fc.constantFrom('0', '-3', '2.5')),
      key: fc.option(fc.constantFrom('k1', 'k2'), { freq: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (generated) => {
        run++;
        const ops = generated.map((o) => ({ ...o, key: o.key === null ? null : `${seed}-${run}-${o.key}` }));
        const expected = ops.map((o) => {
          const from = model.get(o.from)!;
          const body = JSON.stringify([o.from, o.to, o.quantity]);
          const keyed = o.key === null ? undefined : keys.get(`${o.from}/${o.key}`);
          if (keyed) return keyed.body === body ? (keyed.outcome === 'ok' ? 'replayed' : keyed.outcome) : 'IDEMPOTENCY_KEY_REUSED';
          const q = /^[1-9][0-9]*$/.test(o.quantity) ? BigInt(o.quantity) : null;
          const kind = o.to === 'AST-2' ? 'retirement' : ['AST-101', 'AST-201'].includes(o.to) ? 'system' : 'transfer';
          const reserve = from.compliance ? [from.issued - from.target - from.retired, 0n].reduce((a, b) => (a > b ? a : b)) : 0n;
          let outcome: string;
          if (q === null) outcome = 'QUANTITY_NOT_WHOLE_POSITIVE';
          else if (o.from === o.to) outcome = 'SAME_ACCOUNT';
          else if (kind === 'retirement' && !from.compliance) outcome = 'RETIREMENT_ONLY_FROM_COMPLIANCE';
          else if (from.balance < q) outcome = 'INSUFFICIENT_BALANCE';
          else if (kind !== 'retirement' && from.compliance && from.balance - q < reserve) outcome = 'COMMITMENT_RESERVE_VIOLATION';
          else outcome = 'ok';
          if (outcome === 'ok') {
            from.balance -= q!;
            if (kind === 'retirement') from.retired += q!;
            if (model.has(o.to)) model.get(o.to)!.balance += q!;
          }
          if (o.key !== null) keys.set(`${o.from}/${o.key}`, { body, outcome });
          return outcome;
        });
        expect(await post(ops, owners)).toEqual(expected);
        for (const [account, m] of model) expect(await balanceOf(db.dataSource, account)).toBe(m.balance.toString());
      }),
      { numRuns: 25, seed },
    );
  }

  it('matches an in-memory model over random operation sequences (property-based)', async () => {
    await modelCheck(async (ops, owners) => {
      const outcomes: string[] = [];
      for (const o of ops) {
        outcomes.push(
          await ledger.transfer(owners[o.from], { fromAccount: o.from, toAccount: o.to, quantity: o.quantity }, o.key ?? undefined).then(
            (r) => (r.replayed ? 'replayed' : 'ok'),
            (e: DomainError) => e.code,
          ),
        );
      }
      return outcomes;
    }, 20261123);
  });

  it('matches the same model when each random sequence is one batch (postings of one account see each other in order)', async () => {
    await modelCheck(async (ops, owners) => {
      const args = ops.map((o) => {
        const actor = owners[o.from];
        return ['transfer', o.from, o.to, o.quantity, actor.id, actor.targetHolderId ?? null, actor.tradingParticipantId ?? null, false,
          o.key, o.key === null ? null : JSON.stringify([o.from, o.to, o.quantity]), null, null];
      });
      const [{ r }] = await db.dataSource.query(`SELECT ledger_post_batch($1::jsonb) AS r`, [JSON.stringify(args)]);
      return (r as { ok: boolean; code?: string; replayed?: boolean }[]).map((x) => (x.ok ? (x.replayed ? 'replayed' : 'ok') : x.code!));
    }, 20261130);
  });
});
