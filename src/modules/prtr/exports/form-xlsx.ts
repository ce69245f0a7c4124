import ExcelJS from 'exceljs';
import { AMOUNT_FIELDS, LANDFILL_TYPE_LABELS, amountAt, type AmountPath, type FilingSheet } from '../content';
import type { FilingRecord } from './record';
import { STATUS_LABELS, jstDateOrEmpty } from './record';

/**
 * The printable filing form (届出書) as .xlsx: a sheet '本紙' and one sheet '別紙1', '別紙2', … per
 * substance, in the order of the content (ascending substance numbers). Labels in Japanese with the
 * English beside them (columns A and B), values in column C. Amounts are written as text exactly as
 * stored ("0.0", "1200"), never as floats: the form reproduces what was filed, whose significant
 * digits carry meaning ("5.0" is not "5"); counts (employees, sheets) are numbers. Written in a
 * file worker ('prtr.form-xlsx' in ./tasks.ts).
 */

export const MAIN_SHEET_NAME = '本紙';
export const SHEET_NAME_PREFIX = '別紙';
export const FORM_TITLE = '第一種指定化学物質の排出量及び移動量の届出書';
export const FORM_TITLE_EN = 'PRTR release and transfer report';

/** Letters of the form's items (1 排出量: イ ロ ハ ニ; 2 移動量: イ ロ). */
const ITEM_LETTERS: Record<AmountPath, string> = {
  'releases.air': 'イ',
  'releases.water': 'ロ',
  'releases.soil': 'ハ',
  'releases.landfill': 'ニ',
  'transfers.sewer': 'イ',
  'transfers.offsite': 'ロ',
};

const WIDTHS = [38, 36, 44, 10];
const TEXT = '@';

const BANNERS: Partial<Record<FilingRecord['status'], string>> = {
  draft: '【下書き / DRAFT — 未提出 not submitted】',
  withdrawn: '【取下げ / WITHDRAWN】',
  superseded: '【変更届出により置換 / SUPERSEDED by an amendment】',
};

function yesNo(v: boolean): string {
  return v ? '有 (yes)' : '無 (no)';
}

function setupPage(ws: ExcelJS.Worksheet, footer: string): void {
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: 9 as ExcelJS.PaperSize, // A4 (PaperSize is a const enum: not available at runtime)
    orientation: 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
  ws.headerFooter = { oddFooter: `&L${footer.replace(/&/g, '&&')}&R&P / &N` };
  ws.columns.forEach((c, i) => (c.width = WIDTHS[i] ?? 16));
}

class FormWriter {
  constructor(readonly ws: ExcelJS.Worksheet) {}

  title(ja: string, en: string, banner?: string): void {
    const t = this.ws.addRow([ja]);
    t.font = { bold: true, size: 14 };
    this.ws.mergeCells(t.number, 1, t.number, 4);
    this.ws.addRow([en]).font = { italic: true };
    if (banner) this.ws.addRow([banner]).font = { bold: true, color: { argb: 'FFC00000' } };
    this.ws.addRow([]);
  }

  section(ja: string, en: string): void {
    const r = this.ws.addRow([ja, en]);
    r.font = { bold: true };
    r.eachCell((c) => {
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EEF7' } };
    });
  }

  /** One item: Japanese label, English label, value written as text (or a number for counts). */
  item(ja: string, en: string, value: string | number | null | undefined, unit?: string): ExcelJS.Cell {
    const r = this.ws.addRow([ja, en, value ?? '', unit ?? null]);
    const cell = r.getCell(3);
    if (typeof value !== 'number') cell.numFmt = TEXT;
    cell.alignment = { wrapText: true, vertical: 'top' };
    r.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    r.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    r.eachCell({ includeEmpty: true }, (c) => {
      c.border = { bottom: { style: 'hair' } };
    });
    return cell;
  }

  blank(): void {
    this.ws.addRow([]);
  }
}

