import ExcelJS from 'exceljs';
import { createTestApp, type TestApp, binary } from '../support/app';
import { activatedHolder, activatedParticipant, auth, secretariatToken, type Holder } from '../factories/identity';

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

  it('issues after the secretariat records the terms, and shows balance, reserve and availability to login A', async () => {
    const early = await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phase: '第2期' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'NO_COMPLIANCE_TERMS', details: { check: 'L-5001' } });

    const terms = await t.http().put(`/api/v1/target-holders/${holder.id}/compliance-terms`).set(auth(sec)).send({ phase: '第2期', baseYearEmissions: '2000.4', reductionTarget: '800' });
    expect(terms.status).toBe(200);
    expect(terms.body).toMatchObject({ accountNumber: holder.accountNumber, issuable: '1200' });
    const numberNotString = await t.http().put(`/api/v1/target-holders/${holder.id}/compliance-terms`).set(auth(sec)).send({ phase: '第2期', baseYearEmissions: 2000, reductionTarget: '800' });
    expect(numberNotString.status).toBe(400);

    const issued = await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phase: '第2期' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ type: 'issuance', status: 'completed', fromAccount: 'AST-1', toAccount: holder.accountNumber, quantity: '1200' });
    const twice = await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phase: '第2期' });
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
    expect(retired.body.type).toBe('retirement');
    const view = await t.http().get(`/api/v1/accounts/${holder.accountNumber}`).set(auth(holder.a.token!)).expect(200);
    expect(view.body).toMatchObject({ balance: '450', commitmentReserve: '0', available: '450' });

    const offset = await transfer(trader.token, { fromAccount: trader.accountNumber, toAccount: 'AST-201', quantity: '10' });
    expect(offset.body.type).toBe('offset');
    const cancel = await transfer(trader.token, { fromAccount: trader.accountNumber, toAccount: 'AST-101', quantity: '10' });
    expect(cancel.body.type).toBe('cancellation');
    const traderRetire = await transfer(trader.token, { fromAccount: trader.accountNumber, toAccount: 'AST-2', quantity: '1' });
    expect(traderRetire.body.code).toBe('RETIREMENT_ONLY_FROM_COMPLIANCE');
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
    expect(first.body.items[0]).toMatchObject({ type: 'retirement', amount: '-450', balanceAfter: '450', counterpartyAccount: 'AST-2' });
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
    expect(ws.getCell('B4').value).toBe('450');
    const rows = ws.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    const body = rows.slice(rows.findIndex((r) => String(r[0]).startsWith('日時')) + 1);
    expect(body.map((r) => [r[4], r[5]])).toEqual([['1200', '1200'], ['-300', '900'], ['-450', '450']]);
  });

  it('shows the secretariat every account and books that sum to zero', async () => {
    const totals = await t.http().get('/api/v1/ledger/totals').set(auth(sec)).expect(200);
    expect(totals.body.totalBalance).toBe('0');
    expect(totals.body.systemAccounts.find((a: { accountNumber: string }) => a.accountNumber === 'AST-1').balance).toBe('-1200');
    expect(totals.body.systemAccounts.find((a: { accountNumber: string }) => a.accountNumber === 'AST-2').balance).toBe('450');
    const list = await t.http().get('/api/v1/accounts?limit=100').set(auth(sec)).expect(200);
    expect(list.body.items.map((a: { accountNumber: string }) => a.accountNumber)).toEqual(expect.arrayContaining(['AST-1', holder.accountNumber, trader.accountNumber]));
    const correction = await t.http().post('/api/v1/corrections').set(auth(sec)).send({ accountNumber: trader.accountNumber, direction: 'credit', quantity: '2', reason: '移転誤りの訂正' });
    expect(correction.status).toBe(201);
    expect((await t.http().post('/api/v1/corrections').set(auth(sec)).send({ accountNumber: trader.accountNumber, direction: 'credit', quantity: '2' })).status).toBe(400);
  });
});
