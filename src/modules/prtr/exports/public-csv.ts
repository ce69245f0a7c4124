import { amountAt, type AmountPath } from '../content';
import type { FilingRecord, FilingRecordStatus } from './record';

/**
 * The ministry's CSV of accepted filings: one row per facility × substance. UTF-8 with a BOM (so that
 * Excel opens it as UTF-8), CRLF line ends, RFC 4180 quoting, and text cells that Excel would read as
 * a formula prefixed with an apostrophe. A filing with a confidentiality claim (第6条第1項の請求) has
 * its substance number left empty and its substance name replaced.
 */

/** The filings the CSV lists: accepted by the local government or by the ministry (current versions only). */
export const PUBLIC_CSV_STATUSES: readonly FilingRecordStatus[] = ['local_accepted', 'ministry_accepted'];

export const CONFIDENTIAL_SUBSTANCE_NAME = '秘密情報（第6条第1項の請求）';

const COLUMNS: Array<{ header: string; value: (r: FilingRecord, sheetIndex: number) => string | number | null | undefined }> = [
  { header: '届出年度 (fiscal year)', value: (r) => r.fiscalYear },
  { header: '整理番号 (reference number)', value: (r) => r.referenceNumber },
  { header: '都道府県 (prefecture)', value: (r) => r.prefecture.name },
  { header: '届出先大臣 (minister)', value: (r) => r.minister.name },
  { header: '事業者名 (business name)', value: (r) => r.content.mainForm.businessName },
  { header: '事業所名 (facility name)', value: (r) => r.content.mainForm.facilityName },
  { header: '事業所所在地 (facility location)', value: (r) => r.content.mainForm.facilityAddress },
  { header: '主たる業種コード (main industry code)', value: (r) => r.content.mainForm.mainIndustryCode },
  { header: '従業員数 (employees)', value: (r) => r.content.mainForm.employees },
  {
    header: '物質番号 (substance number)',
    value: (r, i) => (r.content.mainForm.confidentialityClaim ? null : r.content.sheets[i].substanceNumber),
  },
  {
    header: '物質名 (substance name)',
    value: (r, i) =>
      r.content.mainForm.confidentialityClaim ? CONFIDENTIAL_SUBSTANCE_NAME : r.substances.get(r.content.sheets[i].substanceNumber)?.name,
  },
  {
    header: '単位 (unit)',
    // mg-TEQ alone would name dioxins: withheld with the substance under a confidentiality claim
    value: (r, i) => (r.content.mainForm.confidentialityClaim ? null : r.substances.get(r.content.sheets[i].substanceNumber)?.unit),
  },
  ...(
    [
      ['releases.air', '大気 (air)'],
      ['releases.water', '公共用水域 (public water)'],
      ['releases.soil', '土壌 (soil)'],
      ['releases.landfill', '埋立 (landfill)'],
      ['transfers.sewer', '下水道 (sewer)'],
      ['transfers.offsite', '事業所外 (off site)'],
    ] as Array<[AmountPath, string]>
  ).map(([path, header]) => ({ header, value: (r: FilingRecord, i: number) => amountAt(r.content.sheets[i], path) })),
];

/** Characters that make Excel (or another spreadsheet) read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made safe against formula injection, then quoted per RFC 4180 when needed. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function compareRecords(a: FilingRecord, b: FilingRecord): number {
  if (a.fiscalYear !== b.fiscalYear) return a.fiscalYear - b.fiscalYear;
  const ra = a.referenceNumber ?? '';
  const rb = b.referenceNumber ?? '';
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

export function buildPublicCsv(rows: FilingRecord[]): string {
  const lines: string[] = [COLUMNS.map((c) => csvField(c.header)).join(',')];
  const filings = rows.filter((r) => PUBLIC_CSV_STATUSES.includes(r.status)).sort(compareRecords);
  for (const r of filings) {
    const order = r.content.sheets.map((s, i) => ({ n: s.substanceNumber, i })).sort((x, y) => x.n - y.n);
    for (const { i } of order) lines.push(COLUMNS.map((c) => csvField(c.value(r, i))).join(','));
  }
  return '\uFEFF' + lines.map((l) => l + '\r\n').join('');
}
