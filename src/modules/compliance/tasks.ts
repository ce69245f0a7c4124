import { runExport } from '../../core/excel/export';
import { excelNumber, writeTableWorkbook, type TableWorkbook } from '../../core/excel/table-workbook';
import type { FileWorkers } from '../../core/workers/workers.module';

/**
 * A name Excel accepts for a worksheet, whatever the phase is called: none of * ? : \ / [ ],
 * no leading or trailing apostrophe, not empty, not "History", at most 31 characters
 * (UTF-16 units, as Excel counts; a surrogate pair is never split).
 */
export function worksheetName(wanted: string): string {
  let name = wanted.replace(/[*?:\\/[\]\u0000-\u001f]/g, '_');
  name = name.replace(/^[\s']+|[\s']+$/g, '');
  let kept = '';
  for (const ch of name) {
    if (kept.length + ch.length > 31) break;
    kept += ch;
  }
  name = kept.replace(/^[\s']+|[\s']+$/g, '');
  if (!name || name.toLowerCase() === 'history') name = '一覧 Overview';
  return name;
}

const STATUS_LABELS: Record<string, string> = { met: '達成 / met', not_met: '未達 / not met', pending: '未確定 / pending' };

/** A report's status as the overview workbook shows it (docs/domain.md §3). */
export const REPORT_STATUS_LABELS: Record<string, string> = {
  not_submitted: '未提出 / not submitted',
  registered: '登録済 / registered',
  verification_requested: '検証依頼中 / verification requested',
  approval_requested: '承認依頼中 / approval requested',
  approved: '承認済 / approved',
  submitted: '提出済 / submitted',
  received: '受理済 / received',
};

const reportLabel = (status: string | undefined) => (status ? (REPORT_STATUS_LABELS[status] ?? status) : '');

/** One holder of the overview (the JSON items: figures as decimal texts, null where none). */
export interface OverviewRow {
  holderNumber: string;
  name: string;
  facility: string;
  reductionTarget: string;
  reports: Record<string, string>;
  baseYearEmissions: string | null;
  targetYearEmissions: string | null;
  jaaIssued: string;
  jaaRetired: string;
  jaaRetiredOnTime: string;
  jaaRetiredLate: string;
  obligation: string | null;
  shortfall: string | null;
  holding: string;
  banked: string;
  status: string;
  final: boolean;
}

export interface OverviewWorkbookData {
  phase: { name: string; code: string; retirementDeadline: string };
  items: OverviewRow[];
}

/** The secretariat's phase overview as a sheet: figures as numbers, statuses as Japanese labels. */
export function overviewWorkbook({ phase, items }: OverviewWorkbookData): TableWorkbook {
  const num = excelNumber;
  return {
    sheets: [
      {
        name: worksheetName(`${phase.name} 一覧`),
        rows: [
          { cells: [`${phase.name}（${phase.code}） 目標保有者一覧 / Target holders (償却期限 / deadline ${phase.retirementDeadline})`], bold: true },
          {
            cells: [
              '目標保有者番号 / Holder', '代表事業者 / Representative', '施設 / Facility', '削減目標量 / Target (t-CO2)',
              '基準年度報告 / Base-year report', '削減目標年度報告 / Target-year report', '調整年度報告 / Adjustment report',
              '基準年度排出量 / Base-year emissions', '削減目標年度排出量 / Target-year emissions', '発行量 / Issued (JAA)',
              '償却量 / Retired (JAA)', 'うち期限内 / Retired by the deadline (JAA)', 'うち期限後 / Retired late (JAA)',
              '償却義務量 / Obligation (JAA)', '不足量 / Shortfall (JAA)', '保有量 / Held (JAA)', 'バンキング / Banked (JAA)', '状況 / Status',
            ],
            bold: true,
          },
          ...items.map((i) => [
            i.holderNumber, i.name, i.facility, num(i.reductionTarget), reportLabel(i.reports.base_year), reportLabel(i.reports.target_year),
            reportLabel(i.reports.adjustment_year), num(i.baseYearEmissions), num(i.targetYearEmissions), num(i.jaaIssued), num(i.jaaRetired),
            num(i.jaaRetiredOnTime), num(i.jaaRetiredLate), num(i.obligation), num(i.shortfall), num(i.holding), num(i.banked),
            (STATUS_LABELS[i.status] ?? i.status) + (i.final ? '（確定 / final）' : ''),
          ]),
        ],
        defaultWidth: 20,
      },
    ],
  };
}

/** What the file workers run for the compliance module (src/workers/file-worker.ts serves them). */
export const complianceFileTasks = {
  'compliance.overview-workbook'(data: OverviewWorkbookData): Promise<Uint8Array> {
    return writeTableWorkbook(overviewWorkbook(data));
  },
};

/** Writes the phase overview workbook in a file worker. */
export async function buildOverviewWorkbook(workers: FileWorkers, data: OverviewWorkbookData): Promise<Buffer> {
  return runExport(workers, 'compliance.overview-workbook', data);
}
