import ExcelJS from 'exceljs';
import { AuditService } from '../../src/modules/audit/audit.service';
import { BOOTSTRAP_LOGIN, createTestApp, type TestApp, binary } from '../support/app';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { ComplianceService } from '../../src/modules/compliance/compliance.service';
import { activatedHolder, activatedParticipant, auth, createPhase, phaseWithApprovals, secretariatToken, type Holder } from '../factories/identity';

describe('allowances over HTTP', () => {
  let t: TestApp;
  let sec: string;
  let holder: Holder;
  let other: Holder;
  let trader: Awaited<ReturnType<typeof activatedParticipant>>;

  beforeAll(async () => {
    t = await createTestApp();
    sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
    other = await activatedHolder(t, sec);
    trader = await activatedParticipant(t, sec);
  });
  afterAll(async () => {
    await t?.close();
  });

  const transfer = (token: string, body: object, key?: string) => {
    const req = t.http().post('/api/v1/transfers').set(auth(token));
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  let phaseId: string;
  let vintage: string;
  it('issues the amount base-year approval fixed, once, as one serial block, and shows balance, reserve and availability to login A', async () => {
    const elsewhere = await createPhase(t, sec, { retirementDeadline: '2015-12-01' });
    const notIn = await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId: elsewhere.id });
    expect(notIn.status).toBe(422);
    expect(notIn.body).toMatchObject({ code: 'NO_COMPLIANCE_TERMS', details: { check: 'L-5001' } });
    // the free route that let any figures be issued is gone: issuance only from confirmed figures
    expect((await t.http().put(`/api/v1/target-holders/${holder.id}/compliance-terms`).set(auth(sec)).send({ phase: '第2期', baseYearEmissions: '2000.4', reductionTarget: '800' })).status).toBe(404);

    const phase = await phaseWithApprovals(t, sec, holder.id, { reductionTarget: '800' }, { adoptedFiscalYear: 2024, baseFiscalYear: 2024, targetFiscalYear: 2025, adjustmentFiscalYear: 2026, retirementDeadline: '2026-12-31' });
    [phaseId, vintage] = [phase.id, phase.code];
    const early = await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId });
    expect(early.body).toMatchObject({ code: 'NO_COMPLIANCE_TERMS', details: { check: 'L-5001' } }); // joined, base year not approved
    await t.app.get(DataSource).transaction((m) =>
      t.app.get(ComplianceService).reportApproved(m, { targetHolderId: holder.id, phaseId, kind: 'base_year', emissions: new Decimal('2000.4') }),
    );
    expect((await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId: 123 })).status).toBe(400);
    expect((await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);

    const issued = await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ type: 'issuance', status: 'completed', fromAccount: 'AST-1', toAccount: holder.accountNumber, quantity: '1200', phase: vintage });
    expect(issued.body.serials).toEqual([{ vintage, from: '1', to: '1200', banked: false, label: `JAA-${vintage}-000000001–000001200` }]);
    const twice = await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ALREADY_ISSUED');

    const account = await t.http().get(`/api/v1/accounts/${holder.accountNumber}`).set(auth(holder.a.token!)).expect(200);
    expect(account.body).toEqual({
      accountNumber: holder.accountNumber,
      type: 'compliance',
      name: expect.any(String),
      status: 'open',
      balance: '1200',
      commitmentReserve: '400',
      available: '800',
      holdings: [{ vintage, quantity: '1200', banked: '0', commitmentReserve: '400', reserveEndsAt: '2026-12-31T14:59:59.999Z' }],
    });
  });

  it('transfers, retires, refuses what breaks a rule, and replays idempotent requests', async () => {
    const sent = await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '300' }, 'tx-1');
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ type: 'transfer', quantity: '300', fromAccount: holder.accountNumber, toAccount: trader.accountNumber });
    expect(sent.body).not.toHaveProperty('fromBalanceAfter');

    const replay = await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '300' }, 'tx-1');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.transactionId).toBe(sent.body.transactionId);
    const reused = await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '301' }, 'tx-1');
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const reserve = await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '501' });
    expect(reserve.status).toBe(422);
    expect(reserve.body).toMatchObject({ code: 'COMMITMENT_RESERVE_VIOLATION', details: { check: 'L-3002', commitmentReserve: '400', available: '500' } });

    const retired = await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: 'AST-2', quantity: '450' });
    expect(retired.status).toBe(201);
    expect(retired.body).toMatchObject({ type: 'retirement', phase: vintage }); // the phase by default: the only one open
    expect(retired.body.serials).toEqual([expect.objectContaining({ vintage, from: '301', to: '750' })]);
    const view = await t.http().get(`/api/v1/accounts/${holder.accountNumber}`).set(auth(holder.a.token!)).expect(200);
    expect(view.body).toMatchObject({ balance: '450', commitmentReserve: '0', available: '450' });

    const offset = await transfer(trader.token, { fromAccount: trader.accountNumber, toAccount: 'AST-201', quantity: '10' });
    expect(offset.body.type).toBe('offset');
    const cancel = await transfer(trader.token, { fromAccount: trader.accountNumber, toAccount: 'AST-101', quantity: '10' });
    expect(cancel.body.type).toBe('cancellation');
    const traderRetire = await transfer(trader.token, { fromAccount: trader.accountNumber, toAccount: 'AST-2', quantity: '1' });
    expect(traderRetire.body.code).toBe('RETIREMENT_ONLY_FROM_COMPLIANCE');
    // a retirement names a phase the holder is in, and units that phase accepts
    expect((await transfer(other.a.token!, { fromAccount: other.accountNumber, toAccount: 'AST-2', quantity: '1' })).body.code).toBe('NO_PHASE_TO_RETIRE_FOR');
    expect((await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: 'AST-2', quantity: '1', phaseId: '00000000-0000-4000-8000-000000000000' })).body.code).toBe('NOT_IN_PHASE');
    expect((await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '1', phaseId })).status).toBe(400); // only for retirements
    expect((await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '1', vintage: 'NOPE1' })).body.code).toBe('VINTAGE_NOT_FOUND');
    expect((await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '1', vintage: 'p2024' })).status).toBe(400);
  });

  it('gives bad input a clear 4xx and writes nothing', async () => {
    const [{ n: before }] = await t.db.dataSource.query(`SELECT count(*)::int n FROM ledger_transactions`);
    const bad: [object, number, string][] = [
      [{ fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: 10 }, 400, 'VALIDATION_FAILED'],
      [{ fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '1.5' }, 400, 'VALIDATION_FAILED'],
      [{ fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '-5' }, 400, 'VALIDATION_FAILED'],
      [{ fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '1e3' }, 400, 'VALIDATION_FAILED'],
      [{ fromAccount: 'ACC-1', toAccount: trader.accountNumber, quantity: '1' }, 400, 'VALIDATION_FAILED'],
      [{ fromAccount: holder.accountNumber, toAccount: 'AST-99999999', quantity: '1' }, 404, 'ACCOUNT_NOT_FOUND'],
      [{ fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '99999' }, 422, 'INSUFFICIENT_BALANCE'],
      [{ fromAccount: other.accountNumber, toAccount: trader.accountNumber, quantity: '1' }, 403, 'NOT_ACCOUNT_OWNER'],
      [{ fromAccount: holder.accountNumber, toAccount: 'AST-1', quantity: '1' }, 422, 'DESTINATION_NOT_ALLOWED'],
    ];
    for (const [body, status, code] of bad) {
      const res = await transfer(holder.a.token!, body);
      expect([body, res.status, res.body.code]).toEqual([body, status, code]);
    }
    const badKey = await transfer(holder.a.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '1' }, 'spaces are not allowed');
    expect(badKey.status).toBe(400);
    const [{ n: after }] = await t.db.dataSource.query(`SELECT count(*)::int n FROM ledger_transactions`);
    expect(after).toBe(before);
  });

  it("hides allowance information from login B and other holders", async () => {
    expect((await t.http().get(`/api/v1/accounts/${holder.accountNumber}`).set(auth(holder.b.token!))).status).toBe(403);
    expect((await transfer(holder.b.token!, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '1' })).status).toBe(403);
    const foreign = await t.http().get(`/api/v1/accounts/${holder.accountNumber}`).set(auth(other.a.token!));
    expect(foreign.status).toBe(404);
    expect((await t.http().get(`/api/v1/accounts/${holder.accountNumber}/transactions`).set(auth(trader.token))).status).toBe(404);
    expect((await t.http().get(`/api/v1/accounts/AST-2`).set(auth(holder.a.token!))).status).toBe(404);
  });

  it('pages the history with running balances and exports a statement workbook', async () => {
    const first = await t.http().get(`/api/v1/accounts/${holder.accountNumber}/transactions?limit=2`).set(auth(holder.a.token!)).expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({ type: 'retirement', amount: '-450', balanceAfter: '450', counterpartyAccount: 'AST-2', phase: vintage });
    expect(first.body.items[0].serials).toEqual([expect.objectContaining({ label: `JAA-${vintage}-000000301–000000750` })]);
    const rest = await t.http().get(`/api/v1/accounts/${holder.accountNumber}/transactions?limit=2&cursor=${first.body.nextCursor}`).set(auth(holder.a.token!)).expect(200);
    expect(rest.body.items).toEqual([expect.objectContaining({ type: 'issuance', amount: '1200', balanceAfter: '1200', counterpartyAccount: 'AST-1' })]);
    expect(rest.body.nextCursor).toBeNull();

    const file = await t.http().get(`/api/v1/accounts/${holder.accountNumber}/statement.xlsx`).set(auth(holder.a.token!)).buffer(true).parse(binary);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((file.body as Buffer).buffer as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getCell('B2').value).toBe(holder.accountNumber);
    expect(ws.getCell('B4').value).toBe(450); // numbers as numbers
    expect(ws.getCell('A7').value).toBe('作成日時 / Generated at (JST)');
    expect(String(ws.getCell('B7').value)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const rows = ws.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    const body = rows.slice(rows.findIndex((r) => String(r[0]).startsWith('日時')) + 1);
    expect(rows.find((r) => String(r[0]).startsWith('日時'))![0]).toBe('日時 / Time (JST)');
    expect(body.map((r) => [r[4], r[5]])).toEqual([[1200, 1200], [-300, 900], [-450, 450]]);
    // times in JST: the newest entry's instant (from the JSON history) nine hours on
    const jst = new Date(Date.parse(first.body.items[0].createdAt) + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(body[body.length - 1][0]).toBe(jst);
    expect(body.map((r) => r[7])).toEqual([`JAA-${vintage}-000000001–000001200`, `JAA-${vintage}-000000001–000000300`, `JAA-${vintage}-000000301–000000750`]);
  });

  it('shows the secretariat every account and books that sum to zero', async () => {
    const totals = await t.http().get('/api/v1/ledger/totals').set(auth(sec)).expect(200);
    expect(totals.body.totalBalance).toBe('0');
    expect(totals.body.systemAccounts.find((a: { accountNumber: string }) => a.accountNumber === 'AST-1').balance).toBe('-1200');
    expect(totals.body.systemAccounts.find((a: { accountNumber: string }) => a.accountNumber === 'AST-2').balance).toBe('450');
    const list = await t.http().get('/api/v1/accounts?limit=100').set(auth(sec)).expect(200);
    expect(list.body.items.map((a: { accountNumber: string }) => a.accountNumber)).toEqual(expect.arrayContaining(['AST-1', holder.accountNumber, trader.accountNumber]));
    expect((await t.http().post('/api/v1/corrections').set(auth(sec)).send({ accountNumber: trader.accountNumber, direction: 'credit', quantity: '2', reason: '移転誤りの訂正' })).body.code).toBe('VINTAGE_REQUIRED');
    const correction = await t.http().post('/api/v1/corrections').set(auth(sec)).send({ accountNumber: trader.accountNumber, direction: 'credit', quantity: '2', reason: '移転誤りの訂正', vintage });
    expect(correction.status).toBe(201);
    expect(correction.body.serials).toEqual([expect.objectContaining({ vintage, from: '1201', to: '1202' })]);
    expect((await t.http().post('/api/v1/corrections').set(auth(sec)).send({ accountNumber: trader.accountNumber, direction: 'credit', quantity: '2' })).status).toBe(400);
  });
});

