import { Clock } from '../../src/core/clock/clock';
import { EMISSION_FACTORS } from '../../src/modules/emissions/excel/factors';
import { buildTemplate, type ActivityRow } from '../../src/modules/emissions/excel/template';
import { CELLS, MAIN_SHEET } from '../../src/modules/emissions/excel/layout';
import { REPORT_STATUSES } from '../../src/modules/emissions/entities/report.entity';
import { decide, REPORT_ACTIONS } from '../../src/modules/emissions/transitions';
import { hostile } from '../fixtures/zip';
import { createTestApp, type TestApp, binary } from '../support/app';
import { activatedHolder, activatedParticipant, activatedVerifier, auth, secretariatToken, type Holder } from '../factories/identity';

const ELEC = EMISSION_FACTORS[0].label; // 0.441
const GAS = EMISSION_FACTORS[1].label; // 2.05
const PDF = hostile.renamedPdf();

describe('emissions management over HTTP', () => {
  let t: TestApp;
  let sec: string;
  let holder: Holder;
  let other: Holder;
  let verifier: Awaited<ReturnType<typeof activatedVerifier>>;
  let stranger: Awaited<ReturnType<typeof activatedVerifier>>;
  let phaseId: string;
  let holderNumber: string;
  let reports: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_LIMIT_BYTES: String(2 * 1024 * 1024) });
    sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
    other = await activatedHolder(t, sec);
    verifier = await activatedVerifier(t, sec);
    stranger = await activatedVerifier(t, sec);
    await t.http().put(`/api/v1/target-holders/${holder.id}/verifier`).set(auth(sec)).send({ verifierId: verifier.id }).expect(200);
    holderNumber = (await t.http().get(`/api/v1/target-holders/${holder.id}`).set(auth(sec))).body.holderNumber;
    const phase = await t.http().post('/api/v1/phases').set(auth(sec)).send({ name: '第2期', adoptedFiscalYear: 2024, baseFiscalYear: 2024, targetFiscalYear: 2025, adjustmentFiscalYear: 2026, retirementDeadline: '2026-12-31' });
    expect(phase.status).toBe(201);
    expect(phase.body).toMatchObject({ retirementDeadline: '2026-12-31', code: 'P2024', bankingWindowDays: 30 });
    phaseId = phase.body.id;
    const joined = await t.http().post(`/api/v1/phases/${phaseId}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '300' });
    expect(joined.status).toBe(201);
    reports = Object.fromEntries(joined.body.reports.map((r: { kind: string; id: string }) => [r.kind, r.id]));
    expect((await t.http().post(`/api/v1/phases/${phaseId}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '1' })).status).toBe(409);
  });
  afterAll(async () => {
    await t?.close();
  });

  const form = (kind: 'base_year' | 'target_year' | 'adjustment_year', rows: ActivityRow[], fiscalYear: number, extra: { totalOverride?: number } = {}) =>
    buildTemplate({ holderNumber, facility: '施設', fiscalYear, kind }, rows, extra);
  const upload = (token: string, reportId: string, file: Buffer, name = 'report.xlsx', path = 'files') =>
    t.http().post(`/api/v1/reports/${reportId}/${path}`).set(auth(token)).attach('file', file, name);
  const act = (token: string, reportId: string, action: string, comment?: string) =>
    t.http().post(`/api/v1/reports/${reportId}/transitions`).set(auth(token)).send({ action, ...(comment ? { comment } : {}) });

  it('serves the designated template, prefilled for a report', async () => {
    const res = await t.http().get(`/api/v1/reports/template?reportId=${reports.base_year}`).set(auth(holder.b.token!)).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    expect((res.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    const ExcelJS = (await import('exceljs')).default;
    const prefilled = new ExcelJS.Workbook();
    await prefilled.xlsx.load((res.body as Buffer).buffer as ArrayBuffer);
    expect(prefilled.getWorksheet(MAIN_SHEET)!.getCell(CELLS.holderNumber).value).toBe(holderNumber);
    expect(prefilled.getWorksheet(MAIN_SHEET)!.getCell(CELLS.fiscalYear).value).toBe(2024);
    // the blank form depends on nothing in the request: written once, the same bytes for everyone
    const blank = await t.http().get('/api/v1/reports/template').set(auth(holder.b.token!)).buffer(true).parse(binary).expect(200);
    const again = await t.http().get('/api/v1/reports/template').set(auth(other.a.token!)).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(blank.body as Buffer, again.body as Buffer)).toBe(0);
    const empty = new ExcelJS.Workbook();
    await empty.xlsx.load((blank.body as Buffer).buffer as ArrayBuffer);
    expect(empty.getWorksheet(MAIN_SHEET)!.getCell(CELLS.holderNumber).value).toBe('');
    expect((await t.http().get(`/api/v1/reports/template?reportId=${reports.base_year}`).set(auth(other.a.token!))).status).toBe(404);
  });

  it('refuses hostile and wrong files with clear codes and stores nothing', async () => {
    const cases: [string, Buffer, number, string][] = [
      ['renamed.xlsx', PDF, 415, 'NOT_XLSX'],
      ['bomb.xlsx', hostile.zipBomb(), 422, 'ZIP_BOMB'], // 120 MB of zeros in ~120 KB
      ['big.xlsx', Buffer.alloc(3 * 1024 * 1024, 7), 413, 'PAYLOAD_TOO_LARGE'], // over this test's 2 MB limit
      ['liar.xlsx', hostile.lyingZip(), 422, 'ZIP_BOMB'],
      ['macro.xlsx', hostile.xlsm(), 422, 'MACRO_ENABLED'],
      ['secret.xlsx', hostile.encrypted(), 422, 'FILE_ENCRYPTED'],
      ['total.xlsx', await form('base_year', [{ kind: GAS, quantity: 2 }], 2024, { totalOverride: 5 }), 422, 'REPORT_CONTENT_INVALID'],
      ['year.xlsx', await form('base_year', [{ kind: GAS, quantity: 2 }], 2025), 422, 'REPORT_CONTENT_INVALID'],
    ];
    for (const [name, file, status, code] of cases) {
      const res = await upload(holder.b.token!, reports.base_year, file, name);
      expect([name, res.status, res.body.code]).toEqual([name, status, code]);
    }
    const total = await upload(holder.b.token!, reports.base_year, cases[6][1]);
    expect(total.body.details.problems[0]).toMatchObject({ sheet: '算定報告書', cell: 'F58' });
    expect((await t.http().post(`/api/v1/reports/${reports.base_year}/files`).set(auth(holder.b.token!)).field('x', 'y')).body.code).toBe('FILE_REQUIRED');
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int n FROM report_files`);
    expect(n).toBe(0);
    const detail = await t.http().get(`/api/v1/reports/${reports.base_year}`).set(auth(holder.a.token!)).expect(200);
    expect(detail.body).toMatchObject({ status: 'not_submitted', emissions: null, history: [] });
  });

  it('runs the whole year: upload → verify → approve → issue → retire → met; adjustment year submitted and received', async () => {
    // base year: B uploads twice (the latest wins), requests verification
    const first = await upload(holder.b.token!, reports.base_year, await form('base_year', [{ kind: ELEC, quantity: 1000 }], 2024));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'registered', emissions: '441.000', rows: 1 });
    const second = await upload(holder.b.token!, reports.base_year, await form('base_year', [{ kind: ELEC, quantity: 1000 }, { kind: GAS, quantity: 500 }], 2024));
    expect(second.body.emissions).toBe('1466.000');
    expect((await upload(holder.a.token!, reports.base_year, PDF, 'site-map.pdf', 'attachments')).status).toBe(201);
    expect((await upload(holder.a.token!, reports.base_year, hostile.xlsm(), 'data.xlsx', 'attachments')).body.code).toBe('MACRO_ENABLED');
    expect((await upload(holder.a.token!, reports.base_year, Buffer.from('MZ\x90\x00'), 'tool.exe', 'attachments')).status).toBe(415);
    expect((await act(holder.b.token!, reports.base_year, 'request_verification')).body.status).toBe('verification_requested');
    expect((await upload(holder.b.token!, reports.base_year, await form('base_year', [], 2024))).status).toBe(409);

    // the verifier: only the assigned one sees it
    expect((await t.http().get(`/api/v1/reports/${reports.base_year}`).set(auth(stranger.token))).status).toBe(404);
    expect((await act(stranger.token, reports.base_year, 'request_approval')).status).toBe(404);
    expect((await act(verifier.token, reports.base_year, 'request_approval')).body.code).toBe('VERIFICATION_REPORT_REQUIRED');
    // holders do not see review material before the verification report exists
    await t.http().post(`/api/v1/reports/${reports.base_year}/review-documents`).set(auth(verifier.token)).field('comment', '燃料使用量の根拠資料をご提示ください。').expect(201);
    expect((await t.http().get(`/api/v1/reports/${reports.base_year}`).set(auth(holder.a.token!))).body.files.map((f: { kind: string }) => f.kind)).toEqual(['calculation', 'calculation', 'attachment']);
    expect((await upload(verifier.token, reports.base_year, PDF, '検証報告書.pdf', 'verification-report')).status).toBe(201);
    expect((await act(verifier.token, reports.base_year, 'request_approval')).body.status).toBe('approval_requested');
    const holderView = await t.http().get(`/api/v1/reports/${reports.base_year}`).set(auth(holder.a.token!)).expect(200);
    expect(holderView.body.files.map((f: { kind: string }) => f.kind).sort()).toEqual(['attachment', 'calculation', 'calculation', 'review', 'verification']);
    const verificationFile = holderView.body.files.find((f: { kind: string }) => f.kind === 'verification');
    const download = await t.http().get(`/api/v1/files/${verificationFile.id}`).set(auth(holder.b.token!));
    expect(download.status).toBe(200);
    expect(download.headers['x-content-sha256']).toBe(verificationFile.sha256);
    expect((await t.http().get(`/api/v1/files/${verificationFile.id}`).set(auth(other.a.token!))).status).toBe(404);

    // the secretariat sends back (comment required), then approves
    expect((await act(sec, reports.base_year, 'send_back')).body.code).toBe('COMMENT_REQUIRED');
    expect((await act(sec, reports.base_year, 'send_back', '検証報告書の日付を確認してください。')).body.status).toBe('verification_requested');
    await act(verifier.token, reports.base_year, 'request_approval').expect(200);
    expect((await act(holder.a.token!, reports.base_year, 'approve')).status).toBe(403);
    expect((await act(sec, reports.base_year, 'approve')).body.status).toBe('approved');
    expect((await act(sec, reports.base_year, 'approve')).status).toBe(409);

    // issuance: floor(1466 − 300) = 1166
    const issued = await t.http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: holder.id, phaseId });
    expect(issued.status).toBe(201);
    expect(issued.body.quantity).toBe('1166');

    // target year: 1000.5 t → obligation 1001
    await upload(holder.a.token!, reports.target_year, await form('target_year', [{ kind: ELEC, quantity: '2268.7074' }], 2025)).expect(201);
    await act(holder.a.token!, reports.target_year, 'request_verification').expect(200);
    await upload(verifier.token, reports.target_year, PDF, 'v.pdf', 'verification-report').expect(201);
    await act(verifier.token, reports.target_year, 'request_approval').expect(200);
    await act(sec, reports.target_year, 'approve').expect(200);

    const before = await t.http().get(`/api/v1/target-holders/${holder.id}/compliance`).set(auth(holder.a.token!)).expect(200);
    expect(before.body.items).toEqual([
      expect.objectContaining({
        phase: '第2期',
        code: 'P2024',
        baseYearEmissions: '1466.000',
        targetYearEmissions: '1000.500',
        jaaIssued: '1166',
        jaaRetired: '0',
        obligation: '1001',
        status: 'pending', // the deadline is ahead
      }),
    ]);
    const retired = await t.http().post('/api/v1/transfers').set(auth(holder.a.token!)).send({ fromAccount: holder.accountNumber, toAccount: 'AST-2', quantity: '1001' }).expect(201);
    expect(retired.body).toMatchObject({ type: 'retirement', phase: 'P2024', serials: [expect.objectContaining({ vintage: 'P2024', label: expect.stringMatching(/^JAA-P2024-\d{9}–\d{9}$/) })] });
    const clock = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date('2027-01-05T10:00:00+09:00')); // after the deadline, in the banking window
    const after = await t.http().get(`/api/v1/target-holders/${holder.id}/compliance`).set(auth(holder.a.token!)).expect(200);
    expect(after.body.items[0]).toMatchObject({ jaaRetired: '1001', jaaRetiredOnTime: '1001', jaaRetiredLate: '0', status: 'met', shortfall: null });

    // login B: emissions figures only
    const b = await t.http().get(`/api/v1/target-holders/${holder.id}/compliance`).set(auth(holder.b.token!)).expect(200);
    expect(b.body.items).toEqual([
      { phaseId, phase: '第2期', code: 'P2024', stage: 'banking_window', retirementDeadline: '2026-12-31', daysLeft: -5, baseYearEmissions: '1466.000', targetYearEmissions: '1000.500' },
    ]);

    // banking: after the deadline, at most the unbanked units of the phase held (1166 − 1001 = 165), pending ones counted
    expect((await t.http().post('/api/v1/banking-applications').set(auth(holder.a.token!)).send({ phaseId, quantity: '166' })).body).toMatchObject({ code: 'BANKING_EXCEEDS_HOLDING', details: { holding: '165' } });
    expect((await t.http().post('/api/v1/banking-applications').set(auth(holder.b.token!)).send({ phaseId, quantity: '1' })).status).toBe(403);
    const bank = await t.http().post('/api/v1/banking-applications').set(auth(holder.a.token!)).send({ phaseId, quantity: '100' });
    expect(bank.status).toBe(201);
    expect((await t.http().post('/api/v1/banking-applications').set(auth(holder.a.token!)).send({ phaseId, quantity: '66' })).body).toMatchObject({ code: 'BANKING_EXCEEDS_HOLDING', details: { pending: '100' } });
    const extra = await t.http().post('/api/v1/banking-applications').set(auth(holder.a.token!)).send({ phaseId, quantity: '10' }).expect(201);
    const approved = await t.http().post(`/api/v1/banking-applications/${bank.body.id}/approve`).set(auth(sec)).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', vintage: 'P2024', serials: [expect.objectContaining({ vintage: 'P2024' })] });
    expect((await t.http().post(`/api/v1/banking-applications/${bank.body.id}/approve`).set(auth(sec))).status).toBe(409);
    expect((await t.http().post(`/api/v1/banking-applications/${extra.body.id}/reject`).set(auth(sec)).send({})).status).toBe(400);
    const rejected = await t.http().post(`/api/v1/banking-applications/${extra.body.id}/reject`).set(auth(sec)).send({ reason: '不要' }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: '不要' });
    expect((await t.http().get(`/api/v1/target-holders/${holder.id}/compliance`).set(auth(holder.a.token!))).body.items[0].banked).toBe('100');
    expect((await t.http().get('/api/v1/banking-applications').set(auth(other.a.token!))).body.items).toEqual([]);

    // the secretariat's overview of the phase, and its workbook
    const overview = await t.http().get(`/api/v1/phases/${phaseId}/overview`).set(auth(sec)).expect(200);
    expect(overview.body.items).toEqual([
      expect.objectContaining({ targetHolderId: holder.id, status: 'met', obligation: '1001', jaaIssued: '1166', banked: '100', reports: expect.objectContaining({ base_year: 'approved', target_year: 'approved' }) }),
    ]);
    expect((await t.http().get(`/api/v1/phases/${phaseId}/overview?status=not_met`).set(auth(sec))).body.items).toEqual([]);
    const xlsx = await t.http().get(`/api/v1/phases/${phaseId}/overview.xlsx`).set(auth(sec)).buffer(true).parse(binary);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((xlsx.body as Buffer).buffer as ArrayBuffer);
    expect(wb.worksheets[0].getRow(3).getCell(1).value).toBe(holderNumber);
    expect(wb.worksheets[0].getRow(3).getCell(10).value).toBe(1166); // numbers as numbers
    expect(wb.worksheets[0].getRow(3).getCell(18).value).toBe('達成 / met');
    expect([5, 6, 7].map((c) => wb.worksheets[0].getRow(3).getCell(c).value)).toEqual(['承認済 / approved', '承認済 / approved', '未提出 / not submitted']); // statuses as Japanese labels
    clock.mockRestore();

    // adjustment year: no verification
    await upload(holder.b.token!, reports.adjustment_year, await form('adjustment_year', [{ kind: GAS, quantity: 10 }], 2026)).expect(201);
    expect((await act(holder.b.token!, reports.adjustment_year, 'request_verification')).status).toBe(403);
    expect((await act(holder.b.token!, reports.adjustment_year, 'submit')).body.status).toBe('submitted');
    expect((await act(sec, reports.adjustment_year, 'receive')).body.status).toBe('received');

    const list = await t.http().get(`/api/v1/target-holders/${holder.id}/reports`).set(auth(verifier.token)).expect(200);
    expect(list.body.items.map((r: { kind: string; status: string }) => [r.kind, r.status])).toEqual([
      ['base_year', 'approved'],
      ['target_year', 'approved'],
      ['adjustment_year', 'received'],
    ]);
    const history = (await t.http().get(`/api/v1/reports/${reports.base_year}`).set(auth(sec))).body.history;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['upload', 'upload', 'request_verification', 'request_approval', 'send_back', 'request_approval', 'approve']);
    expect(history[4]).toMatchObject({ actorRole: 'secretariat', comment: '検証報告書の日付を確認してください。' });
    const [{ n }] = await t.db.dataSource.query(
      `SELECT count(*)::int n FROM notifications WHERE subject_id = $1 AND event = 'report.send_back' AND $2 = ANY(recipients)`,
      [reports.base_year, holder.emailA],
    );
    expect(n).toBe(1);
  });

  it('opens banking only after the retirement deadline', async () => {
    const future = await t.http().post('/api/v1/phases').set(auth(sec)).send({ name: '第9期', adoptedFiscalYear: 2025, baseFiscalYear: 2025, targetFiscalYear: 2026, adjustmentFiscalYear: 2027 });
    expect(future.body.retirementDeadline).toBe('2027-11-30');
    await t.http().post(`/api/v1/phases/${future.body.id}/participants`).set(auth(sec)).send({ targetHolderId: other.id, reductionTarget: '10' }).expect(201);
    const early = await t.http().post('/api/v1/banking-applications').set(auth(other.a.token!)).send({ phaseId: future.body.id, quantity: '1' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'BANKING_NOT_OPEN', details: { retirementDeadline: '2027-11-30' } });
    const home = await t.http().get(`/api/v1/target-holders/${other.id}/compliance?phaseId=${future.body.id}`).set(auth(other.a.token!)).expect(200);
    expect(home.body.items).toEqual([expect.objectContaining({ status: 'pending', obligation: null, jaaIssued: '0', stage: 'open' })]);
  });

  it('decides every action by every role from every state as the transition table says (over HTTP)', async () => {
    const p = await t.http().post('/api/v1/phases').set(auth(sec)).send({ name: '表検証期', adoptedFiscalYear: 2020, baseFiscalYear: 2020, targetFiscalYear: 2021, adjustmentFiscalYear: 2022 });
    const joined = await t.http().post(`/api/v1/phases/${p.body.id}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '0' });
    const byKind: Record<string, string> = Object.fromEntries(joined.body.reports.map((r: { kind: string; id: string }) => [r.kind, r.id]));
    // give each report a file (a status other than not_submitted needs one) and a verification report
    await upload(holder.b.token!, byKind.target_year, await form('target_year', [{ kind: GAS, quantity: 1 }], 2021)).expect(201);
    await upload(holder.b.token!, byKind.adjustment_year, await form('adjustment_year', [{ kind: GAS, quantity: 1 }], 2022)).expect(201);
    const [{ id: fileT }] = await t.db.dataSource.query(`SELECT current_file_id AS id FROM reports WHERE id = $1`, [byKind.target_year]);
    const [{ id: fileA }] = await t.db.dataSource.query(`SELECT current_file_id AS id FROM reports WHERE id = $1`, [byKind.adjustment_year]);
    await t.db.dataSource.query(`UPDATE reports SET status = 'verification_requested' WHERE id = $1`, [byKind.target_year]);
    await upload(verifier.token, byKind.target_year, PDF, 'v.pdf', 'verification-report').expect(201);
    const trader = await activatedParticipant(t, sec);
    const tokens: Record<string, string> = { holder_a: holder.a.token!, holder_b: holder.b.token!, verifier: verifier.token, secretariat: sec, trading_participant: trader.token };
    let checked = 0;
    for (const [kind, id, file] of [['target_year', byKind.target_year, fileT], ['adjustment_year', byKind.adjustment_year, fileA]] as const) {
      for (const from of REPORT_STATUSES.filter((s) => s !== 'not_submitted')) {
        for (const action of REPORT_ACTIONS.filter((a) => a !== 'upload' && a !== 'approve')) {
          for (const [role, token] of Object.entries(tokens)) {
            await t.db.dataSource.query(`UPDATE reports SET status = $2, current_file_id = $3 WHERE id = $1`, [id, from, file]);
            const res = await act(token, id, action, 'テストのコメント');
            const d = role === 'trading_participant' ? { ok: false, reason: 'role' } : decide(kind, from, action, role as 'holder_a');
            const want = d.ok ? 200 : d.reason === 'role' ? 403 : 409;
            expect([kind, from, action, role, res.status]).toEqual([kind, from, action, role, want]);
            if (d.ok) expect(res.body.status).toBe((d as { to: string }).to);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(2 * 6 * 6 * 5);
  });
});
