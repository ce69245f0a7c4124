import ExcelJS from 'exceljs';
import type { AccountView } from './dto/ledger.dto';
import { type HistoryItem, serialLabel } from './ledger.service';

const TYPE_LABELS: Record<string, string> = {
  issuance: '発行 (issuance)',
  transfer: '移転 (transfer)',
  retirement: '償却 (retirement)',
  cancellation: '取消 (cancellation)',
  offset: 'オフセット (offset)',
  correction: '訂正 (correction)',
  expiry: '失効 (expiry)',
};

/** 口座明細: an account statement as .xlsx, labels in Japanese with English, quantities as numbers of whole JAA. */
export async function buildStatement(account: AccountView, entries: HistoryItem[], generatedAt: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ASSET Registry';
  wb.created = generatedAt;
  const ws = wb.addWorksheet('口座明細 Statement');
  ws.addRow(['口座明細 / Account statement']).font = { bold: true, size: 14 };
  ws.addRow(['口座番号 / Account number', account.accountNumber]);
  ws.addRow(['口座名 / Account name', account.name]);
  ws.addRow(['残高 / Balance (JAA)', account.balance]);
  ws.addRow(['コミットメントリザーブ / Commitment reserve (JAA)', account.commitmentReserve]);
  ws.addRow(['移転可能量 / Available (JAA)', account.available]);
  ws.addRow(['作成日時 / Generated at (UTC)', generatedAt.toISOString()]);
  ws.addRow([]);
  for (const h of account.holdings) {
    ws.addRow([`期 ${h.vintage} の保有量 / Holding of vintage ${h.vintage} (JAA)`, h.quantity, `うちバンキング / banked ${h.banked}`, `リザーブ / reserve ${h.commitmentReserve}`]);
  }
  ws.addRow([]);
  const header = ws.addRow(['日時 / Time (UTC)', '取引ID / Transaction', '種別 / Type', '相手口座 / Counterparty', '数量 / Quantity (JAA)', '残高 / Balance after (JAA)', '期 / Phase', 'シリアル番号 / Serial numbers']);
  header.font = { bold: true };
  // Quantities are written as text: JAA are exact integers and stay exact in the sheet.
  for (const e of [...entries].reverse()) {
    ws.addRow([e.createdAt, e.transactionId, TYPE_LABELS[e.type] ?? e.type, e.counterpartyAccount, e.amount, e.balanceAfter, e.phase ?? '', e.serials.map(serialLabel).join('\n')]);
  }
  ws.columns.forEach((c, i) => (c.width = [26, 38, 22, 16, 18, 22, 10, 44][i] ?? 20));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
