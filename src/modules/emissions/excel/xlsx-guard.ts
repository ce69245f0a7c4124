import { posix } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { DomainError } from '../../../core/errors/domain-error';
import { EMISSION_FACTORS } from './factors';
import { CELLS, COLUMNS, FIRST_ROW, FORMULAS, MAIN_SHEET, MAX_ROWS } from './layout';
import { ALLOWED_CONTENT_TYPES, ALLOWED_FUNCTIONS, ALLOWED_RELATIONSHIP_TYPES, MACRO_CONTENT_TYPE, MACRO_RELATIONSHIP_TYPE } from './ooxml-allowlist';

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
 * Data validations and conditional formats: every `sqref` range counted (no length cut-off) and
 * the areas summed over the workbook. The designated form at its limit declares ~4 validation
 * cells per activity row (≈ 80,000 for 20,000 rows); ExcelJS expands each area cell by cell.
 */
export const MAX_RULE_CELLS = 200_000;
export const MAX_RULE_RANGES = 10_000;
export const MAX_CONDITIONAL_FORMATS = 500;
export const MAX_DEFINED_NAMES = 1_000;
export const MAX_MERGED_RANGES = 5_000;
/** Bytes of one XML tag (a `sqref` of 10,000 ranges is ~100 KB). */
export const MAX_TAG_CHARS = 1024 * 1024;
/** Bytes of a part that must be read before the others (content types, relationships, the workbook). */
export const MAX_INDEX_PART_BYTES = 2 * 1024 * 1024;
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
export const MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024;
export const MAX_RICH_TEXT_RUNS = 50_000;
export const MAX_RATIO = 200;
export const MAX_ENTRIES = 2000;
/**
 * Element nesting in any XML part. The deepest parts Excel, LibreOffice and the template write are
 * DrawingML (charts, text in shapes: ~20 levels); a sheet is ~8 deep.
 */
export const MAX_XML_DEPTH = 64;
/**
 * styles.xml. Excel's own limit on cell formats (cellXfs) and cell styles is 65,490 (64,000 in
 * Excel 2007); a workbook Excel saved has at most that many. Fonts, fills, borders, number formats
 * and differential formats stay far lower in real files (Excel: 512 fonts and ~250 number formats a
 * workbook; a style-bloated file has a few thousand): 10,000 each is generous and still bounded.
 */
export const MAX_CELL_FORMATS = 65_490;
export const MAX_STYLE_RECORDS = 10_000;
/** Excel's last column (XFD): a `<col max>` beyond it makes ExcelJS build one Column object per number. */
export const MAX_COLUMN = 16_384;

const PDF = Buffer.from('%PDF');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');
/** Archives and containers that must not sit inside a workbook's parts (zip, OLE/CFB, gzip, rar, 7z, cab). */
const NESTED_MAGIC = [ZIP, Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.from([0x50, 0x4b, 0x07, 0x08]), CFB, Buffer.from([0x1f, 0x8b]), Buffer.from('Rar!'), Buffer.from([0x37, 0x7a, 0xbc, 0xaf]), Buffer.from('MSCF')];

const WORKSHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
const SHARED_STRINGS_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedstrings+xml';
const STYLES_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml';
const VML_TYPE = 'application/vnd.openxmlformats-officedocument.vmldrawing';

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
  rawName: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Where the entry's (compressed) data starts, after its local header. */
  dataStart: number;
}

const damaged = () => new DomainError('NOT_XLSX', { detected: 'damaged zip' });
const active = (part: string, reason: string, extra: Record<string, unknown> = {}) => new DomainError('FILE_ACTIVE_CONTENT', { part, reason, ...extra });
const macro = (part: string, reason: string) => new DomainError('MACRO_ENABLED', { part, reason });
const complex = (part: string, what: string, found: number, limit: number) => new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what, [what]: found, limit });
/** A zip that two readers may read differently: refused whole (the part named is the archive's structure). */
const ambiguous = (reason: string, extra: Record<string, unknown> = {}) => active('zip', reason, extra);
const malformed = (part: string, reason: string) => new DomainError('NOT_XLSX', { detected: 'malformed XML', part, reason });

// ---- the zip structure -----------------------------------------------------------------------

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const END_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** How far from the end readers search for the end record: the longest comment plus the record. */
const END_SEARCH = 0xffff + 22;
/**
 * Extra fields that make readers see another name, comment or size than the header says:
 * Info-ZIP Unicode path (JSZip, so ExcelJS, takes the entry's name from it) and comment, ZIP64
 * sizes, strong-encryption and AES headers.
 */
const REFUSED_EXTRA_FIELDS = new Map([
  [0x7075, 'Unicode path extra field (another name for the entry)'],
  [0x6375, 'Unicode comment extra field'],
  [0x0001, 'ZIP64 extra field'],
  [0x0017, 'strong encryption header'],
  [0x9901, 'AES encryption header'],
]);

/** The ids of the extra fields in `buf[start, start+length)`; refuses a block that is not a sequence of fields. */
function checkExtraFields(buf: Buffer, start: number, length: number, name: string): void {
  const end = start + length;
  let q = start;
  while (q + 4 <= end) {
    const id = buf.readUInt16LE(q);
    const len = buf.readUInt16LE(q + 2);
    if (q + 4 + len > end) throw active(name, 'extra field longer than its block');
    const refused = REFUSED_EXTRA_FIELDS.get(id);
    if (refused) throw active(name, refused);
    q += 4 + len;
  }
  // a few trailing padding bytes (alignment) are tolerated only when zero
  for (; q < end; q++) if (buf[q] !== 0) throw active(name, 'extra field block that does not parse');
}

/**
 * Reads the zip's directory and checks that every reader sees the same archive: the one end record
 * at the very end, the central directory right before it, and the local entries one after another
 * from byte 0 up to the directory, each agreeing with its directory entry. JSZip (so ExcelJS),
 * Info-ZIP unzip and Python's zipfile each repair some inconsistency their own way (JSZip
 * "corrects" the offsets of a zip with bytes before the directory, takes the last end signature
 * in the file and the Unicode-path name): any of them is refused, so the guard scans the parts
 * the parser reads and a verifier's tool extracts.
 */
