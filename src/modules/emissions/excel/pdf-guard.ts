import { inflateSync } from 'node:zlib';
import { DomainError } from '../../../core/errors/domain-error';

/**
 * PDF names that make a reader act on opening or on a click: scripts, launches, embedded files,
 * remote or embedded go-to actions, form submission and import, rich media, renditions, XFA forms.
 * Compared as whole names after #xx escapes are decoded (/J#61vaScript is /JavaScript).
 * /URI (a plain web link, which the reader asks about before following) stays allowed: site maps
 * and reports link to the holder's pages.
 */
export const PDF_ACTIVE_NAMES = new Set([
  'JavaScript',
  'JS',
  'OpenAction',
  'AA',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'GoToR',
  'GoToE',
  'SubmitForm',
  'ImportData',
  'RichMedia',
  'Rendition',
  'XFA',
  // embedded files need no /Type /EmbeddedFile on their stream: the file specification's /EF
  // (and PDF 2.0's associated files, /AF) and the annotation that shows one are refused as well
  'EF',
  'AF',
  'FileAttachment',
  // 3D annotations run JavaScript of their own (/OnInstantiate); movies and sounds play media
  '3D',
  '3DD',
  'OnInstantiate',
  'Movie',
  'Sound',
]);
/** Bytes one stream may decode to, and all streams together (each filter stage counted). */
export const MAX_PDF_STREAM_BYTES = 32 * 1024 * 1024;
export const MAX_PDF_DECODED_BYTES = 96 * 1024 * 1024;
/** `stream` keywords a file may hold. */
export const MAX_PDF_STREAMS = 50_000;
/** Dictionary nesting inside one stream dictionary. */
const MAX_DEPTH = 32;

const FILTERS: Record<string, 'flate' | 'hex' | 'a85' | 'rl' | 'lzw'> = {
  FlateDecode: 'flate',
  Fl: 'flate',
  ASCIIHexDecode: 'hex',
  AHx: 'hex',
  ASCII85Decode: 'a85',
  A85: 'a85',
  RunLengthDecode: 'rl',
  RL: 'rl',
  LZWDecode: 'lzw',
  LZW: 'lzw',
};
/** Image codecs: their output is pixels, which no reader parses as PDF objects. */
const IMAGE_FILTERS = new Set(['DCTDecode', 'DCT', 'JPXDecode', 'CCITTFaxDecode', 'CCF', 'JBIG2Decode']);

const unreadable = (reason: string, extra: Record<string, unknown> = {}) => new DomainError('FILE_ACTIVE_CONTENT', { part: 'pdf', reason, ...extra });
const tooLarge = () => new DomainError('ZIP_BOMB', { part: 'pdf', reason: 'streams expand beyond the limit', limit: MAX_PDF_STREAM_BYTES, totalLimit: MAX_PDF_DECODED_BYTES });

/** PDF white-space (ISO 32000 7.2.3): NUL, TAB, LF, FF, CR, SP. */
const isWhite = (c: number) => c === 0x00 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
/** PDF delimiters: ( ) < > [ ] { } / %. */
const isDelimiter = (c: number) => c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;
const isRegular = (c: number) => !isWhite(c) && !isDelimiter(c);
const hexValue = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1);

/** A name's bytes with its #xx escapes decoded (a `#` not followed by two hex digits stays). */
function decodeName(buf: Buffer, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c === 0x23 && i + 2 < to && hexValue(buf[i + 1]) >= 0 && hexValue(buf[i + 2]) >= 0) {
      out += String.fromCharCode(hexValue(buf[i + 1]) * 16 + hexValue(buf[i + 2]));
      i += 2;
    } else out += String.fromCharCode(c);
  }
  return out;
}

/**
 * Whether the /OpenAction ending at `at` is a destination written in place (`/OpenAction [3 0 R
 * /XYZ null null 0]`, as LibreOffice writes it): the document opens at a page, nothing runs. An
 * action dictionary, or a reference that may lead to one, stays refused.
 */
