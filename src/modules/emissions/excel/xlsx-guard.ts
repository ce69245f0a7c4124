import { inflateRawSync, inflateSync } from 'node:zlib';
import { DomainError } from '../../../core/errors/domain-error';
import { FIRST_ROW, MAX_ROWS } from './layout';

/** Bounds on what an uploaded workbook may expand to (a 10,000-row report expands to ~4 MB). */
export const MAX_EXPANDED_BYTES = 30 * 1024 * 1024;
/**
 * Bounds on the cell areas a sheet declares (merged cells, validation ranges, its dimension):
 * the parser expands such ranges cell by cell, so a tiny file could otherwise claim a million
 * rows × 16,384 columns and freeze the process.
 */
export const MAX_RANGE_CELLS = 600_000;
export const MAX_TOTAL_RANGE_CELLS = 1_500_000;
/**
 * Bounds on the cells and rows a worksheet (or the shared-string table) actually holds, checked
 * for workbooks the parser is about to load. ExcelJS builds an object per cell on the event loop
 * (a million plain cells with no <dimension>, 2.8 MB zipped: 12.7 s and ~0.5 GB), so the count is
 * refused before it loads. The largest legitimate sheet is the designated form grown to the
 * parser's limit: FIRST_ROW header rows + MAX_ROWS (20,000) activity rows + the total row, six
 * columns A–F each ≈ 120,050 cells. 100 spare rows and 10,000 spare cells leave room for notes a
 * holder types beside the table, and the bound stays ~8× below the probe's cost.
 */
export const MAX_SHEET_ROWS = FIRST_ROW + MAX_ROWS + 100;
export const MAX_SHEET_CELLS = MAX_SHEET_ROWS * 6 + 10_000;
export const MAX_TOTAL_CELLS = MAX_SHEET_CELLS + 20_000;
export const MAX_SHARED_STRINGS = MAX_TOTAL_CELLS;
export const MAX_RATIO = 200;
export const MAX_ENTRIES = 2000;

const PDF = Buffer.from('%PDF');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

export type FileSniff = 'xlsx-zip' | 'pdf' | 'png' | 'jpeg' | 'cfb' | 'unknown';

/** What a file is by its first bytes (never by its name). */
export function sniff(buf: Buffer): FileSniff {
  if (buf.subarray(0, 4).equals(ZIP)) return 'xlsx-zip';
  if (buf.subarray(0, 4).equals(PDF)) return 'pdf';
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.subarray(0, 8).equals(CFB)) return 'cfb';
  return 'unknown';
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Reads the zip's central directory (no extraction). */
function centralDirectory(buf: Buffer): ZipEntry[] {
  const min = Math.max(0, buf.length - 65557);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if (count > MAX_ENTRIES) throw new DomainError('FILE_TOO_COMPLEX', { entries: count });
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory');
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    entries.push({
      method: buf.readUInt16LE(offset + 10),
      compressedSize: buf.readUInt32LE(offset + 20),
      size: buf.readUInt32LE(offset + 24),
      localOffset: buf.readUInt32LE(offset + 42),
      name: buf.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Refuses anything but a plain .xlsx before a parser touches it: not a workbook by content → 415;
 * encrypted, macro-enabled, or expanding past the bounds (a zip bomb, declared or real) → 422.
 * `boundCells` (before ExcelJS loads it) also refuses more cells, rows or strings than the form holds.
 */
export function assertPlainXlsx(buf: Buffer, options: { boundCells?: boolean } = {}): void {
  const kind = sniff(buf);
  if (kind === 'cfb') {
    if (buf.includes(ENCRYPTION_INFO)) throw new DomainError('FILE_ENCRYPTED');
    throw new DomainError('NOT_XLSX', { detected: 'legacy Office file (.xls)' });
  }
  if (kind !== 'xlsx-zip') throw new DomainError('NOT_XLSX', { detected: kind });
  let entries: ZipEntry[];
  try {
    entries = centralDirectory(buf);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError('NOT_XLSX', { detected: 'damaged zip' });
  }
  const names = new Set(entries.map((e) => e.name));
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) {
    throw new DomainError('NOT_XLSX', { detected: 'zip that is not a workbook' });
  }
  if ([...names].some((n) => /vbaProject\.bin$/i.test(n))) throw new DomainError('MACRO_ENABLED');
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > MAX_EXPANDED_BYTES) throw new DomainError('ZIP_BOMB', { expandedBytes: declared, limit: MAX_EXPANDED_BYTES });
  // Declared sizes can lie: inflate every entry with a hard cap on what it may produce.
  let budget = MAX_EXPANDED_BYTES;
  let totalCells = 0;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const local = e.localOffset;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new DomainError('NOT_XLSX', { detected: 'damaged zip' });
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + e.compressedSize);
    let produced: number;
    let content: Buffer | undefined;
    if (e.method === 0) {
      content = data;
      produced = data.length;
    } else if (e.method === 8) {
      try {
        content = inflateRawSync(data, { maxOutputLength: Math.max(1, Math.min(budget, Math.max(e.compressedSize, 1) * MAX_RATIO + 65536)) });
        produced = content.length;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DomainError('ZIP_BOMB', { entry: e.name });
        throw new DomainError('NOT_XLSX', { detected: 'damaged zip' });
      }
    } else throw new DomainError('NOT_XLSX', { detected: `zip method ${e.method}` });
    if (produced !== e.size) throw new DomainError('ZIP_BOMB', { entry: e.name, reason: 'declared size is false' });
    budget -= produced;
    if (budget < 0) throw new DomainError('ZIP_BOMB', { limit: MAX_EXPANDED_BYTES });
    if (content && /^xl\/worksheets\/[^/]+\.xml$/i.test(e.name)) {
      const xml = content.toString('latin1');
      assertBoundedRanges(e.name, xml);
      if (options.boundCells) totalCells += assertBoundedCells(e.name, xml);
      if (totalCells > MAX_TOTAL_CELLS) throw new DomainError('FILE_TOO_COMPLEX', { cells: totalCells, limit: MAX_TOTAL_CELLS });
    }
    if (options.boundCells && content && /^xl\/sharedStrings\.xml$/i.test(e.name)) {
      const strings = count(content.toString('latin1'), /<(?:\w+:)?si[\s>/]/g);
      if (strings > MAX_SHARED_STRINGS) throw new DomainError('FILE_TOO_COMPLEX', { part: e.name, strings, limit: MAX_SHARED_STRINGS });
    }
  }
  const contentTypes = inflateEntry(buf, entries.find((e) => e.name === '[Content_Types].xml')!);
  if (/macroEnabled/i.test(contentTypes)) throw new DomainError('MACRO_ENABLED');
}

