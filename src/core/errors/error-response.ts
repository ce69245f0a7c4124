import type { Request, Response } from 'express';
import { errorSpec } from './domain-error';

export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
  requestId?: string;
}

/** Japanese by default; English when the client prefers it (Accept-Language: en…). */
export function prefersEnglish(req: Request | undefined): boolean {
  const header = req?.headers?.['accept-language'];
  return typeof header === 'string' && /^\s*en\b/i.test(header);
}

/** Writes an error in the API's one format: `{code, message, details, requestId}`. */
export function sendError(
  req: Request | undefined,
  res: Response,
  code: string,
  details: Record<string, unknown> = {},
  texts?: { ja: string; en: string },
  statusOverride?: number,
): void {
  const spec = errorSpec(code) ?? errorSpec('INTERNAL_ERROR')!;
  const status = statusOverride ?? spec.status;
  const chosen = texts ?? spec;
  const requestId = (req as { id?: string } | undefined)?.id;
  const body: ErrorBody = {
    code,
    message: prefersEnglish(req) ? chosen.en : chosen.ja,
    details,
    ...(requestId ? { requestId } : {}),
  };
  res.locals.errorCode = code; // for the audit trail
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).json(body);
}
