import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from '@nestjs/common';
import { requestContext } from '../logging/request-context';
import { sendError } from '../errors/error-response';
import { LONE_SURROGATE, wellFormed } from '../database/json-param';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Every response says its Content-Type is to be believed (no MIME sniffing by browsers). Register first. */
export function noSniffMiddleware(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

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
/**
 * The one spelling of a JSON body's Content-Type: `application/json` (any case), optionally followed
 * by the one parameter `charset=utf-8` (value in any case, optionally quoted), with optional
 * whitespace around `;` and `=`. Nothing else: no empty or unknown parameter, no second charset,
 * no trailing whitespace or `;`.
 */
const JSON_CONTENT_TYPE = /^application\/json(?:[ \t]*;[ \t]*charset[ \t]*=[ \t]*(?:utf-8|"utf-8"))?$/i;

/** Whether a Content-Type header is one that is read as JSON (see JSON_CONTENT_TYPE). */
export function isJsonContentType(header: string | undefined): boolean {
  return header !== undefined && JSON_CONTENT_TYPE.test(header);
}

/**
 * A request that carries a body must say it is JSON (`application/json`, with no parameter or
 * `charset=utf-8` only: JSON_CONTENT_TYPE) or a multipart upload. Anything else is 415
 * UNSUPPORTED_MEDIA_TYPE, the JSON look-alikes (`application/merge-patch+json`,
 * `application/x-json`) and a JSON type with any other parameter (`;`, `charset`, `charset=utf8`,
 * `foo`, a second charset) included: a route reads its body with the semantics of plain UTF-8 JSON
 * only, so another type is not quietly treated as if it were.
 */
export function contentTypeMiddleware(req: Request, res: Response, next: NextFunction) {
  if (!BODY_METHODS.has(req.method)) return next();
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return next();
  const header = req.headers['content-type'];
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'multipart/form-data') return next();
  if (isJsonContentType(header)) return next();
  return sendError(req, res, 'UNSUPPORTED_MEDIA_TYPE', unsupportedMediaType(req));
}

/** The details of a 415: the media type given and the accepted ones. */
function unsupportedMediaType(req: Request): Record<string, unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return { contentType: type || null, accepted: ACCEPTED_TYPES };
}