function opensAtPage(buf: Buffer, at: number): boolean {
  while (at < buf.length && isWhite(buf[at])) at++;
  return buf[at] === 0x5b;
}

/** The first active name (or /Encrypt) in a run of PDF bytes, raw or decoded, every name normalised. */
function findActiveName(buf: Buffer): string | undefined {
  let i = buf.indexOf(0x2f);
  while (i >= 0) {
    let j = i + 1;
    while (j < buf.length && isRegular(buf[j])) j++;
    // the longest listed name is 13 characters, 39 bytes when every one is #xx-escaped
    if (j - i - 1 <= 39) {
      const name = decodeName(buf, i + 1, j);
      if ((PDF_ACTIVE_NAMES.has(name) && !(name === 'OpenAction' && opensAtPage(buf, j))) || name === 'Encrypt') return name;
    }
    i = buf.indexOf(0x2f, j > i + 1 ? j : i + 1);
  }
  return undefined;
}

function refuseActive(buf: Buffer, where: Record<string, unknown>): void {
  const found = findActiveName(buf);
  if (found === 'Encrypt') throw new DomainError('FILE_ENCRYPTED', { part: 'pdf', ...where });
  if (found) throw new DomainError('FILE_ACTIVE_CONTENT', { part: 'pdf', name: `/${found}`, ...where });
}

type PdfValue =
  | { t: 'name'; v: string }
  | { t: 'num'; v: number }
  | { t: 'dict'; v: Map<string, PdfValue>; duplicates: Set<string> }
  | { t: 'array'; v: PdfValue[] }
  | { t: 'ref' }
  | { t: 'keyword'; v: string }
  | { t: 'string' };

class SyntaxFault extends Error {}

/** A forward reader of PDF objects between `pos` and `end` (strings, hex strings, comments, nesting). */
class ObjectReader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly end: number,
  ) {}

  private skip(): void {
    while (this.pos < this.end) {
      const c = this.buf[this.pos];
      if (isWhite(c)) this.pos++;
      else if (c === 0x25) while (this.pos < this.end && this.buf[this.pos] !== 0x0a && this.buf[this.pos] !== 0x0d) this.pos++;
      else break;
    }
  }

  value(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) throw new SyntaxFault('nesting');
    this.skip();
    if (this.pos >= this.end) throw new SyntaxFault('end');
    const b = this.buf;
    const c = b[this.pos];
    if (c === 0x2f) {
      const from = ++this.pos;
      while (this.pos < this.end && isRegular(b[this.pos])) this.pos++;
      return { t: 'name', v: decodeName(b, from, this.pos) };
    }
    if (c === 0x3c && b[this.pos + 1] === 0x3c) {
      this.pos += 2;
      const items = this.items(depth, 0x3e);
      const map = new Map<string, PdfValue>();
      const duplicates = new Set<string>();
      if (items.length % 2) throw new SyntaxFault('dictionary');
      for (let i = 0; i < items.length; i += 2) {
        const key = items[i];
        if (key.t !== 'name') throw new SyntaxFault('key');
        if (map.has(key.v)) duplicates.add(key.v);
        map.set(key.v, items[i + 1]);
      }
      return { t: 'dict', v: map, duplicates };
    }
    if (c === 0x3c) {
      this.pos++;
      while (this.pos < this.end && b[this.pos] !== 0x3e) {
        if (hexValue(b[this.pos]) < 0 && !isWhite(b[this.pos])) throw new SyntaxFault('hex string');
        this.pos++;
      }
      if (this.pos >= this.end) throw new SyntaxFault('hex string');
      this.pos++;
      return { t: 'string' };
    }
    if (c === 0x5b) {
      this.pos++;
      return { t: 'array', v: this.items(depth, 0x5d) };
    }
    if (c === 0x28) {
      this.pos++;
      let nesting = 1;
      while (this.pos < this.end && nesting > 0) {
        const s = b[this.pos++];
        if (s === 0x5c) this.pos++;
        else if (s === 0x28) nesting++;
        else if (s === 0x29) nesting--;
      }
      if (nesting > 0) throw new SyntaxFault('string');
      return { t: 'string' };
    }
    if (!isRegular(c)) throw new SyntaxFault(`unexpected ${String.fromCharCode(c)}`);
    const from = this.pos;
    while (this.pos < this.end && isRegular(b[this.pos])) this.pos++;
    const word = b.toString('latin1', from, this.pos);
    return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(word) ? { t: 'num', v: Number(word) } : { t: 'keyword', v: word };
  }

  /** The values up to a closing `>>` (close 0x3e) or `]` (0x5d); `n g R` folded into a reference. */
  private items(depth: number, close: number): PdfValue[] {
    const out: PdfValue[] = [];
    for (;;) {
      this.skip();
      if (this.pos >= this.end) throw new SyntaxFault('unterminated');
      if (this.buf[this.pos] === close && (close !== 0x3e || this.buf[this.pos + 1] === 0x3e)) {
        this.pos += close === 0x3e ? 2 : 1;
        break;
      }
      const v = this.value(depth + 1);
      const n = out.length;
      if (v.t === 'keyword' && v.v === 'R' && n >= 2 && out[n - 1].t === 'num' && out[n - 2].t === 'num') out.splice(n - 2, 2, { t: 'ref' });
      else out.push(v);
    }
    return out;
  }
}

