import ExcelJS from 'exceljs';
import { DomainError } from '../../../core/errors/domain-error';
import { hostile } from '../../../../test/fixtures/zip';
import { EMISSION_FACTORS } from './factors';
import { parseReport } from './parse';
import { buildTemplate } from './template';
import '../emissions-errors';

const expected = { holderNumber: 'T00001', fiscalYear: 2013, kind: 'base_year' as const };
const ELEC = EMISSION_FACTORS[0].label; // 0.441 t-CO2 / 千kWh
const GAS = EMISSION_FACTORS[1].label; // 2.05 t-CO2 / 千m3

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, details: e.details as { problems?: { sheet: string; cell: string }[] } };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('calculation report: template and parser', () => {
  it('reads a filled form and recomputes every row and the total exactly', async () => {
    const file = await buildTemplate({ ...expected, facility: '第一ビル' }, [
      { kind: ELEC, quantity: 1000 },
      { kind: GAS, quantity: 500.5 },
      { kind: ELEC, quantity: '0.1' },
    ]);
    const parsed = await parseReport(file, expected);
    expect(parsed.rows.map((r) => r.emissions.toFixed(3))).toEqual(['441.000', '1026.025', '0.044']);
    expect(parsed.total.toFixed(3)).toBe('1467.069');
  });

  it('accepts declared row and total values that match the recomputation', async () => {
    const file = await buildTemplate(expected, [{ kind: GAS, quantity: 2 }], { totalOverride: 4.1 });
    expect((await parseReport(file, expected)).total.toFixed(3)).toBe('4.100');
  });

  it('refuses a declared total that differs, naming the cell', async () => {
    const file = await buildTemplate(expected, [{ kind: GAS, quantity: 2 }], { totalOverride: 4.2 });
    const r = await refusal(parseReport(file, expected));
    expect(r.code).toBe('REPORT_CONTENT_INVALID');
    expect(r.details.problems).toEqual([{ sheet: '算定報告書', cell: 'F58', message: expect.stringContaining('4.100') }]);
  });

  it('refuses wrong types, negative quantities and unknown kinds with one problem each', async () => {
    const file = await buildTemplate(expected, [
      { kind: ELEC, quantity: 'lots' },
      { kind: GAS, quantity: -3 },
      { kind: '石炭 / Coal', quantity: 5 },
      { kind: ELEC, quantity: 10 },
    ]);
    const r = await refusal(parseReport(file, expected));
    expect(r.details.problems!.map((p) => p.cell)).toEqual(['C8', 'C9', 'B10']);
  });

  it('refuses a form for another holder, year or kind', async () => {
    const file = await buildTemplate({ holderNumber: 'T00002', fiscalYear: 2014, kind: 'target_year' }, [{ kind: ELEC, quantity: 1 }]);
    const r = await refusal(parseReport(file, expected));
    expect(r.details.problems!.map((p) => p.cell)).toEqual(['B2', 'B4', 'B5']);
  });

  it('refuses a workbook without the marker, or of another version', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('算定報告書').getCell('A1').value = 'looks similar';
    const plain = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await refusal(parseReport(plain, expected))).code).toBe('TEMPLATE_MISMATCH');

    const old = new ExcelJS.Workbook();
    await old.xlsx.load((await buildTemplate(expected, [])) as unknown as ArrayBuffer);
    old.getWorksheet('_meta')!.getCell('B1').value = 'v0';
    const r = await refusal(parseReport(Buffer.from(await old.xlsx.writeBuffer()), expected));
    expect(r).toMatchObject({ code: 'TEMPLATE_MISMATCH', details: { problems: [{ sheet: '_meta', cell: 'B1' }] } });
  });

  it.each([
    ['a renamed PDF', hostile.renamedPdf, 'NOT_XLSX'],
    ['a Word document', hostile.docx, 'NOT_XLSX'],
    ['plain text', () => Buffer.from('holder,emissions\nT00001,100\n'), 'NOT_XLSX'],
    ['an encrypted workbook', hostile.encrypted, 'FILE_ENCRYPTED'],
    ['a macro-enabled workbook (.xlsm)', hostile.xlsm, 'MACRO_ENABLED'],
    ['a zip bomb (declared)', hostile.zipBomb, 'ZIP_BOMB'],
    ['a zip bomb lying about its sizes', hostile.lyingZip, 'ZIP_BOMB'],
    ['a merged-cell bomb (tiny file, whole-sheet range)', hostile.mergeBomb, 'FILE_TOO_COMPLEX'],
  ])('refuses %s', async (_, make, code) => {
    expect((await refusal(parseReport(make(), expected))).code).toBe(code);
  });
});
