import type { Response } from 'express';
import type { MulterModuleOptions } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a file as a download (UTF-8 file names in the RFC 5987 form). */
export function sendDownload(res: Response, body: Buffer, mediaType: string, fileName: string, headers: Record<string, string> = {}) {
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`);
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