function zipDirectory(buf: Buffer): ZipEntry[] {
  if (buf.length < 22) throw damaged();
  const signatures: number[] = [];
  for (let i = buf.indexOf(END_SIGNATURE, Math.max(0, buf.length - END_SEARCH)); i >= 0 && signatures.length < 2; i = buf.indexOf(END_SIGNATURE, i + 1)) signatures.push(i);
  if (signatures.length === 0) throw damaged();
  if (signatures.length > 1) throw ambiguous('more than one end-of-central-directory signature', { offsets: signatures });
  const eocd = signatures[0];
  if (eocd + 22 > buf.length) throw damaged();
  const commentLength = buf.readUInt16LE(eocd + 20);
  if (eocd + 22 + commentLength !== buf.length) {
    throw ambiguous('the end-of-central-directory record is not at the end of the file', { trailingBytes: buf.length - (eocd + 22 + commentLength) });
  }
  const disk = buf.readUInt16LE(eocd + 4);
  const directoryDisk = buf.readUInt16LE(eocd + 6);
  const entriesOnDisk = buf.readUInt16LE(eocd + 8);
  const count = buf.readUInt16LE(eocd + 10);
  const directorySize = buf.readUInt32LE(eocd + 12);
  const directoryOffset = buf.readUInt32LE(eocd + 16);
  if ([disk, directoryDisk, entriesOnDisk, count].includes(0xffff) || directorySize === 0xffffffff || directoryOffset === 0xffffffff) throw ambiguous('ZIP64 records');
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === SIG_ZIP64_LOCATOR) throw ambiguous('ZIP64 records');
  if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== count) throw ambiguous('a multi-disk archive');
  if (count > MAX_ENTRIES) throw new DomainError('FILE_TOO_COMPLEX', { entries: count, limit: MAX_ENTRIES });
  if (directoryOffset + directorySize !== eocd) {
    throw ambiguous('the central directory does not end where the end-of-central-directory record starts', { directoryOffset, directorySize, endRecord: eocd });
  }

  const entries: ZipEntry[] = [];
  for (let p = directoryOffset; p < eocd; ) {
    if (entries.length >= count) throw ambiguous('more central-directory entries than the end record counts', { counted: count });
    if (p + 46 > eocd || buf.readUInt32LE(p) !== SIG_CENTRAL) throw damaged();
    const madeBy = buf.readUInt16LE(p + 4);
    const flags = buf.readUInt16LE(p + 8);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const entryCommentLength = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    const end = p + 46 + nameLength + extraLength + entryCommentLength;
    if (end > eocd) throw damaged();
    const rawName = Buffer.from(buf.subarray(p + 46, p + 46 + nameLength));
    const name = rawName.toString('utf8');
    const e: ZipEntry = {
      name,
      rawName,
      flags,
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      dataStart: -1,
    };
    if (flags & 0x2041) throw new DomainError('FILE_ENCRYPTED', { part: name }); // encrypted, strong encryption, encrypted directory
    if (!Buffer.from(name, 'utf8').equals(rawName)) throw active(name, 'part name is not UTF-8');
    // without the UTF-8 flag JSZip still reads UTF-8, unzip and Python read CP437: two names
    if (/[^\x00-\x7f]/.test(name) && !(flags & 0x800)) throw active(name, 'non-ASCII part name without the UTF-8 flag');
    if (buf.readUInt16LE(p + 34) !== 0) throw ambiguous('a multi-disk archive', { part: name });
    if (e.compressedSize === 0xffffffff || e.size === 0xffffffff || e.localOffset === 0xffffffff) throw ambiguous('ZIP64 records', { part: name });
    checkExtraFields(buf, p + 46 + nameLength, extraLength, name);
    // JSZip takes the MS-DOS folder attribute for a folder (and skips it); unzip extracts a file
    if (external & 0x10 && !name.endsWith('/')) throw active(name, 'file entry marked as a folder');
    if (madeBy >> 8 === 3 && ((external >>> 16) & 0xf000) === 0xa000) throw active(name, 'symbolic link');
    entries.push(e);
    p = end;
  }
  if (entries.length !== count) throw ambiguous('the end record counts another number of entries than the directory holds', { counted: count, found: entries.length });

  // Local entries: one after another from byte 0 to the directory, each as its directory entry says.
  let expected = 0;
  for (const e of [...entries].sort((a, b) => a.localOffset - b.localOffset)) {
    if (e.localOffset < expected) throw ambiguous('zip entries overlap', { part: e.name });
    if (e.localOffset > expected) throw ambiguous(expected === 0 ? 'bytes before the first zip entry' : 'bytes between zip entries that no directory entry names', { part: e.name, offset: expected, bytes: e.localOffset - expected });
    const l = e.localOffset;
    if (l + 30 > directoryOffset || buf.readUInt32LE(l) !== SIG_LOCAL) throw damaged();
    const flags = buf.readUInt16LE(l + 6);
    const nameLength = buf.readUInt16LE(l + 26);
    const extraLength = buf.readUInt16LE(l + 28);
    if (l + 30 + nameLength + extraLength > directoryOffset) throw damaged();
    if (!buf.subarray(l + 30, l + 30 + nameLength).equals(e.rawName)) throw active(e.name, 'local and central names differ');
    if (buf.readUInt16LE(l + 8) !== e.method) throw active(e.name, 'local and central compression methods differ');
    if ((flags ^ e.flags) & 0x0809) throw active(e.name, 'local and central flags differ');
    checkExtraFields(buf, l + 30 + nameLength, extraLength, e.name);
    e.dataStart = l + 30 + nameLength + extraLength;
    let end = e.dataStart + e.compressedSize;
    if (end > directoryOffset) throw damaged();
    const local = [buf.readUInt32LE(l + 14), buf.readUInt32LE(l + 18), buf.readUInt32LE(l + 22)];
    const central = [e.crc, e.compressedSize, e.size];
    if (e.flags & 0x8) {
      // sizes and CRC follow the data (a data descriptor, with or without its signature); the header holds zeros or the same
      if (local.some((v, i) => v !== 0 && v !== central[i])) throw active(e.name, 'local and central sizes or CRC differ');
      const at = (o: number, values: number[]) => o + 4 * values.length <= directoryOffset && values.every((v, i) => buf.readUInt32LE(o + 4 * i) === v);
      if (at(end, [SIG_DESCRIPTOR, ...central])) end += 16;
      else if (at(end, central)) end += 12;
      else throw active(e.name, 'data descriptor does not match the central directory');
    } else if (local.some((v, i) => v !== central[i])) throw active(e.name, 'local and central sizes or CRC differ');
    expected = end;
  }
  if (expected !== directoryOffset) throw ambiguous('bytes between the last zip entry and the central directory', { offset: expected, bytes: directoryOffset - expected });
  return entries;
}

