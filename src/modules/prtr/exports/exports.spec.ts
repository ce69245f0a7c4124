import ExcelJS from 'exceljs';
import { DomainError, errorSpec } from '../../../core/errors/domain-error';
import type { FilingContent, FilingSheet, SubstanceRef } from '../content';
import { ELECTRONIC_FILE_LIMITS, electronicFileName, parseElectronicFile, toElectronicFile } from './electronic-file';
import { buildFilingWorkbook } from './form-xlsx';
import { CONFIDENTIAL_SUBSTANCE_NAME, buildPublicCsv, csvField } from './public-csv';
import { STATUS_LABELS, type FilingRecord } from './record';

const SUBSTANCES: SubstanceRef[] = [
  { number: 1, name: '亜鉛の水溶性化合物', specified: false, unit: 'kg' },
  { number: 53, name: 'エチルベンゼン', specified: false, unit: 'kg' },
  { number: 278, name: 'ダイオキシン類', specified: true, unit: 'mg-TEQ' },
  { number: 300, name: 'トルエン', specified: false, unit: 'kg' },
];

function sheet(substanceNumber: number, over: Partial<FilingSheet['releases'] & FilingSheet['transfers']> = {}): FilingSheet {
  return {
    substanceNumber,
    releases: {
      air: over.air ?? '0.0',
      water: over.water ?? '0.0',
      waterBodyName: over.waterBodyName ?? null,
      soil: over.soil ?? '0.0',
      landfill: over.landfill ?? '0.0',
      landfillType: over.landfillType ?? null,
    },
    transfers: {
      sewer: over.sewer ?? '0.0',
      sewagePlantName: over.sewagePlantName ?? null,
      offsite: over.offsite ?? '0.0',
      offsiteTreatmentMethod: over.offsiteTreatmentMethod ?? null,
      offsiteWasteType: over.offsiteWasteType ?? null,
    },
  };
}

function content(over: Partial<FilingContent['mainForm']> = {}, sheets?: FilingSheet[]): FilingContent {
  return {
    mainForm: {
      filerName: '東京化学株式会社',
      filerAddress: '東京都千代田区霞が関1-3-1',
      representativeName: '代表取締役 山田太郎',
      businessName: '東京化学株式会社',
      facilityName: '川崎工場',
      facilityAddress: '東京都大田区東海1-2-3',
      employees: 120,
      mainIndustryCode: '2000',
      secondaryIndustryCodes: ['2200', '2300'],
      ministerCode: null,
      confidentialityClaim: false,
      contact: { department: '環境安全部', name: '佐藤花子', phone: '03-1234-5678', email: 'sato@example.jp' },
      ...over,
    },
    sheets: sheets ?? [
      sheet(1, { water: '12', waterBodyName: '多摩川', offsite: '3.4', offsiteWasteType: '汚泥' }),
      sheet(53, { air: '1200', landfill: '0.5', landfillType: 'controlled' }),
      sheet(278, { air: '0.0012', sewer: '0.23', sewagePlantName: '森ヶ崎水再生センター' }),
    ],
  };
}

function record(over: Partial<FilingRecord> = {}): FilingRecord {
  return {
    id: '3f1c2b7e-9a5d-4c1e-8f00-0123456789ab',
    referenceNumber: '13-2024-000123',
    fiscalYear: 2023,
    version: 2,
    amendsReferenceNumber: '13-2024-000045',
    status: 'ministry_accepted',
    filedAt: new Date('2024-06-20T16:30:00Z'), // 2024-06-21 JST
    late: false,
    localAcceptedAt: new Date('2024-07-01T01:00:00Z'),
    ministryAcceptedAt: new Date('2024-07-10T01:00:00Z'),
    facilityId: '0d6f6a2e-3b0c-4a55-9e61-1c2d3e4f5a6b',
    prefecture: { code: '13', name: '東京都' },
    minister: { code: 'METI', name: '経済産業大臣' },
    mainIndustryName: '化学工業',
    content: content(),
    substances: new Map(SUBSTANCES.map((s) => [s.number, s])),
    ...over,
  };
}

function refusal(fn: () => unknown): { code: string; problems: { path: string; problem: string }[]; truncated?: boolean } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) {
      const d = e.details as { problems: { path: string; problem: string }[]; truncated?: boolean };
      return { code: e.code, problems: d.problems, truncated: d.truncated };
    }
    throw e;
  }
  throw new Error('expected a refusal');
}

