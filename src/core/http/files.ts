import type { Response } from 'express';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a file as a download (UTF-8 file names in the RFC 5987 form). */
export function sendDownload(res: Response, body: Buffer, mediaType: string, fileName: string, headers: Record<string, string> = {}) {
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.send(body);
}