/** Whether the byte at i is preceded by an odd number of backslashes (escaped inside a string). */
function escaped(buf: Buffer, i: number): boolean {
  let n = 0;
  while (i - 1 - n >= 0 && buf[i - 1 - n] === 0x5c) n++;
  return n % 2 === 1;
}

/**
 * Walks back from a dictionary's closing `>>` (at `close`) to its opening `<<`, skipping literal
 * strings (nested, escaped parentheses), hex strings and nested dictionaries. -1 if none matches.
 */
function dictionaryStart(buf: Buffer, close: number, meter: { left: number }): number {
  let depth = 1;
  let i = close - 1;
  while (i >= 0) {
    if (--meter.left < 0) throw new DomainError('FILE_TOO_COMPLEX', { part: 'pdf', what: 'stream dictionaries' });
    const c = buf[i];
    if (c === 0x3e) {
      if (buf[i - 1] === 0x3e) {
        depth++;
        i -= 2;
        continue;
      }
      for (i--; i >= 0 && buf[i] !== 0x3c; i--) if (hexValue(buf[i]) < 0 && !isWhite(buf[i])) return -1;
      i--;
      continue;
    }
    if (c === 0x3c) {
      if (buf[i - 1] !== 0x3c) return -1;
      if (--depth === 0) return i - 1;
      i -= 2;
      continue;
    }
    if (c === 0x29) {
      let nesting = 1;
      for (i--; i >= 0 && nesting > 0; i--) {
        if (--meter.left < 0) throw new DomainError('FILE_TOO_COMPLEX', { part: 'pdf', what: 'stream dictionaries' });
        const s = buf[i];
        if ((s === 0x29 || s === 0x28) && !escaped(buf, i)) nesting += s === 0x29 ? 1 : -1;
      }
      if (nesting > 0) return -1;
      continue;
    }
    if (c === 0x28) return -1;
    i--;
  }
  return -1;
}

/**
 * The index of the last `>` of the `>>` before a `stream` keyword at `at`, across white-space and
 * comments (`>> % note` on the line before); -1 if no dictionary ends there.
 */