/** The extension of a part name (`_rels/.rels` → `rels`; path.extname says '' for dot files). */
function extension(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot < 0 ? '' : last.slice(dot + 1).toLowerCase();
}

/** A part name as OPC allows it: a plain relative path, no `..`, no leading `/`, no backslash or drive letter. */
function plainPartName(name: string): boolean {
  if (!name || name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || /[\u0000-\u001f\u007f]/.test(name)) return false;
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

/** A part name as Excel compares them: percent-decoded, Unicode-normalised, case-insensitive. */
function comparablePartName(name: string): string {
  return percentDecoded(name).normalize('NFC').toLowerCase();
}

/** Parts read as XML: by content type, or by the extension a reader that goes by names (ExcelJS) parses. */
function isXmlPart(name: string, type: string | undefined): boolean {
  if (type && (type.endsWith('+xml') || type === 'application/xml' || type === 'text/xml' || type === VML_TYPE)) return true;
  return ['xml', 'rels', 'vml'].includes(extension(name));
}

export interface GuardOptions {
  /** Refuse more cells, rows or strings than the designated form holds (before ExcelJS loads it). */
  boundCells?: boolean;
  /** The designated form: formulas only at the template's formula cells, equal to the template's. */
  designatedForm?: boolean;
}

/**
 * Refuses anything but a plain .xlsx before a parser touches it: not a workbook by content → 415;
 * encrypted → 422 FILE_ENCRYPTED; macros → 422 MACRO_ENABLED; expanding past the bounds (a zip
 * bomb, declared or real) → 422 ZIP_BOMB; too many ranges, rules, names, cells, rows, strings,
 * styles or levels of nesting → 422 FILE_TOO_COMPLEX; anything outside the allowlist of parts,
 * relationships and formulas (OLE, ActiveX, external links, nested archives, unsafe names, bad
 * CRCs, DDE…), and any zip that two readers could read differently → 422 FILE_ACTIVE_CONTENT naming
 * the part. Every bound is counted from the zip directory and a scan of the XML, no DOM.
 */
export function assertPlainXlsx(buf: Buffer, options: GuardOptions = {}): void {
  const kind = sniff(buf);
  if (kind === 'cfb') {
    if (buf.includes(ENCRYPTION_INFO)) throw new DomainError('FILE_ENCRYPTED');
    throw new DomainError('NOT_XLSX', { detected: 'legacy Office file (.xls)' });
  }
  if (kind !== 'xlsx-zip') throw new DomainError('NOT_XLSX', { detected: kind });
  const entries = zipDirectory(buf);
  const byName = new Map<string, ZipEntry>();
  const comparableNames = new Set<string>();
  for (const e of entries) {
    if (!plainPartName(e.name)) throw active(e.name, 'part name is not a plain relative path');
    const comparable = comparablePartName(e.name);
    if (comparableNames.has(comparable)) throw active(e.name, 'part name given twice');
    if (e.name.endsWith('/') && (e.size > 0 || e.compressedSize > 2)) throw active(e.name, 'folder entry with content');
    comparableNames.add(comparable);
    byName.set(e.name, e);
  }
  if (!byName.has('[Content_Types].xml') || !byName.has('xl/workbook.xml')) {
    throw new DomainError('NOT_XLSX', { detected: 'zip that is not a workbook' });
  }
  if (entries.some((e) => /vbaProject\.bin$/i.test(e.name))) throw macro(entries.find((e) => /vbaProject\.bin$/i.test(e.name))!.name, 'VBA project');
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > MAX_EXPANDED_BYTES) throw new DomainError('ZIP_BOMB', { expandedBytes: declared, limit: MAX_EXPANDED_BYTES });

  const reader = new PartReader(buf);
  const scanned = new Set<string>();
  // 1. The index parts first (small, bounded): content types, relationships, the workbook.
  scanned.add('[Content_Types].xml');
  const types = contentTypes(reader.text(byName.get('[Content_Types].xml')!, MAX_INDEX_PART_BYTES));
  const typeOf = new Map<string, string>();
  for (const e of entries) {
    if (e.name.endsWith('/') || e.name === '[Content_Types].xml') continue;
    const type = types.override.get(`/${e.name}`.toLowerCase()) ?? types.byExtension.get(extension(e.name));
    if (!type) throw active(e.name, 'part without a content type');
    if (MACRO_CONTENT_TYPE.test(type)) throw macro(e.name, type);
    if (!ALLOWED_CONTENT_TYPES.has(type.toLowerCase())) throw active(e.name, 'content type not allowed', { contentType: type });
    typeOf.set(e.name, type.toLowerCase());
  }
  const rels = new Map<string, Map<string, string>>(); // source part → rId → target part
  for (const e of entries) {
    if (!/(^|\/)_rels\/[^/]*\.rels$/i.test(e.name)) continue;
    scanned.add(e.name);
    rels.set(e.name, relationships(e.name, reader.text(e, MAX_INDEX_PART_BYTES), byName));
  }
  scanned.add('xl/workbook.xml');
  const mainSheetPart = workbook(reader.text(byName.get('xl/workbook.xml')!, MAX_INDEX_PART_BYTES), rels.get('xl/_rels/workbook.xml.rels'), options);

  // 2. Every part: size, CRC, no nested container; every XML part scanned (markup, nesting,
  //    formulas wherever they are), and the bounds of sheets, shared strings and styles counted.
  const totals = { cells: 0, ruleCells: 0, ruleRanges: 0, conditionalFormats: 0, mergedRanges: 0, mergedCells: 0 };
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const content = reader.bytes(e);
    for (const magic of NESTED_MAGIC) {
      if (content.length >= magic.length && content.subarray(0, magic.length).equals(magic)) throw active(e.name, 'nested archive or OLE container');
    }
    const type = typeOf.get(e.name)!;
    if (scanned.has(e.name) || !isXmlPart(e.name, type)) continue;
    // by content type, wherever the part sits, and by the names ExcelJS goes by
    if (type === WORKSHEET_TYPE || (/xl\/worksheets\/[^/]*\.xml/i.test(e.name) && !/\.rels$/i.test(e.name))) {
      // without the form's main sheet the parser refuses the file (TEMPLATE_MISMATCH): its formulas
      // are held to the attachment rules meanwhile (nothing active), not to the template's cells
      const sheetOptions = options.designatedForm && !mainSheetPart ? { ...options, designatedForm: false } : options;
      scanWorksheet(e.name, xmlText(e.name, content), totals, sheetOptions, e.name === mainSheetPart);
    } else if (type === SHARED_STRINGS_TYPE || /^xl\/sharedStrings\.xml$/i.test(e.name)) {
      scanSharedStrings(e.name, content, options);
    } else if (type === STYLES_TYPE || /^xl\/styles\.xml$/i.test(e.name)) {
      scanStyles(e.name, xmlText(e.name, content), options);
    } else if (type === VML_TYPE || extension(e.name) === 'vml') {
      scanVml(e.name, xmlText(e.name, content), options);
    } else {
      scanTags(e.name, xmlText(e.name, content), (t) => otherFormula(e.name, t, options));
    }
  }
  if (options.boundCells && totals.cells > MAX_TOTAL_CELLS) throw new DomainError('FILE_TOO_COMPLEX', { what: 'cells', cells: totals.cells, limit: MAX_TOTAL_CELLS });
}

