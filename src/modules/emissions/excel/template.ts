import ExcelJS from 'exceljs';
import { EMISSION_FACTORS } from './factors';
import {
  CELLS,
  COLUMNS,
  FACTOR_SHEET,
  FIRST_ROW,
  FORMULAS,
  KIND_LABELS,
  MAIN_SHEET,
  META_SHEET,
  TEMPLATE_MARKER,
  TEMPLATE_ROWS,
  TEMPLATE_VERSION,
  TOTAL_LABEL,
} from './layout';
import type { ReportKind } from '../entities/report.entity';

export interface TemplatePrefill {
  holderNumber?: string;
  facility?: string;
  fiscalYear?: number;
  kind?: ReportKind;
}

export interface ActivityRow {
  kind: string;
  quantity: number | string;
}

/**
 * The designated calculation-report form: header, activity table with list validation, formula
 * cells locked, factor sheet, and a very hidden version marker. `rows` fills the table (tests and
 * benchmarks build filled forms with it); the table grows to fit them.
 */
export async function buildTemplate(prefill: TemplatePrefill = {}, rows: ActivityRow[] = [], options: { totalOverride?: number } = {}) {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ASSET Registry';
  const ws = wb.addWorksheet(MAIN_SHEET, { views: [{ state: 'frozen', ySplit: FIRST_ROW - 1 }] });
  const factors = wb.addWorksheet(FACTOR_SHEET);
  const meta = wb.addWorksheet(META_SHEET, { state: 'veryHidden' });
  meta.getCell('A1').value = TEMPLATE_MARKER;
  meta.getCell('B1').value = TEMPLATE_VERSION;

  factors.addRow(['燃料・エネルギー種別 / Kind', '単位 / Unit', '排出係数 / Factor (t-CO2/unit)']).font = { bold: true };
  // A factor (not a quantity) written as an Excel number so the sheet's formulas can multiply by it;
  // the parser reads it back exactly (shortest decimal text) and compares it with the Decimal.
  for (const f of EMISSION_FACTORS) factors.addRow([f.label, f.unit, Number(f.factor.toString())]);
  factors.columns.forEach((c, i) => (c.width = [40, 12, 28][i]));
  await factors.protect('', {});

  ws.getCell('A1').value = '算定報告書 / Calculation report';
  ws.getCell('A1').font = { bold: true, size: 14 };
  const header: [keyof typeof CELLS, string, unknown][] = [
    ['holderNumber', '目標保有者番号 / Holder number', prefill.holderNumber ?? ''],
    ['facility', '施設名 / Facility', prefill.facility ?? ''],
    ['fiscalYear', '年度 / Fiscal year', prefill.fiscalYear ?? null],
    ['kind', '報告書種別 / Report kind', prefill.kind ? KIND_LABELS[prefill.kind] : ''],
  ];
  for (const [key, label, value] of header) {
    const cell = ws.getCell(CELLS[key]);
    ws.getCell(`A${cell.row}`).value = label;
    cell.value = value as ExcelJS.CellValue;
    cell.protection = { locked: false };
  }
  ws.getCell(CELLS.kind).dataValidation = {
    type: 'list',
    allowBlank: false,
    formulae: [`"${Object.values(KIND_LABELS).join(',')}"`],
  };

  const head = ws.getRow(FIRST_ROW - 1);
  head.values = ['No.', '燃料・エネルギー種別 / Energy kind', '使用量 / Quantity', '単位 / Unit', '排出係数 / Factor (t-CO2/unit)', '排出量 / Emissions (t-CO2)'];
  head.font = { bold: true };
  const count = Math.max(TEMPLATE_ROWS, rows.length);
  const last = FIRST_ROW + count - 1;
  const kinds = EMISSION_FACTORS.length;
  for (let i = 0; i < count; i++) {
    const r = FIRST_ROW + i;
    const row = rows[i];
    ws.getCell(`${COLUMNS.no}${r}`).value = i + 1;
    const kind = ws.getCell(`${COLUMNS.kind}${r}`);
    kind.value = row?.kind ?? null;
    kind.protection = { locked: false };
    kind.dataValidation = { type: 'list', allowBlank: true, formulae: [`'${FACTOR_SHEET}'!$A$2:$A$${EMISSION_FACTORS.length + 1}`] };
    const qty = ws.getCell(`${COLUMNS.quantity}${r}`);
    qty.value = row?.quantity ?? null;
    qty.protection = { locked: false };
    qty.dataValidation = { type: 'decimal', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [0] };
    ws.getCell(`${COLUMNS.unit}${r}`).value = { formula: FORMULAS.unit(r, kinds) };
    ws.getCell(`${COLUMNS.factor}${r}`).value = { formula: FORMULAS.factor(r, kinds) };
    ws.getCell(`${COLUMNS.emissions}${r}`).value = { formula: FORMULAS.emissions(r) };
  }
  const totalRow = last + 1;
  ws.getCell(`${COLUMNS.no}${totalRow}`).value = TOTAL_LABEL;
  ws.getCell(`${COLUMNS.no}${totalRow}`).font = { bold: true };
  ws.getCell(`${COLUMNS.emissions}${totalRow}`).value =
    options.totalOverride !== undefined ? options.totalOverride : { formula: FORMULAS.total(last) };
  ws.columns.forEach((c, i) => (c.width = [8, 40, 16, 10, 26, 24][i]));
  await ws.protect('', { selectLockedCells: true, selectUnlockedCells: true });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
