import { crc32 } from 'node:zlib';
import { DomainError } from '../../../core/errors/domain-error';

/** Chunks a PNG may have (a screenshot or a scan has a handful; APNG frames a few per frame). */
export const MAX_PNG_CHUNKS = 100_000;
/** Bytes after a JPEG's end-of-image marker that are let through (padding some encoders write). */
export const JPEG_TRAILING_SLACK = 256;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

const refused = (part: 'png' | 'jpeg', reason: string, extra: Record<string, unknown> = {}) => new DomainError('FILE_ACTIVE_CONTENT', { part, reason, ...extra });

/** An archive inside an image is a polyglot: unzip, Office or a browser extension opens it as such. */
function refuseEmbeddedZip(buf: Buffer, part: 'png' | 'jpeg'): void {
  const at = buf.indexOf(ZIP_LOCAL_HEADER);
  if (at >= 0) throw refused(part, 'embedded archive', { offset: at });
}

/**
 * Refuses a PNG that is more than a PNG: its chunks are walked from the signature to IEND (lengths
 * in bounds, CRCs right, IHDR first) and nothing may follow IEND; no zip local header anywhere.
 */
export function assertPlainPng(buf: Buffer): void {
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw refused('png', 'damaged image (cannot be inspected)');
  let at = 8;
  let chunks = 0;
  for (;;) {
    if (at + 12 > buf.length) throw refused('png', 'damaged image (cannot be inspected)', { offset: at });
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (length > 0x7fffffff || at + 12 + length > buf.length || !/^[A-Za-z]{4}$/.test(type)) throw refused('png', 'damaged image (cannot be inspected)', { offset: at });
    if (chunks === 0 && type !== 'IHDR') throw refused('png', 'damaged image (cannot be inspected)', { offset: at });
    if (++chunks > MAX_PNG_CHUNKS) throw new DomainError('FILE_TOO_COMPLEX', { part: 'png', what: 'chunks', limit: MAX_PNG_CHUNKS });
    if (crc32(buf.subarray(at + 4, at + 8 + length)) !== buf.readUInt32BE(at + 8 + length)) throw refused('png', 'damaged image (cannot be inspected)', { offset: at, chunk: type });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (at !== buf.length) throw refused('png', 'data after the image end', { offset: at, bytes: buf.length - at });
  refuseEmbeddedZip(buf, 'png');
}

/**
 * Refuses a JPEG that is more than a JPEG: its segments are walked from SOI (each by its length,
 * so a thumbnail's own markers inside APP1 are skipped; entropy-coded data up to the next marker)
 * to the end-of-image marker, after which at most JPEG_TRAILING_SLACK bytes may follow; no zip
 * local header anywhere.
 */
export function assertPlainJpeg(buf: Buffer): void {
  const damaged = (offset: number) => refused('jpeg', 'damaged image (cannot be inspected)', { offset });
  if (buf[0] !== 0xff || buf[1] !== 0xd8) throw damaged(0);
  let at = 2;
  let end = -1;
  while (end < 0) {
    if (buf[at] !== 0xff) throw damaged(at);
    while (buf[at] === 0xff) at++;
    if (at >= buf.length) throw damaged(at);
    const marker = buf[at++];
    if (marker === 0xd9) {
      end = at;
      break;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
    if (marker === 0xd8 || marker === 0x00) throw damaged(at - 1);
    if (at + 2 > buf.length) throw damaged(at);
    const length = buf.readUInt16BE(at);
    if (length < 2 || at + length > buf.length) throw damaged(at);
    at += length;
    if (marker === 0xda) {
      // entropy-coded data: FF 00 is a data byte, FF D0–D7 a restart; any other FF xx is the next marker
      for (;;) {
        if (at >= buf.length) throw damaged(at);
        if (buf[at] === 0xff) {
          let next = at + 1;
          while (buf[next] === 0xff) next++;
          const b = buf[next];
          if (b === 0x00 || (b >= 0xd0 && b <= 0xd7)) {
            at = next + 1;
            continue;
          }
          at = next - 1;
          break;
        }
        at++;
      }
    }
  }
  if (buf.length - end > JPEG_TRAILING_SLACK) throw refused('jpeg', 'data after the image end', { offset: end, bytes: buf.length - end });
  refuseEmbeddedZip(buf, 'jpeg');
}
