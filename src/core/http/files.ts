import type { Response } from 'express';
import type { MulterModuleOptions } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The Content-Disposition of a download. A file name is stored as its uploader gave it (for
 * display) but never reaches a header as such: control characters (CR LF included), format
 * characters (the bidi overrides and isolates U+202A–202E, U+2066–2069, the marks U+200E/200F and
 * U+061C, zero-width U+200B, U+FEFF: `invoice\u202Efdp.exe` shows as invoiceexe.pdf), line and
 * paragraph separators and lone surrogates are dropped, path separators and quotes are replaced,
 * the name is cut at 255 code points, an ASCII `filename` is given for old clients and the exact
 * name as RFC 6266 / RFC 5987 `filename*=UTF-8''…` (percent-encoding every byte outside attr-char).
 */
export function contentDisposition(fileName: string): string {
  const safe = downloadFileName(fileName);
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["%;\\]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The name a download is offered under (see contentDisposition): what a browser saves it as. */
export function downloadFileName(fileName: string): string {
  const cleaned = fileName
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, '')
    .replace(/[\\/]/g, '_')
    .trim();
  return cutFileName(cleaned) || 'download';
}

/**
 * A file name cut to `max` code points (never inside a surrogate pair), keeping its extension: a
 * 10,000-character `….pdf` stays a `.pdf` (cut blindly it lost the extension and was refused as
 * FILE_TYPE_MISMATCH).
 */
export function cutFileName(name: string, max = 255): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (ext.length === 0 || ext.length > 16) return chars.slice(0, max).join('');
  return chars.slice(0, max - ext.length).join('') + ext.join('');
}

/** Sends a file as a download (the file name sanitised for the header, see contentDisposition). */
export function sendDownload(res: Response, body: Buffer, mediaType: string, fileName: string, headers: Record<string, string> = {}) {
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Disposition', contentDisposition(fileName));
  // a browser must not guess another type from the bytes (an image or PDF that looks like HTML)
  res.setHeader('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.send(body);
}

/**
 * Multer settings of an upload route: one file of at most `fileSize` bytes, in memory, a few small
 * fields. File names in multipart headers are UTF-8 in every current browser and client; busboy's
 * default (latin1) would store 敷地図.pdf as mojibake. `fieldSize` bounds each form field in bytes
 * (a 4,000-character Japanese comment takes 12,000 bytes in UTF-8).
 */
export function uploadOptions(fileSize: number, fieldSize: number): MulterModuleOptions & { defParamCharset: string } {
  return { storage: memoryStorage(), defParamCharset: 'utf8', limits: { fileSize, files: 1, fields: 5, fieldSize } };
}
