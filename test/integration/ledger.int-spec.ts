import fc from 'fast-check';
import type { Actor } from '../../src/core/auth/roles';
import { DomainError } from '../../src/core/errors/domain-error';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { verifyAudit } from '../../src/modules/audit/verify';
import { verifyLedger } from '../../src/modules/ledger/verify';
import { createTestDatabase, type TestDatabase } from '../support/database';
import Decimal from 'decimal.js';
import { balanceOf, heldRanges, holderTerms, journalCounts, ledgerFor, mergeRanges, seedHolder, seedParticipant, seedSecretariat, seedVintage } from '../factories/ledger';

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
    ledger = ledgerFor(db.dataSource, 'P2');
    sec = await seedSecretariat(db.dataSource);
    await seedVintage(db.dataSource, ledger, 'P2', 2);
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
  async function fundedHolder(issued: number, reductionTarget: number, vintage = 'P2') {
    const h = await seedHolder(db.dataSource);
    await holderTerms(db.dataSource, ledger, h.holderId, vintage, issued, reductionTarget);
    await ledger.issue(sec, h.holderId, vintage);
    return h;
  }
  async function fundedParticipant(amount: number, vintage = 'P2') {
    const p = await seedParticipant(db.dataSource);
    const h = await fundedHolder(amount, amount, vintage); // reserve max(0, issued − target) = 0: all available
    await ledger.transfer(h.a, { fromAccount: h.account, toAccount: p.account, quantity: String(amount) });
    return p;
  }

  it('issues the fixed amount once per vintage, as one new block of serials', async () => {
    const h = await seedHolder(db.dataSource);
    expect((await refusal(ledger.issue(sec, h.holderId, 'P2'))).code).toBe('NO_COMPLIANCE_TERMS'); // not in the phase
    await holderTerms(db.dataSource, ledger, h.holderId, 'P2', 1200, 300.5);
    const [{ next }] = await db.dataSource.query(`SELECT next_serial::text AS next FROM ledger_vintages WHERE code = 'P2'`);
    const issued = await ledger.issue(sec, h.holderId, 'P2');
    expect(issued).toMatchObject({ type: 'issuance', fromAccount: 'AST-1', toAccount: h.account, quantity: '1200', phase: 'P2' });
    const first = BigInt(next);
    expect(issued.serials).toEqual([
      { vintage: 'P2', from: String(first), to: String(first + 1199n), banked: false, label: `JAA-P2-${String(first).padStart(9, '0')}–${String(first + 1199n).padStart(9, '0')}` },
    ]);
    expect(await balanceOf(db.dataSource, h.account)).toBe('1200');
    expect((await refusal(ledger.issue(sec, h.holderId, 'P2'))).code).toBe('ALREADY_ISSUED');
    expect((await refusal(ledger.issue(h.a, h.holderId, 'P2'))).code).toBe('NOT_PERMITTED');
    expect((await refusal(db.dataSource.transaction((m) => ledger.fixIssuable(m, h.holderId, 'P2', new Decimal(1))))).code).toBe('ALREADY_ISSUED');
    const view = await ledger.view(await ledger.visibleAccount(h.a, h.account));
    expect(view).toMatchObject({ balance: '1200', commitmentReserve: '900', available: '300' }); // 1200 − 300.5 → 899.5, rounded up
    expect(view.holdings).toEqual([expect.objectContaining({ vintage: 'P2', quantity: '1200', banked: '0', commitmentReserve: '900' })]);
  });

  it("keeps each vintage's reserve on its own units, lapsing at its end; another phase's terms never touch it", async () => {
    await seedVintage(db.dataSource, ledger, 'R1', 10, new Date(Date.now() + 2000));
    await seedVintage(db.dataSource, ledger, 'R2', 11);
    const h = await seedHolder(db.dataSource);
    await holderTerms(db.dataSource, ledger, h.holderId, 'R1', 1000, 400); // reserve 600 on R1
    await ledger.issue(sec, h.holderId, 'R1');
    await holderTerms(db.dataSource, ledger, h.holderId, 'R2', 500, 400); // reserve 100 on R2
    await ledger.issue(sec, h.holderId, 'R2');
    const to = await seedParticipant(db.dataSource);
    expect(await ledger.view(await ledger.visibleAccount(h.a, h.account))).toMatchObject({ balance: '1500', commitmentReserve: '700', available: '800' });
    // 800 free: 400 of R1 (oldest first), then 400 of R2
    const moved = await ledger.transfer(h.a, { fromAccount: h.account, toAccount: to.account, quantity: '800' });
    expect(moved.serials.map((r) => [r.vintage, BigInt(r.to) - BigInt(r.from) + 1n])).toEqual([['R1', 400n], ['R2', 400n]]);
    expect((await refusal(ledger.transfer(h.a, { fromAccount: h.account, toAccount: to.account, quantity: '1' }))).code).toBe('COMMITMENT_RESERVE_VIOLATION');
    await new Promise((r) => setTimeout(r, 2100)); // R1's reserve lapses
    const after = await ledger.view(await ledger.visibleAccount(h.a, h.account));
    expect(after).toMatchObject({ balance: '700', commitmentReserve: '100', available: '600' });
    await ledger.transfer(h.a, { fromAccount: h.account, toAccount: to.account, quantity: '600' });
    expect((await refusal(ledger.transfer(h.a, { fromAccount: h.account, toAccount: to.account, quantity: '1', vintage: 'R2' }))).code).toBe('COMMITMENT_RESERVE_VIOLATION');
  });

  it('retires toward a phase: its own vintage and banked earlier units, never later ones; banking splits blocks', async () => {
    await seedVintage(db.dataSource, ledger, 'Q1', 20);
    await seedVintage(db.dataSource, ledger, 'Q2', 21);
    await seedVintage(db.dataSource, ledger, 'Q3', 22);
    const h = await seedHolder(db.dataSource);
    for (const [code, n] of [['Q1', 100], ['Q2', 50], ['Q3', 30]] as const) {
      await holderTerms(db.dataSource, ledger, h.holderId, code, n, n); // no reserves
      await ledger.issue(sec, h.holderId, code);
    }
    const retire = (quantity: string, phaseId: string, vintage?: string) =>
      refusal(ledger.transfer(h.a, { fromAccount: h.account, toAccount: 'AST-2', quantity, phaseId, ...(vintage ? { vintage } : {}) }));
    expect(await retire('1', 'Q2', 'Q3')).toMatchObject({ code: 'VINTAGE_NOT_ACCEPTED', details: { check: 'L-5005' } });
    expect(await retire('51', 'Q2')).toMatchObject({ code: 'INSUFFICIENT_ELIGIBLE_UNITS', details: { check: 'L-3004', eligible: '50' } });
    expect(await retire('1', 'Q2', 'Q1')).toMatchObject({ code: 'INSUFFICIENT_ELIGIBLE_UNITS' }); // Q1 units are not banked yet
    expect(await retire('1', 'NOPE')).toMatchObject({ code: 'VINTAGE_NOT_FOUND', details: { check: 'L-1003' } });
    const other = await seedHolder(db.dataSource);
    expect(await refusal(ledger.transfer(other.a, { fromAccount: other.account, toAccount: 'AST-2', quantity: '1', phaseId: 'Q1' }))).toMatchObject({ code: 'NOT_IN_PHASE' });
    // bank 30 of Q1: the lowest serials, split off their block
    const banked = await db.dataSource.transaction((m) => ledger.bankUnits(m, h.account, 'Q1', new Decimal(30)));
    const [{ q1 }] = await db.dataSource.query(`SELECT serials->0->>'from' AS q1 FROM ledger_transactions WHERE type = 'issuance' AND phase = 'Q1'`);
    expect(banked).toEqual([expect.objectContaining({ vintage: 'Q1', from: q1, to: String(BigInt(q1) + 29n), banked: true })]);
    expect((await refusal(db.dataSource.transaction((m) => ledger.bankUnits(m, h.account, 'Q1', new Decimal(71))))).code).toBe('INSUFFICIENT_ELIGIBLE_UNITS');
    // a Q2 retirement of 60: oldest first, i.e. the 30 banked Q1 units, then 30 of Q2
    const r = await ledger.transfer(h.a, { fromAccount: h.account, toAccount: 'AST-2', quantity: '60', phaseId: 'Q2' });
    expect(r).toMatchObject({ type: 'retirement', phase: 'Q2' });
    expect(r.serials.map((x) => [x.vintage, x.banked, BigInt(x.to) - BigInt(x.from) + 1n])).toEqual([['Q1', true, 30n], ['Q2', false, 30n]]);
    const figures = (await ledger.vintageFigures('Q2', [h.holderId], new Date())).get(h.holderId)!;
    expect([figures.retired.toFixed(), figures.retiredOnTime.toFixed(), figures.holding.toFixed()]).toEqual(['60', '60', '20']);
    expect((await ledger.vintageFigures('Q1', [h.holderId], new Date())).get(h.holderId)!.retired.toFixed()).toBe('0');
  });

  it('expires every unbanked unit of a vintage at close, in any account; banked ones stay and the vintage takes no more retirements', async () => {
    await seedVintage(db.dataSource, ledger, 'X1', 30, new Date(Date.now() - 1000));
    const h = await seedHolder(db.dataSource);
    await holderTerms(db.dataSource, ledger, h.holderId, 'X1', 100, 0);
    await ledger.issue(sec, h.holderId, 'X1');
    const p = await seedParticipant(db.dataSource);
    await ledger.transfer(h.a, { fromAccount: h.account, toAccount: p.account, quantity: '40' });
    await db.dataSource.transaction((m) => ledger.bankUnits(m, h.account, 'X1', new Decimal(25)));
    await db.dataSource.transaction((m) => ledger.bankUnits(m, p.account, 'X1', new Decimal(5)));
    await ledger.setStatus(p.account, { status: 'blocked', reason: '調査中' }); // a blocked account's units expire too
    const cancelledBefore = new Decimal(await balanceOf(db.dataSource, 'AST-101'));
    const expired = await db.dataSource.transaction((m) => ledger.expireVintage(m, sec, 'X1'));
    expect(expired.map((e) => [e.accountNumber, e.quantity]).sort()).toEqual([[h.account, '35'], [p.account, '35']].sort());
    expect(await balanceOf(db.dataSource, h.account)).toBe('25');
    expect(await balanceOf(db.dataSource, p.account)).toBe('5');
    expect(new Decimal(await balanceOf(db.dataSource, 'AST-101')).minus(cancelledBefore).toFixed()).toBe('70');
    const held = await heldRanges(db.dataSource, [h.account, p.account]);
    expect(held[h.account].every((r) => r.endsWith('*'))).toBe(true);
    expect(held[p.account].every((r) => r.endsWith('*'))).toBe(true);
    expect(await refusal(ledger.transfer(h.a, { fromAccount: h.account, toAccount: 'AST-2', quantity: '1', phaseId: 'X1' }))).toMatchObject({ code: 'PHASE_CLOSED' });
    const [{ type }] = await db.dataSource.query(`SELECT type FROM ledger_transactions WHERE id = $1`, [expired[0].transactionId]);
    expect(type).toBe('expiry');
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
    expect(await ledger.view(await ledger.visibleAccount(h.a, h.account))).toMatchObject({ balance: '50', commitmentReserve: '0', available: '50' });
  });

  it('the database keeps balances equal to the unit blocks and the reserve held, whatever the code does', async () => {
    const h = await fundedHolder(100, 40); // reserve 60
    const q = db.dataSource;
    await expect(q.query(`UPDATE unit_blocks SET serial_end = serial_end + 1`)).rejects.toThrow(/changes only through the ledger functions/);
    await expect(q.query(`DELETE FROM unit_blocks`)).rejects.toThrow(/changes only through the ledger functions/);
    await expect(q.query(`UPDATE ledger_account_vintages SET retired = 1000`)).rejects.toThrow(/changes only through the ledger functions/);
    await expect(q.query(`UPDATE ledger_vintages SET next_serial = 1`)).rejects.toThrow(/changes only through the ledger functions/);
    await expect(q.query(`UPDATE ledger_transactions SET serials = '[]' WHERE serials IS NOT NULL`)).rejects.toThrow(/append-only/);
    // a block changed behind the ledger's back: the next posting from the account refuses the whole batch
    await q.query(`ALTER TABLE unit_blocks DISABLE TRIGGER unit_blocks_posting_only`);
    try {
      await q.query(`UPDATE unit_blocks SET serial_end = serial_end - 1 WHERE account_id = (SELECT id FROM accounts WHERE account_number = $1)`, [h.account]);
      const to = await seedParticipant(q);
      await expect(q.query(`SELECT ledger_post('transfer', $1, $2, 1, $3, $4, NULL, false, NULL, NULL, NULL, NULL, NULL)`, [h.account, to.account, h.a.id, h.holderId])).rejects.toThrow(
        /not the sum of its unit blocks/,
      );
      await q.query(`UPDATE unit_blocks SET serial_end = serial_end + 1 WHERE account_id = (SELECT id FROM accounts WHERE account_number = $1)`, [h.account]);
      // terms changed behind the ledger's back (a reserve of 960 on 100 units): no unit may leave but by retirement
      const setIssued = (issued: number) =>
        q.transaction(async (m) => {
          await m.query(`SELECT set_config('ledger.posting', 'on', true)`);
          await m.query(`UPDATE ledger_account_vintages SET issued = $2 WHERE account_id = (SELECT id FROM accounts WHERE account_number = $1)`, [h.account, issued]);
        });
      await setIssued(1000);
      expect((await refusal(ledger.transfer(h.a, { fromAccount: h.account, toAccount: to.account, quantity: '1' }))).code).toBe('COMMITMENT_RESERVE_VIOLATION');
      await setIssued(100);
    } finally {
      await q.query(`ALTER TABLE unit_blocks ENABLE TRIGGER unit_blocks_posting_only`);
    }
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
    const other = ledgerFor(db.dataSource, 'P2');
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

  describe("a posting's audit event (ledger_post_batch v4)", () => {
    const auditCount = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM audit_events`))[0].n as number;
    const eventsOf = (tx: string) => db.dataSource.query(`SELECT * FROM audit_events WHERE summary->'after'->>'transactionId' = $1`, [tx]);

    it('is written with each posting of a batch, in order; outside a request the database describes the posting; the sealer chains it', async () => {
      const p = await fundedParticipant(20);
      const to = await seedParticipant(db.dataSource);
      const args = (quantity: string) => ['transfer', p.account, to.account, quantity, p.login.id, null, p.login.tradingParticipantId, false, null, null, null, null, null];
      const before = await auditCount();
      const [{ r }] = await db.dataSource.query(`SELECT ledger_post_batch($1::jsonb) AS r`, [JSON.stringify([args('4'), args('100'), args('6')])]);
      expect(r.map((x: { ok: boolean }) => x.ok)).toEqual([true, false, true]);
      expect((await auditCount()) - before).toBe(2); // the refusal writes none
      const [first] = await eventsOf(r[0].transactionId);
      const [second] = await eventsOf(r[2].transactionId);
      expect(first).toMatchObject({
        login_uuid: p.login.id,
        login_id: p.login.loginId,
        role: 'trading_participant',
        action: 'ledger.transfer',
        target_type: 'accounts',
        target_id: p.account,
        target_holder_id: null,
        outcome: 'ok',
        status: 0,
        request_id: null,
        seq: null,
        hash: null,
      });
      expect(first.summary).toEqual({
        posting: { type: 'transfer', toAccount: to.account, quantity: '4' },
        before: { account: p.account, balance: '20' },
        after: { account: p.account, balance: '16', transactionId: r[0].transactionId },
      });
      expect(second.summary.before).toEqual({ account: p.account, balance: '16' }); // the batch's postings in order
      expect(BigInt(second.id)).toBeGreaterThan(BigInt(first.id));

      // the facts of a request (element 13; ledger_post's fourteenth argument) are written as given, with the posting's before/after
      const facts = { login_id: 'someone', role: 'trading_participant', action: 'POST /api/v1/transfers', target_type: 'transfers', target_id: p.account, target_holder_id: null, status: 201, request_id: 'req-1', client_ip: '10.0.0.1', summary: { body: { quantity: '1' }, before: { note: 'x' } } };
      const [{ r: one }] = await db.dataSource.query(`SELECT ledger_post('transfer', $1, $2, 1, $3, NULL, $4, false, NULL, NULL, NULL, NULL, NULL, $5::jsonb) AS r`, [
        p.account, to.account, p.login.id, p.login.tradingParticipantId, JSON.stringify(facts),
      ]);
      const [given, ...more] = await eventsOf(one.transactionId);
      expect(more).toEqual([]);
      expect(given).toMatchObject({ login_uuid: p.login.id, login_id: 'someone', action: 'POST /api/v1/transfers', target_type: 'transfers', status: 201, request_id: 'req-1', client_ip: '10.0.0.1', outcome: 'ok' });
      expect(given.summary).toEqual({ body: { quantity: '1' }, before: { note: 'x', account: p.account, balance: '10' }, after: { account: p.account, balance: '9', transactionId: one.transactionId } });

      // unsealed rows are chained by audit_seal() like any other; the chain verifies, every posting has its event
      await db.dataSource.query(`SELECT audit_seal(100000)`);
      expect((await eventsOf(one.transactionId))[0].hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await verifyAudit(db.dataSource)).toMatchObject({ firstBroken: null, unsealed: 0, unaudited: 0 });
    });

    it('rolls back with its posting: a failing batch, a failing event, a caller that rolls back leave neither', async () => {
      const p = await fundedParticipant(10);
      const to = await seedParticipant(db.dataSource);
      const args = (quantity: string, facts: unknown = null) => ['transfer', p.account, to.account, quantity, p.login.id, null, p.login.tradingParticipantId, false, null, null, null, null, null, facts];
      const counts = async () => ({ ...(await journalCounts(db.dataSource)), events: await auditCount() });
      const before = await counts();
      // a batch that fails after its first posting was computed (an unknown kind)
      await expect(db.dataSource.query(`SELECT ledger_post_batch($1::jsonb)`, [JSON.stringify([args('2'), ['nope', ...args('1').slice(1)]])])).rejects.toThrow(/unknown kind/);
      // an event that cannot be written (a status that is no number) takes its posting with it
      await expect(db.dataSource.query(`SELECT ledger_post_batch($1::jsonb)`, [JSON.stringify([args('2'), args('3', { action: 'POST /x', status: 'x' })])])).rejects.toThrow(/invalid input syntax for type integer/);
      // the caller's transaction rolls back after the batch was written
      await expect(
        db.dataSource.transaction(async (m) => {
          const [{ r }] = await m.query(`SELECT ledger_post_batch($1::jsonb) AS r`, [JSON.stringify([args('2'), args('3')])]);
          expect(r.map((x: { ok: boolean }) => x.ok)).toEqual([true, true]);
          const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM audit_events WHERE summary->'after'->>'transactionId' = ANY ($1::text[])`, [r.map((x: { transactionId: string }) => x.transactionId)]);
          expect(n).toBe(2); // written in the caller's transaction…
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // … and gone with it, as is everything of the failed batches
      expect(await counts()).toEqual(before);
      expect(await balanceOf(db.dataSource, p.account)).toBe('10');
      expect(await verifyAudit(db.dataSource)).toMatchObject({ unaudited: 0 });
    });

    it('phase close: each expiry has its event, and a close that rolls back leaves no expiry and no event', async () => {
      await seedVintage(db.dataSource, ledger, 'AU1', 40, new Date(Date.now() - 1000));
      const h = await seedHolder(db.dataSource);
      await holderTerms(db.dataSource, ledger, h.holderId, 'AU1', 50, 0);
      await ledger.issue(sec, h.holderId, 'AU1');
      const before = { ...(await journalCounts(db.dataSource)), events: await auditCount() };
      await expect(
        db.dataSource.transaction(async (m) => {
          await ledger.expireVintage(m, sec, 'AU1');
          throw new Error('close failed later');
        }),
      ).rejects.toThrow('close failed later');
      expect({ ...(await journalCounts(db.dataSource)), events: await auditCount() }).toEqual(before);
      const [expired] = await db.dataSource.transaction((m) => ledger.expireVintage(m, sec, 'AU1'));
      const events = await eventsOf(expired.transactionId);
      expect(events).toEqual([expect.objectContaining({ action: 'ledger.expiry', login_uuid: sec.id, role: 'secretariat', target_id: h.account, outcome: 'ok' })]);
      expect(events[0].summary).toMatchObject({ posting: { type: 'expiry', toAccount: 'AST-101', quantity: '50' }, after: { account: h.account, balance: '0' } });
    });
  });

  it('ledger_post_batch returns one result per posting, in order, refusals and replays included', async () => {
    const p = await fundedParticipant(10);
    const to = await seedParticipant(db.dataSource);
    const args = (quantity: string, key: string | null, hash: string | null) =>
      ['transfer', p.account, to.account, quantity, p.login.id, null, p.login.tradingParticipantId, false, key, hash, null, null, null];
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
    expect((await refusal(ledger.correct(sec, { accountNumber: p.account, direction: 'credit', quantity: '5', reason: '訂正' }))).code).toBe('VINTAGE_REQUIRED');
    const credit = await ledger.correct(sec, { accountNumber: p.account, direction: 'credit', quantity: '5', reason: '訂正', vintage: 'P2' });
    expect(credit).toMatchObject({ type: 'correction', fromAccount: 'AST-1', toAccount: p.account });
    expect(credit.serials).toHaveLength(1);
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
   * Random operations over two holders (with reserves, in two phases A and B) and a participant,
   * checked against an in-memory model of every serial: transfers, retirements toward a phase,
   * cancellations and offsets (optionally of one vintage), the issuance of B, banking of A units
   * and, at the end, the close of A (expiry of its unbanked units). What each operation must answer,
   * the balances and the serial ranges every account holds afterwards. `post` sends a sequence of
   * postings (one by one through the service, or as one ledger_post_batch() call).
   */
  type Op =
    | { kind: 'move'; from: string; to: string; quantity: string; vintage: string | null; phase: string | null; key: string | null }
    | { kind: 'issue'; key: string | null }
    | { kind: 'bank'; from: string; quantity: string };
  async function modelCheck(post: (ops: Op[], ctx: { owners: Record<string, Actor>; issueHolder: string }) => Promise<string[]>, seed: number) {
    const [A, B] = [`A${seed % 1000}`, `B${seed % 1000}`];
    await seedVintage(db.dataSource, ledger, A, 100 + (seed % 1000));
    await seedVintage(db.dataSource, ledger, B, 2000 + (seed % 1000));
    const rank: Record<string, number> = { [A]: 1, [B]: 2 };
    const [{ next: nextA }] = await db.dataSource.query(`SELECT next_serial::text AS next FROM ledger_vintages WHERE code = $1`, [A]);
    const h1 = await fundedHolder(300, 100, A); // reserve 200 on A
    await holderTerms(db.dataSource, ledger, h1.holderId, B, 50, 10); // B: 50 to issue, reserve 40 once issued
    const h2 = await fundedHolder(200, 150, A); // reserve 50 on A
    const p = await fundedParticipant(100, A);
    const owners: Record<string, Actor> = { [h1.account]: h1.a, [h2.account]: h2.a, [p.account]: p.login };
    const accounts = [h1.account, h2.account, p.account];
    const system = ['AST-2', 'AST-101', 'AST-201'];
    type Range = { vintage: string; from: bigint; to: bigint; banked: boolean };
    type Terms = { issued: bigint; target: bigint; retired: bigint; issuable: bigint };
    const start = BigInt(nextA); // h1's 300, h2's 200, then the 100 of p's funding holder
    const held = new Map<string, Range[]>([
      [h1.account, [{ vintage: A, from: start, to: start + 299n, banked: false }]],
      [h2.account, [{ vintage: A, from: start + 300n, to: start + 499n, banked: false }]],
      [p.account, [{ vintage: A, from: start + 500n, to: start + 599n, banked: false }]],
      ...system.map((s) => [s, []] as [string, Range[]]),
    ]);
    const terms = new Map<string, Terms>([
      [`${h1.account}/${A}`, { issued: 300n, target: 100n, retired: 0n, issuable: 300n }],
      [`${h1.account}/${B}`, { issued: 0n, target: 10n, retired: 0n, issuable: 50n }],
      [`${h2.account}/${A}`, { issued: 200n, target: 150n, retired: 0n, issuable: 200n }],
    ]);
    let nextB = 1n;
    const [{ b }] = await db.dataSource.query(`SELECT next_serial::text AS b FROM ledger_vintages WHERE code = $1`, [B]);
    nextB = BigInt(b);
    const systemBefore = new Map<string, Decimal>();
    for (const s of system) systemBefore.set(s, new Decimal(await balanceOf(db.dataSource, s)));
    const order = (x: Range, y: Range) => rank[x.vintage] - rank[y.vintage] || Number(x.from - y.from);
    const total = (rs: Range[]) => rs.reduce((n, r) => n + r.to - r.from + 1n, 0n);
    const reserveOf = (account: string, vintage: string) => {
      const t = terms.get(`${account}/${vintage}`);
      if (!t || account === p.account) return 0n;
      const r = t.issued - t.target - t.retired;
      return r > 0n ? r : 0n;
    };
    /** Takes q units in taking order from the eligible ranges (with per-vintage limits); the pieces taken. */
    const take = (account: string, q: bigint, eligible: (r: Range) => boolean, limit: (v: string) => bigint | null) => {
      const rs = held.get(account)!.sort(order);
      const pieces: Range[] = [];
      const left = new Map<string, bigint>();
      let need = q;
      for (const r of rs) {
        if (need === 0n || !eligible(r)) continue;
        const cap = limit(r.vintage);
        const free = cap === null ? r.to - r.from + 1n : (left.has(r.vintage) ? left.get(r.vintage)! : cap);
        let n = r.to - r.from + 1n;
        if (n > need) n = need;
        if (cap !== null && n > free) n = free;
        if (n <= 0n) continue;
        if (cap !== null) left.set(r.vintage, free - n);
        pieces.push({ ...r, to: r.from + n - 1n });
        need -= n;
      }
      return need === 0n ? pieces : null;
    };
    const remove = (account: string, pieces: Range[]) => {
      let rs = held.get(account)!;
      for (const piece of pieces) {
        rs = rs.flatMap((r) =>
          r.vintage !== piece.vintage || r.banked !== piece.banked || piece.to < r.from || piece.from > r.to
            ? [r]
            : [...(r.from < piece.from ? [{ ...r, to: piece.from - 1n }] : []), ...(piece.to < r.to ? [{ ...r, from: piece.to + 1n }] : [])],
        );
      }
      held.set(account, rs);
    };
    const keys = new Map<string, { body: string; outcome: string }>();
    let run = 0;
    const move = fc.record({
      kind: fc.constant('move' as const),
      from: fc.constantFrom(...accounts),
      to: fc.constantFrom(...accounts, ...system),
      quantity: fc.oneof(fc.integer({ min: 1, max: 120 }).map(String), fc.constantFrom('0', '2.5')),
      vintage: fc.option(fc.constantFrom(A, B), { freq: 3 }),
      phase: fc.constantFrom(A, B),
      key: fc.option(fc.constantFrom('k1', 'k2'), { freq: 3 }),
    });
    const issue = fc.record({ kind: fc.constant('issue' as const), key: fc.constant(null) });
    const op = fc.oneof({ arbitrary: move, weight: 10 }, { arbitrary: issue, weight: 1 });

    const expect1 = (o: Op): string => {
      if (o.kind === 'bank') {
        const pieces = take(o.from, BigInt(o.quantity), (r) => r.vintage === A && !r.banked, () => null);
        if (!pieces) return 'INSUFFICIENT_ELIGIBLE_UNITS';
        remove(o.from, pieces);
        held.get(o.from)!.push(...pieces.map((x) => ({ ...x, banked: true })));
        return 'ok';
      }
      if (o.kind === 'issue') {
        const t = terms.get(`${h1.account}/${B}`)!;
        if (t.issued > 0n) return 'ALREADY_ISSUED';
        held.get(h1.account)!.push({ vintage: B, from: nextB, to: nextB + 49n, banked: false });
        nextB += 50n;
        t.issued = 50n;
        return 'ok';
      }
      const body = JSON.stringify([o.from, o.to, o.quantity, o.vintage, o.to === 'AST-2' ? o.phase : null]);
      const keyed = o.key === null ? undefined : keys.get(`${o.from}/${o.key}`);
      if (keyed) return keyed.body === body ? (keyed.outcome === 'ok' ? 'replayed' : keyed.outcome) : 'IDEMPOTENCY_KEY_REUSED';
      const outcome = (() => {
        const q = /^[1-9][0-9]*$/.test(o.quantity) ? BigInt(o.quantity) : null;
        const retirement = o.to === 'AST-2';
        const compliance = o.from !== p.account;
        if (q === null) return 'QUANTITY_NOT_WHOLE_POSITIVE';
        if (o.from === o.to) return 'SAME_ACCOUNT';
        if (retirement && !compliance) return 'RETIREMENT_ONLY_FROM_COMPLIANCE';
        if (retirement && !terms.has(`${o.from}/${o.phase}`)) return 'NOT_IN_PHASE';
        if (retirement && o.vintage && rank[o.vintage] > rank[o.phase!]) return 'VINTAGE_NOT_ACCEPTED';
        if (total(held.get(o.from)!) < q) return 'INSUFFICIENT_BALANCE';
        const eligible = (r: Range) => (!o.vintage || r.vintage === o.vintage) && (!retirement || r.vintage === o.phase || (r.banked && rank[r.vintage] < rank[o.phase!]));
        if (total(held.get(o.from)!.filter(eligible)) < q) return 'INSUFFICIENT_ELIGIBLE_UNITS';
        const pieces = take(o.from, q, eligible, (v) => {
          if (retirement || !compliance) return null;
          const r = reserveOf(o.from, v);
          return r > 0n ? total(held.get(o.from)!.filter((x) => x.vintage === v)) - r : null;
        });
        if (!pieces) return 'COMMITMENT_RESERVE_VIOLATION';
        remove(o.from, pieces);
        held.get(o.to)!.push(...pieces);
        if (retirement) terms.get(`${o.from}/${o.phase}`)!.retired += q;
        return 'ok';
      })();
      if (o.key !== null) keys.set(`${o.from}/${o.key}`, { body, outcome });
      return outcome;
    };
    const check = async () => {
      const got = await heldRanges(db.dataSource, accounts);
      const want = mergeRanges(accounts, accounts.flatMap((a) => held.get(a)!.map((r) => ({ account: a, ...r }))));
      expect(got).toEqual(want);
      for (const s of system) {
        expect([s, new Decimal(await balanceOf(db.dataSource, s)).minus(systemBefore.get(s)!).toFixed()]).toEqual([s, total(held.get(s)!).toString()]);
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.option(fc.record({ from: fc.constantFrom(...accounts), quantity: fc.integer({ min: 1, max: 60 }).map(String) })), async (generated, bank) => {
        run++;
        const ops = generated.map((o) => (o.kind === 'move' ? { ...o, key: o.key === null ? null : `${seed}-${run}-${o.key}` } : o));
        const expected = ops.map(expect1);
        expect(await post(ops, { owners, issueHolder: h1.holderId })).toEqual(expected);
        await check();
        if (bank) {
          const o: Op = { kind: 'bank', ...bank };
          const want = expect1(o);
          const got = await db.dataSource.transaction((m) => ledger.bankUnits(m, bank.from, A, new Decimal(bank.quantity))).then(() => 'ok', (e: DomainError) => e.code);
          expect(got).toBe(want);
          await check();
        }
      }),
      { numRuns: 20, seed },
    );
    // close A: its reserves have lapsed; every unbanked A unit in the three accounts expires
    await db.dataSource.transaction((m) => ledger.setReserveEnd(m, A, new Date(Date.now() - 1000)));
    const expiries = await db.dataSource.transaction((m) => ledger.expireVintage(m, sec, A));
    for (const a of accounts) {
      const gone = held.get(a)!.filter((r) => r.vintage === A && !r.banked);
      const e = expiries.find((x) => x.accountNumber === a);
      expect([a, e?.quantity ?? '0']).toEqual([a, total(gone).toString()]);
      remove(a, gone);
      held.get('AST-101')!.push(...gone);
    }
    await check();
  }

  it('matches an in-memory model of every serial over random operation sequences (property-based)', async () => {
    await modelCheck(async (ops, { owners, issueHolder }) => {
      const outcomes: string[] = [];
      for (const o of ops) {
        const result =
          o.kind === 'issue'
            ? ledger.issue(sec, issueHolder, `B${20261123 % 1000}`)
            : ledger.transfer(
                owners[(o as { from: string }).from],
                {
                  fromAccount: (o as { from: string }).from,
                  toAccount: (o as { to: string }).to,
                  quantity: (o as { quantity: string }).quantity,
                  ...((o as { vintage: string | null }).vintage ? { vintage: (o as { vintage: string }).vintage } : {}),
                  ...((o as { to: string }).to === 'AST-2' ? { phaseId: (o as { phase: string }).phase } : {}),
                },
                (o as { key: string | null }).key ?? undefined,
              );
        outcomes.push(await result.then((r) => (r.replayed ? 'replayed' : 'ok'), (e: DomainError) => e.code));
      }
      return outcomes;
    }, 20261123);
  });

  it('matches the same model when each random sequence is one batch (postings of one account see each other in order)', async () => {
    await modelCheck(async (ops, { owners, issueHolder }) => {
      const account = Object.keys(owners)[0];
      const args = ops.map((o) => {
        if (o.kind === 'issue') return ['issuance', null, account, null, sec.id, null, null, true, null, null, `B${20261130 % 1000}`, null, null];
        if (o.kind !== 'move') throw new Error('no banking inside a batch');
        const actor = owners[o.from];
        const retirement = o.to === 'AST-2';
        return ['transfer', o.from, o.to, o.quantity, actor.id, actor.targetHolderId ?? null, actor.tradingParticipantId ?? null, false,
          o.key, o.key === null ? null : JSON.stringify([o.from, o.to, o.quantity, o.vintage, retirement ? o.phase : null]),
          retirement ? o.phase : null, null, o.vintage];
      });
      void issueHolder;
      const [{ r }] = await db.dataSource.query(`SELECT ledger_post_batch($1::jsonb) AS r`, [JSON.stringify(args)]);
      return (r as { ok: boolean; code?: string; replayed?: boolean }[]).map((x) => (x.ok ? (x.replayed ? 'replayed' : 'ok') : x.code!));
    }, 20261130);
  });
});