/** Inflates entries with a hard cap on what they may produce overall; checks sizes and CRCs. */
class PartReader {
  private budget = MAX_EXPANDED_BYTES;
  private readonly cache = new Map<string, Buffer>();
  constructor(private readonly buf: Buffer) {}

  bytes(e: ZipEntry): Buffer {
    const cached = this.cache.get(e.name);
    if (cached) return cached;
    const data = this.buf.subarray(e.dataStart, e.dataStart + e.compressedSize);
    let content: Buffer;
    if (e.method === 0) content = data;
    else if (e.method === 8) {
      try {
        content = inflateRawSync(data, { maxOutputLength: Math.max(1, Math.min(this.budget, Math.max(e.compressedSize, 1) * MAX_RATIO + 65536)) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DomainError('ZIP_BOMB', { entry: e.name });
        throw damaged();
      }
    } else throw new DomainError('NOT_XLSX', { detected: `zip method ${e.method}` });
    if (content.length !== e.size) throw new DomainError('ZIP_BOMB', { entry: e.name, reason: 'declared size is false' });
    this.budget -= content.length;
    if (this.budget < 0) throw new DomainError('ZIP_BOMB', { limit: MAX_EXPANDED_BYTES });
    if (crc32(content) >>> 0 !== e.crc >>> 0) throw active(e.name, 'CRC-32 does not match');
    this.cache.set(e.name, content);
    return content;
  }

  text(e: ZipEntry, limit: number): string {
    if (e.size > limit) throw complex(e.name, 'bytes', e.size, limit);
    return xmlText(e.name, this.bytes(e));
  }
}

/**
 * An XML part's text, which must be UTF-8: a UTF-16 part (Excel reads those) would look like
 * text without a single tag to a scan that reads UTF-8.
 */
function xmlText(part: string, content: Buffer): string {
  if ((content[0] === 0xff && content[1] === 0xfe) || (content[0] === 0xfe && content[1] === 0xff) || content.includes(0)) throw active(part, 'XML part not in UTF-8');
  return content.toString('utf8');
}

// ---- XML scanning: tags counted and read one at a time, never a DOM ---------------------------

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML text with its entity and character references resolved (`&#x6D;acroEnabled` is macroEnabled). */
export function decodeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[ref] ?? whole;
  });
}

/**
 * Elements whose text is a formula, by local name whatever their prefix (`<xm:f>` bound to the
 * main namespace is a cell formula to Excel): cell and rule formulas, table column formulas, defined
 * names, chart series references (`<c:f>`), and the VML Fmla* links.
 */
const FORMULA_ELEMENTS = new Set(['f', 'formula', 'formula1', 'formula2', 'calculatedColumnFormula', 'totalsRowFormula', 'definedName', 'FmlaLink', 'FmlaRange', 'FmlaTxbx', 'FmlaPict', 'FmlaGroup']);
/** Elements whose text the scan reads: the formula elements and x14 `<xm:sqref>`. */
const TEXT_ELEMENTS = new Set([...FORMULA_ELEMENTS, 'sqref']);

interface Tag {
  /** Local name (prefix dropped). */
  name: string;
  prefixed: string;
  close: boolean;
  self: boolean;
  /** The raw text inside the tag after its name (for the end of a text element: its start tag's). */
  attrs: string;
  /** Index just after the tag's `>`. */
  end: number;
  /** Local name of the enclosing element ('' for the root). */
  parent: string;
  /**
   * Whether an enclosing element is a cell (`<c>`, any prefix): a formula inside one is the cell's,
   * however it is wrapped (markup-compatibility AlternateContent or ProcessContent elements).
   */
  inCell: boolean;
  /**
   * At the end of a text element (TEXT_ELEMENTS), or at one written self-closing: its decoded
   * text. Undefined on every other tag.
   */
  text?: string;
}

interface Open {
  prefixed: string;
  local: string;
  attrs: string;
  inCell: boolean;
  /** For text elements: where the text not yet read starts, what was read, and whether a child element came. */
  textFrom?: number;
  text?: string;
  child?: boolean;
}

const isSpace = (s: string) => /^[ \t\r\n]*$/.test(s);

/**
 * Calls `visit` for every start and end tag of `xml`. Refuses what no producer we accept writes
 * and what lets two readers see different text: a DOCTYPE (entity declarations), comments, CDATA
 * sections, processing instructions other than the leading XML declaration, an encoding other than
 * UTF-8, markup inside a formula element; refuses nesting deeper than MAX_XML_DEPTH and XML that
 * is not well-formed (end tags that do not match). `voidElements`: HTML elements a VML part may
 * leave unclosed (Excel's legacy drawings write `<br>`).
 */
