import { jstDateTime } from '../../core/clock/jst';
import { runExport } from '../../core/excel/export';
import { excelNumber, writeTableWorkbook, type TableWorkbook } from '../../core/excel/table-workbook';
import type { FileWorkers } from '../../core/workers/workers.module';
import type { AccountView } from './dto/ledger.dto';
import type { HistoryItem } from './ledger.service';

const TYPE_LABELS: Record<string, string> = {
  issuance: '発行 (issuance)',
  transfer: '移転 (transfer)',
  retirement: '償却 (retirement)',
  cancellation: '取消 (cancellation)',
  offset: 'オフセット (offset)',
  correction: '訂正 (correction)',
  expiry: '失効 (expiry)',
};

export interface StatementData {
  account: AccountView;
  /** Newest first, as the ledger reads them (the sheet lists them oldest first). */
  entries: HistoryItem[];
  /** ISO 8601 instant. */
  generatedAt: string;
}

/**
 * 口座明細: an account statement, labels in Japanese with English, times in JST, quantities as
 * numbers of whole JAA (as text only past the 15 digits Excel holds exactly, so none changes).
 */
export function statementWorkbook({ account, entries, generatedAt }: StatementData): TableWorkbook {
  const q = excelNumber;
  return {
    creator: 'ASSET Registry',
    created: generatedAt,
    sheets: [
      {
        name: '口座明細 Statement',
        rows: [
          { cells: ['口座明細 / Account statement'], bold: true, size: 14 },
          ['口座番号 / Account number', account.accountNumber],
          ['口座名 / Account name', account.name],
          ['残高 / Balance (JAA)', q(account.balance)],
          ['コミットメントリザーブ / Commitment reserve (JAA)', q(account.commitmentReserve)],
          ['移転可能量 / Available (JAA)', q(account.available)],
          ['作成日時 / Generated at (JST)', jstDateTime(generatedAt)],
          [],
          ...account.holdings.map((h) => [
            `期 ${h.vintage} の保有量 / Holding of vintage ${h.vintage} (JAA)`, q(h.quantity),
            'うちバンキング / banked (JAA)', q(h.banked), 'リザーブ / reserve (JAA)', q(h.commitmentReserve),
          ]),
          [],
          { cells: ['日時 / Time (JST)', '取引ID / Transaction', '種別 / Type', '相手口座 / Counterparty', '数量 / Quantity (JAA)', '残高 / Balance after (JAA)', '期 / Phase', 'シリアル番号 / Serial numbers'], bold: true },
          ...[...entries].reverse().map((e) => [
            jstDateTime(e.createdAt), e.transactionId, TYPE_LABELS[e.type] ?? e.type, e.counterpartyAccount, q(e.amount), q(e.balanceAfter), e.phase ?? '',
            e.serials.map((s) => s.label).join('\n'),
          ]),
        ],
        widths: [26, 38, 22, 16, 18, 22, 10, 44],
        defaultWidth: 20,
      },
    ],
  };
}

/** What the file workers run for the ledger module (src/workers/file-worker.ts serves them). */
export const ledgerFileTasks = {
  'ledger.statement'(data: StatementData): Promise<Uint8Array> {
    return writeTableWorkbook(statementWorkbook(data));
  },
};

/** Writes an account statement (.xlsx) in a file worker. */
export async function buildStatement(workers: FileWorkers, account: AccountView, entries: HistoryItem[], generatedAt: Date): Promise<Buffer> {
  return runExport(workers, 'ledger.statement', { account, entries, generatedAt: generatedAt.toISOString() } satisfies StatementData);
}