/** Turns body-parser failures into the API's error format. Must be registered right after the parser. */
export function bodyParserErrorMiddleware(err: unknown, req: Request, res: Response, next: NextFunction) {
  if (!err) return next();
  const e = err as { type?: string; limit?: number; length?: number };
  switch (e.type) {
    case 'entity.parse.failed':
      return sendError(req, res, 'MALFORMED_JSON', {});
    case BODY_TOO_COMPLEX_TYPE:
      return sendError(req, res, 'BODY_TOO_COMPLEX', { limit: 'maxValues', max: JSON_BODY_LIMITS.maxValues, field: '(body)' }, TOO_COMPLEX.maxValues);
    case 'entity.too.large':
      return sendError(req, res, 'PAYLOAD_TOO_LARGE', { limitBytes: e.limit });
    case 'encoding.unsupported':
      // a Content-Encoding the parser cannot undo
      return sendError(req, res, 'UNSUPPORTED_MEDIA_TYPE', { contentEncoding: req.headers['content-encoding'] ?? null, accepted: ['identity', 'gzip', 'deflate', 'br'] });
    case 'charset.unsupported':
      // (contentTypeMiddleware lets no charset but UTF-8 through; this stays for safety)
      return sendError(req, res, 'UNSUPPORTED_MEDIA_TYPE', unsupportedMediaType(req));
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
 * How complex a JSON body may be, checked before the validation reads it (class-transformer's cost
 * grows with the square of an object's member count: one 1 MB object of 90,000 members held the
 * event loop for 5 s). Derived from the DTOs, with room to spare:
 * - members per object: the largest DTO has fewer than 25 properties;
 * - elements per array: the largest array a DTO takes is 600 long (a filing's sheets, an
 *   eligibility facility's substances);
 * - values in the whole body (every object, array and scalar): a filing with its 600 sheets holds
 *   about 9,700.
 */
export const JSON_BODY_LIMITS = { maxObjectKeys: 200, maxArrayElements: 2_000, maxValues: 20_000 } as const;

const TOO_COMPLEX = {
  maxObjectKeys: {
    ja: `JSONのオブジェクトの項目が多すぎます（1つのオブジェクトに最大${JSON_BODY_LIMITS.maxObjectKeys}項目）。`,
    en: `A JSON object in the body has too many members (at most ${JSON_BODY_LIMITS.maxObjectKeys}).`,
  },
  maxArrayElements: {
    ja: `JSONの配列の要素が多すぎます（1つの配列に最大${JSON_BODY_LIMITS.maxArrayElements}要素）。`,
    en: `A JSON array in the body has too many elements (at most ${JSON_BODY_LIMITS.maxArrayElements}).`,
  },
  maxValues: {
    ja: `JSONに含まれる値が多すぎます（本文全体で最大${JSON_BODY_LIMITS.maxValues}個）。`,
    en: `The JSON body holds too many values (at most ${JSON_BODY_LIMITS.maxValues} in all).`,
  },
} as const;

/**
 * A lower bound of the number of values a raw JSON body holds (1 + its commas outside strings:
 * each separates two members or elements), counted over the bytes before they are parsed (a byte
 * below 0x80 is never part of a multi-byte UTF-8 sequence). JSON.parse alone of a 1 MB object of
 * 90,000 members takes some 50 ms; a body over the bound is refused without it.
 */
export function countJsonValuesAtLeast(raw: Buffer): number {
  let values = 1;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c) values++;
  }
  return values;
}

/** The JSON parser's `verify` hook: refuses a body over JSON_BODY_LIMITS.maxValues before it is parsed. */
export function verifyJsonBody(_req: unknown, _res: unknown, raw: Buffer): void {
  if (countJsonValuesAtLeast(raw) > JSON_BODY_LIMITS.maxValues) {
    throw Object.assign(new Error('the JSON body holds too many values'), { type: BODY_TOO_COMPLEX_TYPE });
  }
}

const BODY_TOO_COMPLEX_TYPE = 'body.too.complex';

/**
 * Checks a parsed JSON body before anything else reads it, in one walk with its own stack:
 * - nested deeper than MAX_JSON_DEPTH: 400 JSON_TOO_DEEP (the validation that follows walks bodies
 *   recursively, and a small body nested thousands deep would exhaust the stack there: a 500);
 * - an object with more members, an array with more elements, or a body with more values than
 *   JSON_BODY_LIMITS allows: 413 BODY_TOO_COMPLEX naming the bound (and where it was exceeded);
 * - a key or string holding a lone UTF-16 surrogate (valid JSON, `"\ud800"`, but not text) or
 *   U+0000: 400 VALIDATION_FAILED naming the field (PostgreSQL refuses both in text and jsonb).
 * A body that passes is remembered, so the validation pipe does not walk it again for NUL.
 * Register right after the JSON parser.
 */
export function jsonBodyGuardMiddleware(req: Request, res: Response, next: NextFunction) {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object') return next();
  const tooComplex = (limit: keyof typeof JSON_BODY_LIMITS, field: string) =>
    sendError(req, res, 'BODY_TOO_COMPLEX', { limit, max: JSON_BODY_LIMITS[limit], field: wellFormed(field) || '(body)' }, TOO_COMPLEX[limit]);
  const pending: [object, number, string][] = [[body, 1, '']];
  let values = 1;
  while (pending.length > 0) {
    const [value, depth, path] = pending.pop()!;
    if (depth > MAX_JSON_DEPTH) return sendError(req, res, 'JSON_TOO_DEEP', { maxDepth: MAX_JSON_DEPTH });
    const isArray = Array.isArray(value);
    // the bounds are checked before the members are looked at, so a refusal costs no more than counting
    const keys = isArray ? null : Object.keys(value);
    const size = isArray ? (value as unknown[]).length : keys!.length;
    if (isArray && size > JSON_BODY_LIMITS.maxArrayElements) return tooComplex('maxArrayElements', path);
    if (!isArray && size > JSON_BODY_LIMITS.maxObjectKeys) return tooComplex('maxObjectKeys', path);
    values += size;
    if (values > JSON_BODY_LIMITS.maxValues) return tooComplex('maxValues', path);
    for (let i = 0; i < size; i++) {
      const key = isArray ? String(i) : keys![i];
      const child: unknown = (value as Record<string, unknown>)[key];
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
