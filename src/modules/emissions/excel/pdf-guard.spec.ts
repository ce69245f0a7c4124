import { deflateRawSync, deflateSync } from 'node:zlib';
import { assertPlainPdf, MAX_PDF_DECODED_BYTES, MAX_PDF_STREAM_BYTES } from './pdf-guard';
import '../emissions-errors';
import { domainRefusal as code } from '../../../../test/support/errors';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const pdf = (body: string) => latin1(`%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R ${body} >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
/** A PDF with one stream object: `dict` between << and >>, then `eol` and the data. */
const withStream = (dict: string, data: Buffer, eol = '\n') =>
  Buffer.concat([latin1(`%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n5 0 obj << ${dict} /Length ${data.length} >>\nstream${eol}`), data, latin1('\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')]);
/** The objects of an object stream: object 6, an action running a script. */
const SCRIPT = latin1('6 0 << /S /JavaScript /JS (app.alert(1)) >>');
const PLAIN_OBJECTS = latin1('6 0 7 40 << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> << /URI (https://example.jp/) /S /URI >>');

/** PNG predictor encoding: row filter `type` (1 Sub, 2 Up, 4 Paeth) over rows of `columns` bytes. */
function pngPredict(data: Buffer, columns: number, type: 1 | 2 | 4): Buffer {
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(columns);
  for (let i = 0; i < data.length; i += columns) {
    const row = Buffer.alloc(columns);
    data.copy(row, 0, i, Math.min(i + columns, data.length));
    const out = Buffer.alloc(columns + 1);
    out[0] = type;
    for (let j = 0; j < columns; j++) {
      const left = j > 0 ? row[j - 1] : 0;
      const up = prev[j];
      const upLeft = j > 0 ? prev[j - 1] : 0;
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      out[j + 1] = (row[j] - (type === 1 ? left : type === 2 ? up : paeth)) & 0xff;
    }
    rows.push(out);
    prev = row;
  }
  return Buffer.concat(rows);
}

/** TIFF predictor 2 (8-bit, one colour): each byte minus the one before it in the row. */
function tiffPredict(data: Buffer, columns: number): Buffer {
  const out = Buffer.from(data);
  for (let i = 0; i < data.length; i++) if (i % columns) out[i] = (data[i] - data[i - 1]) & 0xff;
  return out;
}

const ascii85 = (data: Buffer) => {
  let out = '';
  for (let i = 0; i < data.length; i += 4) {
    const chunk = Buffer.alloc(4);
    data.copy(chunk, 0, i, i + 4);
    let v = chunk.readUInt32BE(0);
    const digits: string[] = [];
    for (let k = 0; k < 5; k++) {
      digits.unshift(String.fromCharCode((v % 85) + 33));
      v = Math.floor(v / 85);
    }
    out += digits.slice(0, Math.min(4, data.length - i) + 1).join('');
  }
  return `${out}~>`;
};

const runLength = (data: Buffer) => Buffer.concat([...Array.from({ length: Math.ceil(data.length / 128) }, (_, k) => {
  const part = data.subarray(k * 128, k * 128 + 128);
  return Buffer.concat([Buffer.from([part.length - 1]), part]);
}), Buffer.from([128])]);

/** LZW encoding as ISO 32000-1 7.4.4 describes it (EarlyChange 1): clear, codes, end of data. */
function lzwEncode(data: Buffer): Buffer {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  let width = 9;
  const emit = (code: number) => {
    acc = (acc << width) | code;
    bits += width;
    while (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  };
  const table = new Map<string, number>();
  let next = 258;
  emit(256);
  let w = '';
  for (const byte of data) {
    const wc = w + String.fromCharCode(byte);
    if (w === '' || table.has(wc)) {
      w = wc;
      continue;
    }
    emit(w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
    table.set(wc, next++);
    if (next === 4096) {
      // the table is full: start over
      emit(256);
      table.clear();
      next = 258;
      width = 9;
    } else if (next >= 1 << width && width < 12) width++;
    w = String.fromCharCode(byte);
  }
  if (w) emit(w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
  emit(257);
  if (bits) out.push((acc << (8 - bits)) & 0xff);
  return Buffer.from(out);
}

const refusedAs = (file: Buffer) => code(() => assertPlainPdf(file));

describe('PDF guard: names', () => {
  it('finds active names in #xx spellings and only as whole names', () => {
    expect(refusedAs(pdf('/Names << /#4Aava#53cript 2 0 R >>'))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { name: '/JavaScript' } });
    expect(refusedAs(pdf('/JSONData 2 0 R /AAA 1 /Launcher 2'))).toBeUndefined();
    // NUL is PDF white-space: it ends a name as a reader reads it
    expect(refusedAs(pdf('/OpenAction\u0000<< /S /Named /N /Print >>'))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { name: '/OpenAction' } });
  });

  it('refuses remote go-to, renditions, form submission and XFA; keeps /URI links', () => {
    expect(refusedAs(pdf('/A << /S /GoToR /F (\\\\\\\\evil\\\\share\\\\x.pdf) /D [0 /Fit] >>'))).toMatchObject({ details: { name: '/GoToR' } });
    expect(refusedAs(pdf('/A << /S /Rendition /OP 0 >>'))).toMatchObject({ details: { name: '/Rendition' } });
    expect(refusedAs(pdf('/A << /S /SubmitForm /F (https://evil.example/) >>'))).toMatchObject({ details: { name: '/SubmitForm' } });
    expect(refusedAs(pdf('/AcroForm << /XFA 9 0 R >>'))).toMatchObject({ details: { name: '/XFA' } });
    expect(refusedAs(pdf('/A << /S /URI /URI (https://www.env.go.jp/) >>'))).toBeUndefined();
  });

  it('refuses embedded files however they are marked, 3D annotations (their own JavaScript), movies and sounds', () => {
    // a file specification's /EF names the embedded file stream, which needs no /Type /EmbeddedFile
    expect(refusedAs(pdf('/Annots [<< /Type /Annot /Subtype /Fil#65Attachment /FS << /Type /Filespec /F (a.exe) /E#46 << /F 5 0 R >> >> >>]'))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { name: '/FileAttachment' } });
    expect(refusedAs(pdf('/FS << /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>'))).toMatchObject({ details: { name: '/EF' } });
    expect(refusedAs(pdf('/AF [6 0 R]'))).toMatchObject({ details: { name: '/AF' } });
    expect(refusedAs(pdf('/Annots [<< /Subtype /3D /3DD 7 0 R >>]'))).toMatchObject({ details: { name: '/3D' } });
    expect(refusedAs(pdf('/OnInstantiate 8 0 R'))).toMatchObject({ details: { name: '/OnInstantiate' } });
    expect(refusedAs(pdf('/A << /S /Movie /T (m) >>'))).toMatchObject({ details: { name: '/Movie' } });
    expect(refusedAs(pdf('/A << /S /Sound /Sound 9 0 R >>'))).toMatchObject({ details: { name: '/Sound' } });
    // names that merely start the same way stay allowed
    expect(refusedAs(pdf('/EFont 1 /AFM 2 /3DView 3'))).toBeUndefined();
  });

  it('lets an /OpenAction that is a page destination through (as LibreOffice writes it), not an action or a reference', () => {
    expect(refusedAs(pdf('/OpenAction[3 0 R /XYZ null null 0]'))).toBeUndefined();
    expect(refusedAs(pdf('/Open#41ction \n [3 0 R /Fit]'))).toBeUndefined();
    expect(refusedAs(pdf('/OpenAction 9 0 R'))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { name: '/OpenAction' } });
    expect(refusedAs(pdf('/OpenAction << /S /GoTo /D [3 0 R /Fit] >>'))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { name: '/OpenAction' } });
    expect(refusedAs(pdf('/OpenAction [<< /S /JavaScript /JS (app.alert(1)) >>]'))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { name: '/JavaScript' } });
  });

  it('refuses an encrypted PDF (FILE_ENCRYPTED)', () => {
    const encrypted = latin1('%PDF-1.6\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R /Encr#79pt 9 0 R >>\n%%EOF\n');
    expect(refusedAs(encrypted)).toMatchObject({ code: 'FILE_ENCRYPTED', details: { part: 'pdf' } });
  });
});

describe('PDF guard: every stream decoded, whatever its dictionary says', () => {
  const script = { code: 'FILE_ACTIVE_CONTENT', details: { name: '/JavaScript' } };

  it('accepts a plain PDF: a Flate content stream and an object stream without actions', () => {
    const content = deflateSync(latin1('BT /F1 12 Tf 72 720 Td (Site map) Tj ET'));
    const objects = deflateSync(PLAIN_OBJECTS);
    const file = Buffer.concat([
      latin1('%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'),
      latin1(`3 0 obj << /Length ${content.length} /Filter /FlateDecode >>\nstream\r\n`),
      content,
      latin1('\r\nendstream\nendobj\n'),
      latin1(`5 0 obj << /Type /ObjStm /N 2 /First 8 /Filter /FlateDecode /Length ${objects.length} >>\nstream\n`),
      objects,
      latin1('\nendstream\nendobj\n'),
      latin1('8 0 obj << /Type /XObject /Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode /Length 4 >>\nstream\n\xff\xd8\xff\xd9\nendstream\nendobj\n'),
      latin1('trailer << /Root 1 0 R >>\n%%EOF\n'),
    ]);
    expect(refusedAs(file)).toBeUndefined();
  });

  it('decodes a stream whatever its /Type says (/Obj#53tm, no /Type at all)', () => {
    expect(refusedAs(withStream('/Type /Obj#53tm /N 1 /First 4 /Filter /FlateDecode', deflateSync(SCRIPT)))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter /FlateDecode', deflateSync(SCRIPT)))).toMatchObject(script);
  });

  it('reads a dictionary of any length, with strings holding " obj", ">>" and parentheses', () => {
    expect(refusedAs(withStream(`/Type /ObjStm /Pad (${'x'.repeat(1200)}) /N 1 /First 4 /Filter /FlateDecode`, deflateSync(SCRIPT)))).toMatchObject(script);
    expect(refusedAs(withStream('/Type /ObjStm /Pad ( obj) /N 1 /First 4 /Filter /FlateDecode', deflateSync(SCRIPT)))).toMatchObject(script);
    expect(refusedAs(withStream('/Pad (a \\) >> (b) << obj) /Hex <41 42> /Sub << /X [1 2 (3)] >> /Filter /FlateDecode', deflateSync(SCRIPT)))).toMatchObject(script);
  });

  it('takes `stream` followed by CR alone, CRLF or LF', () => {
    for (const eol of ['\r', '\r\n', '\n']) expect(refusedAs(withStream('/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode', deflateSync(SCRIPT), eol))).toMatchObject(script);
  });

  it('undoes PNG predictors (Sub, Up, Paeth) and the TIFF predictor after /FlateDecode', () => {
    for (const type of [1, 2, 4] as const) {
      const file = withStream('/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>', deflateSync(pngPredict(SCRIPT, 8, type)));
      expect(refusedAs(file)).toMatchObject(script);
    }
    const tiff = withStream('/Filter /FlateDecode /DecodeParms << /Predictor 2 /Columns 5 >>', deflateSync(tiffPredict(SCRIPT, 5)));
    expect(tiff.includes('JavaScript')).toBe(false);
    expect(refusedAs(tiff)).toMatchObject(script);
    // predicted plain objects still pass
    expect(refusedAs(withStream('/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 4 >>', deflateSync(pngPredict(PLAIN_OBJECTS, 4, 4))))).toBeUndefined();
  });

  it('follows filter chains in order, with abbreviated names and per-filter parameters', () => {
    expect(refusedAs(withStream('/Filter [/FlateDecode /FlateDecode]', deflateSync(deflateSync(SCRIPT))))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter /Fl', deflateSync(SCRIPT)))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter [/ASCIIHexDecode /FlateDecode]', latin1(deflateSync(SCRIPT).toString('hex') + '>')))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter [/AHx /Fl]', latin1(deflateSync(SCRIPT).toString('hex').replace(/(..)/g, '$1 \n') + '>')))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter [/A85 /Fl]', latin1(ascii85(deflateSync(SCRIPT)))))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter /ASCII85Decode', latin1(ascii85(SCRIPT))))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter [/RL]', runLength(SCRIPT)))).toMatchObject(script);
    const chained = withStream('/Filter [/AHx /Flate#44ecode] /DecodeParms [null << /Predictor 12 /Columns 8 >>]', latin1(deflateSync(pngPredict(SCRIPT, 8, 2)).toString('hex')));
    expect(refusedAs(chained)).toMatchObject(script);
  });

  it('decodes LZW (the ISO 32000 example) and refuses LZW it cannot decode', () => {
    // 80 0B 60 50 22 0C 0C 85 01 is "-----A---B" (ISO 32000-1, 7.4.4.2): the encoder below writes the standard's codes
    expect(lzwEncode(Buffer.from('-----A---B')).toString('hex')).toBe('800b6050220c0c8501');
    expect(refusedAs(withStream('/Filter /LZWDecode', Buffer.from('800b6050220c0c8501', 'hex')))).toBeUndefined();
    expect(refusedAs(withStream('/Filter /LZW', lzwEncode(SCRIPT)))).toMatchObject(script);
    // long enough for 10-, 11- and 12-bit codes and a full table (a clear code), then a predictor on top
    let seed = 1;
    const noise = Buffer.from(Array.from({ length: 20_000 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 23));
    const long = Buffer.concat([noise, SCRIPT, noise, SCRIPT]);
    expect(lzwEncode(long).length).toBeGreaterThan(20_000);
    expect(refusedAs(withStream('/Filter /LZWDecode', lzwEncode(long)))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter /LZWDecode /DecodeParms << /Predictor 12 /Columns 8 >>', lzwEncode(pngPredict(SCRIPT, 8, 2))))).toMatchObject(script);
    expect(refusedAs(withStream('/Filter /LZWDecode', Buffer.from('ffffffffffffffff', 'hex')))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'stream that cannot be inspected', filter: 'LZWDecode' } });
  });

  it('refuses streams it cannot decode: damaged or raw deflate, unknown, indirect or external filters, image codecs on non-images', () => {
    const cannot = (filter?: string) => ({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'stream that cannot be inspected', ...(filter ? { filter } : {}) } });
    expect(refusedAs(withStream('/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode', latin1('\x8f\x12\xa0\x07\x99\x00\x13\x37')))).toMatchObject(cannot('FlateDecode'));
    expect(refusedAs(withStream('/Filter /FlateDecode', deflateRawSync(SCRIPT)))).toMatchObject(cannot('FlateDecode'));
    expect(refusedAs(withStream('/Filter /Crypt', deflateSync(SCRIPT)))).toMatchObject(cannot('Crypt'));
    expect(refusedAs(withStream('/Filter 9 0 R', deflateSync(SCRIPT)))).toMatchObject(cannot('(ref)'));
    expect(refusedAs(withStream('/F (data.bin) /FFilter /FlateDecode', Buffer.alloc(0)))).toMatchObject(cannot());
    expect(refusedAs(withStream('/Type /ObjStm /N 1 /First 4 /Filter /DCTDecode', deflateSync(SCRIPT)))).toMatchObject(cannot('DCTDecode'));
    // one dictionary of parameters for an array of filters, or an array for one filter: readers disagree
    expect(refusedAs(withStream('/Filter [/FlateDecode] /DecodeParms << /Predictor 12 /Columns 8 >>', deflateSync(SCRIPT)))).toMatchObject(cannot());
    expect(refusedAs(withStream('/Filter /FlateDecode /DecodeParms [<< /Predictor 12 /Columns 8 >>]', deflateSync(SCRIPT)))).toMatchObject(cannot());
    // two /Filter entries: readers disagree on which counts
    expect(refusedAs(withStream('/Filter /DCTDecode /Filter /FlateDecode', deflateSync(SCRIPT)))).toMatchObject(cannot());
    // an image with the /N and /First of an object stream is not taken for an image
    expect(refusedAs(withStream('/Subtype /Image /N 1 /First 4 /Filter /JBIG2Decode', deflateSync(SCRIPT)))).toMatchObject(cannot('JBIG2Decode'));
    expect(refusedAs(withStream('/Subtype /Image /Width 8 /Height 8 /Filter /JBIG2Decode', latin1('\x97JB2\r\n\x1a\n')))).toBeUndefined();
  });

  it('finds a stream hidden inside the data of another (its /Length and endstream notwithstanding)', () => {
    const inner = Buffer.concat([latin1('7 0 obj << /Filter /FlateDecode /Length 99 >>\nstream\n'), deflateSync(SCRIPT), latin1('\nendstream\nendobj\n')]);
    const outer = Buffer.concat([latin1(`%PDF-1.5\n4 0 obj << /Length ${inner.length} >>\nstream\n`), inner, latin1('\nendstream\nendobj\n%%EOF\n')]);
    expect(refusedAs(outer)).toMatchObject(script);
  });

  it('a `stream` keyword after a comment still counts; the word in a string does not', () => {
    expect(refusedAs(Buffer.concat([latin1('%PDF-1.5\n5 0 obj << /Filter /FlateDecode >> % note\nstream\n'), deflateSync(SCRIPT), latin1('\nendstream\nendobj\n')]))).toMatchObject(script);
    expect(refusedAs(pdf('/Title (a data stream) /Subject (stream\n)'))).toBeUndefined();
  });

  it('bounds the work on many `stream` words (FILE_TOO_COMPLEX), fast', () => {
    const started = Date.now();
    expect(refusedAs(pdf(`/Title (${'x stream '.repeat(400_000)})`))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { part: 'pdf' } });
    expect(refusedAs(pdf(`/Title (${'x\nstream\n'.repeat(60_000)})`))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { what: 'streams' } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a stream that decodes past the bound (ZIP_BOMB)', () => {
    const bomb = deflateSync(Buffer.alloc(MAX_PDF_STREAM_BYTES + 1));
    expect(refusedAs(withStream('/Filter /FlateDecode', bomb))).toMatchObject({ code: 'ZIP_BOMB', details: { part: 'pdf' } });
    const runs = Buffer.alloc(2 * (Math.ceil(MAX_PDF_STREAM_BYTES / 128) + 1));
    for (let i = 0; i < runs.length; i += 2) runs[i] = 129; // 128 copies of the next byte
    expect(refusedAs(withStream('/Filter /RunLengthDecode', runs))).toMatchObject({ code: 'ZIP_BOMB' });
  });

  it('refuses streams that together decode past the total bound (ZIP_BOMB), each under the per-stream one', () => {
    const each = deflateSync(Buffer.alloc(Math.floor(MAX_PDF_DECODED_BYTES / 4) + 1));
    const parts = [latin1('%PDF-1.5\n')];
    for (let n = 0; n < 4; n++) parts.push(latin1(`${n + 3} 0 obj << /Filter /FlateDecode /Length ${each.length} >>\nstream\n`), each, latin1('\nendstream\nendobj\n'));
    expect(Math.floor(MAX_PDF_DECODED_BYTES / 4) + 1).toBeLessThan(MAX_PDF_STREAM_BYTES);
    expect(refusedAs(Buffer.concat([...parts, latin1('%%EOF\n')]))).toMatchObject({ code: 'ZIP_BOMB', details: { part: 'pdf' } });
  });
});
