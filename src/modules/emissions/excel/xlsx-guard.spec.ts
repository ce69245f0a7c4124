import { editPart, makeZip, minimalWorkbook, plainCellsWorkbook, rezip } from '../../../../test/fixtures/zip';
import { buildTemplate } from './template';
import { assertPlainXlsx, decodeXml, MAX_RULE_CELLS, MAX_SHEET_CELLS, MAX_SHEET_ROWS } from './xlsx-guard';
import { worksheetName } from '../../compliance/overview.service';
import '../emissions-errors';
import { domainRefusal as code } from '../../../../test/support/errors';

describe('xlsx guard: cell and row bounds before ExcelJS loads a workbook', () => {
  it('lets a sheet as large as the designated form at its limit through', () => {
    const rows = MAX_SHEET_ROWS;
    expect(rows * 6).toBeLessThanOrEqual(MAX_SHEET_CELLS);
    expect(code(() => assertPlainXlsx(plainCellsWorkbook(rows, 6), { boundCells: true }))).toBeUndefined();
  });

  it('refuses more cells, or more rows, than that (FILE_TOO_COMPLEX)', () => {
    expect(code(() => assertPlainXlsx(plainCellsWorkbook(Math.floor(MAX_SHEET_CELLS / 10) + 1, 10), { boundCells: true }))).toMatchObject({
      code: 'FILE_TOO_COMPLEX',
      details: { cells: (Math.floor(MAX_SHEET_CELLS / 10) + 1) * 10 },
    });
    expect(code(() => assertPlainXlsx(plainCellsWorkbook(MAX_SHEET_ROWS + 1, 1), { boundCells: true }))).toMatchObject({
      code: 'FILE_TOO_COMPLEX',
      details: { rows: MAX_SHEET_ROWS + 1 },
    });
  });

  it('does not bound cells of attachments (stored, never loaded by ExcelJS)', () => {
    expect(code(() => assertPlainXlsx(plainCellsWorkbook(Math.floor(MAX_SHEET_CELLS / 10) + 1, 10)))).toBeUndefined();
  });
});

const sheet = (inner: string) => `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${inner}</worksheet>`;
const FORM = { boundCells: true, designatedForm: true };

describe('xlsx guard: counted bounds and the allowlist', () => {
  it('decodes entity and character references before comparing', () => {
    expect(decodeXml('sheet.&#x6D;acro&#69;nabled &amp; &lt;x&gt; &quot;&apos;')).toBe('sheet.macroEnabled & <x> "\'');
  });

  it('counts every validation range, whole columns at their full height, in x14 extensions too', () => {
    expect(code(() => assertPlainXlsx(makeZip(minimalWorkbook(sheet('<sheetData/><dataValidations><dataValidation sqref="A:A"/></dataValidations>')))))).toMatchObject({
      code: 'FILE_TOO_COMPLEX',
      details: { what: 'ruleCells', cells: 1_048_576 },
    });
    const x14 = `<sheetData/><extLst><ext><x14:dataValidations xmlns:x14="x" xmlns:xm="m"><x14:dataValidation><xm:sqref>${'A1:A1000 '.repeat(201)}</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>`;
    expect(201 * 1000).toBeGreaterThan(MAX_RULE_CELLS);
    expect(code(() => assertPlainXlsx(makeZip(minimalWorkbook(sheet(x14)))))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { what: 'ruleCells' } });
    expect(code(() => assertPlainXlsx(makeZip(minimalWorkbook(sheet(`<sheetData/><dataValidations><dataValidation sqref="${'A1:A1000 '.repeat(199)}"/></dataValidations>`)))))).toBeUndefined();
  });

  it('refuses a DOCTYPE (entity declarations), duplicate part names and relationship targets outside the package', () => {
    expect(code(() => assertPlainXlsx(makeZip(minimalWorkbook('<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>'))))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: 'xl/worksheets/sheet1.xml' } });
    const twice = minimalWorkbook(sheet('<sheetData/>'));
    twice.push({ name: 'XL/Worksheets/Sheet1.xml', data: Buffer.from(sheet('<sheetData/>')) });
    expect(code(() => assertPlainXlsx(makeZip(twice)))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: 'XL/Worksheets/Sheet1.xml', reason: 'part name given twice' } });
    const escape = rezip(makeZip(minimalWorkbook(sheet('<sheetData/>'))), (p) => editPart(p, 'xl/_rels/workbook.xml.rels', 'Target="worksheets/sheet1.xml"', 'Target="../../../etc/passwd"'));
    expect(code(() => assertPlainXlsx(escape))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: 'xl/_rels/workbook.xml.rels', reason: 'relationship target outside the package' } });
  });

  it('in the designated form: template formulas (plain or shared) pass, a shared formula without its master and a function in an input cell do not', async () => {
    const form = await buildTemplate({ holderNumber: 'T1', fiscalYear: 2013, kind: 'base_year' }, [{ kind: '灯油 / Kerosene', quantity: 2 }]);
    expect(code(() => assertPlainXlsx(form, FORM))).toBeUndefined();
    const orphan = rezip(form, (p) => editPart(p, 'xl/worksheets/sheet1.xml', /(<c r="E9"[^>]*>)<f>[^<]*<\/f>/, '$1<f t="shared" si="7"/>'));
    expect(code(() => assertPlainXlsx(orphan, FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { cell: 'E9' } });
    const inputFn = rezip(form, (p) => editPart(p, 'xl/worksheets/sheet1.xml', /(<c r="C8"[^>]*)><v>2<\/v>/, '$1><f>SUM(1,1)</f><v>2</v>'));
    expect(code(() => assertPlainXlsx(inputFn, FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { cell: 'C8', reason: 'function SUM not allowed' } });
    // plain arithmetic in an input cell passes the guard: the parser names the cell (REPORT_CONTENT_INVALID)
    const inputArith = rezip(form, (p) => editPart(p, 'xl/worksheets/sheet1.xml', /(<c r="C8"[^>]*)><v>2<\/v>/, '$1><f>1+1</f><v>2</v>'));
    expect(code(() => assertPlainXlsx(inputArith, FORM))).toBeUndefined();
    // the same formula an attachment may hold
    expect(code(() => assertPlainXlsx(inputFn))).toBeUndefined();
  });

  it('a workbook without the form\'s main sheet: its ordinary formulas are left to the parser (TEMPLATE_MISMATCH), DDE is not', () => {
    const other = (f: string) => makeZip(minimalWorkbook(sheet(`<sheetData><row r="1"><c r="A1"><f>${f}</f></c></row></sheetData>`)));
    expect(code(() => assertPlainXlsx(other('SUM(B1:B2)'), FORM))).toBeUndefined();
    expect(code(() => assertPlainXlsx(other("cmd|'/c calc'!A0"), FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'DDE formula', cell: 'A1' } });
  });
});

describe('overview worksheet names', () => {
  it.each([
    ["'第3期'", "第3期' 一覧"], // only the ends matter to Excel
    ['A/B:C*D?E[F]G\\H', 'A_B_C_D_E_F_G_H 一覧'],
    ['x'.repeat(32), 'x'.repeat(31)],
    ["'", '一覧'],
    ["第1期 '", "第1期 ' 一覧"],
  ])('%s → %s', (phase, want) => {
    expect(worksheetName(`${phase} 一覧`)).toBe(want);
  });

  it('never ends on an apostrophe after cutting to 31 characters', () => {
    const name = worksheetName(`${'x'.repeat(30)}'' 一覧`);
    expect(name).toBe('x'.repeat(30));
  });
});
