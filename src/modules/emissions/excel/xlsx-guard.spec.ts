import { DomainError } from '../../../core/errors/domain-error';
import { plainCellsWorkbook } from '../../../../test/fixtures/zip';
import { assertPlainXlsx, MAX_SHEET_CELLS, MAX_SHEET_ROWS } from './xlsx-guard';
import { worksheetName } from '../../compliance/overview.service';
import '../emissions-errors';

function code(f: () => void) {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, details: e.details };
    throw e;
  }
  return undefined;
}

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
