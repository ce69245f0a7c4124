import type { ReportKind } from '../entities/report.entity';

/** Where things are in the designated form (version v1). The template and the parser both read this. */
export const TEMPLATE_MARKER = 'ASSET-CALC-REPORT';
export const TEMPLATE_VERSION = 'v1';
export const MAIN_SHEET = '算定報告書';
export const FACTOR_SHEET = '係数';
export const META_SHEET = '_meta';
export const CELLS = { holderNumber: 'B2', facility: 'B3', fiscalYear: 'B4', kind: 'B5' } as const;
export const FIRST_ROW = 8;
export const TEMPLATE_ROWS = 50;
export const TOTAL_LABEL = '合計 / Total';
/** A report has at most this many activity rows (the parser stops looking for the total after it). */
export const MAX_ROWS = 20000;
export const COLUMNS = { no: 'A', kind: 'B', quantity: 'C', unit: 'D', factor: 'E', emissions: 'F' } as const;

export const KIND_LABELS: Record<ReportKind, string> = {
  base_year: '基準年度 / Base year',
  target_year: '削減目標年度 / Reduction-target year',
  adjustment_year: '調整・自主削減年度 / Adjustment year',
};
export const KIND_BY_LABEL = new Map(Object.entries(KIND_LABELS).map(([k, v]) => [v, k as ReportKind]));

/** The factor table's range on FACTOR_SHEET (header in row 1, one row per designated kind). */
export function factorRange(kinds: number): string {
  return `'${FACTOR_SHEET}'!$A$2:$C$${kinds + 1}`;
}

/**
 * The template's own formulas (the only formulas a designated-form workbook may hold): unit,
 * factor and emissions of activity row `r`, and the total below the last activity row.
 */
export const FORMULAS = {
  unit: (r: number, kinds: number) => `IF(${COLUMNS.kind}${r}="","",VLOOKUP(${COLUMNS.kind}${r},${factorRange(kinds)},2,FALSE))`,
  factor: (r: number, kinds: number) => `IF(${COLUMNS.kind}${r}="","",VLOOKUP(${COLUMNS.kind}${r},${factorRange(kinds)},3,FALSE))`,
  emissions: (r: number) => `IF(${COLUMNS.kind}${r}="","",ROUND(${COLUMNS.quantity}${r}*${COLUMNS.factor}${r},3))`,
  total: (last: number) => `SUM(${COLUMNS.emissions}${FIRST_ROW}:${COLUMNS.emissions}${last})`,
};