function scanTags(part: string, xml: string, visit: (tag: Tag) => void, voidElements?: Set<string>): void {
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = xml.length;
  if (xml.startsWith('<?xml', i) && /[\s?]/.test(xml[i + 5] ?? '')) {
    const e = xml.indexOf('?>', i);
    if (e < 0) throw malformed(part, 'unterminated XML declaration');
    const encoding = /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(xml.slice(i, e));
    if (encoding && !/^utf-?8$/i.test(encoding[1] ?? encoding[2])) throw active(part, 'XML part not in UTF-8', { encoding: encoding[1] ?? encoding[2] });
    i = e + 2;
  }
  const open: Open[] = [];
  while ((i = xml.indexOf('<', i)) >= 0) {
    const next = xml.charCodeAt(i + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', i)) throw active(part, 'XML comment');
      if (xml.startsWith('<![CDATA[', i)) throw active(part, 'CDATA section');
      throw active(part, 'DOCTYPE or entity declaration');
    }
    if (next === 0x3f /* ? */) throw active(part, 'processing instruction');
    // find the closing '>' outside quoted attribute values
    let j = i + 1;
    let quote = 0;
    for (; j < n; j++) {
      const c = xml.charCodeAt(j);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3e) break;
    }
    if (j >= n) throw malformed(part, 'unterminated tag');
    if (j - i > MAX_TAG_CHARS) throw complex(part, 'tagBytes', j - i, MAX_TAG_CHARS);
    const close = next === 0x2f;
    const nameStart = close ? i + 2 : i + 1;
    let k = nameStart;
    while (k < j) {
      const c = xml.charCodeAt(k);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2f) break;
      k++;
    }
    const prefixed = xml.slice(nameStart, k);
    if (!prefixed) throw malformed(part, 'tag without a name');
    const colon = prefixed.indexOf(':');
    const name = colon >= 0 ? prefixed.slice(colon + 1) : prefixed;
    const self = !close && xml.charCodeAt(j - 1) === 0x2f;
    const top = open[open.length - 1];
    if (top?.textFrom !== undefined) {
      // the text of a formula (or sqref) element: text only, or (x14 <formula1><xm:f>) elements only
      const text = xml.slice(top.textFrom, i);
      if (!isSpace(text)) top.text += text;
      if (!close) {
        top.child = true;
        // only x14's <formula1><xm:f>…</xm:f></formula1>: a formula element inside another
        if (!FORMULA_ELEMENTS.has(name)) throw active(part, 'markup inside a formula', { element: top.prefixed, child: prefixed });
      }
      if (top.child && top.text) throw active(part, 'markup inside a formula', { element: top.prefixed });
    }
    const end = j + 1;
    if (close) {
      if (voidElements?.has(name.toLowerCase()) && top?.prefixed !== prefixed) {
        i = end; // the end tag of an element taken as void
        continue;
      }
      if (!top || top.prefixed !== prefixed) throw malformed(part, `end tag </${prefixed}> does not match <${top?.prefixed ?? ''}>`);
      open.pop();
      const parent = open[open.length - 1]?.local ?? '';
      const inCell = open[open.length - 1]?.inCell ?? false;
      visit(top.textFrom !== undefined ? { name, prefixed, close, self, attrs: top.attrs, end, parent, inCell, text: decodeXml(top.text!) } : { name, prefixed, close, self, attrs: '', end, parent, inCell });
      if (parent && open[open.length - 1].textFrom !== undefined) open[open.length - 1].textFrom = end;
    } else {
      const attrs = xml.slice(k, self ? j - 1 : j);
      const parent = top?.local ?? '';
      const inCell = top?.inCell ?? false;
      const textElement = TEXT_ELEMENTS.has(name);
      visit(self && textElement ? { name, prefixed, close, self, attrs, end, parent, inCell, text: '' } : { name, prefixed, close, self, attrs, end, parent, inCell });
      if (!self && !voidElements?.has(name.toLowerCase())) {
        const frame: Open = { prefixed, local: name, attrs, inCell: inCell || name === 'c' };
        open.push(textElement ? { ...frame, textFrom: end, text: '' } : frame);
        if (open.length > MAX_XML_DEPTH) throw complex(part, 'depth', open.length, MAX_XML_DEPTH);
      } else if (top?.textFrom !== undefined) top.textFrom = end;
    }
    i = end;
  }
  if (open.length) throw malformed(part, `element <${open[open.length - 1].prefixed}> not closed`);
}

