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

const PDF = Buffer.from('%PDF');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');
/** Archives and containers that must not sit inside a workbook's parts (zip, OLE/CFB, gzip, rar, 7z, cab). */
const NESTED_MAGIC = [ZIP, Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.from([0x50, 0x4b, 0x07, 0x08]), CFB, Buffer.from([0x1f, 0x8b]), Buffer.from('Rar!'), Buffer.from([0x37, 0x7a, 0xbc, 0xaf]), Buffer.from('MSCF')];

const WORKSHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
const SHARED_STRINGS_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedstrings+xml';
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
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const damaged = () => new DomainError('NOT_XLSX', { detected: 'damaged zip' });
const active = (part: string, reason: string, extra: Record<string, unknown> = {}) => new DomainError('FILE_ACTIVE_CONTENT', { part, reason, ...extra });
const macro = (part: string, reason: string) => new DomainError('MACRO_ENABLED', { part, reason });
const complex = (part: string, what: string, found: number, limit: number) => new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what, [what]: found, limit });

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
  if (count > MAX_ENTRIES) throw new DomainError('FILE_TOO_COMPLEX', { entries: count, limit: MAX_ENTRIES });
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory');
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    entries.push({
      flags: buf.readUInt16LE(offset + 8),
      method: buf.readUInt16LE(offset + 10),
      crc: buf.readUInt32LE(offset + 16),
      compressedSize: buf.readUInt32LE(offset + 20),
      size: buf.readUInt32LE(offset + 24),
      localOffset: buf.readUInt32LE(offset + 42),
      name: buf.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
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

export interface GuardOptions {
  /** Refuse more cells, rows or strings than the designated form holds (before ExcelJS loads it). */
  boundCells?: boolean;
  /** The designated form: formulas only at the template's formula cells, equal to the template's. */
  designatedForm?: boolean;
}

/**
 * Refuses anything but a plain .xlsx before a parser touches it: not a workbook by content → 415;
 * encrypted → 422 FILE_ENCRYPTED; macros → 422 MACRO_ENABLED; expanding past the bounds (a zip
 * bomb, declared or real) → 422 ZIP_BOMB; too many ranges, rules, names, cells, rows or strings →
 * 422 FILE_TOO_COMPLEX; anything outside the allowlist of parts, relationships and formulas (OLE,
 * ActiveX, external links, nested archives, unsafe names, bad CRCs, DDE…) → 422 FILE_ACTIVE_CONTENT
 * naming the part. Every bound is counted from the zip directory and a scan of the XML, no DOM.
 */
export function assertPlainXlsx(buf: Buffer, options: GuardOptions = {}): void {
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
    throw damaged();
  }
  const byName = new Map<string, ZipEntry>();
  const lowerNames = new Set<string>();
  for (const e of entries) {
    if (!plainPartName(e.name)) throw active(e.name, 'part name is not a plain relative path');
    const lower = e.name.toLowerCase();
    if (lowerNames.has(lower)) throw active(e.name, 'part name given twice');
    if (e.name.endsWith('/') && (e.size > 0 || e.compressedSize > 2)) throw active(e.name, 'folder entry with content');
    lowerNames.add(lower);
    byName.set(e.name, e);
  }
  if (!byName.has('[Content_Types].xml') || !byName.has('xl/workbook.xml')) {
    throw new DomainError('NOT_XLSX', { detected: 'zip that is not a workbook' });
  }
  if (entries.some((e) => /vbaProject\.bin$/i.test(e.name))) throw macro(entries.find((e) => /vbaProject\.bin$/i.test(e.name))!.name, 'VBA project');
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > MAX_EXPANDED_BYTES) throw new DomainError('ZIP_BOMB', { expandedBytes: declared, limit: MAX_EXPANDED_BYTES });

  const reader = new PartReader(buf);
  // 1. The index parts first (small, bounded): content types, relationships, the workbook.
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
    rels.set(e.name, relationships(e.name, reader.text(e, MAX_INDEX_PART_BYTES), byName));
  }
  const mainSheetPart = workbook(reader.text(byName.get('xl/workbook.xml')!, MAX_INDEX_PART_BYTES), rels.get('xl/_rels/workbook.xml.rels'));

  // 2. Every part: size, CRC, no nested container; the XML parts scanned for their bounds.
  const totals = { cells: 0, ruleCells: 0, ruleRanges: 0, conditionalFormats: 0, mergedRanges: 0, mergedCells: 0 };
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const content = reader.bytes(e);
    for (const magic of NESTED_MAGIC) {
      if (content.length >= magic.length && content.subarray(0, magic.length).equals(magic)) throw active(e.name, 'nested archive or OLE container');
    }
    // by content type, wherever the part sits: ExcelJS follows the relationships, not the usual paths
    const type = typeOf.get(e.name)!;
    if (type === WORKSHEET_TYPE || (/xl\/worksheets\/[^/]*\.xml/i.test(e.name) && !/\.rels$/i.test(e.name))) {
      // without the form's main sheet the parser refuses the file (TEMPLATE_MISMATCH): its formulas
      // are held to the attachment rules meanwhile (nothing active), not to the template's cells
      const sheetOptions = options.designatedForm && !mainSheetPart ? { ...options, designatedForm: false } : options;
      scanWorksheet(e.name, content.toString('utf8'), totals, sheetOptions, e.name === mainSheetPart);
    } else if (type === SHARED_STRINGS_TYPE || /^xl\/sharedStrings\.xml$/i.test(e.name)) {
      if (options.boundCells) scanSharedStrings(e.name, content);
    } else if (type === VML_TYPE) {
      scanVml(e.name, content.toString('utf8'));
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
    const buf = this.buf;
    if (e.flags & 0x1) throw new DomainError('FILE_ENCRYPTED', { part: e.name });
    const local = e.localOffset;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw damaged();
    const nameLength = buf.readUInt16LE(local + 26);
    if (buf.toString('utf8', local + 30, local + 30 + nameLength) !== e.name) throw active(e.name, 'local and central names differ');
    const start = local + 30 + nameLength + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + e.compressedSize);
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
    return this.bytes(e).toString('utf8');
  }
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

