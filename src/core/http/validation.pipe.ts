import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { isCheckedBody } from './middleware';
import { oversizedArray } from './nested';

export interface FieldProblem {
  field: string;
  problems: string[];
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out.push({ field, problems: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** A refusal lists at most this many fields (a body of many unknown members would otherwise list each). */
export const MAX_LISTED_FIELDS = 20;

/** VALIDATION_FAILED with at most MAX_LISTED_FIELDS fields; `truncated` and `fieldCount` tell when more were found. */
function validationFailed(fields: FieldProblem[]): DomainError {
  if (fields.length <= MAX_LISTED_FIELDS) return new DomainError('VALIDATION_FAILED', { fields });
  return new DomainError('VALIDATION_FAILED', { fields: fields.slice(0, MAX_LISTED_FIELDS), truncated: true, fieldCount: fields.length });
}

/** whitelist + forbidNonWhitelisted + transform, with errors in the API's format. */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata) {
    // a parsed JSON body was checked for NUL by jsonBodyGuardMiddleware already
    const nul = metadata.type === 'body' && isCheckedBody(value) ? null : findNul(value, metadata.data ?? (metadata.type === 'body' ? '' : metadata.type));
    if (nul !== null) {
      // PostgreSQL text cannot hold NUL, and no registry field needs it
      throw new DomainError('VALIDATION_FAILED', { fields: [{ field: nul || '(body)', problems: ['NUL characters are not allowed'] }] });
    }
    if (
      metadata.type === 'body' &&
      metadata.metatype &&
      this.toValidate(metadata) &&
      (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw new DomainError('VALIDATION_FAILED', {
        fields: [{ field: '(body)', problems: ['body must be a JSON object'] }],
      });
    }
    const oversized = metadata.type === 'body' && this.toValidate(metadata) ? oversizedArray(metadata.metatype, value) : null;
    if (oversized) {
      // the same problem ArrayMaxSize names, found before every element is transformed and validated
      throw new DomainError('VALIDATION_FAILED', { fields: [{ field: oversized.field, problems: [`${oversized.field.split('.').pop()} must contain no more than ${oversized.max} elements`] }] });
    }
    const prototypeKeys = this.toValidate(metadata) ? findPrototypeKeys(value) : [];
    if (prototypeKeys.length === 0) return super.transform(value, metadata);
    // class-transformer drops `__proto__` and `constructor` before the whitelist sees them: they
    // are refused here as the unknown fields they are, together with whatever else is wrong
    let others: FieldProblem[] = [];
    try {
      await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
      others = (error.details.fields as FieldProblem[] | undefined) ?? [];
      if (error.details.truncated) throw error;
    }
    const named = new Set(others.map((f) => f.field));
    const unknown = prototypeKeys.filter((p) => !named.has(p.field)).map((p) => ({ field: p.field, problems: [`property ${p.key} should not exist`] }));
    throw validationFailed([...others, ...unknown]);
  }
}

/** Keys no DTO has: JavaScript's own (prototype pollution), refused like any unknown field. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Every `__proto__` / `constructor` / `prototype` key anywhere in a value, with its path (as the validator names fields). */
function findPrototypeKeys(value: unknown): { field: string; key: string }[] {
  const found: { field: string; key: string }[] = [];
  if (value === null || typeof value !== 'object') return found;
  // the JSON body guard bounds the depth of a body; the stack here bounds anything else
  const pending: [object, string, number][] = [[value, '', 0]];
  while (pending.length > 0) {
    const [current, path, depth] = pending.pop()!;
    for (const key of Object.keys(current)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) found.push({ field, key });
      const child = (current as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object' && depth < 64) pending.push([child, field, depth + 1]);
    }
  }
  return found.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/** The path of the first string (or key) containing U+0000, or null. */
function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (!value || typeof value !== 'object' || depth > 20) return null;
  // an uploaded file's bytes are not text: walking a Buffer's entries held the event loop ~0.4 µs a byte (1 s for 2.4 MB)
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = path ? `${path}.${k}` : k;
    if (k.includes('\u0000')) return p;
    const found = findNul(v, p, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
