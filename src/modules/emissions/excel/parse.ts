import Decimal from 'decimal.js';
import ExcelJS from 'exceljs';
import { DomainError } from '../../../core/errors/domain-error';
import type { ReportKind } from '../entities/report.entity';
import { FACTORS_BY_LABEL } from './factors';
import { CELLS, COLUMNS, FIRST_ROW, KIND_BY_LABEL, MAIN_SHEET, MAX_ROWS, META_SHEET, TEMPLATE_MARKER, TEMPLATE_VERSION, TOTAL_LABEL } from './layout';
import { assertPlainXlsx } from './xlsx-guard';

export interface CellProblem {
  sheet: string;
  cell: string;
  message: string;
}

export interface ParsedReport {
  holderNumber: string;
  fiscalYear: number;
  kind: ReportKind;
  rows: { row: number; kind: string; quantity: Decimal; emissions: Decimal }[];
  total: Decimal;
}

export interface Expected {
  holderNumber: string;
  fiscalYear: number;
  kind: ReportKind;
}

type Value = ExcelJS.CellValue;

/** The value a cell shows: formulas give their cached result (absent when never calculated). */
function shown(v: Value): Value | undefined {
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    if ('result' in v) return (v as { result?: Value }).result;
    if ('formula' in v || 'sharedFormula' in v) return undefined;
    if ('richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((t) => t.text).join('');
  }
  return v;
}

function text(v: Value): string {
  const s = shown(v);
  return s === null || s === undefined ? '' : String(s).trim();
}

/** A formula (plain or shared), whatever its cached result: input cells must hold typed values. */
function isFormula(v: Value): boolean {
  return !!v && typeof v === 'object' && !(v instanceof Date) && ('formula' in v || 'sharedFormula' in v);
}

const FORMULA_IN_INPUT = '入力欄に数式は使えません。値を直接入力してください (input cells must hold values, not formulas)';

/**
 * Bounds that keep every figure inside the reports/phase_participants columns, numeric(20,3):
 * |value| < 10^17. A quantity below 10^14 times the largest factor (3.00) stays below 10^15 t,
 * and the total is checked against the column itself.
 */
const MAX_QUANTITY = new Decimal('1e14');
const MAX_TOTAL = new Decimal('1e17');

/** A number cell as an exact Decimal (numbers go through their shortest decimal text); undefined if empty. */
function decimal(v: Value): Decimal | undefined | 'invalid' {
  const s = shown(v);
  if (s === null || s === undefined || s === '') return undefined;
  if (typeof s === 'number') return Number.isFinite(s) ? new Decimal(s.toString()) : 'invalid';
  if (typeof s === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(s.trim())) return new Decimal(s.trim());
  return 'invalid';
}

/**
 * Reads a calculation report in the designated form and recomputes it: every row
 * (quantity × the designated factor, rounded to 0.001 t), and the total. Refuses with every
 * problem found, each with sheet and cell.
 */
