import ExcelJS from 'exceljs';
import { jstDateTime } from '../clock/jst';
import { asBuffer, excelNumber, ownBytes, writeTableWorkbook } from './table-workbook';

async function load(bytes: Uint8Array) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(asBuffer(bytes) as unknown as ArrayBuffer);
  return wb;
}

describe('writeTableWorkbook', () => {
  it('writes the sheets, rows, fonts, widths and workbook properties it is given', async () => {
    const bytes = await writeTableWorkbook({
      creator: 'ASSET Registry',
      created: '2026-04-01T00:00:00.000Z',
      sheets: [
        {
          name: '一覧 List',
          rows: [
            { cells: ['題 / Title'], bold: true, size: 14 },
            ['番号 / No.', '数量 / Quantity', '空 / None'],
            [],
            ['T00001', 1200, null],
          ],
          widths: [12, 30],
          defaultWidth: 17,
        },
        { name: 'Second', rows: [['x']] },
      ],
    });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength); // a buffer of its own: transferable
    const wb = await load(bytes);
    expect(wb.creator).toBe('ASSET Registry');
    expect(wb.created.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['一覧 List', 'Second']);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A1').value).toBe('題 / Title');
    expect(ws.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(ws.getCell('A2').font?.bold).toBeUndefined();
    expect(ws.getRow(3).cellCount).toBe(0);
    expect(ws.getCell('A4').value).toBe('T00001');
    expect(ws.getCell('B4').value).toBe(1200);
    expect(ws.getCell('C4').value).toBeNull();
    expect([1, 2, 3].map((c) => ws.getColumn(c).width)).toEqual([12, 30, 17]);
  });
});

describe('excelNumber', () => {
  it('gives a number where Excel holds the figure exactly, else the text', () => {
    expect(excelNumber('1200')).toBe(1200);
    expect(excelNumber('-450')).toBe(-450);
    expect(excelNumber('1001.000')).toBe(1001);
    expect(excelNumber('0.0012')).toBe(0.0012);
    expect(excelNumber('999999999999999')).toBe(999999999999999); // 15 digits
    expect(excelNumber('1000000000000001')).toBe('1000000000000001'); // 16: Excel would show ...000
    expect(excelNumber('123456789012345678')).toBe('123456789012345678');
    expect(excelNumber(null)).toBe('');
    expect(excelNumber('')).toBe('');
    expect(excelNumber('n/a')).toBe('n/a');
  });
});

describe('ownBytes', () => {
  it('keeps bytes that own their buffer and copies a view into a larger one', () => {
    const own = new Uint8Array([1, 2, 3]);
    expect(ownBytes(own)).toBe(own);
    const pooled = Buffer.from('abc'); // a view into Node's shared pool
    expect(pooled.buffer.byteLength).toBeGreaterThan(3);
    const copy = ownBytes(pooled);
    expect(copy).not.toBe(pooled);
    expect(copy.buffer.byteLength).toBe(3);
    expect(Buffer.from(copy).toString()).toBe('abc');
  });
});

describe('jstDateTime', () => {
  it('writes an instant as its Japan time (UTC+9), across the date line', () => {
    expect(jstDateTime('2026-03-31T15:04:05.678Z')).toBe('2026-04-01 00:04:05');
    expect(jstDateTime(new Date('2026-12-31T14:59:59.999Z'))).toBe('2026-12-31 23:59:59');
    expect(jstDateTime(null)).toBe('');
    expect(() => jstDateTime('not a time')).toThrow(RangeError);
  });
});
