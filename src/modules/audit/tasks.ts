import { jstDateTime } from '../../core/clock/jst';
import { runExport } from '../../core/excel/export';
import { writeTableWorkbook, type TableWorkbook } from '../../core/excel/table-workbook';
import type { FileWorkers } from '../../core/workers/workers.module';

/** One audit event as the workbook shows it (the fields of the JSON list, `at` an ISO instant). */
export interface AuditRow {
  at: string;
  loginId: string | null;
  role: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  status: number;
  requestId: string | null;
  clientIp: string | null;
}

export const AUDIT_SHEET_NAME = '監査ログ Audit';

/** The audit trail as a sheet: times in JST ('YYYY-MM-DD HH:mm:ss'), the HTTP status a number. */
export function auditWorkbook(rows: AuditRow[]): TableWorkbook {
  return {
    sheets: [
      {
        name: AUDIT_SHEET_NAME,
        rows: [
          { cells: ['日時 / Time (JST)', 'ログインID / Login', 'ロール / Role', '操作 / Action', '対象 / Target', '対象ID / Target id', '結果 / Outcome', 'HTTP', 'リクエストID / Request id', 'IP'], bold: true },
          ...rows.map((e) => [jstDateTime(e.at), e.loginId, e.role, e.action, e.targetType, e.targetId, e.outcome, e.status, e.requestId, e.clientIp]),
        ],
        widths: [20, 16, 14, 48, 20, 38, 28, 8, 38, 16],
      },
    ],
  };
}

/** What the file workers run for the audit module (src/workers/file-worker.ts serves them). */
export const auditFileTasks = {
  'audit.workbook'({ rows }: { rows: AuditRow[] }): Promise<Uint8Array> {
    return writeTableWorkbook(auditWorkbook(rows));
  },
};

/** Writes the audit-trail workbook in a file worker. */
export async function buildAuditWorkbook(workers: FileWorkers, rows: AuditRow[]): Promise<Buffer> {
  return runExport(workers, 'audit.workbook', { rows });
}