function writeMainForm(wb: ExcelJS.Workbook, record: FilingRecord): void {
  const ws = wb.addWorksheet(MAIN_SHEET_NAME);
  const f = new FormWriter(ws);
  const mf = record.content.mainForm;
  const [statusJa, statusEn] = STATUS_LABELS[record.status];
  f.title(FORM_TITLE, FORM_TITLE_EN, BANNERS[record.status]);

  f.section('届出の情報', 'Filing');
  f.item('整理番号', 'Reference number', record.referenceNumber ?? '（未採番）');
  f.item('状態', 'Status', `${statusJa} (${statusEn})`);
  f.item(
    '届出の種類',
    'Filing type',
    record.version > 1 ? `変更届出 第${record.version}版 (amendment, version ${record.version})` : '新規 (original)',
  );
  f.item('変更前の整理番号', 'Amends reference number', record.amendsReferenceNumber);
  f.item('対象年度', 'Reporting fiscal year', `${record.fiscalYear}年度 (FY${record.fiscalYear})`);
  f.item('提出日', 'Submission date', jstDateOrEmpty(record.filedAt));
  f.item('期限後の提出', 'Filed after the deadline', yesNo(record.late));
  f.item('自治体受理日', 'Accepted by the local government', jstDateOrEmpty(record.localAcceptedAt));
  f.item('省庁受理日', 'Accepted by the ministry', jstDateOrEmpty(record.ministryAcceptedAt));
  f.item('届出先', 'Recipient minister', `${record.minister.name} 殿`);
  f.item('経由する都道府県', 'Prefecture', record.prefecture.name);
  f.blank();

  f.section('届出者', 'Filer (at the submission date)');
  f.item('氏名又は名称', 'Name', mf.filerName);
  f.item('住所', 'Address', mf.filerAddress);
  f.item('代表者の氏名（法人の場合）', 'Representative (for a corporation)', mf.representativeName);
  f.blank();

  f.section(`事業者及び事業所（${record.fiscalYear}年4月1日現在）`, `Business and facility (as of April 1, ${record.fiscalYear})`);
  f.item('事業者の名称', 'Business name', mf.businessName);
  f.item('事業所の名称', 'Facility name', mf.facilityName);
  f.item('事業所の所在地', 'Facility location', mf.facilityAddress);
  f.item('事業所において常時使用される従業員の数', 'Employees at the facility', mf.employees, '人');
  f.item(
    '事業所において行われる事業が属する業種（主たる業種）',
    'Main industry',
    record.mainIndustryName ? `${mf.mainIndustryCode} ${record.mainIndustryName}` : mf.mainIndustryCode,
  );
  f.item('従たる業種', 'Secondary industries', mf.secondaryIndustryCodes.join('、'));
  f.item('第6条第1項の請求', 'Confidentiality claim (Art. 6(1))', yesNo(mf.confidentialityClaim));
  f.blank();

  f.section('担当者', 'Contact person');
  f.item('部署名', 'Department', mf.contact.department);
  f.item('氏名', 'Name', mf.contact.name);
  f.item('電話番号', 'Phone', mf.contact.phone);
  f.item('電子メールアドレス', 'Email', mf.contact.email);
  f.blank();

  f.item('別紙の枚数', 'Number of substance sheets', record.content.sheets.length, '枚');
  setupPage(ws, `${FORM_TITLE} ${record.referenceNumber ?? ''}`.trim());
}

function writeSheet(wb: ExcelJS.Workbook, record: FilingRecord, sheet: FilingSheet, index: number): void {
  const n = index + 1;
  const ws = wb.addWorksheet(`${SHEET_NAME_PREFIX}${n}`);
  const f = new FormWriter(ws);
  const ref = record.substances.get(sheet.substanceNumber);
  const unit = ref?.unit ?? '';
  f.title(`${SHEET_NAME_PREFIX}${n}　第一種指定化学物質の排出量及び移動量`, `Sheet ${n}: releases and transfers of a Class I designated substance`, BANNERS[record.status]);

  f.item('整理番号', 'Reference number', record.referenceNumber ?? '（未採番）');
  f.item('事業所の名称', 'Facility name', record.content.mainForm.facilityName);
  f.item('別紙番号', 'Sheet number', n);
  f.item('物質番号（政令番号）', 'Substance number', sheet.substanceNumber);
  f.item('第一種指定化学物質の名称', 'Substance name', ref?.name ?? '（不明 / unknown）');
  f.item('単位', 'Unit', unit);
  f.blank();

  const amount = (path: AmountPath) => {
    const field = AMOUNT_FIELDS.find((a) => a.path === path)!;
    const cell = f.item(`${ITEM_LETTERS[path]}　${field.ja}`, field.en, amountAt(sheet, path), unit);
    cell.alignment = { horizontal: 'right', vertical: 'top' };
  };
  const landfillType = sheet.releases.landfillType ? LANDFILL_TYPE_LABELS[sheet.releases.landfillType] : null;

  f.section('1　排出量', '1 Releases');
  amount('releases.air');
  amount('releases.water');
  f.item('　排出先の河川、湖沼、海域等の名称', '  Receiving water body', sheet.releases.waterBodyName);
  amount('releases.soil');
  amount('releases.landfill');
  f.item('　埋立処分の場所', '  Landfill type', landfillType ? `${landfillType[0]} (${landfillType[1]})` : '');
  f.blank();

  f.section('2　移動量', '2 Transfers');
  amount('transfers.sewer');
  f.item('　移動先の下水道終末処理施設の名称', '  Sewage treatment plant', sheet.transfers.sewagePlantName);
  amount('transfers.offsite');
  f.item('　廃棄物の処理方法', '  Treatment method', sheet.transfers.offsiteTreatmentMethod);
  f.item('　廃棄物の種類', '  Waste type', sheet.transfers.offsiteWasteType);
  setupPage(ws, `${SHEET_NAME_PREFIX}${n} ${record.referenceNumber ?? ''}`.trim());
}

export async function buildFilingWorkbook(record: FilingRecord, options: { generatedAt?: Date } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ASSET Registry';
  wb.created = options.generatedAt ?? new Date();
  wb.title = `${FORM_TITLE} ${record.referenceNumber ?? ''}`.trim();
  writeMainForm(wb, record);
  record.content.sheets.forEach((sheet, i) => writeSheet(wb, record, sheet, i));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
