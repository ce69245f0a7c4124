import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from '@nestjs/common';
import { requestContext } from '../logging/request-context';
import { sendError } from '../errors/error-response';
import { LONE_SURROGATE, wellFormed } from '../database/json-param';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives every request an id (the caller's X-Request-Id when well-formed) used in logs and errors. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction) {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  (req as Request & { id: string }).id = id;
  res.setHeader('X-Request-Id', id);
  requestContext.run({ requestId: id }, () => next());
}

const accessLogger = new Logger('HTTP');

/** One log line per request, written when the response is finished. */
export function accessLogMiddleware(req: Request, res: Response, next: NextFunction) {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const entry = {
      msg: 'request',
      method: req.method,
      // single-use secrets in paths (certificate download links) are not written to the log
      path: req.originalUrl.split('?')[0].replace(/(certificate-downloads\/)[^/]+/, '$1***'),
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
    };
    if (res.statusCode >= 500) accessLogger.warn(entry);
    else accessLogger.log(entry);
  });
  next();
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const ACCEPTED_TYPES = ['application/json', 'multipart/form-data'];
/** The only media type read as JSON (the parser is set up with the same). */
export const JSON_MEDIA_TYPE = 'application/json';
const UTF8 = /^"?utf-?8"?$/i;

/**
 * A request that carries a body must say it is JSON (`application/json`, with no charset or
 * `charset=utf-8`) or a multipart upload. Anything else is 415 UNSUPPORTED_MEDIA_TYPE, the JSON
 * look-alikes (`application/merge-patch+json`, `application/x-json`) included: a route reads its
 * body with the semantics of plain JSON only, so another type is not quietly treated as if it were.
 */
export function contentTypeMiddleware(req: Request, res: Response, next: NextFunction) {
  if (!BODY_METHODS.has(req.method)) return next();
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return next();
  const [rawType, ...params] = (req.headers['content-type'] ?? '').split(';');
  const type = rawType.trim().toLowerCase();
  if (type === 'multipart/form-data') return next();
  if (type === JSON_MEDIA_TYPE) {
    const charset = params.map((p) => p.trim()).find((p) => /^charset\s*=/i.test(p));
    if (charset === undefined || UTF8.test(charset.slice(charset.indexOf('=') + 1).trim())) return next();
  }
  return sendError(req, res, 'UNSUPPORTED_MEDIA_TYPE', { contentType: type || null, accepted: ACCEPTED_TYPES });
}

/** Turns body-parser failures into the API's error format. Must be registered right after the parser. */
export function bodyParserErrorMiddleware(err: unknown, req: Request, res: Response, next: NextFunction) {
  if (!err) return next();
  const e = err as { type?: string; limit?: number; length?: number };
  switch (e.type) {
    case 'entity.parse.failed':
      return sendError(req, res, 'MALFORMED_JSON', {});
    case 'entity.too.large':
      return sendError(req, res, 'PAYLOAD_TOO_LARGE', { limitBytes: e.limit });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendError(req, res, 'UNSUPPORTED_MEDIA_TYPE', {});
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return sendError(req, res, 'BAD_REQUEST', {});
    default:
      return next(err);
  }
}

/** Deepest JSON body accepted: the API's own bodies nest a few levels. */
const MAX_JSON_DEPTH = 32;

/**
 * Checks a parsed JSON body before anything else reads it, walking it with its own stack:
 * - nested deeper than MAX_JSON_DEPTH: 400 JSON_TOO_DEEP (the validation that follows walks bodies
 *   recursively, and a small body nested thousands deep would exhaust the stack there: a 500);
 * - a key or string holding a lone UTF-16 surrogate (valid JSON, `"\ud800"`, but not text) or
 *   U+0000: 400 VALIDATION_FAILED naming the field (PostgreSQL refuses both in text and jsonb).
 * A body that passes is remembered, so the validation pipe does not walk it again for NUL.
 * Register right after the JSON parser.
 */
export function jsonBodyGuardMiddleware(req: Request, res: Response, next: NextFunction) {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object') return next();
  const pending: [object, number, string][] = [[body, 1, '']];
  while (pending.length > 0) {
    const [value, depth, path] = pending.pop()!;
    if (depth > MAX_JSON_DEPTH) return sendError(req, res, 'JSON_TOO_DEEP', { maxDepth: MAX_JSON_DEPTH });
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key, child] of entries) {
      const field = path ? `${path}.${key}` : key;
      if (key.includes('\u0000') || (typeof child === 'string' && child.includes('\u0000'))) {
        return sendError(req, res, 'VALIDATION_FAILED', { fields: [{ field: wellFormed(field), problems: ['NUL characters are not allowed'] }] });
      }
      if (LONE_SURROGATE.test(key) || (typeof child === 'string' && LONE_SURROGATE.test(child))) {
        return sendError(req, res, 'VALIDATION_FAILED', {
          fields: [{ field: wellFormed(field), problems: ['対になっていないサロゲート文字が含まれています (contains a lone UTF-16 surrogate)'] }],
        });
      }
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1, field]);
    }
  }
  CHECKED_BODIES.add(body);
  next();
}

const CHECKED_BODIES = new WeakSet<object>();

/** Whether jsonBodyGuardMiddleware has already checked this parsed body (for NUL among others). */
export function isCheckedBody(value: unknown): boolean {
  return value !== null && typeof value === 'object' && CHECKED_BODIES.has(value);
}