interface Tag {
  /** Local name (prefix dropped). */
  name: string;
  prefixed: string;
  close: boolean;
  self: boolean;
  /** The raw text inside the tag after its name. */
  attrs: string;
  /** Index just after the tag's `>`. */
  end: number;
}

/** Calls `visit` for every start and end tag of `xml` (comments and processing instructions skipped; DOCTYPE refused). */
function scanTags(part: string, xml: string, visit: (tag: Tag) => void): void {
  let i = 0;
  const n = xml.length;
  while ((i = xml.indexOf('<', i)) >= 0) {
    const next = xml.charCodeAt(i + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', i)) {
        const e = xml.indexOf('-->', i + 4);
        i = e < 0 ? n : e + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const e = xml.indexOf(']]>', i + 9);
        i = e < 0 ? n : e + 3;
        continue;
      }
      throw active(part, 'DOCTYPE or entity declaration');
    }
    if (next === 0x3f /* ? */) {
      const e = xml.indexOf('?>', i + 2);
      i = e < 0 ? n : e + 2;
      continue;
    }
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
    if (j >= n) return; // unterminated: the parser will refuse it
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
    const colon = prefixed.indexOf(':');
    const self = xml.charCodeAt(j - 1) === 0x2f;
    visit({ name: colon >= 0 ? prefixed.slice(colon + 1) : prefixed, prefixed, close, self, attrs: xml.slice(k, self ? j - 1 : j), end: j + 1 });
    i = j + 1;
  }
}

