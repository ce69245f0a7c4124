import { crc32, deflateSync } from 'node:zlib';
import { assertPlainJpeg, assertPlainPng, JPEG_TRAILING_SLACK } from './image-guard';
import '../emissions-errors';
import { domainRefusal as code } from '../../../../test/support/errors';

const chunk = (type: string, data: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
};
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const png = (...extra: Buffer[]) =>
  Buffer.concat([SIGNATURE, chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])), ...extra, chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))), chunk('IEND', Buffer.alloc(0))]);
const segment = (marker: number, data: Buffer) => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
};
const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
/** A JPEG's shape: APP0, then each scan (SOS header and entropy-coded bytes), then EOI. */
const jpeg = (app: Buffer[], ...scans: Buffer[]) =>
  Buffer.concat([SOI, segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')), ...app, ...scans.flatMap((s) => [segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])), s]), EOI]);
const ZIP = Buffer.from('PK\x03\x04\x14\0\0\0', 'latin1');

describe('PNG guard', () => {
  it('accepts a plain PNG and refuses anything after IEND', () => {
    expect(code(() => assertPlainPng(png(chunk('tEXt', Buffer.from('Title\0site map')))))).toBeUndefined();
    expect(code(() => assertPlainPng(Buffer.concat([png(), Buffer.from('x')])))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: 'png', reason: 'data after the image end', bytes: 1 } });
  });

  it('refuses a chunk structure it cannot walk: no IHDR first, a length past the end, a bad CRC, no IEND', () => {
    const damaged = { code: 'FILE_ACTIVE_CONTENT', details: { reason: 'damaged image (cannot be inspected)' } };
    expect(code(() => assertPlainPng(Buffer.concat([SIGNATURE, chunk('IDAT', Buffer.alloc(3)), chunk('IEND', Buffer.alloc(0))])))).toMatchObject(damaged);
    expect(code(() => assertPlainPng(Buffer.concat([SIGNATURE, ZIP, Buffer.alloc(64)])))).toMatchObject(damaged);
    const bad = png();
    bad[bad.length - 20] ^= 1;
    expect(code(() => assertPlainPng(bad))).toMatchObject(damaged);
    expect(code(() => assertPlainPng(png().subarray(0, -12)))).toMatchObject(damaged);
  });

  it('refuses a zip local header inside a chunk', () => {
    expect(code(() => assertPlainPng(png(chunk('zTXt', Buffer.concat([Buffer.from('x\0\0'), ZIP])))))).toMatchObject({ details: { reason: 'embedded archive' } });
  });
});

describe('JPEG guard', () => {
  const scan = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]);

  it('walks segments: an EXIF thumbnail with its own EOI, several scans (progressive), restart markers', () => {
    const thumbnail = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), SOI, segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])), scan, EOI]);
    expect(code(() => assertPlainJpeg(jpeg([segment(0xe1, thumbnail)], scan, scan)))).toBeUndefined();
  });

  it(`lets ${JPEG_TRAILING_SLACK} bytes of padding after EOI through, no more`, () => {
    expect(code(() => assertPlainJpeg(Buffer.concat([jpeg([], scan), Buffer.alloc(JPEG_TRAILING_SLACK)])))).toBeUndefined();
    expect(code(() => assertPlainJpeg(Buffer.concat([jpeg([], scan), Buffer.alloc(JPEG_TRAILING_SLACK + 1)])))).toMatchObject({
      code: 'FILE_ACTIVE_CONTENT',
      details: { part: 'jpeg', reason: 'data after the image end', bytes: JPEG_TRAILING_SLACK + 1 },
    });
    // the first EOI of the image counts, not the last one in the file
    expect(code(() => assertPlainJpeg(Buffer.concat([jpeg([], scan), Buffer.alloc(400, 0x41), EOI])))).toMatchObject({ details: { reason: 'data after the image end' } });
  });

  it('refuses a zip anywhere, and a segment structure it cannot walk', () => {
    expect(code(() => assertPlainJpeg(jpeg([segment(0xe2, ZIP)], scan)))).toMatchObject({ details: { reason: 'embedded archive' } });
    expect(code(() => assertPlainJpeg(Buffer.concat([jpeg([], scan), ZIP])))).toMatchObject({ details: { reason: 'embedded archive' } });
    expect(code(() => assertPlainJpeg(jpeg([], scan).subarray(0, -2)))).toMatchObject({ details: { reason: 'damaged image (cannot be inspected)' } });
    expect(code(() => assertPlainJpeg(Buffer.concat([SOI, Buffer.from([0xff, 0xe1, 0xff, 0xff, 1, 2])])))).toMatchObject({ details: { reason: 'damaged image (cannot be inspected)' } });
  });
});
