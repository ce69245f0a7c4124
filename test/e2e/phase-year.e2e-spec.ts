import { Clock } from '../../src/core/clock/clock';
import { EMISSION_FACTORS } from '../../src/modules/emissions/excel/factors';
import { buildTemplate } from '../../src/modules/emissions/excel/template';
import { AuditService } from '../../src/modules/audit/audit.service';
import { verifyAudit } from '../../src/modules/audit/verify';
import { verifyLedger } from '../../src/modules/ledger/verify';
import { hostile } from '../fixtures/zip';
import { createEmbeddedTestApp, createTestApp, type TestApp } from '../support/app';
import { activatedHolder, activatedParticipant, activatedVerifier, auth, secretariatToken } from '../factories/identity';

const GAS = EMISSION_FACTORS[1].label; // 2.05 t-CO2 per unit
const PDF = hostile.renamedPdf();

/**
 * Two consecutive phases for one holder, over HTTP, every figure of both checked after each step
 * (docs/domain.md §3–§6): issuance from approved base years, retirement toward a phase, the
 * deadline judged by the second (JST), banking in the window, phase close with expiry, banked
 * units retired in the next phase. Run on PostgreSQL and on the embedded database.
 */
async function twoPhaseYear(t: TestApp) {
  const http = t.http;
  const sec = await secretariatToken(t);
  const holder = await activatedHolder(t, sec);
  const other = await activatedHolder(t, sec);
  const trader = await activatedParticipant(t, sec);
  const verifier = await activatedVerifier(t, sec);
  await http().put(`/api/v1/target-holders/${holder.id}/verifier`).set(auth(sec)).send({ verifierId: verifier.id }).expect(200);
  const holderNumber = (await http().get(`/api/v1/target-holders/${holder.id}`).set(auth(sec))).body.holderNumber;
  const A = holder.a.token!;
  const clock = jest.spyOn(t.app.get(Clock), 'now');
  const at = (iso: string) => clock.mockReturnValue(new Date(iso));
  const realTime = () => clock.mockImplementation(() => new Date());

  const transfer = (token: string, body: object) => http().post('/api/v1/transfers').set(auth(token)).send(body);
  const retire = (quantity: string, extra: object = {}) => transfer(A, { fromAccount: holder.accountNumber, toAccount: 'AST-2', quantity, ...extra });
  const figures = async (code: string) => {
    const res = await http().get(`/api/v1/target-holders/${holder.id}/compliance`).set(auth(A)).expect(200);
    return res.body.items.find((i: { code: string }) => i.code === code);
  };
  const account = async (n = holder.accountNumber, token = A) => (await http().get(`/api/v1/accounts/${n}`).set(auth(token)).expect(200)).body;
  const balance = async (n: string) => (await http().get(`/api/v1/accounts/${n}`).set(auth(sec)).expect(200)).body.balance;
  /** A verified report from upload to the secretariat's approval, its emissions from `units` of city gas. */
  const approveReport = async (reportId: string, kind: 'base_year' | 'target_year', fiscalYear: number, units: number) => {
    const file = await buildTemplate({ holderNumber, fiscalYear, kind }, [{ kind: GAS, quantity: units }]);
    await http().post(`/api/v1/reports/${reportId}/files`).set(auth(holder.b.token!)).attach('file', file, 'r.xlsx').expect(201);
    const act = (token: string, action: string) => http().post(`/api/v1/reports/${reportId}/transitions`).set(auth(token)).send({ action }).expect(200);
    await act(holder.b.token!, 'request_verification');
    await http().post(`/api/v1/reports/${reportId}/verification-report`).set(auth(verifier.token)).attach('file', PDF, 'v.pdf').expect(201);
    await act(verifier.token, 'request_approval');
    await act(sec, 'approve');
  };

  // ---- two phases, the second's deadline extended before it passes ---------------------------
  const phase = async (body: object) => (await http().post('/api/v1/phases').set(auth(sec)).send(body).expect(201)).body;
  const y1 = await phase({ name: '第1期', code: 'Y1', adoptedFiscalYear: 2024, baseFiscalYear: 2024, targetFiscalYear: 2025, adjustmentFiscalYear: 2026, retirementDeadline: '2026-12-20', bankingWindowDays: 10 });
  const y2 = await phase({ name: '第2期', code: 'Y2', adoptedFiscalYear: 2025, baseFiscalYear: 2025, targetFiscalYear: 2026, adjustmentFiscalYear: 2027 });
  const y3 = await phase({ name: '第3期', code: 'Y3', adoptedFiscalYear: 2026, baseFiscalYear: 2026, targetFiscalYear: 2027, adjustmentFiscalYear: 2028 });
  expect(y1).toMatchObject({ code: 'Y1', retirementDeadline: '2026-12-20', deadlineEndsAt: '2026-12-20T14:59:59.999Z', bankingWindowEndsAt: '2026-12-30T14:59:59.999Z', stage: 'open' });
  expect(y2.retirementDeadline).toBe('2027-11-30');
  const extend = (id: string, retirementDeadline: string, reason = '災害による延長') => http().put(`/api/v1/phases/${id}/retirement-deadline`).set(auth(sec)).send({ retirementDeadline, reason });
  expect((await extend(y2.id, '2027-11-01')).body.code).toBe('DEADLINE_NOT_LATER');
  expect((await extend(y2.id, '2027-12-10', '\u3000')).body.code).toBe('REASON_REQUIRED');
  expect((await extend(y2.id, '2027-12-10')).body).toMatchObject({ retirementDeadline: '2027-12-10', deadlineEndsAt: '2027-12-10T14:59:59.999Z' });

  const join = async (id: string, targetHolderId: string, reductionTarget: string) =>
    (await http().post(`/api/v1/phases/${id}/participants`).set(auth(sec)).send({ targetHolderId, reductionTarget }).expect(201)).body.reports as { id: string; kind: string }[];
  const r1 = Object.fromEntries((await join(y1.id, holder.id, '300')).map((r) => [r.kind, r.id]));
  const r2 = Object.fromEntries((await join(y2.id, holder.id, '500')).map((r) => [r.kind, r.id]));
  await join(y1.id, other.id, '0');
  const home = await http().get(`/api/v1/target-holders/${holder.id}/compliance`).set(auth(A)).expect(200);
  expect(home.body.items.map((i: { code: string }) => i.code)).toEqual(['Y1', 'Y2']); // nearest deadline first
  for (const code of ['Y1', 'Y2']) {
    expect(await figures(code)).toMatchObject({ status: 'pending', issuable: null, jaaIssued: '0', jaaRetired: '0', obligation: null, holding: '0', banked: '0' });
  }

  // ---- phase 1: base year approved → issuance; target year approved → obligation -------------
  await approveReport(r1.base_year, 'base_year', 2024, 1000); // 2,050 t
  expect(await figures('Y1')).toMatchObject({ baseYearEmissions: '2050.000', reductionTarget: '300.000', issuable: '1750', jaaIssued: '0' });
  expect(await figures('Y2')).toMatchObject({ baseYearEmissions: null, issuable: null });
  const issued = await http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId: y1.id }).expect(201);
  expect(issued.body).toMatchObject({ quantity: '1750', phase: 'Y1', serials: [{ vintage: 'Y1', from: '1', to: '1750', banked: false, label: 'JAA-Y1-000000001–000001750' }] });
  expect(await figures('Y1')).toMatchObject({ jaaIssued: '1750', holding: '1750', obligation: null });
  expect(await account()).toMatchObject({ balance: '1750', commitmentReserve: '1450', available: '300' });
  await approveReport(r1.target_year, 'target_year', 2025, 600); // 1,230 t
  expect(await figures('Y1')).toMatchObject({ targetYearEmissions: '1230.000', obligation: '1230', status: 'pending' });

  await transfer(A, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '100' }).expect(201);
  expect((await transfer(A, { fromAccount: holder.accountNumber, toAccount: trader.accountNumber, quantity: '201' })).body).toMatchObject({
    code: 'COMMITMENT_RESERVE_VIOLATION', details: { commitmentReserve: '1450', available: '200' },
  });

  // ---- retirements toward phase 1 (its default: the nearest deadline not yet covered) ---------
  const big = await retire('1229').expect(201);
  expect(big.body).toMatchObject({ type: 'retirement', phase: 'Y1', serials: [expect.objectContaining({ label: 'JAA-Y1-000000101–000001329' })] });
  const late1 = (await retire('1').expect(201)).body.transactionId;
  // Y1's obligation is now covered: the default moves on to Y2, which does not take unbanked Y1 units
  expect((await retire('1')).body).toMatchObject({ code: 'INSUFFICIENT_ELIGIBLE_UNITS', details: { phase: 'Y2', eligible: '0' } });
  const late2 = (await retire('1', { phaseId: y1.id }).expect(201)).body.transactionId;
  expect(await figures('Y1')).toMatchObject({ jaaRetired: '1231', holding: '419', status: 'pending' });
  expect(await account()).toMatchObject({ balance: '419', commitmentReserve: '219', available: '200' });
  expect((await retire('1', { phaseId: y3.id })).body).toMatchObject({ code: 'NOT_IN_PHASE' });
  expect((await retire('1', { phaseId: y1.id, vintage: 'Y2' })).body).toMatchObject({ code: 'VINTAGE_NOT_ACCEPTED', details: { check: 'L-5005' } });
  expect((await retire('1', { phaseId: y2.id })).body).toMatchObject({ code: 'INSUFFICIENT_ELIGIBLE_UNITS' }); // Y1 units are not banked

  // ---- the deadline, to the second in Japan: the journal's time decides ------------------------
  const retiredAt = async (id: string, iso: string) => {
    await t.db.dataSource.query(`ALTER TABLE ledger_transactions DISABLE TRIGGER ledger_transactions_append_only`);
    await t.db.dataSource.query(`UPDATE ledger_transactions SET created_at = $2 WHERE id = $1`, [id, iso]);
    await t.db.dataSource.query(`ALTER TABLE ledger_transactions ENABLE TRIGGER ledger_transactions_append_only`);
  };
  await retiredAt(late1, '2026-12-21T00:00:00.999+09:00'); // one second after the end of Dec 20
  await retiredAt(late2, '2026-12-21T00:00:00.999+09:00');
  at('2026-12-22T10:00:00+09:00');
  expect(await figures('Y1')).toMatchObject({ stage: 'banking_window', status: 'not_met', shortfall: '1', jaaRetiredOnTime: '1229', jaaRetiredLate: '2', final: false });
  await retiredAt(late2, '2026-12-20T23:59:58.999+09:00'); // one second before it
  expect(await figures('Y1')).toMatchObject({ status: 'met', shortfall: null, jaaRetiredOnTime: '1230', jaaRetiredLate: '1', jaaRetired: '1231' });

  // ---- banking in the window; nothing closes before it ends -----------------------------------
  expect((await extend(y1.id, '2026-12-31')).body.code).toBe('DEADLINE_PASSED');
  expect((await http().post(`/api/v1/phases/${y1.id}/close`).set(auth(sec))).body.code).toBe('BANKING_WINDOW_OPEN');
  const bank = (token: string, phaseId: string, quantity: string) => http().post('/api/v1/banking-applications').set(auth(token)).send({ phaseId, quantity });
  expect((await bank(other.a.token!, y1.id, '1')).body).toMatchObject({ code: 'BANKING_NOT_ELIGIBLE', details: { status: 'not_met' } });
  expect((await bank(A, y1.id, '420')).body).toMatchObject({ code: 'BANKING_EXCEEDS_HOLDING', details: { holding: '419' } });
  expect((await bank(A, y2.id, '1')).body.code).toBe('BANKING_NOT_OPEN');
  expect((await bank(holder.b.token!, y1.id, '1')).status).toBe(403);
  const held = await bank(A, y1.id, '300').expect(201);
  expect((await bank(A, y1.id, '120')).body).toMatchObject({ code: 'BANKING_EXCEEDS_HOLDING', details: { pending: '300' } });
  for (const reason of ['   ', '\u3000', '\t\n']) {
    const res = await http().post(`/api/v1/banking-applications/${held.body.id}/reject`).set(auth(sec)).send({ reason });
    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  }
  const approved = await http().post(`/api/v1/banking-applications/${held.body.id}/approve`).set(auth(sec)).expect(200);
  expect(approved.body.serials).toEqual([{ vintage: 'Y1', from: '1332', to: '1631' }]);
  const traded = await bank(trader.token, y1.id, '40').expect(201);
  expect(traded.body).toMatchObject({ accountNumber: trader.accountNumber, tradingParticipantId: trader.id, targetHolderId: null });
  await http().post(`/api/v1/banking-applications/${traded.body.id}/approve`).set(auth(sec)).expect(200);
  expect(await figures('Y1')).toMatchObject({ holding: '419', banked: '300' });

  // ---- phase close after the window: standings final, unbanked Y1 units expire everywhere ------
  const cancelledBefore = BigInt(await balance('AST-101'));
  at('2027-01-05T09:00:00+09:00');
  const closed = await http().post(`/api/v1/phases/${y1.id}/close`).set(auth(sec)).expect(200);
  expect(closed.body.standings).toEqual(
    expect.arrayContaining([
      { targetHolderId: holder.id, status: 'met', shortfall: null },
      { targetHolderId: other.id, status: 'not_met', shortfall: null },
    ]),
  );
  expect(closed.body.expired.map((e: { accountNumber: string; quantity: string }) => [e.accountNumber, e.quantity]).sort()).toEqual(
    [[holder.accountNumber, '119'], [trader.accountNumber, '60']].sort(),
  );
  expect(await balance(holder.accountNumber)).toBe('300');
  expect(await balance(trader.accountNumber)).toBe('40');
  expect(BigInt(await balance('AST-101')) - cancelledBefore).toBe(179n);
  expect(await figures('Y1')).toMatchObject({ stage: 'closed', status: 'met', final: true, holding: '300', banked: '300', jaaRetired: '1231' });
  expect((await http().post(`/api/v1/phases/${y1.id}/close`).set(auth(sec))).body.code).toBe('PHASE_CLOSED');
  expect((await retire('1', { phaseId: y1.id })).body.code).toBe('PHASE_CLOSED');
  expect((await bank(A, y1.id, '1')).body.code).toBe('PHASE_CLOSED');
  const overview = await http().get(`/api/v1/phases/${y1.id}/overview`).set(auth(sec)).expect(200);
  expect(overview.body.items.map((i: { targetHolderId: string; status: string; final: boolean }) => [i.targetHolderId, i.status, i.final]).sort()).toEqual(
    [[holder.id, 'met', true], [other.id, 'not_met', true]].sort(),
  );
  realTime();

  // ---- phase 2: its own issuance and reserve; banked Y1 units retire toward it -----------------
  await approveReport(r2.base_year, 'base_year', 2025, 800); // 1,640 t
  const issued2 = await http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId: y2.id }).expect(201);
  expect(issued2.body.serials).toEqual([expect.objectContaining({ label: 'JAA-Y2-000000001–000001140' })]);
  await approveReport(r2.target_year, 'target_year', 2026, 400); // 820 t
  const both = await http().get(`/api/v1/target-holders/${holder.id}/compliance`).set(auth(A)).expect(200);
  expect(both.body.items.map((i: { code: string }) => i.code)).toEqual(['Y2', 'Y1']); // the open phase first
  expect(await figures('Y2')).toMatchObject({ issuable: '1140', jaaIssued: '1140', obligation: '820', jaaRetired: '0', holding: '1140', status: 'pending' });
  const view = await account();
  expect(view).toMatchObject({ balance: '1440', commitmentReserve: '640', available: '800' });
  expect(view.holdings).toEqual([
    expect.objectContaining({ vintage: 'Y1', quantity: '300', banked: '300', commitmentReserve: '0' }),
    expect.objectContaining({ vintage: 'Y2', quantity: '1140', banked: '0', commitmentReserve: '640' }),
  ]);
  const toward2 = await retire('820').expect(201);
  expect(toward2.body.phase).toBe('Y2');
  expect(toward2.body.serials).toEqual([
    expect.objectContaining({ vintage: 'Y1', banked: true, from: '1332', to: '1631' }),
    expect.objectContaining({ vintage: 'Y2', banked: false, from: '1', to: '520' }),
  ]);
  expect(await figures('Y2')).toMatchObject({ jaaRetired: '820', holding: '620', status: 'pending' });
  expect(await figures('Y1')).toMatchObject({ jaaRetired: '1231', final: true, status: 'met' });
  // banked units stay tradable
  const moved = await transfer(trader.token, { fromAccount: trader.accountNumber, toAccount: holder.accountNumber, quantity: '10' }).expect(201);
  expect(moved.body.serials).toEqual([expect.objectContaining({ vintage: 'Y1', banked: true, from: '1', to: '10' })]);
  at('2027-12-15T09:00:00+09:00'); // after the extended deadline of Dec 10
  expect(await figures('Y2')).toMatchObject({ status: 'met', jaaRetiredOnTime: '820', stage: 'banking_window' });
  clock.mockRestore();

  const report = await verifyLedger(t.db.dataSource);
  expect(report.problems).toEqual([]);

  // every posting of both phases (issuances, transfers, retirements, the close's
  // expiries) has exactly one audit event naming its transaction, written with it; the sealer
  // chains them and the chain verifies
  const postings: { type: string; events: number; action: string | null; login_id: string | null }[] = await t.db.dataSource.query(
    `SELECT t.type, count(e.id)::int AS events, min(e.action) AS action, min(e.login_id) AS login_id
       FROM ledger_transactions t LEFT JOIN audit_events e ON e.summary->'after'->>'transactionId' = t.id::text
      GROUP BY t.id, t.type`,
  );
  expect([...new Set(postings.map((p) => p.type))]).toEqual(expect.arrayContaining(['issuance', 'retirement', 'transfer', 'expiry']));
  expect(postings.filter((p) => p.events !== 1)).toEqual([]);
  const expiries = postings.filter((p) => p.type === 'expiry');
  expect(expiries.map((p) => p.action)).toEqual(expiries.map(() => 'POST /api/v1/phases/:id/close'));
  expect(postings.filter((p) => p.type === 'issuance').every((p) => p.action === 'POST /api/v1/issuances' && p.login_id !== null)).toBe(true);
  await t.app.get(AuditService).seal();
  expect(await verifyAudit(t.db.dataSource)).toMatchObject({ firstBroken: null, unsealed: 0, unaudited: 0, postings: postings.length });
}

describe('two consecutive phases over HTTP on PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  it('issues, retires, banks, closes and carries banked units into the next phase, every figure checked', async () => {
    await twoPhaseYear(t);
  });
});

describe('two consecutive phases over HTTP on the embedded database (PGlite, one connection)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createEmbeddedTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  it('issues, retires, banks (approval included), closes and carries banked units into the next phase', async () => {
    await twoPhaseYear(t);
  });
});