/** An attribute's decoded value (`name` with or without prefix, e.g. `r:id` or `Type`). */
const ATTRIBUTE_PATTERNS = new Map<string, RegExp>();
function attr(attrs: string, name: string): string | undefined {
  let pattern = ATTRIBUTE_PATTERNS.get(name);
  if (!pattern) ATTRIBUTE_PATTERNS.set(name, (pattern = new RegExp(`(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)));
  const m = pattern.exec(attrs);
  return m ? decodeXml(m[1] ?? m[2]) : undefined;
}

/** The decoded text between a start tag and the next tag. */
function textAfter(xml: string, tag: Tag): string {
  const e = xml.indexOf('<', tag.end);
  return decodeXml(xml.slice(tag.end, e < 0 ? xml.length : e));
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
  const override = new Map<string, string>();
  const byExtension = new Map<string, string>();
  scanTags('[Content_Types].xml', xml, (t) => {
    if (t.close) return;
    const type = attr(t.attrs, 'ContentType');
    if (type === undefined) return;
    if (MACRO_CONTENT_TYPE.test(type)) throw macro((t.name === 'Override' && percentDecoded(attr(t.attrs, 'PartName') ?? '').replace(/^\//, '')) || '[Content_Types].xml', type);
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
function workbook(xml: string, rels: Map<string, string> | undefined): string | undefined {
  const part = 'xl/workbook.xml';
  let names = 0;
  let mainSheet: string | undefined;
  scanTags(part, xml, (t) => {
    if (t.close) return;
    if (t.name === 'definedName') {
      if (++names > MAX_DEFINED_NAMES) throw complex(part, 'definedNames', names, MAX_DEFINED_NAMES);
      const name = attr(t.attrs, 'name') ?? '';
      if (AUTO_MACRO_NAME.test(name)) throw macro(part, `defined name ${name}`);
      if (['function', 'vbProcedure', 'xlm'].some((a) => /^(1|true)$/i.test(attr(t.attrs, a) ?? ''))) throw macro(part, `defined name ${name} is a macro`);
      if (!t.self) checkFormula(part, `name ${name}`, textAfter(xml, t), 'rule');
    } else if (t.name === 'externalReferences' || t.name === 'externalReference' || t.name === 'oleSize') {
      throw active(part, t.name);
    } else if (t.name === 'sheet' && attr(t.attrs, 'name') === MAIN_SHEET) {
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

/** Cells in a range like `B8:F57` (a single cell counts 1; whole columns or rows count their full extent). */
function rangeCells(ref: string): number {
  const r = ref.trim().replace(/\$/g, '');
  let m = /^([A-Za-z]{1,3})([0-9]{1,7})(?::([A-Za-z]{1,3})([0-9]{1,7}))?$/.exec(r);
  if (m) {
    if (!m[3]) return 1;
    return (Math.abs(columnNumber(m[3]) - columnNumber(m[1])) + 1) * (Math.abs(Number(m[4]) - Number(m[2])) + 1);
  }
  if ((m = /^([A-Za-z]{1,3}):([A-Za-z]{1,3})$/.exec(r))) return (Math.abs(columnNumber(m[2]) - columnNumber(m[1])) + 1) * 1_048_576;
  if ((m = /^([0-9]{1,7}):([0-9]{1,7})$/.exec(r))) return (Math.abs(Number(m[2]) - Number(m[1])) + 1) * 16_384;
  return 1;
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
  const f = normalizeFormula(formula);
  return TEMPLATE_FORMULAS[m[1]](Number(m[2])).some((t) => normalizeFormula(t) === f);
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

/** Sheet elements that embed objects or controls, or publish the sheet to a location outside it. */
const ACTIVE_SHEET_ELEMENTS = new Set(['oleObjects', 'oleObject', 'controls', 'control', 'webPublishItems', 'webPublishItem']);

function scanWorksheet(part: string, xml: string, totals: Totals, options: GuardOptions, isMainSheet: boolean): void {
  let cells = 0;
  let rows = 0;
  let cell = '';
  let inSqref = false;
  const sharedMasters = new Map<string, string>(); // si → column of an accepted master
  const addRanges = (sqref: string) => {
    for (const ref of sqref.split(/\s+/)) {
      if (!ref) continue;
      const area = rangeCells(ref);
      totals.ruleCells += area;
      if (++totals.ruleRanges > MAX_RULE_RANGES) throw complex(part, 'ruleRanges', totals.ruleRanges, MAX_RULE_RANGES);
      if (area > MAX_RANGE_CELLS || totals.ruleCells > MAX_RULE_CELLS) throw new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what: 'ruleCells', range: ref.slice(0, 40), cells: area, total: totals.ruleCells, limit: MAX_RULE_CELLS });
    }
  };
  scanTags(part, xml, (t) => {
    if (t.close) {
      if (t.name === 'sqref') inSqref = false;
      return;
    }
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
      case 'f': {
        const formula = t.self ? '' : textAfter(xml, t);
        if (t.prefixed.startsWith('xm:')) {
          // x14 extension rules (data validations, conditional formats) spell their formulas <xm:f>
          if (formula) checkFormula(part, 'rule', formula, 'rule');
          break;
        }
        const type = attr(t.attrs, 't') ?? 'normal';
        const si = attr(t.attrs, 'si');
        const where = cell || '?';
        if (!options.designatedForm) {
          if (type === 'dataTable') throw active(part, 'data table formula', { cell: where });
          if (formula) checkFormula(part, where, formula, 'rule');
          break;
        }
        if (type !== 'normal' && type !== 'shared') throw active(part, `${type} formula`, { cell: where });
        const column = where.replace(/[0-9]+$/, '');
        if (type === 'shared' && !formula) {
          // a dependent of a shared formula: the master's text shifted to this row
          if (!si || sharedMasters.get(si) !== column) throw active(part, 'shared formula without an accepted master', { cell: where });
          break;
        }
        if (isMainSheet && isTemplateFormula(where, formula)) {
          if (type === 'shared' && si !== undefined) sharedMasters.set(si, column);
        } else if (isMainSheet && isInputCell(where)) {
          checkFormula(part, where, formula, 'plain'); // the parser refuses it naming the cell
          if (type === 'shared' && si !== undefined) sharedMasters.set(si, column);
        } else {
          throw active(part, 'formula outside the designated form', { cell: where, formula: formula.slice(0, 200) });
        }
        break;
      }
      case 'mergeCell': {
        const ref = attr(t.attrs, 'ref') ?? '';
        const area = rangeCells(ref);
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
      case 'sqref': // x14 extensions: <xm:sqref>A1:B2 C3</xm:sqref>
        if (!t.self && !inSqref) addRanges(textAfter(xml, t));
        inSqref = true;
        break;
      case 'formula1':
      case 'formula2':
      case 'formula':
        if (!t.self) checkFormula(part, 'rule', textAfter(xml, t), 'rule');
        break;
      case 'dimension': {
        const ref = attr(t.attrs, 'ref') ?? '';
        const area = rangeCells(ref);
        if (area > MAX_RANGE_CELLS) throw new DomainError('FILE_TOO_COMPLEX', { part, sheet: part, what: 'dimension', range: ref.slice(0, 40), cells: area });
        break;
      }
      default:
        if (ACTIVE_SHEET_ELEMENTS.has(t.name)) throw active(part, t.name);
    }
  });
  totals.cells += cells;
}

function scanSharedStrings(part: string, content: Buffer): void {
  if (content.length > MAX_SHARED_STRINGS_BYTES) throw complex(part, 'bytes', content.length, MAX_SHARED_STRINGS_BYTES);
  let strings = 0;
  let runs = 0;
  scanTags(part, content.toString('utf8'), (t) => {
    if (t.close) return;
    if (t.name === 'si' && ++strings > MAX_SHARED_STRINGS) throw new DomainError('FILE_TOO_COMPLEX', { part, what: 'strings', strings, limit: MAX_SHARED_STRINGS });
    if (t.name === 'r' && ++runs > MAX_RICH_TEXT_RUNS) throw complex(part, 'runs', runs, MAX_RICH_TEXT_RUNS);
  });
}

/** Legacy drawings carry comment boxes only: no form controls, buttons with macros or OLE objects. */
function scanVml(part: string, xml: string): void {
  scanTags(part, xml, (t) => {
    if (t.close) return;
    if (t.name === 'ClientData') {
      const type = attr(t.attrs, 'ObjectType') ?? '';
      if (type !== 'Note') throw active(part, `legacy control ${type}`);
    } else if (t.name === 'OLEObject' || t.name === 'FmlaMacro') throw active(part, t.name);
  });
}