/** An attribute's decoded value (`name` with or without prefix, e.g. `r:id` or `Type`). */
const ATTRIBUTE_PATTERNS = new Map<string, RegExp>();
function attr(attrs: string, name: string): string | undefined {
  let pattern = ATTRIBUTE_PATTERNS.get(name);
  if (!pattern) ATTRIBUTE_PATTERNS.set(name, (pattern = new RegExp(`(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)));
  const m = pattern.exec(attrs);
  return m ? decodeXml(m[1] ?? m[2]) : undefined;
}

/** Refuses a tag that gives an attribute twice (readers differ on which one counts). */
function singleAttributes(part: string, t: Tag): void {
  const seen = new Set<string>();
  for (const m of t.attrs.matchAll(/([^\s=]+)\s*=\s*(?:"[^"]*"|'[^']*')/g)) {
    if (seen.has(m[1])) throw malformed(part, `attribute ${m[1]} given twice in <${t.prefixed}>`);
    seen.add(m[1]);
  }
}

/** Elements that embed objects or controls, or publish a sheet to a location outside it (in any part). */
const ACTIVE_ELEMENTS = new Set(['oleObjects', 'oleObject', 'controls', 'control', 'webPublishItems', 'webPublishItem']);

/**
 * What every XML part is checked for, whatever it is: embedded objects and controls; shapes bound
 * to a macro; and the formulas outside a worksheet's cells: rule formulas (validations,
 * conditional formats and their value objects, x14 `<xm:f>`), defined names, chart references,
 * table column formulas, shape text links, VML links. Those are held to the attachment rules (only
 * allowed functions, no DDE, no other workbook); in the designated form a table's column formula,
 * or a cell formula in a part that is not a worksheet, is a formula outside the form's own cells.
 * Returns whether `t` was such a formula (a worksheet's cell `<f>` is the worksheet scan's).
 */
function otherFormula(part: string, t: Tag, options: GuardOptions, cellsAreTheCallers = false): boolean {
  if (!t.close) {
    if (ACTIVE_ELEMENTS.has(t.name)) throw active(part, t.name);
    if (t.attrs.includes('macro') && (attr(t.attrs, 'macro') ?? '').trim() !== '') throw macro(part, `<${t.prefixed}> runs macro ${attr(t.attrs, 'macro')}`);
    if (t.attrs.includes('textlink')) {
      const link = attr(t.attrs, 'textlink') ?? '';
      if (link) checkFormula(part, 'textlink', link, 'rule');
    }
    // a conditional format's threshold (<cfvo type="formula" val="…"/>; numbers and percentiles may be formulas too)
    if (t.name === 'cfvo') {
      const value = attr(t.attrs, 'val') ?? '';
      if (value) checkFormula(part, 'rule', value, 'rule');
    }
  }
  if (t.text === undefined || !FORMULA_ELEMENTS.has(t.name)) return false;
  const cellFormula = t.name === 'f' && t.inCell;
  if (cellFormula && cellsAreTheCallers) return false;
  if (t.name === 'definedName') {
    const name = attr(t.attrs, 'name') ?? '';
    if (AUTO_MACRO_NAME.test(name)) throw macro(part, `defined name ${name}`);
    if (['function', 'vbProcedure', 'xlm'].some((a) => /^(1|true)$/i.test(attr(t.attrs, a) ?? ''))) throw macro(part, `defined name ${name} is a macro`);
    checkFormula(part, `name ${name}`, t.text, 'rule');
    return true;
  }
  // a table's column formulas fill cells; so does a cell formula in a part that is not a worksheet
  const where = t.name === 'calculatedColumnFormula' || t.name === 'totalsRowFormula' ? t.name : cellFormula ? 'cell outside a worksheet' : 'rule';
  if (options.designatedForm && where !== 'rule' && t.text.trim()) throw active(part, 'formula outside the designated form', { cell: where, formula: t.text.slice(0, 200) });
  if (t.text) checkFormula(part, where, t.text, 'rule');
  return true;
}

// ---- the index parts ------------------------------------------------------------------------

/** OPC part names in content types and relationships are URIs: `%E7%94%BB.png` names `画.png`. */
function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function contentTypes(xml: string) {
  const part = '[Content_Types].xml';
  const override = new Map<string, string>();
  const byExtension = new Map<string, string>();
  scanTags(part, xml, (t) => {
    if (t.close) return;
    const type = attr(t.attrs, 'ContentType');
    if (type === undefined) return;
    singleAttributes(part, t);
    if (MACRO_CONTENT_TYPE.test(type)) throw macro((t.name === 'Override' && percentDecoded(attr(t.attrs, 'PartName') ?? '').replace(/^\//, '')) || part, type);
    if (t.name === 'Override') override.set(percentDecoded(attr(t.attrs, 'PartName') ?? '').toLowerCase(), type.trim());
    else if (t.name === 'Default') byExtension.set((attr(t.attrs, 'Extension') ?? '').toLowerCase(), type.trim());
  });
  return { override, byExtension };
}

/** A relationships part: allowed types only, nothing external; returns rId → target part name. */
function relationships(part: string, xml: string, parts: Map<string, ZipEntry>): Map<string, string> {
  const out = new Map<string, string>();
  // xl/worksheets/_rels/sheet1.xml.rels describes xl/worksheets/sheet1.xml: targets are relative to xl/worksheets/
  const base = posix.dirname(posix.dirname(part));
  scanTags(part, xml, (t) => {
    if (t.close || t.name !== 'Relationship') return;
    singleAttributes(part, t);
    const type = (attr(t.attrs, 'Type') ?? '').trim();
    const target = (attr(t.attrs, 'Target') ?? '').trim();
    if (MACRO_RELATIONSHIP_TYPE.test(type)) throw macro(part, `relationship ${type}`);
    if (!ALLOWED_RELATIONSHIP_TYPES.has(type)) throw active(part, 'relationship type not allowed', { relationshipType: type, target });
    if ((attr(t.attrs, 'TargetMode') ?? '').trim().toLowerCase() === 'external') throw active(part, 'external relationship', { target });
    const plain = percentDecoded(target);
    // a network-path reference (//host/x.png, or with backslashes) or a scheme anywhere (http:, file:, a drive letter) leaves the package
    if (/^[\\/]{2}/.test(target) || /^[\\/]{2}/.test(plain)) throw active(part, 'external relationship', { target });
    if (/:|\\/.test(target) || /:|\\/.test(plain)) throw active(part, 'relationship target is not a part', { target });
    const resolved = plain.startsWith('/') ? posix.normalize(plain).slice(1) : posix.normalize(posix.join(base === '.' ? '' : base, plain));
    if (resolved.startsWith('..')) throw active(part, 'relationship target outside the package', { target });
    if (parts.has(resolved)) out.set(attr(t.attrs, 'Id') ?? '', resolved);
  });
  return out;
}

const AUTO_MACRO_NAME = /^(_xlnm\.)?auto_(open|close|activate|deactivate)/i;

/** The workbook part: defined names bounded and plain; returns the part of the main sheet of the form. */
function workbook(xml: string, rels: Map<string, string> | undefined, options: GuardOptions): string | undefined {
  const part = 'xl/workbook.xml';
  let names = 0;
  let mainSheet: string | undefined;
  scanTags(part, xml, (t) => {
    otherFormula(part, t, options); // defined names and any other formula
    if (t.close) return;
    if (t.name === 'definedName') {
      if (++names > MAX_DEFINED_NAMES) throw complex(part, 'definedNames', names, MAX_DEFINED_NAMES);
    } else if (t.name === 'externalReferences' || t.name === 'externalReference' || t.name === 'oleSize') {
      throw active(part, t.name);
    } else if (t.name === 'sheet' && attr(t.attrs, 'name') === MAIN_SHEET) {
      singleAttributes(part, t);
      mainSheet = rels?.get(attr(t.attrs, 'r:id') ?? '');
    }
  });
  return mainSheet;
}

// ---- worksheets -----------------------------------------------------------------------------

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** A sheet name before `!` (`Sheet1!`, `'Sheet name'!`): the area of a qualified reference is the same. */
const SHEET_PREFIX = /(?:'(?:[^']|'')*'|[^'!:\s]+)!/g;

/**
 * Cells in a range like `B8:F57`, sheet-qualified or not (`x!A1:Z20000`, `'a b'!A1:x!B5`; a single
 * cell counts 1; whole columns or rows count their full extent); undefined for a reference that is
 * none of these (ExcelJS reads such text leniently: `A1:B99999999` is 200 million cells to it).
 */
export function rangeCells(ref: string): number | undefined {
  const r = ref.trim().replace(SHEET_PREFIX, '').replace(/\$/g, '');
  let m = /^([A-Za-z]{1,3})([0-9]{1,7})(?::([A-Za-z]{1,3})([0-9]{1,7}))?$/.exec(r);
  if (m) {
    if (!m[3]) return 1;
    return (Math.abs(columnNumber(m[3]) - columnNumber(m[1])) + 1) * (Math.abs(Number(m[4]) - Number(m[2])) + 1);
  }
  if ((m = /^([A-Za-z]{1,3}):([A-Za-z]{1,3})$/.exec(r))) return (Math.abs(columnNumber(m[2]) - columnNumber(m[1])) + 1) * 1_048_576;
  if ((m = /^([0-9]{1,7}):([0-9]{1,7})$/.exec(r))) return (Math.abs(Number(m[2]) - Number(m[1])) + 1) * 16_384;
  return undefined;
}

const INPUT_CELLS = new Set<string>(Object.values(CELLS));
const KINDS = EMISSION_FACTORS.length;

/** Formula text compared as Excel, LibreOffice and ExcelJS may spell the same formula. */
function normalizeFormula(f: string): string {
  let out = '';
  let inString = false;
  for (const ch of f.replace(/^\s*=/, '')) {
    if (ch === '"') inString = !inString;
    if (inString || ch === '"') out += ch;
    else if (ch !== "'" && !/\s/.test(ch)) out += ch.toUpperCase();
  }
  // LibreOffice writes the constants as functions (FALSE()); Excel drops the quotes of some sheet names
  return out.replace(/_XLFN\.|_XLWS\./g, '').replace(/\$/g, '').replace(/\b(TRUE|FALSE)\(\)/g, '$1');
}

const TEMPLATE_FORMULAS = {
  [COLUMNS.unit]: (r: number) => [FORMULAS.unit(r, KINDS)],
  [COLUMNS.factor]: (r: number) => [FORMULAS.factor(r, KINDS)],
  [COLUMNS.emissions]: (r: number) => [FORMULAS.emissions(r), FORMULAS.total(r - 1)],
} as Record<string, (r: number) => string[]>;

/** The designated form's formula at `cell` (D/E/F of the activity rows and the total), if it is one. */
function isTemplateFormula(cell: string, formula: string): boolean {
  const m = /^([A-Z]+)([0-9]+)$/.exec(cell);
  if (!m || Number(m[2]) < FIRST_ROW || !TEMPLATE_FORMULAS[m[1]]) return false;
  const templates = TEMPLATE_FORMULAS[m[1]](Number(m[2]));
  if (templates.includes(formula)) return true; // as the template writes it (most cells of most files)
  const f = normalizeFormula(formula);
  return templates.some((t) => normalizeFormula(t) === f);
}

function isInputCell(cell: string): boolean {
  const m = /^([A-Z]+)([0-9]+)$/.exec(cell);
  return INPUT_CELLS.has(cell) || (!!m && Number(m[2]) >= FIRST_ROW && (m[1] === COLUMNS.kind || m[1] === COLUMNS.quantity));
}

/**
 * A formula outside the designated form's own cells (or any formula of an attachment or a rule):
 * no DDE (`app|topic`), no external workbook (`[1]Sheet!A1`), only allowed worksheet functions.
 * `plain` (an input cell of the form): no function at all, no other sheet (the parser then names
 * the cell: input cells must hold values).
 */
function checkFormula(part: string, where: string, formula: string, mode: 'rule' | 'plain'): void {
  const code = formula.replace(/"(?:[^"]|"")*"/g, '""'); // string literals cannot call anything
  if (code.includes('|')) throw active(part, 'DDE formula', { cell: where, formula: formula.slice(0, 200) });
  if (/\[[^\]]*\]/.test(code.replace(/[A-Za-z_][A-Za-z0-9_.]*\[(?:[^\]]|\]\])*\]/g, ''))) {
    throw active(part, 'external reference in a formula', { cell: where, formula: formula.slice(0, 200) });
  }
  for (const m of code.matchAll(/([A-Za-z_\\][A-Za-z0-9_.]*)\s*\(/g)) {
    const fn = m[1].toUpperCase().replace(/^(_XLFN\.|_XLWS\.)+/, '');
    if (mode === 'plain' || !ALLOWED_FUNCTIONS.has(fn)) throw active(part, `function ${fn} not allowed`, { cell: where, formula: formula.slice(0, 200) });
  }
  if (mode === 'plain' && code.includes('!')) throw active(part, 'reference to another sheet', { cell: where, formula: formula.slice(0, 200) });
}

interface Totals {
  cells: number;
  ruleCells: number;
  ruleRanges: number;
  conditionalFormats: number;
  mergedRanges: number;
  mergedCells: number;
}

function scanWorksheet(part: string, xml: string, totals: Totals, options: GuardOptions, isMainSheet: boolean): void {
  let cells = 0;
  let rows = 0;
  let cell = '';
  const sharedMasters = new Map<string, string>(); // si → column of an accepted master
  const unreadable = (what: string, ref: string) => new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what, range: ref.slice(0, 40), reason: 'a range that cannot be counted' });
  const addRanges = (sqref: string) => {
    for (const ref of sqref.split(/\s+/)) {
      if (!ref) continue;
      const area = rangeCells(ref);
      if (area === undefined) throw unreadable('ruleCells', ref);
      totals.ruleCells += area;
      if (++totals.ruleRanges > MAX_RULE_RANGES) throw complex(part, 'ruleRanges', totals.ruleRanges, MAX_RULE_RANGES);
      if (area > MAX_RANGE_CELLS || totals.ruleCells > MAX_RULE_CELLS) throw new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what: 'ruleCells', range: ref.slice(0, 40), cells: area, total: totals.ruleCells, limit: MAX_RULE_CELLS });
    }
  };
  scanTags(part, xml, (t) => {
    if (t.text !== undefined && t.name === 'f' && t.inCell) {
      // a cell's formula (whatever its prefix: <xm:f> with xm bound to the main namespace is one to Excel)
      const formula = t.text;
      const type = attr(t.attrs, 't') ?? 'normal';
      const si = attr(t.attrs, 'si');
      const where = cell || '?';
      if (!options.designatedForm) {
        if (type === 'dataTable') throw active(part, 'data table formula', { cell: where });
        if (formula) checkFormula(part, where, formula, 'rule');
        return;
      }
      if (type !== 'normal' && type !== 'shared') throw active(part, `${type} formula`, { cell: where });
      const column = where.replace(/[0-9]+$/, '');
      if (type === 'shared' && !formula) {
        // a dependent of a shared formula: the master's text shifted to this row
        if (!si || sharedMasters.get(si) !== column) throw active(part, 'shared formula without an accepted master', { cell: where });
        return;
      }
      if (isMainSheet && isTemplateFormula(where, formula)) {
        if (type === 'shared' && si !== undefined) sharedMasters.set(si, column);
      } else if (isMainSheet && isInputCell(where)) {
        checkFormula(part, where, formula, 'plain'); // the parser refuses it naming the cell
        if (type === 'shared' && si !== undefined) sharedMasters.set(si, column);
      } else {
        throw active(part, 'formula outside the designated form', { cell: where, formula: formula.slice(0, 200) });
      }
      return;
    }
    if (t.text !== undefined && t.name === 'sqref') {
      addRanges(t.text); // x14 extensions: <xm:sqref>A1:B2 C3</xm:sqref>
      return;
    }
    if (otherFormula(part, t, options, true) || t.close) return;
    switch (t.name) {
      case 'row':
        if (options.boundCells && ++rows > MAX_SHEET_ROWS) throw new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what: 'rows', rows, limit: MAX_SHEET_ROWS });
        break;
      case 'c':
        cell = (attr(t.attrs, 'r') ?? '').toUpperCase();
        if (options.boundCells && ++cells > MAX_SHEET_CELLS) {
          // count the rest too: the refusal says how many cells the sheet holds
          const all = (xml.match(/<(?:\w+:)?c[\s>/]/g) ?? []).length;
          throw new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what: 'cells', cells: all, limit: MAX_SHEET_CELLS });
        }
        break;
      case 'col': {
        const min = Number(attr(t.attrs, 'min') ?? '1');
        const max = Number(attr(t.attrs, 'max') ?? '1');
        if (!(min >= 1 && min <= MAX_COLUMN && max >= 1 && max <= MAX_COLUMN)) throw new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what: 'columns', min, max, limit: MAX_COLUMN });
        break;
      }
      case 'mergeCell': {
        const ref = (attr(t.attrs, 'ref') ?? '').trim();
        const area = ref ? rangeCells(ref) : 0;
        if (area === undefined) throw unreadable('mergedCells', ref);
        totals.mergedCells += area;
        if (++totals.mergedRanges > MAX_MERGED_RANGES) throw complex(part, 'mergedRanges', totals.mergedRanges, MAX_MERGED_RANGES);
        if (area > MAX_RANGE_CELLS || totals.mergedCells > MAX_TOTAL_RANGE_CELLS) throw new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what: 'mergedCells', range: ref.slice(0, 40), cells: area });
        break;
      }
      case 'dataValidation':
        addRanges(attr(t.attrs, 'sqref') ?? '');
        break;
      case 'conditionalFormatting':
        if (++totals.conditionalFormats > MAX_CONDITIONAL_FORMATS) throw complex(part, 'conditionalFormats', totals.conditionalFormats, MAX_CONDITIONAL_FORMATS);
        addRanges(attr(t.attrs, 'sqref') ?? '');
        break;
      case 'dimension': {
        const ref = (attr(t.attrs, 'ref') ?? '').trim();
        const area = ref ? rangeCells(ref) : 0;
        if (area === undefined) throw unreadable('dimension', ref);
        if (area > MAX_RANGE_CELLS) throw new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what: 'dimension', range: ref.slice(0, 40), cells: area });
        break;
      }
    }
  });
  totals.cells += cells;
}

function scanSharedStrings(part: string, content: Buffer, options: GuardOptions): void {
  if (options.boundCells && content.length > MAX_SHARED_STRINGS_BYTES) throw complex(part, 'bytes', content.length, MAX_SHARED_STRINGS_BYTES);
  let strings = 0;
  let runs = 0;
  scanTags(part, xmlText(part, content), (t) => {
    if (otherFormula(part, t, options) || t.close || !options.boundCells) return;
    if (t.name === 'si' && ++strings > MAX_SHARED_STRINGS) throw new DomainError('FILE_TOO_COMPLEX', { part, what: 'strings', strings, limit: MAX_SHARED_STRINGS });
    if (t.name === 'r' && ++runs > MAX_RICH_TEXT_RUNS) throw complex(part, 'runs', runs, MAX_RICH_TEXT_RUNS);
  });
}

/** styles.xml: records of each list counted (by their list, whatever the prefix). */
const STYLE_LISTS: Record<string, [record: string, limit: number]> = {
  cellXfs: ['xf', MAX_CELL_FORMATS],
  cellStyleXfs: ['xf', MAX_CELL_FORMATS],
  cellStyles: ['cellStyle', MAX_CELL_FORMATS],
  fonts: ['font', MAX_STYLE_RECORDS],
  fills: ['fill', MAX_STYLE_RECORDS],
  borders: ['border', MAX_STYLE_RECORDS],
  numFmts: ['numFmt', MAX_STYLE_RECORDS],
  dxfs: ['dxf', MAX_STYLE_RECORDS],
  tableStyles: ['tableStyle', MAX_STYLE_RECORDS],
};

const STYLE_RECORDS = new Set(Object.values(STYLE_LISTS).map(([record]) => record));

function scanStyles(part: string, xml: string, options: GuardOptions): void {
  const counts = new Map<string, number>();
  // the open lists and records, innermost last: a record counts in its list however it is wrapped
  // (markup-compatibility elements), not when it sits inside another record (a dxf's font)
  const open: string[] = [];
  scanTags(part, xml, (t) => {
    if (otherFormula(part, t, options)) return;
    const tracked = STYLE_LISTS[t.name] !== undefined || STYLE_RECORDS.has(t.name);
    if (t.close) {
      if (tracked) open.pop();
      return;
    }
    const inner = open[open.length - 1];
    const list = inner && STYLE_LISTS[inner];
    if (list && list[0] === t.name) {
      const count = (counts.get(inner) ?? 0) + 1;
      counts.set(inner, count);
      if (count > list[1]) throw complex(part, inner, count, list[1]);
    }
    if (tracked && !t.self) open.push(t.name);
  });
}

/** Legacy drawings carry comment boxes only: no form controls, buttons with macros or OLE objects. */
function scanVml(part: string, xml: string, options: GuardOptions): void {
  scanTags(
    part,
    xml,
    (t) => {
      if (t.name === 'FmlaMacro') throw active(part, t.name);
      if (otherFormula(part, t, options) || t.close) return;
      if (t.name === 'ClientData') {
        const type = attr(t.attrs, 'ObjectType') ?? '';
        if (type !== 'Note') throw active(part, `legacy control ${type}`);
      } else if (t.name === 'OLEObject') throw active(part, t.name);
    },
    new Set(['br']),
  );
}
