import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineErrors, DomainError, errorSpec, registeredErrorCodes } from './domain-error';
import { isDatabaseUnavailable, mayHaveCommitted, sqlState } from './database-errors';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

describe('DomainError registry', () => {
  it('refuses a code defined twice with another meaning', () => {
    defineErrors({ TEST_ONCE: { status: 422, ja: 'テスト', en: 'test' } });
    expect(() => defineErrors({ TEST_ONCE: { status: 400, ja: '別', en: 'other' } })).toThrow(/defined twice/);
  });

  it('refuses codes that are not UPPER_SNAKE', () => {
    expect(() => defineErrors({ badCode: { status: 400, ja: 'x', en: 'x' } })).toThrow(/UPPER_SNAKE/);
  });

  it('gives every code used in the sources a status and Japanese and English texts', () => {
    const root = join(__dirname, '..', '..');
    // Importing every source registers every module's codes.
    const files = sourceFiles(root);
    for (const file of files) if (!file.endsWith('main.ts')) require(file);
    const used = new Set<string>();
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/new DomainError\(\s*'([A-Z0-9_]+)'/g)) used.add(m[1]);
      for (const m of readFileSync(file, 'utf8').matchAll(/sendError\([^,]+,\s*[^,]+,\s*'([A-Z0-9_]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(5);
    const missing = [...used].filter((code) => !errorSpec(code));
    expect(missing).toEqual([]);
    for (const code of registeredErrorCodes()) {
      const spec = errorSpec(code)!;
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/); // has Japanese text
      expect(spec.en).toMatch(/[A-Za-z]/);
    }
  });

  it('carries its code and details', () => {
    const e = new DomainError('NOT_FOUND', { id: 'x' });
    expect(e.code).toBe('NOT_FOUND');
    expect(e.details).toEqual({ id: 'x' });
    expect(e.message).toBe('Not found.');
  });
});

describe('isDatabaseUnavailable', () => {
  it('recognises connection failures, wrapped or not', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable({ message: 'Query failed', driverError: { code: '57P01' } })).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
  });

  it('does not mistake query errors for an outage', () => {
    expect(isDatabaseUnavailable({ message: 'duplicate key', code: '23505' })).toBe(false);
    expect(isDatabaseUnavailable(new Error('relation "x" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

describe('whether a failed statement may have committed', () => {
  const server = (code: string) => Object.assign(new Error('from the server'), { code, severity: 'ERROR' });
  it('reads the SQLSTATE only from what the server sent, wrapped by TypeORM or not', () => {
    expect(sqlState(server('23505'))).toBe('23505');
    expect(sqlState({ message: 'Query failed', driverError: server('40P01') })).toBe('40P01');
    expect(sqlState(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBeUndefined(); // a Node errno, not an SQLSTATE
  });

  it('no when the server refused the statement, yes when the session went or the answer was lost', () => {
    expect(mayHaveCommitted({ driverError: server('22P02') })).toBe(false);
    expect(mayHaveCommitted(server('40P01'))).toBe(false);
    expect(mayHaveCommitted(server('57P01'))).toBe(true);
    expect(mayHaveCommitted(server('XX000'))).toBe(true);
    expect(mayHaveCommitted(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(mayHaveCommitted(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('no when the statement was never sent (no connection to be had)', () => {
    expect(mayHaveCommitted(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(false);
    expect(mayHaveCommitted(new Error('timeout exceeded when trying to connect'))).toBe(false);
  });
});