export async function parseReport(buf: Buffer, expected: Expected): Promise<ParsedReport> {
  assertPlainXlsx(buf, { boundCells: true, designatedForm: true });
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new DomainError('NOT_XLSX', { detected: 'unreadable workbook' });
  }
  const meta = wb.getWorksheet(META_SHEET);
  if (!meta || text(meta.getCell('A1').value) !== TEMPLATE_MARKER) {
    throw new DomainError('TEMPLATE_MISMATCH', { problems: [{ sheet: META_SHEET, cell: 'A1', message: '指定様式ではありません (not the designated form)' }] });
  }
  const version = text(meta.getCell('B1').value);
  if (version !== TEMPLATE_VERSION) {
    throw new DomainError('TEMPLATE_MISMATCH', {
      problems: [{ sheet: META_SHEET, cell: 'B1', message: `様式の版が違います (form version ${version || '?'}, expected ${TEMPLATE_VERSION})` }],
    });
  }
  const ws = wb.getWorksheet(MAIN_SHEET);
  if (!ws) throw new DomainError('TEMPLATE_MISMATCH', { problems: [{ sheet: MAIN_SHEET, cell: 'A1', message: 'シートがありません (sheet missing)' }] });

  const problems: CellProblem[] = [];
  const problem = (cell: string, message: string) => problems.push({ sheet: MAIN_SHEET, cell, message });

  // The header cells the holder fills in: a formula's cached result is not what the holder typed
  // (and may never have been calculated), so a formula there is refused, naming the cell.
  const formulas = new Set(Object.values(CELLS).filter((c) => isFormula(ws.getCell(c).value)));
  for (const c of formulas) problem(c, FORMULA_IN_INPUT);
  const holderNumber = text(ws.getCell(CELLS.holderNumber).value);
  if (!formulas.has(CELLS.holderNumber) && holderNumber !== expected.holderNumber) {
    problem(CELLS.holderNumber, `目標保有者番号が違います (expected ${expected.holderNumber})`);
  }
  const year = decimal(ws.getCell(CELLS.fiscalYear).value);
  if (!formulas.has(CELLS.fiscalYear) && (year === undefined || year === 'invalid' || !year.isInteger() || year.toNumber() !== expected.fiscalYear)) {
    problem(CELLS.fiscalYear, `年度が違います (expected ${expected.fiscalYear})`);
  }
  const kind = KIND_BY_LABEL.get(text(ws.getCell(CELLS.kind).value));
  if (!formulas.has(CELLS.kind) && kind !== expected.kind) problem(CELLS.kind, '報告書種別が違います (wrong report kind)');

  const rows: ParsedReport['rows'] = [];
  let total = new Decimal(0);
  let totalRow = -1;
  for (let r = FIRST_ROW; r < FIRST_ROW + MAX_ROWS + 1; r++) {
    const row = ws.getRow(r);
    if (text(row.getCell(COLUMNS.no).value) === TOTAL_LABEL) {
      totalRow = r;
      break;
    }
    const kindValue = row.getCell(COLUMNS.kind).value;
    const quantityValue = row.getCell(COLUMNS.quantity).value;
    if (isFormula(kindValue) || isFormula(quantityValue)) {
      if (isFormula(kindValue)) problem(`${COLUMNS.kind}${r}`, FORMULA_IN_INPUT);
      if (isFormula(quantityValue)) problem(`${COLUMNS.quantity}${r}`, FORMULA_IN_INPUT);
      continue;
    }
    const label = text(kindValue);
    const quantity = decimal(quantityValue);
    if (!label && quantity === undefined) continue;
    const factor = FACTORS_BY_LABEL.get(label);
    if (!factor) {
      problem(`${COLUMNS.kind}${r}`, '燃料・エネルギー種別が一覧にありません (unknown energy kind)');
      continue;
    }
    if (quantity === undefined || quantity === 'invalid') {
      problem(`${COLUMNS.quantity}${r}`, '使用量は数値で入力してください (quantity must be a number)');
      continue;
    }
    if (quantity.isNegative()) {
      problem(`${COLUMNS.quantity}${r}`, '使用量に負の値は入力できません (negative quantity)');
      continue;
    }
    if (quantity.gte(MAX_QUANTITY)) {
      problem(`${COLUMNS.quantity}${r}`, '使用量が上限を超えています (quantity must be below 100,000,000,000,000)');
      continue;
    }
    const declaredFactor = decimal(row.getCell(COLUMNS.factor).value);
    if (declaredFactor !== undefined && (declaredFactor === 'invalid' || !declaredFactor.equals(factor.factor))) {
      problem(`${COLUMNS.factor}${r}`, `排出係数が指定値と違います (factor must be ${factor.factor.toString()})`);
      continue;
    }
    const emissions = quantity.times(factor.factor).toDecimalPlaces(3, Decimal.ROUND_HALF_UP);
    const declared = decimal(row.getCell(COLUMNS.emissions).value);
    if (declared !== undefined && (declared === 'invalid' || !declared.toDecimalPlaces(3).equals(emissions))) {
      problem(`${COLUMNS.emissions}${r}`, `排出量が再計算値と一致しません (recomputed ${emissions.toFixed(3)})`);
    }
    rows.push({ row: r, kind: label, quantity, emissions });
    total = total.plus(emissions);
  }
  if (total.gte(MAX_TOTAL)) {
    const at = totalRow < 0 ? `${COLUMNS.quantity}${rows[rows.length - 1].row}` : `${COLUMNS.emissions}${totalRow}`;
    problem(at, '合計排出量が上限を超えています (total emissions must be below 100,000,000,000,000,000 t-CO2)');
  }
  if (totalRow < 0) {
    problem(`${COLUMNS.no}${FIRST_ROW}`, '合計行が見つかりません (total row missing)');
  } else if (total.lt(MAX_TOTAL)) {
    const declaredTotal = decimal(ws.getCell(`${COLUMNS.emissions}${totalRow}`).value);
    if (declaredTotal !== undefined && (declaredTotal === 'invalid' || !declaredTotal.toDecimalPlaces(3).equals(total))) {
      problem(`${COLUMNS.emissions}${totalRow}`, `合計が再計算値と一致しません (recomputed ${total.toFixed(3)})`);
    }
  }
  if (problems.length) throw new DomainError('REPORT_CONTENT_INVALID', { problems });
  return { holderNumber, fiscalYear: expected.fiscalYear, kind: expected.kind, rows, total };
}