function exportedJson(rec = record()): Record<string, any> {
  return JSON.parse(toElectronicFile(rec).toString('utf8'));
}

describe('PRTR electronic filing file', () => {
  it('writes the documented shape, pretty-printed UTF-8', () => {
    const buf = toElectronicFile(record(), { exportedAt: new Date('2024-08-01T00:00:00Z') });
    const text = buf.toString('utf8');
    expect(text.startsWith('{\n  "format": "jp.go.prtr.filing",\n  "formatVersion": 1,')).toBe(true);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual([
      'format',
      'formatVersion',
      'exportedAt',
      'referenceNumber',
      'amendsReferenceNumber',
      'fiscalYear',
      'version',
      'facilityId',
      'prefectureCode',
      'ministerCode',
      'status',
      'filedAt',
      'mainForm',
      'sheets',
    ]);
    expect(doc).toMatchObject({
      exportedAt: '2024-08-01T00:00:00.000Z',
      referenceNumber: '13-2024-000123',
      amendsReferenceNumber: '13-2024-000045',
      fiscalYear: 2023,
      version: 2,
      prefectureCode: '13',
      ministerCode: 'METI',
      status: 'ministry_accepted',
      filedAt: '2024-06-20T16:30:00.000Z',
    });
    expect(doc.sheets.map((s: any) => [s.sheetNumber, s.substanceNumber, s.substanceName, s.unit])).toEqual([
      [1, 1, '亜鉛の水溶性化合物', 'kg'],
      [2, 53, 'エチルベンゼン', 'kg'],
      [3, 278, 'ダイオキシン類', 'mg-TEQ'],
    ]);
    expect(doc.sheets[2].releases.air).toBe('0.0012');
    expect(electronicFileName(record())).toBe('PRTR_2023_13-2024-000123_v2.json');
    expect(electronicFileName(record({ referenceNumber: null, version: 1 }))).toBe(
      'PRTR_2023_draft-3f1c2b7e-9a5d-4c1e-8f00-0123456789ab_v1.json',
    );
  });

  it('round-trips: the parsed content equals the exported content', () => {
    const rec = record();
    const parsed = parseElectronicFile(toElectronicFile(rec));
    expect(parsed).toEqual({
      fiscalYear: 2023,
      facilityId: rec.facilityId,
      referenceNumber: '13-2024-000123',
      ministerCode: 'METI',
      content: rec.content,
    });
    // and from a string
    expect(parseElectronicFile(toElectronicFile(rec).toString('utf8')).content).toEqual(rec.content);
  });

  it('round-trips a draft with absent optional fields (read back as null) and no sheets', () => {
    const c = content({ representativeName: undefined, ministerCode: undefined }, []);
    delete c.mainForm.representativeName;
    delete c.mainForm.ministerCode;
    c.mainForm.contact = { name: '佐藤', phone: '03' };
    const rec = record({ content: c, referenceNumber: null, status: 'draft', filedAt: null, version: 1, amendsReferenceNumber: null });
    const parsed = parseElectronicFile(toElectronicFile(rec));
    expect(parsed.referenceNumber).toBeNull();
    expect(parsed.content.sheets).toEqual([]);
    expect(parsed.content.mainForm).toEqual({
      ...c.mainForm,
      representativeName: null,
      ministerCode: null,
      contact: { department: null, name: '佐藤', phone: '03', email: null },
    });
  });

  it('accepts a UTF-8 BOM, in a buffer and in a string', () => {
    const buf = toElectronicFile(record());
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]);
    expect(parseElectronicFile(withBom).content).toEqual(record().content);
    expect(parseElectronicFile('\uFEFF' + buf.toString('utf8')).fiscalYear).toBe(2023);
  });

  it('accepts a file with only the required keys (metadata absent)', () => {
    const doc = exportedJson();
    for (const k of ['exportedAt', 'referenceNumber', 'amendsReferenceNumber', 'version', 'facilityId', 'prefectureCode', 'ministerCode', 'status', 'filedAt']) {
      delete doc[k];
    }
    for (const s of doc.sheets) {
      delete s.sheetNumber;
      delete s.substanceName;
      delete s.unit;
    }
    const parsed = parseElectronicFile(JSON.stringify(doc));
    expect(parsed).toMatchObject({ facilityId: null, referenceNumber: null, ministerCode: null, fiscalYear: 2023 });
    expect(parsed.content).toEqual(record().content);
  });

  it('does not trust sheetNumber, substanceName or unit: the content keeps substanceNumber and file order', () => {
    const doc = exportedJson();
    doc.sheets[0].sheetNumber = 9;
    doc.sheets[0].substanceName = 'トルエン';
    doc.sheets[0].unit = 'mg-TEQ';
    [doc.sheets[0], doc.sheets[1]] = [doc.sheets[1], doc.sheets[0]];
    const parsed = parseElectronicFile(JSON.stringify(doc));
    expect(parsed.content.sheets.map((s) => s.substanceNumber)).toEqual([53, 1, 278]);
    expect(Object.keys(parsed.content.sheets[0])).toEqual(['substanceNumber', 'releases', 'transfers']);
  });

  it('registers PRTR_FILE_INVALID as 422 with ja/en texts', () => {
    expect(errorSpec('PRTR_FILE_INVALID')).toMatchObject({ status: 422, ja: expect.any(String), en: expect.any(String) });
  });

  it('refuses text that is not JSON, not UTF-8, not an object', () => {
    expect(refusal(() => parseElectronicFile('{"format": '))).toEqual({ code: 'PRTR_FILE_INVALID', problems: [{ path: '$', problem: 'not JSON' }] });
    expect(refusal(() => parseElectronicFile(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).problems).toEqual([{ path: '$', problem: 'not UTF-8 text' }]);
    expect(refusal(() => parseElectronicFile(Buffer.from(toElectronicFile(record()).toString('utf8'), 'utf16le'))).problems[0].path).toBe('$');
    expect(refusal(() => parseElectronicFile('[1,2]')).problems).toEqual([{ path: '$', problem: 'expected a JSON object, got array' }]);
    expect(refusal(() => parseElectronicFile('')).problems).toEqual([{ path: '$', problem: 'not JSON' }]);
  });

  it('refuses another format or format version, and says only that', () => {
    const other = { ...exportedJson(), format: 'jp.go.prtr.other', extra: 1 };
    expect(refusal(() => parseElectronicFile(JSON.stringify(other))).problems).toEqual([
      { path: 'format', problem: 'expected "jp.go.prtr.filing"' },
    ]);
    const v2 = { ...exportedJson(), formatVersion: 2 };
    expect(refusal(() => parseElectronicFile(JSON.stringify(v2))).problems.map((p) => p.path)).toEqual(['formatVersion']);
    const v1text = { ...exportedJson(), formatVersion: '1' };
    expect(refusal(() => parseElectronicFile(JSON.stringify(v1text))).problems.map((p) => p.path)).toEqual(['formatVersion']);
  });

  it('refuses wrong types with the path of each', () => {
    const doc = exportedJson();
    doc.fiscalYear = '2023';
    doc.mainForm.employees = 12.5;
    doc.mainForm.confidentialityClaim = 'false';
    doc.mainForm.secondaryIndustryCodes = ['2200', 2300];
    doc.mainForm.contact.phone = null;
    doc.sheets[0].releases.air = 0; // an amount as a number
    doc.sheets[1].releases.landfillType = 'deep';
    doc.sheets[2].transfers.sewer = '1e3';
    doc.sheets[2].substanceNumber = '278';
    const r = refusal(() => parseElectronicFile(JSON.stringify(doc)));
    expect(r.code).toBe('PRTR_FILE_INVALID');
    expect(r.problems.map((p) => p.path)).toEqual([
      'fiscalYear',
      'mainForm.employees',
      'mainForm.secondaryIndustryCodes[1]',
      'mainForm.confidentialityClaim',
      'mainForm.contact.phone',
      'sheets[0].releases.air',
      'sheets[1].releases.landfillType',
      'sheets[2].substanceNumber',
      'sheets[2].transfers.sewer',
    ]);
    expect(r.problems[0].problem).toBe('expected an integer, got string');
    expect(r.problems[4].problem).toBe('must not be null');
    expect(r.problems[5].problem).toBe('expected a string, got number');
  });

  it('refuses missing required keys and an object where an array belongs', () => {
    const doc = exportedJson();
    delete doc.mainForm.filerName;
    delete doc.sheets[0].transfers;
    doc.mainForm.secondaryIndustryCodes = {};
    expect(refusal(() => parseElectronicFile(JSON.stringify(doc))).problems).toEqual([
      { path: 'mainForm.filerName', problem: 'missing' },
      { path: 'mainForm.secondaryIndustryCodes', problem: 'expected an array, got object' },
      { path: 'sheets[0].transfers', problem: 'missing' },
    ]);
  });

  it('refuses unknown keys at every level', () => {
    const doc = exportedJson();
    doc.comment = 'hello';
    doc.mainForm.fax = '03-0000-0000';
    doc.sheets[1].releases.groundwater = '0.0';
    const text = JSON.stringify(doc).replace('"format":', '"__proto__":{"polluted":true},"format":');
    const r = refusal(() => parseElectronicFile(text));
    // each object's own fields first (depth first), then its unknown keys
    expect(r.problems).toEqual([
      { path: 'mainForm.fax', problem: 'unknown key' },
      { path: 'sheets[1].releases.groundwater', problem: 'unknown key' },
      { path: '__proto__', problem: 'unknown key' },
      { path: 'comment', problem: 'unknown key' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses too many sheets, too long strings, control characters and a file over 2 MB', () => {
    const many = exportedJson();
    many.sheets = Array.from({ length: ELECTRONIC_FILE_LIMITS.maxSheets + 1 }, (_, i) => ({ ...many.sheets[0], substanceNumber: i + 1 }));
    expect(refusal(() => parseElectronicFile(JSON.stringify(many))).problems).toEqual([{ path: 'sheets', problem: 'more than 600 items (601)' }]);

    const ok = exportedJson();
    ok.sheets = Array.from({ length: 600 }, (_, i) => ({ ...ok.sheets[0], substanceNumber: i + 1 }));
    expect(parseElectronicFile(JSON.stringify(ok)).content.sheets).toHaveLength(600);

    const long = exportedJson();
    long.mainForm.facilityAddress = 'あ'.repeat(501);
    long.mainForm.filerAddress = '𠮷'.repeat(500); // 500 code points (1000 UTF-16 units) is fine
    long.sheets[0].releases.waterBodyName = '川'.repeat(201);
    long.mainForm.contact.name = '佐藤\u0000';
    long.mainForm.contact.department = '環境\n安全部';
    expect(refusal(() => parseElectronicFile(JSON.stringify(long))).problems).toEqual([
      { path: 'mainForm.facilityAddress', problem: 'longer than 500 characters (501)' },
      { path: 'mainForm.contact.department', problem: expect.stringContaining('control character') },
      { path: 'mainForm.contact.name', problem: expect.stringContaining('control character') },
      { path: 'sheets[0].releases.waterBodyName', problem: 'longer than 200 characters (201)' },
    ]);

    const big = Buffer.alloc(ELECTRONIC_FILE_LIMITS.maxBytes + 1, 0x20);
    expect(refusal(() => parseElectronicFile(big)).problems[0]).toEqual({ path: '$', problem: expect.stringContaining('larger than 2097152 bytes') });
    expect(refusal(() => parseElectronicFile(' '.repeat(ELECTRONIC_FILE_LIMITS.maxBytes + 1))).problems[0].path).toBe('$');
  });

  it('refuses a facility id that is not a UUID, an out-of-range fiscal year and an unknown status', () => {
    const doc = exportedJson();
    doc.facilityId = "1' OR '1'='1";
    doc.fiscalYear = 1999;
    doc.status = 'accepted';
    expect(refusal(() => parseElectronicFile(JSON.stringify(doc))).problems.map((p) => p.path)).toEqual(['fiscalYear', 'facilityId', 'status']);
  });

  it('caps the list of problems at 100', () => {
    const doc = exportedJson();
    doc.sheets = Array.from({ length: 300 }, () => ({ ...doc.sheets[0], substanceNumber: 'x' }));
    const r = refusal(() => parseElectronicFile(JSON.stringify(doc)));
    expect(r.problems).toHaveLength(100);
    expect(r.truncated).toBe(true);
  });
});

describe('PRTR printable form (xlsx)', () => {
  async function load(buf: Buffer) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    return wb;
  }
  function valueRight(ws: ExcelJS.Worksheet, label: string): ExcelJS.CellValue {
    let found: ExcelJS.CellValue = undefined;
    ws.eachRow((row) => {
      if (found === undefined && typeof row.getCell(1).value === 'string' && (row.getCell(1).value as string).includes(label)) found = row.getCell(3).value;
    });
    return found;
  }

  it("has '本紙' and '別紙1..n' with the substances, amounts as text, A4 portrait fit to width", async () => {
    const wb = await load(await buildFilingWorkbook(record()));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['本紙', '別紙1', '別紙2', '別紙3']);

    const main = wb.getWorksheet('本紙')!;
    expect(main.getCell('A1').value).toBe('第一種指定化学物質の排出量及び移動量の届出書');
    expect(main.getCell('A2').value).toBe('PRTR release and transfer report');
    expect(valueRight(main, '整理番号')).toBe('13-2024-000123');
    expect(valueRight(main, '状態')).toBe('省庁受理完了 (accepted by the ministry)');
    expect(valueRight(main, '提出日')).toBe('2024-06-21');
    expect(valueRight(main, '届出先')).toBe('経済産業大臣 殿');
    expect(valueRight(main, '経由する都道府県')).toBe('東京都');
    expect(valueRight(main, '氏名又は名称')).toBe('東京化学株式会社');
    expect(valueRight(main, '事業所の所在地')).toBe('東京都大田区東海1-2-3');
    expect(valueRight(main, '従業員の数')).toBe(120);
    expect(valueRight(main, '主たる業種')).toBe('2000 化学工業');
    expect(valueRight(main, '従たる業種')).toBe('2200、2300');
    expect(valueRight(main, '第6条第1項の請求')).toBe('無 (no)');
    expect(valueRight(main, '期限後の提出')).toBe('無 (no)');
    expect(valueRight(main, '電話番号')).toBe('03-1234-5678');
    expect(valueRight(main, '届出の種類')).toBe('変更届出 第2版 (amendment, version 2)');
    expect(valueRight(main, '変更前の整理番号')).toBe('13-2024-000045');

    const names = ['亜鉛の水溶性化合物', 'エチルベンゼン', 'ダイオキシン類'];
    for (const [i, name] of names.entries()) {
      const ws = wb.getWorksheet(`別紙${i + 1}`)!;
      expect(valueRight(ws, '第一種指定化学物質の名称')).toBe(name);
      expect(valueRight(ws, '別紙番号')).toBe(i + 1);
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    }
    const s2 = wb.getWorksheet('別紙2')!;
    expect(valueRight(s2, '大気への排出')).toBe('1200');
    expect(valueRight(s2, '公共用水域への排出')).toBe('0.0');
    expect(valueRight(s2, '埋立処分の場所')).toBe('管理型 (controlled)');
    const s1 = wb.getWorksheet('別紙1')!;
    expect(valueRight(s1, '排出先の河川')).toBe('多摩川');
    expect(valueRight(s1, '廃棄物の種類')).toBe('汚泥');
    expect(valueRight(s1, '事業所の外への移動')).toBe('3.4');
    const s3 = wb.getWorksheet('別紙3')!;
    expect(valueRight(s3, '大気への排出')).toBe('0.0012');
    expect(valueRight(s3, '単位')).toBe('mg-TEQ');
    expect(valueRight(s3, '下水道への移動')).toBe('0.23');
    expect(valueRight(s3, '下水道終末処理施設')).toBe('森ヶ崎水再生センター');
    expect(main.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1 });
  });

  it('prints a draft with a banner and no reference number; a formula-like text stays text', async () => {
    const rec = record({
      status: 'draft',
      referenceNumber: null,
      filedAt: null,
      version: 1,
      amendsReferenceNumber: null,
      content: content({ facilityName: '=HYPERLINK("http://x")', confidentialityClaim: true }, [sheet(300)]),
    });
    const wb = await load(await buildFilingWorkbook(rec));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['本紙', '別紙1']);
    const main = wb.getWorksheet('本紙')!;
    expect(main.getCell('A3').value).toContain('下書き');
    expect(valueRight(main, '整理番号')).toBe('（未採番）');
    expect(valueRight(main, '提出日')).toBe('');
    expect(valueRight(main, '事業所の名称')).toBe('=HYPERLINK("http://x")');
    expect(valueRight(main, '第6条第1項の請求')).toBe('有 (yes)');
    expect(valueRight(wb.getWorksheet('別紙1')!, '大気への排出')).toBe('0.0');
  });
});

