import Decimal from 'decimal.js';
import ExcelJS from 'exceljs';

/**
 * Workbooks written in the file workers (src/workers/file-worker.ts), off the event loop: a
 * service reads its rows on the main thread, hands them to a task as plain data (structured clone),
 * and the task writes the workbook and returns its bytes (transferred, not copied, on the way back).
 * Most exports are "rows in, xlsx bytes out": a TableWorkbook describes them.
 */
export type TableCell = string | number | null;

export interface TableRow {
  cells: TableCell[];
  bold?: boolean;
  /** Font size in points (default Excel's). */
  size?: number;
}

export interface TableSheet {
  name: string;
  /** Rows in order; a plain array is a row without formatting, [] a blank row. */
  rows: (TableCell[] | TableRow)[];
  /** Column widths, first column first; columns past the list get `defaultWidth`. */
  widths?: number[];
  defaultWidth?: number;
}

export interface TableWorkbook {
  creator?: string;
  /** ISO 8601 instant (workbook properties). */
  created?: string;
  sheets: TableSheet[];
}

/** Bytes in an ArrayBuffer of their own (a transferable), copied only if they are a view into a larger or shared one (Node's Buffer pool). */
export function ownBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : new Uint8Array(view);
}

/** The xlsx bytes of a workbook, in an ArrayBuffer of their own. */
export async function workbookBytes(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  return ownBytes((await wb.xlsx.writeBuffer()) as unknown as Uint8Array);
}

/** Writes a TableWorkbook (run it in a worker: for 10,000 rows this takes about a second). */
export async function writeTableWorkbook(spec: TableWorkbook): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  if (spec.creator) wb.creator = spec.creator;
  if (spec.created) wb.created = new Date(spec.created);
  for (const sheet of spec.sheets) {
    const ws = wb.addWorksheet(sheet.name);
    for (const r of sheet.rows) {
      const row = Array.isArray(r) ? { cells: r } : r;
      const added = ws.addRow(row.cells);
      if (row.bold || row.size) added.font = { ...(row.bold ? { bold: true } : {}), ...(row.size ? { size: row.size } : {}) };
    }
    const widths = sheet.widths ?? [];
    const count = Math.max(ws.columnCount, widths.length);
    for (let i = 1; i <= count; i++) {
      const width = widths[i - 1] ?? sheet.defaultWidth;
      if (width) ws.getColumn(i).width = width;
    }
  }
  return workbookBytes(wb);
}

/** A Buffer over bytes that came back from a worker (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A decimal text as an Excel number when Excel holds it exactly (at most 15 significant digits, the
 * precision Excel shows and keeps), else the text itself, so no figure is ever changed by the export;
 * '' for none.
 */
export function excelNumber(text: string | null | undefined): number | string {
  if (text === null || text === undefined || text === '') return '';
  let d: Decimal;
  try {
    d = new Decimal(text);
  } catch {
    return text;
  }
  return d.isFinite() && d.sd() <= 15 ? d.toNumber() : text;
}