function dictionaryEnd(buf: Buffer, at: number, meter: { left: number }): number {
  let i = at - 1;
  for (let lines = 0; lines < 64; lines++) {
    while (i >= 0 && isWhite(buf[i])) i--;
    if (i >= 1 && buf[i] === 0x3e && buf[i - 1] === 0x3e) return i;
    let lineStart = i;
    while (lineStart > 0 && buf[lineStart - 1] !== 0x0a && buf[lineStart - 1] !== 0x0d) lineStart--;
    meter.left -= i + 1 - lineStart;
    if (meter.left < 0) throw new DomainError('FILE_TOO_COMPLEX', { part: 'pdf', what: 'stream dictionaries' });
    const comment = buf.subarray(lineStart, i + 1).indexOf(0x25);
    if (comment < 0) return -1;
    i = lineStart + comment - 1;
  }
  return -1;
}

const int = (d: Map<string, PdfValue> | undefined, key: string, fallback: number): number => {
  const v = d?.get(key);
  if (v === undefined) return fallback;
  if (v.t !== 'num' || !Number.isInteger(v.v)) throw new SyntaxFault(`/${key}`);
  return v.v;
};

/** PNG (10–15) and TIFF (2) predictors of /FlateDecode and /LZWDecode. */
function unpredict(data: Buffer, parms: Map<string, PdfValue> | undefined): Buffer {
  const predictor = int(parms, 'Predictor', 1);
  if (predictor === 1) return data;
  const colors = int(parms, 'Colors', 1);
  const bits = int(parms, 'BitsPerComponent', 8);
  const columns = int(parms, 'Columns', 1);
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bits) || columns < 1 || columns > 1 << 24) throw new SyntaxFault('predictor parameters');
  const rowBytes = Math.ceil((colors * bits * columns) / 8);
  const pixelBytes = Math.max(1, Math.ceil((colors * bits) / 8));
  if (predictor === 2) {
    if (bits !== 8 && bits !== 16) throw new SyntaxFault('TIFF predictor bits');
    const out = Buffer.from(data);
    for (let row = 0; row < out.length; row += rowBytes) {
      const end = Math.min(row + rowBytes, out.length);
      if (bits === 8) for (let i = row + colors; i < end; i++) out[i] = (out[i] + out[i - colors]) & 0xff;
      else
        for (let i = row + 2 * colors; i + 1 < end; i += 2) {
          const v = (out.readUInt16BE(i) + out.readUInt16BE(i - 2 * colors)) & 0xffff;
          out.writeUInt16BE(v, i);
        }
    }
    return out;
  }
  if (predictor < 10 || predictor > 15) throw new SyntaxFault('predictor');
  const rows = Math.ceil(data.length / (rowBytes + 1));
  const out = Buffer.alloc(rows * rowBytes);
  let prev = -1;
  for (let r = 0, inAt = 0; inAt < data.length; r++, inAt += rowBytes + 1) {
    const type = data[inAt];
    const at = r * rowBytes;
    for (let j = 0; j < rowBytes; j++) {
      const raw = inAt + 1 + j < data.length ? data[inAt + 1 + j] : 0;
      const left = j >= pixelBytes ? out[at + j - pixelBytes] : 0;
      const up = prev >= 0 ? out[prev + j] : 0;
      const upLeft = prev >= 0 && j >= pixelBytes ? out[prev + j - pixelBytes] : 0;
      let v: number;
      if (type === 0) v = raw;
      else if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      } else throw new SyntaxFault('PNG predictor row type');
      out[at + j] = v & 0xff;
    }
    prev = at;
  }
  return out;
}