function inflateEntry(buf: Buffer, e: ZipEntry): string {
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  return (e.method === 0 ? data : inflateRawSync(data, { maxOutputLength: 1024 * 1024 })).toString('utf8');
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Cells in a range like `B8:F57` (a single cell counts 1). */
function rangeCells(ref: string): number {
  const m = /^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?$/.exec(ref.trim());
  if (!m) return 1;
  if (!m[3]) return 1;
  const cols = Math.abs(columnNumber(m[3]) - columnNumber(m[1])) + 1;
  const rows = Math.abs(Number(m[4]) - Number(m[2])) + 1;
  return cols * rows;
}

function assertBoundedRanges(sheet: string, xml: string): void {
  let total = 0;
  const check = (ref: string) => {
    const cells = rangeCells(ref);
    total += cells;
    if (cells > MAX_RANGE_CELLS || total > MAX_TOTAL_RANGE_CELLS) {
      throw new DomainError('FILE_TOO_COMPLEX', { sheet, range: ref.slice(0, 40), cells });
    }
  };
  for (const m of xml.matchAll(/<(?:\w+:)?mergeCell\b[^>]*\bref="([^"]{1,64})"/g)) check(m[1]);
  for (const m of xml.matchAll(/\bsqref="([^"]{1,4096})"/g)) for (const ref of m[1].split(/\s+/)) if (ref) check(ref);
  const dimension = /<(?:\w+:)?dimension\b[^>]*\bref="([^"]{1,64})"/.exec(xml);
  if (dimension && rangeCells(dimension[1]) > MAX_RANGE_CELLS) {
    throw new DomainError('FILE_TOO_COMPLEX', { sheet, range: dimension[1], cells: rangeCells(dimension[1]) });
  }
}

function count(xml: string, pattern: RegExp): number {
  let n = 0;
  pattern.lastIndex = 0;
  while (pattern.exec(xml)) n++;
  return n;
}

/** Refuses a sheet holding more cells or rows than the designated form can (see MAX_SHEET_CELLS); returns its cells. */
function assertBoundedCells(sheet: string, xml: string): number {
  const cells = count(xml, /<(?:\w+:)?c[\s>/]/g);
  if (cells > MAX_SHEET_CELLS) throw new DomainError('FILE_TOO_COMPLEX', { sheet, cells, limit: MAX_SHEET_CELLS });
  const rows = count(xml, /<(?:\w+:)?row[\s>/]/g);
  if (rows > MAX_SHEET_ROWS) throw new DomainError('FILE_TOO_COMPLEX', { sheet, rows, limit: MAX_SHEET_ROWS });
  return cells;
}

/**
 * PDF names that make a reader act on opening or on a click (scripts, launches, embedded files,
 * rich media, form submission). Compared after #xx escapes are decoded (/J#61vaScript).
 */
const PDF_ACTIVE_NAMES = new Set(['JavaScript', 'JS', 'OpenAction', 'AA', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'SubmitForm', 'ImportData', 'GoToE', 'XFA']);
const MAX_PDF_OBJECT_STREAM_BYTES = 16 * 1024 * 1024;

/** Refuses a PDF whose objects (plain or inside compressed object streams) name active content. */
export function assertPlainPdf(buf: Buffer): void {
  const text = buf.toString('latin1');
  const found = activePdfName(text);
  if (found) throw new DomainError('FILE_ACTIVE_CONTENT', { part: 'pdf', name: `/${found}` });
  // Objects may sit inside compressed object streams (/Type /ObjStm): inflate those and look again.
  let budget = MAX_PDF_OBJECT_STREAM_BYTES;
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const dict = text.slice(Math.max(0, m.index! - 1024), m.index);
    const open = dict.lastIndexOf(' obj');
    if (!/\/Type\s*\/ObjStm/.test(open >= 0 ? dict.slice(open) : dict)) continue;
    const start = m.index! + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    let inflated: Buffer;
    try {
      inflated = inflateSync(buf.subarray(start, end), { maxOutputLength: Math.max(1, budget) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DomainError('FILE_TOO_COMPLEX', { part: 'pdf', reason: 'object streams too large' });
      continue; // a damaged stream: a reader cannot run what it cannot inflate either
    }
    budget -= inflated.length;
    const inner = activePdfName(inflated.toString('latin1'));
    if (inner) throw new DomainError('FILE_ACTIVE_CONTENT', { part: 'pdf', name: `/${inner}` });
  }
}

function activePdfName(text: string): string | undefined {
  for (const m of text.matchAll(/\/([^\s()<>[\]{}/%]+)/g)) {
    const raw = m[1];
    const name = raw.includes('#') ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw;
    if (PDF_ACTIVE_NAMES.has(name)) return name;
  }
  return undefined;
}