describe('allowances at the edges (own database: AST-1 is taken to its limit)', () => {
  let t: TestApp;
  let sec: string;
  let trader: Awaited<ReturnType<typeof activatedParticipant>>;
  let other: Awaited<ReturnType<typeof activatedParticipant>>;

  let vintage: string;
  beforeAll(async () => {
    t = await createTestApp();
    sec = await secretariatToken(t);
    trader = await activatedParticipant(t, sec);
    other = await activatedParticipant(t, sec);
    vintage = (await createPhase(t, sec)).code;
  });
  afterAll(async () => {
    await t?.close();
  });

  const correct = (accountNumber: string, direction: 'credit' | 'debit', quantity: string, reason = '訂正', key?: string) => {
    const req = t.http().post('/api/v1/corrections').set(auth(sec));
    return (key ? req.set('Idempotency-Key', key) : req).send({ accountNumber, direction, quantity, reason, vintage });
  };

  it('a correction reason of whitespace only (full-width spaces, tabs, newlines) is refused by validation and does not use up its Idempotency-Key; a reason is stored trimmed', async () => {
    const [{ n: before }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_transactions`);
    for (const [i, reason] of ['\u3000', '  ', '\t\n', ' \u3000 ', '\u00a0\ufeff'].entries()) {
      const key = `blank-reason-${i}`;
      const res = await correct(trader.accountNumber, 'credit', '1', reason, key);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'reason', problems: [expect.stringContaining('blank')] }] } });
      // the same key with the reason given is a new posting, not a replay of the refusal or a conflict
      const retried = await correct(trader.accountNumber, 'credit', '1', '訂正の理由', key);
      expect([retried.status, retried.body.replayed]).toEqual([201, undefined]);
      const replayed = await correct(trader.accountNumber, 'credit', '1', '訂正の理由', key);
      expect([replayed.status, replayed.body.transactionId, replayed.body.replayed]).toEqual([201, retried.body.transactionId, true]);
    }
    const [{ n: after }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_transactions`);
    expect(after).toBe(before + 5);
    const ok = await correct(trader.accountNumber, 'credit', '5', '\u3000発行数量の誤り\n');
    expect(ok.status).toBe(201);
    const [row] = await t.db.dataSource.query(`SELECT reason FROM ledger_transactions WHERE id = $1`, [ok.body.transactionId]);
    expect(row.reason).toBe('発行数量の誤り');
  });

  it('a posting beyond what a vintage can number (2^63 − 1 serials) is 422 LEDGER_LIMIT_EXCEEDED, writes nothing, and postings beside it go through', async () => {
    // the API takes at most 18 digits per posting; the way to the limit is taken directly in SQL
    const [{ id: secId }] = await t.db.dataSource.query(`SELECT id FROM logins WHERE login_id = $1`, [BOOTSTRAP_LOGIN]);
    const [{ next }] = await t.db.dataSource.query(`SELECT next_serial::text AS next FROM ledger_vintages WHERE code = $1`, [vintage]);
    const room = 9223372036854775807n - BigInt(next); // serials still free, the last one (next_serial must stay a bigint) excluded
    const [{ r }] = await t.db.dataSource.query(
      `SELECT ledger_post('correction', 'AST-1', $1, $2::numeric, $3, NULL, NULL, true, NULL, NULL, NULL, 'to the limit', $4) AS r`,
      [other.accountNumber, (room - 5n).toString(), secId, vintage],
    );
    expect(r.ok).toBe(true);
    const [{ n: before }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_transactions`);
    const [{ b: ast1 }] = await t.db.dataSource.query(`SELECT balance::text AS b FROM accounts WHERE account_number = 'AST-1'`);
    // an overflowing credit arrives among ordinary transfers
    const results = await Promise.all([
      correct(trader.accountNumber, 'credit', '999999999999999999', '上限超過', 'limit-1'),
      ...Array.from({ length: 4 }, () =>
        t.http().post('/api/v1/transfers').set(auth(trader.token)).send({ fromAccount: trader.accountNumber, toAccount: other.accountNumber, quantity: '1' }),
      ),
    ]);
    expect(results[0].status).toBe(422);
    expect(results[0].body).toMatchObject({ code: 'LEDGER_LIMIT_EXCEEDED', details: { check: 'L-3003' } });
    expect(results[0].body.message).toMatch(/上限/);
    expect(results.slice(1).map((res) => res.status)).toEqual([201, 201, 201, 201]);
    const [{ n: after }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_transactions`);
    expect(after).toBe(before + 4);
    const totals = await t.http().get('/api/v1/ledger/totals').set(auth(sec)).expect(200);
    expect(totals.body.totalBalance).toBe('0');
    expect(totals.body.systemAccounts.find((a: { accountNumber: string }) => a.accountNumber === 'AST-1').balance).toBe(ast1);
    // what still fits is still posted, to the last number; the refused key was not used up
    expect((await correct(trader.accountNumber, 'credit', '5', '上限超過', 'limit-1')).status).toBe(201);
    expect((await correct(trader.accountNumber, 'credit', '1')).body.code).toBe('LEDGER_LIMIT_EXCEEDED');
    await expect(t.db.dataSource.query(`SELECT next_serial::text AS n FROM ledger_vintages WHERE code = $1`, [vintage])).resolves.toEqual([{ n: '9223372036854775807' }]);
  });

  it('a transfer body nested 5,000 deep (10 KB) is 400 JSON_TOO_DEEP and moves nothing', async () => {
    const body = `{"fromAccount":"${trader.accountNumber}","toAccount":"${other.accountNumber}","quantity":"1","x":${'['.repeat(4999)}${']'.repeat(4999)}}`;
    const [{ n: before }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_transactions`);
    const res = await t.http().post('/api/v1/transfers').set(auth(trader.token)).set('content-type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('JSON_TOO_DEEP');
    const [{ n: after }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_transactions`);
    expect(after).toBe(before);
  });

  it('the secretariat blocks, reopens and closes accounts; blocked and closed accounts take no postings; the database guards the same rules', async () => {
    const setStatus = (accountNumber: string, status: string, reason = '口座の凍結（調査のため）', token = sec) =>
      t.http().put(`/api/v1/accounts/${accountNumber}/status`).set(auth(token)).send({ status, reason });
    const move = (from: typeof trader, to: string, quantity = '1') =>
      t.http().post('/api/v1/transfers').set(auth(from.token)).send({ fromAccount: from.accountNumber, toAccount: to, quantity });
    const third = await activatedParticipant(t, sec);
    expect((await move(other, third.accountNumber, '10')).status).toBe(201); // (AST-1 is at its limit here)

    expect((await setStatus(third.accountNumber, 'blocked', 'x', third.token)).status).toBe(403);
    const blocked = await setStatus(third.accountNumber, 'blocked');
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ accountNumber: third.accountNumber, status: 'blocked', balance: '10' });
    expect((await setStatus(third.accountNumber, 'blocked')).body.status).toBe('blocked'); // PUT: the same again changes nothing
    const out = await move(third, trader.accountNumber);
    expect(out.status).toBe(422);
    expect(out.body).toMatchObject({ code: 'ACCOUNT_NOT_OPEN', details: { check: 'L-1002' } });
    expect((await move(trader, third.accountNumber)).body.code).toBe('ACCOUNT_NOT_OPEN');
    const seen = await t.http().get(`/api/v1/accounts/${third.accountNumber}`).set(auth(third.token)).expect(200);
    expect(seen.body).toMatchObject({ status: 'blocked', balance: '10' });

    expect((await setStatus(third.accountNumber, 'open', '調査終了')).body.status).toBe('open');
    expect((await move(third, trader.accountNumber, '4')).status).toBe(201);

    const notEmpty = await setStatus(third.accountNumber, 'closed', '登録の取消し');
    expect(notEmpty.status).toBe(422);
    expect(notEmpty.body).toMatchObject({ code: 'ACCOUNT_NOT_EMPTY', details: { balance: '6' } });
    expect((await move(third, trader.accountNumber, '6')).status).toBe(201);
    const closed = await setStatus(third.accountNumber, 'closed', '登録の取消し');
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', balance: '0' });
    expect((await setStatus(third.accountNumber, 'open', '再開')).body.code).toBe('ACCOUNT_CLOSED');
    expect((await move(trader, third.accountNumber)).body.code).toBe('ACCOUNT_NOT_OPEN');

    for (const system of ['AST-1', 'AST-2', 'AST-101', 'AST-201']) {
      expect((await setStatus(system, 'blocked')).body.code).toBe('ACCOUNT_STATUS_FIXED');
    }
    expect((await setStatus('AST-999999', 'blocked')).status).toBe(404);
    expect((await setStatus(trader.accountNumber, 'frozen')).status).toBe(400);
    const blank = await setStatus(trader.accountNumber, 'blocked', '\u3000 ');
    expect(blank.status).toBe(400);
    expect(blank.body.code).toBe('REASON_REQUIRED');
    expect((await t.http().get(`/api/v1/accounts/${trader.accountNumber}`).set(auth(sec))).body.status).toBe('open');

    // the audit trail has who, what and why
    await t.app.get(AuditService).flush();
    const [event] = await t.db.dataSource.query(
      `SELECT login_id, outcome, summary FROM audit_events WHERE action = 'PUT /api/v1/accounts/:accountNumber/status' AND outcome = 'ok' ORDER BY id DESC LIMIT 1`,
    );
    expect(event).toMatchObject({ login_id: BOOTSTRAP_LOGIN, summary: { before: { status: 'open' }, after: { status: 'closed', reason: '登録の取消し' } } });

    // the database holds the same rules without the service
    const sql = (q: string) => t.db.dataSource.query(q);
    await expect(sql(`UPDATE accounts SET status = 'open' WHERE account_number = '${third.accountNumber}'`)).rejects.toThrow(/stays closed/);
    await expect(sql(`UPDATE accounts SET status = 'closed' WHERE account_number = '${trader.accountNumber}'`)).rejects.toThrow(/ck_accounts_closed_empty/);
    await expect(sql(`UPDATE accounts SET status = 'blocked' WHERE account_number = 'AST-2'`)).rejects.toThrow(/ck_accounts_system_open/);
  });

  it('a history cursor beyond bigint is 400, not a database error', async () => {
    const cursor = Buffer.from('9999999999999999999').toString('base64url');
    const res = await t.http().get(`/api/v1/accounts/${trader.accountNumber}/transactions?cursor=${cursor}`).set(auth(trader.token));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'cursor' }] } });
    const audit = await t.http().get(`/api/v1/audit-events?cursor=${cursor}`).set(auth(sec));
    expect(audit.status).toBe(400);
    const largest = Buffer.from('9223372036854775807').toString('base64url');
    expect((await t.http().get(`/api/v1/accounts/${trader.accountNumber}/transactions?cursor=${largest}`).set(auth(trader.token))).status).toBe(200);
  });

  it('a (time, id) cursor must be exactly what the registry wrote: anything else is 400, not a database error', async () => {
    const uuid = '00000000-0000-4000-8000-000000000000';
    const cursorOf = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const bad = [
      { at: '1', id: uuid },
      { at: 'foo 2020', id: uuid },
      { at: '+275760-09-13T00:00:00.000Z', id: uuid },
      { at: '2026-02-31T00:00:00.000Z', id: uuid },
      { at: '2026-01-01T00:00:00.000Z', id: '-'.repeat(36) },
      { at: '2026-01-01T00:00:00.000Z', id: 7 },
    ];
    for (const path of ['/api/v1/notifications', '/api/v1/target-holders', '/api/v1/verifiers', '/api/v1/registration-applications']) {
      for (const key of bad) {
        const res = await t.http().get(`${path}?cursor=${cursorOf(key)}`).set(auth(sec));
        expect([path, key, res.status, res.body.code]).toEqual([path, key, 400, 'VALIDATION_FAILED']);
      }
      const good = await t.http().get(`${path}?cursor=${cursorOf({ at: '2999-01-01T00:00:00.000Z', id: uuid })}`).set(auth(sec));
      expect([path, good.status]).toEqual([path, 200]);
    }
  });
});