describe('PRTR public CSV', () => {
  function parseCsv(text: string): string[][] {
    // minimal RFC 4180 reader for the tests
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
        else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') row.push(field), (field = '');
      else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
      else field += ch;
    }
    return rows;
  }

  it('writes a BOM, one ja (en) header row, CRLF line ends, one row per sheet of accepted filings', () => {
    const csv = buildPublicCsv([record(), record({ referenceNumber: '13-2024-000001', status: 'local_accepted' })]);
    expect(csv.startsWith('\uFEFF届出年度 (fiscal year),整理番号 (reference number),')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual([
      '届出年度 (fiscal year)',
      '整理番号 (reference number)',
      '都道府県 (prefecture)',
      '届出先大臣 (minister)',
      '事業者名 (business name)',
      '事業所名 (facility name)',
      '事業所所在地 (facility location)',
      '主たる業種コード (main industry code)',
      '従業員数 (employees)',
      '物質番号 (substance number)',
      '物質名 (substance name)',
      '単位 (unit)',
      '大気 (air)',
      '公共用水域 (public water)',
      '土壌 (soil)',
      '埋立 (landfill)',
      '下水道 (sewer)',
      '事業所外 (off site)',
    ]);
    expect(rows).toHaveLength(1 + 3 + 3);
    expect(rows[1]).toEqual(['2023', '13-2024-000001', '東京都', '経済産業大臣', '東京化学株式会社', '川崎工場', '東京都大田区東海1-2-3', '2000', '120', '1', '亜鉛の水溶性化合物', 'kg', '0.0', '12', '0.0', '0.0', '0.0', '3.4']);
    expect(rows[3].slice(9)).toEqual(['278', 'ダイオキシン類', 'mg-TEQ', '0.0012', '0.0', '0.0', '0.0', '0.23', '0.0']);
  });

  it('has Σ sheets rows, leaves out filings not accepted, sorts by year, reference number, substance', () => {
    const recs = [
      record({ fiscalYear: 2024, referenceNumber: '13-2025-000002', content: content({}, [sheet(300), sheet(1)]) }),
      record({ fiscalYear: 2023, referenceNumber: '13-2024-000009' }),
      record({ fiscalYear: 2023, referenceNumber: '13-2024-000003', status: 'local_accepted', content: content({}, [sheet(53)]) }),
      record({ status: 'filed' }),
      record({ status: 'draft', referenceNumber: null }),
      record({ status: 'withdrawn' }),
      record({ status: 'superseded' }),
      record({ referenceNumber: '13-2024-000010', content: content({}, []) }),
    ];
    const rows = parseCsv(buildPublicCsv(recs).slice(1)).slice(1);
    expect(rows).toHaveLength(2 + 3 + 1);
    expect(rows.map((r) => [r[0], r[1], r[9]])).toEqual([
      ['2023', '13-2024-000003', '53'],
      ['2023', '13-2024-000009', '1'],
      ['2023', '13-2024-000009', '53'],
      ['2023', '13-2024-000009', '278'],
      ['2024', '13-2025-000002', '1'],
      ['2024', '13-2025-000002', '300'],
    ]);
    expect(parseCsv(buildPublicCsv([]).slice(1))).toHaveLength(1);
  });

  it('masks the substance of a filing with a confidentiality claim', () => {
    const rows = parseCsv(buildPublicCsv([record({ content: content({ confidentialityClaim: true }) })]).slice(1)).slice(1);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r[9]).toBe('');
      expect(r[10]).toBe(CONFIDENTIAL_SUBSTANCE_NAME);
    }
    expect(rows.map((r) => r[12])).toEqual(['0.0', '1200', '0.0012']);
    const csv = buildPublicCsv([record({ content: content({ confidentialityClaim: true }) })]);
    expect(csv).not.toContain('エチルベンゼン');
    expect(csv).not.toContain('亜鉛');
  });

  it('quotes per RFC 4180 and defends against formula injection', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+81 3')).toBe("'+81 3");
    expect(csvField('-5')).toBe("'-5");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe('"\'\rx"');
    expect(csvField('=A1,"x"')).toBe('"\'=A1,""x"""');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');

    const rec = record({
      content: content({ businessName: '=HYPERLINK("http://evil","x")', facilityName: '工場, 第"1"', facilityAddress: '東京都\r\n大田区' }, [sheet(1)]),
    });
    const csv = buildPublicCsv([rec]);
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(2);
    expect(rows[1][4]).toBe('\'=HYPERLINK("http://evil","x")');
    expect(rows[1][5]).toBe('工場, 第"1"');
    expect(rows[1][6]).toBe('東京都\r\n大田区');
    expect(csv).toContain(',"\'=HYPERLINK(""http://evil"",""x"")",');
  });

  it('labels every status', () => {
    expect(STATUS_LABELS.local_accepted).toEqual(['自治体受理完了', 'accepted by the local government']);
    expect(Object.keys(STATUS_LABELS)).toHaveLength(6);
  });
});
