import ExcelJS from 'exceljs';
import { EMISSION_FACTORS } from '../../src/modules/emissions/excel/factors';
import { CELLS, FIRST_ROW, MAIN_SHEET, MAX_ROWS } from '../../src/modules/emissions/excel/layout';
import { buildTemplate, type ActivityRow } from '../../src/modules/emissions/excel/template';
import { MAX_SHEET_CELLS } from '../../src/modules/emissions/excel/xlsx-guard';
import { hostile, plainCellsWorkbook } from '../fixtures/zip';
import { binary, createTestApp, type TestApp } from '../support/app';
import { activatedHolder, activatedVerifier, auth, secretariatToken, type Holder } from '../factories/identity';

const ELEC = EMISSION_FACTORS[0].label; // 0.441
const GAS = EMISSION_FACTORS[1].label; // 2.05
const PDF = hostile.renamedPdf();

/** The designated form with one cell of the main sheet overwritten (a formula, a huge number, …). */
async function withCell(file: Buffer, cell: string, value: ExcelJS.CellValue): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  wb.getWorksheet(MAIN_SHEET)!.getCell(cell).value = value;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('emissions management: hardening over HTTP', () => {
  let t: TestApp;
  let sec: string;
  let holder: Holder;
  let verifier: Awaited<ReturnType<typeof activatedVerifier>>;
  let holderNumber: string;
  let phaseId: string;
  let reports: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_LIMIT_BYTES: String(4 * 1024 * 1024) });
    sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
    verifier = await activatedVerifier(t, sec);
    await t.http().put(`/api/v1/target-holders/${holder.id}/verifier`).set(auth(sec)).send({ verifierId: verifier.id }).expect(200);
    holderNumber = (await t.http().get(`/api/v1/target-holders/${holder.id}`).set(auth(sec))).body.holderNumber;
    // a name Excel refuses as a worksheet name: * ? : \ / [ ], leading and trailing apostrophes
    const phase = await t.http().post('/api/v1/phases').set(auth(sec)).send({ name: "'第3期: A/B [*?] \\ 2013'", adoptedFiscalYear: 2013, baseFiscalYear: 2013, targetFiscalYear: 2014, adjustmentFiscalYear: 2015 });
    expect(phase.status).toBe(201);
    phaseId = phase.body.id;
    const joined = await t.http().post(`/api/v1/phases/${phaseId}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '10' });
    expect(joined.status).toBe(201);
    reports = Object.fromEntries(joined.body.reports.map((r: { kind: string; id: string }) => [r.kind, r.id]));
  });
  afterAll(async () => {
    await t?.close();
  });

  const form = (rows: ActivityRow[], kind: 'base_year' | 'target_year' = 'base_year') =>
    buildTemplate({ holderNumber, facility: '施設', fiscalYear: kind === 'base_year' ? 2013 : 2014, kind }, rows);
  const upload = (token: string, reportId: string, file: Buffer, name = 'report.xlsx', path = 'files') =>
    t.http().post(`/api/v1/reports/${reportId}/${path}`).set(auth(token)).attach('file', file, name);
  const act = (token: string, reportId: string, action: string, comment?: string) =>
    t.http().post(`/api/v1/reports/${reportId}/transitions`).set(auth(token)).send({ action, ...(comment ? { comment } : {}) });

  it('refuses approval on a verification report older than the current calculation file', async () => {
    const id = reports.base_year;
    await upload(holder.b.token!, id, await form([{ kind: ELEC, quantity: 1000 }])).expect(201);
    await act(holder.b.token!, id, 'request_verification').expect(200);
    await upload(verifier.token, id, PDF, 'v1.pdf', 'verification-report').expect(201);
    // the holder takes it back and replaces the figures the verifier saw
    await act(holder.b.token!, id, 'request_send_back').expect(200);
    const replaced = await upload(holder.b.token!, id, await form([{ kind: GAS, quantity: 100000 }]));
    expect(replaced.status).toBe(201);
    expect(replaced.body.emissions).toBe('205000.000');
    await act(holder.b.token!, id, 'request_verification').expect(200);
    const stale = await act(verifier.token, id, 'request_approval');
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERIFICATION_REPORT_REQUIRED', details: { currentFileId: replaced.body.file.id } });
    expect(stale.body.message).toMatch(/検証報告書/);
    // the secretariat cannot approve what nobody verified: the report is still with the verifier
    expect((await act(sec, id, 'approve')).status).toBe(409);
    const detail = await t.http().get(`/api/v1/reports/${id}`).set(auth(sec)).expect(200);
    expect(detail.body.status).toBe('verification_requested');

    // a verification report of the new figures opens the way again
    await upload(verifier.token, id, PDF, 'v2.pdf', 'verification-report').expect(201);
    expect((await act(verifier.token, id, 'request_approval')).body.status).toBe('approval_requested');
    // a send-back by the secretariat does not replace the figures: the verification still holds
    await act(sec, id, 'send_back', '日付を確認してください。').expect(200);
    await act(verifier.token, id, 'request_approval').expect(200);
    expect((await act(sec, id, 'approve')).body).toMatchObject({ status: 'approved', emissions: '205000.000' });
  });

  it('refuses a workbook holding too many cells before loading it (422 FILE_TOO_COMPLEX)', async () => {
    // the form at its parser limit (20,000 rows × 6 columns + header and total) stays under the bound
    expect(MAX_SHEET_CELLS).toBeGreaterThanOrEqual((FIRST_ROW + MAX_ROWS + 1) * 6);
    expect(MAX_SHEET_CELLS).toBeLessThan(140_000);
    const file = plainCellsWorkbook(14_000, 10);
    expect(file.length).toBeLessThan(4 * 1024 * 1024);
    const started = Date.now();
    const res = await upload(holder.b.token!, reports.target_year, file);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { sheet: 'xl/worksheets/sheet1.xml', cells: 140_000 } });
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await t.http().get(`/api/v1/reports/${reports.target_year}`).set(auth(sec))).body).toMatchObject({ status: 'not_submitted', files: [] });
  });

  it('refuses quantities and totals that do not fit the columns, naming the cell (422, never 500)', async () => {
    const base = await form([{ kind: ELEC, quantity: 1 }], 'target_year');
    for (const value of ['99999999999999999999999', 1e21, 1e300] as ExcelJS.CellValue[]) {
      const res = await upload(holder.b.token!, reports.target_year, await withCell(base, 'C8', value));
      expect([value, res.status, res.body.code]).toEqual([value, 422, 'REPORT_CONTENT_INVALID']);
      expect(res.body.details.problems).toEqual([expect.objectContaining({ sheet: MAIN_SHEET, cell: 'C8' })]);
    }
    // each row under the quantity bound, the sum over the column: refused at the total cell
    const rows = Array.from({ length: 400 }, () => ({ kind: 'LPG / Liquefied petroleum gas', quantity: '99999999999999' }));
    const big = await upload(holder.b.token!, reports.target_year, await form(rows, 'target_year'));
    expect(big.status).toBe(422);
    expect(big.body.details.problems).toEqual([expect.objectContaining({ cell: `F${8 + 400}` })]);
    expect((await t.http().get(`/api/v1/reports/${reports.target_year}`).set(auth(sec))).body.files).toEqual([]);
  });

  it('refuses formulas in the cells the holder fills in, naming each cell', async () => {
    const base = await form([{ kind: ELEC, quantity: 1 }], 'target_year');
    let file = await withCell(base, 'C8', { formula: '1000*1000', result: 5 } as ExcelJS.CellValue);
    file = await withCell(file, CELLS.fiscalYear, { formula: '2000+14', result: 2014 } as ExcelJS.CellValue);
    file = await withCell(file, 'B9', { formula: `"${GAS}"`, result: GAS } as ExcelJS.CellValue);
    const res = await upload(holder.b.token!, reports.target_year, file);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('REPORT_CONTENT_INVALID');
    expect(res.body.details.problems.map((p: { cell: string }) => p.cell)).toEqual(['B4', 'C8', 'B9']);
    expect(res.body.details.problems[1].message).toMatch(/数式/);
    // the template's own formula cells (unit, factor, emissions, total) stay accepted
    await upload(holder.b.token!, reports.target_year, base).expect(201);
  });

  it('serves the overview workbook for a phase whose name Excel refuses as a sheet name', async () => {
    const res = await t.http().get(`/api/v1/phases/${phaseId}/overview.xlsx`).set(auth(sec)).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((res.body as Buffer).buffer as ArrayBuffer);
    const name = wb.worksheets[0].name;
    expect(name).not.toMatch(/[*?:\\/[\]]|^'|'$/);
    expect(name.length).toBeLessThanOrEqual(31);
    expect(name).toContain('第3期');
    expect(String(wb.worksheets[0].getCell('A1').value)).toContain("'第3期: A/B [*?] \\ 2013'");
  });

  it('keeps Japanese file names intact in the file list and the download', async () => {
    const att = await upload(holder.a.token!, reports.adjustment_year, PDF, '敷地図.pdf', 'attachments');
    expect(att.status).toBe(201);
    expect(att.body.fileName).toBe('敷地図.pdf');
    const detail = await t.http().get(`/api/v1/reports/${reports.adjustment_year}`).set(auth(holder.b.token!)).expect(200);
    expect(detail.body.files.map((f: { fileName: string }) => f.fileName)).toEqual(['敷地図.pdf']);
    const download = await t.http().get(`/api/v1/files/${att.body.id}`).set(auth(holder.b.token!)).buffer(true).parse(binary);
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="___.pdf"; filename*=UTF-8''${encodeURIComponent('敷地図.pdf')}`);
  });

  it('takes a 4,000-character Japanese review comment whole', async () => {
    const id = reports.base_year; // approved above: review documents remain possible
    const comment = '検'.repeat(4000);
    const res = await t.http().post(`/api/v1/reports/${id}/review-documents`).set(auth(verifier.token)).field('comment', comment);
    expect(res.status).toBe(201);
    const [{ stored }] = await t.db.dataSource.query(`SELECT comment AS stored FROM report_files WHERE id = $1`, [res.body.id]);
    expect(stored).toBe(comment);
    const over = await t.http().post(`/api/v1/reports/${id}/review-documents`).set(auth(verifier.token)).field('comment', '検'.repeat(4001));
    expect(over.status).toBe(400);
  });
});
