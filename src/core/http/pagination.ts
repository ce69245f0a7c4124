import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../errors/domain-error';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface CursorKey {
  at: string;
  id: string;
}

/** Opaque cursors: the position, base64url-encoded. */
export function encodeCursor(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

const invalidCursor = () => new DomainError('VALIDATION_FAILED', { fields: [{ field: 'cursor', problems: ['cursor is not valid'] }] });

/** The position a cursor carries, if it has the expected form; otherwise 400 VALIDATION_FAILED. */
export function decodeCursor(cursor: string, form: RegExp): string {
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!form.test(position)) throw invalidCursor();
  return position;
}

const BIGINT_MAX = 9223372036854775807n;

/** A cursor carrying a bigint id (a journal's position): 1–19 digits and within PostgreSQL's bigint. */
export function decodeBigintCursor(cursor: string): string {
  const position = decodeCursor(cursor, /^[0-9]{1,19}$/);
  if (BigInt(position) > BIGINT_MAX) throw invalidCursor();
  return position;
}

/**
 * Exactly what paginate() below writes: an ISO instant with a four-digit year (toISOString also
 * writes years like +275760, which PostgreSQL refuses) that round-trips, and a uuid.
 */
const CURSOR_AT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeKey(cursor: string): CursorKey {
  try {
    const key = JSON.parse(decodeCursor(cursor, /^\{.{1,200}\}$/)) as CursorKey;
    if (
      typeof key.at === 'string' &&
      CURSOR_AT.test(key.at) &&
      new Date(key.at).toISOString() === key.at && // no 2026-02-31 or 24:00:00
      typeof key.id === 'string' &&
      CURSOR_ID.test(key.id)
    ) {
      return key;
    }
  } catch {
    /* fall through */
  }
  throw invalidCursor();
}

/**
 * Keyset pagination, newest first, on (timestamp column, id): stable under inserts, no OFFSET.
 * `timeColumn` and `idColumn` are qualified column names such as `a.submitted_at`.
 */
export async function paginate<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  page: PageQuery,
  keys: { timeColumn: string; idColumn: string; time: (e: E) => Date; id: (e: E) => string },
): Promise<Page<E>> {
  const limit = page.limit ?? 20;
  if (page.cursor) {
    const key = decodeKey(page.cursor);
    qb.andWhere(`(${keys.timeColumn}, ${keys.idColumn}) < (:cursorAt, :cursorId)`, { cursorAt: key.at, cursorId: key.id });
  }
  const rows = await qb
    .orderBy(keys.timeColumn, 'DESC')
    .addOrderBy(keys.idColumn, 'DESC')
    .take(limit + 1)
    .getMany();
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(JSON.stringify({ at: keys.time(last).toISOString(), id: keys.id(last) }))
      : null;
  return { items, nextCursor };
}