/** A bounded output buffer that grows by doubling (no object per decoded run). */
class Output {
  private buf = Buffer.alloc(64 * 1024);
  length = 0;
  constructor(private readonly limit: number) {}
  private room(n: number): void {
    if (this.length + n > this.limit) throw tooLarge();
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.alloc(Math.min(Math.max(this.buf.length * 2, this.length + n), Math.max(this.limit, 1)));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
  push(b: Buffer | number[]): void {
    this.room(b.length);
    if (Buffer.isBuffer(b)) b.copy(this.buf, this.length);
    else this.buf.set(b, this.length);
    this.length += b.length;
  }
  byte(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }
  fill(v: number, n: number): void {
    this.room(n);
    this.buf.fill(v, this.length, this.length + n);
    this.length += n;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function asciiHex(data: Buffer, limit: number): Buffer {
  const out = new Output(limit);
  let high = -1;
  for (const c of data) {
    if (c === 0x3e) break;
    const v = hexValue(c);
    if (v < 0) continue; // readers skip anything but hex digits
    if (high < 0) high = v;
    else {
      out.byte(high * 16 + v);
      high = -1;
    }
  }
  if (high >= 0) out.byte(high * 16);
  return out.done();
}

function ascii85(data: Buffer, limit: number): Buffer {
  const out = new Output(limit);
  let i = 0;
  while (i < data.length && isWhite(data[i])) i++;
  if (data[i] === 0x3c && data[i + 1] === 0x7e) i += 2;
  const group: number[] = [];
  const flush = (n: number) => {
    let v = 0;
    for (let k = 0; k < 5; k++) v = v * 85 + (group[k] ?? 84);
    if (v > 0xffffffff) throw new SyntaxFault('ASCII85 group');
    out.push([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].slice(0, n));
    group.length = 0;
  };
  for (; i < data.length; i++) {
    const c = data[i];
    if (isWhite(c)) continue;
    if (c === 0x7e) break;
    if (c === 0x7a && group.length === 0) out.push([0, 0, 0, 0]);
    else if (c >= 0x21 && c <= 0x75) {
      group.push(c - 0x21);
      if (group.length === 5) flush(4);
    } else throw new SyntaxFault('ASCII85 character');
  }
  if (group.length === 1) throw new SyntaxFault('ASCII85 final group');
  if (group.length > 1) flush(group.length - 1);
  return out.done();
}

function runLength(data: Buffer, limit: number): Buffer {
  const out = new Output(limit);
  for (let i = 0; i < data.length; ) {
    const n = data[i++];
    if (n === 128) break;
    if (n < 128) {
      out.push(data.subarray(i, i + n + 1));
      i += n + 1;
    } else {
      if (i >= data.length) break;
      out.fill(data[i++], 257 - n);
    }
  }
  return out.done();
}

function lzw(data: Buffer, earlyChange: number, limit: number): Buffer {
  const out = new Output(limit);
  let table: Buffer[] = [];
  const reset = () => {
    table = Array.from({ length: 258 }, (_, i) => Buffer.from([i & 0xff]));
  };
  reset();
  let width = 9;
  let prev: Buffer | undefined;
  let bitBuffer = 0;
  let bitCount = 0;
  let at = 0;
  for (;;) {
    while (bitCount < width && at < data.length) {
      bitBuffer = ((bitBuffer << 8) | data[at++]) >>> 0;
      bitCount += 8;
    }
    if (bitCount < width) break;
    const code = (bitBuffer >>> (bitCount - width)) & ((1 << width) - 1);
    bitCount -= width;
    bitBuffer &= (1 << bitCount) - 1;
    if (code === 256) {
      reset();
      width = 9;
      prev = undefined;
      continue;
    }
    if (code === 257) break;
    let entry: Buffer;
    if (code < table.length && code !== 256 && code !== 257) entry = table[code];
    else if (code === table.length && prev) entry = Buffer.concat([prev, prev.subarray(0, 1)]);
    else throw new SyntaxFault('LZW code');
    out.push(entry);
    if (prev && table.length < 4096) table.push(Buffer.concat([prev, entry.subarray(0, 1)]));
    prev = entry;
    if (table.length + earlyChange >= 1 << width && width < 12) width++;
  }
  return out.done();
}

/** One filter stage; undecodable data (damaged, unknown parameters) is a SyntaxFault. */
function decodeStage(kind: (typeof FILTERS)[string], data: Buffer, parms: Map<string, PdfValue> | undefined, limit: number): Buffer {
  switch (kind) {
    case 'flate': {
      let inflated: Buffer;
      try {
        inflated = inflateSync(data, { maxOutputLength: Math.max(1, limit) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
        throw new SyntaxFault('FlateDecode');
      }
      return unpredict(inflated, parms);
    }
    case 'lzw':
      return unpredict(lzw(data, int(parms, 'EarlyChange', 1), limit), parms);
    case 'hex':
      return asciiHex(data, limit);
    case 'a85':
      return ascii85(data, limit);
    case 'rl':
      return runLength(data, limit);
  }
}

/** The bytes of the stream whose keyword `stream` is at `at` (after its end-of-line, up to endstream). */
function streamData(buf: Buffer, at: number, length: PdfValue | undefined): Buffer {
  let start = at + 6;
  if (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  else if (buf[start] === 0x0a || buf[start] === 0x0d) start += 1;
  else {
    // a reader skips to the next line (`stream  \n`)
    while (start < buf.length && buf[start] !== 0x0a && buf[start] !== 0x0d) start++;
    if (buf[start] === 0x0d && buf[start + 1] === 0x0a) start++;
    start++;
  }
  if (length?.t === 'num' && Number.isInteger(length.v) && length.v >= 0 && start + length.v <= buf.length) {
    let k = start + length.v;
    while (k < buf.length && isWhite(buf[k])) k++;
    if (buf.toString('latin1', k, k + 9) === 'endstream') return buf.subarray(start, start + length.v);
  }
  let end = buf.indexOf('endstream', start, 'latin1');
  if (end < 0) end = buf.length;
  if (buf[end - 1] === 0x0a) end--;
  if (buf[end - 1] === 0x0d) end--;
  return buf.subarray(Math.min(start, end), end);
}

const STREAM = Buffer.from('stream', 'latin1');
const STREAM_KEYS = ['Filter', 'DecodeParms', 'DP', 'F', 'FFilter', 'Subtype', 'N', 'First', 'Length'];

/**
 * Refuses a PDF a reader could run something from. The policy does not trust the file's
 * structure (cross-reference tables, object types, /Length): every name is compared after its
 * #xx escapes are decoded; every `stream` keyword in the file (wherever it sits, inside other
 * streams too) has its dictionary read (backwards to its `<<`, then checked by reading forwards)
 * and its data decoded through the whole filter chain, and the decoded bytes are searched like the
 * raw file. Refused (422): an active name anywhere (FILE_ACTIVE_CONTENT naming it); /Encrypt
 * (FILE_ENCRYPTED); a stream whose dictionary cannot be read or whose data cannot be decoded —
 * an unknown, indirect or external filter, a damaged stream, an image codec on a stream that is
 * not an image — as FILE_ACTIVE_CONTENT ("cannot be inspected": a reader may still read it);
 * decoded bytes past MAX_PDF_STREAM_BYTES / MAX_PDF_DECODED_BYTES (ZIP_BOMB). Image XObjects
 * (/Subtype /Image without the /N and /First an object stream needs) are not decoded: their bytes
 * are pixels, and no reader parses objects from them.
 */
export function assertPlainPdf(buf: Buffer): void {
  refuseActive(buf, {});
  const meter = { left: 4 * buf.length + 1024 * 1024 };
  let decodedTotal = 0;
  let streams = 0;
  for (let at = buf.indexOf(STREAM); at >= 0; at = buf.indexOf(STREAM, at + 1)) {
    const before = at > 0 ? buf[at - 1] : 0x0a;
    const after = at + 6 < buf.length ? buf[at + 6] : 0x0a;
    if (!(isWhite(before) || before === 0x3e) || isRegular(after)) continue; // endstream, /stream, upstream…
    if (++streams > MAX_PDF_STREAMS) throw new DomainError('FILE_TOO_COMPLEX', { part: 'pdf', what: 'streams', limit: MAX_PDF_STREAMS });
    const close = dictionaryEnd(buf, at, meter);
    if (close < 0) continue; // the word in a string or in text, not after a dictionary
    const where = { offset: at };
    const open = dictionaryStart(buf, close - 1, meter);
    if (open < 0) throw unreadable('stream that cannot be inspected', { ...where, why: 'dictionary' });
    let dict: Map<string, PdfValue>;
    try {
      meter.left -= close + 1 - open;
      if (meter.left < 0) throw new DomainError('FILE_TOO_COMPLEX', { part: 'pdf', what: 'stream dictionaries' });
      const reader = new ObjectReader(buf, open, close + 1);
      const value = reader.value();
      if (value.t !== 'dict' || reader.pos !== close + 1) throw new SyntaxFault('dictionary');
      // which of two /Filter (or /Subtype…) entries wins differs between readers
      if (STREAM_KEYS.some((k) => value.duplicates.has(k))) throw new SyntaxFault('duplicate key');
      dict = value.v;
    } catch (error) {
      if (error instanceof SyntaxFault) throw unreadable('stream that cannot be inspected', { ...where, why: error.message });
      throw error;
    }
    const subtype = dict.get('Subtype');
    if (subtype?.t === 'name' && subtype.v === 'Image' && !dict.has('N') && !dict.has('First')) continue;
    // /F: the data lives in an external file (or, for some readers, an abbreviated /Filter)
    if (dict.has('F') || dict.has('FFilter')) throw unreadable('stream that cannot be inspected', { ...where, why: 'external stream' });
    const filter = dict.get('Filter');
    const filterNames = filter === undefined ? [] : filter.t === 'name' ? [filter] : filter.t === 'array' ? filter.v : [filter];
    if (dict.has('DP') && dict.has('DecodeParms')) throw unreadable('stream that cannot be inspected', { ...where, why: 'two parameter entries' });
    const parmsValue = dict.get('DecodeParms') ?? dict.get('DP');
    // an array of filters takes an array of parameters, one filter one dictionary: readers differ on
    // the mixed forms (pdf.js drops a lone dictionary given to an array of filters)
    if (parmsValue !== undefined && (parmsValue.t === 'array') !== (filter?.t === 'array')) throw unreadable('stream that cannot be inspected', { ...where, why: 'parameters' });
    const parmsList = parmsValue === undefined ? [] : parmsValue.t === 'array' ? parmsValue.v : [parmsValue];
    if (filterNames.length === 0) continue; // the raw bytes are the data, searched above
    let data = streamData(buf, at, dict.get('Length'));
    for (let k = 0; k < filterNames.length; k++) {
      const f = filterNames[k];
      const name = f.t === 'name' ? f.v : `(${f.t})`;
      const p = parmsList[k];
      if (p !== undefined && p.t !== 'dict' && !(p.t === 'keyword' && p.v === 'null')) throw unreadable('stream that cannot be inspected', { ...where, filter: name, why: 'parameters' });
      const kind = FILTERS[name];
      if (!kind) throw unreadable('stream that cannot be inspected', { ...where, filter: name, why: IMAGE_FILTERS.has(name) ? 'image codec on a stream that is not an image' : 'filter' });
      try {
        data = decodeStage(kind, data, p?.t === 'dict' ? p.v : undefined, Math.min(MAX_PDF_STREAM_BYTES, MAX_PDF_DECODED_BYTES - decodedTotal));
      } catch (error) {
        if (error instanceof SyntaxFault) throw unreadable('stream that cannot be inspected', { ...where, filter: name, why: error.message });
        throw error;
      }
      decodedTotal += data.length;
      if (decodedTotal > MAX_PDF_DECODED_BYTES) throw tooLarge();
    }
    refuseActive(data, { stream: where.offset });
  }
}
